import { join } from 'node:path';
import type { Config } from '../config.js';
import type { BlobStore } from './blob-store.js';
import { FsBlobStore } from './fs-store.js';

/**
 * The store the configuration names: S3 when ATTEST_BLOB_S3_BUCKET is set, else `<data dir>/blobs`.
 * The AWS SDK (about 20 MB resident) is loaded only when S3 is configured.
 */
export async function openBlobStore(config: Config): Promise<BlobStore> {
  if (config.blobS3Bucket) {
    const [{ S3Client }, { S3BlobStore }] = await Promise.all([import('@aws-sdk/client-s3'), import('./s3-store.js')]);
    const client = new S3Client({
      region: config.blobS3Region,
      ...(config.blobS3Endpoint ? { endpoint: config.blobS3Endpoint, forcePathStyle: true } : {}),
    });
    return new S3BlobStore({ bucket: config.blobS3Bucket, prefix: config.blobS3Prefix, client });
  }
  return new FsBlobStore(join(config.dataDir, 'blobs'));
}

export { BlobNotFound, type BlobStore, checkBlobKey, InvalidBlobKey, orgBlobKey } from './blob-store.js';
export { FsBlobStore };
