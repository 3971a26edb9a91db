/**
 * Who may do what with a vendor. Everyone in the organisation reads the register; owners and
 * admins manage it all and alone approve, reject and offboard; a vendor's owner (any member
 * who may write) edits their vendor, sends questionnaires, uploads its reports and records its
 * reviews. Auditors read everything and change nothing.
 */
import type { Actor } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { inCurrentOrg, type Person } from '../access/decisions.js';

export type VendorActor = Actor & { orgId: string };

/** Roles that may call a writing route at all (the service then checks the vendor). */
export const WRITERS = ['owner', 'admin', 'member', 'reviewer'] as const;
export const MANAGERS = ['owner', 'admin'] as const;

export const managesVendors = (actor: Actor): boolean => actor.role === 'owner' || actor.role === 'admin';

/** Owners and admins, or the vendor's own owner (never an auditor). */
export const mayEdit = (actor: Actor, ownerUserId: string | null): boolean =>
  managesVendors(actor) || (actor.role !== 'auditor' && ownerUserId !== null && ownerUserId === actor.userId);

/** Who reads a vendor's history and downloads its reports: owners, admins, auditors and its owner. */
export const seesRecords = (actor: Actor, ownerUserId: string | null): boolean =>
  managesVendors(actor) || actor.role === 'auditor' || (ownerUserId !== null && ownerUserId === actor.userId);

export function assertMayEdit(actor: Actor, vendor: { name: string; ownerUserId: string | null }, what: string): void {
  if (!mayEdit(actor, vendor.ownerUserId)) {
    throw new AppError(
      'forbidden',
      `Only the owner of ${vendor.name}, an owner or an admin may ${what}. Ask them, or to be made its owner.`,
    );
  }
}

export function invalid(path: string, message: string, detail: string): AppError {
  return new AppError('validation_failed', detail, { errors: [{ path, message }] });
}

/** A vendor's owner (or a review's reviewer) must be a member of the organisation who may write. */
export async function checkMember(tx: Tx, userId: string, path: string, what: string): Promise<void> {
  const member = await tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.role', 'u.disabled_at'])
    .where(inCurrentOrg)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
  if (!member || member.disabled_at) {
    throw invalid(path, 'not a member', `The ${what} must be a member of this organisation. Choose someone else.`);
  }
  if (member.role === 'auditor') {
    throw invalid(path, 'auditors cannot', `An auditor cannot be the ${what}: auditors never change anything.`);
  }
}

/** Members who may own a vendor (everyone but auditors), for the owner picker. */
export async function ownerCandidates(tx: Tx): Promise<{ id: string; email: string; name: string }[]> {
  return tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name'])
    .where(inCurrentOrg)
    .where('m.role', '<>', 'auditor')
    .where('u.disabled_at', 'is', null)
    .orderBy('u.email')
    .execute();
}

/**
 * Who hears about a vendor: its owner while they are an active member who may write,
 * otherwise every owner and admin. `except` (the person acting) is left out.
 */
export async function vendorContacts(tx: Tx, ownerUserId: string | null, except?: string): Promise<Person[]> {
  if (ownerUserId) {
    const owner = await tx
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.id', 'u.email'])
      .where(inCurrentOrg)
      .where('m.user_id', '=', ownerUserId)
      .where('m.role', '<>', 'auditor')
      .where('u.disabled_at', 'is', null)
      .executeTakeFirst();
    if (owner) return owner.id === except ? [] : [owner];
  }
  const managers = await tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email'])
    .where(inCurrentOrg)
    .where('m.role', 'in', ['owner', 'admin'])
    .where('u.disabled_at', 'is', null)
    .orderBy('u.email')
    .execute();
  return managers.filter((m) => m.id !== except);
}
