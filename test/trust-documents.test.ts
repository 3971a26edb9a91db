import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { Client, TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg } from './helpers/factories.js';
import { multipart } from './helpers/multipart.js';
import { makePdf, pageTexts } from './helpers/pdf.js';
import { type LocalSmtp, startSmtp } from './helpers/smtp.js';

const DAY = 86_400_000;
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) trust-documents test';

/** A quoted-printable mail body as text. */
const mailText = (body: string) =>
  body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

async function upload(client: Client, fields: Record<string, string>, file: { name: string; data: Buffer }) {
  const { body, headers } = multipart(fields, { ...file, type: 'application/pdf' });
  return client.post('/api/v1/trust-documents', body, headers);
}

async function publish(owner: Client) {
  const res = await owner.post('/api/v1/trust-center/publish');
  assert.equal(res.statusCode, 200, `publishing the trust center: ${res.body}`);
}

interface Visitor {
  name?: string;
  email: string;
  company?: string;
  accept?: string;
  website?: string;
  nda?: string;
}

function postRequest(t: TestApp, path: string, v: Visitor, ip = '198.51.100.20'): Promise<LightMyRequestResponse> {
  const fields: Record<string, string> = {
    name: v.name ?? 'Robin Visitor',
    email: v.email,
    company: v.company ?? 'Customer Co',
    website: v.website ?? '',
  };
  if (v.accept !== '') fields.accept = v.accept ?? 'yes';
  if (v.nda !== undefined) fields.nda = v.nda;
  return t.app.inject({
    method: 'POST',
    url: path,
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': BROWSER },
    remoteAddress: ip,
  });
}

const get = (t: TestApp, url: string, ip = '198.51.100.20') =>
  t.app.inject({ method: 'GET', url, headers: { 'user-agent': BROWSER }, remoteAddress: ip });

/** An organisation with a published trust center and a gated PDF. */
async function gatedWorld(t: TestApp, label: string) {
  const org = await makeOrg(t, label);
  const owner = await signIn(t, org.users.owner);
  const original = await makePdf('Penetration test findings');
  const res = await upload(
    owner,
    { title: 'Penetration test summary', description: 'Our latest test', access: 'request' },
    { name: 'pentest.pdf', data: original },
  );
  assert.equal(res.statusCode, 201, res.body);
  await publish(owner);
  const documentId = res.json().id as string;
  const path = `/trust/${org.slug}/documents/${documentId}/request`;
  return { org, owner, original, documentId, path };
}

/** The link the last mail to `email` carries, as a path. */
function linkFor(smtp: LocalSmtp, email: string): string {
  const mail = [...smtp.inbox].reverse().find((m) => m.to.includes(email));
  assert.ok(mail, `a mail went to ${email}`);
  const link = /https?:\/\/\S+?(\/trust\/\S+\/documents\/access\/atd_[A-Za-z0-9_-]+)/.exec(mailText(mail.body));
  assert.ok(link?.[1], 'the mail carries the link');
  return link[1];
}

const audits = (t: TestApp, org: TestOrg, action: string) =>
  count(t, 'audit_log WHERE org_id = $1 AND action = $2', [org.id, action]);

describe('trust center documents', () => {
  let smtp: LocalSmtp;
  before(async () => {
    smtp = await startSmtp();
  });
  after(() => smtp.close());

  for (const engine of ENGINES) {
    describe(engine, () => {
      it('records the NDA with its hash, address and time; an admin approves; the emailed link downloads a PDF watermarked on every page', async () => {
        await withApp(
          engine,
          async (t) => {
            const { org, original, documentId, path } = await gatedWorld(t, 'tdm');
            const admin = await signIn(t, org.users.admin);
            const auditor = await signIn(t, org.users.auditor);

            const nda = (await admin.get('/api/v1/trust-documents/nda')).json();
            assert.equal(nda.version, 1);
            assert.equal(nda.sha256, createHash('sha256').update(nda.text).digest('hex'));
            const form = await get(t, path);
            assert.equal(form.statusCode, 200, form.body);
            assert.match(String(form.headers['content-type']), /^text\/html/);
            assert.match(String(form.headers['content-security-policy']), /default-src 'none'/);
            assert.ok(form.body.includes(nda.sha256), 'the form shows the NDA hash');
            assert.match(form.body, /name="website"[^>]*tabindex="-1"[^>]*autocomplete="off"/);

            const email = `robin.${engine}@prospect.example`;
            const sent = await postRequest(t, path, { email, nda: nda.sha256 }, '198.51.100.44');
            assert.equal(sent.statusCode, 200, sent.body);
            assert.match(sent.body, /Request received/);
            const [recorded] = await rows<{
              nda_sha256: string;
              ip: string;
              user_agent: string;
              accepted_at: Date;
              status: string;
            }>(
              t,
              'SELECT nda_sha256, ip, user_agent, accepted_at, status FROM trust_document_requests WHERE org_id = $1',
              [org.id],
            );
            assert.ok(recorded);
            assert.equal(recorded.nda_sha256, nda.sha256);
            assert.equal(recorded.ip, '198.51.100.44');
            assert.equal(recorded.user_agent, BROWSER);
            assert.equal(new Date(recorded.accepted_at).toISOString(), t.clock.now().toISOString());
            assert.equal(recorded.status, 'pending', 'no rule: an admin decides');
            assert.equal(await audits(t, org, 'trust_document.requested'), 1);
            assert.equal(smtp.inbox.filter((m) => m.to.includes(email)).length, 0, 'nothing mailed before approval');

            // Admins and auditors see the request; auditors may not decide.
            const pending = (await auditor.get('/api/v1/trust-documents/requests?status=pending')).json().items;
            assert.equal(pending.length, 1);
            assert.deepEqual(pending[0].nda, { version: 1, sha256: nda.sha256 });
            problem(
              await auditor.post(`/api/v1/trust-documents/requests/${pending[0].id}/approve`, {}),
              403,
              'forbidden',
            );
            const approved = await admin.post(`/api/v1/trust-documents/requests/${pending[0].id}/approve`, {});
            assert.equal(approved.statusCode, 200, approved.body);
            assert.equal(approved.json().emailed, true);
            assert.equal(approved.json().link, null, 'a mailed link is not shown');
            assert.equal(approved.json().request.status, 'approved');
            assert.equal(
              new Date(approved.json().request.grant.expiresAt).getTime(),
              t.clock.now().getTime() + 7 * DAY,
              'grants last 7 days by default',
            );
            problem(await admin.post(`/api/v1/trust-documents/requests/${pending[0].id}/approve`, {}), 409, 'conflict');
            assert.equal(await audits(t, org, 'trust_document.request_approved'), 1);

            const link = linkFor(smtp, email);
            const page = await get(t, link);
            assert.equal(page.statusCode, 200, page.body);
            assert.match(page.body, /Download the PDF/);
            const file = await get(t, `${link}/download`, '203.0.113.9');
            assert.equal(file.statusCode, 200, file.body);
            assert.equal(file.headers['content-type'], 'application/pdf');
            assert.match(String(file.headers['content-disposition']), /^attachment/);
            const texts = await pageTexts(file.rawPayload);
            assert.equal(texts.length, 2);
            for (const [i, text] of texts.entries()) {
              assert.ok(text.includes(`Penetration test findings (page ${i + 1})`), 'the original text is kept');
              assert.ok(text.includes(email), `page ${i + 1} carries the requester's email`);
              assert.ok(text.includes(t.clock.now().toISOString().slice(0, 10)), `page ${i + 1} carries the date`);
            }
            // The check can fail: the original carries no email.
            for (const text of await pageTexts(original)) assert.ok(!text.includes(email));

            const downloads = (await auditor.get('/api/v1/trust-documents/downloads')).json().items;
            assert.equal(downloads.length, 1);
            assert.equal(downloads[0].email, email);
            assert.equal(downloads[0].ip, '203.0.113.9');
            assert.equal(downloads[0].userAgent, BROWSER);
            assert.equal(downloads[0].document.id, documentId);
            const grants = (await auditor.get('/api/v1/trust-documents/grants')).json().items;
            assert.equal(grants[0].downloads, 1);
            assert.equal(grants[0].status, 'active');

            // A denied request stays denied and sends nothing.
            await postRequest(t, path, { email: 'lee@other.example', nda: nda.sha256 });
            const other = (await admin.get('/api/v1/trust-documents/requests?status=pending')).json().items[0];
            const denied = await admin.post(`/api/v1/trust-documents/requests/${other.id}/deny`, {
              note: 'Not a customer',
            });
            assert.equal(denied.statusCode, 200, denied.body);
            assert.equal(denied.json().status, 'denied');
            assert.equal(await audits(t, org, 'trust_document.request_denied'), 1);
            assert.equal(smtp.inbox.filter((m) => m.to.includes('lee@other.example')).length, 0);
          },
          { smtpUrl: smtp.url, mailFrom: 'Attest <attest@example.test>' },
        );
      });

      it('approves by email domain at once; links answer 410 once expired or revoked and 404 when unknown', async () => {
        await withApp(
          engine,
          async (t) => {
            const { org, owner, path } = await gatedWorld(t, 'tda');
            const rules = await owner.put('/api/v1/trust-documents/settings', {
              autoApproveDomains: ['@Customer.Example'],
              grantDays: 3,
            });
            assert.equal(rules.statusCode, 200, rules.body);
            assert.deepEqual(rules.json().autoApproveDomains, ['customer.example']);
            assert.equal(await audits(t, org, 'trust_document.rules_changed'), 1);
            problem(
              await owner.put('/api/v1/trust-documents/settings', {
                autoApproveDomains: ['not a domain'],
                grantDays: 3,
              }),
              400,
              'validation_failed',
            );

            const answer = await postRequest(t, path, { email: 'ana@eu.customer.example' });
            assert.equal(answer.statusCode, 200, answer.body);
            assert.match(answer.body, /approved/);
            const link = linkFor(smtp, 'ana@eu.customer.example');
            const [request] = await rows<{ status: string; decided_by_rule: string }>(
              t,
              'SELECT status, decided_by_rule FROM trust_document_requests WHERE org_id = $1',
              [org.id],
            );
            assert.deepEqual({ ...request }, { status: 'approved', decided_by_rule: 'customer.example' });
            assert.equal((await get(t, `${link}/download`)).statusCode, 200);

            // Someone from elsewhere waits for an admin.
            await postRequest(t, path, { email: 'bo@customer.example.evil.test' });
            const pending = (await owner.get('/api/v1/trust-documents/requests?status=pending')).json().items;
            assert.equal(pending.length, 1);

            // Three days later the automatic grant has expired.
            t.clock.advance(3 * DAY + 1000);
            const expired = await get(t, link);
            assert.equal(expired.statusCode, 410);
            assert.match(expired.body, /expired/);
            assert.equal((await get(t, `${link}/download`)).statusCode, 410);
            // Sessions do not last three days: sign in again.
            const admin = await signIn(t, org.users.admin);
            assert.equal((await admin.get('/api/v1/trust-documents/grants')).json().items[0].status, 'expired');

            // An admin's grant, then revoked.
            const approved = await admin.post(`/api/v1/trust-documents/requests/${pending[0].id}/approve`, {
              expiresInDays: 10,
            });
            assert.equal(approved.statusCode, 200, approved.body);
            const second = linkFor(smtp, 'bo@customer.example.evil.test');
            assert.equal((await get(t, second)).statusCode, 200);
            const revoked = await admin.post(
              `/api/v1/trust-documents/grants/${approved.json().request.grant.id}/revoke`,
            );
            assert.equal(revoked.statusCode, 200, revoked.body);
            assert.equal(revoked.json().status, 'revoked');
            assert.equal(await audits(t, org, 'trust_document.grant_revoked'), 1);
            const gone = await get(t, `${second}/download`);
            assert.equal(gone.statusCode, 410);
            assert.match(gone.body, /revoked/);

            const unknown = await get(t, `/trust/${org.slug}/documents/access/atd_${'x'.repeat(43)}`);
            assert.equal(unknown.statusCode, 404);
            assert.match(String(unknown.headers['content-type']), /^text\/html/);
          },
          { smtpUrl: smtp.url, mailFrom: 'Attest <attest@example.test>' },
        );
      });
    });
  }
});

for (const engine of ENGINES) {
  describe(`trust center document requests resist spam (${engine})`, () => {
    it('writes nothing for a filled honeypot or bad input, and answers 429 per email and per address', async () => {
      await withApp(engine, async (t) => {
        const { org, path } = await gatedWorld(t, 'tds');
        const before = await count(t, 'audit_log WHERE org_id = $1', [org.id]);

        const bot = await postRequest(t, path, { email: 'bot@spam.example', website: 'https://spam.example' });
        assert.equal(bot.statusCode, 200);
        assert.match(bot.body, /Request received/, 'the robot is told what a person would be');
        const missing = await postRequest(t, path, { email: 'robin@prospect.example', accept: '' });
        assert.equal(missing.statusCode, 400);
        assert.match(missing.body, /I accept/);
        assert.match(missing.body, /value="robin@prospect.example"/, 'the form keeps what was typed');
        const badEmail = await postRequest(t, path, { email: 'not-an-email' });
        assert.equal(badEmail.statusCode, 400);
        const staleNda = await postRequest(t, path, { email: 'robin@prospect.example', nda: 'f'.repeat(64) });
        assert.equal(staleNda.statusCode, 409);
        assert.match(staleNda.body, /NDA changed/);
        assert.equal(await count(t, 'trust_document_requests WHERE org_id = $1', [org.id]), 0);
        assert.equal(await count(t, 'audit_log WHERE org_id = $1', [org.id]), before);

        // Five an hour per email address, whatever the address they come from.
        for (let i = 0; i < 5; i++) {
          const res = await postRequest(t, path, { email: 'same@prospect.example' }, `192.0.2.${i + 1}`);
          assert.equal(res.statusCode, 200, res.body);
        }
        const sixth = await postRequest(t, path, { email: 'Same@Prospect.example' }, '192.0.2.99');
        assert.equal(sixth.statusCode, 429);
        assert.match(sixth.body, /in the last hour/);
        assert.equal(sixth.headers['retry-after'], '3600');
        assert.equal(await count(t, 'trust_document_requests WHERE org_id = $1', [org.id]), 5);
        t.clock.advance(3_600_000 + 1000);
        assert.equal((await postRequest(t, path, { email: 'same@prospect.example' }, '192.0.2.100')).statusCode, 200);

        // Twenty posts an hour per client address, whatever the email.
        for (let i = 0; i < 20; i++) {
          const res = await postRequest(t, path, { email: `p${i}@prospect.example` }, '203.0.113.77');
          assert.equal(res.statusCode, 200, res.body);
        }
        const flood = await postRequest(t, path, { email: 'p20@prospect.example' }, '203.0.113.77');
        assert.equal(flood.statusCode, 429);
        assert.match(String(flood.headers['content-type']), /^text\/html/);
        assert.equal((await postRequest(t, path, { email: 'p21@prospect.example' }, '203.0.113.78')).statusCode, 200);
      });
    });
  });

  describe(`trust center documents stay private (${engine})`, () => {
    it("answers 404 for an unpublished trust center, hidden documents and another organisation's ids", async () => {
      await withApp(engine, async (t) => {
        const { org, owner, documentId, path } = await gatedWorld(t, 'tdp');
        const other = await makeOrg(t, 'tdp-other');
        const otherOwner = await signIn(t, other.users.owner);
        const pdf = await makePdf('Other organisation report', 1);
        const theirs = await upload(
          otherOwner,
          { title: 'Their report', access: 'public' },
          { name: 'r.pdf', data: pdf },
        );
        assert.equal(theirs.statusCode, 201, theirs.body);
        const theirId = theirs.json().id as string;

        // Not published: every document page of that organisation answers 404, as an unknown one does.
        for (const url of [
          `/trust/${other.slug}/documents/${theirId}/download`,
          `/trust/${other.slug}/documents/${theirId}/request`,
          `/trust/no-such-org/documents/${theirId}/download`,
        ]) {
          const res = await get(t, url);
          assert.equal(res.statusCode, 404, url);
          assert.ok(!res.body.includes('Their report'), 'nothing of the document shows');
        }
        // Another organisation's document under a published slug is unknown too.
        assert.equal((await get(t, `/trust/${org.slug}/documents/${theirId}/download`)).statusCode, 404);

        // The admin API: another organisation's ids answer exactly like unknown ones.
        const unknown = '00000000-0000-4000-8000-000000000000';
        for (const id of [theirId, unknown]) {
          const patched = problem(
            await owner.patch(`/api/v1/trust-documents/${id}`, { title: 'Mine now' }),
            404,
            'not_found',
          );
          assert.equal(patched.detail, 'This document does not exist, or you may not see it.');
          problem(await owner.get(`/api/v1/trust-documents/${id}`), 404, 'not_found');
          problem(await owner.get(`/api/v1/trust-documents/${id}/file`), 404, 'not_found');
          problem(await owner.post(`/api/v1/trust-documents/requests/${id}/approve`, {}), 404, 'not_found');
          problem(await owner.post(`/api/v1/trust-documents/grants/${id}/revoke`), 404, 'not_found');
        }
        // Invalid bodies on another organisation's id still answer 404, not a validation error.
        problem(await owner.patch(`/api/v1/trust-documents/${theirId}`, { access: 'everyone' }), 404, 'not_found');
        assert.deepEqual(
          (await owner.get('/api/v1/trust-documents')).json().items.map((d: { id: string }) => d.id),
          [documentId],
        );

        // Public documents download directly and are logged; hidden ones disappear.
        const publicPdf = await upload(owner, { title: 'Overview', access: 'public' }, { name: 'o.pdf', data: pdf });
        const publicId = publicPdf.json().id as string;
        const direct = await get(t, `/trust/${org.slug}/documents/${publicId}/download`);
        assert.equal(direct.statusCode, 200);
        assert.deepEqual(direct.rawPayload, pdf, 'public documents are served as uploaded');
        assert.equal(await count(t, 'trust_document_downloads WHERE org_id = $1 AND grant_id IS NULL', [org.id]), 1);
        // A gated document's download path sends the visitor to the form.
        const gated = await get(t, `/trust/${org.slug}/documents/${documentId}/download`);
        assert.equal(gated.statusCode, 303);
        assert.equal(gated.headers.location, path);
        const hidden = await owner.patch(`/api/v1/trust-documents/${publicId}`, { access: 'hidden' });
        assert.equal(hidden.statusCode, 200, hidden.body);
        assert.equal((await get(t, `/trust/${org.slug}/documents/${publicId}/download`)).statusCode, 404);
        assert.equal(await audits(t, org, 'trust_document.updated'), 1);

        // Only PDFs may be shared on request (each copy is watermarked).
        const text = multipart(
          { title: 'Notes', access: 'request' },
          { name: 'n.txt', type: 'text/plain', data: Buffer.from('hello') },
        );
        problem(await owner.post('/api/v1/trust-documents', text.body, text.headers), 400, 'validation_failed');
        problem(
          await owner.patch(`/api/v1/trust-documents/${publicId}`, { access: 'bogus' }),
          400,
          'validation_failed',
        );

        // Unpublishing takes the pages down.
        assert.equal((await owner.post('/api/v1/trust-center/unpublish')).statusCode, 200);
        assert.equal((await get(t, path)).statusCode, 404);
      });
    });
  });
}
