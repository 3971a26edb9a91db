/**
 * Business continuity at a glance: the BC/DR plan (the `business-continuity` policy) and its
 * approval state, the organisation-wide objectives the plan states, how many systems have their
 * own objectives, the last exercise and when the next is due, and follow-up actions still open.
 */

import { addMonths } from '../../checks/library/assessments.js';
import type { DrOutcome } from '../../db/schema/assessments.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { organisationValues } from '../policies/variables.js';
import { type OrgActor, PLAN_POLICY_KEY } from './model.js';

export interface ContinuityOverview {
  plan: {
    policyId: string;
    title: string;
    status: 'draft' | 'in_review' | 'approved' | 'published';
    publishedVersion: number | null;
    publishedAt: string | null;
    approvedAt: string | null;
    /** The plan's own objectives (policy variables rto_hours and rpo_hours). */
    rtoHours: number | null;
    rpoHours: number | null;
  } | null;
  systems: { total: number; withObjectives: number };
  lastExercise: { id: string; title: string; exercisedOn: string; outcome: DrOutcome } | null;
  /** Twelve months after the last exercise that did not fail; null when there is none. */
  nextExerciseDue: string | null;
  openActions: number;
}

const number = (text: string | undefined): number | null => {
  const n = Number(text);
  return text && Number.isFinite(n) ? n : null;
};

export async function continuityOverview(tx: Tx, actor: OrgActor): Promise<ContinuityOverview> {
  const policy = await tx
    .selectFrom('policies as p')
    .leftJoin('policy_versions as v', (j) =>
      j.onRef('v.policy_id', '=', 'p.id').onRef('v.version', '=', 'p.published_version'),
    )
    .select(['p.id', 'p.title', 'p.status', 'p.published_version', 'p.approved_at', 'v.published_at'])
    .where('p.key', '=', PLAN_POLICY_KEY)
    .executeTakeFirst();
  const values = policy ? (await organisationValues(tx, actor.orgId)).values : {};
  const systems = await tx
    .selectFrom('systems')
    .select(['rto_hours', 'rpo_hours'])
    .where('archived_at', 'is', null)
    .execute();
  const exercises = await tx
    .selectFrom('dr_exercises')
    .select(['id', 'title', 'exercised_on', 'outcome', 'actions'])
    .where('status', '=', 'completed')
    .orderBy('exercised_on', 'desc')
    .orderBy('completed_at', 'desc')
    .execute();
  const last = exercises[0];
  const lastGood = exercises.find((e) => e.outcome !== 'failed');
  return {
    plan: policy
      ? {
          policyId: policy.id,
          title: policy.title,
          status: policy.status,
          publishedVersion: policy.published_version,
          publishedAt: policy.published_at ? iso(policy.published_at) : null,
          approvedAt: policy.approved_at ? iso(policy.approved_at) : null,
          rtoHours: number(values.rto_hours),
          rpoHours: number(values.rpo_hours),
        }
      : null,
    systems: {
      total: systems.length,
      withObjectives: systems.filter((s) => s.rto_hours !== null && s.rpo_hours !== null).length,
    },
    lastExercise: last
      ? { id: last.id, title: last.title, exercisedOn: last.exercised_on, outcome: last.outcome as DrOutcome }
      : null,
    nextExerciseDue: lastGood && last?.outcome !== 'failed' ? addMonths(lastGood.exercised_on, 12) : null,
    openActions: exercises.reduce((n, e) => n + e.actions.filter((a) => !a.done).length, 0),
  };
}
