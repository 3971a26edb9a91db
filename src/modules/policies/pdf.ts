import MarkdownIt, { type Token } from 'markdown-it';
import PDFDocument from 'pdfkit';

const md = new MarkdownIt({ html: false, linkify: false });

const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold', italic: 'Helvetica-Oblique', mono: 'Courier' };
const HEADING_SIZE: Record<string, number> = { h1: 18, h2: 14, h3: 12, h4: 11, h5: 11, h6: 11 };

export interface PdfInput {
  title: string;
  version: number;
  publishedAt: Date;
  organisation: string;
  body: string;
}

interface Run {
  text: string;
  font: string;
}

/** The text runs of an inline token: bold, italic and code switch fonts; links keep their text. */
function runsOf(inline: Token | undefined): Run[] {
  const runs: Run[] = [];
  let bold = 0;
  let italic = 0;
  for (const t of inline?.children ?? []) {
    if (t.type === 'strong_open') bold++;
    else if (t.type === 'strong_close') bold--;
    else if (t.type === 'em_open') italic++;
    else if (t.type === 'em_close') italic--;
    else if (t.type === 'text' || t.type === 'code_inline') {
      const font =
        t.type === 'code_inline' ? FONT.mono : bold > 0 ? FONT.bold : italic > 0 ? FONT.italic : FONT.regular;
      runs.push({ text: t.content, font });
    } else if (t.type === 'softbreak' || t.type === 'hardbreak') runs.push({ text: ' ', font: FONT.regular });
  }
  return runs.filter((r) => r.text.length > 0);
}

function writeRuns(doc: PDFKit.PDFDocument, runs: Run[], x: number, size = 10.5): void {
  doc.fontSize(size);
  runs.forEach((run, i) => {
    const options = { align: 'left' as const, continued: i < runs.length - 1 };
    if (i === 0) doc.font(run.font).text(run.text, x, doc.y, options);
    else doc.font(run.font).text(run.text, options);
  });
}

/**
 * A published policy version as a PDF: organisation, title, version and date on top, then the
 * Markdown's structure (headings, paragraphs, bulleted and numbered lists, tables as rows).
 */
export function policyPdf(input: PdfInput): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: {
      Title: input.title,
      Author: input.organisation,
      Subject: `${input.title}, version ${input.version}`,
      Creator: 'Attest',
      CreationDate: input.publishedAt,
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
  doc.font(FONT.bold).fontSize(22).fillColor('#111').text(input.title);
  doc
    .font(FONT.regular)
    .fontSize(10)
    .fillColor('#555')
    .text(`Version ${input.version} · published ${input.publishedAt.toISOString().slice(0, 10)}`);
  doc.moveDown(1).fillColor('#111');

  const tokens = md.parse(input.body, {});
  const lists: { ordered: boolean; n: number }[] = [];
  let row: string[] | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) continue;
    const indent = 56 + lists.length * 16;
    switch (t.type) {
      case 'heading_open':
        doc.moveDown(0.6);
        writeRuns(
          doc,
          runsOf(tokens[i + 1]).map((r) => ({ ...r, font: FONT.bold })),
          56,
          HEADING_SIZE[t.tag] ?? 11,
        );
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
        doc
          .font(FONT.regular)
          .fontSize(10.5)
          .text(marker, indent - 14, doc.y, { continued: false, lineBreak: false });
        doc.moveUp();
        break;
      }
      case 'paragraph_open': {
        const inList = lists.length > 0;
        writeRuns(doc, runsOf(tokens[i + 1]), inList ? indent + 2 : 56);
        if (!inList) doc.moveDown(0.5);
        else doc.moveDown(0.15);
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
        if (row) doc.font(FONT.regular).fontSize(10.5).text(row.join('  |  '), 56);
        row = null;
        break;
      case 'table_close':
        doc.moveDown(0.5);
        break;
      case 'fence':
      case 'code_block':
        doc.font(FONT.mono).fontSize(9).text(t.content, 56);
        doc.moveDown(0.5);
        break;
      case 'hr':
        doc.moveDown(0.5);
        break;
    }
  }
  doc.end();
  return done;
}
