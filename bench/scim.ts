/**
 * SCIM provisioning at an identity provider's initial sync: a fresh server provisions `users`
 * people one POST /scim/v2/Users at a time, then a re-sync reads each back by
 * `filter=userName eq "…"` and PUTs it unchanged (which must write nothing). Requests go over
 * real HTTP (HTTP/1.1 keep-alive, Node's fetch), sequentially, as Okta and Entra ID send them.
 *
 * Baselines, measured in the same run on the same server: as many GET /api/v1/me with an API
 * token (authentication + one small transaction), so the ratios say what SCIM costs above the
 * floor of an authenticated request; and, at the same register sizes, the register's own
 * createPerson called in process (its audit row and inventory refresh, no HTTP), which is
 * most of a POST's cost.
 *
 * Run alone: `node --import tsx bench/scim.ts [users]` (both engines when TEST_DATABASE_URL or
 * BENCH_DATABASE_URL points at PostgreSQL); bench/run.ts calls benchScimSync.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { CLI_META } from '../src/context.js';
import { withScope } from '../src/db/tenancy.js';
import { createPerson } from '../src/modules/people/register.js';
import { createToken } from '../src/modules/tokens/service.js';
import { dropTemplate, type Engine } from '../test/helpers/db.js';
import { type BenchServer, makeOwner, startServer } from './setup.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SCIM = 'application/scim+json';
/** Client addresses for the baseline: /api/v1 allows 600 requests a minute per address. */
const ADDRESSES = 2048;

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)] ?? 0;
const progress = (message: string) => process.stderr.write(`[bench scim] ${message}\n`);

/** What an identity provider sends for a new hire (Okta's and Entra ID's usual attributes). */
function userBody(i: number, managerId: string | undefined) {
  const given = `Given${i}`;
  const family = `Family${i}`;
  return {
    schemas: [USER, ENTERPRISE],
    userName: `user${i}@bench.example`,
    externalId: `idp-${i}`,
    name: { givenName: given, familyName: family, formatted: `${given} ${family}` },
    displayName: `${given} ${family}`,
    emails: [{ value: `user${i}@bench.example`, type: 'work', primary: true }],
    title: ['Engineer', 'Designer', 'Analyst', 'Manager'][i % 4],
    userType: i % 10 === 0 ? 'Contractor' : 'Employee',
    active: true,
    [ENTERPRISE]: {
      employeeNumber: String(100000 + i),
      department: ['Engineering', 'Design', 'Finance', 'Sales', 'Support'][i % 5],
      ...(managerId ? { manager: { value: managerId } } : {}),
    },
  };
}

interface Timed {
  ms: number;
  latencies: number[];
}

/**
 * Runs `one` n times in a row; says how far it is every `every` (a large sync takes minutes).
 * `between` runs after each, outside the time measured.
 */
async function timed(
  n: number,
  one: (i: number) => Promise<void>,
  label = '',
  every = 1000,
  between?: (i: number) => Promise<void>,
): Promise<Timed> {
  const latencies: number[] = [];
  let spent = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await one(i);
    const elapsed = performance.now() - t0;
    latencies.push(elapsed);
    spent += elapsed;
    if (between) await between(i);
    if (label && (i + 1) % every === 0) {
      const recent = latencies.slice(-every);
      progress(`${label}: ${i + 1}/${n}, last ${every} at p50 ${round(percentile(recent, 0.5))} ms`);
    }
  }
  return { ms: spent, latencies };
}

const summary = (t: Timed, items: number) => {
  const tenth = Math.max(1, Math.floor(t.latencies.length / 10));
  return {
    ms: Math.round(t.ms),
    per_second: Math.round((items / t.ms) * 1000),
    p50_ms: round(percentile(t.latencies, 0.5)),
    p95_ms: round(percentile(t.latencies, 0.95)),
    /** The first and the last tenth: whether a request gets slower as the register grows. */
    first_tenth_p50_ms: round(percentile(t.latencies.slice(0, tenth), 0.5)),
    last_tenth_p50_ms: round(percentile(t.latencies.slice(-tenth), 0.5)),
  };
};

async function expectStatus(res: Response, status: number, what: string): Promise<unknown> {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return status === 204 ? null : res.json();
}

async function scimToken(server: BenchServer): Promise<{ token: string; orgId: string }> {
  const owner = await makeOwner(server.rt);
  const { token } = await withScope(server.rt.database, { orgId: owner.orgId }, (tx) =>
    createToken(
      tx,
      { userId: owner.id, email: owner.email, orgId: owner.orgId, role: 'owner', stage: 'full', via: 'session' },
      { name: 'bench identity provider', scopes: ['scim', 'org:read'], expiresInDays: 1 },
      CLI_META,
      server.rt.clock.now(),
    ),
  );
  return { token, orgId: owner.orgId };
}

export async function benchScimSync(engine: Engine, users = 10_000) {
  const server = await startServer(engine);
  try {
    const { token, orgId } = await scimToken(server);
    const auth = { authorization: `Bearer ${token}` };
    const scim = `${server.baseUrl}/scim/v2`;
    const me = (i: number) =>
      fetch(`${server.baseUrl}/api/v1/me`, {
        headers: { ...auth, 'x-forwarded-for': `10.9.${(i % ADDRESSES) >> 8}.${i % 256}` },
      });

    // Warm-up (JIT, connection, caches), then the baseline.
    for (let i = 0; i < 200; i++) await expectStatus(await me(i), 200, 'warm-up GET /me');
    progress(`${engine}: baseline, ${users} × GET /api/v1/me`);
    const baseline = await timed(users, async (i) => {
      await expectStatus(await me(i), 200, 'GET /api/v1/me');
    });

    progress(`${engine}: initial sync, ${users} × POST /Users (and the register floor every 10th)`);
    const ids: string[] = [];
    // The register alone, at the same sizes: after every 10th POST, createPerson called in
    // process in its own transaction (audit row and inventory refresh included, no HTTP, no
    // SCIM), timed apart from the sync.
    const floor: number[] = [];
    const create = await timed(
      users,
      async (i) => {
        const res = await fetch(`${scim}/Users`, {
          method: 'POST',
          headers: { ...auth, 'content-type': SCIM },
          body: JSON.stringify(userBody(i, i > 0 ? ids[Math.floor((i - 1) / 8)] : undefined)),
        });
        ids.push(((await expectStatus(res, 201, `POST /Users #${i}`)) as { id: string }).id);
      },
      `${engine} create`,
      1000,
      async (i) => {
        if (i % 10 !== 9) return;
        const t0 = performance.now();
        await withScope(server.rt.database, { orgId }, (tx) =>
          createPerson(
            tx,
            orgId,
            { email: `floor${i}@bench.example`, name: `Floor ${i}` },
            'manual',
            { userId: null, label: 'bench' },
            CLI_META,
            server.rt.clock.now(),
          ),
        );
        floor.push(performance.now() - t0);
      },
    );
    const register: Timed = { ms: floor.reduce((a, b) => a + b, 0), latencies: floor };

    progress(`${engine}: re-sync, ${users} × (GET /Users?filter=userName eq …, PUT unchanged)`);
    const resync = await timed(
      users,
      async (i) => {
        const filter = encodeURIComponent(`userName eq "user${i}@bench.example"`);
        const found = (await expectStatus(
          await fetch(`${scim}/Users?filter=${filter}`, { headers: auth }),
          200,
          `GET /Users?filter #${i}`,
        )) as { totalResults: number; Resources: { id: string }[] };
        const user = found.Resources[0];
        if (found.totalResults !== 1 || !user) throw new Error(`user${i} not found by userName`);
        await expectStatus(
          await fetch(`${scim}/Users/${user.id}`, {
            method: 'PUT',
            headers: { ...auth, 'content-type': SCIM },
            body: JSON.stringify(user),
          }),
          200,
          `PUT /Users #${i}`,
        );
      },
      `${engine} re-sync`,
    );

    const { rows } = await server.rt.database.query(
      `SELECT count(*)::int AS people, count(*) FILTER (WHERE version <> 1)::int AS rewritten,
              count(*) FILTER (WHERE manager_email IS NOT NULL)::int AS with_manager
         FROM people WHERE org_id = $1 AND user_name IS NOT NULL`,
      [orgId],
    );
    const counts = rows[0] as { people: number; rewritten: number; with_manager: number };
    const base = summary(baseline, users);
    const created = summary(create, users);
    const resynced = summary(resync, users);
    const result = {
      engine,
      users,
      transport: 'HTTP/1.1 keep-alive over loopback, one request at a time (fetch)',
      createMs: created.ms,
      createPerSecond: created.per_second,
      resyncMs: resynced.ms,
      resyncPerSecond: resynced.per_second,
      create: created,
      /** Each re-synced user is two requests: the filtered GET and the PUT. */
      resync: { ...resynced, requests_per_second: Math.round(((2 * users) / resync.ms) * 1000) },
      baseline: { what: 'GET /api/v1/me with the same API token, same server, same run', ...base },
      register_floor: {
        what: 'createPerson in process (audit row and inventory refresh, no HTTP), after every 10th POST, same server, same run',
        people: floor.length,
        ...summary(register, floor.length),
      },
      ratios: {
        /** Per request, how much slower than the baseline (1 = as fast). */
        create_request_to_baseline: round(create.ms / baseline.ms),
        resync_request_to_baseline: round(resync.ms / 2 / baseline.ms),
        /** A SCIM POST against the register's own createPerson (what SCIM adds: HTTP, auth, mapping). */
        create_to_register_floor: floor.length ? round(create.ms / users / (register.ms / floor.length)) : null,
      },
      people: counts.people,
      valid: counts.people === users && counts.rewritten === 0 && counts.with_manager === users - 1,
    };
    progress(
      `${engine}: ${result.createPerSecond} users/s created, ${result.resyncPerSecond} users/s re-synced, baseline ${base.per_second} req/s${result.valid ? '' : ' — NOT VALID'}`,
    );
    return result;
  } finally {
    await server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const users = Number(process.argv[2] ?? 10_000);
  const results: unknown[] = [await benchScimSync('pglite', users)];
  const pg = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (pg) {
    process.env.TEST_DATABASE_URL = pg;
    try {
      results.push(await benchScimSync('postgres', users));
    } finally {
      await dropTemplate();
    }
  }
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}
