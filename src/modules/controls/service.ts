import { sql } from 'kysely';
import { newId } from '../../crypto/random.js';
import type { Database } from '../../db/connect.js';
import { setScope, type Tx, withScope } from '../../db/tenancy.js';
import { notFound } from '../../errors.js';
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
