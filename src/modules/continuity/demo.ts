/**
 * The demo's business continuity: recovery objectives on the demo's systems, and a tabletop
 * exercise four months ago that passed with issues (its report is evidence of BCP-03), so the
 * yearly exercise check passes.
 */
import type { AppContext, RequestMeta } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { addDays, dayOf } from '../assessments/model.js';
import { completeExercise } from './complete.js';
import { createExercise } from './exercises.js';
import type { OrgActor } from './model.js';
import { setObjectives } from './objectives.js';

const ADMIN = 'priya.shah@northwind.demo';

/** Name in the demo's catalogue → RTO, RPO (hours) and tier. */
const OBJECTIVES: Record<string, { rtoHours: number; rpoHours: number; recoveryTier: number }> = {
  'AWS production': { rtoHours: 4, rpoHours: 0.25, recoveryTier: 1 },
  GitHub: { rtoHours: 24, rpoHours: 4, recoveryTier: 2 },
  'Google Workspace': { rtoHours: 24, rpoHours: 24, recoveryTier: 3 },
};

export async function seedDemoContinuity(ctx: AppContext, orgId: string, meta: RequestMeta): Promise<void> {
  const now = ctx.clock.now();
  const { actor, exerciseId } = await withScope(ctx.database, { orgId }, async (tx) => {
    const admin = await tx.selectFrom('users').select('id').where('email', '=', ADMIN).executeTakeFirst();
    if (!admin) throw new Error('The demo has no security lead to run its continuity records');
    const actor: OrgActor = { userId: admin.id, email: ADMIN, orgId, role: 'admin', stage: 'full', via: 'session' };
    const systems = new Map(
      (await tx.selectFrom('systems').select(['id', 'name']).execute()).map((s) => [s.name, s.id]),
    );
    for (const [name, objectives] of Object.entries(OBJECTIVES)) {
      const id = systems.get(name);
      if (id) await setObjectives(tx, actor, id, objectives, meta, now);
    }
    const aws = systems.get('AWS production');
    const exercise = await createExercise(
      tx,
      actor,
      {
        title: 'Tabletop: loss of the primary AWS region',
        kind: 'tabletop',
        exercisedOn: addDays(dayOf(now), -120),
        scenario:
          'The primary region becomes unavailable for most of a working day. The team walks through declaring a disaster, restoring the database from its cross-region snapshot, redeploying the service in the second region and keeping customers informed.',
        participants: ['Alex Morgan (decides)', 'Priya Shah (leads the recovery)', 'Sam Lee (restores the platform)'],
        systems: aws ? [{ systemId: aws, recoveryHours: 3.5, dataLossHours: 0.25 }] : [],
        lessons:
          'The restore steps worked on paper, but the runbook still named last year’s snapshot bucket, and nobody but Sam knew where the DNS credentials were kept.',
        actions: [
          { title: 'Update the runbook with the current snapshot bucket and region', owner: 'Sam Lee', done: true },
          {
            title: 'Put the DNS credentials in the shared vault with a named deputy',
            owner: 'Priya Shah',
            done: false,
          },
        ],
      },
      meta,
      now,
    );
    return { actor, exerciseId: exercise.id };
  });
  // Stores the report as evidence: its own transactions, after the one above has committed.
  await completeExercise(ctx, actor, exerciseId, { outcome: 'passed_with_issues' }, meta);
}
