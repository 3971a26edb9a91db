import { randomBytes } from 'node:crypto';
import { createWriteStream, type Dirent, constants as fsConstants } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { type Readable, Transform } from 'node:stream';
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
      const counter = new Transform({
        transform(data: Buffer, _encoding, callback) {
          bytes += data.length;
          callback(null, data);
        },
      });
      await pipeline(source, counter, createWriteStream(temp, { flags: 'wx', mode: 0o600 }));
      // fsync flushes the file (not only this descriptor's writes) to disk.
      const file = await open(temp, 'r');
      try {
        await file.sync();
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

async function syncDir(path: string): Promise<void> {
  const dir = await open(path, fsConstants.O_RDONLY | (sep === '/' ? fsConstants.O_DIRECTORY : 0));
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
