import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { reevaluateOrganisation } from '../src/modules/monitoring/reevaluate.js';
import { runVendorDay } from '../src/modules/vendors/daily.js';
import { QUESTIONS } from '../src/modules/vendors/questions.js';
import { CLASSIFICATIONS, computeTier, LEVELS } from '../src/modules/vendors/tier.js';
import { Client, type TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg } from './helpers/factories.js';
import { multipart } from './helpers/multipart.js';
import { type LocalSmtp, startSmtp } from './helpers/smtp.js';

const DAY = 86_400_000;

interface Vendor {
  id: string;
  name: string;
  status: string;
  tier: string;
  computedTier: string;
  tierOverride: { tier: string; reason: string } | null;
  owner: { id: string; email: string } | null;
  regions: string[];
  dataClassification: string | null;
  subprocessor: boolean;
  lastReview: { completedOn: string; outcome: string } | null;
  review: { intervalDays: number; nextDueOn: string | null; state: string | null };
  socReport: { kind: string; periodEnd: string; current: boolean } | null;
  canEdit: boolean;
  canDecide: boolean;
}

interface VendorDetail extends Vendor {
  reviews: { id: string; outcome: string; completedOn: string; questionnaireId: string | null }[];
  documents: { id: string; kind: string; periodEnd: string | null; evidence: { id: string } }[];
  questionnaires: {
    id: string;
    status: string;
    respondent: { name: string; email: string } | null;
    answers: Record<string, { answer: string; comment?: string }> | null;
  }[];
  history: { action: string; actor: string }[] | null;
}

const today = (t: TestApp, offsetDays = 0) =>
  new Date(t.clock.now().getTime() + offsetDays * DAY).toISOString().slice(0, 10);

async function addVendor(client: Client, body: Record<string, unknown>): Promise<Vendor> {
  const res = await client.post('/api/v1/vendors', body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function detail(client: Client, id: string): Promise<VendorDetail> {
  const res = await client.get(`/api/v1/vendors/${id}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

async function review(client: Client, vendorId: string, body: Record<string, unknown>) {
  return client.post(`/api/v1/vendors/${vendorId}/reviews`, {
    examined: 'Their security page and data processing terms',
    outcome: 'approved',
    notes: 'Fine for what we use it for.',
    ...body,
  });
}

const hosting = (ownerUserId?: string) => ({
  name: 'Acme Hosting',
  website: 'https://acme-hosting.example',
  purpose: 'Runs the production databases',
  dataClassification: 'restricted',
  regions: ['us-east-1'],
  subprocessor: true,
  criticality: 'high',
  ...(ownerUserId ? { ownerUserId } : {}),
});

/** Every answer filled in: yes for yes/no questions, a sentence for the others. */
const fullAnswers = () =>
  Object.fromEntries(
    QUESTIONS.map((q) => [q.id, q.kind === 'yes_no' ? { answer: 'yes' } : { answer: 'Within 24 hours, by email.' }]),
  );

/** The current outcome of a check on a vendor's inventory record (written by the real refresh). */
async function outcome(t: TestApp, org: TestOrg, checkId: string, vendorId: string) {
  const [row] = await rows<{ outcome: string; reason: string }>(
    t,
    `SELECT r.outcome, r.reason FROM check_results r JOIN inventory_records i ON i.id::text = r.resource
      WHERE r.org_id = $1 AND r.check_id = $2 AND r.superseded_at IS NULL AND i.external_id = $3`,
    [org.id, checkId, vendorId],
  );
  return row;
}

const audits = (t: TestApp, orgId: string, action: string) =>
  count(t, 'audit_log WHERE org_id = $1 AND action = $2', [orgId, action]);

describe('vendor tiers', () => {
  it('follows the table: data touched against criticality, unknown data counted as confidential', () => {
    const expected: Record<string, [string, string, string]> = {
      none: ['low', 'low', 'medium'],
      public: ['low', 'low', 'medium'],
      internal: ['low', 'medium', 'high'],
      confidential: ['medium', 'high', 'high'],
      restricted: ['high', 'high', 'high'],
    };
    for (const classification of CLASSIFICATIONS) {
      for (const [i, criticality] of LEVELS.entries()) {
        assert.equal(
          computeTier(classification, criticality),
          expected[classification]?.[i],
          `${classification} data, ${criticality} criticality`,
        );
      }
    }
    for (const criticality of LEVELS)
      assert.equal(computeTier(null, criticality), computeTier('confidential', criticality));
  });
});

for (const engine of ENGINES) {
  describe(`vendors (${engine})`, () => {
    it('keeps a register: members propose vendors they own, bad input writes nothing, other organisations see nothing', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'ven');
        const other = await makeOrg(t, 'ven-other');
        const owner = await signIn(t, org.users.owner);
        const member = await signIn(t, org.users.member);
        const auditor = await signIn(t, org.users.auditor);

        const created = await addVendor(owner, hosting(org.users.admin.id));
        assert.equal(created.status, 'proposed');
        assert.equal(created.tier, 'high');
        assert.equal(created.computedTier, 'high');
        assert.equal(created.owner?.email, org.users.admin.email);
        assert.equal(await audits(t, org.id, 'vendor.created'), 1);

        // A member proposes a vendor and owns it; they may not hand it to someone else at creation.
        const proposed = await addVendor(member, { name: 'Pagerly', purpose: 'On-call paging', criticality: 'medium' });
        assert.equal(proposed.owner?.id, org.users.member.id);
        assert.equal(proposed.tier, 'high', 'unknown data counts as confidential');
        assert.equal(proposed.canEdit, true);
        assert.equal(proposed.canDecide, false);
        problem(
          await member.post('/api/v1/vendors', { name: 'Other', ownerUserId: org.users.admin.id }),
          403,
          'forbidden',
        );
        // The member edits their own vendor, not someone else's.
        const edited = await member.patch(`/api/v1/vendors/${proposed.id}`, {
          dataClassification: 'internal',
          regions: ['eu-west-1', 'eu-west-1'],
        });
        assert.equal(edited.statusCode, 200, edited.body);
        assert.equal(edited.json().tier, 'medium');
        assert.deepEqual(edited.json().regions, ['eu-west-1']);
        problem(await member.patch(`/api/v1/vendors/${created.id}`, { purpose: 'Mine now' }), 403, 'forbidden');
        problem(await auditor.post('/api/v1/vendors', { name: 'Auditor pick' }), 403, 'forbidden');

        // Bad input says what to fix and writes nothing.
        const before = await count(t, 'vendors WHERE org_id = $1', [org.id]);
        const auditsBefore = await count(t, 'audit_log WHERE org_id = $1', [org.id]);
        problem(await owner.post('/api/v1/vendors', { name: '  ' }), 400, 'validation_failed');
        problem(
          await owner.post('/api/v1/vendors', { name: 'X', dataClassification: 'secret' }),
          400,
          'validation_failed',
        );
        problem(await owner.post('/api/v1/vendors', { name: 'X', website: 'ftp://files' }), 400, 'validation_failed');
        problem(await owner.post('/api/v1/vendors', { name: 'X', regions: [''] }), 400, 'validation_failed');
        const auditorOwner = problem(
          await owner.post('/api/v1/vendors', { name: 'X', ownerUserId: org.users.auditor.id }),
          400,
          'validation_failed',
        );
        assert.equal(auditorOwner.errors?.[0]?.path, 'body.ownerUserId');
        problem(
          await owner.post('/api/v1/vendors', { name: 'X', ownerUserId: other.users.owner.id }),
          400,
          'validation_failed',
        );
        const duplicate = problem(await owner.post('/api/v1/vendors', { name: 'acme HOSTING' }), 409, 'conflict');
        assert.match(duplicate.detail, /already in the register/);
        assert.equal(await count(t, 'vendors WHERE org_id = $1', [org.id]), before);
        assert.equal(await count(t, 'audit_log WHERE org_id = $1', [org.id]), auditsBefore);

        // Filters, search and paging.
        const list = async (query: string) => (await auditor.get(`/api/v1/vendors?${query}`)).json();
        assert.equal((await list('')).total, 2);
        assert.deepEqual(
          (await list('tier=high')).items.map((v: Vendor) => v.name),
          ['Acme Hosting'],
        );
        assert.equal((await list('subprocessor=true')).total, 1);
        assert.equal((await list('q=on-call')).items[0].name, 'Pagerly');
        assert.equal((await list('status=approved')).total, 0);
        const paged = await list('limit=1&offset=1');
        assert.equal(paged.total, 2);
        assert.equal(paged.items[0].name, 'Pagerly');

        // Another organisation's members see none of it, and its ids answer 404.
        const outsider = await signIn(t, other.users.owner);
        assert.equal((await outsider.get('/api/v1/vendors')).json().total, 0);
        problem(await outsider.get(`/api/v1/vendors/${created.id}`), 404, 'not_found');
        problem(await outsider.patch(`/api/v1/vendors/${created.id}`, { purpose: 'x' }), 404, 'not_found');
        problem(await outsider.post(`/api/v1/vendors/${created.id}/status`, { status: 'in_review' }), 404, 'not_found');
        const otherMember = await signIn(t, other.users.member);
        assert.equal((await otherMember.get('/api/v1/vendors')).json().total, 0);
      });
    });

    it('overrides a tier only with a reason, keeps the computed tier visible and audits it', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'tier');
        const owner = await signIn(t, org.users.owner);
        const member = await signIn(t, org.users.member);
        const vendor = await addVendor(owner, {
          name: 'Doc Signer',
          dataClassification: 'internal',
          criticality: 'low',
        });
        assert.equal(vendor.tier, 'low');

        const missing = problem(
          await owner.post(`/api/v1/vendors/${vendor.id}/tier`, { tier: 'high' }),
          400,
          'validation_failed',
        );
        assert.equal(missing.errors?.[0]?.path, 'body.reason');
        problem(
          await owner.post(`/api/v1/vendors/${vendor.id}/tier`, { tier: 'high', reason: '   ' }),
          400,
          'validation_failed',
        );
        problem(
          await member.post(`/api/v1/vendors/${vendor.id}/tier`, { tier: 'high', reason: 'Contracts' }),
          403,
          'forbidden',
        );
        assert.equal(await audits(t, org.id, 'vendor.tier_overridden'), 0);

        const set = await owner.post(`/api/v1/vendors/${vendor.id}/tier`, {
          tier: 'high',
          reason: 'It holds every signed customer contract',
        });
        assert.equal(set.statusCode, 200, set.body);
        assert.equal(set.json().tier, 'high');
        assert.equal(set.json().computedTier, 'low');
        assert.equal(set.json().tierOverride.reason, 'It holds every signed customer contract');
        const [logged] = await rows<{ details: { from: string; to: string; computed: string; reason: string } }>(
          t,
          "SELECT details FROM audit_log WHERE org_id = $1 AND action = 'vendor.tier_overridden'",
          [org.id],
        );
        assert.deepEqual(logged?.details, {
          name: 'Doc Signer',
          from: 'low',
          to: 'high',
          computed: 'low',
          reason: 'It holds every signed customer contract',
        });
        // Editing the facts keeps the override in force.
        const edited = await owner.patch(`/api/v1/vendors/${vendor.id}`, { criticality: 'medium' });
        assert.equal(edited.json().tier, 'high');
        assert.equal(edited.json().computedTier, 'medium');
        assert.equal((await owner.get('/api/v1/vendors?tier=high')).json().total, 1);

        const cleared = await owner.post(`/api/v1/vendors/${vendor.id}/tier`, { tier: null });
        assert.equal(cleared.json().tier, 'medium');
        assert.equal(cleared.json().tierOverride, null);
        assert.equal(await audits(t, org.id, 'vendor.tier_override_cleared'), 1);
      });
    });

    it('approves a vendor only after a completed review that approves it, and only owners and admins approve', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'gate');
        const owner = await signIn(t, org.users.owner);
        const member = await signIn(t, org.users.member);
        const vendor = await addVendor(member, { ...hosting(), name: 'Gatekeeper' });
        const approve = (client: Client) =>
          client.post(`/api/v1/vendors/${vendor.id}/status`, { status: 'approved', comment: 'ok' });

        const noReview = problem(await approve(owner), 409, 'conflict');
        assert.match(noReview.detail, /Gatekeeper cannot be approved yet: it has no completed review/);
        assert.equal((await detail(owner, vendor.id)).status, 'proposed');

        assert.equal(
          (await member.post(`/api/v1/vendors/${vendor.id}/status`, { status: 'in_review' })).statusCode,
          200,
        );
        problem(await approve(member), 403, 'forbidden');

        // A review must say what it examined, and cannot be dated in the future.
        const nothing = problem(
          await review(member, vendor.id, { examined: '', completedOn: today(t) }),
          400,
          'validation_failed',
        );
        assert.equal(nothing.errors?.[0]?.path, 'body.examined');
        problem(await review(member, vendor.id, { completedOn: today(t, 1) }), 400, 'validation_failed');
        problem(
          await review(member, vendor.id, { outcome: 'approved_with_conditions', completedOn: today(t) }),
          400,
          'validation_failed',
        );
        assert.equal(await count(t, 'vendor_reviews WHERE org_id = $1', [org.id]), 0);

        const rejected = await review(member, vendor.id, { outcome: 'rejected', completedOn: today(t, -1) });
        assert.equal(rejected.statusCode, 201, rejected.body);
        assert.match(
          problem(await approve(owner), 409, 'conflict').detail,
          /latest review \(completed .*\) rejected it/,
        );

        const ok = await review(member, vendor.id, {
          outcome: 'approved_with_conditions',
          conditions: 'Turn on SSO within a month',
          completedOn: today(t),
        });
        assert.equal(ok.statusCode, 201, ok.body);
        const approved = await approve(owner);
        assert.equal(approved.statusCode, 200, approved.body);
        assert.equal(approved.json().status, 'approved');
        assert.equal(approved.json().review.state, 'current');
        assert.equal(approved.json().review.nextDueOn, today(t, 365));
        assert.equal(await audits(t, org.id, 'vendor.approved'), 1);
        // The vendor's owner hears of the decision.
        assert.equal(
          await count(t, "notifications WHERE user_id = $1 AND kind = 'vendor.approved'", [org.users.member.id]),
          1,
        );
        // From approved, only offboarding is next.
        problem(
          await owner.post(`/api/v1/vendors/${vendor.id}/status`, { status: 'rejected', comment: 'x' }),
          409,
          'conflict',
        );

        assert.equal((await outcome(t, org, 'vendor.review_before_approval', vendor.id))?.outcome, 'pass');
        assert.equal((await outcome(t, org, 'vendor.review_current', vendor.id))?.outcome, 'pass');
        assert.equal((await outcome(t, org, 'vendor.register.complete', vendor.id))?.outcome, 'pass');

        const history = (await detail(member, vendor.id)).history;
        assert.ok(history);
        assert.deepEqual(history.map((h) => h.action).slice(0, 4), [
          'vendor.approved',
          'vendor.review_recorded',
          'vendor.review_recorded',
          'vendor.in_review',
        ]);
        const reviewer = await signIn(t, org.users.reviewer);
        assert.equal(
          (await detail(reviewer, vendor.id)).history,
          null,
          'history is for owners, admins, auditors and the vendor owner',
        );
      });
    });

    it('sends a questionnaire link that works without signing in, once, and not after it expires', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'quest');
        const other = await makeOrg(t, 'quest-other');
        const owner = await signIn(t, org.users.owner);
        const member = await signIn(t, org.users.member);
        const vendor = await addVendor(member, { name: 'Formwise', purpose: 'Customer surveys' });
        problem(
          await signIn(t, org.users.reviewer).then((c) =>
            c.post(`/api/v1/vendors/${vendor.id}/questionnaires`, { expiresInDays: 7 }),
          ),
          403,
          'forbidden',
        );
        problem(
          await member.post(`/api/v1/vendors/${vendor.id}/questionnaires`, { expiresInDays: 0 }),
          400,
          'validation_failed',
        );
        const made = await member.post(`/api/v1/vendors/${vendor.id}/questionnaires`, { expiresInDays: 7 });
        assert.equal(made.statusCode, 201, made.body);
        const { token, path, questionnaire } = made.json() as {
          token: string;
          path: string;
          questionnaire: { id: string };
        };
        assert.match(token, /^avq_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
        assert.equal(path, `/vendor-questionnaire/${token}`);
        const [stored] = await rows<{ token_hash: Buffer }>(
          t,
          'SELECT token_hash FROM vendor_questionnaires WHERE id = $1',
          [questionnaire.id],
        );
        assert.ok(
          stored && !Buffer.from(stored.token_hash).toString('utf8').includes(token.slice(-43)),
          'only a hash is kept',
        );

        // The vendor, with no account, sees the organisation's and vendor's names and the questions.
        const vendorSide = new Client(t.app);
        const url = `/api/v1/public/vendor-questionnaires/${token}`;
        const shown = await vendorSide.get(url);
        assert.equal(shown.statusCode, 200, shown.body);
        assert.deepEqual(Object.keys(shown.json()).sort(), ['expiresAt', 'organisation', 'questions', 'vendor']);
        assert.deepEqual(shown.json().organisation, { name: `Org quest` });
        assert.deepEqual(shown.json().vendor, { name: 'Formwise' });
        assert.equal(shown.json().questions.length, QUESTIONS.length);

        // Unknown tokens, and a real secret under another organisation's id, are not found.
        problem(await vendorSide.get('/api/v1/public/vendor-questionnaires/nonsense'), 404, 'not_found');
        const swapped = token.replace(/^avq_[0-9a-f]{32}/, `avq_${other.id.replace(/-/g, '')}`);
        problem(await vendorSide.get(`/api/v1/public/vendor-questionnaires/${swapped}`), 404, 'not_found');

        // Incomplete answers are refused and nothing is stored.
        const partial = fullAnswers();
        delete partial.mfa;
        const refused = problem(
          await vendorSide.post(url, {
            respondentName: 'Vera Vendor',
            respondentEmail: 'vera@formwise.example',
            answers: partial,
          }),
          400,
          'validation_failed',
        );
        assert.equal(refused.errors?.[0]?.path, 'body.answers.mfa');
        problem(
          await vendorSide.post(url, {
            respondentName: 'Vera Vendor',
            respondentEmail: 'vera@formwise.example',
            answers: { ...fullAnswers(), mfa: { answer: 'maybe' } },
          }),
          400,
          'validation_failed',
        );
        assert.equal(await count(t, 'vendor_questionnaires WHERE answered_at IS NOT NULL'), 0);

        const answered = await vendorSide.post(url, {
          respondentName: 'Vera Vendor',
          respondentEmail: 'Vera@Formwise.example',
          answers: { ...fullAnswers(), backups: { answer: 'no', comment: 'Restores untested' } },
        });
        assert.equal(answered.statusCode, 201, answered.body);
        assert.equal(
          await count(t, "notifications WHERE user_id = $1 AND kind = 'vendor.questionnaire_answered'", [
            org.users.member.id,
          ]),
          1,
          'the vendor owner is told',
        );
        // Used up: neither readable nor answerable again.
        assert.match(problem(await vendorSide.get(url), 410, 'gone').detail, /already answered/);
        problem(
          await vendorSide.post(url, {
            respondentName: 'Eve',
            respondentEmail: 'eve@example.test',
            answers: fullAnswers(),
          }),
          410,
          'gone',
        );

        // The answers are on the vendor's page and a review can reference them.
        const page = await detail(owner, vendor.id);
        const q = page.questionnaires[0];
        assert.equal(q?.status, 'answered');
        assert.deepEqual(q?.respondent, { name: 'Vera Vendor', email: 'vera@formwise.example' });
        assert.deepEqual(q?.answers?.backups, { answer: 'no', comment: 'Restores untested' });
        const referenced = await review(member, vendor.id, {
          examined: '',
          questionnaireId: q?.id,
          completedOn: today(t),
        });
        assert.equal(referenced.statusCode, 201, referenced.body);
        assert.equal(referenced.json().questionnaireId, q?.id);

        // A new link expires; a revoked one is withdrawn: both answer 410.
        const expiring = (
          await member.post(`/api/v1/vendors/${vendor.id}/questionnaires`, { expiresInDays: 1 })
        ).json();
        const revoked = (await member.post(`/api/v1/vendors/${vendor.id}/questionnaires`, {})).json();
        const unanswered = (await member.post(`/api/v1/vendors/${vendor.id}/questionnaires`, {})).json();
        problem(
          await review(member, vendor.id, {
            examined: '',
            questionnaireId: unanswered.questionnaire.id,
            completedOn: today(t),
          }),
          400,
          'validation_failed',
        );
        const withdrawn = await member.post(
          `/api/v1/vendors/${vendor.id}/questionnaires/${revoked.questionnaire.id}/revoke`,
        );
        assert.equal(withdrawn.json().status, 'revoked');
        assert.match(
          problem(await vendorSide.get(`/api/v1/public/vendor-questionnaires/${revoked.token}`), 410, 'gone').detail,
          /withdrew/,
        );
        t.clock.advance(2 * DAY);
        assert.match(
          problem(await vendorSide.get(`/api/v1/public/vendor-questionnaires/${expiring.token}`), 410, 'gone').detail,
          /expired/,
        );
        problem(
          await vendorSide.post(`/api/v1/public/vendor-questionnaires/${expiring.token}`, {
            respondentName: 'Late',
            respondentEmail: 'late@formwise.example',
            answers: fullAnswers(),
          }),
          410,
          'gone',
        );
        // Another organisation's owner cannot reach the links through their own session either.
        const outsider = await signIn(t, other.users.owner);
        problem(
          await outsider.post(`/api/v1/vendors/${vendor.id}/questionnaires/${unanswered.questionnaire.id}/revoke`),
          404,
          'not_found',
        );
      });
    });

    it('keeps SOC 2 reports as evidence of VEN-03 and judges high-tier vendors on them', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'soc');
        const owner = await signIn(t, org.users.owner);
        const member = await signIn(t, org.users.member);
        const vendor = await addVendor(owner, hosting(org.users.member.id));
        const upload = (client: Client, fields: Record<string, string>) => {
          const { body, headers } = multipart(fields, {
            name: 'acme-soc2.pdf',
            type: 'application/pdf',
            data: Buffer.from('%PDF-1.7 report'),
          });
          return client.request('POST', `/api/v1/vendors/${vendor.id}/documents`, body, headers);
        };
        // Bad fields are refused before anything is stored.
        problem(await upload(member, { kind: 'soc2_type2', periodEnd: today(t, -30) }), 400, 'validation_failed');
        problem(await upload(member, { kind: 'soc2_type1' }), 400, 'validation_failed');
        problem(await upload(member, { kind: 'soc3', periodEnd: today(t, -30) }), 400, 'validation_failed');
        problem(
          await upload(member, { kind: 'soc2_type1', periodStart: today(t, -10), periodEnd: today(t, -20) }),
          400,
          'validation_failed',
        );
        problem(await upload(member, { kind: 'soc2_type1', periodEnd: today(t, 5) }), 400, 'validation_failed');
        problem(await upload(await signIn(t, org.users.reviewer), { kind: 'other' }), 403, 'forbidden');
        assert.equal(await count(t, 'evidence WHERE org_id = $1', [org.id]), 0);

        const added = await upload(member, {
          kind: 'soc2_type2',
          periodStart: today(t, -400),
          periodEnd: today(t, -35),
          note: 'Two exceptions in change management',
        });
        assert.equal(added.statusCode, 201, added.body);
        const doc = added.json();
        const [evidence] = await rows<{ key: string; effective_to: Date }>(
          t,
          'SELECT c.key, e.effective_to FROM evidence e JOIN controls c ON c.id = e.control_id WHERE e.id = $1',
          [doc.evidence.id],
        );
        assert.equal(evidence?.key, 'VEN-03');
        const file = await owner.get(`/api/v1/vendors/${vendor.id}/documents/${doc.id}/file`);
        assert.equal(file.statusCode, 200);
        assert.equal(file.body, '%PDF-1.7 report');
        problem(
          await (await signIn(t, org.users.reviewer)).get(`/api/v1/vendors/${vendor.id}/documents/${doc.id}/file`),
          403,
          'forbidden',
        );

        // Approved with a review of the report: the SOC check passes, until the report is a year old.
        assert.equal(
          (await review(member, vendor.id, { examined: '', documentId: doc.id, completedOn: today(t) })).statusCode,
          201,
        );
        assert.equal((await owner.post(`/api/v1/vendors/${vendor.id}/status`, { status: 'approved' })).statusCode, 200);
        const page = await detail(owner, vendor.id);
        assert.deepEqual(page.socReport, { kind: 'soc2_type2', periodEnd: today(t, -35), current: true });
        assert.equal((await outcome(t, org, 'vendor.soc_report_current', vendor.id))?.outcome, 'pass');
        assert.equal((await outcome(t, org, 'vendor.register.complete', vendor.id))?.outcome, 'pass');

        t.clock.advance(340 * DAY);
        await reevaluateOrganisation(t.rt, org.id);
        const stale = await outcome(t, org, 'vendor.soc_report_current', vendor.id);
        assert.equal(stale?.outcome, 'fail');
        assert.match(stale?.reason ?? '', /Acme Hosting/);

        // A lower tier is not asked for one.
        const lowered = await (await signIn(t, org.users.owner)).post(`/api/v1/vendors/${vendor.id}/tier`, {
          tier: 'medium',
          reason: 'Read replica only',
        });
        assert.equal(lowered.statusCode, 200, lowered.body);
        assert.equal((await outcome(t, org, 'vendor.soc_report_current', vendor.id))?.outcome, 'not_applicable');
      });
    });

    it('lists approved subprocessors as JSON and CSV, and exports the register as VEN-01 evidence', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'sub');
        const owner = await signIn(t, org.users.owner);
        const member = await signIn(t, org.users.member);
        const approved = await addVendor(owner, { ...hosting(), name: '=Formula Hosting' });
        await addVendor(owner, { ...hosting(), name: 'Pending Hosting' });
        await addVendor(owner, { name: 'Office Coffee', subprocessor: false });
        assert.equal((await review(owner, approved.id, { completedOn: today(t) })).statusCode, 201);
        assert.equal(
          (await owner.post(`/api/v1/vendors/${approved.id}/status`, { status: 'approved' })).statusCode,
          200,
        );

        const json = await member.get('/api/v1/vendors/subprocessors');
        assert.equal(json.statusCode, 200, json.body);
        assert.deepEqual(json.json().items, [
          {
            name: '=Formula Hosting',
            purpose: 'Runs the production databases',
            website: 'https://acme-hosting.example',
            regions: ['us-east-1'],
            dataClassification: 'restricted',
          },
        ]);
        const csv = await member.get('/api/v1/vendors/subprocessors.csv');
        assert.match(String(csv.headers['content-type']), /^text\/csv/);
        assert.equal(
          csv.body,
          "name,purpose,website,regions,data_classification\r\n'=Formula Hosting,Runs the production databases,https://acme-hosting.example,us-east-1,restricted\r\n",
        );

        problem(await member.post('/api/v1/vendors/export'), 403, 'forbidden');
        const exported = await owner.post('/api/v1/vendors/export');
        assert.equal(exported.statusCode, 200, exported.body);
        assert.equal(exported.body.split('\r\n').filter(Boolean).length, 4, 'a header and three vendors');
        const [evidence] = await rows<{ key: string; ledger_index: number }>(
          t,
          'SELECT c.key, e.ledger_index FROM evidence e JOIN controls c ON c.id = e.control_id WHERE e.id = $1',
          [String(exported.headers['x-evidence-id'])],
        );
        assert.equal(evidence?.key, 'VEN-01');
        assert.ok(evidence && evidence.ledger_index >= 0, 'on the ledger');
      });
    });
  });
}

describe('vendor review recurrence', () => {
  let smtp: LocalSmtp;

  before(async () => {
    smtp = await startSmtp();
  });

  after(() => smtp.close());

  for (const engine of ENGINES) {
    it(`fails the review check once the tier's interval passes and reminds the owner (${engine})`, async () => {
      await withApp(
        engine,
        async (t) => {
          const org = await makeOrg(t, 'recur');
          const owner = await signIn(t, org.users.owner);
          const vendor = await addVendor(owner, hosting(org.users.member.id));
          assert.equal((await review(owner, vendor.id, { completedOn: today(t) })).statusCode, 201);
          assert.equal(
            (await owner.post(`/api/v1/vendors/${vendor.id}/status`, { status: 'approved' })).statusCode,
            200,
          );
          assert.equal((await outcome(t, org, 'vendor.review_current', vendor.id))?.outcome, 'pass');
          const reminders = () =>
            count(t, "notifications WHERE user_id = $1 AND kind = 'vendor.review_due'", [org.users.member.id]);

          // Not due within 30 days yet: no reminder.
          assert.equal((await runVendorDay(t.rt, t.clock.now())).reminded, 0);

          // 340 days on, the yearly review is due within the month: one reminder, then a week's quiet.
          t.clock.advance(340 * DAY);
          const soon = await runVendorDay(t.rt, t.clock.now());
          assert.equal(soon.reminded, 1);
          assert.equal(soon.emails, 1);
          assert.equal(await reminders(), 1);
          assert.equal((await runVendorDay(t.rt, t.clock.now())).reminded, 0, 'at most once a week');
          await reevaluateOrganisation(t.rt, org.id);
          assert.equal((await outcome(t, org, 'vendor.review_current', vendor.id))?.outcome, 'pass');

          // Past the interval: the check fails and the owner is reminded again, in the app and by mail.
          t.clock.advance(30 * DAY);
          await reevaluateOrganisation(t.rt, org.id);
          const overdue = await outcome(t, org, 'vendor.review_current', vendor.id);
          assert.equal(overdue?.outcome, 'fail');
          assert.match(overdue?.reason ?? '', /Acme Hosting .* is overdue/);
          const late = await runVendorDay(t.rt, t.clock.now());
          assert.equal(late.reminded, 1);
          assert.equal(await reminders(), 2);
          const mail = smtp.inbox.filter(
            (m) => m.to.includes(org.users.member.email) && /review of Acme Hosting/.test(m.body),
          );
          assert.equal(mail.length, 2);
          assert.match(mail[0]?.body ?? '', /Due soon: review of Acme Hosting/);
          assert.match(mail[1]?.body ?? '', /Overdue: review of Acme Hosting/);

          // A slower cadence for high-tier vendors makes the same review current again.
          const admin = await signIn(t, org.users.admin);
          const settings = await admin.put('/api/v1/vendors/settings', {
            reviewDays: { high: 400, medium: 730, low: 1095 },
          });
          assert.equal(settings.statusCode, 200, settings.body);
          problem(
            await admin.put('/api/v1/vendors/settings', { reviewDays: { high: 10, medium: 730, low: 1095 } }),
            400,
            'validation_failed',
          );
          assert.equal((await outcome(t, org, 'vendor.review_current', vendor.id))?.outcome, 'pass');
          // A new review starts the next cycle.
          t.clock.advance(40 * DAY);
          await reevaluateOrganisation(t.rt, org.id);
          assert.equal((await outcome(t, org, 'vendor.review_current', vendor.id))?.outcome, 'fail');
          const member = await signIn(t, org.users.member);
          assert.equal((await review(member, vendor.id, { completedOn: today(t) })).statusCode, 201);
          assert.equal((await outcome(t, org, 'vendor.review_current', vendor.id))?.outcome, 'pass');
        },
        { smtpUrl: smtp.url, mailFrom: 'Attest <attest@example.test>' },
      );
    });
  }
});
