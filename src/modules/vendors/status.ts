/**
 * A vendor's life: proposed → in review → approved or rejected; an approved vendor is later
 * offboarded; a rejected or offboarded one may be sent back to review. Only owners and admins
 * approve, reject and offboard. Approval is gated: the vendor's latest completed review must
 * approve it and still be current for its tier.
 */
import { z } from 'zod';
import type { RequestMeta } from '../../context.js';
import type { VendorStatus } from '../../db/schema/vendors.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import type { Mail } from '../access/decisions.js';
import { recordAudit } from '../audit/service.js';
import { type Notice, notify } from '../notifications/service.js';
import { auditWho } from '../tokens/service.js';
import { assertMayEdit, managesVendors, type VendorActor, vendorContacts } from './access.js';
import { refreshVendors } from './inventory.js';
import { getVendor, type Vendor, vendorRow } from './read.js';
import { loadReviewIntervals, reviewDueOn } from './tier.js';
import { vendorTarget } from './write.js';

export const StatusChange = z.object({
  status: z.enum(['in_review', 'approved', 'rejected', 'offboarded']),
  comment: z.string().trim().max(2000).optional(),
});
export type StatusChange = z.infer<typeof StatusChange>;

/** Where each status may go next. */
const NEXT: Record<VendorStatus, VendorStatus[]> = {
  proposed: ['in_review', 'approved', 'rejected'],
  in_review: ['approved', 'rejected'],
  approved: ['offboarded'],
  rejected: ['in_review'],
  offboarded: ['in_review'],
};

const LABEL: Record<VendorStatus, string> = {
  proposed: 'proposed',
  in_review: 'in review',
  approved: 'approved',
  rejected: 'rejected',
  offboarded: 'offboarded',
};

/**
 * Refuses approval unless the latest completed review approves the vendor (with or without
 * conditions) and is still current for its tier; the message names what is missing.
 */
export async function assertApprovable(
  tx: Tx,
  vendor: { id: string; name: string; tier: 'low' | 'medium' | 'high' },
  now: Date,
): Promise<void> {
  const latest = await tx
    .selectFrom('vendor_reviews')
    .select(['completed_on', 'outcome'])
    .where('vendor_id', '=', vendor.id)
    .orderBy('completed_on', 'desc')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (!latest) {
    throw new AppError(
      'conflict',
      `${vendor.name} cannot be approved yet: it has no completed review. Record a review (what you examined, such as its questionnaire answers or SOC 2 report, and the outcome) first.`,
    );
  }
  if (latest.outcome === 'rejected') {
    throw new AppError(
      'conflict',
      `${vendor.name} cannot be approved: its latest review (completed ${latest.completed_on}) rejected it. Record a new review that approves it, or reject the vendor.`,
    );
  }
  const days = (await loadReviewIntervals(tx))[vendor.tier];
  const due = reviewDueOn(latest.completed_on, days);
  if (due < now.toISOString().slice(0, 10)) {
    throw new AppError(
      'conflict',
      `${vendor.name} cannot be approved: its latest review (completed ${latest.completed_on}) is older than the ${days} days a ${vendor.tier}-tier review lasts. Review it again first.`,
    );
  }
}

export async function changeStatus(
  tx: Tx,
  actor: VendorActor,
  id: string,
  input: StatusChange,
  meta: RequestMeta,
  now: Date,
): Promise<{ vendor: Vendor; mails: Mail[] }> {
  const row = await vendorRow(tx, id);
  const to = input.status;
  const comment = input.comment?.trim() || null;
  if (to === 'in_review') {
    assertMayEdit(actor, { name: row.name, ownerUserId: row.owner_user_id }, 'send this vendor to review');
  } else if (!managesVendors(actor)) {
    throw new AppError('forbidden', `Only owners and admins may mark a vendor ${LABEL[to]}.`);
  }
  if (!NEXT[row.status].includes(to)) {
    const allowed = NEXT[row.status].map((s) => LABEL[s]).join(' or ');
    throw new AppError('conflict', `${row.name} is ${LABEL[row.status]}: it can only become ${allowed} from here.`);
  }
  if (to === 'rejected' && !comment) {
    throw new AppError('validation_failed', `Say why ${row.name} is rejected.`, {
      errors: [{ path: 'body.comment', message: 'a reason is required' }],
    });
  }
  if (to === 'approved') await assertApprovable(tx, { id, name: row.name, tier: row.tier }, now);

  const decided = to === 'approved' || to === 'rejected';
  await tx
    .updateTable('vendors')
    .set({
      status: to,
      ...(decided ? { decided_at: now, decided_by: actor.userId, decision_comment: comment } : {}),
      ...(to === 'approved' ? { approved_at: now } : {}),
      ...(to === 'offboarded' ? { offboarded_at: now } : {}),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: `vendor.${to}`,
    ...vendorTarget(id),
    details: { name: row.name, from: row.status, to, comment },
  });

  const mails: Mail[] = [];
  const told =
    to === 'in_review'
      ? await managersToDecide(tx, actor.userId)
      : await vendorContacts(tx, row.owner_user_id, actor.userId);
  if (told.length > 0) {
    const notice: Notice =
      to === 'in_review'
        ? {
            kind: 'vendor.in_review',
            title: `Vendor to review: ${row.name}`,
            body: `${row.name} is in review. Once its review is recorded, approve or reject it.`,
            link: `/vendors/${id}`,
          }
        : {
            kind: `vendor.${to}`,
            title: `Vendor ${LABEL[to]}: ${row.name}`,
            body: `${actor.email} marked ${row.name} ${LABEL[to]}${comment ? `: ${comment}` : '.'}`,
            link: `/vendors/${id}`,
          };
    await notify(
      tx,
      actor.orgId,
      told.map((p) => p.id),
      notice,
      now,
    );
    mails.push({ to: told.map((p) => p.email), notice });
  }
  await refreshVendors(tx, actor.orgId, now);
  return { vendor: await getVendor(tx, actor, id, now), mails };
}

/** Owners and admins (who decide), other than the person acting. */
async function managersToDecide(tx: Tx, except: string) {
  return (await vendorContacts(tx, null)).filter((p) => p.id !== except);
}
