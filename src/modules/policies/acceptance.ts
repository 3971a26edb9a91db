import { sql } from 'kysely';
import type { RequestMeta } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { type Notice, notify } from '../notifications/service.js';
import { auditWho } from '../tokens/service.js';
import { acceptorsOf, mustAccept, notFoundPolicy, type PolicyActor } from './access.js';
import { visibleRow } from './service.js';
import type { Mail, WithMail } from './workflow.js';

export interface PendingPolicy {
  id: string;
  key: string;
  title: string;
  version: number;
  publishedAt: string;
  material: boolean;
  changeSummary: string;
  /** The newest version the person accepted before, if any. */
  acceptedVersion: number | null;
  /** The whole text to read before accepting. */
  body: string;
}

/**
 * Published policies whose latest material version the user has not accepted (accepting a
 * later minor version counts too), with the current text.
 */
export async function pendingFor(tx: Tx, userId: string): Promise<PendingPolicy[]> {
  const { rows } = await sql<{
    id: string;
    key: string;
    version: number;
    title: string;
    body: string;
    published_at: Date;
    material: boolean;
    change_summary: string;
    accepted: number | null;
  }>`
    SELECT p.id, p.key, v.version, v.title, v.body, v.published_at, v.material, v.change_summary,
           (SELECT max(a.version) FROM policy_acceptances a
             WHERE a.org_id = p.org_id AND a.policy_id = p.id AND a.user_id = ${userId}) AS accepted
      FROM policies p
      JOIN policy_versions v ON v.org_id = p.org_id AND v.policy_id = p.id AND v.version = p.published_version
     WHERE NOT EXISTS (SELECT 1 FROM policy_acceptances a
                        WHERE a.org_id = p.org_id AND a.policy_id = p.id AND a.user_id = ${userId}
                          AND a.version >= p.material_version)
     ORDER BY p.key`.execute(tx);
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    title: r.title,
    version: r.version,
    publishedAt: r.published_at.toISOString(),
    material: r.material,
    changeSummary: r.change_summary,
    acceptedVersion: r.accepted === null ? null : Number(r.accepted),
    body: r.body,
  }));
}

/** The caller's own pending policies (none for auditors, who do not accept policies). */
export async function myPendingPolicies(tx: Tx, actor: PolicyActor): Promise<PendingPolicy[]> {
  return mustAccept(actor) ? pendingFor(tx, actor.userId) : [];
}

/**
 * Records that the caller accepted a version: only the current published version may be
 * accepted; accepting it twice changes nothing (the first acceptance stands).
 */
export async function acceptPolicy(
  tx: Tx,
  actor: PolicyActor,
  id: string,
  version: number,
  meta: RequestMeta,
  now: Date,
): Promise<{ version: number; acceptedAt: string; already: boolean }> {
  const row = await visibleRow(tx, actor, id);
  if (row.published_version === null) throw notFoundPolicy();
  if (version !== row.published_version) {
    throw new AppError(
      'conflict',
      `Version ${version} of ${row.title} is not the current one. Read version ${row.published_version} and accept that.`,
    );
  }
  const existing = await tx
    .selectFrom('policy_acceptances')
    .select('accepted_at')
    .where('policy_id', '=', id)
    .where('version', '=', version)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (existing) return { version, acceptedAt: existing.accepted_at.toISOString(), already: true };
  await tx
    .insertInto('policy_acceptances')
    .values({
      org_id: actor.orgId,
      policy_id: id,
      version,
      user_id: actor.userId,
      accepted_at: now,
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 512) ?? null,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'policy.accepted',
    targetType: 'policy',
    targetId: id,
    details: { key: row.key, version },
  });
  return { version, acceptedAt: now.toISOString(), already: false };
}

export interface AcceptanceRow {
  user: { id: string; email: string; name: string };
  role: string;
  /** The newest version this person accepted, and when; null if none. */
  acceptedVersion: number | null;
  acceptedAt: string | null;
  /** Accepted the latest material version or a later one. */
  current: boolean;
}

/**
 * For owners, admins and auditors: every member who must accept the policy, with the newest
 * version they accepted (or none). Ordered by email, keyset-paginated; `pending` keeps only those
 * who still have to accept.
 */
export async function acceptancesOf(
  tx: Tx,
  actor: PolicyActor,
  id: string,
  f: { pending?: boolean; cursor?: string; limit: number },
  now: Date,
): Promise<{
  version: number | null;
  materialVersion: number | null;
  accepted: number;
  required: number;
  items: AcceptanceRow[];
  nextCursor: string | null;
}> {
  const row = await visibleRow(tx, actor, id);
  const members = await acceptorsOf(tx, actor.orgId, now);
  const accepted = await tx
    .selectFrom('policy_acceptances')
    .select(['user_id', 'version', 'accepted_at'])
    .where('policy_id', '=', id)
    .orderBy('version', 'desc')
    .execute();
  const newest = new Map<string, { version: number; at: Date }>();
  for (const a of accepted)
    if (!newest.has(a.user_id)) newest.set(a.user_id, { version: a.version, at: a.accepted_at });
  const all = members.map((m) => {
    const a = newest.get(m.id);
    return {
      user: { id: m.id, email: m.email, name: m.name },
      role: m.role,
      acceptedVersion: a?.version ?? null,
      acceptedAt: a?.at.toISOString() ?? null,
      current: row.material_version !== null && a !== undefined && a.version >= row.material_version,
    };
  });
  const filtered = all.filter((r) => !f.pending || !r.current).filter((r) => !f.cursor || r.user.email > f.cursor);
  const page = filtered.slice(0, f.limit);
  return {
    version: row.published_version,
    materialVersion: row.material_version,
    accepted: all.filter((r) => r.current).length,
    required: all.length,
    items: page,
    nextCursor: filtered.length > f.limit ? (page.at(-1)?.user.email ?? null) : null,
  };
}

/** Reminds (in the app, and by email after the commit) only the members who still have to accept. */
export async function chasePolicy(
  tx: Tx,
  actor: PolicyActor,
  id: string,
  meta: RequestMeta,
  now: Date,
): Promise<WithMail<{ notified: number }>> {
  const row = await visibleRow(tx, actor, id);
  if (row.published_version === null) {
    throw new AppError('conflict', `${row.title} is not published yet, so nobody has anything to accept.`);
  }
  const members = await acceptorsOf(tx, actor.orgId, now);
  const done = new Set(
    (
      await tx
        .selectFrom('policy_acceptances')
        .select('user_id')
        .where('policy_id', '=', id)
        .where('version', '>=', row.material_version ?? 1)
        .execute()
    ).map((a) => a.user_id),
  );
  const pending = members.filter((m) => !done.has(m.id));
  const notice: Notice = {
    kind: 'policy.acceptance_reminder',
    title: `Reminder: please accept ${row.title}`,
    body: `${row.title} version ${row.published_version} is waiting for you to read and accept it.`,
    link: '/my-policies',
  };
  await notify(
    tx,
    actor.orgId,
    pending.map((m) => m.id),
    notice,
    now,
  );
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'policy.chased',
    targetType: 'policy',
    targetId: id,
    details: { key: row.key, version: row.published_version, notified: pending.map((m) => m.id) },
  });
  const mail: Mail | null = pending.length > 0 ? { to: pending.map((m) => m.email), notice } : null;
  return { result: { notified: pending.length }, mail };
}
