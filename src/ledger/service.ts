import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { sql } from 'kysely';
import type { Keyring } from '../crypto/keyring.js';
import type { Tx } from '../db/tenancy.js';
import { checkpointBody, ledgerOrigin, parseVerifierKey, signNote, verifierKey } from './checkpoint.js';
import { checkEntry, type LedgerEntry, leafData } from './entry.js';
import { leafHash, MerkleTree, verifyConsistency } from './merkle.js';

/**
 * The organisation's ledger in the database (ARCHITECTURE.md, "The evidence ledger"). Every
 * function runs in the caller's transaction, scoped to the organisation: appending in the
 * transaction that writes the business row makes the leaf exist exactly when the row does.
 *
 * Hashes standing alone (leaf hash, root hash) are hex; proof paths are base64 (as in C2SP).
 */

/** What signing needs: the keyring holding the organisation data key that seals the signing key. */
export interface LedgerKeys {
  keyring: Pick<Keyring, 'currentDataKey' | 'dataKey'>;
}

export interface CheckpointInfo {
  size: number;
  /** Hex SHA-256 root of the first `size` leaves. */
  rootHash: string;
  /** The signed note (C2SP tlog-checkpoint). */
  note: string;
  createdAt: string;
}

export class LedgerIntegrityError extends Error {}

/**
 * Appends a leaf. The index comes from the organisation's counter row, incremented here: its
 * row lock serialises concurrent appends until the caller commits, and a rollback takes the
 * increment back with the leaf, so indexes have no gaps.
 */
export async function appendToLedger(
  tx: Tx,
  orgId: string,
  entry: Omit<LedgerEntry, 'at'>,
  now: Date,
): Promise<{ index: number; leafHash: string }> {
  const full: LedgerEntry = { ...entry, at: now.toISOString() };
  checkEntry(orgId, 0, full);
  const { rows } = await sql<{ idx: number }>`
    INSERT INTO ledger_heads (org_id, size, updated_at) VALUES (${orgId}, 1, ${now.toISOString()})
    ON CONFLICT (org_id) DO UPDATE SET size = ledger_heads.size + 1, updated_at = excluded.updated_at
    RETURNING size - 1 AS idx`.execute(tx);
  const index = Number(rows[0]?.idx);
  const data = leafData(orgId, index, full);
  const hash = leafHash(data);
  await tx
    .insertInto('ledger_leaves')
    .values({
      org_id: orgId,
      idx: index,
      leaf_hash: hash,
      leaf_data: data,
      kind: entry.kind,
      ref_id: entry.refId,
      created_at: now,
    })
    .execute();
  return { index, leafHash: hash.toString('hex') };
}

/** Appends several leaves at once (one counter update, one insert): for bulk writers such as check results. */
export async function appendManyToLedger(
  tx: Tx,
  orgId: string,
  entries: Omit<LedgerEntry, 'at'>[],
  now: Date,
): Promise<{ index: number; leafHash: string }[]> {
  if (entries.length === 0) return [];
  const at = now.toISOString();
  for (const entry of entries) checkEntry(orgId, 0, { ...entry, at });
  const { rows } = await sql<{ first: number }>`
    INSERT INTO ledger_heads (org_id, size, updated_at) VALUES (${orgId}, ${entries.length}, ${at})
    ON CONFLICT (org_id) DO UPDATE SET size = ledger_heads.size + ${entries.length}, updated_at = excluded.updated_at
    RETURNING size - ${entries.length} AS first`.execute(tx);
  const first = Number(rows[0]?.first);
  const leaves = entries.map((entry, i) => {
    const data = leafData(orgId, first + i, { ...entry, at });
    return { entry, index: first + i, data, hash: leafHash(data) };
  });
  // Kept well under PostgreSQL's 65,535 parameters per statement.
  for (let start = 0; start < leaves.length; start += 5000) {
    await tx
      .insertInto('ledger_leaves')
      .values(
        leaves.slice(start, start + 5000).map((l) => ({
          org_id: orgId,
          idx: l.index,
          leaf_hash: l.hash,
          leaf_data: l.data,
          kind: l.entry.kind,
          ref_id: l.entry.refId,
          created_at: now,
        })),
      )
      .execute();
  }
  return leaves.map((l) => ({ index: l.index, leafHash: l.hash.toString('hex') }));
}

/** The log's current size (0 before the first leaf). */
export async function ledgerSize(tx: Tx, orgId: string): Promise<number> {
  const head = await tx.selectFrom('ledger_heads').select('size').where('org_id', '=', orgId).executeTakeFirst();
  return head ? Number(head.size) : 0;
}

const checkpointColumns = ['size', 'root_hash', 'note', 'created_at'] as const;

function toCheckpoint(row: { size: number; root_hash: Uint8Array; note: string; created_at: Date }): CheckpointInfo {
  return {
    size: Number(row.size),
    rootHash: Buffer.from(row.root_hash).toString('hex'),
    note: row.note,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function latestCheckpoint(tx: Tx, orgId: string): Promise<CheckpointInfo | null> {
  const row = await tx
    .selectFrom('ledger_checkpoints')
    .select(checkpointColumns)
    .where('org_id', '=', orgId)
    .orderBy('size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toCheckpoint(row) : null;
}

/** Checkpoint history, newest first; `before` is the size to continue below (the previous page's cursor). */
export async function listCheckpoints(
  tx: Tx,
  orgId: string,
  page: { before?: number; limit: number },
): Promise<{ items: CheckpointInfo[]; nextCursor: number | null }> {
  let query = tx
    .selectFrom('ledger_checkpoints')
    .select(checkpointColumns)
    .where('org_id', '=', orgId)
    .orderBy('size', 'desc')
    .limit(page.limit + 1);
  if (page.before !== undefined) query = query.where('size', '<', page.before);
  const rows = await query.execute();
  const items = rows.slice(0, page.limit).map(toCheckpoint);
  return { items, nextCursor: rows.length > page.limit ? (items[items.length - 1]?.size ?? null) : null };
}

/**
 * Signs a checkpoint of the log as it is now, or returns the latest one when the size has not
 * changed. Before signing, the stored leaves must still extend the previous checkpoint: a log
 * changed under the database's feet is refused rather than signed.
 */
export async function makeCheckpoint(tx: Tx, orgId: string, now: Date, keys: LedgerKeys): Promise<CheckpointInfo> {
  const size = await ledgerSize(tx, orgId);
  const latest = await latestCheckpoint(tx, orgId);
  if (latest && latest.size === size) return latest;
  if (latest && latest.size > size) {
    throw new LedgerIntegrityError(
      `The ledger has ${size} leaves but was checkpointed at ${latest.size}: it was rolled back.`,
    );
  }
  const tree = new MerkleTree(await loadLeafHashes(tx, orgId, size));
  const root = tree.root();
  if (latest && latest.size > 0) {
    try {
      verifyConsistency(
        latest.size,
        size,
        Buffer.from(latest.rootHash, 'hex'),
        root,
        tree.consistencyProof(latest.size),
      );
    } catch (error) {
      throw new LedgerIntegrityError(
        `The stored ledger no longer extends its checkpoint of size ${latest.size} (${(error as Error).message}); nothing was signed.`,
      );
    }
  }
  const signer = await signingKey(tx, orgId, now, keys);
  const note = signNote(checkpointBody({ origin: signer.name, size, rootHash: root }), signer);
  // Two makers at once: the second waits for the first and keeps its row.
  await tx
    .insertInto('ledger_checkpoints')
    .values({ org_id: orgId, size, root_hash: root, note, created_at: now })
    .onConflict((oc) => oc.columns(['org_id', 'size']).doNothing())
    .execute();
  const row = await tx
    .selectFrom('ledger_checkpoints')
    .select(checkpointColumns)
    .where('org_id', '=', orgId)
    .where('size', '=', size)
    .executeTakeFirstOrThrow();
  return toCheckpoint(row);
}

/**
 * Leaf data and inclusion proofs of `indexes` in the tree of the first `checkpointSize` leaves
 * (the tree is built once for all of them). Each stored leaf hash is checked against its data,
 * and the root against the checkpoint of that size when there is one.
 */
export async function proofBundle(
  tx: Tx,
  orgId: string,
  indexes: number[],
  checkpointSize: number,
): Promise<{ leaves: { index: number; leafData: string; proof: string[] }[]; rootHash: string }> {
  const wanted = [...new Set(indexes)];
  for (const i of wanted) {
    if (!Number.isSafeInteger(i) || i < 0 || i >= checkpointSize) {
      throw new RangeError(`Leaf ${i} is not in a ledger of ${checkpointSize} leaves.`);
    }
  }
  const hashes = await loadLeafHashes(tx, orgId, checkpointSize);
  const tree = new MerkleTree(hashes);
  const root = tree.root();
  const stored = await tx
    .selectFrom('ledger_checkpoints')
    .select('root_hash')
    .where('org_id', '=', orgId)
    .where('size', '=', checkpointSize)
    .executeTakeFirst();
  if (stored && !root.equals(Buffer.from(stored.root_hash))) {
    throw new LedgerIntegrityError(`The stored leaves do not match the signed checkpoint of size ${checkpointSize}.`);
  }
  const data = new Map<number, Buffer>();
  if (wanted.length > 0) {
    const rows = await tx
      .selectFrom('ledger_leaves')
      .select(['idx', 'leaf_data'])
      .where('org_id', '=', orgId)
      .where('idx', '>=', Math.min(...wanted))
      .where('idx', '<=', Math.max(...wanted))
      .execute();
    for (const row of rows) data.set(Number(row.idx), Buffer.from(row.leaf_data));
  }
  const leaves = wanted.map((index) => {
    const bytes = data.get(index);
    if (!bytes || !leafHash(bytes).equals(hashes[index] as Buffer)) {
      throw new LedgerIntegrityError(`The data of ledger leaf ${index} does not match its stored hash.`);
    }
    return { index, leafData: bytes.toString('base64'), proof: tree.inclusionProof(index).map(base64) };
  });
  return { leaves, rootHash: root.toString('hex') };
}

/** The consistency proof (base64 hashes) from the tree of `fromSize` leaves to the one of `toSize`. */
export async function consistencyFrom(tx: Tx, orgId: string, fromSize: number, toSize: number): Promise<string[]> {
  if (fromSize > toSize) throw new RangeError(`Cannot prove ${fromSize} leaves consistent with fewer (${toSize}).`);
  return new MerkleTree(await loadLeafHashes(tx, orgId, toSize)).consistencyProof(fromSize).map(base64);
}

/**
 * The organisation's verifier key (`<name>+<key hash>+<key>`). The signing key is made on first
 * use, which needs `keys`; without them an organisation that has none yet is an error.
 */
export async function orgVerifierKey(tx: Tx, orgId: string, keys?: LedgerKeys): Promise<string> {
  const row = await tx.selectFrom('ledger_keys').select('verifier_key').where('org_id', '=', orgId).executeTakeFirst();
  if (row) return row.verifier_key;
  if (!keys) throw new Error(`The organisation ${orgId} has no ledger signing key yet: make a checkpoint first.`);
  const signer = await signingKey(tx, orgId, new Date(), keys);
  return signer.verifierKey;
}

/** The first `size` leaf hashes, in order; a missing leaf is an integrity error, not a shorter tree. */
async function loadLeafHashes(tx: Tx, orgId: string, size: number): Promise<Buffer[]> {
  if (size === 0) return [];
  const rows = await tx
    .selectFrom('ledger_leaves')
    .select(['idx', 'leaf_hash'])
    .where('org_id', '=', orgId)
    .where('idx', '<', size)
    .orderBy('idx')
    .execute();
  if (rows.length !== size) {
    throw new LedgerIntegrityError(`The ledger should hold ${size} leaves and holds ${rows.length}.`);
  }
  return rows.map((r, i) => {
    if (Number(r.idx) !== i) throw new LedgerIntegrityError(`Ledger leaf ${i} is missing.`);
    return Buffer.from(r.leaf_hash);
  });
}

const base64 = (b: Buffer) => b.toString('base64');

interface Signer {
  name: string;
  privateKey: KeyObject;
  verifierKey: string;
}

/** The organisation's Ed25519 checkpoint key, made (once, whoever asks first) on first use. */
async function signingKey(tx: Tx, orgId: string, now: Date, keys: LedgerKeys): Promise<Signer> {
  const read = () =>
    tx
      .selectFrom('ledger_keys')
      .select(['name', 'verifier_key', 'key_term', 'private_key_sealed'])
      .where('org_id', '=', orgId)
      .executeTakeFirst();
  let row = await read();
  if (!row) {
    const { term, key } = await keys.keyring.currentDataKey(orgId, tx);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const name = ledgerOrigin(orgId);
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    await tx
      .insertInto('ledger_keys')
      .values({
        org_id: orgId,
        name,
        verifier_key: verifierKey(name, publicKey),
        key_term: term,
        private_key_sealed: seal(key, pkcs8, sealContext(orgId, term)),
        created_at: now,
      })
      .onConflict((oc) => oc.column('org_id').doNothing())
      .execute();
    row = await read();
    if (!row) throw new Error(`Could not create a ledger signing key for the organisation ${orgId}.`);
  }
  const dataKey = await keys.keyring.dataKey(orgId, row.key_term, tx);
  let privateKey: KeyObject;
  try {
    const pkcs8 = open(dataKey, Buffer.from(row.private_key_sealed), sealContext(orgId, row.key_term));
    privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch {
    throw new LedgerIntegrityError(
      `The ledger signing key of the organisation ${orgId} does not open: it was changed.`,
    );
  }
  if (verifierKey(row.name, privateKey) !== row.verifier_key) {
    throw new LedgerIntegrityError(`The ledger signing key of ${orgId} does not match its stored verifier key.`);
  }
  parseVerifierKey(row.verifier_key);
  return { name: row.name, privateKey, verifierKey: row.verifier_key };
}

const sealContext = (orgId: string, term: number) => `attest ledger signing key v1\0${orgId}\0${term}`;

/** AES-256-GCM: iv (12) ‖ tag (16) ‖ ciphertext, the organisation and key term bound as associated data. */
function seal(key: Buffer, plaintext: Buffer, context: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function open(key: Buffer, sealed: Buffer, context: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
}
