import type { AppContext, RequestMeta } from '../../context.js';
import type { SessionStage } from '../../db/schema.js';
import { currentOrg, setScope, type Tx, withScope } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { type AuditEntry, recordAudit, recordSystemAudit } from '../audit/service.js';
import { type MembershipSummary, membershipsOf } from '../orgs/service.js';
import { isKnownDevice } from './device.js';
import { hasMfa, mfaStatus } from './mfa.js';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './password.js';
import { createSession, rotateSession, type SessionRow, sessionPolicy } from './sessions.js';
import { recordFailure, recordSuccess, secondsBlocked } from './throttle.js';

/** Owners and admins must use a second factor (the seed policies ask for MFA on admin access). */
export const mfaRequired = (memberships: MembershipSummary[]) =>
  memberships.some((m) => m.role === 'owner' || m.role === 'admin');

/** Writes the same event into every organisation the user belongs to. */
export async function auditForUser(
  tx: Tx,
  who: { id: string; email: string } | { userId: string; email: string },
  memberships: MembershipSummary[],
  meta: RequestMeta,
  now: Date,
  entry: AuditEntry,
): Promise<void> {
  const user = { id: 'id' in who ? who.id : who.userId, email: who.email };
  const before = await currentOrg(tx);
  for (const m of memberships) {
    await setScope(tx, { orgId: m.id });
    await recordAudit(tx, m.id, { userId: user.id, label: user.email }, meta, now, entry);
  }
  // The caller's transaction goes on in the organisation it had.
  await setScope(tx, { orgId: before });
}

/** The stage a user reaches once the password is right. */
export async function stageAfterPassword(
  tx: Tx,
  userId: string,
  memberships: MembershipSummary[],
): Promise<SessionStage> {
  const status = await mfaStatus(tx, userId);
  if (hasMfa(status)) return 'mfa';
  return mfaRequired(memberships) ? 'enrol' : 'full';
}

export interface LoginResult {
  token: string;
  stage: SessionStage;
  /** The account's email, to sign a device cookie once the sign-in is complete. */
  email: string;
}

/**
 * Password step. Wrong email and wrong password answer alike and take the same time; the
 * throttle is checked before the password so a blocked attacker learns nothing.
 */
export async function login(
  ctx: AppContext,
  emailInput: string,
  password: string,
  meta: RequestMeta,
  deviceToken?: string,
): Promise<LoginResult> {
  const email = emailInput.trim().toLowerCase();
  const now = ctx.clock.now();
  const knownDevice = isKnownDevice(ctx.keys, email, deviceToken);
  const found = await withScope(ctx.database, {}, async (tx) => {
    const blocked = await secondsBlocked(tx, email, meta.ip, now, knownDevice);
    const user = await tx
      .selectFrom('users')
      .select(['id', 'email', 'password_hash', 'disabled_at'])
      .where('email', '=', email)
      .executeTakeFirst();
    return { blocked, user };
  });
  const { user } = found;
  const ok =
    found.blocked === 0 && user && !user.disabled_at
      ? await verifyPassword(user.password_hash, password)
      : await verifyAgainstDummy(password);

  if (found.blocked > 0 || !ok || !user) {
    await withScope(ctx.database, {}, async (tx) => {
      if (found.blocked === 0) await recordFailure(tx, email, meta.ip, now, knownDevice);
      const reason = found.blocked > 0 ? 'throttled' : user?.disabled_at ? 'disabled' : 'password';
      if (user) {
        const memberships = await membershipsOf(tx, user.id, now);
        await auditForUser(tx, user, memberships, meta, now, {
          action: 'auth.login_failed',
          targetType: 'user',
          targetId: user.id,
          details: { reason, step: 'password' },
        });
      } else {
        await recordSystemAudit(tx, email, meta, now, 'auth.login_failed', {
          reason: found.blocked > 0 ? 'throttled' : 'unknown_email',
        });
      }
    });
    if (found.blocked > 0) {
      throw new AppError('rate_limited', `Too many failed sign-ins. Try again in ${found.blocked} seconds.`, {
        retryAfterSeconds: found.blocked,
      });
    }
    throw new AppError('invalid_credentials', 'The email or password is wrong.');
  }

  const rehash = needsRehash(user.password_hash) ? await hashPassword(password) : null;
  return withScope(ctx.database, { userId: user.id }, async (tx) => {
    await recordSuccess(tx, email, meta.ip);
    if (rehash) await tx.updateTable('users').set({ password_hash: rehash }).where('id', '=', user.id).execute();
    const memberships = await membershipsOf(tx, user.id, now);
    const stage = await stageAfterPassword(tx, user.id, memberships);
    const session = await createSession(tx, sessionPolicy(ctx.config), now, meta, {
      userId: user.id,
      stage,
      currentOrg: memberships[0]?.id ?? null,
    });
    await auditForUser(tx, user, memberships, meta, now, {
      action: stage === 'full' ? 'auth.login' : 'auth.password_verified',
      targetType: 'user',
      targetId: user.id,
      details: { next: stage === 'full' ? null : stage, mfa: false },
    });
    return { token: session.token, stage, email };
  });
}

/**
 * Second step (or enrolment) done: replaces the session with a full one under a new token.
 * `verify` runs in the same transaction and says whether the factor was right.
 */
export async function completeSecondFactor(
  ctx: AppContext,
  session: SessionRow,
  meta: RequestMeta,
  method: 'totp' | 'webauthn',
  verify: (tx: Tx, now: Date) => Promise<boolean>,
  deviceToken?: string,
): Promise<LoginResult> {
  const now = ctx.clock.now();
  const outcome = await withScope(ctx.database, { userId: session.userId }, async (tx) => {
    const user = await tx
      .selectFrom('users')
      .select(['id', 'email'])
      .where('id', '=', session.userId)
      .executeTakeFirstOrThrow();
    const memberships = await membershipsOf(tx, user.id, now);
    const knownDevice = isKnownDevice(ctx.keys, user.email, deviceToken);
    const blocked = await secondsBlocked(tx, user.email, meta.ip, now, knownDevice);
    if (blocked > 0) return { blocked } as const;
    if (!(await verify(tx, now))) {
      await recordFailure(tx, user.email, meta.ip, now, knownDevice);
      await auditForUser(tx, user, memberships, meta, now, {
        action: 'auth.login_failed',
        targetType: 'user',
        targetId: user.id,
        details: { reason: 'mfa', method },
      });
      return { failed: true } as const;
    }
    await recordSuccess(tx, user.email, meta.ip);
    const next = await rotateSession(tx, sessionPolicy(ctx.config), now, meta, session, 'full');
    await auditForUser(tx, user, memberships, meta, now, {
      action: 'auth.login',
      targetType: 'user',
      targetId: user.id,
      details: { mfa: true, method },
    });
    return { token: next.token, email: user.email } as const;
  });
  if ('blocked' in outcome) {
    throw new AppError('rate_limited', `Too many failed attempts. Try again in ${outcome.blocked} seconds.`, {
      retryAfterSeconds: outcome.blocked,
    });
  }
  if ('failed' in outcome)
    throw new AppError(
      'invalid_mfa_code',
      'The code is wrong or was already used. Wait for the next code and try again.',
    );
  return { token: outcome.token, stage: 'full', email: outcome.email };
}
