/**
 * The parts every landscape report Attest writes as evidence shares (access review campaigns,
 * risk assessments): the document with its metadata, section headings, tables whose header
 * repeats on each page, and a "page N of M" footer. pdfkit loads on first use (it is large, and
 * most processes never draw a report).
 */

export const REPORT_FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold' };
export const REPORT_MARGIN = 40;
const SIZE = 7.5;
const ROW = 11;

export interface ReportColumn<T> {
  title: string;
  width: number;
  value: (r: T) => string;
  /** Wrap onto up to this many lines instead of cutting the text (default 1). */
  lines?: number;
}

export interface ReportDocument {
  doc: PDFKit.PDFDocument;
  /** Writes the footer on every page, ends the document and answers its bytes. */
  finish(footer: string): Promise<Buffer>;
}

/** A landscape A4 document whose pages stay buffered until `finish` numbers them. */
export async function openReport(info: {
  title: string;
  author: string;
  subject: string;
  created: Date;
}): Promise<ReportDocument> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: REPORT_MARGIN,
    bufferPages: true,
    info: {
      Title: info.title,
      Author: info.author,
      Subject: info.subject,
      Creator: 'Attest',
      CreationDate: info.created,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return {
    doc,
    finish(footer: string) {
      const range = doc.bufferedPageRange();
      for (let i = range.start; i < range.start + range.count; i++) {
        doc.switchToPage(i);
        // Text below the bottom margin would start a new page: the footer lifts it for itself.
        doc.page.margins.bottom = 0;
        doc
          .font(REPORT_FONT.regular)
          .fontSize(7)
          .fillColor('#777')
          .text(`${footer} · page ${i + 1} of ${range.count}`, REPORT_MARGIN, doc.page.height - REPORT_MARGIN + 10, {
            width: doc.page.width - 2 * REPORT_MARGIN,
            align: 'right',
            lineBreak: false,
          });
      }
      doc.end();
      return done;
    },
  };
}

/** A section heading; starts a new page when fewer than `room` points are left. */
export function reportHeading(doc: PDFKit.PDFDocument, text: string, room = 60): void {
  if (doc.y > doc.page.height - REPORT_MARGIN - room) doc.addPage();
  doc.x = REPORT_MARGIN;
  doc.font(REPORT_FONT.bold).fontSize(12).fillColor('#111').text(text);
  doc.moveDown(0.4);
}

/** The text cut with an ellipsis to fit `width` at the current font. */
function fit(doc: PDFKit.PDFDocument, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (doc.widthOfString(`${text.slice(0, mid)}…`) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

/** A table with a bold header repeated on each page; rows never split across pages. */
export function reportTable<T>(doc: PDFKit.PDFDocument, columns: ReportColumn<T>[], rows: T[]): void {
  const left = REPORT_MARGIN;
  const bottom = () => doc.page.height - REPORT_MARGIN - 14;
  const header = () => {
    doc.font(REPORT_FONT.bold).fontSize(SIZE).fillColor('#111');
    let x = left;
    const y = doc.y;
    for (const c of columns) {
      doc.text(c.title, x, y, { width: c.width - 4, lineBreak: false });
      x += c.width;
    }
    const width = columns.reduce((w, c) => w + c.width, 0);
    doc
      .moveTo(left, y + ROW - 2)
      .lineTo(left + width, y + ROW - 2)
      .lineWidth(0.5)
      .strokeColor('#999')
      .stroke();
    doc.x = left;
    doc.y = y + ROW + 1;
    doc.font(REPORT_FONT.regular).fillColor('#222');
  };
  header();
  for (const r of rows) {
    const cells = columns.map((c) => {
      const text = c.value(r).replace(/\s+/g, ' ').trim();
      if ((c.lines ?? 1) === 1) return { text: fit(doc, text, c.width - 4), lines: 1 };
      const height = doc.heightOfString(text, { width: c.width - 4 });
      const lines = Math.min(c.lines ?? 1, Math.max(1, Math.ceil(height / (SIZE * 1.2))));
      return { text, lines };
    });
    const height = Math.max(...cells.map((c) => c.lines)) * ROW;
    if (doc.y + height > bottom()) {
      doc.addPage();
      header();
    }
    const y = doc.y;
    let x = left;
    cells.forEach((cell, i) => {
      const width = (columns[i]?.width ?? 0) - 4;
      // A single line is already cut to fit: no line wrapping to compute (most of the cost).
      if (cell.lines === 1) doc.text(cell.text, x, y, { lineBreak: false });
      else doc.text(cell.text, x, y, { width, height: cell.lines * ROW, ellipsis: true });
      x += columns[i]?.width ?? 0;
    });
    doc.x = left;
    doc.y = y + height;
  }
  doc.moveDown(1);
}
