/**
 * Access review campaigns: what a campaign is and how it reads. Starting (start.ts), deciding
 * (decide.ts), following revocations up (resolve.ts), completing (complete.ts) and the schedule
 * (schedule.ts) each live in their own file.
 *
 * Who sees what: owners, admins and auditors see every campaign and item; members and reviewers
 * see the campaigns where they have items, and only their own items (anything else is not found).
 */
import { sql } from 'kysely';
import type { Actor } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { notFound } from '../../errors.js';

export type ReviewActor = Actor & { orgId: string };
export type Decision = 'keep' | 'revoke' | 'change';
export type CampaignStatus = 'open' | 'completed' | 'cancelled';
export const DECISIONS = ['keep', 'revoke', 'change'] as const satisfies readonly Decision[];
export const CAMPAIGN_STATUSES = ['open', 'completed', 'cancelled'] as const satisfies readonly CampaignStatus[];

/** The evidence of a completed campaign goes to this control. */
export const REVIEW_CONTROL = 'ACC-09';

export const seesAllReviews = (actor: ReviewActor) =>
  actor.role === 'owner' || actor.role === 'admin' || actor.role === 'auditor';
export const managesReviews = (actor: ReviewActor) => actor.role === 'owner' || actor.role === 'admin';

export interface PersonRef {
  id: string;
  email: string;
  name: string;
}

/** The account as it was when the campaign started (access_review_items.account). */
export interface AccountSnapshot {
  name: string;
  username: string | null;
  email: string | null;
  displayName: string | null;
  isAdmin: boolean | null;
  active: boolean | null;
  mfaEnabled: boolean | null;
  lastLoginAt: string | null;
  sourceKind: string;
  sourceName: string;
}

export interface Progress {
  total: number;
  decided: number;
  undecided: number;
  byDecision: Record<Decision, number>;
  /** Revocations and changes still waiting for the account to go (or change). */
  pendingFollowUp: number;
}

export interface ReviewerProgress {
  reviewer: PersonRef | null;
  total: number;
  decided: number;
}

export interface SystemProgress {
  system: { id: string; name: string };
  total: number;
  decided: number;
  byDecision: Record<Decision, number>;
}

export interface Campaign {
  id: string;
  name: string;
  status: CampaignStatus;
  scheduled: boolean;
  systems: { id: string; name: string }[];
  startedBy: PersonRef | null;
  startedAt: string;
  dueAt: string;
  overdue: boolean;
  completedAt: string | null;
  completedBy: PersonRef | null;
  csvEvidenceId: string | null;
  pdfEvidenceId: string | null;
  /** Completed, but the CSV or the PDF is not stored yet (completing again stores it). */
  evidencePending: boolean;
  /** Over every item, or over the caller's own for members and reviewers. */
  progress: Progress;
}

export interface CampaignDetail extends Campaign {
  byReviewer: ReviewerProgress[];
  bySystem: SystemProgress[];
}

export const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
export const ref = (id: string | null, email: string | null, name: string | null): PersonRef | null =>
  id ? { id, email: email ?? '', name: name ?? '' } : null;

function campaignQuery(tx: Tx) {
  return tx
    .selectFrom('access_review_campaigns as c')
    .leftJoin('users as sb', 'sb.id', 'c.started_by')
    .leftJoin('users as cb', 'cb.id', 'c.completed_by')
    .select([
      'c.id',
      'c.name',
      'c.status',
      'c.scheduled',
      'c.system_ids',
      'c.started_by',
      'sb.email as started_by_email',
      'sb.name as started_by_name',
      'c.started_at',
      'c.due_at',
      'c.completed_at',
      'c.completed_by',
      'cb.email as completed_by_email',
      'cb.name as completed_by_name',
      'c.csv_evidence_id',
      'c.pdf_evidence_id',
    ]);
}

type CampaignRow = Awaited<ReturnType<ReturnType<typeof campaignQuery>['execute']>>[number];

const emptyCounts = (): Record<Decision, number> => ({ keep: 0, revoke: 0, change: 0 });

interface CountRow {
  key: string | null;
  total: number;
  decided: number;
  keep: number;
  revoke: number;
  change: number;
  pending: number;
}

/** Item counts grouped by `key` (a campaign, reviewer or system column), one grouped query. */
async function itemCounts(
  tx: Tx,
  groupBy: 'campaign_id' | 'reviewer_id' | 'system_id',
  campaignIds: string[],
  reviewerId: string | null,
): Promise<CountRow[]> {
  if (campaignIds.length === 0) return [];
  const { rows } = await sql<CountRow>`
    SELECT ${sql.ref(`i.${groupBy}`)}::text AS key,
           count(*)::int AS total,
           count(i.decision)::int AS decided,
           (count(*) FILTER (WHERE i.decision = 'keep'))::int AS keep,
           (count(*) FILTER (WHERE i.decision = 'revoke'))::int AS revoke,
           (count(*) FILTER (WHERE i.decision = 'change'))::int AS change,
           (count(*) FILTER (WHERE i.decision IN ('revoke', 'change') AND i.resolved_at IS NULL))::int AS pending
      FROM access_review_items i
     WHERE i.campaign_id = ANY(${sql.val(campaignIds)}::uuid[])
       ${reviewerId ? sql`AND i.reviewer_id = ${reviewerId}` : sql``}
     GROUP BY 1`.execute(tx);
  return rows;
}

function progressOf(row: CountRow | undefined): Progress {
  if (!row) return { total: 0, decided: 0, undecided: 0, byDecision: emptyCounts(), pendingFollowUp: 0 };
  return {
    total: row.total,
    decided: row.decided,
    undecided: row.total - row.decided,
    byDecision: { keep: row.keep, revoke: row.revoke, change: row.change },
    pendingFollowUp: row.pending,
  };
}

async function systemNames(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.selectFrom('systems').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

function toCampaign(r: CampaignRow, names: Map<string, string>, progress: Progress, now: Date): Campaign {
  const completed = r.status === 'completed';
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    scheduled: r.scheduled,
    systems: r.system_ids.map((id) => ({ id, name: names.get(id) ?? '(removed system)' })),
    startedBy: ref(r.started_by, r.started_by_email, r.started_by_name),
    startedAt: r.started_at.toISOString(),
    dueAt: r.due_at.toISOString(),
    overdue: r.status === 'open' && r.due_at.getTime() < now.getTime(),
    completedAt: iso(r.completed_at),
    completedBy: ref(r.completed_by, r.completed_by_email, r.completed_by_name),
    csvEvidenceId: r.csv_evidence_id,
    pdfEvidenceId: r.pdf_evidence_id,
    evidencePending: completed && (r.csv_evidence_id === null || r.pdf_evidence_id === null),
    progress,
  };
}

/** Members and reviewers count only their own items. */
export const ownItemsOf = (actor: ReviewActor) => (seesAllReviews(actor) ? null : actor.userId);

export interface CampaignFilter {
  status?: CampaignStatus;
  page: number;
  limit: number;
}

/** Campaigns the actor may see, newest first, with their progress. */
export async function listCampaigns(
  tx: Tx,
  actor: ReviewActor,
  f: CampaignFilter,
  now: Date,
): Promise<{ items: Campaign[]; total: number; page: number; limit: number }> {
  const mine = ownItemsOf(actor);
  let q = campaignQuery(tx);
  let counter = tx.selectFrom('access_review_campaigns as c').select((eb) => eb.fn.countAll<number>().as('n'));
  if (f.status) {
    q = q.where('c.status', '=', f.status);
    counter = counter.where('c.status', '=', f.status);
  }
  if (mine) {
    const assigned = sql<boolean>`EXISTS (SELECT 1 FROM access_review_items i WHERE i.campaign_id = c.id AND i.reviewer_id = ${mine})`;
    q = q.where(assigned);
    counter = counter.where(assigned);
  }
  const rows = await q
    .orderBy('c.started_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(f.limit)
    .offset((f.page - 1) * f.limit)
    .execute();
  const { n } = await counter.executeTakeFirstOrThrow();
  const counts = await itemCounts(
    tx,
    'campaign_id',
    rows.map((r) => r.id),
    mine,
  );
  const byCampaign = new Map(counts.map((c) => [c.key, c]));
  const names = await systemNames(tx, [...new Set(rows.flatMap((r) => r.system_ids))]);
  return {
    items: rows.map((r) => toCampaign(r, names, progressOf(byCampaign.get(r.id)), now)),
    total: Number(n),
    page: f.page,
    limit: f.limit,
  };
}

/** The campaign row, if the actor may see it (members and reviewers: only with items of theirs). */
export async function campaignRow(tx: Tx, actor: ReviewActor, id: string): Promise<CampaignRow> {
  let q = campaignQuery(tx).where('c.id', '=', id);
  const mine = ownItemsOf(actor);
  if (mine) {
    q = q.where(
      sql<boolean>`EXISTS (SELECT 1 FROM access_review_items i WHERE i.campaign_id = c.id AND i.reviewer_id = ${mine})`,
    );
  }
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('This access review');
  return row;
}

/** One campaign with its progress overall, by reviewer and by system. */
export async function getCampaign(tx: Tx, actor: ReviewActor, id: string, now: Date): Promise<CampaignDetail> {
  const row = await campaignRow(tx, actor, id);
  const mine = ownItemsOf(actor);
  const [overall, reviewers, systems] = [
    await itemCounts(tx, 'campaign_id', [id], mine),
    await itemCounts(tx, 'reviewer_id', [id], mine),
    await itemCounts(tx, 'system_id', [id], mine),
  ];
  const reviewerIds = reviewers.map((r) => r.key).filter((k): k is string => k !== null);
  const users =
    reviewerIds.length === 0
      ? []
      : await tx.selectFrom('users').select(['id', 'email', 'name']).where('id', 'in', reviewerIds).execute();
  const byId = new Map(users.map((u) => [u.id, u]));
  const names = await systemNames(tx, [...new Set([...row.system_ids, ...systems.map((s) => s.key ?? '')])]);
  return {
    ...toCampaign(row, names, progressOf(overall[0]), now),
    byReviewer: reviewers
      .map((r) => {
        const u = r.key ? byId.get(r.key) : undefined;
        return { reviewer: u ? { id: u.id, email: u.email, name: u.name } : null, total: r.total, decided: r.decided };
      })
      .sort((a, b) => (a.reviewer?.email ?? '~').localeCompare(b.reviewer?.email ?? '~')),
    bySystem: systems
      .map((s) => ({
        system: { id: s.key ?? '', name: names.get(s.key ?? '') ?? '(removed system)' },
        total: s.total,
        decided: s.decided,
        byDecision: { keep: s.keep, revoke: s.revoke, change: s.change },
      }))
      .sort((a, b) => a.system.name.localeCompare(b.system.name)),
  };
}

/** The systems a campaign can cover: not archived, with their monitoring source and account count. */
export async function reviewableSystems(tx: Tx) {
  const { rows } = await sql<{
    id: string;
    name: string;
    production: boolean;
    source_id: string | null;
    source_name: string | null;
    owner_user_id: string | null;
    owner_email: string | null;
    accounts: number;
  }>`
    SELECT s.id, s.name, s.production, s.source_id, ms.name AS source_name, s.owner_user_id, u.email AS owner_email,
           (SELECT count(*)::int FROM inventory_records r
             WHERE r.source_id = s.source_id AND r.type = 'account' AND r.deleted_at IS NULL) AS accounts
      FROM systems s
      LEFT JOIN monitoring_sources ms ON ms.id = s.source_id
      LEFT JOIN users u ON u.id = s.owner_user_id
     WHERE s.archived_at IS NULL
     ORDER BY s.name`.execute(tx);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    production: r.production,
    source: r.source_id ? { id: r.source_id, name: r.source_name ?? '' } : null,
    owner: r.owner_user_id ? { id: r.owner_user_id, email: r.owner_email ?? '' } : null,
    accounts: r.accounts,
  }));
}

/** The latest completed campaign (for checks that ask whether access was reviewed recently). */
export async function lastCompletedReview(
  tx: Tx,
): Promise<{ campaignId: string; completedAt: string; startedAt: string } | null> {
  const row = await tx
    .selectFrom('access_review_campaigns')
    .select(['id', 'completed_at', 'started_at'])
    .where('status', '=', 'completed')
    .where('completed_at', 'is not', null)
    .orderBy('completed_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row?.completed_at) return null;
  return { campaignId: row.id, completedAt: row.completed_at.toISOString(), startedAt: row.started_at.toISOString() };
}
