import type { Tx } from '../../db/tenancy.js';

/**
 * Failed logins slow down the next attempts, never lock an account for good:
 * - per address: 20 failures → up to 15 minutes for that address;
 * - per account and address: 5 failures → doubling delays up to 15 minutes;
 * - per account from anywhere: 10 failures → delays of at most one minute, so an attacker
 *   elsewhere can slow the real user down a little but never shut them out.
 * Counters forget failures an hour after the first one.
 */
interface Rule {
  threshold: number;
  baseMs: number;
  maxMs: number;
}

const RULES = {
  ip: { threshold: 20, baseMs: 60_000, maxMs: 15 * 60_000 },
  pair: { threshold: 5, baseMs: 30_000, maxMs: 15 * 60_000 },
  account: { threshold: 10, baseMs: 5_000, maxMs: 60_000 },
} satisfies Record<string, Rule>;

const WINDOW_MS = 60 * 60_000;

type Kind = keyof typeof RULES;

/**
 * A browser that has signed in to the account before (it holds a device cookie) is exempt
 * from the account-wide rule, so failures from elsewhere never keep the real user out.
 */
export function throttleKeys(email: string, ip: string | null, knownDevice = false): { key: string; kind: Kind }[] {
  const keys: { key: string; kind: Kind }[] = knownDevice ? [] : [{ key: `account:${email}`, kind: 'account' }];
  if (ip) keys.push({ key: `ip:${ip}`, kind: 'ip' }, { key: `pair:${email}|${ip}`, kind: 'pair' });
  return keys;
}

/** Seconds until another attempt is allowed, or 0. */
export async function secondsBlocked(
  tx: Tx,
  email: string,
  ip: string | null,
  now: Date,
  knownDevice = false,
): Promise<number> {
  const rows = await tx
    .selectFrom('login_throttle')
    .select(['blocked_until'])
    .where(
      'key',
      'in',
      throttleKeys(email, ip, knownDevice).map((k) => k.key),
    )
    .execute();
  const until = Math.max(0, ...rows.map((r) => (r.blocked_until ? new Date(r.blocked_until).getTime() : 0)));
  return until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : 0;
}

export async function recordFailure(
  tx: Tx,
  email: string,
  ip: string | null,
  now: Date,
  knownDevice = false,
): Promise<void> {
  for (const { key, kind } of throttleKeys(email, ip, knownDevice)) {
    const rule = RULES[kind];
    const row = await tx
      .selectFrom('login_throttle')
      .select(['failures', 'first_failure_at'])
      .where('key', '=', key)
      .forUpdate()
      .executeTakeFirst();
    const fresh = !row || now.getTime() - new Date(row.first_failure_at).getTime() > WINDOW_MS;
    const failures = fresh ? 1 : row.failures + 1;
    const over = failures - rule.threshold;
    const blockedUntil = over >= 0 ? new Date(now.getTime() + Math.min(rule.baseMs * 2 ** over, rule.maxMs)) : null;
    await tx
      .insertInto('login_throttle')
      .values({ key, failures, first_failure_at: fresh ? now : row.first_failure_at, blocked_until: blockedUntil })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures,
          first_failure_at: fresh ? now : row.first_failure_at,
          blocked_until: blockedUntil,
        }),
      )
      .execute();
  }
}

/** A successful login clears the account's counters (the address keeps its own). */
export async function recordSuccess(tx: Tx, email: string, ip: string | null): Promise<void> {
  const keys = throttleKeys(email, ip)
    .filter((k) => k.kind !== 'ip')
    .map((k) => k.key);
  await tx.deleteFrom('login_throttle').where('key', 'in', keys).execute();
}
