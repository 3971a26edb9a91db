import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '../blobs/store.js';
import { decryptBlob } from '../crypto/blob-cipher.js';
import { Keyring } from '../crypto/keyring.js';
import type { MasterKey } from '../crypto/master-key.js';
import { type Database, openDatabase } from '../db/connect.js';
import { verifyNote } from '../ledger/checkpoint.js';
import { parseLeafData } from '../ledger/entry.js';
import { leafHash, MerkleTree } from '../ledger/merkle.js';
import { BackupError } from './format.js';
import type { Manifest } from './manifest.js';
import { openBackup, scanBackup } from './open.js';
import { restoreBackup } from './restore.js';

export interface VerifyReport {
  ok: boolean;
  /** One line per check ("ok    …" or "FAIL  …"), then the verdict. */
  lines: string[];
  /** From the backup's header, when it could be read. */
  backupId: string | null;
  backupCreatedAt: string | null;
  bytes: number | null;
}

interface Check {
  ok: boolean;
  text: string;
}

const LEAF_PAGE = 10_000;

const line = (c: Check) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.text}`;
const n = (x: number) => x.toLocaleString('en');

/**
 * `attest restore --verify FILE`: restores the backup into a scratch embedded database and blob
 * folder, then checks that the instance came back whole: rows per table and every blob's
 * ciphertext as the manifest says, every evidence file decrypts (with this master key) to the
 * SHA-256 its row records, and every organisation's ledger recomputes to its latest signed
 * checkpoint. The scratch folder is removed afterwards. A refusal (wrong key, damaged file)
 * is a failed verification, reported the same way.
 */
export async function verifyBackup(path: string, keys: MasterKey, now: () => Date): Promise<VerifyReport> {
  const checks: Check[] = [];
  let header: { backupId: string; createdAt: string } | null = null;
  let bytes: number | null = null;
  const scratch = await mkdtemp(join(tmpdir(), 'attest-verify-'));
  try {
    const backup = await openBackup(path, keys);
    header = backup.header;
    bytes = backup.size;
    const scanned = await scanBackup(backup);
    checks.push({
      ok: true,
      text: `file: ${n(backup.size)} bytes authenticate; backup ${backup.header.backupId} of ${backup.header.createdAt}, schema ${backup.header.schemaName}`,
    });
    const blobs = new FsBlobStore(join(scratch, 'blobs'));
    const dataDir = join(scratch, 'data');
    const restored = await restoreBackup(backup, scanned, { database: { dataDir }, blobs });
    checks.push({
      ok: true,
      text: `restore: ${n(restored.tables)} tables, ${n(restored.rows)} rows and ${n(restored.blobs)} files restored into a scratch instance in ${(restored.milliseconds / 1000).toFixed(1)} s`,
    });
    const database = await openDatabase({ dataDir });
    try {
      checks.push(await rowCounts(database, scanned.manifest));
      checks.push(await blobHashes(blobs, scanned.manifest));
      checks.push(await masterKeyCheck(database, keys));
      checks.push(await evidenceDecrypts(database, blobs, keys, now()));
      checks.push(...(await ledgers(database)));
    } finally {
      await database.close();
    }
  } catch (error) {
    // Whatever stops the restore or a check (a constraint the rows break, a missing file) fails it.
    const message = error instanceof Error ? error.message : String(error);
    checks.push({ ok: false, text: error instanceof BackupError ? message : `restore: it failed: ${message}` });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const failed = checks.filter((c) => !c.ok).length;
  const lines = checks.map(line);
  lines.push(
    failed === 0
      ? `Verified: the backup restores completely (${checks.length} checks passed).`
      : `NOT verified: ${failed} check(s) failed.`,
  );
  return {
    ok: failed === 0,
    lines,
    backupId: header?.backupId ?? null,
    backupCreatedAt: header?.createdAt ?? null,
    bytes,
  };
}

async function rowCounts(database: Database, manifest: Manifest): Promise<Check> {
  let rows = 0;
  for (const table of manifest.tables) {
    const { rows: r } = await database.query(
      `SELECT count(*)::bigint AS n FROM public."${table.name.replaceAll('"', '""')}"`,
    );
    const found = Number(r[0]?.n);
    if (found !== table.rows) {
      return {
        ok: false,
        text: `rows: table ${table.name} has ${n(found)} rows, the backup's manifest ${n(table.rows)}`,
      };
    }
    rows += found;
  }
  return { ok: true, text: `rows: all ${n(manifest.tables.length)} tables hold the manifest's ${n(rows)} rows` };
}

async function blobHashes(blobs: FsBlobStore, manifest: Manifest): Promise<Check> {
  for (const blob of manifest.blobs) {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of (await blobs.get(blob.key)) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
    }
    if (size !== blob.bytes || hash.digest('hex') !== blob.sha256) {
      return { ok: false, text: `files: ${blob.key} differs from the manifest (size or SHA-256)` };
    }
  }
  return { ok: true, text: `files: all ${n(manifest.blobs.length)} stored files match their SHA-256 in the manifest` };
}

async function masterKeyCheck(database: Database, keys: MasterKey): Promise<Check> {
  const { rows } = await database.query(`SELECT value FROM instance_settings WHERE key = 'master_key_check'`);
  const stored = rows[0]?.value as string | undefined;
  if (stored === undefined) return { ok: true, text: 'master key: the backup records no check value (first start)' };
  return stored === keys.checkValue()
    ? { ok: true, text: 'master key: it is the one the restored instance was set up with' }
    : { ok: false, text: 'master key: the restored instance was set up with another master key' };
}

async function evidenceDecrypts(database: Database, blobs: FsBlobStore, keys: MasterKey, now: Date): Promise<Check> {
  const keyring = await Keyring.open(database, keys, now);
  const { rows } = await database.query(
    'SELECT id, org_id, key_term, blob_key, sha256, size FROM evidence WHERE erased_at IS NULL ORDER BY org_id, id',
  );
  for (const row of rows as {
    id: string;
    org_id: string;
    key_term: number;
    blob_key: string;
    sha256: string;
    size: string;
  }[]) {
    const hash = createHash('sha256');
    let size = 0;
    try {
      const plaintext = (await blobs.get(row.blob_key)).pipe(
        decryptBlob((term) => keyring.dataKey(row.org_id, term), { orgId: row.org_id, objectId: row.id }),
      );
      for await (const chunk of plaintext as AsyncIterable<Buffer>) {
        hash.update(chunk);
        size += chunk.length;
      }
    } catch (error) {
      return { ok: false, text: `evidence: ${row.id} does not decrypt (${(error as Error).message})` };
    }
    if (size !== Number(row.size) || hash.digest('hex') !== row.sha256) {
      return { ok: false, text: `evidence: ${row.id} decrypts to content other than the SHA-256 its record holds` };
    }
  }
  return { ok: true, text: `evidence: all ${n(rows.length)} files decrypt to the SHA-256 their records hold` };
}

/** Per organisation: the stored leaves recompute to the root of the latest checkpoint, whose signature verifies. */
async function ledgers(database: Database): Promise<Check[]> {
  const { rows: orgs } = await database.query(
    `SELECT o.id, o.slug, coalesce(h.size, 0) AS size, k.name, k.verifier_key, c.size AS cp_size, c.root_hash, c.note
       FROM organizations o
       LEFT JOIN ledger_heads h ON h.org_id = o.id
       LEFT JOIN ledger_keys k ON k.org_id = o.id
       LEFT JOIN LATERAL (SELECT size, root_hash, note FROM ledger_checkpoints WHERE org_id = o.id
                           ORDER BY size DESC LIMIT 1) c ON true
      ORDER BY o.slug`,
  );
  const checks: Check[] = [];
  for (const org of orgs as {
    id: string;
    slug: string;
    size: number;
    name: string | null;
    verifier_key: string | null;
    cp_size: number | null;
    root_hash: Uint8Array | null;
    note: string | null;
  }[]) {
    checks.push(await ledgerOf(database, org));
  }
  if (checks.length === 0) checks.push({ ok: true, text: 'ledgers: there are no organisations' });
  return checks;
}

async function ledgerOf(
  database: Database,
  org: {
    id: string;
    slug: string;
    size: number;
    name: string | null;
    verifier_key: string | null;
    cp_size: number | null;
    root_hash: Uint8Array | null;
    note: string | null;
  },
): Promise<Check> {
  const label = `ledger of ${org.slug}`;
  if (org.cp_size === null || org.root_hash === null || org.note === null) {
    return { ok: true, text: `${label}: ${n(Number(org.size))} entries, no checkpoint signed yet` };
  }
  const size = Number(org.cp_size);
  if (Number(org.size) < size) {
    return { ok: false, text: `${label}: ${n(Number(org.size))} entries but a checkpoint of ${n(size)}` };
  }
  const hashes: Buffer[] = [];
  // A page of leaves at a time: a log of check results may hold millions.
  for (let from = 0; from < size; from += LEAF_PAGE) {
    const { rows } = await database.query(
      'SELECT idx, leaf_hash, leaf_data FROM ledger_leaves WHERE org_id = $1 AND idx >= $2 AND idx < $3 ORDER BY idx',
      [org.id, from, Math.min(size, from + LEAF_PAGE)],
    );
    for (const row of rows as { idx: number; leaf_hash: Uint8Array; leaf_data: Uint8Array }[]) {
      const i = hashes.length;
      const data = Buffer.from(row.leaf_data);
      const hash = Buffer.from(row.leaf_hash);
      if (Number(row.idx) !== i || !leafHash(data).equals(hash)) {
        return { ok: false, text: `${label}: entry ${i} is missing or does not match its hash` };
      }
      const leaf = (() => {
        try {
          return parseLeafData(data);
        } catch {
          return null;
        }
      })();
      if (leaf?.orgId !== org.id || leaf.index !== i) {
        return { ok: false, text: `${label}: entry ${i} belongs elsewhere in a log` };
      }
      hashes.push(hash);
    }
  }
  if (hashes.length !== size)
    return { ok: false, text: `${label}: ${n(hashes.length)} of ${n(size)} entries are there` };
  const root = new MerkleTree(hashes).root();
  if (!root.equals(Buffer.from(org.root_hash))) {
    return { ok: false, text: `${label}: the entries do not recompute to the checkpoint of ${n(size)}` };
  }
  if (!org.name || !org.verifier_key) return { ok: false, text: `${label}: the checkpoint's signing key is missing` };
  try {
    const signed = verifyNote(org.note, [{ name: org.name, publicKey: org.verifier_key }]);
    if (signed.size !== size || !signed.rootHash.equals(root)) throw new Error('the note is of another tree');
  } catch (error) {
    return { ok: false, text: `${label}: the checkpoint's signature does not verify (${(error as Error).message})` };
  }
  return { ok: true, text: `${label}: ${n(size)} entries recompute to the signed checkpoint` };
}
