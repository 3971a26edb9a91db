import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './connect.js';
import type { Session } from './pglite-pool.js';

/** Works from src/db (tsx) and dist/db (built): both are two levels below the package root. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../src/db/migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(new URL(file, `file://${dir}`), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ''),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

const LOCK_ID = 0x61747465; // "atte": one migrator at a time across processes.

/**
 * Applies the numbered SQL migrations that have not run yet, each in its own transaction,
 * as the connecting role. Forward-only: an applied migration whose file changed is an error.
 */
export function migrate(database: Database, migrations = loadMigrations()): Promise<string[]> {
  return database.session((s) => migrateIn(s, migrations));
}

async function migrateIn(database: Session, migrations: Migration[]): Promise<string[]> {
  await database.exec(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    );`);
  await database.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
  try {
    const applied = new Map(
      (await database.query('SELECT version, name, checksum FROM schema_migrations')).rows.map((r) => [
        Number(r.version),
        r as { name: string; checksum: string },
      ]),
    );
    const ran: string[] = [];
    for (const m of migrations) {
      const done = applied.get(m.version);
      if (done) {
        if (done.checksum !== m.checksum) {
          throw new Error(
            `Migration ${m.name} was changed after it was applied. Migrations are forward-only: restore the file and add a new numbered migration instead.`,
          );
        }
        continue;
      }
      const insert = `INSERT INTO schema_migrations (version, name, checksum) VALUES (${m.version}, '${m.name}', '${m.checksum}');`;
      await database.exec(`BEGIN;\n${m.sql}\n;${insert}\nCOMMIT;`).catch(async (error: Error) => {
        await database.exec('ROLLBACK;').catch(() => undefined);
        throw new Error(`Migration ${m.name} failed: ${error.message}`);
      });
      ran.push(m.name);
    }
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...applied.keys()].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw new Error(
        `The database has migrations this build does not know (${unknown.join(', ')}): it was migrated by a newer Attest. Run that version or newer.`,
      );
    }
    return ran;
  } finally {
    await database.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]);
  }
}
