/**
 * Reading the register: one vendor, or a filtered page of them, each with its tier (computed
 * and in force), its latest review and when the next one is due, and its latest SOC 2 report.
 */
import { sql } from 'kysely';
import { oneYearAfter } from '../../checks/library/vendors.js';
import type { Actor } from '../../context.js';
import type {
  VendorClassification,
  VendorDocumentKind,
  VendorLevel,
  VendorReviewOutcome,
  VendorStatus,
} from '../../db/schema/vendors.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { notFound } from '../../errors.js';
import { managesVendors, mayEdit } from './access.js';
import { computeTier, loadReviewIntervals, type ReviewIntervals, reviewDueOn } from './tier.js';

export const STATUSES = ['proposed', 'in_review', 'approved', 'rejected', 'offboarded'] as const;
export const SOC_KINDS: VendorDocumentKind[] = ['soc2_type1', 'soc2_type2'];
/** A review due within this many days is "due soon" (and reminded). */
export const DUE_SOON_DAYS = 30;

interface UserRef {
  id: string;
  email: string;
  name: string;
}

export interface Vendor {
  id: string;
  name: string;
  website: string | null;
  purpose: string;
  dataClassification: VendorClassification | null;
  regions: string[];
  subprocessor: boolean;
  owner: UserRef | null;
  criticality: VendorLevel;
  /** The tier in force, and the one the rule computes (they differ when overridden). */
  tier: VendorLevel;
  computedTier: VendorLevel;
  tierOverride: { tier: VendorLevel; reason: string; by: string | null; at: string | null } | null;
  status: VendorStatus;
  decidedAt: string | null;
  decidedBy: string | null;
  decisionComment: string | null;
  approvedAt: string | null;
  offboardedAt: string | null;
  lastReview: { completedOn: string; outcome: VendorReviewOutcome } | null;
  /** Recurring reviews: the tier's interval, the next due day, and (approved vendors) where it stands. */
  review: {
    intervalDays: number;
    nextDueOn: string | null;
    state: 'current' | 'due_soon' | 'overdue' | 'missing' | null;
  };
  socReport: { kind: VendorDocumentKind; periodEnd: string; current: boolean } | null;
  createdAt: string;
  updatedAt: string;
  canEdit: boolean;
  canDecide: boolean;
}

export function vendorsQuery(tx: Tx) {
  return tx
    .selectFrom('vendors as v')
    .leftJoin('users as o', 'o.id', 'v.owner_user_id')
    .leftJoin('users as tb', 'tb.id', 'v.tier_override_by')
    .leftJoin('users as db', 'db.id', 'v.decided_by')
    .select([
      'v.id',
      'v.name',
      'v.website',
      'v.purpose',
      'v.data_classification',
      'v.regions',
      'v.subprocessor',
      'v.owner_user_id',
      'v.criticality',
      'v.tier',
      'v.tier_override',
      'v.tier_override_reason',
      'v.tier_override_at',
      'v.status',
      'v.decided_at',
      'v.decision_comment',
      'v.approved_at',
      'v.offboarded_at',
      'v.created_at',
      'v.updated_at',
      'o.email as owner_email',
      'o.name as owner_name',
      'tb.email as tier_override_by_email',
      'db.email as decided_by_email',
    ]);
}

export type VendorRow = Awaited<ReturnType<ReturnType<typeof vendorsQuery>['executeTakeFirstOrThrow']>>;

/** Per vendor: its latest completed review and its SOC 2 report ending last. */
export async function latestFacts(tx: Tx, ids: string[]) {
  const reviews = new Map<string, { completedOn: string; outcome: VendorReviewOutcome }>();
  const reports = new Map<string, { kind: VendorDocumentKind; periodEnd: string }>();
  if (ids.length === 0) return { reviews, reports };
  for (const r of await tx
    .selectFrom('vendor_reviews')
    .select(['vendor_id', 'completed_on', 'outcome'])
    .where('vendor_id', 'in', ids)
    .orderBy('completed_on', 'desc')
    .orderBy('created_at', 'desc')
    .execute()) {
    if (!reviews.has(r.vendor_id)) reviews.set(r.vendor_id, { completedOn: r.completed_on, outcome: r.outcome });
  }
  for (const d of await tx
    .selectFrom('vendor_documents')
    .select(['vendor_id', 'kind', 'period_end'])
    .where('vendor_id', 'in', ids)
    .where('kind', 'in', SOC_KINDS)
    .where('period_end', 'is not', null)
    .orderBy('period_end', 'desc')
    .execute()) {
    if (!reports.has(d.vendor_id)) reports.set(d.vendor_id, { kind: d.kind, periodEnd: d.period_end as string });
  }
  return { reviews, reports };
}

function reviewState(
  status: VendorStatus,
  nextDueOn: string | null,
  today: string,
): 'current' | 'due_soon' | 'overdue' | 'missing' | null {
  if (status !== 'approved') return null;
  if (!nextDueOn) return 'missing';
  if (nextDueOn < today) return 'overdue';
  return nextDueOn <= reviewDueOn(today, DUE_SOON_DAYS) ? 'due_soon' : 'current';
}

export function toVendor(
  r: VendorRow,
  actor: Actor,
  facts: Awaited<ReturnType<typeof latestFacts>>,
  intervals: ReviewIntervals,
  now: Date,
): Vendor {
  const today = now.toISOString().slice(0, 10);
  const lastReview = facts.reviews.get(r.id) ?? null;
  const intervalDays = intervals[r.tier];
  const nextDueOn = lastReview ? reviewDueOn(lastReview.completedOn, intervalDays) : null;
  const report = facts.reports.get(r.id);
  return {
    id: r.id,
    name: r.name,
    website: r.website,
    purpose: r.purpose,
    dataClassification: r.data_classification,
    regions: r.regions,
    subprocessor: r.subprocessor,
    owner: r.owner_user_id ? { id: r.owner_user_id, email: r.owner_email ?? '', name: r.owner_name ?? '' } : null,
    criticality: r.criticality,
    tier: r.tier,
    computedTier: computeTier(r.data_classification, r.criticality),
    tierOverride: r.tier_override
      ? {
          tier: r.tier_override,
          reason: r.tier_override_reason ?? '',
          by: r.tier_override_by_email,
          at: r.tier_override_at ? iso(r.tier_override_at) : null,
        }
      : null,
    status: r.status,
    decidedAt: r.decided_at ? iso(r.decided_at) : null,
    decidedBy: r.decided_by_email,
    decisionComment: r.decision_comment,
    approvedAt: r.approved_at ? iso(r.approved_at) : null,
    offboardedAt: r.offboarded_at ? iso(r.offboarded_at) : null,
    lastReview,
    review: { intervalDays, nextDueOn, state: reviewState(r.status, nextDueOn, today) },
    socReport: report ? { ...report, current: today <= oneYearAfter(report.periodEnd) } : null,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    canEdit: mayEdit(actor, r.owner_user_id),
    canDecide: managesVendors(actor),
  };
}

export async function withFacts(tx: Tx, actor: Actor, rows: VendorRow[], now: Date): Promise<Vendor[]> {
  const facts = await latestFacts(
    tx,
    rows.map((r) => r.id),
  );
  const intervals = await loadReviewIntervals(tx);
  return rows.map((r) => toVendor(r, actor, facts, intervals, now));
}

export async function vendorRow(tx: Tx, id: string): Promise<VendorRow> {
  const row = await vendorsQuery(tx).where('v.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This vendor');
  return row;
}

export async function getVendor(tx: Tx, actor: Actor, id: string, now: Date): Promise<Vendor> {
  const [vendor] = await withFacts(tx, actor, [await vendorRow(tx, id)], now);
  return vendor as Vendor;
}

export interface VendorFilter {
  q?: string;
  status?: VendorStatus;
  tier?: VendorLevel;
  subprocessor?: boolean;
  limit: number;
  offset: number;
}

/** The register by name, filtered by status, tier, subprocessor and a search of name and purpose. */
export async function listVendors(
  tx: Tx,
  actor: Actor,
  now: Date,
  filter: VendorFilter,
): Promise<{ items: Vendor[]; total: number }> {
  let query = vendorsQuery(tx);
  if (filter.status) query = query.where('v.status', '=', filter.status);
  if (filter.tier) query = query.where('v.tier', '=', filter.tier);
  if (filter.subprocessor !== undefined) query = query.where('v.subprocessor', '=', filter.subprocessor);
  if (filter.q) {
    const like = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb(sql`lower(v.name)`, 'like', like), eb(sql`lower(v.purpose)`, 'like', like)]));
  }
  const total = Number(
    (
      await query
        .clearSelect()
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const rows = await query
    .orderBy(sql`lower(v.name)`)
    .orderBy('v.id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return { items: await withFacts(tx, actor, rows, now), total };
}
