import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import pino from 'pino';
import { withScope } from '../src/db/tenancy.js';
import { startJobs } from '../src/jobs/boss.js';
import { refreshAssessments } from '../src/modules/assessments/inventory.js';
import { ASSESSMENTS_CRON, ASSESSMENTS_QUEUE, registerAssessmentsJobs } from '../src/modules/assessments/jobs.js';
import { reevaluateOrganisation } from '../src/modules/monitoring/reevaluate.js';
import type { Client, TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg } from './helpers/factories.js';
import { multipart } from './helpers/multipart.js';

const DAY = 86_400_000;
/** A YYYY-MM-DD day `offset` days from the test clock's today. */
const day = (t: TestApp, offset = 0) => new Date(t.clock.now().getTime() + offset * DAY).toISOString().slice(0, 10);

interface Assessment {
  id: string;
  kind: string;
  title: string;
  status: string;
  endDate: string | null;
  control: string;
  report: { id: string; name: string; sha256: string } | null;
  counts: { open: number; overdue: number; fixed: number; accepted: number };
}

interface Finding {
  id: string;
  title: string;
  severity: string;
  dueDate: string;
  status: string;
  fixedOn: string | null;
  overdue: boolean;
  canEdit: boolean;
  owner: { id: string } | null;
}

async function record(client: Client, body: Record<string, unknown>): Promise<Assessment> {
  const res = await client.post('/api/v1/assessments', body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function addFinding(client: Client, assessmentId: string, body: Record<string, unknown>): Promise<Finding> {
  const res = await client.post(`/api/v1/assessments/${assessmentId}/findings`, body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** The current result of an organisation check. */
async function orgResult(t: TestApp, org: TestOrg, checkId: string) {
  const [row] = await rows<{ outcome: string; reason: string }>(
    t,
    `SELECT outcome, reason FROM check_results
      WHERE org_id = $1 AND check_id = $2 AND resource = 'organisation' AND superseded_at IS NULL`,
    [org.id, checkId],
  );
  return row;
}

/** The current result of a record check on an assessment's inventory record. */
async function recordResult(t: TestApp, org: TestOrg, checkId: string, assessmentId: string) {
  const [row] = await rows<{ outcome: string; reason: string }>(
    t,
    `SELECT r.outcome, r.reason FROM check_results r JOIN inventory_records i ON i.id::text = r.resource
      WHERE r.org_id = $1 AND r.check_id = $2 AND r.superseded_at IS NULL AND i.external_id = $3`,
    [org.id, checkId, assessmentId],
  );
  return row;
}

const audits = (t: TestApp, org: TestOrg, action: string) =>
  count(t, 'audit_log WHERE org_id = $1 AND action = $2', [org.id, action]);

for (const engine of ENGINES) {
  describe(`assessments (${engine})`, () => {
    it('keeps a register: owners and admins change it, everyone reads it, bad input is refused and writes nothing', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'asm');
        const owner = await signIn(t, org.users.owner);
        const member = await signIn(t, org.users.member);
        const auditor = await signIn(t, org.users.auditor);

        const pentest = await record(owner, {
          kind: 'pentest',
          title: 'Penetration test 2026',
          assessor: 'Harbor Security',
          scope: 'Web app and API',
          startDate: day(t, -20),
          endDate: day(t, -10),
          status: 'completed',
        });
        assert.equal(pentest.control, 'ASM-02');
        assert.equal(pentest.status, 'completed');
        assert.equal(await audits(t, org, 'assessment.created'), 1);

        // Everyone reads; members and auditors change nothing.
        const listed = await member.get('/api/v1/assessments');
        assert.equal(listed.statusCode, 200, listed.body);
        assert.deepEqual(
          listed.json().items.map((a: Assessment) => a.title),
          ['Penetration test 2026'],
        );
        problem(await member.post('/api/v1/assessments', { kind: 'pentest', title: 'Mine' }), 403, 'forbidden');
        problem(await auditor.patch(`/api/v1/assessments/${pentest.id}`, { title: 'Changed' }), 403, 'forbidden');
        problem(await auditor.delete(`/api/v1/assessments/${pentest.id}`), 403, 'forbidden');

        // Each refusal says what to fix, and nothing is written.
        const before = await count(t, 'assessments WHERE org_id = $1', [org.id]);
        const auditRows = await count(t, 'audit_log WHERE org_id = $1', [org.id]);
        const cases: [Record<string, unknown>, string, RegExp][] = [
          [{ kind: 'pentest', title: 'X', startDate: day(t, -1), endDate: day(t, -5) }, 'endDate', /before the start/],
          [{ kind: 'pentest', title: 'X', status: 'completed' }, 'endDate', /needs its end date/],
          [{ kind: 'pentest', title: 'X', status: 'completed', endDate: day(t, 5) }, 'endDate', /future/],
          [
            { kind: 'pentest', title: 'X', windowStart: day(t, -100), windowEnd: day(t, -1) },
            'windowStart',
            /observation window/,
          ],
          [
            { kind: 'soc2_type2', title: 'X', status: 'completed', endDate: day(t, -1) },
            'windowStart',
            /observation window/,
          ],
          [
            { kind: 'soc2_type2', title: 'X', windowStart: day(t, -1), windowEnd: day(t, -9) },
            'windowEnd',
            /ends before/,
          ],
          [{ kind: 'pentest', title: 'X', codeAnalysis: true }, 'codeAnalysis', /vulnerability assessments/],
          [{ kind: 'pentest', title: '  ' }, 'title', /title/],
          [{ kind: 'pentest', title: 'X', endDate: '2026-02-30' }, 'endDate', /YYYY-MM-DD/],
          [{ kind: 'fuzzing', title: 'X' }, 'kind', /./],
          [{ kind: 'pentest', title: 'X', surprise: true }, '', /./],
        ];
        for (const [body, field, message] of cases) {
          const refused = problem(await owner.post('/api/v1/assessments', body), 400, 'validation_failed');
          assert.match(`${refused.detail} ${JSON.stringify(refused.errors)}`, message, JSON.stringify(body));
          if (field)
            assert.ok(
              refused.errors?.some((e) => e.path.includes(field)),
              JSON.stringify(refused.errors),
            );
        }
        // A change that breaks a rule across fields is refused as a whole.
        const refused = problem(
          await owner.patch(`/api/v1/assessments/${pentest.id}`, {
            title: 'Renamed',
            status: 'completed',
            endDate: null,
          }),
          400,
          'validation_failed',
        );
        assert.match(refused.detail, /end date/);
        assert.equal(await count(t, 'assessments WHERE org_id = $1', [org.id]), before);
        assert.equal(await count(t, 'audit_log WHERE org_id = $1', [org.id]), auditRows);
        assert.equal((await owner.get(`/api/v1/assessments/${pentest.id}`)).json().title, 'Penetration test 2026');

        // Changes are audited with what changed; deleting takes the findings too.
        const admin = await signIn(t, org.users.admin);
        const renamed = await admin.patch(`/api/v1/assessments/${pentest.id}`, { title: 'Pentest 2026' });
        assert.equal(renamed.statusCode, 200, renamed.body);
        assert.equal(renamed.json().title, 'Pentest 2026');
        assert.equal(await audits(t, org, 'assessment.updated'), 1);
        await addFinding(owner, pentest.id, { title: 'Weak TLS', severity: 'low' });
        const deleted = await admin.delete(`/api/v1/assessments/${pentest.id}`);
        assert.equal(deleted.statusCode, 204, deleted.body);
        assert.equal(await count(t, 'assessment_findings WHERE org_id = $1', [org.id]), 0);
        problem(await owner.get(`/api/v1/assessments/${pentest.id}`), 404, 'not_found');
        assert.equal(await audits(t, org, 'assessment.deleted'), 1);
        // The record left the inventory: the check now finds no penetration test.
        assert.equal((await orgResult(t, org, 'assessment.pentest.annual'))?.outcome, 'fail');
      });
    });

    it('judges the yearly penetration test by the clock: eleven months old passes, thirteen fails', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'pen');
        const owner = await signIn(t, org.users.owner);
        await record(owner, {
          kind: 'pentest',
          title: 'Pentest by Harbor',
          assessor: 'Harbor Security',
          startDate: day(t, -345),
          endDate: day(t, -335),
          status: 'completed',
        });
        let result = await orgResult(t, org, 'assessment.pentest.annual');
        assert.equal(result?.outcome, 'pass', result?.reason);
        assert.match(result?.reason ?? '', /Pentest by Harbor/);

        // Two months later, nothing changed but the date: the daily re-evaluation fails it.
        t.clock.advance(61 * DAY);
        await reevaluateOrganisation(t.rt, org.id);
        result = await orgResult(t, org, 'assessment.pentest.annual');
        assert.equal(result?.outcome, 'fail', result?.reason);
        assert.match(result?.reason ?? '', /more than a year ago/);

        // A planned one does not count until it is completed.
        const owner2 = await signIn(t, org.users.owner);
        const next = await record(owner2, { kind: 'pentest', title: 'Pentest 2027', status: 'planned' });
        assert.equal((await orgResult(t, org, 'assessment.pentest.annual'))?.outcome, 'fail');
        const done = await owner2.patch(`/api/v1/assessments/${next.id}`, {
          status: 'completed',
          startDate: day(t, -7),
          endDate: day(t, -1),
        });
        assert.equal(done.statusCode, 200, done.body);
        assert.equal((await orgResult(t, org, 'assessment.pentest.annual'))?.outcome, 'pass');
      });
    });

    it('needs a code analysis every year and a current SOC 2 Type 2 report', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'soc');
        const owner = await signIn(t, org.users.owner);
        const vuln = await record(owner, {
          kind: 'vulnerability_assessment',
          title: 'Security review',
          endDate: day(t, -30),
          status: 'completed',
        });
        let result = await orgResult(t, org, 'assessment.vuln_assessment.annual');
        assert.equal(result?.outcome, 'fail');
        assert.match(result?.reason ?? '', /code analysis/);
        await owner.patch(`/api/v1/assessments/${vuln.id}`, { codeAnalysis: true });
        assert.equal((await orgResult(t, org, 'assessment.vuln_assessment.annual'))?.outcome, 'pass');

        // The first Type 2 is under way: not applicable until three months after its window.
        const soc2 = await record(owner, {
          kind: 'soc2_type2',
          title: 'SOC 2 Type 2',
          assessor: 'Ledgerline',
          windowStart: day(t, -100),
          windowEnd: day(t, 80),
          status: 'in_progress',
        });
        result = await orgResult(t, org, 'assessment.soc2.current');
        assert.equal(result?.outcome, 'not_applicable', result?.reason);
        const completed = await owner.patch(`/api/v1/assessments/${soc2.id}`, {
          windowEnd: day(t, -10),
          endDate: day(t, -1),
          status: 'completed',
        });
        assert.equal(completed.statusCode, 200, completed.body);
        result = await orgResult(t, org, 'assessment.soc2.current');
        assert.equal(result?.outcome, 'pass', result?.reason);
        // Current for fifteen months after the window ends, then not.
        t.clock.advance(470 * DAY);
        await reevaluateOrganisation(t.rt, org.id);
        result = await orgResult(t, org, 'assessment.soc2.current');
        assert.equal(result?.outcome, 'fail', result?.reason);
        assert.match(result?.reason ?? '', /SOC 2 Type 2/);
      });
    });

    it('tracks findings: default deadlines by severity, owners update theirs, past due fails', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'fnd');
        const owner = await signIn(t, org.users.owner);
        const pentest = await record(owner, {
          kind: 'pentest',
          title: 'Pentest spring',
          endDate: day(t, -3),
          status: 'completed',
        });
        const critical = await addFinding(owner, pentest.id, {
          title: 'SQL injection in search',
          severity: 'critical',
          ownerUserId: org.users.member.id,
        });
        // The monitoring SLA: critical within 15 days.
        assert.equal(critical.dueDate, day(t, 15));
        assert.equal(critical.status, 'open');
        // The owner sees it under My work.
        const member = await signIn(t, org.users.member);
        const owed = (await member.get('/api/v1/me/obligations')).json().items as {
          kind: string;
          id: string;
          href: string;
        }[];
        assert.deepEqual(
          owed.filter((o) => o.kind === 'assessment_finding').map((o) => [o.id, o.href]),
          [[critical.id, `/assessments/${pentest.id}`]],
        );
        const low = await addFinding(owner, pentest.id, { title: 'Banner shows version', severity: 'low' });
        assert.equal(low.dueDate, day(t, 180));
        assert.equal(
          await count(t, "notifications WHERE user_id = $1 AND kind = 'assessment.finding_assigned'", [
            org.users.member.id,
          ]),
          1,
        );
        problem(
          await owner.post(`/api/v1/assessments/${pentest.id}/findings`, {
            title: 'X',
            severity: 'high',
            ownerUserId: org.users.auditor.id,
          }),
          400,
          'validation_failed',
        );
        problem(
          await owner.post(`/api/v1/assessments/${pentest.id}/findings`, { title: 'X', severity: 'urgent' }),
          400,
          'validation_failed',
        );
        problem(
          await owner.post(`/api/v1/assessments/${pentest.id}/findings`, {
            title: 'X',
            severity: 'low',
            status: 'accepted',
          }),
          400,
          'validation_failed',
        );
        assert.equal(await count(t, 'assessment_findings WHERE org_id = $1', [org.id]), 2);

        let result = await recordResult(t, org, 'assessment.findings_on_time', pentest.id);
        assert.equal(result?.outcome, 'pass', result?.reason);

        // Sixteen days later the critical one is past due.
        t.clock.advance(16 * DAY);
        await reevaluateOrganisation(t.rt, org.id);
        result = await recordResult(t, org, 'assessment.findings_on_time', pentest.id);
        assert.equal(result?.outcome, 'fail', result?.reason);
        assert.match(result?.reason ?? '', /SQL injection in search/);
        assert.match(result?.reason ?? '', /Pentest spring/);
        // Sessions idle out over sixteen days: everyone signs in again.
        const owner2 = await signIn(t, org.users.owner);
        const overdue = await owner2.get('/api/v1/assessments/findings?overdue=true');
        assert.deepEqual(
          overdue.json().items.map((f: Finding) => f.title),
          ['SQL injection in search'],
        );

        // Its owner may mark it fixed, but not reword it or accept the risk; others may not touch it.
        const url = `/api/v1/assessments/${pentest.id}/findings/${critical.id}`;
        const member2 = await signIn(t, org.users.member);
        const reviewer = await signIn(t, org.users.reviewer);
        problem(await member2.patch(url, { severity: 'low' }), 403, 'forbidden');
        problem(await member2.patch(url, { status: 'accepted', acceptedReason: 'Not worth it now' }), 403, 'forbidden');
        problem(await reviewer.patch(url, { status: 'fixed' }), 403, 'forbidden');
        problem(await member2.patch(url, { status: 'fixed', fixedOn: day(t, 2) }), 400, 'validation_failed');
        const mine = await member2.get('/api/v1/assessments/findings?mine=true');
        assert.equal(mine.json().items[0].canEdit, true);
        const fixed = await member2.patch(url, { status: 'fixed' });
        assert.equal(fixed.statusCode, 200, fixed.body);
        assert.equal(fixed.json().fixedOn, day(t));
        result = await recordResult(t, org, 'assessment.findings_on_time', pentest.id);
        assert.equal(result?.outcome, 'pass', result?.reason);
        assert.equal(await audits(t, org, 'assessment.finding_updated'), 1);

        // Owners and admins accept a risk with a reason; reopening clears the fix date.
        const lowUrl = `/api/v1/assessments/${pentest.id}/findings/${low.id}`;
        problem(await owner2.patch(lowUrl, { status: 'accepted' }), 400, 'validation_failed');
        const accepted = await owner2.patch(lowUrl, {
          status: 'accepted',
          acceptedReason: 'The banner is removed with the proxy migration next quarter.',
        });
        assert.equal(accepted.statusCode, 200, accepted.body);
        assert.equal(accepted.json().status, 'accepted');
        const reopened = await owner2.patch(url, { status: 'open' });
        assert.equal(reopened.json().fixedOn, null);
        const detail = (await owner2.get(`/api/v1/assessments/${pentest.id}`)).json();
        assert.deepEqual(detail.counts, { open: 1, overdue: 1, fixed: 0, accepted: 1 });
        const removed = await owner2.delete(lowUrl);
        assert.equal(removed.statusCode, 204, removed.body);
        assert.equal(await audits(t, org, 'assessment.finding_deleted'), 1);
      });
    });

    it('answers the latest date per kind with dates and assessor only', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'lat');
        const owner = await signIn(t, org.users.owner);
        const member = await signIn(t, org.users.member);
        const empty = await member.get('/api/v1/assessments/latest');
        assert.deepEqual(empty.json(), { items: [] });
        await record(owner, {
          kind: 'pentest',
          title: 'Old pentest',
          assessor: 'Old Firm',
          scope: 'SECRET-SCOPE-TEXT',
          endDate: day(t, -400),
          status: 'completed',
        });
        await record(owner, {
          kind: 'pentest',
          title: 'New pentest',
          assessor: 'Harbor Security',
          scope: 'SECRET-SCOPE-TEXT',
          endDate: day(t, -20),
          reportDate: day(t, -10),
          status: 'completed',
        });
        await record(owner, { kind: 'pentest', title: 'Planned pentest', status: 'planned' });
        await record(owner, {
          kind: 'vulnerability_assessment',
          title: 'Review',
          endDate: day(t, -50),
          codeAnalysis: true,
          status: 'completed',
        });
        await record(owner, {
          kind: 'soc2_type2',
          title: 'SOC 2',
          assessor: 'Ledgerline',
          windowStart: day(t, -200),
          windowEnd: day(t, -20),
          endDate: day(t, -5),
          status: 'completed',
        });
        await record(owner, { kind: 'iso27001', title: 'ISO audit', endDate: day(t, -5), status: 'completed' });
        const res = await member.get('/api/v1/assessments/latest');
        assert.equal(res.statusCode, 200, res.body);
        assert.doesNotMatch(res.body, /SECRET-SCOPE-TEXT|New pentest|Review|ISO/);
        assert.deepEqual(res.json().items, [
          {
            kind: 'pentest',
            date: day(t, -20),
            reportDate: day(t, -10),
            assessor: 'Harbor Security',
            type: null,
            windowStart: null,
            windowEnd: null,
          },
          {
            kind: 'vulnerability_assessment',
            date: day(t, -50),
            reportDate: null,
            assessor: null,
            type: null,
            windowStart: null,
            windowEnd: null,
          },
          {
            kind: 'soc2',
            date: day(t, -5),
            reportDate: null,
            assessor: 'Ledgerline',
            type: 'type2',
            windowStart: day(t, -200),
            windowEnd: day(t, -20),
          },
        ]);
        // A token with risk:read reads it too.
        const token = await owner.post('/api/v1/tokens', { name: 'trust center', scopes: ['risk:read'] });
        assert.equal(token.statusCode, 201, token.body);
        const bearer = { authorization: `Bearer ${token.json().token}` };
        const viaToken = await t.app.inject({ method: 'GET', url: '/api/v1/assessments/latest', headers: bearer });
        assert.equal(viaToken.statusCode, 200, viaToken.body);
        const write = await t.app.inject({
          method: 'POST',
          url: '/api/v1/assessments',
          headers: bearer,
          payload: { kind: 'pentest', title: 'X' },
        });
        problem(write, 403, 'insufficient_scope');
      });
    });

    it("stores the report in the vault on the kind's control, with a ledger entry, and links existing evidence", async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'rep');
        const owner = await signIn(t, org.users.owner);
        const soc2 = await record(owner, {
          kind: 'soc2_type2',
          title: 'SOC 2 Type 2',
          windowStart: day(t, -200),
          windowEnd: day(t, -20),
          endDate: day(t, -5),
          status: 'completed',
        });
        const url = `/api/v1/assessments/${soc2.id}/report`;
        const pdf = Buffer.from('%PDF-1.4 SOC 2 Type 2 report\n');
        const { body, headers } = multipart({}, { name: 'soc2-report.pdf', type: 'application/pdf', data: pdf });
        const uploaded = await owner.request('POST', url, body, headers);
        assert.equal(uploaded.statusCode, 201, uploaded.body);
        const evidenceId = uploaded.json().evidence.id as string;
        assert.equal(uploaded.json().assessment.report.id, evidenceId);
        const [evidence] = await rows<{ key: string; ledger_index: number; sha256: string; from: string; to: string }>(
          t,
          `SELECT c.key, e.ledger_index, e.sha256, e.effective_from::date::text AS from, e.effective_to::date::text AS to
             FROM evidence e JOIN controls c ON c.id = e.control_id WHERE e.id = $1`,
          [evidenceId],
        );
        assert.equal(evidence?.key, 'ASM-03');
        assert.equal(evidence?.sha256, createHash('sha256').update(pdf).digest('hex'));
        // The period it proves is the observation window.
        assert.equal(evidence?.from, day(t, -200));
        assert.equal(evidence?.to, day(t, -20));
        assert.equal(
          await count(t, "ledger_leaves WHERE org_id = $1 AND kind = 'evidence' AND idx = $2 AND ref_id = $3", [
            org.id,
            evidence?.ledger_index,
            evidenceId,
          ]),
          1,
        );
        assert.equal(await audits(t, org, 'assessment.report_added'), 1);

        const auditor = await signIn(t, org.users.auditor);
        const download = await auditor.get(url);
        assert.equal(download.statusCode, 200, download.body);
        assert.deepEqual(download.rawPayload, pdf);
        assert.equal(download.headers['content-type'], 'application/octet-stream');
        const member = await signIn(t, org.users.member);
        problem(await member.get(url), 403, 'forbidden');
        const again = multipart({}, { name: 'x.pdf', data: pdf });
        problem(await member.request('POST', url, again.body, again.headers), 403, 'forbidden');
        const missing = multipart({}, { name: 'x.pdf', data: pdf });
        problem(
          await owner.request(
            'POST',
            `/api/v1/assessments/${crypto.randomUUID()}/report`,
            missing.body,
            missing.headers,
          ),
          404,
          'not_found',
        );
        problem(await owner.post(url, { evidenceId }), 415, 'unsupported_media_type');

        // A pentest's report goes to ASM-02; an item already in the vault can be linked instead.
        const pentest = await record(owner, {
          kind: 'pentest',
          title: 'Pentest',
          endDate: day(t, -3),
          status: 'completed',
        });
        problem(await owner.get(`/api/v1/assessments/${pentest.id}/report`), 404, 'not_found');
        problem(
          await owner.put(`/api/v1/assessments/${pentest.id}/report`, { evidenceId: crypto.randomUUID() }),
          400,
          'validation_failed',
        );
        const linked = await owner.put(`/api/v1/assessments/${pentest.id}/report`, { evidenceId });
        assert.equal(linked.statusCode, 200, linked.body);
        assert.equal(linked.json().report.id, evidenceId);
        assert.equal(await audits(t, org, 'assessment.report_linked'), 1);
        const upload2 = multipart({}, { name: 'pentest.pdf', data: Buffer.from('pentest report') });
        const second = await owner.request(
          'POST',
          `/api/v1/assessments/${pentest.id}/report`,
          upload2.body,
          upload2.headers,
        );
        assert.equal(second.statusCode, 201, second.body);
        const [key] = await rows<{ key: string }>(
          t,
          'SELECT c.key FROM evidence e JOIN controls c ON c.id = e.control_id WHERE e.id = $1',
          [second.json().evidence.id],
        );
        assert.equal(key?.key, 'ASM-02');

        // Erased from the vault, the report no longer counts in the assessment's record.
        const hasReport = async () => {
          await withScope(t.rt.database, { orgId: org.id }, (tx) => refreshAssessments(tx, org.id, t.clock.now()));
          const [record] = await rows<{ has_report: boolean }>(
            t,
            "SELECT (data->>'hasReport')::boolean AS has_report FROM inventory_records WHERE org_id = $1 AND external_id = $2 AND type = 'assessment' AND deleted_at IS NULL",
            [org.id, pentest.id],
          );
          return record?.has_report;
        };
        assert.equal(await hasReport(), true);
        const erased = await owner.request('DELETE', `/api/v1/evidence/${second.json().evidence.id}`, {
          reason: 'Uploaded to the wrong assessment',
        });
        assert.equal(erased.statusCode, 200, erased.body);
        assert.equal(await hasReport(), false);
      });
    });

    it("keeps organisations apart: another organisation's ids are not found", async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'iso-a');
        const other = await makeOrg(t, 'iso-b');
        const owner = await signIn(t, org.users.owner);
        const stranger = await signIn(t, other.users.owner);
        const pentest = await record(owner, {
          kind: 'pentest',
          title: 'Private pentest',
          endDate: day(t, -3),
          status: 'completed',
        });
        const finding = await addFinding(owner, pentest.id, { title: 'Private finding', severity: 'high' });
        const base = `/api/v1/assessments/${pentest.id}`;
        problem(await stranger.get(base), 404, 'not_found');
        problem(await stranger.patch(base, { title: 'Mine now' }), 404, 'not_found');
        problem(await stranger.delete(base), 404, 'not_found');
        problem(await stranger.post(`${base}/findings`, { title: 'X', severity: 'low' }), 404, 'not_found');
        problem(await stranger.patch(`${base}/findings/${finding.id}`, { status: 'fixed' }), 404, 'not_found');
        problem(await stranger.get(`${base}/report`), 404, 'not_found');
        const upload = multipart({}, { name: 'r.pdf', data: Buffer.from('report') });
        problem(await stranger.request('POST', `${base}/report`, upload.body, upload.headers), 404, 'not_found');
        assert.equal((await stranger.get('/api/v1/assessments')).json().total, 0);
        assert.deepEqual((await stranger.get('/api/v1/assessments/latest')).json().items, []);
        assert.deepEqual((await stranger.get('/api/v1/assessments/findings')).json().items, []);
        assert.equal(await count(t, 'evidence WHERE org_id = $1', [other.id]), 0);
        // A finding's owner must be a member of this organisation.
        problem(
          await owner.post(`${base}/findings`, { title: 'X', severity: 'low', ownerUserId: other.users.member.id }),
          400,
          'validation_failed',
        );
        assert.equal((await owner.get(base)).json().title, 'Private pentest');
      });
    });

    it('refreshes the records as a daily job', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'job');
        const owner = await signIn(t, org.users.owner);
        const pentest = await record(owner, {
          kind: 'pentest',
          title: 'Pentest',
          endDate: day(t, -3),
          status: 'completed',
        });
        // A record gone astray (as if written by an older version) is put back by the run.
        await t.rt.database.query(
          "UPDATE inventory_records SET deleted_at = now() WHERE org_id = $1 AND external_id = $2 AND type = 'assessment'",
          [org.id, pentest.id],
        );
        const boss = await startJobs(t.rt.database, pino({ level: 'silent' }));
        try {
          await registerAssessmentsJobs(boss, t.rt);
          const schedules = await boss.getSchedules();
          assert.deepEqual(
            schedules.filter((s) => s.name === ASSESSMENTS_QUEUE).map((s) => s.cron),
            [ASSESSMENTS_CRON],
          );
          await boss.send(ASSESSMENTS_QUEUE, {});
          const live = () =>
            count(
              t,
              "inventory_records WHERE org_id = $1 AND external_id = $2 AND type = 'assessment' AND deleted_at IS NULL",
              [org.id, pentest.id],
            );
          for (let i = 0; i < 100 && (await live()) === 0; i++) await new Promise((r) => setTimeout(r, 100));
          assert.equal(await live(), 1);
        } finally {
          await boss.stop({ graceful: false, wait: true });
        }
      });
    });
  });
}
