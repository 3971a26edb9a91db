import { sql } from 'kysely';
import type { Tx } from '../../db/tenancy.js';
import type { Obligation, ObligationUser } from '../me/obligation.js';

/**
 * What the user owes the risk register: one obligation per open risk assessment where risks
 * they own still wait for review, due on the assessment's due date.
 */
export async function riskObligations(tx: Tx, user: ObligationUser, now: Date): Promise<Obligation[]> {
  const { rows } = await sql<{ id: string; name: string; due_on: string; n: number }>`
    SELECT a.id, a.name, a.due_on, count(*)::int AS n
      FROM risk_assessments a
      JOIN risk_assessment_items i ON i.assessment_id = a.id
      JOIN risks r ON r.id = i.risk_id
     WHERE a.status = 'open' AND i.reviewed_at IS NULL AND r.owner_user_id = ${user.id}
     GROUP BY a.id, a.name, a.due_on
     ORDER BY a.due_on, a.id`.execute(tx);
  const today = now.toISOString().slice(0, 10);
  return rows.map((r) => ({
    kind: 'risk_assessment',
    id: r.id,
    title: `Risk assessment: ${r.name}`,
    detail: `Review ${r.n === 1 ? 'the risk you own' : `the ${r.n} risks you own`}: rate them again, choose a treatment and say what you found.`,
    href: `/risks/assessments/${r.id}`,
    dueAt: `${r.due_on}T23:59:59.999Z`,
    overdue: r.due_on < today,
  }));
}
