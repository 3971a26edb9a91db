import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { BackupError } from './format.js';

/**
 * The archive inside a backup's encrypted stream: entries one after another, each
 *
 *   'E' ‖ kind ('T' table, 'B' blob, 'M' manifest) ‖ name length (uint16 BE) ‖ name (UTF-8)
 *   ‖ frames: length (uint32 BE) ‖ bytes, … ‖ an empty frame (uint32 0)
 *
 * and 'Z' after the last. Frames let an entry be written while it is read (a table through a
 * cursor, a blob from the store) without knowing its size first, so memory stays at one frame.
 * Integrity comes from the encryption around it, not from this framing.
 */
export type EntryKind = 'table' | 'blob' | 'manifest';

const ENTRY = 0x45;
const END = 0x5a;
const CODES: Record<EntryKind, number> = { table: 0x54, blob: 0x42, manifest: 0x4d };
const KINDS = new Map<number, EntryKind>(Object.entries(CODES).map(([k, v]) => [v, k as EntryKind]));
/** The largest frame a reader accepts (writers keep to a few hundred KiB; one row may be larger). */
const MAX_FRAME = 256 * 1024 * 1024;

export class ArchiveWriter {
  readonly #sink: Writable;
  readonly #failed: Promise<never>;

  /** `done` is the pipeline the sink feeds: when it fails, a write waiting for room fails too. */
  constructor(sink: Writable, done: Promise<unknown>) {
    this.#sink = sink;
    this.#failed = done.then(() => {
      throw new Error('The backup stream ended before the archive was complete.');
    });
    this.#failed.catch(() => undefined);
  }

  async entry(kind: EntryKind, name: string, body: AsyncIterable<Buffer> | Buffer): Promise<void> {
    const nameBytes = Buffer.from(name, 'utf8');
    if (nameBytes.length > 0xffff) throw new Error(`The archive entry name "${name.slice(0, 40)}…" is too long.`);
    const head = Buffer.alloc(4);
    head[0] = ENTRY;
    head[1] = CODES[kind];
    head.writeUInt16BE(nameBytes.length, 2);
    await this.#write(Buffer.concat([head, nameBytes]));
    for await (const frame of Buffer.isBuffer(body) ? [body] : body) await this.#frame(frame);
    await this.#write(Buffer.alloc(4));
  }

  async finish(): Promise<void> {
    await this.#write(Buffer.from([END]));
    this.#sink.end();
  }

  async #frame(bytes: Buffer): Promise<void> {
    if (bytes.length === 0) return;
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    await this.#write(length);
    await this.#write(bytes);
  }

  async #write(bytes: Buffer): Promise<void> {
    if (!this.#sink.write(bytes)) await Promise.race([once(this.#sink, 'drain'), this.#failed]);
  }
}

export interface ArchiveEntry {
  kind: EntryKind;
  name: string;
  /** The entry's bytes, frame by frame; what the reader does not take is skipped. */
  body: AsyncGenerator<Buffer>;
}

/** Reads exactly the bytes asked for from a stream of buffers. */
class ByteSource {
  readonly #iterator: AsyncIterator<Buffer>;
  #held: Buffer = Buffer.alloc(0);

  constructor(source: AsyncIterable<Buffer>) {
    this.#iterator = source[Symbol.asyncIterator]();
  }

  async exact(n: number): Promise<Buffer> {
    const parts = [this.#held];
    let have = this.#held.length;
    while (have < n) {
      const next = await this.#iterator.next();
      if (next.done) throw new BackupError('The backup archive ends in the middle of an entry.');
      parts.push(next.value);
      have += next.value.length;
    }
    const all = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, have);
    this.#held = all.subarray(n);
    return all.subarray(0, n);
  }

  /** Stops reading the source (its stream is closed). */
  async close(): Promise<void> {
    await this.#iterator.return?.();
  }

  /** True when nothing follows (the stream is drained to its end). */
  async ended(): Promise<boolean> {
    while (this.#held.length === 0) {
      const next = await this.#iterator.next();
      if (next.done) return true;
      this.#held = next.value;
    }
    return false;
  }
}

/** The entries of an archive, in order; fails when the framing is broken or the end marker missing. */
export async function* readArchive(source: AsyncIterable<Buffer>): AsyncGenerator<ArchiveEntry> {
  const bytes = new ByteSource(source);
  try {
    for (;;) {
      const marker = (await bytes.exact(1))[0];
      if (marker === END) {
        if (!(await bytes.ended())) throw new BackupError('The backup archive has data after its end marker.');
        return;
      }
      if (marker !== ENTRY) throw new BackupError('The backup archive is malformed (an entry marker is missing).');
      const head = await bytes.exact(3);
      const kind = KINDS.get(head[0] as number);
      if (!kind) throw new BackupError(`The backup archive has an entry of an unknown kind (${head[0]}).`);
      const name = (await bytes.exact(head.readUInt16BE(1))).toString('utf8');
      let finished = false;
      const body = (async function* () {
        for (;;) {
          const length = (await bytes.exact(4)).readUInt32BE(0);
          if (length === 0) {
            finished = true;
            return;
          }
          if (length > MAX_FRAME)
            throw new BackupError(`The backup archive has a frame of ${length} bytes: too large.`);
          // A copy: the caller may keep it while the source moves on.
          yield Buffer.from(await bytes.exact(length));
        }
      })();
      yield { kind, name, body };
      if (!finished) for await (const _ of body);
    }
  } finally {
    await bytes.close();
  }
}
