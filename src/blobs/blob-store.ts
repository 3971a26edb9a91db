import type { Readable } from 'node:stream';

/**
 * Where encrypted evidence files live (ARCHITECTURE.md, "Data at rest"): a folder in the data
 * directory by default, an S3 bucket in production. An object becomes visible under its key
 * only once it is complete; a failed or aborted write leaves nothing under the key.
 */
export interface BlobStore {
  put(key: string, source: Readable): Promise<{ bytes: number }>;
  /** Throws BlobNotFound when there is no object under `key`. */
  get(key: string): Promise<Readable>;
  /** Removes the object; nothing happens when there is none. */
  delete(key: string): Promise<void>;
  /** Complete objects whose key starts with `prefix`. */
  list(prefix: string): AsyncIterable<{ key: string; modifiedAt: Date }>;
  /** Removes what interrupted writes left behind before `olderThan`; answers how many. */
  sweepTemporary(olderThan: Date): Promise<number>;
}

export class BlobNotFound extends Error {
  constructor(readonly key: string) {
    super(`There is no stored object "${key}".`);
  }
}

export class InvalidBlobKey extends Error {}

/**
 * Keys are paths of plain segments (`org/<org id>/<object id>`): letters, digits, `.`, `_`
 * and `-`, each starting with a letter or digit, so none is `..`, hidden, absolute or empty.
 */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function checkBlobKey(key: string): string {
  const segments = key.split('/');
  if (key.length > 512 || !segments.every((s) => SEGMENT.test(s))) {
    throw new InvalidBlobKey(`"${key}" is not a valid object key (segments of letters, digits, ".", "_" and "-").`);
  }
  return key;
}

/** The key of an organisation's object: `org/<org id>/<object id>`. */
export const orgBlobKey = (orgId: string, objectId: string) => checkBlobKey(`org/${orgId}/${objectId}`);
