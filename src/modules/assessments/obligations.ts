import type { Tx } from '../../db/tenancy.js';
import type { Obligation, ObligationUser } from '../me/obligation.js';
import { dayOf } from './model.js';

/**
 * What the user owes the assessment register: each open finding they own, soonest due first.
 */
export async function findingObligations(tx: Tx, user: ObligationUser, now: Date): Promise<Obligation[]> {
  const rows = await tx
    .selectFrom('assessment_findings as f')
    .innerJoin('assessments as a', 'a.id', 'f.assessment_id')
    .select(['f.id', 'f.title', 'f.severity', 'f.due_date', 'f.assessment_id', 'a.title as assessment'])
    .where('f.owner_user_id', '=', user.id)
    .where('f.status', '=', 'open')
    .orderBy('f.due_date')
    .orderBy('f.id')
    .limit(200)
    .execute();
  const today = dayOf(now);
  return rows.map((f) => ({
    kind: 'assessment_finding',
    id: f.id,
    title: `Fix: ${f.title}`,
    detail: `A ${f.severity} finding of “${f.assessment}”: fix it, then mark it fixed.`,
    href: `/assessments/${f.assessment_id}`,
    // The end of its due day (UTC): it is overdue from the next day on, as the check says.
    dueAt: `${f.due_date}T23:59:59.999Z`,
    overdue: f.due_date < today,
  }));
}
