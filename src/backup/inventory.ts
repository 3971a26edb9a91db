/**
 * Attest's own backups as each organisation's inventory sees them: one record of the built-in
 * source "Attest backups" (kind `backups`) whose data holds the latest successful backup and
 * verified restore of the instance, and the latest failures since (BackupData). The checks
 * `attest.backup.recent` and `backup.restore_tested` judge it. Every recorded run refreshes it
 * for every organisation; an hourly job re-judges it as time passes.
 */
import type { Database } from '../db/connect.js';
import { type Tx, withScope } from '../db/tenancy.js';
import { iso } from '../db/time.js';
import type { BackupData, InventoryRecord } from '../integrations/types.js';
import { applyPush, reevaluateRecords, sourceFor } from '../modules/monitoring/push.js';

export const BACKUPS_SOURCE_KIND = 'backups';
const SOURCE_NAME = 'Attest backups';
/** The one record per organisation: the instance. */
export const BACKUP_RECORD_ID = 'attest-instance';
export const BACKUP_RECORD_NAME = "Attest's own data";

interface RunRow {
  finished_at: Date;
  bytes: string | number | null;
  file_name: string | null;
  message: string;
}

/** The latest successful run of `kind`, and the latest failed one after it. */
async function latestRuns(tx: Tx, kind: 'backup' | 'verify'): Promise<{ ok?: RunRow; failed?: RunRow }> {
  const columns = ['finished_at', 'bytes', 'file_name', 'message'] as const;
  const ok = await tx
    .selectFrom('backup_runs')
    .select(columns)
    .where('kind', '=', kind)
    .where('ok', '=', true)
    .orderBy('finished_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  let failedQuery = tx
    .selectFrom('backup_runs')
    .select(columns)
    .where('kind', '=', kind)
    .where('ok', '=', false)
    .orderBy('finished_at', 'desc')
    .limit(1);
  if (ok) failedQuery = failedQuery.where('finished_at', '>', ok.finished_at);
  return { ok, failed: await failedQuery.executeTakeFirst() };
}

/** What the organisation's backup record says now. */
export async function backupDataOf(tx: Tx, orgId: string): Promise<BackupData> {
  const org = await tx
    .selectFrom('organizations')
    .select('created_at')
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  const backups = await latestRuns(tx, 'backup');
  const verifies = await latestRuns(tx, 'verify');
  return {
    name: BACKUP_RECORD_NAME,
    since: iso(org.created_at),
    lastBackupAt: backups.ok ? iso(backups.ok.finished_at) : null,
    lastBackupBytes: backups.ok?.bytes == null ? null : Number(backups.ok.bytes),
    lastBackupFile: backups.ok?.file_name ?? null,
    failedBackupAt: backups.failed ? iso(backups.failed.finished_at) : null,
    failedBackupMessage: backups.failed?.message ?? null,
    lastVerifiedAt: verifies.ok ? iso(verifies.ok.finished_at) : null,
    failedVerifyAt: verifies.failed ? iso(verifies.failed.finished_at) : null,
    failedVerifyMessage: verifies.failed?.message ?? null,
  };
}

/**
 * Rewrites the organisation's backup record (a partial push: the checks re-run when it
 * changed). With `rejudge`, its checks also re-run when it did not: time alone moves them.
 */
export async function refreshBackupRecord(tx: Tx, orgId: string, now: Date, rejudge = false): Promise<void> {
  const record: InventoryRecord<'backup'> = {
    type: 'backup',
    externalId: BACKUP_RECORD_ID,
    name: BACKUP_RECORD_NAME,
    data: await backupDataOf(tx, orgId),
  };
  const source = await sourceFor(tx, orgId, BACKUPS_SOURCE_KIND, SOURCE_NAME, null, now);
  await applyPush(
    tx,
    orgId,
    source,
    { format: SOURCE_NAME, scopes: [{ scope: 'backups', records: [record] }], warnings: [] },
    now,
    { removed: [] },
  );
  if (!rejudge) return;
  const stored = await tx
    .selectFrom('inventory_records')
    .select('id')
    .where('source_id', '=', source.id)
    .where('external_id', '=', BACKUP_RECORD_ID)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (stored) await reevaluateRecords(tx, orgId, [stored.id], BACKUPS_SOURCE_KIND, now);
}

/** Refreshes the backup record of every organisation, each in its own transaction. */
export async function refreshAllBackupRecords(database: Database, now: Date, rejudge = false): Promise<number> {
  const { rows } = await database.query('SELECT id FROM organizations ORDER BY id');
  for (const { id } of rows as { id: string }[]) {
    await withScope(database, { orgId: id }, (tx) => refreshBackupRecord(tx, id, now, rejudge));
  }
  return rows.length;
}
