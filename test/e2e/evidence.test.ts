import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { verifyBundle } from '../../src/modules/evidence/verify-bundle.js';
import { WEB_DIST } from '../../src/server/app.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { signInInBrowser } from '../helpers/browser.js';
import { makeOrg, type TestOrg, type TestUser } from '../helpers/factories.js';

/**
 * The evidence vault through the web app: an admin uploads a file to a control, exports a
 * bundle from the page (a real download), the offline verifier accepts it, and rejects it once a
 * byte of the file inside is flipped.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-results', 'e2e');
const canRun = existsSync(CHROMIUM) && existsSync(join(WEB_DIST, 'index.html'));

describe('evidence goes in through the web app and comes out as a bundle that verifies', {
  skip: canRun ? false : 'needs /usr/bin/chromium and a built web app (npm run build:web)',
}, () => {
  let t: TestApp;
  let org: TestOrg;
  let base: string;
  let browser: Browser;
  let dir: string;
  const contexts: BrowserContext[] = [];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'attest-e2e-evidence-'));
    t = await startTestApp('pglite');
    t.clock.set(new Date());
    org = await makeOrg(t, 'e2e');
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    assert.ok(address && typeof address === 'object');
    base = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
    });
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SHOTS, `evidence-${name}.png`), fullPage: true });

  const signInAs = (user: TestUser) => signInInBrowser(browser, t, base, user, contexts, { acceptDownloads: true });

  it('uploads in the UI, exports a bundle, verifies it, and fails once a byte is flipped', async () => {
    const page = await signInAs(org.users.admin);
    await page.getByRole('link', { name: 'Evidence', exact: true }).click();
    await page.getByRole('heading', { name: 'Evidence' }).waitFor();
    await page.getByText('No evidence yet').waitFor();
    await shot(page, '1-empty');

    const content = `Quarterly access review for ACC-09\nreviewed-by: admin\n${'all accounts reviewed\n'.repeat(200)}`;
    const file = join(dir, 'access-review.txt');
    writeFileSync(file, content);
    await page.getByRole('button', { name: 'Add evidence' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add evidence' });
    await dialog.locator('input[type="file"]').setInputFiles(file);
    await dialog.getByLabel('Control', { exact: true }).fill('ACC-09');
    await page.getByRole('option', { name: /^ACC-09/ }).click();
    await dialog.getByLabel('Proves from').fill('2026-01-01');
    await dialog.getByLabel('Proves until').fill('2026-03-31');
    await dialog.getByLabel('Note').fill('Q1 access review');
    await dialog.getByRole('button', { name: 'Upload' }).click();
    await page.getByText(/access-review\.txt is ledger entry #0/).waitFor();
    const row = page.getByRole('row', { name: /access-review\.txt/ });
    await row.getByText('#0').waitFor();
    await row.getByText('Pending').waitFor();
    await shot(page, '2-uploaded');

    // Export from the page: a real download of the zip.
    await page.getByRole('button', { name: 'Export bundle' }).click();
    const exportDialog = page.getByRole('dialog', { name: 'Export an evidence bundle' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      exportDialog.getByRole('button', { name: 'Download bundle' }).click(),
    ]);
    const bundle = join(dir, download.suggestedFilename());
    await download.saveAs(bundle);
    assert.match(download.suggestedFilename(), /^evidence-all-to-all\.zip$/);

    const report = await verifyBundle(bundle);
    assert.equal(report.ok, true, report.lines.join('\n'));
    assert.ok(report.lines.includes('ok  #0 access-review.txt'), report.lines.join('\n'));

    // The export made a checkpoint: the item now shows as verified.
    await page.reload();
    await page
      .getByRole('row', { name: /access-review\.txt/ })
      .getByText('Verified')
      .waitFor();
    await shot(page, '3-verified');

    // A flipped byte inside the file in the zip (files are stored uncompressed).
    const bytes = readFileSync(bundle);
    const at = bytes.indexOf(Buffer.from('Quarterly access review'));
    assert.ok(at >= 0);
    bytes[at + 3] = (bytes[at + 3] ?? 0) ^ 0x01;
    const tampered = join(dir, 'tampered.zip');
    writeFileSync(tampered, bytes);
    const broken = await verifyBundle(tampered);
    assert.equal(broken.ok, false);
    assert.ok(
      broken.lines.includes('FAIL #0 access-review.txt: file content does not match its ledger entry'),
      broken.lines.join('\n'),
    );
  });
});
