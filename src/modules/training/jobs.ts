import type PgBoss from 'pg-boss';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { remindTraining } from './remind.js';

/** The daily sweep that reminds members of training overdue or due within 14 days. */
export const TRAINING_REMIND_QUEUE = 'training.remind';
export const TRAINING_REMIND_CRON = '23 7 * * *';

/** The schedule sends an empty payload; anything else is refused rather than guessed at. */
const RemindPayload = z.object({}).strict();

/**
 * Registers the training reminder queue, its worker and its daily schedule on the server's
 * pg-boss (one schedule per name, shared by every server start and every server of a cluster).
 */
export async function registerTrainingJobs(boss: PgBoss, ctx: AppContext): Promise<void> {
  // `singleton`: a slow sweep is never queued twice.
  await boss.createQueue(TRAINING_REMIND_QUEUE, {
    name: TRAINING_REMIND_QUEUE,
    policy: 'singleton',
    retryLimit: 3,
    retryDelay: 300,
    retryBackoff: true,
    expireInSeconds: 30 * 60,
  });
  await boss.work(TRAINING_REMIND_QUEUE, async (jobs) => {
    for (const job of jobs) {
      RemindPayload.parse(job.data ?? {});
      const run = await remindTraining(ctx.database, ctx, ctx.clock.now());
      if (run.notices > 0) ctx.log.info({ job: job.id, ...run }, 'training reminders sent');
    }
  });
  await boss.schedule(TRAINING_REMIND_QUEUE, TRAINING_REMIND_CRON, {}, { tz: 'UTC' });
}
