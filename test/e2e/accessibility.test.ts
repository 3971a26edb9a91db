import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { seedDemo } from '../../src/modules/demo/seed.js';
import { axeViolations, type BrowserWorld, browserSkip, startBrowserWorld } from '../helpers/browser.js';
import { totpCode } from '../helpers/factories.js';

/** The page no navigation link names: the answer library, reached from Questionnaires. */
const ALSO = ['/questionnaires/library'];

/**
 * axe-core on every page of the app as the demo's owner sees it: statuses of every colour
 * (passing, failing, in progress, overdue, pending), filled and light badges, coloured and dimmed
 * text. Colour contrast included: what is written in a colour must read at 4.5:1.
 */
describe('accessibility of every page, with the demo data', { skip: browserSkip }, () => {
  let w: BrowserWorld;
  let page: Page;

  before(async () => {
    w = await startBrowserWorld('accessibility');
    const demo = await seedDemo(w.t.rt);
    const context = await w.browser.newContext();
    w.contexts.push(context);
    page = await context.newPage();
    await page.goto(`${w.base}/login`);
    await page.getByLabel('Email').fill(demo.owner.email);
    await page.getByLabel('Password', { exact: true }).fill(demo.owner.password);
    await page.getByRole('button', { name: /sign in/i }).click();
    // The demo's owner has no authenticator yet: the first sign-in sets one up.
    await page.waitForURL(/\/enrol/);
    const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '');
    w.t.clock.advance(30_000);
    await page
      .getByLabel(/code/i)
      .first()
      .fill(await totpCode(w.t, secret));
    await page.getByRole('button', { name: 'Verify and turn on' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  });
  after(async () => {
    await w?.close();
  });

  it('has no axe violations, colour contrast included, on any page', async () => {
    // Every page the main navigation links to, as it shows to the demo's owner, so a new page is swept too.
    const linked = await page
      .getByRole('navigation', { name: 'Main navigation' })
      .locator('a[href^="/"]')
      .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).pathname));
    assert.ok(linked.length >= 30, `the navigation links to ${linked.length} pages`);
    const found: string[] = [];
    for (const path of [...new Set([...linked, ...ALSO])]) {
      await page.goto(`${w.base}${path}`);
      await page.waitForLoadState('networkidle');
      await page.locator('main').waitFor();
      // Tables and lists fill in after the first paint.
      await page.waitForTimeout(200);
      for (const violation of await axeViolations(page, { within: 'main' })) found.push(`${path}: ${violation}`);
    }
    assert.deepEqual(found, []);
  });
});
