import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { FsBlobStore } from '../src/blobs/fs-store.js';
import { ManualClock, systemClock } from '../src/clock.js';
import type { Config } from '../src/config.js';
import type { AppContext } from '../src/context.js';
import { Keyring } from '../src/crypto/keyring.js';
import { MasterKey } from '../src/crypto/master-key.js';
import { openDatabase } from '../src/db/connect.js';
import { addEvidence, type CrashPoint } from '../src/modules/evidence/upload.js';
import type { Runtime } from '../src/runtime.js';
import type { TestApp } from './helpers/app.js';
import { bundleScript } from './helpers/bundle.js';

// The child imports only what an upload needs (above), so it starts fast. The parent's helpers
// (runtime, factories, sweep) are imported by computed URL, which the child's bundle leaves out.
const load = (path: string) => import(new URL(path, import.meta.url).href);
const parent = async () => ({
  ...((await load('../src/config.js')) as typeof import('../src/config.js')),
  ...((await load('../src/runtime.js')) as typeof import('../src/runtime.js')),
  ...((await load('../src/modules/evidence/sweep.js')) as typeof import('../src/modules/evidence/sweep.js')),
  ...((await load('../src/modules/evidence/erase.js')) as typeof import('../src/modules/evidence/erase.js')),
  ...((await load('./helpers/db.js')) as typeof import('./helpers/db.js')),
  ...((await load('./helpers/factories.js')) as typeof import('./helpers/factories.js')),
});

/**
 * A process uploading evidence is killed (SIGKILL) at random moments and at named points of the
 * upload path (ATTEST_TEST_CRASH_AT); afterwards, once the sweep has run, every evidence row has
 * a blob that decrypts to its SHA-256, no blob is left without a row, nothing is partial, and
 * the ledger leaf and audit row exist exactly when the evidence row does.
 *
 * The child is this same file run with EVIDENCE_CRASH_CHILD set: it opens only what an upload
 * needs (database, keyring, blob store) and uploads small files in a loop, printing each one.
 */

interface ChildEnv {
  EVIDENCE_CRASH_CHILD: '1';
  DB_URL: string;
  MASTER_KEY: string;
  BLOB_DIR: string;
  ORG_ID: string;
  USER_ID: string;
  USER_EMAIL: string;
}

async function child(): Promise<void> {
  const env = process.env as unknown as ChildEnv;
  const database = await openDatabase({ url: env.DB_URL });
  const keys = MasterKey.fromBase64(env.MASTER_KEY);
  const ctx: AppContext = {
    config: { maxUploadBytes: 1024 * 1024 } as Config,
    database,
    clock: systemClock,
    keys,
    keyring: await Keyring.open(database, keys, new Date()),
    blobs: new FsBlobStore(env.BLOB_DIR),
    mailer: null as never,
    log: pino({ level: 'silent' }),
  };
  const actor = {
    userId: env.USER_ID,
    email: env.USER_EMAIL,
    orgId: env.ORG_ID,
    role: 'admin' as const,
    stage: 'full' as const,
    via: 'session' as const,
  };
  process.stdout.write('ready\n');
  for (let i = 0; ; i++) {
    // 160 KiB in 16 KiB chunks, a turn of the event loop between them: the kill can land mid-file.
    async function* chunks() {
      for (let c = 0; c < 10; c++) {
        await new Promise((resolve) => setImmediate(resolve));
        yield randomBytes(16 * 1024);
      }
    }
    const item = await addEvidence(
      ctx,
      actor,
      { controlId: 'GOV-01', note: `run ${i}` },
      { name: `crash-${i}.bin`, stream: Readable.from(chunks()) },
      { ip: null, userAgent: 'crash-test', requestId: null },
    );
    process.stdout.write(`added ${item.id}\n`);
  }
}

interface World {
  rt: Runtime;
  orgId: string;
  env: ChildEnv;
  blobDir: string;
  childArgs: string[];
  drop(): Promise<void>;
}

async function setUp(): Promise<World> {
  const { createTestDatabase, loadConfig, openRuntime, makeOrg } = await parent();
  const { database, url, drop } = await createTestDatabase('postgres');
  const masterKey = randomBytes(32).toString('base64');
  const blobDir = mkdtempSync(join(tmpdir(), 'attest-crash-'));
  const clock = new ManualClock(new Date());
  const rt = await openRuntime(loadConfig({ dataDir: blobDir, logLevel: 'silent', jobs: false, masterKey }, {}), {
    database,
    clock,
    blobs: new FsBlobStore(blobDir),
    log: pino({ level: 'silent' }),
  });
  const org = await makeOrg({ rt, clock } as unknown as TestApp, 'crash');
  const admin = org.users.admin;
  return {
    rt,
    orgId: org.id,
    blobDir,
    childArgs: await bundleChild(),
    env: {
      EVIDENCE_CRASH_CHILD: '1',
      DB_URL: url ?? '',
      MASTER_KEY: masterKey,
      BLOB_DIR: blobDir,
      ORG_ID: org.id,
      USER_ID: admin.id,
      USER_EMAIL: admin.email,
    },
    drop: async () => {
      await drop();
      rmSync(blobDir, { recursive: true, force: true });
      childBundle?.remove();
    },
  };
}

const SELF = new URL(import.meta.url).pathname;

/** The child's code bundled once, so each of the many children starts in a fraction of the time tsx takes. */
let childBundle: { path: string; remove(): void } | null = null;
async function bundleChild(): Promise<string[]> {
  childBundle ??= await bundleScript(SELF, 'crash');
  return [childBundle.path];
}

/** Starts the uploading child; resolves with it once it is ready to upload. */
function startChild(
  w: World,
  crashAt?: CrashPoint,
): Promise<{ proc: ChildProcess; exited: Promise<NodeJS.Signals | null> }> {
  const proc = spawn(process.execPath, w.childArgs, {
    env: { ...process.env, ...w.env, ...(crashAt ? { ATTEST_TEST_CRASH_AT: crashAt } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready\n')) {
        proc.stdout?.off('data', onData);
        proc.stdout?.resume();
        resolve({ proc, exited });
      }
    };
    proc.stdout?.on('data', onData);
    proc.on('exit', (code, signal) => {
      if (!out.includes('ready\n')) reject(new Error(`the child exited before it was ready (${code ?? signal})`));
    });
  });
}

async function state(w: World) {
  const q = async <T>(sql: string) => (await w.rt.database.query(sql, [w.orgId])).rows as T[];
  const evidence = await q<{ id: string; blob_key: string; sha256: string; size: string; ledger_index: number }>(
    'SELECT id, blob_key, sha256, size, ledger_index FROM evidence WHERE org_id = $1',
  );
  const leaves = await q<{ idx: number; ref_id: string }>(
    `SELECT idx, ref_id FROM ledger_leaves WHERE org_id = $1 AND kind = 'evidence' ORDER BY idx`,
  );
  const allLeaves = await q<{ idx: number }>('SELECT idx FROM ledger_leaves WHERE org_id = $1 ORDER BY idx');
  const audits = await q<{ target_id: string }>(
    `SELECT target_id FROM audit_log WHERE org_id = $1 AND action = 'evidence.added'`,
  );
  const blobs: string[] = [];
  for await (const b of w.rt.blobs.list('org/')) blobs.push(b.key);
  return { evidence, leaves, allLeaves, audits, blobs: blobs.sort() };
}

/** Everything the crash rule promises, after the sweep has run. */
async function assertWholeOrNothing(w: World): Promise<number> {
  const { sweepEvidenceBlobs, openEvidenceBlob } = await parent();
  const swept = await sweepEvidenceBlobs(w.rt, new Date(Date.now() + 60_000));
  const s = await state(w);
  const ids = s.evidence.map((e) => e.id).sort();
  assert.deepEqual(s.blobs, s.evidence.map((e) => e.blob_key).sort(), 'a blob exists exactly for each row');
  assert.deepEqual(s.leaves.map((l) => l.ref_id).sort(), ids, 'a ledger leaf exists exactly for each row');
  assert.deepEqual(s.audits.map((a) => a.target_id).sort(), ids, 'an audit row exists exactly for each row');
  assert.deepEqual(
    s.allLeaves.map((l) => l.idx),
    s.allLeaves.map((_l, i) => i),
    'the ledger has no gaps',
  );
  for (const e of s.evidence) {
    const leaf = s.leaves.find((l) => l.ref_id === e.id);
    assert.equal(leaf?.idx, e.ledger_index, 'the row names its leaf');
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of await openEvidenceBlob(w.rt, w.orgId, e, w.rt.log)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    assert.equal(hash.digest('hex'), e.sha256, `${e.id}: the blob decrypts to the row's SHA-256`);
    assert.equal(size, Number(e.size));
  }
  assert.deepEqual(readdirSync(join(w.blobDir, '.tmp')).length, 0, 'no temporary file is left');
  return swept.orphans;
}

const skip = !process.env.TEST_DATABASE_URL;

if (process.env.EVIDENCE_CRASH_CHILD) {
  await child();
} else {
  describe('an upload killed at any point leaves the whole evidence or none of it (postgres)', { skip }, () => {
    let w: World;
    after(async () => {
      await w?.rt.close();
      await w?.drop();
    });

    it('holds at the named crash points', async () => {
      w = await setUp();
      const expected: Record<CrashPoint, { rows: number; orphan: boolean }> = {
        'after-blob': { rows: 0, orphan: true },
        'before-commit': { rows: 0, orphan: true },
        'after-commit': { rows: 1, orphan: false },
      };
      for (const [point, want] of Object.entries(expected) as [CrashPoint, { rows: number; orphan: boolean }][]) {
        const before = (await state(w)).evidence.length;
        const { exited } = await startChild(w, point);
        assert.equal(await exited, 'SIGKILL', `${point}: the child killed itself there`);
        const s = await state(w);
        assert.equal(s.evidence.length - before, want.rows, `${point}: rows written`);
        assert.equal(s.blobs.length - s.evidence.length, want.orphan ? 1 : 0, `${point}: blobs without a row`);
        const orphans = await assertWholeOrNothing(w);
        assert.equal(orphans, want.orphan ? 1 : 0, `${point}: the sweep deleted the orphan`);
      }
    });

    it('holds when killed at 60 random moments', async () => {
      w ??= await setUp();
      let completed = 0;
      let orphans = 0;
      const runs = 60;
      for (let run = 0; run < runs; run++) {
        const { proc, exited } = await startChild(w);
        let added = 0;
        proc.stdout?.on('data', (c: Buffer) => {
          added += (c.toString().match(/added /g) ?? []).length;
        });
        // Anywhere from before the first byte to a few uploads in.
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 60)));
        proc.kill('SIGKILL');
        assert.equal(await exited, 'SIGKILL');
        completed += added;
        if (run % 10 === 9 || run === runs - 1) orphans += await assertWholeOrNothing(w);
      }
      // The kills landed both between uploads and inside them.
      const rows = (await state(w)).evidence.length;
      assert.ok(rows >= completed, `every acknowledged upload is kept (${rows} rows, ${completed} acknowledged)`);
      assert.ok(rows > 0, 'some uploads committed');
      assert.ok(orphans > 0, 'some kills left a blob without a row, which the sweep removed');
    });
  });
}
