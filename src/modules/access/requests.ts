/**
 * Access requests: a member asks for access to a system (a level, a business justification, a
 * number of days); the system's owner, or an owner or admin of the organisation, approves or
 * rejects it, never the requester. Every grant is time-limited: approval sets its expiry, the
 * hourly job ends it (expiry.ts), and it can be revoked early. Each decision is audit-logged
 * and appended to the ledger in the same transaction.
 */

import { z } from 'zod';
import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { AccessRequestStatus } from '../../db/schema.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { type Notice, notify } from '../notifications/service.js';
import { auditWho } from '../tokens/service.js';
import { DAY_MS, type DecisionRecord, decidersOf, ledgerDecision, type Mail } from './decisions.js';
import { refreshSystems } from './inventory.js';
import type { OrgActor } from './systems.js';

export const REQUEST_STATUSES = [
  'pending',
  'approved',
  'rejected',
  'cancelled',
  'expired',
  'revoked',
] as const satisfies readonly AccessRequestStatus[];

export const NewRequest = z.object({
  systemId: z.uuid(),
  accessLevel: z.string().trim().max(200).default(''),
  justification: z.string().trim().min(10, 'Explain why you need this access (at least 10 characters).').max(5000),
  durationDays: z.number().int().min(1, 'Ask for at least 1 day.').max(3650),
});
export type NewRequest = z.infer<typeof NewRequest>;

export const Comment = z.string().trim().max(2000);

type UserRef = { id: string; email: string; name: string };

export interface AccessRequest {
  id: string;
  system: { id: string; name: string; production: boolean; archived: boolean; ownerUserId: string | null };
  requester: UserRef;
  accessLevel: string;
  justification: string;
  durationDays: number;
  status: AccessRequestStatus;
  decidedBy: UserRef | null;
  decidedAt: string | null;
  decisionComment: string | null;
  expiresAt: string | null;
  endedAt: string | null;
  endedBy: UserRef | null;
  endComment: string | null;
  /** The ledger index of the latest decision on this request. */
  ledgerIndex: number | null;
  createdAt: string;
  updatedAt: string;
  /** What the caller may do with it now. */
  canDecide: boolean;
  canCancel: boolean;
  canRevoke: boolean;
}

const isManager = (actor: OrgActor) => actor.role === 'owner' || actor.role === 'admin';

function requestsQuery(tx: Tx) {
  return tx
    .selectFrom('access_requests as a')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .innerJoin('users as q', 'q.id', 'a.requester_id')
    .leftJoin('users as d', 'd.id', 'a.decided_by')
    .leftJoin('users as e', 'e.id', 'a.ended_by')
    .select([
      'a.id',
      'a.system_id',
      'a.requester_id',
      'a.access_level',
      'a.justification',
      'a.duration_days',
      'a.status',
      'a.decided_by',
      'a.decided_at',
      'a.decision_comment',
      'a.expires_at',
      'a.ended_at',
      'a.ended_by',
      'a.end_comment',
      'a.ledger_index',
      'a.created_at',
      'a.updated_at',
      's.name as system_name',
      's.production',
      's.archived_at as system_archived_at',
      's.owner_user_id as system_owner',
      'q.email as requester_email',
      'q.name as requester_name',
      'd.email as decider_email',
      'd.name as decider_name',
      'e.email as ender_email',
      'e.name as ender_name',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof requestsQuery>['executeTakeFirstOrThrow']>>;

/** Approves or rejects: the system owner or an owner or admin, never the requester, never an auditor. */
function mayDecide(actor: OrgActor, row: Pick<Row, 'requester_id' | 'system_owner'>): boolean {
  if (actor.role === 'auditor' || actor.userId === row.requester_id) return false;
  return isManager(actor) || row.system_owner === actor.userId;
}

function mayRevoke(actor: OrgActor, row: Pick<Row, 'system_owner'>): boolean {
  if (actor.role === 'auditor') return false;
  return isManager(actor) || row.system_owner === actor.userId;
}

/** The requester, the system's owner, owners, admins and auditors see a request; others get 404. */
function maySee(actor: OrgActor, row: Pick<Row, 'requester_id' | 'system_owner'>): boolean {
  return (
    isManager(actor) ||
    actor.role === 'auditor' ||
    actor.userId === row.requester_id ||
    actor.userId === row.system_owner
  );
}

const userRef = (id: string | null, email: string | null, name: string | null): UserRef | null =>
  id ? { id, email: email ?? '', name: name ?? '' } : null;

function toRequest(r: Row, actor: OrgActor): AccessRequest {
  return {
    id: r.id,
    system: {
      id: r.system_id,
      name: r.system_name,
      production: r.production,
      archived: r.system_archived_at !== null,
      ownerUserId: r.system_owner,
    },
    requester: { id: r.requester_id, email: r.requester_email, name: r.requester_name ?? '' },
    accessLevel: r.access_level,
    justification: r.justification,
    durationDays: r.duration_days,
    status: r.status,
    decidedBy: userRef(r.decided_by, r.decider_email, r.decider_name),
    decidedAt: r.decided_at ? iso(r.decided_at) : null,
    decisionComment: r.decision_comment,
    expiresAt: r.expires_at ? iso(r.expires_at) : null,
    endedAt: r.ended_at ? iso(r.ended_at) : null,
    endedBy: userRef(r.ended_by, r.ender_email, r.ender_name),
    endComment: r.end_comment,
    ledgerIndex: r.ledger_index,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    canDecide: r.status === 'pending' && mayDecide(actor, r),
    canCancel: r.status === 'pending' && actor.userId === r.requester_id,
    canRevoke: r.status === 'approved' && mayRevoke(actor, r),
  };
}

async function loadRow(tx: Tx, id: string, lock: boolean): Promise<Row> {
  // Lock the request itself (not the joined rows) so two decisions on it queue up.
  if (lock) await tx.selectFrom('access_requests').select('id').where('id', '=', id).forUpdate().execute();
  const row = await requestsQuery(tx).where('a.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This access request');
  return row;
}

export async function getRequest(tx: Tx, actor: OrgActor, id: string): Promise<AccessRequest> {
  const row = await loadRow(tx, id, false);
  if (!maySee(actor, row)) throw notFound('This access request');
  return toRequest(row, actor);
}

export type RequestView = 'mine' | 'decide' | 'all';

/**
 * Requests, newest first: your own ("mine"), those waiting for your decision ("decide"), or
 * every request ("all": owners, admins and auditors), filtered by status and system.
 */
export async function listRequests(
  tx: Tx,
  actor: OrgActor,
  filter: { view: RequestView; status?: AccessRequestStatus; systemId?: string; limit: number; offset: number },
): Promise<{ items: AccessRequest[]; total: number }> {
  let query = requestsQuery(tx);
  if (filter.view === 'mine') query = query.where('a.requester_id', '=', actor.userId);
  if (filter.view === 'decide') {
    if (actor.role === 'auditor') return { items: [], total: 0 };
    query = query.where('a.status', '=', 'pending').where('a.requester_id', '<>', actor.userId);
    if (!isManager(actor)) query = query.where('s.owner_user_id', '=', actor.userId);
  }
  if (filter.view === 'all' && !isManager(actor) && actor.role !== 'auditor') {
    throw new AppError('forbidden', 'Only owners, admins and auditors see every access request.');
  }
  if (filter.status) query = query.where('a.status', '=', filter.status);
  if (filter.systemId) query = query.where('a.system_id', '=', filter.systemId);
  const total = Number(
    (
      await query
        .clearSelect()
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const rows = await query
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return { items: rows.map((r) => toRequest(r, actor)), total };
}

function invalid(path: string, message: string, detail: string): AppError {
  return new AppError('validation_failed', detail, { errors: [{ path, message }] });
}

const levelText = (level: string) => (level ? `“${level}” access` : 'access');

export async function createRequest(
  tx: Tx,
  actor: OrgActor,
  input: NewRequest,
  meta: RequestMeta,
  now: Date,
): Promise<{ request: AccessRequest; mails: Mail[] }> {
  const system = await tx
    .selectFrom('systems')
    .select(['id', 'name', 'owner_user_id', 'max_access_days', 'archived_at'])
    .where('id', '=', input.systemId)
    .executeTakeFirst();
  if (!system) throw notFound('This system');
  if (system.archived_at) {
    throw invalid('body.systemId', 'archived', `${system.name} is archived and takes no new access requests.`);
  }
  if (input.durationDays > system.max_access_days) {
    throw invalid(
      'body.durationDays',
      `at most ${system.max_access_days} days`,
      `${system.name} grants access for at most ${system.max_access_days} days. Ask for fewer days, and ask again when it runs out.`,
    );
  }
  const pending = await tx
    .selectFrom('access_requests')
    .select('id')
    .where('system_id', '=', system.id)
    .where('requester_id', '=', actor.userId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (pending) {
    throw new AppError(
      'conflict',
      `You already asked for access to ${system.name} and it is waiting for a decision. Cancel that request to ask differently.`,
    );
  }
  const id = newId();
  await tx
    .insertInto('access_requests')
    .values({
      id,
      org_id: actor.orgId,
      system_id: system.id,
      requester_id: actor.userId,
      access_level: input.accessLevel,
      justification: input.justification,
      duration_days: input.durationDays,
      status: 'pending',
      created_at: now,
      updated_at: now,
    })
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'access.requested',
    targetType: 'access_request',
    targetId: id,
    details: { systemId: system.id, accessLevel: input.accessLevel, durationDays: input.durationDays },
  });
  const deciders = await decidersOf(tx, system.owner_user_id, actor.userId);
  const notice: Notice = {
    kind: 'access.requested',
    title: `Access request: ${system.name}`,
    body: `${actor.email} asks for ${levelText(input.accessLevel)} to ${system.name} for ${input.durationDays} day(s). Approve or reject it.`,
    link: '/access-requests?tab=decide',
  };
  await notify(
    tx,
    actor.orgId,
    deciders.map((d) => d.id),
    notice,
    now,
  );
  return {
    request: await getRequest(tx, actor, id),
    mails: [{ to: deciders.map((d) => d.email), notice }],
  };
}

function decisionRecord(
  row: Row,
  decision: DecisionRecord['decision'],
  decidedBy: string | null,
  now: Date,
  expiresAt: Date | string | null,
  comment: string | null,
): DecisionRecord {
  return {
    requestId: row.id,
    systemId: row.system_id,
    requester: row.requester_id,
    decision,
    decidedBy,
    decidedAt: now.toISOString(),
    expiresAt: expiresAt ? iso(expiresAt) : null,
    comment,
  };
}

function notPending(row: Row): AppError {
  return new AppError('conflict', `This request is already ${row.status}; only a pending request can be decided.`);
}

/** Approves (the grant expires after the requested days) or rejects (a comment says why). */
export async function decideRequest(
  tx: Tx,
  actor: OrgActor,
  id: string,
  decision: 'approve' | 'reject',
  comment: string | undefined,
  meta: RequestMeta,
  now: Date,
): Promise<{ request: AccessRequest; mails: Mail[] }> {
  const row = await loadRow(tx, id, true);
  if (actor.userId === row.requester_id) {
    throw new AppError(
      'forbidden',
      'You cannot decide your own access request: the system’s owner or an owner or admin decides it.',
    );
  }
  if (!mayDecide(actor, row)) {
    throw new AppError(
      'forbidden',
      'Only the system’s owner or an owner or admin of the organisation decides this request.',
    );
  }
  if (row.status !== 'pending') throw notPending(row);
  const text = comment?.trim() ? comment.trim() : null;
  if (decision === 'reject' && !text) {
    throw invalid('body.comment', 'required', 'Say why you reject the request, so the requester knows what to change.');
  }
  if (decision === 'approve' && row.system_archived_at) {
    throw new AppError(
      'conflict',
      `${row.system_name} is archived: unarchive it to grant access, or reject the request.`,
    );
  }
  const expiresAt = decision === 'approve' ? new Date(now.getTime() + row.duration_days * DAY_MS) : null;
  const status = decision === 'approve' ? 'approved' : 'rejected';
  const index = await ledgerDecision(
    tx,
    actor.orgId,
    decisionRecord(row, status, actor.userId, now, expiresAt, text),
    now,
  );
  await tx
    .updateTable('access_requests')
    .set({
      status,
      decided_by: actor.userId,
      decided_at: now,
      decision_comment: text,
      expires_at: expiresAt,
      ledger_index: index,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: `access.${status}`,
    targetType: 'access_request',
    targetId: id,
    details: {
      systemId: row.system_id,
      requesterId: row.requester_id,
      ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
      comment: text,
      ledgerIndex: index,
    },
  });
  if (status === 'approved') await refreshSystems(tx, actor.orgId, now);
  const notice: Notice =
    status === 'approved'
      ? {
          kind: 'access.approved',
          title: `Access approved: ${row.system_name}`,
          body: `${actor.email} approved your request for ${levelText(row.access_level)} to ${row.system_name}. It ends on ${expiresAt?.toISOString().slice(0, 10)}; ask again before then if you still need it.${text ? ` Comment: ${text}` : ''}`,
          link: '/access-requests',
        }
      : {
          kind: 'access.rejected',
          title: `Access rejected: ${row.system_name}`,
          body: `${actor.email} rejected your request for access to ${row.system_name}: ${text}`,
          link: '/access-requests',
        };
  await notify(tx, actor.orgId, [row.requester_id], notice, now);
  return { request: await getRequest(tx, actor, id), mails: [{ to: [row.requester_email], notice }] };
}

/** The requester withdraws a request that is still pending. */
export async function cancelRequest(
  tx: Tx,
  actor: OrgActor,
  id: string,
  meta: RequestMeta,
  now: Date,
): Promise<AccessRequest> {
  const row = await loadRow(tx, id, true);
  if (actor.userId !== row.requester_id) {
    if (!maySee(actor, row)) throw notFound('This access request');
    throw new AppError('forbidden', 'Only the person who asked can cancel a request. Reject it instead.');
  }
  if (row.status !== 'pending') {
    throw new AppError('conflict', `This request is already ${row.status}; only a pending request can be cancelled.`);
  }
  await tx.updateTable('access_requests').set({ status: 'cancelled', updated_at: now }).where('id', '=', id).execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'access.cancelled',
    targetType: 'access_request',
    targetId: id,
    details: { systemId: row.system_id },
  });
  return getRequest(tx, actor, id);
}

/** Ends an approved grant before its expiry: the system's owner, or an owner or admin. */
export async function revokeRequest(
  tx: Tx,
  actor: OrgActor,
  id: string,
  comment: string | undefined,
  meta: RequestMeta,
  now: Date,
): Promise<{ request: AccessRequest; mails: Mail[] }> {
  const row = await loadRow(tx, id, true);
  if (!mayRevoke(actor, row)) {
    if (!maySee(actor, row)) throw notFound('This access request');
    throw new AppError('forbidden', 'Only the system’s owner or an owner or admin of the organisation revokes access.');
  }
  if (row.status !== 'approved') {
    throw new AppError('conflict', `This request is ${row.status}; only approved access can be revoked.`);
  }
  const text = comment?.trim() ? comment.trim() : null;
  const index = await ledgerDecision(
    tx,
    actor.orgId,
    decisionRecord(row, 'revoked', actor.userId, now, row.expires_at, text),
    now,
  );
  await tx
    .updateTable('access_requests')
    .set({
      status: 'revoked',
      ended_at: now,
      ended_by: actor.userId,
      end_comment: text,
      ledger_index: index,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'access.revoked',
    targetType: 'access_request',
    targetId: id,
    details: { systemId: row.system_id, requesterId: row.requester_id, comment: text, ledgerIndex: index },
  });
  await refreshSystems(tx, actor.orgId, now);
  const notice: Notice = {
    kind: 'access.revoked',
    title: `Access revoked: ${row.system_name}`,
    body: `${actor.email} ended the access to ${row.system_name} granted to ${row.requester_email}. The access must now be removed from the system.${text ? ` Reason: ${text}` : ''}`,
    link: '/access-requests',
  };
  const owners = (await decidersOf(tx, row.system_owner)).filter((p) => p.id !== actor.userId);
  const people = [{ id: row.requester_id, email: row.requester_email }, ...owners];
  await notify(
    tx,
    actor.orgId,
    people.map((p) => p.id),
    notice,
    now,
  );
  return { request: await getRequest(tx, actor, id), mails: [{ to: people.map((p) => p.email), notice }] };
}
