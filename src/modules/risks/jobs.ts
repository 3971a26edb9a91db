import type PgBoss from 'pg-boss';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { refreshRisks } from './inventory.js';

/** The daily refresh of the risk register in the inventory. */
export const RISKS_DAILY_QUEUE = 'risks.daily';
export const RISKS_DAILY_CRON = '29 3 * * *';

/** The schedule sends an empty payload; anything else is refused rather than guessed at. */
const DailyPayload = z.object({}).strict();

/**
 * Re-reads every organisation's register into the inventory and re-runs the risk checks over
 * all of it, so what time alone changes (a review date passing, the last assessment turning a
 * year old) shows the next morning. Returns how many organisations have a register.
 */
export async function refreshAllRisks(ctx: AppContext): Promise<number> {
  const { rows } = await ctx.database.query('SELECT id FROM organizations ORDER BY id');
  let registers = 0;
  for (const { id: orgId } of rows as { id: string }[]) {
    await withScope(ctx.database, { orgId }, async (tx) => {
      const any = await tx.selectFrom('risks').select('id').limit(1).executeTakeFirst();
      const campaign = any ?? (await tx.selectFrom('risk_assessments').select('id').limit(1).executeTakeFirst());
      if (!campaign) return;
      registers++;
      await refreshRisks(tx, orgId, ctx.clock.now(), { reevaluate: true });
    });
  }
  return registers;
}

/** Registers the daily queue, its worker and its schedule on the server's pg-boss. */
export async function registerRisksJobs(boss: PgBoss, ctx: AppContext): Promise<void> {
  await boss.createQueue(RISKS_DAILY_QUEUE, {
    name: RISKS_DAILY_QUEUE,
    policy: 'singleton',
    retryLimit: 3,
    retryDelay: 60,
    retryBackoff: true,
    expireInSeconds: 30 * 60,
  });
  await boss.work(RISKS_DAILY_QUEUE, async (jobs) => {
    for (const job of jobs) {
      DailyPayload.parse(job.data ?? {});
      const registers = await refreshAllRisks(ctx);
      ctx.log.info({ job: job.id, registers }, 'risks: daily refresh');
    }
  });
  await boss.schedule(RISKS_DAILY_QUEUE, RISKS_DAILY_CRON, {}, { tz: 'UTC' });
}
