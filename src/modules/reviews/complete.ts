/**
 * Completing a campaign: its decisions become final, and its CSV and PDF report are stored as
 * evidence of ACC-09 (encrypted, on the ledger) for the period it ran.
 */
import type { AppContext, RequestMeta } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { refreshSystems } from '../access/inventory.js';
import { recordAudit } from '../audit/service.js';
import { addGeneratedExports } from '../evidence/generated.js';
import { auditWho } from '../tokens/service.js';
import { exportName, type ReportData, reportData, reviewCsv } from './export.js';
import { type CampaignDetail, getCampaign, REVIEW_CONTROL, type ReviewActor } from './service.js';

function noteOf(data: ReportData): string {
  const n = (d: string) => data.rows.filter((r) => r.decision === d).length;
  return (
    `Access review "${data.campaign.name}": ${data.rows.length} accounts, ${n('keep')} kept, ` +
    `${n('revoke')} revoked, ${n('change')} changed.`
  );
}

/**
 * Completes a campaign whose items are all decided (owners and admins). In order:
 *  1. one transaction freezes it (status, time, who; audited): no decision changes after this;
 *  2. the CSV and PDF are made from the frozen items and stored as evidence, each in its own
 *     transactions (addGeneratedEvidence), and its id recorded on the campaign at once.
 * A failure in step 2 leaves a completed campaign without some evidence: completing it again
 * stores what is missing (and only that), from the same frozen items.
 */
export async function completeCampaign(
  ctx: AppContext,
  actor: ReviewActor,
  campaignId: string,
  meta: RequestMeta,
): Promise<CampaignDetail> {
  const scope = { orgId: actor.orgId, userId: actor.userId };
  const frozen = await withScope(ctx.database, scope, async (tx) => {
    const now = ctx.clock.now();
    const row = await tx
      .selectFrom('access_review_campaigns')
      .select(['status', 'started_at', 'completed_at', 'csv_evidence_id', 'pdf_evidence_id'])
      .where('id', '=', campaignId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('This access review');
    if (row.status === 'cancelled')
      throw new AppError('conflict', 'This access review was cancelled; it cannot be completed.');
    if (row.status === 'completed' && row.csv_evidence_id && row.pdf_evidence_id) {
      throw new AppError('conflict', 'This access review is already completed; its evidence is stored.');
    }
    let completedAt = row.completed_at;
    if (row.status === 'open') {
      const { n } = await tx
        .selectFrom('access_review_items')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('campaign_id', '=', campaignId)
        .where('decision', 'is', null)
        .executeTakeFirstOrThrow();
      if (Number(n) > 0) {
        throw new AppError(
          'conflict',
          `${Number(n) === 1 ? 'One account is' : `${n} accounts are`} still undecided: every account needs a decision before the review is completed.`,
        );
      }
      completedAt = now;
      await tx
        .updateTable('access_review_campaigns')
        .set({ status: 'completed', completed_at: now, completed_by: actor.userId })
        .where('id', '=', campaignId)
        .execute();
    }
    const data = await reportData(tx, campaignId);
    if (row.status === 'open') {
      const n = (d: string) => data.rows.filter((r) => r.decision === d).length;
      await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
        action: 'access_review.completed',
        targetType: 'access_review',
        targetId: campaignId,
        details: { accounts: data.rows.length, keep: n('keep'), revoke: n('revoke'), change: n('change') },
      });
      // The systems it covered now count as reviewed (access.review.quarterly).
      await refreshSystems(tx, actor.orgId, now);
    }
    return { row, data, completedAt: completedAt ?? now };
  });

  const { row, data, completedAt } = frozen;
  const by = { userId: actor.userId, email: actor.email };
  const period = { effectiveFrom: row.started_at, effectiveTo: completedAt };
  const note = noteOf(data);
  await addGeneratedExports(
    ctx,
    actor.orgId,
    by,
    [
      {
        done: row.csv_evidence_id !== null,
        file: async () => ({
          name: exportName(data.campaign.name, completedAt, 'csv'),
          contentType: 'text/csv',
          bytes: Buffer.from(reviewCsv(data.rows), 'utf8'),
          controlKey: REVIEW_CONTROL,
          note,
          ...period,
        }),
        keep: (tx, id) =>
          tx
            .updateTable('access_review_campaigns')
            .set({ csv_evidence_id: id })
            .where('id', '=', campaignId)
            .where('csv_evidence_id', 'is', null)
            .execute(),
      },
      {
        done: row.pdf_evidence_id !== null,
        file: async () => {
          const { reviewPdf } = await import('./pdf.js');
          return {
            name: exportName(data.campaign.name, completedAt, 'pdf'),
            contentType: 'application/pdf',
            bytes: await reviewPdf(data),
            controlKey: REVIEW_CONTROL,
            note,
            ...period,
          };
        },
        keep: (tx, id) =>
          tx
            .updateTable('access_review_campaigns')
            .set({ pdf_evidence_id: id })
            .where('id', '=', campaignId)
            .where('pdf_evidence_id', 'is', null)
            .execute(),
      },
    ],
    meta,
  );
  return withScope(ctx.database, scope, (tx) => getCampaign(tx, actor, campaignId, ctx.clock.now()));
}
