import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { z } from 'zod';
import type { BlobContext } from '../crypto/blob-cipher.js';

/**
 * The backup file (ARCHITECTURE.md, "Backups"):
 *
 *   "ATTESTBK" ‖ format (uint16 BE) ‖ file length (uint64 BE) ‖ header length (uint32 BE)
 *   ‖ SHA-256 of the header (32) ‖ header (JSON)
 *   then one stream encrypted with blob-cipher (chunked AES-256-GCM) under a random backup key
 *
 * The header says what the backup is (id, time, schema) and holds the backup key wrapped under
 * the master key, with a MAC under the master key that tells a wrong key from a damaged file.
 * The encrypted stream's associated data binds the backup id and the SHA-256 of the header, so
 * a changed header fails the first chunk. The file length is written last, once the stream is
 * complete. The length and the header's SHA-256 are not secrets and not authenticated: they
 * tell a cut file ("truncated") or a damaged header from a changed stream ("corrupted at chunk
 * N") and from a wrong master key, cases the encryption would refuse either way.
 */
export const MAGIC = Buffer.from('ATTESTBK', 'latin1');
export const FORMAT_VERSION = 1;
/** magic (8) ‖ format (2) ‖ file length (8) ‖ header length (4) ‖ header SHA-256 (32). */
export const PREFIX_SIZE = 54;
const LENGTH_OFFSET = 10;
const MAX_HEADER = 64 * 1024;

export const BackupHeader = z.object({
  backupId: z.uuid(),
  createdAt: z.iso.datetime(),
  /** The newest migration applied to the database that was backed up. */
  schemaVersion: z.number().int().min(1),
  schemaName: z.string(),
  engine: z.enum(['pglite', 'postgres']),
  /** HMAC under the master key of the backup id: a different key gives a different value. */
  keyCheck: z.string().min(1),
  /** The backup key, AES key wrap (RFC 3394) under the master key. */
  wrappedKey: z.base64(),
});
export type BackupHeader = z.infer<typeof BackupHeader>;

/** A refusal the operator can act on; nothing was written when it is thrown. */
export class BackupError extends Error {}

export const keyCheckOf = (mac: (purpose: string, data: string) => string, backupId: string) =>
  mac('attest backup key check v1', backupId);

/** The blob-cipher context of a backup's stream: the backup id and its exact header bytes. */
export function streamContext(backupId: string, headerJson: Buffer): BlobContext {
  return {
    orgId: 'attest-backup v1',
    objectId: `${backupId}:${createHash('sha256').update(headerJson).digest('hex')}`,
  };
}

/** The plaintext prefix and header, with the file length still 0 (set by `writeFileLength`). */
export function encodePrefix(header: BackupHeader): { bytes: Buffer; headerJson: Buffer } {
  const headerJson = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(PREFIX_SIZE);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt16BE(FORMAT_VERSION, 8);
  prefix.writeBigUInt64BE(0n, LENGTH_OFFSET);
  prefix.writeUInt32BE(headerJson.length, 18);
  createHash('sha256').update(headerJson).digest().copy(prefix, 22);
  return { bytes: Buffer.concat([prefix, headerJson]), headerJson };
}

export async function writeFileLength(file: FileHandle, length: number): Promise<void> {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(length));
  await file.write(bytes, 0, 8, LENGTH_OFFSET);
}

export interface OpenedPrefix {
  header: BackupHeader;
  headerJson: Buffer;
  /** Where the encrypted stream starts. */
  streamOffset: number;
}

/**
 * Reads and checks the plaintext part of a backup file of `size` bytes: that it is one, of a
 * format this build reads, complete, and not longer than written.
 */
export async function readPrefix(file: FileHandle, size: number, name: string): Promise<OpenedPrefix> {
  const prefix = Buffer.alloc(PREFIX_SIZE);
  const { bytesRead } = await file.read(prefix, 0, PREFIX_SIZE, 0);
  if (bytesRead < MAGIC.length || !prefix.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new BackupError(`${name} is not an Attest backup (it does not start with the backup file signature).`);
  }
  if (bytesRead < PREFIX_SIZE) throw new BackupError(`${name} is truncated: it ends inside its header.`);
  const format = prefix.readUInt16BE(8);
  if (format > FORMAT_VERSION) {
    throw new BackupError(
      `${name} was written by a newer Attest (backup format ${format}; this version reads up to ${FORMAT_VERSION}). Restore it with that version or newer.`,
    );
  }
  if (format < 1) throw new BackupError(`${name} is corrupted: its format number (${format}) is not valid.`);
  const declared = Number(prefix.readBigUInt64BE(LENGTH_OFFSET));
  if (declared === 0) {
    throw new BackupError(
      `${name} is incomplete: the backup that wrote it did not finish. Use another backup, or make a new one.`,
    );
  }
  if (size < declared) {
    throw new BackupError(`${name} is truncated: it has ${size} of its ${declared} bytes. Use a complete copy.`);
  }
  if (size > declared) {
    throw new BackupError(
      `${name} is corrupted: it has ${size - declared} byte(s) more than the ${declared} the backup wrote.`,
    );
  }
  const headerLength = prefix.readUInt32BE(18);
  if (headerLength > MAX_HEADER || PREFIX_SIZE + headerLength > size) {
    throw new BackupError(`${name} is corrupted: its header length (${headerLength}) is not possible.`);
  }
  const headerJson = Buffer.alloc(headerLength);
  await file.read(headerJson, 0, headerLength, PREFIX_SIZE);
  if (!createHash('sha256').update(headerJson).digest().equals(prefix.subarray(22, PREFIX_SIZE))) {
    throw new BackupError(`${name} is corrupted: its header does not match its checksum.`);
  }
  let header: BackupHeader;
  try {
    header = BackupHeader.parse(JSON.parse(headerJson.toString('utf8')));
  } catch {
    throw new BackupError(`${name} is corrupted: its header cannot be read.`);
  }
  return { header, headerJson, streamOffset: PREFIX_SIZE + headerLength };
}
