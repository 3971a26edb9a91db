/** Tables of Attest's own backups and verified restores (migration 0019_backups.sql); extended by Schema in src/db/schema.ts. */
import type { Timestamp } from '../schema.js';

/** One run of `attest backup` or of a verified restore recorded in this instance (instance-wide). */
export interface BackupRunsTable {
  id: string;
  kind: 'backup' | 'verify';
  backup_id: string | null;
  started_at: Timestamp;
  finished_at: Timestamp;
  ok: boolean;
  /** bigint: read back as a string. */
  bytes: string | number | null;
  file_name: string | null;
  message: string;
}

export interface BackupTables {
  backup_runs: BackupRunsTable;
}
