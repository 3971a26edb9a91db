import type { Tx } from '../../db/tenancy.js';
import { accessObligations } from '../access/facts.js';
import { agreementObligations } from '../agreements/obligations.js';
import { findingObligations } from '../assessments/obligations.js';
import { pendingFor } from '../policies/acceptance.js';
import { reviewObligations } from '../reviews/obligations.js';
import { riskObligations } from '../risks/obligations.js';
import { trainingObligations } from '../training/service.js';
import type { Obligation, ObligationUser } from './obligation.js';

/** Policies the user has yet to accept (the latest material version of each). */
async function policyObligations(tx: Tx, user: ObligationUser): Promise<Obligation[]> {
  return (await pendingFor(tx, user.id)).map((p) => ({
    kind: 'policy',
    id: p.id,
    title: `Accept the ${p.title}`,
    detail:
      p.acceptedVersion === null
        ? `Read version ${p.version} and accept it.`
        : `Version ${p.version} changed since you accepted version ${p.acceptedVersion}: read it and accept it again.`,
    href: '/my-policies',
    dueAt: null,
    overdue: false,
  }));
}

/** Open evidence tasks assigned to the user. */
async function taskObligations(tx: Tx, user: ObligationUser, now: Date): Promise<Obligation[]> {
  const rows = await tx
    .selectFrom('evidence_tasks')
    .select(['id', 'title', 'due_at'])
    .where('assignee_user_id', '=', user.id)
    .where('status', '=', 'open')
    .orderBy('due_at')
    .limit(200)
    .execute();
  return rows.map((t) => ({
    kind: 'task',
    id: t.id,
    title: t.title,
    detail: 'Complete the evidence task with a link, a note or a file.',
    href: '/my-tasks',
    dueAt: t.due_at.toISOString(),
    overdue: t.due_at < now,
  }));
}

type Source = (tx: Tx, user: ObligationUser, now: Date) => Promise<Obligation[]>;
const SOURCES: Source[] = [
  agreementObligations,
  trainingObligations,
  policyObligations,
  reviewObligations,
  accessObligations,
  taskObligations,
  riskObligations,
  findingObligations,
];

/**
 * Everything the user owes the security program in this organisation, overdue first, then by
 * deadline (things without one last). Auditors owe nothing: they observe.
 */
export async function obligationsOf(
  tx: Tx,
  user: ObligationUser & { role: string | null },
  now: Date,
): Promise<Obligation[]> {
  if (user.role === 'auditor') return [];
  const all: Obligation[] = [];
  for (const source of SOURCES) all.push(...(await source(tx, user, now)));
  const rank = (o: Obligation) => (o.overdue ? 0 : o.dueAt ? 1 : 2);
  return all.sort((a, b) => rank(a) - rank(b) || (a.dueAt ?? '').localeCompare(b.dueAt ?? ''));
}
