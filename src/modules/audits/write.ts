/** Creating and changing audits (owners and admins), each change audit-logged. */
import { z } from 'zod';
import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { type AuditorItem, auditWithAuditors, syncAuditorMemberships } from './auditors.js';
import { type AuditActor, type AuditItem, auditFor, invalid, KINDS, STATUSES } from './model.js';

const Day = z.iso.date({ error: 'a date as YYYY-MM-DD' });
const When = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'a date (YYYY-MM-DD) or an ISO time',
});

export const NewAudit = z
  .object({
    title: z.string().trim().min(1, 'Give the audit a title.').max(200),
    frameworkId: z.string().trim().min(1).max(63),
    kind: z.enum(KINDS),
    firm: z.string().trim().max(200).default(''),
    windowStart: Day,
    windowEnd: Day,
    accessExpiresAt: When,
    status: z.enum(STATUSES).default('planned'),
  })
  .strict();
export type NewAudit = z.infer<typeof NewAudit>;

export const AuditChange = z
  .object({
    title: z.string().trim().min(1, 'Give the audit a title.').max(200),
    frameworkId: z.string().trim().min(1).max(63),
    kind: z.enum(KINDS),
    firm: z.string().trim().max(200),
    windowStart: Day,
    windowEnd: Day,
    accessExpiresAt: When,
    status: z.enum(STATUSES),
  })
  .partial()
  .strict();
export type AuditChange = z.infer<typeof AuditChange>;

const MAX_WINDOW_DAYS = 1096;

/** The checks a database constraint would also make, answered with a message that says what to fix. */
async function checkFields(
  tx: Tx,
  f: { frameworkId: string; windowStart: string; windowEnd: string; accessExpiresAt: Date },
  now: Date,
): Promise<void> {
  const adopted = await tx
    .selectFrom('org_frameworks')
    .select('framework_id')
    .where('framework_id', '=', f.frameworkId)
    .executeTakeFirst();
  if (!adopted) {
    throw invalid(
      'body.frameworkId',
      'not adopted',
      `The organisation has not adopted the framework "${f.frameworkId}". Choose one of its frameworks.`,
    );
  }
  if (f.windowEnd < f.windowStart) {
    throw invalid('body.windowEnd', 'before the start', 'The observation window ends before it starts.');
  }
  const days = (Date.parse(f.windowEnd) - Date.parse(f.windowStart)) / 86_400_000;
  if (days > MAX_WINDOW_DAYS) {
    throw invalid('body.windowEnd', 'too long', 'An observation window lasts at most three years.');
  }
  if (f.accessExpiresAt <= now) {
    throw invalid('body.accessExpiresAt', 'in the past', "The auditors' access must end in the future.");
  }
}

export async function createAudit(
  tx: Tx,
  actor: AuditActor,
  input: NewAudit,
  meta: RequestMeta,
  now: Date,
): Promise<AuditItem & { auditors: AuditorItem[] | null }> {
  const accessExpiresAt = new Date(input.accessExpiresAt);
  await checkFields(tx, { ...input, accessExpiresAt }, now);
  const id = newId();
  await tx
    .insertInto('audits')
    .values({
      id,
      org_id: actor.orgId,
      title: input.title,
      framework_id: input.frameworkId,
      kind: input.kind,
      firm: input.firm,
      window_start: input.windowStart,
      window_end: input.windowEnd,
      access_expires_at: accessExpiresAt,
      status: input.status,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'audit.created',
    targetType: 'audit',
    targetId: id,
    details: { ...input, accessExpiresAt: accessExpiresAt.toISOString() },
  });
  return auditWithAuditors(tx, actor, id, now);
}

export async function updateAudit(
  tx: Tx,
  actor: AuditActor,
  id: string,
  input: AuditChange,
  meta: RequestMeta,
  now: Date,
): Promise<AuditItem & { auditors: AuditorItem[] | null }> {
  const current = await auditFor(tx, actor, id, now);
  const next = {
    title: input.title ?? current.title,
    frameworkId: input.frameworkId ?? current.framework.id,
    kind: input.kind ?? current.kind,
    firm: input.firm ?? current.firm,
    windowStart: input.windowStart ?? current.windowStart,
    windowEnd: input.windowEnd ?? current.windowEnd,
    accessExpiresAt: input.accessExpiresAt ? new Date(input.accessExpiresAt) : new Date(current.accessExpiresAt),
    status: input.status ?? current.status,
  };
  const before: Record<string, unknown> = { ...current, frameworkId: current.framework.id };
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, value] of Object.entries(next)) {
    const to = value instanceof Date ? value.toISOString() : value;
    if (before[key] !== to) changes[key] = { from: before[key], to };
  }
  if (Object.keys(changes).length === 0) return auditWithAuditors(tx, actor, id, now);
  if (changes.accessExpiresAt || changes.frameworkId || changes.windowStart || changes.windowEnd) {
    await checkFields(tx, next, now);
  }
  await tx
    .updateTable('audits')
    .set({
      title: next.title,
      framework_id: next.frameworkId,
      kind: next.kind,
      firm: next.firm,
      window_start: next.windowStart,
      window_end: next.windowEnd,
      access_expires_at: next.accessExpiresAt,
      status: next.status,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  if (changes.accessExpiresAt) await syncAuditorMemberships(tx, actor.orgId, id);
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'audit.updated',
    targetType: 'audit',
    targetId: id,
    details: { changes },
  });
  return auditWithAuditors(tx, actor, id, now);
}
