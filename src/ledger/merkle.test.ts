import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  MerkleTree,
  nodeHash,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

/** transparency-dev/merkle's conformance vectors (Apache-2.0), copied into test/fixtures/merkle. */
const VECTORS = fileURLToPath(new URL('../../test/fixtures/merkle/', import.meta.url));

function vectorFiles(kind: 'inclusion' | 'consistency'): string[] {
  const dir = join(VECTORS, kind);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(dir, f))
    .sort();
}

const b64 = (s: string) => Buffer.from(s, 'base64');
const b64s = (list: string[] | null) => (list ?? []).map(b64);

/** RFC 6962 §2.1, written as the RFC does: the reference the fast implementation must match. */
function naiveRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0] as Buffer;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k)));
}

function naivePath(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k
    ? [...naivePath(m, leaves.slice(0, k)), naiveRoot(leaves.slice(k))]
    : [...naivePath(m - k, leaves.slice(k)), naiveRoot(leaves.slice(0, k))];
}

function naiveSubproof(m: number, leaves: Buffer[], complete: boolean): Buffer[] {
  const n = leaves.length;
  if (m === n) return complete ? [] : [naiveRoot(leaves)];
  let k = 1;
  while (k * 2 < n) k *= 2;
  return m <= k
    ? [...naiveSubproof(m, leaves.slice(0, k), complete), naiveRoot(leaves.slice(k))]
    : [...naiveSubproof(m - k, leaves.slice(k), false), naiveRoot(leaves.slice(0, k))];
}

/** The leaves of RFC 6962's test data, from which the vectors were made. */
const RFC_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((hex) => leafHash(Buffer.from(hex, 'hex')));

const leavesOf = (n: number, salt = 0) =>
  Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${salt}:${i}`)));

describe('RFC 6962 Merkle tree', () => {
  it('hashes leaves and nodes with their prefixes, and the empty tree as SHA-256 of nothing', () => {
    assert.equal(EMPTY_ROOT.toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    // RFC 6962 test data (transparency-dev/merkle rfc6962 tests): the leaf hash of the empty string.
    assert.equal(
      leafHash(Buffer.alloc(0)).toString('hex'),
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    assert.equal(rootHash([]).toString('hex'), EMPTY_ROOT.toString('hex'));
    assert.notDeepEqual(nodeHash(Buffer.alloc(32), Buffer.alloc(32)), leafHash(Buffer.alloc(64)));
  });

  const inclusion = vectorFiles('inclusion');
  it(`passes every inclusion vector and rejects every broken one (${inclusion.length} files)`, () => {
    assert.ok(inclusion.length > 50);
    let accepted = 0;
    for (const file of inclusion) {
      const v = JSON.parse(readFileSync(file, 'utf8'));
      const run = () => verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), b64s(v.proof), b64(v.root));
      if (v.wantErr) assert.throws(run, Error, `${file}: ${v.desc} must be rejected`);
      else {
        assert.doesNotThrow(run, `${file}: ${v.desc}`);
        accepted++;
      }
    }
    assert.ok(accepted >= 5, 'some vectors are happy paths');
  });

  const consistency = vectorFiles('consistency');
  it(`passes every consistency vector and rejects every broken one (${consistency.length} files)`, () => {
    assert.ok(consistency.length > 50);
    for (const file of consistency) {
      const v = JSON.parse(readFileSync(file, 'utf8'));
      const run = () => verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), b64s(v.proof));
      if (v.wantErr) assert.throws(run, Error, `${file}: ${v.desc} must be rejected`);
      else assert.doesNotThrow(run, `${file}: ${v.desc}`);
    }
  });

  it('generates exactly the proofs of the happy-path vectors, from the RFC 6962 test leaves', () => {
    let compared = 0;
    for (const file of inclusion.filter((f) => f.endsWith('happy-path.json'))) {
      const v = JSON.parse(readFileSync(file, 'utf8'));
      const index = RFC_LEAVES.findIndex((l) => l.equals(b64(v.leafHash)));
      if (index !== v.leafIdx || v.treeSize > RFC_LEAVES.length) continue;
      const tree = new MerkleTree(RFC_LEAVES, v.treeSize);
      assert.deepEqual(tree.root(), b64(v.root), file);
      assert.deepEqual(tree.inclusionProof(v.leafIdx), b64s(v.proof), file);
      compared++;
    }
    for (const file of consistency.filter((f) => f.endsWith('happy-path.json'))) {
      const v = JSON.parse(readFileSync(file, 'utf8'));
      if (v.size2 > RFC_LEAVES.length) continue;
      if (!new MerkleTree(RFC_LEAVES, v.size1).root().equals(b64(v.root1))) continue;
      assert.deepEqual(new MerkleTree(RFC_LEAVES, v.size2).root(), b64(v.root2), file);
      assert.deepEqual(consistencyProof(RFC_LEAVES, v.size1, v.size2), b64s(v.proof), file);
      compared++;
    }
    assert.ok(compared >= 4, `compared ${compared} vectors`);
  });

  it('matches a naive recursive RFC 6962 implementation for random sizes (roots, inclusion, consistency)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 1000 }),
        (n, i, j, salt) => {
          const leaves = leavesOf(n, salt);
          const tree = new MerkleTree(leaves);
          const root = naiveRoot(leaves);
          assert.deepEqual(tree.root(), root);
          assert.deepEqual(rootHash(leaves), root);
          const index = i % n;
          const proof = tree.inclusionProof(index);
          assert.deepEqual(proof, naivePath(index, leaves));
          assert.deepEqual(inclusionProof(leaves, index, n), proof);
          verifyInclusion(index, n, leaves[index] as Buffer, proof, root);
          const m = (j % n) + 1;
          const cproof = consistencyProof(leaves, m, n);
          assert.deepEqual(cproof, m === n ? [] : naiveSubproof(m, leaves, true));
          verifyConsistency(m, n, naiveRoot(leaves.slice(0, m)), root, cproof);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a proof against the wrong leaf, index, size or root, and any changed proof hash', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.nat(), fc.nat(), (n, i, flip) => {
        const leaves = leavesOf(n);
        const tree = new MerkleTree(leaves);
        const index = i % n;
        const proof = tree.inclusionProof(index);
        const root = tree.root();
        const leaf = leaves[index] as Buffer;
        assert.throws(() => verifyInclusion(index, n, leaves[(index + 1) % n] as Buffer, proof, root));
        assert.throws(() => verifyInclusion((index + 1) % n, n, leaf, proof, root));
        assert.throws(() => verifyInclusion(index, n + 1, leaf, proof, new MerkleTree([...leaves, leaf]).root()));
        if (proof.length > 0) {
          const bad = proof.map((p) => Buffer.from(p));
          const at = flip % bad.length;
          const target = bad[at] as Buffer;
          target[flip % 32] = (target[flip % 32] as number) ^ (1 << (flip % 8));
          assert.throws(() => verifyInclusion(index, n, leaf, bad, root));
          assert.throws(() => verifyInclusion(index, n, leaf, proof.slice(1), root));
          assert.throws(() => verifyInclusion(index, n, leaf, [...proof, leaf], root));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('builds proofs for a 100,000-leaf tree without recomputing it per proof', () => {
    const leaves = leavesOf(100_000);
    const started = performance.now();
    const tree = new MerkleTree(leaves);
    for (let i = 0; i < 100_000; i += 997)
      verifyInclusion(i, 100_000, leaves[i] as Buffer, tree.inclusionProof(i), tree.root());
    verifyConsistency(
      65_537,
      100_000,
      new MerkleTree(leaves, 65_537).root(),
      tree.root(),
      tree.consistencyProof(65_537),
    );
    assert.ok(performance.now() - started < 20_000);
  });
});
