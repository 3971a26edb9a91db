import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newId } from '../src/crypto/random.js';
import { withScope } from '../src/db/tenancy.js';
import { loadBuiltinCourse } from '../src/modules/training/content.js';
import { remindTraining, trainingObligations } from '../src/modules/training/service.js';
import type { Client, TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg } from './helpers/factories.js';
import { type LocalSmtp, startSmtp } from './helpers/smtp.js';

const DAY = 86_400_000;

interface Module {
  id: string;
  slug: string;
  title: string;
  builtin: boolean;
  required: boolean;
  passMark: number;
  version: number;
  questionCount: number;
  retiredAt: string | null;
}

interface Question {
  id: string;
  text: string;
  choices: string[];
  answer?: number;
}

interface ModuleState {
  module: Module;
  state: string;
  dueAt: string | null;
  lastPassedAt: string | null;
  attemptId: string | null;
  certificateId: string | null;
}

const BUILTIN_SLUGS = [
  'phishing-social-engineering',
  'passwords-password-managers',
  'multi-factor-authentication',
  'data-handling-classification',
  'confidentiality',
  'reporting-incidents',
  'physical-device-security',
];

async function modules(client: Client, query = ''): Promise<Module[]> {
  const res = await client.get(`/api/v1/training/modules${query}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json().items;
}

async function moduleBySlug(client: Client, slug: string): Promise<Module> {
  const found = (await modules(client)).find((m) => m.slug === slug);
  assert.ok(found, `module ${slug}`);
  return found;
}

/** The questions with their answers, as an owner or admin reads them. */
async function source(manager: Client, id: string): Promise<Question[]> {
  const res = await manager.get(`/api/v1/training/modules/${id}/source`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json().questions;
}

/** Answers: right for the first `right` questions, wrong for the rest. */
function answers(questions: Question[], right: number) {
  return questions.map((q, i) => ({
    questionId: q.id,
    choice: i < right ? (q.answer as number) : ((q.answer as number) + 1) % q.choices.length,
  }));
}

async function pass(member: Client, manager: Client, id: string) {
  const questions = await source(manager, id);
  const res = await member.post(`/api/v1/training/modules/${id}/attempts`, {
    answers: answers(questions, questions.length),
  });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().attempt.passed, true);
  return res.json();
}

async function myTraining(client: Client): Promise<{ applies: boolean; items: ModuleState[] }> {
  const res = await client.get('/api/v1/training/me');
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

const stateOf = async (client: Client, moduleId: string) => {
  const item = (await myTraining(client)).items.find((i) => i.module.id === moduleId);
  assert.ok(item);
  return item;
};

async function addPerson(t: TestApp, org: TestOrg, email: string, name: string, startDate: string | null) {
  const id = newId();
  await rows(
    t,
    `INSERT INTO people (id, org_id, email, name, source, start_date, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'manual', $5, $6, $6)`,
    [id, org.id, email, name, startDate, t.clock.now()],
  );
  return id;
}

const auditActions = async (t: TestApp, orgId: string) =>
  (
    await rows<{ action: string }>(
      t,
      "SELECT action FROM audit_log WHERE org_id = $1 AND action LIKE 'training.%' ORDER BY id",
      [orgId],
    )
  ).map((r) => r.action);

for (const engine of ENGINES) {
  describe(`security awareness training (${engine})`, () => {
    it('copies the built-in course into an organisation once and follows changes to its text with a new version', async () => {
      await withApp(engine, async (t) => {
        const course = loadBuiltinCourse();
        assert.ok(course.length >= 7);
        for (const m of course) {
          const words = m.body.split(/\s+/).length;
          assert.ok(words >= 300 && words <= 650, `${m.slug} is a real lesson (${words} words)`);
          assert.ok(m.questions.length >= 4, `${m.slug} has at least 4 questions`);
        }

        const org = await makeOrg(t, 'course');
        assert.equal(await count(t, 'training_modules WHERE org_id = $1', [org.id]), 0, 'copied when first needed');
        const member = await signIn(t, org.users.member);
        const listed = await modules(member);
        assert.deepEqual(
          listed.map((m) => m.slug),
          BUILTIN_SLUGS,
        );
        for (const m of listed) {
          assert.equal(m.builtin, true);
          assert.equal(m.required, true);
          assert.equal(m.passMark, 80);
          assert.equal(m.version, 1);
          assert.ok(m.questionCount >= 4);
        }
        await modules(member);
        assert.equal(await count(t, 'training_modules WHERE org_id = $1', [org.id]), BUILTIN_SLUGS.length);

        // The repository's text changed (simulated by an older text in the row): a new version.
        await rows(t, "UPDATE training_modules SET body = 'An older lesson.' WHERE org_id = $1 AND slug = $2", [
          org.id,
          'confidentiality',
        ]);
        const refreshed = await moduleBySlug(member, 'confidentiality');
        assert.equal(refreshed.version, 2);
        const view = await member.get(`/api/v1/training/modules/${refreshed.id}`);
        assert.equal(view.json().body, course.find((m) => m.slug === 'confidentiality')?.body);
        assert.equal((await moduleBySlug(member, 'phishing-social-engineering')).version, 1, 'others unchanged');
        assert.deepEqual(await auditActions(t, org.id), ['training.module_updated']);
      });
    });

    it('shows the quiz without its answers to the people taking it', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'hidden');
        const member = await signIn(t, org.users.member);
        const module = await moduleBySlug(member, 'multi-factor-authentication');
        const res = await member.get(`/api/v1/training/modules/${module.id}`);
        assert.equal(res.statusCode, 200, res.body);
        const view = res.json();
        assert.match(view.body, /## /);
        assert.ok(view.questions.length >= 4);
        for (const q of view.questions) {
          assert.deepEqual(Object.keys(q).sort(), ['choices', 'id', 'text']);
        }
        assert.doesNotMatch(res.body, /"answer"/);
        problem(await member.get(`/api/v1/training/modules/${module.id}/source`), 403, 'forbidden');
        const auditor = await signIn(t, org.users.auditor);
        const withAnswers = await source(auditor, module.id);
        assert.ok(withAnswers.every((q) => typeof q.answer === 'number'));
      });
    });

    it('grades failing and passing attempts; a pass stores a certificate as evidence in the ledger', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'quiz');
        const personId = await addPerson(t, org, org.users.member.email, 'Morgan Member', '2026-01-05');
        const admin = await signIn(t, org.users.admin);
        const member = await signIn(t, org.users.member);
        const module = await moduleBySlug(member, 'phishing-social-engineering');
        const questions = await source(admin, module.id);
        assert.equal(questions.length, 5);
        const url = `/api/v1/training/modules/${module.id}/attempts`;

        // Bad answers are refused with their paths, and nothing is written.
        const missing = problem(
          await member.post(url, { answers: answers(questions, 5).slice(1) }),
          400,
          'validation_failed',
        );
        assert.match(missing.detail, /Answer every question/);
        assert.deepEqual(
          missing.errors?.map((e) => e.path),
          ['answers'],
        );
        const outOfRange = answers(questions, 5);
        outOfRange[2] = { questionId: questions[2]!.id, choice: questions[2]!.choices.length };
        const range = problem(await member.post(url, { answers: outOfRange }), 400, 'validation_failed');
        assert.deepEqual(
          range.errors?.map((e) => e.path),
          ['answers.2.choice'],
        );
        const twice = [...answers(questions, 5), { questionId: questions[0]!.id, choice: 0 }];
        assert.deepEqual(
          problem(await member.post(url, { answers: twice }), 400, 'validation_failed').errors?.map((e) => e.path),
          ['answers.5.questionId'],
        );
        const unknown = [...answers(questions, 5).slice(1), { questionId: 'no-such-question', choice: 0 }];
        const unknownErrors = problem(await member.post(url, { answers: unknown }), 400, 'validation_failed').errors;
        assert.deepEqual(
          unknownErrors?.map((e) => e.path),
          ['answers.4.questionId', 'answers'],
        );
        problem(await member.post(url, { answers: answers(questions, 5), version: 9 }), 409, 'conflict');
        assert.equal(await count(t, 'training_attempts WHERE org_id = $1', [org.id]), 0);

        // 3 of 5 is 60%: failed, with the wrong questions named but not their answers.
        const failed = await member.post(url, { answers: answers(questions, 3), version: 1 });
        assert.equal(failed.statusCode, 201, failed.body);
        assert.equal(failed.json().attempt.score, 60);
        assert.equal(failed.json().attempt.passed, false);
        assert.equal(failed.json().attempt.certificateId, null);
        assert.deepEqual(failed.json().wrong, [questions[3]!.id, questions[4]!.id]);
        assert.doesNotMatch(failed.body, /"answer"/);
        assert.equal(failed.json().status.state, 'not_started');
        assert.equal(await count(t, 'evidence WHERE org_id = $1', [org.id]), 0, 'no certificate for a fail');

        // 4 of 5 is 80%, the pass mark: passed, with a certificate.
        t.clock.advance(60_000);
        const passed = await member.post(url, { answers: answers(questions, 4) });
        assert.equal(passed.statusCode, 201, passed.body);
        const { attempt } = passed.json();
        assert.equal(attempt.score, 80);
        assert.equal(attempt.passed, true);
        assert.deepEqual(passed.json().wrong, [questions[4]!.id]);
        assert.equal(passed.json().status.state, 'done');
        assert.equal(
          passed.json().status.dueAt,
          new Date(t.clock.now().getTime() + 365 * DAY).toISOString(),
          'due again a year later',
        );
        assert.ok(attempt.certificateId);

        const [stored] = await rows<{ certificate_id: string; person_id: string; module_version: number }>(
          t,
          'SELECT certificate_id, person_id, module_version FROM training_attempts WHERE id = $1',
          [attempt.id],
        );
        assert.equal(stored?.certificate_id, attempt.certificateId);
        assert.equal(stored?.person_id, personId, 'the attempt names the register person');
        const [evidence] = await rows<{ content_type: string; ledger_index: number; key: string; uploaded_by: string }>(
          t,
          `SELECT e.content_type, e.ledger_index, c.key, e.uploaded_by
             FROM evidence e JOIN controls c ON c.id = e.control_id WHERE e.id = $1`,
          [attempt.certificateId],
        );
        assert.equal(evidence?.content_type, 'application/pdf');
        assert.equal(evidence?.key, 'PEO-03');
        assert.equal(evidence?.uploaded_by, org.users.member.id);
        assert.notEqual(evidence?.ledger_index, null);
        assert.equal(
          await count(t, "ledger_leaves WHERE org_id = $1 AND kind = 'evidence' AND ref_id = $2 AND idx = $3", [
            org.id,
            attempt.certificateId,
            evidence?.ledger_index,
          ]),
          1,
          'the certificate is a leaf of the ledger',
        );
        assert.deepEqual(
          (await auditActions(t, org.id)).filter((a) => a !== 'training.module_updated'),
          ['training.failed', 'training.passed'],
        );

        // The certificate: the member's own, and anyone's for managers and auditors; not other members.
        const certificate = `/api/v1/training/attempts/${attempt.id}/certificate`;
        const own = await member.get(certificate);
        assert.equal(own.statusCode, 200);
        assert.equal(own.headers['content-type'], 'application/pdf');
        assert.match(String(own.headers['content-disposition']), /^attachment; filename="training-certificate-/);
        assert.equal(own.rawPayload.subarray(0, 5).toString(), '%PDF-');
        assert.equal((await admin.get(certificate)).statusCode, 200);
        assert.equal((await (await signIn(t, org.users.auditor)).get(certificate)).statusCode, 200);
        const reviewer = await signIn(t, org.users.reviewer);
        problem(await reviewer.get(certificate), 404, 'not_found');
        problem(await member.get(`/api/v1/training/attempts/${newId()}/certificate`), 404, 'not_found');
        const failedCertificate = `/api/v1/training/attempts/${failed.json().attempt.id}/certificate`;
        problem(await member.get(failedCertificate), 404, 'not_found');

        // History: the member's own; another member's only for managers and auditors.
        const history = await member.get(`/api/v1/training/attempts?moduleId=${module.id}`);
        assert.deepEqual(
          history.json().items.map((a: { score: number }) => a.score),
          [80, 60],
        );
        problem(await reviewer.get(`/api/v1/training/attempts?userId=${org.users.member.id}`), 403, 'forbidden');
        assert.equal(
          (await admin.get(`/api/v1/training/attempts?userId=${org.users.member.id}`)).json().items.length,
          2,
        );
      });
    });

    it('tracks due dates: a grace period for people who never passed, due soon and overdue a year after a pass', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'status');
        const start = t.clock.now();
        const admin = await signIn(t, org.users.admin);
        let member = await signIn(t, org.users.member);
        const phishing = await moduleBySlug(member, 'phishing-social-engineering');
        const mfa = await moduleBySlug(member, 'multi-factor-authentication');

        // Never passed: due 30 days after joining (or after the module was added, if later).
        const fresh = await stateOf(member, mfa.id);
        assert.equal(fresh.state, 'not_started');
        const graceEnd = new Date(fresh.dueAt as string).getTime();
        assert.ok(graceEnd >= start.getTime() + 30 * DAY && graceEnd <= t.clock.now().getTime() + 30 * DAY);

        // A register start date later than joining moves the deadline.
        await addPerson(t, org, org.users.reviewer.email, 'Robin Reviewer', '2026-04-01');
        const reviewer = await signIn(t, org.users.reviewer);
        assert.equal((await stateOf(reviewer, mfa.id)).dueAt, '2026-05-01T00:00:00.000Z');

        await pass(member, admin, phishing.id);
        const passedAt = t.clock.now().getTime();
        assert.equal((await stateOf(member, phishing.id)).state, 'done');

        t.clock.advance(31 * DAY);
        member = await signIn(t, org.users.member);
        assert.equal((await stateOf(member, mfa.id)).state, 'overdue', 'the grace period is over');
        assert.equal((await stateOf(member, phishing.id)).state, 'done');

        t.clock.set(new Date(passedAt + 340 * DAY));
        member = await signIn(t, org.users.member);
        const soon = await stateOf(member, phishing.id);
        assert.equal(soon.state, 'due_soon');
        assert.equal(soon.dueAt, new Date(passedAt + 365 * DAY).toISOString());

        t.clock.set(new Date(passedAt + 366 * DAY));
        member = await signIn(t, org.users.member);
        assert.equal((await stateOf(member, phishing.id)).state, 'overdue', 'yearly re-training');

        // A new pass starts another year.
        const again = await signIn(t, org.users.admin);
        await pass(member, again, phishing.id);
        assert.equal((await stateOf(member, phishing.id)).state, 'done');

        const auditor = await signIn(t, org.users.auditor);
        const theirs = await myTraining(auditor);
        assert.equal(theirs.applies, false, 'auditors take no training');
        assert.deepEqual(theirs.items, []);
      });
    });

    it("lets owners and admins add, edit and retire the organisation's own modules, and nobody else", async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'custom');
        const admin = await signIn(t, org.users.admin);
        const member = await signIn(t, org.users.member);
        const auditor = await signIn(t, org.users.auditor);
        const body = {
          title: 'Our release process',
          summary: 'How code reaches production here.',
          body: '## Reviews\n\nEvery change is reviewed by a second engineer before it is merged.',
          questions: [
            { text: 'Who reviews a change?', choices: ['Nobody', 'A second engineer'], answer: 1 },
            {
              id: 'deploy',
              text: 'What happens after merging?',
              choices: ['A deploy', 'Nothing', 'A party'],
              answer: 0,
            },
          ],
        };
        problem(await member.post('/api/v1/training/modules', body), 403, 'forbidden');
        problem(await auditor.post('/api/v1/training/modules', body), 403, 'forbidden');
        const badAnswer = problem(
          await admin.post('/api/v1/training/modules', {
            ...body,
            questions: [{ text: 'Pick one', choices: ['a', 'b'], answer: 2 }],
          }),
          400,
          'validation_failed',
        );
        assert.equal(badAnswer.errors?.[0]?.path, 'questions.0.answer');
        assert.equal(await count(t, 'training_modules WHERE org_id = $1 AND NOT builtin', [org.id]), 0);

        const created = await admin.post('/api/v1/training/modules', body);
        assert.equal(created.statusCode, 201, created.body);
        const mine = created.json();
        assert.equal(mine.slug, 'own-our-release-process');
        assert.equal(mine.builtin, false);
        assert.equal(mine.required, true);
        assert.equal(mine.passMark, 80);
        assert.equal(mine.version, 1);
        assert.deepEqual(
          mine.questions.map((q: Question) => q.id),
          ['q1', 'deploy'],
        );

        // Content changes make a new version; `required` alone does not; a stale editor is refused.
        const edited = await admin.patch(`/api/v1/training/modules/${mine.id}`, {
          title: 'Our release process (2026)',
          passMark: 100,
          expectedVersion: 1,
        });
        assert.equal(edited.statusCode, 200, edited.body);
        assert.equal(edited.json().version, 2);
        const optional = await admin.patch(`/api/v1/training/modules/${mine.id}`, { required: false });
        assert.equal(optional.json().version, 2);
        assert.equal(optional.json().required, false);
        problem(
          await admin.patch(`/api/v1/training/modules/${mine.id}`, { body: 'Changed.', expectedVersion: 1 }),
          409,
          'conflict',
        );
        problem(await member.patch(`/api/v1/training/modules/${mine.id}`, { required: true }), 403, 'forbidden');

        // The built-in course's text is not the organisation's to edit; whether it is required is.
        const builtin = await moduleBySlug(admin, 'confidentiality');
        problem(await admin.patch(`/api/v1/training/modules/${builtin.id}`, { body: 'Ours now.' }), 409, 'conflict');
        const relaxed = await admin.patch(`/api/v1/training/modules/${builtin.id}`, { required: false });
        assert.equal(relaxed.json().required, false);
        assert.equal(relaxed.json().version, 1);

        // Taking it: members yes, auditors never; the pass mark is now 100%.
        const attempt = `/api/v1/training/modules/${mine.id}/attempts`;
        const oneWrong = await member.post(attempt, {
          answers: [
            { questionId: 'q1', choice: 1 },
            { questionId: 'deploy', choice: 1 },
          ],
        });
        assert.equal(oneWrong.json().attempt.passed, false);
        assert.equal(oneWrong.json().attempt.moduleVersion, 2);
        problem(await auditor.post(attempt, { answers: [] }), 403, 'forbidden');

        // Retired: gone from the list, cannot be taken, listed for managers when asked.
        const retired = await admin.post(`/api/v1/training/modules/${mine.id}/retire`);
        assert.equal(retired.statusCode, 200, retired.body);
        assert.ok(retired.json().retiredAt);
        assert.ok(!(await modules(member)).some((m) => m.id === mine.id));
        assert.ok(!(await modules(member, '?includeRetired=true')).some((m) => m.id === mine.id));
        assert.ok((await modules(admin, '?includeRetired=true')).some((m) => m.id === mine.id));
        problem(
          await member.post(attempt, {
            answers: [
              { questionId: 'q1', choice: 1 },
              { questionId: 'deploy', choice: 0 },
            ],
          }),
          409,
          'conflict',
        );
        problem(await admin.post(`/api/v1/training/modules/${mine.id}/retire`), 409, 'conflict');
        problem(await member.post(`/api/v1/training/modules/${mine.id}/restore`), 403, 'forbidden');
        const restored = await admin.post(`/api/v1/training/modules/${mine.id}/restore`);
        assert.equal(restored.json().retiredAt, null);

        // Another organisation's module is not found, whatever the route.
        const other = await makeOrg(t, 'elsewhere');
        const stranger = await signIn(t, other.users.admin);
        problem(await stranger.get(`/api/v1/training/modules/${mine.id}`), 404, 'not_found');
        problem(await stranger.patch(`/api/v1/training/modules/${mine.id}`, { required: true }), 404, 'not_found');
        problem(await stranger.post(`/api/v1/training/modules/${mine.id}/retire`), 404, 'not_found');
        problem(await stranger.post(`/api/v1/training/modules/${mine.id}/attempts`, { answers: [] }), 404, 'not_found');
        problem(
          await stranger.get(`/api/v1/training/attempts/${oneWrong.json().attempt.id}/certificate`),
          404,
          'not_found',
        );

        assert.deepEqual(await auditActions(t, org.id), [
          'training.module_created',
          'training.module_updated',
          'training.module_updated',
          'training.module_updated',
          'training.failed',
          'training.module_retired',
          'training.module_restored',
        ]);
      });
    });

    it('reports every member × required module to managers and auditors, with a CSV download', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'report');
        const admin = await signIn(t, org.users.admin);
        const member = await signIn(t, org.users.member);
        const phishing = await moduleBySlug(member, 'phishing-social-engineering');
        await pass(member, admin, phishing.id);
        await addPerson(t, org, org.users.member.email, 'Morgan Member', null);

        problem(await member.get('/api/v1/training/report'), 403, 'forbidden');
        problem(await member.get('/api/v1/training/report.csv'), 403, 'forbidden');
        const auditor = await signIn(t, org.users.auditor);
        const res = await auditor.get('/api/v1/training/report');
        assert.equal(res.statusCode, 200, res.body);
        const report = res.json();
        assert.equal(report.modules.length, BUILTIN_SLUGS.length);
        assert.equal(report.total, 4, 'owner, admin, member and reviewer; auditors take no training');
        assert.ok(!report.items.some((r: { user: { role: string } }) => r.user.role === 'auditor'));
        const row = report.items.find((r: { user: { id: string } }) => r.user.id === org.users.member.id);
        assert.equal(row.person.name, 'Morgan Member');
        const cell = row.modules.find((s: { moduleId: string }) => s.moduleId === phishing.id);
        assert.equal(cell.state, 'done');
        assert.deepEqual(report.counts, { done: 1, due_soon: 0, overdue: 0, not_started: 4 * 7 - 1 });
        const page = (await auditor.get('/api/v1/training/report?limit=1&offset=1')).json();
        assert.equal(page.items.length, 1);
        assert.equal(page.total, 4);
        assert.equal((await auditor.get('/api/v1/training/report?state=done')).json().total, 1);

        const csv = await admin.get('/api/v1/training/report.csv');
        assert.equal(csv.statusCode, 200);
        assert.match(String(csv.headers['content-type']), /^text\/csv/);
        assert.match(String(csv.headers['content-disposition']), /attachment; filename="attest-training-/);
        const lines = csv.body.trimEnd().split('\r\n');
        assert.equal(
          lines[0],
          'email,name,role,in_register,start_date,module,module_version,state,due,last_passed,score,attempt_id',
        );
        assert.equal(lines.length, 1 + 4 * 7);
        const done = lines.filter((l) => l.includes(',done,'));
        assert.equal(done.length, 1);
        assert.match(
          done[0]!,
          new RegExp(`^${org.users.member.email},Morgan Member,member,yes,,Phishing and social engineering,1,done,`),
        );
        assert.ok((await auditActions(t, org.id)).includes('training.report_exported'));
      });
    });

    it('lists what a member owes on "My work": one obligation per required module not done', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'owed');
        const obligations = (user: { id: string; email: string }) =>
          withScope(t.rt.database, { orgId: org.id, userId: user.id }, (tx) =>
            trainingObligations(tx, user, t.clock.now()),
          );
        const owed = await obligations(org.users.member);
        assert.equal(owed.length, 7, 'the course is copied in when first needed');
        for (const o of owed) {
          assert.equal(o.kind, 'training');
          assert.equal(o.href, `/training/${o.id}`);
          assert.equal(o.overdue, false);
          assert.ok(o.dueAt);
        }
        assert.deepEqual(await obligations(org.users.auditor), []);

        const admin = await signIn(t, org.users.admin);
        const member = await signIn(t, org.users.member);
        await pass(member, admin, owed[0]!.id);
        const confidentiality = await moduleBySlug(admin, 'confidentiality');
        await admin.patch(`/api/v1/training/modules/${confidentiality.id}`, { required: false });
        const left = await obligations(org.users.member);
        assert.equal(left.length, 5);
        assert.ok(!left.some((o) => o.id === owed[0]!.id || o.id === confidentiality.id));

        t.clock.advance(31 * DAY);
        assert.ok((await obligations(org.users.member)).every((o) => o.overdue));
      });
    });
  });
}

describe('training reminders', () => {
  let smtp: LocalSmtp;

  before(async () => {
    smtp = await startSmtp();
  });

  after(() => smtp.close());

  for (const engine of ENGINES) {
    it(`reminds members of training due within 14 days or overdue, once a week per module (${engine})`, async () => {
      await withApp(
        engine,
        async (t) => {
          const org = await makeOrg(t, 'nudge');
          const remind = () => remindTraining(t.rt.database, t.rt, t.clock.now());
          const noticesOf = (userId: string) =>
            count(t, "notifications WHERE org_id = $1 AND user_id = $2 AND kind = 'training.due'", [org.id, userId]);

          // Due in 30 days: too early.
          assert.equal((await remind()).notices, 0);
          assert.ok((await count(t, 'training_modules WHERE org_id = $1', [org.id])) >= 7, 'the job copies the course');

          t.clock.advance(20 * DAY);
          const first = await remind();
          assert.equal(first.notices, 4 * 7, 'four members (not the auditor), seven modules each');
          assert.equal(first.emails, 4 * 7);
          assert.equal(await noticesOf(org.users.member.id), 7);
          assert.equal(await noticesOf(org.users.auditor.id), 0);
          const [notice] = await rows<{ title: string; link: string }>(
            t,
            "SELECT title, link FROM notifications WHERE user_id = $1 AND kind = 'training.due' ORDER BY title LIMIT 1",
            [org.users.member.id],
          );
          assert.match(notice?.title ?? '', /^Training due by \d{4}-\d{2}-\d{2}: /);
          assert.match(notice?.link ?? '', /^\/training\/[0-9a-f-]{36}$/);
          assert.ok(
            smtp.inbox.some((m) => m.to.includes(org.users.member.email) && /Subject: Training due by/.test(m.body)),
          );

          // Not again within 7 days.
          assert.equal((await remind()).notices, 0);
          t.clock.advance(6 * DAY);
          assert.equal((await remind()).notices, 0);

          // Ten days after the first reminder (now overdue), again; except what the member has since passed.
          t.clock.advance(4 * DAY);
          const admin = await signIn(t, org.users.admin);
          const member = await signIn(t, org.users.member);
          const [first_] = await modules(member);
          await pass(member, admin, first_!.id);
          const again = await remind();
          assert.equal(again.notices, 4 * 7 - 1);
          assert.equal(await noticesOf(org.users.member.id), 7 + 6);
          const [overdue] = await rows<{ title: string }>(
            t,
            "SELECT title FROM notifications WHERE user_id = $1 AND kind = 'training.due' ORDER BY created_at DESC LIMIT 1",
            [org.users.member.id],
          );
          assert.match(overdue?.title ?? '', /^Training overdue: /);
        },
        { smtpUrl: smtp.url, mailFrom: 'Attest <attest@example.test>' },
      );
    });
  }
});
