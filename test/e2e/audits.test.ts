import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyBundle } from '../../src/modules/evidence/verify-bundle.js';
import { count } from '../helpers/assertions.js';
import { type BrowserWorld, browserSkip, startBrowserWorld } from '../helpers/browser.js';
import { signIn } from '../helpers/factories.js';
import { multipart } from '../helpers/multipart.js';

/**
 * The auditor portal through the web app: an owner sets up an audit over the last 30 days with
 * the auditor on it; the auditor signs in, opens the audit, sees the evidence in the window and
 * not the older item, raises a request, downloads the bundle, and the bundle verifies offline
 * holding exactly the window's evidence.
 */
describe('an auditor reviews the evidence in the window and downloads a bundle that verifies', {
  skip: browserSkip,
}, () => {
  let w: BrowserWorld;

  before(async () => {
    w = await startBrowserWorld('audits');
  });

  after(async () => {
    await w?.close();
  });

  it('opens the audit, reviews the evidence, raises a request and verifies the downloaded bundle', async () => {
    const { t, org, base, dir } = w;
    const day = (offset: number) => new Date(t.clock.now().getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const owner = await signIn(t, org.users.owner);
    const created = await owner.post('/api/v1/audits', {
      title: 'SOC 2 Type 2 (last 30 days)',
      frameworkId: 'soc2-2017',
      kind: 'soc2_type2',
      firm: 'Ledgerline Audit',
      windowStart: day(-30),
      windowEnd: day(0),
      accessExpiresAt: day(60),
      status: 'fieldwork',
    });
    assert.equal(created.statusCode, 201, created.body);
    const auditId = created.json().id as string;
    const added = await owner.post(`/api/v1/audits/${auditId}/auditors`, { email: org.users.auditor.email });
    assert.equal(added.statusCode, 201, added.body);
    for (const [name, from, to] of [
      ['access-review-november.csv', day(-10), null],
      ['access-review-summer.csv', day(-120), day(-90)],
    ] as const) {
      const fields: Record<string, string> = { controlId: 'ACC-09', effectiveFrom: from, note: name };
      if (to) fields.effectiveTo = to;
      const { body, headers } = multipart(fields, {
        name,
        type: 'text/csv',
        data: Buffer.from(`system,account\n${name}\n`),
      });
      const res = await owner.request('POST', '/api/v1/evidence', body, headers);
      assert.equal(res.statusCode, 201, res.body);
    }

    const page = await w.signInAs(org.users.auditor, { acceptDownloads: true });
    await page.goto(`${base}/audits`);
    await page.getByRole('heading', { name: 'Audits' }).waitFor();
    await page.getByRole('link', { name: 'SOC 2 Type 2 (last 30 days)' }).click();
    await page.getByRole('heading', { name: 'SOC 2 Type 2 (last 30 days)' }).waitFor();
    await page.getByRole('tab', { name: 'Controls' }).waitFor();
    await page.getByText(/controls in scope of/).waitFor();
    await w.shot(page, '1-controls');

    await page.getByRole('tab', { name: 'Evidence' }).click();
    await page.getByRole('link', { name: 'access-review-november.csv' }).waitFor();
    assert.equal(await page.getByText('access-review-summer.csv').count(), 0, 'the older item is outside the window');
    await w.shot(page, '2-evidence');

    await page.getByRole('tab', { name: 'Populations' }).click();
    await page.getByText(/People who started in the window: 0/).waitFor();

    await page.getByRole('tab', { name: /Requests/ }).click();
    await page.getByLabel('What you need').fill('Approvals for the November access changes');
    await page.getByLabel('Details').fill('The ticket approving each change in the November review.');
    await page.getByRole('button', { name: 'Raise request' }).click();
    await page.getByText('#1 Approvals for the November access changes').waitFor();
    await w.shot(page, '3-request');

    await page.getByRole('tab', { name: 'Bundle' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the audit bundle' }).click(),
    ]);
    const bundle = join(dir, download.suggestedFilename());
    await download.saveAs(bundle);
    assert.match(download.suggestedFilename(), new RegExp(`^evidence-${day(-30)}-to-${day(1)}\\.zip$`));
    await w.shot(page, '4-bundle');

    const report = await verifyBundle(bundle);
    assert.equal(report.ok, true, report.lines.join('\n'));
    const files = report.items.filter((i) => !/^#\d+ export /.test(i.label)).map((i) => i.label.replace(/^#\d+ /, ''));
    assert.deepEqual(files, ['access-review-november.csv']);

    // The team was told, and every call the auditor's browser made is in the audit log.
    assert.equal(
      await count(t, "notifications WHERE org_id = $1 AND kind = 'audit.request_raised' AND user_id = $2", [
        org.id,
        org.users.owner.id,
      ]),
      1,
    );
    assert.ok(
      (await count(t, "audit_log WHERE org_id = $1 AND action = 'auditor.viewed' AND target_id = $2", [
        org.id,
        auditId,
      ])) >= 4,
    );
  });
});
