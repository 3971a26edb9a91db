/**
 * The visitor's pages, server-rendered: plain HTML and CSS, no script, one column that reads
 * on a phone. Every value goes through `esc`.
 */
import { ERRORS, type ErrorCode } from '../../errors.js';

export const esc = (value: string | number) =>
  String(value).replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string,
  );

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1b1e;background:#f8f9fa}
header{background:#fff;border-bottom:1px solid #dee2e6;padding:1rem}
header a{color:#1a1b1e;font-weight:600;text-decoration:none;font-size:1.1rem}
main{max-width:44rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 .5rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
p{margin:.5rem 0}
a{color:#1864ab}
.card{background:#fff;border:1px solid #dee2e6;border-radius:8px;padding:1.25rem;margin:1rem 0}
label{display:block;font-weight:600;margin:.9rem 0 .25rem}
input[type=text],input[type=email]{width:100%;padding:.55rem .65rem;font:inherit;border:1px solid #868e96;border-radius:6px;background:#fff}
input:focus,button:focus,a:focus,.nda:focus{outline:3px solid #74c0fc;outline-offset:2px}
.check{display:flex;gap:.5rem;align-items:center;font-weight:600;margin:1rem 0}
.check input{width:1.2rem;height:1.2rem}
.nda{white-space:pre-wrap;max-height:18rem;overflow:auto;border:1px solid #ced4da;border-radius:6px;padding:.75rem;background:#fff;font-size:.95rem}
.meta{color:#495057;font-size:.875rem;overflow-wrap:anywhere}
.button{display:inline-block;margin-top:1rem;padding:.6rem 1.1rem;border:0;border-radius:6px;background:#1864ab;color:#fff;font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
.errors{border:1px solid #e03131;background:#fff5f5;color:#a51111;border-radius:6px;padding:.75rem 1rem}
.errors ul{margin:.25rem 0 0;padding-left:1.25rem}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
footer{max-width:44rem;margin:0 auto;padding:0 1rem 2rem;color:#495057;font-size:.8rem}
`;

export interface PageOrg {
  slug: string;
  name: string;
}

export function layout(org: PageOrg | null, title: string, body: string): string {
  const home = org ? `<a href="/trust/${esc(encodeURIComponent(org.slug))}">${esc(org.name)} trust center</a>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(title)}${org ? ` · ${esc(org.name)}` : ''}</title>
<style>${CSS}</style>
</head>
<body>
<header>${home || '<span>Trust center</span>'}</header>
<main id="main">
${body}
</main>
<footer>Published with Attest.</footer>
</body>
</html>`;
}

export interface FormView {
  org: PageOrg;
  document: { id: string; title: string; description: string };
  nda: { version: number; text: string; sha256: string };
  values?: { name?: string; email?: string; company?: string };
  errors?: string[];
}

export function requestForm(view: FormView): string {
  const { org, document, nda } = view;
  const v = view.values ?? {};
  const action = `/trust/${encodeURIComponent(org.slug)}/documents/${document.id}/request`;
  const errors = view.errors?.length
    ? `<div class="errors" role="alert"><strong>Please fix this:</strong><ul>${view.errors
        .map((e) => `<li>${esc(e)}</li>`)
        .join('')}</ul></div>`
    : '';
  return layout(
    org,
    `Request ${document.title}`,
    `<h1>Request “${esc(document.title)}”</h1>
${document.description ? `<p>${esc(document.description)}</p>` : ''}
<p>${esc(org.name)} shares this document with people who accept its NDA. Tell us who you are; we email you a link when your request is approved. Each copy carries your email address.</p>
${errors}
<form class="card" method="post" action="${esc(action)}">
<label for="name">Your name</label>
<input type="text" id="name" name="name" autocomplete="name" required maxlength="200" value="${esc(v.name ?? '')}">
<label for="email">Work email</label>
<input type="email" id="email" name="email" autocomplete="email" required maxlength="320" value="${esc(v.email ?? '')}">
<label for="company">Company</label>
<input type="text" id="company" name="company" autocomplete="organization" required maxlength="200" value="${esc(v.company ?? '')}">
<div class="hp" aria-hidden="true"><label for="website">Website (leave this empty)</label><input type="text" id="website" name="website" tabindex="-1" autocomplete="off" value=""></div>
<h2 id="nda-title">Non-disclosure agreement</h2>
<div class="nda" tabindex="0" role="region" aria-labelledby="nda-title">${esc(nda.text)}</div>
<p class="meta">Version ${esc(nda.version)} · SHA-256 ${esc(nda.sha256)}</p>
<input type="hidden" name="nda" value="${esc(nda.sha256)}">
<div class="check"><input type="checkbox" id="accept" name="accept" value="yes" required><label for="accept" style="margin:0">I accept</label></div>
<button class="button" type="submit">Request the document</button>
</form>`,
  );
}

export function message(org: PageOrg | null, title: string, paragraphs: string[], extra = ''): string {
  return layout(org, title, `<h1>${esc(title)}</h1>\n${paragraphs.map((p) => `<p>${esc(p)}</p>`).join('\n')}${extra}`);
}

export function grantPage(org: PageOrg, view: { title: string; email: string; expiresAt: Date; href: string }): string {
  const until = view.expiresAt.toISOString().replace('T', ' ').slice(0, 16);
  return layout(
    org,
    view.title,
    `<h1>${esc(view.title)}</h1>
<div class="card">
<p>${esc(org.name)} shared this document with ${esc(view.email)}.</p>
<p>The link works until ${esc(until)} UTC. Each download is marked with your email address and recorded.</p>
<a class="button" href="${esc(view.href)}">Download the PDF</a>
</div>`,
  );
}

/** A page for an error: the same words the API would give, as HTML. */
export function errorPage(org: PageOrg | null, code: ErrorCode, detail: string): string {
  return message(org, ERRORS[code].title, [detail]);
}
