import type PgBoss from 'pg-boss';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { runVendorDay } from './daily.js';

/** Once a day: rewrite the vendor records and remind owners of reviews due or overdue. */
export const VENDOR_QUEUE = 'vendors.daily';
export const VENDOR_CRON = '37 6 * * *';

/** The schedule sends an empty payload; anything else is refused rather than guessed at. */
const DailyPayload = z.object({}).strict();

/**
 * The vendors module's scheduled work on the server's pg-boss. pg-boss keeps one schedule per
 * name, so every server start shares it; `singleton` keeps a slow run from being queued twice,
 * and a run is safe to repeat (reminders go at most once a week per vendor).
 */
export async function registerVendorsJobs(boss: PgBoss, ctx: AppContext): Promise<void> {
  await boss.createQueue(VENDOR_QUEUE, {
    name: VENDOR_QUEUE,
    policy: 'singleton',
    retryLimit: 3,
    retryDelay: 300,
    retryBackoff: true,
    expireInSeconds: 30 * 60,
  });
  await boss.work(VENDOR_QUEUE, async (jobs) => {
    for (const job of jobs) {
      DailyPayload.parse(job.data ?? {});
      const day = await runVendorDay(ctx, ctx.clock.now());
      ctx.log.info({ job: job.id, ...day }, 'vendors: daily run');
    }
  });
  await boss.schedule(VENDOR_QUEUE, VENDOR_CRON, {}, { tz: 'UTC' });
}
