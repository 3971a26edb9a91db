import { sql } from 'kysely';
import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import { containsPattern } from '../../db/like.js';
import type { PolicyStatus } from '../../db/schema.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { acceptorsOf, isEditor, mustAccept, notFoundPolicy, type PolicyActor, seesDraft, visible } from './access.js';
import { placeholdersIn, templateHash } from './library.js';
import { renderProblems } from './render.js';
import { organisationValues } from './variables.js';

export const POLICY_STATUSES = ['draft', 'in_review', 'approved', 'published'] as const;

interface Person {
  id: string;
  email: string;
  name: string;
}

export interface PolicyItem {
  id: string;
  key: string;
  title: string;
  summary: string;
  fromTemplate: boolean;
  /** The working draft's state; people who cannot see drafts only ever see published policies. */
  status: PolicyStatus;
  publishedVersion: number | null;
  /** The latest version published as a material change: accepting it (or later) is what counts. */
  materialVersion: number | null;
  owner: Person | null;
  reviewer: Person | null;
  /** Editors and auditors: how many of the members who must accept have accepted the current text. */
  acceptance: { accepted: number; required: number } | null;
  /** The caller's own position, for those who accept policies. */
  mine: { acceptedVersion: number | null; pending: boolean } | null;
  updatedAt: string;
}

export interface PolicyDetail extends PolicyItem {
  /** The working draft, for editors and its reviewer. */
  draft: {
    body: string;
    material: boolean;
    changeSummary: string;
    submittedBy: Person | null;
    submittedAt: string | null;
    approvedBy: Person | null;
    approvedAt: string | null;
    reviewComment: string | null;
    lockVersion: number;
    /** What would stop it being published now (unknown or empty variables). */
    problems: { path: string; message: string }[];
    /** The draft is still exactly the library's template (a newer template revision would replace it). */
    untouched: boolean;
  } | null;
}

export interface PolicyFilter {
  status?: PolicyStatus;
  q?: string;
  cursor?: string;
  limit: number;
}

const person = (id: string | null, email: string | null, name: string | null): Person | null =>
  id ? { id, email: email ?? '', name: name ?? '' } : null;

function baseQuery(tx: Tx) {
  return tx
    .selectFrom('policies as p')
    .leftJoin('users as o', 'o.id', 'p.owner_user_id')
    .leftJoin('users as r', 'r.id', 'p.reviewer_user_id')
    .select([
      'p.id',
      'p.key',
      'p.template_key',
      'p.template_hash',
      'p.title',
      'p.summary',
      'p.status',
      'p.body',
      'p.material',
      'p.change_summary',
      'p.reviewer_user_id',
      'p.submitted_by',
      'p.submitted_at',
      'p.approved_by',
      'p.approved_at',
      'p.review_comment',
      'p.published_version',
      'p.material_version',
      'p.lock_version',
      'p.updated_at',
      'o.id as owner_id',
      'o.email as owner_email',
      'o.name as owner_name',
      'r.email as reviewer_email',
      'r.name as reviewer_name',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number];

/** Per policy: how many of the given members accepted its material version or a later one. */
async function acceptedCounts(tx: Tx, userIds: string[]): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const { rows } = await sql<{ policy_id: string; n: number }>`
    SELECT p.id AS policy_id, count(DISTINCT a.user_id)::int AS n
      FROM policies p JOIN policy_acceptances a ON a.org_id = p.org_id AND a.policy_id = p.id
     WHERE p.published_version IS NOT NULL AND a.version >= p.material_version
       AND a.user_id = ANY(${sql.val(userIds)}::uuid[])
     GROUP BY p.id`.execute(tx);
  return new Map(rows.map((r) => [r.policy_id, Number(r.n)]));
}

/** The newest version the user accepted, per policy. */
async function myAcceptances(tx: Tx, userId: string): Promise<Map<string, number>> {
  const rows = await tx
    .selectFrom('policy_acceptances')
    .select(['policy_id', (eb) => eb.fn.max('version').as('version')])
    .where('user_id', '=', userId)
    .groupBy('policy_id')
    .execute();
  return new Map(rows.map((r) => [r.policy_id, Number(r.version)]));
}

interface Context {
  acceptors: string[];
  accepted: Map<string, number>;
  mine: Map<string, number>;
}

async function contextFor(tx: Tx, actor: PolicyActor, now: Date): Promise<Context> {
  const seesProgress = isEditor(actor) || actor.role === 'auditor';
  const acceptors = seesProgress ? (await acceptorsOf(tx, actor.orgId, now)).map((a) => a.id) : [];
  return {
    acceptors,
    accepted: seesProgress ? await acceptedCounts(tx, acceptors) : new Map(),
    mine: mustAccept(actor) ? await myAcceptances(tx, actor.userId) : new Map(),
  };
}

function toItem(actor: PolicyActor, r: Row, c: Context): PolicyItem {
  const draft = seesDraft(actor, r);
  const published = r.published_version !== null;
  const mine = c.mine.get(r.id) ?? null;
  return {
    id: r.id,
    key: r.key,
    title: r.title,
    summary: r.summary,
    fromTemplate: r.template_key !== null,
    status: draft ? r.status : 'published',
    publishedVersion: r.published_version,
    materialVersion: r.material_version,
    owner: person(r.owner_id, r.owner_email, r.owner_name),
    reviewer: draft ? person(r.reviewer_user_id, r.reviewer_email, r.reviewer_name) : null,
    acceptance:
      published && (isEditor(actor) || actor.role === 'auditor')
        ? { accepted: c.accepted.get(r.id) ?? 0, required: c.acceptors.length }
        : null,
    mine:
      published && mustAccept(actor)
        ? { acceptedVersion: mine, pending: mine === null || mine < (r.material_version ?? 1) }
        : null,
    updatedAt: r.updated_at.toISOString(),
  };
}

/** Policies the caller may see, by key, keyset-paginated (the cursor is the last key seen). */
export async function listPolicies(
  tx: Tx,
  actor: PolicyActor,
  f: PolicyFilter,
  now: Date,
): Promise<{ items: PolicyItem[]; nextCursor: string | null }> {
  let q = baseQuery(tx)
    .orderBy('p.key')
    .limit(f.limit + 1);
  if (!isEditor(actor)) {
    q = q.where((eb) =>
      actor.role === 'reviewer'
        ? eb.or([eb('p.published_version', 'is not', null), eb('p.reviewer_user_id', '=', actor.userId)])
        : eb('p.published_version', 'is not', null),
    );
  }
  if (f.status) {
    // Those who see only published policies see every one of them as published.
    q = isEditor(actor)
      ? q.where('p.status', '=', f.status)
      : f.status === 'published'
        ? q
        : q.where('p.reviewer_user_id', '=', actor.userId).where('p.status', '=', f.status);
  }
  if (f.q) {
    const like = containsPattern(f.q);
    q = q.where((eb) => eb.or([eb(sql`lower(p.key)`, 'like', like), eb(sql`lower(p.title)`, 'like', like)]));
  }
  if (f.cursor) q = q.where('p.key', '>', f.cursor);
  const rows = await q.execute();
  const page = rows.slice(0, f.limit);
  const c = await contextFor(tx, actor, now);
  return {
    items: page.map((r) => toItem(actor, r, c)),
    nextCursor: rows.length > f.limit ? (page.at(-1)?.key ?? null) : null,
  };
}

/** The policy row if the caller may see it; not found otherwise. */
export async function visibleRow(tx: Tx, actor: PolicyActor, id: string): Promise<Row> {
  const row = await baseQuery(tx).where('p.id', '=', id).executeTakeFirst();
  if (!row || !visible(actor, row)) throw notFoundPolicy();
  return row;
}

export async function getPolicy(tx: Tx, actor: PolicyActor, id: string, now: Date): Promise<PolicyDetail> {
  const row = await visibleRow(tx, actor, id);
  const item = toItem(actor, row, await contextFor(tx, actor, now));
  if (!seesDraft(actor, row)) return { ...item, draft: null };
  const people = await tx
    .selectFrom('users')
    .select(['id', 'email', 'name'])
    .where('id', 'in', [row.submitted_by ?? row.id, row.approved_by ?? row.id])
    .execute();
  const find = (uid: string | null) => {
    const u = people.find((p) => p.id === uid);
    return u ? { id: u.id, email: u.email, name: u.name } : null;
  };
  const { values } = await organisationValues(tx, actor.orgId);
  return {
    ...item,
    draft: {
      body: row.body,
      material: row.material,
      changeSummary: row.change_summary,
      submittedBy: find(row.submitted_by),
      submittedAt: row.submitted_at?.toISOString() ?? null,
      approvedBy: find(row.approved_by),
      approvedAt: row.approved_at?.toISOString() ?? null,
      reviewComment: row.review_comment,
      lockVersion: row.lock_version,
      problems: renderProblems(row.body, values),
      untouched: row.template_hash !== null && templateHash(row.title, row.body) === row.template_hash,
    },
  };
}

export interface PolicyEdit {
  title?: string;
  summary?: string;
  body?: string;
  ownerUserId?: string | null;
  /** The draft's lock version the editor saw: an edit on top of a newer draft is refused. */
  expectedLockVersion?: number;
}

export async function lockPolicy(tx: Tx, id: string) {
  const row = await tx
    .selectFrom('policies')
    .select([
      'id',
      'key',
      'title',
      'summary',
      'body',
      'status',
      'material',
      'change_summary',
      'owner_user_id',
      'reviewer_user_id',
      'submitted_by',
      'approved_by',
      'published_version',
      'material_version',
      'lock_version',
    ])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFoundPolicy();
  return row;
}

export async function checkMember(tx: Tx, orgId: string, userId: string, path: string, roles?: readonly string[]) {
  const member = await tx
    .selectFrom('memberships')
    .select('role')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!member || (roles && !roles.includes(member.role))) {
    const message = roles
      ? `Choose a member of this organisation whose role is ${roles.join(', ')}.`
      : 'Choose a member of this organisation.';
    throw new AppError('validation_failed', message, {
      errors: [{ path, message: member ? `role ${member.role} may not` : 'not a member' }],
    });
  }
}

/**
 * Edits the working draft (owners and admins). A draft in review or approved goes back to
 * draft: what was reviewed is no longer what would be published.
 */
export async function updatePolicy(
  tx: Tx,
  actor: PolicyActor,
  id: string,
  edit: PolicyEdit,
  meta: RequestMeta,
  now: Date,
): Promise<PolicyDetail> {
  const current = await lockPolicy(tx, id);
  if (edit.expectedLockVersion !== undefined && edit.expectedLockVersion !== current.lock_version) {
    throw new AppError(
      'conflict',
      `The draft of ${current.title} was changed by someone else. Reload it and apply your change again.`,
    );
  }
  if (edit.ownerUserId) await checkMember(tx, actor.orgId, edit.ownerUserId, 'body.ownerUserId');
  const next = {
    title: edit.title ?? current.title,
    summary: edit.summary ?? current.summary,
    body: edit.body ?? current.body,
    owner_user_id: edit.ownerUserId === undefined ? current.owner_user_id : edit.ownerUserId,
  };
  const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => next[k] !== current[k]);
  if (changed.length === 0) return getPolicy(tx, actor, id, now);
  const textChanged = changed.some((k) => k === 'title' || k === 'body');
  const reopened = textChanged && current.status !== 'draft';
  await tx
    .updateTable('policies')
    .set({
      ...next,
      ...(reopened
        ? { status: 'draft', approved_by: null, approved_at: null, submitted_by: null, submitted_at: null }
        : {}),
      lock_version: current.lock_version + 1,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'policy.updated',
    targetType: 'policy',
    targetId: id,
    details: { key: current.key, changed, ...(reopened ? { statusFrom: current.status, statusTo: 'draft' } : {}) },
  });
  return getPolicy(tx, actor, id, now);
}

function slugOf(title: string): string {
  return (
    title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'policy'
  );
}

/** The organisation's own policy (not from the library), as a draft. */
export async function createPolicy(
  tx: Tx,
  actor: PolicyActor,
  input: { title: string; summary?: string; body: string },
  meta: RequestMeta,
  now: Date,
): Promise<PolicyDetail> {
  const unknown = placeholdersIn(input.body).filter((name) => !/^[a-z][a-z0-9_]*$/.test(name));
  if (unknown.length > 0) {
    throw new AppError(
      'validation_failed',
      `Variables are written {{name}} in lower case: fix ${unknown.join(', ')}.`,
      {
        errors: [{ path: 'body.body', message: 'malformed variable' }],
      },
    );
  }
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`policies:${actor.orgId}`}))`.execute(tx);
  const base = slugOf(input.title);
  const taken = new Set(
    (await tx.selectFrom('policies').select('key').where('key', 'like', `${base}%`).execute()).map((r) => r.key),
  );
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
  const id = newId();
  await tx
    .insertInto('policies')
    .values({
      id,
      org_id: actor.orgId,
      key,
      template_key: null,
      template_hash: null,
      title: input.title,
      summary: input.summary ?? '',
      body: input.body,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'policy.created',
    targetType: 'policy',
    targetId: id,
    details: { key, title: input.title },
  });
  return getPolicy(tx, actor, id, now);
}
