import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { retryDueWebhooks } from '../src/modules/incidents/escalation.js';
import { refreshAllIncidents } from '../src/modules/incidents/jobs.js';
import { reevaluateOrganisation } from '../src/modules/monitoring/reevaluate.js';
import type { Client, TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg } from './helpers/factories.js';
import { type LocalSmtp, startSmtp } from './helpers/smtp.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1 that records every POST and answers with `status()`. */
async function startReceiver(status: () => number = () => 200) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = status();
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    received,
    url: `http://127.0.0.1:${port}/hooks/attest`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function report(client: Client, body: Record<string, unknown> = {}) {
  const res = await client.post('/api/v1/incidents', {
    title: 'Leaked API key in a public gist',
    description: 'A production API key was pasted into a public gist.',
    severity: 'sev2',
    ...body,
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as Incident;
}

interface Notice {
  id: string;
  status: string;
  fields: Record<string, string>;
  overridden: string[];
  missing: string[];
  sentAt: string | null;
  markdownEvidenceId: string | null;
  pdfEvidenceId: string | null;
}

interface Incident {
  id: string;
  number: number;
  status: string;
  severity: string;
  isBreach: boolean;
  noticeDeadlineAt: string | null;
  timeline: { kind: string; body: string; occurredAt: string; actor: { id: string } | null }[];
  escalations: { sentAt: string | null; webhook: { status: string; attempts: number } | null }[];
  breach: null | {
    deadlineAt: string;
    overdue: boolean;
    shared: Record<string, string>;
    delays: { basis: string; hours: number | null }[];
    customers: { id: string; name: string; contactEmail: string; notice: Notice | null }[];
  };
  can: Record<string, boolean>;
}

/** The current result of a check for an incident. */
async function result(t: TestApp, orgId: string, checkId: string, incidentId: string) {
  const [row] = await rows<{ outcome: string; reason: string }>(
    t,
    `SELECT r.outcome, r.reason FROM check_results r JOIN inventory_records i ON i.id::text = r.resource
      WHERE r.org_id = $1 AND r.check_id = $2 AND r.superseded_at IS NULL AND i.external_id = $3`,
    [orgId, checkId, incidentId],
  );
  return row;
}

const audits = (t: TestApp, orgId: string, action: string) =>
  count(t, 'audit_log WHERE org_id = $1 AND action = $2', [orgId, action]);

async function markBreach(client: Client, id: string, discoveredAt: Date) {
  const res = await client.post(`/api/v1/incidents/${id}/breach`, {
    occurredOn: null,
    discoveredAt: discoveredAt.toISOString(),
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as Incident;
}

const FULL_TEXT = {
  extent: 'Names and email addresses of your users were read by an unknown party.',
  whatHappened: 'A storage bucket was left readable without sign-in after a configuration change.',
  breachDate: '2026-02-20',
  scope: 'One weekly export file per customer; nothing else.',
  response: 'We closed the bucket, rotated keys and now fail any deployment that makes a bucket public.',
};

for (const engine of ENGINES) {
  describe(`incidents (${engine})`, () => {
    let smtp: LocalSmtp;
    before(async () => {
      smtp = await startSmtp();
    });
    after(() => smtp.close());

    it('escalates a report by its rule: in-app notices, email through SMTP, a signed webhook; the escalation check passes', async () => {
      const receiver = await startReceiver();
      try {
        await withApp(
          engine,
          async (t) => {
            const org = await makeOrg(t, 'esc');
            const admin = await signIn(t, org.users.admin);
            const member = await signIn(t, org.users.member);

            // Bad rules are refused and nothing is written.
            const insecure = problem(
              await admin.put('/api/v1/incidents/escalation-rules/sev1', {
                webhookUrl: 'http://hooks.example.com/x',
                targetMinutes: 15,
              }),
              400,
              'validation_failed',
            );
            assert.match(insecure.detail, /https/);
            problem(
              await admin.put('/api/v1/incidents/escalation-rules/sev1', { targetMinutes: 15 }),
              400,
              'validation_failed',
            );
            assert.equal(await count(t, 'incident_escalation_rules WHERE org_id = $1', [org.id]), 0);
            problem(
              await member.put('/api/v1/incidents/escalation-rules/sev1', { notifyRoles: ['admin'], targetMinutes: 5 }),
              403,
              'forbidden',
            );

            const saved = await admin.put('/api/v1/incidents/escalation-rules/sev1', {
              notifyRoles: ['admin'],
              notifyUserIds: [org.users.reviewer.id],
              emails: ['oncall@example.test'],
              webhookUrl: receiver.url,
              targetMinutes: 15,
            });
            assert.equal(saved.statusCode, 200, saved.body);
            const secret = saved.json().webhookSecret as string;
            assert.ok(secret && secret.length >= 32, 'a new secret is shown once');
            const settings = (await admin.get('/api/v1/incidents/settings')).json();
            assert.equal(settings.noticeDeadlineHours, 72);
            assert.equal(settings.rules[0].hasWebhookSecret, true);
            assert.ok(!JSON.stringify(settings).includes(secret), 'the secret is never read back');

            const incident = await report(member, { severity: 'sev1', title: 'Database credentials exposed' });
            assert.equal(incident.number, 1);
            assert.equal(incident.status, 'reported');

            // The webhook arrived, signed over the exact body with the shared secret.
            assert.equal(receiver.received.length, 1);
            const hook = receiver.received[0] as Received;
            const expected = `sha256=${createHmac('sha256', secret).update(hook.body).digest('hex')}`;
            assert.equal(hook.headers['x-attest-signature'], expected);
            assert.notEqual(
              hook.headers['x-attest-signature'],
              `sha256=${createHmac('sha256', 'another secret of length').update(hook.body).digest('hex')}`,
            );
            const payload = JSON.parse(hook.body);
            assert.equal(payload.event, 'incident.escalated');
            assert.equal(payload.incident.id, incident.id);
            assert.equal(payload.incident.severity, 'sev1');

            // In-app notices for the admin and the named reviewer; emails to them and the address.
            assert.equal(
              await count(t, "notifications WHERE kind = 'incident.escalated' AND user_id = $1", [org.users.admin.id]),
              1,
            );
            assert.equal(
              await count(t, "notifications WHERE kind = 'incident.escalated' AND user_id = $1", [
                org.users.reviewer.id,
              ]),
              1,
            );
            assert.equal(
              await count(t, "notifications WHERE kind = 'incident.escalated' AND user_id = $1", [org.users.member.id]),
              0,
            );
            const mailed = smtp.inbox.flatMap((m) => m.to);
            for (const to of ['oncall@example.test', org.users.admin.email, org.users.reviewer.email]) {
              assert.ok(mailed.includes(to), `${to} was emailed`);
            }
            assert.ok(smtp.inbox.some((m) => m.body.includes('Database credentials exposed')));

            const detail = (await admin.get(`/api/v1/incidents/${incident.id}`)).json() as Incident;
            assert.equal(detail.escalations.length, 1);
            assert.equal(detail.escalations[0]?.webhook?.status, 'delivered');
            assert.ok(detail.escalations[0]?.sentAt);
            assert.ok(detail.timeline.some((e) => e.kind === 'escalation' && /in-app notice to 2 people/.test(e.body)));
            assert.equal((await result(t, org.id, 'incident.escalated_on_time', incident.id))?.outcome, 'pass');

            // A lower severity has no rule: no escalation, not applicable.
            const minor = await report(member, { severity: 'sev4', title: 'Badge reader offline' });
            assert.equal(minor.escalations.length, 0);
            assert.equal((await result(t, org.id, 'incident.escalated_on_time', minor.id))?.outcome, 'not_applicable');
            // Raising it to sev1 fires the sev1 rule.
            const raised = await admin.patch(`/api/v1/incidents/${minor.id}`, { severity: 'sev1' });
            assert.equal(raised.statusCode, 200, raised.body);
            assert.equal((raised.json() as Incident).escalations.length, 1);
            assert.equal(receiver.received.length, 2);
            assert.equal(await audits(t, org.id, 'incident.reported'), 2);
          },
          { smtpUrl: smtp.url, mailFrom: 'Attest <attest@example.test>' },
        );
      } finally {
        await receiver.close();
      }
    });

    it('never fails a report on a failing webhook: the failure is on the timeline, the job retries, a late escalation fails the check', async () => {
      let answer = 500;
      const receiver = await startReceiver(() => answer);
      try {
        await withApp(engine, async (t) => {
          const org = await makeOrg(t, 'hook');
          const owner = await signIn(t, org.users.owner);
          const saved = await owner.put('/api/v1/incidents/escalation-rules/sev2', {
            webhookUrl: receiver.url,
            webhookSecret: 'a shared secret we chose ourselves',
            targetMinutes: 5,
          });
          assert.equal(saved.statusCode, 200, saved.body);
          assert.equal(saved.json().webhookSecret, null, 'a secret we chose is not echoed');

          const incident = await report(owner);
          assert.equal(receiver.received.length, 1);
          assert.equal(incident.escalations[0]?.webhook?.status, 'pending');
          assert.equal(incident.escalations[0]?.sentAt, null, 'nobody was reached');
          assert.ok(incident.timeline.some((e) => e.kind === 'escalation_failed' && /HTTP 500/.test(e.body)));

          // Not due again yet: the job leaves it.
          assert.deepEqual(await retryDueWebhooks(t.rt, t.clock.now()), { attempted: 0, delivered: 0 });
          // Six minutes later the receiver is back: delivered, but over the five-minute target.
          answer = 204;
          t.clock.advance(6 * MINUTE);
          assert.deepEqual(await retryDueWebhooks(t.rt, t.clock.now()), { attempted: 1, delivered: 1 });
          const signature = receiver.received[1]?.headers['x-attest-signature'];
          const body = receiver.received[1]?.body ?? '';
          assert.equal(
            signature,
            `sha256=${createHmac('sha256', 'a shared secret we chose ourselves').update(body).digest('hex')}`,
          );
          const late = await result(t, org.id, 'incident.escalated_on_time', incident.id);
          assert.equal(late?.outcome, 'fail');
          assert.match(late?.reason ?? '', /#1 Leaked API key/);
          const detail = (await owner.get(`/api/v1/incidents/${incident.id}`)).json() as Incident;
          assert.equal(detail.escalations[0]?.webhook?.status, 'delivered');
          assert.equal(detail.escalations[0]?.webhook?.attempts, 2);
        });
      } finally {
        await receiver.close();
      }
    });

    it('refuses to mark a notice sent while a field is empty (422 naming them); one notice per affected customer; exports and ledger', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'notice');
        const admin = await signIn(t, org.users.admin);
        const incident = await report(admin, { description: '' });
        const breach = await markBreach(admin, incident.id, new Date(t.clock.now().getTime() - HOUR));
        assert.equal(breach.isBreach, true);
        assert.ok(breach.timeline.some((e) => e.kind === 'breach'));
        problem(
          await admin.post(`/api/v1/incidents/${incident.id}/breach`, { discoveredAt: t.clock.now().toISOString() }),
          409,
          'conflict',
        );

        // A bad line refuses the whole paste; nothing is written.
        const bad = problem(
          await admin.post(`/api/v1/incidents/${incident.id}/breach/customers/paste`, {
            text: 'Acme Corp <security@acme.example>\nGlobex without an address',
          }),
          400,
          'validation_failed',
        );
        assert.match(bad.detail, /line 2/);
        assert.equal(await count(t, 'incident_customers WHERE org_id = $1', [org.id]), 0);

        const pasted = await admin.post(`/api/v1/incidents/${incident.id}/breach/customers/paste`, {
          text: 'Acme Corp <Security@Acme.example>\n\n  Globex <privacy@globex.example>  \n',
        });
        assert.equal(pasted.statusCode, 201, pasted.body);
        const added = await admin.post(`/api/v1/incidents/${incident.id}/breach/customers`, {
          name: 'Initech',
          contactName: 'Bill L.',
          contactEmail: 'bill@initech.example',
        });
        assert.equal(added.statusCode, 201, added.body);
        problem(
          await admin.post(`/api/v1/incidents/${incident.id}/breach/customers`, {
            name: 'acme corp',
            contactEmail: 'other@acme.example',
          }),
          409,
          'conflict',
        );
        let detail = added.json() as Incident;
        const customers = detail.breach?.customers ?? [];
        assert.deepEqual(
          customers.map((c) => c.name),
          ['Acme Corp', 'Globex', 'Initech'],
        );
        assert.equal(customers[0]?.contactEmail, 'security@acme.example');
        // One notice per affected customer, each its own.
        assert.equal(await count(t, 'incident_notices WHERE incident_id = $1', [incident.id]), 3);
        assert.equal(new Set(customers.map((c) => c.notice?.id)).size, 3);

        const acme = customers[0];
        const notice = acme?.notice as Notice;
        assert.deepEqual(notice.missing.sort(), ['breachDate', 'extent', 'response', 'scope', 'whatHappened'].sort());
        const refused = problem(
          await admin.post(`/api/v1/incidents/${incident.id}/notices/${notice.id}/send`, { via: 'letter' }),
          422,
          'notice_incomplete',
        );
        assert.deepEqual(refused.errors?.map((e) => e.path).sort(), notice.missing.sort());
        assert.match(refused.detail, /Scope of the breach/);
        assert.match(refused.detail, /What happened/);

        // Shared text for all; one notice overrides a field; still one field empty → still refused.
        const { response, ...most } = FULL_TEXT;
        const shared = await admin.patch(`/api/v1/incidents/${incident.id}/breach`, most);
        assert.equal(shared.statusCode, 200, shared.body);
        const own = await admin.patch(`/api/v1/incidents/${incident.id}/notices/${notice.id}`, {
          scope: 'Your weekly export of 20 February only.',
        });
        assert.equal(own.statusCode, 200, own.body);
        detail = own.json() as Incident;
        const draft = detail.breach?.customers[0]?.notice as Notice;
        assert.deepEqual(draft.missing, ['response']);
        assert.deepEqual(draft.overridden, ['scope']);
        assert.equal(draft.fields.scope, 'Your weekly export of 20 February only.');
        assert.equal(detail.breach?.customers[1]?.notice?.fields.scope, FULL_TEXT.scope);
        const once = problem(
          await admin.post(`/api/v1/incidents/${incident.id}/notices/${notice.id}/send`, { via: 'letter' }),
          422,
          'notice_incomplete',
        );
        assert.deepEqual(
          once.errors?.map((e) => e.path),
          ['response'],
        );
        assert.equal(await count(t, "incident_notices WHERE status = 'sent' AND org_id = $1", [org.id]), 0);

        await admin.patch(`/api/v1/incidents/${incident.id}/breach`, { response });
        const sent = await admin.post(`/api/v1/incidents/${incident.id}/notices/${notice.id}/send`, { via: 'letter' });
        assert.equal(sent.statusCode, 200, sent.body);
        assert.equal(sent.json().emailed, false, 'no SMTP: recorded as sent by letter');
        assert.equal(sent.json().evidenceStored, true);
        const frozen = (sent.json().incident as Incident).breach?.customers[0]?.notice as Notice;
        assert.equal(frozen.status, 'sent');
        assert.ok(frozen.markdownEvidenceId && frozen.pdfEvidenceId);

        // Both copies are evidence of INC-05, and the sending is on the ledger.
        const evidence = await rows<{ name: string; key: string }>(
          t,
          `SELECT e.name, c.key FROM evidence e JOIN controls c ON c.id = e.control_id WHERE e.id = ANY($1::uuid[])`,
          [[frozen.markdownEvidenceId, frozen.pdfEvidenceId]],
        );
        assert.equal(evidence.length, 2);
        assert.ok(evidence.every((e) => e.key === 'INC-05'));
        assert.ok(evidence.some((e) => e.name.endsWith('.md')) && evidence.some((e) => e.name.endsWith('.pdf')));
        assert.equal(
          await count(t, "ledger_leaves WHERE org_id = $1 AND kind = 'incident.notice_sent' AND ref_id = $2", [
            org.id,
            notice.id,
          ]),
          1,
        );
        assert.equal(
          await count(t, "ledger_leaves WHERE org_id = $1 AND kind = 'evidence' AND ref_id = ANY($2::text[])", [
            org.id,
            [frozen.markdownEvidenceId, frozen.pdfEvidenceId],
          ]),
          2,
        );
        assert.equal(await audits(t, org.id, 'incident.notice_sent'), 1);

        // Frozen: no edit, no second sending, no removing its customer; the shared text moves on without it.
        problem(
          await admin.patch(`/api/v1/incidents/${incident.id}/notices/${notice.id}`, { scope: 'changed' }),
          409,
          'conflict',
        );
        problem(
          await admin.post(`/api/v1/incidents/${incident.id}/notices/${notice.id}/send`, { via: 'letter' }),
          409,
          'conflict',
        );
        problem(await admin.delete(`/api/v1/incidents/${incident.id}/breach/customers/${acme?.id}`), 409, 'conflict');
        await admin.patch(`/api/v1/incidents/${incident.id}/breach`, { scope: 'A later, wider scope.' });

        // Exports: the Markdown has every field as sent; the PDF is a PDF.
        const md = await admin.get(`/api/v1/incidents/${incident.id}/notices/${notice.id}/notice.md`);
        assert.equal(md.statusCode, 200, md.body);
        assert.match(
          String(md.headers['content-disposition']),
          /attachment; filename="breach-notice-incident-1-acme-corp\.md"/,
        );
        for (const text of [
          FULL_TEXT.extent,
          FULL_TEXT.whatHappened,
          FULL_TEXT.breachDate,
          FULL_TEXT.response,
          'Your weekly export of 20 February only.',
          breach.breach?.shared.discoveryDate as string,
        ]) {
          assert.ok(md.body.includes(text), `the Markdown has "${text}"`);
        }
        assert.ok(!md.body.includes('A later, wider scope.'), 'a sent notice keeps the text it was sent with');
        const pdf = await admin.get(`/api/v1/incidents/${incident.id}/notices/${notice.id}/notice.pdf`);
        assert.equal(pdf.statusCode, 200);
        assert.equal(pdf.headers['content-type'], 'application/pdf');
        assert.equal(pdf.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-');
        // A draft exports too, with its gaps shown.
        const globex = detail.breach?.customers[1]?.notice as Notice;
        const draftMd = await admin.get(`/api/v1/incidents/${incident.id}/notices/${globex.id}/notice.md`);
        assert.match(draftMd.body, /\(draft\)/);
        assert.match(draftMd.body, /A later, wider scope\./);
        assert.equal(await audits(t, org.id, 'incident.notice_exported'), 3);

        // Removing an unsent customer removes its notice with it.
        const removed = await admin.delete(`/api/v1/incidents/${incident.id}/breach/customers/${customers[2]?.id}`);
        assert.equal(removed.statusCode, 200, removed.body);
        assert.equal(await count(t, 'incident_notices WHERE incident_id = $1', [incident.id]), 2);
        assert.equal((await result(t, org.id, 'incident.breach_notice_complete', incident.id))?.outcome, 'pass');
      });
    });

    it('runs the deadline clock from discovery: overdue without a delay fails, a law-enforcement delay extends it and passes', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'clock');
        const owner = await signIn(t, org.users.owner);
        const settings = await owner.put('/api/v1/incidents/settings', { noticeDeadlineHours: 48 });
        assert.equal(settings.statusCode, 200, settings.body);
        const discovered = new Date(t.clock.now().getTime() - 2 * HOUR);
        const plain = await report(owner, { title: 'Stolen backup tape' });
        const held = await report(owner, { title: 'Intrusion under investigation' });
        for (const i of [plain, held]) {
          const marked = await markBreach(owner, i.id, discovered);
          assert.equal(marked.breach?.deadlineAt, new Date(discovered.getTime() + 48 * HOUR).toISOString());
          const res = await owner.post(`/api/v1/incidents/${i.id}/breach/customers`, {
            name: 'Acme Corp',
            contactEmail: 'security@acme.example',
          });
          assert.equal(res.statusCode, 201, res.body);
        }
        assert.equal((await result(t, org.id, 'incident.breach_notice_deadline', plain.id))?.outcome, 'pass');

        // A delay needs its length; a bad one writes nothing.
        problem(
          await owner.post(`/api/v1/incidents/${held.id}/breach/delays`, {
            basis: 'law_enforcement',
            reason: 'Notifying now would warn the intruder.',
            requestedBy: 'Metropolitan police cyber unit',
          }),
          400,
          'validation_failed',
        );
        const delayed = await owner.post(`/api/v1/incidents/${held.id}/breach/delays`, {
          basis: 'law_enforcement',
          reason: 'Notifying now would warn the intruder.',
          requestedBy: 'Metropolitan police cyber unit',
          hours: 72,
        });
        assert.equal(delayed.statusCode, 201, delayed.body);
        const heldDetail = delayed.json() as Incident;
        assert.equal(heldDetail.breach?.deadlineAt, new Date(discovered.getTime() + 120 * HOUR).toISOString());
        assert.equal(heldDetail.noticeDeadlineAt, heldDetail.breach?.deadlineAt);
        assert.ok(heldDetail.timeline.some((e) => e.kind === 'delay' && /Metropolitan police/.test(e.body)));
        assert.equal(await audits(t, org.id, 'incident.notice_delayed'), 1);

        // Three days on: the plain breach is overdue, the delayed one is not.
        t.clock.advance(72 * HOUR);
        await reevaluateOrganisation(t.rt, org.id);
        const overdue = await result(t, org.id, 'incident.breach_notice_deadline', plain.id);
        assert.equal(overdue?.outcome, 'fail');
        assert.match(overdue?.reason ?? '', /Acme Corp/);
        assert.equal((await result(t, org.id, 'incident.breach_notice_deadline', held.id))?.outcome, 'pass');
        const owner2 = await signIn(t, org.users.owner);
        const late = (await owner2.get(`/api/v1/incidents/${plain.id}`)).json() as Incident;
        assert.equal(late.breach?.overdue, true);
        const list = (await owner2.get('/api/v1/incidents?breach=true&open=true')).json();
        assert.equal(list.total, 2);

        // Sent within the extended deadline: passes, and stays passing.
        const noticeId = heldDetail.breach?.customers[0]?.notice?.id as string;
        await owner2.patch(`/api/v1/incidents/${held.id}/breach`, { ...FULL_TEXT });
        const sent = await owner2.post(`/api/v1/incidents/${held.id}/notices/${noticeId}/send`, { via: 'portal' });
        assert.equal(sent.statusCode, 200, sent.body);
        t.clock.advance(30 * 24 * HOUR);
        await refreshAllIncidents(t.rt);
        await reevaluateOrganisation(t.rt, org.id);
        assert.equal((await result(t, org.id, 'incident.breach_notice_deadline', held.id))?.outcome, 'pass');
        assert.equal((await result(t, org.id, 'incident.breach_notice_complete', held.id))?.outcome, 'pass');
      });
    });

    it('emails a notice through SMTP when configured and "email" is chosen', async () => {
      await withApp(
        engine,
        async (t) => {
          const org = await makeOrg(t, 'mail');
          const admin = await signIn(t, org.users.admin);
          const incident = await report(admin);
          await markBreach(admin, incident.id, t.clock.now());
          await admin.patch(`/api/v1/incidents/${incident.id}/breach`, FULL_TEXT);
          const added = await admin.post(`/api/v1/incidents/${incident.id}/breach/customers`, {
            name: 'Umbrella',
            contactEmail: 'dpo@umbrella.example',
          });
          const noticeId = (added.json() as Incident).breach?.customers[0]?.notice?.id as string;
          const before = smtp.inbox.length;
          const sent = await admin.post(`/api/v1/incidents/${incident.id}/notices/${noticeId}/send`, { via: 'email' });
          assert.equal(sent.statusCode, 200, sent.body);
          assert.equal(sent.json().emailed, true);
          const mail = smtp.inbox.slice(before).find((m) => m.to.includes('dpo@umbrella.example'));
          assert.ok(mail, 'the customer contact got the notice');
          assert.ok(mail.body.includes('Notice of a security incident'));
          assert.ok(mail.body.replace(/=\r?\n/g, '').includes('rotated keys'));
          const [row] = await rows<{ sent_via: string; sent_to: string; emailed: boolean }>(
            t,
            'SELECT sent_via, sent_to, emailed FROM incident_notices WHERE id = $1',
            [noticeId],
          );
          assert.deepEqual(row, { sent_via: 'email', sent_to: 'dpo@umbrella.example', emailed: true });
        },
        { smtpUrl: smtp.url, mailFrom: 'Attest <attest@example.test>' },
      );
    });

    it('closes a SEV2 only after its post-incident review; the review check follows', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'review');
        const admin = await signIn(t, org.users.admin);
        const incident = await report(admin);
        problem(
          await admin.put(`/api/v1/incidents/${incident.id}/review`, { rootCause: 'x', complete: true }),
          409,
          'conflict',
        );
        const resolved = await admin.post(`/api/v1/incidents/${incident.id}/status`, { status: 'resolved' });
        assert.equal(resolved.statusCode, 200, resolved.body);
        assert.equal(
          (await result(t, org.id, 'incident.post_incident_review', incident.id))?.outcome,
          'not_applicable',
        );
        const refused = problem(
          await admin.post(`/api/v1/incidents/${incident.id}/status`, { status: 'closed' }),
          409,
          'conflict',
        );
        assert.match(refused.detail, /review/);
        const incomplete = problem(
          await admin.put(`/api/v1/incidents/${incident.id}/review`, { rootCause: 'Key in a gist', complete: true }),
          400,
          'validation_failed',
        );
        assert.deepEqual(
          incomplete.errors?.map((e) => e.path),
          ['body.wentWell', 'body.toImprove'],
        );

        // Past the 30 days without a review: the check fails.
        t.clock.advance(31 * 24 * HOUR);
        await reevaluateOrganisation(t.rt, org.id);
        assert.equal((await result(t, org.id, 'incident.post_incident_review', incident.id))?.outcome, 'fail');

        const admin2 = await signIn(t, org.users.admin);
        const saved = await admin2.put(`/api/v1/incidents/${incident.id}/review`, {
          rootCause: 'A key was pasted into a public gist.',
          wentWell: 'Secret scanning told us within minutes.',
          toImprove: 'Short-lived keys only.',
          actionItems: [{ title: 'Move to short-lived keys', ownerUserId: org.users.member.id, dueOn: '2026-05-01' }],
          complete: true,
        });
        assert.equal(saved.statusCode, 200, saved.body);
        assert.equal(
          await count(t, "notifications WHERE user_id = $1 AND kind = 'incident.action_item'", [org.users.member.id]),
          1,
        );
        const late = await result(t, org.id, 'incident.post_incident_review', incident.id);
        assert.equal(late?.outcome, 'fail', 'completed after the 30 days: late stays a failure');
        const closed = await admin2.post(`/api/v1/incidents/${incident.id}/status`, { status: 'closed' });
        assert.equal(closed.statusCode, 200, closed.body);
        assert.equal((closed.json() as Incident).status, 'closed');
      });
    });

    it('lets members see only what they reported or own, auditors read everything, and keeps organisations apart', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'who');
        const other: TestOrg = await makeOrg(t, 'who-other');
        const owner = await signIn(t, org.users.owner);
        const member = await signIn(t, org.users.member);
        const reviewer = await signIn(t, org.users.reviewer);
        const auditor = await signIn(t, org.users.auditor);
        const outsider = await signIn(t, other.users.owner);

        const mine = await report(member, { title: 'Suspicious login alert' });
        const theirs = await report(owner, { title: 'Owner-only incident' });
        problem(await auditor.post('/api/v1/incidents', { title: 'x', severity: 'sev4' }), 403, 'forbidden');
        problem(await member.post('/api/v1/incidents', { title: '', severity: 'sev9' }), 400, 'validation_failed');
        problem(
          await member.post('/api/v1/incidents', {
            title: 'Future',
            severity: 'sev4',
            detectedAt: new Date(t.clock.now().getTime() + 2 * HOUR).toISOString(),
          }),
          400,
          'validation_failed',
        );
        problem(
          await member.post('/api/v1/incidents', {
            title: 'Unknown system',
            severity: 'sev4',
            systemIds: ['00000000-0000-4000-8000-000000000000'],
          }),
          400,
          'validation_failed',
        );
        assert.equal(await count(t, 'incidents WHERE org_id = $1', [org.id]), 2);

        // Members see their own; others' are not found.
        const listed = (await member.get('/api/v1/incidents')).json();
        assert.deepEqual(
          listed.items.map((i: Incident) => i.id),
          [mine.id],
        );
        problem(await member.get(`/api/v1/incidents/${theirs.id}`), 404, 'not_found');
        problem(await reviewer.get(`/api/v1/incidents/${mine.id}`), 404, 'not_found');
        // The reporter adds a note with an earlier time, but cannot change the status.
        const earlier = new Date(t.clock.now().getTime() - 3 * HOUR).toISOString();
        const noted = await member.post(`/api/v1/incidents/${mine.id}/notes`, {
          body: 'I first saw the alert at breakfast.',
          occurredAt: earlier,
        });
        assert.equal(noted.statusCode, 201, noted.body);
        const timeline = (noted.json() as Incident).timeline;
        assert.equal(timeline[0]?.body, 'I first saw the alert at breakfast.', 'the timeline follows event time');
        assert.equal(timeline[0]?.occurredAt, earlier);
        problem(await member.post(`/api/v1/incidents/${mine.id}/status`, { status: 'triaged' }), 403, 'forbidden');
        problem(
          await member.post(`/api/v1/incidents/${mine.id}/breach`, { discoveredAt: t.clock.now().toISOString() }),
          403,
          'forbidden',
        );
        problem(await member.get('/api/v1/incidents/settings'), 403, 'forbidden');

        // An owner makes the reviewer the incident's owner: now they see and manage it.
        problem(
          await owner.post(`/api/v1/incidents/${mine.id}/owner`, { ownerUserId: org.users.auditor.id }),
          400,
          'validation_failed',
        );
        const assigned = await owner.post(`/api/v1/incidents/${mine.id}/owner`, { ownerUserId: org.users.reviewer.id });
        assert.equal(assigned.statusCode, 200, assigned.body);
        problem(
          await member.post(`/api/v1/incidents/${mine.id}/owner`, { ownerUserId: org.users.member.id }),
          403,
          'forbidden',
        );
        const triaged = await reviewer.post(`/api/v1/incidents/${mine.id}/status`, { status: 'triaged' });
        assert.equal(triaged.statusCode, 200, triaged.body);
        const marked = await markBreach(reviewer, mine.id, t.clock.now());
        assert.ok(marked.breach, 'the incident owner handles the breach');
        // The reporter still sees the incident, not the customers and notices.
        const reporterView = (await member.get(`/api/v1/incidents/${mine.id}`)).json() as Incident;
        assert.equal(reporterView.isBreach, true);
        assert.equal(reporterView.breach, null);
        assert.equal(reporterView.can.manage, false);

        // Auditors read everything, the breach included, and change nothing.
        assert.equal((await auditor.get('/api/v1/incidents')).json().total, 2);
        assert.ok(((await auditor.get(`/api/v1/incidents/${mine.id}`)).json() as Incident).breach);
        assert.equal((await auditor.get('/api/v1/incidents/settings')).statusCode, 200);
        problem(await auditor.post(`/api/v1/incidents/${mine.id}/notes`, { body: 'hello' }), 403, 'forbidden');

        // Another organisation sees none of it.
        problem(await outsider.get(`/api/v1/incidents/${mine.id}`), 404, 'not_found');
        problem(await outsider.post(`/api/v1/incidents/${mine.id}/notes`, { body: 'hello' }), 404, 'not_found');
        assert.equal((await outsider.get('/api/v1/incidents')).json().total, 0);

        // API tokens need risk:read / risk:write.
        const token = await owner.post('/api/v1/tokens', { name: 'soc feed', scopes: ['risk:read'] });
        assert.equal(token.statusCode, 201, token.body);
        const bearer = { authorization: `Bearer ${token.json().token}` };
        const read = await t.app.inject({ method: 'GET', url: '/api/v1/incidents', headers: bearer });
        assert.equal(read.statusCode, 200, read.body);
        assert.equal(read.json().total, 2);
        const write = await t.app.inject({
          method: 'POST',
          url: '/api/v1/incidents',
          headers: bearer,
          payload: { title: 'From a token', severity: 'sev4' },
        });
        problem(write, 403, 'insufficient_scope');
      });
    });
  });
}
