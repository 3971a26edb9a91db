import type PgBoss from 'pg-boss';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { retryDueWebhooks } from './escalation.js';
import { refreshIncidents } from './inventory.js';

/** Every minute: escalation webhooks that failed and are due again. */
export const ESCALATIONS_QUEUE = 'incidents.escalations';
export const ESCALATIONS_CRON = '* * * * *';
/** Daily: every incident record rewritten (what time alone changes is then re-judged). */
export const DAILY_QUEUE = 'incidents.daily';
export const DAILY_CRON = '41 2 * * *';

/** The schedules send an empty payload; anything else is refused rather than guessed at. */
const Payload = z.object({}).strict();

/** Rewrites every organisation's incident records (each under its RLS). */
export async function refreshAllIncidents(ctx: AppContext): Promise<number> {
  const { rows } = await ctx.database.query('SELECT DISTINCT org_id FROM incidents ORDER BY org_id');
  for (const { org_id: orgId } of rows as { org_id: string }[]) {
    await withScope(ctx.database, { orgId }, (tx) => refreshIncidents(tx, orgId, ctx.clock.now()));
  }
  return rows.length;
}

/** The incidents module's scheduled work on the server's pg-boss. */
export async function registerIncidentsJobs(boss: PgBoss, ctx: AppContext): Promise<void> {
  const options = { policy: 'singleton' as const, retryLimit: 3, retryDelay: 60, retryBackoff: true };
  await boss.createQueue(ESCALATIONS_QUEUE, { name: ESCALATIONS_QUEUE, ...options, expireInSeconds: 10 * 60 });
  await boss.createQueue(DAILY_QUEUE, { name: DAILY_QUEUE, ...options, expireInSeconds: 30 * 60 });
  await boss.work(ESCALATIONS_QUEUE, async (jobs) => {
    for (const job of jobs) {
      Payload.parse(job.data ?? {});
      const run = await retryDueWebhooks(ctx, ctx.clock.now());
      if (run.attempted > 0) ctx.log.info({ job: job.id, ...run }, 'incidents: escalation webhooks retried');
    }
  });
  await boss.work(DAILY_QUEUE, async (jobs) => {
    for (const job of jobs) {
      Payload.parse(job.data ?? {});
      const organisations = await refreshAllIncidents(ctx);
      ctx.log.info({ job: job.id, organisations }, 'incidents: records refreshed');
    }
  });
  await boss.schedule(ESCALATIONS_QUEUE, ESCALATIONS_CRON, {}, { tz: 'UTC' });
  await boss.schedule(DAILY_QUEUE, DAILY_CRON, {}, { tz: 'UTC' });
}
