import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Client, TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn } from './helpers/factories.js';
import { multipart } from './helpers/multipart.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** A calendar day relative to the test clock (YYYY-MM-DD). */
const day = (t: TestApp, offsetDays = 0) =>
  new Date(t.clock.now().getTime() + offsetDays * DAY).toISOString().slice(0, 10);

interface Item {
  key: string;
  required: boolean;
  state: string;
  detail: string;
  doneAt: string | null;
  late: boolean;
  dueOn: string | null;
}

interface Detail {
  person: {
    id: string;
    email: string;
    name: string;
    endDate: string | null;
    status: string;
    offboardingReportId: string | null;
  };
  onboarding: { items: Item[]; done: number; required: number; overdue: number };
  backgroundCheck: { status: string; completedOn: string | null; reportId: string | null } | null;
  offboarding: {
    open: boolean;
    deadline: string;
    reportId: string | null;
    closedBy: { id: string } | null;
    allDisabled: boolean;
    accounts: { name: string; source: string; disabledAt: string | null; state: string }[];
    counts: { total: number; disabled: number; disabledLate: number; active: number; overdue: number };
  } | null;
  groups: { id: string; displayName: string }[];
}

async function addPerson(client: Client, body: Record<string, unknown>): Promise<Detail> {
  const res = await client.post('/api/v1/people', body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function detail(client: Client, id: string): Promise<Detail> {
  const res = await client.get(`/api/v1/people/${id}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

const itemOf = (d: Detail, key: string): Item => {
  const found = d.onboarding.items.find((i) => i.key === key);
  assert.ok(found, `checklist has ${key}`);
  return found;
};

async function pushAccounts(client: Client, lines: string[]) {
  const res = await client.request(
    'POST',
    '/api/v1/monitoring/push/accounts-csv',
    ['system,email,username,admin,mfa,active', ...lines].join('\n'),
    { 'content-type': 'text/csv' },
  );
  assert.equal(res.statusCode, 201, res.body);
}

for (const engine of ENGINES) {
  describe(`people register (${engine})`, () => {
    it('adds, reads and changes people; bad input and duplicates write nothing', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'ppl');
        const owner = await signIn(t, org.users.owner);

        const ada = await addPerson(owner, {
          email: ' Ada@Northwind.Example ',
          name: 'Ada Lovelace',
          employmentType: 'employee',
          department: 'Engineering',
          title: 'Engineer',
          managerEmail: 'Boss@Northwind.Example',
          startDate: day(t, -10),
        });
        assert.equal(ada.person.email, 'ada@northwind.example');
        assert.equal(ada.person.status, 'active');
        assert.equal(ada.offboarding, null);
        assert.equal(ada.onboarding.items.length, 5);
        assert.equal(await count(t, "audit_log WHERE org_id = $1 AND action = 'person.created'", [org.id]), 1);

        const before = await count(t, 'people WHERE org_id = $1', [org.id]);
        const badEmail = problem(
          await owner.post('/api/v1/people', { email: 'not-an-email', name: 'X' }),
          400,
          'validation_failed',
        );
        assert.equal(badEmail.errors?.[0]?.path, 'email');
        const backwards = problem(
          await owner.post('/api/v1/people', {
            email: 'bo@northwind.example',
            name: 'Bo',
            startDate: day(t, 5),
            endDate: day(t, 1),
          }),
          400,
          'validation_failed',
        );
        assert.match(backwards.detail, /before the start date/);
        problem(
          await owner.post('/api/v1/people', { email: 'ADA@northwind.example', name: 'Ada again' }),
          409,
          'conflict',
        );
        problem(
          await owner.post('/api/v1/people', { email: 'x@y.example', name: 'X', extra: 1 }),
          400,
          'validation_failed',
        );
        assert.equal(await count(t, 'people WHERE org_id = $1', [org.id]), before);

        // A change of a field; then a departure recorded by hand opens offboarding.
        const renamed = await owner.patch(`/api/v1/people/${ada.person.id}`, { title: 'Staff engineer' });
        assert.equal(renamed.statusCode, 200, renamed.body);
        assert.equal(renamed.json().person.title, 'Staff engineer');
        problem(
          await owner.patch(`/api/v1/people/${ada.person.id}`, { endDate: day(t, -20) }),
          400,
          'validation_failed',
        );
        const leaving = await owner.patch(`/api/v1/people/${ada.person.id}`, { endDate: day(t, 3) });
        assert.equal(leaving.statusCode, 200, leaving.body);
        const left = leaving.json() as Detail;
        assert.equal(left.person.endDate, day(t, 3));
        assert.ok(left.offboarding?.open);
        assert.equal(left.offboarding?.deadline, `${day(t, 4)}T00:00:00.000Z`, 'end date + 24 hours by default');
        const [departure] = await rows<{ details: { endDate: string } }>(
          t,
          "SELECT details FROM audit_log WHERE org_id = $1 AND action = 'person.departure_set'",
          [org.id],
        );
        assert.equal(departure?.details.endDate, day(t, 3));

        // The person is in the inventory as a record of the people register.
        assert.equal(
          await count(
            t,
            "inventory_records r JOIN monitoring_sources s ON s.id = r.source_id WHERE r.org_id = $1 AND s.kind = 'people' AND r.type = 'person'",
            [org.id],
          ),
          1,
        );
        problem(await owner.get('/api/v1/people/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
      });
    });

    it('lists with search, status and type filters, pages with a total, and sums up onboarding per person', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'list');
        const owner = await signIn(t, org.users.owner);
        await addPerson(owner, { email: 'ada@n.example', name: 'Ada', startDate: day(t, -100) });
        await addPerson(owner, { email: 'bo@n.example', name: 'Bo', startDate: day(t, -300), endDate: day(t, -5) });
        await addPerson(owner, { email: 'cy@n.example', name: 'Cy', startDate: day(t, 10) });
        await addPerson(owner, {
          email: 'di@n.example',
          name: 'Di',
          employmentType: 'contractor',
          startDate: day(t, -1),
        });
        await addPerson(owner, { email: 'ed@n.example', name: 'Ed', employmentType: 'other' });

        const all = (await owner.get('/api/v1/people')).json();
        assert.equal(all.total, 5);
        assert.deepEqual(
          all.items.map((p: { name: string }) => p.name),
          ['Ada', 'Bo', 'Cy', 'Di', 'Ed'],
        );
        const byName = Object.fromEntries(all.items.map((p: { name: string }) => [p.name, p]));
        assert.deepEqual(
          byName.Ada.onboarding,
          { done: 0, required: 5, overdue: 3 },
          'started 100 days ago: background check, agreement and training are overdue',
        );
        assert.equal(byName.Di.onboarding.overdue, 2, 'started yesterday: training is within its grace days');
        assert.equal(byName.Ed.onboarding.required, 4, 'no background check for "other" by default');
        assert.equal(byName.Bo.offboarding.open, true);
        assert.equal(byName.Ada.offboarding, null);

        const search = (await owner.get('/api/v1/people?q=DI')).json();
        assert.deepEqual(
          search.items.map((p: { name: string }) => p.name),
          ['Di'],
          'the name, case-folded',
        );
        assert.equal((await owner.get('/api/v1/people?q=bo%40n.ex')).json().items[0].name, 'Bo', 'the email');
        assert.equal((await owner.get('/api/v1/people?q=zz')).json().total, 0);
        const departed = (await owner.get('/api/v1/people?status=departed')).json();
        assert.deepEqual(
          departed.items.map((p: { name: string }) => p.name),
          ['Bo'],
        );
        const upcoming = (await owner.get('/api/v1/people?status=upcoming')).json();
        assert.deepEqual(
          upcoming.items.map((p: { name: string }) => p.name),
          ['Cy'],
        );
        const active = (await owner.get('/api/v1/people?status=active')).json();
        assert.deepEqual(
          active.items.map((p: { name: string }) => p.name),
          ['Ada', 'Di', 'Ed'],
        );
        const contractors = (await owner.get('/api/v1/people?type=contractor')).json();
        assert.deepEqual(
          contractors.items.map((p: { name: string }) => p.name),
          ['Di'],
        );
        const second = (await owner.get('/api/v1/people?limit=2&offset=2')).json();
        assert.equal(second.total, 5);
        assert.deepEqual(
          second.items.map((p: { name: string }) => p.name),
          ['Cy', 'Di'],
        );
        problem(await owner.get('/api/v1/people?status=gone'), 400, 'validation_failed');
        problem(await owner.get('/api/v1/people?limit=0'), 400, 'validation_failed');
      });
    });

    it('derives the onboarding checklist: overdue after the start date, late when done after it, policies and MFA', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'onb');
        let owner = await signIn(t, org.users.owner);
        const start = day(t, 5);
        // Ada is also an Attest member (same email), so policy acceptance applies to her.
        const ada = await addPerson(owner, { email: org.users.member.email, name: 'Ada', startDate: start });
        const id = ada.person.id;
        let d = await detail(owner, id);
        assert.equal(itemOf(d, 'background_check').state, 'pending');
        assert.equal(itemOf(d, 'background_check').dueOn, start);
        assert.equal(itemOf(d, 'agreement').state, 'pending');
        assert.equal(itemOf(d, 'training').state, 'pending');
        assert.equal(itemOf(d, 'training').dueOn, day(t, 35), 'start + 30 grace days');
        assert.equal(itemOf(d, 'policies').state, 'done', 'no policy is published yet');
        assert.equal(itemOf(d, 'mfa').state, 'pending', 'no account known: not proven');

        const check = await owner.put(`/api/v1/people/${id}/background-check`, {
          status: 'in_progress',
          provider: 'Checkr',
          requestedOn: day(t),
        });
        assert.equal(check.statusCode, 200, check.body);

        // She started (the start date has passed) before the check finished.
        t.clock.advance(6 * DAY);
        owner = await signIn(t, org.users.owner);
        d = await detail(owner, id);
        assert.equal(itemOf(d, 'background_check').state, 'overdue');
        assert.match(itemOf(d, 'background_check').detail, /in progress/);
        assert.equal(itemOf(d, 'agreement').state, 'overdue');
        assert.equal(itemOf(d, 'training').state, 'pending', 'still within the grace days');
        assert.equal(d.onboarding.overdue, 2);

        // The check passes today, after the start date: done, but late.
        const passed = await owner.put(`/api/v1/people/${id}/background-check`, {
          status: 'passed',
          provider: 'Checkr',
          requestedOn: day(t, -6),
          completedOn: day(t),
        });
        assert.equal(passed.statusCode, 200, passed.body);
        // She signs the agreement today too (recorded directly: the agreements capability is another's).
        const agreementId = '11111111-1111-4111-8111-111111111111';
        await rows(
          t,
          `INSERT INTO agreements (id, org_id, version, title, body, sha256, published_at)
           VALUES ($1, $2, 1, 'Confidentiality', 'Keep secrets secret.', $3, $4)`,
          [agreementId, org.id, createHash('sha256').update('Keep secrets secret.').digest('hex'), t.clock.now()],
        );
        await rows(
          t,
          `INSERT INTO agreement_signatures (id, org_id, agreement_id, person_id, kind, typed_name, signed_at, document_sha256, created_at)
           VALUES ('22222222-2222-4222-8222-222222222222', $1, $2, $3, 'signed', 'Ada', $4, 'abc', $4)`,
          [org.id, agreementId, id, t.clock.now()],
        );
        d = await detail(owner, id);
        const bg = itemOf(d, 'background_check');
        assert.equal(bg.state, 'done');
        assert.equal(bg.late, true);
        assert.equal(bg.doneAt, day(t));
        assert.match(bg.detail, /after the start date/);
        const agreement = itemOf(d, 'agreement');
        assert.equal(agreement.state, 'done');
        assert.equal(agreement.late, true);
        assert.equal(d.onboarding.overdue, 0);

        // Training is overdue once the grace days after the start have gone by.
        t.clock.advance(30 * DAY);
        owner = await signIn(t, org.users.owner);
        d = await detail(owner, id);
        assert.equal(itemOf(d, 'training').state, 'overdue');

        // MFA: proven only when every active account has it; unknown does not count.
        await pushAccounts(owner, [`crm,${org.users.member.email},ada,no,yes,yes`]);
        assert.equal(itemOf(await detail(owner, id), 'mfa').state, 'done');
        await pushAccounts(owner, [
          `crm,${org.users.member.email},ada,no,yes,yes`,
          `wiki,${org.users.member.email},ada,no,,yes`,
        ]);
        const mfa = itemOf(await detail(owner, id), 'mfa');
        assert.equal(mfa.state, 'pending');
        assert.match(mfa.detail, /not reported/);

        // An auditor's person does not accept policies; someone without an Attest account must be invited.
        const auditorPerson = await addPerson(owner, { email: org.users.auditor.email, name: 'Aud' });
        assert.equal(itemOf(auditorPerson, 'policies').state, 'not_required');
        const outsider = await addPerson(owner, { email: 'nobody@n.example', name: 'Nobody' });
        assert.equal(itemOf(outsider, 'policies').state, 'pending');
        assert.match(itemOf(outsider, 'policies').detail, /no Attest account/);

        // Settings change what is required; everyone is judged again.
        const settings = (await owner.get('/api/v1/people/settings')).json() as Record<string, unknown>;
        assert.equal(settings.trainingGraceDays, 30);
        problem(
          await owner.put('/api/v1/people/settings', { ...settings, trainingGraceDays: -1 }),
          400,
          'validation_failed',
        );
        const saved = await owner.put('/api/v1/people/settings', {
          ...settings,
          backgroundCheck: { employee: false, contractor: true, other: false },
          training: false,
        });
        assert.equal(saved.statusCode, 200, saved.body);
        const outsiderNow = await detail(owner, outsider.person.id);
        assert.equal(itemOf(outsiderNow, 'background_check').state, 'not_required');
        assert.equal(itemOf(outsiderNow, 'training').state, 'not_required');
        assert.equal(outsiderNow.onboarding.required, 3);
        assert.equal(await count(t, "audit_log WHERE org_id = $1 AND action = 'people.settings_changed'", [org.id]), 1);
        const [mirrored] = await rows<{ data: { register: { requires: { backgroundCheck: boolean } } } }>(
          t,
          `SELECT r.data FROM inventory_records r WHERE r.org_id = $1 AND r.type = 'person' AND r.external_id = $2`,
          [org.id, outsider.person.id],
        );
        assert.equal(mirrored?.data.register.requires.backgroundCheck, false, 'the inventory record was refreshed');
      });
    });

    it('records background checks (contractors too) and keeps the report as evidence readable by owners, admins and auditors', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'bg');
        const owner = await signIn(t, org.users.owner);
        const di = await addPerson(owner, {
          email: 'di@n.example',
          name: 'Di',
          employmentType: 'contractor',
          startDate: day(t, 10),
        });
        const url = `/api/v1/people/${di.person.id}/background-check`;

        problem(await owner.put(url, { status: 'passed' }), 400, 'validation_failed');
        problem(await owner.put(url, { status: 'passed', completedOn: day(t, 1) }), 400, 'validation_failed');
        problem(await owner.put(url, { status: 'in_progress', completedOn: day(t) }), 400, 'validation_failed');
        problem(
          await owner.put(url, { status: 'failed', requestedOn: day(t), completedOn: day(t, -1) }),
          400,
          'validation_failed',
        );
        problem(await owner.put(url, { status: 'maybe' }), 400, 'validation_failed');
        assert.equal(await count(t, 'background_checks WHERE org_id = $1', [org.id]), 0);

        assert.equal((await owner.put(url, { status: 'in_progress', provider: 'Sterling' })).statusCode, 200);
        const done = await owner.put(url, {
          status: 'passed',
          provider: 'Sterling',
          requestedOn: day(t, -3),
          completedOn: day(t),
        });
        assert.equal(done.statusCode, 200, done.body);
        assert.equal(done.json().status, 'passed');
        const audits = await rows<{ details: { from: string | null; to: string } }>(
          t,
          "SELECT details FROM audit_log WHERE org_id = $1 AND action = 'background_check.updated' ORDER BY id",
          [org.id],
        );
        assert.deepEqual(
          audits.map((a) => [a.details.from, a.details.to]),
          [
            [null, 'in_progress'],
            ['in_progress', 'passed'],
          ],
        );
        assert.equal(itemOf(await detail(owner, di.person.id), 'background_check').state, 'done');

        // The provider's report: evidence of PEO-01, on the ledger.
        const pdf = Buffer.from('%PDF-1.4 report of Di: clear\n');
        const { body, headers } = multipart({}, { name: 'di-report.pdf', type: 'application/pdf', data: pdf });
        const uploaded = await owner.request('POST', `${url}/report`, body, headers);
        assert.equal(uploaded.statusCode, 201, uploaded.body);
        const reportId = uploaded.json().reportId as string;
        const [evidence] = await rows<{ key: string; ledger_index: number; sha256: string }>(
          t,
          'SELECT c.key, e.ledger_index, e.sha256 FROM evidence e JOIN controls c ON c.id = e.control_id WHERE e.id = $1',
          [reportId],
        );
        assert.equal(evidence?.key, 'PEO-01');
        assert.equal(evidence?.sha256, createHash('sha256').update(pdf).digest('hex'));
        assert.equal(
          await count(t, "ledger_leaves WHERE org_id = $1 AND kind = 'evidence' AND idx = $2", [
            org.id,
            evidence?.ledger_index,
          ]),
          1,
        );
        assert.equal((await detail(owner, di.person.id)).backgroundCheck?.reportId, reportId);

        const auditor = await signIn(t, org.users.auditor);
        const download = await auditor.get(`${url}/report`);
        assert.equal(download.statusCode, 200, download.body);
        assert.deepEqual(download.rawPayload, pdf);
        assert.equal(download.headers['content-type'], 'application/octet-stream');
        const member = await signIn(t, org.users.member);
        problem(await member.get(`${url}/report`), 403, 'forbidden');
        problem(await auditor.put(url, { status: 'failed', completedOn: day(t) }), 403, 'forbidden');
        const again = multipart({}, { name: 'x.pdf', data: pdf });
        problem(await auditor.request('POST', `${url}/report`, again.body, again.headers), 403, 'forbidden');
        // A person without a report answers not found.
        const ed = await addPerson(owner, { email: 'ed@n.example', name: 'Ed' });
        problem(await owner.get(`/api/v1/people/${ed.person.id}/background-check/report`), 404, 'not_found');
      });
    });

    it('tracks offboarding from the accounts sources report, flags late disabling, and closes with a departure report', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'off');
        let owner = await signIn(t, org.users.owner);
        const ada = await addPerson(owner, { email: 'ada@n.example', name: 'Ada', startDate: day(t, -400) });
        const bo = await addPerson(owner, { email: 'bo@n.example', name: 'Bo', startDate: day(t, -400) });
        const crm = (who: string, active: string) => `crm,${who}@n.example,${who},no,yes,${active}`;
        const slack = (who: string, active: string) => `slack,${who}@n.example,${who},no,yes,${active}`;
        await pushAccounts(owner, [crm('ada', 'yes'), crm('bo', 'yes'), slack('ada', 'yes'), slack('bo', 'yes')]);

        // Ada leaves today: deadline tomorrow 00:00 UTC.
        const endDate = day(t);
        await owner.patch(`/api/v1/people/${ada.person.id}`, { endDate });
        let d = await detail(owner, ada.person.id);
        assert.equal(d.offboarding?.deadline, `${day(t, 1)}T00:00:00.000Z`);
        assert.deepEqual(
          d.offboarding?.accounts.map((a) => a.state),
          ['active', 'active'],
        );
        const open = (await owner.get('/api/v1/people/offboarding')).json();
        assert.equal(open.total, 1);
        assert.equal(open.items[0].person.id, ada.person.id);
        assert.equal(open.items[0].counts.active, 2);

        // Accounts still active: closing needs a reason, and nothing is written without one.
        const refused = problem(
          await owner.post(`/api/v1/people/${ada.person.id}/offboarding/close`, {}),
          400,
          'validation_failed',
        );
        assert.match(refused.detail, /still active/);
        assert.equal(await count(t, 'evidence WHERE org_id = $1', [org.id]), 0);

        // 30 hours after the end date, the CRM account is seen disabled: 6 hours late. Slack is still on.
        t.clock.set(new Date(Date.parse(`${endDate}T00:00:00Z`) + 30 * HOUR));
        owner = await signIn(t, org.users.owner);
        await pushAccounts(owner, [crm('ada', 'no'), crm('bo', 'yes')]);
        d = await detail(owner, ada.person.id);
        const states = Object.fromEntries((d.offboarding?.accounts ?? []).map((a) => [a.source.split(':')[0], a]));
        assert.equal(d.offboarding?.accounts.length, 2);
        const late = d.offboarding?.accounts.find((a) => a.state === 'disabled_late');
        assert.ok(late, JSON.stringify(states));
        assert.equal(late.disabledAt, t.clock.now().toISOString());
        assert.equal(d.offboarding?.accounts.filter((a) => a.state === 'overdue').length, 1);
        assert.equal(d.offboarding?.allDisabled, false);

        problem(
          await owner.post(`/api/v1/people/${ada.person.id}/offboarding/close`, { reason: 'too short' }),
          400,
          'validation_failed',
        );
        const reason = 'Slack workspace is being shut down next week; the account has no access to data.';
        const closed = await owner.post(`/api/v1/people/${ada.person.id}/offboarding/close`, { reason });
        assert.equal(closed.statusCode, 200, closed.body);
        const after = closed.json() as Detail;
        assert.equal(after.offboarding?.open, false);
        assert.equal(after.offboarding?.closedBy?.id, org.users.owner.id);
        const reportId = after.offboarding?.reportId;
        assert.ok(reportId);
        const [report] = await rows<{ key: string; content_type: string; ledger_index: number }>(
          t,
          'SELECT c.key, e.content_type, e.ledger_index FROM evidence e JOIN controls c ON c.id = e.control_id WHERE e.id = $1',
          [reportId],
        );
        assert.equal(report?.key, 'PEO-04');
        assert.equal(report?.content_type, 'application/pdf');
        const pdf = await owner.get(`/api/v1/people/${ada.person.id}/offboarding/report`);
        assert.equal(pdf.statusCode, 200);
        assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
        const [audit] = await rows<{ details: { reason: string; reportId: string } }>(
          t,
          "SELECT details FROM audit_log WHERE org_id = $1 AND action = 'person.offboarding_closed'",
          [org.id],
        );
        assert.equal(audit?.details.reason, reason);
        assert.equal(audit?.details.reportId, reportId);
        assert.equal((await owner.get('/api/v1/people/offboarding')).json().total, 0);
        problem(await owner.post(`/api/v1/people/${ada.person.id}/offboarding/close`, { reason }), 409, 'conflict');

        // Bo leaves; both accounts are gone or disabled within the limit: closing needs no reason.
        await owner.patch(`/api/v1/people/${bo.person.id}`, { endDate: day(t) });
        t.clock.advance(2 * HOUR);
        owner = await signIn(t, org.users.owner);
        await pushAccounts(owner, [crm('ada', 'no'), crm('bo', 'no')]);
        await pushAccounts(owner, [slack('ada', 'yes')]);
        d = await detail(owner, bo.person.id);
        assert.deepEqual(
          d.offboarding?.accounts.map((a) => a.state),
          ['disabled', 'disabled'],
        );
        const boClosed = await owner.post(`/api/v1/people/${bo.person.id}/offboarding/close`, {});
        assert.equal(boClosed.statusCode, 200, boClosed.body);
        assert.equal(
          await count(t, "evidence e JOIN controls c ON c.id = e.control_id WHERE e.org_id = $1 AND c.key = 'PEO-04'", [
            org.id,
          ]),
          2,
        );
        // Someone without an end date has nothing to close.
        const cy = await addPerson(owner, { email: 'cy@n.example', name: 'Cy' });
        problem(await owner.post(`/api/v1/people/${cy.person.id}/offboarding/close`, {}), 409, 'conflict');
      });
    });

    it('lets owners and admins write, auditors read only, members and reviewers nothing; another organisation is not found', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'acl');
        const other = await makeOrg(t, 'acl2');
        const owner = await signIn(t, org.users.owner);
        const ada = await addPerson(owner, { email: 'ada@n.example', name: 'Ada', endDate: day(t, -1) });
        const id = ada.person.id;

        for (const role of ['member', 'reviewer'] as const) {
          const client = await signIn(t, org.users[role]);
          problem(await client.get('/api/v1/people'), 403, 'forbidden');
          problem(await client.get(`/api/v1/people/${id}`), 403, 'forbidden');
          problem(await client.get('/api/v1/people/offboarding'), 403, 'forbidden');
          problem(await client.post('/api/v1/people', { email: 'x@n.example', name: 'X' }), 403, 'forbidden');
        }

        const auditor = await signIn(t, org.users.auditor);
        assert.equal((await auditor.get('/api/v1/people')).statusCode, 200);
        assert.equal((await auditor.get(`/api/v1/people/${id}`)).statusCode, 200);
        assert.equal((await auditor.get('/api/v1/people/settings')).statusCode, 200);
        assert.equal((await auditor.get('/api/v1/people/offboarding')).statusCode, 200);
        problem(await auditor.post('/api/v1/people', { email: 'x@n.example', name: 'X' }), 403, 'forbidden');
        problem(await auditor.patch(`/api/v1/people/${id}`, { name: 'Changed' }), 403, 'forbidden');
        problem(await auditor.put('/api/v1/people/settings', {}), 403, 'forbidden');
        problem(
          await auditor.post(`/api/v1/people/${id}/offboarding/close`, { reason: 'auditors never write anything' }),
          403,
          'forbidden',
        );

        const admin = await signIn(t, org.users.admin);
        assert.equal((await admin.patch(`/api/v1/people/${id}`, { department: 'Sales' })).statusCode, 200);

        // Another organisation's owner: the id is unknown to them.
        const stranger = await signIn(t, other.users.owner);
        problem(await stranger.get(`/api/v1/people/${id}`), 404, 'not_found');
        problem(await stranger.patch(`/api/v1/people/${id}`, { name: 'Taken' }), 404, 'not_found');
        problem(
          await stranger.put(`/api/v1/people/${id}/background-check`, { status: 'in_progress' }),
          404,
          'not_found',
        );
        problem(
          await stranger.post(`/api/v1/people/${id}/offboarding/close`, { reason: 'not my person to close at all' }),
          404,
          'not_found',
        );
        const upload = multipart({}, { name: 'r.pdf', data: Buffer.from('report') });
        problem(
          await stranger.request('POST', `/api/v1/people/${id}/background-check/report`, upload.body, upload.headers),
          404,
          'not_found',
        );
        assert.equal((await stranger.get('/api/v1/people')).json().total, 0);
        assert.equal(await count(t, 'evidence WHERE org_id = $1', [other.id]), 0);

        // API tokens: people:read reads, and cannot write.
        const token = await owner.post('/api/v1/tokens', { name: 'hr sync', scopes: ['people:read'] });
        assert.equal(token.statusCode, 201, token.body);
        const bearer = { authorization: `Bearer ${token.json().token}` };
        const read = await t.app.inject({ method: 'GET', url: '/api/v1/people', headers: bearer });
        assert.equal(read.statusCode, 200, read.body);
        problem(
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/people',
            headers: bearer,
            payload: { email: 'x@n.example', name: 'X' },
          }),
          403,
          'insufficient_scope',
        );
      });
    });
  });
}
