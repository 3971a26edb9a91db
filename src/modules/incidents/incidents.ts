/**
 * Reading the incident register: the list (filters, pages) and one incident with its systems,
 * timeline, escalations, review and, for those who handle it, the breach. Members see what
 * they reported or own; owners, admins and auditors see everything; anything else is not found.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { notFound } from '../../errors.js';
import { type BreachDetail, breachDetail, deadlinesOf } from './breach-read.js';
import {
  type IncidentSeverity,
  type IncidentStatus,
  isManager,
  isOpen,
  mayManage,
  mayNote,
  maySee,
  maySeeBreach,
  type OrgActor,
} from './model.js';
import { type IncidentReview, reviewOf } from './review.js';
import { listEvents, type TimelineEvent, type UserRef, userRef } from './timeline.js';

export interface IncidentSummary {
  id: string;
  number: number;
  title: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  detectedAt: string;
  reportedAt: string;
  reportedBy: UserRef | null;
  owner: UserRef | null;
  resolvedAt: string | null;
  closedAt: string | null;
  isBreach: boolean;
  /** For a breach: when every customer must have been notified (delays included). */
  noticeDeadlineAt: string | null;
  updatedAt: string;
}

export interface Escalation {
  id: string;
  severity: IncidentSeverity;
  reason: 'reported' | 'severity_raised';
  triggeredAt: string;
  targetMinutes: number;
  sentAt: string | null;
  people: number;
  emails: number;
  emailsSent: number;
  webhook: { status: string; attempts: number; lastError: string | null; deliveredAt: string | null } | null;
}

export interface IncidentDetail extends IncidentSummary {
  description: string;
  systems: { id: string; name: string }[];
  timeline: TimelineEvent[];
  escalations: Escalation[];
  review: IncidentReview | null;
  /** Null when the incident is no breach, or the caller does not handle it. */
  breach: BreachDetail | null;
  can: { manage: boolean; note: boolean; assignOwner: boolean; markBreach: boolean; review: boolean };
}

export function incidentsQuery(tx: Tx) {
  return tx
    .selectFrom('incidents as i')
    .leftJoin('users as r', 'r.id', 'i.reported_by')
    .leftJoin('users as o', 'o.id', 'i.owner_user_id')
    .leftJoin('incident_breaches as b', 'b.incident_id', 'i.id')
    .select([
      'i.id',
      'i.number',
      'i.title',
      'i.description',
      'i.severity',
      'i.status',
      'i.detected_at',
      'i.reported_at',
      'i.reported_by',
      'i.owner_user_id',
      'i.resolved_at',
      'i.closed_at',
      'i.updated_at',
      'r.email as reporter_email',
      'r.name as reporter_name',
      'o.email as owner_email',
      'o.name as owner_name',
      'b.incident_id as breach_id',
    ]);
}

export type IncidentRow = Awaited<ReturnType<ReturnType<typeof incidentsQuery>['executeTakeFirstOrThrow']>>;

function toSummary(r: IncidentRow, deadline: string | null): IncidentSummary {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    severity: r.severity,
    status: r.status,
    detectedAt: iso(r.detected_at),
    reportedAt: iso(r.reported_at),
    reportedBy: userRef(r.reported_by, r.reporter_email, r.reporter_name),
    owner: userRef(r.owner_user_id, r.owner_email, r.owner_name),
    resolvedAt: r.resolved_at ? iso(r.resolved_at) : null,
    closedAt: r.closed_at ? iso(r.closed_at) : null,
    isBreach: r.breach_id !== null,
    noticeDeadlineAt: deadline,
    updatedAt: iso(r.updated_at),
  };
}

/** The incident row, if the actor may see it (otherwise not found); `lock` queues concurrent changes. */
export async function loadIncident(tx: Tx, actor: OrgActor, id: string, lock = false): Promise<IncidentRow> {
  if (lock) await tx.selectFrom('incidents').select('id').where('id', '=', id).forUpdate().execute();
  const row = await incidentsQuery(tx).where('i.id', '=', id).executeTakeFirst();
  if (!row || !maySee(actor, row)) throw notFound('This incident');
  return row;
}

export interface IncidentFilter {
  status?: IncidentStatus;
  severity?: IncidentSeverity;
  breach?: boolean;
  open?: boolean;
  q?: string;
  limit: number;
  offset: number;
}

/** Newest first. Members and reviewers get the incidents they reported or own. */
export async function listIncidents(
  tx: Tx,
  actor: OrgActor,
  f: IncidentFilter,
): Promise<{ items: IncidentSummary[]; total: number; limit: number; offset: number }> {
  let query = incidentsQuery(tx);
  if (!isManager(actor) && actor.role !== 'auditor') {
    query = query.where((eb) =>
      eb.or([eb('i.reported_by', '=', actor.userId), eb('i.owner_user_id', '=', actor.userId)]),
    );
  }
  if (f.status) query = query.where('i.status', '=', f.status);
  if (f.severity) query = query.where('i.severity', '=', f.severity);
  if (f.breach !== undefined) query = query.where('b.incident_id', f.breach ? 'is not' : 'is', null);
  if (f.open !== undefined) query = query.where('i.status', f.open ? 'not in' : 'in', ['resolved', 'closed']);
  if (f.q?.trim()) {
    const pattern = `%${f.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(sql<boolean>`i.title ILIKE ${pattern}`);
  }
  const { n } = await query
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .orderBy('i.reported_at', 'desc')
    .orderBy('i.number', 'desc')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  const deadlines = await deadlinesOf(
    tx,
    rows.filter((r) => r.breach_id).map((r) => r.id),
  );
  return {
    items: rows.map((r) => toSummary(r, deadlines.get(r.id) ?? null)),
    total: Number(n),
    limit: f.limit,
    offset: f.offset,
  };
}

async function escalationsOf(tx: Tx, incidentId: string): Promise<Escalation[]> {
  const rows = await tx
    .selectFrom('incident_escalations')
    .select([
      'id',
      'severity',
      'reason',
      'triggered_at',
      'target_minutes',
      'sent_at',
      'notified_user_ids',
      'emails',
      'emails_sent',
      'webhook_status',
      'webhook_attempts',
      'webhook_last_error',
      'webhook_delivered_at',
    ])
    .where('incident_id', '=', incidentId)
    .orderBy('triggered_at')
    .orderBy('id')
    .execute();
  return rows.map((e) => ({
    id: e.id,
    severity: e.severity,
    reason: e.reason,
    triggeredAt: iso(e.triggered_at),
    targetMinutes: e.target_minutes,
    sentAt: e.sent_at ? iso(e.sent_at) : null,
    people: e.notified_user_ids.length,
    emails: e.emails.length,
    emailsSent: e.emails_sent,
    webhook:
      e.webhook_status === 'none'
        ? null
        : {
            status: e.webhook_status,
            attempts: e.webhook_attempts,
            lastError: e.webhook_last_error,
            deliveredAt: e.webhook_delivered_at ? iso(e.webhook_delivered_at) : null,
          },
  }));
}

export async function getIncident(tx: Tx, actor: OrgActor, id: string, now: Date): Promise<IncidentDetail> {
  const row = await loadIncident(tx, actor, id);
  const systems = await tx
    .selectFrom('incident_systems as x')
    .innerJoin('systems as s', 's.id', 'x.system_id')
    .select(['s.id', 's.name'])
    .where('x.incident_id', '=', id)
    .orderBy('s.name')
    .execute();
  const breach = row.breach_id && maySeeBreach(actor, row) ? await breachDetail(tx, id, now) : null;
  const deadline = row.breach_id ? ((await deadlinesOf(tx, [id])).get(id) ?? null) : null;
  const manage = mayManage(actor, row);
  return {
    ...toSummary(row, deadline),
    description: row.description,
    systems,
    timeline: await listEvents(tx, id),
    escalations: await escalationsOf(tx, id),
    review: await reviewOf(tx, id),
    breach,
    can: {
      manage,
      note: mayNote(actor, row),
      assignOwner: isManager(actor),
      markBreach: manage && row.breach_id === null,
      review: manage && !isOpen(row.status),
    },
  };
}
