import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { ROLES, type Role } from '../src/db/schema.js';
import { SCOPE_NAMES } from '../src/modules/tokens/service.js';
import { type Client, startTestApp, type TestApp } from './helpers/app.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg, type TestUser } from './helpers/factories.js';
import { multipart } from './helpers/multipart.js';
// Importing it hooks server creation, so the servers built below report every route they register.
import { type RouteInfo, type RouteRequest, requestFor, routesOf, slotsOf } from './helpers/routes.js';

/**
 * Organisation B, in every role and with API tokens, calls every route of the server with
 * organisation A's ids in every id slot. Nothing of A may come back, an id of A must answer
 * exactly like an id that does not exist (404, or 403 where the caller may not use the route
 * at all), and A's rows must be untouched afterwards.
 */

// Distinctive labels: makeOrg puts them in A's user names, emails, organisation name and slug.
const A_LABEL = 'aardvark';
const B_LABEL = 'bison';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

interface Caller {
  label: string;
  cookie?: string | null;
  csrf?: string | null;
  bearer?: string;
}

interface Named {
  what: string;
  value: string;
}

interface World {
  t: TestApp;
  routes: RouteInfo[];
  a: TestOrg;
  b: TestOrg;
  /** A's ids, to put in id slots. */
  aIds: Named[];
  /** Anything of A that must not appear in an answer to B. */
  aMarkers: Named[];
  aToken: string;
  bSessions: Record<Role, Client>;
  bTokens: Record<Role, string>;
  /** A's rows in every table, read as the owning role before B starts. */
  aRows: Record<string, string[]>;
}

let ipCounter = 0;
/** A new client address per request, so the per-address rate limits never answer in our place. */
function nextIp(): string {
  ipCounter++;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

function send(t: TestApp, who: Caller, req: Pick<RouteRequest, 'method' | 'url' | 'body'>) {
  const headers: Record<string, string> = {};
  if (who.cookie) headers.cookie = who.cookie;
  if (who.csrf && !SAFE.has(req.method)) headers['x-csrf-token'] = who.csrf;
  if (who.bearer) headers.authorization = `Bearer ${who.bearer}`;
  return t.app.inject({
    method: req.method as 'GET',
    url: req.url,
    headers,
    remoteAddress: nextIp(),
    ...(req.body === undefined ? {} : { payload: req.body as object }),
  });
}

/** What of A an answer holds, leaving out values the caller sent itself (an echo is no leak). */
function leaks(res: LightMyRequestResponse, markers: Named[], sent: string[]): string[] {
  const { 'set-cookie': _cookie, ...headers } = res.headers;
  const text = `${JSON.stringify(headers)}\n${res.body}`.toLowerCase();
  const echoed = (m: Named) => sent.some((s) => s.toLowerCase().includes(m.value.toLowerCase()));
  return markers.filter((m) => !echoed(m) && text.includes(m.value.toLowerCase())).map((m) => m.what);
}

interface Outcome {
  status: number;
  code: string | null;
  detail: string | null;
}

function outcome(res: LightMyRequestResponse, sent: string[]): Outcome {
  let body: { code?: string; detail?: string } | null = null;
  try {
    body = res.json();
  } catch {}
  let detail = body?.detail ?? null;
  for (const s of sent) detail = detail?.split(s).join('<id>') ?? null;
  return { status: res.statusCode, code: body?.code ?? null, detail };
}

const show = (o: Outcome) => `${o.status} ${o.code ?? ''}`.trim();

function kindOf(value: string): 'uuid' | 'number' | 'text' {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return 'uuid';
  if (/^\d+$/.test(value)) return 'number';
  return 'text';
}

/** An id of the same shape that exists nowhere. */
function unknownLike(value: string): string {
  switch (kindOf(value)) {
    case 'uuid':
      return randomUUID();
    case 'number':
      return String(9_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e9)));
    case 'text':
      return randomBytes(value.length).toString('base64url').slice(0, value.length);
  }
}

const apiRoutes = (w: World) => w.routes.filter((r) => r.url.startsWith('/api/'));

/** Every route with an id slot, once with each of A's ids that fits it and once with an unknown id. */
async function probeForeignIds(w: World, who: () => Caller, tried?: Set<string>): Promise<string[]> {
  const problems: string[] = [];
  for (const route of apiRoutes(w).filter((r) => slotsOf(r).length > 0)) {
    const unknown = new Map<string, Outcome>();
    for (const id of w.aIds) {
      const req = requestFor(route, () => id.value);
      if (!req) continue;
      tried?.add(id.what);
      const caller = who();
      const where = `${caller.label}: ${req.method} ${route.url} with A's ${id.what}`;
      const res = await send(w.t, caller, req);
      for (const leak of leaks(res, w.aMarkers, req.sent)) problems.push(`${where}: the answer holds A's ${leak}`);
      const got = outcome(res, req.sent);

      const kind = kindOf(id.value);
      let base = unknown.get(kind);
      if (!base) {
        const other = requestFor(route, () => unknownLike(id.value));
        if (!other) {
          problems.push(`${where}: could not build the same request with an unknown id`);
          continue;
        }
        const otherRes = await send(w.t, caller, other);
        for (const leak of leaks(otherRes, w.aMarkers, other.sent)) {
          problems.push(`${caller.label}: ${req.method} ${route.url} with an unknown id: the answer holds A's ${leak}`);
        }
        base = outcome(otherRes, other.sent);
        unknown.set(kind, base);
      }
      if (got.status !== base.status || got.code !== base.code || got.detail !== base.detail) {
        problems.push(
          `${where}: answered ${show(got)} "${got.detail}" but an unknown id ${show(base)} "${base.detail}"`,
        );
      }
      // HEAD answers carry no body, so only the status can be compared.
      const code = route.method === 'HEAD' ? (got.status === 404 ? 'not_found' : 'forbidden') : got.code;
      const allowed = (got.status === 404 && code === 'not_found') || (got.status === 403 && code === 'forbidden');
      if (route.params.length > 0 && !allowed) {
        problems.push(`${where}: answered ${show(got)}; expected 404 not_found (or 403 forbidden)`);
      }
    }
  }
  return problems;
}

/**
 * Every route without an id slot (the web app's files too), with a valid request: whatever it
 * answers, nothing of A. `restore` runs after each write, which may have signed B out.
 */
async function probeWithoutIds(w: World, who: () => Caller, restore?: () => Promise<void>): Promise<string[]> {
  const problems: string[] = [];
  for (const route of w.routes.filter((r) => slotsOf(r).length === 0)) {
    const req = requestFor(route, () => {
      throw new Error('no slot expected');
    });
    const caller = who();
    const where = `${caller.label}: ${route.method} ${route.url}`;
    if (!req) {
      problems.push(`${where}: no valid request could be generated from its schema (extend test/helpers/routes.ts)`);
      continue;
    }
    const res = await send(w.t, caller, req);
    for (const leak of leaks(res, w.aMarkers, req.sent)) problems.push(`${where}: the answer holds A's ${leak}`);
    // 501 is a feature declared unsupported (SCIM's /Bulk and /Me), not a failure.
    if (res.statusCode >= 500 && res.statusCode !== 501)
      problems.push(`${where}: answered ${res.statusCode} ${res.body}`);
    if (!SAFE.has(route.method) && restore) await restore();
  }
  return problems;
}

/** Every row that belongs to the organisation or its users, in every table, as JSON text. */
async function rowsOf(t: TestApp, orgId: string, userIds: string[]): Promise<Record<string, string[]>> {
  const db = t.rt.database;
  const { rows } = await db.query(
    `SELECT c.table_name, array_agg(c.column_name::text) AS columns
       FROM information_schema.columns c
       JOIN information_schema.tables t USING (table_schema, table_name)
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      GROUP BY c.table_name ORDER BY c.table_name`,
  );
  const out: Record<string, string[]> = {};
  for (const { table_name, columns } of rows as { table_name: string; columns: string[] }[]) {
    const conditions: string[] = [];
    if (columns.includes('org_id')) conditions.push('org_id = $1');
    if (columns.includes('user_id')) conditions.push('user_id = ANY($2::uuid[])');
    if (table_name === 'organizations') conditions.push('id = $1');
    if (table_name === 'users') conditions.push('id = ANY($2::uuid[])');
    if (conditions.length === 0) continue;
    const r = await db.query(
      `SELECT row_to_json(x)::text AS row FROM "${table_name}" x
        WHERE (${conditions.join(' OR ')}) AND $1::uuid IS NOT NULL AND $2::uuid[] IS NOT NULL ORDER BY 1`,
      [orgId, userIds],
    );
    out[table_name] = r.rows.map((row) => String(row.row));
  }
  return out;
}

async function expectStatus(res: LightMyRequestResponse, status: number, what: string) {
  assert.equal(res.statusCode, status, `${what}: ${res.statusCode} ${res.body}`);
}

/** Puts the user's authenticator back (a probe may have removed it) so they can sign in again. */
async function restoreTotp(w: World, user: TestUser): Promise<void> {
  if (!user.totp) return;
  const sealed = w.t.rt.keys.seal(user.totp, `totp:${user.id}`);
  const now = w.t.clock.now();
  await w.t.rt.database.db
    .insertInto('user_totp')
    .values({ user_id: user.id, secret_enc: sealed, confirmed_at: now, last_used_step: null, created_at: now })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({ secret_enc: sealed, confirmed_at: now, last_used_step: null }),
    )
    .execute();
}

const sessionCaller = (w: World, role: Role): Caller => ({
  label: `B's ${role} (session)`,
  cookie: w.bSessions[role].cookie,
  csrf: w.bSessions[role].csrf,
});

/** Brings B's user back to a full session in B with their role, whatever the last probe did. */
async function backInB(w: World, role: Role): Promise<void> {
  const me = async () => {
    const res = await send(w.t, sessionCaller(w, role), { method: 'GET', url: '/api/v1/me' });
    return res.statusCode === 200 ? res.json() : null;
  };
  let current = await me();
  if (current?.session?.stage !== 'full') {
    await restoreTotp(w, w.b.users[role]);
    w.bSessions[role] = await signIn(w.t, w.b.users[role]);
    current = await me();
  }
  if (current?.organisation?.id !== w.b.id) {
    const res = await send(w.t, sessionCaller(w, role), {
      method: 'POST',
      url: '/api/v1/me/organisation',
      body: { orgId: w.b.id },
    });
    await expectStatus(res, 200, `switching B's ${role} back to B`);
    current = await me();
  }
  assert.equal(current?.organisation?.id, w.b.id);
  assert.equal(current?.role, role);
}

for (const engine of ENGINES) {
  describe(`organisation B cannot reach organisation A through any route (${engine})`, () => {
    let w: World;

    before(async () => {
      const t = await startTestApp(engine);
      const a = await makeOrg(t, A_LABEL);
      const b = await makeOrg(t, B_LABEL);

      // A's data, made through the API by A's owner (and a member's own token).
      const aOwner = await signIn(t, a.users.owner);
      const invited = await aOwner.post('/api/v1/invitations', {
        email: `invitee.${A_LABEL}@example.test`,
        role: 'member',
      });
      await expectStatus(invited, 201, "A's invitation");
      const revoked = await aOwner.post('/api/v1/invitations', {
        email: `gone.${A_LABEL}@example.test`,
        role: 'admin',
      });
      await expectStatus(revoked, 201, "A's second invitation");
      await expectStatus(
        await aOwner.delete(`/api/v1/invitations/${revoked.json().invitation.id}`),
        204,
        "revoking A's second invitation",
      );
      const token = await aOwner.post('/api/v1/tokens', { name: `${A_LABEL} deploy`, scopes: SCOPE_NAMES });
      await expectStatus(token, 201, "A's token");
      await expectStatus(
        await aOwner.patch('/api/v1/organisation', { name: `Org ${A_LABEL} renamed` }),
        200,
        "renaming A's organisation",
      );
      const aMember = await signIn(t, a.users.member);
      const memberToken = await aMember.post('/api/v1/tokens', { name: `${A_LABEL} member`, scopes: ['org:read'] });
      await expectStatus(memberToken, 201, "A's member's token");
      await expectStatus(
        await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token.json().token}` } }),
        200,
        "A's token in use",
      );
      // A security key cannot be registered without an authenticator: the row is written directly.
      const credentialId = randomBytes(32).toString('base64url');
      await t.rt.database.db
        .insertInto('webauthn_credentials')
        .values({
          id: credentialId,
          user_id: a.users.admin.id,
          name: `${A_LABEL} key`,
          public_key: randomBytes(77),
          counter: 0,
          transports: ['usb'],
          created_at: t.clock.now(),
        })
        .execute();

      const aUserIds = ROLES.map((r) => a.users[r].id);
      const sessions = await t.rt.database.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', 'in', aUserIds)
        .execute();
      const audit = await t.rt.database.db.selectFrom('audit_log').select('id').where('org_id', '=', a.id).execute();
      assert.ok(sessions.length >= 2 && audit.length >= 5, 'A has sessions and audit rows');
      const control = await t.rt.database.db
        .selectFrom('controls')
        .select('id')
        .where('org_id', '=', a.id)
        .orderBy('key')
        .limit(1)
        .executeTakeFirstOrThrow();

      // One of each program record: a policy, an evidence task, a notice, an evidence item.
      const firstId = async (table: 'policies' | 'evidence_tasks') =>
        (
          await t.rt.database.db
            .selectFrom(table)
            .select('id')
            .where('org_id', '=', a.id)
            .orderBy('id')
            .limit(1)
            .executeTakeFirstOrThrow()
        ).id;
      const upload = multipart(
        { controlId: control.id, note: `${A_LABEL} evidence` },
        { name: `${A_LABEL}.txt`, data: Buffer.from(`evidence of ${A_LABEL}\n`) },
      );
      const evidence = await aOwner.request('POST', '/api/v1/evidence', upload.body, upload.headers);
      await expectStatus(evidence, 201, "A's evidence");
      await t.rt.database.query(
        `INSERT INTO notifications (id, org_id, user_id, kind, title, created_at)
         VALUES (gen_random_uuid(), $1, $2, 'isolation', $3, now())`,
        [a.id, a.users.member.id, `${A_LABEL} notice`],
      );
      const notice = await t.rt.database.query('SELECT id FROM notifications WHERE org_id = $1', [a.id]);
      // Monitoring: a pushed source (a person and an account), a failing result, an exception.
      const pushed = await aOwner.request(
        'POST',
        `/api/v1/monitoring/push/accounts-csv?name=${A_LABEL}`,
        `system,email,username,admin,mfa,active,last login\n${A_LABEL},${A_LABEL}@example.test,${A_LABEL},no,no,yes,\n`,
        { 'content-type': 'text/csv' },
      );
      await expectStatus(pushed, 201, "A's push");
      const record = await t.rt.database.query('SELECT id FROM inventory_records WHERE org_id = $1', [a.id]);
      const recordId = String((record.rows[0] as { id: string }).id);
      const excepted = await aOwner.post('/api/v1/monitoring/exceptions', {
        checkId: 'identity.mfa.all_accounts',
        resource: recordId,
        justification: `${A_LABEL} accepts this for now`,
        expiresAt: new Date(t.clock.now().getTime() + 30 * 86_400_000).toISOString().slice(0, 10),
      });
      await expectStatus(excepted, 201, "A's exception");
      const program = [
        { what: 'policy id', id: await firstId('policies') },
        { what: 'evidence task id', id: await firstId('evidence_tasks') },
        { what: 'notification id', id: String((notice.rows[0] as { id: string }).id) },
        { what: 'evidence id', id: String(evidence.json().id) },
        { what: 'monitoring source id', id: String(pushed.json().source.id) },
        { what: 'inventory record id', id: recordId },
        { what: 'exception id', id: String(excepted.json().id) },
      ];

      const aIds: Named[] = [
        { what: 'organisation id', value: a.id },
        ...ROLES.map((r) => ({ what: `${r}'s user id`, value: a.users[r].id })),
        { what: 'pending invitation id', value: invited.json().invitation.id },
        { what: 'revoked invitation id', value: revoked.json().invitation.id },
        { what: "owner's token id", value: token.json().item.id },
        { what: "member's token id", value: memberToken.json().item.id },
        ...sessions.map((s, i) => ({ what: `session id #${i + 1}`, value: s.id })),
        { what: 'security key id', value: credentialId },
        { what: 'control id', value: control.id },
        ...program.map((r) => ({ what: r.what, value: r.id })),
        ...audit.map((r) => ({ what: `audit row id ${r.id}`, value: String(r.id) })),
      ];
      const inviteLinks = [invited, revoked].map((r) =>
        decodeURIComponent(String(r.json().link).split('#token=')[1] ?? ''),
      );
      const aMarkers: Named[] = [
        { what: 'label (in names, emails, organisation name and slug)', value: A_LABEL },
        // Audit row ids are small numbers that appear anywhere: they are tried as ids, not searched for.
        ...aIds.filter((i) => kindOf(i.value) !== 'number'),
        { what: 'organisation id (token form)', value: a.id.replace(/-/g, '') },
        { what: "owner's token", value: token.json().token },
        { what: "member's token", value: memberToken.json().token },
        ...inviteLinks.map((value, i) => ({ what: `invitation link #${i + 1}`, value })),
      ];

      // B: every role signed in, each with a token holding every scope, and data of its own.
      const bSessions = {} as Record<Role, Client>;
      const bTokens = {} as Record<Role, string>;
      for (const role of ROLES) {
        bSessions[role] = await signIn(t, b.users[role]);
        const res = await bSessions[role].post('/api/v1/tokens', { name: `${B_LABEL} ${role}`, scopes: SCOPE_NAMES });
        await expectStatus(res, 201, `B's ${role}'s token`);
        bTokens[role] = res.json().token;
      }
      await expectStatus(
        await bSessions.owner.post('/api/v1/invitations', { email: `invitee.${B_LABEL}@example.test`, role: 'member' }),
        201,
        "B's invitation",
      );

      w = {
        t,
        routes: routesOf(t.app),
        a,
        b,
        aIds,
        aMarkers,
        aToken: token.json().token,
        bSessions,
        bTokens,
        aRows: await rowsOf(t, a.id, aUserIds),
      };
    });

    after(async () => {
      await w?.t.close();
    });

    it('sees the API routes, some of them taking ids', () => {
      const api = apiRoutes(w);
      assert.ok(api.length >= 20, `only ${api.length} API routes were collected`);
      assert.ok(api.filter((r) => r.params.length > 0).length >= 4, 'routes with path parameters were collected');
    });

    for (const role of ROLES) {
      it(`answers B's ${role} (session) for A's ids exactly as for unknown ids`, async () => {
        const tried = new Set<string>();
        const problems = await probeForeignIds(w, () => sessionCaller(w, role), tried);
        assert.deepEqual(problems, []);
        const untried = w.aIds.map((i) => i.what).filter((what) => !tried.has(what));
        assert.deepEqual(untried, [], 'every id of A fits at least one route');
      });
    }

    it("answers B's API tokens (every scope, every role) for A's ids exactly as for unknown ids", async () => {
      const problems: string[] = [];
      for (const role of ROLES) {
        const me = await send(w.t, { label: role, bearer: w.bTokens[role] }, { method: 'GET', url: '/api/v1/me' });
        await expectStatus(me, 200, `B's ${role}'s token works`);
        problems.push(...(await probeForeignIds(w, () => ({ label: `B's ${role} (token)`, bearer: w.bTokens[role] }))));
      }
      assert.deepEqual(problems, []);
    });

    it('returns nothing of A to any role of B on the routes without ids', async () => {
      const problems: string[] = [];
      for (const role of ROLES) {
        problems.push(
          ...(await probeWithoutIds(
            w,
            () => sessionCaller(w, role),
            () => backInB(w, role),
          )),
          ...(await probeWithoutIds(w, () => ({ label: `B's ${role} (token)`, bearer: w.bTokens[role] }))),
        );
      }
      assert.deepEqual(problems, []);
    });

    it("refuses (401) a B token whose organisation prefix is rewritten to A's", async () => {
      const aHex = w.a.id.replace(/-/g, '');
      const bHex = w.b.id.replace(/-/g, '');
      const refused: { what: string; token: string }[] = [
        ...ROLES.map((role) => ({
          what: `B's ${role}'s token with A's prefix`,
          token: w.bTokens[role].replace(`atst_${bHex}_`, `atst_${aHex}_`),
        })),
        { what: "A's token with B's prefix", token: w.aToken.replace(`atst_${aHex}_`, `atst_${bHex}_`) },
        {
          what: "B's owner's token with an unknown prefix",
          token: w.bTokens.owner.replace(`atst_${bHex}_`, `atst_${randomUUID().replace(/-/g, '')}_`),
        },
      ];
      for (const { token } of refused) assert.match(token, /^atst_[0-9a-f]{32}_/);
      const problems: string[] = [];
      const guarded = w.routes.filter((r) => r.url.startsWith('/api/v1/') && r.access && !r.access.public);
      for (const { what, token } of refused) {
        for (const route of guarded) {
          const req = requestFor(route, () => w.aIds.find((i) => kindOf(i.value) === 'uuid')!.value);
          if (!req) continue;
          const res = await send(w.t, { label: what, bearer: token }, req);
          const got = outcome(res, req.sent);
          // A HEAD answer has no body to carry the code.
          if (got.status !== 401 || (req.method !== 'HEAD' && got.code !== 'unauthenticated')) {
            problems.push(`${what}: ${req.method} ${route.url} answered ${show(got)}; expected 401 unauthenticated`);
          }
          for (const leak of leaks(res, w.aMarkers, req.sent)) {
            problems.push(`${what}: ${req.method} ${route.url}: the answer holds A's ${leak}`);
          }
        }
      }
      assert.deepEqual(problems, []);
      // The genuine tokens still work.
      await expectStatus(
        await send(w.t, { label: 'B owner', bearer: w.bTokens.owner }, { method: 'GET', url: '/api/v1/me' }),
        200,
        "B's owner's own token",
      );
    });

    it("leaves A's rows exactly as they were: roles, invitations, tokens, sessions, audit log", async () => {
      const now = await rowsOf(
        w.t,
        w.a.id,
        ROLES.map((r) => w.a.users[r].id),
      );
      assert.deepEqual(now, w.aRows);
      // And, spelled out, the states a cross-organisation write would have changed.
      const members = Object.fromEntries(
        (now.memberships ?? []).map((r) => JSON.parse(r)).map((m) => [m.user_id, m.role]),
      );
      for (const role of ROLES) assert.equal(members[w.a.users[role].id], role);
      const invitations = (now.invitations ?? []).map((r) => JSON.parse(r));
      assert.equal(
        invitations.filter((i) => !i.revoked_at && !i.accepted_at).length,
        1,
        'one invitation still pending',
      );
      const tokens = (now.api_tokens ?? []).map((r) => JSON.parse(r));
      assert.equal(tokens.length, 2);
      assert.ok(
        tokens.every((tk) => tk.revoked_at === null),
        'no token of A revoked',
      );
      assert.ok((now.webauthn_credentials ?? []).length === 1, "A's security key is still there");
      assert.equal(
        await send(w.t, { label: 'A', bearer: w.aToken }, { method: 'GET', url: '/api/v1/me' }).then(
          (r) => r.statusCode,
        ),
        200,
        "A's token still works",
      );
    });
  });
}
