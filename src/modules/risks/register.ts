/**
 * Writing the risk register: creating, changing, closing and reopening risks. Every change is
 * checked as a whole before anything is written (residual never above inherent, a real owner,
 * real controls, who may accept), audit-logged, and pushed to the inventory in the same
 * transaction.
 *
 * Accepting: choosing the treatment "accept" records who accepted the residual risk and when.
 * Only the risk's owner or an owner/admin may do it, and a residual level of high or critical
 * takes an owner or admin. A change to the residual rating of an accepted risk is a new
 * acceptance by whoever makes it (under the same rule).
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { refreshRisks } from './inventory.js';
import { CATEGORIES, defaultReviewOn, isSevere, scoreOf, TREATMENTS } from './scoring.js';
import {
  canEditRisk,
  getRisk,
  managesRisks,
  type Risk,
  type RiskActor,
  type RiskRow,
  RiskRuleError,
  risksQuery,
  today,
} from './service.js';

const Rating = (what: string) =>
  z
    .number()
    .int(`${what} is a whole number from 1 to 5.`)
    .min(1, `${what} is at least 1.`)
    .max(5, `${what} is at most 5.`);

export const RiskFields = z.object({
  title: z.string().trim().min(1, 'Give the risk a title.').max(200),
  description: z.string().trim().max(5000),
  category: z.enum(CATEGORIES),
  ownerUserId: z.uuid(),
  inherentLikelihood: Rating('Likelihood'),
  inherentImpact: Rating('Impact'),
  residualLikelihood: Rating('Likelihood'),
  residualImpact: Rating('Impact'),
  treatment: z.enum(TREATMENTS).nullable(),
  treatmentPlan: z.string().trim().max(5000),
  controlIds: z.array(z.uuid()).max(50, 'Link at most 50 controls.'),
  reviewOn: z.iso.date(),
});
/** Residual ratings default to the inherent ones; the review date to the residual level's default. */
export const NewRisk = RiskFields.partial().required({
  title: true,
  category: true,
  ownerUserId: true,
  inherentLikelihood: true,
  inherentImpact: true,
});
export const RiskChange = RiskFields.partial();
export type NewRisk = z.infer<typeof NewRisk>;
export type RiskChange = z.infer<typeof RiskChange>;

const invalid = (path: string, message: string, detail: string) =>
  new AppError('validation_failed', detail, { errors: [{ path, message }] });

/** The owner must be a member who may change things (not an auditor). */
async function checkOwner(tx: Tx, userId: string): Promise<void> {
  const member = await tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.role', 'u.disabled_at'])
    .where(sql<boolean>`m.org_id = app_current_org()`)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
  if (!member || member.disabled_at) {
    throw invalid(
      'body.ownerUserId',
      'not a member',
      'The risk owner must be a member of this organisation. Invite them first, or choose someone else.',
    );
  }
  if (member.role === 'auditor') {
    throw invalid(
      'body.ownerUserId',
      'auditors cannot own risks',
      'An auditor cannot own a risk: owners review and treat their risks, and auditors never change anything.',
    );
  }
}

async function checkControls(tx: Tx, ids: string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return unique;
  const found = new Set(
    (
      await tx.selectFrom('controls').select('id').where('id', 'in', unique).where('retired_at', 'is', null).execute()
    ).map((c) => c.id),
  );
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw invalid(
      'body.controlIds',
      'unknown control',
      `There is no current control with the id ${missing[0]}: choose the controls from the control library.`,
    );
  }
  return unique;
}

export interface Ratings {
  inherentLikelihood: number;
  inherentImpact: number;
  residualLikelihood: number;
  residualImpact: number;
}

/** Controls only lower a risk: its residual score may not exceed its inherent score. */
export function checkRatings(r: Ratings, prefix = 'body'): void {
  const inherent = scoreOf(r.inherentLikelihood, r.inherentImpact);
  const residual = scoreOf(r.residualLikelihood, r.residualImpact);
  if (residual.score > inherent.score) {
    throw new RiskRuleError(
      `${prefix}.residualImpact`,
      'higher than the inherent risk',
      `The residual risk (${r.residualLikelihood} × ${r.residualImpact} = ${residual.score}) is higher than the inherent risk ` +
        `(${r.inherentLikelihood} × ${r.inherentImpact} = ${inherent.score}). The residual risk is what remains once the controls work, ` +
        'so it cannot be higher: lower the residual likelihood or impact, or raise the inherent rating.',
    );
  }
}

/**
 * Whether saving these values records a new acceptance by the actor, refusing those who may not
 * accept. `before` is null for a new risk.
 */
export function acceptanceBy(
  actor: RiskActor,
  ownerUserId: string | null,
  treatment: string | null,
  ratings: Ratings,
  before: (Ratings & { treatment: string | null }) | null,
): boolean {
  if (treatment !== 'accept') return false;
  const same =
    before !== null &&
    before.treatment === 'accept' &&
    before.residualLikelihood === ratings.residualLikelihood &&
    before.residualImpact === ratings.residualImpact;
  if (same) return false;
  if (!managesRisks(actor) && actor.userId !== ownerUserId) {
    throw new AppError('forbidden', "Only the risk's owner, an owner or an admin may accept a risk.");
  }
  const level = scoreOf(ratings.residualLikelihood, ratings.residualImpact).level;
  if (isSevere(level) && !managesRisks(actor)) {
    throw new AppError(
      'forbidden',
      `The residual risk is ${level}: only an owner or admin may accept it. Ask one of them, or choose another treatment.`,
    );
  }
  return true;
}

function checkReviewOn(reviewOn: string, now: Date): void {
  if (reviewOn < today(now)) {
    throw invalid(
      'body.reviewOn',
      'in the past',
      `The next review date (${reviewOn}) is in the past: choose today or a later day.`,
    );
  }
}

async function setControls(tx: Tx, orgId: string, riskId: string, ids: string[]): Promise<void> {
  await tx.deleteFrom('risk_controls').where('risk_id', '=', riskId).execute();
  if (ids.length > 0) {
    await tx
      .insertInto('risk_controls')
      .values(ids.map((controlId) => ({ org_id: orgId, risk_id: riskId, control_id: controlId })))
      .execute();
  }
}

const scores = (r: Ratings) => ({
  inherent: scoreOf(r.inherentLikelihood, r.inherentImpact).score,
  residual: scoreOf(r.residualLikelihood, r.residualImpact).score,
});

/** Adds a risk (owners and admins). */
export async function createRisk(
  tx: Tx,
  actor: RiskActor,
  input: NewRisk,
  meta: RequestMeta,
  now: Date,
  options: { refresh?: boolean } = {},
): Promise<Risk> {
  if (!managesRisks(actor)) throw new AppError('forbidden', 'Only owners and admins add risks to the register.');
  const ratings: Ratings = {
    inherentLikelihood: input.inherentLikelihood,
    inherentImpact: input.inherentImpact,
    residualLikelihood: input.residualLikelihood ?? input.inherentLikelihood,
    residualImpact: input.residualImpact ?? input.inherentImpact,
  };
  checkRatings(ratings);
  await checkOwner(tx, input.ownerUserId);
  const controlIds = await checkControls(tx, input.controlIds ?? []);
  const treatment = input.treatment ?? null;
  const residualLevel = scoreOf(ratings.residualLikelihood, ratings.residualImpact).level;
  const reviewOn = input.reviewOn ?? defaultReviewOn(residualLevel, now);
  if (input.reviewOn !== undefined) checkReviewOn(reviewOn, now);
  const accepted = acceptanceBy(actor, input.ownerUserId, treatment, ratings, null);

  const id = newId();
  await tx
    .insertInto('risks')
    .values({
      id,
      org_id: actor.orgId,
      title: input.title,
      description: input.description ?? '',
      category: input.category,
      owner_user_id: input.ownerUserId,
      inherent_likelihood: ratings.inherentLikelihood,
      inherent_impact: ratings.inherentImpact,
      residual_likelihood: ratings.residualLikelihood,
      residual_impact: ratings.residualImpact,
      treatment,
      treatment_plan: input.treatmentPlan ?? '',
      accepted_by: accepted ? actor.userId : null,
      accepted_at: accepted ? now : null,
      review_on: reviewOn,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await setControls(tx, actor.orgId, id, controlIds);
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'risk.created',
    targetType: 'risk',
    targetId: id,
    details: {
      title: input.title,
      category: input.category,
      ownerUserId: input.ownerUserId,
      ...scores(ratings),
      treatment,
      reviewOn,
      controlIds,
    },
  });
  if (accepted) await auditAcceptance(tx, actor, id, input.title, ratings, meta, now);
  if (options.refresh !== false) await refreshRisks(tx, actor.orgId, now);
  return getRisk(tx, actor, id, now);
}

async function auditAcceptance(
  tx: Tx,
  actor: RiskActor,
  id: string,
  title: string,
  ratings: Ratings,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  const residual = scoreOf(ratings.residualLikelihood, ratings.residualImpact);
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'risk.accepted',
    targetType: 'risk',
    targetId: id,
    details: { title, residual: residual.score, level: residual.level },
  });
}

async function lockedRow(tx: Tx, id: string): Promise<RiskRow> {
  // Lock first (a plain row lock: the joined users are not locked), then read with the joins.
  const locked = await tx.selectFrom('risks').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  const row = locked ? await risksQuery(tx).where('r.id', '=', id).executeTakeFirst() : undefined;
  if (!row) throw notFound('This risk');
  return row;
}

/**
 * Changes a risk (only the fields sent): owners and admins any risk, a risk's owner their own
 * (but not who owns it). Answers the risk as it is now.
 */
export async function updateRisk(
  tx: Tx,
  actor: RiskActor,
  id: string,
  input: RiskChange,
  meta: RequestMeta,
  now: Date,
  options: { refresh?: boolean } = {},
): Promise<Risk> {
  const before = await lockedRow(tx, id);
  if (!canEditRisk(actor, before.owner_user_id)) {
    throw new AppError('forbidden', "Only the risk's owner, an owner or an admin may change this risk.");
  }
  const ownerChanges = input.ownerUserId !== undefined && input.ownerUserId !== before.owner_user_id;
  if (ownerChanges && !managesRisks(actor)) {
    throw new AppError('forbidden', 'Only owners and admins give a risk to someone else.');
  }
  const ratings: Ratings = {
    inherentLikelihood: input.inherentLikelihood ?? before.inherent_likelihood,
    inherentImpact: input.inherentImpact ?? before.inherent_impact,
    residualLikelihood: input.residualLikelihood ?? before.residual_likelihood,
    residualImpact: input.residualImpact ?? before.residual_impact,
  };
  checkRatings(ratings);
  if (ownerChanges) await checkOwner(tx, input.ownerUserId as string);
  const controlIds = input.controlIds === undefined ? undefined : await checkControls(tx, input.controlIds);
  if (input.reviewOn !== undefined && input.reviewOn !== before.review_on) checkReviewOn(input.reviewOn, now);
  const treatment = input.treatment === undefined ? before.treatment : input.treatment;
  const beforeRatings: Ratings & { treatment: string | null } = {
    inherentLikelihood: before.inherent_likelihood,
    inherentImpact: before.inherent_impact,
    residualLikelihood: before.residual_likelihood,
    residualImpact: before.residual_impact,
    treatment: before.treatment,
  };
  const accepted = acceptanceBy(actor, before.owner_user_id, treatment, ratings, beforeRatings);

  const set: Record<string, unknown> = {};
  const changed: Record<string, unknown> = {};
  const put = (column: string, field: string, value: unknown, old: unknown) => {
    if (value === undefined || value === old) return;
    set[column] = value;
    changed[field] = value;
  };
  put('title', 'title', input.title, before.title);
  put('description', 'description', input.description, before.description);
  put('category', 'category', input.category, before.category);
  put('owner_user_id', 'ownerUserId', input.ownerUserId, before.owner_user_id);
  put('inherent_likelihood', 'inherentLikelihood', ratings.inherentLikelihood, before.inherent_likelihood);
  put('inherent_impact', 'inherentImpact', ratings.inherentImpact, before.inherent_impact);
  put('residual_likelihood', 'residualLikelihood', ratings.residualLikelihood, before.residual_likelihood);
  put('residual_impact', 'residualImpact', ratings.residualImpact, before.residual_impact);
  put('treatment', 'treatment', treatment, before.treatment);
  put('treatment_plan', 'treatmentPlan', input.treatmentPlan, before.treatment_plan);
  put('review_on', 'reviewOn', input.reviewOn, before.review_on);
  if (treatment !== 'accept' && before.accepted_at) {
    set.accepted_by = null;
    set.accepted_at = null;
  } else if (accepted) {
    set.accepted_by = actor.userId;
    set.accepted_at = now;
  }
  let controlsChanged = false;
  if (controlIds !== undefined) {
    const current = (await tx.selectFrom('risk_controls').select('control_id').where('risk_id', '=', id).execute())
      .map((c) => c.control_id)
      .sort();
    controlsChanged = current.join() !== [...controlIds].sort().join();
    if (controlsChanged) {
      await setControls(tx, actor.orgId, id, controlIds);
      changed.controlIds = controlIds;
    }
  }
  if (Object.keys(set).length === 0 && !controlsChanged) return getRisk(tx, actor, id, now);
  await tx
    .updateTable('risks')
    .set({ ...set, updated_at: now })
    .where('id', '=', id)
    .execute();
  // Long texts: the audit row says they changed, not what they say.
  for (const field of ['description', 'treatmentPlan']) if (field in changed) changed[field] = '(changed)';
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'risk.updated',
    targetType: 'risk',
    targetId: id,
    details: { title: input.title ?? before.title, changed },
  });
  if (accepted) await auditAcceptance(tx, actor, id, input.title ?? before.title, ratings, meta, now);
  if (options.refresh !== false) await refreshRisks(tx, actor.orgId, now);
  return getRisk(tx, actor, id, now);
}

/** Closes a risk that no longer applies, or reopens a closed one (its owner, an owner or an admin). */
export async function setRiskClosed(
  tx: Tx,
  actor: RiskActor,
  id: string,
  close: boolean,
  meta: RequestMeta,
  now: Date,
): Promise<Risk> {
  const before = await lockedRow(tx, id);
  if (!canEditRisk(actor, before.owner_user_id)) {
    throw new AppError('forbidden', "Only the risk's owner, an owner or an admin may close or reopen this risk.");
  }
  if ((before.status === 'closed') === close) return getRisk(tx, actor, id, now);
  await tx
    .updateTable('risks')
    .set({ status: close ? 'closed' : 'open', closed_at: close ? now : null, updated_at: now })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: close ? 'risk.closed' : 'risk.reopened',
    targetType: 'risk',
    targetId: id,
    details: { title: before.title },
  });
  await refreshRisks(tx, actor.orgId, now);
  return getRisk(tx, actor, id, now);
}
