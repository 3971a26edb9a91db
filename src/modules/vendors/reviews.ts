/**
 * Vendor reviews: a record, once complete, of what was examined (the vendor's questionnaire
 * answers, an assurance report, anything else), who reviewed, the outcome and the day it was
 * finished. Reviews are never changed: a new one supersedes the last. The vendor's owner or an
 * owner or admin records them.
 */
import { z } from 'zod';
import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { VendorReviewOutcome } from '../../db/schema/vendors.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { assertMayEdit, checkMember, invalid, type VendorActor } from './access.js';
import { refreshVendors } from './inventory.js';
import { vendorRow } from './read.js';
import { vendorTarget } from './write.js';

export const OUTCOMES = ['approved', 'approved_with_conditions', 'rejected'] as const;
export const Day = z.iso.date({ error: 'a date as YYYY-MM-DD' });

export const NewReview = z.object({
  /** Who reviewed (default: the person recording it). */
  reviewerUserId: z.uuid().optional(),
  questionnaireId: z.uuid().nullable().optional(),
  documentId: z.uuid().nullable().optional(),
  /** Anything else examined: a security page, a contract, a call with the vendor. */
  examined: z.string().trim().max(2000).default(''),
  outcome: z.enum(OUTCOMES),
  conditions: z.string().trim().max(2000).optional(),
  notes: z.string().trim().max(5000).default(''),
  completedOn: Day,
});
export type NewReview = z.infer<typeof NewReview>;

export interface VendorReview {
  id: string;
  reviewer: { id: string; email: string; name: string };
  questionnaireId: string | null;
  documentId: string | null;
  examined: string;
  outcome: VendorReviewOutcome;
  conditions: string | null;
  notes: string;
  completedOn: string;
  recordedBy: string | null;
  createdAt: string;
}

export async function listReviews(tx: Tx, vendorId: string): Promise<VendorReview[]> {
  const rows = await tx
    .selectFrom('vendor_reviews as r')
    .innerJoin('users as u', 'u.id', 'r.reviewer_user_id')
    .leftJoin('users as rb', 'rb.id', 'r.recorded_by')
    .select([
      'r.id',
      'r.reviewer_user_id',
      'u.email',
      'u.name',
      'r.questionnaire_id',
      'r.document_id',
      'r.examined',
      'r.outcome',
      'r.conditions',
      'r.notes',
      'r.completed_on',
      'rb.email as recorded_by',
      'r.created_at',
    ])
    .where('r.vendor_id', '=', vendorId)
    .orderBy('r.completed_on', 'desc')
    .orderBy('r.created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    reviewer: { id: r.reviewer_user_id, email: r.email, name: r.name },
    questionnaireId: r.questionnaire_id,
    documentId: r.document_id,
    examined: r.examined,
    outcome: r.outcome,
    conditions: r.conditions,
    notes: r.notes,
    completedOn: r.completed_on,
    recordedBy: r.recorded_by,
    createdAt: iso(r.created_at),
  }));
}

export async function recordReview(
  tx: Tx,
  actor: VendorActor,
  vendorId: string,
  input: NewReview,
  meta: RequestMeta,
  now: Date,
): Promise<VendorReview> {
  const vendor = await vendorRow(tx, vendorId);
  assertMayEdit(actor, { name: vendor.name, ownerUserId: vendor.owner_user_id }, 'record its reviews');
  if (input.completedOn > now.toISOString().slice(0, 10)) {
    throw invalid(
      'body.completedOn',
      'in the future',
      'A review is recorded once complete: its date cannot be in the future.',
    );
  }
  const conditions = input.conditions?.trim() || null;
  if (input.outcome === 'approved_with_conditions' && !conditions) {
    throw invalid(
      'body.conditions',
      'conditions are required',
      'Write down the conditions the vendor is approved with.',
    );
  }
  if (input.questionnaireId) {
    const q = await tx
      .selectFrom('vendor_questionnaires')
      .select(['answered_at'])
      .where('id', '=', input.questionnaireId)
      .where('vendor_id', '=', vendorId)
      .executeTakeFirst();
    if (!q)
      throw invalid('body.questionnaireId', 'not this vendor’s', `That questionnaire was not sent to ${vendor.name}.`);
    if (!q.answered_at) {
      throw invalid(
        'body.questionnaireId',
        'not answered',
        'That questionnaire has not been answered yet: wait for the answers, or review without it.',
      );
    }
  }
  if (input.documentId) {
    const d = await tx
      .selectFrom('vendor_documents')
      .select('id')
      .where('id', '=', input.documentId)
      .where('vendor_id', '=', vendorId)
      .executeTakeFirst();
    if (!d) throw invalid('body.documentId', 'not this vendor’s', `That document is not one of ${vendor.name}’s.`);
  }
  if (!input.questionnaireId && !input.documentId && !input.examined) {
    throw invalid(
      'body.examined',
      'say what was examined',
      'Say what the review examined: its questionnaire answers, a report, or describe what else you looked at.',
    );
  }
  const reviewer = input.reviewerUserId ?? actor.userId;
  if (reviewer !== actor.userId) await checkMember(tx, reviewer, 'body.reviewerUserId', 'reviewer');

  const id = newId();
  await tx
    .insertInto('vendor_reviews')
    .values({
      id,
      org_id: actor.orgId,
      vendor_id: vendorId,
      reviewer_user_id: reviewer,
      questionnaire_id: input.questionnaireId ?? null,
      document_id: input.documentId ?? null,
      examined: input.examined,
      outcome: input.outcome,
      conditions: input.outcome === 'approved_with_conditions' ? conditions : null,
      notes: input.notes,
      completed_on: input.completedOn,
      recorded_by: actor.userId,
      created_at: now,
    })
    .execute();
  // A new review starts the next cycle: its reminder comes when that one is due.
  await tx
    .updateTable('vendors')
    .set({ review_reminded_at: null, updated_at: now })
    .where('id', '=', vendorId)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'vendor.review_recorded',
    ...vendorTarget(vendorId),
    details: {
      name: vendor.name,
      reviewId: id,
      outcome: input.outcome,
      completedOn: input.completedOn,
      reviewerUserId: reviewer,
      questionnaireId: input.questionnaireId ?? null,
      documentId: input.documentId ?? null,
    },
  });
  await refreshVendors(tx, actor.orgId, now);
  const [review] = (await listReviews(tx, vendorId)).filter((r) => r.id === id);
  return review as VendorReview;
}
