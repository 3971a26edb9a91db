import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from './helpers/app.js';
import { withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn } from './helpers/factories.js';
import { type LocalSmtp, startSmtp } from './helpers/smtp.js';

/** Invitations by mail, to a real SMTP server listening on this machine. */
describe('invitations sent by mail', () => {
  let smtp: LocalSmtp;

  before(async () => {
    smtp = await startSmtp();
  });

  after(() => smtp.close());

  for (const engine of ENGINES) {
    it(`mails the link instead of showing it, and the mailed link works once (${engine})`, async () => {
      await withApp(
        engine,
        async (t) => {
          const org = await makeOrg(t, 'mail');
          const owner = await signIn(t, org.users.owner);
          const email = `new.${engine}@example.test`;
          const res = await owner.post('/api/v1/invitations', { email, role: 'member' });
          assert.equal(res.statusCode, 201, res.body);
          assert.equal(res.json().emailed, true);
          assert.equal(res.json().link, null, 'the link is not shown when it was mailed');

          const mail = smtp.inbox.find((m) => m.to.includes(email));
          assert.ok(mail, 'the invitation reached the mail server');
          assert.match(mail.body, /Subject: You are invited to Org mail on Attest/);
          // The body is quoted-printable: undo soft line breaks and =XX escapes.
          const text = mail.body
            .replace(/=\r\n/g, '')
            .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
          const token = decodeURIComponent(/invite#token=(\S+)/.exec(text)?.[1] ?? '');
          assert.ok(token, 'the mail carries the link');

          const invitee = new Client(t.app);
          const accepted = await invitee.post('/api/v1/invitations/accept', {
            token,
            name: 'New Person',
            password: 'orchid-velvet-compass-58',
          });
          assert.equal(accepted.statusCode, 200, accepted.body);
          const again = await new Client(t.app).post('/api/v1/invitations/accept', {
            token,
            name: 'Someone Else',
            password: 'orchid-velvet-compass-58',
          });
          assert.equal(again.statusCode, 410);
        },
        { smtpUrl: smtp.url, mailFrom: 'Attest <attest@example.test>' },
      );
    });
  }
});
