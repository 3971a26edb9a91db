import type { Database } from '../db/connect.js';
import type { Session } from '../db/pglite-pool.js';
import { BackupError } from './format.js';

/**
 * The database half of a backup: every table of the `public` schema (the migration record
 * included), read in ONE repeatable-read, read-only transaction as the owning role, so the
 * rows of all tables are of the same instant. Rows go out as JSON lines (`row_to_json`), which
 * `json_populate_recordset` turns back into the same values on restore, whatever the types.
 * pg-boss's own schema (the job queue) is not part of it: jobs are re-created by the schedules.
 */

/** Rows fetched from the cursor at a time, and the size a frame of JSON lines grows to. */
const FETCH_ROWS = 1000;
const FRAME_BYTES = 256 * 1024;

/**
 * Where blobs are referenced: a query per table, run in the snapshot, answering the store keys
 * of the blobs its rows need. Evidence that was erased keeps its row but not its blob. A table
 * with a `blob_key` column must be listed here (test/backup.test.ts checks it).
 */
export const BLOB_REFERENCES: Record<string, string> = {
  evidence: 'SELECT blob_key AS key FROM evidence WHERE erased_at IS NULL ORDER BY blob_key',
};

export interface DumpedTable {
  name: string;
  rows: number;
}

export interface Migration {
  version: number;
  name: string;
  checksum: string;
}

export interface Snapshot {
  tables: DumpedTable[];
  /** Store keys of the blobs the snapshot's rows refer to. */
  blobs: string[];
  migrations: Migration[];
  organisations: { id: string; slug: string; ledgerSize: number; checkpointSize: number | null }[];
}

export const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * JSON columns travel as their text: inside a row's JSON a JSON `null` and an SQL NULL would
 * look the same, and a JSON string would come back as a string of JSON.
 */
const JSON_TYPES = "('json', 'jsonb', '_json', '_jsonb')";

export interface Column {
  name: string;
  /** The column's type as SQL writes it (e.g. `timestamp with time zone`, `text[]`). */
  type: string;
  asText: boolean;
}

/** A table's columns in order, without generated ones (they are computed again on restore). */
export async function columnsOf(db: Pick<Session, 'query'>, table: string): Promise<Column[]> {
  const { rows } = await db.query(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            t.typname IN ${JSON_TYPES} AS as_text
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      ORDER BY a.attnum`,
    [`public.${ident(table)}`],
  );
  return rows.map((r) => ({ name: String(r.name), type: String(r.type), asText: Boolean(r.as_text) }));
}

/** The backup and the restore read and write every organisation's rows: RLS must not filter them. */
export async function checkSeesEverything(db: Pick<Session, 'query'>): Promise<void> {
  const { rows } = await db.query(
    'SELECT current_user AS role, rolsuper OR rolbypassrls AS ok FROM pg_roles WHERE rolname = current_user',
  );
  const row = rows[0] as { role: string; ok: boolean } | undefined;
  if (!row?.ok) {
    throw new BackupError(
      `The database role ${row?.role ?? '(unknown)'} is subject to row-level security, so it cannot read or write every organisation's rows. Back up and restore as a superuser or a role with BYPASSRLS (ALTER ROLE … BYPASSRLS).`,
    );
  }
}

/**
 * Reads the snapshot: calls `write` with each table's JSON lines (in frames) while the
 * transaction is open, and answers what it holds. `write` must consume the body fully.
 */
export function dumpDatabase(
  database: Database,
  write: (table: string, body: AsyncIterable<Buffer>) => Promise<void>,
): Promise<Snapshot> {
  return database.session(async (s) => {
    await checkSeesEverything(s);
    await s.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      // A role that RLS would filter gets an error instead of a silently partial backup.
      await s.query(`SELECT set_config('row_security', 'off', true), set_config('bytea_output', 'hex', true),
                            set_config('TimeZone', 'UTC', true), set_config('extra_float_digits', '1', true)`);
      const tables = (
        await s.query(
          `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname`,
        )
      ).rows.map((r) => String(r.name));
      const dumped: DumpedTable[] = [];
      for (const table of tables) {
        const counter = { rows: 0 };
        await write(table, tableRows(s, table, counter));
        dumped.push({ name: table, rows: counter.rows });
      }
      const blobs: string[] = [];
      for (const query of Object.values(BLOB_REFERENCES)) {
        blobs.push(...(await s.query(query)).rows.map((r) => String(r.key)));
      }
      const migrations = (
        await s.query('SELECT version, name, checksum FROM schema_migrations ORDER BY version')
      ).rows.map((r) => ({ version: Number(r.version), name: String(r.name), checksum: String(r.checksum) }));
      const organisations = (
        await s.query(
          `SELECT o.id, o.slug, coalesce(h.size, 0) AS ledger_size,
                  (SELECT max(c.size) FROM ledger_checkpoints c WHERE c.org_id = o.id) AS checkpoint_size
             FROM organizations o LEFT JOIN ledger_heads h ON h.org_id = o.id ORDER BY o.slug`,
        )
      ).rows.map((r) => ({
        id: String(r.id),
        slug: String(r.slug),
        ledgerSize: Number(r.ledger_size),
        checkpointSize: r.checkpoint_size === null ? null : Number(r.checkpoint_size),
      }));
      await s.query('COMMIT');
      return { tables: dumped, blobs: [...new Set(blobs)].sort(), migrations, organisations };
    } catch (error) {
      await s.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

/** A table's rows as JSON lines, FETCH_ROWS at a time through a cursor, in frames of about FRAME_BYTES. */
async function* tableRows(s: Session, table: string, counter: { rows: number }): AsyncGenerator<Buffer> {
  const list = (await columnsOf(s, table))
    .map((c) => (c.asText ? `${ident(c.name)}::text AS ${ident(c.name)}` : ident(c.name)))
    .join(', ');
  await s.query(
    `DECLARE backup_rows NO SCROLL CURSOR FOR SELECT row_to_json(r)::text AS j FROM (SELECT ${list} FROM public.${ident(table)}) r`,
  );
  try {
    let lines: string[] = [];
    let size = 0;
    for (;;) {
      const { rows } = await s.query(`FETCH ${FETCH_ROWS} FROM backup_rows`);
      for (const row of rows) {
        const line = `${String(row.j)}\n`;
        lines.push(line);
        size += line.length;
        counter.rows++;
        if (size >= FRAME_BYTES) {
          yield Buffer.from(lines.join(''), 'utf8');
          lines = [];
          size = 0;
        }
      }
      if (rows.length < FETCH_ROWS) break;
    }
    if (lines.length > 0) yield Buffer.from(lines.join(''), 'utf8');
  } finally {
    // In a failed transaction CLOSE fails too; the rollback closes the cursor anyway.
    await s.query('CLOSE backup_rows').catch(() => undefined);
  }
}
