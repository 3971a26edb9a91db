/**
 * Changing a finding: owners and admins change any field; its owner only marks it fixed or
 * open again (with the day) and edits its description; accepting the risk, with a reason, is
 * for owners and admins. Audited with what changed; a new owner of an open finding is told.
 */
import type { RequestMeta } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { checkOwner, findingRow, settle, tellOwner, toFinding } from './findings.js';
import { refreshAssessments } from './inventory.js';
import { dayOf, type Finding, type FindingChange, manages, type OrgActor } from './model.js';

/** What a finding's owner may change; everything else is for owners and admins. */
const OWNER_FIELDS = new Set(['status', 'fixedOn', 'description']);

export async function updateFinding(
  tx: Tx,
  actor: OrgActor,
  assessmentId: string,
  id: string,
  input: FindingChange,
  meta: RequestMeta,
  now: Date,
): Promise<Finding> {
  const row = await findingRow(tx, assessmentId, id);
  const today = dayOf(now);
  const before = toFinding(row, actor, today);
  if (!manages(actor)) {
    if (!before.canEdit) {
      throw new AppError('forbidden', 'Only owners, admins and the finding’s owner change a finding.');
    }
    const other = Object.keys(input).find((key) => !OWNER_FIELDS.has(key));
    if (other) {
      throw new AppError(
        'forbidden',
        'As the finding’s owner you can mark it fixed or open and edit its description; owners and admins change the rest.',
      );
    }
    if (input.status === 'accepted') {
      throw new AppError('forbidden', 'Accepting a risk instead of fixing it is for owners and admins.');
    }
  }
  if (input.ownerUserId !== undefined && input.ownerUserId !== before.owner?.id)
    await checkOwner(tx, input.ownerUserId);
  const status = input.status ?? before.status;
  const state =
    input.status !== undefined || input.fixedOn !== undefined || input.acceptedReason !== undefined
      ? settle(
          status,
          input.fixedOn !== undefined ? input.fixedOn : status === before.status ? before.fixedOn : null,
          input.acceptedReason !== undefined ? input.acceptedReason : before.acceptedReason,
          today,
        )
      : { status: before.status, fixedOn: before.fixedOn, acceptedReason: before.acceptedReason };
  const next = {
    title: input.title ?? before.title,
    severity: input.severity ?? before.severity,
    description: input.description ?? before.description,
    owner_user_id: input.ownerUserId !== undefined ? input.ownerUserId : (before.owner?.id ?? null),
    due_date: input.dueDate ?? before.dueDate,
    status: state.status,
    fixed_on: state.fixedOn,
    accepted_reason: state.acceptedReason,
  };
  const old = {
    title: before.title,
    severity: before.severity,
    description: before.description,
    owner_user_id: before.owner?.id ?? null,
    due_date: before.dueDate,
    status: before.status,
    fixed_on: before.fixedOn,
    accepted_reason: before.acceptedReason,
  };
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(next) as (keyof typeof next)[]) {
    if (next[key] !== old[key]) changed[key] = key === 'description' ? '(changed)' : next[key];
  }
  if (Object.keys(changed).length === 0) return before;
  await tx
    .updateTable('assessment_findings')
    .set({ ...next, updated_at: now })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'assessment.finding_updated',
    targetType: 'assessment',
    targetId: assessmentId,
    details: { findingId: id, title: next.title, changed },
  });
  if ('owner_user_id' in changed && next.status === 'open') {
    await tellOwner(
      tx,
      actor.orgId,
      next.owner_user_id,
      actor,
      { title: next.title, assessmentId, dueDate: next.due_date },
      `“${row.assessment_title}”`,
      now,
    );
  }
  await refreshAssessments(tx, actor.orgId, now);
  return toFinding(await findingRow(tx, assessmentId, id), actor, today);
}
