/**
 * Deciding on items (the assigned reviewer), reassigning them and confirming changes (owners
 * and admins), cancelling a campaign. Every change is audit-logged in its transaction.
 */
import type { RequestMeta } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { notify } from '../notifications/service.js';
import { auditWho } from '../tokens/service.js';
import { getItem, itemQuery, type ReviewItem, toItem } from './items.js';
import { resolveItems } from './resolve.js';
import { type Decision, managesReviews, type ReviewActor, seesAllReviews } from './service.js';

/** Most items one bulk call may touch. */
export const MAX_BULK = 500;

export interface DecisionInput {
  decision: Decision;
  comment?: string | null;
}

/**
 * The campaign, locked against completion while a decision is written: completing takes the
 * row for update, so a decision lands before it or is refused after it.
 */
async function openCampaign(tx: Tx, campaignId: string) {
  const row = await tx
    .selectFrom('access_review_campaigns')
    .select(['id', 'name', 'status'])
    .where('id', '=', campaignId)
    .forShare()
    .executeTakeFirst();
  if (!row) throw notFound('This access review');
  return {
    row,
    requireOpen() {
      if (row.status !== 'open') {
        throw new AppError(
          'conflict',
          `This access review is ${row.status}: its decisions are final. Start a new campaign to review again.`,
        );
      }
    },
  };
}

/** The items asked for, all of this campaign and visible to the actor, or not found. */
async function itemsFor(tx: Tx, actor: ReviewActor, campaignId: string, itemIds: string[]) {
  const unique = [...new Set(itemIds)];
  let q = itemQuery(tx).where('i.campaign_id', '=', campaignId).where('i.id', 'in', unique).forUpdate('i');
  if (!seesAllReviews(actor)) q = q.where('i.reviewer_id', '=', actor.userId);
  const rows = await q.execute();
  if (rows.length !== unique.length) {
    throw notFound(unique.length === 1 ? 'This account review item' : 'One of these account review items');
  }
  return rows;
}

function checkComment(input: DecisionInput): string | null {
  const comment = input.comment?.trim() ?? '';
  if (comment.length > 2000) {
    throw new AppError('validation_failed', 'Keep the comment under 2,000 characters.', {
      errors: [{ path: 'body.comment', message: 'too long' }],
    });
  }
  if (input.decision !== 'keep' && comment.length === 0) {
    const what = input.decision === 'revoke' ? 'why the access goes' : 'what must change';
    throw new AppError('validation_failed', `Say ${what} in the comment: a ${input.decision} needs one.`, {
      errors: [{ path: 'body.comment', message: 'required for revoke and change' }],
    });
  }
  return comment === '' ? null : comment;
}

/**
 * Records the reviewer's decision on one or more items (bulk keep selects several). Only the
 * assigned reviewer decides; a decision may change until the campaign is completed. A revoke or
 * change stays open until a sync shows the account gone or changed (resolve.ts).
 */
export async function decideItems(
  tx: Tx,
  actor: ReviewActor,
  campaignId: string,
  itemIds: string[],
  input: DecisionInput,
  meta: RequestMeta,
  now: Date,
): Promise<ReviewItem[]> {
  if (itemIds.length === 0 || itemIds.length > MAX_BULK) {
    throw new AppError('validation_failed', `Choose between 1 and ${MAX_BULK} items.`, {
      errors: [{ path: 'body.itemIds', message: 'count out of range' }],
    });
  }
  const comment = checkComment(input);
  const campaign = await openCampaign(tx, campaignId);
  const rows = await itemsFor(tx, actor, campaignId, itemIds);
  campaign.requireOpen();
  const others = rows.filter((r) => r.reviewer_id !== actor.userId);
  if (others.length > 0) {
    throw new AppError(
      'forbidden',
      others.length === 1 && rows.length === 1
        ? 'Only the assigned reviewer decides on this account. Reassign it to yourself first.'
        : `${others.length} of these items are assigned to someone else: only their reviewer decides on them.`,
    );
  }
  const ids = rows.map((r) => r.id);
  await tx
    .updateTable('access_review_items')
    .set({ decision: input.decision, comment, decided_by: actor.userId, decided_at: now, resolved_at: null })
    .where('id', 'in', ids)
    .execute();
  // An account already gone (or already changed) needs no later sync to confirm it.
  if (input.decision !== 'keep') await resolveItems(tx, actor.orgId, ids, now);
  const single = rows.length === 1 ? rows[0] : undefined;
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'access_review.decided',
    targetType: single ? 'access_review_item' : 'access_review',
    targetId: single ? single.id : campaignId,
    details: single
      ? { campaignId, decision: input.decision, previous: single.decision, comment }
      : { campaignId, decision: input.decision, items: ids.length, itemIds: ids, comment },
  });
  const fresh = await itemQuery(tx).where('i.id', 'in', ids).orderBy('i.id').execute();
  return fresh.map(toItem);
}

/** Whether `user` holds the account of an item (its email, or its register person's). */
function holds(user: { email: string }, row: { account: Record<string, unknown>; person_email: string | null }) {
  const email = typeof row.account.email === 'string' ? row.account.email.toLowerCase() : null;
  return user.email === email || user.email === row.person_email;
}

/**
 * Gives items to another reviewer (owners and admins): a current member who is not an auditor
 * and does not hold the account. The new reviewer is told; decisions already made stay.
 */
export async function reassignItems(
  tx: Tx,
  actor: ReviewActor,
  campaignId: string,
  itemIds: string[],
  reviewerId: string,
  meta: RequestMeta,
  now: Date,
): Promise<ReviewItem[]> {
  if (!managesReviews(actor)) throw new AppError('forbidden', 'Only owners and admins reassign review items.');
  if (itemIds.length === 0 || itemIds.length > MAX_BULK) {
    throw new AppError('validation_failed', `Choose between 1 and ${MAX_BULK} items.`, {
      errors: [{ path: 'body.itemIds', message: 'count out of range' }],
    });
  }
  const campaign = await openCampaign(tx, campaignId);
  const rows = await itemsFor(tx, actor, campaignId, itemIds);
  campaign.requireOpen();
  const reviewer = await tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'm.role', 'm.expires_at', 'u.disabled_at'])
    .where('m.org_id', '=', actor.orgId)
    .where('m.user_id', '=', reviewerId)
    .executeTakeFirst();
  const current =
    reviewer && !reviewer.disabled_at && (!reviewer.expires_at || reviewer.expires_at.getTime() > now.getTime());
  if (!reviewer || !current || reviewer.role === 'auditor') {
    throw new AppError('validation_failed', 'Choose a current member of this organisation who is not an auditor.', {
      errors: [
        { path: 'body.reviewerId', message: reviewer?.role === 'auditor' ? 'auditors decide nothing' : 'not a member' },
      ],
    });
  }
  const own = rows.filter((r) => holds(reviewer, r));
  if (own.length > 0) {
    throw new AppError('validation_failed', 'Nobody reviews their own account: choose another reviewer for it.', {
      errors: [{ path: 'body.reviewerId', message: `holds ${own.length} of these accounts` }],
    });
  }
  const ids = rows.map((r) => r.id);
  await tx.updateTable('access_review_items').set({ reviewer_id: reviewer.id }).where('id', 'in', ids).execute();
  if (reviewer.id !== actor.userId) {
    await notify(
      tx,
      actor.orgId,
      [reviewer.id],
      {
        kind: 'access_review.assigned',
        title: `Access review: ${campaign.row.name}`,
        body: `${ids.length === 1 ? 'An account was' : `${ids.length} accounts were`} given to you to review.`,
        link: `/access-reviews/${campaignId}`,
      },
      now,
    );
  }
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'access_review.reassigned',
    targetType: 'access_review',
    targetId: campaignId,
    details: {
      reviewerId: reviewer.id,
      items: ids.length,
      itemIds: ids,
      from: [...new Set(rows.map((r) => r.reviewer_id))],
    },
  });
  const fresh = await itemQuery(tx).where('i.id', 'in', ids).orderBy('i.id').execute();
  return fresh.map(toItem);
}

/**
 * Confirms by hand that a requested change was made (owners and admins), when no sync can
 * show it (a permission the source does not report). Also after the campaign is completed.
 */
export async function confirmChange(
  tx: Tx,
  actor: ReviewActor,
  campaignId: string,
  itemId: string,
  meta: RequestMeta,
  now: Date,
): Promise<ReviewItem> {
  const [row] = await itemsFor(tx, actor, campaignId, [itemId]);
  if (!row) throw notFound('This account review item');
  if (row.decision !== 'change') {
    throw new AppError(
      'conflict',
      row.decision === 'revoke'
        ? 'A revocation is confirmed by the next sync that no longer shows the account, not by hand.'
        : 'Only an item decided "change" can be marked done.',
    );
  }
  if (row.resolved_at) throw new AppError('conflict', 'This change is already confirmed.');
  await tx.updateTable('access_review_items').set({ resolved_at: now }).where('id', '=', itemId).execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'access_review.change_confirmed',
    targetType: 'access_review_item',
    targetId: itemId,
    details: { campaignId },
  });
  return getItem(tx, actor, campaignId, itemId);
}

/** Cancels an open campaign (owners and admins): nothing more is decided in it, no evidence. */
export async function cancelCampaign(
  tx: Tx,
  actor: ReviewActor,
  campaignId: string,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  const row = await tx
    .selectFrom('access_review_campaigns')
    .select(['status'])
    .where('id', '=', campaignId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('This access review');
  if (row.status !== 'open') throw new AppError('conflict', `This access review is already ${row.status}.`);
  await tx.updateTable('access_review_campaigns').set({ status: 'cancelled' }).where('id', '=', campaignId).execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'access_review.cancelled',
    targetType: 'access_review',
    targetId: campaignId,
  });
}
