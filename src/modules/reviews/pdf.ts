/**
 * The campaign report as a PDF: a summary, counts per system, the revocations and changes with
 * their comments, then every account with its decision. pdfkit loads on first use (it is large,
 * and most processes never draw a report).
 */
import { reportHeading as heading, openReport, REPORT_FONT, reportTable as table } from '../evidence/report-pdf.js';
import type { ReportData, ReportRow } from './export.js';

const FONT = REPORT_FONT;

const day = (iso: string | Date | null) => (iso ? new Date(iso).toISOString().slice(0, 10) : '—');
const yesNo = (b: boolean | null) => (b === null ? '—' : b ? 'yes' : 'no');

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
  const { doc, finish } = await openReport({
    title: `Access review: ${data.campaign.name}`,
    author: data.organisation,
    subject: `Access review ${data.campaign.id}`,
    created: data.campaign.completedAt ?? data.campaign.startedAt,
  });
  const { campaign, rows } = data;

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

  return finish(campaign.name);
}
