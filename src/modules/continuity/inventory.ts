/**
 * Disaster recovery exercises in the inventory: each is a record of the built-in source
 * "Continuity records" (kind `continuity`) carrying its day, kind, outcome and the systems it
 * covered (DrExerciseData), so `continuity.dr_exercise.annual` judges them like any other
 * record. The data holds days, never ages: the check compares them with its own clock.
 * `refreshContinuity` rewrites the records as a partial push after every change.
 */
import type { Tx } from '../../db/tenancy.js';
import type { DrExerciseData } from '../../integrations/operations.js';
import type { InventoryRecord } from '../../integrations/types.js';
import { applyPush, sourceFor } from '../monitoring/push.js';

export const CONTINUITY_SOURCE_KIND = 'continuity';
const SOURCE_NAME = 'Continuity records';

export async function refreshContinuity(tx: Tx, orgId: string, now: Date): Promise<void> {
  const rows = await tx
    .selectFrom('dr_exercises')
    .select(['id', 'title', 'kind', 'status', 'exercised_on', 'outcome', 'systems', 'actions', 'report_pdf_id'])
    .execute();
  const known = await tx
    .selectFrom('inventory_records as r')
    .innerJoin('monitoring_sources as m', 'm.id', 'r.source_id')
    .select('r.external_id')
    .where('m.kind', '=', CONTINUITY_SOURCE_KIND)
    .where('r.deleted_at', 'is', null)
    .execute();
  if (rows.length === 0 && known.length === 0) return;

  const records: InventoryRecord<'dr_exercise'>[] = rows.map((e) => {
    const data: DrExerciseData = {
      name: e.title,
      kind: e.kind,
      status: e.status,
      exercisedOn: e.exercised_on,
      outcome: e.outcome,
      systems: e.systems.map((s) => ({
        name: s.name,
        rtoHours: s.rtoHours,
        rpoHours: s.rpoHours,
        recoveryHours: s.recoveryHours,
        dataLossHours: s.dataLossHours,
      })),
      openActions: e.actions.filter((a) => !a.done).length,
      hasReport: e.report_pdf_id !== null,
    };
    return { type: 'dr_exercise', externalId: e.id, name: e.title, data };
  });
  const keep = new Set(rows.map((e) => e.id));
  const source = await sourceFor(tx, orgId, CONTINUITY_SOURCE_KIND, SOURCE_NAME, null, now);
  await applyPush(
    tx,
    orgId,
    source,
    { format: SOURCE_NAME, scopes: [{ scope: 'dr_exercises', records }], warnings: [] },
    now,
    { removed: known.map((k) => k.external_id).filter((id) => !keep.has(id)) },
  );
}
