import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generate } from 'otplib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.js';
import { callAdminSocket } from '../../src/server/admin-socket.js';
import { WEB_DIST } from '../../src/server/app.js';
import { type Serving, serve } from '../../src/server/serve.js';

/**
 * The real thing: `attest serve` on a fresh data directory, `attest init` through the admin
 * socket, and a person in headless Chromium signing in, enrolling TOTP and signing out.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-results', 'e2e');
const PASSWORD = 'quiet-meadow-signal-1987';

const canRun = existsSync(CHROMIUM) && existsSync(join(WEB_DIST, 'index.html'));

describe('signing in through the web app', {
  skip: canRun ? false : 'needs /usr/bin/chromium and a built web app (npm run build:web)',
}, () => {
  let dataDir: string;
  let serving: Serving;
  let browser: Browser;
  let otpauth: string;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'attest-e2e-'));
    serving = await serve(loadConfig({ dataDir, port: 0, logLevel: 'warn', jobs: true }, {}));
    const out = await callAdminSocket(join(dataDir, 'admin.sock'), 'init', {
      org: 'Acme Cloud',
      email: 'owner@acme.test',
      password: PASSWORD,
      url: serving.url,
    });
    assert.equal(out.error, undefined);
    otpauth = out.lines.find((l) => l.startsWith('otpauth://')) ?? '';
    assert.ok(otpauth, 'init prints an otpauth URI');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    await serving?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  it('signs in, enrols an authenticator app, sees the dashboard and signs out', async () => {
    const page = await browser.newPage();
    await page.goto(`${serving.url}/`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email').fill('owner@acme.test');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await shot(page, '1-login');
    await page.getByRole('button', { name: /sign in/i }).click();

    // Owners must enrol a second factor before anything else.
    await page.waitForURL(/\/enrol/);
    const secret = (await page.getByTestId('totp-secret').textContent())?.replace(/\s/g, '') ?? '';
    assert.match(otpauth, new RegExp(`secret=${secret}`), 'the QR code is the one init printed');
    await shot(page, '2-enrol');
    await page.getByLabel('Authentication code').fill(await generate({ strategy: 'totp', secret }));
    await page
      .getByRole('button', { name: /confirm|verify|activate|continue/i })
      .first()
      .click();

    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await shot(page, '3-dashboard');
    assert.ok(await page.getByText('Acme Cloud').first().isVisible());

    await page
      .getByRole('button', { name: /owner@acme\.test|account|user menu/i })
      .first()
      .click();
    await page.getByText('Sign out').click();
    await page.waitForURL(/\/login/);
    await shot(page, '4-signed-out');

    // Signed out for real: the API no longer knows the session.
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
    assert.equal(me, 401);
    await page.close();
  });

  it('adds a security key and signs in with it (Chromium virtual authenticator)', async () => {
    // WebAuthn needs a host name, not an IP address: the same server, reached as localhost.
    const base = serving.url.replace('127.0.0.1', 'localhost');
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'usb',
        hasResidentKey: false,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });

    const signInWithPassword = async () => {
      await page.goto(`${base}/login`);
      await page.getByLabel('Email').fill('owner@acme.test');
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: /sign in/i }).click();
      await page.waitForURL(/\/login\/mfa/);
    };
    await signInWithPassword();
    const secret = new URL(otpauth).searchParams.get('secret') ?? '';
    // The first test used the current step; the next code comes 30 s later at most.
    let code = await generate({ strategy: 'totp', secret });
    const used = code;
    while (code === used) {
      await new Promise((r) => setTimeout(r, 1000));
      code = await generate({ strategy: 'totp', secret });
    }
    await page.getByLabel('Authentication code').fill(code);
    await page
      .getByRole('button', { name: /verify|continue|sign in/i })
      .first()
      .click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    await page.goto(`${base}/settings/security`);
    await page.getByLabel('Key name').fill('Virtual key');
    await page.getByRole('button', { name: 'Add a security key' }).click();
    await page.getByText('Virtual key', { exact: true }).first().waitFor();
    await shot(page, '5-security-key-added');

    await page.getByRole('button', { name: /account menu/i }).click();
    await page.getByText('Sign out').click();
    await page.waitForURL(/\/login/);

    await signInWithPassword();
    await page.getByRole('button', { name: 'Use a security key' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await shot(page, '6-signed-in-with-key');
    const audit = await page.evaluate(
      async () => (await (await fetch('/api/v1/audit?action=auth.login')).json()).items,
    );
    assert.ok(
      audit.some((e: { details: { method?: string } }) => e.details.method === 'webauthn'),
      'the audit log records a sign-in with a security key',
    );
    await context.close();
  });
});
