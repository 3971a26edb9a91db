import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { CLI_META } from '../src/context.js';
import { withScope } from '../src/db/tenancy.js';
import { agreementObligations } from '../src/modules/agreements/obligations.js';
import { createPerson, type PersonFields } from '../src/modules/people/register.js';
import { DEFAULT_PEOPLE_SETTINGS, savePeopleSettings } from '../src/modules/people/settings.js';
import { Client, type TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg } from './helpers/factories.js';
import { multipart } from './helpers/multipart.js';

interface Version {
  id: string;
  version: number;
  title: string;
  body: string | null;
  file: { evidenceId: string; name: string; size: number; url: string } | null;
  sha256: string;
  current: boolean;
}

interface Signature {
  id: string;
  agreementId: string;
  version: number;
  kind: 'signed' | 'uploaded';
  typedName: string | null;
  signedAt: string;
  ip: string | null;
  documentSha256: string;
  evidenceId: string | null;
  recordedBy: { id: string } | null;
  fileUrl: string | null;
}

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const PDF = Buffer.from('%PDF-1.4\n% an agreement someone signed on paper\n%%EOF\n');

/** Adds a person to the register directly (the register's routes belong to another capability). */
async function addPerson(t: TestApp, org: TestOrg, fields: PersonFields & { email: string; name: string }) {
  return withScope(t.rt.database, { orgId: org.id }, (tx) =>
    createPerson(tx, org.id, fields, 'manual', { userId: null, label: 'test' }, CLI_META, t.clock.now()),
  );
}

async function publish(client: Client, title: string, body: string): Promise<Version> {
  const res = await client.post('/api/v1/agreement/versions', { title, body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

function upload(client: Client, url: string, fields: Record<string, string>, file?: { name: string; data: Buffer }) {
  const { body, headers } = multipart(fields, file && { ...file, type: 'application/pdf' });
  return client.request('POST', url, body, headers);
}

const sign = (client: Client, v: { id: string; sha256: string }, typedName: string, extra: object = {}) =>
  client.post('/api/v1/agreement/signatures', {
    agreementId: v.id,
    documentSha256: v.sha256,
    typedName,
    confirm: true,
    ...extra,
  });

const bytesOf = (res: LightMyRequestResponse) => res.rawPayload;

const actions = async (t: TestApp, orgId: string) =>
  (
    await rows<{ action: string }>(
      t,
      "SELECT action FROM audit_log WHERE org_id = $1 AND action LIKE 'agreement.%' ORDER BY id",
      [orgId],
    )
  ).map((r) => r.action);

for (const engine of ENGINES) {
  describe(`confidentiality agreement (${engine})`, () => {
    it('publishes written and uploaded versions from the template; the latest is current', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'publish');
        const admin = await signIn(t, org.users.admin);
        const member = await signIn(t, org.users.member);

        const none = await member.get('/api/v1/agreement');
        assert.equal(none.statusCode, 200, none.body);
        assert.equal(none.json().agreement, null);
        assert.equal(none.json().canSign, false);

        const template = (await admin.get('/api/v1/agreement/template')).json() as { title: string; body: string };
        assert.ok(template.body.includes(org.name), 'the organisation is named');
        assert.ok(!template.body.includes('{{'), 'no placeholder is left');
        problem(await member.get('/api/v1/agreement/template'), 403, 'forbidden');

        const v1 = await publish(admin, template.title, template.body);
        assert.equal(v1.version, 1);
        assert.equal(v1.sha256, sha(Buffer.from(template.body, 'utf8')));
        assert.equal(v1.current, true);
        problem(await admin.post('/api/v1/agreement/versions', template), 409, 'conflict');
        const left = problem(
          await admin.post('/api/v1/agreement/versions', { title: 'NDA', body: 'Between {{ company }} and you.' }),
          400,
          'validation_failed',
        );
        assert.match(left.detail, /\{\{company\}\}/);
        problem(await admin.post('/api/v1/agreement/versions', { title: ' ', body: 'Text' }), 400, 'validation_failed');

        const uploaded = await upload(
          admin,
          '/api/v1/agreement/versions/file',
          { title: 'Signed NDA form' },
          {
            name: 'nda.pdf',
            data: PDF,
          },
        );
        assert.equal(uploaded.statusCode, 201, uploaded.body);
        const v2 = uploaded.json() as Version;
        assert.equal(v2.version, 2);
        assert.equal(v2.body, null);
        assert.equal(v2.sha256, sha(PDF));
        assert.equal(v2.file?.name, 'nda.pdf');
        const [evidence] = await rows<{ sha256: string; key: string }>(
          t,
          'SELECT e.sha256, c.key FROM evidence e JOIN controls c ON c.id = e.control_id WHERE e.id = $1',
          [v2.file?.evidenceId],
        );
        assert.deepEqual(evidence, { sha256: sha(PDF), key: 'PEO-02' });

        // Everyone reads the current version; members download its file.
        const current = (await member.get('/api/v1/agreement')).json() as { agreement: Version };
        assert.equal(current.agreement.id, v2.id);
        const file = await member.get(v2.file!.url);
        assert.equal(file.statusCode, 200, file.body);
        assert.deepEqual(bytesOf(file), PDF);
        problem(await member.get(`/api/v1/agreement/versions/${v1.id}/file`), 404, 'not_found');
        const old = (await member.get(`/api/v1/agreement/versions/${v1.id}`)).json() as Version;
        assert.equal(old.body, template.body.trim());
        assert.equal(old.current, false);

        const auditor = await signIn(t, org.users.auditor);
        const list = (await auditor.get('/api/v1/agreement/versions')).json() as { items: Version[] };
        assert.deepEqual(
          list.items.map((v) => [v.version, v.current]),
          [
            [2, true],
            [1, false],
          ],
        );
        assert.deepEqual(await actions(t, org.id), ['agreement.published', 'agreement.published']);
        assert.equal(await count(t, 'agreements WHERE org_id = $1', [org.id]), 2, 'refused versions wrote nothing');
      });
    });

    it('signs the current version: hash, typed name, register and a second signature are checked', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'sign');
        const admin = await signIn(t, org.users.admin);
        const member = await signIn(t, org.users.member, { 'user-agent': 'Test browser 1.0' });
        const v1 = await publish(admin, 'Confidentiality agreement', '## Duties\n\nKeep **secrets** secret.');

        const outside = problem(await sign(member, v1, 'member sign'), 409, 'conflict');
        assert.match(outside.detail, /people register/);

        await addPerson(t, org, { email: org.users.member.email, name: 'Mary  Member', startDate: '2026-03-16' });
        const mine = (await member.get('/api/v1/agreement')).json();
        assert.equal(mine.canSign, true);
        assert.equal(mine.person.name, 'Mary  Member');

        const changed = problem(
          await sign(member, { id: v1.id, sha256: sha('other text') }, 'Mary Member'),
          409,
          'conflict',
        );
        assert.match(changed.detail, /changed/);
        const wrong = problem(await sign(member, v1, 'Someone Else'), 422, 'validation_failed');
        assert.match(wrong.detail, /Mary {2}Member/);
        assert.equal(wrong.errors?.[0]?.path, 'body.typedName');
        problem(await sign(member, v1, ''), 422, 'validation_failed');
        problem(await sign(member, v1, 'Mary Member', { confirm: false }), 400, 'validation_failed');
        assert.equal(await count(t, 'evidence WHERE org_id = $1', [org.id]), 0, 'refused signatures stored nothing');

        t.clock.advance(60_000);
        const signedAt = t.clock.now();
        const res = await sign(member, v1, '  mary   MEMBER ');
        assert.equal(res.statusCode, 201, res.body);
        const signature = res.json() as Signature;
        assert.equal(signature.kind, 'signed');
        assert.equal(signature.typedName, 'mary MEMBER');
        assert.equal(signature.signedAt, signedAt.toISOString());
        assert.equal(signature.documentSha256, v1.sha256);

        const [row] = await rows<{
          ip: string;
          user_agent: string;
          document_sha256: string;
          signed_at: Date;
          evidence_id: string;
          person_id: string;
        }>(
          t,
          'SELECT ip, user_agent, document_sha256, signed_at, evidence_id, person_id FROM agreement_signatures WHERE id = $1',
          [signature.id],
        );
        assert.ok(row);
        assert.equal(row.ip, '127.0.0.1');
        assert.equal(row.user_agent, 'Test browser 1.0');
        assert.equal(row.document_sha256, sha(Buffer.from('## Duties\n\nKeep **secrets** secret.', 'utf8')));
        assert.equal(row.signed_at.toISOString(), signedAt.toISOString());
        // The person's inventory record (what the people checks read) learnt of it in the same transaction.
        const [record] = await rows<{ data: { register?: { agreementSignedAt: string | null } } }>(
          t,
          "SELECT data FROM inventory_records WHERE org_id = $1 AND type = 'person' AND external_id = $2",
          [org.id, row.person_id],
        );
        assert.equal(record?.data.register?.agreementSignedAt, signedAt.toISOString());

        // The signed PDF is evidence of PEO-02, committed to the ledger with its hash.
        const [evidence] = await rows<{ sha256: string; ledger_index: number; content_type: string; key: string }>(
          t,
          `SELECT e.sha256, e.ledger_index, e.content_type, c.key FROM evidence e
             JOIN controls c ON c.id = e.control_id WHERE e.id = $1`,
          [row.evidence_id],
        );
        assert.ok(evidence);
        assert.equal(evidence.content_type, 'application/pdf');
        assert.equal(evidence.key, 'PEO-02');
        assert.notEqual(evidence.ledger_index, null);
        const [leaf] = await rows<{ kind: string; ref_id: string; leaf_data: Buffer }>(
          t,
          'SELECT kind, ref_id, leaf_data FROM ledger_leaves WHERE org_id = $1 AND idx = $2',
          [org.id, evidence.ledger_index],
        );
        assert.equal(leaf?.kind, 'evidence');
        assert.equal(leaf?.ref_id, row.evidence_id);
        assert.ok(Buffer.from(leaf.leaf_data).toString('utf8').includes(`sha256 ${evidence.sha256}`));

        const pdf = await member.get(signature.fileUrl!);
        assert.equal(pdf.statusCode, 200, pdf.body);
        assert.equal(bytesOf(pdf).subarray(0, 5).toString('latin1'), '%PDF-');
        assert.equal(sha(bytesOf(pdf)), evidence.sha256);
        const viaEvidence = await member.get(`/api/v1/evidence/${row.evidence_id}/download`);
        assert.equal(sha(viaEvidence.rawPayload), evidence.sha256, 'the signer reads it in the vault too');

        const twice = problem(await sign(member, v1, 'Mary Member'), 409, 'conflict');
        assert.match(twice.detail, /already signed version 1/);
        assert.equal(await count(t, 'agreement_signatures WHERE org_id = $1', [org.id]), 1);
        assert.ok((await actions(t, org.id)).includes('agreement.signed'));

        const after = (await member.get('/api/v1/agreement')).json();
        assert.equal(after.signature.id, signature.id);
        assert.equal(after.canSign, false);

        // A new version replaces the one read: signing the old one is refused; the new one is owed.
        const v2 = await publish(admin, 'Confidentiality agreement', 'Keep secrets secret, for ever.');
        const stale = problem(await sign(member, v1, 'Mary Member'), 409, 'conflict');
        assert.match(stale.detail, /version 2 replaced version 1/);
        const next = (await member.get('/api/v1/agreement')).json();
        assert.equal(next.signature, null);
        assert.equal(next.history.length, 1);
        assert.equal(next.canSign, true);

        // The user's own name (not the register's) is accepted too.
        await addPerson(t, org, { email: org.users.reviewer.email, name: 'Rita Reviewer' });
        const reviewer = await signIn(t, org.users.reviewer);
        assert.equal((await sign(reviewer, v2, 'reviewer sign')).statusCode, 201);
      });
    });

    it('records a copy signed elsewhere with the date on it; bad input stores nothing', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'copy');
        const admin = await signIn(t, org.users.admin);
        const paul = await addPerson(t, org, { email: 'paul@example.test', name: 'Paul Paper' });
        const url = '/api/v1/agreement/signatures/file';
        const file = { name: 'paul-signed.pdf', data: PDF };

        problem(await upload(admin, url, { personId: paul.id, signedOn: '2026-02-20' }, file), 409, 'conflict');
        const v1 = await publish(admin, 'Confidentiality agreement', 'Keep secrets secret.');
        problem(
          await upload(admin, url, { personId: paul.id, signedOn: '2026-03-03' }, file),
          400,
          'validation_failed',
        );
        problem(
          await upload(admin, url, { personId: paul.id, signedOn: '20 Feb 2026' }, file),
          400,
          'validation_failed',
        );
        problem(
          await upload(admin, url, { personId: paul.id, signedOn: '2026-02-30' }, file),
          400,
          'validation_failed',
        );
        problem(
          await upload(admin, url, { personId: 'nobody', signedOn: '2026-02-20' }, file),
          400,
          'validation_failed',
        );
        problem(
          await upload(admin, url, { personId: '0b7e2b8e-58c5-4f9a-9d2e-7d4a3f1c2b10', signedOn: '2026-02-20' }, file),
          404,
          'not_found',
        );
        problem(await upload(admin, url, { personId: paul.id, signedOn: '2026-02-20' }), 400, 'validation_failed');
        assert.equal(await count(t, 'evidence WHERE org_id = $1', [org.id]), 0);

        const res = await upload(admin, url, { personId: paul.id, signedOn: '2026-02-20' }, file);
        assert.equal(res.statusCode, 201, res.body);
        const copy = res.json() as Signature;
        assert.equal(copy.kind, 'uploaded');
        assert.equal(copy.agreementId, v1.id);
        assert.equal(copy.signedAt, '2026-02-20T00:00:00.000Z');
        assert.equal(copy.documentSha256, sha(PDF));
        assert.equal(copy.recordedBy?.id, org.users.admin.id);
        assert.equal(copy.typedName, null);
        const [evidence] = await rows<{ effective_from: Date; sha256: string }>(
          t,
          'SELECT effective_from, sha256 FROM evidence WHERE id = $1',
          [copy.evidenceId],
        );
        assert.equal(evidence?.effective_from.toISOString(), '2026-02-20T00:00:00.000Z');
        assert.equal(evidence?.sha256, sha(PDF));
        assert.deepEqual(bytesOf(await admin.get(copy.fileUrl!)), PDF);
        const [record] = await rows<{ data: { register?: { agreementSignedAt: string | null } } }>(
          t,
          "SELECT data FROM inventory_records WHERE org_id = $1 AND type = 'person' AND external_id = $2",
          [org.id, paul.id],
        );
        assert.equal(record?.data.register?.agreementSignedAt, '2026-02-20T00:00:00.000Z', 'the mirror has the date');

        const again = problem(
          await upload(admin, url, { personId: paul.id, signedOn: '2026-02-21' }, file),
          409,
          'conflict',
        );
        assert.match(again.detail, /Paul Paper already signed/);
        assert.deepEqual(await actions(t, org.id), ['agreement.published', 'agreement.signed_copy_recorded']);
      });
    });

    it('lists every active or upcoming person with their signature, filters the unsigned and pages', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'list');
        const admin = await signIn(t, org.users.admin);
        const auditor = await signIn(t, org.users.auditor);
        const member = await signIn(t, org.users.member);
        const ann = await addPerson(t, org, { email: 'ann@example.test', name: 'Ann Able' });
        await addPerson(t, org, { email: 'bob@example.test', name: 'Bob Busy' });
        await addPerson(t, org, { email: 'cat@example.test', name: 'Cat Coming', startDate: '2026-04-01' });
        await addPerson(t, org, {
          email: 'dan@example.test',
          name: 'Dan Departed',
          startDate: '2025-01-01',
          endDate: '2026-01-31',
        });
        const v1 = await publish(admin, 'Confidentiality agreement', 'Keep secrets secret.');
        const copy = await upload(
          admin,
          '/api/v1/agreement/signatures/file',
          { personId: ann.id, signedOn: '2026-03-01' },
          {
            name: 'ann.pdf',
            data: PDF,
          },
        );
        assert.equal(copy.statusCode, 201, copy.body);

        const all = (await auditor.get('/api/v1/agreement/signatures')).json();
        assert.deepEqual(
          all.items.map((i: { person: { name: string } }) => i.person.name),
          ['Ann Able', 'Bob Busy', 'Cat Coming'],
          'departed people are not listed',
        );
        assert.deepEqual([all.total, all.people, all.signed], [3, 3, 1]);
        assert.equal(all.current.id, v1.id);
        const [a] = all.items;
        assert.equal(a.signedCurrent, true);
        assert.equal(a.signature.kind, 'uploaded');
        assert.equal(a.signature.version, 1);
        assert.equal(a.signature.signedAt, '2026-03-01T00:00:00.000Z');
        assert.ok(a.signature.evidenceId);
        assert.equal(all.items[2].person.status, 'upcoming');

        const unsigned = (await admin.get('/api/v1/agreement/signatures?unsigned=true')).json();
        assert.deepEqual(
          unsigned.items.map((i: { person: { name: string } }) => i.person.name),
          ['Bob Busy', 'Cat Coming'],
        );
        assert.equal(unsigned.total, 2);
        const page = (await admin.get('/api/v1/agreement/signatures?limit=1&offset=1')).json();
        assert.deepEqual(
          page.items.map((i: { person: { name: string } }) => i.person.name),
          ['Bob Busy'],
        );
        assert.equal(page.total, 3);
        const found = (await admin.get('/api/v1/agreement/signatures?q=CAT')).json();
        assert.deepEqual(
          found.items.map((i: { person: { email: string } }) => i.person.email),
          ['cat@example.test'],
        );

        // A new version: Ann's signature is of the old one, so she is unsigned again.
        await publish(admin, 'Confidentiality agreement', 'Keep secrets secret, for ever.');
        const later = (await admin.get('/api/v1/agreement/signatures?unsigned=true')).json();
        assert.equal(later.total, 3);
        assert.equal(later.items[0].signedCurrent, false);
        assert.equal(later.items[0].signature.version, 1);

        problem(await member.get('/api/v1/agreement/signatures'), 403, 'forbidden');
        problem(await member.get(a.signature.fileUrl), 404, 'not_found');
      });
    });

    it('keeps roles, tokens and organisations apart', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'auth');
        const other = await makeOrg(t, 'other');
        const admin = await signIn(t, org.users.admin);
        const member = await signIn(t, org.users.member);
        const auditor = await signIn(t, org.users.auditor);
        const paul = await addPerson(t, org, { email: 'paul@example.test', name: 'Paul Paper' });
        await addPerson(t, org, { email: org.users.auditor.email, name: 'Audrey Auditor' });
        const v1 = await publish(admin, 'Confidentiality agreement', 'Keep secrets secret.');

        problem(await member.post('/api/v1/agreement/versions', { title: 'Mine', body: 'Text' }), 403, 'forbidden');
        problem(
          await upload(member, '/api/v1/agreement/versions/file', { title: 'Mine' }, { name: 'x.pdf', data: PDF }),
          403,
          'forbidden',
        );
        problem(
          await upload(
            member,
            '/api/v1/agreement/signatures/file',
            { personId: paul.id, signedOn: '2026-02-20' },
            {
              name: 'x.pdf',
              data: PDF,
            },
          ),
          403,
          'forbidden',
        );
        problem(await auditor.post('/api/v1/agreement/versions', { title: 'Mine', body: 'Text' }), 403, 'forbidden');
        problem(await sign(auditor, v1, 'Audrey Auditor'), 403, 'forbidden');
        assert.equal((await auditor.get('/api/v1/agreement')).json().canSign, false, 'auditors read, never sign');

        // A token, even with every people scope, cannot sign for the person.
        const created = await admin.post('/api/v1/tokens', {
          name: 'hr sync',
          scopes: ['people:read', 'people:write'],
        });
        assert.equal(created.statusCode, 201, created.body);
        const token = new Client(t.app, { authorization: `Bearer ${created.json().token}` });
        await addPerson(t, org, { email: org.users.admin.email, name: 'Adam Admin' });
        problem(await sign(token, v1, 'Adam Admin'), 403, 'forbidden');
        assert.equal((await token.get('/api/v1/agreement/signatures')).statusCode, 200);

        // Another organisation's ids answer like unknown ones.
        const otherAdmin = await signIn(t, other.users.admin);
        await addPerson(t, other, { email: other.users.admin.email, name: 'Otto Other' });
        problem(await sign(otherAdmin, v1, 'Otto Other'), 404, 'not_found');
        problem(await otherAdmin.get(`/api/v1/agreement/versions/${v1.id}`), 404, 'not_found');
        problem(await otherAdmin.get(`/api/v1/agreement/versions/${v1.id}/file`), 404, 'not_found');
        problem(
          await upload(
            otherAdmin,
            '/api/v1/agreement/signatures/file',
            { personId: paul.id, signedOn: '2026-02-20' },
            {
              name: 'x.pdf',
              data: PDF,
            },
          ),
          404,
          'not_found',
        );
        const copy = (
          await upload(
            admin,
            '/api/v1/agreement/signatures/file',
            { personId: paul.id, signedOn: '2026-02-20' },
            {
              name: 'paul.pdf',
              data: PDF,
            },
          )
        ).json() as Signature;
        problem(await otherAdmin.get(copy.fileUrl!), 404, 'not_found');
        assert.equal((await otherAdmin.get('/api/v1/agreement')).json().agreement, null);
        assert.equal(await count(t, 'agreement_signatures WHERE org_id = $1', [other.id]), 0);
      });
    });

    it('owes the agreement to register people who have not signed the current version', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'owe');
        const admin = await signIn(t, org.users.admin);
        const user = { id: org.users.member.id, email: org.users.member.email };
        const owed = () =>
          withScope(t.rt.database, { orgId: org.id }, (tx) => agreementObligations(tx, user, t.clock.now()));

        assert.deepEqual(await owed(), [], 'not in the register');
        await addPerson(t, org, { email: user.email, name: 'Mary Member', startDate: '2026-03-09' });
        assert.deepEqual(await owed(), [], 'nothing published yet');
        const v1 = await publish(admin, 'Confidentiality agreement', 'Keep secrets secret.');

        const [before] = await owed();
        assert.deepEqual(before, {
          kind: 'agreement',
          id: v1.id,
          title: 'Confidentiality agreement (version 1)',
          detail: 'Read and sign the agreement before your first day.',
          href: '/agreement',
          dueAt: '2026-03-09T00:00:00.000Z',
          overdue: false,
        });
        t.clock.advance(8 * 86_400_000);
        const [late] = await owed();
        assert.equal(late?.overdue, true, 'the first day has come');

        const settings = (agreement: boolean) =>
          withScope(t.rt.database, { orgId: org.id }, (tx) =>
            savePeopleSettings(
              tx,
              org.id,
              { ...DEFAULT_PEOPLE_SETTINGS, agreement },
              { userId: null, label: 'test' },
              CLI_META,
              t.clock.now(),
            ),
          );
        await settings(false);
        assert.deepEqual(await owed(), [], 'the organisation does not ask for it');
        await settings(true);

        // A week on, sessions have expired: sign in again.
        const member = await signIn(t, org.users.member);
        assert.equal((await sign(member, v1, 'Mary Member')).statusCode, 201);
        assert.deepEqual(await owed(), [], 'signed');
        const v2 = await publish(
          await signIn(t, org.users.admin),
          'Confidentiality agreement',
          'Keep secrets secret, for ever.',
        );
        assert.deepEqual(
          (await owed()).map((o) => [o.id, o.overdue]),
          [[v2.id, true]],
          'a new version is owed again',
        );

        // Someone without a start date owes it without a deadline.
        await addPerson(t, org, { email: org.users.reviewer.email, name: 'Rita Reviewer' });
        const [open] = await withScope(t.rt.database, { orgId: org.id }, (tx) =>
          agreementObligations(tx, { id: org.users.reviewer.id, email: org.users.reviewer.email }, t.clock.now()),
        );
        assert.equal(open?.dueAt, null);
        assert.equal(open?.overdue, false);
      });
    });
  });
}
