/**
 * The risk assessment report as a PDF: a summary with the fraud statement, the inherent and
 * residual heat maps as 5×5 tables (likelihood down, impact across, each cell the number of
 * risks, shaded by level), then every risk with its review. pdfkit loads on first use.
 */
import type { AssessmentReport, ReportRow } from './export.js';
import { LEVELS, type RiskLevel, scoreOf } from './scoring.js';

const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold' };
const MARGIN = 40;
const SIZE = 7.5;
const ROW = 11;

/** Light shades, so black figures stay readable in print. */
const SHADE: Record<RiskLevel, string> = {
  low: '#d3f0dc',
  medium: '#fbeeb8',
  high: '#fbd3b0',
  critical: '#f6b8b8',
};

const day = (d: string | Date | null) => (d ? new Date(d).toISOString().slice(0, 10) : '—');

interface Column {
  title: string;
  width: number;
  value: (r: ReportRow) => string;
  lines?: number;
}

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

function heading(doc: PDFKit.PDFDocument, text: string): void {
  if (doc.y > doc.page.height - MARGIN - 80) doc.addPage();
  doc.x = MARGIN;
  doc.font(FONT.bold).fontSize(12).fillColor('#111').text(text);
  doc.moveDown(0.4);
}

/** Rows never split across pages; the header repeats on each page. */
function table(doc: PDFKit.PDFDocument, columns: Column[], rows: ReportRow[]): void {
  const bottom = () => doc.page.height - MARGIN - 14;
  const header = () => {
    doc.font(FONT.bold).fontSize(SIZE).fillColor('#111');
    let x = MARGIN;
    const y = doc.y;
    for (const c of columns) {
      doc.text(c.title, x, y, { width: c.width - 4, lineBreak: false });
      x += c.width;
    }
    const width = columns.reduce((w, c) => w + c.width, 0);
    doc
      .moveTo(MARGIN, y + ROW - 2)
      .lineTo(MARGIN + width, y + ROW - 2)
      .lineWidth(0.5)
      .strokeColor('#999')
      .stroke();
    doc.y = y + ROW + 1;
    doc.font(FONT.regular).fillColor('#222');
  };
  header();
  for (const r of rows) {
    const cells = columns.map((c) => {
      const text = c.value(r).replace(/\s+/g, ' ').trim();
      if ((c.lines ?? 1) === 1) return { text: fit(doc, text, c.width - 4), lines: 1 };
      const height = doc.heightOfString(text, { width: c.width - 4 });
      return { text, lines: Math.min(c.lines ?? 1, Math.max(1, Math.ceil(height / (SIZE * 1.2)))) };
    });
    const height = Math.max(...cells.map((c) => c.lines)) * ROW;
    if (doc.y + height > bottom()) {
      doc.addPage();
      header();
    }
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((cell, i) => {
      const width = (columns[i]?.width ?? 0) - 4;
      if (cell.lines === 1) doc.text(cell.text, x, y, { lineBreak: false });
      else doc.text(cell.text, x, y, { width, height: cell.lines * ROW, ellipsis: true });
      x += columns[i]?.width ?? 0;
    });
    doc.x = MARGIN;
    doc.y = y + height;
  }
  doc.moveDown(1);
}

/** Counts per cell of the reviewed ratings: [likelihood - 1][impact - 1]. */
export function heatCounts(rows: ReportRow[], kind: 'inherent' | 'residual'): number[][] {
  const counts = [0, 1, 2, 3, 4].map(() => [0, 0, 0, 0, 0]);
  for (const r of rows) {
    const l = kind === 'inherent' ? r.inherentLikelihood : r.residualLikelihood;
    const i = kind === 'inherent' ? r.inherentImpact : r.residualImpact;
    if (l === null || i === null) continue;
    const line = counts[l - 1];
    if (line) line[i - 1] = (line[i - 1] ?? 0) + 1;
  }
  return counts;
}

/** One heat map at (x, y): likelihood 5 at the top, impact 1 to 5 left to right. */
function heatTable(doc: PDFKit.PDFDocument, title: string, counts: number[][], x: number, y: number): void {
  const cell = 34;
  const label = 62;
  doc
    .font(FONT.bold)
    .fontSize(10)
    .fillColor('#111')
    .text(title, x, y, { width: label + 5 * cell, lineBreak: false });
  // Title, then the impact numbers, then the grid.
  const top = y + 28;
  doc.font(FONT.regular).fontSize(SIZE).fillColor('#555');
  doc.text('Rows: likelihood (5 at the top). Columns: impact.', x, top + 5 * cell + 4, {
    width: label + 5 * cell,
    lineBreak: false,
  });
  for (let row = 0; row < 5; row++) {
    const likelihood = 5 - row;
    const cy = top + row * cell;
    doc
      .font(FONT.regular)
      .fontSize(SIZE)
      .fillColor('#333')
      .text(String(likelihood), x, cy + cell / 2 - 4, { width: label - 6, align: 'right', lineBreak: false });
    for (let impact = 1; impact <= 5; impact++) {
      const cx = x + label + (impact - 1) * cell;
      const s = scoreOf(likelihood, impact);
      doc.rect(cx, cy, cell, cell).fillAndStroke(SHADE[s.level], '#888');
      const n = counts[likelihood - 1]?.[impact - 1] ?? 0;
      doc
        .font(n > 0 ? FONT.bold : FONT.regular)
        .fontSize(n > 0 ? 11 : SIZE)
        .fillColor(n > 0 ? '#111' : '#777')
        .text(n > 0 ? String(n) : '·', cx, cy + cell / 2 - (n > 0 ? 5 : 4), {
          width: cell,
          align: 'center',
          lineBreak: false,
        });
    }
  }
  for (let impact = 1; impact <= 5; impact++) {
    doc
      .font(FONT.regular)
      .fontSize(SIZE)
      .fillColor('#333')
      .text(String(impact), x + label + (impact - 1) * cell, top - 11, {
        width: cell,
        align: 'center',
        lineBreak: false,
      });
  }
}

/** The report as PDF bytes. */
export async function assessmentPdf(data: AssessmentReport): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const { assessment, rows } = data;
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: `Risk assessment: ${assessment.name}`,
      Author: data.organisation,
      Subject: `Risk assessment ${assessment.id}`,
      Creator: 'Attest',
      CreationDate: assessment.completedAt ?? assessment.startedAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font(FONT.regular).fontSize(10).fillColor('#555').text(data.organisation);
  doc.font(FONT.bold).fontSize(20).fillColor('#111').text(`Risk assessment: ${assessment.name}`);
  doc
    .font(FONT.regular)
    .fontSize(10)
    .fillColor('#555')
    .text(
      `Started ${day(assessment.startedAt)}${assessment.startedBy ? ` by ${assessment.startedBy}` : ''} · due ${assessment.dueOn} · ` +
        (assessment.completedAt
          ? `completed ${day(assessment.completedAt)}${assessment.completedBy ? ` by ${assessment.completedBy}` : ''}`
          : assessment.status),
    );
  doc.moveDown(1);

  heading(doc, 'Summary');
  const byLevel = (level: RiskLevel) => rows.filter((r) => r.residualLevel === level).length;
  const raised = rows.filter((r) => r.raised).length;
  const fraud = rows.filter((r) => r.category === 'fraud').length;
  doc.font(FONT.regular).fontSize(10).fillColor('#222');
  for (const line of [
    `${rows.length} risks reviewed (${raised} raised during the assessment).`,
    `Residual levels: ${LEVELS.map((l) => `${byLevel(l)} ${l}`).join(', ')}.`,
    `Scores are likelihood × impact (1–5 each): 1–4 low, 5–9 medium, 10–16 high, 20–25 critical.`,
    `${fraud === 1 ? 'One risk' : `${fraud} risks`} of category fraud.`,
  ]) {
    doc.text(line);
  }
  doc.moveDown(0.6);
  doc.font(FONT.bold).text('How fraud was considered');
  doc.font(FONT.regular).text(assessment.fraudStatement || '—', { width: doc.page.width - 2 * MARGIN });
  doc.moveDown(1);

  heading(doc, 'Heat maps (as reviewed)');
  if (doc.y > doc.page.height - MARGIN - 240) doc.addPage();
  const y = doc.y;
  heatTable(doc, 'Inherent risk', heatCounts(rows, 'inherent'), MARGIN, y);
  heatTable(doc, 'Residual risk', heatCounts(rows, 'residual'), MARGIN + 300, y);
  doc.x = MARGIN;
  doc.y = y + 28 + 5 * 34 + 24;
  doc.moveDown(1);

  heading(doc, 'Risks');
  const score = (s: number | null, l: string | null) => (s === null ? '—' : `${s} ${l ?? ''}`);
  table(
    doc,
    [
      { title: 'Risk', width: 150, value: (r) => r.title, lines: 2 },
      { title: 'Category', width: 62, value: (r) => r.category },
      { title: 'Owner', width: 110, value: (r) => r.owner },
      {
        title: 'Before (I/R)',
        width: 55,
        value: (r) => (r.raised ? 'new' : `${r.inherentBefore}/${r.residualBefore}`),
      },
      { title: 'Inherent', width: 58, value: (r) => score(r.inherentScore, r.inherentLevel) },
      { title: 'Residual', width: 58, value: (r) => score(r.residualScore, r.residualLevel) },
      { title: 'Treatment', width: 52, value: (r) => r.treatment || '—' },
      { title: 'Comment', width: 160, value: (r) => r.comment, lines: 3 },
      { title: 'Reviewed', width: 57, value: (r) => `${day(r.reviewedAt)}` },
    ],
    rows,
  );

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.page.margins.bottom = 0;
    doc
      .font(FONT.regular)
      .fontSize(7)
      .fillColor('#777')
      .text(`${assessment.name} · page ${i + 1} of ${range.count}`, MARGIN, doc.page.height - MARGIN + 10, {
        width: doc.page.width - 2 * MARGIN,
        align: 'right',
        lineBreak: false,
      });
  }
  doc.end();
  return done;
}
