import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The instance master key (256 bits) encrypts secrets stored in the database (TOTP seeds
 * today; organisation data keys with the evidence vault). It comes from ATTEST_MASTER_KEY
 * (base64) or from a key file created with mode 0600 on first start.
 */
export class MasterKey {
  private constructor(private readonly key: Buffer) {}

  static fromBase64(value: string): MasterKey {
    const key = Buffer.from(value, 'base64');
    if (key.length !== 32) {
      throw new Error('ATTEST_MASTER_KEY must be 32 bytes, base64-encoded (for example: openssl rand -base64 32).');
    }
    return new MasterKey(key);
  }

  /** Reads the key file, creating it (0600) when it does not exist yet. */
  static fromFile(path: string): MasterKey {
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    }
    return MasterKey.fromBase64(readFileSync(path, 'utf8').trim());
  }

  static generate(): MasterKey {
    return new MasterKey(randomBytes(32));
  }

  /** A value stored in the database at first start; a different key later fails start-up. */
  checkValue(): string {
    return createHmac('sha256', this.key).update('attest master key check v1').digest('base64url');
  }

  /** HMAC-SHA256 under the master key, separated by purpose. */
  mac(purpose: string, data: string): string {
    return createHmac('sha256', this.key).update(`${purpose}\0${data}`).digest('base64url');
  }

  /** AES-256 key wrap (RFC 3394) of a key-encrypting key of the keyring (src/crypto/keyring.ts). */
  wrapKey(key: Buffer): Buffer {
    return wrapKey(this.key, key);
  }

  /** Throws when the wrapped key was not made with this master key (the wrap's integrity check). */
  unwrapKey(wrapped: Uint8Array): Buffer {
    return unwrapKey(this.key, wrapped);
  }

  /** AES-256-GCM; `context` (e.g. "totp:<user id>") is bound as associated data. */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join(
      '.',
    );
  }

  open(sealed: string, context: string): string {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== 'v1' || !iv || body === undefined || !tag) throw new Error('Unknown sealed value format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /**
   * AES-256-GCM for binary data (uploaded files): `0x01 ‖ iv (12) ‖ tag (16) ‖ ciphertext`, with
   * `context` (e.g. "task-file:<org id>:<task id>") bound as associated data, so a sealed file
   * moved to another record or organisation no longer opens.
   */
  sealBytes(plaintext: Uint8Array, context: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([SEALED_BYTES_V1]), iv, cipher.getAuthTag(), body]);
  }

  openBytes(sealed: Uint8Array, context: string): Buffer {
    const data = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    if (data.length < 29 || data[0] !== SEALED_BYTES_V1) throw new Error('Unknown sealed bytes format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(1, 13));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(data.subarray(13, 29));
    return Buffer.concat([decipher.update(data.subarray(29)), decipher.final()]);
  }
}

const SEALED_BYTES_V1 = 0x01;

/** RFC 3394's default initial value: unwrapping checks it, so a wrong key is detected. */
const KEY_WRAP_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

/** AES-256 key wrap (RFC 3394, `id-aes256-wrap`) of a 256-bit key under `kek`: 40 bytes. */
export function wrapKey(kek: Buffer, key: Buffer): Buffer {
  const cipher = createCipheriv('id-aes256-wrap', kek, KEY_WRAP_IV);
  return Buffer.concat([cipher.update(key), cipher.final()]);
}

export function unwrapKey(kek: Buffer, wrapped: Uint8Array): Buffer {
  const decipher = createDecipheriv('id-aes256-wrap', kek, KEY_WRAP_IV);
  return Buffer.concat([decipher.update(wrapped), decipher.final()]);
}
