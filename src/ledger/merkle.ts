import { createHash } from 'node:crypto';

/**
 * Merkle tree hashing, inclusion and consistency proofs as in RFC 6962 (verification as
 * RFC 9162 §2.1.3.2 and §2.1.4.2 write it): SHA-256, leaf prefix 0x00, node prefix 0x01.
 * Pure: no database, used by the server and by the offline verifier alike.
 */

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);
const HASH_BYTES = 32;

/** The root of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/**
 * A tree over the first `size` leaf hashes, every level computed once (O(n) hashes), so each
 * proof afterwards is O(log n) lookups. Level k holds the hashes of the subtrees of 2^k
 * leaves, the last one covering what is left at the right edge (an odd node is carried up
 * unchanged): exactly the subtrees RFC 6962's recursive definition splits the tree into.
 */
export class MerkleTree {
  private readonly levels: Buffer[][];

  constructor(
    leafHashes: readonly Buffer[],
    readonly size = leafHashes.length,
  ) {
    checkSize(size, 'tree size');
    if (size > leafHashes.length) {
      throw new Error(`a tree of size ${size} needs ${size} leaves, only ${leafHashes.length} were given`);
    }
    let level = leafHashes.slice(0, size);
    this.levels = [level];
    while (level.length > 1) {
      const next: Buffer[] = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i] as Buffer, level[i + 1] as Buffer));
      if (level.length % 2 === 1) next.push(level[level.length - 1] as Buffer);
      this.levels.push(next);
      level = next;
    }
  }

  root(): Buffer {
    return this.size === 0 ? EMPTY_ROOT : (this.levels[this.levels.length - 1]?.[0] as Buffer);
  }

  /** The audit path of leaf `index`, from the leaf's sibling up to the root's child. */
  inclusionProof(index: number): Buffer[] {
    checkSize(index, 'leaf index');
    if (index >= this.size) throw new Error(`leaf index ${index} is outside a tree of size ${this.size}`);
    const proof: Buffer[] = [];
    let i = index;
    for (let k = 0; k < this.levels.length - 1; k++) {
      const level = this.levels[k] as Buffer[];
      const sibling = i % 2 === 1 ? i - 1 : i + 1;
      if (sibling < level.length) proof.push(level[sibling] as Buffer);
      i = Math.floor(i / 2);
    }
    return proof;
  }

  /** RFC 6962 §2.1.2 SUBPROOF(m, D[0:n], true): proves this tree extends its first `m` leaves. */
  consistencyProof(m: number): Buffer[] {
    checkSize(m, 'earlier tree size');
    if (m > this.size) throw new Error(`earlier tree size ${m} is larger than the tree (${this.size})`);
    if (m === 0 || m === this.size) return [];
    const proof: Buffer[] = [];
    this.subproof(m, 0, this.size, true, proof);
    return proof;
  }

  private subproof(m: number, start: number, n: number, complete: boolean, out: Buffer[]): void {
    if (m === n) {
      if (!complete) out.push(this.rangeHash(start, n));
      return;
    }
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      this.subproof(m, start, k, complete, out);
      out.push(this.rangeHash(start + k, n - k));
    } else {
      this.subproof(m - k, start + k, n - k, false, out);
      out.push(this.rangeHash(start, k));
    }
  }

  /**
   * The hash of leaves [start, start + count): in the recursion above such a range is either a
   * whole aligned subtree or ends at the tree's right edge, so it is one node of one level.
   */
  private rangeHash(start: number, count: number): Buffer {
    const k = count <= 1 ? 0 : Math.ceil(Math.log2(count));
    const width = 2 ** k;
    const node = this.levels[k]?.[start / width];
    if (start % width !== 0 || !node || (start + count !== this.size && count !== width)) {
      throw new Error(`internal: leaves [${start}, ${start + count}) are not one subtree of a tree of ${this.size}`);
    }
    return node;
  }
}

export function rootHash(leafHashes: Buffer[]): Buffer {
  return new MerkleTree(leafHashes).root();
}

/** One proof on the first `size` leaves. Many proofs on one tree: build a MerkleTree once. */
export function inclusionProof(leafHashes: Buffer[], index: number, size: number): Buffer[] {
  return new MerkleTree(leafHashes, size).inclusionProof(index);
}

/** Proves the tree of the first `n` leaves extends the tree of the first `m`. */
export function consistencyProof(leafHashes: Buffer[], m: number, n: number): Buffer[] {
  return new MerkleTree(leafHashes, n).consistencyProof(m);
}

/** Throws unless `proof` leads from `leafHashValue` at `index` to `root` in a tree of `size` leaves. */
export function verifyInclusion(
  index: number,
  size: number,
  leafHashValue: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkSize(index, 'leaf index');
  checkSize(size, 'tree size');
  if (index >= size) throw new Error(`leaf index ${index} is outside a tree of size ${size}`);
  checkHash(leafHashValue, 'leaf hash');
  checkHash(root, 'root hash');
  for (const [i, p] of proof.entries()) checkHash(p, `proof hash ${i}`);
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHashValue);
  for (const p of proof) {
    if (sn === 0) throw new Error(`the inclusion proof is too long (${proof.length} hashes) for a tree of ${size}`);
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new Error(`the inclusion proof is too short (${proof.length} hashes) for a tree of ${size}`);
  if (!r.equals(root)) throw new Error('the inclusion proof does not lead to the root hash');
}

/** Throws unless `proof` shows the tree of `n` leaves (root `rootN`) extends the one of `m` (root `rootM`). */
export function verifyConsistency(
  m: number,
  n: number,
  rootM: Uint8Array,
  rootN: Uint8Array,
  proof: readonly Uint8Array[] | null,
): void {
  checkSize(m, 'earlier tree size');
  checkSize(n, 'later tree size');
  const path = proof ?? [];
  if (m > n) throw new Error(`the earlier tree (${m}) is larger than the later one (${n}): the log was rolled back`);
  if (m === n) {
    if (path.length > 0) throw new Error('trees of the same size need an empty consistency proof');
    if (!Buffer.from(rootM).equals(rootN)) throw new Error(`two different root hashes for the same tree size ${m}`);
    if (m === 0 && !EMPTY_ROOT.equals(rootM)) throw new Error('the root hash of the empty tree is wrong');
    return;
  }
  // Every tree extends the empty one: such a "proof" would prove nothing, so it is refused.
  if (m === 0) throw new Error('a consistency proof from the empty tree proves nothing');
  if (path.length === 0) throw new Error(`the consistency proof from ${m} to ${n} is empty`);
  checkHash(rootM, 'earlier root hash');
  checkHash(rootN, 'later root hash');
  for (const [i, p] of path.entries()) checkHash(p, `proof hash ${i}`);

  const hashes = isPowerOfTwo(m) ? [rootM, ...path] : [...path];
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = Buffer.from(hashes[0] as Uint8Array);
  let sr = fr;
  for (const c of hashes.slice(1)) {
    if (sn === 0) throw new Error(`the consistency proof is too long (${path.length} hashes) for ${m} → ${n}`);
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new Error(`the consistency proof is too short (${path.length} hashes) for ${m} → ${n}`);
  if (!fr.equals(rootM)) throw new Error(`the consistency proof does not lead to the earlier root (size ${m})`);
  if (!sr.equals(rootN)) throw new Error(`the consistency proof does not lead to the later root (size ${n})`);
}

function checkSize(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${what} must be a whole number ≥ 0, not ${value}`);
}

function checkHash(value: Uint8Array, what: string): void {
  if (value.length !== HASH_BYTES) throw new Error(`${what} must be ${HASH_BYTES} bytes, not ${value.length}`);
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** Math.floor(Math.log2(n)) === n;
}

/** The largest power of two strictly below n (n ≥ 2). */
function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
