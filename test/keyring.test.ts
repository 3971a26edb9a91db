import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { decryptBlob, encryptBlob } from '../src/crypto/blob-cipher.js';
import { Keyring } from '../src/crypto/keyring.js';
import { MasterKey } from '../src/crypto/master-key.js';
import { newId } from '../src/crypto/random.js';
import { sealWithKey } from '../src/crypto/seal.js';
import { openDatabase } from '../src/db/connect.js';
import { withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn } from './helpers/factories.js';

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const encrypt = (data: Buffer, key: Buffer, term: number, ctx: { orgId: string; objectId: string }) =>
  collect(Readable.from([data]).pipe(encryptBlob(key, term, ctx)));

const decryptWith = (keyring: Keyring, ciphertext: Buffer, ctx: { orgId: string; objectId: string }) =>
  collect(Readable.from([ciphertext]).pipe(decryptBlob((term) => keyring.dataKey(ctx.orgId, term), ctx)));

for (const engine of ENGINES) {
  describe(`the keyring (${engine})`, () => {
    it('creates the first key-encrypting term at start-up and a data key on first use, stored only wrapped', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'first');
        const before = await t.rt.keyring.status();
        assert.deepEqual(
          before.kekTerms.map((k) => [k.term, k.wraps]),
          [[1, 0]],
        );
        assert.deepEqual(before.organisations, []);
        const first = await t.rt.keyring.currentDataKey(org.id);
        assert.equal(first.term, 1);
        assert.equal(first.key.length, 32);
        assert.ok((await t.rt.keyring.currentDataKey(org.id)).key.equals(first.key), 'the same key next time');
        const { rows } = await t.rt.database.query(
          'SELECT term, kek_term, wrapped_key FROM org_data_keys WHERE org_id = $1',
          [org.id],
        );
        assert.equal(rows.length, 1);
        const wrapped = Buffer.from(rows[0]?.wrapped_key as Uint8Array);
        assert.equal(wrapped.length, 40);
        assert.ok(!wrapped.includes(first.key.subarray(0, 8)), 'only the wrapped key is stored');
        const status = await t.rt.keyring.status();
        assert.deepEqual(status.kekTerms[0]?.wraps, 1);
        assert.deepEqual(
          status.organisations.map((o) => [o.orgId, o.terms.map((x) => x.term)]),
          [[org.id, [1]]],
        );
        // The app role sees the organisation's keys only with that organisation set.
        const other = await makeOrg(t, 'other');
        await assert.rejects(t.rt.keyring.dataKey(other.id, 1), /has no data key of term 1/);
      });
    });

    it('ends with one data key when two processes create the first one at once', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'race');
        // A second keyring on the same database stands for a second process.
        const second = await Keyring.open(t.rt.database, t.rt.keys, t.clock.now());
        const third = await Keyring.open(t.rt.database, t.rt.keys, t.clock.now());
        const keys = await Promise.all([
          t.rt.keyring.currentDataKey(org.id),
          second.currentDataKey(org.id),
          t.rt.keyring.currentDataKey(org.id),
          third.currentDataKey(org.id),
        ]);
        for (const k of keys) {
          assert.equal(k.term, 1);
          assert.ok(k.key.equals(keys[0]?.key as Buffer), 'every caller got the stored key');
        }
        const { rows } = await t.rt.database.query('SELECT count(*)::int AS n FROM org_data_keys WHERE org_id = $1', [
          org.id,
        ]);
        assert.equal(rows[0]?.n, 1);
      });
    });

    it('rotates: old ciphertexts still decrypt, new ones use the new term, in this process and a new one', async () => {
      await withApp(engine, async (t) => {
        const a = await makeOrg(t, 'rot-a');
        const b = await makeOrg(t, 'rot-b');
        const old = await t.rt.keyring.currentDataKey(a.id);
        await t.rt.keyring.currentDataKey(b.id);
        const ctxOld = { orgId: a.id, objectId: newId() };
        const plainOld = randomBytes(100_000);
        const cipherOld = await encrypt(plainOld, old.key, old.term, ctxOld);

        const result = await t.rt.keyring.rotate(t.clock.now());
        const orgCount = Number((await t.rt.database.query('SELECT count(*)::int AS n FROM organizations')).rows[0]?.n);
        assert.deepEqual(result, { kekTerm: 2, organisations: orgCount, rewrapped: 2 });

        const current = await t.rt.keyring.currentDataKey(a.id);
        assert.equal(current.term, 2);
        assert.ok(!current.key.equals(old.key));
        const ctxNew = { orgId: a.id, objectId: newId() };
        const plainNew = randomBytes(70_000);
        const cipherNew = await encrypt(plainNew, current.key, current.term, ctxNew);

        const fresh = await Keyring.open(t.rt.database, t.rt.keys, t.clock.now());
        for (const keyring of [t.rt.keyring, fresh]) {
          assert.ok((await decryptWith(keyring, cipherOld, ctxOld)).equals(plainOld));
          assert.ok((await decryptWith(keyring, cipherNew, ctxNew)).equals(plainNew));
        }
        // Every data key is now wrapped by the newest key-encrypting term.
        const { rows } = await t.rt.database.query('SELECT DISTINCT kek_term FROM org_data_keys');
        assert.deepEqual(
          rows.map((r) => r.kek_term),
          [2],
        );
        const status = await t.rt.keyring.status();
        assert.deepEqual(
          status.kekTerms.map((k) => [k.term, k.wraps]),
          [
            [1, 0],
            [2, 2 + orgCount],
          ],
        );
        const ofA = status.organisations.find((o) => o.orgId === a.id);
        assert.deepEqual(
          ofA?.terms.map((x) => x.term),
          [1, 2],
        );
      });
    });

    it('keeps every object readable when a rotation happens in the middle of uploads', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'mid');
        // The organisation has its data key before the uploads start (created on first use
        // otherwise, which a rotation running at the same moment could precede).
        await t.rt.keyring.currentDataKey(org.id);
        const uploads: { ctx: { orgId: string; objectId: string }; plain: Buffer; cipher: Promise<Buffer> }[] = [];
        const start = () => {
          const ctx = { orgId: org.id, objectId: newId() };
          const plain = randomBytes(150_000);
          const cipher = (async () => {
            const key = await t.rt.keyring.currentDataKey(org.id);
            // The file arrives in pieces, while the rotation runs.
            const pieces = [plain.subarray(0, 50_000), plain.subarray(50_000, 100_000), plain.subarray(100_000)];
            const source = new Readable({ read() {} });
            const out = collect(source.pipe(encryptBlob(key.key, key.term, ctx)));
            for (const piece of pieces) {
              source.push(piece);
              await new Promise((r) => setImmediate(r));
            }
            source.push(null);
            return out;
          })();
          uploads.push({ ctx, plain, cipher });
        };
        for (let i = 0; i < 4; i++) start();
        const rotation = t.rt.keyring.rotate(t.clock.now());
        for (let i = 0; i < 4; i++) start();
        await rotation;
        for (let i = 0; i < 4; i++) start();
        await t.rt.keyring.rotate(t.clock.now());
        const terms = new Set<number>();
        const fresh = await Keyring.open(t.rt.database, t.rt.keys, t.clock.now());
        for (const u of uploads) {
          const cipher = await u.cipher;
          terms.add(cipher.readUInt32BE(5));
          assert.ok((await decryptWith(fresh, cipher, u.ctx)).equals(u.plain));
        }
        assert.ok(terms.has(1) && terms.has(2), `uploads before and after the rotation: terms ${[...terms]}`);
      });
    });

    it('refuses a wrong master key at open, with a message that says so', async () => {
      await withApp(engine, async (t) => {
        await assert.rejects(
          Keyring.open(t.rt.database, MasterKey.generate(), t.clock.now()),
          /The master key does not match this data/,
        );
        // Nothing was written: the right key still opens it.
        await Keyring.open(t.rt.database, t.rt.keys, t.clock.now());
        const { rows } = await t.rt.database.query('SELECT count(*)::int AS n FROM keyring_keks');
        assert.equal(rows[0]?.n, 1);
      });
    });

    it('seals new task files under the data key and still reads files sealed under the master key', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'files');
        const owner = await signIn(t, org.users.owner);
        const tasks = (await owner.get('/api/v1/tasks?status=open')).json().items as { id: string }[];
        const [fresh, legacy] = tasks;
        assert.ok(fresh && legacy);
        const plain = Buffer.from('new evidence sealed under the organisation data key');
        const up = await owner.request('PUT', `/api/v1/tasks/${fresh.id}/file?name=new.txt`, plain, {
          'content-type': 'application/octet-stream',
        });
        assert.equal(up.statusCode, 200, up.body);
        const stored = await t.rt.database.query('SELECT key_term FROM task_files WHERE task_id = $1', [fresh.id]);
        assert.equal(stored.rows[0]?.key_term, 1);
        assert.ok((await owner.get(`/api/v1/tasks/${fresh.id}/file`)).rawPayload.equals(plain));

        // A file stored before the keyring: sealed under the master key, no term.
        const old = Buffer.from('evidence from before the keyring');
        await t.rt.database.query(
          `INSERT INTO task_files (id, org_id, task_id, name, content_type, size, sha256, sealed, uploaded_at)
           VALUES ($1, $2, $3, 'old.txt', 'text/plain', $4, 'x', $5, now())`,
          [newId(), org.id, legacy.id, old.length, t.rt.keys.sealBytes(old, `task-file:${org.id}:${legacy.id}`)],
        );
        assert.ok((await owner.get(`/api/v1/tasks/${legacy.id}/file`)).rawPayload.equals(old));

        // After a rotation, the first file still opens; a sealed value under another term is refused.
        await t.rt.keyring.rotate(t.clock.now());
        assert.ok((await owner.get(`/api/v1/tasks/${fresh.id}/file`)).rawPayload.equals(plain));
        const forged = sealWithKey(randomBytes(32), plain, `task-file:${org.id}:${fresh.id}`);
        await t.rt.database.query('UPDATE task_files SET sealed = $1 WHERE task_id = $2', [forged, fresh.id]);
        assert.equal((await owner.get(`/api/v1/tasks/${fresh.id}/file`)).statusCode, 500);
      });
    });
  });
}

/**
 * `attest keys …` as a user runs it: a real process on a real data directory. It runs the
 * sources (what bin/attest.js runs when nothing is built), so a stale dist/ cannot hide a change.
 */
const MAIN = new URL('../src/cli/main.ts', import.meta.url).pathname;
const PASSWORD = 'amber-lattice-wombat-31';

function attest(args: string[], opts: { env?: Record<string, string>; input?: string } = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { env: { ...process.env, DATABASE_URL: '', ATTEST_DATA: '', LOG_LEVEL: 'warn', ...opts.env }, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(opts.input ?? '');
  });
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('attest keys', () => {
  it('rotate adds a term, is audited, and status shows the terms; a wrong master key stops the start', async () => {
    const data = mkdtempSync(join(tmpdir(), 'attest-keys-'));
    dirs.push(data);
    const init = await attest(['--data', data, 'init', '--org', 'Key Co', '--email', 'keys@key.test'], {
      input: `${PASSWORD}\n`,
    });
    assert.equal(init.code, 0, init.stderr);

    const before = await attest(['--data', data, 'keys', 'status']);
    assert.equal(before.code, 0, before.stderr);
    assert.match(before.stdout, /^ {2}term 1 {2}created \S+ {2}wraps 0 data key\(s\) {2}\(current\)$/m);
    assert.match(before.stdout, /none yet/);

    const rotate = await attest(['--data', data, 'keys', 'rotate']);
    assert.equal(rotate.code, 0, rotate.stderr);
    assert.match(
      rotate.stdout,
      /new key-encrypting term 2, a new data-key term for 1 organisation\(s\), 0 data key\(s\) re-wrapped/,
    );
    const again = await attest(['--data', data, 'keys', 'rotate']);
    assert.match(
      again.stdout,
      /new key-encrypting term 3, a new data-key term for 1 organisation\(s\), 1 data key\(s\) re-wrapped/,
    );

    const status = await attest(['--data', data, 'keys', 'status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^ {2}term 1 {2}created \S+ {2}wraps 0 data key\(s\)$/m);
    assert.match(status.stdout, /^ {2}term 3 {2}created \S+ {2}wraps 2 data key\(s\) {2}\(current\)$/m);
    assert.match(status.stdout, /^ {2}key-co {2}terms 1, 2 {2}\(current 2, created \S+\)$/m);

    const wrong = await attest(['--data', data, 'keys', 'status'], {
      env: { ATTEST_MASTER_KEY: randomBytes(32).toString('base64') },
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /master key does not match/);

    const database = await openDatabase({ dataDir: data });
    try {
      const { rows } = await database.query(
        `SELECT actor, details FROM system_audit_log WHERE action = 'keys.rotated' ORDER BY id`,
      );
      assert.deepEqual(
        rows.map((r) => [r.actor, (r.details as { kekTerm: number }).kekTerm]),
        [
          ['attest-cli', 2],
          ['attest-cli', 3],
        ],
      );
    } finally {
      await database.close();
    }
  });
});
