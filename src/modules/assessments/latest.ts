/**
 * The date of the most recent completed assessment of each kind a customer may ask about
 * ("attest to the date on request"): penetration test, vulnerability assessment, SOC 2 audit.
 * Only kinds, dates and the assessor's name: nothing of the scope, findings or report.
 */
import type { Tx } from '../../db/tenancy.js';

export const LATEST_KINDS = ['pentest', 'vulnerability_assessment', 'soc2'] as const;
export type LatestKind = (typeof LATEST_KINDS)[number];

export interface LatestAssessment {
  kind: LatestKind;
  /** The day the assessment ended. */
  date: string;
  reportDate: string | null;
  assessor: string | null;
  /** SOC 2: which type, and for a Type 2 the observation window. */
  type: 'type1' | 'type2' | null;
  windowStart: string | null;
  windowEnd: string | null;
}

/** One entry per kind that has a completed assessment; kinds never assessed are left out. */
export async function latestAssessments(tx: Tx): Promise<LatestAssessment[]> {
  const rows = await tx
    .selectFrom('assessments')
    .select(['kind', 'end_date', 'report_date', 'assessor', 'window_start', 'window_end'])
    .where('status', '=', 'completed')
    .where('kind', 'in', ['pentest', 'vulnerability_assessment', 'soc2_type1', 'soc2_type2'])
    .where('end_date', 'is not', null)
    .orderBy('end_date', 'desc')
    .orderBy('report_date', (ob) => ob.desc().nullsLast())
    .execute();
  const latest = new Map<LatestKind, LatestAssessment>();
  for (const r of rows) {
    const kind: LatestKind = r.kind === 'soc2_type1' || r.kind === 'soc2_type2' ? 'soc2' : (r.kind as LatestKind);
    if (latest.has(kind)) continue;
    latest.set(kind, {
      kind,
      date: r.end_date as string,
      reportDate: r.report_date,
      assessor: r.assessor,
      type: r.kind === 'soc2_type1' ? 'type1' : r.kind === 'soc2_type2' ? 'type2' : null,
      windowStart: r.window_start,
      windowEnd: r.window_end,
    });
  }
  return LATEST_KINDS.flatMap((k) => {
    const entry = latest.get(k);
    return entry ? [entry] : [];
  });
}
