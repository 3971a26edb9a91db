import { sql } from 'kysely';
import type { Actor, AppContext, RequestMeta } from '../../context.js';
import { hashSecret, newId, newSecret } from '../../crypto/random.js';
import type { Role } from '../../db/schema.js';
import { setScope, type Tx, withScope } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { linkInvitedAuditor } from '../audits/auditors.js';
import { assertAcceptablePassword, hashPassword } from '../auth/password.js';
import { auditWho } from '../tokens/service.js';

export interface MemberItem {
  userId: string;
  email: string;
  name: string;
  role: Role;
  mfa: boolean;
  joinedAt: string;
  expiresAt: string | null;
}

export async function listMembers(tx: Tx): Promise<MemberItem[]> {
  const rows = await tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'u.id',
      'u.email',
      'u.name',
      'm.role',
      'm.created_at',
      'm.expires_at',
      sql<boolean>`(EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL)
                   OR EXISTS (SELECT 1 FROM webauthn_credentials w WHERE w.user_id = u.id))`.as('mfa'),
    ])
    .where('m.org_id', '=', sql<string>`app_current_org()`)
    .orderBy('u.email')
    .execute();
  return rows.map((r) => ({
    userId: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    mfa: r.mfa,
    joinedAt: r.created_at.toISOString(),
    expiresAt: r.expires_at?.toISOString() ?? null,
  }));
}

/** Only owners may grant or take away ownership; an organisation always keeps an owner. */
function assertMayAssign(actor: Actor, from: Role | null, to: Role | null): void {
  if ((from === 'owner' || to === 'owner') && actor.role !== 'owner') {
    throw new AppError('forbidden', 'Only an owner may make someone an owner or change an owner.');
  }
}

async function ownerCount(tx: Tx): Promise<number> {
  const r = await tx
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('org_id', '=', sql<string>`app_current_org()`)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function changeRole(
  tx: Tx,
  actor: Actor & { orgId: string },
  userId: string,
  role: Role,
  meta: RequestMeta,
  now: Date,
): Promise<MemberItem> {
  const current = await tx
    .selectFrom('memberships')
    .select('role')
    .where('org_id', '=', actor.orgId)
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw notFound('This member');
  assertMayAssign(actor, current.role, role);
  if (current.role === 'owner' && role !== 'owner' && (await ownerCount(tx)) <= 1) {
    throw new AppError('conflict', 'This is the last owner. Make someone else an owner first.');
  }
  if (current.role !== role) {
    await tx
      .updateTable('memberships')
      .set({ role, updated_at: now })
      .where('org_id', '=', actor.orgId)
      .where('user_id', '=', userId)
      .execute();
    await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
      action: 'member.role_changed',
      targetType: 'user',
      targetId: userId,
      details: { from: current.role, to: role },
    });
  }
  const member = (await listMembers(tx)).find((m) => m.userId === userId);
  if (!member) throw notFound('This member');
  return member;
}

export async function removeMember(
  tx: Tx,
  actor: Actor & { orgId: string },
  userId: string,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  const current = await tx
    .selectFrom('memberships')
    .select('role')
    .where('org_id', '=', actor.orgId)
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw notFound('This member');
  assertMayAssign(actor, current.role, null);
  if (current.role === 'owner' && (await ownerCount(tx)) <= 1) {
    throw new AppError('conflict', 'This is the last owner, who cannot be removed. Make someone else an owner first.');
  }
  await tx.deleteFrom('memberships').where('org_id', '=', actor.orgId).where('user_id', '=', userId).execute();
  // Their API tokens for this organisation stop working with the membership; revoke them too.
  await tx
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'member.removed',
    targetType: 'user',
    targetId: userId,
    details: { role: current.role },
  });
}

export interface InvitationItem {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  status: 'pending' | 'accepted' | 'expired' | 'revoked';
  invitedBy: string | null;
}

export async function listInvitations(tx: Tx, now: Date): Promise<InvitationItem[]> {
  const rows = await tx
    .selectFrom('invitations as i')
    .leftJoin('users as u', 'u.id', 'i.invited_by')
    .select([
      'i.id',
      'i.email',
      'i.role',
      'i.created_at',
      'i.expires_at',
      'i.accepted_at',
      'i.revoked_at',
      'u.email as inviter',
    ])
    .orderBy('i.created_at', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    role: r.role,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    status: r.accepted_at ? 'accepted' : r.revoked_at ? 'revoked' : r.expires_at <= now ? 'expired' : 'pending',
    invitedBy: r.inviter,
  }));
}

/** Invitation links read `<org id>.<secret>`, for the same reason API tokens carry theirs. */
function parseInvitationToken(token: string): { orgId: string; token: string } | null {
  const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token.trim());
  return m?.[1] ? { orgId: m[1], token: token.trim() } : null;
}

export async function createInvitation(
  ctx: AppContext,
  tx: Tx,
  actor: Actor & { orgId: string },
  input: { email: string; role: Role },
  meta: RequestMeta,
  now: Date,
): Promise<{ invitation: InvitationItem; token: string }> {
  const email = input.email.trim().toLowerCase();
  assertMayAssign(actor, null, input.role);
  const already = await tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('u.id')
    .where('m.org_id', '=', actor.orgId)
    .where('u.email', '=', email)
    .executeTakeFirst();
  if (already) throw new AppError('conflict', `${email} is already a member of this organisation.`);
  // A new invitation replaces any pending one for the same address.
  await tx
    .updateTable('invitations')
    .set({ revoked_at: now })
    .where('email', '=', email)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
  const id = newId();
  const token = `${actor.orgId}.${newSecret()}`;
  const expiresAt = new Date(now.getTime() + ctx.config.invitationDays * 86_400_000);
  await tx
    .insertInto('invitations')
    .values({
      id,
      org_id: actor.orgId,
      email,
      role: input.role,
      token_hash: hashSecret(token),
      invited_by: actor.userId,
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'member.invited',
    targetType: 'invitation',
    targetId: id,
    details: { email, role: input.role, expiresAt: expiresAt.toISOString() },
  });
  return {
    token,
    invitation: {
      id,
      email,
      role: input.role,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      status: 'pending',
      invitedBy: actor.email,
    },
  };
}

export async function revokeInvitation(
  tx: Tx,
  actor: Actor & { orgId: string },
  id: string,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  const row = await tx
    .updateTable('invitations')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .returning(['email'])
    .executeTakeFirst();
  if (!row) throw notFound('This pending invitation');
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'member.invitation_revoked',
    targetType: 'invitation',
    targetId: id,
    details: { email: row.email },
  });
}

const INVALID_LINK = 'This invitation link is not valid: it was used, revoked or has expired. Ask for a new one.';

async function openInvitation(tx: Tx, raw: string, now: Date) {
  const parsed = parseInvitationToken(raw);
  if (!parsed) throw new AppError('gone', INVALID_LINK);
  await setScope(tx, { orgId: parsed.orgId });
  const row = await tx
    .selectFrom('invitations as i')
    .innerJoin('organizations as o', 'o.id', 'i.org_id')
    .select([
      'i.id',
      'i.org_id',
      'i.email',
      'i.role',
      'i.expires_at',
      'i.accepted_at',
      'i.revoked_at',
      'o.name as org_name',
    ])
    .where('i.token_hash', '=', hashSecret(parsed.token))
    .forUpdate(['i'])
    .executeTakeFirst();
  if (!row || row.accepted_at || row.revoked_at || row.expires_at <= now) throw new AppError('gone', INVALID_LINK);
  return row;
}

export async function lookupInvitation(ctx: AppContext, token: string) {
  return withScope(ctx.database, {}, async (tx) => {
    const inv = await openInvitation(tx, token, ctx.clock.now());
    const user = await tx.selectFrom('users').select('id').where('email', '=', inv.email).executeTakeFirst();
    return { organisation: { name: inv.org_name }, email: inv.email, role: inv.role, accountExists: Boolean(user) };
  });
}

/**
 * Accepting joins the organisation: a signed-in user whose email matches, or a new account
 * created from the name and password given. The link works once.
 */
export async function acceptInvitation(
  ctx: AppContext,
  input: { token: string; name?: string; password?: string },
  signedIn: { userId: string; email: string } | null,
  meta: RequestMeta,
): Promise<{ userId: string; orgId: string; role: Role; createdUser: boolean }> {
  const now = ctx.clock.now();
  const preview = await lookupInvitation(ctx, input.token);
  let passwordHash: string | null = null;
  if (!preview.accountExists) {
    if (!input.password || !input.name?.trim()) {
      throw new AppError('validation_failed', 'Give your name and choose a password to create your account.');
    }
    assertAcceptablePassword(input.password, [
      preview.email.split('@')[0] ?? '',
      input.name,
      preview.organisation.name,
    ]);
    passwordHash = await hashPassword(input.password);
  } else if (!signedIn) {
    throw new AppError('unauthenticated', `Sign in as ${preview.email} first, then open the invitation link again.`);
  } else if (signedIn.email !== preview.email) {
    throw new AppError('forbidden', `This invitation is for ${preview.email}; you are signed in as ${signedIn.email}.`);
  }
  return withScope(ctx.database, {}, async (tx) => {
    const inv = await openInvitation(tx, input.token, now);
    let userId = signedIn?.userId;
    if (passwordHash) {
      userId = newId();
      await tx
        .insertInto('users')
        .values({
          id: userId,
          email: inv.email,
          name: input.name?.trim() ?? inv.email,
          password_hash: passwordHash,
          created_at: now,
        })
        .execute()
        .catch(() => {
          throw new AppError('conflict', `An account for ${inv.email} was just created. Sign in, then accept again.`);
        });
    }
    if (!userId) throw new AppError('unauthenticated');
    await setScope(tx, { orgId: inv.org_id, userId });
    await tx
      .insertInto('memberships')
      .values({
        org_id: inv.org_id,
        user_id: userId,
        role: inv.role,
        created_at: now,
        updated_at: now,
        expires_at: null,
      })
      .onConflict((oc) => oc.columns(['org_id', 'user_id']).doNothing())
      .execute();
    // An auditor invited to an audit: linked to it, their membership ends with its access.
    if (inv.role === 'auditor') await linkInvitedAuditor(tx, inv.org_id, inv.email, userId);
    await tx
      .updateTable('invitations')
      .set({ accepted_at: now, accepted_by: userId })
      .where('id', '=', inv.id)
      .execute();
    await recordAudit(tx, inv.org_id, { userId, label: inv.email }, meta, now, {
      action: 'member.joined',
      targetType: 'user',
      targetId: userId,
      details: { role: inv.role, invitationId: inv.id, newAccount: Boolean(passwordHash) },
    });
    return { userId, orgId: inv.org_id, role: inv.role, createdUser: Boolean(passwordHash) };
  });
}
