import { sql } from 'kysely';
import type { Tx } from '../../db/tenancy.js';
import { snapshotReadiness } from '../readiness/service.js';

/**
 * The demo organisation's program, built up over its 30 days: controls implemented in batches,
 * each day's readiness recorded as it was then (so the trend chart is real), owners assigned,
 * and a few sample check results (continuous monitoring brings real ones).
 */
export async function seedDemoProgram(
  tx: Tx,
  orgId: string,
  owners: { admin: string; engineer: string; reviewer: string },
  now: Date,
): Promise<void> {
  const controls = await tx.selectFrom('controls').select(['id', 'key', 'domain', 'checks']).orderBy('key').execute();
  const engineering = new Set([
    'access',
    'cryptography',
    'operations',
    'vulnerability',
    'logging',
    'network',
    'development',
    'continuity',
  ]);
  const day = (d: number) => new Date(now.getTime() - d * 86_400_000);
  // About three in four controls get implemented over 30 days; a few stay in progress or not started.
  const plan = controls.map((c, i) => ({
    ...c,
    implementedOn: i % 8 === 7 ? null : 30 - Math.floor((i * 29) / controls.length),
  }));
  for (let d = 30; d >= 1; d--) {
    const today = plan.filter((c) => c.implementedOn === d);
    for (const c of today) {
      await tx
        .updateTable('controls')
        .set({
          status: 'implemented',
          owner_user_id: engineering.has(c.domain)
            ? owners.engineer
            : c.domain === 'assessment'
              ? owners.reviewer
              : owners.admin,
          version: 2,
          updated_at: day(d),
        })
        .where('id', '=', c.id)
        .execute();
    }
    await snapshotReadiness(tx, orgId, day(d));
  }
  for (const c of plan.filter((p) => p.implementedOn === null).slice(0, 4)) {
    await tx
      .updateTable('controls')
      .set({ status: 'in_progress', version: 2, updated_at: day(2) })
      .where('id', '=', c.id)
      .execute();
  }
  await sql`
    INSERT INTO control_versions (org_id, control_id, version, title, description, status, owner_user_id,
                                  seed_lines, criteria, checks, policies, retired_at, changed_by, changed_at, reason)
    SELECT org_id, id, version, title, description, status, owner_user_id, seed_lines, criteria, checks, policies,
           retired_at, ${owners.admin}, updated_at, 'demo: rolled out'
      FROM controls WHERE version = 2`.execute(tx);
}
