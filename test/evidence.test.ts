import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import yauzl from 'yauzl';
import yazl from 'yazl';
import type { FsBlobStore } from '../src/blobs/store.js';
import { loadConfig } from '../src/config.js';
import { withScope } from '../src/db/tenancy.js';
import { makeCheckpoint } from '../src/ledger/service.js';
import { sweepEvidenceBlobs } from '../src/modules/evidence/sweep.js';
import { verifyBundle } from '../src/modules/evidence/verify-bundle.js';
import { type Serving, serve } from '../src/server/serve.js';
import type { Client, TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { createTestDatabase, ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg } from './helpers/factories.js';
import { multipart } from './helpers/multipart.js';

interface Item {
  id: string;
  name: string;
  size: number;
  sha256: string;
  ledgerIndex: number;
  ledger: string;
  control: { id: string; key: string } | null;
  task: { id: string } | null;
  effectiveFrom: string;
  effectiveTo: string | null;
  erased: { reason: string } | null;
}

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'attest-evidence-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function upload(
  client: Client,
  fields: Record<string, string>,
  file?: { name: string; type?: string; data: Buffer },
): Promise<LightMyRequestResponse> {
  const { body, headers } = multipart(fields, file);
  return client.request('POST', '/api/v1/evidence', body, headers);
}

async function controlOf(t: TestApp, orgId: string, key: string): Promise<string> {
  const [c] = await rows<{ id: string }>(t, 'SELECT id FROM controls WHERE org_id = $1 AND key = $2', [orgId, key]);
  assert.ok(c, key);
  return c.id;
}

async function storedBytes(t: TestApp, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await t.rt.blobs.get(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function blobKeys(t: TestApp): Promise<string[]> {
  const keys: string[] = [];
  for await (const b of t.rt.blobs.list('org/')) keys.push(b.key);
  return keys;
}

const checkpoint = (t: TestApp, orgId: string) =>
  withScope(t.rt.database, { orgId }, (tx) => makeCheckpoint(tx, orgId, t.clock.now(), { keyring: t.rt.keyring }));

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Writes the export answer to a file and returns its path. */
function saveZip(res: LightMyRequestResponse): string {
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['content-type'], 'application/zip');
  assert.match(String(res.headers['content-disposition']), /^attachment; filename="evidence-.*\.zip"/);
  const path = join(tempDir(), 'bundle.zip');
  writeFileSync(path, res.rawPayload);
  return path;
}

/** Every entry of a zip, in order. */
async function readEntries(path: string): Promise<{ name: string; data: Buffer }[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true }, (e, z) => (e || !z ? reject(e) : resolve(z))),
  );
  const out: { name: string; data: Buffer }[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, async (e, stream) => {
        if (e || !stream) return reject(e);
        const chunks: Buffer[] = [];
        for await (const c of stream) chunks.push(c as Buffer);
        out.push({ name: entry.fileName, data: Buffer.concat(chunks) });
        zip.readEntry();
      });
    });
    zip.readEntry();
  });
  return out;
}

/** Writes a new zip from `entries` (after a test changed them). */
async function writeEntries(entries: { name: string; data: Buffer }[]): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(e.data, e.name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  const path = join(tempDir(), `tampered-${randomBytes(3).toString('hex')}.zip`);
  writeFileSync(path, Buffer.concat(chunks));
  return path;
}

async function tamperManifest(
  path: string,
  change: (m: Record<string, unknown> & { items: Record<string, unknown>[] }) => void,
) {
  const entries = await readEntries(path);
  const manifest = entries.find((e) => e.name === 'manifest.json');
  assert.ok(manifest);
  const m = JSON.parse(manifest.data.toString('utf8'));
  change(m);
  manifest.data = Buffer.from(JSON.stringify(m, null, 2));
  return writeEntries(entries);
}

async function owners(t: TestApp, label: string): Promise<{ org: TestOrg; owner: Client; admin: Client }> {
  const org = await makeOrg(t, label);
  return { org, owner: await signIn(t, org.users.owner), admin: await signIn(t, org.users.admin) };
}

for (const engine of ENGINES) {
  describe(`evidence vault (${engine})`, () => {
    it('stores an upload encrypted with its ledger leaf and audit row, and downloads the same bytes', async () => {
      await withApp(engine, async (t) => {
        const { org, admin } = await owners(t, 'vault');
        const controlId = await controlOf(t, org.id, 'ACC-09');
        const plaintext = Buffer.from(`access review ${randomBytes(16).toString('hex')}\n`.repeat(3000));
        const res = await upload(
          admin,
          { controlId, effectiveFrom: '2026-01-01', effectiveTo: '2026-03-31', note: 'Q1 review' },
          { name: 'access-review.csv', type: 'text/csv', data: plaintext },
        );
        assert.equal(res.statusCode, 201, res.body);
        const item = res.json() as Item;
        assert.equal(item.name, 'access-review.csv');
        assert.equal(item.size, plaintext.length);
        assert.equal(item.sha256, sha(plaintext));
        assert.equal(item.control?.key, 'ACC-09');
        assert.equal(item.effectiveFrom, '2026-01-01T00:00:00.000Z');
        assert.equal(item.ledger, 'pending');

        const [row] = await rows<{ blob_key: string; ledger_index: number; sha256: string }>(
          t,
          'SELECT blob_key, ledger_index, sha256 FROM evidence WHERE id = $1',
          [item.id],
        );
        assert.ok(row);
        assert.equal(row.blob_key, `org/${org.id}/${item.id}`);
        assert.equal(row.ledger_index, item.ledgerIndex);
        const [leaf] = await rows<{ kind: string; leaf_data: Uint8Array }>(
          t,
          'SELECT kind, leaf_data FROM ledger_leaves WHERE org_id = $1 AND idx = $2 AND ref_id = $3',
          [org.id, item.ledgerIndex, item.id],
        );
        assert.equal(leaf?.kind, 'evidence');
        assert.match(Buffer.from(leaf.leaf_data).toString('utf8'), new RegExp(`sha256 ${item.sha256}\n`));
        assert.equal(
          await count(t, `audit_log WHERE org_id = $1 AND action = 'evidence.added' AND target_id = $2`, [
            org.id,
            item.id,
          ]),
          1,
        );

        const stored = await storedBytes(t, row.blob_key);
        assert.ok(stored.length > plaintext.length, 'ciphertext carries a header and tags');
        assert.equal(stored.indexOf(plaintext.subarray(0, 40)), -1, 'the stored bytes do not hold the plaintext');

        const down = await admin.get(`/api/v1/evidence/${item.id}/download`);
        assert.equal(down.statusCode, 200);
        assert.equal(down.headers['content-type'], 'application/octet-stream');
        assert.match(String(down.headers['content-disposition']), /^attachment; filename="access-review\.csv"/);
        assert.ok(down.rawPayload.equals(plaintext), 'the download is the uploaded file');

        // Verified once a checkpoint covers it; listed with filters.
        await checkpoint(t, org.id);
        const one = await admin.get(`/api/v1/evidence/${item.id}`);
        assert.equal(one.json().ledger, 'verified');
        const list = async (q: string) =>
          ((await admin.get(`/api/v1/evidence?${q}`)).json().items as Item[]).map((i) => i.id);
        assert.deepEqual(await list(`controlId=${controlId}`), [item.id]);
        assert.deepEqual(await list('q=ACCESS-REV'), [item.id]);
        assert.deepEqual(await list('q=nothing-like-it'), []);
        assert.deepEqual(await list('from=2026-03-01&to=2026-04-01'), [item.id]);
        assert.deepEqual(await list('from=2026-04-01'), []);
        assert.deepEqual(await list('to=2025-12-31'), []);
      });
    });

    it('cuts a download off at a chunk that fails to decrypt, sending none of its bytes', async () => {
      await withApp(engine, async (t) => {
        const { org, admin } = await owners(t, 'tamper');
        const controlId = await controlOf(t, org.id, 'GOV-01');
        const plaintext = randomBytes(3 * 65_536 + 100);
        const item = (await upload(admin, { controlId }, { name: 'big.bin', data: plaintext })).json() as Item;
        // Flip a byte inside the second 64 KiB chunk of the stored ciphertext.
        const path = join((t.rt.blobs as FsBlobStore).dir, 'org', org.id, item.id);
        const stored = readFileSync(path);
        stored[32 + 65_536 + 16 + 1000] = (stored[32 + 65_536 + 16 + 1000] ?? 0) ^ 0x01;
        writeFileSync(path, stored);
        const res = await admin.get(`/api/v1/evidence/${item.id}/download`).catch((error: Error) => error);
        const body = res instanceof Error ? Buffer.alloc(0) : res.rawPayload;
        assert.ok(body.length <= 65_536, `no more than the first, authentic chunk was sent (${body.length} bytes)`);
        assert.ok(plaintext.subarray(0, body.length).equals(body), 'what was sent is the authentic plaintext');
      });
    });

    it('pages the list by ledger index, newest first', async () => {
      await withApp(engine, async (t) => {
        const { org, admin } = await owners(t, 'pages');
        const controlId = await controlOf(t, org.id, 'GOV-01');
        for (let i = 0; i < 5; i++) {
          const res = await upload(admin, { controlId }, { name: `f${i}.txt`, data: Buffer.from(`file ${i}`) });
          assert.equal(res.statusCode, 201, res.body);
        }
        const seen: number[] = [];
        let cursor = '';
        do {
          const res = await admin.get(`/api/v1/evidence?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
          assert.equal(res.statusCode, 200, res.body);
          seen.push(...(res.json().items as Item[]).map((i) => i.ledgerIndex));
          cursor = res.json().nextCursor ?? '';
        } while (cursor);
        assert.equal(seen.length, 5);
        assert.deepEqual(
          seen,
          [...seen].sort((a, b) => b - a),
        );
        problem(await admin.get('/api/v1/evidence?cursor=bm90LWEtbnVtYmVy'), 400, 'validation_failed');
      });
    });

    it('lets members add only to their own tasks and controls, auditors only read, and hides it from other organisations', async () => {
      await withApp(engine, async (t) => {
        const { org, admin } = await owners(t, 'roles');
        const other = await owners(t, 'outsider');
        const member = await signIn(t, org.users.member);
        const auditor = await signIn(t, org.users.auditor);
        const theirs = await controlOf(t, org.id, 'VUL-01');
        const owned = await controlOf(t, org.id, 'BCP-02');
        await t.rt.database.query('UPDATE controls SET owner_user_id = $1 WHERE id = $2', [org.users.member.id, owned]);
        await t.rt.database.query('UPDATE controls SET owner_user_id = $1 WHERE id = $2', [org.users.admin.id, theirs]);
        const file = { name: 'scan.txt', data: Buffer.from('scan results') };

        problem(await upload(member, { controlId: theirs }, file), 403, 'forbidden');
        const mine = await upload(member, { controlId: owned }, file);
        assert.equal(mine.statusCode, 201, mine.body);
        // A task assigned to the member, on a control they do not own.
        const [task] = await rows<{ id: string }>(t, 'SELECT id FROM evidence_tasks WHERE control_id = $1 LIMIT 1', [
          theirs,
        ]);
        assert.ok(task);
        problem(await upload(member, { taskId: task.id }, file), 404, 'not_found');
        await t.rt.database.query('UPDATE evidence_tasks SET assignee_user_id = $1 WHERE id = $2', [
          org.users.member.id,
          task.id,
        ]);
        const onTask = await upload(member, { taskId: task.id }, file);
        assert.equal(onTask.statusCode, 201, onTask.body);
        assert.equal(onTask.json().control.id, theirs, "the task's control comes with it");
        const adminItem = (
          await upload(admin, { controlId: await controlOf(t, org.id, 'GOV-02') }, file)
        ).json() as Item;

        // The member sees their own and what hangs on their control or task, not the rest.
        const memberSees = ((await member.get('/api/v1/evidence')).json().items as Item[]).map((i) => i.id).sort();
        assert.deepEqual(memberSees, [mine.json().id, onTask.json().id].sort());
        problem(await member.get(`/api/v1/evidence/${adminItem.id}`), 404, 'not_found');
        problem(await member.get(`/api/v1/evidence/${adminItem.id}/download`), 404, 'not_found');

        // Auditors read everything and add nothing.
        problem(await upload(auditor, { controlId: owned }, file), 403, 'forbidden');
        assert.equal((await auditor.get('/api/v1/evidence')).json().items.length, 3);
        assert.equal((await auditor.get(`/api/v1/evidence/${adminItem.id}/download`)).statusCode, 200);
        problem(
          await auditor.request('DELETE', `/api/v1/evidence/${adminItem.id}`, { reason: 'nope' }),
          403,
          'forbidden',
        );

        // Another organisation: not found, as for an id that does not exist.
        problem(await other.owner.get(`/api/v1/evidence/${adminItem.id}`), 404, 'not_found');
        problem(await other.owner.get(`/api/v1/evidence/${adminItem.id}/download`), 404, 'not_found');
        problem(await upload(other.admin, { controlId: owned }, file), 404, 'not_found');
        assert.equal((await other.owner.get('/api/v1/evidence')).json().items.length, 0);

        // API tokens: program:read reads, only program:write uploads.
        const tok = await admin.post('/api/v1/tokens', { name: 'reader', scopes: ['program:read'] });
        assert.equal(tok.statusCode, 201, tok.body);
        const bearer = { authorization: `Bearer ${tok.json().token}` };
        const { body, headers } = multipart({ controlId: owned }, file);
        const refused = await t.app.inject({
          method: 'POST',
          url: '/api/v1/evidence',
          payload: body,
          headers: { ...headers, ...bearer },
        });
        problem(refused, 403, 'insufficient_scope');
        const read = await t.app.inject({ url: '/api/v1/evidence', headers: bearer });
        assert.equal(read.json().items.length, 3);
      });
    });

    it('refuses bad input with a clear message and writes nothing, leaving no blob', async () => {
      await withApp(
        engine,
        async (t) => {
          const { org, admin } = await owners(t, 'bad');
          const controlId = await controlOf(t, org.id, 'GOV-01');
          const data = Buffer.from('some evidence');
          const file = { name: 'x.txt', data };
          const leavesBefore = await count(t, 'ledger_leaves WHERE org_id = $1', [org.id]);
          const auditBefore = await count(t, `audit_log WHERE org_id = $1 AND action LIKE 'evidence.%'`, [org.id]);

          assert.match(problem(await upload(admin, { controlId }), 400, 'validation_failed').detail, /Add the file/);
          assert.match(
            problem(await upload(admin, { controlId: 'NOPE-99' }, file), 404, 'not_found').detail,
            /control "NOPE-99" does not exist/,
          );
          assert.match(
            problem(await upload(admin, {}, file), 400, 'validation_failed').detail,
            /control.*or an evidence task/,
          );
          assert.match(
            problem(
              await upload(admin, { controlId, effectiveFrom: '2026-02-01', effectiveTo: '2026-01-01' }, file),
              400,
              'validation_failed',
            ).detail,
            /effectiveTo is before effectiveFrom/,
          );
          assert.match(
            problem(await upload(admin, { controlId, effectiveFrom: 'last tuesday' }, file), 400, 'validation_failed')
              .detail,
            /not a date/,
          );
          assert.match(
            problem(
              await upload(admin, { controlId }, { name: 'empty.txt', data: Buffer.alloc(0) }),
              400,
              'validation_failed',
            ).detail,
            /empty/,
          );
          const big = await upload(admin, { controlId }, { name: 'big.bin', data: randomBytes(200_000) });
          assert.match(problem(big, 413, 'payload_too_large').detail, /up to 65536 bytes|up to 64 KiB/);
          problem(await admin.post('/api/v1/evidence', { controlId }), 415, 'unsupported_media_type');

          assert.equal(await count(t, 'evidence WHERE org_id = $1', [org.id]), 0);
          assert.equal(await count(t, 'ledger_leaves WHERE org_id = $1', [org.id]), leavesBefore);
          assert.equal(
            await count(t, `audit_log WHERE org_id = $1 AND action LIKE 'evidence.%'`, [org.id]),
            auditBefore,
          );
          assert.deepEqual(await blobKeys(t), [], 'no blob is left behind');
          // And the limit is not an off-by-one: exactly the limit is accepted.
          const exact = await upload(admin, { controlId }, { name: 'exact.bin', data: randomBytes(65_536) });
          assert.equal(exact.statusCode, 201, exact.body);
        },
        { maxUploadBytes: 65_536 },
      );
    });

    it('sweeps blobs without a row (and erased ones) once they are old enough, keeping live ones', async () => {
      await withApp(engine, async (t) => {
        const { org, admin } = await owners(t, 'sweep');
        const controlId = await controlOf(t, org.id, 'GOV-01');
        const live = (
          await upload(admin, { controlId }, { name: 'live.txt', data: Buffer.from('live') })
        ).json() as Item;
        const { Readable } = await import('node:stream');
        const orphanKey = `org/${org.id}/${randomBytes(16)
          .toString('hex')
          .replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5')}`;
        await t.rt.blobs.put(orphanKey, Readable.from([Buffer.from('orphan')]));
        assert.deepEqual(await sweepEvidenceBlobs(t.rt, new Date(Date.now() - 3_600_000)), {
          orphans: 0,
          temporary: 0,
        });
        const swept = await sweepEvidenceBlobs(t.rt, new Date(Date.now() + 60_000));
        assert.equal(swept.orphans, 1);
        assert.deepEqual(await blobKeys(t), [`org/${org.id}/${live.id}`]);
      });
    });

    it('erases evidence (owners, with a reason): the file goes, the log still verifies and shows it erased', async () => {
      await withApp(engine, async (t) => {
        const { org, owner, admin } = await owners(t, 'erase');
        const controlId = await controlOf(t, org.id, 'PRV-02');
        const keep = (
          await upload(admin, { controlId }, { name: 'keep.txt', data: Buffer.from('keep me') })
        ).json() as Item;
        const gone = (
          await upload(admin, { controlId }, { name: 'gone.txt', data: Buffer.from('erase me') })
        ).json() as Item;
        await checkpoint(t, org.id);

        problem(
          await admin.request('DELETE', `/api/v1/evidence/${gone.id}`, { reason: 'personal data' }),
          403,
          'forbidden',
        );
        problem(await owner.request('DELETE', `/api/v1/evidence/${gone.id}`, {}), 400, 'validation_failed');
        const erased = await owner.request('DELETE', `/api/v1/evidence/${gone.id}`, { reason: 'Holds personal data' });
        assert.equal(erased.statusCode, 200, erased.body);
        assert.equal(erased.json().erased.reason, 'Holds personal data');
        assert.equal(erased.json().ledger, 'erased');
        problem(await owner.request('DELETE', `/api/v1/evidence/${gone.id}`, { reason: 'again' }), 410, 'gone');
        problem(await admin.get(`/api/v1/evidence/${gone.id}/download`), 410, 'gone');
        assert.deepEqual(await blobKeys(t), [`org/${org.id}/${keep.id}`]);
        const leaves = await rows<{ kind: string; ref_id: string }>(
          t,
          'SELECT kind, ref_id FROM ledger_leaves WHERE org_id = $1 ORDER BY idx',
          [org.id],
        );
        assert.deepEqual(
          leaves.filter((l) => l.ref_id === gone.id).map((l) => l.kind),
          ['evidence', 'evidence.erased'],
        );
        assert.equal(await count(t, `audit_log WHERE action = 'evidence.erased' AND target_id = $1`, [gone.id]), 1);
        // The app role cannot change anything else of the row.
        await assert.rejects(
          withScope(t.rt.database, { orgId: org.id }, (tx) =>
            tx
              .updateTable('evidence')
              .set({ name: 'renamed' } as never)
              .where('id', '=', keep.id)
              .execute(),
          ),
          /permission denied/,
        );

        const path = saveZip(await owner.post('/api/v1/evidence/export', {}));
        const report = await verifyBundle(path);
        assert.equal(report.ok, true, report.lines.join('\n'));
        assert.ok(report.lines.includes(`ok  #${gone.ledgerIndex} gone.txt`), report.lines.join('\n'));
        const manifest = JSON.parse(
          (await readEntries(path)).find((e) => e.name === 'manifest.json')?.data.toString() ?? '{}',
        );
        const entry = manifest.items.find((i: { id: string }) => i.id === gone.id);
        assert.equal(entry.erased, true);
        assert.equal(entry.path, undefined);
        assert.ok(!(await readEntries(path)).some((e) => e.name.includes('gone.txt')), 'no file for an erased item');
      });
    });

    it('exports a bundle that verifies offline; any change fails and names what changed', async () => {
      await withApp(engine, async (t) => {
        const { org, owner, admin } = await owners(t, 'export');
        const auditor = await signIn(t, org.users.auditor);
        const member = await signIn(t, org.users.member);
        const controlId = await controlOf(t, org.id, 'BCP-03');
        const files = ['restore-test.txt', 'backup-log.csv', 'runbook.md'];
        const items: Item[] = [];
        for (const [i, name] of files.entries()) {
          const res = await upload(
            admin,
            { controlId, effectiveFrom: `2026-0${i + 1}-15` },
            { name, data: Buffer.from(`${name}\n${randomBytes(600).toString('base64')}`) },
          );
          items.push(res.json());
        }
        // An earlier checkpoint, so the bundle carries a consistency proof from it.
        await checkpoint(t, org.id);
        const outside = (
          await upload(admin, { controlId, effectiveFrom: '2025-06-01' }, { name: 'old.txt', data: Buffer.from('old') })
        ).json() as Item;

        problem(await member.post('/api/v1/evidence/export', {}), 403, 'forbidden');
        problem(
          await admin.post('/api/v1/evidence/export', { from: '2026-03-01', to: '2026-01-01' }),
          400,
          'validation_failed',
        );
        const path = saveZip(await auditor.post('/api/v1/evidence/export', { from: '2026-01-01', to: '2026-12-31' }));
        const report = await verifyBundle(path);
        assert.equal(report.ok, true, report.lines.join('\n'));
        for (const item of items)
          assert.ok(report.lines.includes(`ok  #${item.ledgerIndex} ${item.name}`), report.lines.join('\n'));
        assert.ok(!report.lines.some((l) => l.includes('old.txt')), 'outside the window');
        assert.match(report.lines.at(-1) ?? '', /^Verified: 3 evidence item\(s\)/);
        assert.equal(await count(t, `ledger_leaves WHERE org_id = $1 AND kind = 'export'`, [org.id]), 1);
        assert.equal(await count(t, `audit_log WHERE org_id = $1 AND action = 'evidence.exported'`, [org.id]), 1);
        const entries = await readEntries(path);
        assert.deepEqual(
          entries.map((e) => e.name),
          ['manifest.json', 'checkpoint.txt', 'key.pub', ...items.map((i) => `files/${i.ledgerIndex}-${i.name}`)],
        );
        const manifest = JSON.parse(entries[0]?.data.toString() ?? '{}');
        assert.ok(manifest.consistency, 'a consistency proof from the previous checkpoint');
        assert.equal(entries[1]?.data.toString(), manifest.checkpoint);
        assert.equal(outside.ledger, 'pending');

        const [first, second] = items as [Item, Item, Item];
        const failing = (r: Awaited<ReturnType<typeof verifyBundle>>) => r.lines.filter((l) => l.startsWith('FAIL '));

        // A changed byte in a file.
        const flipped = entries.map((e) => ({ ...e, data: Buffer.from(e.data) }));
        const target = flipped.find((e) => e.name === `files/${second.ledgerIndex}-${second.name}`);
        assert.ok(target);
        target.data[10] = (target.data[10] ?? 0) ^ 0x01;
        const r1 = await verifyBundle(await writeEntries(flipped));
        assert.equal(r1.ok, false);
        assert.deepEqual(failing(r1), [
          `FAIL #${second.ledgerIndex} ${second.name}: file content does not match its ledger entry`,
        ]);

        // A changed display name in the manifest, a changed hash, a missing item, reordered items.
        const r2 = await verifyBundle(
          await tamperManifest(path, (m) => {
            (m.items[0] as { name: string }).name = 'something-else.txt';
          }),
        );
        assert.equal(r2.ok, false);
        assert.match(
          failing(r2).join('\n'),
          new RegExp(`FAIL #${first.ledgerIndex} something-else\\.txt: .*changed it after the export`),
        );
        const r3 = await verifyBundle(
          await tamperManifest(path, (m) => {
            (m.items[1] as { sha256: string }).sha256 = sha(Buffer.from('forged'));
          }),
        );
        assert.match(failing(r3).join('\n'), new RegExp(`FAIL #${second.ledgerIndex} ${second.name}: .*SHA-256`));
        const removed = await readEntries(
          await tamperManifest(path, (m) => {
            m.items.splice(1, 1);
          }),
        );
        const r4 = await verifyBundle(
          await writeEntries(removed.filter((e) => e.name !== `files/${second.ledgerIndex}-${second.name}`)),
        );
        assert.match(failing(r4).join('\n'), new RegExp(`item #${second.ledgerIndex} is missing`));
        const r5 = await verifyBundle(
          await tamperManifest(path, (m) => {
            m.items.reverse();
          }),
        );
        assert.equal(r5.ok, false);
        assert.match(failing(r5).join('\n'), /entries are out of order/);

        // Another key: key.pub and the manifest's key replaced, or a key the auditor trusts that differs.
        const { generateKeyPairSync } = await import('node:crypto');
        const { verifierKey } = await import('../src/ledger/checkpoint.js');
        const stranger = verifierKey(manifest.origin, generateKeyPairSync('ed25519').publicKey);
        const swapped = (
          await readEntries(
            await tamperManifest(path, (m) => {
              m.verifierKey = stranger;
            }),
          )
        ).map((e) => (e.name === 'key.pub' ? { ...e, data: Buffer.from(`${stranger}\n`) } : e));
        const r6 = await verifyBundle(await writeEntries(swapped));
        assert.equal(r6.ok, false);
        assert.match(failing(r6).join('\n'), /signature|not signed by a known key/);
        const r7 = await verifyBundle(path, { trustedKey: stranger });
        assert.match(failing(r7).join('\n'), /different key from the one you trust/);
        const r8 = await verifyBundle(path, { trustedKey: manifest.verifierKey });
        assert.equal(r8.ok, true);
        // Not a zip at all.
        const junk = join(tempDir(), 'junk.zip');
        writeFileSync(junk, 'not a zip');
        assert.match((await verifyBundle(junk)).lines[0] ?? '', /^FAIL bundle: the zip cannot be read/);
        void owner;
      });
    });
  });
}

/**
 * The `attest` command as a user runs it: a real process on a real data directory. It runs the
 * sources (as bin/attest.js does when nothing is built), so a stale dist/ cannot stand in for them.
 */
const MAIN = new URL('../src/cli/main.ts', import.meta.url).pathname;
const CLI_PASSWORD = 'amber-lattice-wombat-31';

function attest(
  args: string[],
  opts: { env?: Record<string, string>; input?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
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

/** Signs the new owner in over HTTP (password, then TOTP from `init`'s output) and makes a program token. */
async function programToken(base: string, email: string, secret: string): Promise<string> {
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
  await call('POST', '/api/v1/auth/login', { email, password: CLI_PASSWORD });
  const csrf = async () => ((await call('GET', '/api/v1/me')).session as { csrfToken: string }).csrfToken;
  const code = await generate({ strategy: 'totp', secret });
  await call('POST', '/api/v1/auth/totp/confirm', { code }, await csrf());
  const created = await call(
    'POST',
    '/api/v1/tokens',
    { name: 'evidence-cli', scopes: ['program:read', 'program:write'], expiresInDays: 7 },
    await csrf(),
  );
  return created.token as string;
}

/** Flips one byte of `needle`'s first occurrence in the zip (files are stored uncompressed). */
function flipInZip(path: string, needle: string): string {
  const bytes = readFileSync(path);
  const at = bytes.indexOf(Buffer.from(needle));
  assert.ok(at >= 0, 'the file content is stored as is in the zip');
  bytes[at] = (bytes[at] ?? 0) ^ 0x20;
  const out = `${path}.flipped.zip`;
  writeFileSync(out, bytes);
  return out;
}

describe('the attest command: evidence add, evidence export, verify', () => {
  it('adds evidence with an API token, exports through the running server and directly, and verifies offline', async () => {
    const data = tempDir();
    let serving: Serving | undefined;
    try {
      serving = await serve(loadConfig({ dataDir: data, port: 0, logLevel: 'silent', jobs: false }, {}));
      const init = await attest(['--data', data, 'init', '--org', 'Vault Co', '--email', 'owner@vault.test'], {
        input: `${CLI_PASSWORD}\n`,
      });
      assert.equal(init.code, 0, init.stderr);
      // Through the admin socket, the address printed is the one the server listens on, not the CLI's default.
      assert.ok(init.stdout.includes(`Sign in at ${serving.url}`), init.stdout);
      const secret = /secret=([A-Z2-7]+)/.exec(init.stdout)?.[1] ?? '';
      const token = await programToken(serving.url, 'owner@vault.test', secret);

      const file = join(data, 'firewall-review.txt');
      writeFileSync(file, `Firewall rules reviewed: deny by default. ${randomBytes(8).toString('hex')}\n`);
      const added = await attest(
        [
          'evidence',
          'add',
          file,
          '--control',
          'net-01',
          '--note',
          'Quarterly review',
          '--effective-from',
          '2026-01-31',
        ],
        { env: { ATTEST_URL: serving.url, ATTEST_TOKEN: token } },
      );
      assert.equal(added.code, 0, added.stderr);
      assert.match(
        added.stdout,
        /^Added firewall-review\.txt as ledger entry #0 \(sha256 [0-9a-f]{64}, id [0-9a-f-]{36}\)\./,
      );
      const noTarget = await attest(['evidence', 'add', file, '--url', serving.url, '--token', token]);
      assert.equal(noTarget.code, 1);
      assert.match(noTarget.stderr, /--control KEY_OR_ID and\/or --task ID/);
      const unknown = await attest([
        'evidence',
        'add',
        file,
        '--control',
        'XYZ-1',
        '--url',
        serving.url,
        '--token',
        token,
      ]);
      assert.match(unknown.stderr, /answered 404: The control "XYZ-1" does not exist/);

      // Through the admin socket of the running server, streamed into the file.
      const out = join(data, 'bundle.zip');
      const exported = await attest(['--data', data, 'evidence', 'export', '--out', out, '--from', '2026-01-01']);
      assert.equal(exported.code, 0, exported.stderr);
      assert.match(exported.stdout, /Exported 1 evidence item\(s\) of Vault Co \(vault-co\) to .*bundle\.zip/);
      assert.equal(statSync(out).mode & 0o777, 0o600);
      const verified = await attest(['verify', out]);
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
      assert.match(verified.stdout, /^ok {2}#0 firewall-review\.txt$/m);
      assert.match(verified.stdout, /^ok {2}#1 export [0-9a-f-]{36}$/m);
      assert.match(verified.stdout, /^Verified: 1 evidence item\(s\)/m);

      const broken = await attest(['verify', flipInZip(out, 'Firewall rules reviewed')]);
      assert.equal(broken.code, 1);
      assert.match(broken.stdout, /^FAIL #0 firewall-review\.txt: file content does not match its ledger entry$/m);
      assert.match(broken.stdout, /^FAILED: /m);
    } finally {
      await serving?.close();
    }
    // With no server, the command opens the data directory itself; `demo` brings evidence.
    const demo = await attest(['--data', data, 'demo']);
    assert.equal(demo.code, 0, demo.stderr);
    const direct = join(data, 'demo.zip');
    const exported = await attest(['--data', data, 'evidence', 'export', '--org', 'demo', '--out', direct]);
    assert.equal(exported.code, 0, exported.stderr);
    // The demo's files: every item exported is verified, one line each (and one for the export itself).
    const items = Number(/Exported (\d+) evidence item\(s\) of Northwind Analytics/.exec(exported.stdout)?.[1]);
    assert.ok(items >= 4, exported.stdout);
    const verified = await attest(['verify', direct]);
    assert.equal(verified.code, 0, verified.stdout);
    assert.equal(verified.stdout.match(/^ok {2}#\d+ (?!export )/gm)?.length, items, verified.stdout);
    assert.match(verified.stdout, /^ok {2}#\d+ export /m);
    assert.match(verified.stdout, /^ok {2}#\d+ access-review-q1\.csv$/m);
  });

  it('exports the demo evidence on PostgreSQL with DATABASE_URL', {
    skip: !process.env.TEST_DATABASE_URL,
  }, async () => {
    const { database, url, drop } = await createTestDatabase('postgres');
    await database.close();
    try {
      const env = { DATABASE_URL: url ?? '', ATTEST_DATA: tempDir() };
      const demo = await attest(['demo'], { env });
      assert.equal(demo.code, 0, demo.stderr);
      const out = join(env.ATTEST_DATA, 'demo.zip');
      const exported = await attest(['evidence', 'export', '--out', out], { env });
      assert.equal(exported.code, 0, exported.stderr);
      const verified = await attest(['verify', out]);
      assert.equal(verified.code, 0, verified.stdout);
      assert.match(verified.stdout, /^ok {2}#\d+ restore-test\.txt$/m);
    } finally {
      await drop();
    }
  });
});
