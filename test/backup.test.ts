import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { backupCommand, recordVerifyCommand, restoreCommand } from '../src/backup/cli.js';
import { BLOB_REFERENCES } from '../src/backup/dump.js';
import { refreshAllBackupRecords } from '../src/backup/inventory.js';
import { verifyBackup } from '../src/backup/verify.js';
import { FsBlobStore } from '../src/blobs/store.js';
import { ManualClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import type { MasterKey } from '../src/crypto/master-key.js';
import { type Database, openDatabase } from '../src/db/connect.js';
import { withScope } from '../src/db/tenancy.js';
import { makeCheckpoint } from '../src/ledger/service.js';
import { openRuntime } from '../src/runtime.js';
import { buildServer } from '../src/server/app.js';
import { serve } from '../src/server/serve.js';
import { type Client, startTestApp, type TestApp } from './helpers/app.js';
import { rows } from './helpers/assertions.js';
import { ENGINES, type Engine } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg } from './helpers/factories.js';
import { multipart } from './helpers/multipart.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'attest-backup-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const HOUR = 3_600_000;

/** An empty database on the test PostgreSQL server (what `attest restore --database-url` expects), dropped by `drop`. */
async function emptyPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = await openDatabase({ url: process.env.TEST_DATABASE_URL as string });
  const name = `attest_restore_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin.exec(`CREATE DATABASE ${name}`);
  const url = new URL(process.env.TEST_DATABASE_URL as string);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    },
  };
}

/** Rows per table of the public schema, as the owning role. */
async function tableCounts(database: Database): Promise<Record<string, number>> {
  const { rows: tables } = await database.query(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables as { name: string }[]) {
    counts[name] = Number((await database.query(`SELECT count(*) AS n FROM "${name}"`)).rows[0]?.n);
  }
  return counts;
}

interface Seeded {
  org: TestOrg;
  files: { id: string; data: Buffer }[];
  erased: string;
}

/** An organisation with evidence (one file over several cipher chunks), one erased file, and a signed checkpoint. */
async function seed(t: TestApp, label: string): Promise<Seeded> {
  const org = await makeOrg(t, label);
  const owner = await signIn(t, org.users.owner);
  const [control] = await rows<{ id: string }>(t, `SELECT id FROM controls WHERE org_id = $1 AND key = 'BCP-02'`, [
    org.id,
  ]);
  assert.ok(control);
  const upload = async (name: string, data: Buffer) => {
    const { body, headers } = multipart({ controlId: control.id }, { name, data });
    const res = await owner.request('POST', '/api/v1/evidence', body, headers);
    assert.equal(res.statusCode, 201, res.body);
    return { id: (res.json() as { id: string }).id, data };
  };
  const files = [
    await upload('backup-config.txt', Buffer.from('daily at 02:00, kept 35 days\n')),
    await upload('restore-log.bin', randomBytes(200_000)),
  ];
  const gone = await upload('personal.txt', Buffer.from('erase me'));
  const erased = await owner.request('DELETE', `/api/v1/evidence/${gone.id}`, { reason: 'Holds personal data' });
  assert.equal(erased.statusCode, 200, erased.body);
  await withScope(t.rt.database, { orgId: org.id }, (tx) =>
    makeCheckpoint(tx, org.id, t.clock.now(), { keyring: t.rt.keyring }),
  );
  return { org, files, erased: gone.id };
}

/** A server on a restored instance, with the same master key, to sign in and download from. */
async function openRestored(
  engine: Engine,
  where: { dataDir?: string; url?: string },
  keys: MasterKey,
  blobs: FsBlobStore,
) {
  const clock = new ManualClock(new Date('2026-03-03T09:00:00Z'));
  const config = loadConfig(
    { dataDir: where.dataDir ?? '/nonexistent-attest-test', databaseUrl: where.url, logLevel: 'silent', jobs: false },
    {},
  );
  const rt = await openRuntime(config, { clock, keys, blobs, log: pino({ level: 'silent' }) });
  const app = await buildServer(rt);
  await app.ready();
  const t = { engine, rt, app, clock, close: async () => undefined } as TestApp;
  return {
    t,
    close: async () => {
      await app.close();
      await rt.close();
    },
  };
}

const download = (client: Client, id: string): Promise<LightMyRequestResponse> =>
  client.get(`/api/v1/evidence/${id}/download`);

for (const engine of ENGINES) {
  describe(`backup and verified restore (${engine})`, () => {
    it('backs up, wipes, restores and verifies: every row, evidence download and ledger comes back', async () => {
      const t = await startTestApp(engine);
      const keys = t.rt.keys;
      const out = join(tempDir(), 'attest.backup');
      let before: Record<string, number>;
      let seeded: Seeded;
      try {
        seeded = await seed(t, 'roundtrip');
        before = await tableCounts(t.rt.database);
        const lines = await backupCommand(t.rt, { out });
        assert.match(lines[0] ?? '', /^Backed up 1 organisation\(s\), \d+ tables, \d+ rows, 2 files/);
      } finally {
        await t.close(); // the wipe: the database is dropped and the blob folder removed
      }
      assert.equal(statSync(out).mode & 0o777, 0o600);
      const bytes = readFileSync(out);
      assert.equal(bytes.subarray(0, 8).toString('latin1'), 'ATTESTBK');
      assert.equal(bytes.indexOf(seeded.files[0]?.data.subarray(0, 20) as Buffer), -1, 'no plaintext in the file');
      assert.equal(bytes.indexOf(Buffer.from(seeded.org.users.owner.email)), -1, 'no row text in the file');

      const blobs = new FsBlobStore(join(tempDir(), 'blobs'));
      const pg = engine === 'postgres' ? await emptyPostgres() : null;
      const dataDir = join(tempDir(), 'restored');
      try {
        const config = loadConfig({ dataDir, databaseUrl: pg?.url, masterKey: undefined }, {});
        const keyFile = join(tempDir(), 'master.key');
        writeFileSync(keyFile, `${Buffer.from(keyBytes(keys)).toString('base64')}\n`, { mode: 0o600 });
        const restored = await restoreCommand(config, out, { keyFile, blobs });
        assert.match(restored[0] ?? '', /^Restored backup [0-9a-f-]{36} of .* \d+ tables, \d+ rows, 2 files/);

        const database = await openDatabase(pg ? { url: pg.url } : { dataDir });
        const after = await tableCounts(database);
        await database.close();
        // The backup's own run (and what recording it changed) came after its snapshot.
        assert.deepEqual(after, before);

        const server = await openRestored(engine, pg ? { url: pg.url } : { dataDir }, keys, blobs);
        try {
          const owner = await signIn(server.t, seeded.org.users.owner);
          for (const file of seeded.files) {
            const res = await download(owner, file.id);
            assert.equal(res.statusCode, 200, res.body);
            assert.equal(sha(res.rawPayload), sha(file.data), 'the restored file decrypts to what was uploaded');
          }
          assert.equal((await download(owner, seeded.erased)).statusCode, 410, 'erased evidence stays erased');
        } finally {
          await server.close();
        }

        const report = await verifyBackup(out, keys, () => new Date());
        assert.ok(report.ok, report.lines.join('\n'));
        assert.match(report.lines.join('\n'), /^ok {4}evidence: all 2 files decrypt/m);
        assert.match(
          report.lines.join('\n'),
          new RegExp(`^ok {4}ledger of ${seeded.org.slug}: \\d+ entries recompute`, 'm'),
        );
        assert.match(report.lines.at(-1) ?? '', /^Verified: the backup restores completely/);
      } finally {
        await pg?.drop();
      }
    });

    it('refuses a flipped byte, a truncated file, a wrong master key and a target that is not empty', async () => {
      const t = await startTestApp(engine);
      const dir = tempDir();
      const out = join(dir, 'attest.backup');
      const keys = t.rt.keys;
      const keyFile = join(dir, 'master.key');
      writeFileSync(keyFile, `${Buffer.from(keyBytes(keys)).toString('base64')}\n`, { mode: 0o600 });
      try {
        await seed(t, 'refusals');
        await backupCommand(t.rt, { out });
        const good = readFileSync(out);
        const variant = (name: string, bytes: Buffer) => {
          const path = join(dir, name);
          writeFileSync(path, bytes);
          return path;
        };
        const flipped = Buffer.from(good);
        flipped[Math.floor(good.length / 2)] = (flipped[Math.floor(good.length / 2)] as number) ^ 0x01;
        const headerFlipped = Buffer.from(good);
        headerFlipped[40] = (headerFlipped[40] as number) ^ 0x20;
        const cases: [string, string, RegExp][] = [
          ['flipped byte', variant('flipped.backup', flipped), /is corrupted at chunk \d+ .*nothing was written/],
          ['changed header', variant('header.backup', headerFlipped), /is corrupted: its header does not match/],
          [
            'truncated file',
            variant('cut.backup', good.subarray(0, good.length - 1000)),
            /is truncated: it has \d+ of its \d+ bytes/,
          ],
          [
            'longer file',
            variant('long.backup', Buffer.concat([good, Buffer.from('x')])),
            /is corrupted: it has 1 byte\(s\) more/,
          ],
          [
            'not a backup',
            variant('other.backup', Buffer.from('PK\u0003\u0004 a zip file')),
            /is not an Attest backup/,
          ],
        ];
        for (const [what, path, message] of cases) {
          const target = join(dir, `target-${what.replaceAll(' ', '-')}`);
          const config = loadConfig({ dataDir: target }, {});
          await assert.rejects(restoreCommand(config, path, { keyFile }), message, what);
          assert.ok(!existsSync(target) || readdirSync(target).length === 0, `${what}: nothing written`);
          const report = await verifyBackup(path, keys, () => new Date());
          assert.equal(report.ok, false, what);
          assert.match(report.lines[0] ?? '', /^FAIL {2}/, what);
        }

        const otherKey = join(dir, 'other.key');
        writeFileSync(otherKey, `${randomBytes(32).toString('base64')}\n`);
        await assert.rejects(
          restoreCommand(loadConfig({ dataDir: join(dir, 'target-key') }, {}), out, { keyFile: otherKey }),
          /was made with a different master key/,
        );
        assert.deepEqual(
          readdirSync(dir).filter((f) => f === 'target-key'),
          [],
        );

        const busy = join(dir, 'busy');
        mkdirSync(busy);
        writeFileSync(join(busy, 'notes.txt'), 'something');
        await assert.rejects(
          restoreCommand(loadConfig({ dataDir: busy }, {}), out, { keyFile }),
          /The data directory .* is not empty \(notes\.txt\)/,
        );
        assert.deepEqual(readdirSync(busy), ['notes.txt']);

        if (engine === 'postgres') {
          const pg = await emptyPostgres();
          try {
            const used = await openDatabase({ url: pg.url });
            await used.exec('CREATE TABLE leftover (id int)');
            await used.close();
            await assert.rejects(
              restoreCommand(loadConfig({ dataDir: join(dir, 'pg-blobs'), databaseUrl: pg.url }, {}), out, {
                keyFile,
                blobs: new FsBlobStore(join(dir, 'pg-blobs')),
              }),
              /already has tables in its public schema/,
            );
          } finally {
            await pg.drop();
          }
        }
      } finally {
        await t.close();
      }
    });

    it('records backups and verifications in every organisation, and judges them as time passes', async () => {
      const t = await startTestApp(engine);
      try {
        const a = await makeOrg(t, 'records-a');
        const b = await makeOrg(t, 'records-b');
        const result = (orgId: string, checkId: string) =>
          rows<{ outcome: string; reason: string }>(
            t,
            `SELECT outcome, reason FROM check_results WHERE org_id = $1 AND check_id = $2 AND superseded_at IS NULL`,
            [orgId, checkId],
          ).then((r) => r[0]);

        await assert.rejects(
          backupCommand(t.rt, { out: join(tempDir(), 'missing', 'x.backup') }),
          /Cannot write the backup/,
        );
        t.clock.advance(HOUR);
        const out = join(tempDir(), 'nightly.backup');
        await backupCommand(t.rt, { out });
        for (const org of [a, b]) {
          const recent = await result(org.id, 'attest.backup.recent');
          assert.equal(recent?.outcome, 'pass', recent?.reason);
          assert.match(recent?.reason ?? '', /^Attest's own data was last backed up at 2026-03-02 10:00 UTC/);
          const tested = await result(org.id, 'backup.restore_tested');
          assert.equal(tested?.outcome, 'not_applicable', tested?.reason);
        }
        const [run] = await rows<{ file_name: string; ok: boolean; bytes: string }>(
          t,
          `SELECT file_name, ok, bytes FROM backup_runs WHERE kind = 'backup' AND ok`,
        );
        assert.equal(run?.file_name, 'nightly.backup');
        assert.equal(Number(run?.bytes), statSync(out).size);
        const audit = await rows<{ action: string }>(
          t,
          `SELECT action FROM system_audit_log WHERE action LIKE 'backup.%' ORDER BY id`,
        );
        assert.deepEqual(
          audit.map((r) => r.action),
          ['backup.failed', 'backup.created'],
        );

        const report = await verifyBackup(out, t.rt.keys, () => t.clock.now());
        assert.ok(report.ok, report.lines.join('\n'));
        const verified = {
          backupId: report.backupId,
          ok: true,
          startedAt: t.clock.now().toISOString(),
          finishedAt: t.clock.now().toISOString(),
          bytes: report.bytes,
          file: out,
          message: report.lines.at(-1) ?? '',
        };
        await recordVerifyCommand(t.rt, verified);
        await assert.rejects(
          recordVerifyCommand(t.rt, { ...verified, backupId: '7b0c3e3e-7f3a-4d59-9a49-1f0f4ba1c8d2' }),
          /was not made by this instance/,
        );
        await assert.rejects(recordVerifyCommand(t.rt, { ...verified, ok: 'yes' }));
        assert.equal((await result(b.id, 'backup.restore_tested'))?.outcome, 'pass');

        // A day and six hours later, with no new backup: overdue (the hourly job re-judges).
        t.clock.advance(30 * HOUR);
        await refreshAllBackupRecords(t.rt.database, t.clock.now(), true);
        const late = await result(a.id, 'attest.backup.recent');
        assert.equal(late?.outcome, 'fail', late?.reason);
        assert.match(late?.reason ?? '', /more than 26 hours ago/);
        assert.equal((await result(a.id, 'backup.restore_tested'))?.outcome, 'pass');

        // A failed verification after the last success fails the restore test at once.
        const later = t.clock.now().toISOString();
        await recordVerifyCommand(t.rt, {
          ...verified,
          ok: false,
          startedAt: later,
          finishedAt: later,
          message: 'evidence: 1 file does not decrypt',
        });
        const failed = await result(a.id, 'backup.restore_tested');
        assert.equal(failed?.outcome, 'fail');
        assert.match(failed?.reason ?? '', /failed \(the last successful one was on 2026-03-02\): evidence: 1 file/);
      } finally {
        await t.close();
      }
    });
  });
}

describe('what a backup holds', () => {
  it('knows every table column that refers to a blob', async () => {
    const t = await startTestApp('pglite');
    try {
      const found = await rows<{ table_name: string }>(
        t,
        `SELECT table_name FROM information_schema.columns
          WHERE table_schema = 'public' AND column_name IN ('blob_key', 'storage_key', 'object_key') ORDER BY table_name`,
      );
      assert.deepEqual(
        found.map((r) => r.table_name),
        Object.keys(BLOB_REFERENCES).sort(),
        'a table holding blob keys must be listed in BLOB_REFERENCES (src/backup/dump.ts)',
      );
    } finally {
      await t.close();
    }
  });
});

/** The raw master key, to write a key file (tests only: MasterKey keeps it private). */
function keyBytes(keys: MasterKey): Buffer {
  return (keys as unknown as { key: Buffer }).key;
}

/** The `attest` command on real data directories. */
const BIN = new URL('../bin/attest.js', import.meta.url).pathname;

function attest(args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { ...process.env, DATABASE_URL: '', ATTEST_DATA: '', ATTEST_MASTER_KEY: '', LOG_LEVEL: 'warn' },
        timeout: 240_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

describe('the attest backup and restore commands', () => {
  it('backs up a data directory, restores it elsewhere, and verifies it where the instance is', async () => {
    const source = tempDir();
    const init = await attest(
      ['--data', source, 'init', '--org', 'Backup Co', '--email', 'owner@backup.test'],
      'amber-lattice-wombat-31\n',
    );
    assert.equal(init.code, 0, init.stderr);
    const out = join(tempDir(), 'cli.backup');
    const backup = await attest(['--data', source, 'backup', '--out', out]);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /^Backed up 1 organisation\(s\)/);

    const target = join(tempDir(), 'copy');
    const refused = await attest(['restore', out, '--data', target]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Give the master key the backup was made with/);
    const restored = await attest(['restore', out, '--data', target, '--key-file', join(source, 'master.key')]);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /Wrote the master key to .*master\.key/);
    assert.equal(readFileSync(join(target, 'master.key'), 'utf8'), readFileSync(join(source, 'master.key'), 'utf8'));
    const again = await attest(['restore', out, '--data', target]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /is not empty/);

    // The restored copy starts and holds the organisation.
    const coverage = await attest(['--data', target, 'coverage']);
    assert.equal(coverage.code, 0, coverage.stderr);
    assert.match(coverage.stdout, /^Seed coverage of Backup Co/);

    const verify = await attest(['--data', source, 'restore', '--verify', out]);
    assert.equal(verify.code, 0, verify.stderr + verify.stdout);
    assert.match(verify.stdout, /^ok {4}rows: all \d+ tables/m);
    assert.match(verify.stdout, /Verified: the backup restores completely/);
    assert.match(verify.stdout, /Recorded the successful verification in this instance\./);

    // While a server holds the data directory, both go through its admin socket.
    const serving = await serve(loadConfig({ dataDir: source, port: 0, logLevel: 'silent', jobs: false }, {}));
    try {
      const live = join(tempDir(), 'live.backup');
      const viaServer = await attest(['--data', source, 'backup', '--out', live]);
      assert.equal(viaServer.code, 0, viaServer.stderr);
      assert.match(viaServer.stdout, /^Backed up 1 organisation\(s\)/);
      const verifiedLive = await attest(['--data', source, 'restore', '--verify', live]);
      assert.equal(verifiedLive.code, 0, verifiedLive.stderr + verifiedLive.stdout);
      assert.match(verifiedLive.stdout, /Recorded the successful verification in this instance\./);
    } finally {
      await serving.close();
    }

    const bad = join(tempDir(), 'bad.backup');
    const bytes = readFileSync(out);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] as number) ^ 0xff;
    writeFileSync(bad, bytes);
    const failed = await attest(['--data', source, 'restore', '--verify', bad]);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /^FAIL {2}bad\.backup is corrupted at chunk \d+/m);
    assert.match(failed.stdout, /NOT verified: 1 check\(s\) failed\./);
  });
});
