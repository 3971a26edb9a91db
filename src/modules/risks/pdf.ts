/**
 * The risk assessment report as a PDF: a summary with the fraud statement, the inherent and
 * residual heat maps as 5×5 tables (likelihood down, impact across, each cell the number of
 * risks, shaded by level), then every risk with its review. pdfkit loads on first use.
 */
import { openReport, REPORT_FONT, REPORT_MARGIN, reportHeading, reportTable as table } from '../evidence/report-pdf.js';
import type { AssessmentReport, ReportRow } from './export.js';

const heading = (doc: PDFKit.PDFDocument, text: string) => reportHeading(doc, text, 80);

import { LEVELS, type RiskLevel, scoreOf } from './scoring.js';

const FONT = REPORT_FONT;
const MARGIN = REPORT_MARGIN;
const SIZE = 7.5;

/** Light shades, so black figures stay readable in print. */
const SHADE: Record<RiskLevel, string> = {
  low: '#d3f0dc',
  medium: '#fbeeb8',
  high: '#fbd3b0',
  critical: '#f6b8b8',
};

const day = (d: string | Date | null) => (d ? new Date(d).toISOString().slice(0, 10) : '—');

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
  const { doc, finish } = await openReport({
    title: `Risk assessment: ${data.assessment.name}`,
    author: data.organisation,
    subject: `Risk assessment ${data.assessment.id}`,
    created: data.assessment.completedAt ?? data.assessment.startedAt,
  });
  const { assessment, rows } = data;

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

  return finish(assessment.name);
}
