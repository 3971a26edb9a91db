import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createMailer } from '../../src/mail.js';
import type { TestApp } from '../helpers/app.js';
import { axeViolations, type BrowserWorld, browserSkip, startBrowserWorld } from '../helpers/browser.js';
import type { TestOrg } from '../helpers/factories.js';
import { makePdf, pageTexts } from '../helpers/pdf.js';
import { type LocalSmtp, startSmtp } from '../helpers/smtp.js';

/**
 * Gated documents end to end: an admin uploads a PDF shared on request and publishes the trust
 * center; a visitor (not signed in) asks for it through the form and accepts the NDA; the admin
 * approves in the web app; the visitor opens the emailed link and downloads a watermarked PDF.
 */
describe('a visitor requests a gated document, an admin approves it, the visitor downloads it watermarked', {
  skip: browserSkip,
}, () => {
  let w: BrowserWorld;
  let t: TestApp;
  let org: TestOrg;
  let base: string;
  let smtp: LocalSmtp;

  before(async () => {
    smtp = await startSmtp();
    w = await startBrowserWorld('trust-documents');
    ({ t, org, base } = w);
    // The world starts without mail; this test reads the approval email from a local SMTP server.
    t.rt.mailer = createMailer(smtp.url, 'Attest <attest@example.test>');
  });

  after(async () => {
    await w?.close();
    await smtp?.close();
  });

  const shot = (page: Page, name: string) => w.shot(page, name);

  it('requests, approves, emails the link and downloads a PDF carrying the email', async () => {
    const admin = await w.signInAs(org.users.admin);
    await admin.goto(`${base}/trust-center/documents`);
    await admin.getByRole('heading', { name: 'Trust center documents' }).waitFor();
    await admin.getByLabel('Title').fill('Penetration test summary');
    await admin.getByLabel('Description').fill('Findings of our latest independent test.');
    await admin
      .locator('input[type=file]')
      .setInputFiles({ name: 'pentest.pdf', mimeType: 'application/pdf', buffer: await makePdf('Pentest summary') });
    await admin.getByRole('button', { name: 'Upload' }).click();
    const table = admin.getByRole('table', { name: 'Documents' });
    await table.getByRole('link', { name: 'Penetration test summary' }).waitFor();
    await shot(admin, '1-uploaded');
    const [documentId] = (
      await t.rt.database.query('SELECT id FROM trust_documents WHERE org_id = $1', [org.id])
    ).rows.map((r) => String((r as { id: string }).id));
    assert.ok(documentId);

    await admin.goto(`${base}/trust-center`);
    await admin.getByRole('button', { name: 'Publish', exact: true }).click();
    await admin.getByText('Trust center published.').waitFor();

    // A visitor, not signed in, in a browser of their own.
    const visitorContext = await w.browser.newContext({ acceptDownloads: true, bypassCSP: true });
    w.contexts.push(visitorContext);
    const visitor = await visitorContext.newPage();
    const email = 'casey@prospect.example';
    await visitor.goto(`${base}/trust/${org.slug}/documents/${documentId}/request`);
    await visitor.getByRole('heading', { name: /Request .Penetration test summary./ }).waitFor();
    assert.deepEqual(await axeViolations(visitor), [], 'the request form has no accessibility violations');
    await visitor.getByLabel('Your name').fill('Casey Buyer');
    await visitor.getByLabel('Work email').fill(email);
    await visitor.getByLabel('Company').fill('Prospect Inc');
    await visitor.getByLabel('I accept').check();
    await shot(visitor, '2-request-form');
    await visitor.getByRole('button', { name: 'Request the document' }).click();
    await visitor.getByRole('heading', { name: 'Request received' }).waitFor();

    // The admin approves it in the web app.
    await admin.goto(`${base}/trust-center/documents?tab=requests`);
    await admin.getByRole('table', { name: 'Requests' }).getByText(email).waitFor();
    await shot(admin, '3-requests');
    await admin.getByRole('button', { name: `Approve ${email}` }).click();
    await admin.getByText(`Approved: a link was emailed to ${email}.`).waitFor();

    // The visitor follows the emailed link and downloads the file.
    const mail = smtp.inbox.find((m) => m.to.includes(email));
    assert.ok(mail, 'the approval reached the mail server');
    const body = mail.body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    const link = /(https?:\/\/\S+\/documents\/access\/atd_[A-Za-z0-9_-]+)/.exec(body)?.[1];
    assert.ok(link, 'the mail carries the link');
    await visitor.goto(link);
    await visitor.getByRole('heading', { name: 'Penetration test summary' }).waitFor();
    assert.deepEqual(await axeViolations(visitor), [], 'the link page has no accessibility violations');
    await shot(visitor, '4-link');
    const [download] = await Promise.all([
      visitor.waitForEvent('download'),
      visitor.getByRole('link', { name: 'Download the PDF' }).click(),
    ]);
    const saved = join(w.dir, 'downloaded.pdf');
    await download.saveAs(saved);
    const bytes = readFileSync(saved);
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    const texts = await pageTexts(bytes);
    assert.equal(texts.length, 2);
    for (const text of texts) assert.ok(text.includes(email), 'every page carries the watermark');

    await admin.goto(`${base}/trust-center/documents?tab=downloads`);
    await admin.getByRole('table', { name: 'Downloads' }).getByText(email).waitFor();
    await shot(admin, '5-downloads');
  });
});
