import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { verifyBundle } from '../../src/modules/evidence/verify-bundle.js';
import { type BrowserWorld, browserSkip, startBrowserWorld } from '../helpers/browser.js';
import type { TestOrg, TestUser } from '../helpers/factories.js';

/**
 * The evidence vault through the web app: an admin uploads a file to a control, exports a
 * bundle from the page (a real download), the offline verifier accepts it, and rejects it once a
 * byte of the file inside is flipped.
 */

describe('evidence goes in through the web app and comes out as a bundle that verifies', {
  skip: browserSkip,
}, () => {
  let w: BrowserWorld;
  let org: TestOrg;
  let dir: string;

  before(async () => {
    w = await startBrowserWorld('evidence');
    ({ org, dir } = w);
  });

  after(async () => {
    await w?.close();
  });

  const shot = (page: Page, shotName: string) => w.shot(page, shotName);

  const signInAs = (user: TestUser) => w.signInAs(user, { acceptDownloads: true });

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
