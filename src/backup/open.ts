import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { BlobDecryptionError, CHUNK_SIZE, decryptBlob } from '../crypto/blob-cipher.js';
import type { MasterKey } from '../crypto/master-key.js';
import { type ArchiveEntry, readArchive } from './archive.js';
import { BackupError, type BackupHeader, keyCheckOf, readPrefix, streamContext } from './format.js';
import { MANIFEST_ENTRY, Manifest } from './manifest.js';

export interface OpenedBackup {
  path: string;
  /** How messages name the file. */
  name: string;
  size: number;
  header: BackupHeader;
  headerJson: Buffer;
  streamOffset: number;
  key: Buffer;
}

/**
 * Opens a backup file: checks its plaintext header and unwraps its key with the master key.
 * Reads nothing of the encrypted part yet.
 */
export async function openBackup(path: string, keys: MasterKey): Promise<OpenedBackup> {
  const name = basename(path);
  const file = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new BackupError(
      error.code === 'ENOENT' ? `There is no file ${path}.` : `Cannot read ${path} (${error.code ?? error.message}).`,
    );
  });
  try {
    const { size } = await file.stat();
    const prefix = await readPrefix(file, size, name);
    if (keyCheckOf((p, d) => keys.mac(p, d), prefix.header.backupId) !== prefix.header.keyCheck) {
      throw new BackupError(
        `${name} was made with a different master key. Give the master key of the instance it came from (ATTEST_MASTER_KEY, or --key-file with its master.key); nothing was written.`,
      );
    }
    let key: Buffer;
    try {
      key = keys.unwrapKey(Buffer.from(prefix.header.wrappedKey, 'base64'));
    } catch {
      throw new BackupError(`${name} is corrupted: its wrapped key does not open although the master key is right.`);
    }
    return { path, name, size, ...prefix, key };
  } finally {
    await file.close();
  }
}

/**
 * The archive entries of an opened backup, decrypted as they are read. A chunk that does not
 * authenticate stops the reading with "corrupted at chunk N"; nothing of it is passed on.
 */
export function readEntries(backup: OpenedBackup): AsyncGenerator<ArchiveEntry> {
  const ctx = streamContext(backup.header.backupId, backup.headerJson);
  const decrypted = createReadStream(backup.path, { start: backup.streamOffset }).pipe(
    decryptBlob(async () => backup.key, ctx),
  );
  const plaintext = (async function* () {
    let bytes = 0;
    try {
      for await (const chunk of decrypted as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        yield chunk;
      }
    } catch (error) {
      if (error instanceof BlobDecryptionError) {
        const chunk = Math.floor(bytes / CHUNK_SIZE);
        throw new BackupError(
          `${backup.name} is corrupted at chunk ${chunk} (near byte ${backup.streamOffset + chunk * (CHUNK_SIZE + 16)}): it changed after it was written. Use another copy; nothing was written.`,
        );
      }
      throw error;
    } finally {
      decrypted.destroy();
    }
  })();
  return readArchive(plaintext);
}

export interface ScannedBackup {
  manifest: Manifest;
  /** Rows per table as found in the archive. */
  tables: Map<string, number>;
}

/**
 * Reads the whole backup once without writing anything: every chunk authenticates, the archive
 * is complete, and its rows and blobs are what its manifest says. A restore does this first,
 * so a damaged file is refused before anything is created.
 */
export async function scanBackup(backup: OpenedBackup): Promise<ScannedBackup> {
  const tables = new Map<string, number>();
  const blobs = new Map<string, { bytes: number; sha256: string }>();
  let manifest: Manifest | undefined;
  for await (const entry of readEntries(backup)) {
    if (manifest) throw inconsistent(backup, 'it has entries after its manifest');
    if (entry.kind === 'table') {
      let rows = 0;
      for await (const frame of entry.body) rows += countLines(frame);
      tables.set(entry.name, rows);
    } else if (entry.kind === 'blob') {
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const frame of entry.body) {
        hash.update(frame);
        bytes += frame.length;
      }
      blobs.set(entry.name, { bytes, sha256: hash.digest('hex') });
    } else {
      if (entry.name !== MANIFEST_ENTRY) throw inconsistent(backup, `it has an unknown entry "${entry.name}"`);
      const parts: Buffer[] = [];
      for await (const frame of entry.body) parts.push(frame);
      const parsed = Manifest.safeParse(JSONparse(Buffer.concat(parts).toString('utf8')));
      if (!parsed.success) throw inconsistent(backup, 'its manifest cannot be read');
      manifest = parsed.data;
    }
  }
  if (!manifest) throw inconsistent(backup, 'its manifest is missing');
  if (manifest.backupId !== backup.header.backupId) throw inconsistent(backup, 'its manifest is of another backup');
  for (const t of manifest.tables) {
    const found = tables.get(t.name);
    if (found !== t.rows)
      throw inconsistent(backup, `table ${t.name} has ${found ?? 'no'} rows, the manifest says ${t.rows}`);
  }
  if (tables.size !== manifest.tables.length) throw inconsistent(backup, 'it has tables its manifest does not list');
  for (const b of manifest.blobs) {
    const found = blobs.get(b.key);
    if (!found || found.bytes !== b.bytes || found.sha256 !== b.sha256) {
      throw inconsistent(backup, `the stored file ${b.key} is not the one its manifest describes`);
    }
  }
  if (blobs.size !== manifest.blobs.length) throw inconsistent(backup, 'it has files its manifest does not list');
  return { manifest, tables };
}

function countLines(frame: Buffer): number {
  let n = 0;
  for (let at = frame.indexOf(0x0a); at !== -1; at = frame.indexOf(0x0a, at + 1)) n++;
  return n;
}

const JSONparse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const inconsistent = (backup: OpenedBackup, what: string) =>
  new BackupError(`${backup.name} is not a complete Attest backup: ${what}. Use another backup; nothing was written.`);
