/**
 * The campaign report as a PDF: a summary, counts per system, the revocations and changes with
 * their comments, then every account with its decision. pdfkit loads on first use (it is large,
 * and most processes never draw a report).
 */
import type { ReportData, ReportRow } from './export.js';

const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold' };
const MARGIN = 40;
const SIZE = 7.5;
const ROW = 11;

interface Column<T> {
  title: string;
  width: number;
  value: (r: T) => string;
  /** Wrap onto up to this many lines instead of cutting the text (default 1). */
  lines?: number;
}

const day = (iso: string | Date | null) => (iso ? new Date(iso).toISOString().slice(0, 10) : '—');
const yesNo = (b: boolean | null) => (b === null ? '—' : b ? 'yes' : 'no');

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
function table<T>(doc: PDFKit.PDFDocument, columns: Column<T>[], rows: T[]): void {
  const left = MARGIN;
  const bottom = () => doc.page.height - MARGIN - 14;
  const header = () => {
    doc.font(FONT.bold).fontSize(SIZE).fillColor('#111');
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
    doc.font(FONT.regular).fillColor('#222');
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

function heading(doc: PDFKit.PDFDocument, text: string): void {
  if (doc.y > doc.page.height - MARGIN - 60) doc.addPage();
  doc.x = MARGIN;
  doc.font(FONT.bold).fontSize(12).fillColor('#111').text(text);
  doc.moveDown(0.4);
}

interface SystemCounts {
  system: string;
  total: number;
  keep: number;
  revoke: number;
  change: number;
}

function perSystem(rows: ReportRow[]): SystemCounts[] {
  const counts = new Map<string, SystemCounts>();
  for (const r of rows) {
    const c = counts.get(r.system) ?? { system: r.system, total: 0, keep: 0, revoke: 0, change: 0 };
    c.total++;
    if (r.decision === 'keep' || r.decision === 'revoke' || r.decision === 'change') c[r.decision]++;
    counts.set(r.system, c);
  }
  return [...counts.values()];
}

/** The report as PDF bytes. */
export async function reviewPdf(data: ReportData): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const { campaign, rows } = data;
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: `Access review: ${campaign.name}`,
      Author: data.organisation,
      Subject: `Access review ${campaign.id}`,
      Creator: 'Attest',
      CreationDate: campaign.completedAt ?? campaign.startedAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const count = (d: string) => rows.filter((r) => r.decision === d).length;
  const pending = (d: string) => rows.filter((r) => r.decision === d && !r.resolvedAt).length;
  const reviewers = new Set(rows.map((r) => r.reviewer).filter(Boolean)).size;

  doc.font(FONT.regular).fontSize(10).fillColor('#555').text(data.organisation);
  doc.font(FONT.bold).fontSize(20).fillColor('#111').text(`Access review: ${campaign.name}`);
  doc
    .font(FONT.regular)
    .fontSize(10)
    .fillColor('#555')
    .text(
      `Started ${day(campaign.startedAt)}${campaign.startedBy ? ` by ${campaign.startedBy}` : ' on schedule'} · ` +
        `due ${day(campaign.dueAt)} · ` +
        (campaign.completedAt
          ? `completed ${day(campaign.completedAt)}${campaign.completedBy ? ` by ${campaign.completedBy}` : ''}`
          : campaign.status),
    );
  doc.moveDown(1);

  heading(doc, 'Summary');
  doc.font(FONT.regular).fontSize(10).fillColor('#222');
  for (const line of [
    `${rows.length} accounts reviewed by ${reviewers} ${reviewers === 1 ? 'reviewer' : 'reviewers'}.`,
    `Kept: ${count('keep')}. Revoked: ${count('revoke')} (${pending('revoke')} still present at the last sync). ` +
      `Changed: ${count('change')} (${pending('change')} not yet confirmed). Undecided: ${count('')}.`,
    'A revocation counts as done only once a sync from the system no longer shows the account, or shows it disabled.',
  ]) {
    doc.text(line);
  }
  doc.moveDown(1);

  heading(doc, 'Accounts per system');
  table(
    doc,
    [
      { title: 'System', width: 260, value: (c: SystemCounts) => c.system },
      { title: 'Accounts', width: 80, value: (c) => String(c.total) },
      { title: 'Kept', width: 80, value: (c) => String(c.keep) },
      { title: 'Revoked', width: 80, value: (c) => String(c.revoke) },
      { title: 'Changed', width: 80, value: (c) => String(c.change) },
      { title: 'Undecided', width: 80, value: (c) => String(c.total - c.keep - c.revoke - c.change) },
    ],
    perSystem(rows),
  );

  heading(doc, 'Revocations and changes');
  const actions = rows.filter((r) => r.decision === 'revoke' || r.decision === 'change');
  if (actions.length === 0) doc.font(FONT.regular).fontSize(10).text('None: every account was kept.').moveDown(1);
  else {
    table(
      doc,
      [
        { title: 'System', width: 95, value: (r: ReportRow) => r.system },
        { title: 'Account', width: 120, value: (r) => r.account },
        { title: 'Decision', width: 50, value: (r) => r.decision },
        { title: 'Comment', width: 250, value: (r) => r.comment, lines: 3 },
        { title: 'Reviewer', width: 120, value: (r) => r.reviewer },
        { title: 'Decided', width: 55, value: (r) => day(r.decidedAt) },
        { title: 'Done', width: 70, value: (r) => (r.resolvedAt ? day(r.resolvedAt) : 'pending') },
      ],
      actions,
    );
  }

  heading(doc, 'All accounts');
  table(
    doc,
    [
      { title: 'System', width: 95, value: (r: ReportRow) => r.system },
      { title: 'Account', width: 120, value: (r) => r.account },
      { title: 'Email', width: 140, value: (r) => r.email },
      { title: 'Person', width: 95, value: (r) => r.person },
      { title: 'Admin', width: 35, value: (r) => yesNo(r.admin) },
      { title: 'MFA', width: 30, value: (r) => yesNo(r.mfa) },
      { title: 'Last login', width: 55, value: (r) => day(r.lastLoginAt) },
      { title: 'Reviewer', width: 130, value: (r) => r.reviewer },
      { title: 'Decision', width: 60, value: (r) => r.decision || 'undecided' },
    ],
    rows,
  );

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Text below the bottom margin would start a new page: the footer lifts it for itself.
    doc.page.margins.bottom = 0;
    doc
      .font(FONT.regular)
      .fontSize(7)
      .fillColor('#777')
      .text(`${campaign.name} · page ${i + 1} of ${range.count}`, MARGIN, doc.page.height - MARGIN + 10, {
        width: doc.page.width - 2 * MARGIN,
        align: 'right',
        lineBreak: false,
      });
  }
  doc.end();
  return done;
}
