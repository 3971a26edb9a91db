import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { S3_PART_SIZE, S3BlobStore } from '../src/blobs/s3-store.js';
import { BlobNotFound, type BlobStore, FsBlobStore, InvalidBlobKey, openBlobStore } from '../src/blobs/store.js';
import { loadConfig } from '../src/config.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'attest-blobstore-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function read(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function keysOf(store: BlobStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of store.list(prefix)) keys.push(item.key);
  return keys;
}

/** A source that sends `bytes` and then fails, as a dropped upload connection does. */
function failingSource(bytes: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytes) return void this.destroy(new Error('the client went away'));
      const piece = randomBytes(Math.min(256 * 1024, bytes - sent));
      sent += piece.length;
      this.push(piece);
    },
  });
}

const BAD_KEYS = [
  '../escape',
  'org/../../etc/passwd',
  '/etc/passwd',
  'org//x',
  '.hidden',
  'org/./x',
  '',
  'org/x/',
  'a\\b',
];

describe('the file-system blob store', () => {
  it('puts, gets, lists and deletes objects (files 0600), delete being idempotent', async () => {
    const dir = tempDir();
    const store = new FsBlobStore(join(dir, 'blobs'));
    const one = randomBytes(200_000);
    assert.deepEqual(await store.put('org/a/1', Readable.from([one])), { bytes: one.length });
    await store.put('org/a/2', Readable.from([Buffer.from('two')]));
    await store.put('org/b/1', Readable.from([]));
    assert.ok((await read(await store.get('org/a/1'))).equals(one));
    assert.equal((await read(await store.get('org/b/1'))).length, 0);
    assert.equal(statSync(join(dir, 'blobs', 'org', 'a', '1')).mode & 0o777, 0o600);
    assert.deepEqual(await keysOf(store, 'org/a/'), ['org/a/1', 'org/a/2']);
    assert.deepEqual(await keysOf(store, 'org/'), ['org/a/1', 'org/a/2', 'org/b/1']);
    assert.deepEqual(await keysOf(store, ''), ['org/a/1', 'org/a/2', 'org/b/1']);
    assert.deepEqual(await keysOf(store, 'org/a/2'), ['org/a/2']);
    assert.deepEqual(await keysOf(store, 'none/'), []);
    for await (const item of store.list('org/a/')) assert.ok(item.modifiedAt.getTime() > Date.now() - 60_000);

    // A second put replaces the object whole.
    await store.put('org/a/2', Readable.from([Buffer.from('second')]));
    assert.equal((await read(await store.get('org/a/2'))).toString(), 'second');

    await store.delete('org/a/1');
    await store.delete('org/a/1');
    await assert.rejects(store.get('org/a/1'), BlobNotFound);
    assert.deepEqual(await keysOf(store, 'org/'), ['org/a/2', 'org/b/1']);
  });

  it('leaves nothing visible when the source fails midway, and keeps what was there before', async () => {
    const dir = tempDir();
    const store = new FsBlobStore(dir);
    await assert.rejects(store.put('org/a/new', failingSource(3 * 1024 * 1024)), /the client went away/);
    await assert.rejects(store.get('org/a/new'), BlobNotFound);
    assert.deepEqual(await keysOf(store, ''), []);
    assert.deepEqual(readdirSync(join(dir, '.tmp')), [], 'the temporary file is gone too');

    await store.put('org/a/kept', Readable.from([Buffer.from('original')]));
    await assert.rejects(store.put('org/a/kept', failingSource(100_000)));
    assert.equal((await read(await store.get('org/a/kept'))).toString(), 'original');
  });

  it('sweeps only stale temporary files', async () => {
    const dir = tempDir();
    const store = new FsBlobStore(dir);
    await store.put('org/a/1', Readable.from([Buffer.from('complete')]));
    mkdirSync(join(dir, '.tmp'), { recursive: true });
    const old = new Date(Date.now() - 2 * 3_600_000);
    for (const name of ['crashed-1', 'crashed-2']) {
      writeFileSync(join(dir, '.tmp', name), 'partial');
      utimesSync(join(dir, '.tmp', name), old, old);
    }
    writeFileSync(join(dir, '.tmp', 'in-progress'), 'partial');
    assert.equal(await store.sweepTemporary(new Date(Date.now() - 3_600_000)), 2);
    assert.deepEqual(readdirSync(join(dir, '.tmp')), ['in-progress']);
    assert.equal((await read(await store.get('org/a/1'))).toString(), 'complete');
    assert.equal(await new FsBlobStore(tempDir()).sweepTemporary(new Date()), 0, 'no folder yet: nothing to sweep');
  });

  it('refuses keys that would leave its folder or hide among its own files', async () => {
    const dir = tempDir();
    const store = new FsBlobStore(join(dir, 'blobs'));
    for (const key of BAD_KEYS) {
      await assert.rejects(store.put(key, Readable.from([Buffer.from('x')])), InvalidBlobKey, key);
      await assert.rejects(store.get(key), InvalidBlobKey, key);
      await assert.rejects(store.delete(key), InvalidBlobKey, key);
    }
    await assert.rejects(keysOf(store, '../'), InvalidBlobKey);
    assert.deepEqual(readdirSync(dir), [], 'nothing was created anywhere');
  });
});

interface Sent {
  name: string;
  input: Record<string, unknown>;
}

/** Stands in for S3Client: records each command and answers from `answer`. */
function fakeS3(answer: (command: { constructor: { name: string }; input: Record<string, unknown> }) => unknown) {
  const sent: Sent[] = [];
  const client = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const input = { ...command.input };
      if (Buffer.isBuffer(input.Body)) input.Body = (input.Body as Buffer).length;
      sent.push({ name: command.constructor.name, input });
      return answer(command);
    },
  };
  return { client: client as unknown as S3Client, sent };
}

describe('the S3 blob store (against a recording fake client)', () => {
  it('puts a small object with one PutObject under the prefix', async () => {
    const { client, sent } = fakeS3(() => ({}));
    const store = new S3BlobStore({ bucket: 'evidence', prefix: 'attest/', client });
    assert.deepEqual(await store.put('org/a/1', Readable.from([Buffer.from('hello'), Buffer.from(' world')])), {
      bytes: 11,
    });
    assert.deepEqual(sent, [
      {
        name: PutObjectCommand.name,
        input: { Bucket: 'evidence', Key: 'attest/org/a/1', Body: 11, ContentLength: 11 },
      },
    ]);
  });

  it('streams a large object as a multipart upload of bounded parts', async () => {
    let part = 0;
    const { client, sent } = fakeS3((c) =>
      c instanceof CreateMultipartUploadCommand
        ? { UploadId: 'up-1' }
        : c instanceof UploadPartCommand
          ? { ETag: `"etag-${++part}"` }
          : {},
    );
    const store = new S3BlobStore({ bucket: 'evidence', client });
    const size = 2 * S3_PART_SIZE + 1000;
    const piece = randomBytes(1024 * 1024);
    const source = Readable.from(
      (function* () {
        for (let n = 0; n < size; n += piece.length) yield piece.subarray(0, Math.min(piece.length, size - n));
      })(),
    );
    assert.deepEqual(await store.put('org/a/big', source), { bytes: size });
    assert.deepEqual(
      sent.map((s) => s.name),
      [
        CreateMultipartUploadCommand.name,
        UploadPartCommand.name,
        UploadPartCommand.name,
        UploadPartCommand.name,
        CompleteMultipartUploadCommand.name,
      ],
    );
    assert.deepEqual(
      sent.filter((s) => s.name === UploadPartCommand.name).map((s) => [s.input.PartNumber, s.input.Body]),
      [
        [1, S3_PART_SIZE],
        [2, S3_PART_SIZE],
        [3, 1000],
      ],
    );
    assert.deepEqual(sent.at(-1)?.input, {
      Bucket: 'evidence',
      Key: 'org/a/big',
      UploadId: 'up-1',
      MultipartUpload: {
        Parts: [
          { ETag: '"etag-1"', PartNumber: 1 },
          { ETag: '"etag-2"', PartNumber: 2 },
          { ETag: '"etag-3"', PartNumber: 3 },
        ],
      },
    });
  });

  it('aborts the multipart upload when the source fails, so no object appears', async () => {
    const { client, sent } = fakeS3((c) => (c instanceof CreateMultipartUploadCommand ? { UploadId: 'up-2' } : {}));
    const store = new S3BlobStore({ bucket: 'evidence', client });
    await assert.rejects(store.put('org/a/cut', failingSource(S3_PART_SIZE + 512 * 1024)), /the client went away/);
    const names = sent.map((s) => s.name);
    assert.ok(!names.includes(CompleteMultipartUploadCommand.name) && !names.includes(PutObjectCommand.name));
    assert.deepEqual(sent.at(-1), {
      name: AbortMultipartUploadCommand.name,
      input: { Bucket: 'evidence', Key: 'org/a/cut', UploadId: 'up-2' },
    });
  });

  it('gets, lists (every page), deletes and sweeps unfinished uploads', async () => {
    const now = Date.now();
    const { client, sent } = fakeS3((c) => {
      if (c instanceof GetObjectCommand) {
        if (c.input.Key === 'p/org/a/missing') throw Object.assign(new Error('nope'), { name: 'NoSuchKey' });
        return { Body: Readable.from([Buffer.from('content')]) };
      }
      if (c instanceof ListObjectsV2Command) {
        return c.input.ContinuationToken
          ? { Contents: [{ Key: 'p/org/a/2', LastModified: new Date(now) }], IsTruncated: false }
          : {
              Contents: [{ Key: 'p/org/a/1', LastModified: new Date(now) }],
              IsTruncated: true,
              NextContinuationToken: 'page-2',
            };
      }
      if (c instanceof ListMultipartUploadsCommand) {
        return {
          Uploads: [
            { Key: 'p/org/a/old', UploadId: 'u-old', Initiated: new Date(now - 2 * 86_400_000) },
            { Key: 'p/org/a/new', UploadId: 'u-new', Initiated: new Date(now) },
          ],
          IsTruncated: false,
        };
      }
      return {};
    });
    const store = new S3BlobStore({ bucket: 'b', prefix: 'p', client });
    assert.equal((await read(await store.get('org/a/1'))).toString(), 'content');
    await assert.rejects(store.get('org/a/missing'), BlobNotFound);
    assert.deepEqual(await keysOf(store, 'org/a/'), ['org/a/1', 'org/a/2']);
    assert.deepEqual(
      sent.filter((s) => s.name === ListObjectsV2Command.name).map((s) => s.input),
      [
        { Bucket: 'b', Prefix: 'p/org/a/', ContinuationToken: undefined },
        { Bucket: 'b', Prefix: 'p/org/a/', ContinuationToken: 'page-2' },
      ],
    );
    await store.delete('org/a/1');
    assert.deepEqual(sent.at(-1), { name: DeleteObjectCommand.name, input: { Bucket: 'b', Key: 'p/org/a/1' } });
    assert.equal(await store.sweepTemporary(new Date(now - 86_400_000)), 1);
    assert.deepEqual(sent.at(-1), {
      name: AbortMultipartUploadCommand.name,
      input: { Bucket: 'b', Key: 'p/org/a/old', UploadId: 'u-old' },
    });
  });

  it('refuses invalid keys before sending anything', async () => {
    const { client, sent } = fakeS3(() => ({}));
    const store = new S3BlobStore({ bucket: 'b', client });
    for (const key of BAD_KEYS) {
      await assert.rejects(store.put(key, Readable.from([Buffer.from('x')])), InvalidBlobKey, key);
      await assert.rejects(store.get(key), InvalidBlobKey, key);
    }
    assert.deepEqual(sent, []);
  });
});

describe('choosing the blob store', () => {
  it('uses <data dir>/blobs by default and S3 when ATTEST_BLOB_S3_BUCKET is set', async () => {
    const fs = await openBlobStore(loadConfig({ dataDir: '/srv/attest' }, {}));
    assert.ok(fs instanceof FsBlobStore);
    assert.equal(fs.dir, '/srv/attest/blobs');
    const config = loadConfig(
      { dataDir: '/srv/attest' },
      {
        ATTEST_BLOB_S3_BUCKET: 'evidence',
        ATTEST_BLOB_S3_REGION: 'eu-west-1',
        ATTEST_BLOB_S3_ENDPOINT: 'http://127.0.0.1:9000',
        ATTEST_BLOB_S3_PREFIX: 'attest',
      },
    );
    assert.deepEqual(
      [config.blobS3Bucket, config.blobS3Region, config.blobS3Endpoint, config.blobS3Prefix],
      ['evidence', 'eu-west-1', 'http://127.0.0.1:9000', 'attest'],
    );
    assert.ok((await openBlobStore(config)) instanceof S3BlobStore);
    assert.equal(config.maxUploadBytes, 2 * 1024 ** 3);
    assert.equal(loadConfig({}, { ATTEST_MAX_UPLOAD_BYTES: '1048576' }).maxUploadBytes, 1_048_576);
  });
});
