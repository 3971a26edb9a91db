import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestApp } from './app.js';
import { type TestUser, totpCode } from './factories.js';

/**
 * Signs `user` in through the web app in a fresh browser context: password, then a TOTP code of
 * a step not used yet (the test clock moves 30 s; each step works once per person).
 */
export async function signInInBrowser(
  browser: Browser,
  t: TestApp,
  base: string,
  user: TestUser,
  contexts: BrowserContext[],
  options: { acceptDownloads?: boolean } = {},
): Promise<Page> {
  const context = await browser.newContext(options);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL(/\/login\/mfa/);
  t.clock.advance(30_000);
  await page.getByLabel('Authentication code').fill(await totpCode(t, user.totp as string));
  await page
    .getByRole('button', { name: /verify|continue|sign in/i })
    .first()
    .click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  return page;
}
