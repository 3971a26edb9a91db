import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { CLI_META } from '../src/context.js';
import { withScope } from '../src/db/tenancy.js';
import { startJobs } from '../src/jobs/boss.js';
import { decisionHash } from '../src/modules/access/decisions.js';
import { expireAccessGrants } from '../src/modules/access/expiry.js';
import { accessObligations, productionAccessFacts } from '../src/modules/access/facts.js';
import { EXPIRE_CRON, EXPIRE_QUEUE, registerAccessJobs } from '../src/modules/access/jobs.js';
import { createPerson } from '../src/modules/people/register.js';
import type { Client, TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg } from './helpers/factories.js';

const DAY = 86_400_000;
const day = (t: TestApp, offsetDays: number) =>
  new Date(t.clock.now().getTime() + offsetDays * DAY).toISOString().slice(0, 10);

interface System {
  id: string;
  name: string;
  owner: { id: string; email: string } | null;
  production: boolean;
  classification: string;
  source: { id: string; name: string } | null;
  maxAccessDays: number;
  archivedAt: string | null;
  accounts: { accounts: number; orphans: number; departed: number } | null;
}

interface AccessRequest {
  id: string;
  status: string;
  expiresAt: string | null;
  decidedAt: string | null;
  decidedBy: { id: string } | null;
  decisionComment: string | null;
  ledgerIndex: number | null;
  canDecide: boolean;
  canCancel: boolean;
  canRevoke: boolean;
}

async function createSystem(client: Client, body: Record<string, unknown>): Promise<System> {
  const res = await client.post('/api/v1/systems', body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function ask(client: Client, systemId: string, extra: Record<string, unknown> = {}): Promise<AccessRequest> {
  const res = await client.post('/api/v1/access-requests', {
    systemId,
    accessLevel: 'read-only',
    justification: 'Investigating the billing incident of this week',
    durationDays: 7,
    ...extra,
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

const notices = (t: TestApp, userId: string, kind: string) =>
  count(t, 'notifications WHERE user_id = $1 AND kind = $2', [userId, kind]);

const audits = (t: TestApp, orgId: string, action: string, targetId?: string) =>
  targetId
    ? count(t, 'audit_log WHERE org_id = $1 AND action = $2 AND target_id = $3', [orgId, action, targetId])
    : count(t, 'audit_log WHERE org_id = $1 AND action = $2', [orgId, action]);

/** Adds people to the register as the app would (a transaction scoped to the organisation). */
async function addPeople(
  t: TestApp,
  org: TestOrg,
  people: { email: string; name: string; startDate?: string; endDate?: string }[],
) {
  await withScope(t.rt.database, { orgId: org.id }, async (tx) => {
    for (const p of people) {
      await createPerson(
        tx,
        org.id,
        p,
        'manual',
        { userId: org.users.owner.id, label: org.users.owner.email },
        CLI_META,
        t.clock.now(),
      );
    }
  });
}

async function push(client: Client, kind: string, body: string, name: string) {
  const res = await client.request('POST', `/api/v1/monitoring/push/${kind}?name=${name}`, body, {
    'content-type': 'text/csv',
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { source: { id: string } };
}

for (const engine of ENGINES) {
  describe(`systems and access requests (${engine})`, () => {
    it('keeps a catalogue of systems: owners and admins change it, members read it, bad input is refused', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'sys');
        const other = await makeOrg(t, 'sys-other');
        const owner = await signIn(t, org.users.owner);
        const member = await signIn(t, org.users.member);

        const created = await createSystem(owner, {
          name: 'Billing database',
          description: 'Customer invoices and payment records',
          ownerUserId: org.users.reviewer.id,
          production: true,
          classification: 'confidential',
          maxAccessDays: 30,
        });
        assert.equal(created.owner?.email, org.users.reviewer.email);
        assert.equal(created.production, true);
        assert.equal(created.classification, 'confidential');
        assert.equal(created.maxAccessDays, 30);
        assert.equal(await audits(t, org.id, 'system.created', created.id), 1);

        // Members read the catalogue (owners shown) but cannot change it.
        problem(await member.post('/api/v1/systems', { name: 'Wiki' }), 403, 'forbidden');
        const seen = await member.get('/api/v1/systems');
        assert.equal(seen.statusCode, 200, seen.body);
        assert.equal(seen.json().total, 1);
        assert.equal(seen.json().items[0].owner.email, org.users.reviewer.email);
        assert.equal(seen.json().items[0].accounts, null, 'members see no account counts');

        // Validation says what to fix and writes nothing.
        const auditor = problem(
          await owner.post('/api/v1/systems', { name: 'Wiki', ownerUserId: org.users.auditor.id }),
          400,
          'validation_failed',
        );
        assert.match(auditor.detail, /auditor/i);
        const outsider = problem(
          await owner.post('/api/v1/systems', { name: 'Wiki', ownerUserId: other.users.owner.id }),
          400,
          'validation_failed',
        );
        assert.match(outsider.detail, /member of this organisation/);
        assert.equal(outsider.errors?.[0]?.path, 'body.ownerUserId');
        const source = problem(
          await owner.post('/api/v1/systems', { name: 'Wiki', sourceId: '00000000-0000-4000-8000-000000000000' }),
          400,
          'validation_failed',
        );
        assert.match(source.detail, /source does not exist/);
        problem(await owner.post('/api/v1/systems', { name: 'Wiki', maxAccessDays: 0 }), 400, 'validation_failed');
        problem(await owner.post('/api/v1/systems', { name: '  ' }), 400, 'validation_failed');
        const duplicate = problem(await owner.post('/api/v1/systems', { name: 'billing DATABASE' }), 409, 'conflict');
        assert.match(duplicate.detail, /already in the catalogue/);
        assert.equal(await count(t, 'systems WHERE org_id = $1', [org.id]), 1);

        // Editing changes only what is sent, and is audited.
        const edited = await owner.patch(`/api/v1/systems/${created.id}`, { maxAccessDays: 14, production: false });
        assert.equal(edited.statusCode, 200, edited.body);
        assert.equal(edited.json().maxAccessDays, 14);
        assert.equal(edited.json().production, false);
        assert.equal(edited.json().classification, 'confidential');
        const [updated] = await rows<{ details: { changed: Record<string, unknown> } }>(
          t,
          "SELECT details FROM audit_log WHERE org_id = $1 AND action = 'system.updated'",
          [org.id],
        );
        assert.deepEqual(updated?.details.changed, { maxAccessDays: 14, production: false });
        problem(
          await owner.patch(`/api/v1/systems/${created.id}`, { ownerUserId: org.users.auditor.id }),
          400,
          'validation_failed',
        );
        problem(await member.patch(`/api/v1/systems/${created.id}`, { name: 'Mine' }), 403, 'forbidden');

        // Archived systems leave the default list; they can come back.
        const archived = await owner.post(`/api/v1/systems/${created.id}/archive`);
        assert.equal(archived.statusCode, 200, archived.body);
        assert.ok(archived.json().archivedAt);
        assert.equal(await audits(t, org.id, 'system.archived', created.id), 1);
        assert.equal((await member.get('/api/v1/systems')).json().total, 0);
        assert.equal((await member.get('/api/v1/systems?archived=true')).json().total, 1);
        const back = await owner.post(`/api/v1/systems/${created.id}/unarchive`);
        assert.equal(back.json().archivedAt, null);

        // Another organisation's system is not found.
        const otherOwner = await signIn(t, other.users.owner);
        problem(await otherOwner.get(`/api/v1/systems/${created.id}`), 404, 'not_found');
        problem(await otherOwner.patch(`/api/v1/systems/${created.id}`, { name: 'Taken' }), 404, 'not_found');
        problem(await otherOwner.post(`/api/v1/systems/${created.id}/archive`), 404, 'not_found');
      });
    });

    it("lists a system's accounts with their person, flagging orphans and departed people's active accounts", async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'acc');
        const owner = await signIn(t, org.users.owner);
        await addPeople(t, org, [
          { email: 'ada@northwind.example', name: 'Ada Current', startDate: day(t, -400) },
          { email: 'bo@northwind.example', name: 'Bo Departed', startDate: day(t, -800), endDate: day(t, -30) },
          { email: 'dee@northwind.example', name: 'Dee Departed', startDate: day(t, -800), endDate: day(t, -10) },
          { email: 'eve@northwind.example', name: 'Eve Linked', startDate: day(t, -100) },
          { email: 'fay@northwind.example', name: 'Fay Leaving', startDate: day(t, -100), endDate: day(t, 20) },
        ]);
        // An HRIS person record for Eve, to which her personal-address account is linked by hand.
        await push(
          owner,
          'hris-csv',
          `name,email,employment type,start date\nEve Linked,eve@northwind.example,employee,${day(t, -100)}`,
          'hr',
        );
        const crm = await push(
          owner,
          'accounts-csv',
          [
            'system,email,username,display name,admin,mfa,active',
            'crm,ada@northwind.example,ada,Ada,yes,yes,active',
            'crm,bo@northwind.example,bo,Bo,no,no,active',
            'crm,dee@northwind.example,dee,Dee,no,yes,deactivated',
            'crm,eve.home@mail.example,evie,Eve at home,no,yes,active',
            'crm,fay@northwind.example,fay,Fay,no,yes,active',
            'crm,stranger@mail.example,stranger,Someone,no,no,active',
            'crm,,sync-bot,Sync bot,no,,active',
          ].join('\n'),
          'crm',
        );
        const [eveAccount] = await rows<{ id: string }>(
          t,
          "SELECT id FROM inventory_records WHERE org_id = $1 AND type = 'account' AND email = 'eve.home@mail.example'",
          [org.id],
        );
        const [evePerson] = await rows<{ id: string }>(
          t,
          `SELECT r.id FROM inventory_records r JOIN monitoring_sources s ON s.id = r.source_id
            WHERE r.org_id = $1 AND r.type = 'person' AND s.kind = 'hris-csv'`,
          [org.id],
        );
        assert.ok(eveAccount && evePerson);
        const link = await owner.put(`/api/v1/monitoring/records/${eveAccount.id}/person`, { personId: evePerson.id });
        assert.equal(link.statusCode, 200, link.body);

        const system = await createSystem(owner, { name: 'CRM', sourceId: crm.source.id });
        assert.deepEqual(system.accounts, { accounts: 7, orphans: 2, departed: 1 });

        type Account = {
          username: string;
          active: boolean;
          admin: boolean;
          mfa: boolean | null;
          linked: boolean;
          person: { name: string; status: string } | null;
          flags: string[];
        };
        const all = await owner.get(`/api/v1/systems/${system.id}/accounts`);
        assert.equal(all.statusCode, 200, all.body);
        const byName = new Map((all.json().items as Account[]).map((a) => [a.username, a]));
        assert.equal(all.json().total, 7);
        assert.deepEqual(byName.get('ada')?.flags, []);
        assert.equal(byName.get('ada')?.admin, true);
        assert.equal(byName.get('ada')?.person?.name, 'Ada Current');
        assert.deepEqual(byName.get('bo')?.flags, ['departed'], 'departed and still active');
        assert.equal(byName.get('bo')?.mfa, false);
        assert.deepEqual(byName.get('dee')?.flags, [], 'departed, but the account is disabled');
        assert.equal(byName.get('dee')?.active, false);
        assert.deepEqual(byName.get('evie')?.flags, [], 'linked by hand to Eve');
        assert.equal(byName.get('evie')?.linked, true);
        assert.equal(byName.get('evie')?.person?.name, 'Eve Linked');
        assert.deepEqual(byName.get('fay')?.flags, [], 'her end date is still ahead');
        assert.deepEqual(byName.get('stranger')?.flags, ['orphan']);
        assert.deepEqual(byName.get('sync-bot')?.flags, ['orphan']);

        const orphans = (await owner.get(`/api/v1/systems/${system.id}/accounts?flag=orphan`)).json();
        assert.deepEqual(orphans.items.map((a: Account) => a.username).sort(), ['stranger', 'sync-bot']);
        assert.equal(orphans.total, 2);
        const departed = (await owner.get(`/api/v1/systems/${system.id}/accounts?flag=departed`)).json();
        assert.deepEqual(
          departed.items.map((a: Account) => a.username),
          ['bo'],
        );

        // Pages: two at a time, every account once.
        const seen: string[] = [];
        for (let offset = 0; offset < 7; offset += 2) {
          const res = (await owner.get(`/api/v1/systems/${system.id}/accounts?limit=2&offset=${offset}`)).json();
          assert.equal(res.total, 7);
          seen.push(...res.items.map((a: Account) => a.username));
        }
        assert.deepEqual([...seen].sort(), [...byName.keys()].sort());

        // A system without a source has no accounts.
        const bare = await createSystem(owner, { name: 'Wiki' });
        assert.equal(bare.accounts, null);
        const none = (await owner.get(`/api/v1/systems/${bare.id}/accounts`)).json();
        assert.deepEqual(none, { items: [], total: 0, source: null });

        // Time passes: Fay's end date goes by while her account stays active.
        t.clock.advance(21 * DAY);
        const auditor = await signIn(t, org.users.auditor);
        const later = (await auditor.get(`/api/v1/systems/${system.id}/accounts?flag=departed`)).json();
        assert.deepEqual(later.items.map((a: Account) => a.username).sort(), ['bo', 'fay']);
        const listed = (await auditor.get('/api/v1/systems')).json().items[0] as System;
        assert.deepEqual(listed.accounts, { accounts: 7, orphans: 2, departed: 2 });

        // Members see the system, not everyone's accounts.
        const member = await signIn(t, org.users.member);
        problem(await member.get(`/api/v1/systems/${system.id}/accounts`), 403, 'forbidden');
        // Another organisation's system is not found.
        const other = await makeOrg(t, 'acc-other');
        const otherOwner = await signIn(t, other.users.owner);
        problem(await otherOwner.get(`/api/v1/systems/${system.id}/accounts`), 404, 'not_found');
      });
    });

    it('grants time-limited access: request, approval on the ledger, expiry by the hourly job', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'req');
        const owner = await signIn(t, org.users.owner);
        const member = await signIn(t, org.users.member);
        const reviewer = await signIn(t, org.users.reviewer);
        const system = await createSystem(owner, {
          name: 'Production database',
          production: true,
          classification: 'restricted',
          ownerUserId: org.users.reviewer.id,
          maxAccessDays: 14,
        });

        // Bad requests write nothing and say what to fix.
        const short = problem(
          await member.post('/api/v1/access-requests', {
            systemId: system.id,
            justification: 'because',
            durationDays: 3,
          }),
          400,
          'validation_failed',
        );
        assert.match(JSON.stringify(short), /at least 10 characters/);
        const long = problem(
          await member.post('/api/v1/access-requests', {
            systemId: system.id,
            justification: 'Investigating the billing incident',
            durationDays: 30,
          }),
          400,
          'validation_failed',
        );
        assert.match(long.detail, /at most 14 days/);
        const auditor = await signIn(t, org.users.auditor);
        problem(
          await auditor.post('/api/v1/access-requests', {
            systemId: system.id,
            justification: 'Investigating the billing incident',
            durationDays: 3,
          }),
          403,
          'forbidden',
        );
        assert.equal(await count(t, 'access_requests WHERE org_id = $1', [org.id]), 0);

        // The request: the system owner hears of it; asking twice while pending is refused.
        const asked = await ask(member, system.id);
        assert.equal(asked.status, 'pending');
        assert.equal(asked.canCancel, true);
        assert.equal(asked.canDecide, false);
        assert.equal(await notices(t, org.users.reviewer.id, 'access.requested'), 1);
        assert.equal(await notices(t, org.users.admin.id, 'access.requested'), 0, 'the owner decides, not admins');
        assert.equal(await audits(t, org.id, 'access.requested', asked.id), 1);
        problem(
          await member.post('/api/v1/access-requests', {
            systemId: system.id,
            justification: 'Investigating the billing incident',
            durationDays: 3,
          }),
          409,
          'conflict',
        );

        // The requester never decides; a member who does not own the system neither.
        const own = problem(await member.post(`/api/v1/access-requests/${asked.id}/approve`, {}), 403, 'forbidden');
        assert.match(own.detail, /your own/);
        const byAdmin = await ask(await signIn(t, org.users.admin), system.id);
        problem(await member.post(`/api/v1/access-requests/${byAdmin.id}/approve`, {}), 403, 'forbidden');
        problem(await auditor.post(`/api/v1/access-requests/${byAdmin.id}/approve`, {}), 403, 'forbidden');

        // The system owner (a reviewer) approves: the grant expires after the requested days.
        assert.equal((await reviewer.get(`/api/v1/access-requests/${asked.id}`)).json().canDecide, true);
        const decidedAt = t.clock.now();
        const approved = await reviewer.post(`/api/v1/access-requests/${asked.id}/approve`, { comment: 'For a week' });
        assert.equal(approved.statusCode, 200, approved.body);
        const grant = approved.json() as AccessRequest;
        assert.equal(grant.status, 'approved');
        assert.equal(grant.decidedBy?.id, org.users.reviewer.id);
        assert.equal(grant.expiresAt, new Date(decidedAt.getTime() + 7 * DAY).toISOString());
        assert.equal(await notices(t, org.users.member.id, 'access.approved'), 1);
        assert.equal(await audits(t, org.id, 'access.approved', asked.id), 1);
        problem(await owner.post(`/api/v1/access-requests/${asked.id}/approve`, {}), 409, 'conflict');

        // The decision is a ledger leaf committing to the decision's canonical record.
        assert.equal(typeof grant.ledgerIndex, 'number');
        const [leaf] = await rows<{ idx: number; kind: string; leaf_data: Buffer }>(
          t,
          'SELECT idx, kind, leaf_data FROM ledger_leaves WHERE org_id = $1 AND ref_id = $2',
          [org.id, asked.id],
        );
        assert.equal(leaf?.idx, grant.ledgerIndex);
        assert.equal(leaf?.kind, 'access.decision');
        const expected = decisionHash({
          requestId: asked.id,
          systemId: system.id,
          requester: org.users.member.id,
          decision: 'approved',
          decidedBy: org.users.reviewer.id,
          decidedAt: decidedAt.toISOString(),
          expiresAt: grant.expiresAt,
          comment: 'For a week',
        });
        assert.match(Buffer.from(leaf?.leaf_data ?? []).toString('utf8'), new RegExp(`\\nsha256 ${expected}\\n`));

        // Production facts: one active grant, decided by someone else.
        const facts = () =>
          withScope(t.rt.database, { orgId: org.id }, (tx) => productionAccessFacts(tx, t.clock.now()));
        assert.deepEqual(
          (await facts()).map((f) => [f.name, f.activeGrants, f.overdueGrants, f.selfDecided]),
          [['Production database', 1, 0, 0]],
        );

        // Nothing expires early; past the expiry the job ends it, on the ledger, and tells both sides.
        assert.equal((await expireAccessGrants(t.rt, t.clock.now())).expired, 0);
        t.clock.advance(7 * DAY + 60_000);
        assert.deepEqual(
          (await facts()).map((f) => [f.activeGrants, f.overdueGrants]),
          [[0, 1]],
        );
        const run = await expireAccessGrants(t.rt, t.clock.now());
        assert.equal(run.expired, 1);
        assert.deepEqual(
          (await facts()).map((f) => [f.activeGrants, f.overdueGrants]),
          [[0, 0]],
        );
        const [after] = await rows<{ status: string; ended_at: Date; ledger_index: number }>(
          t,
          'SELECT status, ended_at, ledger_index FROM access_requests WHERE id = $1',
          [asked.id],
        );
        assert.equal(after?.status, 'expired');
        assert.ok(after?.ended_at);
        assert.ok((after?.ledger_index ?? -1) > (grant.ledgerIndex ?? 0));
        assert.equal(await count(t, 'ledger_leaves WHERE org_id = $1 AND ref_id = $2', [org.id, asked.id]), 2);
        assert.equal(await audits(t, org.id, 'access.expired', asked.id), 1);
        assert.equal(await notices(t, org.users.member.id, 'access.expired'), 1);
        assert.equal(await notices(t, org.users.reviewer.id, 'access.expired'), 1);
        assert.equal((await expireAccessGrants(t.rt, t.clock.now())).expired, 0, 'expired once');
      });
    });

    it('rejects with a comment, lets the requester cancel, lets owners revoke early; lists by view', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'flow');
        const owner = await signIn(t, org.users.owner);
        const admin = await signIn(t, org.users.admin);
        const member = await signIn(t, org.users.member);
        const reviewer = await signIn(t, org.users.reviewer);
        const auditor = await signIn(t, org.users.auditor);
        const crm = await createSystem(owner, { name: 'CRM', maxAccessDays: 90 });
        const wiki = await createSystem(owner, { name: 'Wiki', ownerUserId: org.users.member.id });

        // Reject needs a comment.
        const first = await ask(reviewer, crm.id, { accessLevel: 'admin' });
        t.clock.advance(1000);
        problem(await admin.post(`/api/v1/access-requests/${first.id}/reject`, {}), 400, 'validation_failed');
        const blank = problem(
          await admin.post(`/api/v1/access-requests/${first.id}/reject`, { comment: '   ' }),
          400,
          'validation_failed',
        );
        assert.equal(blank.errors?.[0]?.path, 'body.comment');
        const rejected = await admin.post(`/api/v1/access-requests/${first.id}/reject`, {
          comment: 'Read-only access is enough for reporting',
        });
        assert.equal(rejected.statusCode, 200, rejected.body);
        assert.equal(rejected.json().status, 'rejected');
        assert.equal(rejected.json().expiresAt, null);
        assert.equal(await count(t, "ledger_leaves WHERE org_id = $1 AND kind = 'access.decision'", [org.id]), 1);
        assert.equal(await notices(t, org.users.reviewer.id, 'access.rejected'), 1);

        // A system without an owner: owners and admins hear of requests. Only the requester cancels.
        const second = await ask(reviewer, crm.id);
        t.clock.advance(1000);
        assert.equal(await notices(t, org.users.admin.id, 'access.requested'), 2);
        assert.equal(await notices(t, org.users.owner.id, 'access.requested'), 2);
        problem(await admin.post(`/api/v1/access-requests/${second.id}/cancel`), 403, 'forbidden');
        problem(await member.post(`/api/v1/access-requests/${second.id}/cancel`), 404, 'not_found');
        const cancelled = await reviewer.post(`/api/v1/access-requests/${second.id}/cancel`);
        assert.equal(cancelled.json().status, 'cancelled');
        problem(await admin.post(`/api/v1/access-requests/${second.id}/approve`, {}), 409, 'conflict');

        // A member who owns a system decides its requests (not others'), and may revoke them.
        const onWiki = await ask(reviewer, wiki.id, { durationDays: 30 });
        problem(await member.get(`/api/v1/access-requests/${first.id}`), 404, 'not_found');
        assert.equal((await member.get(`/api/v1/access-requests/${onWiki.id}`)).json().canDecide, true);
        const toDecide = (await member.get('/api/v1/access-requests?view=decide')).json();
        assert.deepEqual(
          toDecide.items.map((r: AccessRequest) => r.id),
          [onWiki.id],
        );
        const approved = await member.post(`/api/v1/access-requests/${onWiki.id}/approve`, {});
        assert.equal(approved.json().status, 'approved');
        assert.equal(approved.json().canRevoke, true);
        problem(await reviewer.post(`/api/v1/access-requests/${onWiki.id}/revoke`, {}), 403, 'forbidden');
        const revoked = await owner.post(`/api/v1/access-requests/${onWiki.id}/revoke`, { comment: 'Project ended' });
        assert.equal(revoked.statusCode, 200, revoked.body);
        assert.equal(revoked.json().status, 'revoked');
        assert.equal(revoked.json().endedBy.id, org.users.owner.id);
        assert.equal(revoked.json().endComment, 'Project ended');
        assert.equal(await audits(t, org.id, 'access.revoked', onWiki.id), 1);
        assert.equal(await count(t, 'ledger_leaves WHERE org_id = $1 AND ref_id = $2', [org.id, onWiki.id]), 2);
        assert.equal(await notices(t, org.users.reviewer.id, 'access.revoked'), 1);
        assert.equal(await notices(t, org.users.member.id, 'access.revoked'), 1, 'the system owner removes it');
        assert.equal((await expireAccessGrants(t.rt, new Date(t.clock.now().getTime() + 60 * DAY))).expired, 0);
        problem(await owner.post(`/api/v1/access-requests/${onWiki.id}/revoke`, {}), 409, 'conflict');

        // Lists: mine, all (owners, admins, auditors), by status and system, in pages.
        const mine = (await reviewer.get('/api/v1/access-requests?view=mine')).json();
        assert.equal(mine.total, 3);
        assert.deepEqual(
          mine.items.map((r: AccessRequest) => r.id),
          [onWiki.id, second.id, first.id],
        );
        problem(await member.get('/api/v1/access-requests?view=all'), 403, 'forbidden');
        const all = (await auditor.get(`/api/v1/access-requests?view=all&systemId=${crm.id}`)).json();
        assert.equal(all.total, 2);
        assert.equal(all.items[0].canDecide, false);
        const byStatus = (await owner.get('/api/v1/access-requests?view=all&status=revoked')).json();
        assert.deepEqual(
          byStatus.items.map((r: AccessRequest) => r.id),
          [onWiki.id],
        );
        const paged = (await owner.get('/api/v1/access-requests?view=all&limit=2&offset=2')).json();
        assert.equal(paged.total, 3);
        assert.deepEqual(
          paged.items.map((r: AccessRequest) => r.id),
          [first.id],
        );
        assert.deepEqual((await auditor.get('/api/v1/access-requests?view=decide')).json(), { items: [], total: 0 });
      });
    });

    it('refuses requests for archived systems and other organisations; lists decisions owed as obligations', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'obl');
        const other = await makeOrg(t, 'obl-other');
        const owner = await signIn(t, org.users.owner);
        const member = await signIn(t, org.users.member);
        const system = await createSystem(owner, { name: 'Payroll', ownerUserId: org.users.reviewer.id });
        const theirs = await createSystem(await signIn(t, other.users.owner), { name: 'Theirs' });

        problem(
          await member.post('/api/v1/access-requests', {
            systemId: theirs.id,
            justification: 'Investigating the billing incident',
            durationDays: 3,
          }),
          404,
          'not_found',
        );
        const pending = await ask(member, system.id);
        const otherMember = await signIn(t, other.users.owner);
        problem(await otherMember.get(`/api/v1/access-requests/${pending.id}`), 404, 'not_found');
        problem(await otherMember.post(`/api/v1/access-requests/${pending.id}/approve`, {}), 404, 'not_found');

        const owed = (userId: string, email: string) =>
          withScope(t.rt.database, { orgId: org.id, userId }, (tx) =>
            accessObligations(tx, { id: userId, email }, t.clock.now()),
          );
        const forReviewer = await owed(org.users.reviewer.id, org.users.reviewer.email);
        assert.equal(forReviewer.length, 1);
        assert.equal(forReviewer[0]?.kind, 'access_request');
        assert.equal(forReviewer[0]?.id, pending.id);
        assert.equal(forReviewer[0]?.href, '/access-requests');
        assert.match(forReviewer[0]?.title ?? '', /Payroll/);
        assert.equal((await owed(org.users.admin.id, org.users.admin.email)).length, 1, 'admins may decide too');
        assert.equal((await owed(org.users.member.id, org.users.member.email)).length, 0, 'not their own');
        assert.equal((await owed(org.users.auditor.id, org.users.auditor.email)).length, 0);
        assert.equal((await owed(other.users.owner.id, other.users.owner.email)).length, 0);

        // Archived: no new requests, and pending ones can only be rejected.
        await owner.post(`/api/v1/systems/${system.id}/archive`);
        const archived = problem(
          await (await signIn(t, org.users.admin)).post('/api/v1/access-requests', {
            systemId: system.id,
            justification: 'Investigating the billing incident',
            durationDays: 3,
          }),
          400,
          'validation_failed',
        );
        assert.match(archived.detail, /archived/);
        problem(await owner.post(`/api/v1/access-requests/${pending.id}/approve`, {}), 409, 'conflict');
        const reviewer = await signIn(t, org.users.reviewer);
        const rejected = await reviewer.post(`/api/v1/access-requests/${pending.id}/reject`, {
          comment: 'The system is being retired',
        });
        assert.equal(rejected.json().status, 'rejected');
        assert.equal((await owed(org.users.reviewer.id, org.users.reviewer.email)).length, 0);
      });
    });

    it('judges production access against requests: no grant fails, an approved one passes, access kept after expiry fails', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'chk');
        const owner = await signIn(t, org.users.owner);
        const member = await signIn(t, org.users.member);
        const accountsOf = (emails: string[]) =>
          [
            'system,email,username,admin,mfa,active',
            ...emails.map((e) => `prod-db,${e},${e.split('@')[0]},no,yes,yes`),
          ].join('\n');
        const pushed = await push(
          owner,
          'accounts-csv',
          accountsOf([org.users.owner.email, org.users.member.email]),
          'prod',
        );
        const prod = await createSystem(owner, {
          name: 'prod-db',
          production: true,
          classification: 'restricted',
          ownerUserId: org.users.owner.id,
          sourceId: pushed.source.id,
          maxAccessDays: 30,
        });
        const result = async (checkId: string) => {
          const [row] = await rows<{ outcome: string; reason: string }>(
            t,
            `SELECT r.outcome, r.reason FROM check_results r JOIN inventory_records i ON i.id::text = r.resource
              WHERE r.org_id = $1 AND r.check_id = $2 AND r.superseded_at IS NULL AND i.external_id = $3`,
            [org.id, checkId, prod.id],
          );
          return row;
        };
        // The member's account rests on no request; the owner's own account is the owner's.
        let approved = await result('access.production.requests_approved');
        assert.equal(approved?.outcome, 'fail');
        assert.match(approved?.reason ?? '', new RegExp(org.users.member.email.replace(/[.]/g, '\\.')));
        assert.doesNotMatch(approved?.reason ?? '', new RegExp(org.users.owner.email.replace(/[.]/g, '\\.')));
        assert.equal(
          (await result('access.review.quarterly'))?.outcome,
          'not_applicable',
          'a new system has a quarter',
        );

        const request = await ask(member, prod.id);
        const decided = await owner.post(`/api/v1/access-requests/${request.id}/approve`, { comment: 'ok' });
        assert.equal(decided.statusCode, 200, decided.body);
        approved = await result('access.production.requests_approved');
        assert.equal(approved?.outcome, 'pass', approved?.reason);
        assert.equal((await result('access.production.grants_expire'))?.outcome, 'pass');

        // The grant expires but the account stays: the access was not removed.
        t.clock.advance(8 * DAY);
        await expireAccessGrants(t.rt, t.clock.now());
        const expired = await result('access.production.grants_expire');
        assert.equal(expired?.outcome, 'fail');
        assert.match(expired?.reason ?? '', /still has an active account/);
        // The next sync no longer shows the member's account: access ended where the grant did.
        const owner2 = await signIn(t, org.users.owner);
        await push(owner2, 'accounts-csv', accountsOf([org.users.owner.email]), 'prod');
        assert.equal((await result('access.production.grants_expire'))?.outcome, 'pass');
        assert.equal((await result('access.production.requests_approved'))?.outcome, 'pass');
      });
    });

    it('runs the expiry as an hourly job', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'job');
        const owner = await signIn(t, org.users.owner);
        const member = await signIn(t, org.users.member);
        const system = await createSystem(owner, { name: 'Console', maxAccessDays: 1 });
        const asked = await ask(member, system.id, { durationDays: 1 });
        assert.equal((await owner.post(`/api/v1/access-requests/${asked.id}/approve`, {})).statusCode, 200);
        t.clock.advance(2 * DAY);

        const boss = await startJobs(t.rt.database, pino({ level: 'silent' }));
        try {
          await registerAccessJobs(boss, t.rt);
          const schedules = await boss.getSchedules();
          assert.deepEqual(
            schedules.filter((s) => s.name === EXPIRE_QUEUE).map((s) => s.cron),
            [EXPIRE_CRON],
          );
          await boss.send(EXPIRE_QUEUE, {});
          const status = async () =>
            (await rows<{ status: string }>(t, 'SELECT status FROM access_requests WHERE id = $1', [asked.id]))[0]
              ?.status;
          for (let i = 0; i < 100 && (await status()) !== 'expired'; i++) await new Promise((r) => setTimeout(r, 100));
          assert.equal(await status(), 'expired');
        } finally {
          await boss.stop({ graceful: false, wait: true });
        }
      });
    });
  });
}
