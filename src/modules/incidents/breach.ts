/**
 * The breach workflow (the incident's owner, owners and admins): marking an incident as a
 * breach of customer data opens it with the organisation's notice hours; the shared notice text
 * is prefilled from the incident; affected customers are added one by one or pasted as
 * "Name <email>" lines, each getting its draft notice; delays requested by law enforcement or
 * required by law extend the deadline. Everything lands on the timeline and in the audit log.
 */
import { z } from 'zod';
import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { type IncidentRow, loadIncident } from './incidents.js';
import { refreshIncidents } from './inventory.js';
import {
  DELAY_BASIS,
  DELAY_LABEL,
  mayManage,
  NOTICE_FIELD_INFO,
  NOTICE_FIELDS,
  type NoticeField,
  type OrgActor,
} from './model.js';
import { invalid, pastTime, When } from './report.js';
import { noticeHours } from './rules.js';
import { addEvent, utc } from './timeline.js';

const LongText = z.string().trim().max(20_000);
const ShortText = z.string().trim().max(200);

/** The notice fields by their API keys, each optional (for the shared text). */
export const NoticeTextChange = z.object({
  extent: LongText.optional(),
  whatHappened: LongText.optional(),
  breachDate: ShortText.optional(),
  discoveryDate: ShortText.optional(),
  scope: LongText.optional(),
  response: LongText.optional(),
});

/** A notice's own text: a string, or null to take the shared text again. */
export const NoticeChange = z.object({
  extent: LongText.nullable().optional(),
  whatHappened: LongText.nullable().optional(),
  breachDate: ShortText.nullable().optional(),
  discoveryDate: ShortText.nullable().optional(),
  scope: LongText.nullable().optional(),
  response: LongText.nullable().optional(),
});

export const BreachInput = z.object({
  /** The day the breach happened, when known. */
  occurredOn: z.iso.date().nullable().default(null),
  discoveredAt: When,
});

export const BreachChange = NoticeTextChange.extend({
  occurredOn: z.iso.date().nullable().optional(),
  discoveredAt: When.optional(),
  deadlineHours: z.number().int().min(1, 'At least 1 hour.').max(8760, 'At most 8760 hours (a year).').optional(),
});

export const DelayInput = z.object({
  basis: z.enum(DELAY_BASIS),
  reason: z.string().trim().min(1, 'Say why the notice is delayed.').max(2000),
  requestedBy: z.string().trim().min(1, 'Say who asked for the delay or which law requires it.').max(200),
  hours: z.number().int().min(1, 'At least 1 hour.').max(8760).optional(),
  /** Or: until this time. */
  until: When.optional(),
});

export const CustomerInput = z.object({
  name: z.string().trim().min(1, 'Name the customer.').max(200),
  contactName: z.string().trim().max(200).default(''),
  contactEmail: z.email('Give the contact’s email address.').max(320),
});
export const CustomersPaste = z.object({ text: z.string().max(200_000) });

/** The API key of each notice field, back to its column. */
const COLUMN_OF = new Map(NOTICE_FIELDS.map((f) => [NOTICE_FIELD_INFO[f].key, f]));

export function columnsOf<T>(input: Record<string, T | undefined>): Partial<Record<NoticeField, T>> {
  const out: Partial<Record<NoticeField, T>> = {};
  for (const [key, value] of Object.entries(input)) {
    const column = COLUMN_OF.get(key);
    if (column && value !== undefined) out[column] = value;
  }
  return out;
}

function forbidBreach(actor: OrgActor, row: IncidentRow): void {
  if (!mayManage(actor, row)) {
    throw new AppError('forbidden', 'Only the incident’s owner, an owner or an admin handles its breach workflow.');
  }
}

/** The incident, locked, that is a breach the actor may handle. */
export async function breachIncident(tx: Tx, actor: OrgActor, id: string): Promise<IncidentRow> {
  const row = await loadIncident(tx, actor, id, true);
  forbidBreach(actor, row);
  if (!row.breach_id) {
    throw new AppError('conflict', 'This incident is not marked as a breach of customer data yet.');
  }
  return row;
}

const dayOf = (d: Date) => d.toISOString().slice(0, 10);

export async function markBreach(
  tx: Tx,
  actor: OrgActor,
  id: string,
  input: z.infer<typeof BreachInput>,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  const row = await loadIncident(tx, actor, id, true);
  forbidBreach(actor, row);
  if (row.breach_id) throw new AppError('conflict', 'This incident is already marked as a breach.');
  const discoveredAt = pastTime(input.discoveredAt, 'body.discoveredAt', now, 'The discovery time');
  if (input.occurredOn && input.occurredOn > dayOf(discoveredAt)) {
    throw invalid('body.occurredOn', 'after discovery', 'The breach cannot have happened after it was discovered.');
  }
  const hours = await noticeHours(tx);
  const systems = await tx
    .selectFrom('incident_systems as x')
    .innerJoin('systems as s', 's.id', 'x.system_id')
    .select('s.name')
    .where('x.incident_id', '=', id)
    .orderBy('s.name')
    .execute();
  await tx
    .insertInto('incident_breaches')
    .values({
      incident_id: id,
      org_id: actor.orgId,
      occurred_on: input.occurredOn,
      discovered_at: discoveredAt,
      deadline_hours: hours,
      marked_by: actor.userId,
      marked_at: now,
      // A first draft from what the incident already says; the rest is for people to write.
      what_happened: row.description,
      breach_date: input.occurredOn ?? '',
      discovery_date: dayOf(discoveredAt),
      scope: systems.length ? `Systems involved: ${systems.map((s) => s.name).join(', ')}.` : '',
      updated_at: now,
    })
    .execute();
  await tx.updateTable('incidents').set({ updated_at: now }).where('id', '=', id).execute();
  await addEvent(
    tx,
    actor.orgId,
    id,
    {
      kind: 'breach',
      actorId: actor.userId,
      body: `Marked as a breach of customer data, discovered ${utc(discoveredAt)}${input.occurredOn ? `, which happened on ${input.occurredOn}` : ''}. Customers must be notified within ${hours} hours of discovery.`,
      details: { discoveredAt: discoveredAt.toISOString(), occurredOn: input.occurredOn, deadlineHours: hours },
    },
    now,
  );
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'incident.breach_marked',
    targetType: 'incident',
    targetId: id,
    details: { discoveredAt: discoveredAt.toISOString(), occurredOn: input.occurredOn, deadlineHours: hours },
  });
  await refreshIncidents(tx, actor.orgId, now, [id]);
}

export async function updateBreach(
  tx: Tx,
  actor: OrgActor,
  id: string,
  input: z.infer<typeof BreachChange>,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  await breachIncident(tx, actor, id);
  const b = await tx
    .selectFrom('incident_breaches')
    .select(['occurred_on', 'discovered_at', 'deadline_hours'])
    .where('incident_id', '=', id)
    .executeTakeFirstOrThrow();
  const facts: string[] = [];
  const details: Record<string, unknown> = {};
  const set: Record<string, unknown> = { ...columnsOf(input), updated_at: now };
  const discoveredAt =
    input.discoveredAt !== undefined
      ? pastTime(input.discoveredAt, 'body.discoveredAt', now, 'The discovery time')
      : new Date(b.discovered_at);
  const occurredOn = input.occurredOn !== undefined ? input.occurredOn : b.occurred_on;
  if (occurredOn && occurredOn > dayOf(discoveredAt)) {
    throw invalid('body.occurredOn', 'after discovery', 'The breach cannot have happened after it was discovered.');
  }
  if (input.discoveredAt !== undefined && discoveredAt.getTime() !== new Date(b.discovered_at).getTime()) {
    set.discovered_at = discoveredAt;
    facts.push(`discovered ${utc(discoveredAt)}`);
    details.discoveredAt = { from: new Date(b.discovered_at).toISOString(), to: discoveredAt.toISOString() };
  }
  if (input.occurredOn !== undefined && input.occurredOn !== b.occurred_on) {
    set.occurred_on = input.occurredOn;
    facts.push(input.occurredOn ? `happened on ${input.occurredOn}` : 'date of the breach unknown');
    details.occurredOn = { from: b.occurred_on, to: input.occurredOn };
  }
  if (input.deadlineHours !== undefined && input.deadlineHours !== b.deadline_hours) {
    set.deadline_hours = input.deadlineHours;
    facts.push(`notice within ${input.deadlineHours} hours of discovery`);
    details.deadlineHours = { from: b.deadline_hours, to: input.deadlineHours };
  }
  await tx.updateTable('incident_breaches').set(set).where('incident_id', '=', id).execute();
  const texts = Object.keys(columnsOf(input));
  if (facts.length > 0) {
    await addEvent(
      tx,
      actor.orgId,
      id,
      { kind: 'breach', actorId: actor.userId, body: `Breach facts changed: ${facts.join('; ')}.`, details },
      now,
    );
  }
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'incident.breach_updated',
    targetType: 'incident',
    targetId: id,
    details: { ...details, noticeText: texts },
  });
  await refreshIncidents(tx, actor.orgId, now, [id]);
}

export async function addDelay(
  tx: Tx,
  actor: OrgActor,
  id: string,
  input: z.infer<typeof DelayInput>,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  await breachIncident(tx, actor, id);
  if ((input.hours === undefined) === (input.until === undefined)) {
    throw invalid(
      'body.hours',
      'hours or until',
      'Say how long the notice is delayed: a number of hours, or a time until which it waits (one of the two).',
    );
  }
  const b = await tx
    .selectFrom('incident_breaches')
    .select('discovered_at')
    .where('incident_id', '=', id)
    .executeTakeFirstOrThrow();
  const until = input.until ? new Date(input.until) : null;
  if (until && until <= new Date(b.discovered_at)) {
    throw invalid('body.until', 'before discovery', 'A delay must end after the breach was discovered.');
  }
  const delayId = newId();
  await tx
    .insertInto('incident_notice_delays')
    .values({
      id: delayId,
      org_id: actor.orgId,
      incident_id: id,
      basis: input.basis,
      reason: input.reason,
      requested_by: input.requestedBy,
      hours: input.hours ?? null,
      until_at: until,
      recorded_by: actor.userId,
      recorded_at: now,
    })
    .execute();
  const length = input.hours !== undefined ? `by ${input.hours} hours` : `until ${until ? utc(until) : ''}`;
  await addEvent(
    tx,
    actor.orgId,
    id,
    {
      kind: 'delay',
      actorId: actor.userId,
      body: `Notice delayed ${length}. ${DELAY_LABEL[input.basis]} (${input.requestedBy}): ${input.reason}`,
      details: { delayId, basis: input.basis, hours: input.hours ?? null, until: until?.toISOString() ?? null },
    },
    now,
  );
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'incident.notice_delayed',
    targetType: 'incident',
    targetId: id,
    details: {
      delayId,
      basis: input.basis,
      requestedBy: input.requestedBy,
      reason: input.reason,
      hours: input.hours ?? null,
      until: until?.toISOString() ?? null,
    },
  });
  await refreshIncidents(tx, actor.orgId, now, [id]);
}

type NewCustomer = z.infer<typeof CustomerInput>;

const LINE = /^(.+?)\s*<\s*([^<>\s]+)\s*>$/;

/** "Name <email>" lines (blank lines skipped); every bad line is named, nothing is kept then. */
export function parseCustomerLines(text: string): NewCustomer[] {
  const out: NewCustomer[] = [];
  const errors: { path: string; message: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const match = LINE.exec(line);
    const parsed = match ? CustomerInput.safeParse({ name: match[1], contactEmail: match[2] }) : null;
    if (!parsed?.success)
      errors.push({ path: `body.text.${i + 1}`, message: `line ${i + 1}: write it as Name <email>` });
    else out.push(parsed.data);
  });
  if (errors.length > 0) {
    throw new AppError(
      'validation_failed',
      `Write each customer on its own line as Name <email>; fix ${errors.length === 1 ? 'line' : 'lines'} ${errors.map((e) => e.message.split(':')[0]?.slice(5)).join(', ')}.`,
      { errors },
    );
  }
  if (out.length === 0) throw invalid('body.text', 'empty', 'Paste at least one line as Name <email>.');
  return out;
}

/** Adds affected customers, each with a draft notice; a name already listed is refused. */
export async function addCustomers(
  tx: Tx,
  actor: OrgActor,
  id: string,
  customers: NewCustomer[],
  meta: RequestMeta,
  now: Date,
): Promise<string[]> {
  await breachIncident(tx, actor, id);
  const existing = await tx.selectFrom('incident_customers').select('name').where('incident_id', '=', id).execute();
  const taken = new Set(existing.map((c) => c.name.toLowerCase()));
  const clash: string[] = [];
  for (const c of customers) {
    const key = c.name.toLowerCase();
    if (taken.has(key)) clash.push(c.name);
    taken.add(key);
  }
  if (clash.length > 0) {
    throw new AppError('conflict', `Already listed as affected: ${clash.join(', ')}. Each customer appears once.`);
  }
  const ids: string[] = [];
  for (const c of customers) {
    const customerId = newId();
    ids.push(customerId);
    await tx
      .insertInto('incident_customers')
      .values({
        id: customerId,
        org_id: actor.orgId,
        incident_id: id,
        name: c.name,
        contact_name: c.contactName,
        contact_email: c.contactEmail.toLowerCase(),
        created_by: actor.userId,
        created_at: now,
      })
      .execute();
    await tx
      .insertInto('incident_notices')
      .values({
        id: newId(),
        org_id: actor.orgId,
        incident_id: id,
        customer_id: customerId,
        status: 'draft',
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  const names = customers.map((c) => c.name);
  await addEvent(
    tx,
    actor.orgId,
    id,
    {
      kind: 'customer',
      actorId: actor.userId,
      body: `Affected customer${names.length === 1 ? '' : 's'} added: ${names.join(', ')}.`,
      details: { customers: ids },
    },
    now,
  );
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'incident.customers_added',
    targetType: 'incident',
    targetId: id,
    details: { customers: ids },
  });
  await refreshIncidents(tx, actor.orgId, now, [id]);
  return ids;
}

export async function removeCustomer(
  tx: Tx,
  actor: OrgActor,
  id: string,
  customerId: string,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  await breachIncident(tx, actor, id);
  const customer = await tx
    .selectFrom('incident_customers as c')
    .leftJoin('incident_notices as n', 'n.customer_id', 'c.id')
    .select(['c.id', 'c.name', 'n.status'])
    .where('c.id', '=', customerId)
    .where('c.incident_id', '=', id)
    .executeTakeFirst();
  if (!customer) throw notFound('This affected customer');
  if (customer.status === 'sent') {
    throw new AppError('conflict', `${customer.name} was already sent a notice; it stays on the record.`);
  }
  await tx.deleteFrom('incident_customers').where('id', '=', customerId).execute();
  await addEvent(
    tx,
    actor.orgId,
    id,
    { kind: 'customer', actorId: actor.userId, body: `Removed from the affected customers: ${customer.name}.` },
    now,
  );
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'incident.customer_removed',
    targetType: 'incident',
    targetId: id,
    details: { customerId },
  });
  await refreshIncidents(tx, actor.orgId, now, [id]);
}

/** A draft's own text (null: the shared text again). A sent notice is frozen. */
export async function updateNotice(
  tx: Tx,
  actor: OrgActor,
  id: string,
  noticeId: string,
  input: z.infer<typeof NoticeChange>,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  await breachIncident(tx, actor, id);
  const notice = await tx
    .selectFrom('incident_notices')
    .select(['id', 'status'])
    .where('id', '=', noticeId)
    .where('incident_id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!notice) throw notFound('This notice');
  if (notice.status === 'sent') throw new AppError('conflict', 'This notice was sent; a sent notice cannot change.');
  const columns = columnsOf(input);
  await tx
    .updateTable('incident_notices')
    .set({ ...columns, updated_at: now })
    .where('id', '=', noticeId)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'incident.notice_updated',
    targetType: 'incident_notice',
    targetId: noticeId,
    details: { incidentId: id, fields: Object.keys(columns) },
  });
}
