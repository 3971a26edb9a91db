/**
 * Markdown into a pdfkit document: headings, paragraphs with bold, italic and code, nested
 * bulleted and numbered lists, tables as rows, code blocks and rules. Policies and signed
 * agreements are written with it. Loaded only with the PDF writers that use it.
 */
import MarkdownIt, { type Token } from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: false });

export const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold', italic: 'Helvetica-Oblique', mono: 'Courier' };
const BODY_SIZE = 10.5;

interface Run {
  text: string;
  font: string;
}

/** The text runs of an inline token: bold, italic and code switch fonts; links keep their text. */
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
    const options = { align: 'left' as const, continued: i < runs.length - 1 };
    if (i === 0) doc.font(run.font).text(run.text, x, doc.y, options);
    else doc.font(run.font).text(run.text, options);
  });
}

/** Starts a new page unless `lines` more fit: a heading or a list marker never ends a page alone. */
export function keepLines(doc: PDFKit.PDFDocument, lines: number): void {
  if (doc.y + lines * doc.currentLineHeight(true) > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

/** Writes `source` from the current position, its left edge at `margin`. */
export function writeMarkdown(
  doc: PDFKit.PDFDocument,
  source: string,
  margin: number,
  headingSize: Record<string, number>,
): void {
  const tokens = md.parse(source, {});
  const lists: { ordered: boolean; n: number }[] = [];
  let row: string[] | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) continue;
    const indent = margin + lists.length * 16;
    switch (t.type) {
      case 'heading_open':
        doc.moveDown(0.6);
        keepLines(doc, 4);
        writeRuns(doc, runsOf(tokens[i + 1], FONT.bold), margin, headingSize[t.tag] ?? 11);
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
          .fontSize(BODY_SIZE)
          .text(marker, indent - 14, y, { lineBreak: false });
        doc.y = y;
        break;
      }
      case 'paragraph_open': {
        const inList = lists.length > 0;
        writeRuns(doc, runsOf(tokens[i + 1]), inList ? indent + 2 : margin, BODY_SIZE);
        doc.moveDown(inList ? 0.15 : 0.5);
        i += 2;
        break;
      }
      case 'tr_open':
        row = [];
        break;
      case 'inline':
        if (row)
          row.push(
            runsOf(t)
              .map((r) => r.text)
              .join(''),
          );
        break;
      case 'tr_close':
        if (row) doc.font(FONT.regular).fontSize(BODY_SIZE).text(row.join('  |  '), margin);
        row = null;
        break;
      case 'table_close':
        doc.moveDown(0.5);
        break;
      case 'fence':
      case 'code_block':
        doc.font(FONT.mono).fontSize(9).text(t.content, margin);
        doc.moveDown(0.5);
        break;
      case 'hr':
        doc.moveDown(0.5);
        break;
    }
  }
}

/** The finished document's bytes (call before writing; the promise settles on doc.end()). */
export function pdfBytes(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}
