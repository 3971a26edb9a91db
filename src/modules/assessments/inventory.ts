/**
 * The assessment register in the inventory: each assessment is a record of the built-in source
 * "Assessment register" (kind `assessments`) carrying its dates, status and open findings
 * (AssessmentData), so the assessment checks judge it like any other record. Its data holds
 * days, never "overdue": the checks compare them with their own clock, so the daily
 * re-evaluation notices a deadline passing without a new push. `refreshAssessments` rewrites
 * the records as a partial push after every change.
 */
import type { Tx } from '../../db/tenancy.js';
import type { AssessmentData } from '../../integrations/operations.js';
import type { InventoryRecord } from '../../integrations/types.js';
import { applyPush, sourceFor } from '../monitoring/push.js';

export const ASSESSMENTS_SOURCE_KIND = 'assessments';
const SOURCE_NAME = 'Assessment register';

/** Recomputes every assessment's record; deleted assessments leave the inventory. */
export async function refreshAssessments(tx: Tx, orgId: string, now: Date): Promise<void> {
  const rows = await tx
    .selectFrom('assessments as a')
    // A report erased from the vault no longer counts as the assessment's report.
    .leftJoin('evidence as e', (join) => join.onRef('e.id', '=', 'a.report_evidence_id').on('e.erased_at', 'is', null))
    .select([
      'a.id',
      'a.kind',
      'a.title',
      'a.assessor',
      'a.status',
      'a.start_date',
      'a.end_date',
      'a.report_date',
      'a.window_start',
      'a.window_end',
      'a.code_analysis',
      'e.id as report_id',
    ])
    .execute();
  const known = await tx
    .selectFrom('inventory_records as r')
    .innerJoin('monitoring_sources as m', 'm.id', 'r.source_id')
    .select('r.external_id')
    .where('m.kind', '=', ASSESSMENTS_SOURCE_KIND)
    .where('r.deleted_at', 'is', null)
    .execute();
  if (rows.length === 0 && known.length === 0) return;

  const findings = await tx
    .selectFrom('assessment_findings as f')
    .leftJoin('users as u', 'u.id', 'f.owner_user_id')
    .select(['f.assessment_id', 'f.title', 'f.severity', 'f.status', 'f.due_date', 'u.email'])
    .orderBy('f.due_date')
    .orderBy('f.title')
    .execute();

  const records: InventoryRecord<'assessment'>[] = rows.map((a) => {
    const mine = findings.filter((f) => f.assessment_id === a.id);
    const count = (status: string) => mine.filter((f) => f.status === status).length;
    const data: AssessmentData = {
      name: a.title,
      kind: a.kind,
      status: a.status,
      assessor: a.assessor,
      startDate: a.start_date,
      endDate: a.end_date,
      reportDate: a.report_date,
      windowStart: a.window_start,
      windowEnd: a.window_end,
      codeAnalysis: a.code_analysis,
      hasReport: a.report_id !== null,
      findings: { open: count('open'), fixed: count('fixed'), accepted: count('accepted') },
      openFindings: mine
        .filter((f) => f.status === 'open')
        .map((f) => ({ title: f.title, severity: f.severity, dueDate: f.due_date, ownerEmail: f.email ?? null })),
    };
    return { type: 'assessment', externalId: a.id, name: a.title, data };
  });
  const keep = new Set(rows.map((a) => a.id));
  const source = await sourceFor(tx, orgId, ASSESSMENTS_SOURCE_KIND, SOURCE_NAME, null, now);
  await applyPush(
    tx,
    orgId,
    source,
    { format: SOURCE_NAME, scopes: [{ scope: 'assessments', records }], warnings: [] },
    now,
    { removed: known.map((k) => k.external_id).filter((id) => !keep.has(id)) },
  );
}
