import type PgBoss from 'pg-boss';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { expireAccessGrants } from './expiry.js';

/** The hourly sweep that ends access grants past their expiry. */
export const EXPIRE_QUEUE = 'access.expire';
export const EXPIRE_CRON = '11 * * * *';

/** The schedule sends an empty payload; anything else is refused rather than guessed at. */
const ExpirePayload = z.object({}).strict();

/**
 * Registers the access-expiry queue, its worker and its hourly schedule on the server's
 * pg-boss. pg-boss keeps one schedule per name, so every server start (and every server of a
 * cluster) shares it; `singleton` keeps a slow sweep from being queued twice.
 */
export async function registerAccessJobs(boss: PgBoss, ctx: AppContext): Promise<void> {
  await boss.createQueue(EXPIRE_QUEUE, {
    name: EXPIRE_QUEUE,
    policy: 'singleton',
    retryLimit: 3,
    retryDelay: 60,
    retryBackoff: true,
    expireInSeconds: 15 * 60,
  });
  await boss.work(EXPIRE_QUEUE, async (jobs) => {
    for (const job of jobs) {
      ExpirePayload.parse(job.data ?? {});
      const run = await expireAccessGrants(ctx, ctx.clock.now());
      if (run.expired > 0) ctx.log.info({ job: job.id, ...run }, 'access grants expired');
    }
  });
  await boss.schedule(EXPIRE_QUEUE, EXPIRE_CRON, {}, { tz: 'UTC' });
}
