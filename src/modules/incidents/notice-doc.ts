/**
 * A breach notice as a document: the Markdown every export and email starts from (one section
 * per required fact, in the order the seed lists them), its file names, and what it commits to
 * on the ledger. The PDF (notice-pdf.ts) draws the same Markdown.
 */
import { createHash } from 'node:crypto';
import type { Tx } from '../../db/tenancy.js';
import { notFound } from '../../errors.js';
import { canonicalJson } from '../monitoring/push.js';
import { effectiveText, loadBreach, noticesQuery } from './breach-read.js';
import { NOTICE_FIELD_INFO, NOTICE_FIELDS, type NoticeField, type NoticeText } from './model.js';

export interface NoticeDocument {
  noticeId: string;
  incidentId: string;
  organisation: string;
  incidentNumber: number;
  customer: { name: string; contactName: string; contactEmail: string };
  text: NoticeText;
  status: 'draft' | 'sent';
  sentAt: Date | null;
  sentVia: string | null;
  /** The notice's date: when it was sent, else today (a draft). */
  date: Date;
}

/** Everything a notice's documents say, as it reads now (a draft) or as it was sent. */
export async function noticeDocument(tx: Tx, incidentId: string, noticeId: string, now: Date): Promise<NoticeDocument> {
  const n = await noticesQuery(tx)
    .where('n.id', '=', noticeId)
    .where('n.incident_id', '=', incidentId)
    .executeTakeFirst();
  if (!n) throw notFound('This notice');
  const b = await loadBreach(tx, incidentId);
  if (!b) throw notFound('This notice');
  const c = await tx
    .selectFrom('incident_customers as c')
    .innerJoin('incidents as i', 'i.id', 'c.incident_id')
    .innerJoin('organizations as o', 'o.id', 'i.org_id')
    .select(['c.name', 'c.contact_name', 'c.contact_email', 'i.number', 'o.name as organisation'])
    .where('c.id', '=', n.customer_id)
    .executeTakeFirstOrThrow();
  const own = Object.fromEntries(NOTICE_FIELDS.map((f) => [f, n[f]])) as Record<NoticeField, string | null>;
  const shared = Object.fromEntries(NOTICE_FIELDS.map((f) => [f, n.status === 'sent' ? '' : b[f]])) as NoticeText;
  const sentAt = n.sent_at ? new Date(n.sent_at) : null;
  return {
    noticeId,
    incidentId,
    organisation: c.organisation,
    incidentNumber: c.number,
    customer: { name: c.name, contactName: c.contact_name, contactEmail: c.contact_email },
    text: effectiveText(shared, own),
    status: n.status,
    sentAt,
    sentVia: n.sent_via,
    date: sentAt ?? now,
  };
}

/** Section headings: the field's label, as a sentence. */
const heading = (field: NoticeField) => NOTICE_FIELD_INFO[field].label;

/** One paragraph per line break the author wrote; an empty field shows as a gap to fill. */
const body = (text: string) => (text.trim() ? text.trim() : '_(not yet written)_');

export function noticeMarkdown(doc: NoticeDocument): string {
  const to = doc.customer.contactName ? `${doc.customer.contactName}, ${doc.customer.name}` : doc.customer.name;
  const lines = [
    '# Notice of a security incident affecting your data',
    '',
    `**From:** ${doc.organisation}  `,
    `**To:** ${to} <${doc.customer.contactEmail}>  `,
    `**Date:** ${doc.date.toISOString().slice(0, 10)}${doc.status === 'draft' ? ' (draft)' : ''}  `,
    `**Reference:** incident #${doc.incidentNumber}`,
    '',
    `We are writing to tell you about a security incident at ${doc.organisation} that involved data we hold for ${doc.customer.name}.`,
    '',
  ];
  // "What happened" carries the two dates with it, as one account of the events.
  for (const field of NOTICE_FIELDS) {
    if (field === 'breach_date' || field === 'discovery_date') continue;
    lines.push(`## ${heading(field)}`, '', body(doc.text[field]), '');
    if (field === 'what_happened') {
      lines.push(`- **${heading('breach_date')}:** ${body(doc.text.breach_date)}`);
      lines.push(`- **${heading('discovery_date')}:** ${body(doc.text.discovery_date)}`, '');
    }
  }
  lines.push(
    '## Contact',
    '',
    `Reply to this notice, or write to your usual contact at ${doc.organisation}, with any question about this incident.`,
    '',
  );
  return lines.join('\n');
}

export function noticeFileName(doc: NoticeDocument, extension: 'md' | 'pdf'): string {
  const slug =
    doc.customer.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50) || 'customer';
  return `breach-notice-incident-${doc.incidentNumber}-${slug}.${extension}`;
}

export const NOTICE_LEDGER_KIND = 'incident.notice_sent';

/** What a sent notice's ledger leaf commits to: ids, times and the hash of the text, never names. */
export function noticeHash(doc: NoticeDocument, sentAt: Date, via: string): string {
  const record = {
    noticeId: doc.noticeId,
    incidentId: doc.incidentId,
    sentAt: sentAt.toISOString(),
    via,
    text: Object.fromEntries(NOTICE_FIELDS.map((f) => [f, doc.text[f]])),
  };
  return createHash('sha256').update(canonicalJson(record)).digest('hex');
}
