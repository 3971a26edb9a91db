import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app.js';
import { type BrowserWorld, browserSkip, startBrowserWorld } from '../helpers/browser.js';
import { signIn, type TestOrg, type TestUser } from '../helpers/factories.js';

/**
 * The program through the web app: an admin publishes a policy, a member reads and accepts it,
 * the admin sees the acceptance, and the readiness dashboard moves with it.
 */

describe('a policy goes from publication to acceptance, and readiness follows', {
  skip: browserSkip,
}, () => {
  let w: BrowserWorld;
  let t: TestApp;
  let org: TestOrg;
  let base: string;

  before(async () => {
    w = await startBrowserWorld('program');
    ({ t, org, base } = w);
  });

  after(async () => {
    await w?.close();
  });

  const shot = (page: Page, shotName: string) => w.shot(page, shotName);

  const signInAs = (user: TestUser) => w.signInAs(user);

  it('publishes, accepts, shows the acceptance and changes the dashboard', async () => {
    // Arranged through the API: ACC-01 is implemented, so only its unpublished access control
    // policy holds it back; the draft is submitted by the admin and approved by the reviewer.
    const admin = await signIn(t, org.users.admin);
    const controls = (await admin.get('/api/v1/controls?q=ACC-01')).json().items as { id: string; key: string }[];
    const acc01 = controls.find((c) => c.key === 'ACC-01');
    assert.ok(acc01);
    assert.equal((await admin.patch(`/api/v1/controls/${acc01.id}`, { status: 'implemented' })).statusCode, 200);
    const policies = (await admin.get('/api/v1/policies?q=access')).json().items as { id: string; key: string }[];
    const policy = policies.find((p) => p.key === 'access-control');
    assert.ok(policy, 'the access control policy came with the organisation');
    const vars = await admin.put('/api/v1/policy-variables', { values: { security_contact: 'security@e2e.test' } });
    assert.equal(vars.statusCode, 200, vars.body);
    const submitted = await admin.post(`/api/v1/policies/${policy.id}/submit`, {
      reviewerUserId: org.users.reviewer.id,
      material: true,
      changeSummary: 'First version',
    });
    assert.equal(submitted.statusCode, 200, submitted.body);
    const reviewer = await signIn(t, org.users.reviewer);
    const approved = await reviewer.post(`/api/v1/policies/${policy.id}/approve`, {});
    assert.equal(approved.statusCode, 200, approved.body);

    // The admin's dashboard: ACC-01 needs attention because its policy is not published.
    const adminPage = await signInAs(org.users.admin);
    const fixFirst = adminPage.locator('.mantine-Card-root', { hasText: 'Fix first' });
    await fixFirst.getByText('policy access-control is not published').waitFor();
    const implemented = adminPage.locator('.mantine-Card-root', { hasText: 'Controls implemented' });
    await implemented.getByText('0 passing').waitFor();
    await shot(adminPage, '1-dashboard-before');

    // The admin publishes it in the web app.
    await adminPage.goto(`${base}/policies/${policy.id}`);
    await adminPage.getByRole('button', { name: 'Publish version 1' }).click();
    await adminPage.getByText('Published. Every member is asked to accept it.').waitFor();
    await shot(adminPage, '2-published');

    // A member finds it pending, cannot accept before reaching the end, then accepts.
    const memberPage = await signInAs(org.users.member);
    await memberPage.goto(`${base}/my-policies`);
    const pendingCard = memberPage.locator('.mantine-Card-root', { hasText: 'Access Control' }).first();
    await pendingCard.getByRole('button', { name: 'Read and accept' }).click();
    const accept = memberPage.getByRole('button', { name: /I have read and accept version 1/ });
    await accept.waitFor();
    assert.equal(await accept.isDisabled(), true, 'the accept button waits for the whole text');
    await shot(memberPage, '3-reading');
    const text = memberPage.getByLabel(/^Text of /);
    await text.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await memberPage.getByText('You have reached the end of the text.').waitFor();
    await accept.click();
    await memberPage.getByText('You are up to date').waitFor();
    await shot(memberPage, '4-accepted');

    // The admin sees who accepted which version.
    await adminPage.reload();
    await adminPage.getByRole('tab', { name: 'Acceptances' }).click();
    const row = adminPage.getByRole('row', { name: new RegExp(org.users.member.email.replace(/[.+]/g, '\\$&')) });
    await row.waitFor();
    await row.getByText('Version 1').waitFor();
    await shot(adminPage, '5-acceptances');

    // The dashboard changed: ACC-01 passes now.
    await adminPage.goto(`${base}/`);
    await implemented.getByText('1 passing').waitFor();
    assert.equal(await fixFirst.getByText('policy access-control is not published').count(), 0);
    await shot(adminPage, '6-dashboard-after');
  });
});
