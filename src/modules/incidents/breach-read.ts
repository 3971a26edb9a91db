/**
 * Reading a breach: its deadline (discovery + hours, extended by delays), the shared notice
 * text, the affected customers and each one's notice as it reads now: a draft takes the
 * shared text wherever it has none of its own; a sent notice is what was sent.
 */
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import {
  type DELAY_BASIS,
  missingFields,
  NOTICE_FIELD_INFO,
  NOTICE_FIELDS,
  type NoticeField,
  type NoticeText,
  noticeDeadline,
} from './model.js';
import { type UserRef, userRef } from './timeline.js';

/** The notice fields as the API names them (camelCase). */
export interface NoticeFields {
  extent: string;
  whatHappened: string;
  breachDate: string;
  discoveryDate: string;
  scope: string;
  response: string;
}

export const toApiFields = (text: NoticeText): NoticeFields =>
  Object.fromEntries(NOTICE_FIELDS.map((f) => [NOTICE_FIELD_INFO[f].key, text[f]])) as unknown as NoticeFields;

export const apiKeys = (fields: readonly NoticeField[]): string[] => fields.map((f) => NOTICE_FIELD_INFO[f].key);

export interface NoticeView {
  id: string;
  status: 'draft' | 'sent';
  /** What the notice says now (a draft: its own text, else the shared text). */
  fields: NoticeFields;
  /** Fields with text of this notice's own (camelCase keys). */
  overridden: string[];
  /** Required fields still empty (camelCase keys): the notice cannot be sent while any is. */
  missing: string[];
  sentAt: string | null;
  sentBy: UserRef | null;
  sentVia: 'email' | 'letter' | 'portal' | null;
  sentTo: string | null;
  emailed: boolean;
  markdownEvidenceId: string | null;
  pdfEvidenceId: string | null;
  updatedAt: string;
}

export interface AffectedCustomer {
  id: string;
  name: string;
  contactName: string;
  contactEmail: string;
  createdAt: string;
  notice: NoticeView | null;
}

export interface NoticeDelay {
  id: string;
  basis: (typeof DELAY_BASIS)[number];
  reason: string;
  requestedBy: string;
  hours: number | null;
  untilAt: string | null;
  recordedBy: UserRef | null;
  recordedAt: string;
}

export interface BreachDetail {
  occurredOn: string | null;
  discoveredAt: string;
  deadlineHours: number;
  deadlineAt: string;
  /** The deadline passed with a notice still unsent. */
  overdue: boolean;
  markedAt: string;
  markedBy: UserRef | null;
  shared: NoticeFields;
  delays: NoticeDelay[];
  customers: AffectedCustomer[];
}

type Overrides = Record<NoticeField, string | null>;

const EMPTY = Object.fromEntries(NOTICE_FIELDS.map((f) => [f, ''])) as NoticeText;

/** A draft's text: its own where it has some, the shared text elsewhere. */
export function effectiveText(shared: NoticeText, own: Overrides): NoticeText {
  return Object.fromEntries(NOTICE_FIELDS.map((f) => [f, own[f] ?? shared[f]])) as NoticeText;
}

const textOf = (row: Record<NoticeField, string>): NoticeText =>
  Object.fromEntries(NOTICE_FIELDS.map((f) => [f, row[f]])) as NoticeText;

async function delaysOf(tx: Tx, incidentIds: string[]) {
  if (incidentIds.length === 0) return [];
  return tx
    .selectFrom('incident_notice_delays as d')
    .leftJoin('users as u', 'u.id', 'd.recorded_by')
    .select([
      'd.id',
      'd.incident_id',
      'd.basis',
      'd.reason',
      'd.requested_by',
      'd.hours',
      'd.until_at',
      'd.recorded_by',
      'd.recorded_at',
      'u.email',
      'u.name',
    ])
    .where('d.incident_id', 'in', incidentIds)
    .orderBy('d.recorded_at')
    .orderBy('d.id')
    .execute();
}

const deadlineFrom = (
  discoveredAt: Date | string,
  hours: number,
  delays: { hours: number | null; until_at: Date | string | null }[],
) =>
  noticeDeadline(
    new Date(discoveredAt),
    hours,
    delays.map((d) => ({ hours: d.hours, untilAt: d.until_at ? new Date(d.until_at) : null })),
  );

/** The notice deadline (ISO) of each breach among the given incidents. */
export async function deadlinesOf(tx: Tx, incidentIds: string[]): Promise<Map<string, string>> {
  if (incidentIds.length === 0) return new Map();
  const breaches = await tx
    .selectFrom('incident_breaches')
    .select(['incident_id', 'discovered_at', 'deadline_hours'])
    .where('incident_id', 'in', incidentIds)
    .execute();
  const delays = await delaysOf(tx, incidentIds);
  return new Map(
    breaches.map((b) => [
      b.incident_id,
      deadlineFrom(
        b.discovered_at,
        b.deadline_hours,
        delays.filter((d) => d.incident_id === b.incident_id),
      ).toISOString(),
    ]),
  );
}

export async function loadBreach(tx: Tx, incidentId: string) {
  return tx
    .selectFrom('incident_breaches as b')
    .leftJoin('users as u', 'u.id', 'b.marked_by')
    .select([
      'b.occurred_on',
      'b.discovered_at',
      'b.deadline_hours',
      'b.marked_at',
      'b.marked_by',
      'u.email',
      'u.name',
      ...NOTICE_FIELDS.map((f) => `b.${f}` as const),
    ])
    .where('b.incident_id', '=', incidentId)
    .executeTakeFirst();
}

export function noticesQuery(tx: Tx) {
  return tx
    .selectFrom('incident_notices as n')
    .leftJoin('users as s', 's.id', 'n.sent_by')
    .select([
      'n.id',
      'n.incident_id',
      'n.customer_id',
      'n.status',
      'n.sent_at',
      'n.sent_by',
      'n.sent_via',
      'n.sent_to',
      'n.emailed',
      'n.markdown_evidence_id',
      'n.pdf_evidence_id',
      'n.updated_at',
      's.email as sender_email',
      's.name as sender_name',
      ...NOTICE_FIELDS.map((f) => `n.${f}` as const),
    ]);
}

export type NoticeRow = Awaited<ReturnType<ReturnType<typeof noticesQuery>['executeTakeFirstOrThrow']>>;

export function toNoticeView(n: NoticeRow, shared: NoticeText): NoticeView {
  const own = Object.fromEntries(NOTICE_FIELDS.map((f) => [f, n[f]])) as Overrides;
  // A sent notice holds every field as sent; a draft falls back on the shared text.
  const text = effectiveText(n.status === 'sent' ? EMPTY : shared, own);
  return {
    id: n.id,
    status: n.status,
    fields: toApiFields(text),
    overridden: n.status === 'sent' ? [] : apiKeys(NOTICE_FIELDS.filter((f) => own[f] !== null)),
    missing: apiKeys(missingFields(text)),
    sentAt: n.sent_at ? iso(n.sent_at) : null,
    sentBy: userRef(n.sent_by, n.sender_email, n.sender_name),
    sentVia: n.sent_via,
    sentTo: n.sent_to,
    emailed: n.emailed,
    markdownEvidenceId: n.markdown_evidence_id,
    pdfEvidenceId: n.pdf_evidence_id,
    updatedAt: iso(n.updated_at),
  };
}

export async function breachDetail(tx: Tx, incidentId: string, now: Date): Promise<BreachDetail | null> {
  const b = await loadBreach(tx, incidentId);
  if (!b) return null;
  const shared = textOf(b);
  const delays = await delaysOf(tx, [incidentId]);
  const customers = await tx
    .selectFrom('incident_customers')
    .select(['id', 'name', 'contact_name', 'contact_email', 'created_at'])
    .where('incident_id', '=', incidentId)
    .orderBy('name')
    .execute();
  const notices = await noticesQuery(tx).where('n.incident_id', '=', incidentId).execute();
  const byCustomer = new Map(notices.map((n) => [n.customer_id, n]));
  const deadline = deadlineFrom(b.discovered_at, b.deadline_hours, delays);
  const unsent = customers.some((c) => byCustomer.get(c.id)?.status !== 'sent');
  return {
    occurredOn: b.occurred_on,
    discoveredAt: iso(b.discovered_at),
    deadlineHours: b.deadline_hours,
    deadlineAt: deadline.toISOString(),
    overdue: unsent && customers.length > 0 && now > deadline,
    markedAt: iso(b.marked_at),
    markedBy: userRef(b.marked_by, b.email, b.name),
    shared: toApiFields(shared),
    delays: delays.map((d) => ({
      id: d.id,
      basis: d.basis,
      reason: d.reason,
      requestedBy: d.requested_by,
      hours: d.hours,
      untilAt: d.until_at ? iso(d.until_at) : null,
      recordedBy: userRef(d.recorded_by, d.email, d.name),
      recordedAt: iso(d.recorded_at),
    })),
    customers: customers.map((c) => {
      const n = byCustomer.get(c.id);
      return {
        id: c.id,
        name: c.name,
        contactName: c.contact_name,
        contactEmail: c.contact_email,
        createdAt: iso(c.created_at),
        notice: n ? toNoticeView(n, shared) : null,
      };
    }),
  };
}
