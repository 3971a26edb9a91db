import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { type BlobStore, openBlobStore } from '../blobs/store.js';
import type { Config } from '../config.js';
import { CLI_META } from '../context.js';
import { MasterKey } from '../crypto/master-key.js';
import type { Runtime } from '../runtime.js';
import { createBackup } from './create.js';
import { BackupError } from './format.js';
import { refreshAllBackupRecords } from './inventory.js';
import { openBackup, scanBackup } from './open.js';
import { checkTargetEmpty, type RestoreDatabase, restoreBackup } from './restore.js';
import { madeHere, recordBackupRun } from './runs.js';
import { type VerifyReport, verifyBackup } from './verify.js';

const ACTOR = 'attest-cli';
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * `attest backup --out FILE` as an administrative command (on the data directory, or inside
 * the running server through its admin socket). Success and failure are both recorded, and
 * every organisation's backup record follows.
 */
export async function backupCommand(rt: Runtime, args: { out: string }): Promise<string[]> {
  const startedAt = rt.clock.now();
  try {
    if (!args.out || !isAbsolute(args.out)) throw new BackupError('Give the backup file with --out FILE.');
    const result = await createBackup(rt, args.out);
    const summary = `${result.organisations} organisation(s), ${result.tables} tables, ${result.rows} rows, ${result.blobs} files (${megabytes(result.blobBytes)})`;
    await recordBackupRun(
      rt.database,
      {
        kind: 'backup',
        backupId: result.backupId,
        startedAt,
        finishedAt: result.finishedAt,
        ok: true,
        bytes: result.bytes,
        file: result.file,
        message: `Backed up ${summary}.`,
      },
      ACTOR,
      CLI_META,
    );
    await refreshAllBackupRecords(rt.database, rt.clock.now());
    return [
      `Backed up ${summary} to ${result.file} (${megabytes(result.bytes)}, backup ${result.backupId}).`,
      `Check that it restores with: attest restore --verify ${result.file}`,
    ];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Recorded so the checks show the failure; a failure to record must not hide the first one.
    await recordBackupRun(
      rt.database,
      {
        kind: 'backup',
        backupId: null,
        startedAt,
        finishedAt: rt.clock.now(),
        ok: false,
        bytes: null,
        file: args.out || null,
        message,
      },
      ACTOR,
      CLI_META,
    )
      .then(() => refreshAllBackupRecords(rt.database, rt.clock.now()))
      .catch((recording: unknown) => rt.log.warn({ err: recording }, 'the failed backup could not be recorded'));
    throw error;
  }
}

/** What `attest restore --verify` sends to the instance it runs beside, to record its result. */
export const VerifyRecord = z.object({
  backupId: z.uuid(),
  ok: z.boolean(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  bytes: z.number().int().min(0).nullable(),
  file: z.string().min(1).max(4096),
  message: z.string().max(2000),
});

/** Records a verification in this instance, if the backup was made by it. */
export async function recordVerifyCommand(rt: Runtime, args: unknown): Promise<string[]> {
  const run = VerifyRecord.parse(args);
  if (!(await madeHere(rt.database, run.backupId))) {
    throw new BackupError(
      `The backup ${run.backupId} was not made by this instance, so its verification is not recorded here (run it where that instance's data is).`,
    );
  }
  await recordBackupRun(
    rt.database,
    {
      kind: 'verify',
      backupId: run.backupId,
      startedAt: new Date(run.startedAt),
      finishedAt: new Date(run.finishedAt),
      ok: run.ok,
      bytes: run.bytes,
      file: run.file,
      message: run.message,
    },
    ACTOR,
    CLI_META,
  );
  await refreshAllBackupRecords(rt.database, rt.clock.now());
  return [`Recorded the ${run.ok ? 'successful' : 'failed'} verification in this instance.`];
}

/**
 * The master key a restore or verify opens the backup with: --key-file, else ATTEST_MASTER_KEY,
 * else `master.key` in the data directory. Never creates one.
 */
export function restoreKey(config: Config, keyFile: string | undefined): { keys: MasterKey; text?: string } {
  const read = (path: string) => {
    try {
      const text = readFileSync(path, 'utf8').trim();
      return { keys: MasterKey.fromBase64(text), text };
    } catch (error) {
      throw new BackupError(
        `Cannot use the master key file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
      );
    }
  };
  if (keyFile) return read(keyFile);
  if (config.masterKey) return { keys: MasterKey.fromBase64(config.masterKey) };
  const inData = join(config.dataDir, 'master.key');
  if (existsSync(inData)) return read(inData);
  throw new BackupError(
    "Give the master key the backup was made with: ATTEST_MASTER_KEY, or --key-file FILE (that instance's master.key).",
  );
}

/**
 * `attest restore FILE`: into the empty data directory (a new embedded database and its blob
 * folder), or with DATABASE_URL into an empty PostgreSQL database (blobs into the configured
 * store). The file is read through once before anything is created. Answers lines to print.
 */
export async function restoreCommand(
  config: Config,
  file: string,
  options: { keyFile?: string; blobs?: BlobStore } = {},
): Promise<string[]> {
  const { keys, text } = restoreKey(config, options.keyFile);
  const database: RestoreDatabase = config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir };
  const target = { database, blobs: options.blobs ?? (await openBlobStore(config)) };
  const keyPath = join(config.dataDir, 'master.key');
  if (options.keyFile && existsSync(keyPath) && readFileSync(keyPath, 'utf8').trim() !== text) {
    throw new BackupError(
      `${keyPath} holds another master key than --key-file: the restored instance would not start. Remove one of them.`,
    );
  }
  const backup = await openBackup(file, keys);
  await checkTargetEmpty(target);
  const scanned = await scanBackup(backup);
  const restored = await restoreBackup(backup, scanned, target);
  const where = 'url' in database ? 'the PostgreSQL database' : config.dataDir;
  const lines = [
    `Restored backup ${backup.header.backupId} of ${backup.header.createdAt} into ${where}: ${restored.tables} tables, ${restored.rows} rows, ${restored.blobs} files, in ${(restored.milliseconds / 1000).toFixed(1)} s.`,
  ];
  if (text !== undefined && options.keyFile && !config.masterKey && !existsSync(keyPath)) {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(keyPath, `${text}\n`, { mode: 0o600, flag: 'wx' });
    lines.push(`Wrote the master key to ${keyPath} (mode 0600).`);
  }
  lines.push('Start it with `attest serve` on the same data directory and master key.');
  return lines;
}

/** `attest restore --verify FILE`: the report, run wherever the file is. */
export async function verifyCommand(
  config: Config,
  file: string,
  options: { keyFile?: string },
): Promise<{ report: VerifyReport; startedAt: Date; finishedAt: Date }> {
  const startedAt = new Date();
  let report: VerifyReport;
  try {
    const { keys } = restoreKey(config, options.keyFile);
    report = await verifyBackup(file, keys, () => new Date());
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    report = {
      ok: false,
      lines: [`FAIL  ${error.message}`, 'NOT verified: 1 check(s) failed.'],
      backupId: null,
      backupCreatedAt: null,
      bytes: null,
    };
  }
  return { report, startedAt, finishedAt: new Date() };
}

/** Whether there is an Attest instance where the CLI runs, to record a verification in. */
export const instanceHere = (config: Config) => Boolean(config.databaseUrl) || existsSync(join(config.dataDir, 'pg'));
