/**
 * Findings of an assessment: each has a severity, an owner and a day it must be fixed by (by
 * default the severity's deadline from the monitoring settings, counted from the report date,
 * or from the day it is recorded). Owners and admins manage them; a finding's owner marks it
 * fixed (or open again) and keeps its notes; accepting the risk instead of fixing it, with a
 * reason, is for owners and admins. Every change is audited and moves the assessment's record.
 */
import { sql } from 'kysely';
import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { FindingStatus } from '../../db/schema/assessments.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { loadSettings } from '../monitoring/settings.js';
import { notify } from '../notifications/service.js';
import { auditWho } from '../tokens/service.js';
import { refreshAssessments } from './inventory.js';
import { addDays, dayOf, type Finding, invalid, manages, type NewFinding, type OrgActor } from './model.js';

function findingsQuery(tx: Tx) {
  return tx
    .selectFrom('assessment_findings as f')
    .innerJoin('assessments as a', 'a.id', 'f.assessment_id')
    .leftJoin('users as u', 'u.id', 'f.owner_user_id')
    .select([
      'f.id',
      'f.assessment_id',
      'a.title as assessment_title',
      'f.title',
      'f.severity',
      'f.description',
      'f.owner_user_id',
      'u.email as owner_email',
      'u.name as owner_name',
      'f.due_date',
      'f.status',
      'f.fixed_on',
      'f.accepted_reason',
      'f.created_at',
      'f.updated_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof findingsQuery>['executeTakeFirstOrThrow']>>;

export function toFinding(r: Row, actor: OrgActor, today: string): Finding {
  return {
    id: r.id,
    assessmentId: r.assessment_id,
    assessmentTitle: r.assessment_title,
    title: r.title,
    severity: r.severity,
    description: r.description,
    owner: r.owner_user_id ? { id: r.owner_user_id, email: r.owner_email ?? '', name: r.owner_name ?? '' } : null,
    dueDate: r.due_date,
    status: r.status,
    fixedOn: r.fixed_on,
    acceptedReason: r.accepted_reason,
    overdue: r.status === 'open' && r.due_date < today,
    canEdit: manages(actor) || (r.owner_user_id === actor.userId && actor.role !== 'auditor'),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

const ORDER = sql`CASE f.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END`;

/** Findings of one assessment, or across the register (yours, open, past due): by due date and severity. */
export async function findingsOf(
  tx: Tx,
  actor: OrgActor,
  filter: { assessmentId?: string; mine?: boolean; status?: FindingStatus; overdue?: boolean },
  now: Date,
): Promise<Finding[]> {
  const today = dayOf(now);
  let query = findingsQuery(tx);
  if (filter.assessmentId) query = query.where('f.assessment_id', '=', filter.assessmentId);
  if (filter.mine) query = query.where('f.owner_user_id', '=', actor.userId);
  if (filter.status) query = query.where('f.status', '=', filter.status);
  if (filter.overdue) query = query.where('f.status', '=', 'open').where('f.due_date', '<', today);
  const rows = await query
    .orderBy('f.due_date')
    .orderBy(ORDER)
    .orderBy('f.title')
    .orderBy('f.id')
    .limit(1000)
    .execute();
  return rows.map((r) => toFinding(r, actor, today));
}

export async function findingRow(tx: Tx, assessmentId: string, id: string): Promise<Row> {
  const row = await findingsQuery(tx)
    .where('f.id', '=', id)
    .where('f.assessment_id', '=', assessmentId)
    .executeTakeFirst();
  if (!row) throw notFound('This finding');
  return row;
}

/** A finding's owner is a member who may write (not an auditor). */
export async function checkOwner(tx: Tx, userId: string | null | undefined): Promise<void> {
  if (!userId) return;
  const member = await tx
    .selectFrom('memberships as m')
    .select('m.role')
    .where(sql<boolean>`m.org_id = app_current_org()`)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
  if (!member) {
    throw invalid(
      'body.ownerUserId',
      'not a member',
      'The owner must be a member of this organisation. Invite them first, or choose someone else.',
    );
  }
  if (member.role === 'auditor') {
    throw invalid(
      'body.ownerUserId',
      'auditors cannot own findings',
      'An auditor cannot own a finding: auditors never change anything.',
    );
  }
}

interface FindingState {
  status: FindingStatus;
  fixedOn: string | null;
  acceptedReason: string | null;
}

/** The status with what it needs: a fix date (today unless given, never ahead), or a reason to accept. */
export function settle(
  status: FindingStatus,
  fixedOn: string | null | undefined,
  reason: string | null | undefined,
  today: string,
): FindingState {
  if (status === 'fixed') {
    const on = fixedOn ?? today;
    if (on > today) throw invalid('body.fixedOn', 'in the future', 'A finding cannot be fixed on a day still to come.');
    return { status, fixedOn: on, acceptedReason: null };
  }
  if (status === 'accepted') {
    if (!reason || reason.length < 10) {
      throw invalid(
        'body.acceptedReason',
        'at least 10 characters',
        'Say why the risk is accepted instead of fixed (at least 10 characters).',
      );
    }
    return { status, fixedOn: null, acceptedReason: reason };
  }
  return { status, fixedOn: null, acceptedReason: null };
}

async function assessmentTitle(tx: Tx, id: string): Promise<{ title: string; report_date: string | null }> {
  const row = await tx
    .selectFrom('assessments')
    .select(['title', 'report_date'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('This assessment');
  return row;
}

export async function tellOwner(
  tx: Tx,
  orgId: string,
  ownerId: string | null,
  actor: OrgActor,
  f: { title: string; assessmentId: string; dueDate: string },
  assessment: string,
  now: Date,
) {
  if (!ownerId || ownerId === actor.userId) return;
  await notify(
    tx,
    orgId,
    [ownerId],
    {
      kind: 'assessment.finding_assigned',
      title: `Finding to fix: ${f.title}`,
      body: `You own the finding “${f.title}” of ${assessment}. Fix it by ${f.dueDate}, then mark it fixed.`,
      link: `/assessments/${f.assessmentId}`,
    },
    now,
  );
}

export async function createFinding(
  tx: Tx,
  actor: OrgActor,
  assessmentId: string,
  input: NewFinding,
  meta: RequestMeta,
  now: Date,
): Promise<Finding> {
  const assessment = await assessmentTitle(tx, assessmentId);
  await checkOwner(tx, input.ownerUserId);
  const today = dayOf(now);
  const settings = await loadSettings(tx);
  // The deadline counts from the report that named the finding, or from today.
  const base = assessment.report_date && assessment.report_date < today ? assessment.report_date : today;
  const dueDate = input.dueDate ?? addDays(base, settings.slaDays[input.severity]);
  const state = settle(input.status ?? 'open', input.fixedOn, input.acceptedReason, today);
  const id = newId();
  await tx
    .insertInto('assessment_findings')
    .values({
      id,
      org_id: actor.orgId,
      assessment_id: assessmentId,
      title: input.title,
      severity: input.severity,
      description: input.description ?? '',
      owner_user_id: input.ownerUserId ?? null,
      due_date: dueDate,
      status: state.status,
      fixed_on: state.fixedOn,
      accepted_reason: state.acceptedReason,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'assessment.finding_created',
    targetType: 'assessment',
    targetId: assessmentId,
    details: {
      findingId: id,
      title: input.title,
      severity: input.severity,
      ownerUserId: input.ownerUserId ?? null,
      dueDate,
      status: state.status,
    },
  });
  if (state.status === 'open') {
    await tellOwner(
      tx,
      actor.orgId,
      input.ownerUserId ?? null,
      actor,
      { title: input.title, assessmentId, dueDate },
      `“${assessment.title}”`,
      now,
    );
  }
  await refreshAssessments(tx, actor.orgId, now);
  return toFinding(await findingRow(tx, assessmentId, id), actor, today);
}

export async function deleteFinding(
  tx: Tx,
  actor: OrgActor,
  assessmentId: string,
  id: string,
  meta: RequestMeta,
  now: Date,
) {
  const row = await findingRow(tx, assessmentId, id);
  await tx.deleteFrom('assessment_findings').where('id', '=', id).execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'assessment.finding_deleted',
    targetType: 'assessment',
    targetId: assessmentId,
    details: { findingId: id, title: row.title, severity: row.severity, status: row.status },
  });
  await refreshAssessments(tx, actor.orgId, now);
}
