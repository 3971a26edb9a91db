/**
 * A small ranking of cipher suites, weakest first, so a probe can report the worst suite an
 * endpoint agreed to. It is coarse on purpose: a check only needs to tell "broken", "legacy"
 * and "modern" apart, not to score every suite.
 *
 *   0  broken: no encryption (NULL), export-grade, anonymous key exchange, RC4, RC2, single DES, MD5
 *   1  3DES (Sweet32)
 *   2  CBC with SHA-1 (Lucky 13 family, no modern MAC)
 *   3  CBC with SHA-256/384
 *   4  AEAD (GCM, CCM, ChaCha20-Poly1305) with static RSA key exchange: no forward secrecy
 *   5  AEAD with forward secrecy ((EC)DHE, or any TLS 1.3 suite)
 *
 * Accepts OpenSSL names (ECDHE-RSA-AES128-GCM-SHA256) and IANA names
 * (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256).
 */

const BROKEN = new Set(['NULL', 'ENULL', 'ANULL', 'EXP', 'EXPORT', 'EXPORT40', 'EXPORT56', 'ADH', 'AECDH', 'ANON']);
const BROKEN_CIPHERS = new Set(['RC4', 'RC4_128', 'RC2', 'RC2_CBC_40', 'MD5']);
const AEAD = new Set(['GCM', 'CCM', 'CCM8', 'CCM_8', 'CHACHA20', 'POLY1305']);
const FORWARD_SECRET = new Set(['ECDHE', 'DHE', 'EDH', 'EECDH']);

export const CIPHER_STRENGTH = {
  broken: 0,
  tripleDes: 1,
  cbcSha1: 2,
  cbcSha2: 3,
  aeadStaticRsa: 4,
  aeadForwardSecret: 5,
} as const;

export function cipherStrength(name: string): number {
  const upper = name.toUpperCase();
  const tokens = upper.split(/[-_]/);
  const has = (set: ReadonlySet<string>) => tokens.some((token) => set.has(token));
  if (has(BROKEN) || has(BROKEN_CIPHERS) || isSingleDes(tokens)) return CIPHER_STRENGTH.broken;
  if (tokens.includes('CBC3') || tokens.includes('3DES') || tokens.includes('EDE')) return CIPHER_STRENGTH.tripleDes;
  if (has(AEAD)) {
    // TLS 1.3 suites (TLS_AES_128_GCM_SHA256) name no key exchange: it is always ephemeral.
    const tls13 = upper.startsWith('TLS_') && !upper.includes('_WITH_');
    return tls13 || has(FORWARD_SECRET) ? CIPHER_STRENGTH.aeadForwardSecret : CIPHER_STRENGTH.aeadStaticRsa;
  }
  return tokens.at(-1) === 'SHA' ? CIPHER_STRENGTH.cbcSha1 : CIPHER_STRENGTH.cbcSha2;
}

/** DES-CBC-SHA and TLS_RSA_WITH_DES_CBC_SHA, but not DES-CBC3-SHA or TLS_RSA_WITH_3DES_EDE_CBC_SHA. */
function isSingleDes(tokens: string[]): boolean {
  return tokens.includes('DES') && !tokens.includes('CBC3') && !tokens.includes('EDE');
}

/** The weakest of the suites; on a tie, the first (so the order of the probes decides). */
export function weakestCipher(names: readonly string[]): string | null {
  let weakest: string | null = null;
  for (const name of names) {
    if (weakest === null || cipherStrength(name) < cipherStrength(weakest)) weakest = name;
  }
  return weakest;
}
