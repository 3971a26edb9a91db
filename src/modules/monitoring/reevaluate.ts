import { InventoryEvaluation } from '../../checks/evaluator.js';
import type { AppContext } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { CHECKS, recordsQuery, toStored } from './push.js';
import { updateControlStatuses, writeResults } from './results.js';
import { loadSettings } from './settings.js';

/**
 * Evaluates every check over an organisation's whole current inventory: what time alone
 * changes (a deadline passed, a certificate nearer expiry, a credential unused for longer)
 * without any push. Writes only the results that differ, then the control statuses.
 */
export async function reevaluateOrganisation(ctx: AppContext, orgId: string): Promise<{ changed: number }> {
  const now = ctx.clock.now();
  return withScope(ctx.database, { orgId }, async (tx) => {
    const settings = await loadSettings(tx);
    const records = (await recordsQuery(tx).execute()).map(toStored);
    const pushes = await tx
      .selectFrom('monitoring_sources')
      .select(['kind', (eb) => eb.fn.max('last_push_at').as('at')])
      .groupBy('kind')
      .execute();
    const evaluation = new InventoryEvaluation(CHECKS, settings, now);

    evaluation.load(
      records,
      pushes.filter((p) => p.at).map((p) => [p.kind, new Date(p.at as Date).toISOString()] as [string, string]),
    );
    const { changed } = await writeResults(
      tx,
      orgId,
      {
        results: [...evaluation.results()],
        replaceResources: records.map((r) => r.id),
        partial: [],
        removedResources: [],
      },
      settings,
      now,
    );
    await updateControlStatuses(tx, orgId, now);
    return { changed };
  });
}
