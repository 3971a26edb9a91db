/**
 * The auditors on an audit. Adding an email that is not yet a member sends an invitation with
 * the auditor role (the members module's flow); when it is accepted, the new membership expires
 * at the latest access expiry of the audits the person is on. An existing auditor member is
 * linked directly. Removing someone ends their access to that audit.
 */
import { sql } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { createInvitation } from '../members/service.js';
import { auditWho } from '../tokens/service.js';
import { type AuditActor, type AuditItem, auditFor } from './model.js';

export interface AuditorItem {
  id: string;
  email: string;
  name: string | null;
  userId: string | null;
  /** member: linked to an account; invited: the invitation is not accepted yet. */
  state: 'member' | 'invited';
  addedAt: string;
}

export async function listAuditors(tx: Tx, auditId: string): Promise<AuditorItem[]> {
  const rows = await tx
    .selectFrom('audit_auditors as x')
    .leftJoin('users as u', 'u.id', 'x.user_id')
    .select(['x.id', 'x.email', 'x.user_id', 'x.added_at', 'u.name'])
    .where('x.audit_id', '=', auditId)
    .orderBy('x.email')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    name: r.name ?? null,
    userId: r.user_id,
    state: r.user_id ? 'member' : 'invited',
    addedAt: r.added_at.toISOString(),
  }));
}

/**
 * An auditor's membership lasts until the latest access expiry of the audits they are on.
 * Memberships without an expiry (a standing auditor member) keep none.
 */
async function extendMembership(tx: Tx, orgId: string, userId: string, onlyIfSet: boolean): Promise<void> {
  let q = tx
    .updateTable('memberships')
    .set({
      expires_at: sql<Date>`(SELECT max(a.access_expires_at) FROM audits a JOIN audit_auditors x ON x.audit_id = a.id
                              WHERE x.user_id = ${userId})`,
    })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('role', '=', 'auditor')
    .where(sql<boolean>`EXISTS (SELECT 1 FROM audit_auditors x WHERE x.user_id = ${userId})`);
  if (onlyIfSet) q = q.where('expires_at', 'is not', null);
  await q.execute();
}

/** After an audit's access expiry changed: every linked auditor's membership follows. */
export async function syncAuditorMemberships(tx: Tx, orgId: string, auditId: string): Promise<void> {
  const users = await tx
    .selectFrom('audit_auditors')
    .select('user_id')
    .where('audit_id', '=', auditId)
    .where('user_id', 'is not', null)
    .execute();
  for (const u of users) if (u.user_id) await extendMembership(tx, orgId, u.user_id, true);
}

/**
 * Called when an invitation is accepted (members service, in its transaction and scope): the
 * audits that named this email now name the account, and an auditor's membership expires with
 * their audits' access.
 */
export async function linkInvitedAuditor(tx: Tx, orgId: string, email: string, userId: string): Promise<void> {
  const linked = await tx
    .updateTable('audit_auditors')
    .set({ user_id: userId })
    .where('email', '=', email)
    .where('user_id', 'is', null)
    .returning('id')
    .execute();
  if (linked.length > 0) await extendMembership(tx, orgId, userId, false);
}

export interface AddedAuditor {
  auditor: AuditorItem;
  /** The invitation link when one was made (the route mails it, or returns it without mail). */
  invitation: { token: string; email: string; expiresAt: string } | null;
}

export async function addAuditor(
  ctx: AppContext,
  tx: Tx,
  actor: AuditActor,
  auditId: string,
  rawEmail: string,
  meta: RequestMeta,
  now: Date,
): Promise<AddedAuditor> {
  const audit = await auditFor(tx, actor, auditId, now);
  const email = rawEmail.trim().toLowerCase();
  const already = await tx
    .selectFrom('audit_auditors')
    .select('id')
    .where('audit_id', '=', audit.id)
    .where('email', '=', email)
    .executeTakeFirst();
  if (already) throw new AppError('conflict', `${email} is already on this audit.`);
  const member = await tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'm.role', 'm.expires_at'])
    .where('m.org_id', '=', actor.orgId)
    .where('u.email', '=', email)
    .executeTakeFirst();
  if (member && member.role !== 'auditor') {
    throw new AppError(
      'conflict',
      `${email} is a member with the ${member.role} role. Only members with the auditor role can be added to an audit.`,
    );
  }
  let invitation: AddedAuditor['invitation'] = null;
  let invitationId: string | null = null;
  if (!member) {
    const created = await createInvitation(ctx, tx, actor, { email, role: 'auditor' }, meta, now);
    invitation = { token: created.token, email, expiresAt: created.invitation.expiresAt };
    invitationId = created.invitation.id;
  }
  const id = newId();
  await tx
    .insertInto('audit_auditors')
    .values({
      id,
      org_id: actor.orgId,
      audit_id: audit.id,
      email,
      user_id: member?.id ?? null,
      invitation_id: invitationId,
      added_by: actor.userId,
      added_at: now,
    })
    .execute();
  // A member whose access was limited (or had lapsed) gets it until this audit's expiry.
  if (member?.expires_at) await extendMembership(tx, actor.orgId, member.id, true);
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'audit.auditor_added',
    targetType: 'audit',
    targetId: audit.id,
    details: { email, invited: Boolean(invitation), accessExpiresAt: audit.accessExpiresAt },
  });
  const auditor = (await listAuditors(tx, audit.id)).find((a) => a.id === id);
  if (!auditor) throw new Error('the auditor just added is missing');
  return { auditor, invitation };
}

export async function removeAuditor(
  tx: Tx,
  actor: AuditActor,
  auditId: string,
  auditorId: string,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  const audit = await auditFor(tx, actor, auditId, now);
  const row = await tx
    .deleteFrom('audit_auditors')
    .where('id', '=', auditorId)
    .where('audit_id', '=', audit.id)
    .returning(['email', 'user_id', 'invitation_id'])
    .executeTakeFirst();
  if (!row) throw notFound('This auditor on the audit');
  // A pending invitation made for this audit alone is withdrawn with it.
  if (!row.user_id && row.invitation_id) {
    const elsewhere = await tx
      .selectFrom('audit_auditors')
      .select('id')
      .where('email', '=', row.email)
      .executeTakeFirst();
    if (!elsewhere) {
      await tx
        .updateTable('invitations')
        .set({ revoked_at: now })
        .where('id', '=', row.invitation_id)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .execute();
    }
  }
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'audit.auditor_removed',
    targetType: 'audit',
    targetId: audit.id,
    details: { email: row.email, userId: row.user_id },
  });
}

/** The audit with its auditors, for owners and admins. */
export async function auditWithAuditors(
  tx: Tx,
  actor: AuditActor,
  id: string,
  now: Date,
): Promise<AuditItem & { auditors: AuditorItem[] | null }> {
  const audit = await auditFor(tx, actor, id, now);
  const mayManage = actor.role === 'owner' || actor.role === 'admin';
  return { ...audit, auditors: mayManage ? await listAuditors(tx, id) : null };
}
