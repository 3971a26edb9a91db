import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, constants as fsConstants } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobNotFound } from '../blobs/store.js';
import type { AppContext } from '../context.js';
import { encryptBlob } from '../crypto/blob-cipher.js';
import { newId } from '../crypto/random.js';
import { ArchiveWriter } from './archive.js';
import { dumpDatabase } from './dump.js';
import { BackupError, type BackupHeader, encodePrefix, keyCheckOf, streamContext, writeFileLength } from './format.js';
import { MANIFEST_ENTRY, type Manifest } from './manifest.js';

export type BackupContext = Pick<AppContext, 'database' | 'blobs' | 'keys' | 'clock'>;

export interface BackupResult {
  backupId: string;
  file: string;
  bytes: number;
  startedAt: Date;
  finishedAt: Date;
  tables: number;
  rows: number;
  blobs: number;
  blobBytes: number;
  organisations: number;
}

/**
 * `attest backup --out FILE`: the whole instance (every table, every blob its rows refer to)
 * in one encrypted file. The database is read in one snapshot; the blobs after it, as the
 * ciphertext they already are (a blob never changes once written, and blobs added after the
 * snapshot are not referred to by it). The file is written under a temporary name, flushed and
 * renamed, so `FILE` is either a complete backup or untouched.
 */
export async function createBackup(ctx: BackupContext, out: string): Promise<BackupResult> {
  if (!isAbsolute(out)) throw new BackupError('Give the backup file as an absolute path (--out FILE).');
  const startedAt = ctx.clock.now();
  const backupId = newId();
  const latest = (await ctx.database.query('SELECT version, name FROM schema_migrations ORDER BY version DESC LIMIT 1'))
    .rows[0] as { version: number; name: string } | undefined;
  if (!latest) throw new BackupError('The database has no schema yet: there is nothing to back up.');
  const key = randomBytes(32);
  const header: BackupHeader = {
    backupId,
    createdAt: startedAt.toISOString(),
    schemaVersion: Number(latest.version),
    schemaName: latest.name,
    engine: ctx.database.kind,
    keyCheck: keyCheckOf((p, d) => ctx.keys.mac(p, d), backupId),
    wrappedKey: ctx.keys.wrapKey(key).toString('base64'),
  };
  const { bytes: prefix, headerJson } = encodePrefix(header);

  const temp = join(dirname(out), `.${basename(out)}.${process.pid}.${randomBytes(4).toString('hex')}.partial`);
  let bytes = 0;
  let input: PassThrough | undefined;
  let done: Promise<void> | undefined;
  try {
    const file = await open(temp, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
      throw new BackupError(`Cannot write the backup next to ${out} (${error.code ?? error.message}).`);
    });
    try {
      await file.write(prefix, 0, prefix.length, 0);
    } finally {
      await file.close();
    }
    input = new PassThrough({ highWaterMark: 1024 * 1024 });
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        callback(null, chunk);
      },
    });
    done = pipeline(
      input,
      encryptBlob(key, 0, streamContext(backupId, headerJson)),
      counter,
      createWriteStream(temp, { flags: 'r+', start: prefix.length }),
    );
    done.catch(() => undefined);
    const archive = new ArchiveWriter(input, done);
    const snapshot = await dumpDatabase(ctx.database, (table, body) => archive.entry('table', table, body));
    const blobs: Manifest['blobs'] = [];
    for (const blobKey of snapshot.blobs) blobs.push(await copyBlob(ctx, archive, blobKey));
    const finishedAt = ctx.clock.now();
    const manifest: Manifest = {
      format: 1,
      backupId,
      createdAt: header.createdAt,
      finishedAt: finishedAt.toISOString(),
      migrations: snapshot.migrations,
      tables: snapshot.tables,
      blobs,
      organisations: snapshot.organisations,
    };
    await archive.entry('manifest', MANIFEST_ENTRY, Buffer.from(JSON.stringify(manifest), 'utf8'));
    await archive.finish();
    await done;
    const total = prefix.length + bytes;
    const complete = await open(temp, 'r+');
    try {
      await writeFileLength(complete, total);
      await complete.sync();
    } finally {
      await complete.close();
    }
    await rename(temp, out);
    await syncDir(dirname(out));
    return {
      backupId,
      file: out,
      bytes: total,
      startedAt,
      finishedAt,
      tables: snapshot.tables.length,
      rows: snapshot.tables.reduce((n, t) => n + t.rows, 0),
      blobs: blobs.length,
      blobBytes: blobs.reduce((n, b) => n + b.bytes, 0),
      organisations: snapshot.organisations.length,
    };
  } catch (error) {
    // Ends the stream into the file (its descriptor closes) before the file goes.
    input?.destroy();
    await done?.catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}

/** One blob into the archive, as stored (ciphertext), hashed on the way. */
async function copyBlob(ctx: BackupContext, archive: ArchiveWriter, key: string): Promise<Manifest['blobs'][number]> {
  const source = await ctx.blobs.get(key).catch((error: unknown) => {
    if (error instanceof BlobNotFound) {
      throw new BackupError(
        `The stored file ${key} that the database refers to is missing (erased while the backup ran, or lost). Run the backup again; if it fails the same way, the blob store has lost data.`,
      );
    }
    throw error;
  });
  const hash = createHash('sha256');
  let bytes = 0;
  await archive.entry(
    'blob',
    key,
    (async function* () {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        hash.update(chunk);
        bytes += chunk.length;
        yield chunk;
      }
    })(),
  );
  return { key, bytes, sha256: hash.digest('hex') };
}

async function syncDir(path: string): Promise<void> {
  const dir = await open(path, fsConstants.O_RDONLY);
  try {
    await dir.sync();
  } catch {
    // Some file systems do not flush folders; the rename is still atomic.
  } finally {
    await dir.close();
  }
}
