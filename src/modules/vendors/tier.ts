/**
 * A vendor's risk tier and how often each tier is reviewed. The tier follows from two facts:
 * the most sensitive data the vendor touches and how badly an outage of it would hurt
 * (criticality). The whole rule is the table below; an owner or admin may override the result
 * for one vendor, with a reason.
 */
import type { RequestMeta } from '../../context.js';
import type { VendorClassification, VendorLevel } from '../../db/schema/vendors.js';
import type { Tx } from '../../db/tenancy.js';
import { type AuditWho, recordAudit } from '../audit/service.js';

export const CLASSIFICATIONS = ['none', 'public', 'internal', 'confidential', 'restricted'] as const;
export const LEVELS = ['low', 'medium', 'high'] as const;

/**
 * Rows: the data the vendor touches; columns: criticality low, medium, high.
 *
 *                    low      medium   high
 *   none / public    low      low      medium
 *   internal         low      medium   high
 *   confidential     medium   high     high
 *   restricted       high     high     high
 *
 * Until someone says which data a vendor touches, it is treated as confidential: a gap in the
 * register must not make a vendor look safer than it may be.
 */
const TABLE: Record<VendorClassification, Record<VendorLevel, VendorLevel>> = {
  none: { low: 'low', medium: 'low', high: 'medium' },
  public: { low: 'low', medium: 'low', high: 'medium' },
  internal: { low: 'low', medium: 'medium', high: 'high' },
  confidential: { low: 'medium', medium: 'high', high: 'high' },
  restricted: { low: 'high', medium: 'high', high: 'high' },
};

export function computeTier(classification: VendorClassification | null, criticality: VendorLevel): VendorLevel {
  return TABLE[classification ?? 'confidential'][criticality];
}

/** The tier in force: an override wins over the computed tier. */
export const effectiveTier = (
  classification: VendorClassification | null,
  criticality: VendorLevel,
  override: VendorLevel | null,
): VendorLevel => override ?? computeTier(classification, criticality);

/** Days a review stays current, by tier. */
export type ReviewIntervals = Record<VendorLevel, number>;

/** High-tier vendors yearly, medium every two years, low every three. */
export const DEFAULT_REVIEW_DAYS: ReviewIntervals = { high: 365, medium: 730, low: 1095 };

export async function loadReviewIntervals(tx: Tx): Promise<ReviewIntervals> {
  const row = await tx
    .selectFrom('vendor_settings')
    .select(['review_days_high', 'review_days_medium', 'review_days_low'])
    .executeTakeFirst();
  return row
    ? { high: row.review_days_high, medium: row.review_days_medium, low: row.review_days_low }
    : DEFAULT_REVIEW_DAYS;
}

export async function saveReviewIntervals(
  tx: Tx,
  orgId: string,
  intervals: ReviewIntervals,
  who: AuditWho,
  meta: RequestMeta,
  now: Date,
): Promise<ReviewIntervals> {
  const values = {
    review_days_high: intervals.high,
    review_days_medium: intervals.medium,
    review_days_low: intervals.low,
    updated_by: who.userId,
    updated_at: now,
  };
  await tx
    .insertInto('vendor_settings')
    .values({ org_id: orgId, ...values })
    .onConflict((oc) => oc.column('org_id').doUpdateSet(values))
    .execute();
  await recordAudit(tx, orgId, who, meta, now, {
    action: 'vendor.settings_changed',
    targetType: 'vendor_settings',
    targetId: orgId,
    details: { reviewDays: intervals },
  });
  return intervals;
}

/** The day a review completed on `completedOn` stops being current (YYYY-MM-DD). */
export function reviewDueOn(completedOn: string, days: number): string {
  return new Date(Date.parse(`${completedOn}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
