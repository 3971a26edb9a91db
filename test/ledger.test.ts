import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import pino from 'pino';
import { withScope } from '../src/db/tenancy.js';
import { startJobs } from '../src/jobs/boss.js';
import { ledgerOrigin, verifyNote } from '../src/ledger/checkpoint.js';
import { parseLeafData } from '../src/ledger/entry.js';
import { CHECKPOINT_CRON, CHECKPOINT_QUEUE, registerLedgerJobs } from '../src/ledger/jobs.js';
import { verifyConsistency } from '../src/ledger/merkle.js';
import {
  appendManyToLedger,
  appendToLedger,
  consistencyFrom,
  LedgerIntegrityError,
  latestCheckpoint,
  makeCheckpoint,
  orgVerifierKey,
  proofBundle,
} from '../src/ledger/service.js';
import { verifyBundleLedger } from '../src/ledger/verify.js';
import type { TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn } from './helpers/factories.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

const append = (t: TestApp, orgId: string, ref: string) =>
  withScope(t.rt.database, { orgId }, (tx) =>
    appendToLedger(tx, orgId, { kind: 'evidence', refId: ref, contentHash: sha(ref) }, t.clock.now()),
  );

const checkpoint = (t: TestApp, orgId: string) =>
  withScope(t.rt.database, { orgId }, (tx) => makeCheckpoint(tx, orgId, t.clock.now(), t.rt));

/** The error PostgreSQL raises for a privilege the role lacks. */
const permissionDenied = (error: unknown) => {
  assert.match((error as Error).message, /permission denied/);
  return true;
};

for (const engine of ENGINES) {
  describe(`the evidence ledger in the database (${engine})`, () => {
    it('gives appends from concurrent transactions distinct, consecutive indexes', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'ledger');
        const results = await Promise.all(Array.from({ length: 12 }, (_, i) => append(t, org.id, `item-${i}`)));
        assert.deepEqual(
          results.map((r) => r.index).sort((a, b) => a - b),
          Array.from({ length: 12 }, (_, i) => i),
        );
        const stored = await rows<{ idx: number; leaf_data: Uint8Array }>(
          t,
          'SELECT idx, leaf_data FROM ledger_leaves WHERE org_id = $1 ORDER BY idx',
          [org.id],
        );
        assert.equal(stored.length, 12);
        for (const row of stored) {
          const leaf = parseLeafData(Buffer.from(row.leaf_data));
          assert.equal(leaf.index, row.idx);
          assert.equal(leaf.orgId, org.id);
          assert.equal(leaf.entry.contentHash, sha(leaf.entry.refId));
        }
        // A bulk append continues the same sequence.
        const many = await withScope(t.rt.database, { orgId: org.id }, (tx) =>
          appendManyToLedger(
            tx,
            org.id,
            ['bulk-0', 'bulk-1', 'bulk-2'].map((ref) => ({ kind: 'check_result', refId: ref, contentHash: sha(ref) })),
            t.clock.now(),
          ),
        );
        assert.deepEqual(
          many.map((l) => l.index),
          [12, 13, 14],
        );
        assert.equal((await append(t, org.id, 'after-bulk')).index, 15);
        const [head] = await rows<{ size: number }>(t, 'SELECT size FROM ledger_heads WHERE org_id = $1', [org.id]);
        assert.equal(head?.size, 16);
      });
    });

    it('leaves no leaf and no gap behind a rolled-back transaction', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'rollback');
        assert.equal((await append(t, org.id, 'first')).index, 0);
        await assert.rejects(
          withScope(t.rt.database, { orgId: org.id }, async (tx) => {
            const leaf = await appendToLedger(
              tx,
              org.id,
              { kind: 'evidence', refId: 'doomed', contentHash: sha('x') },
              t.clock.now(),
            );
            assert.equal(leaf.index, 1);
            throw new Error('the business row failed');
          }),
          /the business row failed/,
        );
        assert.equal(await count(t, "ledger_leaves WHERE ref_id = 'doomed'"), 0);
        assert.equal((await append(t, org.id, 'second')).index, 1);
        // Bad input is refused before the counter moves.
        await assert.rejects(
          withScope(t.rt.database, { orgId: org.id }, (tx) =>
            appendToLedger(
              tx,
              org.id,
              { kind: 'evidence', refId: 'someone@example.test', contentHash: sha('y') },
              t.clock.now(),
            ),
          ),
          /must be an id/,
        );
        assert.equal((await append(t, org.id, 'third')).index, 2);
      });
    });

    it('signs checkpoints the organisation key verifies, and proofs from the database verify offline', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'signed');
        for (let i = 0; i < 5; i++) await append(t, org.id, `early-${i}`);
        const first = await checkpoint(t, org.id);
        assert.equal(first.size, 5);
        const key = await withScope(t.rt.database, { orgId: org.id }, (tx) => orgVerifierKey(tx, org.id));
        const origin = ledgerOrigin(org.id);
        assert.ok(key.startsWith(`${origin}+`));
        const opened = verifyNote(first.note, [{ name: origin, publicKey: key }]);
        assert.equal(opened.size, 5);
        assert.equal(opened.rootHash.toString('hex'), first.rootHash);

        // Nothing new: the same checkpoint, no new row.
        t.clock.advance(60_000);
        assert.deepEqual(await checkpoint(t, org.id), first);
        assert.equal(await count(t, 'ledger_checkpoints WHERE org_id = $1', [org.id]), 1);

        for (let i = 0; i < 8; i++) await append(t, org.id, `late-${i}`);
        const second = await checkpoint(t, org.id);
        assert.equal(second.size, 13);
        const manifest = await withScope(t.rt.database, { orgId: org.id }, async (tx) => {
          const bundle = await proofBundle(tx, org.id, [0, 4, 7, 12], 13);
          assert.equal(bundle.rootHash, second.rootHash);
          return {
            orgId: org.id,
            origin,
            verifierKey: key,
            checkpoint: second.note,
            items: bundle.leaves,
            consistency: { fromSize: 5, fromRoot: first.rootHash, proof: await consistencyFrom(tx, org.id, 5, 13) },
          };
        });
        const verdict = verifyBundleLedger(manifest);
        assert.deepEqual(verdict, {
          checkpoint: { ok: true },
          items: [0, 4, 7, 12].map((index) => ({ index, ok: true })),
        });
        verifyConsistency(
          5,
          13,
          Buffer.from(first.rootHash, 'hex'),
          Buffer.from(second.rootHash, 'hex'),
          manifest.consistency.proof.map((p) => Buffer.from(p, 'base64')),
        );
        // The signing key is stored sealed, never in clear.
        const [stored] = await rows<{ private_key_sealed: Uint8Array; key_term: number }>(
          t,
          'SELECT private_key_sealed, key_term FROM ledger_keys WHERE org_id = $1',
          [org.id],
        );
        assert.ok(stored && stored.key_term >= 1);
        assert.equal(
          Buffer.from(stored.private_key_sealed).includes(Buffer.from('302e020100300506032b6570', 'hex')),
          false,
        );
      });
    });

    it('refuses to sign or prove a log changed under the database, and detects it', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'tamper');
        for (let i = 0; i < 6; i++) await append(t, org.id, `item-${i}`);
        await checkpoint(t, org.id);
        await append(t, org.id, 'item-6');
        // Someone with the database owner's rights rewrites leaf 2, hash and all.
        const forged = (
          await rows<{ leaf_data: Uint8Array }>(
            t,
            'SELECT leaf_data FROM ledger_leaves WHERE org_id = $1 AND idx = 2',
            [org.id],
          )
        )[0];
        const text = Buffer.from(forged?.leaf_data ?? [])
          .toString('utf8')
          .replace(sha('item-2'), sha('forged'));
        await t.rt.database.query(
          "UPDATE ledger_leaves SET leaf_data = $2, leaf_hash = sha256(decode('00', 'hex') || $2::bytea) WHERE org_id = $1 AND idx = 2",
          [org.id, Buffer.from(text)],
        );
        await assert.rejects(checkpoint(t, org.id), LedgerIntegrityError);
        await assert.rejects(
          withScope(t.rt.database, { orgId: org.id }, (tx) => proofBundle(tx, org.id, [2], 6)),
          /do not match the signed checkpoint/,
        );
        // Only the data changed, not the hash: caught leaf by leaf.
        await t.rt.database.query('UPDATE ledger_leaves SET leaf_data = $2 WHERE org_id = $1 AND idx = 5', [
          org.id,
          Buffer.from('changed'),
        ]);
        await assert.rejects(
          withScope(t.rt.database, { orgId: org.id }, (tx) => proofBundle(tx, org.id, [5], 7)),
          /does not match its stored hash/,
        );
      });
    });

    it("keeps each organisation's ledger to itself, and append-only for the app role", async () => {
      await withApp(engine, async (t) => {
        const a = await makeOrg(t, 'alpha');
        const b = await makeOrg(t, 'beta');
        for (const org of [a, b]) {
          await append(t, org.id, 'one');
          await append(t, org.id, 'two');
          await checkpoint(t, org.id);
        }
        const seen = await withScope(t.rt.database, { orgId: b.id }, async (tx) => ({
          leaves: await tx.selectFrom('ledger_leaves').select('org_id').execute(),
          checkpoints: await tx.selectFrom('ledger_checkpoints').select('org_id').execute(),
          keys: await tx.selectFrom('ledger_keys').select('org_id').execute(),
          heads: await tx.selectFrom('ledger_heads').select('org_id').execute(),
          aCheckpoint: await latestCheckpoint(tx, a.id),
        }));
        for (const list of [seen.leaves, seen.checkpoints, seen.keys, seen.heads]) {
          assert.ok(list.length > 0 && list.every((r) => r.org_id === b.id));
        }
        assert.equal(seen.aCheckpoint, null);
        await assert.rejects(
          withScope(t.rt.database, { orgId: b.id }, (tx) => proofBundle(tx, a.id, [0], 2)),
          /should hold 2 leaves and holds 0/,
        );
        // B cannot append to A's ledger.
        await assert.rejects(
          withScope(t.rt.database, { orgId: b.id }, (tx) =>
            appendToLedger(tx, a.id, { kind: 'evidence', refId: 'x', contentHash: sha('x') }, t.clock.now()),
          ),
          /row-level security/,
        );
        for (const statement of [
          sql`UPDATE ledger_leaves SET kind = 'export'`,
          sql`DELETE FROM ledger_leaves`,
          sql`UPDATE ledger_checkpoints SET note = ''`,
          sql`DELETE FROM ledger_checkpoints`,
          sql`UPDATE ledger_keys SET verifier_key = ''`,
          sql`DELETE FROM ledger_keys`,
          sql`DELETE FROM ledger_heads`,
        ]) {
          await assert.rejects(
            withScope(t.rt.database, { orgId: a.id }, (tx) => statement.execute(tx)),
            permissionDenied,
          );
        }
        assert.equal(await count(t, 'ledger_leaves WHERE org_id = $1', [a.id]), 2);
      });
    });

    it('serves the checkpoint to owners, admins and auditors; owners and admins make one (audited)', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'routes');
        const auditor = await signIn(t, org.users.auditor);
        const admin = await signIn(t, org.users.admin);
        const member = await signIn(t, org.users.member);
        const empty = await auditor.get('/api/v1/ledger/checkpoint');
        assert.equal(empty.statusCode, 200, empty.body);
        assert.deepEqual(empty.json(), { origin: ledgerOrigin(org.id), size: 0, verifierKey: null, checkpoint: null });
        problem(await member.get('/api/v1/ledger/checkpoint'), 403, 'forbidden');
        problem(await auditor.post('/api/v1/ledger/checkpoint'), 403, 'forbidden');

        for (let size = 1; size <= 3; size++) {
          await append(t, org.id, `r-${size}`);
          const made = await admin.post('/api/v1/ledger/checkpoint');
          assert.equal(made.statusCode, 200, made.body);
          assert.equal(made.json().checkpoint.size, size);
        }
        const latest = (await auditor.get('/api/v1/ledger/checkpoint')).json();
        assert.equal(latest.checkpoint.size, 3);
        assert.equal(
          verifyNote(latest.checkpoint.note, [{ name: latest.origin, publicKey: latest.verifierKey }]).size,
          3,
        );
        assert.equal(await count(t, "audit_log WHERE org_id = $1 AND action = 'ledger.checkpointed'", [org.id]), 3);

        const page1 = (await auditor.get('/api/v1/ledger/checkpoints?limit=2')).json();
        assert.deepEqual(
          page1.items.map((c: { size: number }) => c.size),
          [3, 2],
        );
        const page2 = (await auditor.get(`/api/v1/ledger/checkpoints?limit=2&cursor=${page1.nextCursor}`)).json();
        assert.deepEqual(
          page2.items.map((c: { size: number }) => c.size),
          [1],
        );
        assert.equal(page2.nextCursor, null);
      });
    });

    it('schedules ledger.checkpoint hourly, and its worker signs the checkpoints of grown ledgers', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'job');
        for (let i = 0; i < 3; i++) await append(t, org.id, `job-${i}`);
        // The worker's log line says when it ran: no polling.
        let signed: (line: string) => void = () => undefined;
        const ran = new Promise<string>((resolve) => {
          signed = resolve;
        });
        const log = pino({ level: 'info' }, { write: (line: string) => line.includes('checkpoint') && signed(line) });
        const boss = await startJobs(t.rt.database, pino({ level: 'silent' }));
        try {
          await registerLedgerJobs(boss, { ...t.rt, log });
          const schedules = await boss.getSchedules();
          assert.deepEqual(
            schedules.filter((s) => s.name === CHECKPOINT_QUEUE).map((s) => s.cron),
            [CHECKPOINT_CRON],
          );
          await boss.send(CHECKPOINT_QUEUE, {});
          assert.match(await ran, /ledger checkpoints signed/);
          const cp = await withScope(t.rt.database, { orgId: org.id }, (tx) => latestCheckpoint(tx, org.id));
          assert.equal(cp?.size, 3);
        } finally {
          await boss.stop({ graceful: false, wait: true });
        }
      });
    });
  });
}
