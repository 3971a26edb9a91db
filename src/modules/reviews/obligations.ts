import { sql } from 'kysely';
import type { Tx } from '../../db/tenancy.js';
import type { Obligation, ObligationUser } from '../me/obligation.js';

/**
 * What the user owes access reviews: one obligation per open campaign where accounts assigned
 * to them are still undecided, soonest due first.
 */
export async function reviewObligations(tx: Tx, user: ObligationUser, now: Date): Promise<Obligation[]> {
  const { rows } = await sql<{ id: string; name: string; due_at: Date; n: number }>`
    SELECT c.id, c.name, c.due_at, count(*)::int AS n
      FROM access_review_campaigns c
      JOIN access_review_items i ON i.campaign_id = c.id
     WHERE c.status = 'open' AND i.reviewer_id = ${user.id} AND i.decision IS NULL
     GROUP BY c.id, c.name, c.due_at
     ORDER BY c.due_at, c.id`.execute(tx);
  return rows.map((r) => {
    const dueAt = new Date(r.due_at);
    return {
      kind: 'access_review',
      id: r.id,
      title: `Access review: ${r.name}`,
      detail: `Decide whether to keep, revoke or change ${r.n === 1 ? 'one account' : `${r.n} accounts`} assigned to you.`,
      href: `/access-reviews/${r.id}`,
      dueAt: dueAt.toISOString(),
      overdue: dueAt.getTime() < now.getTime(),
    };
  });
}
