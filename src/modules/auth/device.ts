import type { MasterKey } from '../../crypto/master-key.js';
import { newSecret, safeEqual } from '../../crypto/random.js';

/**
 * Device cookies (OWASP's answer to lock-out attacks): after a full sign-in the browser gets
 * a long-lived cookie naming the account, signed with the master key. Sign-ins that bring it
 * skip the account-wide throttle; an attacker without one is still slowed down.
 */
export const DEVICE_COOKIES = { secure: '__Host-attest_device', plain: 'attest_device' } as const;
export const DEVICE_COOKIE_DAYS = 365;

const PURPOSE = 'device-cookie v1';

export function newDeviceToken(keys: MasterKey, email: string): string {
  const nonce = newSecret(12);
  return `${nonce}.${keys.mac(PURPOSE, `${nonce}|${email}`)}`;
}

export function isKnownDevice(keys: MasterKey, email: string, token: string | undefined): boolean {
  if (!token) return false;
  const [nonce, mac] = token.split('.');
  if (!nonce || !mac) return false;
  return safeEqual(mac, keys.mac(PURPOSE, `${nonce}|${email}`));
}
