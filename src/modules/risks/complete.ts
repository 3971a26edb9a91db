/**
 * Completing a risk assessment: every item reviewed and a statement of how fraud was
 * considered, then its CSV and PDF are stored as evidence of RSK-01 (encrypted, on the ledger)
 * for the period it ran.
 *
 * Fraud: completion always needs the statement (fraud risks alone do not replace it: saying
 * what was looked at, and why nothing or something was found, is the point), and fraud risks
 * are welcome as items like any other; the report counts them.
 */
import type { AppContext, RequestMeta } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { addGeneratedExports } from '../evidence/generated.js';
import { auditWho } from '../tokens/service.js';
import { type Assessment, getAssessment } from './assessments.js';
import { type AssessmentReport, assessmentCsv, exportName, reportData } from './export.js';
import { refreshRisks } from './inventory.js';
import { ASSESSMENT_CONTROL, managesRisks, type RiskActor } from './service.js';

function noteOf(data: AssessmentReport): string {
  const severe = data.rows.filter((r) => r.residualLevel === 'high' || r.residualLevel === 'critical').length;
  const fraud = data.rows.filter((r) => r.category === 'fraud').length;
  return (
    `Risk assessment "${data.assessment.name}": ${data.rows.length} risks reviewed, ${severe} high or critical ` +
    `after controls, ${fraud} of category fraud; fraud considered.`
  );
}

/**
 * Completes an assessment (owners and admins). In order:
 *  1. one transaction checks every item is reviewed and the fraud statement is there (the one
 *     sent now is saved first), freezes the campaign, audits and refreshes the inventory;
 *  2. the CSV and PDF are made from the frozen items and stored as evidence, each recorded on
 *     the campaign at once.
 * A failure in step 2 leaves a completed campaign without some evidence: completing it again
 * stores what is missing, and only that.
 */
export async function completeAssessment(
  ctx: AppContext,
  actor: RiskActor,
  assessmentId: string,
  input: { fraudStatement?: string },
  meta: RequestMeta,
  /** The demo's last year: when it completed, and no inventory refresh at that past time. */
  past?: { at: Date },
): Promise<Assessment> {
  if (!managesRisks(actor)) throw new AppError('forbidden', 'Only owners and admins complete a risk assessment.');
  const scope = { orgId: actor.orgId, userId: actor.userId };
  const frozen = await withScope(ctx.database, scope, async (tx) => {
    const now = past?.at ?? ctx.clock.now();
    const row = await tx
      .selectFrom('risk_assessments')
      .select(['name', 'status', 'started_at', 'completed_at', 'fraud_statement', 'csv_evidence_id', 'pdf_evidence_id'])
      .where('id', '=', assessmentId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('This risk assessment');
    if (row.status === 'cancelled') {
      throw new AppError('conflict', `The risk assessment “${row.name}” was cancelled; it cannot be completed.`);
    }
    if (row.status === 'completed' && row.csv_evidence_id && row.pdf_evidence_id) {
      throw new AppError('conflict', `The risk assessment “${row.name}” is already completed; its evidence is stored.`);
    }
    let completedAt = row.completed_at;
    if (row.status === 'open') {
      const { n } = await tx
        .selectFrom('risk_assessment_items')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('assessment_id', '=', assessmentId)
        .where('reviewed_at', 'is', null)
        .executeTakeFirstOrThrow();
      const remaining = Number(n);
      if (remaining > 0) {
        throw new AppError(
          'conflict',
          `${remaining === 1 ? 'One risk still waits' : `${remaining} risks still wait`} for review: every risk must be reviewed before the assessment is completed.`,
        );
      }
      const statement = input.fraudStatement ?? row.fraud_statement ?? '';
      if (statement.trim() === '') {
        throw new AppError(
          'conflict',
          'Say how fraud was considered before completing: how someone could misuse access, divert payments or alter records, and what the assessment found (add fraud risks to the register where there are any).',
        );
      }
      completedAt = now;
      await tx
        .updateTable('risk_assessments')
        .set({ status: 'completed', completed_at: now, completed_by: actor.userId, fraud_statement: statement })
        .where('id', '=', assessmentId)
        .execute();
    }
    const data = await reportData(tx, assessmentId);
    if (row.status === 'open') {
      await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
        action: 'risk_assessment.completed',
        targetType: 'risk_assessment',
        targetId: assessmentId,
        details: {
          name: row.name,
          risks: data.rows.length,
          raised: data.rows.filter((r) => r.raised).length,
          fraudRisks: data.rows.filter((r) => r.category === 'fraud').length,
        },
      });
      if (!past) await refreshRisks(tx, actor.orgId, now);
    }
    return { row, data, completedAt: completedAt ?? now };
  });

  await storeEvidence(ctx, actor, assessmentId, frozen, meta);
  return withScope(ctx.database, scope, (tx) => getAssessment(tx, actor, assessmentId, ctx.clock.now()));
}

/** Stores whichever of the CSV and PDF the campaign lacks (also used by the demo). */
export async function storeEvidence(
  ctx: AppContext,
  actor: { orgId: string; userId: string; email: string },
  assessmentId: string,
  frozen: {
    row: { started_at: Date; csv_evidence_id: string | null; pdf_evidence_id: string | null };
    data: AssessmentReport;
    completedAt: Date;
  },
  meta: RequestMeta,
): Promise<void> {
  const { row, data, completedAt } = frozen;
  const by = { userId: actor.userId, email: actor.email };
  const period = { effectiveFrom: new Date(row.started_at), effectiveTo: new Date(completedAt) };
  const note = noteOf(data);
  await addGeneratedExports(
    ctx,
    actor.orgId,
    by,
    [
      {
        done: row.csv_evidence_id !== null,
        file: async () => ({
          name: exportName(data.assessment.name, completedAt, 'csv'),
          contentType: 'text/csv',
          bytes: Buffer.from(assessmentCsv(data.rows), 'utf8'),
          controlKey: ASSESSMENT_CONTROL,
          note,
          ...period,
        }),
        keep: (tx, id) =>
          tx
            .updateTable('risk_assessments')
            .set({ csv_evidence_id: id })
            .where('id', '=', assessmentId)
            .where('csv_evidence_id', 'is', null)
            .execute(),
      },
      {
        done: row.pdf_evidence_id !== null,
        file: async () => {
          const { assessmentPdf } = await import('./pdf.js');
          return {
            name: exportName(data.assessment.name, completedAt, 'pdf'),
            contentType: 'application/pdf',
            bytes: await assessmentPdf(data),
            controlKey: ASSESSMENT_CONTROL,
            note,
            ...period,
          };
        },
        keep: (tx, id) =>
          tx
            .updateTable('risk_assessments')
            .set({ pdf_evidence_id: id })
            .where('id', '=', assessmentId)
            .where('pdf_evidence_id', 'is', null)
            .execute(),
      },
    ],
    meta,
  );
}
