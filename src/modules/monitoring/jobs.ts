import type PgBoss from 'pg-boss';
import { type AppContext, SYSTEM_META } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { invalidateTrustCenter } from '../trust/cache.js';
import { runDueConnections } from './connections.js';
import { reevaluateOrganisation } from './reevaluate.js';
import { updateControlStatuses } from './results.js';

const HOURLY = 'monitoring.hourly';
const DAILY = 'monitoring.daily';

async function organisations(ctx: AppContext): Promise<string[]> {
  const { rows } = await ctx.database.query('SELECT id FROM organizations ORDER BY id');
  return rows.map((r) => (r as { id: string }).id);
}

/**
 * Hourly: run the probes that are due, and re-derive control statuses (an exception that
 * expired brings its failure back). Daily: re-evaluate every check over the whole inventory,
 * for what time alone changes (deadlines, certificate expiry, unused credentials).
 */
export async function registerMonitoringJobs(boss: PgBoss, ctx: AppContext): Promise<void> {
  await boss.createQueue(HOURLY);
  await boss.createQueue(DAILY);
  await boss.schedule(HOURLY, '7 * * * *');
  await boss.schedule(DAILY, '23 3 * * *');
  await boss.work(HOURLY, async () => {
    const orgs = await organisations(ctx);
    const probes = await runDueConnections(ctx, orgs, SYSTEM_META);
    for (const orgId of orgs) {
      await withScope(ctx.database, { orgId }, (tx) => updateControlStatuses(tx, orgId, ctx.clock.now()));
      // A probe or the hour may have turned a control: the trust center shows it now, not at its max age.
      invalidateTrustCenter(ctx, orgId);
    }
    ctx.log.info({ organisations: orgs.length, probes }, 'monitoring: hourly run');
  });
  await boss.work(DAILY, async () => {
    let changed = 0;
    for (const orgId of await organisations(ctx)) {
      changed += (await reevaluateOrganisation(ctx, orgId)).changed;
      invalidateTrustCenter(ctx, orgId);
    }
    ctx.log.info({ changed }, 'monitoring: daily re-evaluation');
  });
}
