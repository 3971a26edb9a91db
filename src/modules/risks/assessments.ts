/**
 * The yearly risk assessment: a campaign in which every open risk is looked at again. Starting
 * copies every open risk into an item in one `INSERT … SELECT` (with a snapshot of how it was
 * rated), so the campaign reviews what existed then; each item is reviewed by the risk's owner
 * or an owner/admin with new ratings, a treatment and a comment, which also update the risk.
 * Risks raised during the campaign join it as reviewed items. Completing is complete.ts.
 *
 * Everyone reads campaigns and items; owners and admins start, edit, cancel, raise and
 * complete; auditors change nothing.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { Actor, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { RiskAssessmentStatus, RiskSnapshot, RiskTreatment } from '../../db/schema/risks.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { AppError, notFound } from '../../errors.js';
import type { RiskScore } from '../../integrations/operations.js';
import { recordAudit } from '../audit/service.js';
import { notify } from '../notifications/service.js';
import { auditWho } from '../tokens/service.js';
import { refreshRisks } from './inventory.js';
import { checkRatings, createRisk, type NewRisk, updateRisk } from './register.js';
import { defaultReviewOn, scoreOf, TREATMENTS } from './scoring.js';
import { canEditRisk, managesRisks, type PersonRef, type RiskActor, ref, today } from './service.js';

export const ASSESSMENT_STATUSES = ['open', 'completed', 'cancelled'] as const;

const Rating = z.number().int().min(1, 'From 1 to 5.').max(5, 'From 1 to 5.');
export const FraudStatement = z.string().trim().min(1, 'Say how fraud was considered.').max(5000);

export const StartAssessment = z.object({
  name: z.string().trim().min(1, 'Give the assessment a name.').max(200),
  dueOn: z.iso.date(),
  fraudStatement: FraudStatement.optional(),
});
export const AssessmentChange = StartAssessment.partial();
export const ItemReview = z.object({
  inherentLikelihood: Rating,
  inherentImpact: Rating,
  residualLikelihood: Rating,
  residualImpact: Rating,
  treatment: z.enum(TREATMENTS),
  treatmentPlan: z.string().trim().max(5000).optional(),
  reviewOn: z.iso.date().optional(),
  comment: z.string().trim().min(1, 'Say what the review found.').max(5000),
});
export type StartAssessment = z.infer<typeof StartAssessment>;
export type AssessmentChange = z.infer<typeof AssessmentChange>;
export type ItemReview = z.infer<typeof ItemReview>;

export interface AssessmentProgress {
  total: number;
  reviewed: number;
  remaining: number;
  raised: number;
  /** Items whose risk is of category fraud. */
  fraudRisks: number;
  /** Items waiting for the caller (the risks they own). */
  mine: number;
}

export interface Assessment {
  id: string;
  name: string;
  status: RiskAssessmentStatus;
  dueOn: string;
  overdue: boolean;
  fraudStatement: string | null;
  startedBy: PersonRef | null;
  startedAt: string;
  completedBy: PersonRef | null;
  completedAt: string | null;
  cancelledAt: string | null;
  csvEvidenceId: string | null;
  pdfEvidenceId: string | null;
  /** Completed, but the CSV or PDF is not stored yet (completing again stores it). */
  evidencePending: boolean;
  progress: AssessmentProgress;
}

export interface AssessmentItem {
  id: string;
  assessmentId: string;
  risk: { id: string; title: string; category: string; status: string; owner: PersonRef | null };
  raised: boolean;
  before: RiskSnapshot | null;
  review: {
    inherent: RiskScore;
    residual: RiskScore;
    treatment: RiskTreatment | null;
    comment: string;
    reviewedBy: PersonRef | null;
    reviewedAt: string;
  } | null;
  canReview: boolean;
}

function assessmentQuery(tx: Tx, userId: string) {
  return tx
    .selectFrom('risk_assessments as a')
    .leftJoin('users as sb', 'sb.id', 'a.started_by')
    .leftJoin('users as cb', 'cb.id', 'a.completed_by')
    .select([
      'a.id',
      'a.name',
      'a.status',
      'a.due_on',
      'a.fraud_statement',
      'a.started_by',
      'sb.email as started_by_email',
      'sb.name as started_by_name',
      'a.started_at',
      'a.completed_by',
      'cb.email as completed_by_email',
      'cb.name as completed_by_name',
      'a.completed_at',
      'a.cancelled_at',
      'a.csv_evidence_id',
      'a.pdf_evidence_id',
      sql<number>`(SELECT count(*) FROM risk_assessment_items i WHERE i.assessment_id = a.id)::int`.as('total'),
      sql<number>`(SELECT count(*) FROM risk_assessment_items i WHERE i.assessment_id = a.id AND i.reviewed_at IS NOT NULL)::int`.as(
        'reviewed',
      ),
      sql<number>`(SELECT count(*) FROM risk_assessment_items i WHERE i.assessment_id = a.id AND i.raised)::int`.as(
        'raised',
      ),
      sql<number>`(SELECT count(*) FROM risk_assessment_items i JOIN risks r ON r.id = i.risk_id
                    WHERE i.assessment_id = a.id AND r.category = 'fraud')::int`.as('fraud_risks'),
      sql<number>`(SELECT count(*) FROM risk_assessment_items i JOIN risks r ON r.id = i.risk_id
                    WHERE i.assessment_id = a.id AND i.reviewed_at IS NULL AND r.owner_user_id = ${userId})::int`.as(
        'mine',
      ),
    ]);
}

type AssessmentRow = Awaited<ReturnType<ReturnType<typeof assessmentQuery>['executeTakeFirstOrThrow']>>;

function toAssessment(r: AssessmentRow, now: Date): Assessment {
  const total = Number(r.total);
  const reviewed = Number(r.reviewed);
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    dueOn: r.due_on,
    overdue: r.status === 'open' && r.due_on < today(now),
    fraudStatement: r.fraud_statement,
    startedBy: ref(r.started_by, r.started_by_email, r.started_by_name),
    startedAt: iso(r.started_at),
    completedBy: ref(r.completed_by, r.completed_by_email, r.completed_by_name),
    completedAt: r.completed_at ? iso(r.completed_at) : null,
    cancelledAt: r.cancelled_at ? iso(r.cancelled_at) : null,
    csvEvidenceId: r.csv_evidence_id,
    pdfEvidenceId: r.pdf_evidence_id,
    evidencePending: r.status === 'completed' && (!r.csv_evidence_id || !r.pdf_evidence_id),
    progress: {
      total,
      reviewed,
      remaining: total - reviewed,
      raised: Number(r.raised),
      fraudRisks: Number(r.fraud_risks),
      mine: Number(r.mine),
    },
  };
}

export async function getAssessment(tx: Tx, actor: Actor, id: string, now: Date): Promise<Assessment> {
  const row = await assessmentQuery(tx, actor.userId).where('a.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This risk assessment');
  return toAssessment(row, now);
}

export async function listAssessments(
  tx: Tx,
  actor: Actor,
  filter: { status?: RiskAssessmentStatus; page: number; limit: number },
  now: Date,
): Promise<{ items: Assessment[]; total: number; page: number; limit: number }> {
  let count = tx.selectFrom('risk_assessments').select((eb) => eb.fn.countAll<number>().as('n'));
  let query = assessmentQuery(tx, actor.userId);
  if (filter.status) {
    count = count.where('status', '=', filter.status);
    query = query.where('a.status', '=', filter.status);
  }
  const total = Number((await count.executeTakeFirstOrThrow()).n);
  const rows = await query
    .orderBy('a.started_at', 'desc')
    .orderBy('a.id')
    .limit(filter.limit)
    .offset((filter.page - 1) * filter.limit)
    .execute();
  return { items: rows.map((r) => toAssessment(r, now)), total, page: filter.page, limit: filter.limit };
}

const invalid = (path: string, message: string, detail: string) =>
  new AppError('validation_failed', detail, { errors: [{ path, message }] });

function checkDueOn(dueOn: string, now: Date): void {
  if (dueOn < today(now)) {
    throw invalid('body.dueOn', 'in the past', `The due date (${dueOn}) is in the past: choose today or a later day.`);
  }
}

function requireManager(actor: Actor, what: string): void {
  if (!managesRisks(actor)) throw new AppError('forbidden', `Only owners and admins ${what}.`);
}

/** Locks an assessment row for a change; refuses unless it is open. */
async function openAssessment(tx: Tx, id: string) {
  const row = await tx
    .selectFrom('risk_assessments')
    .select(['id', 'name', 'status'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('This risk assessment');
  if (row.status !== 'open') {
    throw new AppError('conflict', `The risk assessment “${row.name}” is ${row.status}: it can no longer change.`);
  }
  return row;
}

/**
 * Starts a campaign (owners and admins): every open risk becomes an item, and each risk owner
 * is told in the app. Only one campaign runs at a time.
 */
export async function startAssessment(
  tx: Tx,
  actor: RiskActor,
  input: StartAssessment,
  meta: RequestMeta,
  now: Date,
  options: { refresh?: boolean } = {},
): Promise<Assessment> {
  requireManager(actor, 'start a risk assessment');
  checkDueOn(input.dueOn, now);
  const running = await tx
    .selectFrom('risk_assessments')
    .select('name')
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (running) {
    throw new AppError(
      'conflict',
      `The risk assessment “${running.name}” is still open: complete or cancel it before starting another.`,
    );
  }
  const id = newId();
  await tx
    .insertInto('risk_assessments')
    .values({
      id,
      org_id: actor.orgId,
      name: input.name,
      status: 'open',
      due_on: input.dueOn,
      fraud_statement: input.fraudStatement ?? null,
      started_by: actor.userId,
      started_at: now,
    })
    .execute();
  await sql`
    INSERT INTO risk_assessment_items (id, org_id, assessment_id, risk_id, raised, before)
    SELECT gen_random_uuid(), r.org_id, ${id}, r.id, false,
           jsonb_build_object(
             'title', r.title, 'category', r.category, 'ownerEmail', lower(u.email),
             'inherentLikelihood', r.inherent_likelihood, 'inherentImpact', r.inherent_impact,
             'residualLikelihood', r.residual_likelihood, 'residualImpact', r.residual_impact,
             'treatment', r.treatment)
      FROM risks r LEFT JOIN users u ON u.id = r.owner_user_id
     WHERE r.status = 'open'`.execute(tx);
  const owners = await tx
    .selectFrom('risk_assessment_items as i')
    .innerJoin('risks as r', 'r.id', 'i.risk_id')
    .select(['r.owner_user_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('i.assessment_id', '=', id)
    .where('r.owner_user_id', 'is not', null)
    .groupBy('r.owner_user_id')
    .execute();
  for (const o of owners) {
    const n = Number(o.n);
    await notify(
      tx,
      actor.orgId,
      [o.owner_user_id as string],
      {
        kind: 'risk_assessment.review_requested',
        title: `Review your risks: ${input.name}`,
        body: `${n === 1 ? 'One risk you own waits' : `${n} risks you own wait`} for your review by ${input.dueOn}: rate them again, choose a treatment and say what you found.`,
        link: `/risks/assessments/${id}`,
      },
      now,
    );
  }
  const assessment = await getAssessment(tx, actor, id, now);
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'risk_assessment.started',
    targetType: 'risk_assessment',
    targetId: id,
    details: { name: input.name, dueOn: input.dueOn, items: assessment.progress.total },
  });
  if (options.refresh !== false) await refreshRisks(tx, actor.orgId, now);
  return assessment;
}

/** Renames it, moves its due date or records the fraud statement (owners and admins, while open). */
export async function updateAssessment(
  tx: Tx,
  actor: RiskActor,
  id: string,
  input: AssessmentChange,
  meta: RequestMeta,
  now: Date,
): Promise<Assessment> {
  requireManager(actor, 'change a risk assessment');
  const row = await openAssessment(tx, id);
  if (input.dueOn !== undefined) checkDueOn(input.dueOn, now);
  const set: { name?: string; due_on?: string; fraud_statement?: string } = {};
  if (input.name !== undefined) set.name = input.name;
  if (input.dueOn !== undefined) set.due_on = input.dueOn;
  if (input.fraudStatement !== undefined) set.fraud_statement = input.fraudStatement;
  if (Object.keys(set).length === 0) return getAssessment(tx, actor, id, now);
  await tx.updateTable('risk_assessments').set(set).where('id', '=', id).execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'risk_assessment.updated',
    targetType: 'risk_assessment',
    targetId: id,
    details: {
      name: input.name ?? row.name,
      changed: { ...set, ...(set.fraud_statement !== undefined ? { fraud_statement: '(recorded)' } : {}) },
    },
  });
  await refreshRisks(tx, actor.orgId, now);
  return getAssessment(tx, actor, id, now);
}

export async function cancelAssessment(
  tx: Tx,
  actor: RiskActor,
  id: string,
  meta: RequestMeta,
  now: Date,
): Promise<Assessment> {
  requireManager(actor, 'cancel a risk assessment');
  const row = await openAssessment(tx, id);
  await tx
    .updateTable('risk_assessments')
    .set({ status: 'cancelled', cancelled_at: now })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'risk_assessment.cancelled',
    targetType: 'risk_assessment',
    targetId: id,
    details: { name: row.name },
  });
  await refreshRisks(tx, actor.orgId, now);
  return getAssessment(tx, actor, id, now);
}

function itemsQuery(tx: Tx) {
  return tx
    .selectFrom('risk_assessment_items as i')
    .innerJoin('risks as r', 'r.id', 'i.risk_id')
    .leftJoin('users as o', 'o.id', 'r.owner_user_id')
    .leftJoin('users as rb', 'rb.id', 'i.reviewed_by')
    .select([
      'i.id',
      'i.assessment_id',
      'i.raised',
      'i.before',
      'i.inherent_likelihood',
      'i.inherent_impact',
      'i.residual_likelihood',
      'i.residual_impact',
      'i.treatment',
      'i.comment',
      'i.reviewed_by',
      'rb.email as reviewed_by_email',
      'rb.name as reviewed_by_name',
      'i.reviewed_at',
      'r.id as risk_id',
      'r.title',
      'r.category',
      'r.status as risk_status',
      'r.owner_user_id',
      'o.email as owner_email',
      'o.name as owner_name',
    ]);
}

type ItemRow = Awaited<ReturnType<ReturnType<typeof itemsQuery>['executeTakeFirstOrThrow']>>;

function toItem(r: ItemRow, actor: Actor, open: boolean): AssessmentItem {
  const reviewed =
    r.reviewed_at &&
    r.inherent_likelihood !== null &&
    r.inherent_impact !== null &&
    r.residual_likelihood !== null &&
    r.residual_impact !== null;
  return {
    id: r.id,
    assessmentId: r.assessment_id,
    risk: {
      id: r.risk_id,
      title: r.title,
      category: r.category,
      status: r.risk_status,
      owner: ref(r.owner_user_id, r.owner_email, r.owner_name),
    },
    raised: r.raised,
    before: r.before,
    review: reviewed
      ? {
          inherent: scoreOf(r.inherent_likelihood as number, r.inherent_impact as number),
          residual: scoreOf(r.residual_likelihood as number, r.residual_impact as number),
          treatment: r.treatment,
          comment: r.comment ?? '',
          reviewedBy: ref(r.reviewed_by, r.reviewed_by_email, r.reviewed_by_name),
          reviewedAt: iso(r.reviewed_at as Date),
        }
      : null,
    canReview: open && canEditRisk(actor, r.owner_user_id),
  };
}

/** The campaign's items: unreviewed first, then by title; `mine` for the caller's own risks. */
export async function listItems(
  tx: Tx,
  actor: Actor,
  assessmentId: string,
  filter: { reviewed?: boolean; mine?: boolean; page: number; limit: number },
  now: Date,
): Promise<{ items: AssessmentItem[]; total: number; page: number; limit: number }> {
  const assessment = await getAssessment(tx, actor, assessmentId, now);
  let query = itemsQuery(tx).where('i.assessment_id', '=', assessmentId);
  if (filter.reviewed !== undefined) {
    query = query.where('i.reviewed_at', filter.reviewed ? 'is not' : 'is', null);
  }
  if (filter.mine) query = query.where('r.owner_user_id', '=', actor.userId);
  const total = Number(
    (
      await query
        .clearSelect()
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const rows = await query
    .orderBy(sql`i.reviewed_at IS NOT NULL`)
    .orderBy(sql`lower(r.title)`)
    .orderBy('i.id')
    .limit(filter.limit)
    .offset((filter.page - 1) * filter.limit)
    .execute();
  return {
    items: rows.map((r) => toItem(r, actor, assessment.status === 'open')),
    total,
    page: filter.page,
    limit: filter.limit,
  };
}

async function getItem(tx: Tx, actor: Actor, assessmentId: string, itemId: string, open: boolean) {
  const row = await itemsQuery(tx)
    .where('i.assessment_id', '=', assessmentId)
    .where('i.id', '=', itemId)
    .executeTakeFirst();
  if (!row) throw notFound('This item');
  return toItem(row, actor, open);
}

/**
 * Reviews one item (the risk's owner, an owner or an admin): the new ratings, treatment and
 * comment are kept on the item and written to the risk, whose next review moves to the day
 * given or the residual level's default. Reviewing again while the campaign is open replaces
 * the review.
 */
export async function reviewItem(
  tx: Tx,
  actor: RiskActor,
  assessmentId: string,
  itemId: string,
  input: ItemReview,
  meta: RequestMeta,
  now: Date,
  options: { refresh?: boolean } = {},
): Promise<AssessmentItem> {
  const assessment = await openAssessment(tx, assessmentId);
  const item = await getItem(tx, actor, assessmentId, itemId, true);
  if (!item.canReview) {
    throw new AppError(
      'forbidden',
      `Only the risk's owner${item.risk.owner ? ` (${item.risk.owner.email})` : ''}, an owner or an admin reviews this risk.`,
    );
  }
  checkRatings(input);
  const level = scoreOf(input.residualLikelihood, input.residualImpact).level;
  await updateRisk(
    tx,
    actor,
    item.risk.id,
    {
      inherentLikelihood: input.inherentLikelihood,
      inherentImpact: input.inherentImpact,
      residualLikelihood: input.residualLikelihood,
      residualImpact: input.residualImpact,
      treatment: input.treatment,
      treatmentPlan: input.treatmentPlan,
      reviewOn: input.reviewOn ?? defaultReviewOn(level, now),
    },
    meta,
    now,
    { refresh: false },
  );
  await tx
    .updateTable('risk_assessment_items')
    .set({
      inherent_likelihood: input.inherentLikelihood,
      inherent_impact: input.inherentImpact,
      residual_likelihood: input.residualLikelihood,
      residual_impact: input.residualImpact,
      treatment: input.treatment,
      comment: input.comment,
      reviewed_by: actor.userId,
      reviewed_at: now,
    })
    .where('id', '=', itemId)
    .execute();
  const residual = scoreOf(input.residualLikelihood, input.residualImpact);
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'risk.reviewed',
    targetType: 'risk',
    targetId: item.risk.id,
    details: {
      title: item.risk.title,
      assessment: assessment.name,
      assessmentId,
      inherent: input.inherentLikelihood * input.inherentImpact,
      residual: residual.score,
      level: residual.level,
      treatment: input.treatment,
    },
  });
  if (options.refresh !== false) await refreshRisks(tx, actor.orgId, now);
  return getItem(tx, actor, assessmentId, itemId, true);
}

/**
 * Raises a new risk within an open campaign (owners and admins): it enters the register and joins
 * the campaign as an item already reviewed, with the comment given.
 */
export async function raiseRisk(
  tx: Tx,
  actor: RiskActor,
  assessmentId: string,
  input: NewRisk & { comment: string },
  meta: RequestMeta,
  now: Date,
  options: { refresh?: boolean } = {},
): Promise<AssessmentItem> {
  requireManager(actor, 'raise risks in a risk assessment');
  const assessment = await openAssessment(tx, assessmentId);
  const { comment, ...fields } = input;
  const risk = await createRisk(tx, actor, fields, meta, now, { refresh: false });
  const id = newId();
  await tx
    .insertInto('risk_assessment_items')
    .values({
      id,
      org_id: actor.orgId,
      assessment_id: assessmentId,
      risk_id: risk.id,
      raised: true,
      before: null,
      inherent_likelihood: risk.inherent.likelihood,
      inherent_impact: risk.inherent.impact,
      residual_likelihood: risk.residual.likelihood,
      residual_impact: risk.residual.impact,
      treatment: risk.treatment,
      comment,
      reviewed_by: actor.userId,
      reviewed_at: now,
    })
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'risk_assessment.risk_raised',
    targetType: 'risk_assessment',
    targetId: assessmentId,
    details: { name: assessment.name, riskId: risk.id, title: risk.title, category: risk.category },
  });
  if (options.refresh !== false) await refreshRisks(tx, actor.orgId, now);
  return getItem(tx, actor, assessmentId, id, true);
}
