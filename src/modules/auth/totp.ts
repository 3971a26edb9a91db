import { generateSecret, generateURI, verify } from 'otplib';

export const TOTP_PERIOD = 30;

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function totpUri(secret: string, account: string, issuer = 'Attest'): string {
  return generateURI({ strategy: 'totp', issuer, label: account, secret, period: TOTP_PERIOD, digits: 6 });
}

/**
 * Checks a 6-digit code at `at`, allowing one step either side (RFC 6238 §5.2), and returns
 * the time step it matched so the caller can refuse it ever after.
 */
export async function matchTotp(secret: string, code: string, at: Date): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    strategy: 'totp',
    secret,
    token: code,
    epoch: Math.floor(at.getTime() / 1000),
    period: TOTP_PERIOD,
    epochTolerance: TOTP_PERIOD,
  }).catch(() => ({ valid: false as const }));
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
