/**
 * What a campaign's exports show: one row per account with its decision. The CSV is written
 * here; the PDF report (pdf.ts) draws the same rows.
 */

import { sql } from 'kysely';
import { csvText, exportFileName } from '../../csv.js';
import type { Tx } from '../../db/tenancy.js';
import { notFound } from '../../errors.js';
import { snapshotOf } from './items.js';

export interface ReportRow {
  system: string;
  account: string;
  email: string;
  person: string;
  admin: boolean | null;
  mfa: boolean | null;
  lastLoginAt: string | null;
  reviewer: string;
  decision: string;
  comment: string;
  decidedAt: string | null;
  resolvedAt: string | null;
}

export interface ReportData {
  organisation: string;
  campaign: {
    id: string;
    name: string;
    status: string;
    startedAt: Date;
    dueAt: Date;
    completedAt: Date | null;
    startedBy: string | null;
    completedBy: string | null;
  };
  rows: ReportRow[];
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** The campaign and all its items, by system and account (one query for the items). */
export async function reportData(tx: Tx, campaignId: string): Promise<ReportData> {
  const c = await tx
    .selectFrom('access_review_campaigns as c')
    .innerJoin('organizations as o', 'o.id', 'c.org_id')
    .leftJoin('users as sb', 'sb.id', 'c.started_by')
    .leftJoin('users as cb', 'cb.id', 'c.completed_by')
    .select([
      'c.id',
      'c.name',
      'c.status',
      'c.started_at',
      'c.due_at',
      'c.completed_at',
      'o.name as organisation',
      'sb.email as started_by',
      'cb.email as completed_by',
    ])
    .where('c.id', '=', campaignId)
    .executeTakeFirst();
  if (!c) throw notFound('This access review');
  const { rows } = await sql<{
    system: string;
    account: Record<string, unknown>;
    person: string | null;
    reviewer: string | null;
    decision: string | null;
    comment: string | null;
    decided_at: Date | null;
    resolved_at: Date | null;
  }>`
    SELECT s.name AS system, i.account, p.name AS person, u.email AS reviewer,
           i.decision, i.comment, i.decided_at, i.resolved_at
      FROM access_review_items i
      JOIN systems s ON s.id = i.system_id
      LEFT JOIN people p ON p.id = i.person_id
      LEFT JOIN users u ON u.id = i.reviewer_id
     WHERE i.campaign_id = ${campaignId}
     ORDER BY s.name, i.account->>'name', i.id`.execute(tx);
  return {
    organisation: c.organisation,
    campaign: {
      id: c.id,
      name: c.name,
      status: c.status,
      startedAt: c.started_at,
      dueAt: c.due_at,
      completedAt: c.completed_at,
      startedBy: c.started_by,
      completedBy: c.completed_by,
    },
    rows: rows.map((r) => {
      const a = snapshotOf(r.account);
      return {
        system: r.system,
        account: a.username || a.name,
        email: a.email ?? '',
        person: r.person ?? '',
        admin: a.isAdmin,
        mfa: a.mfaEnabled,
        lastLoginAt: a.lastLoginAt,
        reviewer: r.reviewer ?? '',
        decision: r.decision ?? '',
        comment: r.comment ?? '',
        decidedAt: iso(r.decided_at),
        resolvedAt: iso(r.resolved_at),
      };
    }),
  };
}

const COLUMNS = [
  'system',
  'account',
  'email',
  'person',
  'admin',
  'mfa',
  'last login',
  'reviewer',
  'decision',
  'comment',
  'decided at',
  'resolved at',
] as const;

const cell = (value: string | boolean | null): string =>
  csvText(value === null ? '' : typeof value === 'boolean' ? (value ? 'yes' : 'no') : value);

/** The rows as CSV (RFC 4180, CRLF), with a header line. */
export function reviewCsv(rows: ReportRow[]): string {
  const lines = [COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.system,
        r.account,
        r.email,
        r.person,
        r.admin,
        r.mfa,
        r.lastLoginAt,
        r.reviewer,
        r.decision,
        r.comment,
        r.decidedAt,
        r.resolvedAt,
      ]
        .map(cell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** A file name for the campaign's exports: its name made safe, and the day. */
export function exportName(name: string, day: Date, extension: 'csv' | 'pdf'): string {
  return exportFileName('access-review', name, day, extension, 'campaign');
}
