import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { WEB_DIST } from '../../src/server/app.js';
import { startTestApp, type TestApp } from './app.js';
import { makeOrg, type TestOrg, type TestUser, totpCode } from './factories.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-results', 'e2e');

/** For describe's `skip`: why the end-to-end tests cannot run here, or false when they can. */
export const browserSkip =
  existsSync(CHROMIUM) && existsSync(join(WEB_DIST, 'index.html'))
    ? false
    : 'needs /usr/bin/chromium and a built web app (npm run build:web)';

/** A server listening on 127.0.0.1 with an organisation, Debian's Chromium, and a scratch folder. */
export interface BrowserWorld {
  t: TestApp;
  org: TestOrg;
  base: string;
  browser: Browser;
  contexts: BrowserContext[];
  /** A temporary folder for files the test writes or downloads, removed by close(). */
  dir: string;
  shot(page: Page, name: string): Promise<Buffer>;
  signInAs(user: TestUser, options?: { acceptDownloads?: boolean }): Promise<Page>;
  close(): Promise<void>;
}

export async function startBrowserWorld(name: string): Promise<BrowserWorld> {
  mkdirSync(SHOTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), `attest-e2e-${name}-`));
  const t = await startTestApp('pglite');
  // Cookies and codes follow the browser's clock: the server's starts at real time.
  t.clock.set(new Date());
  const org = await makeOrg(t, 'e2e');
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  assert.ok(address && typeof address === 'object');
  const base = `http://127.0.0.1:${address.port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  const contexts: BrowserContext[] = [];
  return {
    t,
    org,
    base,
    browser,
    contexts,
    dir,
    shot: (page, shotName) => page.screenshot({ path: join(SHOTS, `${name}-${shotName}.png`), fullPage: true }),
    signInAs: (user, options) => signInInBrowser(browser, t, base, user, contexts, options),
    close: async () => {
      for (const c of contexts) await c.close();
      await browser.close();
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * axe-core's violations on the page, or only inside its `main` region (`within`), each as its
 * rule id, how many elements break it and the first one's selector (what a failure must show).
 * axe is evaluated through the DevTools protocol, so a page's Content-Security-Policy (the app
 * refuses inline scripts) does not stop it.
 */
export async function axeViolations(page: Page, options: { within?: 'main' } = {}): Promise<string[]> {
  await page.evaluate(readFileSync(AXE, 'utf8'));
  return page.evaluate(async ({ within }) => {
    type Violation = { id: string; nodes: { target: string[] }[] };
    type Axe = { run: (c: Element) => Promise<{ violations: Violation[] }> };
    const axe = (window as unknown as { axe: Axe }).axe;
    const context = (within ? document.querySelector(within) : null) ?? document.body;
    const result = await axe.run(context);
    return result.violations.map((v) => `${v.id} (${v.nodes.length}, first ${v.nodes[0]?.target.join(' ')})`);
  }, options);
}
