import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  BlobDecryptionError,
  CHUNK_SIZE,
  ciphertextSize,
  decryptBlob,
  encryptBlob,
  HEADER_SIZE,
  readBlobHeader,
  sha256Tap,
  TAG_SIZE,
} from './blob-cipher.js';

const KEY = randomBytes(32);
const CTX = { orgId: '7d9c1c1e-4b1e-4f55-9a55-6f1f3c2b9a01', objectId: 'c0ffee00-0000-4000-8000-000000000001' };
const SEGMENT = CHUNK_SIZE + TAG_SIZE;
const keyFor = async (_term: number) => KEY;

/** Feeds `data` in pieces cut at `cuts` (so chunk boundaries fall anywhere in a write). */
function source(data: Buffer, cuts: number[] = []): Readable {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let at = 0;
  for (const p of [...points, data.length]) {
    if (p > at) pieces.push(data.subarray(at, p));
    at = Math.max(at, p);
  }
  return Readable.from(pieces, { objectMode: false });
}

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const encrypt = (data: Buffer, cuts: number[] = [], ctx = CTX, term = 1) =>
  collect(source(data, cuts).pipe(encryptBlob(KEY, term, ctx)));

/** Decrypts, keeping what was emitted before an error (it must never be unauthenticated). */
async function decrypt(
  ciphertext: Buffer,
  ctx = CTX,
  keys: (term: number) => Promise<Buffer> = keyFor,
): Promise<{ plaintext: Buffer; error?: unknown }> {
  const parts: Buffer[] = [];
  try {
    await pipeline(
      source(ciphertext, [7, 70_000]),
      decryptBlob(keys, ctx),
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          parts.push(chunk);
          callback();
        },
      }),
    );
    return { plaintext: Buffer.concat(parts) };
  } catch (error) {
    return { plaintext: Buffer.concat(parts), error };
  }
}

/** A failed decryption: a BlobDecryptionError, and only whole, authentic chunks before the damage came out. */
function assertRefused(result: { plaintext: Buffer; error?: unknown }, original: Buffer, damagedChunk: number): void {
  assert.ok(
    result.error instanceof BlobDecryptionError,
    `refused with a BlobDecryptionError, got ${String(result.error)}`,
  );
  assert.equal(result.plaintext.length % CHUNK_SIZE, 0, 'only whole chunks were emitted');
  assert.ok(result.plaintext.length <= damagedChunk * CHUNK_SIZE, 'nothing from the damaged chunk or after it');
  assert.ok(original.subarray(0, result.plaintext.length).equals(result.plaintext), 'what came out is authentic');
}

const chunkOf = (byteOffset: number) => Math.max(0, Math.floor((byteOffset - HEADER_SIZE) / SEGMENT));

const sizes = fc.oneof(
  fc.constantFrom(0, 1, 15, 16, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 3 * CHUNK_SIZE + 5),
  fc.integer({ min: 0, max: 4 * CHUNK_SIZE }),
);
const plaintexts = sizes.map((n) => randomBytes(n));
const cuts = fc.array(fc.nat(), { maxLength: 6 });

describe('chunked blob encryption', () => {
  it('round-trips files of 0, 1, 65535, 65536, 65537 bytes and several chunks, however the writes are cut', async () => {
    for (const n of [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 5 * CHUNK_SIZE + 123]) {
      const data = randomBytes(n);
      const ciphertext = await encrypt(data, [3, CHUNK_SIZE, CHUNK_SIZE + 9]);
      assert.equal(ciphertext.length, ciphertextSize(n), `size of ${n}`);
      const out = await decrypt(ciphertext);
      assert.equal(out.error, undefined, `${n}: ${String(out.error)}`);
      assert.ok(out.plaintext.equals(data), `round trip of ${n} bytes`);
    }
    await fc.assert(
      fc.asyncProperty(plaintexts, cuts, cuts, async (data, encryptCuts, _decryptCuts) => {
        const out = await decrypt(await encrypt(data, encryptCuts));
        return out.error === undefined && out.plaintext.equals(data);
      }),
      { numRuns: 40 },
    );
  });

  it('an empty file is still one final chunk (a tag), and a cut-off empty file fails', async () => {
    const ciphertext = await encrypt(Buffer.alloc(0));
    assert.equal(ciphertext.length, HEADER_SIZE + TAG_SIZE);
    assertRefused(await decrypt(ciphertext.subarray(0, HEADER_SIZE)), Buffer.alloc(0), 0);
  });

  it('names the data-key term in the header and asks for that key', async () => {
    const ciphertext = await encrypt(randomBytes(100), [], CTX, 7);
    assert.deepEqual(readBlobHeader(ciphertext), { version: 1, term: 7 });
    const asked: number[] = [];
    const out = await decrypt(ciphertext, CTX, async (term) => {
      asked.push(term);
      return KEY;
    });
    assert.equal(out.error, undefined);
    assert.deepEqual(asked, [7]);
    assertRefused(await decrypt(ciphertext, CTX, async () => randomBytes(32)), Buffer.alloc(0), 0);
  });

  it('never stores the plaintext, not even a repetitive one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 32, maxLength: 3 * CHUNK_SIZE }).map((a) => Buffer.from(a)),
          fc
            .tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 32, max: 200_000 }))
            .map(([unit, n]) => Buffer.from(unit.repeat(Math.ceil(n / unit.length)).slice(0, n))),
        ),
        fc.nat(),
        async (data, at) => {
          fc.pre(data.length >= 32);
          const ciphertext = await encrypt(data);
          const start = at % (data.length - 31);
          return !ciphertext.includes(data) && !ciphertext.includes(data.subarray(start, start + 32));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('encrypts the same file twice to different bytes', async () => {
    await fc.assert(
      fc.asyncProperty(plaintexts, async (data) => {
        const [a, b] = [await encrypt(data), await encrypt(data)];
        return !a.equals(b) && !a.subarray(HEADER_SIZE).equals(b.subarray(HEADER_SIZE));
      }),
      { numRuns: 20 },
    );
  });

  it('refuses any single flipped bit, emitting nothing of the damaged chunk', async () => {
    await fc.assert(
      fc.asyncProperty(plaintexts, fc.nat(), async (data, bit) => {
        const ciphertext = await encrypt(data);
        const at = bit % (ciphertext.length * 8);
        const damaged = Buffer.from(ciphertext);
        damaged[at >> 3] = (damaged[at >> 3] as number) ^ (1 << (at & 7));
        assertRefused(await decrypt(damaged), data, chunkOf(at >> 3));
      }),
      { numRuns: 80 },
    );
  });

  it('refuses every truncation, and bytes added at the end', async () => {
    await fc.assert(
      fc.asyncProperty(
        plaintexts,
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: SEGMENT + 20 }),
        async (data, cut, extra) => {
          const ciphertext = await encrypt(data);
          const length = cut % ciphertext.length;
          assertRefused(await decrypt(ciphertext.subarray(0, length)), data, chunkOf(length));
          const longer = Buffer.concat([ciphertext, extra]);
          assertRefused(await decrypt(longer), data, Math.max(0, Math.ceil(data.length / CHUNK_SIZE) - 1));
        },
      ),
      { numRuns: 40 },
    );
    // Cut exactly at a chunk boundary: every chunk left authenticates, but the final one is missing.
    const data = randomBytes(3 * CHUNK_SIZE + 10);
    const ciphertext = await encrypt(data);
    const out = await decrypt(ciphertext.subarray(0, HEADER_SIZE + 2 * SEGMENT));
    assert.ok(out.error instanceof BlobDecryptionError);
    assert.match(String(out.error), /final chunk is missing|does not authenticate/);
  });

  it('refuses chunks swapped, repeated or dropped', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2 * CHUNK_SIZE + 1, max: 5 * CHUNK_SIZE }),
        fc.nat(),
        fc.nat(),
        async (n, x, y) => {
          const data = randomBytes(n);
          const ciphertext = await encrypt(data);
          const header = ciphertext.subarray(0, HEADER_SIZE);
          const chunks: Buffer[] = [];
          for (let at = HEADER_SIZE; at < ciphertext.length; at += SEGMENT)
            chunks.push(ciphertext.subarray(at, at + SEGMENT));
          const i = x % chunks.length;
          const j = (i + 1 + (y % (chunks.length - 1))) % chunks.length;
          const swapped = [...chunks];
          [swapped[i], swapped[j]] = [chunks[j] as Buffer, chunks[i] as Buffer];
          assertRefused(await decrypt(Buffer.concat([header, ...swapped])), data, Math.min(i, j));
          const repeated = [...chunks.slice(0, i + 1), chunks[i] as Buffer, ...chunks.slice(i + 1)];
          assertRefused(await decrypt(Buffer.concat([header, ...repeated])), data, i + 1);
          const dropped = chunks.filter((_, k) => k !== i);
          assertRefused(await decrypt(Buffer.concat([header, ...dropped])), data, i);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("refuses a ciphertext moved to another organisation or object, or given another one's header", async () => {
    await fc.assert(
      fc.asyncProperty(plaintexts, fc.uuid(), fc.boolean(), async (data, other, moveOrg) => {
        fc.pre(other !== CTX.orgId && other !== CTX.objectId);
        const ciphertext = await encrypt(data);
        const elsewhere = moveOrg ? { ...CTX, orgId: other } : { ...CTX, objectId: other };
        assertRefused(await decrypt(ciphertext, elsewhere), data, 0);
        // The same key, but the chunks under another file's header (salt and nonce prefix).
        const otherFile = await encrypt(data);
        const spliced = Buffer.concat([otherFile.subarray(0, HEADER_SIZE), ciphertext.subarray(HEADER_SIZE)]);
        assertRefused(await decrypt(spliced), data, 0);
      }),
      { numRuns: 20 },
    );
  });

  it('emits each chunk as soon as the next byte arrives, so nothing waits for the whole file', async () => {
    const encryptor = encryptBlob(KEY, 1, CTX);
    const out: Buffer[] = [];
    encryptor.on('data', (d: Buffer) => out.push(d));
    encryptor.write(randomBytes(CHUNK_SIZE));
    await new Promise((r) => setImmediate(r));
    assert.equal(Buffer.concat(out).length, HEADER_SIZE, 'a full chunk is held until it is known not to be the last');
    encryptor.write(randomBytes(1));
    await new Promise((r) => setImmediate(r));
    assert.equal(Buffer.concat(out).length, HEADER_SIZE + SEGMENT, 'the first chunk is out before the end');
    const ciphertext = await new Promise<Buffer>((resolve) => {
      encryptor.on('end', () => resolve(Buffer.concat(out)));
      encryptor.end();
    });
    const decryptor = decryptBlob(keyFor, CTX);
    const plain: Buffer[] = [];
    decryptor.on('data', (d: Buffer) => plain.push(d));
    decryptor.write(ciphertext.subarray(0, HEADER_SIZE + SEGMENT + 1));
    await new Promise((r) => setImmediate(r));
    assert.equal(Buffer.concat(plain).length, CHUNK_SIZE, 'the first authenticated chunk is out before the end');
  });

  it('streams 384 MiB through encrypt, decrypt and hashing in constant memory', async () => {
    const total = 384 * 1024 * 1024;
    const piece = randomBytes(1024 * 1024);
    let produced = 0;
    const input = new Readable({
      read() {
        if (produced >= total) return void this.push(null);
        produced += piece.length;
        this.push(piece);
      },
    });
    const before = sha256Tap();
    const after = sha256Tap();
    let peak = 0;
    let bytes = 0;
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    await pipeline(
      input,
      before.stream,
      encryptBlob(KEY, 1, CTX),
      decryptBlob(keyFor, CTX),
      after.stream,
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          bytes += chunk.length;
          if ((bytes & 0xfffff) === 0) peak = Math.max(peak, process.memoryUsage().rss);
          callback();
        },
      }),
    );
    assert.equal(bytes, total);
    assert.equal(after.digest(), before.digest());
    const expected = createHash('sha256');
    for (let i = 0; i < total / piece.length; i++) expected.update(piece);
    assert.equal(before.digest(), expected.digest('hex'));
    const growth = (peak - baseline) / (1024 * 1024);
    assert.ok(growth < 96, `RSS grew by ${growth.toFixed(1)} MiB while streaming 384 MiB`);
  });
});
