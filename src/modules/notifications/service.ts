import type { AppContext } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';

/** Something a person should know or do: a task due, a policy to accept. */
export interface Notice {
  /** A dotted name, e.g. `task.overdue` or `policy.acceptance_requested`. */
  kind: string;
  title: string;
  body?: string;
  /** A path in the web app, e.g. `/my-work`. */
  link?: string | null;
}

/** In-app notices, always: written in the caller's transaction, so they exist only if it commits. */
export async function notify(tx: Tx, orgId: string, userIds: string[], notice: Notice, now: Date): Promise<void> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return;
  await tx
    .insertInto('notifications')
    .values(
      unique.map((userId) => ({
        id: newId(),
        org_id: orgId,
        user_id: userId,
        kind: notice.kind,
        title: notice.title,
        body: notice.body ?? '',
        link: notice.link ?? null,
        created_at: now,
      })),
    )
    .execute();
}

/**
 * The same notice by email when SMTP is configured; call it after the transaction committed.
 * Mail is best effort: a failure is logged, and the in-app notice stands. Returns how many went.
 */
export async function mailNotice(ctx: AppContext, to: string[], notice: Notice): Promise<number> {
  if (!ctx.mailer.enabled) return 0;
  const base = ctx.config.publicUrl?.replace(/\/$/, '');
  const link = notice.link && base ? `\n\n${base}${notice.link}` : '';
  let sent = 0;
  for (const address of new Set(to)) {
    try {
      await ctx.mailer.send({ to: address, subject: notice.title, text: `${notice.body ?? ''}${link}\n` });
      sent++;
    } catch (error) {
      ctx.log.warn({ err: error, kind: notice.kind }, 'notification email failed; the in-app notice stands');
    }
  }
  return sent;
}

export interface NotificationItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  read: boolean;
}

/** The caller's own notices, newest first (the cursor is the last id seen). */
export async function listNotifications(
  tx: Tx,
  userId: string,
  f: { unread?: boolean; cursor?: string; limit: number },
): Promise<{ items: NotificationItem[]; unread: number; nextCursor: string | null }> {
  let q = tx
    .selectFrom('notifications')
    .select(['id', 'kind', 'title', 'body', 'link', 'created_at', 'read_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit + 1);
  if (f.unread) q = q.where('read_at', 'is', null);
  if (f.cursor) {
    const last = await tx
      .selectFrom('notifications')
      .select(['created_at', 'id'])
      .where('id', '=', f.cursor)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (last) {
      q = q.where((eb) =>
        eb.or([
          eb('created_at', '<', last.created_at),
          eb.and([eb('created_at', '=', last.created_at), eb('id', '<', last.id)]),
        ]),
      );
    }
  }
  const rows = await q.execute();
  const page = rows.slice(0, f.limit);
  const { unread } = await tx
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('unread'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return {
    items: page.map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      body: r.body,
      link: r.link,
      createdAt: r.created_at.toISOString(),
      read: r.read_at !== null,
    })),
    unread: Number(unread),
    nextCursor: rows.length > f.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** Marks the caller's notices read: one, or all of them (id undefined). Returns how many changed. */
export async function markRead(tx: Tx, userId: string, id: string | undefined, now: Date): Promise<number> {
  let q = tx
    .updateTable('notifications')
    .set({ read_at: now })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null);
  if (id) q = q.where('id', '=', id);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
