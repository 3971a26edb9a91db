/**
 * Changing an incident: its facts and severity (a raise fires the new severity's escalation
 * rule), its status (reported → triaged → contained → resolved → closed, and back when it
 * reopens; SEV1/SEV2 close only with a completed review), its owner (owners and admins assign),
 * and notes on the timeline. Each change is a timeline event and an audit row.
 */
import { z } from 'zod';
import type { RequestMeta } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { inCurrentOrg } from '../access/decisions.js';
import { recordAudit } from '../audit/service.js';
import { type Notice, notify } from '../notifications/service.js';
import { auditWho } from '../tokens/service.js';
import { type Delivery, fireEscalation } from './escalation.js';
import { type IncidentRow, loadIncident } from './incidents.js';
import { refreshIncidents } from './inventory.js';
import {
  type IncidentStatus,
  isManager,
  isRaise,
  mayManage,
  mayNote,
  needsReview,
  type OrgActor,
  SEVERITIES,
  SEVERITY_LABEL,
  STATUSES,
} from './model.js';
import { checkSystems, invalid, pastTime, When } from './report.js';
import { addEvent } from './timeline.js';

export const IncidentChange = z.object({
  title: z.string().trim().min(1, 'Give the incident a short title.').max(200).optional(),
  description: z.string().trim().max(20_000).optional(),
  severity: z.enum(SEVERITIES).optional(),
  detectedAt: When.optional(),
  systemIds: z.array(z.uuid()).max(50).optional(),
});
export type IncidentChange = z.infer<typeof IncidentChange>;

export const StatusChange = z.object({
  status: z.enum(STATUSES),
  note: z.string().trim().max(10_000).optional(),
});

export const NoteInput = z.object({
  body: z.string().trim().min(1, 'Write the note.').max(10_000),
  /** When what the note tells of happened; default: now. */
  occurredAt: When.optional(),
});

function forbidManage(actor: OrgActor, row: IncidentRow): void {
  if (!mayManage(actor, row)) {
    throw new AppError('forbidden', 'Only the incident’s owner, an owner or an admin changes this incident.');
  }
}

export async function updateIncident(
  tx: Tx,
  actor: OrgActor,
  id: string,
  input: IncidentChange,
  meta: RequestMeta,
  now: Date,
): Promise<Delivery | null> {
  const row = await loadIncident(tx, actor, id, true);
  forbidManage(actor, row);
  const set: Record<string, unknown> = {};
  const changed: string[] = [];
  if (input.title !== undefined && input.title !== row.title) {
    set.title = input.title;
    changed.push('title');
  }
  if (input.description !== undefined && input.description !== row.description) {
    set.description = input.description;
    changed.push('description');
  }
  if (input.detectedAt !== undefined) {
    const at = pastTime(input.detectedAt, 'body.detectedAt', now, 'The detection time');
    if (at.getTime() !== new Date(row.detected_at).getTime()) {
      set.detected_at = at;
      changed.push('detection time');
    }
  }
  let delivery: Delivery | null = null;
  if (changed.length > 0) {
    await addEvent(
      tx,
      actor.orgId,
      id,
      { kind: 'edited', actorId: actor.userId, body: `Changed the ${changed.join(', ')}.` },
      now,
    );
  }
  if (input.systemIds !== undefined) {
    const systems = await checkSystems(tx, input.systemIds);
    const before = await tx.selectFrom('incident_systems').select('system_id').where('incident_id', '=', id).execute();
    const was = new Set(before.map((s) => s.system_id));
    const next = new Set(systems.map((s) => s.id));
    if (was.size !== next.size || [...was].some((s) => !next.has(s))) {
      await tx.deleteFrom('incident_systems').where('incident_id', '=', id).execute();
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
          kind: 'systems',
          actorId: actor.userId,
          body: systems.length
            ? `Affected systems: ${systems.map((s) => s.name).join(', ')}.`
            : 'No affected system listed.',
          details: { systems: systems.map((s) => s.id) },
        },
        now,
      );
      changed.push('systems');
    }
  }
  if (input.severity !== undefined && input.severity !== row.severity) {
    set.severity = input.severity;
    changed.push('severity');
    await addEvent(
      tx,
      actor.orgId,
      id,
      {
        kind: 'severity',
        actorId: actor.userId,
        body: `Severity changed from ${SEVERITY_LABEL[row.severity]} to ${SEVERITY_LABEL[input.severity]}.`,
        details: { from: row.severity, to: input.severity },
      },
      now,
    );
    if (isRaise(row.severity, input.severity)) {
      delivery = await fireEscalation(
        tx,
        actor.orgId,
        { id, number: row.number, title: (set.title as string | undefined) ?? row.title, severity: input.severity },
        'severity_raised',
        actor.userId,
        now,
      );
    }
  }
  if (changed.length === 0) return null;
  await tx
    .updateTable('incidents')
    .set({ ...set, updated_at: now })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'incident.updated',
    targetType: 'incident',
    targetId: id,
    details: {
      changed,
      ...(input.severity && input.severity !== row.severity
        ? { severity: { from: row.severity, to: input.severity } }
        : {}),
    },
  });
  await refreshIncidents(tx, actor.orgId, now, [id]);
  return delivery;
}

const rankOf = (s: IncidentStatus) => STATUSES.indexOf(s);

export async function setStatus(
  tx: Tx,
  actor: OrgActor,
  id: string,
  status: IncidentStatus,
  note: string | undefined,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  const row = await loadIncident(tx, actor, id, true);
  forbidManage(actor, row);
  if (row.status === status) throw new AppError('conflict', `This incident is already ${status}.`);
  if (status === 'closed' && needsReview(row.severity)) {
    const review = await tx
      .selectFrom('incident_reviews')
      .select('completed_at')
      .where('incident_id', '=', id)
      .executeTakeFirst();
    if (!review?.completed_at) {
      throw new AppError(
        'conflict',
        `A ${SEVERITY_LABEL[row.severity]} incident closes only after its post-incident review is completed. Resolve it, write the review, then close it.`,
      );
    }
  }
  const reopening = rankOf(status) < rankOf(row.status);
  const resolvedAt = rankOf(status) >= rankOf('resolved') ? (row.resolved_at ?? now) : null;
  const closedAt = status === 'closed' ? now : null;
  await tx
    .updateTable('incidents')
    .set({ status, resolved_at: resolvedAt, closed_at: closedAt, updated_at: now })
    .where('id', '=', id)
    .execute();
  await addEvent(
    tx,
    actor.orgId,
    id,
    {
      kind: 'status',
      actorId: actor.userId,
      body: `${reopening ? 'Reopened' : 'Status'}: ${row.status} → ${status}.${note ? ` ${note}` : ''}`,
      details: { from: row.status, to: status },
    },
    now,
  );
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'incident.status_changed',
    targetType: 'incident',
    targetId: id,
    details: { from: row.status, to: status },
  });
  await refreshIncidents(tx, actor.orgId, now, [id]);
}

/** Owners and admins give the incident an owner (a member who may write), or take it away. */
export async function assignOwner(
  tx: Tx,
  actor: OrgActor,
  id: string,
  ownerUserId: string | null,
  meta: RequestMeta,
  now: Date,
): Promise<{ to: string[]; notice: Notice } | null> {
  const row = await loadIncident(tx, actor, id, true);
  if (!isManager(actor)) throw new AppError('forbidden', 'Only owners and admins assign an incident’s owner.');
  if (row.owner_user_id === ownerUserId) return null;
  let owner: { id: string; email: string } | undefined;
  if (ownerUserId) {
    owner = await tx
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.id', 'u.email'])
      .where(inCurrentOrg)
      .where('m.user_id', '=', ownerUserId)
      .where('m.role', '<>', 'auditor')
      .where('u.disabled_at', 'is', null)
      .executeTakeFirst();
    if (!owner) {
      throw invalid(
        'body.ownerUserId',
        'not a member who can act',
        'The owner must be an active member of the organisation who is not an auditor.',
      );
    }
  }
  await tx.updateTable('incidents').set({ owner_user_id: ownerUserId, updated_at: now }).where('id', '=', id).execute();
  await addEvent(
    tx,
    actor.orgId,
    id,
    {
      kind: 'owner',
      actorId: actor.userId,
      body: owner ? `Owner: ${owner.email}.` : 'The incident has no owner now.',
      details: { from: row.owner_user_id, to: ownerUserId },
    },
    now,
  );
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'incident.owner_assigned',
    targetType: 'incident',
    targetId: id,
    details: { from: row.owner_user_id, to: ownerUserId },
  });
  if (!owner || owner.id === actor.userId) return null;
  const notice: Notice = {
    kind: 'incident.assigned',
    title: `You own incident #${row.number}: ${row.title}`,
    body: `${actor.email} made you the owner of incident #${row.number} (${SEVERITY_LABEL[row.severity]}). Keep its timeline and status up to date.`,
    link: `/incidents/${id}`,
  };
  await notify(tx, actor.orgId, [owner.id], notice, now);
  return { to: [owner.email], notice };
}

export async function addNote(
  tx: Tx,
  actor: OrgActor,
  id: string,
  input: z.infer<typeof NoteInput>,
  meta: RequestMeta,
  now: Date,
): Promise<string> {
  const row = await loadIncident(tx, actor, id);
  if (!mayNote(actor, row)) {
    throw new AppError('forbidden', 'Only the reporter, the incident’s owner, owners and admins add notes.');
  }
  const occurredAt = input.occurredAt ? pastTime(input.occurredAt, 'body.occurredAt', now, 'The time of a note') : now;
  const eventId = await addEvent(
    tx,
    actor.orgId,
    id,
    { kind: 'note', actorId: actor.userId, body: input.body, occurredAt },
    now,
  );
  await tx.updateTable('incidents').set({ updated_at: now }).where('id', '=', id).execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'incident.note_added',
    targetType: 'incident',
    targetId: id,
    details: { eventId, occurredAt: occurredAt.toISOString() },
  });
  return eventId;
}
