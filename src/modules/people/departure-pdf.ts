/**
 * The departure report: what happened to a leaver's access, drawn as a PDF when their offboarding
 * is closed and kept as evidence of PEO-04. Loaded on first use (pdfkit is large).
 */
import PDFDocument from 'pdfkit';
import type { AccountState } from './offboarding.js';

export interface DepartureReport {
  organisation: string;
  person: { name: string; email: string; employmentType: string; department: string | null; title: string | null };
  /** YYYY-MM-DD */
  endDate: string;
  /** ISO time */
  deadline: string;
  departedAccountHours: number;
  accounts: { name: string; source: string; disabledAt: string | null; state: AccountState }[];
  closedBy: { name: string; email: string };
  closedAt: Date;
  /** Why it was closed with accounts still active; null when every account was disabled. */
  reason: string | null;
}

const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold' };
const MARGIN = 56;

/** "2026-03-02 14:05 UTC": deadlines are in hours, so the time matters. */
const when = (iso: string | Date) => `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

const accountsWere = (n: number) => (n === 1 ? '1 account was' : `${n} accounts were`);

const STATE_TEXT: Record<AccountState, string> = {
  disabled: 'Disabled on time',
  disabled_late: 'Disabled late',
  active: 'Still active (before the deadline)',
  overdue: 'Still active, past the deadline',
};

export function departurePdf(input: DepartureReport): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: `Departure report: ${input.person.name}`,
      Author: input.organisation,
      Subject: `Access removed after ${input.person.name} left on ${input.endDate}`,
      Creator: 'Attest',
      CreationDate: input.closedAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const heading = (text: string) => {
    doc.font(FONT.bold).fontSize(13).fillColor('#111').text(text, MARGIN, doc.y);
    doc.moveDown(0.3);
  };
  const line = (label: string, value: string) => {
    doc.font(FONT.bold).fontSize(10.5).fillColor('#111').text(`${label}: `, MARGIN, doc.y, { continued: true });
    doc.font(FONT.regular).text(value);
  };

  doc.font(FONT.regular).fontSize(10).fillColor('#555').text(input.organisation);
  doc.moveDown(0.3);
  doc.font(FONT.bold).fontSize(22).fillColor('#111').text('Departure report');
  doc
    .font(FONT.regular)
    .fontSize(10)
    .fillColor('#555')
    .text(
      `Offboarding closed ${when(input.closedAt)} by ${input.closedBy.name || input.closedBy.email} (${input.closedBy.email})`,
    );
  doc.moveDown(1);

  heading('Person');
  line('Name', input.person.name);
  line('Email', input.person.email);
  line('Employment', input.person.employmentType);
  if (input.person.title) line('Title', input.person.title);
  if (input.person.department) line('Department', input.person.department);
  line('Last day (end date)', input.endDate);
  line(
    'Deadline to disable every account',
    `${when(input.deadline)} (${input.departedAccountHours} hours from the start of the end date)`,
  );
  doc.moveDown(1);

  heading('Accounts');
  if (input.accounts.length === 0) {
    doc
      .font(FONT.regular)
      .fontSize(10.5)
      .text('No account in any connected source was linked to this person when the offboarding was closed.');
  }
  for (const account of input.accounts) {
    doc.font(FONT.bold).fontSize(10.5).text(account.name, MARGIN, doc.y);
    doc
      .font(FONT.regular)
      .fontSize(10)
      .fillColor('#333')
      .text(
        `${account.source} · ${STATE_TEXT[account.state]}${account.disabledAt ? ` · disabled or removed ${when(account.disabledAt)}` : ''}`,
        MARGIN + 12,
      );
    doc.fillColor('#111').moveDown(0.3);
  }
  doc.moveDown(0.7);

  const late = input.accounts.filter((a) => a.state === 'disabled_late').length;
  const open = input.accounts.filter((a) => a.state === 'active' || a.state === 'overdue').length;
  heading('Outcome');
  const summary =
    open === 0 && late === 0
      ? 'Every account was disabled or removed by the deadline.'
      : [
          late > 0 ? `${accountsWere(late)} disabled after the deadline.` : null,
          open > 0 ? `${accountsWere(open)} still active when the offboarding was closed.` : null,
        ]
          .filter(Boolean)
          .join(' ');
  doc.font(FONT.regular).fontSize(10.5).text(summary, MARGIN);
  if (input.reason) {
    doc.moveDown(0.5);
    line('Reason given for closing', input.reason);
  }
  doc.moveDown(1);
  doc
    .font(FONT.regular)
    .fontSize(9)
    .fillColor('#555')
    .text(
      'Account times are when a sync from the source first showed the account disabled or gone. This report is stored in the evidence vault and committed to the organisation’s ledger.',
      MARGIN,
    );
  doc.end();
  return done;
}
