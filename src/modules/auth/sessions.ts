import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { RequestMeta } from '../../context.js';
import { hashSecret, newId, newSecret } from '../../crypto/random.js';
import type { SessionStage } from '../../db/schema.js';
import type { Tx } from '../../db/tenancy.js';

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

export const sessionPolicy = (config: Pick<Config, 'sessionIdleMinutes' | 'sessionAbsoluteHours'>): SessionPolicy => ({
  idleMs: config.sessionIdleMinutes * 60_000,
  absoluteMs: config.sessionAbsoluteHours * 3_600_000,
});

/** Sessions still waiting for a second factor live five minutes at most. */
const PENDING_MS = 5 * 60_000;

export interface SessionRow {
  id: string;
  userId: string;
  stage: SessionStage;
  currentOrg: string | null;
  csrfToken: string;
  challenge: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface NewSession {
  userId: string;
  stage: SessionStage;
  currentOrg: string | null;
  /** Keeps the absolute limit of the session this one replaces. */
  expiresAt?: Date;
}

/** Creates a session and returns its token: 256 random bits, only its hash is stored. */
export async function createSession(
  tx: Tx,
  policy: SessionPolicy,
  now: Date,
  meta: RequestMeta,
  s: NewSession,
): Promise<{ token: string; id: string }> {
  const token = newSecret();
  const id = newId();
  const absolute = new Date(now.getTime() + (s.stage === 'full' ? policy.absoluteMs : PENDING_MS));
  await tx
    .insertInto('sessions')
    .values({
      id,
      token_hash: hashSecret(token),
      user_id: s.userId,
      stage: s.stage,
      current_org: s.currentOrg,
      csrf_token: newSecret(24),
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 512) ?? null,
      created_at: now,
      last_seen_at: now,
      expires_at: s.expiresAt && s.expiresAt < absolute ? s.expiresAt : absolute,
    })
    .execute();
  return { token, id };
}

/**
 * Replaces a session with a new token (after the second factor, or on a change of rights),
 * so a token seen before login is worthless after it.
 */
export async function rotateSession(
  tx: Tx,
  policy: SessionPolicy,
  now: Date,
  meta: RequestMeta,
  old: SessionRow,
  stage: SessionStage,
): Promise<{ token: string; id: string }> {
  await revokeSession(tx, old.id, now);
  const keepAbsolute = old.stage === 'full' ? old.expiresAt : undefined;
  return createSession(tx, policy, now, meta, {
    userId: old.userId,
    stage,
    currentOrg: old.currentOrg,
    expiresAt: keepAbsolute,
  });
}

export type SessionLookup = { ok: true; session: SessionRow } | { ok: false; reason: 'unknown' | 'expired' };

/** Finds the live session for a token and marks it seen; idle and absolute limits apply. */
export async function resolveSession(
  tx: Tx,
  policy: SessionPolicy,
  clock: Clock,
  token: string,
): Promise<SessionLookup> {
  const row = await tx
    .selectFrom('sessions')
    .select([
      'id',
      'user_id',
      'stage',
      'current_org',
      'csrf_token',
      'challenge',
      'created_at',
      'last_seen_at',
      'expires_at',
      'revoked_at',
    ])
    .where('token_hash', '=', hashSecret(token))
    .executeTakeFirst();
  if (!row || row.revoked_at) return { ok: false, reason: 'unknown' };
  const now = clock.now();
  const idleLimit = row.stage === 'full' ? policy.idleMs : PENDING_MS;
  if (now >= row.expires_at || now.getTime() - row.last_seen_at.getTime() >= idleLimit) {
    await revokeSession(tx, row.id, now);
    return { ok: false, reason: 'expired' };
  }
  // Writing on every request would cost a row update each time; a few seconds of slack in
  // the idle clock does not matter.
  if (now.getTime() - row.last_seen_at.getTime() > 10_000) {
    await tx.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', row.id).execute();
  }
  return {
    ok: true,
    session: {
      id: row.id,
      userId: row.user_id,
      stage: row.stage,
      currentOrg: row.current_org,
      csrfToken: row.csrf_token,
      challenge: row.challenge,
      createdAt: row.created_at,
      lastSeenAt: now,
      expiresAt: row.expires_at,
    },
  };
}

export async function revokeSession(tx: Tx, id: string, now: Date): Promise<void> {
  await tx
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeUserSessions(tx: Tx, userId: string, now: Date, exceptId?: string): Promise<void> {
  let q = tx
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (exceptId) q = q.where('id', '!=', exceptId);
  await q.execute();
}
