import type PgBoss from 'pg-boss';
import type { AppContext } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { refreshSystems } from '../access/inventory.js';
import { refreshPeople } from './mirror.js';

const DAILY = 'people.daily';

/**
 * Daily: re-read every person's and every system's facts into the inventory, so nothing a change elsewhere moved
 * (a training module retired, settings, an account link) stays stale for long. Records whose
 * facts did not change are left as they are; time-based outcomes are the monitoring job's.
 */
export async function refreshAllPeople(ctx: AppContext): Promise<number> {
  const { rows } = await ctx.database.query('SELECT id FROM organizations ORDER BY id');
  let people = 0;
  for (const { id: orgId } of rows as { id: string }[]) {
    people += await withScope(ctx.database, { orgId }, async (tx) => {
      const ids = (await tx.selectFrom('people').select('id').execute()).map((p) => p.id);
      await refreshPeople(tx, orgId, ids, ctx.clock.now());
      await refreshSystems(tx, orgId, ctx.clock.now());
      return ids.length;
    });
  }
  return people;
}

export async function registerPeopleJobs(boss: PgBoss, ctx: AppContext): Promise<void> {
  await boss.createQueue(DAILY);
  await boss.schedule(DAILY, '13 3 * * *');
  await boss.work(DAILY, async () => {
    const people = await refreshAllPeople(ctx);
    ctx.log.info({ people }, 'people: daily refresh');
  });
}
