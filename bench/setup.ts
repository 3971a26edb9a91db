import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { generate } from 'otplib';
import pg from 'pg';
import pino from 'pino';
import { FsBlobStore } from '../src/blobs/store.js';
import { loadConfig } from '../src/config.js';
import { CLI_META } from '../src/context.js';
import { MasterKey } from '../src/crypto/master-key.js';
import { newId } from '../src/crypto/random.js';
import { withScope } from '../src/db/tenancy.js';
import { hashPassword } from '../src/modules/auth/password.js';
import { newTotpSecret } from '../src/modules/auth/totp.js';
import { createOrganisationIn } from '../src/modules/orgs/service.js';
import { openRuntime, type Runtime } from '../src/runtime.js';
import { buildServer } from '../src/server/app.js';
import { createTestDatabase, type Engine } from '../test/helpers/db.js';

export const PASSWORD = 'plausible-horse-lantern-42';

export interface BenchServer {
  engine: Engine;
  rt: Runtime;
  app: FastifyInstance;
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * A real server (runtime + buildServer) listening on 127.0.0.1, on a fresh database, as in the
 * tests but with the system clock. trustProxy is on so the load generator can spread requests
 * over client addresses (see LoadOptions.clientAddresses).
 */
export async function startServer(engine: Engine): Promise<BenchServer> {
  const { database, url, drop } = await createTestDatabase(engine);
  // Evidence files go to a temporary folder, removed on close.
  const blobDir = mkdtempSync(join(tmpdir(), 'attest-bench-blobs-'));
  let app: FastifyInstance | undefined;
  try {
    const config = loadConfig(
      { dataDir: '/nonexistent-attest-bench', logLevel: 'silent', jobs: false, trustProxy: true },
      {},
    );
    const rt = await openRuntime(config, {
      database,
      keys: MasterKey.generate(),
      blobs: new FsBlobStore(blobDir),
      log: pino({ level: 'silent' }),
    });
    app = await buildServer(rt);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const server = app;
    return {
      engine,
      rt,
      app: server,
      baseUrl: `http://127.0.0.1:${port}`,
      // rt.close() would only close the same database that drop() closes.
      close: async () => {
        await server.close();
        if (url) {
          await database.close();
          await backendsGone(url);
        }
        await drop();
        rmSync(blobDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await drop().catch(() => undefined);
    rmSync(blobDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * pg's pool.end() resolves once it has asked its clients to end, not once they have: a
 * DROP DATABASE … WITH (FORCE) right after can kill a client still closing, whose error the
 * ended pool re-emits with no listener left, crashing the process. Wait for the server-side
 * sessions to leave first.
 */
async function backendsGone(url: string, timeoutMs = 5_000): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  // The server createTestDatabase made it on, through its admin database.
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { rows } = await admin.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
        [name],
      );
      if ((rows[0]?.n ?? 0) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await admin.end();
  }
}

export interface BenchUser {
  id: string;
  email: string;
  totp: string;
  orgId: string;
}

/** An organisation whose owner has a confirmed authenticator app (as test/helpers/factories makeOrg does). */
export async function makeOwner(rt: Runtime): Promise<BenchUser> {
  const hash = await hashPassword(PASSWORD);
  const now = rt.clock.now();
  const suffix = newId().slice(0, 8);
  return withScope(rt.database, {}, async (tx) => {
    const id = newId();
    const email = `owner.bench.${suffix}@example.test`;
    await tx
      .insertInto('users')
      .values({ id, email, name: 'Bench Owner', password_hash: hash, created_at: now })
      .execute();
    const totp = newTotpSecret();
    await tx
      .insertInto('user_totp')
      .values({ user_id: id, secret_enc: rt.keys.seal(totp, `totp:${id}`), confirmed_at: now, last_used_step: null })
      .execute();
    const org = await createOrganisationIn(
      tx,
      { name: 'Bench Org', slug: `bench-${suffix}` },
      { userId: id, label: email },
      CLI_META,
      now,
    );
    return { id, email, totp, orgId: org.id };
  });
}

export interface SignedIn {
  /** The Cookie header value. */
  cookie: string;
  /** The parsed body of GET /api/v1/me with that cookie. */
  me: Record<string, unknown>;
}

/** Signs in over HTTP as a browser does: password, then the TOTP code (with the CSRF token). */
export async function signIn(baseUrl: string, user: BenchUser): Promise<SignedIn> {
  const origin = baseUrl;
  const sessionCookie = (res: Response): string | null => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';', 1);
      if (pair?.includes('attest_session=')) return pair;
    }
    return null;
  };
  const expectOk = async (res: Response, step: string) => {
    if (res.status !== 200) throw new Error(`${step} failed: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };

  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ email: user.email, password: PASSWORD }),
  });
  const loginBody = await expectOk(login, 'login');
  let cookie = sessionCookie(login);
  if (!cookie) throw new Error('login set no session cookie');
  if (loginBody.stage !== 'mfa') throw new Error(`login: expected stage mfa, got ${String(loginBody.stage)}`);

  const pending = await expectOk(await fetch(`${baseUrl}/api/v1/me`, { headers: { cookie } }), 'GET /me (mfa stage)');
  const csrf = (pending.session as { csrfToken?: string } | null)?.csrfToken;
  if (!csrf) throw new Error('GET /me gave no CSRF token');

  const code = await generate({ strategy: 'totp', secret: user.totp });
  const mfa = await fetch(`${baseUrl}/api/v1/auth/mfa/totp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf, origin },
    body: JSON.stringify({ code }),
  });
  const mfaBody = await expectOk(mfa, 'TOTP step');
  cookie = sessionCookie(mfa) ?? cookie;
  if (mfaBody.stage !== 'full') throw new Error(`TOTP step: expected stage full, got ${String(mfaBody.stage)}`);

  const me = await fetchMe(baseUrl, cookie);
  return { cookie, me };
}

/** GET /api/v1/me, checked to be a fully signed-in answer with the organisation chosen. */
export async function fetchMe(baseUrl: string, cookie: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${baseUrl}/api/v1/me`, { headers: { cookie } });
  if (res.status !== 200) throw new Error(`GET /me: ${res.status} ${await res.text()}`);
  const me = (await res.json()) as { session?: { stage?: string }; organisation?: unknown };
  if (me.session?.stage !== 'full' || !me.organisation) {
    throw new Error(`GET /me: not a full session with an organisation: ${JSON.stringify(me)}`);
  }
  return me as Record<string, unknown>;
}
