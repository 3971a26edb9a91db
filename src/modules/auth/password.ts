import { readFileSync } from 'node:fs';
import argon2 from 'argon2';
import { AppError } from '../../errors.js';

/** OWASP's argon2id baseline: 19 MiB, two passes, one lane. */
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(
    readFileSync(new URL('../../../src/content/common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#')),
  );
  return common;
}

/**
 * Why a password is refused, or null. Length first (NIST SP 800-63B: at least 12 here, long
 * passphrases welcome), then the common and breached list, also with trailing digits and
 * symbols removed ("password2024!" is "password"), then words from the account itself.
 */
export function passwordProblem(password: string, context: string[] = []): string | null {
  // Characters are Unicode code points (NIST SP 800-63B), not UTF-16 units: "🔑" is one.
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  if (length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  const lower = password.toLowerCase();
  const stem = lower.replace(/[\d\W_]+$/u, '');
  if (commonPasswords().has(lower) || (stem.length > 0 && commonPasswords().has(stem))) {
    return 'This password appears in lists of common or breached passwords. Choose another, such as a few random words.';
  }
  if (new Set(lower).size < 4) return 'This password repeats too few characters. Choose a longer mix.';
  // Each entry, and each word in it: "Grace Hopper" also rules out "hopper-cobol-compiler".
  const words = context.flatMap((entry) => {
    const whole = entry.toLowerCase().trim();
    return [whole, ...whole.split(/[^\p{L}\p{N}]+/u)];
  });
  for (const w of words) {
    if (w.length >= 4 && lower.includes(w)) return 'Do not build the password from your name, email or organisation.';
  }
  return null;
}

export function assertAcceptablePassword(password: string, context: string[] = []): void {
  const problem = passwordProblem(password, context);
  if (problem) throw new AppError('weak_password', problem, { errors: [{ path: 'password', message: problem }] });
}

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, HASH_OPTIONS);

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/**
 * Spends the same work as a real check when the account does not exist, so the answer time
 * does not tell an attacker which emails have accounts.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword('attest-dummy-password-for-timing');
  await verifyPassword(await dummy, password);
  return false;
}

/** Old hashes made with weaker settings are upgraded after a successful login. */
export const needsRehash = (hash: string): boolean => argon2.needsRehash(hash, HASH_OPTIONS);
