import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from '../src/crypto/random.js';
import { withScope } from '../src/db/tenancy.js';
import { runReviewDay } from '../src/modules/reviews/daily.js';
import { reviewObligations } from '../src/modules/reviews/obligations.js';
import { resolveRevocations } from '../src/modules/reviews/resolve.js';
import { lastCompletedReview } from '../src/modules/reviews/service.js';
import type { Client, TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg } from './helpers/factories.js';

const DAY = 86_400_000;

interface Item {
  id: string;
  system: { id: string; name: string };
  account: { name: string; username: string | null; email: string | null; isAdmin: boolean | null };
  person: { id: string; email: string } | null;
  reviewer: { id: string } | null;
  decision: string | null;
  comment: string | null;
  resolvedAt: string | null;
}

interface Campaign {
  id: string;
  name: string;
  status: string;
  scheduled: boolean;
  dueAt: string;
  overdue: boolean;
  csvEvidenceId: string | null;
  pdfEvidenceId: string | null;
  progress: { total: number; decided: number; undecided: number; byDecision: Record<string, number> };
  byReviewer: { reviewer: { id: string } | null; total: number; decided: number }[];
}

const PEOPLE_HEADER = 'system,email,username,display name,admin,mfa,active,last login';

/** The crm system's accounts: people with and without a manager, two members' own, a bot, a manual link. */
function crmAccounts(org: TestOrg, drop: string[] = [], extra: string[] = [], benAdmin = false): string {
  const lines = [
    'crm,ana@northwind.example,ana,Ana Alves,no,yes,active,2026-02-20T10:00:00Z',
    `crm,ben@northwind.example,ben,Ben Brook,${benAdmin ? 'yes' : 'no'},no,active,`,
    `crm,${org.users.reviewer.email},rita,Rita Reviewer,yes,yes,active,`,
    `crm,${org.users.member.email},max,Max Member,no,yes,active,`,
    'crm,,deploy-bot,Deploy bot,no,,active,',
    'crm,carl@northwind.example,carl,Carl Cole,no,yes,active,',
    'crm,dana.admin@vendor.example,dana-admin,Dana (vendor login),yes,yes,active,',
  ].filter((line) => !drop.some((u) => line.includes(`,${u},`)));
  return [PEOPLE_HEADER, ...lines, ...extra].join('\n');
}

async function push(client: Client, kind: string, name: string, body: string) {
  const res = await client.request('POST', `/api/v1/monitoring/push/${kind}?name=${name}`, body, {
    'content-type': 'text/csv',
  });
  assert.equal(res.statusCode, 201, res.body);
}

async function sourceId(t: TestApp, orgId: string, name: string): Promise<string> {
  const [row] = await rows<{ id: string }>(t, 'SELECT id FROM monitoring_sources WHERE org_id = $1 AND name = $2', [
    orgId,
    name,
  ]);
  assert.ok(row, `source ${name}`);
  return row.id;
}

interface World {
  org: TestOrg;
  owner: Client;
  crm: string;
  ledger: string;
  archived: string;
  unsourced: string;
}

/**
 * An organisation with people (SQL, as the register would hold them), two systems fed by
 * account pushes (crm owned by the reviewer user, ledger by the owner), an archived system and
 * one without a source; one crm account linked by hand to an HRIS person record.
 */
async function world(t: TestApp, label: string): Promise<World> {
  const org = await makeOrg(t, label);
  const owner = await signIn(t, org.users.owner);
  const { member, reviewer, auditor } = org.users;
  await push(
    owner,
    'hris-csv',
    'hris',
    'name,email,employment type,start date\nDana Doe,dana@northwind.example,employee,2025-01-01',
  );
  await push(owner, 'accounts-csv', 'crm', crmAccounts(org));
  await push(
    owner,
    'accounts-csv',
    'ledger',
    `${PEOPLE_HEADER}\nledger,${org.users.owner.email},olivia,Olivia Owner,yes,yes,active,`,
  );
  const crmSource = await sourceId(t, org.id, 'crm');
  const ledgerSource = await sourceId(t, org.id, 'ledger');
  const now = t.clock.now();
  const ids = { crm: newId(), ledger: newId(), archived: newId(), unsourced: newId() };
  await withScope(t.rt.database, { orgId: org.id }, async (tx) => {
    const person = (email: string, name: string, manager: string | null) => ({
      id: newId(),
      org_id: org.id,
      email,
      name,
      manager_email: manager,
      employment_type: 'employee' as const,
      source: 'manual' as const,
      created_at: now,
      updated_at: now,
    });
    await tx
      .insertInto('people')
      .values([
        person('ana@northwind.example', 'Ana Alves', member.email),
        person('ben@northwind.example', 'Ben Brook', auditor.email),
        person(reviewer.email, 'Rita Reviewer', null),
        person(member.email, 'Max Member', member.email.toUpperCase()),
        person('carl@northwind.example', 'Carl Cole', 'nobody@elsewhere.example'),
        person('dana@northwind.example', 'Dana Doe', member.email),
      ])
      // The HRIS import may already have put Dana in the register.
      .onConflict((oc) =>
        oc.columns(['org_id', 'email']).doUpdateSet((eb) => ({ manager_email: eb.ref('excluded.manager_email') })),
      )
      .execute();
    const system = (id: string, name: string, ownerId: string, source: string | null, archived = false) => ({
      id,
      org_id: org.id,
      name,
      owner_user_id: ownerId,
      source_id: source,
      archived_at: archived ? now : null,
      created_at: now,
      updated_at: now,
    });
    await tx
      .insertInto('systems')
      .values([
        system(ids.crm, 'CRM', reviewer.id, crmSource),
        system(ids.ledger, 'Ledger', org.users.owner.id, ledgerSource),
        system(ids.archived, 'Old wiki', reviewer.id, crmSource, true),
        system(ids.unsourced, 'Paper files', reviewer.id, null),
      ])
      .execute();
  });
  // Dana's vendor login is linked by hand to her HRIS person record.
  await t.rt.database.query(
    `UPDATE inventory_records SET person_record_id =
       (SELECT r.id FROM inventory_records r JOIN monitoring_sources s ON s.id = r.source_id
         WHERE r.org_id = $1 AND r.type = 'person' AND r.email = 'dana@northwind.example' AND s.name = 'hris')
      WHERE org_id = $1 AND external_id = 'dana-admin'`,
    [org.id],
  );
  return { org, owner, ...ids };
}

async function start(client: Client, systemIds: string[], name = 'Q1 review'): Promise<Campaign> {
  const res = await client.post('/api/v1/access-reviews', { name, systemIds });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function items(client: Client, campaignId: string, query = ''): Promise<{ items: Item[]; total: number }> {
  const res = await client.get(`/api/v1/access-reviews/${campaignId}/items?limit=200${query}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

const byUser = (list: Item[]) => new Map(list.map((i) => [i.account.username, i]));

async function decide(client: Client, campaignId: string, itemId: string, decision: string, comment?: string) {
  return client.post(`/api/v1/access-reviews/${campaignId}/items/${itemId}/decision`, { decision, comment });
}

for (const engine of ENGINES) {
  describe(`access reviews (${engine})`, () => {
    it('snapshots every current account with its person and reviewer (manager, system owner, never self); later pushes change nothing', async () => {
      await withApp(engine, async (t) => {
        const w = await world(t, 'snap');
        const { users } = w.org;
        const campaign = await start(w.owner, [w.crm, w.ledger]);
        assert.equal(campaign.progress.total, 8);
        assert.equal(campaign.status, 'open');
        assert.equal(new Date(campaign.dueAt).getTime() - t.clock.now().getTime(), 14 * DAY);

        const list = byUser((await items(w.owner, campaign.id)).items);
        const reviewerOf = (u: string) => list.get(u)?.reviewer?.id;
        assert.equal(reviewerOf('ana'), users.member.id, "Ana's manager is a member");
        assert.equal(reviewerOf('dana-admin'), users.member.id, 'the manual link finds Dana, then her manager');
        assert.equal(reviewerOf('ben'), users.reviewer.id, "an auditor manager never reviews: the system's owner does");
        assert.equal(reviewerOf('carl'), users.reviewer.id, 'a manager who is not a member: the system owner');
        assert.equal(reviewerOf('deploy-bot'), users.reviewer.id, 'no person: the system owner');
        assert.equal(reviewerOf('max'), users.reviewer.id, 'the member manages himself: not his own reviewer');
        assert.equal(reviewerOf('rita'), users.owner.id, 'the system owner holds this account: the starter reviews it');
        assert.equal(reviewerOf('olivia'), users.admin.id, 'the starter holds it too: the next admin');
        assert.equal(list.get('dana-admin')?.person?.email, 'dana@northwind.example');
        assert.equal(list.get('deploy-bot')?.person, null);
        assert.deepEqual(
          { ...list.get('ana')?.account, lastLoginAt: undefined },
          {
            name: 'Ana Alves',
            username: 'ana',
            email: 'ana@northwind.example',
            displayName: 'Ana Alves',
            isAdmin: false,
            active: true,
            mfaEnabled: true,
            lastLoginAt: undefined,
            sourceKind: 'accounts-csv',
            sourceName: 'crm',
          },
        );

        // Started is audited with counts only: no names or addresses.
        const [audit] = await rows<{ details: Record<string, unknown> }>(
          t,
          "SELECT details FROM audit_log WHERE org_id = $1 AND action = 'access_review.started'",
          [w.org.id],
        );
        assert.equal(audit?.details.accounts, 8);
        assert.doesNotMatch(JSON.stringify(audit?.details), /@/);

        // A later sync (Carl gone, Ben now an admin, Eve new) leaves the campaign as it started.
        await push(
          w.owner,
          'accounts-csv',
          'crm',
          crmAccounts(w.org, ['carl'], ['crm,eve@northwind.example,eve,Eve,no,no,active,'], true),
        );
        const after = byUser((await items(w.owner, campaign.id)).items);
        assert.equal(after.size, 8);
        assert.ok(after.has('carl'));
        assert.ok(!after.has('eve'));
        assert.equal(after.get('ben')?.account.isAdmin, false);

        // What cannot be started writes nothing.
        const before = await count(t, 'access_review_campaigns WHERE org_id = $1', [w.org.id]);
        problem(
          await w.owner.post('/api/v1/access-reviews', { name: 'x', systemIds: [w.archived] }),
          400,
          'validation_failed',
        );
        problem(
          await w.owner.post('/api/v1/access-reviews', { name: 'x', systemIds: [w.unsourced] }),
          400,
          'validation_failed',
        );
        problem(
          await w.owner.post('/api/v1/access-reviews', { name: 'x', systemIds: [newId()] }),
          400,
          'validation_failed',
        );
        problem(
          await (await signIn(t, users.member)).post('/api/v1/access-reviews', { name: 'x', systemIds: [w.crm] }),
          403,
          'forbidden',
        );
        problem(
          await (await signIn(t, users.auditor)).post('/api/v1/access-reviews', { name: 'x', systemIds: [w.crm] }),
          403,
          'forbidden',
        );
        assert.equal(await count(t, 'access_review_campaigns WHERE org_id = $1', [w.org.id]), before);
      });
    });

    it('shows reviewers only their own items and lets only them decide; auditors read but never decide; revoke and change need a comment', async () => {
      await withApp(engine, async (t) => {
        const w = await world(t, 'decide');
        const { users } = w.org;
        const campaign = await start(w.owner, [w.crm, w.ledger]);
        const all = byUser((await items(w.owner, campaign.id)).items);
        const member = await signIn(t, users.member);
        const reviewer = await signIn(t, users.reviewer);
        const auditor = await signIn(t, users.auditor);

        const mine = await items(member, campaign.id);
        assert.deepEqual(mine.items.map((i) => i.account.username).sort(), ['ana', 'dana-admin']);
        const bens = all.get('ben')!;
        problem(await member.get(`/api/v1/access-reviews/${campaign.id}/items/${bens.id}`), 404, 'not_found');
        problem(await decide(member, campaign.id, bens.id, 'keep'), 404, 'not_found');
        // The member's view of progress counts only their items.
        const memberView = (await member.get(`/api/v1/access-reviews/${campaign.id}`)).json() as Campaign;
        assert.equal(memberView.progress.total, 2);

        problem(await decide(w.owner, campaign.id, all.get('ana')!.id, 'keep'), 403, 'forbidden');
        assert.equal((await items(auditor, campaign.id)).total, 8);
        problem(await decide(auditor, campaign.id, bens.id, 'keep'), 403, 'forbidden');

        const ana = all.get('ana')!;
        const bare = problem(await decide(member, campaign.id, ana.id, 'revoke'), 400, 'validation_failed');
        assert.equal(bare.errors?.[0]?.path, 'body.comment');
        problem(await decide(member, campaign.id, ana.id, 'change', '   '), 400, 'validation_failed');
        const revoked = await decide(member, campaign.id, ana.id, 'revoke', 'Left the sales team in January.');
        assert.equal(revoked.statusCode, 200, revoked.body);
        assert.equal(revoked.json().decision, 'revoke');
        // Changed her mind: allowed until the campaign is completed.
        const kept = await decide(member, campaign.id, ana.id, 'keep');
        assert.equal(kept.json().decision, 'keep');
        assert.equal(kept.json().comment, null);

        // Bulk keep: the reviewer's four at once; one of someone else's in the batch is not found.
        const theirs = (await items(reviewer, campaign.id)).items.map((i) => i.id);
        assert.equal(theirs.length, 4);
        problem(
          await reviewer.post(`/api/v1/access-reviews/${campaign.id}/decisions`, {
            itemIds: [...theirs, ana.id],
            decision: 'keep',
          }),
          404,
          'not_found',
        );
        const bulk = await reviewer.post(`/api/v1/access-reviews/${campaign.id}/decisions`, {
          itemIds: theirs,
          decision: 'keep',
        });
        assert.equal(bulk.statusCode, 200, bulk.body);
        assert.equal(bulk.json().items.length, 4);
        assert.equal((await items(w.owner, campaign.id, '&undecided=true')).total, 3);
        assert.equal((await items(w.owner, campaign.id, `&reviewer=${users.member.id}&decision=keep`)).total, 1);
        assert.equal(await count(t, "audit_log WHERE org_id = $1 AND action = 'access_review.decided'", [w.org.id]), 3);

        const detail = (await w.owner.get(`/api/v1/access-reviews/${campaign.id}`)).json() as Campaign;
        assert.equal(detail.progress.decided, 5);
        assert.equal(detail.byReviewer.find((r) => r.reviewer?.id === users.reviewer.id)?.decided, 4);

        // Reassigning: never to an auditor, never to the account's holder; the new reviewer decides.
        const dana = all.get('dana-admin')!;
        const reassign = (reviewerId: string, itemIds: string[]) =>
          w.owner.post(`/api/v1/access-reviews/${campaign.id}/reassign`, { itemIds, reviewerId });
        problem(await reassign(users.auditor.id, [dana.id]), 400, 'validation_failed');
        problem(await reassign(users.member.id, [all.get('max')!.id]), 400, 'validation_failed');
        problem(
          await member.post(`/api/v1/access-reviews/${campaign.id}/reassign`, {
            itemIds: [dana.id],
            reviewerId: users.admin.id,
          }),
          403,
          'forbidden',
        );
        const moved = await reassign(users.admin.id, [dana.id]);
        assert.equal(moved.statusCode, 200, moved.body);
        problem(await decide(member, campaign.id, dana.id, 'keep'), 404, 'not_found');
        const admin = await signIn(t, users.admin);
        assert.equal((await decide(admin, campaign.id, dana.id, 'change', 'Drop the admin role.')).statusCode, 200);
      });
    });

    it('keeps a revocation open while a sync still shows the account, and resolves it once one does not', async () => {
      await withApp(engine, async (t) => {
        const w = await world(t, 'revoke');
        const { users } = w.org;
        const campaign = await start(w.owner, [w.crm]);
        const all = byUser((await items(w.owner, campaign.id)).items);
        const member = await signIn(t, users.member);
        let reviewer = await signIn(t, users.reviewer);
        let owner = w.owner;
        assert.equal(
          (await decide(member, campaign.id, all.get('ana')!.id, 'revoke', 'No longer in sales.')).statusCode,
          200,
        );
        assert.equal(
          (await decide(reviewer, campaign.id, all.get('ben')!.id, 'change', 'Read-only is enough.')).statusCode,
          200,
        );
        assert.equal(
          (await decide(reviewer, campaign.id, all.get('carl')!.id, 'change', 'Fewer pipelines.')).statusCode,
          200,
        );
        const resolve = () =>
          withScope(t.rt.database, { orgId: w.org.id }, (tx) => resolveRevocations(tx, w.org.id, t.clock.now()));
        const state = async () => byUser((await items(owner, campaign.id)).items);

        // The same accounts again: Ana is still there, so the revocation is still open.
        t.clock.advance(DAY);
        owner = await signIn(t, users.owner); // the sessions have long expired
        reviewer = await signIn(t, users.reviewer);
        await push(owner, 'accounts-csv', 'crm', crmAccounts(w.org));
        assert.equal(await resolve(), 0);
        assert.equal((await state()).get('ana')?.resolvedAt, null);
        assert.equal((await items(owner, campaign.id, '&pending=true')).total, 3);

        // Ana is gone from the next sync and Ben's admin flag changed: both are resolved.
        t.clock.advance(DAY);
        owner = await signIn(t, users.owner); // the sessions have long expired
        reviewer = await signIn(t, users.reviewer);
        await push(owner, 'accounts-csv', 'crm', crmAccounts(w.org, ['ana'], [], true));
        await resolve();
        const after = await state();
        assert.ok(after.get('ana')?.resolvedAt, 'the revocation is confirmed by the sync');
        assert.ok(after.get('ben')?.resolvedAt, 'the change is confirmed by the changed record');
        assert.equal(after.get('carl')?.resolvedAt, null);
        assert.equal(await resolve(), 0, 'nothing is resolved twice');

        // A change no source can show is confirmed by hand (owners and admins), a revocation never.
        const carl = after.get('carl')!;
        problem(
          await reviewer.post(`/api/v1/access-reviews/${campaign.id}/items/${carl.id}/confirm-change`),
          403,
          'forbidden',
        );
        problem(
          await owner.post(`/api/v1/access-reviews/${campaign.id}/items/${after.get('ana')!.id}/confirm-change`),
          409,
          'conflict',
        );
        const confirmed = await owner.post(`/api/v1/access-reviews/${campaign.id}/items/${carl.id}/confirm-change`);
        assert.equal(confirmed.statusCode, 200, confirmed.body);
        assert.ok(confirmed.json().resolvedAt);
      });
    });

    it('completes a fully decided campaign: CSV and PDF stored as ACC-09 evidence on the ledger, decisions final', async () => {
      await withApp(engine, async (t) => {
        const w = await world(t, 'complete');
        const { users } = w.org;
        const campaign = await start(w.owner, [w.crm]);
        let member = await signIn(t, users.member);
        const reviewer = await signIn(t, users.reviewer);
        const all = byUser((await items(w.owner, campaign.id)).items);

        problem(await w.owner.post(`/api/v1/access-reviews/${campaign.id}/complete`), 409, 'conflict');
        assert.equal(
          (await decide(member, campaign.id, all.get('ana')!.id, 'revoke', 'Left, "as agreed", in March.')).statusCode,
          200,
        );
        assert.equal((await decide(member, campaign.id, all.get('dana-admin')!.id, 'keep')).statusCode, 200);
        assert.equal((await decide(w.owner, campaign.id, all.get('rita')!.id, 'keep')).statusCode, 200);
        const theirs = (await items(reviewer, campaign.id)).items.map((i) => i.id);
        assert.equal(
          (
            await reviewer.post(`/api/v1/access-reviews/${campaign.id}/decisions`, {
              itemIds: theirs,
              decision: 'keep',
            })
          ).statusCode,
          200,
        );

        t.clock.advance(3 * DAY);
        const owner = await signIn(t, users.owner); // the sessions have long expired
        member = await signIn(t, users.member);
        const auditor = await signIn(t, users.auditor);
        problem(await member.post(`/api/v1/access-reviews/${campaign.id}/complete`), 403, 'forbidden');
        const res = await owner.post(`/api/v1/access-reviews/${campaign.id}/complete`);
        assert.equal(res.statusCode, 200, res.body);
        const done = res.json() as Campaign & { completedAt: string; startedAt: string };
        assert.equal(done.status, 'completed');
        assert.ok(done.csvEvidenceId && done.pdfEvidenceId);

        const evidence = await rows<{
          id: string;
          name: string;
          ledger_index: number | null;
          key: string;
          effective_from: Date;
          effective_to: Date;
        }>(
          t,
          `SELECT e.id, e.name, e.ledger_index, c.key, e.effective_from, e.effective_to
             FROM evidence e JOIN controls c ON c.id = e.control_id
            WHERE e.id = ANY($1::uuid[]) ORDER BY e.name`,
          [[done.csvEvidenceId, done.pdfEvidenceId]],
        );
        assert.equal(evidence.length, 2);
        for (const e of evidence) {
          assert.equal(e.key, 'ACC-09');
          assert.equal(typeof e.ledger_index, 'number');
          assert.equal(e.effective_from.toISOString(), done.startedAt);
          assert.equal(e.effective_to.toISOString(), done.completedAt);
        }
        assert.equal(
          await count(t, 'ledger_leaves WHERE org_id = $1 AND ref_id = ANY($2::text[])', [
            w.org.id,
            [done.csvEvidenceId, done.pdfEvidenceId],
          ]),
          2,
        );

        const csv = await owner.get(`/api/v1/evidence/${done.csvEvidenceId}/download`);
        assert.equal(csv.statusCode, 200);
        const lines = csv.body.trim().split('\r\n');
        assert.equal(
          lines[0],
          'system,account,email,person,admin,mfa,last login,reviewer,decision,comment,decided at,resolved at',
        );
        assert.equal(lines.length, 8);
        const anaLine = lines.find((l) => l.startsWith('CRM,ana,'));
        assert.match(anaLine ?? '', /,revoke,"Left, ""as agreed"", in March\.",/);
        assert.match(anaLine ?? '', new RegExp(`,${users.member.email},`));
        const pdf = await owner.get(`/api/v1/evidence/${done.pdfEvidenceId}/download`);
        assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');

        // Final: no decision changes, no second completion; the export stays readable.
        problem(await decide(member, campaign.id, all.get('ana')!.id, 'keep'), 409, 'conflict');
        problem(await owner.post(`/api/v1/access-reviews/${campaign.id}/complete`), 409, 'conflict');
        assert.equal(
          await count(t, "audit_log WHERE org_id = $1 AND action = 'access_review.completed'", [w.org.id]),
          1,
        );
        const exported = await auditor.get(`/api/v1/access-reviews/${campaign.id}/export.csv`);
        assert.equal(exported.statusCode, 200);
        assert.match(String(exported.headers['content-type']), /^text\/csv/);
        assert.equal(exported.body.trim().split('\r\n').length, 8);
        problem(await member.get(`/api/v1/access-reviews/${campaign.id}/export.csv`), 403, 'forbidden');

        const last = await withScope(t.rt.database, { orgId: w.org.id }, (tx) => lastCompletedReview(tx));
        assert.deepEqual(last, { campaignId: campaign.id, completedAt: done.completedAt, startedAt: done.startedAt });
      });
    });

    it('starts the scheduled campaign on its day with the daily job, moves the day a quarter on, and reminds reviewers once a day', async () => {
      await withApp(engine, async (t) => {
        const w = await world(t, 'sched');
        const { users } = w.org;
        const day = (offset: number) => new Date(t.clock.now().getTime() + offset * DAY).toISOString().slice(0, 10);
        const member = await signIn(t, users.member);
        const body = { enabled: true, systemIds: [w.crm], dueDays: 10, nextStartOn: day(2) };
        problem(await member.put('/api/v1/access-reviews/schedule', body), 403, 'forbidden');
        problem(
          await w.owner.put('/api/v1/access-reviews/schedule', { ...body, nextStartOn: day(-1) }),
          400,
          'validation_failed',
        );
        const saved = await w.owner.put('/api/v1/access-reviews/schedule', body);
        assert.equal(saved.statusCode, 200, saved.body);
        assert.equal(saved.json().schedule.nextStartOn, day(2));

        assert.equal((await runReviewDay(t.rt, t.clock.now())).started, 0, 'not yet');
        t.clock.advance(2 * DAY);
        const firstDay = day(0);
        const run = await runReviewDay(t.rt, t.clock.now());
        assert.equal(run.started, 1);
        assert.equal((await runReviewDay(t.rt, t.clock.now())).started, 0, 'once per scheduled day');
        const [campaign] = await rows<{
          id: string;
          name: string;
          scheduled: boolean;
          started_by: string | null;
          due_at: Date;
        }>(t, 'SELECT id, name, scheduled, started_by, due_at FROM access_review_campaigns WHERE org_id = $1', [
          w.org.id,
        ]);
        assert.ok(campaign);
        assert.equal(campaign.name, 'Access review 2026 Q1');
        assert.equal(campaign.scheduled, true);
        assert.equal(campaign.started_by, null);
        assert.equal(campaign.due_at.getTime() - t.clock.now().getTime(), 10 * DAY);
        const owner = await signIn(t, users.owner);
        const schedule = (await owner.get('/api/v1/access-reviews/schedule')).json().schedule;
        assert.equal(schedule.nextStartOn, `2026-06-${firstDay.slice(8)}`);
        // Nobody started it, so the rita account (the system owner's own) goes to the owners and admins.
        const [rita] = await rows<{ reviewer_id: string }>(
          t,
          "SELECT reviewer_id FROM access_review_items WHERE campaign_id = $1 AND account->>'username' = 'rita'",
          [campaign.id],
        );
        assert.equal(rita?.reviewer_id, users.owner.id);

        // Obligations: the member owes two decisions, soon overdue.
        const owed = () =>
          withScope(t.rt.database, { orgId: w.org.id }, (tx) =>
            reviewObligations(tx, { id: users.member.id, email: users.member.email }, t.clock.now()),
          );
        const [obligation] = await owed();
        assert.equal(obligation?.kind, 'access_review');
        assert.equal(obligation?.href, `/access-reviews/${campaign.id}`);
        assert.equal(obligation?.overdue, false);
        assert.match(obligation?.detail ?? '', /2 accounts/);
        assert.equal(
          await count(t, "notifications WHERE org_id = $1 AND kind = 'access_review.assigned'", [w.org.id]),
          3,
        );

        // Reminders: not on the day it started (the start notice stands), then once a day.
        assert.equal(run.reminders.campaigns, 0);
        t.clock.advance(DAY);
        assert.equal((await runReviewDay(t.rt, t.clock.now())).reminders.campaigns, 1);
        assert.equal((await runReviewDay(t.rt, t.clock.now())).reminders.campaigns, 0, 'at most once a day');
        const reminded = await rows<{ user_id: string }>(
          t,
          "SELECT user_id FROM notifications WHERE org_id = $1 AND kind = 'access_review.reminder' ORDER BY user_id",
          [w.org.id],
        );
        assert.deepEqual(
          reminded.map((r) => r.user_id),
          [users.owner.id, users.member.id, users.reviewer.id].sort(),
        );

        t.clock.advance(10 * DAY);
        assert.equal((await owed())[0]?.overdue, true);
        const again = await signIn(t, users.member);
        const mine = (await again.get('/api/v1/access-reviews/assigned')).json().items;
        assert.equal(mine.length, 1);
        for (const item of (await items(again, campaign.id)).items) {
          assert.equal((await decide(again, campaign.id, item.id, 'keep')).statusCode, 200);
        }
        assert.deepEqual(await owed(), []);
      });
    });

    it("answers another organisation's campaign as not found", async () => {
      await withApp(engine, async (t) => {
        const w = await world(t, 'mine');
        const campaign = await start(w.owner, [w.crm]);
        const [item] = (await items(w.owner, campaign.id)).items;
        const other = await makeOrg(t, 'other');
        const stranger = await signIn(t, other.users.owner);
        const base = `/api/v1/access-reviews/${campaign.id}`;
        problem(await stranger.get(base), 404, 'not_found');
        problem(await stranger.get(`${base}/items`), 404, 'not_found');
        problem(await stranger.get(`${base}/export.csv`), 404, 'not_found');
        problem(await decide(stranger, campaign.id, item!.id, 'keep'), 404, 'not_found');
        problem(await stranger.post(`${base}/complete`), 404, 'not_found');
        problem(await stranger.post(`${base}/cancel`), 404, 'not_found');
        problem(
          await stranger.post('/api/v1/access-reviews', { name: 'x', systemIds: [w.crm] }),
          400,
          'validation_failed',
        );
        assert.equal((await stranger.get('/api/v1/access-reviews')).json().total, 0);
      });
    });
  });
}
