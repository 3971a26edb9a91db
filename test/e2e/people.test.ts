import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app.js';
import { rows } from '../helpers/assertions.js';
import { type BrowserWorld, browserSkip, startBrowserWorld } from '../helpers/browser.js';
import { signIn, type TestOrg } from '../helpers/factories.js';

/**
 * People and access through the web app: a new member signs the confidentiality agreement and
 * passes a training quiz from their own pages; a reviewer decides every account of an access
 * review, and the admin completes it into evidence.
 */

interface Question {
  id: string;
  text: string;
  choices: string[];
  answer: number;
}

describe('a member signs the agreement and passes training; a reviewer completes an access review', {
  skip: browserSkip,
}, () => {
  let w: BrowserWorld;
  let t: TestApp;
  let org: TestOrg;
  let base: string;

  before(async () => {
    w = await startBrowserWorld('people');
    ({ t, org, base } = w);
  });

  after(async () => {
    await w?.close();
  });

  const shot = (page: Page, name: string) => w.shot(page, name);
  const day = (offset: number) => new Date(t.clock.now().getTime() + offset * 86_400_000).toISOString().slice(0, 10);

  it('signs, trains and reviews', async () => {
    // Arranged through the API: the member joins next week; the agreement is published; the
    // course is in place; a system's accounts are under review by the system's owner.
    const admin = await signIn(t, org.users.admin);
    const person = await admin.post('/api/v1/people', {
      email: org.users.member.email,
      name: 'Mira Member',
      employmentType: 'employee',
      startDate: day(7),
    });
    assert.equal(person.statusCode, 201, person.body);
    const published = await admin.post('/api/v1/agreement/versions', {
      title: 'Confidentiality agreement',
      body: '# Confidentiality\n\nWhat you learn about our customers stays with us.\n\nSign before your first day.',
    });
    assert.equal(published.statusCode, 201, published.body);
    const modules = (await admin.get('/api/v1/training/modules')).json().items as { id: string; title: string }[];
    const lesson = modules[0];
    assert.ok(lesson, 'the built-in course is there');
    const source = (await admin.get(`/api/v1/training/modules/${lesson.id}/source`)).json() as {
      questions: Question[];
    };
    const csv = [
      'system,email,username,admin,mfa,active',
      `crm,${org.users.member.email},mira,no,yes,yes`,
      'crm,former@elsewhere.example,former,yes,no,yes',
      'crm,sales@elsewhere.example,sales,no,yes,yes',
    ].join('\n');
    const pushed = await admin.request('POST', '/api/v1/monitoring/push/accounts-csv?name=crm', csv, {
      'content-type': 'text/csv',
    });
    assert.equal(pushed.statusCode, 201, pushed.body);
    const system = await admin.post('/api/v1/systems', {
      name: 'CRM',
      ownerUserId: org.users.reviewer.id,
      classification: 'confidential',
      sourceId: pushed.json().source.id,
    });
    assert.equal(system.statusCode, 201, system.body);
    const campaign = await admin.post('/api/v1/access-reviews', {
      name: 'Q4 access review',
      systemIds: [system.json().id],
    });
    assert.equal(campaign.statusCode, 201, campaign.body);
    const campaignId = campaign.json().id as string;

    // The member finds both on "My work", then signs the agreement after reading it.
    const memberPage = await w.signInAs(org.users.member);
    await memberPage.goto(`${base}/my-work`);
    await memberPage.getByText('Agreement', { exact: true }).first().waitFor();
    await memberPage.getByText('Training', { exact: true }).first().waitFor();
    await shot(memberPage, '1-my-work');
    await memberPage.goto(`${base}/agreement`);
    await memberPage.getByText('What you learn about our customers stays with us.').waitFor();
    await memberPage.getByLabel('Type your full name').fill('Someone Else');
    await memberPage.getByLabel('I have read version 1 of this agreement and I agree to it.').check();
    await memberPage.getByRole('button', { name: 'Sign', exact: true }).click();
    await memberPage.getByText(/Type your full name as the people register has it/).waitFor();
    await memberPage.getByLabel('Type your full name').fill('Mira Member');
    await memberPage.getByRole('button', { name: 'Sign', exact: true }).click();
    await memberPage.getByText('You signed version 1 of the agreement.').waitFor();
    await shot(memberPage, '2-signed');

    // Then the first training module: the lesson, and the quiz answered right.
    await memberPage.goto(`${base}/training/${lesson.id}`);
    await memberPage.getByRole('heading', { name: lesson.title }).first().waitFor();
    for (const [i, q] of source.questions.entries()) {
      const group = memberPage.getByRole('radiogroup', { name: `${i + 1}. ${q.text}` });
      await group.getByRole('radio', { name: q.choices[q.answer], exact: true }).check();
    }
    await memberPage.getByRole('button', { name: 'Submit answers' }).click();
    await memberPage.getByText('Passed with 100%').waitFor();
    await memberPage.getByRole('link', { name: 'Download your certificate' }).waitFor();
    await shot(memberPage, '3-passed');

    // The reviewer keeps two accounts and revokes the former employee's, with a reason.
    const reviewerPage = await w.signInAs(org.users.reviewer);
    await reviewerPage.goto(`${base}/access-reviews/${campaignId}`);
    await reviewerPage.getByRole('heading', { name: 'Q4 access review' }).waitFor();
    await reviewerPage.getByRole('button', { name: /^Revoke .*former/ }).click();
    const dialog = reviewerPage.getByRole('dialog');
    await dialog.getByLabel('Comment').fill('Left the company last month; the account should be gone.');
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await reviewerPage.getByRole('button', { name: /^Keep .*mira/ }).click();
    await reviewerPage.getByRole('button', { name: /^Keep .*sales/ }).click();
    // Decided accounts leave the "undecided" list the reviewer works through.
    await reviewerPage.getByText('3 of 3 decided (100%)').first().waitFor();
    await shot(reviewerPage, '4-decided');

    // Every account decided: the admin completes the review, which stores its CSV and PDF.
    t.clock.advance(30_000);
    const adminPage = await w.signInAs(org.users.admin);
    await adminPage.goto(`${base}/access-reviews/${campaignId}`);
    await adminPage.getByRole('button', { name: 'Complete review' }).click();
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Complete' }).click();
    await adminPage.getByText('Completed: the CSV and the PDF report are stored as evidence.').waitFor();
    await shot(adminPage, '5-completed');

    // What the browser did is recorded: the signature with its PDF, the pass with its
    // certificate, the campaign's decisions and its two evidence files.
    const [signature] = await rows<{ typed_name: string; evidence_id: string | null }>(
      t,
      'SELECT typed_name, evidence_id FROM agreement_signatures WHERE org_id = $1',
      [org.id],
    );
    assert.equal(signature?.typed_name, 'Mira Member');
    assert.ok(signature?.evidence_id, 'the signed PDF is evidence');
    const [attempt] = await rows<{ score: number; certificate_id: string | null }>(
      t,
      'SELECT score, certificate_id FROM training_attempts WHERE org_id = $1 AND passed',
      [org.id],
    );
    assert.equal(attempt?.score, 100);
    assert.ok(attempt?.certificate_id, 'the certificate is evidence');
    const decisions = await rows<{ decision: string; n: number }>(
      t,
      'SELECT decision, count(*)::int AS n FROM access_review_items WHERE campaign_id = $1 GROUP BY decision ORDER BY decision',
      [campaignId],
    );
    assert.deepEqual(decisions, [
      { decision: 'keep', n: 2 },
      { decision: 'revoke', n: 1 },
    ]);
    const [done] = await rows<{ status: string; csv: string | null; pdf: string | null }>(
      t,
      'SELECT status, csv_evidence_id AS csv, pdf_evidence_id AS pdf FROM access_review_campaigns WHERE id = $1',
      [campaignId],
    );
    assert.equal(done?.status, 'completed');
    assert.ok(done?.csv && done.pdf, 'CSV and PDF stored as evidence');
  });
});
