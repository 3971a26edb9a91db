import { basename } from 'node:path';
import type { RequestMeta } from '../context.js';
import { newId } from '../crypto/random.js';
import type { Database } from '../db/connect.js';
import { recordSystemAudit } from '../modules/audit/service.js';

export interface BackupRun {
  kind: 'backup' | 'verify';
  backupId: string | null;
  startedAt: Date;
  finishedAt: Date;
  ok: boolean;
  bytes: number | null;
  /** The file as the operator named it; only its name is kept. */
  file: string | null;
  message: string;
}

const ACTIONS = {
  backup: { ok: 'backup.created', failed: 'backup.failed' },
  verify: { ok: 'backup.verified', failed: 'backup.verify_failed' },
} as const;

/**
 * Records a backup or verification run of the instance, with its row in the system audit log,
 * in one transaction as the owning role (`backup_runs` is instance-wide; the app role only
 * reads it).
 */
export async function recordBackupRun(database: Database, run: BackupRun, actor: string, meta: RequestMeta) {
  const fileName = run.file ? basename(run.file).slice(0, 255) || null : null;
  const message = run.message.slice(0, 2000);
  await database.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('backup_runs')
      .values({
        id: newId(),
        kind: run.kind,
        backup_id: run.backupId,
        started_at: run.startedAt,
        finished_at: run.finishedAt,
        ok: run.ok,
        bytes: run.bytes,
        file_name: fileName,
        message,
      })
      .execute();
    await recordSystemAudit(tx, actor, meta, run.finishedAt, ACTIONS[run.kind][run.ok ? 'ok' : 'failed'], {
      backupId: run.backupId,
      file: fileName,
      bytes: run.bytes,
      message,
    });
  });
}

/** Whether this instance made the backup (a successful backup run with that id). */
export async function madeHere(database: Database, backupId: string): Promise<boolean> {
  const row = await database.db
    .selectFrom('backup_runs')
    .select('id')
    .where('kind', '=', 'backup')
    .where('ok', '=', true)
    .where('backup_id', '=', backupId)
    .executeTakeFirst();
  return row !== undefined;
}
