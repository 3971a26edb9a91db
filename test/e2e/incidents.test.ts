import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app.js';
import { rows } from '../helpers/assertions.js';
import { type BrowserWorld, browserSkip, startBrowserWorld } from '../helpers/browser.js';
import type { TestOrg } from '../helpers/factories.js';

/**
 * Incidents through the web app: a member reports an incident; an admin marks it a breach of
 * customer data, adds an affected customer, fills the notice, is refused "mark sent" while a
 * required fact is empty, completes it, marks it sent and downloads it as Markdown and PDF.
 */
describe('a member reports an incident; an admin turns it into a breach and sends a complete notice', {
  skip: browserSkip,
}, () => {
  let w: BrowserWorld;
  let t: TestApp;
  let org: TestOrg;
  let base: string;

  before(async () => {
    w = await startBrowserWorld('incidents');
    ({ t, org, base } = w);
  });

  after(async () => {
    await w?.close();
  });

  const shot = (page: Page, name: string) => w.shot(page, name);

  it('reports, escalates to a breach, completes and exports a notice', async () => {
    // The member reports what they saw.
    const memberPage = await w.signInAs(org.users.member);
    await memberPage.goto(`${base}/incidents`);
    await memberPage.getByRole('heading', { name: 'Incidents', exact: true }).waitFor();
    await memberPage.getByRole('button', { name: 'Report an incident' }).first().click();
    const report = memberPage.getByRole('dialog');
    await report.getByLabel('Title').fill('Customer export emailed to the wrong address');
    await report
      .getByLabel('What happened')
      .fill('The weekly usage export for Acme Corp went to an outside address by mistake.');
    await report.getByRole('button', { name: 'Report', exact: true }).click();
    await memberPage.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
    await memberPage.getByRole('heading', { name: '#1 Customer export emailed to the wrong address' }).waitFor();
    const incidentId = memberPage.url().split('/').at(-1) as string;
    // The member sees the incident but does not handle it.
    assert.equal(await memberPage.getByRole('button', { name: 'Mark as a breach of customer data' }).count(), 0);
    await shot(memberPage, '1-reported');

    // The admin marks it a breach: the notice clock starts.
    const adminPage = await w.signInAs(org.users.admin, { acceptDownloads: true });
    await adminPage.goto(`${base}/incidents/${incidentId}`);
    await adminPage.getByRole('button', { name: 'Mark as a breach of customer data' }).click();
    const mark = adminPage.getByRole('dialog');
    await mark.getByRole('button', { name: 'Mark as breach' }).click();
    await mark.waitFor({ state: 'hidden' });
    await adminPage.getByRole('heading', { name: 'Breach of customer data' }).waitFor();
    await adminPage.getByText(/Notify every affected customer by .*left/).waitFor();

    // One affected customer, and so one notice.
    await adminPage.getByLabel('Customer name').fill('Acme Corp');
    await adminPage.getByLabel('Contact name').fill('Dana White');
    await adminPage.getByLabel('Contact email').fill('security@acme.example');
    await adminPage.getByRole('button', { name: 'Add customer' }).click();
    const notice = adminPage.getByRole('region', { name: 'Notice to Acme Corp' });
    await notice.waitFor();
    await shot(adminPage, '2-breach');

    // Filled except the response: "mark sent" is refused, naming the empty fact.
    await notice
      .getByLabel('How far your data was used, accessed, taken or disclosed')
      .fill('One CSV file with the names and email addresses of 40 of your users was read by one outside person.');
    await notice.getByLabel('Date of the breach').fill('2026-03-01');
    await notice.getByLabel('Scope of the breach').fill('That one export file; no other data.');
    await notice.getByRole('button', { name: 'Mark sent' }).click();
    await notice.getByText(/cannot be marked sent while a required fact is empty/).waitFor();
    await notice
      .getByText(/What we did in response, and the steps taken to limit the harm\./)
      .first()
      .waitFor();
    const [draft] = await rows<{ status: string }>(t, 'SELECT status FROM incident_notices WHERE incident_id = $1', [
      incidentId,
    ]);
    assert.equal(draft?.status, 'draft', 'refused: nothing was marked sent');
    await shot(adminPage, '3-refused');

    // Completed and marked sent (no mail server here: recorded as sent by email).
    await notice
      .getByLabel('What we did in response, and the steps taken to limit the harm')
      .fill('The recipient confirmed deleting the file; we now send exports only to addresses on an allow list.');
    await notice.getByRole('button', { name: 'Mark sent' }).click();
    await notice.getByText(/^Sent .* by email/).waitFor();
    await adminPage.getByText('Every affected customer was notified', { exact: false }).waitFor();
    await shot(adminPage, '4-sent');

    // Both exports download, the Markdown with every fact as sent.
    const [markdown] = await Promise.all([
      adminPage.waitForEvent('download'),
      notice.getByRole('link', { name: 'Markdown' }).click(),
    ]);
    const mdPath = join(w.dir, 'notice.md');
    await markdown.saveAs(mdPath);
    const text = readFileSync(mdPath, 'utf8');
    for (const fact of [
      'One CSV file with the names and email addresses',
      'The weekly usage export for Acme Corp went to an outside address by mistake.',
      '2026-03-01',
      'That one export file; no other data.',
      'The recipient confirmed deleting the file',
      'Dana White, Acme Corp',
    ]) {
      assert.ok(text.includes(fact), `the notice says "${fact}"`);
    }
    const [pdf] = await Promise.all([
      adminPage.waitForEvent('download'),
      notice.getByRole('link', { name: 'PDF' }).click(),
    ]);
    const pdfPath = join(w.dir, 'notice.pdf');
    await pdf.saveAs(pdfPath);
    assert.equal(readFileSync(pdfPath).subarray(0, 5).toString('latin1'), '%PDF-');
    await shot(adminPage, '5-exported');

    // The register lists it as a breach with its deadline.
    await adminPage.goto(`${base}/incidents`);
    await adminPage.getByRole('link', { name: '#1 Customer export emailed to the wrong address' }).waitFor();
    await adminPage.getByText(/Breach · due/).waitFor();
    await shot(adminPage, '6-register');

    // What the browser did is on the record: sent, frozen, with its evidence and ledger leaf.
    const [sent] = await rows<{
      status: string;
      sent_via: string;
      pdf_evidence_id: string | null;
      ledger_index: number;
    }>(t, 'SELECT status, sent_via, pdf_evidence_id, ledger_index FROM incident_notices WHERE incident_id = $1', [
      incidentId,
    ]);
    assert.equal(sent?.status, 'sent');
    assert.equal(sent?.sent_via, 'email');
    assert.ok(sent?.pdf_evidence_id, 'the PDF is evidence');
    assert.ok(Number.isInteger(sent?.ledger_index));
  });
});
