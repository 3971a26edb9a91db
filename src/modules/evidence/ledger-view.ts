import { parseLeafData } from '../../ledger/entry.js';
import { leafHash, verifyInclusion } from '../../ledger/merkle.js';

/** A SHA-256 as the ledger hands it over: 64 hex digits, or base64. */
export function decodeHash(text: string): Buffer {
  return /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
}

/** The content hash a leaf commits to (base64 leaf data), or null when it is not a leaf. */
export function leafContentHash(leafDataB64: string): string | null {
  try {
    return parseLeafData(Buffer.from(leafDataB64, 'base64')).entry.contentHash;
  } catch {
    return null;
  }
}

/** Whether the leaf's inclusion proof leads to `root` in a tree of `size` leaves. */
export function leafProofVerifies(
  index: number,
  size: number,
  leafDataB64: string,
  proof: string[],
  root: string,
): boolean {
  try {
    verifyInclusion(index, size, leafHash(Buffer.from(leafDataB64, 'base64')), proof.map(decodeHash), decodeHash(root));
    return true;
  } catch {
    return false;
  }
}
