import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { generate } from 'selfsigned';
import { type BrowserWorld, browserSkip, startBrowserWorld } from '../helpers/browser.js';
import { signIn, type TestOrg, type TestUser } from '../helpers/factories.js';

/**
 * Continuous monitoring through the web app: an owner starts from the empty state, pushes an
 * HRIS people list from the page, sees the source, the inventory and a failing check, accepts
 * the failure as an exception and revokes it, and is told what is wrong with a broken file. The
 * owner then connects TLS endpoints (a local HTTPS server) and runs the connection again. A
 * member reads the page without the owner's buttons.
 */

const DAY_MS = 86_400_000;

/** A local HTTPS server on 127.0.0.1 with a self-signed certificate valid for three days. */
async function startHttps(): Promise<{ port: number; close(): Promise<void> }> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - DAY_MS),
    notAfterDate: new Date(Date.now() + 3 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (_request, response) => {
    response.setHeader('Strict-Transport-Security', 'max-age=31536000');
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const CHECK_TITLE = 'People records have a start date and a manager';

describe('monitoring: push a file from the page, see checks fail, accept an exception', {
  skip: browserSkip,
}, () => {
  let w: BrowserWorld;
  let org: TestOrg;
  let dir: string;

  before(async () => {
    w = await startBrowserWorld('monitoring');
    ({ org, dir } = w);
  });

  after(async () => {
    await w?.close();
  });

  const shot = (page: Page, shotName: string) => w.shot(page, shotName);

  const signInAs = (user: TestUser) => w.signInAs(user);

  /** Opens "Push a file", chooses the kind and the file, and pushes. */
  async function pushFile(page: Page, file: string): Promise<Locator> {
    await page.getByRole('button', { name: 'Push a file' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Push a file' });
    await dialog.getByLabel('Kind of source', { exact: true }).fill('People');
    await page.getByRole('option', { name: 'People (HRIS CSV)' }).click();
    await dialog.getByText(/Accepts: CSV of people/).waitFor();
    await dialog.locator('input[type="file"]').setInputFiles(file);
    await dialog.getByRole('button', { name: 'Push', exact: true }).click();
    return dialog;
  }

  it('starts empty, takes a people list, shows a failing check, accepts and revokes an exception', async () => {
    const page = await signInAs(org.users.owner);
    await page.getByRole('link', { name: 'Monitoring', exact: true }).click();
    await page.getByRole('heading', { name: 'Monitoring', level: 1 }).waitFor();
    await page.getByText('No sources connected yet').waitFor();
    await page.getByText('attest push KIND FILE').first().waitFor();
    await page.getByText('npx attest demo').waitFor();
    await page.getByRole('group', { name: 'Sources connected: 0' }).waitFor();
    await shot(page, '1-empty');

    // One active person with no manager (fails the check), one who left years ago (not applicable).
    const people = join(dir, 'people.csv');
    writeFileSync(
      people,
      [
        'name,email,employment type,start date,end date,manager',
        'Alice Admin,alice@example.test,employee,2023-01-09,,',
        'Bob Gone,bob@example.test,contractor,2019-02-01,2020-06-30,alice@example.test',
        '',
      ].join('\n'),
    );
    const dialog = await pushFile(page, people);
    await page.getByText('Pushed to hris-csv').waitFor();
    await page.getByText(/2 records read \(2 new, 0 changed, 0 gone\)/).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('group', { name: 'Sources connected: 1' }).waitFor();
    assert.equal(await page.getByText('No sources connected yet').count(), 0);

    // Sources: the people list with its two records.
    await page.getByRole('tab', { name: 'Sources' }).click();
    const sourceRow = page.getByRole('row', { name: /People \(HRIS CSV\)/ });
    await sourceRow.getByText('hris-csv', { exact: true }).first().waitFor();
    await sourceRow.getByRole('cell', { name: '2', exact: true }).waitFor();
    await sourceRow.getByText('OK', { exact: true }).waitFor();
    await shot(page, '2-sources');

    // Inventory, from the source's "Records" button: both people, with their data.
    await sourceRow.getByRole('button', { name: /Show the records of/ }).click();
    await page.getByRole('tab', { name: 'Inventory', selected: true }).waitFor();
    await page.getByRole('row', { name: /Alice Admin/ }).waitFor();
    await page.getByRole('row', { name: /Bob Gone/ }).waitFor();
    await page.getByRole('button', { name: 'Show the data of Alice Admin' }).click();
    await page.getByText('"employmentType": "employee"').waitFor();

    // Checks: the list renders, failing first; the people check fails on Alice.
    await page.getByRole('tab', { name: /^Checks/ }).click();
    const table = page.getByRole('table', { name: 'Automated checks' });
    await table.waitFor();
    const checkRow = table.getByRole('row', { name: new RegExp(CHECK_TITLE) });
    await checkRow.getByText('Failing', { exact: true }).waitFor();
    await checkRow.getByText('people.records_complete').waitFor();
    assert.ok((await table.getByRole('row').count()) > 10, 'every check of the library is listed');
    const firstRow = table.getByRole('row').nth(1);
    assert.match((await firstRow.textContent()) ?? '', /Failing/, 'failing checks come first');
    // Organisation-wide checks that read people (a scanner must report) may fail as well.
    await page.getByRole('group', { name: /^Failing checks: [1-9]/ }).waitFor();
    await page.getByRole('group', { name: /^At-risk results: [1-9]/ }).waitFor();
    await shot(page, '3-checks');

    // The filters: failing only, then a search.
    await page.getByText(/^Failing \(\d+\)$/).click();
    const failingRows = await table.locator('tbody tr').allTextContents();
    assert.ok(failingRows.length >= 1 && failingRows.every((text) => text.includes('Failing')), failingRows.join('\n'));
    await page.getByLabel('Search checks').fill('people.records');
    await table.locator('tbody tr').first().waitFor();
    assert.equal(await table.locator('tbody tr').count(), 1);
    await page.getByText(/^All \(\d+\)$/).click();

    // The check: remediation, the failing result with its deadline, history.
    await checkRow.getByRole('link', { name: CHECK_TITLE }).click();
    await page.getByRole('heading', { name: CHECK_TITLE, level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'How to fix it' }).waitFor();
    const alice = page.getByRole('table', { name: 'Current results' }).getByRole('row', { name: /Alice Admin/ });
    await alice.getByText('At risk').waitFor();
    await alice.getByText(/Due in \d+ days/).waitFor();
    await alice.getByText(/The record of Alice Admin .*manager/).waitFor();
    await page.getByRole('table', { name: 'Recent changes' }).waitFor();

    // Accept it as an exception: too short a justification is refused in place first.
    await alice.getByRole('button', { name: 'Accept as exception: Alice Admin' }).click();
    const accept = page.getByRole('dialog', { name: 'Accept as exception' });
    const expiry = await accept.getByLabel('Expires on').inputValue();
    assert.match(expiry, /^\d{4}-\d{2}-\d{2}$/, 'the expiry has a default');
    const days = Math.round((Date.parse(expiry) - Date.now()) / 86_400_000);
    assert.ok(days >= 88 && days <= 91, `the default expiry is 90 days ahead (${days})`);
    await accept.getByLabel('Justification').fill('too short');
    await accept.getByRole('button', { name: 'Accept as exception' }).click();
    await accept.getByText(/at least 10 characters/).waitFor();
    await accept
      .getByLabel('Justification')
      .fill('Alice is the founder; the board chair is added as her manager at the next HR export.');
    await accept.getByRole('button', { name: 'Accept as exception' }).click();
    await page.getByText('Exception accepted').waitFor();
    await accept.waitFor({ state: 'hidden' });
    await alice.getByText('Exception', { exact: true }).waitFor();
    await alice.getByText(/Accepted until/).waitFor();
    await shot(page, '4-excepted');

    // Back on the page: the check is excepted (not passing), and the exception is listed.
    await page.getByRole('link', { name: 'Monitoring' }).first().click();
    await page.getByRole('group', { name: 'Active exceptions: 1' }).waitFor();
    await page
      .getByRole('table', { name: 'Automated checks' })
      .getByRole('row', { name: new RegExp(CHECK_TITLE) })
      .getByText('Excepted', { exact: true })
      .waitFor();
    await page.getByRole('tab', { name: /^Exceptions/ }).click();
    const exceptionRow = page.getByRole('table', { name: 'Exceptions' }).getByRole('row', { name: /founder/ });
    await exceptionRow.getByText('Active', { exact: true }).waitFor();
    await exceptionRow.getByText(org.users.owner.email).waitFor();
    await exceptionRow.getByText('Alice Admin').waitFor();
    await exceptionRow.getByRole('button', { name: /Revoke the exception/ }).click();
    const revoke = page.getByRole('dialog', { name: 'Revoke this exception?' });
    await revoke.getByRole('button', { name: 'Revoke', exact: true }).click();
    await page.getByText(/The exception for people.records_complete was revoked/).waitFor();
    await page.getByRole('group', { name: 'Active exceptions: 0' }).waitFor();
    await page.getByRole('tab', { name: /^Exceptions/ }).click();
    await page.getByText('All (1)', { exact: true }).click();
    await page
      .getByRole('table', { name: 'Exceptions' })
      .getByRole('row', { name: /founder/ })
      .getByText('Revoked', { exact: true })
      .waitFor();

    // A file without the email column: the server's reason, in the modal, which stays open.
    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, 'name,employment type,start date\nCarol New,employee,2024-05-01\n');
    const again = await pushFile(page, broken);
    const alert = again.getByRole('alert');
    await alert.getByText('The file could not be imported').waitFor();
    await alert.getByText(/the column 'email' is missing/).waitFor();
    assert.ok(await again.isVisible(), 'the modal stays open');
    await shot(page, '5-import-error');
    await again.getByRole('button', { name: 'Cancel' }).click();
    await again.waitFor({ state: 'hidden' });

    // The owner shortens the deadline of low-severity failures.
    await page.getByRole('button', { name: 'Deadlines' }).click();
    const settings = page.getByRole('dialog', { name: 'Deadlines and thresholds' });
    await settings.getByLabel('Low').fill('60');
    await settings.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/Settings saved/).waitFor();
    await settings.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Deadlines' }).click();
    assert.equal(await settings.getByLabel('Low').inputValue(), '60 d');
  });

  it('connects TLS endpoints, refuses a bad line in the form, and runs the connection again', async () => {
    const https = await startHttps();
    try {
      const page = await signInAs(org.users.owner);
      await page.getByRole('link', { name: 'Monitoring', exact: true }).click();
      await page.getByRole('heading', { name: 'Monitoring', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Add a connection' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Add a connection' });
      await dialog.getByLabel('Kind of connection', { exact: true }).click();
      await page.getByRole('option', { name: 'TLS endpoints' }).click();
      await dialog.getByText(/reads the protocols, the certificate and HSTS/).waitFor();

      // A line without a numeric port is refused in the form, before anything is saved.
      const endpoints = dialog.getByLabel('Endpoints');
      await endpoints.fill('no-port:abc');
      await dialog.getByRole('button', { name: 'Save and run' }).click();
      await dialog
        .getByRole('alert')
        .getByText(/Line 1 \(“no-port:abc”\): the port “abc” is not a number/)
        .waitFor();
      await shot(page, '6-connection-error');

      await endpoints.fill(`127.0.0.1:${https.port}`);
      await dialog.getByText('Hourly', { exact: true }).click();
      assert.ok(await dialog.getByRole('radio', { name: 'Hourly' }).isChecked());
      await dialog.getByRole('button', { name: 'Save and run' }).click();
      await page.getByText('Connected endpoints').waitFor();
      await page.getByText(/1 record read \(1 new, 0 changed, 0 gone\)/).waitFor();
      await dialog.waitFor({ state: 'hidden' });

      // The connection is a source: its schedule, its one endpoint, and "Run now".
      await page.getByRole('tab', { name: 'Sources' }).click();
      const row = page.getByRole('table', { name: 'Sources' }).getByRole('row', { name: /endpoints/ });
      await row.getByText('tls', { exact: true }).first().waitFor();
      await row.getByText('Schedule: hourly').waitFor();
      await row.getByRole('cell', { name: '1', exact: true }).waitFor();
      await shot(page, '7-connection');
      await row.getByRole('button', { name: /^Run .* now$/ }).click();
      await page.getByText('Ran endpoints').waitFor();
      await page.getByText(/1 record read \(0 new, \d+ changed, 0 gone\)/).waitFor();
    } finally {
      await https.close();
    }
  });

  it('links an account without a matching email to a person from the inventory', async () => {
    // An account of another system, pushed through the API: no email, so no person matches it.
    w.t.clock.advance(30_000); // a TOTP step the browser sign-ins have not used
    const api = await signIn(w.t, org.users.owner);
    const pushed = await api.request(
      'POST',
      '/api/v1/monitoring/push/accounts-csv',
      'system,email,username,admin,mfa,active,last login\nerp,,svc-legacy,no,yes,yes,\n',
      { 'content-type': 'text/csv' },
    );
    assert.equal(pushed.statusCode, 201, pushed.body);
    const page = await signInAs(org.users.owner);
    await page.goto(`${w.base}/monitoring?tab=inventory`);
    const row = page.getByRole('row', { name: /svc-legacy/ });
    await row.getByRole('button', { name: 'Link to a person' }).click();
    const dialog = page.getByRole('dialog', { name: 'Link the account to a person' });
    await dialog.getByLabel('Person').fill('Alice');
    await page.getByRole('option', { name: 'Alice Admin' }).click();
    await dialog.getByRole('button', { name: 'Link', exact: true }).click();
    await page.getByText('Linked svc-legacy').waitFor();
    await page
      .getByRole('row', { name: /svc-legacy/ })
      .getByText('Linked to Alice Admin')
      .waitFor();
    await shot(page, '6-linked');
  });

  it('lets a member read the page without the buttons that change it', async () => {
    const page = await signInAs(org.users.member);
    await page.getByRole('link', { name: 'Monitoring', exact: true }).click();
    await page.getByRole('heading', { name: 'Monitoring', level: 1 }).waitFor();
    await page.getByRole('table', { name: 'Automated checks' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Push a file' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Add a connection' }).count(), 0);
    // The deadlines are there to read, not to change.
    await page.getByRole('button', { name: 'Deadlines' }).click();
    const settings = page.getByRole('dialog', { name: 'Deadlines and thresholds' });
    await settings.getByLabel('Critical').waitFor();
    assert.equal(await settings.getByLabel('Critical').inputValue(), '15 d');
    assert.equal(await settings.getByLabel('Critical').getAttribute('readonly'), '');
    assert.equal(await settings.getByRole('button', { name: 'Save' }).count(), 0);
    await settings.getByRole('button', { name: 'Close', exact: true }).click();
    await settings.waitFor({ state: 'hidden' });
    await page.getByRole('tab', { name: 'Sources' }).click();
    await page.getByRole('row', { name: /People \(HRIS CSV\)/ }).waitFor();
    assert.equal(await page.getByRole('button', { name: /Push again/ }).count(), 0);
    await page
      .getByRole('row', { name: /endpoints/ })
      .getByText('Schedule: hourly')
      .waitFor();
    assert.equal(await page.getByRole('button', { name: /^Run .* now$/ }).count(), 0);
    await page.getByRole('tab', { name: /^Checks/ }).click();
    await page.getByRole('link', { name: CHECK_TITLE }).click();
    await page.getByRole('heading', { name: CHECK_TITLE, level: 1 }).waitFor();
    await page
      .getByRole('table', { name: 'Current results' })
      .getByRole('row', { name: /Alice Admin/ })
      .waitFor();
    assert.equal(await page.getByRole('button', { name: /Accept as exception/ }).count(), 0);
  });
});
