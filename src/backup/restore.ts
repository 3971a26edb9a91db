import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { BlobStore } from '../blobs/store.js';
import { type Database, openDatabase } from '../db/connect.js';
import { loadMigrations, migrate } from '../db/migrate.js';
import type { Session } from '../db/pglite-pool.js';
import type { ArchiveEntry } from './archive.js';
import { checkSeesEverything, columnsOf, ident } from './dump.js';
import { BackupError } from './format.js';
import type { Manifest } from './manifest.js';
import { type OpenedBackup, readEntries, type ScannedBackup } from './open.js';

/** Where a restore goes: a new embedded database in an empty data directory, or an empty PostgreSQL database. */
export type RestoreDatabase = { dataDir: string } | { url: string };

export interface RestoreTarget {
  database: RestoreDatabase;
  /** The blob store of the restored instance (empty). */
  blobs: BlobStore;
}

export interface RestoreResult {
  tables: number;
  rows: number;
  blobs: number;
  milliseconds: number;
}

/** A data directory may hold the master key file before a restore, nothing else. */
const ALLOWED_IN_TARGET = new Set(['master.key']);
/** Rows inserted per statement, and the JSON size at which a batch goes early. */
const BATCH_ROWS = 2000;
const BATCH_BYTES = 4 * 1024 * 1024;

/**
 * Checks that the backup's schema is one this build can create: every migration it applied
 * must be this build's, unchanged. Answers the migrations to run before loading the rows.
 */
export function migrationsFor(manifest: Manifest, name: string) {
  const known = new Map(loadMigrations().map((m) => [m.version, m]));
  const newest = Math.max(...known.keys());
  for (const m of manifest.migrations) {
    const mine = known.get(m.version);
    if (!mine && m.version > newest) {
      throw new BackupError(
        `${name} was made by a newer Attest (schema ${m.name}; this version knows up to ${known.get(newest)?.name}). Restore it with that version or newer.`,
      );
    }
    if (!mine || mine.checksum !== m.checksum) {
      throw new BackupError(
        `${name} was made with a different migration ${m.name} than this version has. Restore it with the Attest version that made it.`,
      );
    }
  }
  const applied = new Set(manifest.migrations.map((m) => m.version));
  return loadMigrations().filter((m) => applied.has(m.version));
}

/** Refuses a target that holds anything already: a restore never merges into or overwrites an instance. */
export async function checkTargetEmpty(target: RestoreTarget): Promise<void> {
  if ('dataDir' in target.database) {
    const dir = target.database.dataDir;
    const present = existsSync(dir) ? readdirSync(dir).filter((f) => !ALLOWED_IN_TARGET.has(f)) : [];
    if (present.length > 0) {
      throw new BackupError(
        `The data directory ${dir} is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', …' : ''}). Restore into a new, empty directory; it may hold master.key only.`,
      );
    }
  } else {
    const database = await openDatabase({ url: target.database.url });
    try {
      const { rows } = await database.query(
        `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')`,
      );
      if (Number(rows[0]?.n) > 0) {
        throw new BackupError(
          'The PostgreSQL database already has tables in its public schema. Restore into a new, empty database (CREATE DATABASE …).',
        );
      }
    } finally {
      await database.close();
    }
  }
  for await (const blob of target.blobs.list('org/')) {
    throw new BackupError(
      `The blob store of the target already holds files (${blob.key}). Restore into an empty store.`,
    );
  }
}

/**
 * Restores a scanned backup: creates the schema the backup had (its migrations), loads every
 * table in one transaction (foreign keys dropped meanwhile and re-created after, so they are
 * checked once on the whole data), resets identity sequences, then stores the blobs. A failure
 * removes what was created. The target must have been checked empty (`checkTargetEmpty`).
 */
export async function restoreBackup(
  backup: OpenedBackup,
  scanned: ScannedBackup,
  target: RestoreTarget,
  now: () => number = Date.now,
): Promise<RestoreResult> {
  const started = now();
  const migrations = migrationsFor(scanned.manifest, backup.name);
  const written: string[] = [];
  let database: Database | undefined;
  let entries: AsyncGenerator<ArchiveEntry> | undefined;
  try {
    database = await openDatabase(target.database);
    await migrate(database, migrations);
    const reading = readEntries(backup);
    entries = reading;
    const next = await database.session((s) => loadTables(s, reading));
    await database.close();
    database = undefined;
    for (let entry = next; entry; entry = (await reading.next()).value ?? null) {
      if (entry.kind !== 'blob') {
        for await (const _ of entry.body);
        continue;
      }
      await target.blobs.put(entry.name, Readable.from(entry.body));
      written.push(entry.name);
    }
    return {
      tables: scanned.manifest.tables.length,
      rows: scanned.manifest.tables.reduce((n, t) => n + t.rows, 0),
      blobs: written.length,
      milliseconds: now() - started,
    };
  } catch (error) {
    await entries?.return(undefined).catch(() => undefined);
    await database?.close().catch(() => undefined);
    await undo(target, written).catch(() => undefined);
    throw error;
  }
}

/** Loads the table entries (which come first); answers the first entry that is not a table. */
async function loadTables(s: Session, entries: AsyncGenerator<ArchiveEntry>): Promise<ArchiveEntry | null> {
  await checkSeesEverything(s);
  await s.query('BEGIN');
  try {
    const foreignKeys = (
      await s.query(
        `SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def
           FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY conrelid, conname`,
      )
    ).rows as { tbl: string; conname: string; def: string }[];
    for (const fk of foreignKeys) await s.query(`ALTER TABLE ${fk.tbl} DROP CONSTRAINT ${ident(fk.conname)}`);
    // What the migrations themselves inserted is in the backup too, as it was then.
    const tables = (
      await s.query(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'schema_migrations'`,
      )
    ).rows.map((r) => String(r.name));
    if (tables.length > 0) await s.query(`TRUNCATE ${tables.map((t) => `public.${ident(t)}`).join(', ')}`);
    const known = new Set(tables);
    let first: ArchiveEntry | null = null;
    for (;;) {
      const step = await entries.next();
      if (step.done) break;
      if (step.value.kind !== 'table') {
        first = step.value;
        break;
      }
      const entry = step.value;
      if (entry.name === 'schema_migrations') {
        // The migrations just applied wrote the same versions and checksums.
        for await (const _ of entry.body);
        continue;
      }
      if (!known.has(entry.name)) {
        throw new BackupError(`The backup has a table ${entry.name} that its schema does not create.`);
      }
      await loadTable(s, entry);
    }
    await resetSequences(s, tables);
    for (const fk of foreignKeys) {
      await s.query(`ALTER TABLE ${fk.tbl} ADD CONSTRAINT ${ident(fk.conname)} ${fk.def}`);
    }
    await s.query('COMMIT');
    return first;
  } catch (error) {
    await s.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function loadTable(s: Session, entry: ArchiveEntry): Promise<void> {
  const table = `public.${ident(entry.name)}`;
  const columns = await columnsOf(s, entry.name);
  const names = columns.map((c) => ident(c.name)).join(', ');
  const definitions = columns.map((c) => `${ident(c.name)} ${c.asText ? 'text' : c.type}`).join(', ');
  const values = columns.map((c) => (c.asText ? `${ident(c.name)}::${c.type}` : ident(c.name))).join(', ');
  const insert = `INSERT INTO ${table} (${names}) OVERRIDING SYSTEM VALUE
                  SELECT ${values} FROM json_to_recordset($1::json) AS r(${definitions})`;
  let batch: string[] = [];
  let size = 0;
  let carry = '';
  const flush = async () => {
    if (batch.length === 0) return;
    await s.query(insert, [`[${batch.join(',')}]`]);
    batch = [];
    size = 0;
  };
  for await (const frame of entry.body) {
    const lines = (carry + frame.toString('utf8')).split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) {
      batch.push(line);
      size += line.length;
      if (batch.length >= BATCH_ROWS || size >= BATCH_BYTES) await flush();
    }
  }
  if (carry.length > 0) throw new BackupError(`The rows of ${entry.name} in the backup end without a line end.`);
  await flush();
}

/** Identity and serial columns continue after the restored rows. */
async function resetSequences(s: Session, tables: string[]): Promise<void> {
  const { rows } = await s.query(
    `SELECT c.relname AS tbl, a.attname AS col, pg_get_serial_sequence(format('public.%I', c.relname), a.attname) AS seq
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname = ANY ($1::text[])`,
    [tables],
  );
  for (const row of rows as { tbl: string; col: string; seq: string | null }[]) {
    if (!row.seq) continue;
    await s.query(
      `SELECT setval($1, coalesce((SELECT max(${ident(row.col)}) FROM public.${ident(row.tbl)}), 0) + 1, false)`,
      [row.seq],
    );
  }
}

/** Removes what a failed restore created: the database objects (or the embedded database) and the blobs. */
async function undo(target: RestoreTarget, blobs: string[]): Promise<void> {
  for (const key of blobs) await target.blobs.delete(key).catch(() => undefined);
  if ('dataDir' in target.database) {
    const dir = target.database.dataDir;
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      if (!ALLOWED_IN_TARGET.has(name)) await rm(join(dir, name), { recursive: true, force: true });
    }
    return;
  }
  const database = await openDatabase({ url: target.database.url });
  try {
    await database.exec(`DO $$
      DECLARE r record;
      BEGIN
        FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND c.relkind = 'r' LOOP
          EXECUTE format('DROP TABLE IF EXISTS public.%I CASCADE', r.relname);
        END LOOP;
        FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                  WHERE n.nspname = 'public' LOOP
          EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', r.fn);
        END LOOP;
      END $$;`);
  } finally {
    await database.close();
  }
}
