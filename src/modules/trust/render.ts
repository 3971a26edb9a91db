import type { TrustView } from './view.js';

/**
 * The public trust center as one HTML document: no script, CSS inline, landmarks and a heading
 * per block, status said in words (never by colour alone), well under 100 KB.
 */
const esc = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const day = (iso: string) => iso.slice(0, 10);

const paragraphs = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${esc(p)}</p>`)
    .join('');

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1f;background:#f6f7f9}
a{color:#0b4fb3}
a:focus-visible{outline:3px solid #0b4fb3;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem}
.skip:focus{left:1rem}
header,main,footer{max-width:60rem;margin:0 auto;padding:1.5rem}
header{padding-top:2.5rem}
h1{font-size:2rem;margin:.2rem 0 .8rem;line-height:1.2}
h2{font-size:1.4rem;margin:0 0 1rem}
h3{font-size:1.05rem;margin:0 0 .3rem}
.org{margin:0;color:#4a4a55;font-weight:600}
.banner{background:#fff4e5;color:#6b3a00;border:1px solid #e0b070;padding:.6rem 1rem;border-radius:6px}
nav ul{list-style:none;padding:0;margin:1rem 0 0;display:flex;flex-wrap:wrap;gap:.4rem 1rem}
section{background:#fff;border:1px solid #dcdfe4;border-radius:8px;padding:1.25rem 1.5rem;margin:0 0 1.25rem}
.items{list-style:none;padding:0;margin:0;display:grid;gap:1rem;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr))}
.items li{border-top:1px solid #e6e8ec;padding-top:.75rem}
.items p{margin:.3rem 0 0;color:#33333b}
.status{display:inline-block;font-size:.85rem;font-weight:600;padding:.1rem .5rem;border-radius:4px}
.yes{background:#e5f3e8;color:#14532b}
.no{background:#fff1e0;color:#7a3e00}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #e6e8ec;vertical-align:top}
th{font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1.25rem;margin:0}
dt{font-weight:600}
dd{margin:0}
pre{white-space:pre-wrap;word-break:break-all;background:#f1f2f5;padding:.75rem;border-radius:6px;font-size:.85rem;margin:.3rem 0 1rem}
.muted{color:#4a4a55}
article{border-top:1px solid #e6e8ec;padding:.75rem 0}
article:first-of-type{border-top:0;padding-top:0}
footer{color:#4a4a55;font-size:.9rem;padding-bottom:3rem}
`.replace(/\n/g, '');

function block(id: string, title: string, body: string): string {
  return `<section aria-labelledby="${id}"><h2 id="${id}">${esc(title)}</h2>${body}</section>`;
}

function link(href: string | null, text: string): string {
  return href && /^https?:\/\//.test(href) ? `<a href="${esc(href)}">${esc(text)}</a>` : esc(text);
}

export interface RenderOptions {
  /** Marks the page as a preview of the draft. */
  preview?: boolean;
  /** Where the same data is as JSON (root-relative). */
  jsonHref?: string;
}

export function renderTrustHtml(view: TrustView, options: RenderOptions = {}): string {
  const parts: { id: string; title: string; html: string }[] = [];
  for (const s of view.sections) {
    const items = s.items
      .map(
        (i) =>
          `<li><h3>${esc(i.title)}</h3>${
            i.inPlace
              ? '<span class="status yes">In place</span>'
              : '<span class="status no">Not currently in place</span>'
          }<p>${esc(i.text)}</p></li>`,
      )
      .join('');
    parts.push({ id: `s-${s.key}`, title: s.title, html: `<ul class="items">${items}</ul>` });
  }
  if (view.certifications) {
    const body =
      view.certifications.length === 0
        ? '<p class="muted">No completed certification audit is on record yet.</p>'
        : `<ul>${view.certifications
            .map(
              (c) =>
                `<li><strong>${esc(c.name)}</strong>, report of <time datetime="${esc(c.date)}">${esc(c.date)}</time>${
                  c.window ? ` (observation window ${esc(c.window)})` : ''
                }${c.assessor ? `, by ${esc(c.assessor)}` : ''}</li>`,
            )
            .join('')}</ul>`;
    parts.push({ id: 'certifications', title: 'Certifications', html: body });
  }
  if (view.assessments) {
    const body =
      view.assessments.length === 0
        ? '<p class="muted">No completed assessment is on record yet.</p>'
        : `<dl>${view.assessments
            .map((a) => `<dt>${esc(a.label)}</dt><dd><time datetime="${esc(a.date)}">${esc(a.date)}</time></dd>`)
            .join('')}</dl>`;
    parts.push({ id: 'assessments', title: 'Most recent assessments', html: body });
  }
  if (view.subprocessors) {
    const body =
      view.subprocessors.length === 0
        ? '<p class="muted">We use no subprocessors.</p>'
        : `<table><caption class="muted" style="text-align:left">Companies that process customer data for us</caption><thead><tr><th scope="col">Name</th><th scope="col">Purpose</th><th scope="col">Regions</th></tr></thead><tbody>${view.subprocessors
            .map(
              (s) =>
                `<tr><td>${link(s.website, s.name)}</td><td>${esc(s.purpose)}</td><td>${esc(s.regions.join(', '))}</td></tr>`,
            )
            .join('')}</tbody></table>`;
    parts.push({ id: 'subprocessors', title: 'Subprocessors', html: body });
  }
  if (view.regions) {
    const body =
      view.regions.length === 0
        ? '<p class="muted">No hosting region is listed yet.</p>'
        : `<ul>${view.regions.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`;
    parts.push({ id: 'regions', title: 'Where data is hosted', html: body });
  }
  if (view.documents) {
    const body =
      view.documents.length === 0
        ? '<p class="muted">No documents are offered yet.</p>'
        : `<ul>${view.documents
            .map(
              (d) =>
                `<li><a href="${esc(d.href)}">${esc(d.title)}${d.access === 'request' ? ' (request access)' : ' (download)'}</a>${
                  d.description ? ` <span class="muted">${esc(d.description)}</span>` : ''
                }</li>`,
            )
            .join('')}</ul>`;
    parts.push({ id: 'documents', title: 'Documents', html: body });
  }
  if (view.updates) {
    const body =
      view.updates.length === 0
        ? '<p class="muted">No updates yet.</p>'
        : view.updates
            .map(
              (u) =>
                `<article><h3>${esc(u.title)}</h3><p class="muted"><time datetime="${esc(u.date)}">${esc(u.date)}</time></p>${paragraphs(u.body)}</article>`,
            )
            .join('');
    parts.push({ id: 'updates', title: 'Updates', html: body });
  }
  if (view.ledger !== undefined) {
    const body = view.ledger
      ? `<p>Our evidence is recorded in an append-only, tamper-evident log. This is its latest signed checkpoint (${view.ledger.size} entries, signed <time datetime="${esc(view.ledger.signedAt)}">${esc(day(view.ledger.signedAt))}</time>) and the key that verifies it: keep a copy, and any later checkpoint must be consistent with it.</p><h3>Signed checkpoint</h3><pre>${esc(view.ledger.checkpoint)}</pre><h3>Verifier key</h3><pre>${esc(view.ledger.verifierKey)}</pre>`
      : '<p class="muted">No checkpoint has been signed yet.</p>';
    parts.push({ id: 'ledger', title: 'Evidence log checkpoint', html: body });
  }

  const contact = [
    view.contact.email
      ? `<p>To ask a question or report a security issue, write to <a href="mailto:${esc(view.contact.email)}">${esc(view.contact.email)}</a>.</p>`
      : '',
    view.contact.url ? `<p>${link(view.contact.url, 'How to report a security issue')}</p>` : '',
  ].join('');
  if (contact) parts.push({ id: 'contact', title: 'Contact', html: contact });

  const nav = `<nav aria-label="On this page"><ul>${parts
    .map((p) => `<li><a href="#${p.id}">${esc(p.title)}</a></li>`)
    .join('')}</ul></nav>`;
  const lang = esc(view.languages[0] ?? 'en');
  const footer = [
    options.jsonHref ? `<a href="${esc(options.jsonHref)}">This page as JSON</a>` : '',
    view.publishedAt ? `Published <time datetime="${esc(view.publishedAt)}">${esc(day(view.publishedAt))}</time>.` : '',
    `Item status checked <time datetime="${esc(view.checkedAt)}">${esc(view.checkedAt.slice(0, 16).replace('T', ' '))} UTC</time> against the live security program.`,
  ]
    .filter(Boolean)
    .join(' ');

  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(
    view.title,
  )}</title><style>${STYLE}</style></head><body><a class="skip" href="#main">Skip to content</a><header>${
    options.preview ? '<p class="banner" role="note">Preview of the draft: not published.</p>' : ''
  }<p class="org">${esc(view.organisation.name)}</p><h1>${esc(view.title)}</h1>${paragraphs(view.overview)}${nav}</header><main id="main">${parts
    .map((p) => block(p.id, p.title, p.html))
    .join('')}</main><footer><p>${footer}</p></footer></body></html>`;
}
