import { sql } from 'kysely';
import type { Actor } from '../../context.js';
import { containsPattern } from '../../db/like.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';

export type EvidenceActor = Actor & { orgId: string };

/**
 * Who sees and adds what. Owners, admins and auditors see every item; owners, admins,
 * members and reviewers add evidence; auditors never write. Members and reviewers attach
 * evidence only to tasks assigned to them or to controls they own, and see what they uploaded
 * plus what is attached there (anything else is not found, as for an unknown id).
 */
export const seesAllEvidence = (actor: EvidenceActor) =>
  actor.role === 'owner' || actor.role === 'admin' || actor.role === 'auditor';
export const attachesAnywhere = (actor: EvidenceActor) => actor.role === 'owner' || actor.role === 'admin';

export interface PersonRef {
  id: string;
  email: string;
  name: string;
}

export type LedgerState = 'verified' | 'pending' | 'failed' | 'erased';

export interface EvidenceItem {
  id: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  control: { id: string; key: string; title: string } | null;
  task: { id: string; title: string } | null;
  effectiveFrom: string;
  effectiveTo: string | null;
  note: string;
  uploadedBy: PersonRef | null;
  uploadedAt: string;
  ledgerIndex: number;
  /** verified: its inclusion proof checks against the latest signed checkpoint; pending: no checkpoint covers it yet. */
  ledger: LedgerState;
  erased: { at: string; by: PersonRef | null; reason: string } | null;
}

export function baseQuery(tx: Tx) {
  return tx
    .selectFrom('evidence as e')
    .leftJoin('controls as c', 'c.id', 'e.control_id')
    .leftJoin('evidence_tasks as t', 't.id', 'e.task_id')
    .leftJoin('users as u', 'u.id', 'e.uploaded_by')
    .leftJoin('users as x', 'x.id', 'e.erased_by')
    .select([
      'e.id',
      'e.name',
      'e.content_type',
      'e.size',
      'e.sha256',
      'e.key_term',
      'e.blob_key',
      'e.control_id',
      'c.key as control_key',
      'c.title as control_title',
      'e.task_id',
      't.title as task_title',
      'e.effective_from',
      'e.effective_to',
      'e.note',
      'e.uploaded_by',
      'u.email as uploader_email',
      'u.name as uploader_name',
      'e.uploaded_at',
      'e.ledger_index',
      'e.erased_at',
      'e.erased_by',
      'x.email as eraser_email',
      'x.name as eraser_name',
      'e.erase_reason',
    ]);
}

export type EvidenceRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number];

const person = (id: string | null, email: string | null, name: string | null): PersonRef | null =>
  id ? { id, email: email ?? '', name: name ?? '' } : null;

export function toItem(r: EvidenceRow, ledger: LedgerState): EvidenceItem {
  return {
    id: r.id,
    name: r.name,
    contentType: r.content_type,
    size: Number(r.size),
    sha256: r.sha256,
    control: r.control_id ? { id: r.control_id, key: r.control_key ?? '', title: r.control_title ?? '' } : null,
    task: r.task_id ? { id: r.task_id, title: r.task_title ?? '' } : null,
    effectiveFrom: r.effective_from.toISOString(),
    effectiveTo: r.effective_to?.toISOString() ?? null,
    note: r.note,
    uploadedBy: person(r.uploaded_by, r.uploader_email, r.uploader_name),
    uploadedAt: r.uploaded_at.toISOString(),
    ledgerIndex: Number(r.ledger_index),
    ledger: r.erased_at ? 'erased' : ledger,
    erased:
      r.erased_at && r.erase_reason
        ? {
            at: r.erased_at.toISOString(),
            by: person(r.erased_by, r.eraser_email, r.eraser_name),
            reason: r.erase_reason,
          }
        : null,
  };
}

type Query = ReturnType<typeof baseQuery>;

/** Members and reviewers: their own uploads, and what hangs on controls they own or tasks assigned to them. */
export function visibleTo(q: Query, actor: EvidenceActor): Query {
  if (seesAllEvidence(actor)) return q;
  return q.where((eb) =>
    eb.or([
      eb('e.uploaded_by', '=', actor.userId),
      eb('c.owner_user_id', '=', actor.userId),
      eb('t.assignee_user_id', '=', actor.userId),
    ]),
  );
}

export interface EvidenceFilter {
  controlId?: string;
  taskId?: string;
  q?: string;
  /** Items whose effective period overlaps [from, to). */
  from?: string;
  to?: string;
  erased?: boolean;
  cursor?: string;
  limit: number;
}

/** Evidence whose effective period (a point when it has no end) overlaps [from, to). */
export function inWindow(q: Query, from: Date | undefined, to: Date | undefined): Query {
  let out = q;
  if (from) out = out.where(sql<boolean>`coalesce(e.effective_to, e.effective_from) >= ${from}::timestamptz`);
  if (to) out = out.where('e.effective_from', '<', to);
  return out;
}

function decodeCursor(cursor: string): number {
  const n = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new AppError('validation_failed', 'The cursor is not valid: use the nextCursor of the previous page.', {
      errors: [{ path: 'querystring.cursor', message: 'not a cursor from this list' }],
    });
  }
  return n;
}

/** Evidence the actor may see, newest ledger entry first, keyset-paginated on the ledger index. */
export async function listEvidenceRows(
  tx: Tx,
  actor: EvidenceActor,
  f: EvidenceFilter,
): Promise<{ rows: EvidenceRow[]; nextCursor: string | null }> {
  let q = visibleTo(baseQuery(tx), actor)
    .orderBy('e.ledger_index', 'desc')
    .limit(f.limit + 1);
  if (f.controlId) q = q.where('e.control_id', '=', f.controlId);
  if (f.taskId) q = q.where('e.task_id', '=', f.taskId);
  if (f.erased === true) q = q.where('e.erased_at', 'is not', null);
  if (f.erased === false) q = q.where('e.erased_at', 'is', null);
  if (f.q?.trim()) {
    const pattern = containsPattern(f.q.trim());
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(e.name)`, 'like', pattern),
        eb(sql`lower(e.note)`, 'like', pattern),
        eb(sql`lower(c.key)`, 'like', pattern),
      ]),
    );
  }
  q = inWindow(q, f.from ? new Date(f.from) : undefined, f.to ? new Date(f.to) : undefined);
  if (f.cursor) q = q.where('e.ledger_index', '<', decodeCursor(f.cursor));
  const rows = await q.execute();
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > f.limit && last ? Buffer.from(String(last.ledger_index)).toString('base64url') : null,
  };
}

/** One item the actor may see; otherwise not found. */
export async function evidenceRow(tx: Tx, actor: EvidenceActor, id: string): Promise<EvidenceRow> {
  const row = await visibleTo(baseQuery(tx), actor).where('e.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This evidence');
  return row;
}

/**
 * Where evidence goes: a task (its control comes with it) and/or a control, given by id or key.
 * Owners and admins may attach anywhere; members and reviewers to tasks assigned to them or
 * controls they own. What they may not see is not found; what they see but may not use is forbidden.
 */
export async function resolveTarget(
  tx: Tx,
  actor: EvidenceActor,
  input: { controlId?: string; taskId?: string },
): Promise<{ controlId: string | null; taskId: string | null }> {
  if (!input.controlId && !input.taskId) {
    throw new AppError(
      'validation_failed',
      'Attach the evidence to a control (controlId) or an evidence task (taskId).',
      {
        errors: [{ path: 'body.controlId', message: 'a control or a task is required' }],
      },
    );
  }
  let controlId: string | null = null;
  let taskId: string | null = null;
  let allowed = attachesAnywhere(actor);
  if (input.taskId) {
    const task = await tx
      .selectFrom('evidence_tasks')
      .select(['id', 'control_id', 'assignee_user_id'])
      .where('id', '=', input.taskId)
      .executeTakeFirst();
    const mine = task?.assignee_user_id === actor.userId;
    if (!task || (!mine && !seesAllEvidence(actor))) throw notFound('This evidence task');
    taskId = task.id;
    controlId = task.control_id;
    allowed ||= mine;
  }
  if (input.controlId) {
    const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(input.controlId);
    const control = await tx
      .selectFrom('controls')
      .select(['id', 'owner_user_id', 'retired_at'])
      .where(byId ? 'id' : 'key', '=', byId ? input.controlId : input.controlId.toUpperCase())
      .executeTakeFirst();
    if (!control) throw notFound(`The control ${byId ? '' : `"${input.controlId}" `}`.trimEnd());
    if (controlId && controlId !== control.id) {
      throw new AppError(
        'validation_failed',
        "This task belongs to another control: give the task's control, or only the task.",
        {
          errors: [{ path: 'body.controlId', message: 'does not match the task' }],
        },
      );
    }
    if (control.retired_at) {
      throw new AppError('conflict', 'This control is retired: restore it before adding evidence to it.');
    }
    controlId = control.id;
    allowed ||= control.owner_user_id === actor.userId;
  }
  if (actor.role === 'auditor' || !allowed) {
    throw new AppError(
      'forbidden',
      'Members and reviewers add evidence to tasks assigned to them or controls they own. Ask an admin to attach it elsewhere.',
    );
  }
  return { controlId, taskId };
}
