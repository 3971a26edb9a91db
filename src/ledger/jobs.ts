import type PgBoss from 'pg-boss';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { withScope } from '../db/tenancy.js';
import { latestCheckpoint, ledgerSize, makeCheckpoint } from './service.js';

/** Signs a checkpoint of every organisation's ledger that grew: hourly, and on demand for one. */
export const CHECKPOINT_QUEUE = 'ledger.checkpoint';
export const CHECKPOINT_CRON = '23 * * * *';

/** Empty from the schedule; `{ orgId }` on demand. Anything else is refused rather than guessed at. */
const CheckpointPayload = z.object({ orgId: z.uuid().optional() }).strict();

/** Checkpoints one organisation's ledger if it grew since its last checkpoint; the new size, or null. */
export async function checkpointIfGrown(ctx: AppContext, orgId: string, now: Date): Promise<number | null> {
  return withScope(ctx.database, { orgId }, async (tx) => {
    const size = await ledgerSize(tx, orgId);
    const latest = await latestCheckpoint(tx, orgId);
    if (size === 0 || latest?.size === size) return null;
    return (await makeCheckpoint(tx, orgId, now, ctx)).size;
  });
}

export async function checkpointAllOrganisations(ctx: AppContext, now: Date): Promise<{ checkpointed: number }> {
  const { rows } = await ctx.database.query('SELECT id FROM organizations ORDER BY id');
  let checkpointed = 0;
  for (const row of rows as { id: string }[]) {
    try {
      if ((await checkpointIfGrown(ctx, row.id, now)) !== null) checkpointed++;
    } catch (error) {
      // One organisation's broken ledger must not stop the others' checkpoints.
      ctx.log.error({ err: error, orgId: row.id }, 'ledger checkpoint failed');
    }
  }
  return { checkpointed };
}

/** Asks the job system for a checkpoint of one organisation soon (after the caller's commit). */
export async function requestCheckpoint(boss: PgBoss, orgId: string): Promise<void> {
  await boss.send(CHECKPOINT_QUEUE, { orgId }, { singletonKey: orgId });
}

export async function registerLedgerJobs(boss: PgBoss, ctx: AppContext): Promise<void> {
  await boss.createQueue(CHECKPOINT_QUEUE, {
    name: CHECKPOINT_QUEUE,
    retryLimit: 3,
    retryDelay: 60,
    retryBackoff: true,
    expireInSeconds: 15 * 60,
  });
  await boss.work(CHECKPOINT_QUEUE, async (jobs) => {
    for (const job of jobs) {
      const payload = CheckpointPayload.parse(job.data ?? {});
      const now = ctx.clock.now();
      if (payload.orgId) {
        const size = await checkpointIfGrown(ctx, payload.orgId, now);
        if (size !== null) ctx.log.info({ job: job.id, orgId: payload.orgId, size }, 'ledger checkpoint signed');
      } else {
        const run = await checkpointAllOrganisations(ctx, now);
        if (run.checkpointed > 0) ctx.log.info({ job: job.id, ...run }, 'ledger checkpoints signed');
      }
    }
  });
  await boss.schedule(CHECKPOINT_QUEUE, CHECKPOINT_CRON, {}, { tz: 'UTC' });
}
