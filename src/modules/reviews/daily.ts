/**
 * The daily run of access reviews: follow revocations up, start the scheduled campaigns that
 * are due, remind reviewers. The `reviews.daily` job (jobs.ts) calls `runReviewDay`; tests call
 * it with their clock.
 */
import { type AppContext, SYSTEM_META } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { mailNotice, notify } from '../notifications/service.js';
import { type ReminderRun, remindReviewers } from './remind.js';
import { resolveRevocations } from './resolve.js';
import { nextQuarterAfter, today } from './schedule.js';
import { type Mail, startCampaign } from './start.js';

export interface ReviewDay {
  /** Revocations and changes confirmed by the inventory. */
  resolved: number;
  /** Scheduled campaigns started. */
  started: number;
  /** Scheduled campaigns that could not start (the owners and admins were told why). */
  failed: number;
  reminders: ReminderRun;
}

const SYSTEM_WHO = { userId: null, label: 'system' };

export async function runReviewDay(ctx: AppContext, now: Date): Promise<ReviewDay> {
  const resolved = await resolveEverywhere(ctx, now);
  const { started, failed } = await startScheduledReviews(ctx, now);
  const reminders = await remindReviewers(ctx, now);
  return { resolved, started, failed, reminders };
}

/** resolveRevocations in every organisation with revocations or changes still open. */
async function resolveEverywhere(ctx: AppContext, now: Date): Promise<number> {
  const { rows } = await ctx.database.query(
    `SELECT DISTINCT org_id FROM access_review_items
      WHERE decision IN ('revoke', 'change') AND resolved_at IS NULL ORDER BY org_id`,
  );
  let resolved = 0;
  for (const { org_id: orgId } of rows as { org_id: string }[]) {
    resolved += await withScope(ctx.database, { orgId }, (tx) => resolveRevocations(tx, orgId, now));
  }
  return resolved;
}

/** "Access review 2026 Q2": the quarter of the day it starts. */
export function scheduledName(now: Date): string {
  return `Access review ${now.getUTCFullYear()} Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
}

/**
 * Starts each organisation's scheduled campaign when its day has come, and moves the day on by
 * a quarter (past today, so a server that was off for a while starts one campaign, not several).
 * A campaign that cannot start (no system left to review) still moves the day on, and the
 * owners and admins are told why.
 */
export async function startScheduledReviews(ctx: AppContext, now: Date): Promise<{ started: number; failed: number }> {
  const day = today(now);
  const { rows } = await ctx.database.query(
    `SELECT org_id FROM access_review_schedules WHERE enabled AND next_start_on <= $1 ORDER BY org_id`,
    [day],
  );
  let started = 0;
  let failed = 0;
  for (const { org_id: orgId } of rows as { org_id: string }[]) {
    let mails: Mail[] = [];
    try {
      const result = await withScope(ctx.database, { orgId }, async (tx) => {
        const s = await tx
          .selectFrom('access_review_schedules')
          .select(['enabled', 'system_ids', 'due_days', 'next_start_on'])
          .forUpdate()
          .executeTakeFirst();
        if (!s?.enabled || s.next_start_on > day) return null;
        const campaign = await startCampaign(
          tx,
          orgId,
          { name: scheduledName(now), systemIds: s.system_ids, dueDays: s.due_days },
          { userId: null, who: SYSTEM_WHO, scheduled: true },
          SYSTEM_META,
          now,
        );
        await tx
          .updateTable('access_review_schedules')
          .set({ next_start_on: nextQuarterAfter(s.next_start_on, day), updated_at: now })
          .execute();
        return campaign;
      });
      if (result) {
        started++;
        mails = result.mails;
      }
    } catch (error) {
      if (!(error instanceof AppError)) {
        ctx.log.error({ err: error, orgId }, 'scheduled access review failed to start; it is tried again tomorrow');
        failed++;
        continue;
      }
      mails = await withScope(ctx.database, { orgId }, async (tx) => {
        const s = await tx
          .selectFrom('access_review_schedules')
          .select(['next_start_on'])
          .forUpdate()
          .executeTakeFirst();
        if (!s || s.next_start_on > day) return [];
        const next = nextQuarterAfter(s.next_start_on, day);
        await tx.updateTable('access_review_schedules').set({ next_start_on: next, updated_at: now }).execute();
        const managers = await tx
          .selectFrom('memberships as m')
          .innerJoin('users as u', 'u.id', 'm.user_id')
          .select(['u.id', 'u.email'])
          .where('m.org_id', '=', orgId)
          .where('m.role', 'in', ['owner', 'admin'])
          .where('u.disabled_at', 'is', null)
          .execute();
        const notice = {
          kind: 'access_review.schedule_failed',
          title: 'The scheduled access review did not start',
          body: `${error.message} The next one is planned for ${next}; start one by hand once this is fixed.`,
          link: '/access-reviews',
        };
        await notify(
          tx,
          orgId,
          managers.map((m) => m.id),
          notice,
          now,
        );
        return [{ to: managers.map((m) => m.email), notice }];
      });
      failed++;
    }
    for (const mail of mails) await mailNotice(ctx, mail.to, mail.notice);
  }
  return { started, failed };
}
