import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { verifyBundle } from '../src/modules/evidence/verify-bundle.js';
import { Client, type TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg } from './helpers/factories.js';
import { multipart } from './helpers/multipart.js';

// The test clock starts at 2026-03-02T09:00Z: the window is January and February 2026.
const WINDOW = { windowStart: '2026-01-01', windowEnd: '2026-02-28' };

interface Audit {
  id: string;
  title: string;
  framework: { id: string };
  status: string;
  windowStart: string;
  windowEnd: string;
  accessExpiresAt: string;
  auditors: { id: string; email: string; userId: string | null; state: string }[] | null;
}

interface Request {
  id: string;
  number: number;
  status: string;
  messages: { kind: string; body: string }[];
  evidence: { id: string }[];
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const newAudit = (extra: Record<string, unknown> = {}) => ({
  title: 'SOC 2 Type 2 2026',
  frameworkId: 'soc2-2017',
  kind: 'soc2_type2',
  firm: 'Ledgerline Audit',
  ...WINDOW,
  accessExpiresAt: '2026-06-30',
  ...extra,
});

async function createAudit(client: Client, extra: Record<string, unknown> = {}): Promise<Audit> {
  const res = await client.post('/api/v1/audits', newAudit(extra));
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function addEvidence(client: Client, name: string, from: string, to?: string): Promise<string> {
  const fields: Record<string, string> = { controlId: 'ACC-09', effectiveFrom: from, note: name };
  if (to) fields.effectiveTo = to;
  const { body, headers } = multipart(fields, { name, type: 'text/plain', data: Buffer.from(`${name}\n`) });
  const res = await client.request('POST', '/api/v1/evidence', body, headers);
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

/** Puts the auditor test user on the audit (they are already an auditor member). */
async function putAuditorOn(owner: Client, org: TestOrg, auditId: string) {
  const res = await owner.post(`/api/v1/audits/${auditId}/auditors`, { email: org.users.auditor.email });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().invited, false);
  return res.json().auditor as { id: string };
}

interface LoggedCall {
  action: string;
  target_id: string;
  actor_user_id: string;
  details: { method: string; path: string; status: number; auditId?: string };
}

/** The auditor activity rows: each is written before its answer goes out, so it is there once the answer is. */
async function auditorCalls(t: TestApp, orgId: string): Promise<LoggedCall[]> {
  return rows<LoggedCall>(
    t,
    "SELECT action, target_id, actor_user_id, details FROM audit_log WHERE org_id = $1 AND action LIKE 'auditor.%'",
    [orgId],
  );
}

for (const engine of ENGINES) {
  describe(`audits (${engine})`, () => {
    it('owners and admins create and change audits; others cannot; bad input writes nothing; another organisation sees nothing', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'aud');
        const other = await makeOrg(t, 'aud-other');
        const owner = await signIn(t, org.users.owner);
        const admin = await signIn(t, org.users.admin);
        const member = await signIn(t, org.users.member);
        const reviewer = await signIn(t, org.users.reviewer);
        const auditor = await signIn(t, org.users.auditor);
        const stranger = await signIn(t, other.users.owner);

        const audit = await createAudit(owner);
        assert.equal(audit.status, 'planned');
        assert.equal(audit.framework.id, 'soc2-2017');
        assert.deepEqual(audit.auditors, []);
        assert.equal(await count(t, "audit_log WHERE org_id = $1 AND action = 'audit.created'", [org.id]), 1);

        for (const client of [member, reviewer, auditor]) {
          problem(await client.post('/api/v1/audits', newAudit()), 403, 'forbidden');
          problem(await client.patch(`/api/v1/audits/${audit.id}`, { status: 'fieldwork' }), 403, 'forbidden');
        }
        const before = await count(t, 'audits WHERE org_id = $1', [org.id]);
        const badFramework = problem(
          await admin.post('/api/v1/audits', newAudit({ frameworkId: 'iso-27001-nope' })),
          400,
          'validation_failed',
        );
        assert.equal(badFramework.errors?.[0]?.path, 'body.frameworkId');
        const backwards = problem(
          await admin.post('/api/v1/audits', newAudit({ windowStart: '2026-03-01', windowEnd: '2026-01-01' })),
          400,
          'validation_failed',
        );
        assert.equal(backwards.errors?.[0]?.path, 'body.windowEnd');
        problem(
          await admin.post('/api/v1/audits', newAudit({ accessExpiresAt: '2026-01-01' })),
          400,
          'validation_failed',
        );
        assert.equal(await count(t, 'audits WHERE org_id = $1', [org.id]), before);

        const changed = await admin.patch(`/api/v1/audits/${audit.id}`, { status: 'fieldwork', firm: 'Other firm' });
        assert.equal(changed.statusCode, 200, changed.body);
        assert.equal(changed.json().status, 'fieldwork');
        const [logged] = await rows<{ details: { changes: Record<string, { from: string; to: string }> } }>(
          t,
          "SELECT details FROM audit_log WHERE org_id = $1 AND action = 'audit.updated'",
          [org.id],
        );
        assert.deepEqual(logged?.details.changes.status, { from: 'planned', to: 'fieldwork' });

        // Members and reviewers read audits; an auditor not on the audit does not see it.
        assert.equal((await member.get('/api/v1/audits')).json().items.length, 1);
        assert.equal((await reviewer.get(`/api/v1/audits/${audit.id}`)).json().auditors, null);
        assert.equal((await auditor.get('/api/v1/audits')).json().items.length, 0);
        problem(await auditor.get(`/api/v1/audits/${audit.id}`), 404, 'not_found');
        problem(await auditor.get(`/api/v1/audits/${audit.id}/evidence`), 404, 'not_found');

        // Another organisation's id answers exactly like an unknown one, writes included.
        const unknown = '00000000-0000-4000-8000-000000000000';
        for (const id of [audit.id, unknown]) {
          problem(await stranger.get(`/api/v1/audits/${id}`), 404, 'not_found');
          problem(await stranger.patch(`/api/v1/audits/${id}`, { title: '' }), 404, 'not_found');
          problem(await stranger.post(`/api/v1/audits/${id}/auditors`, { email: 'x' }), 404, 'not_found');
        }
        assert.equal((await stranger.get('/api/v1/audits')).json().items.length, 0);
      });
    });

    it('invites an auditor whose membership ends with the audit access; an auditor sees only the audits they are on', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'inv');
        const owner = await signIn(t, org.users.owner);
        const audit = await createAudit(owner, { accessExpiresAt: '2026-05-31T17:00:00Z' });
        const otherAudit = await createAudit(owner, { title: 'ISO 27001 2026', kind: 'iso27001' });

        const invited = await owner.post(`/api/v1/audits/${audit.id}/auditors`, { email: 'Quinn@Firm.example' });
        assert.equal(invited.statusCode, 201, invited.body);
        assert.equal(invited.json().invited, true);
        assert.equal(invited.json().auditor.state, 'invited');
        const link = invited.json().link as string;
        const token = decodeURIComponent(link.split('#token=')[1] ?? '');
        const [invitation] = await rows<{ role: string }>(t, 'SELECT role FROM invitations WHERE email = $1', [
          'quinn@firm.example',
        ]);
        assert.equal(invitation?.role, 'auditor');
        problem(
          await owner.post(`/api/v1/audits/${audit.id}/auditors`, { email: 'quinn@firm.example' }),
          409,
          'conflict',
        );
        problem(
          await owner.post(`/api/v1/audits/${audit.id}/auditors`, { email: org.users.member.email }),
          409,
          'conflict',
        );

        const accepted = await new Client(t.app).post('/api/v1/invitations/accept', {
          token,
          name: 'Quinn Auditor',
          password: 'correct-staple-meadow-19',
        });
        assert.equal(accepted.statusCode, 200, accepted.body);
        const [membership] = await rows<{ role: string; expires_at: Date }>(
          t,
          `SELECT m.role, m.expires_at FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = $1`,
          ['quinn@firm.example'],
        );
        assert.equal(membership?.role, 'auditor');
        assert.equal(membership?.expires_at.toISOString(), '2026-05-31T17:00:00.000Z');
        const detail = (await owner.get(`/api/v1/audits/${audit.id}`)).json() as Audit;
        assert.equal(detail.auditors?.[0]?.state, 'member');

        // Moving the access expiry moves the membership's end with it.
        await owner.patch(`/api/v1/audits/${audit.id}`, { accessExpiresAt: '2026-07-15T00:00:00Z' });
        const [moved] = await rows<{ expires_at: Date }>(
          t,
          'SELECT m.expires_at FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = $1',
          ['quinn@firm.example'],
        );
        assert.equal(moved?.expires_at.toISOString(), '2026-07-15T00:00:00.000Z');

        // The existing auditor member is linked directly; each auditor sees only their audits.
        const dana = await putAuditorOn(owner, org, otherAudit.id);
        const auditor = await signIn(t, org.users.auditor);
        assert.deepEqual(
          ((await auditor.get('/api/v1/audits')).json().items as Audit[]).map((a) => a.id),
          [otherAudit.id],
        );
        problem(await auditor.get(`/api/v1/audits/${audit.id}`), 404, 'not_found');
        assert.equal((await auditor.get(`/api/v1/audits/${otherAudit.id}`)).json().auditors, null);

        // Taking them off ends their access to that audit.
        const removed = await owner.delete(`/api/v1/audits/${otherAudit.id}/auditors/${dana.id}`);
        assert.equal(removed.statusCode, 204);
        problem(await auditor.get(`/api/v1/audits/${otherAudit.id}`), 404, 'not_found');
        assert.equal(await count(t, "audit_log WHERE org_id = $1 AND action = 'audit.auditor_removed'", [org.id]), 1);

        // Once the audit's access expires the auditor no longer sees it, even while on it.
        await putAuditorOn(owner, org, otherAudit.id);
        assert.equal((await auditor.get(`/api/v1/audits/${otherAudit.id}`)).statusCode, 200);
        const soon = new Date(t.clock.now().getTime() + 10 * 60_000).toISOString();
        assert.equal((await owner.patch(`/api/v1/audits/${otherAudit.id}`, { accessExpiresAt: soon })).statusCode, 200);
        t.clock.advance(20 * 60_000);
        problem(await auditor.get(`/api/v1/audits/${otherAudit.id}`), 404, 'not_found');
      });
    });

    it('shows the evidence effective in the window only, and populations computed over the window', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'win');
        const owner = await signIn(t, org.users.owner);
        const audit = await createAudit(owner);
        await putAuditorOn(owner, org, audit.id);
        const auditor = await signIn(t, org.users.auditor);

        const inside = await addEvidence(owner, 'january-review.txt', '2026-01-15');
        const spanning = await addEvidence(owner, 'policy-2025.txt', '2025-06-01', '2026-01-10');
        const before = await addEvidence(owner, 'old-review.txt', '2025-11-01', '2025-12-31');
        const afterWindow = await addEvidence(owner, 'march-review.txt', '2026-03-01');

        const listed = await auditor.get(`/api/v1/audits/${audit.id}/evidence`);
        assert.equal(listed.statusCode, 200, listed.body);
        assert.deepEqual((listed.json().items as { id: string }[]).map((i) => i.id).sort(), [inside, spanning].sort());
        assert.equal(listed.json().window.from, '2026-01-01T00:00:00.000Z');
        assert.equal(listed.json().window.to, '2026-03-01T00:00:00.000Z');
        const download = await auditor.get(`/api/v1/audits/${audit.id}/evidence/${inside}/download`);
        assert.equal(download.statusCode, 200);
        assert.equal(download.body, 'january-review.txt\n');
        for (const id of [before, afterWindow]) {
          problem(await auditor.get(`/api/v1/audits/${audit.id}/evidence/${id}/download`), 404, 'not_found');
        }

        // People who started (and left) inside the window, and not those outside it.
        for (const [email, startDate, endDate] of [
          ['in@win.example', '2026-01-05', null],
          ['edge@win.example', '2026-02-28', null],
          ['early@win.example', '2025-12-31', '2026-02-01'],
          ['late@win.example', '2026-03-01', null],
        ] as const) {
          const res = await owner.post('/api/v1/people', { email, name: email.split('@')[0], startDate, endDate });
          assert.equal(res.statusCode, 201, res.body);
        }
        const summaries = (await auditor.get(`/api/v1/audits/${audit.id}/populations`)).json().items as {
          id: string;
          size: number;
          source: string;
        }[];
        assert.equal(summaries.find((p) => p.id === 'people-started')?.size, 2);
        assert.match(summaries.find((p) => p.id === 'people-started')?.source ?? '', /start_date/);
        const started = (await auditor.get(`/api/v1/audits/${audit.id}/populations/people-started`)).json();
        assert.deepEqual(
          (started.rows as string[][]).map((r) => r[1]),
          ['in@win.example', 'edge@win.example'],
        );
        assert.deepEqual(started.window, { from: '2026-01-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' });
        const left = (await auditor.get(`/api/v1/audits/${audit.id}/populations/people-left`)).json();
        assert.deepEqual(
          (left.rows as string[][]).map((r) => r[1]),
          ['early@win.example'],
        );
        const csv = await auditor.get(`/api/v1/audits/${audit.id}/populations/people-started/csv`);
        assert.equal(csv.statusCode, 200);
        assert.match(String(csv.headers['content-type']), /^text\/csv/);
        assert.match(String(csv.headers['content-disposition']), /people-started-2026-01-01-to-2026-03-01\.csv/);
        const lines = csv.body.trim().split('\r\n');
        assert.equal(lines[0], 'name,email,employment type,department,title,start date,source');
        assert.equal(lines.length, 3);
        problem(await auditor.get(`/api/v1/audits/${audit.id}/populations/everyone`), 400, 'validation_failed');
      });
    });

    it('counts a control failing on the days a failing check result was in force within the window', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'ctl');
        const owner = await signIn(t, org.users.owner);
        const audit = await createAudit(owner);
        const res = await owner.get(`/api/v1/audits/${audit.id}/controls`);
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as {
          window: { daysElapsed: number };
          method: string;
          controls: { key: string; checks: string[]; daysObserved: number; daysFailing: number; daysPassing: number }[];
        };
        assert.equal(body.window.daysElapsed, 59);
        assert.match(body.method, /failing/);
        const control = body.controls.find((c) => c.checks.length > 0);
        assert.ok(control, 'a control in scope has automated checks');
        const check = control.checks[0] as string;
        // Failing from 10 January until 12 January 09:00, passing afterwards (still in force).
        await t.rt.database.query(
          `INSERT INTO check_results (id, org_id, check_id, resource, outcome, observed_at, superseded_at)
           VALUES (gen_random_uuid(), $1, $2, 'r1', 'fail', '2026-01-10T12:00:00Z', '2026-01-12T09:00:00Z'),
                  (gen_random_uuid(), $1, $2, 'r1', 'pass', '2026-01-12T09:00:00Z', NULL)`,
          [org.id, check],
        );
        const again = (await owner.get(`/api/v1/audits/${audit.id}/controls`)).json() as typeof body;
        const after = again.controls.find((c) => c.key === control.key);
        assert.equal(after?.daysFailing, 3, '10, 11 and 12 January');
        assert.equal(after?.daysObserved, 50, '10 January to 28 February');
        assert.equal(after?.daysPassing, 47);
      });
    });

    it('runs an evidence request from raised to accepted, notifying each side, and refuses the wrong steps', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'req');
        const other = await makeOrg(t, 'req-other');
        const owner = await signIn(t, org.users.owner);
        const member = await signIn(t, org.users.member);
        const reviewer = await signIn(t, org.users.reviewer);
        const audit = await createAudit(owner);
        await putAuditorOn(owner, org, audit.id);
        const auditor = await signIn(t, org.users.auditor);
        const stranger = await signIn(t, other.users.member);
        const evidenceId = await addEvidence(owner, 'onboarding-checklist.txt', '2026-01-20');

        problem(await owner.post(`/api/v1/audits/${audit.id}/requests`, { title: 'x' }), 403, 'forbidden');
        problem(await auditor.post(`/api/v1/audits/${audit.id}/requests`, { title: '' }), 400, 'validation_failed');
        const raised = await auditor.post(`/api/v1/audits/${audit.id}/requests`, {
          title: 'Onboarding records for January starters',
          details: 'The signed checklist of each person who started in January.',
          dueOn: '2026-03-09',
        });
        assert.equal(raised.statusCode, 201, raised.body);
        const request = raised.json() as Request;
        assert.equal(request.number, 1);
        assert.equal(request.status, 'open');
        const raisedNotices = await rows<{ user_id: string }>(
          t,
          "SELECT user_id FROM notifications WHERE org_id = $1 AND kind = 'audit.request_raised'",
          [org.id],
        );
        assert.deepEqual(raisedNotices.map((n) => n.user_id).sort(), [org.users.owner.id, org.users.admin.id].sort());

        const base = `/api/v1/audits/${audit.id}/requests/${request.id}`;
        problem(await auditor.post(`${base}/accept`), 409, 'conflict');
        problem(await reviewer.post(`${base}/answer`, { message: 'Here' }), 403, 'forbidden');
        problem(await auditor.post(`${base}/answer`, { message: 'Here' }), 403, 'forbidden');
        problem(await member.post(`${base}/answer`, {}), 400, 'validation_failed');
        problem(await stranger.post(`${base}/answer`, { message: 'Here' }), 404, 'not_found');
        // A member links only evidence they may see (the owner's upload is not theirs).
        const unseen = problem(
          await member.post(`${base}/answer`, { message: 'See this', evidenceIds: [evidenceId] }),
          400,
          'validation_failed',
        );
        assert.equal(unseen.errors?.[0]?.path, 'body.evidenceIds.0');
        assert.equal(await count(t, 'audit_request_messages WHERE org_id = $1', [org.id]), 0);

        const answered = await member.post(`${base}/answer`, { message: 'HR keeps them; the owner will attach them.' });
        assert.equal(answered.statusCode, 200, answered.body);
        assert.equal(answered.json().status, 'answered');
        assert.equal(
          await count(t, "notifications WHERE org_id = $1 AND kind = 'audit.request_answered' AND user_id = $2", [
            org.id,
            org.users.auditor.id,
          ]),
          1,
        );

        t.clock.advance(60_000);
        const reopened = await auditor.post(`${base}/reopen`, { message: 'The February starters are missing.' });
        assert.equal(reopened.json().status, 'reopened');
        assert.equal(
          await count(t, "notifications WHERE org_id = $1 AND kind = 'audit.request_reopened'", [org.id]),
          2,
        );
        t.clock.advance(60_000);
        const linked = await owner.post(`${base}/answer`, {
          message: 'Both months attached.',
          evidenceIds: [evidenceId],
        });
        assert.deepEqual(
          (linked.json() as Request).evidence.map((e) => e.id),
          [evidenceId],
        );
        t.clock.advance(60_000);
        const accepted = await auditor.post(`${base}/accept`);
        assert.equal(accepted.statusCode, 200, accepted.body);
        assert.equal(accepted.json().status, 'accepted');
        assert.deepEqual(
          (accepted.json() as Request).messages.map((m) => m.kind),
          ['answer', 'reopen', 'answer', 'accept'],
        );
        problem(await member.post(`${base}/answer`, { message: 'More' }), 409, 'conflict');
        for (const action of ['request_raised', 'request_answered', 'request_reopened', 'request_accepted']) {
          assert.ok(
            (await count(t, 'audit_log WHERE org_id = $1 AND action = $2', [org.id, `audit.${action}`])) >= 1,
            action,
          );
        }
        // Linked evidence is part of the audit: the auditor may download it.
        assert.equal((await auditor.get(`/api/v1/audits/${audit.id}/evidence/${evidenceId}/download`)).statusCode, 200);
      });
    });

    it('writes an audit row for every request an auditor makes, reads and refusals included', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'log');
        const owner = await signIn(t, org.users.owner);
        const audit = await createAudit(owner);
        await putAuditorOn(owner, org, audit.id);
        const auditor = await signIn(t, org.users.auditor);
        const calls: [string, string, unknown?][] = [
          ['GET', '/api/v1/audits'],
          ['GET', `/api/v1/audits/${audit.id}`],
          ['GET', `/api/v1/audits/${audit.id}/evidence`],
          ['GET', '/api/v1/controls'],
          ['POST', '/api/v1/audits', newAudit()],
          ['POST', `/api/v1/audits/${audit.id}/requests`, { title: 'Change tickets' }],
        ];
        for (const [method, url, body] of calls) await auditor.request(method, url, body);
        const logged = await auditorCalls(t, org.id);
        for (const [method, url] of calls) {
          assert.equal(logged.filter((r) => r.details.method === method && r.details.path === url).length, 1, url);
        }
        const find = (method: string, path: string) =>
          logged.find((r) => r.details.method === method && r.details.path === path);
        const raise = find('POST', `/api/v1/audits/${audit.id}/requests`);
        assert.deepEqual(
          [raise?.action, raise?.details.status, raise?.details.auditId],
          ['auditor.acted', 201, audit.id],
        );
        const refused = find('POST', '/api/v1/audits');
        assert.deepEqual([refused?.action, refused?.details.status], ['auditor.acted', 403]);
        const evidence = find('GET', `/api/v1/audits/${audit.id}/evidence`);
        assert.deepEqual(
          [evidence?.action, evidence?.target_id, evidence?.details.status],
          ['auditor.viewed', audit.id, 200],
        );
        assert.equal(find('GET', '/api/v1/controls')?.target_id, '/api/v1/controls');
        assert.equal(raise?.actor_user_id, org.users.auditor.id);
        // A refused request is logged by its route: an id the auditor sent names nothing here.
        const stranger = crypto.randomUUID();
        assert.equal((await auditor.get(`/api/v1/policies/${stranger}`)).statusCode, 404);
        const notFound = (await auditorCalls(t, org.id)).filter((r) => r.details.status === 404);
        assert.deepEqual(
          notFound.map((r) => [r.target_id, r.details.path]),
          [['/api/v1/policies/:id', '/api/v1/policies/:id']],
        );
        assert.equal(
          await count(t, 'audit_log WHERE org_id = $1 AND details::text LIKE $2', [org.id, `%${stranger}%`]),
          0,
        );
        // Nobody else's requests are logged this way.
        await owner.get(`/api/v1/audits/${audit.id}/populations`);
        assert.equal(
          await count(t, "audit_log WHERE org_id = $1 AND action LIKE 'auditor.%' AND actor_user_id <> $2", [
            org.id,
            org.users.auditor.id,
          ]),
          0,
        );
      });
    });

    it('hands the auditor a bundle of exactly the window’s evidence that verifies offline', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'bun');
        const owner = await signIn(t, org.users.owner);
        const audit = await createAudit(owner);
        await putAuditorOn(owner, org, audit.id);
        const auditor = await signIn(t, org.users.auditor);
        const member = await signIn(t, org.users.member);
        await addEvidence(owner, 'january-review.txt', '2026-01-15');
        await addEvidence(owner, 'last-day.txt', '2026-02-28T23:59:00Z');
        await addEvidence(owner, 'march-review.txt', '2026-03-01');
        await addEvidence(owner, 'old-review.txt', '2025-10-01', '2025-12-31');

        problem(await member.post(`/api/v1/audits/${audit.id}/bundle`), 403, 'forbidden');
        const res = await auditor.post(`/api/v1/audits/${audit.id}/bundle`);
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.headers['content-type'], 'application/zip');
        assert.match(String(res.headers['content-disposition']), /evidence-2026-01-01-to-2026-03-01\.zip/);
        const dir = mkdtempSync(join(tmpdir(), 'attest-audit-bundle-'));
        dirs.push(dir);
        const path = join(dir, 'bundle.zip');
        writeFileSync(path, res.rawPayload);
        const report = await verifyBundle(path);
        assert.equal(report.ok, true, report.lines.join('\n'));
        const evidenceItems = report.items.filter((i) => !/^#\d+ export /.test(i.label));
        assert.deepEqual(evidenceItems.map((i) => i.label.replace(/^#\d+ /, '')).sort(), [
          'january-review.txt',
          'last-day.txt',
        ]);
        const [exported] = await rows<{ details: { from: string; to: string; items: number } }>(
          t,
          "SELECT details FROM audit_log WHERE org_id = $1 AND action = 'evidence.exported'",
          [org.id],
        );
        assert.deepEqual(exported?.details, {
          ...exported?.details,
          from: '2026-01-01T00:00:00.000Z',
          to: '2026-03-01T00:00:00.000Z',
          items: 2,
        });
      });
    });
  });
}
