import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seedDemo } from '../../src/modules/demo/seed.js';
import type { TestApp } from '../helpers/app.js';
import { rows } from '../helpers/assertions.js';
import { type BrowserWorld, browserSkip, startBrowserWorld } from '../helpers/browser.js';
import type { TestOrg } from '../helpers/factories.js';

const AXE = join(process.cwd(), 'node_modules', 'axe-core', 'axe.min.js');

/**
 * The trust center through the web app: an admin edits the draft, previews and publishes it; the
 * public page renders with JavaScript off, and axe-core finds no accessibility violation in it.
 */
describe('an admin publishes the trust center; the public page needs no script and passes axe', {
  skip: browserSkip,
}, () => {
  let w: BrowserWorld;
  let t: TestApp;
  let org: TestOrg;
  let base: string;

  before(async () => {
    w = await startBrowserWorld('trust');
    ({ t, org, base } = w);
  });

  after(async () => {
    await w?.close();
  });

  it('edits, previews and publishes; the public page renders without JavaScript and is accessible', async () => {
    const page = await w.signInAs(org.users.admin);
    await page.goto(`${base}/trust-center`);
    await page.getByRole('heading', { name: 'Trust center', exact: true }).waitFor();
    await page.getByText('Not published', { exact: true }).waitFor();

    await page.getByLabel('Title', { exact: true }).fill('E2E Corp security');
    await page.getByLabel('Security contact email').fill('security@e2e.example');
    await page.getByLabel('Show “Password rules”').uncheck();
    await page.getByLabel('Update title').fill('We moved to single sign-on');
    await page.getByLabel('Update text').fill('Everyone now signs in through one identity provider.');
    await page.getByRole('button', { name: 'Add update' }).click();
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.frameLocator('iframe[title="Preview of the trust center"]');
    await preview.getByRole('heading', { name: 'E2E Corp security', level: 1 }).waitFor();
    await w.shot(page, '1-preview');

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText(/Last published/).waitFor();
    await page.getByRole('link', { name: 'Open the public page' }).waitFor();
    await w.shot(page, '2-published');
    const published = await rows(t, `SELECT 1 FROM audit_log WHERE org_id = $1 AND action = 'trust.published'`, [
      org.id,
    ]);
    assert.equal(published.length, 1);

    // A visitor without JavaScript.
    const noScript = await w.browser.newContext({ javaScriptEnabled: false });
    w.contexts.push(noScript);
    const visitor = await noScript.newPage();
    const res = await visitor.goto(`${base}/trust/${org.slug}`);
    assert.equal(res?.status(), 200);
    await visitor.getByRole('heading', { name: 'E2E Corp security', level: 1 }).waitFor();
    await visitor.getByRole('heading', { name: 'Access security', level: 2 }).waitFor();
    await visitor.getByRole('heading', { name: 'We moved to single sign-on' }).waitFor();
    assert.equal(await visitor.getByText('Password rules').count(), 0, 'the item the admin turned off');
    assert.equal(await visitor.locator('script').count(), 0);
    await w.shot(visitor, '3-public-no-script');

    // axe-core in a context that may inject it (the page's own policy allows no script at all).
    const audit = await w.browser.newContext({ bypassCSP: true });
    w.contexts.push(audit);
    const checked = await audit.newPage();
    // The demo's page too: every block filled (subprocessors, regions, dates, updates, the ledger checkpoint).
    await seedDemo(t.rt);
    for (const slug of [org.slug, 'demo']) {
      await checked.goto(`${base}/trust/${slug}`);
      await checked.addScriptTag({ path: AXE });
      const result = await checked.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: () => Promise<{ violations: unknown[]; passes: unknown[] }> } })
          .axe;
        const r = await axe.run();
        return { violations: r.violations, passes: r.passes.length };
      });
      assert.deepEqual(result.violations, [], `${slug}: ${JSON.stringify(result.violations, null, 2)}`);
      assert.ok(result.passes > 0, 'axe ran its rules');
    }
    await w.shot(checked, '4-demo');
  });
});
