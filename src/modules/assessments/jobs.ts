import type PgBoss from 'pg-boss';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { refreshAssessments } from './inventory.js';

/** Once a day: every organisation's assessment records are rewritten from the register. */
export const ASSESSMENTS_QUEUE = 'assessments.daily';
export const ASSESSMENTS_CRON = '41 5 * * *';

/** The schedule sends an empty payload; anything else is refused rather than guessed at. */
const DailyPayload = z.object({}).strict();

/**
 * Rewrites the inventory records of every organisation that has assessments. The records hold
 * days, not ages, and `monitoring.daily` re-evaluates every check against the day, so a deadline
 * passing needs no push; this run keeps the records true to the register whatever moved
 * outside it (a finding owner's email changed with their account). Unchanged records cost a hash.
 */
export async function refreshAllAssessments(ctx: AppContext): Promise<number> {
  const { rows } = await ctx.database.query('SELECT DISTINCT org_id FROM assessments ORDER BY org_id');
  for (const { org_id: orgId } of rows as { org_id: string }[]) {
    await withScope(ctx.database, { orgId }, (tx) => refreshAssessments(tx, orgId, ctx.clock.now()));
  }
  return rows.length;
}

/** The assessments module's scheduled work on the server's pg-boss. */
export async function registerAssessmentsJobs(boss: PgBoss, ctx: AppContext): Promise<void> {
  await boss.createQueue(ASSESSMENTS_QUEUE, {
    name: ASSESSMENTS_QUEUE,
    policy: 'singleton',
    retryLimit: 3,
    retryDelay: 300,
    retryBackoff: true,
    expireInSeconds: 30 * 60,
  });
  await boss.work(ASSESSMENTS_QUEUE, async (jobs) => {
    for (const job of jobs) {
      DailyPayload.parse(job.data ?? {});
      const organisations = await refreshAllAssessments(ctx);
      ctx.log.info({ job: job.id, organisations }, 'assessments: daily refresh');
    }
  });
  await boss.schedule(ASSESSMENTS_QUEUE, ASSESSMENTS_CRON, {}, { tz: 'UTC' });
}
