import type PgBoss from 'pg-boss';
import type { AppContext } from '../../context.js';
import { snapshotAllOrganisations } from './service.js';

const QUEUE = 'readiness.snapshot';

/** Today's readiness of every organisation, recorded hourly so the trend has a point per day. */
export async function registerReadinessJobs(boss: PgBoss, ctx: AppContext): Promise<void> {
  await boss.createQueue(QUEUE);
  await boss.schedule(QUEUE, '17 * * * *');
  await boss.work(QUEUE, async () => {
    const organisations = await snapshotAllOrganisations(ctx.database, ctx.clock.now());
    ctx.log.info({ organisations }, 'readiness snapshot taken');
  });
  await boss.send(QUEUE, {}, { singletonKey: 'startup' });
}
