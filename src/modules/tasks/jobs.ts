import type PgBoss from 'pg-boss';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { remindOverdue } from './remind.js';

/** The hourly sweep that reminds people of overdue evidence tasks. */
export const REMIND_QUEUE = 'tasks.remind';
export const REMIND_CRON = '7 * * * *';

/** The schedule sends an empty payload; anything else is refused rather than guessed at. */
const RemindPayload = z.object({}).strict();

/**
 * Registers the evidence-task queue, its worker and its schedule on the server's pg-boss.
 * Completing a task schedules the next occurrence in the completing transaction (nothing
 * acknowledged can be lost), so the only job here is the reminder sweep. pg-boss keeps one
 * schedule per name, so every server start (and every server of a cluster) shares it.
 */
export async function registerTaskJobs(boss: PgBoss, ctx: AppContext): Promise<void> {
  // `singleton`: a sweep that takes longer than an hour is not queued twice.
  await boss.createQueue(REMIND_QUEUE, {
    name: REMIND_QUEUE,
    policy: 'singleton',
    retryLimit: 3,
    retryDelay: 60,
    retryBackoff: true,
    expireInSeconds: 15 * 60,
  });
  await boss.work(REMIND_QUEUE, async (jobs) => {
    for (const job of jobs) {
      RemindPayload.parse(job.data ?? {});
      const run = await remindOverdue(ctx.database, ctx, ctx.clock.now());
      if (run.tasks > 0) ctx.log.info({ job: job.id, ...run }, 'overdue evidence tasks reminded');
    }
  });
  await boss.schedule(REMIND_QUEUE, REMIND_CRON, {}, { tz: 'UTC' });
}
