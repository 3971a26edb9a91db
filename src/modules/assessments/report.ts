/**
 * An assessment's report is evidence: uploaded into the vault (encrypted, on the ledger,
 * audited) on the control its kind proves (ASM-01 vulnerability assessments, ASM-02
 * penetration tests, ASM-03 audits), for the period the assessment covers; or an item already
 * in the vault, linked. A new report replaces the link; the older file stays in the vault.
 */
import type { AppContext, RequestMeta } from '../../context.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import type { EvidenceItem } from '../evidence/service.js';
import { addEvidence, type IncomingFile } from '../evidence/upload.js';
import { auditWho } from '../tokens/service.js';
import { refreshAssessments } from './inventory.js';
import { type Assessment, KIND_CONTROL, KIND_LABEL, type OrgActor } from './model.js';
import { getAssessment } from './service.js';

/** The period a report proves: the observation window of a Type 2 audit, else the assessment's dates. */
function periodOf(a: Assessment): { effectiveFrom?: string; effectiveTo?: string } {
  const from = a.windowStart ?? a.startDate ?? a.endDate ?? a.reportDate;
  const to = a.windowEnd ?? a.endDate ?? a.reportDate;
  return { effectiveFrom: from ?? undefined, effectiveTo: to ?? undefined };
}

async function linkReport(
  tx: Tx,
  actor: OrgActor,
  assessment: Assessment,
  evidence: { id: string; name: string; sha256: string },
  action: 'assessment.report_added' | 'assessment.report_linked',
  meta: RequestMeta,
  now: Date,
): Promise<Assessment> {
  await tx
    .updateTable('assessments')
    .set({ report_evidence_id: evidence.id, updated_at: now })
    .where('id', '=', assessment.id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action,
    targetType: 'assessment',
    targetId: assessment.id,
    details: {
      title: assessment.title,
      evidenceId: evidence.id,
      sha256: evidence.sha256,
      replaced: assessment.report?.id ?? null,
    },
  });
  await refreshAssessments(tx, actor.orgId, now);
  return getAssessment(tx, assessment.id, now);
}

/** Streams the report into the vault, then links it to the assessment in one transaction. */
export async function uploadReport(
  ctx: AppContext,
  actor: OrgActor,
  assessmentId: string,
  file: IncomingFile,
  meta: RequestMeta,
): Promise<{ assessment: Assessment; evidence: EvidenceItem }> {
  const scope = { orgId: actor.orgId, userId: actor.userId };
  let assessment: Assessment;
  try {
    assessment = await withScope(ctx.database, scope, (tx) => getAssessment(tx, assessmentId, ctx.clock.now()));
  } catch (error) {
    file.stream.resume();
    throw error;
  }
  const evidence = await addEvidence(
    ctx,
    actor,
    {
      controlId: KIND_CONTROL[assessment.kind],
      ...periodOf(assessment),
      note: `Report of the ${KIND_LABEL[assessment.kind].toLowerCase()} “${assessment.title}”${assessment.assessor ? ` by ${assessment.assessor}` : ''}.`,
    },
    file,
    meta,
  );
  const now = ctx.clock.now();
  const linked = await withScope(ctx.database, scope, async (tx) => {
    // It may have been deleted while the file streamed in: the evidence stays, unlinked.
    const current = await getAssessment(tx, assessmentId, now);
    return linkReport(tx, actor, current, evidence, 'assessment.report_added', meta, now);
  });
  return { assessment: linked, evidence };
}

/** Links an item already in the vault (not erased) as the assessment's report. */
export async function linkExistingReport(
  tx: Tx,
  actor: OrgActor,
  assessmentId: string,
  evidenceId: string,
  meta: RequestMeta,
  now: Date,
): Promise<Assessment> {
  const assessment = await getAssessment(tx, assessmentId, now);
  const evidence = await tx
    .selectFrom('evidence')
    .select(['id', 'name', 'sha256', 'erased_at'])
    .where('id', '=', evidenceId)
    .executeTakeFirst();
  if (!evidence) {
    throw new AppError('validation_failed', 'That evidence item does not exist. Upload the report instead.', {
      errors: [{ path: 'body.evidenceId', message: 'no such evidence' }],
    });
  }
  if (evidence.erased_at) {
    throw new AppError('validation_failed', 'That evidence item was erased. Upload the report again.', {
      errors: [{ path: 'body.evidenceId', message: 'erased' }],
    });
  }
  if (assessment.report?.id === evidence.id) return assessment;
  return linkReport(tx, actor, assessment, evidence, 'assessment.report_linked', meta, now);
}

/** The report's evidence id, for a download. */
export async function reportIdOf(tx: Tx, assessmentId: string, now: Date): Promise<string> {
  const assessment = await getAssessment(tx, assessmentId, now);
  if (!assessment.report) throw notFound('The report of this assessment');
  return assessment.report.id;
}
