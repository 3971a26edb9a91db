import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reevaluateOrganisation } from '../src/modules/monitoring/reevaluate.js';
import type { Client, TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg } from './helpers/factories.js';

const DAY = 86_400_000;
const day = (t: TestApp, offset = 0) => new Date(t.clock.now().getTime() + offset * DAY).toISOString().slice(0, 10);
const CHECK = 'continuity.dr_exercise.annual';

interface Objectives {
  id: string;
  name: string;
  rtoHours: number | null;
  rpoHours: number | null;
  recoveryTier: number | null;
  lastExercise: { id: string; recoveryHours: number | null } | null;
}

interface Exercise {
  id: string;
  title: string;
  status: string;
  outcome: string | null;
  systems: {
    systemId: string;
    name: string;
    rtoHours: number | null;
    recoveryHours: number | null;
    rtoMet: boolean | null;
  }[];
  actions: { id: string; title: string; done: boolean }[];
  reports: { pdf: string | null; markdown: string | null };
}

async function createSystem(client: Client, name: string): Promise<{ id: string }> {
  const res = await client.post('/api/v1/systems', { name, production: true });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function plan(client: Client, body: Record<string, unknown>): Promise<Exercise> {
  const res = await client.post('/api/v1/continuity/exercises', body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function result(t: TestApp, org: TestOrg) {
  const [row] = await rows<{ outcome: string; reason: string }>(
    t,
    `SELECT outcome, reason FROM check_results
      WHERE org_id = $1 AND check_id = $2 AND resource = 'organisation' AND superseded_at IS NULL`,
    [org.id, CHECK],
  );
  return row;
}

const audits = (t: TestApp, org: TestOrg, action: string) =>
  count(t, 'audit_log WHERE org_id = $1 AND action = $2', [org.id, action]);

for (const engine of ENGINES) {
  describe(`business continuity (${engine})`, () => {
    it('sets recovery objectives per system: validated, audited, for owners and admins only', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'rto');
        const owner = await signIn(t, org.users.owner);
        const member = await signIn(t, org.users.member);
        const db = await createSystem(owner, 'Billing database');
        const url = `/api/v1/continuity/systems/${db.id}`;

        const set = await owner.patch(url, { rtoHours: 4, rpoHours: 0.25, recoveryTier: 1 });
        assert.equal(set.statusCode, 200, set.body);
        assert.deepEqual(
          { rto: set.json().rtoHours, rpo: set.json().rpoHours, tier: set.json().recoveryTier },
          { rto: 4, rpo: 0.25, tier: 1 },
        );
        assert.equal(await audits(t, org, 'system.objectives_updated'), 1);

        const bad: [Record<string, unknown>, string][] = [
          [{ rtoHours: -1 }, 'rtoHours'],
          [{ rtoHours: 9000 }, 'rtoHours'],
          [{ rpoHours: 0.125 }, 'rpoHours'],
          [{ rpoHours: '4' }, 'rpoHours'],
          [{ recoveryTier: 0 }, 'recoveryTier'],
          [{ recoveryTier: 1.5 }, 'recoveryTier'],
          [{ rtoHours: 2, nonsense: true }, ''],
        ];
        for (const [body, field] of bad) {
          const refused = problem(await owner.patch(url, body), 400, 'validation_failed');
          if (field)
            assert.ok(
              refused.errors?.some((e) => e.path.includes(field)),
              JSON.stringify(refused.errors),
            );
        }
        problem(await member.patch(url, { rtoHours: 8 }), 403, 'forbidden');
        const [stored] = await rows<{ rto_hours: number; rpo_hours: number; recovery_tier: number }>(
          t,
          'SELECT rto_hours, rpo_hours, recovery_tier FROM systems WHERE id = $1',
          [db.id],
        );
        assert.deepEqual(stored, { rto_hours: 4, rpo_hours: 0.25, recovery_tier: 1 });
        assert.equal(await audits(t, org, 'system.objectives_updated'), 1);

        // Everyone reads them; null clears one.
        const listed = await member.get('/api/v1/continuity/systems');
        assert.equal(listed.statusCode, 200, listed.body);
        assert.deepEqual(
          listed.json().items.map((s: Objectives) => [s.name, s.rtoHours, s.rpoHours, s.recoveryTier]),
          [['Billing database', 4, 0.25, 1]],
        );
        const cleared = await owner.patch(url, { rpoHours: null });
        assert.equal(cleared.json().rpoHours, null);
        assert.equal(cleared.json().rtoHours, 4);

        // The overview: the plan is the business-continuity policy, with the plan's own objectives.
        const overview = (await member.get('/api/v1/continuity')).json();
        assert.equal(overview.plan.status, 'draft');
        assert.match(overview.plan.title, /Business Continuity/);
        assert.equal(overview.plan.rtoHours, 24);
        assert.deepEqual(overview.systems, { total: 1, withObjectives: 0 });
        assert.equal(overview.lastExercise, null);
      });
    });

    it('records an exercise as complete with its report as BCP-03 evidence, then keeps it on record', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'drx');
        const owner = await signIn(t, org.users.owner);
        const db = await createSystem(owner, 'Billing database');
        await owner.patch(`/api/v1/continuity/systems/${db.id}`, { rtoHours: 4, rpoHours: 1 });

        const planned = await plan(owner, {
          title: 'Restore of the billing database',
          kind: 'restore_test',
          exercisedOn: day(t, -2),
          scenario: 'The primary database is lost; restore last night’s snapshot into a new instance.',
          participants: ['Sam (restores)', 'Priya (observes)'],
          systems: [{ systemId: db.id }],
          actions: [{ title: 'Automate the restore script' }],
        });
        assert.equal(planned.status, 'planned');
        assert.equal(planned.systems[0]?.rtoHours, 4, 'the objective is copied onto the exercise');
        assert.equal((await result(t, org))?.outcome, 'fail', 'a planned exercise does not count');

        // Completing without the measured recovery time is refused, and nothing changes.
        const url = `/api/v1/continuity/exercises/${planned.id}`;
        const refused = problem(await owner.post(`${url}/complete`, { outcome: 'passed' }), 400, 'validation_failed');
        assert.match(refused.detail, /Billing database/);
        assert.ok(refused.errors?.some((e) => e.path === 'body.systems.0.recoveryHours'));
        problem(
          await owner.post(`${url}/complete`, {
            outcome: 'failed',
            systems: [{ systemId: db.id, recoveryHours: 6 }],
            actions: [],
          }),
          400,
          'validation_failed',
        );
        const unchanged = (await owner.get(url)).json() as Exercise;
        assert.equal(unchanged.status, 'planned');
        assert.equal(unchanged.actions.length, 1, 'a refused completion changes no field either');
        assert.equal(unchanged.systems[0]?.recoveryHours, null);
        assert.equal(await count(t, 'evidence WHERE org_id = $1', [org.id]), 0);
        assert.equal(await audits(t, org, 'dr_exercise.completed'), 0);

        const completed = await owner.post(`${url}/complete`, {
          outcome: 'passed_with_issues',
          systems: [{ systemId: db.id, recoveryHours: 5.5, dataLossHours: 0.5 }],
          lessons: 'The restore took longer than the objective: the snapshot copy between regions is slow.',
        });
        assert.equal(completed.statusCode, 200, completed.body);
        const exercise = completed.json() as Exercise;
        assert.equal(exercise.status, 'completed');
        assert.equal(exercise.systems[0]?.rtoMet, false);
        assert.ok(exercise.reports.pdf && exercise.reports.markdown);
        const evidence = await rows<{ key: string; name: string; content_type: string; from: string; ledger: number }>(
          t,
          `SELECT c.key, e.name, e.content_type, e.effective_from::date::text AS from,
                  (SELECT count(*) FROM ledger_leaves l WHERE l.org_id = e.org_id AND l.idx = e.ledger_index AND l.ref_id = e.id::text)::int AS ledger
             FROM evidence e JOIN controls c ON c.id = e.control_id WHERE e.org_id = $1 ORDER BY e.content_type`,
          [org.id],
        );
        assert.deepEqual(
          evidence.map((e) => [e.key, e.content_type, e.from, e.ledger]),
          [
            ['BCP-03', 'application/pdf', day(t, -2), 1],
            ['BCP-03', 'text/markdown', day(t, -2), 1],
          ],
        );
        assert.equal(await audits(t, org, 'dr_exercise.completed'), 1);
        const check = await result(t, org);
        assert.equal(check?.outcome, 'pass', check?.reason);
        assert.match(check?.reason ?? '', /Restore of the billing database/);

        // Auditors read the report; members do not.
        const auditor = await signIn(t, org.users.auditor);
        const markdown = await auditor.get(`${url}/report?format=md`);
        assert.equal(markdown.statusCode, 200, markdown.body);
        assert.match(markdown.body, /# Disaster recovery exercise: Restore of the billing database/);
        assert.match(markdown.body, /\| Billing database \| 4 \| 5\.5 \| no \|/);
        assert.match(markdown.body, /\[open\] Automate the restore script/);
        const pdf = await auditor.get(`${url}/report`);
        assert.equal(pdf.statusCode, 200);
        assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
        const member = await signIn(t, org.users.member);
        problem(await member.get(`${url}/report`), 403, 'forbidden');
        assert.equal((await member.get(url)).statusCode, 200, 'members read exercises');

        // On record: completing again, rewriting or deleting it is refused; follow-ups still move.
        problem(await owner.post(`${url}/complete`, { outcome: 'passed' }), 409, 'conflict');
        problem(await owner.patch(url, { lessons: 'Rewritten' }), 409, 'conflict');
        problem(await owner.delete(url), 409, 'conflict');
        const action = exercise.actions[0];
        assert.ok(action);
        const followed = await owner.patch(url, { actions: [{ id: action.id, title: action.title, done: true }] });
        assert.equal(followed.statusCode, 200, followed.body);
        assert.equal(followed.json().actions[0].id, action.id);
        assert.equal(followed.json().actions[0].done, true);

        const objectives = (await owner.get('/api/v1/continuity/systems')).json().items as Objectives[];
        assert.equal(objectives[0]?.lastExercise?.id, planned.id);
        assert.equal(objectives[0]?.lastExercise?.recoveryHours, 5.5);
        const overview = (await owner.get('/api/v1/continuity')).json();
        assert.equal(overview.lastExercise.outcome, 'passed_with_issues');
        assert.equal(overview.nextExerciseDue, `${Number(day(t, -2).slice(0, 4)) + 1}${day(t, -2).slice(4)}`);
        assert.equal(overview.openActions, 0);
      });
    });

    it('judges the yearly exercise by the clock, and a failure until a passing retest', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'yr');
        const owner = await signIn(t, org.users.owner);
        const tabletop = await plan(owner, {
          title: 'Tabletop: region loss',
          kind: 'tabletop',
          exercisedOn: day(t, -330),
        });
        const done = await owner.post(`/api/v1/continuity/exercises/${tabletop.id}/complete`, { outcome: 'passed' });
        assert.equal(done.statusCode, 200, done.body);
        assert.equal((await result(t, org))?.outcome, 'pass');

        t.clock.advance(60 * DAY);
        await reevaluateOrganisation(t.rt, org.id);
        let check = await result(t, org);
        assert.equal(check?.outcome, 'fail', check?.reason);
        assert.match(check?.reason ?? '', /more than a year old/);

        const owner2 = await signIn(t, org.users.owner);
        const failover = await plan(owner2, { title: 'Failover drill', kind: 'tabletop', exercisedOn: day(t, -1) });
        await owner2.post(`/api/v1/continuity/exercises/${failover.id}/complete`, {
          outcome: 'failed',
          lessons: 'Nobody could find the DNS credentials.',
        });
        check = await result(t, org);
        assert.equal(check?.outcome, 'fail', check?.reason);
        assert.match(check?.reason ?? '', /Failover drill.*failed/);

        const retest = await plan(owner2, { title: 'Failover retest', kind: 'tabletop', exercisedOn: day(t) });
        await owner2.post(`/api/v1/continuity/exercises/${retest.id}/complete`, { outcome: 'passed' });
        check = await result(t, org);
        assert.equal(check?.outcome, 'pass', check?.reason);

        // A planned exercise in the future cannot be completed yet; a planned one can be deleted.
        const next = await plan(owner2, { title: 'Next year', kind: 'tabletop', exercisedOn: day(t, 300) });
        problem(
          await owner2.post(`/api/v1/continuity/exercises/${next.id}/complete`, { outcome: 'passed' }),
          400,
          'validation_failed',
        );
        const deleted = await owner2.delete(`/api/v1/continuity/exercises/${next.id}`);
        assert.equal(deleted.statusCode, 204, deleted.body);
        assert.equal(await audits(t, org, 'dr_exercise.deleted'), 1);
      });
    });

    it('refuses bad exercises and keeps organisations apart', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'dr-a');
        const other = await makeOrg(t, 'dr-b');
        const owner = await signIn(t, org.users.owner);
        const stranger = await signIn(t, other.users.owner);
        const strangerSystem = await createSystem(stranger, 'Their database');
        const mine = await createSystem(owner, 'Our database');

        const bad: Record<string, unknown>[] = [
          { title: 'X', kind: 'drill', exercisedOn: day(t) },
          { title: '', kind: 'tabletop', exercisedOn: day(t) },
          { title: 'X', kind: 'tabletop', exercisedOn: 'yesterday' },
          { title: 'X', kind: 'tabletop', exercisedOn: day(t), systems: [{ systemId: strangerSystem.id }] },
          {
            title: 'X',
            kind: 'tabletop',
            exercisedOn: day(t),
            systems: [{ systemId: mine.id }, { systemId: mine.id }],
          },
          { title: 'X', kind: 'tabletop', exercisedOn: day(t), systems: [{ systemId: mine.id, recoveryHours: -2 }] },
          { title: 'X', kind: 'tabletop', exercisedOn: day(t), actions: [{ title: '' }] },
        ];
        for (const body of bad)
          problem(await owner.post('/api/v1/continuity/exercises', body), 400, 'validation_failed');
        assert.equal(await count(t, 'dr_exercises WHERE org_id = $1', [org.id]), 0);
        assert.equal(await count(t, 'audit_log WHERE org_id = $1 AND action LIKE $2', [org.id, 'dr_exercise.%']), 0);

        const member = await signIn(t, org.users.member);
        const auditor = await signIn(t, org.users.auditor);
        const body = { title: 'Tabletop', kind: 'tabletop', exercisedOn: day(t, -1) };
        problem(await member.post('/api/v1/continuity/exercises', body), 403, 'forbidden');
        problem(await auditor.post('/api/v1/continuity/exercises', body), 403, 'forbidden');
        const exercise = await plan(owner, body);
        const url = `/api/v1/continuity/exercises/${exercise.id}`;
        problem(await auditor.post(`${url}/complete`, { outcome: 'passed' }), 403, 'forbidden');

        problem(await stranger.get(url), 404, 'not_found');
        problem(await stranger.patch(url, { title: 'Ours' }), 404, 'not_found');
        problem(await stranger.delete(url), 404, 'not_found');
        problem(await stranger.post(`${url}/complete`, { outcome: 'passed' }), 404, 'not_found');
        problem(await stranger.get(`${url}/report`), 404, 'not_found');
        problem(await stranger.patch(`/api/v1/continuity/systems/${mine.id}`, { rtoHours: 1 }), 404, 'not_found');
        assert.equal((await stranger.get('/api/v1/continuity/exercises')).json().total, 0);
        assert.deepEqual(
          (await stranger.get('/api/v1/continuity/systems')).json().items.map((s: Objectives) => s.name),
          ['Their database'],
        );
        assert.equal((await owner.get(url)).json().title, 'Tabletop');
        // No report before completion.
        problem(await owner.get(`${url}/report`), 404, 'not_found');
      });
    });
  });
}
