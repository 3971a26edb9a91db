import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/**
 * Checkpoints in the C2SP tlog-checkpoint format (origin, tree size, base64 root hash, one
 * per line), carried in a C2SP signed note with Ed25519 signatures:
 *
 *   attest.local/<organisation id>
 *   1234
 *   <base64 root hash>
 *
 *   — attest.local/<organisation id> <base64(4-byte key hash ‖ 64-byte signature)>
 *
 * The key hash is the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key); the verifier
 * key is written `<name>+<hex key hash>+<base64(0x01 ‖ public key)>` (as Go's sumdb/note does).
 * Pure: used by the server to sign and by the offline verifier.
 */

const ED25519 = 0x01;
const DASH = '\u2014 ';
const MAX_SIGNATURES = 100;

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
}

/** The log of one organisation is named after its id, which never changes (a slug may). */
export function ledgerOrigin(orgId: string): string {
  return `attest.local/${orgId}`;
}

export function checkpointBody({
  origin,
  size,
  rootHash,
}: {
  origin: string;
  size: number;
  rootHash: Uint8Array;
}): string {
  checkKeyName(origin, 'origin');
  if (!Number.isSafeInteger(size) || size < 0) throw new Error(`checkpoint: bad tree size ${size}`);
  if (rootHash.length !== 32) throw new Error('checkpoint: the root hash must be 32 bytes');
  return `${origin}\n${size}\n${Buffer.from(rootHash).toString('base64')}\n`;
}

/** Reads a checkpoint body; extension lines after the root hash are allowed and ignored. */
export function parseCheckpointBody(body: string): Checkpoint {
  if (!body.endsWith('\n')) throw new Error('checkpoint: the body does not end with a newline');
  const [origin, sizeText, rootText, ...extensions] = body.slice(0, -1).split('\n');
  if (!origin || sizeText === undefined || rootText === undefined) throw new Error('checkpoint: fewer than 3 lines');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new Error(`checkpoint: bad tree size "${sizeText}"`);
  }
  const rootHash = Buffer.from(rootText, 'base64');
  if (rootHash.length !== 32 || rootHash.toString('base64') !== rootText) {
    throw new Error('checkpoint: the root hash is not 32 bytes of canonical base64');
  }
  if (extensions.some((line) => line === '')) throw new Error('checkpoint: an empty extension line');
  return { origin, size: Number(sizeText), rootHash };
}

function rawPublicKey(key: KeyObject): Buffer {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error('signed note: only Ed25519 keys are supported');
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.from(String(jwk.x), 'base64url');
}

function keyHash(name: string, raw: Buffer): Buffer {
  return createHash('sha256')
    .update(`${name}\n`)
    .update(Buffer.from([ED25519]))
    .update(raw)
    .digest()
    .subarray(0, 4);
}

/** Key names (and origins): non-empty, no white space, no "+". */
function checkKeyName(name: string, what = 'key name'): void {
  if (name.length === 0 || /[\s+]/u.test(name) || /\p{Cc}/u.test(name)) {
    throw new Error(`signed note: the ${what} must be non-empty, without spaces or "+": "${name}"`);
  }
}

/** The verifier key string: `<name>+<hex key hash>+<base64(0x01 ‖ public key)>`. */
export function verifierKey(name: string, publicKey: KeyObject): string {
  checkKeyName(name);
  const raw = rawPublicKey(publicKey);
  return `${name}+${keyHash(name, raw).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), raw]).toString('base64')}`;
}

export interface ParsedVerifierKey {
  name: string;
  keyHash: Buffer;
  publicKey: KeyObject;
}

export function parseVerifierKey(text: string): ParsedVerifierKey {
  // The base64 part may itself contain "+": split on the first two only.
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (first <= 0 || second < 0) throw new Error('verifier key: expected <name>+<hex key hash>+<base64 key>');
  const name = text.slice(0, first);
  const hashHex = text.slice(first + 1, second);
  const material = Buffer.from(text.slice(second + 1), 'base64');
  checkKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(hashHex)) throw new Error('verifier key: the key hash must be 8 lowercase hex digits');
  if (material.toString('base64') !== text.slice(second + 1)) throw new Error('verifier key: the key is not base64');
  if (material.length !== 33 || material[0] !== ED25519) {
    throw new Error('verifier key: only Ed25519 keys (type 0x01, 32 bytes) are supported');
  }
  const raw = material.subarray(1);
  const hash = keyHash(name, raw);
  if (hash.toString('hex') !== hashHex) throw new Error('verifier key: the key hash does not match the name and key');
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
  return { name, keyHash: hash, publicKey };
}

/** Signs a note's text (which must end with a newline) and returns the signed note. */
export function signNote(body: string, signer: { name: string; privateKey: KeyObject }): string {
  checkText(body);
  checkKeyName(signer.name);
  const raw = rawPublicKey(signer.privateKey);
  const signature = sign(null, Buffer.from(body, 'utf8'), signer.privateKey);
  const blob = Buffer.concat([keyHash(signer.name, raw), signature]).toString('base64');
  return `${body}\n${DASH}${signer.name} ${blob}\n`;
}

function checkText(text: string): void {
  if (!text.endsWith('\n')) throw new Error('signed note: the text must end with a newline');
  // Control characters other than newline are refused (as C2SP signed-note asks).
  for (const char of text) {
    const code = char.charCodeAt(0);
    if ((code < 0x20 && char !== '\n') || code === 0x7f) throw new Error('signed note: control characters in the text');
  }
}

/**
 * Opens a signed note and reads its checkpoint. At least one signature must come from a known
 * key and verify; signatures from unknown keys are ignored (C2SP signed-note); a known key
 * with a bad signature, or a malformed note, is refused. `publicKey` is a verifier key string
 * (or, with `name`, the base64 of a raw 32-byte Ed25519 key).
 */
export function verifyNote(note: string, verifiers: { name: string; publicKey: string }[]): Checkpoint {
  const known = verifiers.map((v) => toVerifier(v));
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Error('signed note: no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const signatures = note.slice(split + 2);
  checkText(text);
  if (!signatures.endsWith('\n') || signatures.length < 2) throw new Error('signed note: no signature lines');
  const lines = signatures.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new Error('signed note: too many signatures');
  const message = Buffer.from(text, 'utf8');
  const verified = new Set<string>();
  for (const line of lines) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    if (!m) throw new Error(`signed note: malformed signature line "${line.slice(0, 80)}"`);
    const [, name, b64] = m as unknown as [string, string, string];
    if (name.includes('+')) throw new Error('signed note: a signer name contains "+"');
    const blob = Buffer.from(b64, 'base64');
    if (blob.length < 5 || blob.toString('base64') !== b64) throw new Error('signed note: a signature is not base64');
    const id = blob.subarray(0, 4);
    const key = known.find((k) => k.name === name && k.keyHash.equals(id));
    if (!key) continue;
    const tag = `${name}+${id.toString('hex')}`;
    if (verified.has(tag)) throw new Error(`signed note: two signatures by ${name}`);
    if (!verify(null, message, key.publicKey, blob.subarray(4))) {
      throw new Error(
        `signed note: the signature by ${name} does not verify (the note was changed or the signature forged)`,
      );
    }
    verified.add(tag);
  }
  if (verified.size === 0) {
    throw new Error(
      `signed note: not signed by a known key (known: ${verifiers.map((v) => v.name).join(', ') || 'none'})`,
    );
  }
  return parseCheckpointBody(text);
}

function toVerifier(v: { name: string; publicKey: string }): ParsedVerifierKey {
  if (/^[^+\s]+\+[0-9a-f]{8}\+/.test(v.publicKey)) {
    const parsed = parseVerifierKey(v.publicKey);
    if (parsed.name !== v.name) throw new Error(`verifier key: named ${parsed.name}, expected ${v.name}`);
    return parsed;
  }
  const raw = Buffer.from(v.publicKey, 'base64');
  if (raw.length !== 32) throw new Error('verifier key: expected a verifier key string or a 32-byte Ed25519 key');
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
  return { name: v.name, keyHash: keyHash(v.name, raw), publicKey };
}
