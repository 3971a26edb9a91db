import { type Checkpoint, ledgerOrigin, parseVerifierKey, verifyNote } from './checkpoint.js';
import { parseLeafData } from './entry.js';
import { leafHash, verifyConsistency, verifyInclusion } from './merkle.js';

/**
 * The ledger half of `attest verify`: pure, no database, no network. Everything comes from the
 * bundle's manifest; the only thing trusted is the verifier key (which the auditor should
 * compare with the one the organisation publishes).
 */
export interface BundleManifest {
  orgId: string;
  origin: string;
  /** `<name>+<hex key hash>+<base64 key>` (src/ledger/checkpoint.ts). */
  verifierKey: string;
  /** The signed checkpoint note the proofs lead to. */
  checkpoint: string;
  items: {
    index: number;
    /** Base64 leaf data (src/ledger/entry.ts). */
    leafData: string;
    /** Base64 (or hex) hashes of the inclusion proof. */
    proof: string[];
    path?: string;
    sha256?: string;
    erased?: boolean;
  }[];
  /** From an earlier checkpoint (e.g. the one published before) to this one. */
  consistency?: { fromSize: number; fromRoot: string; proof: string[] };
}

export interface LedgerVerdict {
  items: { index: number; ok: boolean; problem?: string }[];
  checkpoint: { ok: boolean; problem?: string };
}

/** A SHA-256 written as 64 hex digits or as base64. */
export function decodeHash(text: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) throw new Error(`"${text.slice(0, 20)}…" is neither hex nor base64`);
  return bytes;
}

export function verifyBundleLedger(manifest: BundleManifest): LedgerVerdict {
  let checkpoint: Checkpoint | null = null;
  let checkpointProblem: string | undefined;
  try {
    checkpoint = openCheckpoint(manifest);
  } catch (error) {
    checkpointProblem = `checkpoint: ${(error as Error).message}`;
  }
  if (checkpoint && manifest.consistency) {
    const c = manifest.consistency;
    try {
      verifyConsistency(
        c.fromSize,
        checkpoint.size,
        decodeHash(c.fromRoot),
        checkpoint.rootHash,
        c.proof.map(decodeHash),
      );
    } catch (error) {
      checkpointProblem =
        `checkpoint: the log of size ${checkpoint.size} does not extend the earlier checkpoint of size ${c.fromSize} ` +
        `(history rewritten or rolled back): ${(error as Error).message}`;
    }
  }
  const seen = new Set<number>();
  const items = manifest.items.map((item) => {
    const problem = itemProblem(manifest, item, checkpoint, seen);
    seen.add(item.index);
    return problem ? { index: item.index, ok: false, problem } : { index: item.index, ok: true };
  });
  return { items, checkpoint: checkpointProblem ? { ok: false, problem: checkpointProblem } : { ok: true } };
}

function openCheckpoint(manifest: BundleManifest): Checkpoint {
  if (manifest.origin !== ledgerOrigin(manifest.orgId)) {
    throw new Error(`the log "${manifest.origin}" is not the one of organisation ${manifest.orgId}`);
  }
  const key = parseVerifierKey(manifest.verifierKey);
  if (key.name !== manifest.origin) throw new Error(`the verifier key is for "${key.name}", not "${manifest.origin}"`);
  const checkpoint = verifyNote(manifest.checkpoint, [{ name: key.name, publicKey: manifest.verifierKey }]);
  if (checkpoint.origin !== manifest.origin) {
    throw new Error(`the checkpoint is of the log "${checkpoint.origin}", not "${manifest.origin}"`);
  }
  return checkpoint;
}

function itemProblem(
  manifest: BundleManifest,
  item: BundleManifest['items'][number],
  checkpoint: Checkpoint | null,
  seen: Set<number>,
): string | null {
  const label = `item ${item.index}${item.path ? ` (${item.path})` : ''}`;
  if (!checkpoint) return `${label}: cannot be checked, the checkpoint is not valid`;
  if (seen.has(item.index)) return `${label}: listed twice`;
  let data: Buffer;
  let leaf: ReturnType<typeof parseLeafData>;
  try {
    data = Buffer.from(item.leafData, 'base64');
    leaf = parseLeafData(data);
  } catch (error) {
    return `${label}: the leaf data is malformed (${(error as Error).message})`;
  }
  if (leaf.orgId !== manifest.orgId) return `${label}: the leaf belongs to another organisation (${leaf.orgId})`;
  if (leaf.index !== item.index) return `${label}: the leaf is entry ${leaf.index} of the log (entries reordered)`;
  if (item.sha256 !== undefined && item.sha256 !== leaf.entry.contentHash) {
    return `${label}: the SHA-256 in the manifest is not the one the ledger committed to`;
  }
  if (item.index >= checkpoint.size) {
    return `${label}: not covered by the checkpoint (size ${checkpoint.size})`;
  }
  try {
    verifyInclusion(item.index, checkpoint.size, leafHash(data), item.proof.map(decodeHash), checkpoint.rootHash);
  } catch {
    return `${label}: inclusion proof does not lead to the checkpoint root (entry changed, missing or reordered)`;
  }
  return null;
}
