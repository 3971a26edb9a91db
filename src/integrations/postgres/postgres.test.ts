import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import pg from 'pg';
import type { DatabaseData } from '../types.js';
import { probePostgres, redactPostgresUrl, settingEnabled } from './index.js';

const databaseUrl = process.env.TEST_DATABASE_URL;

/** A port nothing listens on: bind one on 127.0.0.1, then let it go. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What the server says, asked directly: the values the probe must report. */
async function serverSettings(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const settings: Record<string, string> = {};
    for (const name of [
      'server_version',
      'ssl',
      'password_encryption',
      'log_connections',
      'log_disconnections',
      'log_statement',
    ]) {
      const result = await client.query<Record<string, string>>(`SHOW ${name}`);
      settings[name] = result.rows[0]?.[name] ?? '';
    }
    const ssl = await client.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    settings.encrypted = String(ssl.rows[0]?.ssl);
    return settings;
  } finally {
    await client.end();
  }
}

describe('probePostgres against a live server', { skip: databaseUrl ? false : 'TEST_DATABASE_URL is not set' }, () => {
  const url = databaseUrl ?? '';

  test('reports the settings the server reports, in one database record', async () => {
    const [push, expected] = await Promise.all([probePostgres(url), serverSettings(url)]);
    const parsed = new URL(url);
    const port = Number(parsed.port || 5432);
    const database = parsed.pathname.slice(1);
    assert.equal(push.format, 'PostgreSQL probe');
    assert.deepEqual(push.warnings, []);
    assert.equal(push.scopes.length, 1);
    const [scope] = push.scopes;
    assert.equal(scope?.scope, `postgres:${parsed.hostname}:${port}`);
    assert.equal(scope?.records.length, 1);
    const record = scope?.records[0];
    assert.equal(record?.type, 'database');
    assert.equal(record?.externalId, `${parsed.hostname}:${port}/${database}`);
    assert.deepEqual(record?.data, {
      host: parsed.hostname,
      port,
      error: null,
      version: expected.server_version ?? null,
      ssl: expected.ssl === 'on',
      connectionEncrypted: expected.encrypted === 'true',
      passwordEncryption: expected.password_encryption ?? null,
      logConnections: expected.log_connections === 'on',
      logDisconnections: expected.log_disconnections === 'on',
      logStatement: expected.log_statement ?? null,
    } satisfies DatabaseData);
  });

  test('keeps credentials out of the record', async () => {
    const parsed = new URL(url);
    parsed.password = 'not-a-real-secret-1';
    const push = await probePostgres(parsed.toString());
    const text = JSON.stringify(push);
    assert.ok(!text.includes('not-a-real-secret-1'), text);
    assert.ok(!text.includes('@'), `no user@host anywhere: ${text}`);
    assert.deepEqual(Object.keys(push.scopes[0]?.records[0]?.data ?? {}).sort(), [
      'connectionEncrypted',
      'error',
      'host',
      'logConnections',
      'logDisconnections',
      'logStatement',
      'passwordEncryption',
      'port',
      'ssl',
      'version',
    ]);
  });

  test('names a login failure without quoting the password', async () => {
    const parsed = new URL(url);
    parsed.username = 'attest_no_such_role';
    parsed.password = 'hunter2-secret';
    const push = await probePostgres(parsed.toString());
    const data = push.scopes[0]?.records[0]?.data as DatabaseData;
    assert.match(data.error ?? '', /attest_no_such_role/);
    assert.ok(!JSON.stringify(push).includes('hunter2-secret'), data.error ?? '');
    assert.equal(data.version, null);
  });
});

describe('probePostgres without a server', () => {
  test('returns a record with an error for a refused port, without the password', async () => {
    const port = await closedPort();
    const push = await probePostgres(`postgres://probe:hunter2-secret@127.0.0.1:${port}/app`, { timeoutMs: 2_000 });
    const record = push.scopes[0]?.records[0];
    assert.equal(push.scopes[0]?.scope, `postgres:127.0.0.1:${port}`);
    assert.equal(record?.externalId, `127.0.0.1:${port}/app`);
    const data = record?.data as DatabaseData;
    assert.equal(data.error, `Could not connect to 127.0.0.1:${port}/app: the connection was refused.`);
    assert.equal(data.version, null);
    assert.equal(data.ssl, null);
    assert.equal(data.connectionEncrypted, null);
    assert.ok(!JSON.stringify(push).includes('hunter2-secret'), data.error ?? '');
  });

  test('throws a message without the URL when the URL cannot be read', async () => {
    await assert.rejects(probePostgres('postgres://probe:hunter2-secret@[bad/app'), (error: Error) => {
      assert.ok(!error.message.includes('hunter2-secret'), error.message);
      return true;
    });
  });
});

describe('settingEnabled', () => {
  test('reads on/off and the PostgreSQL 18 log_connections lists', () => {
    assert.equal(settingEnabled('on'), true);
    assert.equal(settingEnabled('off'), false);
    assert.equal(settingEnabled(''), false);
    assert.equal(settingEnabled('receipt,authentication'), true);
    assert.equal(settingEnabled(null), null);
  });
});

describe('redactPostgresUrl', () => {
  test('hides the password and keeps the rest', () => {
    assert.equal(
      redactPostgresUrl('postgres://app:s3cret@db.internal:5432/prod'),
      'postgres://app:***@db.internal:5432/prod',
    );
    assert.equal(redactPostgresUrl('postgres://app@db.internal/prod'), 'postgres://app@db.internal/prod');
  });
});
