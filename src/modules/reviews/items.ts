/**
 * The accounts under review (items): how they read, filtered and a page at a time. Members and
 * reviewers see only the items assigned to them.
 */
import { sql } from 'kysely';
import { containsPattern } from '../../db/like.js';
import type { Tx } from '../../db/tenancy.js';
import { notFound } from '../../errors.js';
import {
  type AccountSnapshot,
  campaignRow,
  type Decision,
  iso,
  ownItemsOf,
  type PersonRef,
  type ReviewActor,
  ref,
} from './service.js';

export interface ReviewItem {
  id: string;
  campaignId: string;
  system: { id: string; name: string };
  recordId: string;
  account: AccountSnapshot;
  person: { id: string; name: string; email: string } | null;
  reviewer: PersonRef | null;
  decision: Decision | null;
  comment: string | null;
  decidedBy: PersonRef | null;
  decidedAt: string | null;
  resolvedAt: string | null;
}

export function itemQuery(tx: Tx) {
  return tx
    .selectFrom('access_review_items as i')
    .innerJoin('systems as s', 's.id', 'i.system_id')
    .leftJoin('people as p', 'p.id', 'i.person_id')
    .leftJoin('users as r', 'r.id', 'i.reviewer_id')
    .leftJoin('users as d', 'd.id', 'i.decided_by')
    .select([
      'i.id',
      'i.campaign_id',
      'i.system_id',
      's.name as system_name',
      'i.record_id',
      'i.account',
      'i.person_id',
      'p.name as person_name',
      'p.email as person_email',
      'i.reviewer_id',
      'r.email as reviewer_email',
      'r.name as reviewer_name',
      'i.decision',
      'i.comment',
      'i.decided_by',
      'd.email as decided_by_email',
      'd.name as decided_by_name',
      'i.decided_at',
      'i.resolved_at',
    ]);
}

export type ItemRow = Awaited<ReturnType<ReturnType<typeof itemQuery>['execute']>>[number];

export function snapshotOf(account: Record<string, unknown>): AccountSnapshot {
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const bool = (v: unknown) => (typeof v === 'boolean' ? v : null);
  return {
    name: str(account.name) ?? '',
    username: str(account.username),
    email: str(account.email),
    displayName: str(account.displayName),
    isAdmin: bool(account.isAdmin),
    active: bool(account.active),
    mfaEnabled: bool(account.mfaEnabled),
    lastLoginAt: str(account.lastLoginAt),
    sourceKind: str(account.sourceKind) ?? '',
    sourceName: str(account.sourceName) ?? '',
  };
}

export function toItem(r: ItemRow): ReviewItem {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    system: { id: r.system_id, name: r.system_name },
    recordId: r.record_id,
    account: snapshotOf(r.account),
    person: r.person_id ? { id: r.person_id, name: r.person_name ?? '', email: r.person_email ?? '' } : null,
    reviewer: ref(r.reviewer_id, r.reviewer_email, r.reviewer_name),
    decision: r.decision,
    comment: r.comment,
    decidedBy: ref(r.decided_by, r.decided_by_email, r.decided_by_name),
    decidedAt: iso(r.decided_at),
    resolvedAt: iso(r.resolved_at),
  };
}

export interface ItemFilter {
  systemId?: string;
  decision?: Decision;
  undecided?: boolean;
  /** Revocations and changes not yet confirmed. */
  pending?: boolean;
  /** `me`, `none` or a user id. */
  reviewer?: string;
  /** Part of the account's name, username or email. */
  q?: string;
  page: number;
  limit: number;
}

/** A campaign's items the actor may see, by system and account, a page at a time. */
export async function listItems(
  tx: Tx,
  actor: ReviewActor,
  campaignId: string,
  f: ItemFilter,
): Promise<{ items: ReviewItem[]; total: number; page: number; limit: number }> {
  await campaignRow(tx, actor, campaignId);
  let q = itemQuery(tx).where('i.campaign_id', '=', campaignId);
  const mine = ownItemsOf(actor);
  if (mine) q = q.where('i.reviewer_id', '=', mine);
  if (f.systemId) q = q.where('i.system_id', '=', f.systemId);
  if (f.decision) q = q.where('i.decision', '=', f.decision);
  if (f.undecided === true) q = q.where('i.decision', 'is', null);
  if (f.undecided === false) q = q.where('i.decision', 'is not', null);
  if (f.pending) q = q.where('i.decision', 'in', ['revoke', 'change']).where('i.resolved_at', 'is', null);
  if (f.reviewer === 'me') q = q.where('i.reviewer_id', '=', actor.userId);
  else if (f.reviewer === 'none') q = q.where('i.reviewer_id', 'is', null);
  else if (f.reviewer) q = q.where('i.reviewer_id', '=', f.reviewer);
  if (f.q?.trim()) {
    const like = containsPattern(f.q.trim());
    q = q.where(
      sql<boolean>`(lower(i.account->>'name') LIKE ${like} OR lower(coalesce(i.account->>'username', '')) LIKE ${like}
                    OR lower(coalesce(i.account->>'email', '')) LIKE ${like})`,
    );
  }
  const { n } = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await q
    .orderBy('s.name')
    .orderBy(sql`i.account->>'name'`)
    .orderBy('i.id')
    .limit(f.limit)
    .offset((f.page - 1) * f.limit)
    .execute();
  return { items: rows.map(toItem), total: Number(n), page: f.page, limit: f.limit };
}

/** One item the actor may see (members and reviewers: only their own). */
export async function getItem(tx: Tx, actor: ReviewActor, campaignId: string, itemId: string): Promise<ReviewItem> {
  let q = itemQuery(tx).where('i.campaign_id', '=', campaignId).where('i.id', '=', itemId);
  const mine = ownItemsOf(actor);
  if (mine) q = q.where('i.reviewer_id', '=', mine);
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('This account review item');
  return toItem(row);
}
