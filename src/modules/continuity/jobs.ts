import type PgBoss from 'pg-boss';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { refreshContinuity } from './inventory.js';

/** Once a day: every organisation's DR exercise records are rewritten from the register. */
export const CONTINUITY_QUEUE = 'continuity.daily';
export const CONTINUITY_CRON = '47 5 * * *';

/** The schedule sends an empty payload; anything else is refused rather than guessed at. */
const DailyPayload = z.object({}).strict();

/**
 * Rewrites the DR exercise records of every organisation that has exercises. The records hold
 * days, not ages, and `monitoring.daily` re-evaluates every check against the day, so a year
 * passing needs no push; this run keeps the records true to the table whatever happened.
 */
export async function refreshAllContinuity(ctx: AppContext): Promise<number> {
  const { rows } = await ctx.database.query('SELECT DISTINCT org_id FROM dr_exercises ORDER BY org_id');
  for (const { org_id: orgId } of rows as { org_id: string }[]) {
    await withScope(ctx.database, { orgId }, (tx) => refreshContinuity(tx, orgId, ctx.clock.now()));
  }
  return rows.length;
}

/** The continuity module's scheduled work on the server's pg-boss. */
export async function registerContinuityJobs(boss: PgBoss, ctx: AppContext): Promise<void> {
  await boss.createQueue(CONTINUITY_QUEUE, {
    name: CONTINUITY_QUEUE,
    policy: 'singleton',
    retryLimit: 3,
    retryDelay: 300,
    retryBackoff: true,
    expireInSeconds: 30 * 60,
  });
  await boss.work(CONTINUITY_QUEUE, async (jobs) => {
    for (const job of jobs) {
      DailyPayload.parse(job.data ?? {});
      const organisations = await refreshAllContinuity(ctx);
      ctx.log.info({ job: job.id, organisations }, 'continuity: daily refresh');
    }
  });
  await boss.schedule(CONTINUITY_QUEUE, CONTINUITY_CRON, {}, { tz: 'UTC' });
}
