/**
 * What other capabilities read from access requests: the "My work" obligations (requests
 * waiting for the user's decision) and the facts about production access that checks judge.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenancy.js';
import type { Obligation, ObligationUser } from '../me/obligation.js';
import { inCurrentOrg } from './decisions.js';

/**
 * One obligation per pending request the user may decide: as the system's owner, or as an
 * owner or admin of the organisation; never their own request, never as an auditor.
 */
export async function accessObligations(tx: Tx, user: ObligationUser, _now: Date): Promise<Obligation[]> {
  const membership = await tx
    .selectFrom('memberships as m')
    .select('m.role')
    .where(inCurrentOrg)
    .where('m.user_id', '=', user.id)
    .executeTakeFirst();
  if (!membership || membership.role === 'auditor') return [];
  const manager = membership.role === 'owner' || membership.role === 'admin';
  let query = tx
    .selectFrom('access_requests as a')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .innerJoin('users as q', 'q.id', 'a.requester_id')
    .select(['a.id', 'a.access_level', 'a.duration_days', 's.name as system_name', 'q.email', 'q.name'])
    .where('a.status', '=', 'pending')
    .where('a.requester_id', '<>', user.id);
  if (!manager) query = query.where('s.owner_user_id', '=', user.id);
  const rows = await query.orderBy('a.created_at').orderBy('a.id').execute();
  return rows.map((r) => ({
    kind: 'access_request',
    id: r.id,
    title: `Decide on access to ${r.system_name}`,
    detail: `${r.name || r.email} asks for ${r.access_level ? `“${r.access_level}” access` : 'access'} for ${r.duration_days} day(s). Approve or reject it.`,
    href: '/access-requests',
    dueAt: null,
    overdue: false,
  }));
}

export interface ProductionAccessFacts {
  systemId: string;
  name: string;
  archived: boolean;
  ownerUserId: string | null;
  /** Approved grants whose expiry is still ahead. */
  activeGrants: number;
  /** Approved grants past their expiry (the hourly job should have ended them: expect 0). */
  overdueGrants: number;
  /** Approved grants without an expiry (never made by Attest: expect 0). */
  unlimitedGrants: number;
  /** Requests decided (approved or rejected) by their own requester (expect 0). */
  selfDecided: number;
}

/** Per production system of the organisation (archived ones too), the facts about its access grants. */
export async function productionAccessFacts(tx: Tx, now: Date): Promise<ProductionAccessFacts[]> {
  const rows = await tx
    .selectFrom('systems as s')
    .leftJoin('access_requests as a', 'a.system_id', 's.id')
    .select([
      's.id',
      's.name',
      's.archived_at',
      's.owner_user_id',
      sql<number>`count(a.id) FILTER (WHERE a.status = 'approved' AND a.expires_at > ${now})`.as('active'),
      sql<number>`count(a.id) FILTER (WHERE a.status = 'approved' AND a.expires_at <= ${now})`.as('overdue'),
      sql<number>`count(a.id) FILTER (WHERE a.status = 'approved' AND a.expires_at IS NULL)`.as('unlimited'),
      sql<number>`count(a.id) FILTER (WHERE a.decided_by = a.requester_id)`.as('self_decided'),
    ])
    .where('s.production', '=', true)
    .groupBy(['s.id', 's.name', 's.archived_at', 's.owner_user_id'])
    .orderBy('s.name')
    .execute();
  return rows.map((r) => ({
    systemId: r.id,
    name: r.name,
    archived: r.archived_at !== null,
    ownerUserId: r.owner_user_id,
    activeGrants: Number(r.active),
    overdueGrants: Number(r.overdue),
    unlimitedGrants: Number(r.unlimited),
    selfDecided: Number(r.self_decided),
  }));
}
