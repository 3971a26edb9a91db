import { sql } from 'kysely';
import type { Actor, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Database } from '../../db/connect.js';
import type { TaskCadence, TaskCompletionKind, TaskStatus } from '../../db/schema.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { notify } from '../notifications/service.js';
import { auditWho } from '../tokens/service.js';
import { firstDue } from './schedule.js';

export const TASK_STATUSES = ['open', 'completed', 'cancelled'] as const satisfies readonly TaskStatus[];

export type TaskActor = Actor & { orgId: string };

/** Owners, admins and auditors see every task; members and reviewers only those assigned to them. */
export const seesAllTasks = (actor: TaskActor) =>
  actor.role === 'owner' || actor.role === 'admin' || actor.role === 'auditor';

export const managesTasks = (actor: TaskActor) => actor.role === 'owner' || actor.role === 'admin';

/**
 * The first open occurrence of every evidence item of every control that has none yet, in the
 * caller's transaction: due one period from `now`, assigned to the control's owner if it has one.
 */
export async function createInitialTasks(tx: Tx, orgId: string, now: Date): Promise<number> {
  const controls = await tx
    .selectFrom('controls')
    .select(['id', 'owner_user_id', 'evidence'])
    .where('retired_at', 'is', null)
    .execute();
  const existing = await tx.selectFrom('evidence_tasks').select(['control_id', 'title']).execute();
  const have = new Set(existing.map((t) => `${t.control_id}\0${t.title}`));
  const values = controls.flatMap((c) =>
    (c.evidence as { title: string; cadence: TaskCadence }[])
      .filter((e) => !have.has(`${c.id}\0${e.title}`))
      .map((e) => {
        const dueAt = firstDue(e.cadence, now);
        return {
          id: newId(),
          org_id: orgId,
          control_id: c.id,
          series_id: newId(),
          series_anchor_at: dueAt,
          title: e.title,
          cadence: e.cadence,
          assignee_user_id: c.owner_user_id,
          due_at: dueAt,
          created_at: now,
          updated_at: now,
        };
      }),
  );
  if (values.length > 0) await tx.insertInto('evidence_tasks').values(values).execute();
  return values.length;
}

/** Organisations whose controls were loaded before evidence tasks existed get them at start-up, once. */
export async function createTasksWhereMissing(database: Database, now: Date): Promise<void> {
  const { rows } = await database.query(
    `SELECT o.id FROM organizations o
      WHERE EXISTS (SELECT 1 FROM controls c WHERE c.org_id = o.id)
        AND NOT EXISTS (SELECT 1 FROM evidence_tasks t WHERE t.org_id = o.id)`,
  );
  for (const row of rows as { id: string }[]) {
    await withScope(database, { orgId: row.id }, (tx) => createInitialTasks(tx, row.id, now));
  }
}

export interface PersonRef {
  id: string;
  email: string;
  name: string;
}

export interface TaskItem {
  id: string;
  control: { id: string; key: string; title: string };
  title: string;
  description: string;
  cadence: TaskCadence;
  status: TaskStatus;
  assignee: PersonRef | null;
  dueAt: string;
  overdue: boolean;
  seriesId: string;
  completedAt: string | null;
  completedBy: PersonRef | null;
  completion:
    | { kind: 'link'; url: string }
    | { kind: 'note'; note: string }
    | { kind: 'file'; file: { name: string; contentType: string; size: number; sha256: string } }
    | null;
  remindedAt: string | null;
  createdAt: string;
}

export function baseQuery(tx: Tx) {
  return tx
    .selectFrom('evidence_tasks as t')
    .innerJoin('controls as c', 'c.id', 't.control_id')
    .leftJoin('users as a', 'a.id', 't.assignee_user_id')
    .leftJoin('users as cb', 'cb.id', 't.completed_by')
    .leftJoin('task_files as f', 'f.task_id', 't.id')
    .select([
      't.id',
      't.control_id',
      'c.key as control_key',
      'c.title as control_title',
      't.title',
      't.description',
      't.cadence',
      't.status',
      't.assignee_user_id',
      'a.email as assignee_email',
      'a.name as assignee_name',
      't.due_at',
      't.series_id',
      't.completed_at',
      't.completed_by',
      'cb.email as completed_by_email',
      'cb.name as completed_by_name',
      't.completion_kind',
      't.link_url',
      't.note',
      'f.name as file_name',
      'f.content_type as file_type',
      'f.size as file_size',
      'f.sha256 as file_sha256',
      't.reminded_at',
      't.created_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number];

function completionOf(r: Row): TaskItem['completion'] {
  const kind = r.completion_kind as TaskCompletionKind | null;
  if (kind === 'link') return { kind, url: r.link_url ?? '' };
  if (kind === 'note') return { kind, note: r.note ?? '' };
  if (kind === 'file') {
    return {
      kind,
      file: {
        name: r.file_name ?? '',
        contentType: r.file_type ?? 'application/octet-stream',
        size: r.file_size ?? 0,
        sha256: r.file_sha256 ?? '',
      },
    };
  }
  return null;
}

export function toItem(r: Row, now: Date): TaskItem {
  return {
    id: r.id,
    control: { id: r.control_id, key: r.control_key, title: r.control_title },
    title: r.title,
    description: r.description,
    cadence: r.cadence,
    status: r.status,
    assignee: r.assignee_user_id
      ? { id: r.assignee_user_id, email: r.assignee_email ?? '', name: r.assignee_name ?? '' }
      : null,
    dueAt: r.due_at.toISOString(),
    overdue: r.status === 'open' && r.due_at.getTime() < now.getTime(),
    seriesId: r.series_id,
    completedAt: r.completed_at?.toISOString() ?? null,
    completedBy: r.completed_by
      ? { id: r.completed_by, email: r.completed_by_email ?? '', name: r.completed_by_name ?? '' }
      : null,
    completion: completionOf(r),
    remindedAt: r.reminded_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  };
}

export interface TaskFilter {
  status?: TaskStatus;
  /** `me`, `none` (unassigned) or a user id. */
  assignee?: string;
  controlId?: string;
  overdue?: boolean;
  dueBefore?: string;
  cursor?: string;
  limit: number;
}

const encodeCursor = (r: { due_at: Date; id: string }) =>
  Buffer.from(`${r.due_at.toISOString()}|${r.id}`).toString('base64url');

function decodeCursor(cursor: string): { dueAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const dueAt = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(dueAt.getTime())) {
    throw new AppError('validation_failed', 'The cursor is not valid: use the nextCursor of the previous page.', {
      errors: [{ path: 'querystring.cursor', message: 'not a cursor from this list' }],
    });
  }
  return { dueAt, id };
}

/** Tasks the actor may see, soonest due first (so overdue ones lead), keyset-paginated. */
export async function listTasks(
  tx: Tx,
  actor: TaskActor,
  f: TaskFilter,
  now: Date,
): Promise<{ items: TaskItem[]; nextCursor: string | null }> {
  let q = baseQuery(tx)
    .orderBy('t.due_at')
    .orderBy('t.id')
    .limit(f.limit + 1);
  if (!seesAllTasks(actor)) q = q.where('t.assignee_user_id', '=', actor.userId);
  if (f.status) q = q.where('t.status', '=', f.status);
  if (f.assignee === 'me') q = q.where('t.assignee_user_id', '=', actor.userId);
  else if (f.assignee === 'none') q = q.where('t.assignee_user_id', 'is', null);
  else if (f.assignee) q = q.where('t.assignee_user_id', '=', f.assignee);
  if (f.controlId) q = q.where('t.control_id', '=', f.controlId);
  if (f.overdue === true) q = q.where('t.status', '=', 'open').where('t.due_at', '<', now);
  if (f.overdue === false) q = q.where((eb) => eb.or([eb('t.status', '<>', 'open'), eb('t.due_at', '>=', now)]));
  if (f.dueBefore) q = q.where('t.due_at', '<', new Date(f.dueBefore));
  if (f.cursor) {
    const c = decodeCursor(f.cursor);
    q = q.where(sql<boolean>`(t.due_at, t.id) > (${c.dueAt}::timestamptz, ${c.id}::uuid)`);
  }
  const rows = await q.execute();
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => toItem(r, now)),
    nextCursor: rows.length > f.limit && last ? encodeCursor(last) : null,
  };
}

/** One task, if the actor may see it; otherwise not found, as for an id that does not exist. */
export async function getTask(tx: Tx, actor: TaskActor, id: string, now: Date): Promise<TaskItem> {
  let q = baseQuery(tx).where('t.id', '=', id);
  if (!seesAllTasks(actor)) q = q.where('t.assignee_user_id', '=', actor.userId);
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('This task');
  return toItem(row, now);
}

/** The completed occurrences of the task's series, newest first (what was shown, when, by whom). */
export async function taskHistory(tx: Tx, actor: TaskActor, id: string, now: Date): Promise<TaskItem[]> {
  const task = await getTask(tx, actor, id, now);
  let q = baseQuery(tx)
    .where('t.series_id', '=', task.seriesId)
    .where('t.status', '=', 'completed')
    .orderBy('t.due_at', 'desc')
    .limit(500);
  if (!seesAllTasks(actor)) q = q.where('t.assignee_user_id', '=', actor.userId);
  return (await q.execute()).map((r) => toItem(r, now));
}

async function checkAssignee(tx: Tx, orgId: string, userId: string | null | undefined): Promise<void> {
  if (!userId) return;
  const member = await tx
    .selectFrom('memberships')
    .select('role')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!member || member.role === 'auditor') {
    throw new AppError('validation_failed', 'Assign the task to a member of this organisation who is not an auditor.', {
      errors: [{ path: 'body.assigneeUserId', message: member ? 'auditors cannot be assigned tasks' : 'not a member' }],
    });
  }
}

function checkFutureDue(dueAt: Date, now: Date): void {
  if (dueAt.getTime() <= now.getTime()) {
    throw new AppError('validation_failed', 'Choose a due date in the future.', {
      errors: [{ path: 'body.dueAt', message: 'must be in the future' }],
    });
  }
}

async function tellAssignee(tx: Tx, orgId: string, userId: string, title: string, dueAt: Date, now: Date) {
  await notify(
    tx,
    orgId,
    [userId],
    {
      kind: 'task.assigned',
      title: `New task: ${title}`,
      body: `You were assigned "${title}", due ${dueAt.toISOString().slice(0, 10)}.`,
      link: '/my-tasks',
    },
    now,
  );
}

export interface NewTask {
  title: string;
  description?: string;
  cadence: TaskCadence;
  assigneeUserId?: string | null;
  dueAt: string;
}

/** An extra evidence task on a control (owners and admins), audited. */
export async function createTask(
  tx: Tx,
  actor: TaskActor,
  controlId: string,
  input: NewTask,
  meta: RequestMeta,
  now: Date,
): Promise<TaskItem> {
  const control = await tx
    .selectFrom('controls')
    .select(['id', 'key', 'retired_at'])
    .where('id', '=', controlId)
    .executeTakeFirst();
  if (!control) throw notFound('This control');
  if (control.retired_at) throw new AppError('conflict', `${control.key} is retired; it takes no new tasks.`);
  const dueAt = new Date(input.dueAt);
  checkFutureDue(dueAt, now);
  await checkAssignee(tx, actor.orgId, input.assigneeUserId);
  const id = newId();
  await tx
    .insertInto('evidence_tasks')
    .values({
      id,
      org_id: actor.orgId,
      control_id: controlId,
      series_id: newId(),
      series_anchor_at: dueAt,
      title: input.title,
      description: input.description ?? '',
      cadence: input.cadence,
      assignee_user_id: input.assigneeUserId ?? null,
      due_at: dueAt,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    })
    .execute();
  if (input.assigneeUserId && input.assigneeUserId !== actor.userId) {
    await tellAssignee(tx, actor.orgId, input.assigneeUserId, input.title, dueAt, now);
  }
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'task.created',
    targetType: 'evidence_task',
    targetId: id,
    details: {
      control: control.key,
      title: input.title,
      cadence: input.cadence,
      assigneeUserId: input.assigneeUserId ?? null,
      dueAt: dueAt.toISOString(),
    },
  });
  return getTask(tx, actor, id, now);
}

export interface TaskChange {
  title?: string;
  description?: string;
  assigneeUserId?: string | null;
  dueAt?: string;
  status?: 'cancelled';
}

/** Reassigns, reschedules, renames or cancels an open task (owners and admins), audited. */
export async function updateTask(
  tx: Tx,
  actor: TaskActor,
  id: string,
  change: TaskChange,
  meta: RequestMeta,
  now: Date,
): Promise<TaskItem> {
  const current = await tx
    .selectFrom('evidence_tasks')
    .select(['id', 'title', 'description', 'assignee_user_id', 'due_at', 'status'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw notFound('This task');
  if (current.status !== 'open') {
    throw new AppError(
      'conflict',
      `This task is ${current.status}; only open tasks can be changed. Add a new task to the control instead.`,
    );
  }
  const dueAt = change.dueAt === undefined ? undefined : new Date(change.dueAt);
  if (dueAt) checkFutureDue(dueAt, now);
  if (change.assigneeUserId !== undefined) await checkAssignee(tx, actor.orgId, change.assigneeUserId);

  const before = {
    title: current.title,
    description: current.description,
    assigneeUserId: current.assignee_user_id,
    dueAt: current.due_at.toISOString(),
    status: current.status as TaskStatus,
  };
  const after = {
    title: change.title ?? before.title,
    description: change.description ?? before.description,
    assigneeUserId: change.assigneeUserId === undefined ? before.assigneeUserId : change.assigneeUserId,
    dueAt: dueAt?.toISOString() ?? before.dueAt,
    status: change.status ?? before.status,
  };
  const changed = Object.fromEntries(
    Object.entries(after)
      .filter(([k, v]) => v !== before[k as keyof typeof before])
      .map(([k, v]) => [k, { from: before[k as keyof typeof before], to: v }]),
  );
  if (Object.keys(changed).length === 0) return getTask(tx, actor, id, now);

  await tx
    .updateTable('evidence_tasks')
    .set({
      title: after.title,
      description: after.description,
      assignee_user_id: after.assigneeUserId,
      status: after.status,
      updated_at: now,
      // A new due date restarts the series from it, and a new person has not been reminded yet.
      ...(changed.dueAt && dueAt ? { due_at: dueAt, series_anchor_at: dueAt, series_seq: 0 } : {}),
      ...(changed.dueAt || changed.assigneeUserId ? { reminded_at: null } : {}),
    })
    .where('id', '=', id)
    .execute();
  if (
    changed.assigneeUserId &&
    after.assigneeUserId &&
    after.assigneeUserId !== actor.userId &&
    after.status === 'open'
  ) {
    await tellAssignee(tx, actor.orgId, after.assigneeUserId, after.title, new Date(after.dueAt), now);
  }
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: after.status === 'cancelled' ? 'task.cancelled' : 'task.updated',
    targetType: 'evidence_task',
    targetId: id,
    details: { title: current.title, changed },
  });
  return getTask(tx, actor, id, now);
}
