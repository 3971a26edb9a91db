import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Database } from '../db/connect.js';

/**
 * pg-boss runs jobs and schedules in the same database, through our connection: on PGlite a
 * statement without parameters may hold several commands, so it goes through `exec`.
 * Later capabilities register their queues and workers on the instance returned here.
 */
export async function startJobs(database: Database, log: Logger): Promise<PgBoss> {
  const boss = new PgBoss({
    db: {
      executeSql: async (text: string, values?: unknown[]) => {
        if (database.kind === 'pglite' && (!values || values.length === 0)) {
          return database.session(async (s) => {
            if (text.includes(';')) {
              await s.exec(text);
              return { rows: [] };
            }
            return s.query(text);
          });
        }
        return database.query(text, values);
      },
    },
    schema: 'pgboss',
    supervise: true,
    schedule: true,
    migrate: true,
  });
  boss.on('error', (error) => log.error({ err: error }, 'job system error'));
  await boss.start();
  return boss;
}
