import { createHash } from 'node:crypto';

/** Attest's namespace for name-based uuids in OSCAL documents (a fixed random uuid). */
const NAMESPACE = '5c0b3f8e-7d41-4f6a-9a53-2f1e6c8b7d90';

/**
 * A version 5 uuid (RFC 4122, SHA-1 of namespace and name): the same organisation and purpose
 * give the same uuid in every export, so tools can follow a document across revisions.
 */
export function uuidV5(name: string, namespace = NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const b = hash.subarray(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x50;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
