/**
 * Populations: the complete lists an auditor samples from, each computed over the audit's
 * window from the register that holds it, naming that source and the query's window.
 * Calendar-day registers (start dates, review dates) use the window's days, both included;
 * instants use [first day 00:00 UTC, the day after the last 00:00 UTC).
 */
import { sql } from 'kysely';
import { csvText } from '../../csv.js';
import type { Tx } from '../../db/tenancy.js';
import { type AuditItem, windowOf } from './model.js';

export const POPULATIONS = [
  'people-started',
  'people-left',
  'access-reviews',
  'access-requests',
  'incidents',
  'policy-versions',
  'vendor-reviews',
] as const;
export type PopulationId = (typeof POPULATIONS)[number];

type Cell = string | number | boolean | null;

export interface Population {
  id: PopulationId;
  name: string;
  /** The table and column the list comes from, and what the window is compared with. */
  source: string;
  window: { from: string; to: string };
  columns: string[];
  rows: Cell[][];
}

interface Window {
  /** Calendar days, both included. */
  firstDay: string;
  lastDay: string;
  /** Instants, [from, to). */
  from: Date;
  to: Date;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

interface Definition {
  name: string;
  source: string;
  columns: string[];
  rows(tx: Tx, w: Window): Promise<Cell[][]>;
}

const DEFINITIONS: Record<PopulationId, Definition> = {
  'people-started': {
    name: 'People who started in the window',
    source: 'People register: people.start_date within the window (days included)',
    columns: ['name', 'email', 'employment type', 'department', 'title', 'start date', 'source'],
    rows: async (tx, w) =>
      (
        await tx
          .selectFrom('people')
          .select(['name', 'email', 'employment_type', 'department', 'title', 'start_date', 'source'])
          .where('start_date', '>=', w.firstDay)
          .where('start_date', '<=', w.lastDay)
          .orderBy('start_date')
          .orderBy('email')
          .execute()
      ).map((r) => [r.name, r.email, r.employment_type, r.department, r.title, r.start_date, r.source]),
  },
  'people-left': {
    name: 'People who left in the window',
    source: 'People register: people.end_date within the window (days included)',
    columns: ['name', 'email', 'employment type', 'department', 'end date', 'offboarding closed at'],
    rows: async (tx, w) =>
      (
        await tx
          .selectFrom('people')
          .select(['name', 'email', 'employment_type', 'department', 'end_date', 'offboarding_closed_at'])
          .where('end_date', '>=', w.firstDay)
          .where('end_date', '<=', w.lastDay)
          .orderBy('end_date')
          .orderBy('email')
          .execute()
      ).map((r) => [r.name, r.email, r.employment_type, r.department, r.end_date, iso(r.offboarding_closed_at)]),
  },
  'access-reviews': {
    name: 'Access reviews in the window',
    source: 'Access review campaigns: started_at or completed_at within the window',
    columns: ['name', 'status', 'started at', 'due at', 'completed at', 'accounts', 'decided'],
    rows: async (tx, w) =>
      (
        await tx
          .selectFrom('access_review_campaigns as c')
          .select([
            'c.name',
            'c.status',
            'c.started_at',
            'c.due_at',
            'c.completed_at',
            sql<number>`(SELECT count(*) FROM access_review_items i WHERE i.campaign_id = c.id)::int`.as('items'),
            sql<number>`(SELECT count(*) FROM access_review_items i WHERE i.campaign_id = c.id AND i.decision IS NOT NULL)::int`.as(
              'decided',
            ),
          ])
          .where((eb) =>
            eb.or([
              eb.and([eb('c.started_at', '>=', w.from), eb('c.started_at', '<', w.to)]),
              eb.and([eb('c.completed_at', '>=', w.from), eb('c.completed_at', '<', w.to)]),
            ]),
          )
          .orderBy('c.started_at')
          .execute()
      ).map((r) => [
        r.name,
        r.status,
        iso(r.started_at),
        iso(r.due_at),
        iso(r.completed_at),
        Number(r.items),
        Number(r.decided),
      ]),
  },
  'access-requests': {
    name: 'Access requests decided in the window',
    source: 'Access requests: decided_at within the window',
    columns: ['system', 'requester', 'access level', 'status', 'decided at', 'decided by', 'expires at'],
    rows: async (tx, w) =>
      (
        await tx
          .selectFrom('access_requests as r')
          .innerJoin('systems as s', 's.id', 'r.system_id')
          .leftJoin('users as q', 'q.id', 'r.requester_id')
          .leftJoin('users as d', 'd.id', 'r.decided_by')
          .select([
            's.name as system',
            'q.email as requester',
            'r.access_level',
            'r.status',
            'r.decided_at',
            'd.email as decider',
            'r.expires_at',
          ])
          .where('r.decided_at', '>=', w.from)
          .where('r.decided_at', '<', w.to)
          .orderBy('r.decided_at')
          .execute()
      ).map((r) => [r.system, r.requester, r.access_level, r.status, iso(r.decided_at), r.decider, iso(r.expires_at)]),
  },
  incidents: {
    name: 'Incidents in the window',
    source: 'Incidents: detected_at within the window',
    columns: ['number', 'title', 'severity', 'status', 'detected at', 'resolved at', 'closed at'],
    rows: async (tx, w) =>
      (
        await tx
          .selectFrom('incidents')
          .select(['number', 'title', 'severity', 'status', 'detected_at', 'resolved_at', 'closed_at'])
          .where('detected_at', '>=', w.from)
          .where('detected_at', '<', w.to)
          .orderBy('detected_at')
          .execute()
      ).map((r) => [
        Number(r.number),
        r.title,
        r.severity,
        r.status,
        iso(r.detected_at),
        iso(r.resolved_at),
        iso(r.closed_at),
      ]),
  },
  'policy-versions': {
    name: 'Policy versions published in the window',
    source: 'Policy versions: published_at within the window',
    columns: ['policy', 'title', 'version', 'material change', 'change summary', 'published at', 'published by'],
    rows: async (tx, w) =>
      (
        await tx
          .selectFrom('policy_versions as v')
          .innerJoin('policies as p', 'p.id', 'v.policy_id')
          .leftJoin('users as u', 'u.id', 'v.published_by')
          .select(['p.key', 'v.title', 'v.version', 'v.material', 'v.change_summary', 'v.published_at', 'u.email'])
          .where('v.published_at', '>=', w.from)
          .where('v.published_at', '<', w.to)
          .orderBy('v.published_at')
          .execute()
      ).map((r) => [r.key, r.title, r.version, r.material, r.change_summary, iso(r.published_at), r.email]),
  },
  'vendor-reviews': {
    name: 'Vendor reviews in the window',
    source: 'Vendor reviews: completed_on within the window (days included)',
    columns: ['vendor', 'outcome', 'completed on', 'reviewer', 'examined'],
    rows: async (tx, w) =>
      (
        await tx
          .selectFrom('vendor_reviews as r')
          .innerJoin('vendors as v', 'v.id', 'r.vendor_id')
          .leftJoin('users as u', 'u.id', 'r.reviewer_user_id')
          .select(['v.name', 'r.outcome', 'r.completed_on', 'u.email', 'r.examined'])
          .where('r.completed_on', '>=', w.firstDay)
          .where('r.completed_on', '<=', w.lastDay)
          .orderBy('r.completed_on')
          .orderBy('v.name')
          .execute()
      ).map((r) => [r.name, r.outcome, r.completed_on, r.email, r.examined]),
  },
};

export async function population(tx: Tx, audit: AuditItem, id: PopulationId): Promise<Population> {
  const { from, to } = windowOf(audit);
  const def = DEFINITIONS[id];
  const rows = await def.rows(tx, { firstDay: audit.windowStart, lastDay: audit.windowEnd, from, to });
  return {
    id,
    name: def.name,
    source: def.source,
    window: { from: from.toISOString(), to: to.toISOString() },
    columns: def.columns,
    rows,
  };
}

/** Every population with its size (the lists themselves come one at a time). */
export async function populationSummaries(
  tx: Tx,
  audit: AuditItem,
): Promise<{ id: PopulationId; name: string; source: string; window: { from: string; to: string }; size: number }[]> {
  const out = [];
  for (const id of POPULATIONS) {
    const p = await population(tx, audit, id);
    out.push({ id, name: p.name, source: p.source, window: p.window, size: p.rows.length });
  }
  return out;
}

/** The list as CSV (RFC 4180, a header row); the file name carries the population and window. */
export function populationCsv(p: Population): string {
  const line = (cells: Cell[]) => `${cells.map((c) => csvText(c === null ? '' : String(c))).join(',')}\r\n`;
  return [line(p.columns), ...p.rows.map(line)].join('');
}
