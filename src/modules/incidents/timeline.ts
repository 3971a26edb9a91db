/**
 * An incident's timeline: append-only events, each with the time it happened (a note may tell
 * of something earlier than its recording), when it was recorded and by whom (null: Attest).
 */
import { newId } from '../../crypto/random.js';
import type { IncidentEventKind } from '../../db/schema/incidents.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';

/** A time as people read it on the timeline: "2026-03-02 09:30 UTC". */
export const utc = (d: Date): string => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export interface UserRef {
  id: string;
  email: string;
  name: string;
}

export const userRef = (id: string | null, email: string | null, name: string | null): UserRef | null =>
  id ? { id, email: email ?? '', name: name ?? '' } : null;

export interface TimelineEvent {
  id: string;
  kind: IncidentEventKind;
  occurredAt: string;
  recordedAt: string;
  actor: UserRef | null;
  body: string;
  details: Record<string, unknown>;
}

export interface NewEvent {
  kind: IncidentEventKind;
  body: string;
  actorId: string | null;
  /** Default: when it is recorded. */
  occurredAt?: Date;
  details?: Record<string, unknown>;
}

export async function addEvent(tx: Tx, orgId: string, incidentId: string, event: NewEvent, now: Date): Promise<string> {
  const id = newId();
  await tx
    .insertInto('incident_events')
    .values({
      id,
      org_id: orgId,
      incident_id: incidentId,
      kind: event.kind,
      occurred_at: event.occurredAt ?? now,
      recorded_at: now,
      actor_user_id: event.actorId,
      body: event.body.slice(0, 10_000),
      details: JSON.stringify(event.details ?? {}),
    })
    .execute();
  return id;
}

/** The timeline in the order things happened (ties: the order they were recorded). */
export async function listEvents(tx: Tx, incidentId: string): Promise<TimelineEvent[]> {
  const rows = await tx
    .selectFrom('incident_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_user_id')
    .select([
      'e.id',
      'e.kind',
      'e.occurred_at',
      'e.recorded_at',
      'e.actor_user_id',
      'e.body',
      'e.details',
      'u.email',
      'u.name',
    ])
    .where('e.incident_id', '=', incidentId)
    .orderBy('e.occurred_at')
    .orderBy('e.recorded_at')
    .orderBy('e.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    occurredAt: iso(r.occurred_at),
    recordedAt: iso(r.recorded_at),
    actor: userRef(r.actor_user_id, r.email, r.name),
    body: r.body,
    details: r.details ?? {},
  }));
}
