import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generate } from 'otplib';
import { loadConfig } from '../src/config.js';
import { type Serving, serve } from '../src/server/serve.js';
import { createTestDatabase } from './helpers/db.js';

/** The `attest` command as a user runs it: a real process on a real data directory. */
const BIN = new URL('../bin/attest.js', import.meta.url).pathname;
const PASSWORD = 'amber-lattice-wombat-31';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function attest(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, DATABASE_URL: '', ATTEST_DATA: '', LOG_LEVEL: 'warn', ...opts.env }, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(opts.input ?? '');
  });
}

async function createTokenOverHttp(base: string, email: string, secret: string): Promise<string> {
  let cookie = '';
  const call = async (method: string, path: string, body?: unknown, csrf?: string) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', cookie, ...(csrf ? { 'x-csrf-token': csrf } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = res.headers.get('set-cookie');
    if (set?.startsWith('attest_session=')) cookie = set.split(';')[0] ?? '';
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  assert.equal((await call('POST', '/api/v1/auth/login', { email, password: PASSWORD })).stage, 'enrol');
  const csrf = async () => ((await call('GET', '/api/v1/me')).session as { csrfToken: string }).csrfToken;
  const code = await generate({ strategy: 'totp', secret });
  assert.equal((await call('POST', '/api/v1/auth/totp/confirm', { code }, await csrf())).stage, 'full');
  const created = await call(
    'POST',
    '/api/v1/tokens',
    { name: 'cli', scopes: ['org:read'], expiresInDays: 7 },
    await csrf(),
  );
  return created.token as string;
}

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'attest-cli-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the attest command', () => {
  it('lists every command in --help', async () => {
    const run = await attest(['--help']);
    assert.equal(run.code, 0, run.stderr);
    for (const command of ['serve', 'init', 'demo', 'migrate', 'audit-export', 'coverage', 'whoami']) {
      assert.match(run.stdout, new RegExp(`\\b${command}\\b`));
    }
  });

  it('init reads the password from stdin or a file, never argv, and prints the otpauth URI', async () => {
    const data = tempDir();
    const run = await attest(['--data', data, 'init', '--org', 'Acme Cloud', '--email', 'Owner@Acme.test'], {
      input: `${PASSWORD}\n`,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Created the organisation "Acme Cloud" \(slug acme-cloud\) with owner owner@acme\.test/);
    assert.match(run.stdout, /otpauth:\/\/totp\/Attest:owner%40acme\.test\?secret=[A-Z2-7]+/);
    assert.equal(statSync(join(data, 'master.key')).mode & 0o777, 0o600);

    const file = join(data, 'pw');
    writeFileSync(file, `${PASSWORD}\n`);
    const second = await attest([
      '--data',
      data,
      'init',
      '--org',
      'Acme Labs',
      '--email',
      'owner@acme.test',
      '--password-file',
      file,
    ]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /\(slug acme-labs\) with owner owner@acme\.test \(existing account\)/);
  });

  it('refuses a weak password with a clear message and creates nothing', async () => {
    const data = tempDir();
    const run = await attest(['--data', data, 'init', '--org', 'Acme', '--email', 'a@acme.test'], {
      input: 'password1234\n',
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /common or breached/);
    const again = await attest(['--data', data, 'audit-export']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no organisation yet/);
  });

  it('demo creates the demo organisation; audit-export writes its log (and audits the export)', async () => {
    const data = tempDir();
    const demo = await attest(['--data', data, 'demo']);
    assert.equal(demo.code, 0, demo.stderr);
    assert.match(demo.stdout, /email: {4}alex\.morgan@northwind\.demo/);
    assert.match(demo.stdout, /password: demo-\S{16}/);
    const out = join(data, 'audit.csv');
    const exported = await attest(['--data', data, 'audit-export', '--out', out]);
    assert.equal(exported.code, 0, exported.stderr);
    const csv = readFileSync(out, 'utf8').trim().split('\r\n');
    assert.equal(csv[0], 'at,actor,action,targetType,targetId,ip,userAgent,requestId,details');
    assert.ok(csv.length > 20, 'the demo has weeks of activity');
    assert.equal(statSync(out).mode & 0o777, 0o600);
    const twice = await attest(['--data', data, 'audit-export', '--org', 'demo']);
    assert.match(twice.stdout, /attest-cli,audit\.exported/);
    const coverage = await attest(['--data', data, 'coverage']);
    assert.equal(coverage.code, 0, coverage.stderr);
    assert.match(coverage.stdout, /^000 §1\.1 +ACC-\d\d \((passing|failing|attention|not implemented)\)/m);
    assert.match(coverage.stdout, /\nuncovered: 0\n$/);
    const unknown = await attest(['--data', data, 'audit-export', '--org', 'nope']);
    assert.match(unknown.stderr, /There is no organisation "nope"\. Known: demo\./);
  });

  it('runs admin commands inside a running server, and whoami with an API token', async () => {
    const data = tempDir();
    let serving: Serving | undefined;
    try {
      serving = await serve(loadConfig({ dataDir: data, port: 0, logLevel: 'silent', jobs: false }, {}));
      const init = await attest(['--data', data, 'init', '--org', 'Live Co', '--email', 'live@live.test'], {
        input: `${PASSWORD}\n`,
      });
      assert.equal(init.code, 0, init.stderr);
      assert.match(init.stdout, /Created the organisation "Live Co"/);
      const second = await attest(['--data', data, 'serve', '--port', '0']);
      assert.equal(second.code, 1);
      assert.match(second.stderr, /data directory is in use/);

      // The owner signs in over HTTP (password, then the authenticator app init set up) and
      // creates an API token; the CLI then acts with it against the running server.
      const secret = /secret=([A-Z2-7]+)/.exec(init.stdout)?.[1] ?? '';
      const token = await createTokenOverHttp(serving.url, 'live@live.test', secret);
      const whoami = await attest(['whoami', '--url', serving.url], { env: { ATTEST_TOKEN: token } });
      assert.equal(whoami.code, 0, whoami.stderr);
      assert.equal(whoami.stdout.trim(), 'live@live.test in Live Co (live-co) as owner');
      const noToken = await attest(['whoami', '--url', serving.url]);
      assert.match(noToken.stderr, /--token or ATTEST_TOKEN/);
      const bad = await attest(['whoami'], { env: { ATTEST_URL: serving.url, ATTEST_TOKEN: 'atst_nope' } });
      assert.match(bad.stderr, /answered 401/);
    } finally {
      await serving?.close();
    }
  });

  it('works on PostgreSQL with DATABASE_URL, with the same migrations', {
    skip: !process.env.TEST_DATABASE_URL,
  }, async () => {
    const { database, url, drop } = await createTestDatabase('postgres');
    await database.close();
    try {
      const env = { DATABASE_URL: url ?? '', ATTEST_DATA: tempDir() };
      const migrate = await attest(['migrate'], { env });
      assert.equal(migrate.code, 0, migrate.stderr);
      assert.match(migrate.stdout, /up to date/);
      const init = await attest(['init', '--org', 'Pg Co', '--email', 'pg@pg.test'], { env, input: `${PASSWORD}\n` });
      assert.equal(init.code, 0, init.stderr);
      assert.match(init.stdout, /\(slug pg-co\)/);
    } finally {
      await drop();
    }
  });
});
