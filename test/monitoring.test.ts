import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { generate } from 'selfsigned';
import type { Client, TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn } from './helpers/factories.js';

const DAY = 86_400_000;
const day = (t: TestApp, offsetDays: number) =>
  new Date(t.clock.now().getTime() + offsetDays * DAY).toISOString().slice(0, 10);

/** People: one current, one who left 30 days ago. */
const people = (t: TestApp, extra = '') =>
  [
    'name,email,employment type,start date,end date,manager',
    `Ada Current,ada@northwind.example,employee,${day(t, -400)},,`,
    `Bo Departed,bo@northwind.example,employee,${day(t, -800)},${day(t, -30)},ada@northwind.example`,
    extra,
  ]
    .filter(Boolean)
    .join('\n');

/** Accounts in one system: Ada with MFA; Bo (departed) still active, without MFA. */
const accounts = [
  'system,email,username,admin,mfa,active,last login',
  'crm,ada@northwind.example,ada,yes,yes,yes,',
  'crm,bo@northwind.example,bo,no,no,yes,',
].join('\n');

async function push(client: Client, kind: string, body: string, headers: Record<string, string> = {}, query = '') {
  return client.request('POST', `/api/v1/monitoring/push/${kind}${query}`, body, {
    'content-type': 'text/csv',
    ...headers,
  });
}

interface Summary {
  records: { total: number; created: number; changed: number; unchanged: number; deleted: number };
  results: { changed: number; failing: number };
  controlsChanged: number;
  replayed: boolean;
  source: { id: string; kind: string; name: string };
}

async function checkOf(client: Client, id: string) {
  const res = await client.get('/api/v1/monitoring/checks');
  assert.equal(res.statusCode, 200, res.body);
  const check = (res.json().items as { id: string; status: string; counts: Record<string, number> }[]).find(
    (c) => c.id === id,
  );
  assert.ok(check, `check ${id} is listed`);
  return check;
}

for (const engine of ENGINES) {
  describe(`monitoring (${engine})`, () => {
    it('imports a source as its full state: new, unchanged, changed and gone records; checks re-run only on what changed', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'mon');
        const owner = await signIn(t, org.users.owner);

        const first = await push(owner, 'hris-csv', people(t));
        assert.equal(first.statusCode, 201, first.body);
        const s1 = first.json() as Summary;
        assert.deepEqual(s1.records, { total: 2, created: 2, changed: 0, unchanged: 0, deleted: 0 });

        const acc = await push(owner, 'accounts-csv', accounts);
        assert.equal(acc.statusCode, 201, acc.body);
        const s2 = acc.json() as Summary;
        assert.equal(s2.records.created, 2);
        assert.ok(s2.results.failing >= 2, 'Bo fails the departed-account and the MFA checks');
        const departed = await checkOf(owner, 'identity.no_active_accounts_for_departed');
        assert.equal(departed.status, 'failing');
        assert.equal(departed.counts.fail, 1);
        assert.equal(departed.counts.pass, 1);

        // The same state again changes nothing.
        const again = (await push(owner, 'accounts-csv', accounts)).json() as Summary;
        assert.deepEqual(again.records, { total: 2, created: 0, changed: 0, unchanged: 2, deleted: 0 });
        assert.equal(again.results.changed, 0);

        // A person changes (Bo's end date removed: he came back): only the accounts matched to him re-run.
        const back = people(t).replace(/,[0-9-]+,ada@northwind\.example$/m, ',,ada@northwind.example');
        const s3 = (await push(owner, 'hris-csv', back)).json() as Summary;
        assert.deepEqual(s3.records, { total: 2, created: 0, changed: 1, unchanged: 1, deleted: 0 });
        assert.equal((await checkOf(owner, 'identity.no_active_accounts_for_departed')).status, 'passing');

        // Bo's account is gone from the next push: a tombstone, and its results end.
        const s4 = (await push(owner, 'accounts-csv', accounts.split('\n').slice(0, 2).join('\n'))).json() as Summary;
        assert.deepEqual(s4.records, { total: 1, created: 0, changed: 0, unchanged: 1, deleted: 1 });
        assert.equal(await count(t, 'inventory_records WHERE org_id = $1 AND deleted_at IS NOT NULL', [org.id]), 1);
        const current = await rows<{ n: number }>(
          t,
          `SELECT count(*)::int AS n FROM check_results r JOIN inventory_records i ON i.id::text = r.resource
            WHERE r.org_id = $1 AND r.superseded_at IS NULL AND i.deleted_at IS NOT NULL`,
          [org.id],
        );
        assert.equal(current[0]?.n, 0, 'a deleted record has no current result');
        const tombstones = await owner.get('/api/v1/monitoring/records?deleted=true');
        assert.equal(tombstones.json().items[0].name.includes('bo'), true, tombstones.body);

        // Each push is audited with counts only, and control changes are on the ledger.
        assert.equal(await count(t, "audit_log WHERE org_id = $1 AND action = 'monitoring.pushed'", [org.id]), 5);
        assert.ok((await count(t, "ledger_leaves WHERE org_id = $1 AND kind = 'control.status'", [org.id])) > 0);
      });
    });

    it('gives failing results a deadline by severity, then overdue; exceptions show as exceptions until they expire', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'deadline');
        let owner = await signIn(t, org.users.owner);
        assert.equal((await push(owner, 'hris-csv', people(t))).statusCode, 201);
        assert.equal((await push(owner, 'accounts-csv', accounts)).statusCode, 201);
        const [failing] = await rows<{ resource: string; severity: string; failing_since: Date; due_at: Date }>(
          t,
          `SELECT resource, severity, failing_since, due_at FROM check_results
            WHERE org_id = $1 AND check_id = 'identity.no_active_accounts_for_departed' AND outcome = 'fail'
              AND superseded_at IS NULL`,
          [org.id],
        );
        assert.ok(failing);
        const sla = { critical: 15, high: 30, medium: 90, low: 180, info: 365 }[failing.severity] ?? 0;
        assert.equal(failing.due_at.getTime() - failing.failing_since.getTime(), sla * DAY);

        let detail = await owner.get('/api/v1/monitoring/checks/identity.no_active_accounts_for_departed?outcome=fail');
        assert.equal(detail.json().items[0].state, 'at_risk');
        t.clock.advance(sla * DAY + 1000);
        owner = await signIn(t, org.users.owner); // the session has long expired
        detail = await owner.get('/api/v1/monitoring/checks/identity.no_active_accounts_for_departed?outcome=fail');
        assert.equal(detail.json().items[0].state, 'overdue');
        assert.equal((await checkOf(owner, 'identity.no_active_accounts_for_departed')).counts.overdue, 1);

        // Accepted as an exception: never a pass; the control needs attention instead of failing.
        const leavesBefore = await count(t, "ledger_leaves WHERE org_id = $1 AND kind = 'control.status'", [org.id]);
        const bad = await owner.post('/api/v1/monitoring/exceptions', {
          checkId: 'identity.no_active_accounts_for_departed',
          resource: failing.resource,
          justification: 'short',
          expiresAt: day(t, 30),
        });
        problem(bad, 400, 'validation_failed');
        const ok = await owner.post('/api/v1/monitoring/exceptions', {
          checkId: 'identity.no_active_accounts_for_departed',
          resource: failing.resource,
          justification: 'Kept open for the legal hold until the case closes.',
          expiresAt: day(t, 30),
        });
        assert.equal(ok.statusCode, 201, ok.body);
        // PEO-04 also fails on Bo's late offboarding: accepted too, so the control's status moves.
        const offboarding = await owner.post('/api/v1/monitoring/exceptions', {
          checkId: 'people.offboarding_timely',
          justification: 'Kept open for the legal hold until the case closes.',
          expiresAt: day(t, 30),
        });
        assert.equal(offboarding.statusCode, 201, offboarding.body);
        const excepted = await checkOf(owner, 'identity.no_active_accounts_for_departed');
        assert.equal(excepted.status, 'excepted');
        assert.equal(excepted.counts.excepted, 1);
        assert.equal(excepted.counts.pass, 1, 'the exception is not counted as a pass');
        assert.equal(
          (await owner.get('/api/v1/monitoring/checks/identity.no_active_accounts_for_departed?outcome=fail')).json()
            .items[0].state,
          'excepted',
        );
        assert.ok(
          (await count(t, "ledger_leaves WHERE org_id = $1 AND kind = 'control.status'", [org.id])) > leavesBefore,
          'the control status change is on the ledger',
        );
        // The exception expires: the failure is back.
        t.clock.advance(31 * DAY);
        owner = await signIn(t, org.users.owner);
        assert.equal((await checkOf(owner, 'identity.no_active_accounts_for_departed')).status, 'failing');
        assert.equal(
          await count(t, "audit_log WHERE org_id = $1 AND action = 'monitoring.exception_created'", [org.id]),
          2,
        );
      });
    });

    it('links an account to a person by hand when emails do not match; its checks re-run at once', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'link');
        const owner = await signIn(t, org.users.owner);
        assert.equal((await push(owner, 'hris-csv', people(t))).statusCode, 201);
        const legacy = ['system,email,username,admin,mfa,active,last login', 'erp,,bo.legacy,no,yes,yes,'].join('\n');
        assert.equal((await push(owner, 'accounts-csv', legacy)).statusCode, 201);
        const [account] = await rows<{ id: string }>(
          t,
          "SELECT id FROM inventory_records WHERE org_id = $1 AND type = 'account'",
          [org.id],
        );
        const [bo] = await rows<{ id: string }>(
          t,
          "SELECT id FROM inventory_records WHERE org_id = $1 AND type = 'person' AND email = 'bo@northwind.example'",
          [org.id],
        );
        assert.ok(account && bo);
        const departed = async () =>
          (
            await rows<{ outcome: string }>(
              t,
              `SELECT outcome FROM check_results WHERE org_id = $1 AND check_id = 'identity.no_active_accounts_for_departed'
                 AND resource = $2 AND superseded_at IS NULL`,
              [org.id, account.id],
            )
          )[0]?.outcome;
        assert.notEqual(await departed(), 'fail', 'no email, no match');
        const linked = await owner.put(`/api/v1/monitoring/records/${account.id}/person`, { personId: bo.id });
        assert.equal(linked.statusCode, 200, linked.body);
        assert.equal(await departed(), 'fail', 'linked to Bo, who left: the account must be disabled');
        problem(
          await owner.put(`/api/v1/monitoring/records/${bo.id}/person`, { personId: bo.id }),
          400,
          'validation_failed',
        );
        // The link holds when the account's source pushes again, and when Bo's record changes.
        const again = legacy.replace(',yes,yes,', ',no,yes,');
        assert.equal((await push(owner, 'accounts-csv', again)).statusCode, 201);
        assert.equal(await departed(), 'fail');
        const back = people(t).replace(/,[0-9-]+,ada@northwind\.example$/m, ',,ada@northwind.example');
        assert.equal((await push(owner, 'hris-csv', back)).statusCode, 201);
        assert.equal(await departed(), 'pass', 'Bo is back: the linked account passes');
        assert.equal(
          (await owner.put(`/api/v1/monitoring/records/${account.id}/person`, { personId: null })).statusCode,
          200,
        );
        assert.equal(await count(t, "audit_log WHERE org_id = $1 AND action LIKE 'monitoring.account_%'", [org.id]), 2);
      });
    });

    it('runs connections itself: a TLS endpoint probe now, credentials sealed and never shown', async () => {
      const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
        keySize: 2048,
        algorithm: 'sha256',
        notBeforeDate: new Date(Date.now() - DAY),
        notAfterDate: new Date(Date.now() + 3 * DAY),
        extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
      });
      // TLS 1.2 only, a self-signed certificate expiring in 3 days, no HSTS.
      const server = createServer({ key: pems.private, cert: pems.cert, maxVersion: 'TLSv1.2' }, (_req, res) =>
        res.end('ok'),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      try {
        await withApp(engine, async (t) => {
          t.clock.set(new Date());
          const org = await makeOrg(t, 'probe');
          const owner = await signIn(t, org.users.owner);
          const member = await signIn(t, org.users.member);
          const body = { kind: 'tls', targets: [{ host: '127.0.0.1', port }], schedule: 'hourly' };
          problem(await member.post('/api/v1/monitoring/connections', body), 403, 'forbidden');
          problem(
            await owner.post('/api/v1/monitoring/connections', { kind: 'tls', targets: [{ host: 'bad host!', port }] }),
            400,
            'validation_failed',
          );
          const created = await owner.post('/api/v1/monitoring/connections', body);
          assert.equal(created.statusCode, 201, created.body);
          const run = await owner.post(`/api/v1/monitoring/sources/${created.json().id}/run`);
          assert.equal(run.statusCode, 200, run.body);
          assert.equal(run.json().records.created, 1);
          const outcome = async (check: string) =>
            (
              await rows<{ outcome: string; reason: string }>(
                t,
                'SELECT outcome, reason FROM check_results WHERE org_id = $1 AND check_id = $2 AND superseded_at IS NULL',
                [org.id, check],
              )
            )[0];
          assert.equal((await outcome('tls.endpoint.reachable'))?.outcome, 'pass');
          assert.equal((await outcome('tls.certificate.expiry'))?.outcome, 'fail', 'expires within 14 days');
          assert.equal((await outcome('tls.certificate.trusted'))?.outcome, 'fail', 'self-signed');

          // A PostgreSQL connection keeps its URL sealed: not in the row, the audit log or the answers.
          const secretUrl = 'postgres://probe:s3cret-Password@127.0.0.1:1/none';
          const pgConn = await owner.post('/api/v1/monitoring/connections', { kind: 'postgres', url: secretUrl });
          assert.equal(pgConn.statusCode, 201, pgConn.body);
          assert.ok(!pgConn.body.includes('s3cret'));
          const [stored] = await rows<{ config: unknown; credentials_enc: Buffer }>(
            t,
            "SELECT config, credentials_enc FROM monitoring_sources WHERE org_id = $1 AND kind = 'postgres'",
            [org.id],
          );
          assert.ok(stored);
          assert.ok(!JSON.stringify(stored.config).includes('s3cret'));
          assert.ok(!stored.credentials_enc.toString('latin1').includes('s3cret'), 'sealed, not stored in clear');
          const audit = await rows<{ details: unknown }>(t, 'SELECT details FROM audit_log WHERE org_id = $1', [
            org.id,
          ]);
          assert.ok(!JSON.stringify(audit).includes('s3cret'));
          // Refused connection: the probe records the error; its check fails; the password never shows.
          const pgRun = await owner.post(`/api/v1/monitoring/sources/${pgConn.json().id}/run`);
          assert.equal(pgRun.statusCode, 200, pgRun.body);
          const sources = await owner.get('/api/v1/monitoring/sources');
          assert.ok(!sources.body.includes('s3cret'));
          const records = await owner.get('/api/v1/monitoring/records?type=database');
          assert.ok(!records.body.includes('s3cret'));
          assert.ok(records.json().items[0].data.error, 'the connection error is recorded');
        });
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('honours Idempotency-Key: a retry answers the first push and writes nothing; another body with the key is refused', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'idem');
        const owner = await signIn(t, org.users.owner);
        const key = { 'idempotency-key': 'ci-run-42' };
        const first = await push(owner, 'hris-csv', people(t), key);
        assert.equal(first.statusCode, 201, first.body);
        const retry = await push(owner, 'hris-csv', people(t), key);
        assert.equal(retry.statusCode, 200, retry.body);
        assert.equal(retry.json().replayed, true);
        assert.equal(retry.json().pushId, first.json().pushId);
        assert.equal(await count(t, 'monitoring_pushes WHERE org_id = $1', [org.id]), 1);
        assert.equal(await count(t, "audit_log WHERE org_id = $1 AND action = 'monitoring.pushed'", [org.id]), 1);
        problem(
          await push(owner, 'hris-csv', people(t, 'Cy New,cy@northwind.example,employee,2024-01-01,,'), key),
          409,
          'conflict',
        );
      });
    });

    it('refuses bad input with a message that says what to fix, and writes nothing', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'bad');
        const owner = await signIn(t, org.users.owner);
        const nothing = async () => {
          assert.equal(await count(t, 'monitoring_sources WHERE org_id = $1', [org.id]), 0);
          assert.equal(await count(t, 'inventory_records WHERE org_id = $1', [org.id]), 0);
          assert.equal(await count(t, 'monitoring_pushes WHERE org_id = $1', [org.id]), 0);
        };
        const missing = problem(
          await push(owner, 'hris-csv', 'name,start date\nAda,2024-01-01'),
          422,
          'import_invalid',
        );
        assert.match(missing.detail, /email/i, 'names the missing column');
        const truncated = problem(
          await push(owner, 'trivy', '{"SchemaVersion": 2, "ArtifactName": "x", "Results": [', {
            'content-type': 'application/json',
          }),
          422,
          'import_invalid',
        );
        assert.ok(truncated.detail.length > 10);
        problem(await push(owner, 'hris-csv', '   '), 422, 'import_invalid');
        const unknown = problem(await push(owner, 'spreadsheet', people(t)), 404, 'not_found');
        assert.match(unknown.detail, /hris-csv/, 'lists the kinds');
        problem(await push(owner, 'hris-csv', people(t), {}, '?name=%00bad'), 400, 'validation_failed');
        // 200 MB: refused from its announced length, with the setting to change.
        const huge = await owner.request('POST', '/api/v1/monitoring/push/trivy', 'x'.repeat(200 * 1024 * 1024), {
          'content-type': 'application/json',
        });
        const tooLarge = problem(huge, 413, 'payload_too_large');
        assert.match(tooLarge.detail, /ATTEST_MAX_PUSH_BYTES/);
        await nothing();
      });
    });

    it('lets owners and admins push and decide exceptions; members and auditors read; tokens need monitoring:push', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'roles');
        const member = await signIn(t, org.users.member);
        const auditor = await signIn(t, org.users.auditor);
        const admin = await signIn(t, org.users.admin);
        problem(await push(member, 'hris-csv', people(t)), 403, 'forbidden');
        problem(await push(auditor, 'hris-csv', people(t)), 403, 'forbidden');
        assert.equal((await push(admin, 'hris-csv', people(t))).statusCode, 201);
        assert.equal((await auditor.get('/api/v1/monitoring/checks')).statusCode, 200);
        assert.equal((await member.get('/api/v1/monitoring/records')).statusCode, 200);
        problem(
          await auditor.post('/api/v1/monitoring/exceptions', {
            checkId: 'identity.mfa.all_accounts',
            justification: 'auditors may not accept risk',
            expiresAt: day(t, 10),
          }),
          403,
          'forbidden',
        );

        const readOnly = await admin.post('/api/v1/tokens', { name: 'reader', scopes: ['program:read'] });
        const pusher = await admin.post('/api/v1/tokens', { name: 'ci', scopes: ['monitoring:push'] });
        const bearer = (res: typeof readOnly) => ({ authorization: `Bearer ${res.json().token}` });
        const viaToken = (res: typeof readOnly) =>
          t.app.inject({
            method: 'POST',
            url: '/api/v1/monitoring/push/accounts-csv',
            payload: accounts,
            headers: { 'content-type': 'text/csv', ...bearer(res) },
          });
        problem(await viaToken(readOnly), 403, 'insufficient_scope');
        const ok = await viaToken(pusher);
        assert.equal(ok.statusCode, 201, ok.body);
        assert.equal(ok.json().records.created, 2);
      });
    });
  });
}
