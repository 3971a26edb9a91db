/**
 * The risk register in the inventory: every risk is a `risk` record and every assessment
 * campaign a `risk_assessment` record of the built-in source "Risk register" (kind `risks`), so
 * the risk checks judge them like any other record. `refreshRisks` pushes the register's whole
 * state after anything that moves it (a risk created, changed, closed; a campaign started,
 * reviewed, completed): only what differs is re-evaluated. The daily job also re-runs the
 * checks over the unchanged records, for what time alone changes (a review date passing, the
 * last assessment turning a year old).
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import type { InventoryRecord } from '../../integrations/types.js';
import { applyPush, reevaluateRecords, sourceFor } from '../monitoring/push.js';
import { scoreOf } from './scoring.js';

export const RISKS_SOURCE_KIND = 'risks';
const SOURCE_NAME = 'Risk register';

async function riskRecords(tx: Tx): Promise<InventoryRecord<'risk'>[]> {
  const risks = await tx
    .selectFrom('risks as r')
    .leftJoin('users as o', 'o.id', 'r.owner_user_id')
    .leftJoin('users as a', 'a.id', 'r.accepted_by')
    .select([
      'r.id',
      'r.title',
      'r.category',
      'r.status',
      'o.email as owner_email',
      'r.inherent_likelihood',
      'r.inherent_impact',
      'r.residual_likelihood',
      'r.residual_impact',
      'r.treatment',
      'a.email as accepted_by_email',
      'r.accepted_at',
      'r.review_on',
    ])
    .orderBy('r.id')
    .execute();
  const controls = new Map<string, string[]>();
  for (const row of await tx
    .selectFrom('risk_controls as rc')
    .innerJoin('controls as c', 'c.id', 'rc.control_id')
    .select(['rc.risk_id', 'c.key'])
    .orderBy('c.key')
    .execute()) {
    controls.set(row.risk_id, [...(controls.get(row.risk_id) ?? []), row.key]);
  }
  return risks.map((r) => ({
    type: 'risk',
    externalId: r.id,
    name: r.title,
    data: {
      name: r.title,
      category: r.category,
      status: r.status,
      ownerEmail: r.owner_email?.toLowerCase() ?? null,
      inherent: scoreOf(r.inherent_likelihood, r.inherent_impact),
      residual: scoreOf(r.residual_likelihood, r.residual_impact),
      treatment: r.treatment,
      acceptance:
        r.accepted_at && r.accepted_by_email ? { by: r.accepted_by_email.toLowerCase(), at: iso(r.accepted_at) } : null,
      reviewOn: r.review_on,
      controls: controls.get(r.id) ?? [],
    },
  }));
}

async function assessmentRecords(tx: Tx): Promise<InventoryRecord<'risk_assessment'>[]> {
  const { rows } = await sql<{
    id: string;
    name: string;
    status: 'open' | 'completed' | 'cancelled';
    started_at: Date;
    due_on: string;
    completed_at: Date | null;
    fraud_statement: string | null;
    items: number;
    reviewed: number;
    fraud_risks: number;
  }>`
    SELECT a.id, a.name, a.status, a.started_at, a.due_on, a.completed_at, a.fraud_statement,
           count(i.id)::int AS items,
           count(i.reviewed_at)::int AS reviewed,
           count(*) FILTER (WHERE r.category = 'fraud')::int AS fraud_risks
      FROM risk_assessments a
      LEFT JOIN risk_assessment_items i ON i.assessment_id = a.id
      LEFT JOIN risks r ON r.id = i.risk_id
     GROUP BY a.id
     ORDER BY a.id`.execute(tx);
  return rows.map((a) => ({
    type: 'risk_assessment',
    externalId: a.id,
    name: a.name,
    data: {
      name: a.name,
      status: a.status,
      startedAt: iso(a.started_at),
      dueOn: a.due_on,
      completedAt: a.completed_at ? iso(a.completed_at) : null,
      items: a.items,
      reviewed: a.reviewed,
      fraudConsidered: (a.fraud_statement ?? '').trim().length > 0,
      fraudRisks: a.fraud_risks,
    },
  }));
}

/**
 * Writes the register's state into the inventory (nothing when the organisation never had a
 * risk or an assessment). `reevaluate` also re-runs the checks of records that did not change.
 */
export async function refreshRisks(
  tx: Tx,
  orgId: string,
  now: Date,
  options: { reevaluate?: boolean } = {},
): Promise<void> {
  const risks = await riskRecords(tx);
  const assessments = await assessmentRecords(tx);
  const source = await tx
    .selectFrom('monitoring_sources')
    .select(['id', 'kind', 'name'])
    .where('kind', '=', RISKS_SOURCE_KIND)
    .where('name', '=', SOURCE_NAME)
    .executeTakeFirst();
  if (!source && risks.length === 0 && assessments.length === 0) return;
  const target = source ?? (await sourceFor(tx, orgId, RISKS_SOURCE_KIND, SOURCE_NAME, null, now));
  await applyPush(
    tx,
    orgId,
    target,
    {
      format: SOURCE_NAME,
      scopes: [
        { scope: 'risks', records: risks },
        { scope: 'assessments', records: assessments },
      ],
      warnings: [],
    },
    now,
  );
  if (options.reevaluate) {
    const ids = (
      await tx
        .selectFrom('inventory_records')
        .select('id')
        .where('source_id', '=', target.id)
        .where('deleted_at', 'is', null)
        .execute()
    ).map((r) => r.id);
    if (ids.length > 0) await reevaluateRecords(tx, orgId, ids, RISKS_SOURCE_KIND, now);
  }
}
