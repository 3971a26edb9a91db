import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
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
import { BlobNotFound, type BlobStore, checkBlobKey } from './blob-store.js';

/** Parts of a multipart upload: S3 wants at least 5 MiB for all but the last. */
export const S3_PART_SIZE = 8 * 1024 * 1024;

export interface S3BlobStoreOptions {
  bucket: string;
  /** Folder in the bucket for Attest's objects, e.g. "attest/" (default: the bucket's root). */
  prefix?: string;
  client: S3Client;
}

/**
 * Objects in an S3 bucket (or any S3-compatible store). An object appears only when its upload
 * completes: a small one with one PutObject, a larger one as a multipart upload of 8 MiB parts
 * (so memory stays at one part whatever the size), aborted if the source fails.
 * `sweepTemporary` aborts multipart uploads a crash left unfinished.
 */
export class S3BlobStore implements BlobStore {
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #client: S3Client;

  constructor(options: S3BlobStoreOptions) {
    this.#bucket = options.bucket;
    this.#prefix = options.prefix ? `${options.prefix.replace(/\/+$/, '')}/` : '';
    this.#client = options.client;
  }

  async put(key: string, source: Readable): Promise<{ bytes: number }> {
    const Key = this.#key(key);
    const Bucket = this.#bucket;
    let bytes = 0;
    let uploadId: string | undefined;
    const parts: { ETag: string | undefined; PartNumber: number }[] = [];
    let held: Buffer[] = [];
    let heldBytes = 0;
    const sendPart = async () => {
      if (!uploadId) {
        const created = await this.#client.send(new CreateMultipartUploadCommand({ Bucket, Key }));
        uploadId = created.UploadId;
        if (!uploadId) throw new Error(`S3 did not start a multipart upload for ${Key}.`);
      }
      const PartNumber = parts.length + 1;
      const body = Buffer.concat(held, heldBytes);
      held = [];
      heldBytes = 0;
      const sent = await this.#client.send(
        new UploadPartCommand({ Bucket, Key, UploadId: uploadId, PartNumber, Body: body, ContentLength: body.length }),
      );
      parts.push({ ETag: sent.ETag, PartNumber });
    };
    try {
      for await (const data of source) {
        const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data as Uint8Array);
        bytes += chunk.length;
        held.push(chunk);
        heldBytes += chunk.length;
        if (heldBytes >= S3_PART_SIZE) await sendPart();
      }
      if (!uploadId) {
        const body = Buffer.concat(held, heldBytes);
        await this.#client.send(new PutObjectCommand({ Bucket, Key, Body: body, ContentLength: body.length }));
        return { bytes };
      }
      if (heldBytes > 0) await sendPart();
      await this.#client.send(
        new CompleteMultipartUploadCommand({ Bucket, Key, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
      );
      return { bytes };
    } catch (error) {
      if (uploadId) {
        await this.#client
          .send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: uploadId }))
          .catch(() => undefined);
      }
      source.destroy();
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    try {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }));
      const body = out.Body as Readable | { transformToWebStream(): WebReadableStream } | undefined;
      if (!body) throw new BlobNotFound(key);
      return body instanceof Readable ? body : Readable.fromWeb(body.transformToWebStream());
    } catch (error) {
      const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) throw new BlobNotFound(key);
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }));
  }

  async *list(prefix: string): AsyncIterable<{ key: string; modifiedAt: Date }> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: `${this.#prefix}${prefix}`, ContinuationToken }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key?.startsWith(this.#prefix)) continue;
        yield { key: object.Key.slice(this.#prefix.length), modifiedAt: object.LastModified ?? new Date(0) };
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  async sweepTemporary(olderThan: Date): Promise<number> {
    let removed = 0;
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    do {
      const page = await this.#client.send(
        new ListMultipartUploadsCommand({ Bucket: this.#bucket, Prefix: this.#prefix, KeyMarker, UploadIdMarker }),
      );
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated >= olderThan) continue;
        await this.#client.send(
          new AbortMultipartUploadCommand({ Bucket: this.#bucket, Key: upload.Key, UploadId: upload.UploadId }),
        );
        removed++;
      }
      const more = page.IsTruncated === true;
      KeyMarker = more ? page.NextKeyMarker : undefined;
      UploadIdMarker = more ? page.NextUploadIdMarker : undefined;
    } while (KeyMarker);
    return removed;
  }

  #key(key: string): string {
    return `${this.#prefix}${checkBlobKey(key)}`;
  }
}
