/**
 * The signed agreement as a PDF: the whole text that was signed (or, for an uploaded agreement,
 * its file name and hash), then a signature block naming who signed, when, from where, and the
 * document hash the signature binds to. Loaded lazily (`await import('./pdf.js')`), so pdfkit
 * is read from disk only when someone first signs.
 */
import MarkdownIt, { type Token } from 'markdown-it';
import PDFDocument from 'pdfkit';

const md = new MarkdownIt({ html: false, linkify: false });
const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold', italic: 'Helvetica-Oblique', mono: 'Courier' };
const HEADING_SIZE: Record<string, number> = { h1: 16, h2: 13, h3: 11.5 };
const MARGIN = 56;

export interface SignedPdfInput {
  organisation: string;
  title: string;
  version: number;
  publishedAt: Date;
  /** The Markdown text; null for an uploaded agreement (then `file` says what was signed). */
  body: string | null;
  file: { name: string } | null;
  documentSha256: string;
  signatureId: string;
  typedName: string;
  email: string;
  signedAt: Date;
  ip: string | null;
  userAgent: string | null;
}

interface Run {
  text: string;
  font: string;
}

/** An inline token's text, with bold, italic and code as font changes. */
function runsOf(inline: Token | undefined, base = FONT.regular): Run[] {
  const runs: Run[] = [];
  let bold = 0;
  let italic = 0;
  for (const t of inline?.children ?? []) {
    if (t.type === 'strong_open') bold++;
    else if (t.type === 'strong_close') bold--;
    else if (t.type === 'em_open') italic++;
    else if (t.type === 'em_close') italic--;
    else if (t.type === 'text' || t.type === 'code_inline') {
      const font = t.type === 'code_inline' ? FONT.mono : bold > 0 ? FONT.bold : italic > 0 ? FONT.italic : base;
      if (t.content) runs.push({ text: t.content, font });
    } else if (t.type === 'softbreak' || t.type === 'hardbreak') runs.push({ text: ' ', font: base });
  }
  return runs;
}

function writeRuns(doc: PDFKit.PDFDocument, runs: Run[], x: number, size: number): void {
  doc.fontSize(size);
  runs.forEach((run, i) => {
    const options = { continued: i < runs.length - 1 };
    if (i === 0) doc.font(run.font).text(run.text, x, doc.y, options);
    else doc.font(run.font).text(run.text, options);
  });
}

/** Starts a new page unless `lines` more fit: a heading or a list marker never ends a page alone. */
function keepLines(doc: PDFKit.PDFDocument, lines: number): void {
  if (doc.y + lines * doc.currentLineHeight(true) > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

/** Headings, paragraphs, lists (nested), code and rules: what an agreement's text uses. */
function writeMarkdown(doc: PDFKit.PDFDocument, body: string): void {
  const tokens = md.parse(body, {});
  const lists: { ordered: boolean; n: number }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) continue;
    const indent = MARGIN + lists.length * 16;
    switch (t.type) {
      case 'heading_open':
        doc.moveDown(0.6);
        keepLines(doc, 4);
        writeRuns(doc, runsOf(tokens[i + 1], FONT.bold), MARGIN, HEADING_SIZE[t.tag] ?? 11);
        doc.moveDown(0.3);
        i += 2;
        break;
      case 'bullet_list_open':
      case 'ordered_list_open':
        lists.push({ ordered: t.type === 'ordered_list_open', n: Number(t.attrGet('start') ?? 1) });
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        if (lists.length === 0) doc.moveDown(0.4);
        break;
      case 'list_item_open': {
        const list = lists.at(-1);
        const marker = list?.ordered ? `${list.n++}.` : '•';
        // The marker sits left of the text, which then starts on the same line.
        keepLines(doc, 2);
        const y = doc.y;
        doc
          .font(FONT.regular)
          .fontSize(10.5)
          .text(marker, indent - 14, y, { lineBreak: false });
        doc.y = y;
        break;
      }
      case 'paragraph_open': {
        const inList = lists.length > 0;
        writeRuns(doc, runsOf(tokens[i + 1]), inList ? indent + 2 : MARGIN, 10.5);
        doc.moveDown(inList ? 0.15 : 0.5);
        i += 2;
        break;
      }
      case 'fence':
      case 'code_block':
        doc.font(FONT.mono).fontSize(9).text(t.content, MARGIN);
        doc.moveDown(0.5);
        break;
      case 'hr':
        doc.moveDown(0.5);
        break;
    }
  }
}

function field(doc: PDFKit.PDFDocument, label: string, value: string, mono = false): void {
  doc.font(FONT.bold).fontSize(10).text(`${label}: `, MARGIN, doc.y, { continued: true });
  doc.font(mono ? FONT.mono : FONT.regular).text(value);
}

const utc = (d: Date) => `${d.toISOString().replace('T', ' ').slice(0, 19)} UTC`;

export function signedAgreementPdf(input: SignedPdfInput): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: `${input.title}, version ${input.version}, signed by ${input.typedName}`,
      Author: input.organisation,
      Subject: `Signature ${input.signatureId}`,
      Creator: 'Attest',
      CreationDate: input.signedAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font(FONT.regular).fontSize(10).fillColor('#555').text(input.organisation);
  doc.moveDown(0.3);
  doc.font(FONT.bold).fontSize(20).fillColor('#111').text(input.title);
  doc
    .font(FONT.regular)
    .fontSize(10)
    .fillColor('#555')
    .text(`Version ${input.version} · published ${input.publishedAt.toISOString().slice(0, 10)}`);
  doc.moveDown(1).fillColor('#111');

  if (input.body !== null) writeMarkdown(doc, input.body);
  else {
    doc
      .font(FONT.regular)
      .fontSize(10.5)
      .text(
        'This agreement was published as a file. The person below signed the file named here; its SHA-256 identifies it exactly.',
      );
    doc.moveDown(0.5);
    field(doc, 'File', input.file?.name ?? '');
  }

  doc.moveDown(1.5);
  keepLines(doc, 12);
  doc.font(FONT.bold).fontSize(13).text('Signature', MARGIN);
  doc.moveDown(0.4);
  doc
    .font(FONT.regular)
    .fontSize(10.5)
    .text(
      `${input.typedName} read this agreement and signed it electronically by typing their name and confirming that they agree.`,
      MARGIN,
    );
  doc.moveDown(0.5);
  field(doc, 'Typed name', input.typedName);
  field(doc, 'Email', input.email);
  field(doc, 'Signed at', utc(input.signedAt));
  field(doc, 'IP address', input.ip ?? 'not known');
  if (input.userAgent) field(doc, 'Browser', input.userAgent);
  field(doc, 'Document SHA-256', input.documentSha256, true);
  field(doc, 'Signature id', input.signatureId, true);
  doc.end();
  return done;
}
