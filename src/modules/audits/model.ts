/**
 * Who sees which audit, and an audit as the API shows it. Owners, admins, members and
 * reviewers see every audit of the organisation; an auditor sees only the audits they are on,
 * and only until the audit's access expiry (anything else answers 404, as an unknown id).
 * Owners and admins manage audits and their auditors; owners, admins and members answer
 * requests; auditors raise and accept them.
 */
import { sql } from 'kysely';
import type { Actor } from '../../context.js';
import type { AuditKind, AuditStatus } from '../../db/schema/audits.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';

export type AuditActor = Actor & { orgId: string };

export const MANAGERS = ['owner', 'admin'] as const;
export const TEAM = ['owner', 'admin', 'member'] as const;
export const KINDS = ['soc2_type1', 'soc2_type2', 'iso27001', 'other'] as const satisfies readonly AuditKind[];
export const STATUSES = ['planned', 'fieldwork', 'completed'] as const satisfies readonly AuditStatus[];

export const managesAudits = (actor: Actor) => actor.role === 'owner' || actor.role === 'admin';
export const answersRequests = (actor: Actor) => managesAudits(actor) || actor.role === 'member';

const DAY = 86_400_000;

/** The observation window as instants: [first day 00:00 UTC, the day after the last 00:00 UTC). */
export function windowOf(audit: { windowStart: string; windowEnd: string }): { from: Date; to: Date } {
  const from = new Date(`${audit.windowStart}T00:00:00Z`);
  const to = new Date(new Date(`${audit.windowEnd}T00:00:00Z`).getTime() + DAY);
  return { from, to };
}

export function invalid(path: string, message: string, detail: string): AppError {
  return new AppError('validation_failed', detail, { errors: [{ path, message }] });
}

export interface AuditItem {
  id: string;
  title: string;
  framework: { id: string; name: string };
  kind: AuditKind;
  firm: string;
  windowStart: string;
  windowEnd: string;
  accessExpiresAt: string;
  status: AuditStatus;
  requests: { open: number; answered: number; accepted: number };
  createdAt: string;
  updatedAt: string;
}

export function auditQuery(tx: Tx) {
  return tx
    .selectFrom('audits as a')
    .leftJoin('frameworks as f', 'f.id', 'a.framework_id')
    .select([
      'a.id',
      'a.title',
      'a.framework_id',
      sql<string>`coalesce(f.name, a.framework_id)`.as('framework_name'),
      'a.kind',
      'a.firm',
      'a.window_start',
      'a.window_end',
      'a.access_expires_at',
      'a.status',
      'a.created_at',
      'a.updated_at',
      sql<number>`(SELECT count(*) FROM audit_requests r WHERE r.audit_id = a.id AND r.status IN ('open', 'reopened'))::int`.as(
        'open_requests',
      ),
      sql<number>`(SELECT count(*) FROM audit_requests r WHERE r.audit_id = a.id AND r.status = 'answered')::int`.as(
        'answered_requests',
      ),
      sql<number>`(SELECT count(*) FROM audit_requests r WHERE r.audit_id = a.id AND r.status = 'accepted')::int`.as(
        'accepted_requests',
      ),
    ]);
}

type AuditQuery = ReturnType<typeof auditQuery>;
export type AuditRow = Awaited<ReturnType<AuditQuery['execute']>>[number];

/** Auditors: only the audits they are on, while the audit's access lasts. */
export function visibleAudits(q: AuditQuery, actor: AuditActor, now: Date): AuditQuery {
  if (actor.role !== 'auditor') return q;
  return q
    .where('a.access_expires_at', '>', now)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('audit_auditors as x')
          .select('x.id')
          .whereRef('x.audit_id', '=', 'a.id')
          .where('x.user_id', '=', actor.userId),
      ),
    );
}

export function toAudit(r: AuditRow): AuditItem {
  return {
    id: r.id,
    title: r.title,
    framework: { id: r.framework_id, name: r.framework_name },
    kind: r.kind,
    firm: r.firm,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    accessExpiresAt: r.access_expires_at.toISOString(),
    status: r.status,
    requests: {
      open: Number(r.open_requests),
      answered: Number(r.answered_requests),
      accepted: Number(r.accepted_requests),
    },
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** The audit if the actor may see it; otherwise not found, like an unknown id. */
export async function auditFor(tx: Tx, actor: AuditActor, id: string, now: Date): Promise<AuditItem> {
  const row = await visibleAudits(auditQuery(tx), actor, now).where('a.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This audit');
  return toAudit(row);
}

export async function listAudits(tx: Tx, actor: AuditActor, now: Date): Promise<AuditItem[]> {
  const rows = await visibleAudits(auditQuery(tx), actor, now)
    .orderBy('a.window_start', 'desc')
    .orderBy('a.title')
    .limit(500)
    .execute();
  return rows.map(toAudit);
}
