import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Chunked streaming encryption of files (evidence blobs), after the STREAM construction
 * (Hoang, Reyhanitabar, Rogaway, Vizár 2015) as Tink's AES-GCM-HKDF streaming AEAD uses it:
 *
 *   header (32 bytes): "ATBL" ‖ version 0x01 ‖ data-key term (uint32 BE) ‖ salt (16) ‖ nonce prefix (7)
 *   chunks:            AES-256-GCM(plaintext chunk of ≤ 64 KiB) ‖ tag (16), one after another
 *
 * Each file gets its own key, HKDF-SHA256(data key, salt, "attest-blob v1" ‖ org ‖ object), so
 * random nonces never repeat under one key however many files an organisation stores. The
 * nonce of chunk i is prefix ‖ i (uint32 BE) ‖ last (0x01 on the final chunk, else 0x00); the
 * associated data is the header, the organisation and the object id. So a chunk that is
 * flipped, dropped, moved, repeated, or copied into another file or organisation fails its tag,
 * and a stream cut at a chunk boundary lacks its final chunk. Every chunk but the last holds
 * exactly CHUNK_SIZE bytes of plaintext; an empty file is one final, empty chunk.
 */
export const CHUNK_SIZE = 65_536;
export const TAG_SIZE = 16;
export const HEADER_SIZE = 32;
const MAGIC = Buffer.from('ATBL', 'latin1');
const VERSION = 0x01;
const SALT_SIZE = 16;
const PREFIX_SIZE = 7;
const MAX_CHUNKS = 0xffff_ffff;

export interface BlobContext {
  orgId: string;
  objectId: string;
}

export class BlobDecryptionError extends Error {}

/** Ciphertext length of a plaintext of `bytes` bytes (header, chunks and tags). */
export function ciphertextSize(bytes: number): number {
  const chunks = Math.max(1, Math.ceil(bytes / CHUNK_SIZE));
  return HEADER_SIZE + bytes + chunks * TAG_SIZE;
}

function fileKey(dataKey: Buffer, salt: Buffer, ctx: BlobContext): Buffer {
  if (dataKey.length !== 32) throw new Error('A blob data key is 32 bytes.');
  const info = Buffer.concat([
    Buffer.from('attest-blob v1\0', 'latin1'),
    lengthPrefixed(ctx.orgId),
    lengthPrefixed(ctx.objectId),
  ]);
  return Buffer.from(hkdfSync('sha256', dataKey, salt, info, 32));
}

function associatedData(header: Buffer, ctx: BlobContext): Buffer {
  return Buffer.concat([header, lengthPrefixed(ctx.orgId), lengthPrefixed(ctx.objectId)]);
}

function lengthPrefixed(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function chunkNonce(prefix: Buffer, index: number, last: boolean): Buffer {
  if (index > MAX_CHUNKS) throw new Error('The file is too large for one blob (2^32 chunks).');
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, PREFIX_SIZE);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/**
 * Holds incoming bytes until `need` of them are there, without copying them: a chunk is handed
 * on as the pieces it arrived in, so the transforms below keep at most one chunk (plus the
 * write in hand) in memory and never copy plaintext.
 */
class Pending {
  #parts: Buffer[] = [];
  length = 0;

  push(data: Buffer): void {
    if (data.length === 0) return;
    this.#parts.push(data);
    this.length += data.length;
  }

  /** Removes the first `n` bytes (n ≤ length) and returns them as the pieces they are in. */
  takeParts(n: number): Buffer[] {
    const out: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const part = this.#parts[0] as Buffer;
      if (part.length <= need) {
        out.push(part);
        this.#parts.shift();
        need -= part.length;
      } else {
        out.push(part.subarray(0, need));
        this.#parts[0] = part.subarray(need);
        need = 0;
      }
    }
    this.length -= n;
    return out;
  }

  /** Removes and returns the first `n` bytes (n ≤ length) in one buffer. */
  take(n: number): Buffer {
    const parts = this.takeParts(n);
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, n);
  }
}

/** Plaintext in, ciphertext out, under the organisation's data key of `term`. */
export function encryptBlob(key: Buffer, term: number, ctx: BlobContext): Transform {
  const salt = randomBytes(SALT_SIZE);
  const prefix = randomBytes(PREFIX_SIZE);
  const header = Buffer.alloc(HEADER_SIZE);
  MAGIC.copy(header, 0);
  header[4] = VERSION;
  header.writeUInt32BE(term, 5);
  salt.copy(header, 9);
  prefix.copy(header, 9 + SALT_SIZE);
  const k = fileKey(key, salt, ctx);
  const aad = associatedData(header, ctx);
  const pending = new Pending();
  let index = 0;

  /** Encrypts one chunk, given as pieces, and passes on its ciphertext pieces and tag. */
  const seal = (stream: Transform, plaintext: Buffer[], last: boolean): void => {
    const cipher = createCipheriv('aes-256-gcm', k, chunkNonce(prefix, index++, last));
    cipher.setAAD(aad);
    for (const piece of plaintext) stream.push(cipher.update(piece));
    cipher.final();
    stream.push(cipher.getAuthTag());
  };

  return new Transform({
    construct(callback) {
      this.push(header);
      callback();
    },
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      try {
        pending.push(data);
        // A chunk is sealed as "not last" only once a byte after it has arrived.
        while (pending.length > CHUNK_SIZE) seal(this, pending.takeParts(CHUNK_SIZE), false);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        seal(this, pending.takeParts(pending.length), true);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

/** The header of an encrypted blob: its format version and data-key term. */
export function readBlobHeader(header: Buffer): { version: number; term: number } {
  if (header.length < HEADER_SIZE || !header.subarray(0, 4).equals(MAGIC)) {
    throw new BlobDecryptionError('This is not an Attest encrypted blob (the header is missing or wrong).');
  }
  const version = header[4] as number;
  if (version !== VERSION) throw new BlobDecryptionError(`Unknown encrypted blob format version ${version}.`);
  return { version, term: header.readUInt32BE(5) };
}

/**
 * Ciphertext in, plaintext out. The key is asked for by the term the header names. A chunk's
 * plaintext is passed on only after its tag is checked; any change, cut or addition fails the
 * stream with a BlobDecryptionError.
 */
export function decryptBlob(keyFor: (term: number) => Promise<Buffer>, ctx: BlobContext): Transform {
  const pending = new Pending();
  const segment = CHUNK_SIZE + TAG_SIZE;
  let state: { k: Buffer; prefix: Buffer; aad: Buffer } | undefined;
  let index = 0;

  /** Opens the next `size` bytes (one chunk and its tag); passes its plaintext on once the tag checks. */
  const open = (stream: Transform, size: number, last: boolean): void => {
    if (!state) throw new BlobDecryptionError('The encrypted blob ends inside its header.');
    if (size < TAG_SIZE) throw new BlobDecryptionError('The encrypted blob is truncated: its final chunk is missing.');
    const chunk = index++;
    const decipher = createDecipheriv('aes-256-gcm', state.k, chunkNonce(state.prefix, chunk, last));
    decipher.setAAD(state.aad);
    const plaintext = pending.takeParts(size - TAG_SIZE).map((piece) => decipher.update(piece));
    decipher.setAuthTag(pending.take(TAG_SIZE));
    try {
      decipher.final();
    } catch {
      throw new BlobDecryptionError(
        `The encrypted blob does not authenticate at chunk ${chunk}: it was changed, cut, reordered, or belongs to another object.`,
      );
    }
    for (const piece of plaintext) stream.push(piece);
  };

  return new Transform({
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      pending.push(data);
      void (async () => {
        if (!state) {
          if (pending.length < HEADER_SIZE) return;
          const header = pending.take(HEADER_SIZE);
          const { term } = readBlobHeader(header);
          const salt = header.subarray(9, 9 + SALT_SIZE);
          state = {
            k: fileKey(await keyFor(term), salt, ctx),
            prefix: Buffer.from(header.subarray(9 + SALT_SIZE, HEADER_SIZE)),
            aad: associatedData(Buffer.from(header), ctx),
          };
        }
        // A full segment is known not to be the last only once a byte after it has arrived.
        while (pending.length > segment) open(this, segment, false);
      })().then(() => callback(), callback);
    },
    flush(callback: TransformCallback) {
      try {
        if (!state) throw new BlobDecryptionError('The encrypted blob is truncated inside its header.');
        open(this, pending.length, true);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

/** A pass-through that hashes what flows through it (SHA-256, hex once the stream has ended). */
export function sha256Tap(): { stream: Transform; digest(): string } {
  const hash = createHash('sha256');
  let hex: string | undefined;
  const stream = new Transform({
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      hash.update(data);
      callback(null, data);
    },
    flush(callback: TransformCallback) {
      hex = hash.digest('hex');
      callback();
    },
  });
  return {
    stream,
    digest() {
      if (hex === undefined) throw new Error('The stream has not ended yet: its SHA-256 is not known.');
      return hex;
    },
  };
}
