import { sql } from 'kysely';
import type { RequestMeta } from '../../context.js';
import { csvText } from '../../csv.js';
import { containsPattern } from '../../db/like.js';
import type { Tx } from '../../db/tenancy.js';

export interface AuditWho {
  userId: string | null;
  /** How the actor is shown: an email, "attest-cli", "token:<name> (<email>)". */
  label: string;
}

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

/**
 * Writes one audit row in the caller's transaction: if it cannot be written the action
 * rolls back with it. The organisation is the one set on the transaction (RLS checks it).
 */
export async function recordAudit(
  tx: Tx,
  orgId: string,
  who: AuditWho,
  meta: RequestMeta,
  at: Date,
  entry: AuditEntry,
): Promise<void> {
  await tx
    .insertInto('audit_log')
    .values({
      org_id: orgId,
      at,
      actor_user_id: who.userId,
      actor: who.label,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 512) ?? null,
      request_id: meta.requestId,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

/** Instance events that belong to no organisation (a login attempt for an unknown email). */
export async function recordSystemAudit(
  tx: Tx,
  label: string,
  meta: RequestMeta,
  at: Date,
  action: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  await tx
    .insertInto('system_audit_log')
    .values({
      at,
      actor: label,
      action,
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 512) ?? null,
      request_id: meta.requestId,
      details: JSON.stringify(details),
    })
    .execute();
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  /** Opaque cursor from the previous page. */
  cursor?: string;
  limit: number;
}

export interface AuditItem {
  id: string;
  at: string;
  actor: string;
  actorUserId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

const encodeCursor = (at: Date, id: string) => Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');

function decodeCursor(cursor: string): { at: Date; id: string } | null {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || !/^\d+$/.test(id) || Number.isNaN(Date.parse(at))) return null;
  return { at: new Date(at), id };
}

/** Newest first, keyset-paginated so deep pages stay fast. */
export async function listAudit(
  tx: Tx,
  filter: AuditFilter,
): Promise<{ items: AuditItem[]; nextCursor: string | null }> {
  let q = tx
    .selectFrom('audit_log')
    .select([
      'id',
      'at',
      'actor',
      'actor_user_id',
      'action',
      'target_type',
      'target_id',
      'ip',
      'user_agent',
      'request_id',
      'details',
    ])
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.action) q = q.where('action', '=', filter.action);
  if (filter.actor) q = q.where(sql<string>`lower(actor)`, 'like', containsPattern(filter.actor));
  if (filter.targetId) q = q.where('target_id', '=', filter.targetId);
  if (filter.from) q = q.where('at', '>=', filter.from);
  if (filter.to) q = q.where('at', '<', filter.to);
  if (filter.cursor) {
    const c = decodeCursor(filter.cursor);
    if (c) q = q.where(sql<boolean>`(at, id) < (${c.at}, ${c.id}::bigint)`);
  }
  const rows = await q.execute();
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: r.actor,
      actorUserId: r.actor_user_id,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      ip: r.ip,
      userAgent: r.user_agent,
      requestId: r.request_id,
      details: r.details,
    })),
    nextCursor: rows.length > filter.limit && last ? encodeCursor(new Date(last.at), last.id) : null,
  };
}

export async function listAuditActions(tx: Tx): Promise<string[]> {
  const rows = await tx.selectFrom('audit_log').select('action').distinct().orderBy('action').execute();
  return rows.map((r) => r.action);
}

const CSV_COLUMNS = [
  'at',
  'actor',
  'action',
  'targetType',
  'targetId',
  'ip',
  'userAgent',
  'requestId',
  'details',
] as const;

const csvCell = (value: unknown): string =>
  csvText(value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

const auditCsvHeader = () => `${CSV_COLUMNS.join(',')}\r\n`;

const auditCsvRows = (items: AuditItem[]) =>
  items.map((item) => `${CSV_COLUMNS.map((c) => csvCell(item[c])).join(',')}\r\n`).join('');

/** The whole (filtered) log as CSV, read in pages of 1000 rows. */
export async function exportAuditCsv(
  tx: Tx,
  filter: Omit<AuditFilter, 'cursor' | 'limit'>,
): Promise<{ csv: string; rows: number }> {
  const parts = [auditCsvHeader()];
  let cursor: string | undefined;
  let rows = 0;
  do {
    const page = await listAudit(tx, { ...filter, cursor, limit: 1000 });
    parts.push(auditCsvRows(page.items));
    rows += page.items.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { csv: parts.join(''), rows };
}
