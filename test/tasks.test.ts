import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { openWithKey } from '../src/crypto/seal.js';
import { startJobs } from '../src/jobs/boss.js';
import { loadControlLibrary } from '../src/modules/controls/library.js';
import { seedDemo } from '../src/modules/demo/seed.js';
import { fileContext } from '../src/modules/tasks/complete.js';
import { REMIND_CRON, REMIND_QUEUE, registerTaskJobs } from '../src/modules/tasks/jobs.js';
import { remindOverdue } from '../src/modules/tasks/remind.js';
import { addMonths } from '../src/modules/tasks/schedule.js';
import { createTasksWhereMissing } from '../src/modules/tasks/service.js';
import type { Client, TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn } from './helpers/factories.js';
import { type LocalSmtp, startSmtp } from './helpers/smtp.js';

interface Task {
  id: string;
  title: string;
  cadence: string;
  status: string;
  dueAt: string;
  overdue: boolean;
  seriesId: string;
  assignee: { id: string } | null;
  completion: {
    kind: string;
    url?: string;
    note?: string;
    file?: { name: string; size: number; sha256: string };
  } | null;
}

const DAY = 86_400_000;

/** A control of the organisation (read directly: the controls routes belong to another capability). */
async function firstControl(t: TestApp, orgId: string): Promise<{ id: string; key: string }> {
  const [control] = await rows<{ id: string; key: string }>(
    t,
    'SELECT id, key FROM controls WHERE org_id = $1 ORDER BY key LIMIT 1',
    [orgId],
  );
  assert.ok(control);
  return control;
}

async function addTask(
  client: Client,
  controlId: string,
  body: { title: string; cadence: string; dueAt: string; assigneeUserId?: string | null },
): Promise<Task> {
  const res = await client.post(`/api/v1/controls/${controlId}/tasks`, body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function complete(client: Client, id: string, body: unknown): Promise<{ task: Task; next: Task | null }> {
  const res = await client.post(`/api/v1/tasks/${id}/complete`, body);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

async function allTasks(client: Client, query = ''): Promise<Task[]> {
  const seen: Task[] = [];
  let cursor = '';
  do {
    const res = await client.get(`/api/v1/tasks?limit=40${query}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(res.statusCode, 200, res.body);
    seen.push(...res.json().items);
    cursor = res.json().nextCursor ?? '';
  } while (cursor);
  return seen;
}

const auditActions = async (t: TestApp, orgId: string) =>
  (
    await rows<{ action: string }>(
      t,
      "SELECT action FROM audit_log WHERE org_id = $1 AND action LIKE 'task.%' ORDER BY id",
      [orgId],
    )
  ).map((r) => r.action);

for (const engine of ENGINES) {
  describe(`evidence tasks (${engine})`, () => {
    it('opens a task for every evidence item of every control when an organisation starts, and at start-up where missing', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'start');
        const now = t.clock.now();
        const library = loadControlLibrary();
        const expected = library.reduce((n, c) => n + c.evidence.length, 0);
        assert.equal(await count(t, 'evidence_tasks WHERE org_id = $1', [org.id]), expected);
        assert.equal(await count(t, "evidence_tasks WHERE org_id = $1 AND status = 'open'", [org.id]), expected);
        const monthly = library.find((c) => c.evidence.some((e) => e.cadence === 'monthly'));
        assert.ok(monthly);
        const [row] = await rows<{ due_at: Date; assignee_user_id: string | null }>(
          t,
          `SELECT t.due_at, t.assignee_user_id FROM evidence_tasks t JOIN controls c ON c.id = t.control_id
            WHERE t.org_id = $1 AND c.key = $2 AND t.cadence = 'monthly'`,
          [org.id, monthly.key],
        );
        assert.equal(row?.due_at.toISOString(), addMonths(now, 1).toISOString(), 'due one period from now');
        assert.equal(row?.assignee_user_id, null, 'no control owner yet, so nobody is assigned');

        const admin = await signIn(t, org.users.admin);
        const listed = await allTasks(admin);
        assert.equal(listed.length, expected, 'pagination returns every task once');
        assert.equal(new Set(listed.map((x) => x.id)).size, expected);
        assert.ok(
          listed.every((x, i) => i === 0 || listed[i - 1]!.dueAt <= x.dueAt),
          'soonest due first',
        );

        // An organisation whose tasks are missing (created before this capability) gets them at start-up.
        await t.rt.database.query('DELETE FROM evidence_tasks WHERE org_id = $1', [org.id]);
        await createTasksWhereMissing(t.rt.database, t.clock.now());
        assert.equal(await count(t, 'evidence_tasks WHERE org_id = $1', [org.id]), expected);
        await createTasksWhereMissing(t.rt.database, t.clock.now());
        assert.equal(await count(t, 'evidence_tasks WHERE org_id = $1', [org.id]), expected, 'only once');
      });
    });

    it('seeds the demo organisation with completed, overdue and assigned tasks', async () => {
      await withApp(engine, async (t) => {
        const { organisation } = await seedDemo(t.rt);
        const n = (where: string) => count(t, `evidence_tasks WHERE org_id = $1 AND ${where}`, [organisation.id]);
        const now = t.clock.now();
        assert.ok((await n("status = 'completed'")) >= 3, 'some completed');
        const overdue = await count(t, "evidence_tasks WHERE org_id = $1 AND status = 'open' AND due_at < $2", [
          organisation.id,
          now,
        ]);
        assert.ok(overdue >= 2, `some overdue (${overdue})`);
        assert.ok((await n('assignee_user_id IS NOT NULL')) > 10, 'assigned to demo people');
        assert.equal(await count(t, 'task_files WHERE org_id = $1', [organisation.id]), 1, 'one completed with a file');
        const kinds = await rows<{ completion_kind: string }>(
          t,
          "SELECT DISTINCT completion_kind FROM evidence_tasks WHERE org_id = $1 AND status = 'completed' ORDER BY 1",
          [organisation.id],
        );
        assert.deepEqual(
          kinds.map((k) => k.completion_kind),
          ['file', 'link', 'note'],
        );
        // People and access: the team and the HRIS sample in the register, an agreement to sign,
        // the course, three systems, a granted and a pending request, a review under way.
        const org = [organisation.id];
        assert.equal(await count(t, "people WHERE org_id = $1 AND email LIKE '%@northwind.demo'", org), 6);
        assert.ok((await count(t, "people WHERE org_id = $1 AND source = 'hris'", org)) >= 20, 'the HRIS sample');
        assert.equal(await count(t, 'agreements WHERE org_id = $1', org), 1);
        assert.ok((await count(t, 'training_modules WHERE org_id = $1', org)) >= 7);
        assert.equal(await count(t, 'systems WHERE org_id = $1', org), 3);
        assert.equal(await count(t, "access_requests WHERE org_id = $1 AND status = 'approved'", org), 1);
        assert.equal(await count(t, "access_requests WHERE org_id = $1 AND status = 'pending'", org), 1);
        assert.ok((await count(t, 'access_review_items WHERE org_id = $1', org)) > 5, 'a review with items');
        const late = await rows<{ outcome: string }>(
          t,
          `SELECT r.outcome FROM check_results r JOIN inventory_records i ON i.id::text = r.resource
            WHERE r.org_id = $1 AND r.check_id = 'people.background_check_before_start' AND r.superseded_at IS NULL
              AND i.email = 'jordan.kim@northwind.demo'`,
          org,
        );
        assert.equal(late[0]?.outcome, 'fail', 'Jordan started before the background check came back');
      });
    });

    it('schedules the next occurrence from the previous due date for each cadence, with the clock', async () => {
      await withApp(engine, async (t) => {
        t.clock.set(new Date('2026-01-10T09:00:00Z'));
        const org = await makeOrg(t, 'recur');
        let admin = await signIn(t, org.users.admin);
        const control = await firstControl(t, org.id);
        const note = { kind: 'note', note: 'Reviewed and filed.' };
        // Months pass between steps: sessions expire, so the admin signs in again at each.
        const at = async (iso: string) => {
          t.clock.set(new Date(iso));
          admin = await signIn(t, org.users.admin);
        };

        // Monthly from 31 January: the last day of February, then back to the 31st.
        const jan = await addTask(admin, control.id, {
          title: 'Month-end review',
          cadence: 'monthly',
          dueAt: '2026-01-31T17:00:00Z',
          assigneeUserId: org.users.member.id,
        });
        await at('2026-01-30T10:00:00Z');
        const feb = (await complete(admin, jan.id, note)).next;
        assert.equal(feb?.dueAt, '2026-02-28T17:00:00.000Z');
        assert.equal(feb?.assignee?.id, org.users.member.id, 'same assignee');
        assert.equal(feb?.seriesId, jan.seriesId);
        assert.equal(feb?.status, 'open');
        await at('2026-02-27T10:00:00Z');
        const mar = (await complete(admin, feb!.id, note)).next;
        assert.equal(mar?.dueAt, '2026-03-31T17:00:00.000Z', 'back on the 31st, no drift to the 28th');
        // Completed late (in May): not completion + 1 month, but the first period end still ahead.
        await at('2026-05-05T10:00:00Z');
        const late = (await complete(admin, mar!.id, note)).next;
        assert.equal(late?.dueAt, '2026-05-31T17:00:00.000Z');

        const quarterly = await addTask(admin, control.id, {
          title: 'Quarterly access review',
          cadence: 'quarterly',
          dueAt: '2026-05-15T12:00:00Z',
        });
        await at('2026-05-20T08:00:00Z');
        assert.equal((await complete(admin, quarterly.id, note)).next?.dueAt, '2026-08-15T12:00:00.000Z');

        const yearly = await addTask(admin, control.id, {
          title: 'Yearly plan test',
          cadence: 'yearly',
          dueAt: '2026-06-01T00:00:00Z',
        });
        assert.equal((await complete(admin, yearly.id, note)).next?.dueAt, '2027-06-01T00:00:00.000Z');

        const once = await addTask(admin, control.id, {
          title: 'One-off scoping memo',
          cadence: 'once',
          dueAt: '2026-06-10T00:00:00Z',
        });
        const done = await complete(admin, once.id, note);
        assert.equal(done.next, null);
        assert.equal(done.task.status, 'completed');
        assert.equal(await count(t, "evidence_tasks WHERE series_id = $1 AND status = 'open'", [once.seriesId]), 0);

        // A completed task cannot be completed again (so it cannot schedule a second next one).
        problem(await admin.post(`/api/v1/tasks/${once.id}/complete`, note), 409, 'conflict');

        const history = await admin.get(`/api/v1/tasks/${late!.id}/history`);
        assert.equal(history.statusCode, 200, history.body);
        assert.deepEqual(
          history.json().items.map((x: Task) => x.dueAt),
          ['2026-03-31T17:00:00.000Z', '2026-02-28T17:00:00.000Z', '2026-01-31T17:00:00.000Z'],
        );
        const completed = await rows<{ details: { next: { dueAt: string } | null; kind: string } }>(
          t,
          "SELECT details FROM audit_log WHERE org_id = $1 AND action = 'task.completed' AND target_id = $2",
          [org.id, jan.id],
        );
        assert.equal(completed[0]?.details.kind, 'note');
        assert.equal(completed[0]?.details.next?.dueAt, '2026-02-28T17:00:00.000Z');
      });
    });

    it('completes with an http(s) link, a note or an encrypted file, and refuses bad input', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'kinds');
        const admin = await signIn(t, org.users.admin);
        const member = await signIn(t, org.users.member);
        const control = await firstControl(t, org.id);
        const dueAt = new Date(t.clock.now().getTime() + 7 * DAY).toISOString();
        const mine = () =>
          addTask(admin, control.id, {
            title: 'Upload evidence',
            cadence: 'monthly',
            dueAt,
            assigneeUserId: org.users.member.id,
          });

        const linkTask = await mine();
        for (const url of ['javascript:alert(1)', 'ftp://files.example.test/x', 'not a url', '']) {
          const body = problem(
            await member.post(`/api/v1/tasks/${linkTask.id}/complete`, { kind: 'link', url }),
            400,
            'validation_failed',
          );
          assert.match(body.detail, /http/);
        }
        problem(
          await member.post(`/api/v1/tasks/${linkTask.id}/complete`, { kind: 'note', note: '   ' }),
          400,
          'validation_failed',
        );
        assert.equal(
          (await member.get(`/api/v1/tasks/${linkTask.id}`)).json().status,
          'open',
          'refusals wrote nothing',
        );
        const linked = await complete(member, linkTask.id, { kind: 'link', url: 'https://drive.example.test/report' });
        assert.deepEqual(linked.task.completion, { kind: 'link', url: 'https://drive.example.test/report' });

        const noteTask = await mine();
        const noted = await complete(member, noteTask.id, { kind: 'note', note: '  Checked the backup restore.  ' });
        assert.deepEqual(noted.task.completion, { kind: 'note', note: 'Checked the backup restore.' });

        const fileTask = await mine();
        const plaintext = Buffer.concat([Buffer.from('ATTEST-EVIDENCE-PLAINTEXT '), randomBytes(4096)]);
        const up = await member.request(
          'PUT',
          `/api/v1/tasks/${fileTask.id}/file?name=${encodeURIComponent('../q1 restore ✓.pdf')}&type=application/pdf`,
          plaintext,
          {
            'content-type': 'application/octet-stream',
          },
        );
        assert.equal(up.statusCode, 200, up.body);
        const file = up.json().task.completion.file;
        assert.equal(file.name, 'q1 restore ✓.pdf', 'the path is dropped from the name');
        assert.equal(file.size, plaintext.length);
        assert.equal(file.sha256, createHash('sha256').update(plaintext).digest('hex'));
        assert.ok(up.json().next, 'a file completion schedules the next occurrence too');

        const down = await admin.get(`/api/v1/tasks/${fileTask.id}/file`);
        assert.equal(down.statusCode, 200);
        assert.ok(down.rawPayload.equals(plaintext), 'the download is the uploaded bytes');
        assert.equal(down.headers['content-type'], 'application/octet-stream');
        assert.match(
          String(down.headers['content-disposition']),
          /^attachment; filename="q1 restore _\.pdf"; filename\*=UTF-8''q1%20restore%20%E2%9C%93\.pdf$/,
        );

        const [stored] = await rows<{ sealed: Uint8Array; key_term: number }>(
          t,
          'SELECT sealed, key_term FROM task_files WHERE task_id = $1',
          [fileTask.id],
        );
        assert.ok(stored);
        const sealed = Buffer.from(stored.sealed);
        assert.ok(!sealed.includes(Buffer.from('ATTEST-EVIDENCE-PLAINTEXT')), 'stored encrypted');
        assert.ok(!sealed.includes(plaintext.subarray(100, 164)));
        // Sealed under the organisation's current data key, whose term is stored beside it.
        const dataKey = await t.rt.keyring.currentDataKey(org.id);
        assert.equal(stored.key_term, dataKey.term);
        assert.ok(openWithKey(dataKey.key, sealed, fileContext(org.id, fileTask.id)).equals(plaintext));
        assert.throws(() => openWithKey(dataKey.key, sealed, fileContext(org.id, linkTask.id)), 'bound to its task');
        assert.throws(() => t.rt.keys.openBytes(sealed, fileContext(org.id, fileTask.id)), 'not the master key');

        const empty = await mine();
        problem(
          await member.request('PUT', `/api/v1/tasks/${empty.id}/file?name=x.txt`, Buffer.alloc(0), {
            'content-type': 'application/octet-stream',
          }),
          400,
          'bad_request',
        );
        problem(
          await member.request(
            'PUT',
            `/api/v1/tasks/${empty.id}/file?name=big.bin`,
            Buffer.alloc(10 * 1024 * 1024 + 1),
            {
              'content-type': 'application/octet-stream',
            },
          ),
          413,
          'payload_too_large',
        );
        problem(await admin.get(`/api/v1/tasks/${empty.id}/file`), 404, 'not_found');
        // Only the upload route takes raw bytes.
        problem(
          await member.request('POST', `/api/v1/tasks/${empty.id}/complete`, Buffer.from('x'), {
            'content-type': 'application/octet-stream',
          }),
          415,
          'unsupported_media_type',
        );
        assert.equal((await member.get(`/api/v1/tasks/${empty.id}`)).json().status, 'open');
        assert.equal(await count(t, 'task_files WHERE org_id = $1', [org.id]), 1);
        const grants = await t.rt.database.query(
          "SELECT has_table_privilege('attest_app', 'task_files', 'UPDATE') AS u, has_table_privilege('attest_app', 'task_files', 'DELETE') AS d",
        );
        assert.deepEqual(grants.rows[0], { u: false, d: false }, 'stored files cannot be rewritten');
      });
    });

    it('shows members and reviewers only their own tasks, lets auditors read but not write', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'authz');
        const admin = await signIn(t, org.users.admin);
        const control = await firstControl(t, org.id);
        const dueAt = new Date(t.clock.now().getTime() + 5 * DAY).toISOString();
        const forMember = await addTask(admin, control.id, {
          title: 'Member task',
          cadence: 'monthly',
          dueAt,
          assigneeUserId: org.users.member.id,
        });
        const forReviewer = await addTask(admin, control.id, {
          title: 'Reviewer task',
          cadence: 'quarterly',
          dueAt,
          assigneeUserId: org.users.reviewer.id,
        });
        problem(
          await admin.post(`/api/v1/controls/${control.id}/tasks`, {
            title: 'For the auditor',
            cadence: 'once',
            dueAt,
            assigneeUserId: org.users.auditor.id,
          }),
          400,
          'validation_failed',
        );
        problem(
          await admin.post(`/api/v1/controls/${control.id}/tasks`, {
            title: 'In the past',
            cadence: 'once',
            dueAt: '2020-01-01T00:00:00Z',
          }),
          400,
          'validation_failed',
        );

        const member = await signIn(t, org.users.member);
        const seen = await allTasks(member);
        assert.deepEqual(
          seen.map((x) => x.id),
          [forMember.id],
          'a member sees only the task assigned to them',
        );
        problem(await member.get(`/api/v1/tasks/${forReviewer.id}`), 404, 'not_found');
        problem(await member.get(`/api/v1/tasks/${forReviewer.id}/history`), 404, 'not_found');
        problem(
          await member.post(`/api/v1/tasks/${forReviewer.id}/complete`, { kind: 'note', note: 'mine now' }),
          404,
          'not_found',
        );
        problem(await member.patch(`/api/v1/tasks/${forMember.id}`, { dueAt }), 403, 'forbidden');
        problem(
          await member.post(`/api/v1/controls/${control.id}/tasks`, { title: 'Sneaky', cadence: 'once', dueAt }),
          403,
          'forbidden',
        );

        const reviewer = await signIn(t, org.users.reviewer);
        assert.deepEqual(
          (await allTasks(reviewer)).map((x) => x.id),
          [forReviewer.id],
        );
        await complete(reviewer, forReviewer.id, { kind: 'note', note: 'Reviewed every account.' });

        const auditor = await signIn(t, org.users.auditor);
        const auditorSees = await allTasks(auditor);
        assert.equal(auditorSees.length, (await allTasks(admin)).length, 'auditors read every task');
        problem(
          await auditor.post(`/api/v1/tasks/${forMember.id}/complete`, { kind: 'note', note: 'x' }),
          403,
          'forbidden',
        );
        problem(await auditor.patch(`/api/v1/tasks/${forMember.id}`, { status: 'cancelled' }), 403, 'forbidden');
        problem(
          await auditor.request('PUT', `/api/v1/tasks/${forMember.id}/file?name=a.txt`, Buffer.from('a'), {
            'content-type': 'application/octet-stream',
          }),
          403,
          'forbidden',
        );

        // Owners and admins manage: reassign (the new person is told), reschedule, cancel.
        const later = new Date(t.clock.now().getTime() + 20 * DAY).toISOString();
        const moved = await admin.patch(`/api/v1/tasks/${forMember.id}`, {
          assigneeUserId: org.users.reviewer.id,
          dueAt: later,
        });
        assert.equal(moved.statusCode, 200, moved.body);
        assert.equal(moved.json().assignee.id, org.users.reviewer.id);
        assert.equal(moved.json().dueAt, later);
        assert.equal(
          await count(t, "notifications WHERE user_id = $1 AND kind = 'task.assigned'", [org.users.reviewer.id]),
          2,
        );
        assert.deepEqual(await allTasks(member), [], 'reassigned away: the member no longer sees it');
        const cancelled = await admin.patch(`/api/v1/tasks/${forMember.id}`, { status: 'cancelled' });
        assert.equal(cancelled.json().status, 'cancelled');
        problem(await admin.patch(`/api/v1/tasks/${forMember.id}`, { dueAt: later }), 409, 'conflict');
        problem(
          await reviewer.post(`/api/v1/tasks/${forMember.id}/complete`, { kind: 'note', note: 'late' }),
          409,
          'conflict',
        );

        // Filters.
        const open = await allTasks(admin, `&status=open&controlId=${control.id}`);
        assert.ok(open.every((x) => x.status === 'open'));
        assert.ok(
          open.some((x) => x.seriesId === forReviewer.seriesId),
          "the reviewer's next occurrence is open",
        );
        assert.deepEqual(await allTasks(admin, '&assignee=me'), []);
        assert.equal(
          (await allTasks(admin, '&assignee=none&status=open')).every((x) => x.assignee === null),
          true,
        );
        problem(await admin.get('/api/v1/tasks?cursor=bm9wZQ'), 400, 'validation_failed');

        // Another organisation's admin cannot reach these tasks or this control.
        const other = await makeOrg(t, 'other');
        const outsider = await signIn(t, other.users.admin);
        problem(await outsider.get(`/api/v1/tasks/${forReviewer.id}`), 404, 'not_found');
        problem(await outsider.patch(`/api/v1/tasks/${forReviewer.id}`, { status: 'cancelled' }), 404, 'not_found');
        problem(
          await outsider.post(`/api/v1/controls/${control.id}/tasks`, { title: 'Across', cadence: 'once', dueAt }),
          404,
          'not_found',
        );
        assert.ok(!(await allTasks(outsider, `&controlId=${control.id}`)).length);

        assert.deepEqual(await auditActions(t, org.id), [
          'task.created',
          'task.created',
          'task.completed',
          'task.updated',
          'task.cancelled',
        ]);
        const [change] = await rows<{ details: { changed: Record<string, unknown> } }>(
          t,
          "SELECT details FROM audit_log WHERE org_id = $1 AND action = 'task.updated'",
          [org.id],
        );
        assert.deepEqual(Object.keys(change?.details.changed ?? {}).sort(), ['assigneeUserId', 'dueAt']);
      });
    });
  });
}

describe('overdue evidence task reminders', () => {
  let smtp: LocalSmtp;

  before(async () => {
    smtp = await startSmtp();
  });

  after(() => smtp.close());

  for (const engine of ENGINES) {
    it(`reminds the assignee (or, unassigned, the owners and admins) once a day, in-app and by mail (${engine})`, async () => {
      await withApp(
        engine,
        async (t) => {
          const org = await makeOrg(t, 'remind');
          const admin = await signIn(t, org.users.admin);
          const control = await firstControl(t, org.id);
          const dueAt = new Date(t.clock.now().getTime() + 2 * DAY).toISOString();
          const assigned = await addTask(admin, control.id, {
            title: 'Rotate the deploy keys',
            cadence: 'monthly',
            dueAt,
            assigneeUserId: org.users.member.id,
          });
          const unassigned = await addTask(admin, control.id, {
            title: 'File the pentest report',
            cadence: 'yearly',
            dueAt,
          });
          const noticesOf = (userId: string) =>
            count(t, "notifications WHERE org_id = $1 AND user_id = $2 AND kind = 'task.overdue'", [org.id, userId]);

          // Not overdue yet: nothing happens.
          assert.deepEqual(await remindOverdue(t.rt.database, t.rt, t.clock.now()), {
            tasks: 0,
            notices: 0,
            emails: 0,
          });

          t.clock.advance(3 * DAY);
          let member = await signIn(t, org.users.member);
          const overdue = await allTasks(member, '&overdue=true');
          assert.deepEqual(
            overdue.map((x) => [x.id, x.overdue]),
            [[assigned.id, true]],
          );
          const first = await remindOverdue(t.rt.database, t.rt, t.clock.now());
          assert.deepEqual(first, { tasks: 2, notices: 3, emails: 3 });
          assert.equal(await noticesOf(org.users.member.id), 1);
          assert.equal(await noticesOf(org.users.owner.id), 1, 'the unassigned task reminds the owner');
          assert.equal(await noticesOf(org.users.admin.id), 1, 'and the admin');
          assert.equal(await noticesOf(org.users.reviewer.id), 0);
          const mail = smtp.inbox.find((m) => m.to.includes(org.users.member.email));
          assert.ok(mail, 'the assignee was mailed');
          assert.match(mail.body, /Subject: Overdue: Rotate the deploy keys/);
          assert.ok(
            smtp.inbox.some((m) => m.to.includes(org.users.owner.email) && /File the pentest report/.test(m.body)),
          );

          const notices = await member.get('/api/v1/notifications');
          assert.equal(notices.json().items[0].link, '/my-tasks');

          // Within the day: nothing more. After a day: once more.
          t.clock.advance(12 * 3_600_000);
          assert.equal((await remindOverdue(t.rt.database, t.rt, t.clock.now())).notices, 0);
          t.clock.advance(12 * 3_600_000);
          assert.equal((await remindOverdue(t.rt.database, t.rt, t.clock.now())).tasks, 2);
          assert.equal(await noticesOf(org.users.member.id), 2);

          // Completed tasks stop reminding; the next occurrence is not overdue.
          member = await signIn(t, org.users.member);
          const owner = await signIn(t, org.users.owner);
          await complete(member, assigned.id, { kind: 'note', note: 'Keys rotated.' });
          await complete(owner, unassigned.id, { kind: 'link', url: 'https://docs.example.test/pentest' });
          t.clock.advance(2 * DAY);
          assert.equal((await remindOverdue(t.rt.database, t.rt, t.clock.now())).tasks, 0);
          const [reminded] = await rows<{ reminded_at: Date | null }>(
            t,
            'SELECT reminded_at FROM evidence_tasks WHERE id = $1',
            [assigned.id],
          );
          assert.ok(reminded?.reminded_at, 'the reminder time is recorded');
        },
        { smtpUrl: smtp.url, mailFrom: 'Attest <attest@example.test>' },
      );
    });
  }
});

for (const engine of ENGINES) {
  describe(`the reminder job on pg-boss (${engine})`, () => {
    it('schedules tasks.remind hourly, and its worker reminds overdue tasks', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'job');
        const admin = await signIn(t, org.users.admin);
        const control = await firstControl(t, org.id);
        const dueAt = new Date(t.clock.now().getTime() + DAY).toISOString();
        await addTask(admin, control.id, {
          title: 'Check the alerting',
          cadence: 'monthly',
          dueAt,
          assigneeUserId: org.users.reviewer.id,
        });
        t.clock.advance(2 * DAY);

        const boss = await startJobs(t.rt.database, pino({ level: 'silent' }));
        try {
          await registerTaskJobs(boss, t.rt);
          const schedules = await boss.getSchedules();
          assert.deepEqual(
            schedules.filter((s) => s.name === REMIND_QUEUE).map((s) => s.cron),
            [REMIND_CRON],
          );
          // Run it now instead of waiting for the hour: the worker picks it up.
          await boss.send(REMIND_QUEUE, {});
          const notices = () =>
            count(t, "notifications WHERE user_id = $1 AND kind = 'task.overdue'", [org.users.reviewer.id]);
          for (let i = 0; i < 100 && (await notices()) === 0; i++) await new Promise((r) => setTimeout(r, 100));
          assert.equal(await notices(), 1);
        } finally {
          await boss.stop({ graceful: false, wait: true });
        }
      });
    });
  });
}
