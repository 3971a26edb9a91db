import { createHash } from 'node:crypto';
import type { AppContext, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import { openWithKey, sealWithKey } from '../../crypto/seal.js';
import type { TaskCadence, TaskCompletionKind } from '../../db/schema.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { nextOccurrence } from './schedule.js';
import { getTask, managesTasks, seesAllTasks, type TaskActor, type TaskItem } from './service.js';

/** Uploads are kept in the database until the evidence vault arrives: 10 MiB each at most. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** Associated data of a sealed task file: it opens only as this organisation's file of this task. */
export const fileContext = (orgId: string, taskId: string) => `task-file:${orgId}:${taskId}`;

/**
 * What seals and opens task files: the organisation's data keys (the keyring), and the master
 * key for files stored before the keyring (key_term NULL), which stay readable.
 */
export type FileKeys = Pick<AppContext, 'keys' | 'keyring'>;

interface LockedTask {
  id: string;
  control_id: string;
  title: string;
  description: string;
  cadence: TaskCadence;
  status: string;
  assignee_user_id: string | null;
  series_id: string;
  series_anchor_at: Date;
  series_seq: number;
}

/**
 * The open task the actor may complete, locked for this transaction: owners and admins any,
 * members and reviewers their own (someone else's is not found, as for an unknown id).
 */
async function lockForCompletion(tx: Tx, actor: TaskActor, id: string): Promise<LockedTask> {
  const task = await tx
    .selectFrom('evidence_tasks')
    .select([
      'id',
      'control_id',
      'title',
      'description',
      'cadence',
      'status',
      'assignee_user_id',
      'series_id',
      'series_anchor_at',
      'series_seq',
    ])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  const mayComplete = managesTasks(actor) || (actor.role !== 'auditor' && task?.assignee_user_id === actor.userId);
  if (!task || (!mayComplete && !seesAllTasks(actor))) throw notFound('This task');
  if (!mayComplete) throw new AppError('forbidden', 'Only the assignee, an owner or an admin may complete this task.');
  if (task.status !== 'open') {
    throw new AppError('conflict', `This task is already ${task.status}. Its next occurrence, if any, is open.`);
  }
  return task;
}

/**
 * Creates the occurrence after `task` in its series (same control, title and assignee): due one
 * period after the previous due date, rolled forward past `now`. Null for a one-off task.
 */
export async function scheduleNext(
  tx: Tx,
  orgId: string,
  task: LockedTask,
  now: Date,
): Promise<{ id: string; dueAt: Date } | null> {
  const next = nextOccurrence(task.cadence, task.series_anchor_at, task.series_seq, now);
  if (!next) return null;
  const id = newId();
  await tx
    .insertInto('evidence_tasks')
    .values({
      id,
      org_id: orgId,
      control_id: task.control_id,
      series_id: task.series_id,
      series_anchor_at: task.series_anchor_at,
      series_seq: next.seq,
      title: task.title,
      description: task.description,
      cadence: task.cadence,
      assignee_user_id: task.assignee_user_id,
      due_at: next.dueAt,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, dueAt: next.dueAt };
}

export interface CompletionInput {
  kind: 'link' | 'note';
  url?: string;
  note?: string;
}

function linkOf(url: string | undefined): string {
  let parsed: URL | null = null;
  try {
    parsed = url ? new URL(url.trim()) : null;
  } catch {}
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new AppError('validation_failed', 'Give the link as a full http:// or https:// address.', {
      errors: [{ path: 'body.url', message: 'an http or https URL is required' }],
    });
  }
  return parsed.toString();
}

function noteOf(note: string | undefined): string {
  const text = note?.trim() ?? '';
  if (!text) {
    throw new AppError('validation_failed', 'Write a note saying what was done, or complete the task with a link.', {
      errors: [{ path: 'body.note', message: 'a note is required' }],
    });
  }
  return text;
}

async function finish(
  tx: Tx,
  actor: TaskActor,
  task: LockedTask,
  completion: { kind: TaskCompletionKind; url?: string; note?: string; file?: { name: string; sha256: string } },
  meta: RequestMeta,
  now: Date,
): Promise<{ task: TaskItem; next: TaskItem | null }> {
  await tx
    .updateTable('evidence_tasks')
    .set({
      status: 'completed',
      completed_at: now,
      completed_by: actor.userId,
      completion_kind: completion.kind,
      link_url: completion.url ?? null,
      note: completion.note ?? null,
      updated_at: now,
    })
    .where('id', '=', task.id)
    .execute();
  const next = await scheduleNext(tx, actor.orgId, task, now);
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'task.completed',
    targetType: 'evidence_task',
    targetId: task.id,
    details: {
      title: task.title,
      kind: completion.kind,
      ...(completion.url ? { url: completion.url } : {}),
      ...(completion.file ? { file: completion.file } : {}),
      next: next ? { id: next.id, dueAt: next.dueAt.toISOString() } : null,
    },
  });
  return {
    task: await getTask(tx, actor, task.id, now),
    next: next ? await getTask(tx, actor, next.id, now) : null,
  };
}

/** Completes an open task with a link or a note, and schedules its next occurrence. */
export async function completeTask(
  tx: Tx,
  actor: TaskActor,
  id: string,
  input: CompletionInput,
  meta: RequestMeta,
  now: Date,
): Promise<{ task: TaskItem; next: TaskItem | null }> {
  const task = await lockForCompletion(tx, actor, id);
  const completion =
    input.kind === 'link'
      ? { kind: 'link' as const, url: linkOf(input.url) }
      : { kind: 'note' as const, note: noteOf(input.note) };
  return finish(tx, actor, task, completion, meta, now);
}

export interface Upload {
  name: string;
  contentType?: string;
  bytes: Buffer | undefined;
}

/** A file name safe to store and to send back in Content-Disposition: no path, no control characters. */
function cleanName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const clean = [...base]
    .filter((ch) => ch >= ' ' && ch !== '\u007f' && ch !== '"')
    .join('')
    .trim()
    .slice(0, 200);
  if (!clean) {
    throw new AppError('validation_failed', 'Give the file a name (the `name` query parameter).', {
      errors: [{ path: 'querystring.name', message: 'a file name is required' }],
    });
  }
  return clean;
}

/** Completes an open task with a file: sealed (AES-256-GCM, the organisation's current data key) before it is stored. */
export async function uploadTaskFile(
  tx: Tx,
  keys: FileKeys,
  actor: TaskActor,
  id: string,
  upload: Upload,
  meta: RequestMeta,
  now: Date,
): Promise<{ task: TaskItem; next: TaskItem | null }> {
  const task = await lockForCompletion(tx, actor, id);
  const bytes = upload.bytes;
  if (!Buffer.isBuffer(bytes) || bytes.length === 0) {
    throw new AppError(
      'bad_request',
      'Send the file as the request body, with Content-Type: application/octet-stream.',
    );
  }
  if (bytes.length > MAX_FILE_BYTES) {
    throw new AppError('payload_too_large', 'Files can be up to 10 MiB. Upload a smaller file, or link to it instead.');
  }
  const name = cleanName(upload.name);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const dataKey = await keys.keyring.currentDataKey(actor.orgId, tx);
  await tx
    .insertInto('task_files')
    .values({
      id: newId(),
      org_id: actor.orgId,
      task_id: task.id,
      name,
      content_type: upload.contentType ?? 'application/octet-stream',
      size: bytes.length,
      sha256,
      sealed: sealWithKey(dataKey.key, bytes, fileContext(actor.orgId, task.id)),
      key_term: dataKey.term,
      uploaded_by: actor.userId,
      uploaded_at: now,
    })
    .execute();
  return finish(tx, actor, task, { kind: 'file', file: { name, sha256 } }, meta, now);
}

/** The file that completed a task, decrypted, for anyone who may see the task. */
export async function readTaskFile(
  tx: Tx,
  keys: FileKeys,
  actor: TaskActor,
  id: string,
  now: Date,
): Promise<{ name: string; contentType: string; bytes: Buffer }> {
  await getTask(tx, actor, id, now);
  const file = await tx
    .selectFrom('task_files')
    .select(['name', 'content_type', 'sealed', 'key_term'])
    .where('task_id', '=', id)
    .orderBy('uploaded_at', 'desc')
    .executeTakeFirst();
  if (!file) throw notFound('A file for this task');
  return {
    name: file.name,
    contentType: file.content_type,
    bytes:
      file.key_term === null
        ? keys.keys.openBytes(file.sealed, fileContext(actor.orgId, id))
        : openWithKey(
            await keys.keyring.dataKey(actor.orgId, file.key_term, tx),
            file.sealed,
            fileContext(actor.orgId, id),
          ),
  };
}
