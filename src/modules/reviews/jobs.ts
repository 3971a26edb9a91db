import type PgBoss from 'pg-boss';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { runReviewDay } from './daily.js';

/** Once a day: follow revocations up, start scheduled campaigns, remind reviewers. */
export const REVIEW_QUEUE = 'reviews.daily';
export const REVIEW_CRON = '23 6 * * *';

/** The schedule sends an empty payload; anything else is refused rather than guessed at. */
const DailyPayload = z.object({}).strict();

/**
 * Registers the access-review queue, its worker and its daily schedule (UTC) on the server's
 * pg-boss. pg-boss keeps one schedule per name, so every server start shares it; `singleton`
 * keeps a slow run from being queued twice, and each step is safe to run again.
 */
export async function registerReviewJobs(boss: PgBoss, ctx: AppContext): Promise<void> {
  await boss.createQueue(REVIEW_QUEUE, {
    name: REVIEW_QUEUE,
    policy: 'singleton',
    retryLimit: 3,
    retryDelay: 300,
    retryBackoff: true,
    expireInSeconds: 30 * 60,
  });
  await boss.work(REVIEW_QUEUE, async (jobs) => {
    for (const job of jobs) {
      DailyPayload.parse(job.data ?? {});
      const day = await runReviewDay(ctx, ctx.clock.now());
      ctx.log.info({ job: job.id, ...day }, 'access reviews: daily run');
    }
  });
  await boss.schedule(REVIEW_QUEUE, REVIEW_CRON, {}, { tz: 'UTC' });
}
