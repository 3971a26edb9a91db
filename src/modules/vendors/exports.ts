/**
 * What leaves the register: the list of approved subprocessors (which the trust center
 * publishes), as JSON or CSV, and the whole register as CSV, stored as evidence of VEN-01.
 */

import { sql } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import { csvText } from '../../csv.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { addGeneratedEvidence } from '../evidence/generated.js';
import type { VendorActor } from './access.js';
import { listVendors, type Vendor } from './read.js';

export interface Subprocessor {
  name: string;
  purpose: string;
  website: string | null;
  regions: string[];
  dataClassification: string | null;
}

/** Approved vendors marked as subprocessors, by name. */
export async function listSubprocessors(tx: Tx): Promise<Subprocessor[]> {
  const rows = await tx
    .selectFrom('vendors')
    .select(['name', 'purpose', 'website', 'regions', 'data_classification'])
    .where('status', '=', 'approved')
    .where('subprocessor', '=', true)
    .orderBy(sql`lower(name)`)
    .execute();
  return rows.map((r) => ({
    name: r.name,
    purpose: r.purpose,
    website: r.website,
    regions: r.regions,
    dataClassification: r.data_classification,
  }));
}

const csvCell = (value: unknown): string => csvText(value === null || value === undefined ? '' : String(value));

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}

export function subprocessorsCsv(items: Subprocessor[]): string {
  return toCsv(
    ['name', 'purpose', 'website', 'regions', 'data_classification'],
    items.map((s) => [s.name, s.purpose, s.website, s.regions.join('; '), s.dataClassification]),
  );
}

function registerCsv(vendors: Vendor[]): string {
  return toCsv(
    [
      'name',
      'status',
      'tier',
      'computed_tier',
      'tier_override_reason',
      'criticality',
      'data_classification',
      'subprocessor',
      'regions',
      'owner',
      'purpose',
      'website',
      'approved_at',
      'last_review',
      'last_review_outcome',
      'next_review_due',
      'soc2_period_end',
    ],
    vendors.map((v) => [
      v.name,
      v.status,
      v.tier,
      v.computedTier,
      v.tierOverride?.reason ?? '',
      v.criticality,
      v.dataClassification,
      v.subprocessor ? 'yes' : 'no',
      v.regions.join('; '),
      v.owner?.email ?? '',
      v.purpose,
      v.website,
      v.approvedAt,
      v.lastReview?.completedOn,
      v.lastReview?.outcome,
      v.review.nextDueOn,
      v.socReport?.periodEnd,
    ]),
  );
}

/** The whole register as CSV, stored as evidence of VEN-01 (and so on the ledger); returns the file. */
export async function exportRegister(
  ctx: AppContext,
  actor: VendorActor,
  meta: RequestMeta,
): Promise<{ name: string; csv: string; evidenceId: string }> {
  const now = ctx.clock.now();
  const vendors: Vendor[] = [];
  await withScope(ctx.database, { orgId: actor.orgId, userId: actor.userId }, async (tx) => {
    for (let offset = 0; ; offset += 500) {
      const page = await listVendors(tx, actor, now, { limit: 500, offset });
      vendors.push(...page.items);
      if (page.items.length < 500) break;
    }
  });
  const csv = registerCsv(vendors);
  const name = `vendor-register-${now.toISOString().slice(0, 10)}.csv`;
  const evidence = await addGeneratedEvidence(
    ctx,
    actor.orgId,
    { userId: actor.userId, email: actor.email },
    {
      name,
      contentType: 'text/csv',
      bytes: Buffer.from(csv, 'utf8'),
      controlKey: 'VEN-01',
      note: `The vendor register on ${now.toISOString().slice(0, 10)}: ${vendors.length} vendor(s).`,
      effectiveFrom: now,
    },
    meta,
  );
  return { name, csv, evidenceId: evidence.id };
}
