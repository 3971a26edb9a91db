/**
 * The daily run of the vendor register (the `vendors.daily` job; tests call it with their
 * clock): rewrite every organisation's vendor records (so a change elsewhere, such as an owner's
 * email, reaches the checks), and remind the owner of each approved vendor whose review is
 * due within 30 days or overdue, in the app and by mail, at most once a week per vendor.
 * Outcomes that only time changes are re-judged by the monitoring job's daily re-evaluation.
 */
import type { AppContext } from '../../context.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { type Mail, sendMails } from '../access/decisions.js';
import { notify } from '../notifications/service.js';
import { vendorContacts } from './access.js';
import { refreshVendors } from './inventory.js';
import { DUE_SOON_DAYS, latestFacts } from './read.js';
import { loadReviewIntervals, reviewDueOn } from './tier.js';

const WEEK_MS = 7 * 86_400_000;

export interface VendorDay {
  organisations: number;
  /** Vendors whose owner was reminded. */
  reminded: number;
  notices: number;
  emails: number;
}

export async function runVendorDay(ctx: AppContext, now: Date): Promise<VendorDay> {
  // Which organisations to visit is read as the connecting role; each visit runs under its RLS.
  const { rows } = await ctx.database.query('SELECT DISTINCT org_id FROM vendors ORDER BY org_id');
  const run: VendorDay = { organisations: 0, reminded: 0, notices: 0, emails: 0 };
  for (const { org_id: orgId } of rows as { org_id: string }[]) {
    const mails = await withScope(ctx.database, { orgId }, async (tx) => {
      await refreshVendors(tx, orgId, now);
      return remindIn(tx, orgId, now, run);
    });
    run.organisations++;
    run.emails += await sendMails(ctx, mails);
  }
  return run;
}

async function remindIn(tx: Tx, orgId: string, now: Date, run: VendorDay): Promise<Mail[]> {
  const vendors = await tx
    .selectFrom('vendors')
    .select(['id', 'name', 'tier', 'owner_user_id'])
    .where('status', '=', 'approved')
    .where((eb) =>
      eb.or([eb('review_reminded_at', 'is', null), eb('review_reminded_at', '<=', new Date(now.getTime() - WEEK_MS))]),
    )
    .forUpdate()
    .skipLocked()
    .execute();
  if (vendors.length === 0) return [];
  const intervals = await loadReviewIntervals(tx);
  const { reviews } = await latestFacts(
    tx,
    vendors.map((v) => v.id),
  );
  const today = now.toISOString().slice(0, 10);
  const soon = reviewDueOn(today, DUE_SOON_DAYS);
  const mails: Mail[] = [];
  const reminded: string[] = [];
  for (const v of vendors) {
    const last = reviews.get(v.id);
    const due = last ? reviewDueOn(last.completedOn, intervals[v.tier]) : today;
    if (due > soon) continue;
    const overdue = due < today;
    const notice = {
      kind: 'vendor.review_due',
      title: `${overdue ? 'Overdue' : 'Due soon'}: review of ${v.name}`,
      body: last
        ? `${v.name} (${v.tier} tier) was last reviewed on ${last.completedOn}; its next review ${overdue ? 'was' : 'is'} due on ${due}. Send it a questionnaire, read its latest report and record the review.`
        : `${v.name} is approved but has no completed review. Record one now.`,
      link: `/vendors/${v.id}`,
    };
    const told = await vendorContacts(tx, v.owner_user_id);
    await notify(
      tx,
      orgId,
      told.map((p) => p.id),
      notice,
      now,
    );
    run.notices += told.length;
    mails.push({ to: told.map((p) => p.email), notice });
    reminded.push(v.id);
  }
  if (reminded.length > 0) {
    await tx.updateTable('vendors').set({ review_reminded_at: now }).where('id', 'in', reminded).execute();
    run.reminded += reminded.length;
  }
  return mails;
}
