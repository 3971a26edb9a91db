import { randomBytes } from 'node:crypto';
import { type Dirent, constants as fsConstants } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobNotFound, type BlobStore, checkBlobKey } from './blob-store.js';

/** Where writes in progress live, beside the objects (one file system, so rename is atomic). */
const TEMP_DIR = '.tmp';

/**
 * Objects as files under `dir` (mode 0600, folders 0700). A write goes to `.tmp/<random>`, is
 * flushed to disk, renamed into place, and the folder is flushed too, so after a crash the key
 * holds either the whole object or nothing; `sweepTemporary` removes what crashes left in `.tmp`.
 */
export class FsBlobStore implements BlobStore {
  constructor(readonly dir: string) {}

  async put(key: string, source: Readable): Promise<{ bytes: number }> {
    const target = this.#path(key);
    const tempDir = join(this.dir, TEMP_DIR);
    await mkdir(tempDir, { recursive: true, mode: 0o700 });
    const temp = join(tempDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    let bytes = 0;
    try {
      const file = await open(temp, 'wx', 0o600);
      try {
        bytes = await writeFlushing(source, file);
      } finally {
        await file.close();
      }
      const created = await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      await rename(temp, target);
      await syncDir(dirname(target));
      // New folders must reach their parents' entries too, up to one that existed before.
      for (let d = dirname(target); created && d !== dirname(created) && d.length > this.dir.length; d = dirname(d)) {
        await syncDir(dirname(d));
      }
    } catch (error) {
      await rm(temp, { force: true });
      source.destroy();
      throw error;
    }
    return { bytes };
  }

  async get(key: string): Promise<Readable> {
    try {
      const file = await open(this.#path(key), fsConstants.O_RDONLY);
      // 1 MiB reads: one trip to libuv's pool per MiB instead of per 64 KiB.
      return file.createReadStream({ highWaterMark: 1024 * 1024 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFound(key);
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.#path(key), { force: true });
  }

  async *list(prefix: string): AsyncIterable<{ key: string; modifiedAt: Date }> {
    // Start at the deepest folder the prefix names in full; filter the rest by name.
    const folders = prefix.split('/').slice(0, -1);
    if (folders.length > 0) checkBlobKey(folders.join('/'));
    yield* this.#walk(folders.join('/'), prefix);
  }

  async sweepTemporary(olderThan: Date): Promise<number> {
    const tempDir = join(this.dir, TEMP_DIR);
    let removed = 0;
    for (const name of await readdir(tempDir).catch(() => [] as string[])) {
      const path = join(tempDir, name);
      const info = await stat(path).catch(() => null);
      if (info?.isFile() && info.mtime < olderThan) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  async *#walk(relative: string, prefix: string): AsyncIterable<{ key: string; modifiedAt: Date }> {
    let entries: Dirent[];
    try {
      entries = await readdir(relative ? join(this.dir, relative) : this.dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const key = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (prefix.startsWith(`${key}/`) || key.startsWith(prefix)) yield* this.#walk(key, prefix);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        const info = await stat(join(this.dir, key)).catch(() => null);
        if (info) yield { key, modifiedAt: info.mtime };
      }
    }
  }

  #path(key: string): string {
    return join(this.dir, ...checkBlobKey(key).split('/'));
  }
}

/** How much is written between two flushes to disk while a file is being stored. */
const FLUSH_EVERY = 32 * 1024 * 1024;
/** Bytes gathered into one write: one trip to libuv's pool instead of one per 64 KiB chunk. */
const WRITE_BATCH = 2 * 1024 * 1024;
/** Writes on the pool at once, each at its own offset: the stream goes on while they run. */
const WRITES_IN_FLIGHT = 2;

/**
 * Writes `source` into `file` and flushes it to disk. Chunks are gathered into 2 MiB writes, up
 * to two of them under way at once at their own offsets, so hashing and encrypting go on while
 * the pool writes; at most WRITE_BATCH × (WRITES_IN_FLIGHT + 1) bytes wait in memory. The flushes
 * start while the data still arrives (every FLUSH_EVERY bytes, one at a time), so the disk works
 * during the upload and the final fsync only has the tail to write. Answers the bytes written.
 */
async function writeFlushing(source: Readable, file: FileHandle): Promise<number> {
  let batch: Buffer[] = [];
  let batched = 0;
  let position = 0;
  let unflushed = 0;
  let failure: unknown = null;
  let flushing: Promise<void> | null = null;
  const writes = new Set<Promise<void>>();

  const flushIfDue = (written: number) => {
    unflushed += written;
    if (unflushed < FLUSH_EVERY || flushing) return;
    unflushed = 0;
    flushing = file
      .datasync()
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => {
        flushing = null;
      });
  };
  const issue = () => {
    const buffers = batch;
    const size = batched;
    const at = position;
    batch = [];
    batched = 0;
    position += size;
    const write: Promise<void> = writeAllAt(file, buffers, at)
      .then(
        () => flushIfDue(size),
        (error: unknown) => {
          failure ??= error;
        },
      )
      .finally(() => writes.delete(write));
    writes.add(write);
  };
  const settled = (callback: (error?: Error | null) => void) => () => callback((failure as Error | null) ?? null);

  const sink = new Writable({
    highWaterMark: WRITE_BATCH,
    write(chunk: Buffer, _encoding, callback) {
      if (failure) return callback(failure as Error);
      batch.push(chunk);
      batched += chunk.length;
      if (batched < WRITE_BATCH) return callback();
      issue();
      if (writes.size < WRITES_IN_FLIGHT) return callback();
      void Promise.race(writes).then(settled(callback));
    },
    final(callback) {
      if (batched > 0) issue();
      void Promise.all(writes).then(settled(callback));
    },
    // The file is closed after this returns: no write may still be using it.
    destroy(error, callback) {
      void Promise.allSettled(writes).then(() => callback(error));
    },
  });
  await pipeline(source, sink);
  await flushing;
  if (failure) throw failure;
  // fsync flushes the file's data and its metadata (size, blocks) to disk.
  await file.sync();
  return position;
}

/** Writes `buffers` at `position`, going on until every byte is written (a write may be short). */
async function writeAllAt(file: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  const total = buffers.reduce((n, b) => n + b.length, 0);
  let { bytesWritten } = await file.writev(buffers, position);
  while (bytesWritten < total) {
    const rest = Buffer.concat(buffers).subarray(bytesWritten);
    bytesWritten += (await file.write(rest, 0, rest.length, position + bytesWritten)).bytesWritten;
  }
}

async function syncDir(path: string): Promise<void> {
  const dir = await open(path, fsConstants.O_RDONLY | (sep === '/' ? fsConstants.O_DIRECTORY : 0));
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
