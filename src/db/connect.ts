import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGlitePool, type QueryResultLike, type Session } from './pglite-pool.js';
import type { Schema } from './schema.js';

const INT8_OID = 20;
/** date columns come back as their text (YYYY-MM-DD): a calendar day has no time zone. */
const DATE_OID = 1082;
const asText = (v: string) => v;
/** The embedded database's buffer cache (see openEmbedded). */
const EMBEDDED_SHARED_BUFFERS = '8MB';

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseTarget {
  /** postgres://… to use a PostgreSQL server; otherwise the embedded database in dataDir. */
  url?: string;
  /** Folder of the embedded database (ignored with url). */
  dataDir?: string;
  /** Start the embedded database from a dump made by `dumpEmbedded` (tests use this). */
  loadFrom?: Blob;
  /** In-memory embedded database (tests). */
  memory?: boolean;
}

/**
 * A database handle, connected as the migrating (owning) role. Request code never uses it
 * directly: it goes through `withTenant` and friends, which switch to the app role.
 */
export interface Database {
  kind: DatabaseKind;
  db: Kysely<Schema>;
  /** Runs a script of several statements as the owning role. */
  exec(sql: string): Promise<void>;
  /** Runs one parameterised statement as the owning role (pg-boss uses this). */
  query(sql: string, params?: readonly unknown[]): Promise<QueryResultLike>;
  /** Holds one connection for several statements (session-level locks, scripts). */
  session<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  /** The embedded PGlite instance, when there is one. */
  pglite?: PGlite;
  close(): Promise<void>;
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.url ? openPostgres(target.url) : openEmbedded(target);
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID || oid === DATE_OID
          ? asText
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // The server may end an idle connection (restart, failover, pg_terminate_backend, idle
  // timeouts); the pool then drops it and reports an 'error', which with no listener would
  // be thrown and stop the process. New connections are opened on demand.
  pool.on('error', () => undefined);
  // Fail now, with the server's own message, rather than on the first request.
  const probe = await pool.connect().catch(async (error: Error) => {
    await pool.end();
    throw new Error(`Cannot connect to the PostgreSQL server in DATABASE_URL: ${error.message}`);
  });
  probe.release();
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    exec: async (sql) => {
      await pool.query(sql);
    },
    query: (sql, params) => pgQuery(pool, sql, params),
    session: async (fn) => {
      const client = await pool.connect();
      try {
        return await fn({
          query: (sql, params) => pgQuery(client, sql, params),
          exec: async (sql) => {
            await client.query(sql);
          },
        });
      } finally {
        client.release();
      }
    },
    // Kysely only ends a pool it has used: end it here in any case.
    close: async () => {
      await db.destroy();
      if (!pool.ended && !pool.ending) await pool.end();
    },
  };
}

async function pgQuery(
  client: pg.Pool | pg.PoolClient,
  sql: string,
  params?: readonly unknown[],
): Promise<QueryResultLike> {
  const r = await client.query(sql, params as unknown[] | undefined);
  return { rows: r.rows, rowCount: r.rowCount ?? 0, command: r.command };
}

async function openEmbedded(target: DatabaseTarget): Promise<Database> {
  let dataDir: string | undefined;
  if (!target.memory) {
    if (!target.dataDir) throw new Error('openDatabase needs a url, a dataDir or memory: true');
    dataDir = join(target.dataDir, 'pg');
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  }
  // PGlite is PostgreSQL compiled to 9 MB of WebAssembly. V8 compiles it with its baseline
  // compiler and then recompiles busy functions with its optimising one, whose code and work
  // memory stay resident: about 60 MB more for the process. Measured on the same queries:
  // small ones (what requests make) run as fast, a 100,000-row sort about a third slower.
  // Set before the module is compiled; it applies to this process's WebAssembly only.
  setFlagsFromString('--liftoff-only');
  const pglite = await PGlite.create({
    dataDir,
    loadDataDir: target.loadFrom,
    // PGlite's own defaults, plus a buffer cache sized for one process serving one company
    // (PostgreSQL's 128 MB default would be most of the server's memory; the operating
    // system's file cache sits behind it; PostgreSQL proper is the way to scale).
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`],
    // bigint columns come back as strings, as they do from node-postgres; dates as their text.
    parsers: { [INT8_OID]: asText, [DATE_OID]: asText },
  });
  const pool = new PGlitePool(pglite);
  const db = new Kysely<Schema>({
    dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }),
  });
  return {
    kind: 'pglite',
    db,
    pglite,
    exec: (sql) => pool.exec(sql),
    query: (sql, params) => pool.query(sql, params),
    session: (fn) => pool.session(fn),
    close: async () => {
      await db.destroy();
      await pool.end();
    },
  };
}

/** A snapshot of a migrated embedded database, to start many test databases quickly. */
export async function dumpEmbedded(database: Database): Promise<Blob> {
  if (!database.pglite) throw new Error('dumpEmbedded needs an embedded database');
  return (await database.pglite.dumpDataDir('none')) as Blob;
}
