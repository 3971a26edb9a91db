/**
 * Starting a campaign: the accounts in scope are copied into items in one statement, each with
 * its register person and a reviewer, so reviewers decide on what existed when it started and a
 * later sync changes nothing in it.
 */
import { sql } from 'kysely';
import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { type AuditWho, recordAudit } from '../audit/service.js';
import { type Notice, notify } from '../notifications/service.js';

export const DEFAULT_DUE_DAYS = 14;
const DAY_MS = 86_400_000;

export interface StartInput {
  name: string;
  systemIds: string[];
  /** Days reviewers have to decide (default 14). */
  dueDays?: number;
}

export interface StartedBy {
  /** The user starting it; null for the schedule. */
  userId: string | null;
  who: AuditWho;
  scheduled: boolean;
}

/** Emails to send once the starting transaction has committed. */
export interface Mail {
  to: string[];
  notice: Notice;
}

export interface Started {
  campaignId: string;
  items: number;
  reviewers: number;
  systems: number;
  mails: Mail[];
}

const invalid = (message: string, path: string, detail: string) =>
  new AppError('validation_failed', message, { errors: [{ path, message: detail }] });

interface SystemRow {
  id: string;
  name: string;
  source_id: string | null;
  archived_at: Date | null;
}

/**
 * The systems asked for, checked: each must exist and not be archived. A manual start also needs
 * each to have a monitoring source (where its accounts come from); the schedule skips those.
 */
async function systemsInScope(tx: Tx, ids: string[], scheduled: boolean): Promise<SystemRow[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) throw invalid('Choose at least one system to review.', 'body.systemIds', 'empty');
  const rows = await tx
    .selectFrom('systems')
    .select(['id', 'name', 'source_id', 'archived_at'])
    .where('id', 'in', unique)
    .execute();
  const found = new Map(rows.map((r) => [r.id, r]));
  const usable: SystemRow[] = [];
  for (const id of unique) {
    const s = found.get(id);
    if (!s) {
      if (scheduled) continue;
      throw invalid(
        `There is no system with the id ${id}: choose one from the systems list.`,
        'body.systemIds',
        'unknown system',
      );
    }
    if (s.archived_at) {
      if (scheduled) continue;
      throw invalid(`The system "${s.name}" is archived: restore it or leave it out.`, 'body.systemIds', 'archived');
    }
    if (!s.source_id) {
      if (scheduled) continue;
      throw invalid(
        `The system "${s.name}" has no monitoring source, so Attest knows none of its accounts: connect one in Systems first.`,
        'body.systemIds',
        'no monitoring source',
      );
    }
    usable.push(s);
  }
  return usable;
}

/**
 * Who may review when neither the manager nor the system owner can: the starter first, then
 * the other owners and admins (owners first, longest-standing first). The first one who is not
 * the account's holder gets the item.
 */
async function fallbackReviewers(tx: Tx, orgId: string, starter: string | null, now: Date) {
  const managers = await tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'm.role'])
    .where('m.org_id', '=', orgId)
    .where('m.role', 'in', ['owner', 'admin'])
    .where('u.disabled_at', 'is', null)
    .where((eb) => eb.or([eb('m.expires_at', 'is', null), eb('m.expires_at', '>', now)]))
    .orderBy(sql`m.role = 'owner'`, 'desc')
    .orderBy('m.created_at')
    .orderBy('u.id')
    .execute();
  const first = managers.filter((m) => m.id === starter);
  const rest = managers.filter((m) => m.id !== starter);
  return [...first, ...rest];
}

/**
 * Starts a campaign in the caller's transaction. Every current account of each system's
 * monitoring source becomes an item with a snapshot of the account, the register person (by
 * the account's email, or the person record it was linked to by hand) and a reviewer: the
 * person's manager when the manager is a member of the organisation, else the system's owner,
 * else the starter (or another owner or admin); never the account's own holder, never an
 * auditor. One INSERT … SELECT whatever the number of accounts.
 */
export async function startCampaign(
  tx: Tx,
  orgId: string,
  input: StartInput,
  by: StartedBy,
  meta: RequestMeta,
  now: Date,
): Promise<Started> {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 200)
    throw invalid('Name the campaign (1–200 characters).', 'body.name', 'length');
  const dueDays = input.dueDays ?? DEFAULT_DUE_DAYS;
  if (!Number.isInteger(dueDays) || dueDays < 1 || dueDays > 90) {
    throw invalid('Give reviewers between 1 and 90 days.', 'body.dueDays', 'out of range');
  }
  const systems = await systemsInScope(tx, input.systemIds, by.scheduled);
  if (systems.length === 0) {
    throw invalid(
      'None of these systems can be reviewed: each must exist, not be archived and have a monitoring source.',
      'body.systemIds',
      'nothing to review',
    );
  }
  const systemIds = systems.map((s) => s.id);
  const campaignId = newId();
  const dueAt = new Date(now.getTime() + dueDays * DAY_MS);
  await tx
    .insertInto('access_review_campaigns')
    .values({
      id: campaignId,
      org_id: orgId,
      name,
      status: 'open',
      system_ids: systemIds,
      scheduled: by.scheduled,
      started_by: by.userId,
      started_at: now,
      due_at: dueAt,
      // The start notice counts as the day's reminder.
      last_reminded_at: now,
    })
    .execute();

  const fallback = await fallbackReviewers(tx, orgId, by.userId, now);
  const { rows } = await sql<{ reviewer_id: string | null; n: number }>`
    WITH eligible AS (
      -- Who may review: current members who are not auditors, with an account that is not disabled.
      SELECT u.id, u.email
        FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.org_id = ${orgId} AND m.role <> 'auditor' AND u.disabled_at IS NULL
         AND (m.expires_at IS NULL OR m.expires_at > ${now})
    ),
    fallback AS (
      SELECT f.id, f.email, f.n
        FROM unnest(${sql.val(fallback.map((f) => f.id))}::uuid[], ${sql.val(fallback.map((f) => f.email))}::text[])
             WITH ORDINALITY AS f(id, email, n)
    ),
    accounts AS (
      SELECT s.id AS system_id, r.id AS record_id, r.name, r.data, ms.kind AS source_kind, ms.name AS source_name,
             r.email AS account_email, pr.email AS linked_email, p.id AS person_id,
             mgr.id AS manager_id, mgr.email AS manager_email, so.id AS owner_id, so.email AS owner_email
        FROM systems s
        JOIN monitoring_sources ms ON ms.id = s.source_id
        JOIN inventory_records r ON r.source_id = s.source_id AND r.type = 'account' AND r.deleted_at IS NULL
        LEFT JOIN inventory_records pr ON pr.id = r.person_record_id AND pr.type = 'person'
        LEFT JOIN people p ON p.email = coalesce(pr.email, r.email)
        LEFT JOIN eligible mgr ON mgr.email = lower(p.manager_email)
        LEFT JOIN eligible so ON so.id = s.owner_user_id
       WHERE s.id = ANY(${sql.val(systemIds)}::uuid[])
    ),
    inserted AS (
      INSERT INTO access_review_items (id, org_id, campaign_id, system_id, record_id, account, person_id, reviewer_id)
      SELECT gen_random_uuid(), ${orgId}, ${campaignId}, a.system_id, a.record_id,
             jsonb_build_object(
               'name', a.name,
               'username', a.data->'username',
               'email', a.data->'email',
               'displayName', a.data->'displayName',
               'isAdmin', a.data->'isAdmin',
               'active', a.data->'active',
               'mfaEnabled', a.data->'mfaEnabled',
               'lastLoginAt', a.data->'lastLoginAt',
               'sourceKind', a.source_kind,
               'sourceName', a.source_name),
             a.person_id,
             CASE
               WHEN a.manager_id IS NOT NULL AND a.manager_email IS DISTINCT FROM a.account_email
                    AND a.manager_email IS DISTINCT FROM a.linked_email THEN a.manager_id
               WHEN a.owner_id IS NOT NULL AND a.owner_email IS DISTINCT FROM a.account_email
                    AND a.owner_email IS DISTINCT FROM a.linked_email THEN a.owner_id
               ELSE (SELECT f.id FROM fallback f
                      WHERE f.email IS DISTINCT FROM a.account_email AND f.email IS DISTINCT FROM a.linked_email
                      ORDER BY f.n LIMIT 1)
             END
        FROM accounts a
      RETURNING reviewer_id
    )
    SELECT reviewer_id, count(*)::int AS n FROM inserted GROUP BY reviewer_id`.execute(tx);

  const items = rows.reduce((sum, r) => sum + r.n, 0);
  if (items === 0) {
    throw invalid(
      'These systems have no current accounts: push their accounts (Monitoring) before starting a review.',
      'body.systemIds',
      'no accounts',
    );
  }
  const reviewerIds = rows.map((r) => r.reviewer_id).filter((id): id is string => id !== null);
  const mails = await tellReviewers(tx, orgId, campaignId, name, dueAt, reviewerIds, now);
  await recordAudit(tx, orgId, by.who, meta, now, {
    action: 'access_review.started',
    targetType: 'access_review',
    targetId: campaignId,
    details: {
      scheduled: by.scheduled,
      systems: systemIds.length,
      accounts: items,
      reviewers: reviewerIds.length,
      unassigned: rows.find((r) => r.reviewer_id === null)?.n ?? 0,
      dueAt: dueAt.toISOString(),
    },
  });
  return { campaignId, items, reviewers: reviewerIds.length, systems: systemIds.length, mails };
}

/**
 * One notice for every reviewer, written in one statement (a campaign over many managers
 * must not cost a round trip each); the emails go after the transaction commits.
 */
async function tellReviewers(
  tx: Tx,
  orgId: string,
  campaignId: string,
  name: string,
  dueAt: Date,
  reviewerIds: string[],
  now: Date,
): Promise<Mail[]> {
  if (reviewerIds.length === 0) return [];
  const notice: Notice = {
    kind: 'access_review.assigned',
    title: `Access review: ${name}`,
    body: `Accounts wait for your decision (keep, revoke or change) by ${dueAt.toISOString().slice(0, 10)}.`,
    link: `/access-reviews/${campaignId}`,
  };
  await notify(tx, orgId, reviewerIds, notice, now);
  const users = await tx.selectFrom('users').select('email').where('id', 'in', reviewerIds).execute();
  return [{ to: users.map((u) => u.email), notice }];
}
