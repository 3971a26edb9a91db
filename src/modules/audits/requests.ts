/**
 * Evidence requests: an auditor raises one (title, details, optional control, due date); the
 * team (owners, admins, members) answers with a message and/or linked evidence; the auditor
 * accepts the answer or reopens the request. open → answered → accepted, and answered or
 * accepted → reopened → answered. Raising and reopening notify the owners and admins;
 * answering notifies the auditor who raised it. Every step is audit-logged.
 */
import { z } from 'zod';
import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { AuditMessageKind, AuditRequestStatus } from '../../db/schema/audits.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { evidenceRow } from '../evidence/service.js';
import { type Notice, notify } from '../notifications/service.js';
import { auditWho } from '../tokens/service.js';
import { type AuditActor, type AuditItem, invalid } from './model.js';

export const NewRequest = z
  .object({
    title: z.string().trim().min(1, 'Say what you need.').max(200),
    details: z.string().trim().max(5000).default(''),
    controlId: z.uuid().optional(),
    dueOn: z.iso.date({ error: 'a date as YYYY-MM-DD' }).optional(),
  })
  .strict();
export type NewRequest = z.infer<typeof NewRequest>;

export const Answer = z
  .object({
    message: z.string().trim().max(5000).default(''),
    evidenceIds: z.array(z.uuid()).max(50).default([]),
  })
  .strict();
export type Answer = z.infer<typeof Answer>;

export const Reopen = z.object({ message: z.string().trim().min(1, 'Say what is still missing.').max(5000) }).strict();

export interface RequestItem {
  id: string;
  number: number;
  title: string;
  details: string;
  control: { id: string; key: string; title: string } | null;
  dueOn: string | null;
  status: AuditRequestStatus;
  raisedBy: { id: string; email: string; name: string } | null;
  raisedAt: string;
  updatedAt: string;
  messages: { id: string; kind: AuditMessageKind; body: string; author: string | null; at: string }[];
  evidence: { id: string; name: string; effectiveFrom: string; effectiveTo: string | null; erased: boolean }[];
}

export async function listRequests(tx: Tx, auditId: string, onlyId?: string): Promise<RequestItem[]> {
  let q = tx
    .selectFrom('audit_requests as r')
    .leftJoin('controls as c', 'c.id', 'r.control_id')
    .leftJoin('users as u', 'u.id', 'r.raised_by')
    .select([
      'r.id',
      'r.number',
      'r.title',
      'r.details',
      'r.control_id',
      'c.key as control_key',
      'c.title as control_title',
      'r.due_on',
      'r.status',
      'r.raised_by',
      'u.email as raiser_email',
      'u.name as raiser_name',
      'r.raised_at',
      'r.updated_at',
    ])
    .where('r.audit_id', '=', auditId)
    .orderBy('r.number', 'desc');
  if (onlyId) q = q.where('r.id', '=', onlyId);
  const rows = await q.execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [messages, evidence] = await Promise.all([
    tx
      .selectFrom('audit_request_messages as m')
      .leftJoin('users as u', 'u.id', 'm.author_user_id')
      .select(['m.id', 'm.request_id', 'm.kind', 'm.body', 'u.email', 'm.created_at'])
      .where('m.request_id', 'in', ids)
      .orderBy('m.created_at')
      .orderBy('m.id')
      .execute(),
    tx
      .selectFrom('audit_request_evidence as l')
      .innerJoin('evidence as e', 'e.id', 'l.evidence_id')
      .select(['l.request_id', 'e.id', 'e.name', 'e.effective_from', 'e.effective_to', 'e.erased_at'])
      .where('l.request_id', 'in', ids)
      .orderBy('l.linked_at')
      .execute(),
  ]);
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    title: r.title,
    details: r.details,
    control: r.control_id ? { id: r.control_id, key: r.control_key ?? '', title: r.control_title ?? '' } : null,
    dueOn: r.due_on,
    status: r.status,
    raisedBy: r.raised_by ? { id: r.raised_by, email: r.raiser_email ?? '', name: r.raiser_name ?? '' } : null,
    raisedAt: r.raised_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    messages: messages
      .filter((m) => m.request_id === r.id)
      .map((m) => ({ id: m.id, kind: m.kind, body: m.body, author: m.email, at: m.created_at.toISOString() })),
    evidence: evidence
      .filter((e) => e.request_id === r.id)
      .map((e) => ({
        id: e.id,
        name: e.name,
        effectiveFrom: e.effective_from.toISOString(),
        effectiveTo: e.effective_to?.toISOString() ?? null,
        erased: Boolean(e.erased_at),
      })),
  }));
}

async function oneRequest(tx: Tx, auditId: string, requestId: string): Promise<RequestItem> {
  const [item] = await listRequests(tx, auditId, requestId);
  if (!item) throw notFound('This request');
  return item;
}

/** Locks the request (in this audit) for a change of status; another audit's request is not found. */
/** Moves a request to its next status and audit-logs the step (`audit.request_<status>`). */
async function moveRequest(
  tx: Tx,
  actor: AuditActor,
  meta: RequestMeta,
  now: Date,
  requestId: string,
  status: 'answered' | 'accepted' | 'reopened',
  details: Record<string, unknown>,
): Promise<void> {
  await tx.updateTable('audit_requests').set({ status, updated_at: now }).where('id', '=', requestId).execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: `audit.request_${status}`,
    targetType: 'audit_request',
    targetId: requestId,
    details,
  });
}

async function lockRequest(tx: Tx, auditId: string, requestId: string) {
  const row = await tx
    .selectFrom('audit_requests')
    .select(['id', 'number', 'title', 'status', 'raised_by'])
    .where('id', '=', requestId)
    .where('audit_id', '=', auditId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('This request');
  return row;
}

async function teamManagers(tx: Tx, orgId: string, now: Date): Promise<{ id: string; email: string }[]> {
  return tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email'])
    .where('m.org_id', '=', orgId)
    .where('m.role', 'in', ['owner', 'admin'])
    .where('u.disabled_at', 'is', null)
    .where((eb) => eb.or([eb('m.expires_at', 'is', null), eb('m.expires_at', '>', now)]))
    .execute();
}

/** Who is told, and what: the route mails the same notice once the transaction has committed. */
export interface Told {
  to: string[];
  notice: Notice;
}

async function addMessage(
  tx: Tx,
  orgId: string,
  requestId: string,
  kind: AuditMessageKind,
  body: string,
  by: string,
  now: Date,
) {
  await tx
    .insertInto('audit_request_messages')
    .values({ id: newId(), org_id: orgId, request_id: requestId, kind, body, author_user_id: by, created_at: now })
    .execute();
}

export async function raiseRequest(
  tx: Tx,
  actor: AuditActor,
  audit: AuditItem,
  input: NewRequest,
  meta: RequestMeta,
  now: Date,
): Promise<{ request: RequestItem; told: Told }> {
  if (input.controlId) {
    const control = await tx.selectFrom('controls').select('id').where('id', '=', input.controlId).executeTakeFirst();
    if (!control)
      throw invalid(
        'body.controlId',
        'unknown control',
        'There is no such control. Choose one of the controls in scope, or none.',
      );
  }
  // The audit row's lock numbers requests one at a time.
  await tx.selectFrom('audits').select('id').where('id', '=', audit.id).forUpdate().executeTakeFirstOrThrow();
  const last = await tx
    .selectFrom('audit_requests')
    .select((eb) => eb.fn.max('number').as('n'))
    .where('audit_id', '=', audit.id)
    .executeTakeFirst();
  const number = Number(last?.n ?? 0) + 1;
  const id = newId();
  await tx
    .insertInto('audit_requests')
    .values({
      id,
      org_id: actor.orgId,
      audit_id: audit.id,
      number,
      title: input.title,
      details: input.details,
      control_id: input.controlId ?? null,
      due_on: input.dueOn ?? null,
      status: 'open',
      raised_by: actor.userId,
      raised_at: now,
      updated_at: now,
    })
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'audit.request_raised',
    targetType: 'audit_request',
    targetId: id,
    details: {
      auditId: audit.id,
      number,
      title: input.title,
      controlId: input.controlId ?? null,
      dueOn: input.dueOn ?? null,
    },
  });
  const team = await teamManagers(tx, actor.orgId, now);
  const notice: Notice = {
    kind: 'audit.request_raised',
    title: `${audit.title}: the auditor asks for "${input.title}"`,
    body: `${actor.email} raised request #${number} on ${audit.title}${input.dueOn ? `, due ${input.dueOn}` : ''}. Answer it in the auditor portal.`,
    link: `/audits/${audit.id}`,
  };
  await notify(
    tx,
    actor.orgId,
    team.map((m) => m.id),
    notice,
    now,
  );
  return { request: await oneRequest(tx, audit.id, id), told: { to: team.map((m) => m.email), notice } };
}

export async function answerRequest(
  tx: Tx,
  actor: AuditActor,
  audit: AuditItem,
  requestId: string,
  input: Answer,
  meta: RequestMeta,
  now: Date,
): Promise<{ request: RequestItem; told: Told }> {
  const row = await lockRequest(tx, audit.id, requestId);
  if (!input.message && input.evidenceIds.length === 0) {
    throw invalid('body.message', 'empty answer', 'Write a message or link evidence (or both) to answer the request.');
  }
  if (row.status === 'accepted') {
    throw new AppError('conflict', 'The auditor has accepted this request. They can reopen it if they need more.');
  }
  const evidenceIds = [...new Set(input.evidenceIds)];
  for (const [i, id] of evidenceIds.entries()) {
    await evidenceRow(tx, actor, id).catch(() => {
      throw invalid(
        `body.evidenceIds.${i}`,
        'unknown evidence',
        `There is no evidence item ${id} you may see. Link items from the vault.`,
      );
    });
  }
  await addMessage(tx, actor.orgId, row.id, 'answer', input.message, actor.userId, now);
  if (evidenceIds.length > 0) {
    await tx
      .insertInto('audit_request_evidence')
      .values(
        evidenceIds.map((evidenceId) => ({
          org_id: actor.orgId,
          request_id: row.id,
          evidence_id: evidenceId,
          linked_by: actor.userId,
          linked_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['request_id', 'evidence_id']).doNothing())
      .execute();
  }
  await moveRequest(tx, actor, meta, now, row.id, 'answered', {
    auditId: audit.id,
    number: row.number,
    from: row.status,
    evidenceIds,
    message: input.message.length > 0,
  });
  const raiser = await tx
    .selectFrom('users')
    .select(['id', 'email'])
    .where('id', '=', row.raised_by)
    .executeTakeFirst();
  const notice: Notice = {
    kind: 'audit.request_answered',
    title: `${audit.title}: request #${row.number} was answered`,
    body: `${actor.email} answered "${row.title}"${evidenceIds.length ? ` and linked ${evidenceIds.length} evidence item(s)` : ''}. Accept it or reopen it in the portal.`,
    link: `/audits/${audit.id}`,
  };
  if (raiser) await notify(tx, actor.orgId, [raiser.id], notice, now);
  return { request: await oneRequest(tx, audit.id, row.id), told: { to: raiser ? [raiser.email] : [], notice } };
}

export async function acceptRequest(
  tx: Tx,
  actor: AuditActor,
  audit: AuditItem,
  requestId: string,
  meta: RequestMeta,
  now: Date,
): Promise<RequestItem> {
  const row = await lockRequest(tx, audit.id, requestId);
  if (row.status !== 'answered') {
    throw new AppError(
      'conflict',
      `Request #${row.number} is ${row.status}: only an answered request can be accepted.`,
    );
  }
  await addMessage(tx, actor.orgId, row.id, 'accept', '', actor.userId, now);
  await moveRequest(tx, actor, meta, now, row.id, 'accepted', { auditId: audit.id, number: row.number });
  return oneRequest(tx, audit.id, row.id);
}

export async function reopenRequest(
  tx: Tx,
  actor: AuditActor,
  audit: AuditItem,
  requestId: string,
  message: string,
  meta: RequestMeta,
  now: Date,
): Promise<{ request: RequestItem; told: Told }> {
  const row = await lockRequest(tx, audit.id, requestId);
  if (row.status !== 'answered' && row.status !== 'accepted') {
    throw new AppError('conflict', `Request #${row.number} is ${row.status}: it is already waiting for the team.`);
  }
  await addMessage(tx, actor.orgId, row.id, 'reopen', message, actor.userId, now);
  await moveRequest(tx, actor, meta, now, row.id, 'reopened', {
    auditId: audit.id,
    number: row.number,
    from: row.status,
  });
  const team = await teamManagers(tx, actor.orgId, now);
  const notice: Notice = {
    kind: 'audit.request_reopened',
    title: `${audit.title}: request #${row.number} was reopened`,
    body: `${actor.email} reopened "${row.title}": ${message}`,
    link: `/audits/${audit.id}`,
  };
  await notify(
    tx,
    actor.orgId,
    team.map((m) => m.id),
    notice,
    now,
  );
  return { request: await oneRequest(tx, audit.id, row.id), told: { to: team.map((m) => m.email), notice } };
}

/** Evidence the portal may hand out for this audit: effective in its window, or linked to one of its requests. */
export async function linkedToAudit(tx: Tx, auditId: string, evidenceId: string): Promise<boolean> {
  const row = await tx
    .selectFrom('audit_request_evidence as l')
    .innerJoin('audit_requests as r', 'r.id', 'l.request_id')
    .select('l.evidence_id')
    .where('r.audit_id', '=', auditId)
    .where('l.evidence_id', '=', evidenceId)
    .executeTakeFirst();
  return Boolean(row);
}
