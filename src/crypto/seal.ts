import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const SEALED_BYTES_V1 = 0x01;

/**
 * AES-256-GCM of a small binary value under an organisation data key (src/crypto/keyring.ts):
 * `0x01 ‖ iv (12) ‖ tag (16) ‖ ciphertext`, the layout of MasterKey.sealBytes, with `context`
 * bound as associated data. The caller stores the key's term beside it.
 */
export function sealWithKey(key: Buffer, plaintext: Uint8Array, context: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([SEALED_BYTES_V1]), iv, cipher.getAuthTag(), body]);
}

export function openWithKey(key: Buffer, sealed: Uint8Array, context: string): Buffer {
  const data = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (data.length < 29 || data[0] !== SEALED_BYTES_V1) throw new Error('Unknown sealed bytes format');
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(1, 13));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(data.subarray(13, 29));
  return Buffer.concat([decipher.update(data.subarray(29)), decipher.final()]);
}
