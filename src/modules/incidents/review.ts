/**
 * The post-incident review of a resolved incident: root cause, what went well, what to
 * improve, and action items each with an owner and a due date. Saved as a draft any number of
 * times; completed once the three texts are written. SEV1 and SEV2 incidents close only with a
 * completed review (changes.ts), and the incident.post_incident_review check wants it within
 * 30 days of resolution.
 */
import { z } from 'zod';
import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { AppError } from '../../errors.js';
import { inCurrentOrg } from '../access/decisions.js';
import { recordAudit } from '../audit/service.js';
import { notify } from '../notifications/service.js';
import { auditWho } from '../tokens/service.js';
import { loadIncident } from './incidents.js';
import { refreshIncidents } from './inventory.js';
import { isOpen, mayManage, type OrgActor } from './model.js';
import { addEvent, type UserRef } from './timeline.js';

const Text = z.string().trim().max(20_000).default('');

export const ActionItemInput = z.object({
  id: z.uuid().optional(),
  title: z.string().trim().min(1, 'Say what is to be done.').max(500),
  ownerUserId: z.uuid('Name the person who owns this action.'),
  dueOn: z.iso.date('Give the day it is due (YYYY-MM-DD).'),
  done: z.boolean().default(false),
});

export const ReviewInput = z.object({
  rootCause: Text,
  wentWell: Text,
  toImprove: Text,
  actionItems: z.array(ActionItemInput).max(100).default([]),
  /** True to complete the review (the three texts must then be written). */
  complete: z.boolean().default(false),
});
export type ReviewInput = z.infer<typeof ReviewInput>;

interface StoredItem {
  id: string;
  title: string;
  ownerUserId: string;
  dueOn: string;
  done: boolean;
}

export interface IncidentReview {
  rootCause: string;
  wentWell: string;
  toImprove: string;
  actionItems: (StoredItem & { owner: UserRef | null })[];
  completedAt: string | null;
  completedBy: UserRef | null;
  updatedAt: string;
}

export async function reviewOf(tx: Tx, incidentId: string): Promise<IncidentReview | null> {
  const row = await tx
    .selectFrom('incident_reviews as r')
    .leftJoin('users as u', 'u.id', 'r.completed_by')
    .select([
      'r.root_cause',
      'r.went_well',
      'r.to_improve',
      'r.action_items',
      'r.completed_at',
      'r.completed_by',
      'r.updated_at',
      'u.email',
      'u.name',
    ])
    .where('r.incident_id', '=', incidentId)
    .executeTakeFirst();
  if (!row) return null;
  const items = (Array.isArray(row.action_items) ? row.action_items : []) as StoredItem[];
  const ids = [...new Set(items.map((i) => i.ownerUserId))];
  const owners = ids.length
    ? await tx.selectFrom('users').select(['id', 'email', 'name']).where('id', 'in', ids).execute()
    : [];
  const byId = new Map(owners.map((o) => [o.id, { id: o.id, email: o.email, name: o.name ?? '' }]));
  return {
    rootCause: row.root_cause,
    wentWell: row.went_well,
    toImprove: row.to_improve,
    actionItems: items.map((i) => ({ ...i, owner: byId.get(i.ownerUserId) ?? null })),
    completedAt: row.completed_at ? iso(row.completed_at) : null,
    completedBy: row.completed_by ? { id: row.completed_by, email: row.email ?? '', name: row.name ?? '' } : null,
    updatedAt: iso(row.updated_at),
  };
}

function invalid(errors: { path: string; message: string }[], detail: string): AppError {
  return new AppError('validation_failed', detail, { errors });
}

export async function saveReview(
  tx: Tx,
  actor: OrgActor,
  incidentId: string,
  input: ReviewInput,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  const incident = await loadIncident(tx, actor, incidentId, true);
  if (!mayManage(actor, incident)) {
    throw new AppError('forbidden', 'Only the incident’s owner, an owner or an admin writes its review.');
  }
  if (isOpen(incident.status)) {
    throw new AppError('conflict', 'Resolve the incident first: the review looks back on a resolved incident.');
  }
  if (input.complete) {
    const empty = (
      [
        ['rootCause', input.rootCause, 'the root cause'],
        ['wentWell', input.wentWell, 'what went well'],
        ['toImprove', input.toImprove, 'what to improve'],
      ] as const
    ).filter(([, text]) => !text);
    if (empty.length > 0) {
      throw invalid(
        empty.map(([key]) => ({ path: `body.${key}`, message: 'required to complete the review' })),
        `To complete the review, write ${empty.map(([, , label]) => label).join(', ')}.`,
      );
    }
  }
  const ownerIds = [...new Set(input.actionItems.map((i) => i.ownerUserId))];
  if (ownerIds.length > 0) {
    const members = await tx
      .selectFrom('memberships as m')
      .select('m.user_id')
      .where(inCurrentOrg)
      .where('m.user_id', 'in', ownerIds)
      .where('m.role', '<>', 'auditor')
      .execute();
    const known = new Set(members.map((m) => m.user_id));
    const bad = input.actionItems.flatMap((item, i) => (known.has(item.ownerUserId) ? [] : [i]));
    if (bad.length > 0) {
      throw invalid(
        bad.map((i) => ({ path: `body.actionItems.${i}.ownerUserId`, message: 'not a member who can act' })),
        'Every action item needs an owner who is a member of the organisation (not an auditor).',
      );
    }
  }
  const current = await tx
    .selectFrom('incident_reviews')
    .select(['completed_at', 'action_items'])
    .where('incident_id', '=', incidentId)
    .executeTakeFirst();
  const before = new Set(((current?.action_items ?? []) as StoredItem[]).map((i) => `${i.id}:${i.ownerUserId}`));
  const items: StoredItem[] = input.actionItems.map((i) => ({
    id: i.id ?? newId(),
    title: i.title,
    ownerUserId: i.ownerUserId,
    dueOn: i.dueOn,
    done: i.done,
  }));
  const completing = input.complete && !current?.completed_at;
  const values = {
    root_cause: input.rootCause,
    went_well: input.wentWell,
    to_improve: input.toImprove,
    action_items: JSON.stringify(items),
    updated_by: actor.userId,
    updated_at: now,
    ...(completing ? { completed_at: now, completed_by: actor.userId } : {}),
  };
  if (current) {
    await tx.updateTable('incident_reviews').set(values).where('incident_id', '=', incidentId).execute();
  } else {
    await tx
      .insertInto('incident_reviews')
      .values({ incident_id: incidentId, org_id: actor.orgId, created_at: now, ...values })
      .execute();
  }
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: completing ? 'incident.review_completed' : 'incident.review_saved',
    targetType: 'incident',
    targetId: incidentId,
    details: { actionItems: items.length, completed: completing || current?.completed_at != null },
  });
  if (completing) {
    await addEvent(
      tx,
      actor.orgId,
      incidentId,
      {
        kind: 'review',
        actorId: actor.userId,
        body: `Post-incident review completed, with ${items.length} action item${items.length === 1 ? '' : 's'}.`,
      },
      now,
    );
  }
  // People newly given an action item hear of it.
  for (const item of items.filter((i) => !before.has(`${i.id}:${i.ownerUserId}`) && i.ownerUserId !== actor.userId)) {
    await notify(
      tx,
      actor.orgId,
      [item.ownerUserId],
      {
        kind: 'incident.action_item',
        title: `Action from incident #${incident.number}: ${item.title}`,
        body: `${actor.email} gave you an action from the review of incident #${incident.number} (${incident.title}), due ${item.dueOn}.`,
        link: `/incidents/${incidentId}`,
      },
      now,
    );
  }
  await refreshIncidents(tx, actor.orgId, now, [incidentId]);
}
