import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** A secret for a cookie, a link or an API token: 256 random bits, base64url. */
export const newSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export const newId = (): string => randomUUID();

/** Secrets are stored as their SHA-256: a stolen database does not yield usable tokens. */
export const hashSecret = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
