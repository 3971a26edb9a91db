import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { withScope } from '../src/db/tenancy.js';
import { snapshotReadiness } from '../src/modules/readiness/service.js';
import type { TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg } from './helpers/factories.js';

interface Health {
  health: string;
  reasons: string[];
}

async function controlByKey(t: TestApp, org: TestOrg, key: string) {
  const [row] = await rows<{ id: string; checks: string[] }>(
    t,
    'SELECT id, checks FROM controls WHERE org_id = $1 AND key = $2',
    [org.id, key],
  );
  assert.ok(row, key);
  return row;
}

/** A check evaluation as continuous monitoring will record it: the previous result is superseded. */
async function recordResult(t: TestApp, org: TestOrg, checkId: string, resource: string, outcome: string) {
  const now = t.clock.now();
  await t.rt.database.query(
    `UPDATE check_results SET superseded_at = $4
      WHERE org_id = $1 AND check_id = $2 AND resource = $3 AND superseded_at IS NULL`,
    [org.id, checkId, resource, now],
  );
  await t.rt.database.query(
    `INSERT INTO check_results (id, org_id, check_id, resource, outcome, observed_at) VALUES ($1, $2, $3, $4, $5, $6)`,
    [randomUUID(), org.id, checkId, resource, outcome, now],
  );
}

for (const engine of ENGINES) {
  describe(`readiness is derived from controls, checks, evidence and policies (${engine})`, () => {
    it('moves with implementation, check results, overdue evidence and published policies', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'ready');
        const other = await makeOrg(t, 'other');
        const admin = await signIn(t, org.users.admin);
        const auditor = await signIn(t, org.users.auditor);

        const start = await auditor.get('/api/v1/readiness');
        assert.equal(start.statusCode, 200, start.body);
        const soc2 = start.json().frameworks[0];
        assert.equal(soc2.id, 'soc2-2017');
        assert.equal(soc2.requirements.total, 33, 'Security (the common criteria) is in scope');
        assert.equal(soc2.requirements.gaps, 0, 'the library meets every common criterion');
        assert.equal(soc2.requirements.met, 0);
        assert.equal(start.json().controls.byHealth.not_implemented, start.json().controls.total);
        assert.deepEqual(start.json().attention, []);

        const acc02 = await controlByKey(t, org, 'ACC-02');
        const check = acc02.checks[0];
        assert.ok(check, 'ACC-02 is watched by a check');
        const done = await admin.patch(`/api/v1/controls/${acc02.id}`, { status: 'implemented' });
        assert.equal(done.statusCode, 200, done.body);
        let one = (await admin.get(`/api/v1/controls/${acc02.id}`)).json() as Health;
        assert.equal(one.health, 'attention', 'its access control policy is not published yet');
        assert.deepEqual(one.reasons, ['policy access-control is not published']);

        await t.rt.database.query(
          `UPDATE policies SET published_version = 1 WHERE org_id = $1 AND key = 'access-control'`,
          [org.id],
        );
        one = (await admin.get(`/api/v1/controls/${acc02.id}`)).json();
        assert.equal(one.health, 'passing', 'a check that never reported does not count against it');

        await recordResult(t, org, check, 'okta:user/ana', 'pass');
        await recordResult(t, org, check, 'okta:user/bo', 'fail');
        // Another organisation's failures are not ours.
        await recordResult(t, other, check, 'okta:user/x', 'fail');
        one = (await admin.get(`/api/v1/controls/${acc02.id}`)).json();
        assert.equal(one.health, 'failing');
        assert.deepEqual(one.reasons, [`check ${check} fails on 1 resource`]);
        const failing = (await admin.get('/api/v1/readiness')).json();
        assert.equal(failing.controls.byHealth.failing, 1);
        assert.equal(failing.attention[0].key, 'ACC-02');
        const detail = await admin.get('/api/v1/readiness/soc2-2017?status=failing');
        assert.equal(detail.statusCode, 200, detail.body);
        assert.ok(detail.json().requirements.length > 0);
        for (const r of detail.json().requirements) {
          assert.ok(
            r.controls.some((c: { key: string }) => c.key === 'ACC-02'),
            r.ref,
          );
        }

        await recordResult(t, org, check, 'okta:user/bo', 'pass');
        one = (await admin.get(`/api/v1/controls/${acc02.id}`)).json();
        assert.equal(one.health, 'passing', 'the fix supersedes the failure; the history stays');
        assert.equal(await count(t, 'check_results WHERE org_id = $1', [org.id]), 3);

        // A quarter later its evidence is overdue.
        t.clock.advance(100 * 86_400_000);
        const later = await signIn(t, org.users.admin);
        one = (await later.get(`/api/v1/controls/${acc02.id}`)).json();
        assert.equal(one.health, 'attention');
        assert.match(one.reasons.join(), /evidence tasks? overdue/);
        const late = (await later.get('/api/v1/readiness')).json();
        assert.ok(late.controls.overdueEvidence >= 1);

        const onlyPassing = (await later.get('/api/v1/controls?health=attention')).json();
        assert.ok(onlyPassing.items.some((c: { key: string }) => c.key === 'ACC-02'));
        assert.ok(onlyPassing.items.every((c: Health) => c.health === 'attention'));

        const coverage = (await later.get('/api/v1/coverage')).json();
        const mfaLine = coverage.lines.find((l: { controls: { key: string }[] }) =>
          l.controls.some((c) => c.key === 'ACC-02'),
        );
        assert.equal(mfaLine.controls.find((c: { key: string }) => c.key === 'ACC-02').health, 'attention');

        problem(await later.get('/api/v1/readiness/not-adopted'), 404, 'not_found');
      });
    });

    it('draws the trend from daily snapshots, today computed live', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'trend');
        await withScope(t.rt.database, { orgId: org.id }, (tx) => snapshotReadiness(tx, org.id, t.clock.now()));
        // Taking it twice the same day replaces the day's row.
        await withScope(t.rt.database, { orgId: org.id }, (tx) => snapshotReadiness(tx, org.id, t.clock.now()));
        assert.equal(await count(t, 'readiness_snapshots WHERE org_id = $1', [org.id]), 1);
        t.clock.advance(86_400_000);
        const owner = await signIn(t, org.users.owner);
        const body = (await owner.get('/api/v1/readiness')).json();
        assert.equal(body.trend.length, 2);
        assert.equal(body.trend[0].readiness, 0);
        assert.equal(body.trend[1].day, t.clock.now().toISOString().slice(0, 10));
        const none = (await owner.get('/api/v1/readiness?trendDays=0')).json();
        assert.equal(none.trend.length, 1, 'only today');
      });
    });
  });

  describe(`an organisation's own controls (${engine})`, () => {
    it('adds, re-maps, retires and restores controls as audited versions', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'own');
        const admin = await signIn(t, org.users.admin);
        const body = {
          title: 'Customer support tool access is reviewed',
          description: 'Support leads review who can see customer tickets every quarter.',
          domain: 'access',
          criteria: ['CC6.3', 'CC6.2', 'CC6.3'],
          seedLines: ['004 Quarterly access reviews'],
          policies: ['access-control'],
          ownerUserId: org.users.reviewer.id,
          evidence: [{ title: 'Review export', cadence: 'quarterly' }],
        };
        const created = await admin.post('/api/v1/controls', body);
        assert.equal(created.statusCode, 201, created.body);
        assert.equal(created.json().key, 'ACC-C01');
        assert.deepEqual(created.json().criteria, ['CC6.2', 'CC6.3']);
        assert.equal(created.json().fromLibrary, false);
        const second = await admin.post('/api/v1/controls', { ...body, title: 'Second one' });
        assert.equal(second.json().key, 'ACC-C02');

        problem(await admin.post('/api/v1/controls', { ...body, criteria: ['CC99.9'] }), 400, 'validation_failed');
        problem(await admin.post('/api/v1/controls', { ...body, seedLines: ['000 §99.1'] }), 400, 'validation_failed');
        problem(
          await admin.post('/api/v1/controls', { ...body, policies: ['no-such-policy'] }),
          400,
          'validation_failed',
        );
        problem(await admin.post('/api/v1/controls', { ...body, criteria: [] }), 400, 'validation_failed');
        const member = await signIn(t, org.users.member);
        problem(await member.post('/api/v1/controls', body), 403, 'forbidden');
        problem(await (await signIn(t, org.users.auditor)).post('/api/v1/controls', body), 403, 'forbidden');

        const id = created.json().id as string;
        const tasksOf = (status: string) =>
          count(t, 'evidence_tasks WHERE control_id = $1 AND status = $2', [id, status]);
        assert.equal(await tasksOf('open'), 1, 'its evidence task is scheduled, assigned to its owner');
        const remap = await admin.patch(`/api/v1/controls/${id}`, { criteria: ['CC6.1'], expectedVersion: 1 });
        assert.equal(remap.json().version, 2);
        assert.deepEqual(remap.json().criteria, ['CC6.1']);

        const retired = await admin.post(`/api/v1/controls/${id}/retire`, { reason: 'merged into ACC-09' });
        assert.equal(retired.statusCode, 200, retired.body);
        assert.equal(retired.json().retired, true);
        assert.equal(await tasksOf('open'), 0, 'nobody is chased for a retired control');
        assert.equal(await tasksOf('cancelled'), 1);
        problem(await admin.patch(`/api/v1/controls/${id}`, { title: 'Changed' }), 409, 'conflict');
        const listed = (await admin.get('/api/v1/controls?q=ACC-C')).json().items.map((c: { key: string }) => c.key);
        assert.deepEqual(listed, ['ACC-C02'], 'retired controls are left out unless asked for');
        const restored = await admin.post(`/api/v1/controls/${id}/restore`, { reason: 'still needed' });
        assert.equal(restored.json().retired, false);
        assert.equal(await tasksOf('open'), 1, 'its evidence series continues');
        const versions = (await admin.get(`/api/v1/controls/${id}/versions`)).json().items;
        assert.deepEqual(
          versions.map((v: { version: number; retired: boolean }) => [v.version, v.retired]),
          [
            [4, false],
            [3, true],
            [2, false],
            [1, false],
          ],
        );
        const actions = (
          await rows<{ action: string }>(
            t,
            `SELECT action FROM audit_log WHERE org_id = $1 AND target_id = $2 ORDER BY at, action`,
            [org.id, id],
          )
        ).map((r) => r.action);
        assert.deepEqual(actions.sort(), ['control.created', 'control.restored', 'control.retired', 'control.updated']);
      });
    });

    it('refuses to retire the last control of a seed line unless the gap is accepted', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'gap');
        const owner = await signIn(t, org.users.owner);
        const lines = await rows<{ line: string; keys: string[] }>(
          t,
          `SELECT line, array_agg(key) AS keys FROM controls, unnest(seed_lines) AS line
            WHERE org_id = $1 GROUP BY line HAVING count(*) = 1 ORDER BY line LIMIT 1`,
          [org.id],
        );
        const only = lines[0];
        assert.ok(only, 'some seed line is covered by exactly one control');
        const control = await controlByKey(t, org, only.keys[0] as string);
        const refused = problem(
          await owner.post(`/api/v1/controls/${control.id}/retire`, { reason: 'not needed' }),
          409,
          'conflict',
        );
        const orphaned = (refused.errors ?? []).map((e) => e.message.replace(/^uncovered: /, ''));
        assert.ok(orphaned.includes(only.line), `${only.line} is named among ${orphaned.join(', ')}`);
        assert.ok(refused.detail.includes(only.line));
        assert.equal(await count(t, 'controls WHERE id = $1 AND retired_at IS NOT NULL', [control.id]), 0);
        const accepted = await owner.post(`/api/v1/controls/${control.id}/retire`, {
          reason: 'covered outside Attest',
          acceptUncovered: true,
        });
        assert.equal(accepted.statusCode, 200, accepted.body);
        const coverage = (await owner.get('/api/v1/coverage')).json();
        assert.equal(coverage.uncovered, orphaned.length);
      });
    });
  });
}
