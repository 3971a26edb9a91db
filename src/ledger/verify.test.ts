import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkpointBody, ledgerOrigin, signNote, verifierKey } from './checkpoint.js';
import { type LedgerEntry, leafData } from './entry.js';
import { leafHash, MerkleTree } from './merkle.js';
import { type BundleManifest, verifyBundleLedger } from './verify.js';

const orgId = '5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f';
const origin = ledgerOrigin(orgId);
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const signer = { name: origin, privateKey };
const key = verifierKey(origin, publicKey);

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function entries(n: number, salt: number): LedgerEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    kind: i % 5 === 4 ? 'export' : 'evidence',
    refId: `item-${salt}-${i}`,
    contentHash: sha(`content ${salt} ${i}`),
    at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
  }));
}

/** The log as the server stores it: each entry encoded at its position. */
const encode = (log: LedgerEntry[]) => log.map((e, i) => leafData(orgId, i, e));

function checkpointOf(leaves: Buffer[]): { note: string; root: Buffer } {
  const root = new MerkleTree(leaves.map(leafHash)).root();
  return { note: signNote(checkpointBody({ origin, size: leaves.length, rootHash: root }), signer), root };
}

/** A bundle of every leaf of `leaves`, with proofs computed (honestly) from those leaves. */
function bundle(leaves: Buffer[], note: string, extra: Partial<BundleManifest> = {}): BundleManifest {
  const tree = new MerkleTree(leaves.map(leafHash));
  return {
    orgId,
    origin,
    verifierKey: key,
    checkpoint: note,
    items: leaves.map((data, index) => ({
      index,
      leafData: data.toString('base64'),
      proof: tree.inclusionProof(index).map((h) => h.toString('base64')),
    })),
    ...extra,
  };
}

const allOk = (v: ReturnType<typeof verifyBundleLedger>) => v.checkpoint.ok && v.items.every((i) => i.ok);

type Tamper =
  | { op: 'edit'; at: number }
  | { op: 'delete'; at: number }
  | { op: 'reorder'; at: number; with: number }
  | { op: 'insert'; at: number }
  | { op: 'rollback'; keep: number };

/** Applies the change the way a careful forger would: every leaf re-encoded at its new position. */
function tamper(log: LedgerEntry[], t: Tamper): LedgerEntry[] {
  const copy = [...log];
  switch (t.op) {
    case 'edit':
      copy[t.at] = { ...(copy[t.at] as LedgerEntry), contentHash: sha('forged') };
      return copy;
    case 'delete':
      copy.splice(t.at, 1);
      return copy;
    case 'reorder': {
      const a = copy[t.at] as LedgerEntry;
      copy[t.at] = copy[t.with] as LedgerEntry;
      copy[t.with] = a;
      return copy;
    }
    case 'insert':
      copy.splice(t.at, 0, { kind: 'evidence', refId: 'forged', contentHash: sha('forged'), at: log[0]?.at as string });
      return copy;
    case 'rollback':
      return copy.slice(0, t.keep);
  }
}

/** `keepAtLeast`: a bundle of a log rolled back to nothing lists no item its proofs could fail on. */
const tampering = (n: number, keepAtLeast: number): fc.Arbitrary<Tamper> =>
  fc.oneof(
    fc.record({ op: fc.constant('edit' as const), at: fc.integer({ min: 0, max: n - 1 }) }),
    fc.record({ op: fc.constant('delete' as const), at: fc.integer({ min: 0, max: n - 1 }) }),
    fc
      .record({
        op: fc.constant('reorder' as const),
        at: fc.integer({ min: 0, max: n - 1 }),
        with: fc.integer({ min: 0, max: n - 1 }),
      })
      .filter((t) => t.at !== t.with),
    // Inserting after the last leaf is an honest append: only inside the log is it tampering.
    fc.record({ op: fc.constant('insert' as const), at: fc.integer({ min: 0, max: n - 1 }) }),
    fc.record({ op: fc.constant('rollback' as const), keep: fc.integer({ min: keepAtLeast, max: n - 1 }) }),
  );

const scenario = (keepAtLeast: number) =>
  fc
    .integer({ min: 2, max: 40 })
    .chain((n) => fc.record({ n: fc.constant(n), salt: fc.nat(), change: tampering(n, keepAtLeast) }));

describe('offline verification of the ledger in a bundle', () => {
  it('accepts an untouched log, with consistency from an earlier checkpoint', () => {
    const log = entries(13, 1);
    const leaves = encode(log);
    const earlier = checkpointOf(leaves.slice(0, 5));
    const tree = new MerkleTree(leaves.map(leafHash));
    const proof = tree.consistencyProof(5).map((h) => h.toString('hex'));
    const verdict = verifyBundleLedger(
      bundle(leaves, checkpointOf(leaves).note, {
        consistency: { fromSize: 5, fromRoot: earlier.root.toString('hex'), proof },
      }),
    );
    assert.ok(allOk(verdict), JSON.stringify(verdict));
    assert.equal(verdict.items.length, 13);
  });

  it('detects random tampering (edit, delete, reorder, insert, rollback) against the last checkpoint', () => {
    fc.assert(
      fc.property(scenario(1), ({ n, salt, change }) => {
        const log = entries(n, salt);
        const { note } = checkpointOf(encode(log));
        const forged = encode(tamper(log, change));
        const verdict = verifyBundleLedger(bundle(forged, note));
        assert.ok(!allOk(verdict), `${JSON.stringify(change)} went unnoticed`);
        if (change.op === 'edit') {
          const item = verdict.items.find((i) => i.index === change.at);
          assert.match(item?.problem ?? '', /inclusion proof does not lead to the checkpoint root/);
        }
        // The same forgery without re-encoding the moved leaves: they name the wrong position.
        if (change.op === 'delete' && change.at < n - 1) {
          const shifted = log
            .filter((_, i) => i !== change.at)
            .map((e, i) => leafData(orgId, i >= change.at ? i + 1 : i, e));
          const v = verifyBundleLedger(bundle(shifted, note));
          assert.match(v.items[change.at]?.problem ?? '', /entries reordered/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('detects history rewritten and re-signed with the key, by consistency with the published checkpoint', () => {
    fc.assert(
      fc.property(scenario(0), fc.nat(), ({ n, salt, change }, pick) => {
        const log = entries(n, salt);
        // The checkpoint published earlier covers the tampered position (or more than a rollback keeps).
        const position = change.op === 'rollback' ? change.keep : change.at;
        const published = n === 1 ? n : position + 1 + (pick % (n - position));
        const earlier = checkpointOf(encode(log).slice(0, published));
        const forged = encode(tamper(log, change));
        const resigned = checkpointOf(forged);
        const tree = new MerkleTree(forged.map(leafHash));
        const proof =
          published <= forged.length ? tree.consistencyProof(published).map((h) => h.toString('base64')) : [];
        const verdict = verifyBundleLedger(
          bundle(forged, resigned.note, {
            consistency: { fromSize: published, fromRoot: earlier.root.toString('base64'), proof },
          }),
        );
        assert.equal(verdict.checkpoint.ok, false, `${JSON.stringify(change)} from ${published} went unnoticed`);
        assert.match(verdict.checkpoint.problem ?? '', /does not extend the earlier checkpoint/);
      }),
      { numRuns: 300 },
    );
  });

  it('says which item and what: wrong organisation, index, SHA-256, key or note', () => {
    const leaves = encode(entries(6, 2));
    const { note } = checkpointOf(leaves);
    const good = bundle(leaves, note);

    const otherOrg = leafData('00000000-0000-4000-8000-000000000000', 3, entries(6, 2)[3] as LedgerEntry);
    const v1 = verifyBundleLedger({
      ...good,
      items: good.items.map((i) => (i.index === 3 ? { ...i, leafData: otherOrg.toString('base64') } : i)),
    });
    assert.match(v1.items[3]?.problem ?? '', /^item 3: the leaf belongs to another organisation/);
    assert.ok(v1.items.filter((i) => !i.ok).length === 1);

    const v2 = verifyBundleLedger({
      ...good,
      items: good.items.map((i) => (i.index === 2 ? { ...i, sha256: sha('other'), path: 'evidence/2.pdf' } : i)),
    });
    assert.match(v2.items[2]?.problem ?? '', /^item 2 \(evidence\/2\.pdf\): the SHA-256 in the manifest is not/);

    const v3 = verifyBundleLedger({ ...good, items: good.items.map((i) => (i.index === 4 ? { ...i, proof: [] } : i)) });
    assert.match(v3.items[4]?.problem ?? '', /^item 4: inclusion proof does not lead to the checkpoint root/);

    const v4 = verifyBundleLedger({ ...good, items: good.items.map((i) => ({ ...i, leafData: 'bm90IGEgbGVhZg==' })) });
    assert.match(v4.items[0]?.problem ?? '', /^item 0: the leaf data is malformed/);

    const stranger = generateKeyPairSync('ed25519');
    const v5 = verifyBundleLedger({ ...good, verifierKey: verifierKey(origin, stranger.publicKey) });
    assert.equal(v5.checkpoint.ok, false);
    assert.match(v5.checkpoint.problem ?? '', /not signed by a known key/);
    assert.match(v5.items[0]?.problem ?? '', /the checkpoint is not valid/);

    const v6 = verifyBundleLedger({ ...good, checkpoint: note.replace('\n6\n', '\n5\n') });
    assert.match(v6.checkpoint.problem ?? '', /does not verify/);

    const v7 = verifyBundleLedger({ ...good, orgId: '00000000-0000-4000-8000-000000000000' });
    assert.match(v7.checkpoint.problem ?? '', /is not the one of organisation/);

    const v8 = verifyBundleLedger({
      ...good,
      items: [...good.items, good.items[1] as BundleManifest['items'][number]],
    });
    assert.match(v8.items[6]?.problem ?? '', /^item 1: listed twice/);
  });
});
