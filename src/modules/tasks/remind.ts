import type { AppContext } from '../../context.js';
import type { Database } from '../../db/connect.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { mailNotice, type Notice, notify } from '../notifications/service.js';

/** An overdue task reminds its people at most once a day. */
export const REMIND_EVERY_MS = 24 * 3_600_000;

interface Mail {
  to: string[];
  notice: Notice;
}

export interface ReminderRun {
  /** Overdue tasks whose people were reminded in this run. */
  tasks: number;
  /** In-app notices written. */
  notices: number;
  /** Emails the mail server accepted. */
  emails: number;
}

/**
 * Reminds people of overdue evidence tasks: the assignee, or, for a task nobody (or a former
 * member) holds, the organisation's owners and admins. One in-app notice per task and person,
 * at most once a day (and again once a rescheduled task falls overdue); email when SMTP is
 * configured, sent after the notices committed. The `tasks.remind` job runs it every hour.
 */
export async function remindOverdue(database: Database, ctx: AppContext, now: Date): Promise<ReminderRun> {
  // Which organisations to visit is read as the connecting role; each visit runs under its RLS.
  const { rows } = await database.query(
    `SELECT DISTINCT org_id FROM evidence_tasks WHERE status = 'open' AND due_at < $1 ORDER BY org_id`,
    [now],
  );
  const run: ReminderRun = { tasks: 0, notices: 0, emails: 0 };
  for (const { org_id: orgId } of rows as { org_id: string }[]) {
    const mails = await withScope(database, { orgId }, (tx) => remindIn(tx, orgId, now, run));
    for (const mail of mails) run.emails += await mailNotice(ctx, mail.to, mail.notice);
  }
  return run;
}

async function remindIn(tx: Tx, orgId: string, now: Date, run: ReminderRun): Promise<Mail[]> {
  const since = new Date(now.getTime() - REMIND_EVERY_MS);
  const tasks = await tx
    .selectFrom('evidence_tasks as t')
    .innerJoin('controls as c', 'c.id', 't.control_id')
    .leftJoin('memberships as m', (j) => j.onRef('m.user_id', '=', 't.assignee_user_id').on('m.org_id', '=', orgId))
    .leftJoin('users as u', (j) => j.onRef('u.id', '=', 'm.user_id').on('u.disabled_at', 'is', null))
    .select(['t.id', 't.title', 't.due_at', 'c.key as control_key', 'u.id as assignee_id', 'u.email as assignee_email'])
    .where('t.status', '=', 'open')
    .where('t.due_at', '<', now)
    .where((eb) =>
      eb.or([
        eb('t.reminded_at', 'is', null),
        eb('t.reminded_at', '<=', since),
        eb('t.reminded_at', '<', eb.ref('t.due_at')),
      ]),
    )
    .orderBy('t.due_at')
    .forUpdate('t')
    .skipLocked()
    .execute();
  if (tasks.length === 0) return [];
  const managers = await tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email'])
    .where('m.role', 'in', ['owner', 'admin'])
    .where('u.disabled_at', 'is', null)
    .execute();

  const mails: Mail[] = [];
  for (const task of tasks) {
    const due = task.due_at.toISOString().slice(0, 10);
    const assigned = task.assignee_id !== null;
    const notice: Notice = {
      kind: 'task.overdue',
      title: `Overdue: ${task.title}`,
      body: assigned
        ? `${task.control_key}: "${task.title}" was due on ${due}. Complete it with a link, a note or a file.`
        : `${task.control_key}: "${task.title}" was due on ${due} and nobody is assigned. Assign it, or complete it yourself.`,
      link: assigned ? '/my-tasks' : '/tasks',
    };
    const people = assigned ? [{ id: task.assignee_id as string, email: task.assignee_email ?? '' }] : managers;
    await notify(
      tx,
      orgId,
      people.map((p) => p.id),
      notice,
      now,
    );
    run.notices += new Set(people.map((p) => p.id)).size;
    mails.push({ to: people.map((p) => p.email).filter(Boolean), notice });
  }
  await tx
    .updateTable('evidence_tasks')
    .set({ reminded_at: now })
    .where(
      'id',
      'in',
      tasks.map((t) => t.id),
    )
    .execute();
  run.tasks += tasks.length;
  return mails;
}
