import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refreshAllRisks } from '../src/modules/risks/jobs.js';
import { BANDS, defaultReviewOn, levelOf, scoreOf } from '../src/modules/risks/scoring.js';
import type { Client, TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg } from './helpers/factories.js';

const DAY = 86_400_000;

interface Score {
  likelihood: number;
  impact: number;
  score: number;
  level: string;
}

interface Risk {
  id: string;
  title: string;
  category: string;
  status: string;
  owner: { id: string; email: string } | null;
  inherent: Score;
  residual: Score;
  treatment: string | null;
  acceptance: { by: { id: string }; at: string } | null;
  reviewOn: string;
  reviewOverdue: boolean;
  controls: { id: string; key: string }[];
  canEdit: boolean;
}

interface Assessment {
  id: string;
  name: string;
  status: string;
  fraudStatement: string | null;
  startedAt: string;
  completedAt: string | null;
  csvEvidenceId: string | null;
  pdfEvidenceId: string | null;
  progress: { total: number; reviewed: number; remaining: number; raised: number; fraudRisks: number; mine: number };
}

interface Item {
  id: string;
  risk: { id: string; title: string; category: string; owner: { id: string } | null };
  raised: boolean;
  before: { inherentLikelihood: number; residualImpact: number } | null;
  review: { residual: Score; treatment: string; comment: string; reviewedBy: { id: string } } | null;
  canReview: boolean;
}

describe('risk scoring', () => {
  it('bands every score from likelihood × impact: 1–4 low, 5–9 medium, 10–16 high, 20–25 critical', () => {
    const table: [number, number, number, string][] = [
      [1, 1, 1, 'low'],
      [1, 4, 4, 'low'],
      [2, 2, 4, 'low'],
      [1, 5, 5, 'medium'],
      [2, 3, 6, 'medium'],
      [2, 4, 8, 'medium'],
      [3, 3, 9, 'medium'],
      [2, 5, 10, 'high'],
      [3, 4, 12, 'high'],
      [3, 5, 15, 'high'],
      [4, 4, 16, 'high'],
      [4, 5, 20, 'critical'],
      [5, 5, 25, 'critical'],
    ];
    for (const [likelihood, impact, score, level] of table) {
      assert.deepEqual(scoreOf(likelihood, impact), { likelihood, impact, score, level }, `${likelihood} × ${impact}`);
    }
    // Every product of two ratings falls in exactly one band.
    for (let l = 1; l <= 5; l++) {
      for (let i = 1; i <= 5; i++) {
        const s = l * i;
        assert.equal(BANDS.filter((b) => s >= b.from && s <= b.to).length, 1, `score ${s}`);
        assert.equal(scoreOf(l, i).level, scoreOf(i, l).level);
      }
    }
    assert.throws(() => levelOf(0), RangeError);
    assert.throws(() => levelOf(26), RangeError);
    const now = new Date('2026-03-02T09:00:00Z');
    assert.equal(defaultReviewOn('critical', now), '2026-04-01');
    assert.equal(defaultReviewOn('low', now), '2027-03-02');
  });
});

async function newRisk(client: Client, org: TestOrg, fields: Record<string, unknown> = {}): Promise<Risk> {
  const res = await client.post('/api/v1/risks', {
    title: 'Laptop stolen with customer exports on it',
    category: 'security',
    ownerUserId: org.users.member.id,
    inherentLikelihood: 3,
    inherentImpact: 4,
    residualLikelihood: 2,
    residualImpact: 3,
    treatment: 'mitigate',
    ...fields,
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function items(client: Client, assessmentId: string): Promise<Item[]> {
  const res = await client.get(`/api/v1/risks/assessments/${assessmentId}/items?limit=200`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json().items;
}

const review = (fields: Record<string, unknown> = {}) => ({
  inherentLikelihood: 3,
  inherentImpact: 4,
  residualLikelihood: 2,
  residualImpact: 2,
  treatment: 'mitigate',
  comment: 'Disk encryption is on everywhere now.',
  ...fields,
});

async function checkResult(t: TestApp, orgId: string, checkId: string, resource: string) {
  const [row] = await rows<{ outcome: string; reason: string }>(
    t,
    `SELECT r.outcome, r.reason FROM check_results r
       LEFT JOIN inventory_records i ON i.id::text = r.resource
      WHERE r.org_id = $1 AND r.check_id = $2 AND r.superseded_at IS NULL
        AND (r.resource = $3 OR i.external_id = $3)`,
    [orgId, checkId, resource],
  );
  return row;
}

for (const engine of ENGINES) {
  describe(`risks (${engine})`, () => {
    it('keeps a register: scores and levels, filters, controls, acceptance by an owner or admin, history', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'reg');
        const owner = await signIn(t, org.users.owner);
        const [backups] = await rows<{ id: string }>(
          t,
          "SELECT id FROM controls WHERE org_id = $1 AND key = 'BCP-02'",
          [org.id],
        );
        assert.ok(backups);
        const ransomware = await newRisk(owner, org, {
          title: 'Ransomware encrypts production',
          inherentLikelihood: 3,
          inherentImpact: 5,
          residualLikelihood: 2,
          residualImpact: 4,
          controlIds: [backups.id],
        });
        assert.deepEqual(ransomware.inherent, { likelihood: 3, impact: 5, score: 15, level: 'high' });
        assert.deepEqual(ransomware.residual, { likelihood: 2, impact: 4, score: 8, level: 'medium' });
        assert.deepEqual(
          ransomware.controls.map((c) => c.key),
          ['BCP-02'],
        );
        // No review date given: the residual level's default (medium: 180 days).
        assert.equal(ransomware.reviewOn, defaultReviewOn('medium', t.clock.now()));

        // Accepting a critical residual risk: recorded with who and when.
        const fraud = await newRisk(owner, org, {
          title: 'Refunds issued to the wrong card',
          category: 'fraud',
          ownerUserId: org.users.admin.id,
          inherentLikelihood: 5,
          inherentImpact: 5,
          residualLikelihood: 4,
          residualImpact: 5,
          treatment: 'accept',
        });
        assert.equal(fraud.residual.level, 'critical');
        assert.equal(fraud.acceptance?.by.id, org.users.owner.id);
        const untreated = await newRisk(owner, org, { title: 'Untreated', treatment: null, residualLikelihood: 1 });

        const list = async (query: string) => {
          const res = await owner.get(`/api/v1/risks?${query}`);
          assert.equal(res.statusCode, 200, res.body);
          return (res.json() as { items: Risk[]; total: number }).items.map((r) => r.title);
        };
        assert.deepEqual(await list(''), [
          'Refunds issued to the wrong card',
          'Ransomware encrypts production',
          'Untreated',
        ]);
        assert.deepEqual(await list('level=critical'), ['Refunds issued to the wrong card']);
        assert.deepEqual(await list('treatment=none'), ['Untreated']);
        assert.deepEqual(await list(`ownerId=${org.users.admin.id}`), ['Refunds issued to the wrong card']);
        assert.deepEqual(await list('category=fraud'), ['Refunds issued to the wrong card']);
        assert.deepEqual(await list('map=inherent&likelihood=3&impact=5'), ['Ransomware encrypts production']);
        assert.deepEqual(await list('limit=1&page=2'), ['Ransomware encrypts production']);
        assert.deepEqual(await list('overdue=true'), []);

        const heat = (await owner.get('/api/v1/risks/heatmap?kind=residual')).json() as {
          total: number;
          cells: { count: number; ids: string[]; level: string }[][];
        };
        assert.equal(heat.total, 3);
        assert.deepEqual(heat.cells[3]?.[4], {
          likelihood: 4,
          impact: 5,
          score: 20,
          level: 'critical',
          count: 1,
          ids: [fraud.id],
        });
        assert.equal(heat.cells[1]?.[3]?.count, 1);
        assert.equal(
          heat.cells.flat().reduce((n, c) => n + c.count, 0),
          3,
        );
        const inherent = (await owner.get('/api/v1/risks/heatmap?kind=inherent')).json() as typeof heat;
        assert.deepEqual(inherent.cells[2]?.[4]?.ids, [ransomware.id]);

        // The member owns the ransomware risk: they change it, not who owns it, and cannot accept it at high.
        const member = await signIn(t, org.users.member);
        const edited = await member.patch(`/api/v1/risks/${ransomware.id}`, { treatmentPlan: 'Immutable backups.' });
        assert.equal(edited.statusCode, 200, edited.body);
        problem(
          await member.patch(`/api/v1/risks/${ransomware.id}`, { ownerUserId: org.users.admin.id }),
          403,
          'forbidden',
        );
        problem(
          await member.patch(`/api/v1/risks/${ransomware.id}`, { residualLikelihood: 3, treatment: 'accept' }),
          403,
          'forbidden',
        );
        // At medium, the owner accepts it themselves.
        const accepted = (await member.patch(`/api/v1/risks/${ransomware.id}`, { treatment: 'accept' })).json() as Risk;
        assert.equal(accepted.acceptance?.by.id, org.users.member.id);
        // Not their risk: refused.
        problem(await member.patch(`/api/v1/risks/${fraud.id}`, { title: 'Mine now' }), 403, 'forbidden');
        // Another treatment ends the acceptance.
        const mitigated = (
          await owner.patch(`/api/v1/risks/${ransomware.id}`, { treatment: 'mitigate' })
        ).json() as Risk;
        assert.equal(mitigated.acceptance, null);

        const closed = await owner.post(`/api/v1/risks/${untreated.id}/close`);
        assert.equal(closed.json().status, 'closed');
        assert.deepEqual(await list('status=closed'), ['Untreated']);

        const history = (await member.get(`/api/v1/risks/${ransomware.id}/history`)).json() as {
          items: { action: string; actor: string }[];
        };
        assert.deepEqual(
          history.items.map((h) => h.action),
          ['risk.updated', 'risk.accepted', 'risk.updated', 'risk.updated', 'risk.created'],
        );
        assert.equal(history.items[1]?.actor, org.users.member.email);
      });
    });

    it('refuses a residual risk above the inherent one (422) and other bad input (400), writing nothing', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'bad');
        const owner = await signIn(t, org.users.owner);
        const base = {
          title: 'Phishing',
          category: 'security',
          ownerUserId: org.users.member.id,
          inherentLikelihood: 2,
          inherentImpact: 3,
        };
        const before = {
          risks: await count(t, 'risks WHERE org_id = $1', [org.id]),
          audit: await count(t, "audit_log WHERE org_id = $1 AND action LIKE 'risk%'", [org.id]),
        };
        const higher = problem(
          await owner.post('/api/v1/risks', { ...base, residualLikelihood: 3, residualImpact: 3 }),
          422,
          'validation_failed',
        );
        assert.match(higher.detail, /residual risk \(3 × 3 = 9\) is higher than the inherent risk \(2 × 3 = 6\)/);
        assert.equal(higher.errors?.[0]?.path, 'body.residualImpact');
        problem(await owner.post('/api/v1/risks', { ...base, inherentLikelihood: 6 }), 400, 'validation_failed');
        problem(await owner.post('/api/v1/risks', { ...base, category: 'weather' }), 400, 'validation_failed');
        problem(await owner.post('/api/v1/risks', { ...base, title: '  ' }), 400, 'validation_failed');
        const auditorOwner = problem(
          await owner.post('/api/v1/risks', { ...base, ownerUserId: org.users.auditor.id }),
          400,
          'validation_failed',
        );
        assert.match(auditorOwner.detail, /auditor cannot own a risk/);
        problem(
          await owner.post('/api/v1/risks', { ...base, controlIds: ['00000000-0000-4000-8000-000000000000'] }),
          400,
          'validation_failed',
        );
        problem(await owner.post('/api/v1/risks', { ...base, reviewOn: '2020-01-01' }), 400, 'validation_failed');
        assert.equal(await count(t, 'risks WHERE org_id = $1', [org.id]), before.risks);
        assert.equal(await count(t, "audit_log WHERE org_id = $1 AND action LIKE 'risk%'", [org.id]), before.audit);

        // A change that would raise the residual above the inherent is refused whole.
        const risk = await newRisk(owner, org, { residualLikelihood: 1, residualImpact: 2 });
        problem(
          await owner.patch(`/api/v1/risks/${risk.id}`, { title: 'Renamed', inherentLikelihood: 1, inherentImpact: 1 }),
          422,
          'validation_failed',
        );
        const [stored] = await rows<{ title: string; inherent_likelihood: number }>(
          t,
          'SELECT title, inherent_likelihood FROM risks WHERE id = $1',
          [risk.id],
        );
        assert.deepEqual(stored, { title: risk.title, inherent_likelihood: 3 });
        assert.equal(await count(t, "audit_log WHERE org_id = $1 AND action = 'risk.updated'", [org.id]), 0);
      });
    });

    it('completes an assessment only when every risk is reviewed and fraud considered; new risks join it; CSV and PDF become RSK-01 evidence on the ledger', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'camp');
        const owner = await signIn(t, org.users.owner);
        const mine = await newRisk(owner, org, { title: 'Member risk' });
        const theirs = await newRisk(owner, org, { title: 'Admin risk', ownerUserId: org.users.admin.id });
        const closed = await newRisk(owner, org, { title: 'Closed risk' });
        await owner.post(`/api/v1/risks/${closed.id}/close`);

        const started = await owner.post('/api/v1/risks/assessments', {
          name: 'Risk assessment 2026',
          dueOn: '2026-03-30',
        });
        assert.equal(started.statusCode, 201, started.body);
        const assessment = started.json() as Assessment;
        assert.equal(assessment.progress.total, 2, 'open risks only');
        problem(
          await owner.post('/api/v1/risks/assessments', { name: 'Second', dueOn: '2026-03-30' }),
          409,
          'conflict',
        );
        // Risk owners are told in the app.
        assert.equal(
          await count(t, "notifications WHERE org_id = $1 AND kind = 'risk_assessment.review_requested'", [org.id]),
          2,
        );

        const list = await items(owner, assessment.id);
        const item = (title: string) => list.find((i) => i.risk.title === title) as Item;
        assert.equal(item('Member risk').before?.inherentLikelihood, 3);
        assert.equal(item('Admin risk').risk.id, theirs.id);
        const url = (i: Item) => `/api/v1/risks/assessments/${assessment.id}/items/${i.id}/review`;

        let refused = problem(
          await owner.post(`/api/v1/risks/assessments/${assessment.id}/complete`, {}),
          409,
          'conflict',
        );
        assert.match(refused.detail, /^2 risks still wait for review/);

        // The member reviews their own risk; the new rating reaches the register.
        const member = await signIn(t, org.users.member);
        const reviewed = await member.post(url(item('Member risk')), review());
        assert.equal(reviewed.statusCode, 200, reviewed.body);
        assert.equal((reviewed.json() as Item).review?.residual.score, 4);
        const updated = (await owner.get(`/api/v1/risks/${mine.id}`)).json() as Risk;
        assert.deepEqual(updated.residual, { likelihood: 2, impact: 2, score: 4, level: 'low' });
        assert.equal(updated.reviewOn, defaultReviewOn('low', t.clock.now()));
        problem(
          await member.post(url(item('Member risk')), review({ residualLikelihood: 4, residualImpact: 4 })),
          422,
          'validation_failed',
        );

        refused = problem(await owner.post(`/api/v1/risks/assessments/${assessment.id}/complete`, {}), 409, 'conflict');
        assert.match(refused.detail, /^One risk still waits for review/);

        // A fraud risk raised during the campaign joins it, already reviewed.
        const raised = await owner.post(`/api/v1/risks/assessments/${assessment.id}/risks`, {
          title: 'Supplier bank details changed by email',
          category: 'fraud',
          ownerUserId: org.users.reviewer.id,
          inherentLikelihood: 3,
          inherentImpact: 4,
          residualLikelihood: 2,
          residualImpact: 3,
          treatment: 'mitigate',
          comment: 'Came up in the finance interview.',
        });
        assert.equal(raised.statusCode, 201, raised.body);
        const raisedItem = raised.json() as Item;
        assert.equal(raisedItem.raised, true);
        assert.equal(raisedItem.before, null);
        assert.equal(raisedItem.review?.comment, 'Came up in the finance interview.');
        const risks = (await owner.get('/api/v1/risks?category=fraud')).json() as { items: Risk[] };
        assert.deepEqual(
          risks.items.map((r) => r.title),
          ['Supplier bank details changed by email'],
        );

        assert.equal((await owner.post(url(item('Admin risk')), review({ treatment: 'transfer' }))).statusCode, 200);
        const progress = (await owner.get(`/api/v1/risks/assessments/${assessment.id}`)).json() as Assessment;
        assert.deepEqual(progress.progress, { total: 3, reviewed: 3, remaining: 0, raised: 1, fraudRisks: 1, mine: 0 });

        // Every risk reviewed, but fraud not yet considered in words.
        refused = problem(await owner.post(`/api/v1/risks/assessments/${assessment.id}/complete`, {}), 409, 'conflict');
        assert.match(refused.detail, /fraud/);
        assert.equal(await count(t, 'evidence WHERE org_id = $1', [org.id]), 0);

        t.clock.advance(2 * DAY);
        const owner2 = await signIn(t, org.users.owner);
        const res = await owner2.post(`/api/v1/risks/assessments/${assessment.id}/complete`, {
          fraudStatement: 'Finance and support leads walked through refunds, payouts and supplier changes.',
        });
        assert.equal(res.statusCode, 200, res.body);
        const done = res.json() as Assessment;
        assert.equal(done.status, 'completed');
        assert.ok(done.csvEvidenceId && done.pdfEvidenceId);
        assert.match(done.fraudStatement ?? '', /supplier changes/);

        const evidence = await rows<{ id: string; key: string; ledger_index: number | null; effective_to: Date }>(
          t,
          `SELECT e.id, c.key, e.ledger_index, e.effective_to FROM evidence e JOIN controls c ON c.id = e.control_id
            WHERE e.id = ANY($1::uuid[])`,
          [[done.csvEvidenceId, done.pdfEvidenceId]],
        );
        assert.equal(evidence.length, 2);
        for (const e of evidence) {
          assert.equal(e.key, 'RSK-01');
          assert.equal(typeof e.ledger_index, 'number');
          assert.equal(e.effective_to.toISOString(), done.completedAt);
        }
        assert.equal(
          await count(t, 'ledger_leaves WHERE org_id = $1 AND ref_id = ANY($2::text[])', [
            org.id,
            [done.csvEvidenceId, done.pdfEvidenceId],
          ]),
          2,
        );
        const csv = await owner2.get(`/api/v1/evidence/${done.csvEvidenceId}/download`);
        const lines = csv.body.trim().split('\r\n');
        assert.equal(lines.length, 4);
        assert.match(lines[0] ?? '', /^risk,category,owner,raised in this assessment,/);
        assert.match(
          lines.find((l) => l.startsWith('Supplier bank')) ?? '',
          /^Supplier bank details changed by email,fraud,.*,yes,,,/,
        );
        const pdf = await owner2.get(`/api/v1/evidence/${done.pdfEvidenceId}/download`);
        assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');

        // Final: no more reviews, no second completion.
        problem(await owner2.post(url(item('Admin risk')), review()), 409, 'conflict');
        problem(await owner2.post(`/api/v1/risks/assessments/${assessment.id}/complete`, {}), 409, 'conflict');
        assert.equal(
          await count(t, "audit_log WHERE org_id = $1 AND action = 'risk_assessment.completed'", [org.id]),
          1,
        );
        assert.equal(
          (await items(owner2, assessment.id)).every((i) => !i.canReview),
          true,
        );
      });
    });

    it('judges the register through the inventory: the assessment a year on and overdue reviews fail with the daily refresh', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'chk');
        const owner = await signIn(t, org.users.owner);
        const risk = await newRisk(owner, org, { title: 'Database deleted by mistake', reviewOn: '2026-06-01' });
        assert.equal((await checkResult(t, org.id, 'risk.treatments_on_time', risk.id))?.outcome, 'pass');
        let annual = await checkResult(t, org.id, 'risk.assessment.annual', 'organisation');
        assert.equal(annual?.outcome, 'fail');
        assert.match(annual?.reason ?? '', /No risk assessment has been completed/);

        const a = (await owner.post('/api/v1/risks/assessments', { name: 'Yearly 2026', dueOn: '2026-03-20' })).json();
        assert.match(
          (await checkResult(t, org.id, 'risk.assessment.annual', 'organisation'))?.reason ?? '',
          /“Yearly 2026” is open with 0 of 1/,
        );
        const [item] = await items(owner, a.id);
        assert.ok(item);
        await owner.post(
          `/api/v1/risks/assessments/${a.id}/items/${item.id}/review`,
          review({ reviewOn: '2026-06-01' }),
        );
        const done = await owner.post(`/api/v1/risks/assessments/${a.id}/complete`, {
          fraudStatement: 'No payment flows; access misuse covered by the insider risk.',
        });
        assert.equal(done.statusCode, 200, done.body);
        annual = await checkResult(t, org.id, 'risk.assessment.annual', 'organisation');
        assert.equal(annual?.outcome, 'pass', annual?.reason);

        // A high residual risk left without treatment fails at once.
        const high = await newRisk(owner, org, {
          title: 'Cloud account taken over',
          inherentLikelihood: 4,
          inherentImpact: 5,
          residualLikelihood: 3,
          residualImpact: 4,
          treatment: null,
        });
        const untreated = await checkResult(t, org.id, 'risk.treatments_on_time', high.id);
        assert.equal(untreated?.outcome, 'fail');
        assert.match(untreated?.reason ?? '', /Cloud account taken over.*high with no treatment/);

        // Time alone: the review date passes and the assessment turns 366 days old.
        t.clock.advance(100 * DAY);
        assert.equal(await refreshAllRisks(t.rt), 1);
        const late = await checkResult(t, org.id, 'risk.treatments_on_time', risk.id);
        assert.equal(late?.outcome, 'fail');
        assert.match(late?.reason ?? '', /Database deleted by mistake.*review was due on 2026-06-01/);
        assert.equal((await checkResult(t, org.id, 'risk.assessment.annual', 'organisation'))?.outcome, 'pass');
        t.clock.advance(266 * DAY);
        await refreshAllRisks(t.rt);
        annual = await checkResult(t, org.id, 'risk.assessment.annual', 'organisation');
        assert.equal(annual?.outcome, 'fail');
        assert.match(annual?.reason ?? '', /“Yearly 2026”.*overdue/);
      });
    });

    it('lets only managers start and complete, only the risk owner or a manager review an item, and auditors only read', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'authz');
        const owner = await signIn(t, org.users.owner);
        const member = await signIn(t, org.users.member);
        const reviewer = await signIn(t, org.users.reviewer);
        const auditor = await signIn(t, org.users.auditor);
        const risk = await newRisk(owner, org, { title: "Member's risk" });
        const body = { name: 'Yearly', dueOn: '2026-03-30' };

        problem(await member.post('/api/v1/risks/assessments', body), 403, 'forbidden');
        problem(await member.post('/api/v1/risks', { title: 'x' }), 403, 'forbidden');
        assert.equal(await count(t, 'risk_assessments WHERE org_id = $1', [org.id]), 0);
        const a = (await owner.post('/api/v1/risks/assessments', body)).json() as Assessment;
        const [item] = await items(reviewer, a.id);
        assert.ok(item);
        assert.equal(item.canReview, false);
        const url = `/api/v1/risks/assessments/${a.id}/items/${item.id}/review`;
        problem(await reviewer.post(url, review()), 403, 'forbidden');
        problem(await auditor.post(url, review()), 403, 'forbidden');
        assert.equal(
          await count(t, 'risk_assessment_items WHERE reviewed_at IS NOT NULL AND org_id = $1', [org.id]),
          0,
        );
        const mineForMember = (await member.get(`/api/v1/risks/assessments/${a.id}`)).json() as Assessment;
        assert.equal(mineForMember.progress.mine, 1);
        assert.equal((await member.post(url, review())).statusCode, 200);
        problem(
          await member.post(`/api/v1/risks/assessments/${a.id}/complete`, { fraudStatement: 'x' }),
          403,
          'forbidden',
        );

        // Auditors read everything and change nothing.
        for (const path of [
          '/api/v1/risks',
          `/api/v1/risks/${risk.id}`,
          '/api/v1/risks/heatmap',
          '/api/v1/risks/assessments',
          `/api/v1/risks/assessments/${a.id}`,
          `/api/v1/risks/${risk.id}/history`,
        ]) {
          assert.equal((await auditor.get(path)).statusCode, 200, path);
        }
        problem(await auditor.patch(`/api/v1/risks/${risk.id}`, { title: 'Audited' }), 403, 'forbidden');
        problem(await auditor.post(`/api/v1/risks/${risk.id}/close`), 403, 'forbidden');
        problem(await auditor.post('/api/v1/risks/assessments', body), 403, 'forbidden');
        problem(await auditor.post(`/api/v1/risks/assessments/${a.id}/cancel`), 403, 'forbidden');
        const seen = (await auditor.get(`/api/v1/risks/${risk.id}`)).json() as Risk;
        assert.equal(seen.canEdit, false);
        const owners = (await member.get('/api/v1/risks/owners')).json() as { items: { id: string }[] };
        assert.ok(!owners.items.some((o) => o.id === org.users.auditor.id), 'auditors own no risks');
        assert.equal(owners.items.length, 4);
      });
    });

    it("keeps each organisation's register to itself", async () => {
      await withApp(engine, async (t) => {
        const a = await makeOrg(t, 'iso-a');
        const b = await makeOrg(t, 'iso-b');
        const ownerA = await signIn(t, a.users.owner);
        const ownerB = await signIn(t, b.users.owner);
        const risk = await newRisk(ownerA, a, { title: 'Only in A' });
        const campaign = (
          await ownerA.post('/api/v1/risks/assessments', { name: 'A yearly', dueOn: '2026-03-30' })
        ).json();

        problem(await ownerB.get(`/api/v1/risks/${risk.id}`), 404, 'not_found');
        problem(await ownerB.patch(`/api/v1/risks/${risk.id}`, { title: 'Taken' }), 404, 'not_found');
        problem(await ownerB.get(`/api/v1/risks/${risk.id}/history`), 404, 'not_found');
        problem(await ownerB.get(`/api/v1/risks/assessments/${campaign.id}`), 404, 'not_found');
        problem(await ownerB.get(`/api/v1/risks/assessments/${campaign.id}/items`), 404, 'not_found');
        problem(await ownerB.post(`/api/v1/risks/assessments/${campaign.id}/complete`, {}), 404, 'not_found');
        assert.equal((await ownerB.get('/api/v1/risks')).json().total, 0);
        assert.equal((await ownerB.get('/api/v1/risks/heatmap')).json().total, 0);
        assert.equal((await ownerB.get('/api/v1/risks/assessments')).json().total, 0);
        // A's owner cannot be given B's risk, nor B's members A's.
        problem(await newRiskRaw(ownerB, { ownerUserId: a.users.member.id }), 400, 'validation_failed');
        const [aControl] = await rows<{ id: string }>(
          t,
          "SELECT id FROM controls WHERE org_id = $1 AND key = 'RSK-01'",
          [a.id],
        );
        problem(
          await newRiskRaw(ownerB, { ownerUserId: b.users.member.id, controlIds: [aControl?.id] }),
          400,
          'validation_failed',
        );
        assert.equal(await count(t, 'risks WHERE org_id = $1', [b.id]), 0);
      });
    });
  });
}

function newRiskRaw(client: Client, fields: Record<string, unknown>) {
  return client.post('/api/v1/risks', {
    title: 'Cross-tenant',
    category: 'other',
    inherentLikelihood: 2,
    inherentImpact: 2,
    ...fields,
  });
}
