import type { Actor } from '../../context.js';
import type { Role } from '../../db/schema.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';

export type PolicyActor = Actor & { orgId: string };

/** Owners and admins write policies; reviewers decide what they are asked to; auditors read. */
export const EDITORS = ['owner', 'admin'] as const satisfies readonly Role[];
/** Everyone in the organisation but auditors accepts policies. */
export const ACCEPTORS = ['owner', 'admin', 'member', 'reviewer'] as const satisfies readonly Role[];
/** Who may be named to review a draft. */
export const REVIEWER_ROLES = ['owner', 'admin', 'reviewer'] as const satisfies readonly Role[];

export const isEditor = (actor: PolicyActor) => (EDITORS as readonly string[]).includes(actor.role ?? '');
export const mustAccept = (actor: PolicyActor) => (ACCEPTORS as readonly string[]).includes(actor.role ?? '');

/** Who may see a policy's working draft: editors, and the reviewer it was given to. */
export function seesDraft(actor: PolicyActor, row: { reviewer_user_id: string | null }): boolean {
  return isEditor(actor) || (actor.role === 'reviewer' && row.reviewer_user_id === actor.userId);
}

/** Others see a policy only once it is published; before that it answers like one that does not exist. */
export function visible(
  actor: PolicyActor,
  row: { reviewer_user_id: string | null; published_version: number | null },
) {
  return seesDraft(actor, row) || row.published_version !== null;
}

export const notFoundPolicy = () => notFound('This policy');

export const forbidden = (message: string) => new AppError('forbidden', message);

/** The organisation's members who must accept policies (not auditors; current memberships only). */
export async function acceptorsOf(tx: Tx, orgId: string, now: Date) {
  return tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name', 'm.role'])
    .where('m.org_id', '=', orgId)
    .where('m.role', 'in', ACCEPTORS)
    .where('u.disabled_at', 'is', null)
    .where((eb) => eb.or([eb('m.expires_at', 'is', null), eb('m.expires_at', '>', now)]))
    .orderBy('u.email')
    .execute();
}
