import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import { Client, type TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, PASSWORD, signIn, type TestUser, totpCode } from './helpers/factories.js';

const MINUTE = 60_000;

const sessionCookie = (res: LightMyRequestResponse) => res.cookies.find((c) => c.name.endsWith('attest_session'));

const login = (c: Client, user: Pick<TestUser, 'email'>, password = PASSWORD) =>
  c.post('/api/v1/auth/login', { email: user.email, password });

/** A client whose requests come from `ip`. */
const from = (t: TestApp, ip: string, headers: Record<string, string> = {}) =>
  new Client(t.app, headers, { remoteAddress: ip });

/** GET with a raw cookie value, bypassing the client's bookkeeping. */
const getWith = (t: TestApp, cookie: string | null, url = '/api/v1/me') =>
  t.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });

for (const engine of ENGINES) {
  describe(`sign-in (${engine})`, () => {
    it('answers a wrong password and an unknown email alike: same status, code and detail', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'enum');
        const wrong = await login(new Client(t.app), org.users.member, 'not-the-password-at-all');
        const unknown = await login(new Client(t.app), { email: 'nobody.here@example.test' });
        const a = problem(wrong, 401, 'invalid_credentials');
        const b = problem(unknown, 401, 'invalid_credentials');
        assert.deepEqual(
          { type: a.type, title: a.title, detail: a.detail },
          { type: b.type, title: b.title, detail: b.detail },
        );
        assert.equal(sessionCookie(wrong), undefined);
        assert.equal(sessionCookie(unknown), undefined);
        assert.equal(await count(t, 'sessions'), 0);
      });
    });

    it('refuses a TOTP code used twice, and an older code after a newer one', async () => {
      await withApp(engine, async (t) => {
        const user = (await makeOrg(t, 'totp')).users.admin;
        const secret = user.totp!;
        const first = new Client(t.app);
        assert.equal((await login(first, user)).json().stage, 'mfa');
        const code = await totpCode(t, secret);
        assert.equal((await first.post('/api/v1/auth/mfa/totp', { code })).statusCode, 200);

        const second = new Client(t.app);
        assert.equal((await login(second, user)).json().stage, 'mfa');
        problem(await second.post('/api/v1/auth/mfa/totp', { code }), 401, 'invalid_mfa_code');
        // Still within the ±1 window, but older than the step already used.
        problem(
          await second.post('/api/v1/auth/mfa/totp', { code: await totpCode(t, secret, -1) }),
          401,
          'invalid_mfa_code',
        );
        assert.equal((await second.get('/api/v1/me')).json().session.stage, 'mfa');

        t.clock.advance(30_000);
        const next = await second.post('/api/v1/auth/mfa/totp', { code: await totpCode(t, secret) });
        assert.equal(next.statusCode, 200, next.body);
      });
    });

    it('accepts a TOTP code submitted on two pending sessions at the same moment exactly once', async () => {
      await withApp(engine, async (t) => {
        const user = (await makeOrg(t, 'race')).users.owner;
        for (let round = 0; round < 3; round++) {
          const a = from(t, '192.0.2.1');
          const b = from(t, '192.0.2.2');
          assert.equal((await login(a, user)).json().stage, 'mfa');
          assert.equal((await login(b, user)).json().stage, 'mfa');
          const code = await totpCode(t, user.totp!);
          const results = await Promise.all([
            a.post('/api/v1/auth/mfa/totp', { code }),
            b.post('/api/v1/auth/mfa/totp', { code }),
          ]);
          assert.deepEqual(
            results.map((r) => r.statusCode).sort(),
            [200, 401],
            `round ${round}: ${results.map((r) => r.body).join(' | ')}`,
          );
          const stages = await Promise.all([a, b].map(async (c) => (await c.get('/api/v1/me')).json().session.stage));
          assert.deepEqual(stages.sort(), ['full', 'mfa']);
          t.clock.advance(30_000);
        }
        assert.equal(await count(t, "sessions WHERE user_id = $1 AND stage = 'full'", [user.id]), 3);
      });
    });

    it('refuses a TOTP code from two steps ago or two steps ahead, and accepts one step ago', async () => {
      await withApp(engine, async (t) => {
        const user = (await makeOrg(t, 'skew')).users.member;
        const c = new Client(t.app);
        await login(c, user);
        problem(
          await c.post('/api/v1/auth/mfa/totp', { code: await totpCode(t, user.totp!, -2) }),
          401,
          'invalid_mfa_code',
        );
        problem(
          await c.post('/api/v1/auth/mfa/totp', { code: await totpCode(t, user.totp!, 2) }),
          401,
          'invalid_mfa_code',
        );
        const ok = await c.post('/api/v1/auth/mfa/totp', { code: await totpCode(t, user.totp!, -1) });
        assert.equal(ok.statusCode, 200, ok.body);
      });
    });
  });

  describe(`sign-in throttling (${engine})`, () => {
    it('blocks an address after 5 wrong passwords with 429 and Retry-After, then lets the right password in once the block is over', async () => {
      await withApp(engine, async (t) => {
        const user = (await makeOrg(t, 'thr')).users.member;
        const attacker = from(t, '203.0.113.7');
        for (let i = 0; i < 5; i++) {
          problem(await login(attacker, user, `wrong-password-${i}-xyz`), 401, 'invalid_credentials');
        }
        const blocked = await login(attacker, user);
        problem(blocked, 429, 'rate_limited');
        assert.equal(blocked.headers['retry-after'], '30');
        assert.equal(sessionCookie(blocked), undefined);
        // While blocked, the right and a wrong password get the same answer: nothing is learnt.
        const wrongWhileBlocked = problem(await login(attacker, user, 'another-wrong-one'), 429, 'rate_limited');
        assert.equal(wrongWhileBlocked.detail, blocked.json().detail);

        // The same account from another address is not blocked by this address's failures.
        const elsewhere = await login(from(t, '198.51.100.20'), user);
        assert.equal(elsewhere.statusCode, 200, elsewhere.body);

        t.clock.advance(29_000);
        const almost = problem(await login(attacker, user), 429, 'rate_limited');
        assert.ok(almost.detail.includes('1 seconds'), almost.detail);
        t.clock.advance(2_000);
        const after = await login(attacker, user);
        assert.equal(after.statusCode, 200, after.body);
        assert.equal(after.json().stage, 'mfa');

        const reasons = await rows<{ details: { reason: string } }>(
          t,
          "SELECT details FROM audit_log WHERE action = 'auth.login_failed' AND ip = '203.0.113.7' ORDER BY id",
        );
        assert.deepEqual(
          reasons.map((r) => r.details.reason),
          ['password', 'password', 'password', 'password', 'password', 'throttled', 'throttled', 'throttled'],
        );
      });
    });

    /** An attacker with many addresses: each attempt from a fresh one, so only the per-account rule applies. */
    function botnet(t: TestApp, user: TestUser) {
      let n = 0;
      const attack = () => login(from(t, `10.66.${Math.floor(n / 250)}.${(n++ % 250) + 1}`), user, 'guess-guess-guess');
      /** Fails as fast as the account rule allows until its delay reaches the 60 s cap. */
      const escalate = async () => {
        let retryAfter = 0;
        let failures = 0;
        while (retryAfter < 60) {
          const res = await attack();
          if (res.statusCode === 429) {
            retryAfter = Number(res.headers['retry-after']);
            t.clock.advance(retryAfter * 1000);
          } else {
            problem(res, 401, 'invalid_credentials');
            failures++;
          }
        }
        return failures;
      };
      return { attack, escalate };
    }

    it('lets the real user in from another address within 60 s while an attacker with many addresses keeps trying', async () => {
      await withApp(engine, async (t) => {
        const user = (await makeOrg(t, 'botnet')).users.member;
        const { attack, escalate } = botnet(t, user);
        assert.ok((await escalate()) >= 10);

        // One more failure starts a block at the cap; the attacker keeps trying all through it.
        problem(await attack(), 401, 'invalid_credentials');
        const start = t.clock.now().getTime();
        const real = from(t, '192.0.2.99');
        const refused = await login(real, user);
        problem(refused, 429, 'rate_limited');
        const wait = Number(refused.headers['retry-after']);
        assert.equal(wait, 60, refused.body);
        for (let s = 10; s < wait; s += 10) {
          t.clock.advance(10_000);
          problem(await attack(), 429, 'rate_limited');
          problem(await login(real, user), 429, 'rate_limited');
        }
        // Refused attempts, the attacker's and the user's, did not push the block further.
        const [account] = await rows<{ blocked_until: Date }>(
          t,
          'SELECT blocked_until FROM login_throttle WHERE key = $1',
          [`account:${user.email}`],
        );
        assert.equal(new Date(account?.blocked_until ?? 0).getTime(), start + 60_000);

        t.clock.set(new Date(start + wait * 1000));
        const res = await login(real, user);
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().stage, 'mfa');
      });
    });

    it('lets a browser that signed in before (device cookie) in while attackers keep the account blocked', async () => {
      await withApp(engine, async (t) => {
        const user = (await makeOrg(t, 'device')).users.member;
        // An earlier full sign-in from the user's own browser leaves a device cookie.
        const first = from(t, '192.0.2.98');
        assert.equal((await login(first, user)).statusCode, 200);
        const mfa = await first.post('/api/v1/auth/mfa/totp', { code: await totpCode(t, user.totp!) });
        assert.equal(mfa.statusCode, 200, mfa.body);
        const device = mfa.cookies.find((c) => c.name === 'attest_device');
        assert.ok(device?.value, 'a full sign-in sets the device cookie');
        assert.equal(device.httpOnly, true);
        t.clock.advance(30_000);

        const { attack, escalate } = botnet(t, user);
        await escalate();
        await attack();
        // Without the cookie the account-wide rule applies; with it, the real user gets in.
        problem(await login(from(t, '192.0.2.99'), user), 429, 'rate_limited');
        // A cookie that does not verify exempts nothing.
        const other = from(t, '192.0.2.99', {
          cookie: `attest_device=${device.value.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}`,
        });
        problem(await login(other, user), 429, 'rate_limited');
        const known = from(t, '192.0.2.99', { cookie: `attest_device=${device.value}` });
        assert.equal((await login(known, user)).statusCode, 200);
      });
    });

    it('lets the real user in within 60 s even when the attacker fails again the moment each block ends', {
      todo: 'known gap for new browsers only: without a device cookie, an attacker renewing the per-account block right as it lapses keeps a first-time sign-in waiting (known browsers are exempt, see the test above)',
    }, async () => {
      await withApp(engine, async (t) => {
        const user = (await makeOrg(t, 'race')).users.member;
        const { attack, escalate } = botnet(t, user);
        await escalate();
        const real = from(t, '192.0.2.99');
        const start = t.clock.now().getTime();
        for (;;) {
          await attack();
          const res = await login(real, user);
          if (res.statusCode === 200) break;
          assert.ok(t.clock.now().getTime() - start <= 60_000, 'the real user is still blocked after 60 s');
          t.clock.advance(Number(res.headers['retry-after']) * 1000);
        }
      });
    });
  });

  describe(`sessions (${engine})`, () => {
    it('replaces the session token after the TOTP step; the pre-MFA token no longer works', async () => {
      await withApp(engine, async (t) => {
        const user = (await makeOrg(t, 'rot')).users.admin;
        const c = new Client(t.app);
        await login(c, user);
        const pending = c.cookie;
        assert.ok(pending);
        assert.equal((await getWith(t, pending)).json().session.stage, 'mfa');
        problem(await getWith(t, pending, '/api/v1/dashboard'), 403, 'mfa_required');
        const pendingCsrf = c.csrf;

        const res = await c.post('/api/v1/auth/mfa/totp', { code: await totpCode(t, user.totp!) });
        assert.equal(res.statusCode, 200, res.body);
        assert.ok(sessionCookie(res)?.value);
        assert.notEqual(c.cookie, pending);
        assert.notEqual(c.csrf, pendingCsrf);

        problem(await getWith(t, pending), 401, 'unauthenticated');
        problem(await getWith(t, pending, '/api/v1/dashboard'), 401, 'unauthenticated');
        assert.equal((await getWith(t, c.cookie, '/api/v1/dashboard')).statusCode, 200);
        assert.equal(await count(t, 'sessions WHERE user_id = $1 AND revoked_at IS NULL', [user.id]), 1);
      });
    });

    it('expires a session idle for more than 30 minutes with 401 session_expired', async () => {
      await withApp(engine, async (t) => {
        const c = await signIn(t, (await makeOrg(t, 'idle')).users.member);
        for (let i = 0; i < 3; i++) {
          t.clock.advance(29 * MINUTE);
          assert.equal((await c.get('/api/v1/me')).statusCode, 200, `activity ${i} keeps it alive`);
        }
        t.clock.advance(31 * MINUTE);
        problem(await c.get('/api/v1/me'), 401, 'session_expired');
        problem(await c.get('/api/v1/dashboard'), 401, 'unauthenticated');
      });
    });

    it('ends a session 12 hours after sign-in even when it is used every 20 minutes', async () => {
      await withApp(engine, async (t) => {
        const c = await signIn(t, (await makeOrg(t, 'abs')).users.member);
        const me = (await c.get('/api/v1/me')).json();
        const expiresAt = Date.parse(me.session.expiresAt);
        // signIn moves the clock 30 s past the moment the full session was made.
        assert.equal(expiresAt, t.clock.now().getTime() - 30_000 + 12 * 60 * MINUTE);
        let answered = 0;
        for (;;) {
          t.clock.advance(20 * MINUTE);
          const res = await c.get('/api/v1/me');
          if (t.clock.now().getTime() < expiresAt) {
            assert.equal(res.statusCode, 200, `at ${t.clock.now().toISOString()}: ${res.body}`);
            answered++;
            continue;
          }
          problem(res, 401, 'session_expired');
          break;
        }
        assert.equal(answered, 35);
      });
    });

    it('applies configured idle and absolute limits', async () => {
      await withApp(
        engine,
        async (t) => {
          const user = (await makeOrg(t, 'cfg')).users.member;
          const c = await signIn(t, user);
          const me = (await c.get('/api/v1/me')).json();
          assert.equal(Date.parse(me.session.idleExpiresAt), t.clock.now().getTime() + 5 * MINUTE);
          t.clock.advance(4 * MINUTE);
          assert.equal((await c.get('/api/v1/me')).statusCode, 200);
          t.clock.advance(5 * MINUTE + 1000);
          problem(await c.get('/api/v1/me'), 401, 'session_expired');

          const d = await signIn(t, user);
          let answered = 0;
          for (;;) {
            t.clock.advance(4 * MINUTE);
            const res = await d.get('/api/v1/me');
            if (res.statusCode !== 200) {
              problem(res, 401, 'session_expired');
              break;
            }
            answered++;
          }
          // 60 minutes from sign-in (30 s before the first step): 14 checks at 4-minute steps.
          assert.equal(answered, 14);
        },
        { sessionIdleMinutes: 5, sessionAbsoluteHours: 1 },
      );
    });

    it('signs out: the session is revoked, the cookie cleared and the old token refused', async () => {
      await withApp(engine, async (t) => {
        const user = (await makeOrg(t, 'out')).users.member;
        const c = await signIn(t, user);
        const token = c.cookie;
        const res = await c.post('/api/v1/auth/logout');
        assert.equal(res.statusCode, 204);
        const cleared = sessionCookie(res);
        assert.equal(cleared?.value, '');
        assert.ok(cleared?.expires && cleared.expires.getTime() <= Date.now());
        assert.equal(c.cookie, null);
        problem(await getWith(t, token), 401, 'unauthenticated');
        assert.equal(await count(t, 'sessions WHERE user_id = $1 AND revoked_at IS NULL', [user.id]), 0);
      });
    });
  });

  describe(`CSRF and cookies (${engine})`, () => {
    it('refuses a cookie-authenticated write without the CSRF token (403 csrf_failed) and writes nothing', async () => {
      await withApp(engine, async (t) => {
        const c = await signIn(t, (await makeOrg(t, 'csrf')).users.owner);
        const before = await count(t, 'audit_log');
        const body = { name: 'ci', scopes: ['org:read'] };
        for (const headers of [{ cookie: c.cookie! }, { cookie: c.cookie!, 'x-csrf-token': 'not-the-token' }]) {
          const res = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers, payload: body });
          problem(res, 403, 'csrf_failed');
        }
        assert.equal(await count(t, 'api_tokens'), 0);
        assert.equal(await count(t, 'audit_log'), before);

        const ok = await c.post('/api/v1/tokens', body);
        assert.equal(ok.statusCode, 201, ok.body);
        assert.equal(await count(t, 'api_tokens'), 1);
        assert.equal(await count(t, "audit_log WHERE action = 'token.created'"), 1);
      });
    });

    it('refuses a sign-in posted from another origin, and accepts one from our own', async () => {
      await withApp(engine, async (t) => {
        const user = (await makeOrg(t, 'origin')).users.member;
        const host = { host: 'attest.example.test' };
        const foreign = await login(new Client(t.app, { ...host, origin: 'https://evil.example' }), user);
        problem(foreign, 403, 'csrf_failed');
        assert.equal(sessionCookie(foreign), undefined);
        assert.equal(await count(t, 'sessions'), 0);
        assert.equal(await count(t, "audit_log WHERE action LIKE 'auth.%'"), 0);

        const same = await login(new Client(t.app, { ...host, origin: 'http://attest.example.test' }), user);
        assert.equal(same.statusCode, 200, same.body);
        const none = await login(new Client(t.app, host), user);
        assert.equal(none.statusCode, 200, 'no Origin (not a browser form) is allowed');
      });
    });

    it('sets the session cookie attest_session with HttpOnly, SameSite=Lax, Path=/ and no Secure over plain HTTP', async () => {
      await withApp(engine, async (t) => {
        const res = await login(new Client(t.app), (await makeOrg(t, 'cookie')).users.member);
        const raw = [res.headers['set-cookie']].flat().find((h) => h?.startsWith('attest_session='));
        assert.ok(raw, String(res.headers['set-cookie']));
        const attributes = raw
          .split(';')
          .slice(1)
          .map((a) => a.trim().toLowerCase());
        assert.ok(attributes.includes('httponly'), raw);
        assert.ok(attributes.includes('samesite=lax'), raw);
        assert.ok(attributes.includes('path=/'), raw);
        assert.ok(!attributes.includes('secure'), raw);
        assert.ok(!attributes.some((a) => a.startsWith('domain=')), raw);
        assert.ok((sessionCookie(res)?.value.length ?? 0) >= 43, '256-bit token');
      });
    });
  });

  describe(`second-factor enrolment (${engine})`, () => {
    for (const role of ['owner', 'admin'] as const) {
      it(`holds an ${role} without MFA at the enrol stage until an authenticator app is confirmed`, async () => {
        await withApp(engine, async (t) => {
          const user = (await makeOrg(t, 'enrol', { mfa: false })).users[role];
          const c = new Client(t.app);
          assert.equal((await login(c, user)).json().stage, 'enrol');
          const enrolCookie = c.cookie;
          problem(await c.get('/api/v1/dashboard'), 403, 'mfa_enrolment_required');
          const me = (await c.get('/api/v1/me')).json();
          assert.equal(me.session.stage, 'enrol');
          assert.equal(me.mfa.required, true);

          const setup = await c.post('/api/v1/auth/totp/setup');
          assert.equal(setup.statusCode, 200, setup.body);
          const { secret, otpauthUri, qrSvg } = setup.json();
          assert.match(otpauthUri, /^otpauth:\/\/totp\//);
          assert.match(qrSvg, /<svg/);

          const epoch = Math.floor(t.clock.now().getTime() / 1000);
          problem(
            await c.post('/api/v1/auth/totp/confirm', {
              code: await generate({ strategy: 'totp', secret, epoch: epoch + 300 }),
            }),
            401,
            'invalid_mfa_code',
          );
          problem(await c.get('/api/v1/dashboard'), 403, 'mfa_enrolment_required');

          const done = await c.post('/api/v1/auth/totp/confirm', {
            code: await generate({ strategy: 'totp', secret, epoch }),
          });
          assert.equal(done.statusCode, 200, done.body);
          assert.equal(done.json().stage, 'full');
          assert.notEqual(c.cookie, enrolCookie);
          problem(await getWith(t, enrolCookie), 401, 'unauthenticated');
          assert.equal((await c.get('/api/v1/dashboard')).statusCode, 200);
          assert.equal(await count(t, "audit_log WHERE action = 'auth.mfa_enrolled' AND target_id = $1", [user.id]), 1);

          // The next sign-in asks for the code.
          t.clock.advance(30_000);
          assert.equal((await login(new Client(t.app), user)).json().stage, 'mfa');
        });
      });
    }

    it('lets a member without MFA straight in', async () => {
      await withApp(engine, async (t) => {
        const user = (await makeOrg(t, 'plain', { mfa: false })).users.member;
        const c = new Client(t.app);
        assert.equal((await login(c, user)).json().stage, 'full');
        assert.equal((await c.get('/api/v1/dashboard')).statusCode, 200);
      });
    });
  });

  describe(`sign-in audit (${engine})`, () => {
    it('records sign-in, failure, enrolment and sign-out with address and user agent', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'aud', { mfa: false });
        const user = org.users.owner;
        const ua = 'AttestTest/1.0 (audit)';
        const c = from(t, '192.0.2.44', { 'user-agent': ua });
        problem(await login(c, user, 'definitely-not-it'), 401, 'invalid_credentials');
        assert.equal((await login(c, user)).json().stage, 'enrol');
        const { secret } = (await c.post('/api/v1/auth/totp/setup')).json();
        const code = await generate({ strategy: 'totp', secret, epoch: Math.floor(t.clock.now().getTime() / 1000) });
        assert.equal((await c.post('/api/v1/auth/totp/confirm', { code })).statusCode, 200);
        assert.equal((await c.post('/api/v1/auth/logout')).statusCode, 204);
        await login(from(t, '192.0.2.45', { 'user-agent': ua }), { email: 'ghost@example.test' }, 'whatever-at-all');

        const audit = await rows<{
          action: string;
          org_id: string;
          actor: string;
          target_id: string;
          ip: string;
          user_agent: string;
          request_id: string;
          details: Record<string, unknown>;
        }>(t, "SELECT * FROM audit_log WHERE action LIKE 'auth.%' ORDER BY id");
        assert.deepEqual(
          audit.map((r) => r.action),
          ['auth.login_failed', 'auth.password_verified', 'auth.mfa_enrolled', 'auth.login', 'auth.logout'],
        );
        for (const r of audit) {
          assert.equal(r.org_id, org.id);
          assert.equal(r.actor, user.email);
          assert.equal(r.target_id, user.id);
          assert.equal(r.ip, '192.0.2.44', r.action);
          assert.equal(r.user_agent, ua, r.action);
          assert.ok(r.request_id, r.action);
        }
        assert.equal(audit[0]?.details.reason, 'password');
        assert.equal(audit[2]?.details.method, 'totp');
        assert.equal(audit[3]?.details.mfa, true);

        const system = await rows<{ actor: string; ip: string; user_agent: string; details: { reason: string } }>(
          t,
          "SELECT * FROM system_audit_log WHERE action = 'auth.login_failed'",
        );
        assert.equal(system.length, 1);
        assert.deepEqual(
          { actor: system[0]?.actor, ip: system[0]?.ip, ua: system[0]?.user_agent, reason: system[0]?.details.reason },
          { actor: 'ghost@example.test', ip: '192.0.2.45', ua, reason: 'unknown_email' },
        );
      });
    });
  });
}
