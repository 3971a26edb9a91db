/**
 * Starting an access review over 10,000 accounts: the snapshot of every account with its
 * person and reviewer (startCampaign, one INSERT … SELECT), against a plain INSERT … SELECT of
 * the same accounts into a temporary table, on the same engine, in the same run and under the
 * same app role and organisation (so row-level security costs both the same).
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { CLI_META } from '../src/context.js';
import { MasterKey } from '../src/crypto/master-key.js';
import { newId } from '../src/crypto/random.js';
import { withScope } from '../src/db/tenancy.js';
import { startCampaign } from '../src/modules/reviews/start.js';
import { openRuntime } from '../src/runtime.js';
import { createTestDatabase, type Engine } from '../test/helpers/db.js';
import { makeOwner } from './setup.js';

const RUNS = 3;
/** Managers who are members: each manages a slice of the people. */
const MANAGERS = 50;
const round = (x: number) => Math.round(x * 100) / 100;

/**
 * The organisation, filled as superuser SQL: managers (users and members), people (one in
 * twenty manages themselves, one in ten has a manager who is not a member), one monitoring
 * source with `accounts` accounts (nine in ten with a person's email) and the system over it.
 */
export async function seedReviewBench(
  database: Awaited<ReturnType<typeof createTestDatabase>>['database'],
  orgId: string,
  ownerId: string,
  accounts: number,
) {
  const people = Math.max(1, Math.floor(accounts * 0.8));
  await database.query(
    `INSERT INTO users (id, email, name, password_hash, created_at)
     SELECT gen_random_uuid(), 'manager' || g || '@bench.example', 'Manager ' || g, 'not-a-hash', now()
       FROM generate_series(0, $1 - 1) AS g`,
    [MANAGERS],
  );
  await database.query(
    `INSERT INTO memberships (org_id, user_id, role, created_at, updated_at)
     SELECT $1, id, 'member', now(), now() FROM users WHERE email LIKE 'manager%@bench.example'`,
    [orgId],
  );
  await database.query(
    `INSERT INTO people (id, org_id, email, name, manager_email, source, created_at, updated_at)
     SELECT gen_random_uuid(), $1, 'person' || g || '@bench.example', 'Person ' || g,
            CASE WHEN g % 20 = 0 THEN 'person' || g || '@bench.example'
                 WHEN g % 10 = 1 THEN 'outsider' || g || '@elsewhere.example'
                 ELSE 'manager' || (g % $3) || '@bench.example' END,
            'manual', now(), now()
       FROM generate_series(0, $2 - 1) AS g`,
    [orgId, people, MANAGERS],
  );
  const sourceId = newId();
  await database.query(
    `INSERT INTO monitoring_sources (id, org_id, kind, name, created_at, updated_at)
     VALUES ($1, $2, 'accounts-csv', 'bench', now(), now())`,
    [sourceId, orgId],
  );
  await database.query(
    `INSERT INTO inventory_records (id, org_id, source_id, scope, type, external_id, name, data, content_hash, email,
                                    first_seen_at, last_seen_at)
     SELECT gen_random_uuid(), $1, $2, 'accounts:bench', 'account', 'user' || g, 'User ' || g,
            jsonb_build_object('provider', 'csv', 'email', e.email, 'username', 'user' || g, 'displayName', 'User ' || g,
                               'isAdmin', g % 40 = 0, 'isRoot', false, 'active', g % 25 <> 0, 'mfaEnabled', g % 9 <> 0,
                               'mfaEnforced', null, 'passwordEnabled', null,
                               'lastLoginAt', to_char(now() - (g % 90) * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                               'createdAt', null, 'accessKeys', '[]'::jsonb),
            md5('user' || g), e.email, now(), now()
       FROM generate_series(0, $3 - 1) AS g
       CROSS JOIN LATERAL (SELECT CASE WHEN g % 10 = 9 THEN NULL ELSE 'person' || (g % $4) || '@bench.example' END AS email) e`,
    [orgId, sourceId, accounts, people],
  );
  const systemId = newId();
  await database.query(
    `INSERT INTO systems (id, org_id, name, owner_user_id, source_id, created_at, updated_at)
     VALUES ($1, $2, 'Bench system', $3, $4, now(), now())`,
    [systemId, orgId, ownerId, sourceId],
  );
  await database.query('ANALYZE');
  return { systemId, sourceId };
}

/** Starts campaigns over `accounts` accounts on a fresh database; the best of three, with its baseline. */
export async function benchReviewCampaign(engine: Engine, accounts = 10_000) {
  const { database, drop } = await createTestDatabase(engine);
  try {
    const config = loadConfig({ dataDir: '/nonexistent-attest-bench', logLevel: 'silent', jobs: false }, {});
    const rt = await openRuntime(config, { database, keys: MasterKey.generate(), log: pino({ level: 'silent' }) });
    const owner = await makeOwner(rt);
    const { systemId, sourceId } = await seedReviewBench(database, owner.orgId, owner.id, accounts);
    const scope = { orgId: owner.orgId, userId: owner.id };

    const campaignRuns: number[] = [];
    let items = 0;
    let assigned = 0;
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      const started = await withScope(database, scope, (tx) =>
        startCampaign(
          tx,
          owner.orgId,
          { name: `Bench review ${run + 1}`, systemIds: [systemId] },
          { userId: owner.id, who: { userId: owner.id, label: owner.email }, scheduled: false },
          CLI_META,
          rt.clock.now(),
        ),
      );
      campaignRuns.push(performance.now() - start);
      items = started.items;
      assigned = started.reviewers;
    }

    const baselineRuns: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const elapsed = await withScope(database, scope, async (tx) => {
        await sql`CREATE TEMP TABLE bench_items (id uuid, record_id uuid, account jsonb) ON COMMIT DROP`.execute(tx);
        const start = performance.now();
        await sql`INSERT INTO bench_items
                  SELECT gen_random_uuid(), r.id, r.data FROM inventory_records r
                   WHERE r.source_id = ${sourceId} AND r.type = 'account' AND r.deleted_at IS NULL`.execute(tx);
        return performance.now() - start;
      });
      baselineRuns.push(elapsed);
    }

    // The same rows into a table with the items' foreign keys (checked row by row by PostgreSQL's
    // referential-integrity triggers, which is most of what a campaign start costs). A real
    // table, dropped in its transaction (a temporary one may not reference real ones), as the
    // owning role (the app role may not create tables).
    const [someCampaign] = (
      await database.query('SELECT id FROM access_review_campaigns WHERE org_id = $1 LIMIT 1', [owner.orgId])
    ).rows as { id: string }[];
    const keyedRuns: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const elapsed = await database.db.transaction().execute(async (tx) => {
        await sql`CREATE TABLE bench_keyed (
                    id uuid PRIMARY KEY,
                    org_id uuid NOT NULL REFERENCES organizations (id),
                    campaign_id uuid NOT NULL REFERENCES access_review_campaigns (id),
                    system_id uuid NOT NULL REFERENCES systems (id),
                    record_id uuid NOT NULL REFERENCES inventory_records (id),
                    account jsonb NOT NULL,
                    person_id uuid REFERENCES people (id),
                    reviewer_id uuid REFERENCES users (id),
                    decided_by uuid REFERENCES users (id))`.execute(tx);
        const start = performance.now();
        await sql`INSERT INTO bench_keyed (id, org_id, campaign_id, system_id, record_id, account, person_id, reviewer_id)
                  SELECT gen_random_uuid(), r.org_id, ${someCampaign?.id}, ${systemId}, r.id, r.data, p.id, ${owner.id}
                    FROM inventory_records r LEFT JOIN people p ON p.org_id = r.org_id AND p.email = r.email
                   WHERE r.org_id = ${owner.orgId} AND r.source_id = ${sourceId} AND r.type = 'account'
                     AND r.deleted_at IS NULL`.execute(tx);
        const elapsed = performance.now() - start;
        await sql`DROP TABLE bench_keyed`.execute(tx);
        return elapsed;
      });
      keyedRuns.push(elapsed);
    }

    const ms = Math.min(...campaignRuns);
    const keyedMs = Math.min(...keyedRuns);
    const baselineMs = Math.min(...baselineRuns);
    const unassigned = Number(
      (
        await database.query(
          'SELECT count(*)::int AS n FROM access_review_items WHERE org_id = $1 AND reviewer_id IS NULL',
          [owner.orgId],
        )
      ).rows[0]?.n,
    );
    return {
      engine,
      accounts,
      ms: round(ms),
      perSecond: Math.round(accounts / (ms / 1000)),
      runs_ms: campaignRuns.map(round),
      reviewers: assigned,
      baseline: {
        what: 'INSERT … SELECT of the same accounts into a temporary table',
        ms: round(baselineMs),
        perSecond: Math.round(accounts / (baselineMs / 1000)),
      },
      ratio: round(ms / baselineMs),
      with_foreign_keys: {
        what: 'the same rows (with a person join) into a table with the items’ seven foreign keys',
        ms: round(keyedMs),
        ratio: round(ms / keyedMs),
      },
      valid: items === accounts && unassigned === 0,
    };
  } finally {
    await drop();
  }
}
