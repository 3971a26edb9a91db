import type PgBoss from 'pg-boss';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { refreshAllBackupRecords } from './inventory.js';

/** The hourly re-judging of every organisation's backup record (time alone moves its checks). */
export const BACKUP_REFRESH_QUEUE = 'backup.refresh';
export const BACKUP_REFRESH_CRON = '41 * * * *';

/** The schedule sends an empty payload; anything else is refused rather than guessed at. */
const RefreshPayload = z.object({}).strict();

/**
 * Registers the backup records' refresh on the server's pg-boss: hourly, because a backup
 * becomes overdue 26 hours after the last one, and the daily re-evaluation would notice up to
 * a day late. Backups themselves are run by the operator's scheduler (`attest backup`), not here.
 */
export async function registerBackupJobs(boss: PgBoss, ctx: AppContext): Promise<void> {
  await boss.createQueue(BACKUP_REFRESH_QUEUE, {
    name: BACKUP_REFRESH_QUEUE,
    policy: 'singleton',
    retryLimit: 3,
    retryDelay: 60,
    retryBackoff: true,
    expireInSeconds: 15 * 60,
  });
  await boss.work(BACKUP_REFRESH_QUEUE, async (jobs) => {
    for (const job of jobs) {
      RefreshPayload.parse(job.data ?? {});
      const organisations = await refreshAllBackupRecords(ctx.database, ctx.clock.now(), true);
      ctx.log.debug({ job: job.id, organisations }, 'backup records refreshed');
    }
  });
  await boss.schedule(BACKUP_REFRESH_QUEUE, BACKUP_REFRESH_CRON, {}, { tz: 'UTC' });
}
