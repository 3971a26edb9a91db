import { sql } from 'kysely';
import type { Actor, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Database } from '../../db/connect.js';
import { setScope, type Tx, withScope } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { loadControlLibrary, loadSeedLines } from './library.js';

export const CONTROL_STATUSES = ['not_started', 'in_progress', 'implemented', 'not_applicable'] as const;
export type ControlStatus = (typeof CONTROL_STATUSES)[number];

/** Copies the shipped library into an organisation (in the caller's transaction). */
export async function loadLibraryInto(tx: Tx, orgId: string, now: Date): Promise<number> {
  const library = loadControlLibrary();
  await tx
    .insertInto('controls')
    .values(
      library.map((c) => ({
        id: newId(),
        org_id: orgId,
        key: c.key,
        library_key: c.key,
        title: c.title,
        description: c.description,
        domain: c.domain,
        owner_role: c.ownerRole,
        seed_lines: c.seedLines,
        criteria: c.criteria,
        checks: c.checks,
        evidence: JSON.stringify(c.evidence),
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(['org_id', 'key']).doNothing())
    .execute();
  await snapshot(tx, orgId, null, null, now, 'loaded from the library');
  return library.length;
}

/** Organisations created before the library existed get it at start-up, once. */
export async function loadLibraryWhereMissing(database: Database, now: Date): Promise<void> {
  const { rows } = await database.query(
    'SELECT o.id FROM organizations o WHERE NOT EXISTS (SELECT 1 FROM controls c WHERE c.org_id = o.id)',
  );
  for (const row of rows as { id: string }[]) {
    await withScope(database, { orgId: row.id }, (tx) => loadLibraryInto(tx, row.id, now));
  }
}

export interface ControlItem {
  id: string;
  key: string;
  title: string;
  description: string;
  domain: string;
  status: ControlStatus;
  owner: { id: string; email: string; name: string } | null;
  ownerRole: string;
  seedLines: string[];
  criteria: string[];
  checks: { id: string; state: 'not_connected' }[];
  evidence: { title: string; cadence: string }[];
  version: number;
  fromLibrary: boolean;
  retired: boolean;
  updatedAt: string;
}

export interface ControlFilter {
  domain?: string;
  status?: ControlStatus;
  criterion?: string;
  seedLine?: string;
  q?: string;
  includeRetired?: boolean;
  cursor?: string;
  limit: number;
}

const columns = [
  'c.id',
  'c.key',
  'c.library_key',
  'c.title',
  'c.description',
  'c.domain',
  'c.status',
  'c.owner_role',
  'c.seed_lines',
  'c.criteria',
  'c.checks',
  'c.evidence',
  'c.version',
  'c.retired_at',
  'c.updated_at',
  'u.id as owner_id',
  'u.email as owner_email',
  'u.name as owner_name',
] as const;

function baseQuery(tx: Tx) {
  return tx.selectFrom('controls as c').leftJoin('users as u', 'u.id', 'c.owner_user_id').select(columns);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number];

function toItem(r: Row): ControlItem {
  return {
    id: r.id,
    key: r.key,
    title: r.title,
    description: r.description,
    domain: r.domain,
    status: r.status as ControlStatus,
    owner: r.owner_id ? { id: r.owner_id, email: r.owner_email ?? '', name: r.owner_name ?? '' } : null,
    ownerRole: r.owner_role,
    seedLines: r.seed_lines,
    criteria: r.criteria,
    // The automated checks arrive with continuous monitoring; until then none is connected.
    checks: r.checks.map((id) => ({ id, state: 'not_connected' as const })),
    evidence: r.evidence as { title: string; cadence: string }[],
    version: r.version,
    fromLibrary: r.library_key !== null,
    retired: r.retired_at !== null,
    updatedAt: r.updated_at.toISOString(),
  };
}

/** Controls ordered by key, keyset-paginated (the cursor is the last key seen). */
export async function listControls(
  tx: Tx,
  f: ControlFilter,
): Promise<{ items: ControlItem[]; nextCursor: string | null }> {
  let q = baseQuery(tx)
    .orderBy('c.key')
    .limit(f.limit + 1);
  if (!f.includeRetired) q = q.where('c.retired_at', 'is', null);
  if (f.domain) q = q.where('c.domain', '=', f.domain);
  if (f.status) q = q.where('c.status', '=', f.status);
  if (f.criterion) q = q.where(sql<boolean>`c.criteria @> ARRAY[${f.criterion}]::text[]`);
  if (f.seedLine) q = q.where(sql<boolean>`c.seed_lines @> ARRAY[${f.seedLine}]::text[]`);
  if (f.q) {
    const like = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb(sql`lower(c.key)`, 'like', like), eb(sql`lower(c.title)`, 'like', like)]));
  }
  if (f.cursor) q = q.where('c.key', '>', f.cursor);
  const rows = await q.execute();
  const page = rows.slice(0, f.limit);
  return {
    items: page.map(toItem),
    nextCursor: rows.length > f.limit ? (page.at(-1)?.key ?? null) : null,
  };
}

export async function getControl(tx: Tx, id: string): Promise<ControlItem> {
  const row = await baseQuery(tx).where('c.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This control');
  return toItem(row);
}

export interface CoverageLine {
  id: string;
  summary: string;
  controls: { key: string; title: string; status: ControlStatus }[];
}

/** Every seed line with the organisation's (unretired) controls that cover it. */
export async function seedCoverageOf(tx: Tx, orgId: string): Promise<{ lines: CoverageLine[]; uncovered: number }> {
  await setScope(tx, { orgId });
  const controls = await tx
    .selectFrom('controls')
    .select(['key', 'title', 'status', 'seed_lines'])
    .where('retired_at', 'is', null)
    .orderBy('key')
    .execute();
  const lines = loadSeedLines().map((line) => ({
    id: line.id,
    summary: line.summary,
    controls: controls
      .filter((c) => c.seed_lines.includes(line.id))
      .map((c) => ({ key: c.key, title: c.title, status: c.status as ControlStatus })),
  }));
  return { lines, uncovered: lines.filter((l) => l.controls.length === 0).length };
}

/**
 * Records the current state of the organisation's controls as versions: one control after a
 * change, or (controlId null) every control that has no version yet.
 */
async function snapshot(
  tx: Tx,
  orgId: string,
  controlId: string | null,
  changedBy: string | null,
  now: Date,
  reason: string | null,
): Promise<void> {
  await sql`
    INSERT INTO control_versions (org_id, control_id, version, title, description, status, owner_user_id,
                                  seed_lines, criteria, checks, retired_at, changed_by, changed_at, reason)
    SELECT c.org_id, c.id, c.version, c.title, c.description, c.status, c.owner_user_id, c.seed_lines,
           c.criteria, c.checks, c.retired_at, ${changedBy}, ${now}, ${reason}
      FROM controls c
     WHERE c.org_id = ${orgId}
       AND (${controlId}::uuid IS NULL OR c.id = ${controlId}::uuid)
       AND NOT EXISTS (SELECT 1 FROM control_versions v
                        WHERE v.org_id = c.org_id AND v.control_id = c.id AND v.version = c.version)`.execute(tx);
}

export interface ControlChange {
  title?: string;
  description?: string;
  status?: ControlStatus;
  ownerUserId?: string | null;
  criteria?: string[];
  /** The version the editor saw: a change on top of a newer one is refused. */
  expectedVersion?: number;
  reason?: string;
}

/** Applies an edit as a new version, audited with the fields that changed. */
export async function updateControl(
  tx: Tx,
  actor: Actor & { orgId: string },
  id: string,
  change: ControlChange,
  meta: RequestMeta,
  now: Date,
): Promise<ControlItem> {
  const current = await tx
    .selectFrom('controls')
    .select(['id', 'key', 'title', 'description', 'status', 'owner_user_id', 'criteria', 'version', 'retired_at'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw notFound('This control');
  if (current.retired_at) throw new AppError('conflict', `${current.key} is retired; it cannot be changed.`);
  if (change.expectedVersion !== undefined && change.expectedVersion !== current.version) {
    throw new AppError(
      'conflict',
      `${current.key} was changed by someone else (now version ${current.version}). Reload it and apply your change again.`,
    );
  }
  if (change.criteria) {
    const known = new Set((await tx.selectFrom('framework_requirements').select('ref').execute()).map((r) => r.ref));
    const unknown = change.criteria.filter((c) => !known.has(c));
    if (unknown.length > 0) {
      throw new AppError('validation_failed', `No framework has the criteria ${unknown.join(', ')}.`, {
        errors: [{ path: 'body.criteria', message: `unknown: ${unknown.join(', ')}` }],
      });
    }
  }
  if (change.ownerUserId) {
    const member = await tx
      .selectFrom('memberships')
      .select('user_id')
      .where('org_id', '=', actor.orgId)
      .where('user_id', '=', change.ownerUserId)
      .executeTakeFirst();
    if (!member) {
      throw new AppError('validation_failed', 'The owner must be a member of this organisation.', {
        errors: [{ path: 'body.ownerUserId', message: 'not a member' }],
      });
    }
  }
  const next = {
    title: change.title ?? current.title,
    description: change.description ?? current.description,
    status: change.status ?? current.status,
    owner_user_id: change.ownerUserId === undefined ? current.owner_user_id : change.ownerUserId,
    criteria: change.criteria ? [...new Set(change.criteria)].sort() : current.criteria,
  };
  const changed = Object.fromEntries(
    Object.entries(next)
      .filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(current[k as keyof typeof next]))
      .map(([k, v]) => [k, { from: current[k as keyof typeof next], to: v }]),
  );
  if (Object.keys(changed).length === 0) return getControl(tx, id);
  await tx
    .updateTable('controls')
    .set({ ...next, version: current.version + 1, updated_at: now })
    .where('id', '=', id)
    .execute();
  await snapshot(tx, actor.orgId, id, actor.userId, now, change.reason ?? null);
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'control.updated',
    targetType: 'control',
    targetId: id,
    details: { key: current.key, version: current.version + 1, changed, reason: change.reason ?? null },
  });
  return getControl(tx, id);
}

export interface ControlVersionItem {
  version: number;
  title: string;
  description: string;
  status: string;
  ownerUserId: string | null;
  criteria: string[];
  retired: boolean;
  changedBy: string | null;
  changedAt: string;
  reason: string | null;
}

export async function controlVersions(tx: Tx, id: string): Promise<ControlVersionItem[]> {
  await getControl(tx, id);
  const rows = await tx
    .selectFrom('control_versions as v')
    .leftJoin('users as u', 'u.id', 'v.changed_by')
    .select([
      'v.version',
      'v.title',
      'v.description',
      'v.status',
      'v.owner_user_id',
      'v.criteria',
      'v.retired_at',
      'v.changed_at',
      'v.reason',
      'u.email',
    ])
    .where('v.control_id', '=', id)
    .orderBy('v.version', 'desc')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    title: r.title,
    description: r.description,
    status: r.status,
    ownerUserId: r.owner_user_id,
    criteria: r.criteria,
    retired: r.retired_at !== null,
    changedBy: r.email,
    changedAt: r.changed_at.toISOString(),
    reason: r.reason,
  }));
}
