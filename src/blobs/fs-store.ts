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
      return file.createReadStream();
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

/**
 * Writes `source` into `file` and flushes it to disk. The flushes start while the data still
 * arrives (every FLUSH_EVERY bytes, one at a time, on libuv's pool), so the disk works while
 * the stream is hashed and encrypted instead of all at the end; the final fsync only has the
 * tail to write. Answers the number of bytes written.
 */
async function writeFlushing(source: Readable, file: FileHandle): Promise<number> {
  let bytes = 0;
  let unflushed = 0;
  let flushing: Promise<void> | null = null;
  let flushError: unknown = null;
  const sink = new Writable({
    highWaterMark: 1024 * 1024,
    writev(chunks, callback) {
      writeAll(
        file,
        chunks.map(({ chunk }) => chunk as Buffer),
      ).then((written) => {
        bytes += written;
        unflushed += written;
        if (flushError) return callback(flushError as Error);
        if (unflushed >= FLUSH_EVERY && !flushing) {
          unflushed = 0;
          flushing = file
            .datasync()
            .catch((error: unknown) => {
              flushError = error;
            })
            .finally(() => {
              flushing = null;
            });
        }
        callback();
      }, callback);
    },
  });
  await pipeline(source, sink);
  await flushing;
  if (flushError) throw flushError;
  // fsync flushes the file's data and its metadata (size, blocks) to disk.
  await file.sync();
  return bytes;
}

/** writev until every byte is written (a write to a file may be short). */
async function writeAll(file: FileHandle, buffers: Buffer[]): Promise<number> {
  const total = buffers.reduce((n, b) => n + b.length, 0);
  let { bytesWritten } = await file.writev(buffers);
  while (bytesWritten < total) {
    const rest = Buffer.concat(buffers).subarray(bytesWritten);
    bytesWritten += (await file.write(rest)).bytesWritten;
  }
  return total;
}

async function syncDir(path: string): Promise<void> {
  const dir = await open(path, fsConstants.O_RDONLY | (sep === '/' ? fsConstants.O_DIRECTORY : 0));
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
