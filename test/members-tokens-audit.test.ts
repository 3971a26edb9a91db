import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashSecret } from '../src/crypto/random.js';
import { withScope } from '../src/db/tenancy.js';
import { recordAudit } from '../src/modules/audit/service.js';
import { Client, type TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, PASSWORD, signIn, type TestOrg } from './helpers/factories.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const NEW_PASSWORD = 'saffron-kettle-orbit-77';

/** Row counts of every table a request could write to. */
async function snapshot(t: TestApp) {
  const tables = ['users', 'memberships', 'invitations', 'api_tokens', 'audit_log', 'system_audit_log', 'sessions'];
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = await count(t, table);
  const pending = await count(t, 'invitations WHERE accepted_at IS NULL AND revoked_at IS NULL');
  return { ...counts, pending };
}

const bearer = (t: TestApp, token: string) => new Client(t.app, { authorization: `Bearer ${token}` });

/** Invites `email` as `role` and returns the invitation and the token from the link. */
async function invite(owner: Client, email: string, role = 'member') {
  const res = await owner.post('/api/v1/invitations', { email, role });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json() as { invitation: { id: string }; link: string; emailed: boolean };
  const token = decodeURIComponent(body.link.split('#token=')[1] ?? '');
  return { ...body, token };
}

const accept = (c: Client, token: string, extra: Record<string, unknown> = {}) =>
  c.post('/api/v1/invitations/accept', { token, ...extra });

async function createToken(c: Client, scopes: string[], expiresInDays = 30, name = 'ci') {
  const res = await c.post('/api/v1/tokens', { name, scopes, expiresInDays });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { token: string; item: { id: string } };
}

/** RFC 4180 CSV, as a spreadsheet would read it. */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch !== '"') cell += ch;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      out.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell || row.length) out.push([...row, cell]);
  return out;
}

async function allAuditPages(c: Client, query: string, limit: number) {
  const items: { id: string; at: string; action: string }[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await c.get(
      `/api/v1/audit?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    assert.equal(res.statusCode, 200, res.body);
    const page = res.json();
    assert.ok(page.items.length <= limit);
    items.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return { items, pages };
}

for (const engine of ENGINES) {
  describe(`invitations (${engine})`, () => {
    it('invites by link when mail is off; the invitee looks it up and joins with a new account, once', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'inv');
        const owner = await signIn(t, org.users.owner);
        const sent = await invite(owner, 'New.Person@Example.test');
        assert.equal(sent.emailed, false);
        assert.match(sent.link, /^http:\/\/localhost(:80)?\/invite#token=/);
        assert.match(sent.token, new RegExp(`^${org.id}\\.[A-Za-z0-9_-]{43}$`));

        const lookup = await new Client(t.app).get(
          `/api/v1/invitations/lookup?token=${encodeURIComponent(sent.token)}`,
        );
        assert.equal(lookup.statusCode, 200, lookup.body);
        assert.deepEqual(lookup.json(), {
          organisation: { name: org.name },
          email: 'new.person@example.test',
          role: 'member',
          accountExists: false,
        });

        const invitee = new Client(t.app);
        const joined = await accept(invitee, sent.token, { name: 'New Person', password: NEW_PASSWORD });
        assert.equal(joined.statusCode, 200, joined.body);
        assert.equal(joined.json().stage, 'full');
        const me = (await invitee.get('/api/v1/me')).json();
        assert.equal(me.user.email, 'new.person@example.test');
        assert.equal(me.user.name, 'New Person');
        assert.equal(me.organisation.id, org.id);
        assert.equal(me.role, 'member');

        const members = (await owner.get('/api/v1/members')).json().items as { email: string; role: string }[];
        assert.deepEqual(
          members.find((m) => m.email === 'new.person@example.test'),
          { ...members.find((m) => m.email === 'new.person@example.test'), role: 'member' },
        );
        assert.equal((await owner.get('/api/v1/invitations')).json().items[0].status, 'accepted');
        assert.equal(await count(t, "audit_log WHERE action IN ('member.invited', 'member.joined')"), 2);

        // The link works once.
        const before = await snapshot(t);
        problem(await accept(new Client(t.app), sent.token, { name: 'Again', password: NEW_PASSWORD }), 410, 'gone');
        problem(
          await new Client(t.app).get(`/api/v1/invitations/lookup?token=${encodeURIComponent(sent.token)}`),
          410,
          'gone',
        );
        assert.deepEqual(await snapshot(t), before);

        // The new account signs in with its password.
        const again = await new Client(t.app).post('/api/v1/auth/login', {
          email: 'new.person@example.test',
          password: NEW_PASSWORD,
        });
        assert.equal(again.json().stage, 'full');
      });
    });

    it('refuses an invitation link after it expires (8 days later) with 410', async () => {
      await withApp(engine, async (t) => {
        const owner = await signIn(t, (await makeOrg(t, 'exp')).users.owner);
        const { token } = await invite(owner, 'late@example.test');
        t.clock.advance(6 * DAY);
        assert.equal((await new Client(t.app).get(`/api/v1/invitations/lookup?token=${token}`)).statusCode, 200);
        t.clock.advance(2 * DAY);
        const before = await snapshot(t);
        problem(await new Client(t.app).get(`/api/v1/invitations/lookup?token=${token}`), 410, 'gone');
        problem(await accept(new Client(t.app), token, { name: 'Late', password: NEW_PASSWORD }), 410, 'gone');
        assert.deepEqual(await snapshot(t), before);
      });
    });

    it('refuses a revoked invitation link with 410, and a link replaced by a newer invitation', async () => {
      await withApp(engine, async (t) => {
        const owner = await signIn(t, (await makeOrg(t, 'rev')).users.owner);
        const first = await invite(owner, 'maybe@example.test');
        assert.equal((await owner.delete(`/api/v1/invitations/${first.invitation.id}`)).statusCode, 204);
        problem(await accept(new Client(t.app), first.token, { name: 'Maybe', password: NEW_PASSWORD }), 410, 'gone');
        problem(await owner.delete(`/api/v1/invitations/${first.invitation.id}`), 404, 'not_found');

        const second = await invite(owner, 'maybe@example.test');
        const third = await invite(owner, 'maybe@example.test');
        problem(await accept(new Client(t.app), second.token, { name: 'Maybe', password: NEW_PASSWORD }), 410, 'gone');
        const ok = await accept(new Client(t.app), third.token, { name: 'Maybe', password: NEW_PASSWORD });
        assert.equal(ok.statusCode, 200, ok.body);
        assert.equal(await count(t, "audit_log WHERE action = 'member.invitation_revoked'"), 1);
      });
    });

    it('refuses a weak password when joining with 422 and writes nothing; the link still works afterwards', async () => {
      await withApp(engine, async (t) => {
        const owner = await signIn(t, (await makeOrg(t, 'weak')).users.owner);
        const { token } = await invite(owner, 'grace.hopper@example.test');
        const before = await snapshot(t);
        for (const password of ['short-one', 'password123456!', 'hopper-cobol-compiler']) {
          const res = problem(
            await accept(new Client(t.app), token, { name: 'Grace Hopper', password }),
            422,
            'weak_password',
          );
          assert.equal(res.errors?.[0]?.path, 'password');
        }
        problem(await accept(new Client(t.app), token, {}), 400, 'validation_failed');
        assert.deepEqual(await snapshot(t), before);
        const ok = await accept(new Client(t.app), token, { name: 'Grace Hopper', password: NEW_PASSWORD });
        assert.equal(ok.statusCode, 200, ok.body);
      });
    });

    it('refuses accepting an invitation posted from another origin', async () => {
      await withApp(engine, async (t) => {
        const owner = await signIn(t, (await makeOrg(t, 'xorigin')).users.owner);
        const { token } = await invite(owner, 'victim@example.test');
        const before = await snapshot(t);
        const res = await new Client(t.app, { origin: 'https://evil.example' }).post('/api/v1/invitations/accept', {
          token,
          name: 'Victim',
          password: NEW_PASSWORD,
        });
        problem(res, 403, 'csrf_failed');
        assert.deepEqual(await snapshot(t), before);
      });
    });
  });

  describe(`roles and organisations (${engine})`, () => {
    it('lets only an owner make someone an owner or change an owner (403 for an admin)', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'roles');
        const admin = await signIn(t, org.users.admin);
        const before = await snapshot(t);
        problem(await admin.patch(`/api/v1/members/${org.users.member.id}`, { role: 'owner' }), 403, 'forbidden');
        problem(await admin.patch(`/api/v1/members/${org.users.owner.id}`, { role: 'member' }), 403, 'forbidden');
        problem(await admin.delete(`/api/v1/members/${org.users.owner.id}`), 403, 'forbidden');
        problem(
          await admin.post('/api/v1/invitations', { email: 'boss@example.test', role: 'owner' }),
          403,
          'forbidden',
        );
        assert.deepEqual(await snapshot(t), before);
        // An admin may still manage other roles.
        const ok = await admin.patch(`/api/v1/members/${org.users.member.id}`, { role: 'reviewer' });
        assert.equal(ok.statusCode, 200, ok.body);
      });
    });

    it('keeps the last owner: demoting or removing them answers 409 until there is another owner', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'last');
        const owner = await signIn(t, org.users.owner);
        const before = await snapshot(t);
        problem(await owner.patch(`/api/v1/members/${org.users.owner.id}`, { role: 'admin' }), 409, 'conflict');
        problem(await owner.delete(`/api/v1/members/${org.users.owner.id}`), 409, 'conflict');
        assert.deepEqual(await snapshot(t), before);

        assert.equal((await owner.patch(`/api/v1/members/${org.users.admin.id}`, { role: 'owner' })).statusCode, 200);
        const demoted = await owner.patch(`/api/v1/members/${org.users.owner.id}`, { role: 'admin' });
        assert.equal(demoted.statusCode, 200, demoted.body);
        assert.equal(demoted.json().role, 'admin');
      });
    });

    it('records a role change in the audit log with the role before and after', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'audrole');
        const owner = await signIn(t, org.users.owner);
        const res = await owner.patch(`/api/v1/members/${org.users.member.id}`, { role: 'reviewer' });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().role, 'reviewer');
        const log = (await owner.get('/api/v1/audit?action=member.role_changed')).json().items;
        assert.equal(log.length, 1);
        assert.equal(log[0].actor, org.users.owner.email);
        assert.equal(log[0].targetId, org.users.member.id);
        assert.deepEqual(log[0].details, { from: 'member', to: 'reviewer' });
        // Setting the same role again changes nothing and records nothing.
        await owner.patch(`/api/v1/members/${org.users.member.id}`, { role: 'reviewer' });
        assert.equal(await count(t, "audit_log WHERE action = 'member.role_changed'"), 1);
      });
    });

    it('removes a member, revoking their API tokens', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'rm');
        const member = await signIn(t, org.users.member);
        const { token } = await createToken(member, ['org:read']);
        assert.equal((await bearer(t, token).get('/api/v1/me')).statusCode, 200);
        const owner = await signIn(t, org.users.owner);
        assert.equal((await owner.delete(`/api/v1/members/${org.users.member.id}`)).statusCode, 204);
        problem(await bearer(t, token).get('/api/v1/me'), 401, 'unauthenticated');
        problem(await member.get('/api/v1/dashboard'), 403, 'no_organisation');
      });
    });

    it('lets a user of two organisations switch between them and see each one’s data', async () => {
      await withApp(engine, async (t) => {
        const alpha = await makeOrg(t, 'alpha');
        const beta = await makeOrg(t, 'beta');
        const other = await makeOrg(t, 'gamma');
        const user = alpha.users.member;
        const { token } = await invite(await signIn(t, beta.users.owner), user.email, 'admin');
        const c = await signIn(t, user);
        const joined = await accept(c, token);
        assert.equal(joined.statusCode, 200, joined.body);

        const me = (await c.get('/api/v1/me')).json();
        assert.deepEqual(me.organisations.map((o: { id: string }) => o.id).sort(), [alpha.id, beta.id].sort());
        assert.equal(me.organisation.id, beta.id, 'joining switches to the new organisation');
        assert.equal(me.role, 'admin');

        const seen = async (org: TestOrg, role: string, total: number) => {
          const res = await c.post('/api/v1/me/organisation', { orgId: org.id });
          assert.equal(res.statusCode, 200, res.body);
          assert.equal(res.json().organisation.id, org.id);
          const dash = (await c.get('/api/v1/dashboard')).json();
          assert.equal(dash.organisation.id, org.id);
          assert.equal(dash.members.total, total);
          assert.equal((await c.get('/api/v1/organisation')).json().name, org.name);
          assert.equal((await c.get('/api/v1/me')).json().role, role);
        };
        await seen(alpha, 'member', 5);
        problem(await c.get('/api/v1/members'), 403, 'forbidden');
        await seen(beta, 'admin', 6);
        const members = (await c.get('/api/v1/members')).json().items as { email: string }[];
        assert.ok(members.every((m) => !m.email.includes('.alpha.') || m.email === user.email));
        await seen(alpha, 'member', 5);

        problem(await c.post('/api/v1/me/organisation', { orgId: other.id }), 404, 'not_found');
        assert.equal((await c.get('/api/v1/me')).json().organisation.id, alpha.id);
      });
    });
  });

  describe(`API tokens (${engine})`, () => {
    it('shows a new token once and stores only its hash', async () => {
      await withApp(engine, async (t) => {
        const owner = await signIn(t, (await makeOrg(t, 'tok')).users.owner);
        const res = await owner.post('/api/v1/tokens', {
          name: 'ci',
          scopes: ['org:read', 'audit:read'],
          expiresInDays: 7,
        });
        assert.equal(res.statusCode, 201, res.body);
        assert.equal(res.headers['cache-control'], 'no-store');
        const { token, item } = res.json();
        assert.match(token, /^atst_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
        assert.deepEqual(item.scopes, ['audit:read', 'org:read']);
        assert.equal(Date.parse(item.expiresAt), t.clock.now().getTime() + 7 * DAY);

        const secret = token.split('_').slice(2).join('_');
        const listed = await owner.get('/api/v1/tokens');
        assert.equal(listed.json().items.length, 1);
        assert.ok(!listed.body.includes(secret), 'the list never shows the token again');

        const [stored] = await rows<{ token_hash: Uint8Array }>(t, 'SELECT * FROM api_tokens');
        assert.ok(stored);
        assert.ok(Buffer.from(stored.token_hash).equals(hashSecret(token)), 'SHA-256 of the token');
        for (const table of ['api_tokens', 'audit_log', 'sessions']) {
          const text = JSON.stringify(await rows(t, `SELECT * FROM ${table}`), (_k, v) =>
            v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v,
          );
          assert.ok(!text.includes(secret), `${table} holds no plaintext token`);
        }
      });
    });

    it('lets an org:read token read /me and /dashboard, and refuses routes needing another scope (403 insufficient_scope)', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'scope');
        const owner = await signIn(t, org.users.owner);
        const reader = bearer(t, (await createToken(owner, ['org:read'])).token);
        const me = await reader.get('/api/v1/me');
        assert.equal(me.statusCode, 200, me.body);
        assert.equal(me.json().user.email, org.users.owner.email);
        assert.equal(me.json().session, null);
        const dash = await reader.get('/api/v1/dashboard');
        assert.equal(dash.statusCode, 200, dash.body);
        assert.equal(dash.json().organisation.id, org.id);
        problem(await reader.get('/api/v1/audit'), 403, 'insufficient_scope');
        problem(
          await reader.post('/api/v1/invitations', { email: 'x@example.test', role: 'member' }),
          403,
          'insufficient_scope',
        );

        const auditor = bearer(t, (await createToken(owner, ['audit:read'])).token);
        assert.equal((await auditor.get('/api/v1/audit')).statusCode, 200);
        problem(await auditor.get('/api/v1/dashboard'), 403, 'insufficient_scope');

        // A token with the scope writes without a CSRF token (no cookie is involved).
        const writer = bearer(t, (await createToken(owner, ['members:write', 'tokens:write'])).token);
        assert.equal(
          (await writer.post('/api/v1/invitations', { email: 'y@example.test', role: 'member' })).statusCode,
          201,
        );
        // A token cannot mint a token with scopes it lacks.
        problem(
          await writer.post('/api/v1/tokens', { name: 'more', scopes: ['audit:read'], expiresInDays: 1 }),
          403,
          'insufficient_scope',
        );
      });
    });

    it('refuses a token on a session-only route (switching organisation) with 403', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'sessonly');
        const owner = await signIn(t, org.users.owner);
        const all = bearer(
          t,
          (await createToken(owner, ['org:read', 'members:write', 'audit:read', 'tokens:write'])).token,
        );
        problem(await all.post('/api/v1/me/organisation', { orgId: org.id }), 403, 'forbidden');
        problem(await all.get('/api/v1/me/sessions'), 403, 'forbidden');
        problem(await all.post('/api/v1/organisations', { name: 'Sneaky' }), 403, 'forbidden');
      });
    });

    it('refuses a revoked, an expired, a malformed or an unknown token with 401', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'dead');
        const owner = await signIn(t, org.users.owner);
        const revoked = await createToken(owner, ['org:read']);
        assert.equal((await bearer(t, revoked.token).get('/api/v1/me')).statusCode, 200);
        assert.equal((await owner.delete(`/api/v1/tokens/${revoked.item.id}`)).statusCode, 204);
        problem(await bearer(t, revoked.token).get('/api/v1/me'), 401, 'unauthenticated');

        const shortLived = await createToken(owner, ['org:read'], 1);
        t.clock.advance(DAY - MINUTE);
        assert.equal((await bearer(t, shortLived.token).get('/api/v1/me')).statusCode, 200);
        t.clock.advance(MINUTE);
        problem(await bearer(t, shortLived.token).get('/api/v1/me'), 401, 'unauthenticated');

        problem(await bearer(t, 'atst_not-a-token').get('/api/v1/me'), 401, 'unauthenticated');
        const forged = shortLived.token.replace(/.{4}$/, 'AAAA');
        problem(await bearer(t, forged).get('/api/v1/me'), 401, 'unauthenticated');
        problem(
          await new Client(t.app, { authorization: 'Basic Zm9vOmJhcg==' }).get('/api/v1/me'),
          401,
          'unauthenticated',
        );
      });
    });

    it("keeps a member's role in force for their token: it cannot list members (403)", async () => {
      await withApp(engine, async (t) => {
        const member = await signIn(t, (await makeOrg(t, 'memtok')).users.member);
        const token = bearer(t, (await createToken(member, ['org:read', 'members:write', 'audit:read'])).token);
        assert.equal((await token.get('/api/v1/dashboard')).statusCode, 200);
        problem(await token.get('/api/v1/members'), 403, 'forbidden');
        problem(await token.get('/api/v1/audit'), 403, 'forbidden');
        problem(await token.post('/api/v1/invitations', { email: 'z@example.test', role: 'member' }), 403, 'forbidden');
      });
    });
  });

  describe(`audit log (${engine})`, () => {
    /** Activity at known times: owner signs in (t0), invites two (t1), admin signs in and invites one (t2), rename (t3). */
    async function activity(t: TestApp) {
      const org = await makeOrg(t, 'log');
      const t0 = t.clock.now();
      const owner = await signIn(t, org.users.owner);
      t.clock.advance(10 * MINUTE);
      const t1 = t.clock.now();
      await invite(owner, 'a@example.test');
      await invite(owner, 'b@example.test');
      t.clock.advance(10 * MINUTE);
      const t2 = t.clock.now();
      const admin = await signIn(t, org.users.admin);
      await invite(admin, 'c@example.test');
      t.clock.advance(10 * MINUTE);
      const t3 = t.clock.now();
      assert.equal((await owner.patch('/api/v1/organisation', { name: 'Renamed Org' })).statusCode, 200);
      return { org, owner, admin, t0, t1, t2, t3 };
    }

    it('filters by action, actor and time range', async () => {
      await withApp(engine, async (t) => {
        const { org, owner, t1, t2, t3 } = await activity(t);
        const get = async (query: string) => {
          const res = await owner.get(`/api/v1/audit?limit=200&${query}`);
          assert.equal(res.statusCode, 200, res.body);
          return res.json().items as { action: string; actor: string; at: string }[];
        };
        const invited = await get('action=member.invited');
        assert.equal(invited.length, 3);
        assert.ok(invited.every((i) => i.action === 'member.invited'));

        const byAdmin = await get(`actor=${encodeURIComponent(org.users.admin.email.split('@')[0]!.toUpperCase())}`);
        assert.equal(
          byAdmin.length,
          await count(t, 'audit_log WHERE org_id = $1 AND actor = $2', [org.id, org.users.admin.email]),
        );
        assert.ok(byAdmin.length >= 3);
        assert.ok(byAdmin.every((i) => i.actor === org.users.admin.email));
        assert.equal((await get(`action=member.invited&actor=${encodeURIComponent(org.users.admin.email)}`)).length, 1);
        assert.equal((await get('actor=%25')).length, 0, 'LIKE wildcards in the filter are literal');

        const window = await get(`from=${t1.toISOString()}&to=${t2.toISOString()}`);
        assert.deepEqual(
          window.map((i) => i.action),
          ['member.invited', 'member.invited'],
        );
        const fromT3 = await get(`from=${t3.toISOString()}`);
        assert.deepEqual(
          fromT3.map((i) => i.action),
          ['organisation.updated'],
        );
        const all = await get('');
        assert.equal(all.length, await count(t, 'audit_log WHERE org_id = $1', [org.id]));
        const sorted = [...all].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
        assert.deepEqual(all, sorted, 'newest first');
      });
    });

    it('pages with nextCursor and returns every row exactly once, also among rows of the same instant', async () => {
      await withApp(engine, async (t) => {
        const { org, owner } = await activity(t);
        // Twenty rows with the same timestamp: the cursor must break ties by id.
        for (let i = 0; i < 20; i++) await invite(owner, `same-${i}@example.test`);
        const total = await count(t, 'audit_log WHERE org_id = $1', [org.id]);
        const ids = (
          await rows<{ id: string }>(t, 'SELECT id FROM audit_log WHERE org_id = $1 ORDER BY at DESC, id DESC', [
            org.id,
          ])
        ).map((r) => String(r.id));
        for (const limit of [1, 7, total, 200]) {
          const { items, pages } = await allAuditPages(owner, '', limit);
          assert.deepEqual(
            items.map((i) => i.id),
            ids,
            `limit ${limit}`,
          );
          assert.equal(pages, Math.max(1, Math.ceil(total / limit)), `limit ${limit}`);
        }
        const filtered = await allAuditPages(owner, '&action=member.invited', 4);
        assert.equal(filtered.items.length, 23);
        assert.equal(new Set(filtered.items.map((i) => i.id)).size, 23);
      });
    });

    it('exports CSV with a header and every row, neutralising formula-like values, and audits the export', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'csv');
        const owner = await signIn(t, org.users.owner, { 'user-agent': '=HYPERLINK("http://evil.example","x")' });
        // A member whose email starts with a minus sign: "-2+3+cmd" is a formula to a spreadsheet.
        const { token } = await invite(owner, '-2+3+cmd@example.test');
        assert.equal(
          (await accept(new Client(t.app), token, { name: 'Minus', password: NEW_PASSWORD })).statusCode,
          200,
        );
        await withScope(t.rt.database, { orgId: org.id }, (tx) =>
          recordAudit(
            tx,
            org.id,
            { userId: null, label: '=cmd()' },
            { ip: null, userAgent: '@SUM(1+1)', requestId: null },
            t.clock.now(),
            {
              action: 'test.formula',
              targetId: '+1',
              details: { note: '=cmd()' },
            },
          ),
        );
        const expected = await count(t, 'audit_log WHERE org_id = $1', [org.id]);

        const res = await owner.get('/api/v1/audit/export.csv');
        assert.equal(res.statusCode, 200, res.body);
        assert.match(String(res.headers['content-type']), /^text\/csv/);
        assert.equal(res.headers['content-disposition'], 'attachment; filename="attest-audit-2026-03-02.csv"');
        const [header, ...data] = parseCsv(res.body);
        assert.deepEqual(header, [
          'at',
          'actor',
          'action',
          'targetType',
          'targetId',
          'ip',
          'userAgent',
          'requestId',
          'details',
        ]);
        assert.equal(data.length, expected);
        for (const row of data) {
          assert.equal(row.length, 9, row.join(','));
          for (const cell of row) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `cell ${JSON.stringify(cell)}`);
          assert.doesNotThrow(() => JSON.parse(row[8] ?? ''), 'details are JSON');
        }
        const formula = data.find((r) => r[2] === 'test.formula');
        assert.deepEqual([formula?.[1], formula?.[4], formula?.[6]], ["'=cmd()", "'+1", "'@SUM(1+1)"]);
        assert.deepEqual(JSON.parse(formula?.[8] ?? ''), { note: '=cmd()' });
        assert.ok(data.some((r) => r[1] === "'-2+3+cmd@example.test" && r[2] === 'member.joined'));
        assert.ok(data.some((r) => r[6] === `'=HYPERLINK("http://evil.example","x")`));

        const exported = (await owner.get('/api/v1/audit?action=audit.exported')).json().items;
        assert.equal(exported.length, 1);
        assert.equal(exported[0].details.rows, expected);

        const onlyInvites = parseCsv((await owner.get('/api/v1/audit/export.csv?action=member.invited')).body);
        assert.equal(onlyInvites.length, 2);
      });
    });

    it('is for owners and admins only: other roles get 403, with or without a token', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'ro');
        for (const role of ['member', 'reviewer', 'auditor'] as const) {
          const c = await signIn(t, org.users[role]);
          problem(await c.get('/api/v1/audit'), 403, 'forbidden');
          problem(await c.get('/api/v1/audit/export.csv'), 403, 'forbidden');
          problem(await c.get('/api/v1/audit/actions'), 403, 'forbidden');
        }
        assert.equal(await count(t, "audit_log WHERE action = 'audit.exported'"), 0);
        const admin = await signIn(t, org.users.admin);
        assert.equal((await admin.get('/api/v1/audit')).statusCode, 200);
      });
    });
  });

  describe(`input, errors and operations (${engine})`, () => {
    it('answers bad input with 400 problem+json (code, request id, field errors) and writes nothing', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'bad');
        const owner = await signIn(t, org.users.owner);
        const before = await snapshot(t);

        /** The signed-in owner's headers for a raw request. */
        const json = {
          'content-type': 'application/json',
          cookie: owner.cookie!,
          'x-csrf-token': owner.csrf!,
        };
        const broken = await t.app.inject({
          method: 'POST',
          url: '/api/v1/tokens',
          headers: json,
          payload: '{"name": "ci",',
        });
        problem(broken, 400, 'bad_request');

        const types = problem(
          await owner.post('/api/v1/tokens', { name: 5, scopes: 'all', expiresInDays: 'soon' }),
          400,
          'validation_failed',
        );
        assert.deepEqual(types.errors?.map((e) => e.path).sort(), ['body.expiresInDays', 'body.name', 'body.scopes']);
        assert.ok(types.errors?.every((e) => e.message));
        problem(await owner.post('/api/v1/tokens', { name: 'x', scopes: ['root'] }), 400, 'validation_failed');
        problem(
          await owner.post('/api/v1/invitations', { email: 'not an email', role: 'member' }),
          400,
          'validation_failed',
        );
        problem(
          await owner.post('/api/v1/invitations', { email: 'ok@example.test', role: 'god' }),
          400,
          'validation_failed',
        );

        for (const url of [
          '/api/v1/tokens/not-a-uuid',
          '/api/v1/invitations/123',
          `/api/v1/members/${org.id.slice(1)}`,
        ]) {
          const res = problem(await owner.delete(url), 400, 'validation_failed');
          assert.match(res.errors?.[0]?.path ?? '', /^params\./);
        }
        problem(await owner.patch('/api/v1/members/not-a-uuid', { role: 'member' }), 400, 'validation_failed');
        problem(await owner.get('/api/v1/audit?limit=100000'), 400, 'validation_failed');
        problem(await owner.get('/api/v1/audit?from=yesterday-ish'), 400, 'validation_failed');

        const form = await t.app.inject({
          method: 'POST',
          url: '/api/v1/tokens',
          headers: { ...json, 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'name=ci&scopes=org:read',
        });
        problem(form, 415, 'unsupported_media_type');
        const text = await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          headers: { 'content-type': 'text/plain' },
          payload: '{"email":"a@b.test","password":"x"}',
        });
        problem(text, 415, 'unsupported_media_type');
        const huge = await t.app.inject({
          method: 'POST',
          url: '/api/v1/tokens',
          headers: json,
          payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
        });
        problem(huge, 413, 'payload_too_large');

        assert.deepEqual(await snapshot(t), before);
      });
    });

    it('decides who may call before validating: anonymous bad input gets 401, a member gets 403, not 400', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'order');
        const anon = new Client(t.app);
        problem(await anon.post('/api/v1/tokens', { name: 5 }), 401, 'unauthenticated');
        problem(await anon.delete('/api/v1/tokens/not-a-uuid'), 401, 'unauthenticated');
        problem(await anon.get('/api/v1/audit?limit=100000'), 401, 'unauthenticated');
        const member = await signIn(t, org.users.member);
        problem(await member.patch('/api/v1/members/not-a-uuid', { role: 'god' }), 403, 'forbidden');
        problem(await member.get('/api/v1/audit?limit=100000'), 403, 'forbidden');
      });
    });

    it('answers every error as application/problem+json, unknown API paths with 404', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'errs');
        const member = await signIn(t, org.users.member);
        const anon = new Client(t.app);
        problem(await anon.get('/api/v1/no-such-thing'), 404, 'not_found');
        problem(await member.get('/api/v1/no-such-thing'), 404, 'not_found');
        problem(await anon.post('/api/v1/no-such-thing', {}), 404, 'not_found');
        problem(await anon.get('/api/v2/me'), 404, 'not_found');
        problem(await anon.get('/api/openapi.yaml'), 404, 'not_found');
        problem(await anon.get('/assets/missing.js'), 404, 'not_found');
        problem(await anon.get('/api/v1/me'), 401, 'unauthenticated');
        problem(
          await anon.post('/api/v1/auth/login', { email: 'x@example.test', password: 'nope' }),
          401,
          'invalid_credentials',
        );
        problem(await member.get('/api/v1/members'), 403, 'forbidden');
        problem(await member.delete(`/api/v1/tokens/${org.id}`), 404, 'not_found');
        problem(await anon.get('/api/v1/invitations/lookup?token=nonsense'), 410, 'gone');
      });
    });

    it('publishes an OpenAPI 3.1 document that lists /api/v1/me', async () => {
      await withApp(engine, async (t) => {
        const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
        assert.equal(res.statusCode, 200);
        const doc = res.json();
        assert.equal(doc.openapi, '3.1.0');
        assert.ok(doc.paths['/api/v1/me']?.get, Object.keys(doc.paths).join(', '));
        assert.ok(doc.paths['/api/v1/auth/login']?.post);
        assert.equal(doc.components.securitySchemes.token.scheme, 'bearer');
      });
    });

    it('answers /healthz, /readyz and Prometheus /metrics', async () => {
      await withApp(engine, async (t) => {
        const health = await t.app.inject({ method: 'GET', url: '/healthz' });
        assert.deepEqual([health.statusCode, health.json()], [200, { status: 'ok' }]);
        const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
        assert.deepEqual([ready.statusCode, ready.json()], [200, { status: 'ready', database: engine }]);
        await t.app.inject({ method: 'GET', url: '/api/v1/me' });
        const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
        assert.equal(metrics.statusCode, 200);
        assert.match(String(metrics.headers['content-type']), /^text\/plain; version=0\.0\.4/);
        assert.match(metrics.body, /^# TYPE attest_http_request_duration_seconds histogram$/m);
        assert.match(
          metrics.body,
          /^attest_http_request_duration_seconds_bucket\{.*route="\/healthz".*status="200".*\} \d+$/m,
        );
        assert.match(metrics.body, /^attest_http_errors_total\{status="401"\} 1$/m);
        assert.match(metrics.body, /^attest_process_cpu_seconds_total /m);
      });
    });

    it('sends security headers on the web app and on the API', async () => {
      await withApp(engine, async (t) => {
        for (const url of ['/', '/dashboard', '/api/v1/me', '/api/v1/no-such-thing', '/healthz']) {
          const res = await t.app.inject({ method: 'GET', url });
          const csp = String(res.headers['content-security-policy']);
          assert.match(csp, /(^|;)\s*frame-ancestors 'none'/, url);
          assert.match(csp, /(^|;)\s*default-src 'self'/, url);
          assert.match(csp, /(^|;)\s*object-src 'none'/, url);
          assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
          assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
          assert.equal(res.headers['strict-transport-security'], undefined, `${url}: no HSTS over plain HTTP`);
          assert.ok(res.headers['x-request-id'], url);
        }
      });
    });

    if (engine === 'postgres') {
      it('keeps serving after PostgreSQL ends its idle connections', async () => {
        await withApp(engine, async (t) => {
          // Open several pooled connections, then have the server end all but the one asking.
          await Promise.all(Array.from({ length: 6 }, () => t.app.inject({ method: 'GET', url: '/readyz' })));
          const killed = await rows<{ n: number }>(
            t,
            `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND pid <> pg_backend_pid()`,
          );
          assert.ok((killed[0]?.n ?? 0) >= 1, 'some idle connections were ended');
          await new Promise((r) => setTimeout(r, 200));
          for (let i = 0; i < 3; i++) {
            const res = await t.app.inject({ method: 'GET', url: '/readyz' });
            assert.equal(res.statusCode, 200, res.body);
          }
          const org = await makeOrg(t, 'survive');
          assert.equal((await (await signIn(t, org.users.member)).get('/api/v1/me')).statusCode, 200);
          assert.equal(PASSWORD.length > 0, true);
        });
      });
    }
  });
}
