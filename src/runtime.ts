import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { type BlobStore, openBlobStore } from './blobs/store.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { Keyring } from './crypto/keyring.js';
import { MasterKey } from './crypto/master-key.js';
import { type Database, openDatabase } from './db/connect.js';
import { migrate } from './db/migrate.js';
import { checkAppRole } from './db/tenancy.js';
import { createMailer } from './mail.js';
import { loadLibraryWhereMissing } from './modules/controls/service.js';
import { syncBuiltinFrameworks } from './modules/frameworks/library.js';
import { loadPoliciesWhereMissing } from './modules/policies/load.js';
import { createTasksWhereMissing } from './modules/tasks/service.js';

export class DataDirInUse extends Error {
  constructor(
    readonly pid: number,
    readonly adminSocket: string | null,
  ) {
    super(`The data directory is in use by another Attest process (pid ${pid}).`);
  }
}

const lockPath = (dataDir: string) => join(dataDir, 'attest.lock');

export interface LockInfo {
  pid: number;
  adminSocket: string | null;
}

export function readLock(dataDir: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
    process.kill(info.pid, 0);
    return info;
  } catch {
    return null;
  }
}

/**
 * The embedded database is one process's: a lock file keeps a second process (a CLI command
 * while the server runs) from opening it. A lock left by a dead process is taken over.
 */
function lockDataDir(dataDir: string, adminSocket: string | null): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = lockPath(dataDir);
  const held = readLock(dataDir);
  if (held && held.pid !== process.pid) throw new DataDirInUse(held.pid, held.adminSocket);
  if (existsSync(path)) rmSync(path);
  const fd = openSync(path, 'wx', 0o600);
  writeSync(fd, JSON.stringify({ pid: process.pid, adminSocket } satisfies LockInfo));
  closeSync(fd);
  return () => rmSync(path, { force: true });
}

export interface OpenOptions {
  clock?: Clock;
  log?: Logger;
  /** Unix socket the server answers administrative commands on (written into the lock). */
  adminSocket?: string | null;
  /** An already-open database (tests). */
  database?: Database;
  keys?: MasterKey;
  /** Where evidence files go (tests pass a temporary folder); by default as configured. */
  blobs?: BlobStore;
}

export interface Runtime extends AppContext {
  close(): Promise<void>;
}

/**
 * Opens everything a command needs: the database (migrated, app role checked), the master key
 * (checked against the database) and the keyring it unlocks, the blob store, the mailer and
 * the logger.
 */
export async function openRuntime(config: Config, options: OpenOptions = {}): Promise<Runtime> {
  const log = options.log ?? pino({ level: config.logLevel, base: { service: 'attest' } });
  const unlock =
    !config.databaseUrl && !options.database
      ? lockDataDir(config.dataDir, options.adminSocket ?? null)
      : () => undefined;
  let database: Database | undefined;
  try {
    database =
      options.database ??
      (await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir }));
    const ran = await migrate(database);
    if (ran.length > 0) log.info({ migrations: ran }, 'database migrated');
    await checkAppRole(database);
    const keys =
      options.keys ??
      (config.masterKey
        ? MasterKey.fromBase64(config.masterKey)
        : MasterKey.fromFile(join(config.dataDir, 'master.key')));
    await checkMasterKey(database, keys);
    const keyring = await Keyring.open(database, keys, (options.clock ?? systemClock).now());
    await syncBuiltinFrameworks(database);
    await loadLibraryWhereMissing(database, (options.clock ?? systemClock).now());
    await loadPoliciesWhereMissing(database, (options.clock ?? systemClock).now());
    await createTasksWhereMissing(database, (options.clock ?? systemClock).now());
    const db = database;
    return {
      config,
      database: db,
      clock: options.clock ?? systemClock,
      keys,
      keyring,
      blobs: options.blobs ?? (await openBlobStore(config)),
      mailer: createMailer(config.smtpUrl, config.mailFrom),
      log,
      close: async () => {
        await db.close();
        unlock();
      },
    };
  } catch (error) {
    await database?.close().catch(() => undefined);
    unlock();
    throw error;
  }
}

/** A wrong master key must stop the start, not surface later as undecryptable secrets. */
async function checkMasterKey(database: Database, keys: MasterKey): Promise<void> {
  const check = keys.checkValue();
  const { rows } = await database.query(`SELECT value FROM instance_settings WHERE key = 'master_key_check'`);
  const stored = rows[0]?.value as string | undefined;
  if (stored === undefined) {
    await database.query(
      `INSERT INTO instance_settings (key, value) VALUES ('master_key_check', $1::jsonb) ON CONFLICT (key) DO NOTHING`,
      [JSON.stringify(check)],
    );
    return;
  }
  if (stored !== check) {
    throw new Error(
      'The master key does not match the one this database was set up with. Use the original ATTEST_MASTER_KEY or key file (attest-data/master.key); nothing was changed.',
    );
  }
}
