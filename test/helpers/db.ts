import { randomBytes } from 'node:crypto';
import { type Database, dumpEmbedded, openDatabase } from '../../src/db/connect.js';
import { migrate } from '../../src/db/migrate.js';

/**
 * Each test gets its own freshly migrated database: an embedded one started from a migrated
 * snapshot, and, when TEST_DATABASE_URL is set, a new database on that PostgreSQL server
 * cloned from a migrated template.
 */
export type Engine = 'pglite' | 'postgres';

export const ENGINES: Engine[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

let snapshot: Promise<Blob> | undefined;

async function pgliteSnapshot(): Promise<Blob> {
  snapshot ??= (async () => {
    const db = await openDatabase({ memory: true });
    await migrate(db);
    const blob = await dumpEmbedded(db);
    await db.close();
    return blob;
  })();
  return snapshot;
}

const adminUrl = () => process.env.TEST_DATABASE_URL as string;

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

let template: Promise<string> | undefined;

/** One migrated template per test process; each test clones it (CREATE DATABASE … TEMPLATE). */
async function postgresTemplate(): Promise<string> {
  template ??= (async () => {
    const name = `attest_tpl_${process.pid}_${randomBytes(3).toString('hex')}`;
    const admin = await openDatabase({ url: adminUrl() });
    await admin.exec(`CREATE DATABASE ${name}`);
    await admin.close();
    const db = await openDatabase({ url: withDatabase(adminUrl(), name) });
    await migrate(db);
    await db.close();
    return name;
  })();
  return template;
}

export interface TestDatabase {
  database: Database;
  url?: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const database = await openDatabase({ memory: true, loadFrom: await pgliteSnapshot() });
    return { database, drop: () => database.close() };
  }
  const tpl = await postgresTemplate();
  const name = `attest_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await openDatabase({ url: adminUrl() });
  // A closed connection to the template may linger for a moment on the server side.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.exec(`CREATE DATABASE ${name} TEMPLATE ${tpl}`);
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt > 50) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const url = withDatabase(adminUrl(), name);
  const database = await openDatabase({ url });
  return {
    database,
    url,
    drop: async () => {
      await database.close();
      await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    },
  };
}

/** Drops this process's template at exit of the test file. */
export async function dropTemplate(): Promise<void> {
  if (!template) return;
  const name = await template;
  const admin = await openDatabase({ url: adminUrl() });
  await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.close();
  template = undefined;
}
