/**
 * Reminders: each reviewer with undecided items in an open campaign is told, at most once a
 * (UTC) day per campaign; items whose reviewer can no longer decide (left, disabled, now an
 * auditor) are brought to the owners and admins to reassign.
 */
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { mailNotice, type Notice, notify } from '../notifications/service.js';
import type { Mail } from './start.js';

export interface ReminderRun {
  /** Campaigns whose reviewers were reminded. */
  campaigns: number;
  /** In-app notices written. */
  notices: number;
  /** Emails the mail server accepted. */
  emails: number;
}

const startOfDay = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

export async function remindReviewers(ctx: AppContext, now: Date): Promise<ReminderRun> {
  const since = startOfDay(now);
  // Which organisations to visit is read as the connecting role; each visit runs under its RLS.
  const { rows } = await ctx.database.query(
    `SELECT DISTINCT org_id FROM access_review_campaigns
      WHERE status = 'open' AND (last_reminded_at IS NULL OR last_reminded_at < $1) ORDER BY org_id`,
    [since],
  );
  const run: ReminderRun = { campaigns: 0, notices: 0, emails: 0 };
  for (const { org_id: orgId } of rows as { org_id: string }[]) {
    const mails = await withScope(ctx.database, { orgId }, (tx) => remindIn(tx, orgId, since, now, run));
    for (const mail of mails) run.emails += await mailNotice(ctx, mail.to, mail.notice);
  }
  return run;
}

async function remindIn(tx: Tx, orgId: string, since: Date, now: Date, run: ReminderRun): Promise<Mail[]> {
  const campaigns = await tx
    .selectFrom('access_review_campaigns')
    .select(['id', 'name', 'due_at'])
    .where('status', '=', 'open')
    .where((eb) => eb.or([eb('last_reminded_at', 'is', null), eb('last_reminded_at', '<', since)]))
    .orderBy('started_at')
    .forUpdate()
    .skipLocked()
    .execute();
  const mails: Mail[] = [];
  for (const c of campaigns) {
    const { rows } = await sql<{ reviewer_id: string | null; email: string | null; can_decide: boolean; n: number }>`
      SELECT i.reviewer_id, u.email,
             (m.role IS NOT NULL AND m.role <> 'auditor' AND u.disabled_at IS NULL
              AND (m.expires_at IS NULL OR m.expires_at > ${now})) AS can_decide,
             count(*)::int AS n
        FROM access_review_items i
        LEFT JOIN users u ON u.id = i.reviewer_id
        LEFT JOIN memberships m ON m.user_id = i.reviewer_id AND m.org_id = ${orgId}
       WHERE i.campaign_id = ${c.id} AND i.decision IS NULL
       GROUP BY 1, 2, 3`.execute(tx);
    if (rows.length === 0) continue;
    const due = c.due_at.toISOString().slice(0, 10);
    const overdue = c.due_at.getTime() < now.getTime();
    const reviewers = rows.filter((r) => r.can_decide && r.reviewer_id);
    if (reviewers.length > 0) {
      const notice: Notice = {
        kind: 'access_review.reminder',
        title: `${overdue ? 'Overdue' : 'Reminder'}: access review ${c.name}`,
        body: `Accounts assigned to you still wait for a decision (keep, revoke or change); ${overdue ? 'they were' : 'they are'} due on ${due}.`,
        link: `/access-reviews/${c.id}`,
      };
      await notify(
        tx,
        orgId,
        reviewers.map((r) => r.reviewer_id as string),
        notice,
        now,
      );
      run.notices += reviewers.length;
      mails.push({ to: reviewers.map((r) => r.email ?? '').filter(Boolean), notice });
    }
    const stranded = rows.filter((r) => !r.can_decide || !r.reviewer_id).reduce((sum, r) => sum + r.n, 0);
    if (stranded > 0) {
      const managers = await tx
        .selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(['u.id', 'u.email'])
        .where('m.org_id', '=', orgId)
        .where('m.role', 'in', ['owner', 'admin'])
        .where('u.disabled_at', 'is', null)
        .execute();
      const notice: Notice = {
        kind: 'access_review.unassigned',
        title: `Access review ${c.name}: reassign ${stranded === 1 ? 'one account' : `${stranded} accounts`}`,
        body: `${stranded === 1 ? 'One account has' : `${stranded} accounts have`} no reviewer who can still decide. Reassign them before ${due}.`,
        link: `/access-reviews/${c.id}`,
      };
      await notify(
        tx,
        orgId,
        managers.map((m) => m.id),
        notice,
        now,
      );
      run.notices += managers.length;
      mails.push({ to: managers.map((m) => m.email), notice });
    }
    run.campaigns++;
  }
  if (campaigns.length > 0) {
    await tx
      .updateTable('access_review_campaigns')
      .set({ last_reminded_at: now })
      .where(
        'id',
        'in',
        campaigns.map((c) => c.id),
      )
      .execute();
  }
  return mails;
}
