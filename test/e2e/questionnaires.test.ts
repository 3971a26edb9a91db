import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { axeViolations, type BrowserWorld, browserSkip, startBrowserWorld } from '../helpers/browser.js';

/** axe-core's violations inside the page's main region (the pages of this area, not the shell). */
const violations = (page: Page) => axeViolations(page, { within: 'main' });

/**
 * A security questionnaire through the web app: an admin imports a CSV with the wizard,
 * accepts a suggestion from the keyboard, writes another answer, exports the filled file and
 * finds the written answer in the answer library.
 */
describe('an admin answers a security questionnaire in the browser', { skip: browserSkip }, () => {
  let w: BrowserWorld;

  before(async () => {
    w = await startBrowserWorld('questionnaires');
  });

  after(async () => {
    await w?.close();
  });

  it('imports, reviews and exports a CSV questionnaire', async () => {
    const page = await w.signInAs(w.org.users.admin, { acceptDownloads: true });
    const file = join(w.dir, 'acme-vendor-assessment.csv');
    const original = readFileSync(new URL('../fixtures/questionnaires/acme-vendor-assessment.csv', import.meta.url));
    writeFileSync(file, original);

    await page.goto(`${w.base}/questionnaires`);
    await page.getByText('No questionnaires yet').waitFor();
    await page.getByRole('button', { name: 'Import questionnaire' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Import a questionnaire' });
    await dialog.locator('input[type="file"]').setInputFiles(file);
    await dialog.getByRole('button', { name: 'Read the file' }).click();
    await dialog.getByRole('table', { name: 'First rows of the file' }).waitFor();
    assert.equal(await dialog.getByLabel('Question column').inputValue(), 'B: Question');
    assert.equal(await dialog.getByLabel('Answer column').inputValue(), 'C: Answer');
    await w.shot(page, 'import-wizard');
    await dialog.getByRole('button', { name: 'Import and suggest answers' }).click();

    await page.waitForURL(/\/questionnaires\/[0-9a-f-]{36}$/);
    await page.getByText('0 of 5 answered').waitFor();
    await page
      .getByText(/Library: “Is customer data encrypted at rest\?”/)
      .first()
      .waitFor();

    // Accept the first suggestion from the keyboard.
    const accept = page.getByRole('button', { name: 'Accept the suggestion for row 2' });
    await accept.focus();
    await page.keyboard.press('Enter');
    await page.getByText('1 of 5 answered').waitFor();

    // Write the answer for the question nothing matches.
    await page.getByRole('button', { name: 'Write the answer for row 6' }).click();
    const answer = page.getByRole('dialog', { name: 'Answer' });
    await answer.getByLabel('Answer', { exact: true }).fill('Blue, like our logo.');
    await answer.getByRole('button', { name: 'Save answer' }).click();
    await page.getByText('2 of 5 answered').waitFor();
    await w.shot(page, 'reviewed');
    assert.deepEqual(await violations(page), [], 'the review page has no accessibility violations');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'acme-vendor-assessment (answered).csv');
    const saved = join(w.dir, 'answered.csv');
    await download.saveAs(saved);
    const rowsOut = parse(readFileSync(saved, 'utf8')) as string[][];
    // A new organisation's controls are not marked implemented yet: no "Yes" is claimed.
    assert.match(rowsOut[1]?.[2] ?? '', /^Customer data is encrypted at rest with AES-256/);
    assert.equal(rowsOut[5]?.[2], 'Blue, like our logo.');
    assert.deepEqual(rowsOut[3], (parse(original.toString('utf8')) as string[][])[3], 'an unreviewed row is unchanged');

    await page.goto(`${w.base}/questionnaires/library`);
    await page.getByLabel('Search the library').fill('reception desk colour');
    await page.getByText('Blue, like our logo.').waitFor();
    assert.deepEqual(await violations(page), [], 'the library has no accessibility violations');
  });
});
