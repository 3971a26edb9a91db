/**
 * Reporting an incident: anyone in the organisation but an auditor. The incident gets the
 * organisation's next number, its affected systems, a first timeline event, and the escalation
 * rule of its severity fires in the same transaction (deliveries follow the commit).
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { type Delivery, fireEscalation } from './escalation.js';
import { refreshIncidents } from './inventory.js';
import { type OrgActor, SEVERITIES, SEVERITY_LABEL } from './model.js';
import { addEvent } from './timeline.js';

/** Clocks disagree a little: a time up to five minutes ahead of ours is taken as now. */
export const CLOCK_SKEW_MS = 5 * 60_000;

export const When = z.iso.datetime({ offset: true, message: 'Give a date and time, e.g. 2026-03-02T09:30:00Z.' });

export const ReportInput = z.object({
  title: z.string().trim().min(1, 'Give the incident a short title.').max(200),
  description: z.string().trim().max(20_000).default(''),
  severity: z.enum(SEVERITIES),
  /** When the problem was first noticed; default: now. */
  detectedAt: When.optional(),
  systemIds: z.array(z.uuid()).max(50).default([]),
});
export type ReportInput = z.infer<typeof ReportInput>;

export function invalid(path: string, message: string, detail: string): AppError {
  return new AppError('validation_failed', detail, { errors: [{ path, message }] });
}

/** A time sent by a client: not in the future (beyond clock skew). */
export function pastTime(value: string, path: string, now: Date, what: string): Date {
  const at = new Date(value);
  if (at.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw invalid(path, 'in the future', `${what} cannot be in the future.`);
  }
  return at.getTime() > now.getTime() ? now : at;
}

/** The systems named, all of the catalogue (unknown ones are refused, naming how many). */
export async function checkSystems(tx: Tx, ids: string[]): Promise<{ id: string; name: string }[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const found = await tx.selectFrom('systems').select(['id', 'name']).where('id', 'in', unique).execute();
  if (found.length !== unique.length) {
    throw invalid(
      'body.systemIds',
      'unknown system',
      `${unique.length - found.length === 1 ? 'One system' : `${unique.length - found.length} systems`} named are not in the systems catalogue.`,
    );
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

export async function reportIncident(
  tx: Tx,
  actor: OrgActor,
  input: ReportInput,
  meta: RequestMeta,
  now: Date,
): Promise<{ id: string; delivery: Delivery | null }> {
  const detectedAt = input.detectedAt ? pastTime(input.detectedAt, 'body.detectedAt', now, 'The detection time') : now;
  const systems = await checkSystems(tx, input.systemIds);
  // One number at a time per organisation: the lock holds until this transaction ends.
  await sql`SELECT pg_advisory_xact_lock(hashtext('attest.incident-number'), hashtext(${actor.orgId}))`.execute(tx);
  const { next } = await tx
    .selectFrom('incidents')
    .select(sql<number>`coalesce(max(number), 0) + 1`.as('next'))
    .executeTakeFirstOrThrow();
  const id = newId();
  const number = Number(next);
  await tx
    .insertInto('incidents')
    .values({
      id,
      org_id: actor.orgId,
      number,
      title: input.title,
      description: input.description,
      severity: input.severity,
      status: 'reported',
      detected_at: detectedAt,
      reported_at: now,
      reported_by: actor.userId,
      created_at: now,
      updated_at: now,
    })
    .execute();
  if (systems.length > 0) {
    await tx
      .insertInto('incident_systems')
      .values(systems.map((s) => ({ org_id: actor.orgId, incident_id: id, system_id: s.id })))
      .execute();
  }
  await addEvent(
    tx,
    actor.orgId,
    id,
    {
      kind: 'reported',
      actorId: actor.userId,
      body: `Reported as ${SEVERITY_LABEL[input.severity]}${systems.length ? `, affecting ${systems.map((s) => s.name).join(', ')}` : ''}.`,
      details: { severity: input.severity, systems: systems.map((s) => s.id) },
    },
    now,
  );
  // Noticed well before it was reported: the timeline starts then.
  if (detectedAt.getTime() < now.getTime() - 60_000) {
    await addEvent(
      tx,
      actor.orgId,
      id,
      { kind: 'note', actorId: actor.userId, body: 'First noticed.', occurredAt: detectedAt },
      now,
    );
  }
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'incident.reported',
    targetType: 'incident',
    targetId: id,
    details: { number, severity: input.severity, systems: systems.length },
  });
  const delivery = await fireEscalation(
    tx,
    actor.orgId,
    { id, number, title: input.title, severity: input.severity },
    'reported',
    actor.userId,
    now,
  );
  await refreshIncidents(tx, actor.orgId, now, [id]);
  return { id, delivery };
}
