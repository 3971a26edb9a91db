import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { withScope } from '../src/db/tenancy.js';
import { POLICY_KEYS } from '../src/modules/controls/library.js';
import { loadPolicyTemplates, templateHash } from '../src/modules/policies/library.js';
import { loadPoliciesWhereMissing } from '../src/modules/policies/load.js';
import type { Client, TestApp } from './helpers/app.js';
import { problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg, type TestUser } from './helpers/factories.js';

interface Policy {
  id: string;
  key: string;
  status: string;
  publishedVersion: number | null;
  draft: { body: string; lockVersion: number } | null;
  mine: { acceptedVersion: number | null; pending: boolean } | null;
  acceptance: { accepted: number; required: number } | null;
}

const CONTACT = 'security@example.test';

async function policyByKey(client: Client, key: string): Promise<Policy> {
  const res = await client.get(`/api/v1/policies?q=${key}`);
  assert.equal(res.statusCode, 200, res.body);
  const found = (res.json().items as Policy[]).find((p) => p.key === key);
  assert.ok(found, `policy ${key} is listed`);
  return found;
}

async function setContact(admin: Client) {
  const res = await admin.request('PUT', '/api/v1/policy-variables', { values: { security_contact: CONTACT } });
  assert.equal(res.statusCode, 200, res.body);
}

/** Edits (optionally), submits, has the reviewer approve and the admin publish: the next version. */
async function publish(
  admin: Client,
  reviewer: Client,
  org: TestOrg,
  id: string,
  change: { body?: string; material?: boolean; summary?: string } = {},
) {
  if (change.body) assert.equal((await admin.patch(`/api/v1/policies/${id}`, { body: change.body })).statusCode, 200);
  const submit = await admin.post(`/api/v1/policies/${id}/submit`, {
    reviewerUserId: org.users.reviewer.id,
    material: change.material ?? true,
    changeSummary: change.summary ?? 'Reviewed wording.',
  });
  assert.equal(submit.statusCode, 200, submit.body);
  assert.equal((await reviewer.post(`/api/v1/policies/${id}/approve`, {})).statusCode, 200);
  const res = await admin.post(`/api/v1/policies/${id}/publish`, {});
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as Policy;
}

/** Signs users in one after another (each sign-in moves the clock past its TOTP step). */
async function signInAll<T extends readonly TestUser[]>(
  t: TestApp,
  users: [...T],
): Promise<{ [K in keyof T]: Client }> {
  const clients: Client[] = [];
  for (const user of users) clients.push(await signIn(t, user));
  return clients as { [K in keyof T]: Client };
}

const notices = (t: TestApp, orgId: string, kind: string) =>
  rows<{ user_id: string }>(t, 'SELECT user_id FROM notifications WHERE org_id = $1 AND kind = $2 ORDER BY user_id', [
    orgId,
    kind,
  ]);

for (const engine of ENGINES) {
  describe(`policy lifecycle (${engine})`, () => {
    it('goes draft → in review → approved → published with per-role rules, and a published version cannot change', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'pol');
        const [admin, reviewer, member, auditor] = await signInAll(t, [
          org.users.admin,
          org.users.reviewer,
          org.users.member,
          org.users.auditor,
        ]);
        // Every template arrived as a draft; members and auditors see none of them yet.
        const all = (await admin.get('/api/v1/policies?limit=200')).json().items as Policy[];
        assert.deepEqual(all.map((p) => p.key).sort(), [...POLICY_KEYS].sort());
        assert.ok(all.every((p) => p.status === 'draft' && p.publishedVersion === null));
        const page = await admin.get('/api/v1/policies?limit=5');
        assert.equal(page.json().items.length, 5);
        const rest = await admin.get(`/api/v1/policies?limit=200&cursor=${page.json().nextCursor}`);
        assert.equal(rest.json().items.length, POLICY_KEYS.length - 5, 'keyset pagination continues after the cursor');
        assert.equal((await member.get('/api/v1/policies')).json().items.length, 0);
        const ir = all.find((p) => p.key === 'incident-response');
        assert.ok(ir);
        problem(await member.get(`/api/v1/policies/${ir.id}`), 404, 'not_found');

        // The seed's breach notice requirements are in the template.
        const draft = (await admin.get(`/api/v1/policies/${ir.id}`)).json() as Policy;
        assert.match(draft.draft?.body ?? '', /date it was discovered/);

        // An empty variable (no security contact yet) and an unknown one stop a submission.
        const noContact = problem(
          await admin.post(`/api/v1/policies/${ir.id}/submit`, { reviewerUserId: org.users.reviewer.id }),
          400,
          'validation_failed',
        );
        assert.match(noContact.detail, /security_contact/);
        await setContact(admin);
        const original = draft.draft?.body ?? '';
        await admin.patch(`/api/v1/policies/${ir.id}`, { body: `${original}\n\nCall {{pager_number}}.` });
        const unknown = problem(
          await admin.post(`/api/v1/policies/${ir.id}/submit`, { reviewerUserId: org.users.reviewer.id }),
          400,
          'validation_failed',
        );
        assert.match(unknown.detail, /\{\{pager_number\}\}/);
        await admin.patch(`/api/v1/policies/${ir.id}`, { body: original });

        // Submitting names a reviewer (not a plain member, not oneself), who is told.
        problem(
          await admin.post(`/api/v1/policies/${ir.id}/submit`, { reviewerUserId: org.users.member.id }),
          400,
          'validation_failed',
        );
        problem(
          await admin.post(`/api/v1/policies/${ir.id}/submit`, { reviewerUserId: org.users.admin.id }),
          400,
          'validation_failed',
        );
        const submitted = await admin.post(`/api/v1/policies/${ir.id}/submit`, {
          reviewerUserId: org.users.reviewer.id,
        });
        assert.equal(submitted.statusCode, 200, submitted.body);
        assert.equal(submitted.json().status, 'in_review');
        assert.deepEqual(
          (await notices(t, org.id, 'policy.review_requested')).map((n) => n.user_id),
          [org.users.reviewer.id],
        );
        // The reviewer now sees the draft they were asked to decide on.
        assert.equal((await reviewer.get(`/api/v1/policies/${ir.id}`)).json().draft.body, original);

        // Nobody publishes before approval; the submitter cannot approve; members and auditors decide nothing.
        problem(await admin.post(`/api/v1/policies/${ir.id}/publish`, {}), 409, 'conflict');
        problem(await admin.post(`/api/v1/policies/${ir.id}/approve`, {}), 403, 'forbidden');
        problem(await member.post(`/api/v1/policies/${ir.id}/approve`, {}), 403, 'forbidden');
        problem(await auditor.post(`/api/v1/policies/${ir.id}/approve`, {}), 403, 'forbidden');
        problem(await member.post(`/api/v1/policies/${ir.id}/publish`, {}), 403, 'forbidden');
        problem(await reviewer.post(`/api/v1/policies/${ir.id}/publish`, {}), 403, 'forbidden');

        // Returned with a comment, resubmitted, approved by the reviewer, published by the admin.
        const returned = await reviewer.post(`/api/v1/policies/${ir.id}/return`, { comment: 'Name the on-call rota.' });
        assert.equal(returned.json().status, 'draft');
        const approved = await (async () => {
          await admin.post(`/api/v1/policies/${ir.id}/submit`, { reviewerUserId: org.users.reviewer.id });
          return reviewer.post(`/api/v1/policies/${ir.id}/approve`, { comment: 'Good.' });
        })();
        assert.equal(approved.json().status, 'approved', approved.body);
        problem(await member.post(`/api/v1/policies/${ir.id}/publish`, {}), 403, 'forbidden');
        const published = await admin.post(`/api/v1/policies/${ir.id}/publish`, {});
        assert.equal(published.statusCode, 200, published.body);
        assert.equal(published.json().publishedVersion, 1);
        assert.equal(published.json().status, 'published');

        // Everyone who accepts policies is asked to (auditors are not); the dashboard sees it published.
        const asked = (await notices(t, org.id, 'policy.acceptance_requested')).map((n) => n.user_id);
        const acceptors = [org.users.owner, org.users.admin, org.users.member, org.users.reviewer].map((u) => u.id);
        assert.deepEqual(asked, acceptors.sort());
        const publishedKeys = await rows<{ key: string }>(
          t,
          'SELECT key FROM policies WHERE org_id = $1 AND published_version IS NOT NULL',
          [org.id],
        );
        assert.deepEqual(
          publishedKeys.map((r) => r.key),
          ['incident-response'],
        );
        const audit = await rows<{ action: string }>(
          t,
          "SELECT action FROM audit_log WHERE org_id = $1 AND action LIKE 'policy.%' ORDER BY id",
          [org.id],
        );
        for (const action of [
          'policy.variables_updated',
          'policy.updated',
          'policy.submitted',
          'policy.returned',
          'policy.approved',
          'policy.published',
        ]) {
          assert.ok(
            audit.some((a) => a.action === action),
            `${action} is audited`,
          );
        }

        // The version holds the text with the variables filled in.
        const v1 = (await member.get(`/api/v1/policies/${ir.id}/versions/1`)).json();
        assert.ok(v1.body.includes(CONTACT));
        assert.ok(v1.body.includes(`Org pol`), 'company_name defaults to the organisation name');
        assert.ok(!v1.body.includes('{{'));

        // The database itself refuses to change or remove a published version or an acceptance.
        for (const statement of [
          sql`UPDATE policy_versions SET body = 'rewritten'`,
          sql`DELETE FROM policy_versions`,
          sql`UPDATE policy_acceptances SET version = 1`,
          sql`DELETE FROM policy_acceptances`,
        ]) {
          await assert.rejects(
            withScope(t.rt.database, { orgId: org.id }, (tx) => statement.execute(tx)),
            /permission denied/,
          );
        }
        const [stored] = await rows<{ body: string }>(t, 'SELECT body FROM policy_versions WHERE policy_id = $1', [
          ir.id,
        ]);
        assert.equal(stored?.body, v1.body);

        // Auditors read what is published and the acceptance records, and change nothing.
        const auditorList = (await auditor.get('/api/v1/policies')).json().items as Policy[];
        assert.deepEqual(
          auditorList.map((p) => p.key),
          ['incident-response'],
        );
        assert.deepEqual(auditorList[0]?.acceptance, { accepted: 0, required: 4 });
        assert.equal((await auditor.get(`/api/v1/policies/${ir.id}/acceptances`)).statusCode, 200);
        problem(await auditor.patch(`/api/v1/policies/${ir.id}`, { title: 'Changed' }), 403, 'forbidden');
        problem(await auditor.post(`/api/v1/policies/${ir.id}/accept`, { version: 1 }), 403, 'forbidden');
        problem(await member.get(`/api/v1/policies/${ir.id}/acceptances`), 403, 'forbidden');

        // A PDF of the version.
        const pdf = await member.get(`/api/v1/policies/${ir.id}/versions/1/pdf`);
        assert.equal(pdf.statusCode, 200);
        assert.equal(pdf.headers['content-type'], 'application/pdf');
        assert.equal(pdf.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-');
        assert.ok(pdf.rawPayload.toString('latin1').includes('(Incident Response Policy)'));
        assert.ok(pdf.rawPayload.length > 3000);
        problem(await member.get(`/api/v1/policies/${ir.id}/versions/2/pdf`), 404, 'not_found');

        // Editing the published policy starts a new draft; the published version stays.
        const edited = await admin.patch(`/api/v1/policies/${ir.id}`, { title: 'Incident Response and Breach Policy' });
        assert.equal(edited.json().status, 'draft');
        assert.equal(edited.json().publishedVersion, 1);
        assert.equal(
          (await member.get(`/api/v1/policies/${ir.id}`)).json().title,
          'Incident Response and Breach Policy',
        );
      });
    });

    it('asks for acceptance per version: a material change asks again, a minor one does not; chasing reaches only those pending', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'acc');
        const [admin, reviewer, member] = await signInAll(t, [org.users.admin, org.users.reviewer, org.users.member]);
        await setContact(admin);
        const ac = await policyByKey(admin, 'access-control');
        const v1 = await publish(admin, reviewer, org, ac.id);
        assert.equal(v1.publishedVersion, 1);
        const v1Body = (await member.get(`/api/v1/policies/${ac.id}/versions/1`)).json().body as string;

        const pending = async (client: Client) =>
          (
            (await client.get('/api/v1/policies/pending')).json().items as {
              id: string;
              version: number;
              body: string;
            }[]
          ).map((p) => `${p.id}@${p.version}`);
        assert.deepEqual(await pending(member), [`${ac.id}@1`]);
        const first = await member.post(`/api/v1/policies/${ac.id}/accept`, { version: 1 });
        assert.equal(first.statusCode, 200, first.body);
        assert.equal(first.json().already, false);
        t.clock.advance(60_000);
        const again = await member.post(`/api/v1/policies/${ac.id}/accept`, { version: 1 });
        assert.equal(again.json().already, true, 'accepting twice changes nothing');
        assert.equal(again.json().acceptedAt, first.json().acceptedAt);
        problem(await member.post(`/api/v1/policies/${ac.id}/accept`, { version: 2 }), 409, 'conflict');
        assert.equal((await reviewer.post(`/api/v1/policies/${ac.id}/accept`, { version: 1 })).statusCode, 200);
        assert.deepEqual(await pending(member), []);
        assert.deepEqual((await policyByKey(member, 'access-control')).mine, { acceptedVersion: 1, pending: false });

        // A material version 2: everyone must accept again, and version 1 can no longer be accepted.
        const newRule = 'Break-glass accounts are sealed and every use is reviewed the next working day.';
        const draftBody = (await admin.get(`/api/v1/policies/${ac.id}`)).json().draft.body as string;
        const v2Source = draftBody
          .replace('### Access reviews', `### Emergency access\n\n${newRule}\n\n### Access reviews`)
          .replace('within five working days', 'within three working days');
        await publish(admin, reviewer, org, ac.id, { body: v2Source, material: true, summary: 'Emergency access.' });
        assert.deepEqual(await pending(member), [`${ac.id}@2`]);
        assert.deepEqual(await pending(reviewer), [`${ac.id}@2`]);
        problem(await member.post(`/api/v1/policies/${ac.id}/accept`, { version: 1 }), 409, 'conflict');
        assert.equal((await member.post(`/api/v1/policies/${ac.id}/accept`, { version: 2 })).statusCode, 200);

        // The diff shows the added section and the edited words.
        const diff = (await member.get(`/api/v1/policies/${ac.id}/versions/2/diff`)).json() as {
          from: number;
          to: number;
          added: number;
          removed: number;
          hunks: { kind: string; text: string; words?: { kind: string; text: string }[] }[];
        };
        assert.equal(diff.from, 1);
        assert.equal(diff.to, 2);
        assert.ok(diff.added >= 4 && diff.removed >= 1, JSON.stringify({ added: diff.added, removed: diff.removed }));
        const changedText = diff.hunks
          .filter((h) => h.kind !== 'same')
          .map((h) => h.text)
          .join('');
        assert.ok(changedText.includes(newRule), 'the new rule appears as a change');
        const words = diff.hunks.flatMap((h) => h.words ?? []);
        assert.ok(words.some((w) => w.kind === 'removed' && w.text.includes('five')));
        assert.ok(words.some((w) => w.kind === 'added' && w.text.includes('three')));
        assert.ok(
          diff.hunks.some((h) => h.kind === 'same' && h.text.includes('## Purpose')),
          'unchanged text is kept',
        );
        const firstDiff = (await member.get(`/api/v1/policies/${ac.id}/versions/1/diff`)).json();
        assert.equal(firstDiff.from, null);
        assert.ok(firstDiff.hunks.every((h: { kind: string }) => h.kind === 'added'));

        // A minor version 3: whoever accepted version 2 is not asked again; the reviewer still owes version 2.
        const asked = (await notices(t, org.id, 'policy.acceptance_requested')).length;
        await publish(admin, reviewer, org, ac.id, {
          body: v2Source.replace('next working day', 'next business day'),
          material: false,
          summary: 'Wording.',
        });
        assert.equal(
          (await notices(t, org.id, 'policy.acceptance_requested')).length,
          asked,
          'a minor fix asks nobody',
        );
        assert.deepEqual(await pending(member), []);
        assert.deepEqual(await pending(reviewer), [`${ac.id}@3`], 'the current text is offered to accept');
        problem(await member.post(`/api/v1/policies/${ac.id}/accept`, { version: 2 }), 409, 'conflict');
        assert.equal((await member.get(`/api/v1/policies/${ac.id}/versions/1`)).json().body, v1Body, 'v1 unchanged');

        // Who accepted what, for admins; chasing reminds only those still pending.
        const view = (await admin.get(`/api/v1/policies/${ac.id}/acceptances`)).json() as {
          accepted: number;
          required: number;
          items: { user: { id: string }; acceptedVersion: number | null; current: boolean }[];
        };
        assert.equal(view.required, 4);
        assert.equal(view.accepted, 1);
        const of = (id: string) => view.items.find((i) => i.user.id === id);
        assert.deepEqual([of(org.users.member.id)?.acceptedVersion, of(org.users.member.id)?.current], [2, true]);
        assert.deepEqual([of(org.users.reviewer.id)?.acceptedVersion, of(org.users.reviewer.id)?.current], [1, false]);
        assert.equal(of(org.users.owner.id)?.acceptedVersion, null);
        assert.equal(of(org.users.auditor.id), undefined, 'auditors do not accept policies');
        const onlyPending = (await admin.get(`/api/v1/policies/${ac.id}/acceptances?pending=true`)).json().items;
        assert.equal(onlyPending.length, 3);

        problem(await member.post(`/api/v1/policies/${ac.id}/chase`, {}), 403, 'forbidden');
        const chase = await admin.post(`/api/v1/policies/${ac.id}/chase`, {});
        assert.equal(chase.statusCode, 200, chase.body);
        assert.equal(chase.json().notified, 3);
        const reminded = (await notices(t, org.id, 'policy.acceptance_reminder')).map((n) => n.user_id);
        assert.deepEqual(reminded, [org.users.owner.id, org.users.admin.id, org.users.reviewer.id].sort());
        const [chased] = await rows<{ details: { notified: string[] } }>(
          t,
          "SELECT details FROM audit_log WHERE org_id = $1 AND action = 'policy.chased'",
          [org.id],
        );
        assert.equal(chased?.details.notified.length, 3);
        assert.equal(
          (await rows(t, "SELECT 1 FROM audit_log WHERE org_id = $1 AND action = 'policy.accepted'", [org.id])).length,
          3,
          'each new acceptance is audited once',
        );
      });
    });

    it("keeps each organisation's policies, versions and acceptances to itself", async () => {
      await withApp(engine, async (t) => {
        const a = await makeOrg(t, 'pola');
        const b = await makeOrg(t, 'polb');
        const [aAdmin, aReviewer] = await signInAll(t, [a.users.admin, a.users.reviewer]);
        await setContact(aAdmin);
        const aPolicy = await policyByKey(aAdmin, 'encryption');
        await publish(aAdmin, aReviewer, a, aPolicy.id);

        const [bAdmin, bMember] = await signInAll(t, [b.users.admin, b.users.member]);
        const bIds = ((await bAdmin.get('/api/v1/policies?limit=200')).json().items as Policy[]).map((p) => p.id);
        assert.equal(bIds.length, POLICY_KEYS.length);
        assert.ok(!bIds.includes(aPolicy.id));
        for (const path of ['', '/versions', '/versions/1', '/versions/1/diff', '/versions/1/pdf', '/acceptances']) {
          problem(await bAdmin.get(`/api/v1/policies/${aPolicy.id}${path}`), 404, 'not_found');
        }
        problem(await bMember.post(`/api/v1/policies/${aPolicy.id}/accept`, { version: 1 }), 404, 'not_found');
        problem(await bAdmin.post(`/api/v1/policies/${aPolicy.id}/chase`, {}), 404, 'not_found');
        problem(await bAdmin.patch(`/api/v1/policies/${aPolicy.id}`, { title: 'Taken over' }), 404, 'not_found');
        assert.deepEqual((await bMember.get('/api/v1/policies/pending')).json().items, []);
        const [row] = await rows<{ title: string }>(t, 'SELECT title FROM policies WHERE id = $1', [aPolicy.id]);
        assert.equal(row?.title, 'Encryption and Key Management Policy');
      });
    });

    it('upgrades untouched drafts to a new template revision at start-up, never an edited one, and adds missing templates', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'upg');
        const current = new Map(loadPolicyTemplates().map((tp) => [tp.key, tp]));
        // An older revision of two templates: one draft left as it came, one edited since; one template missing.
        const old = { title: 'Old Vendor Policy', body: 'Old text.' };
        await t.rt.database.query(
          `UPDATE policies SET title = $2, body = $3, template_hash = $4 WHERE org_id = $1 AND key IN ('vendor-management', 'risk-management')`,
          [org.id, old.title, old.body, templateHash(old.title, old.body)],
        );
        await t.rt.database.query(
          `UPDATE policies SET body = 'Our own risk text.' WHERE org_id = $1 AND key = 'risk-management'`,
          [org.id],
        );
        await t.rt.database.query(`DELETE FROM policies WHERE org_id = $1 AND key = 'acceptable-use'`, [org.id]);

        await loadPoliciesWhereMissing(t.rt.database, t.clock.now());
        const after = new Map(
          (
            await rows<{ key: string; title: string; body: string; template_hash: string }>(
              t,
              'SELECT key, title, body, template_hash FROM policies WHERE org_id = $1',
              [org.id],
            )
          ).map((r) => [r.key, r]),
        );
        assert.equal(after.get('vendor-management')?.body, current.get('vendor-management')?.body);
        assert.equal(after.get('vendor-management')?.template_hash, current.get('vendor-management')?.hash);
        assert.equal(after.get('risk-management')?.body, 'Our own risk text.', 'an edited draft is kept');
        assert.equal(after.get('acceptable-use')?.title, current.get('acceptable-use')?.title);
        assert.equal(after.size, POLICY_KEYS.length);
        const audit = await rows(
          t,
          "SELECT 1 FROM audit_log WHERE org_id = $1 AND action = 'policy.template_updated'",
          [org.id],
        );
        assert.equal(audit.length, 1);
      });
    });
  });
}
