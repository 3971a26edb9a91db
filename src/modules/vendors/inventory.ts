/**
 * The vendor register in the inventory: each vendor is a record of the built-in source
 * "Vendor register" (kind `vendors`) whose data carries what the vendor checks judge (VendorData):
 * the register's fields, the tier in force, its approval, its completed reviews, the review
 * interval of its tier and its latest SOC 2 report. `refreshVendors` rewrites those records as
 * a partial push after every change that moves them; unchanged records are left as they are.
 */
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import type { InventoryRecord, VendorData } from '../../integrations/types.js';
import { applyPush, sourceFor } from '../monitoring/push.js';
import { SOC_KINDS } from './read.js';
import { loadReviewIntervals } from './tier.js';

export const VENDORS_SOURCE_KIND = 'vendors';
const SOURCE_NAME = 'Vendor register';
const SCOPE = 'vendors';

export async function refreshVendors(tx: Tx, orgId: string, now: Date): Promise<void> {
  const vendors = await tx
    .selectFrom('vendors as v')
    .leftJoin('users as o', 'o.id', 'v.owner_user_id')
    .select([
      'v.id',
      'v.name',
      'v.status',
      'v.purpose',
      'v.data_classification',
      'v.regions',
      'v.subprocessor',
      'v.criticality',
      'v.tier',
      'v.approved_at',
      'o.email as owner_email',
    ])
    .orderBy('v.id')
    .execute();
  if (vendors.length === 0) return;
  const intervals = await loadReviewIntervals(tx);
  const reviews = new Map<string, VendorData['reviews']>();
  for (const r of await tx
    .selectFrom('vendor_reviews')
    .select(['vendor_id', 'completed_on', 'outcome'])
    .orderBy('completed_on', 'desc')
    .orderBy('created_at', 'desc')
    .execute()) {
    const list = reviews.get(r.vendor_id) ?? [];
    list.push({ completedOn: r.completed_on, outcome: r.outcome });
    reviews.set(r.vendor_id, list);
  }
  const reports = new Map<string, NonNullable<VendorData['socReport']>>();
  for (const d of await tx
    .selectFrom('vendor_documents')
    .select(['vendor_id', 'kind', 'period_end'])
    .where('kind', 'in', SOC_KINDS)
    .where('period_end', 'is not', null)
    .orderBy('period_end', 'desc')
    .execute()) {
    if (!reports.has(d.vendor_id)) {
      reports.set(d.vendor_id, { kind: d.kind as 'soc2_type1' | 'soc2_type2', periodEnd: d.period_end as string });
    }
  }

  const records: InventoryRecord<'vendor'>[] = vendors.map((v) => {
    const data: VendorData = {
      name: v.name,
      status: v.status,
      ownerEmail: v.owner_email?.toLowerCase() ?? null,
      purpose: v.purpose.trim() || null,
      dataClassification: v.data_classification,
      regions: v.regions,
      subprocessor: v.subprocessor,
      criticality: v.criticality,
      tier: v.tier,
      approvedAt: v.status === 'approved' && v.approved_at ? iso(v.approved_at) : null,
      reviews: reviews.get(v.id) ?? [],
      reviewIntervalDays: intervals[v.tier],
      socReport: reports.get(v.id) ?? null,
    };
    return { type: 'vendor', externalId: v.id, name: v.name, data };
  });
  const source = await sourceFor(tx, orgId, VENDORS_SOURCE_KIND, SOURCE_NAME, null, now);
  await applyPush(tx, orgId, source, { format: SOURCE_NAME, scopes: [{ scope: SCOPE, records }], warnings: [] }, now, {
    removed: [],
  });
}
