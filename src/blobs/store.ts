import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config.js';
import type { BlobStore } from './blob-store.js';
import { FsBlobStore } from './fs-store.js';
import { S3BlobStore } from './s3-store.js';

/** The store the configuration names: S3 when ATTEST_BLOB_S3_BUCKET is set, else `<data dir>/blobs`. */
export function openBlobStore(config: Config): BlobStore {
  if (config.blobS3Bucket) {
    const client = new S3Client({
      region: config.blobS3Region,
      ...(config.blobS3Endpoint ? { endpoint: config.blobS3Endpoint, forcePathStyle: true } : {}),
    });
    return new S3BlobStore({ bucket: config.blobS3Bucket, prefix: config.blobS3Prefix, client });
  }
  return new FsBlobStore(join(config.dataDir, 'blobs'));
}

export { BlobNotFound, type BlobStore, checkBlobKey, InvalidBlobKey, orgBlobKey } from './blob-store.js';
export { FsBlobStore, S3BlobStore };
