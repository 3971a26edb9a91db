import type PgBoss from 'pg-boss';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { BLOB_PREFIX } from './upload.js';

/** How old an unclaimed blob must be before it is deleted: well past any upload's commit. */
export const ORPHAN_AGE_MS = 60 * 60 * 1000;
export const SWEEP_QUEUE = 'evidence.sweep';
export const SWEEP_CRON = '23 * * * *';

const KEY = /^org\/([0-9a-f-]{36})\/([0-9a-f-]{36})$/;

/**
 * Deletes what a crash or an erasure left in the blob store: blobs older than `olderThan` whose
 * evidence row does not exist (the upload died before its commit) or is erased, and the
 * store's stale temporary files. Rows are read per organisation under its row-level security.
 */
export async function sweepEvidenceBlobs(
  ctx: AppContext,
  // Blob times are the store's (wall clock), not the application clock.
  olderThan = new Date(Date.now() - ORPHAN_AGE_MS),
): Promise<{ orphans: number; temporary: number }> {
  const byOrg = new Map<string, string[]>();
  for await (const blob of ctx.blobs.list(BLOB_PREFIX)) {
    const m = KEY.exec(blob.key);
    if (!m || blob.modifiedAt >= olderThan) continue;
    const [, orgId, id] = m as unknown as [string, string, string];
    byOrg.set(orgId, [...(byOrg.get(orgId) ?? []), id]);
  }
  let orphans = 0;
  for (const [orgId, ids] of byOrg) {
    const live = new Set<string>();
    for (let i = 0; i < ids.length; i += 1000) {
      const batch = ids.slice(i, i + 1000);
      const rows = await withScope(ctx.database, { orgId }, (tx) =>
        tx.selectFrom('evidence').select('id').where('id', 'in', batch).where('erased_at', 'is', null).execute(),
      );
      for (const r of rows) live.add(r.id);
    }
    for (const id of ids.filter((x) => !live.has(x))) {
      await ctx.blobs.delete(`${BLOB_PREFIX}${orgId}/${id}`);
      orphans++;
    }
  }
  const temporary = await ctx.blobs.sweepTemporary(olderThan);
  if (orphans + temporary > 0) ctx.log.info({ orphans, temporary }, 'evidence blob store swept');
  return { orphans, temporary };
}

const SweepPayload = z.object({}).strict();

/** The hourly sweep (the server also runs one at start-up). */
export async function registerEvidenceJobs(boss: PgBoss, ctx: AppContext): Promise<void> {
  await boss.createQueue(SWEEP_QUEUE, {
    name: SWEEP_QUEUE,
    policy: 'singleton',
    retryLimit: 3,
    retryDelay: 60,
    retryBackoff: true,
    expireInSeconds: 30 * 60,
  });
  await boss.work(SWEEP_QUEUE, async (jobs) => {
    for (const job of jobs) {
      SweepPayload.parse(job.data ?? {});
      await sweepEvidenceBlobs(ctx);
    }
  });
  await boss.schedule(SWEEP_QUEUE, SWEEP_CRON, {}, { tz: 'UTC' });
}
