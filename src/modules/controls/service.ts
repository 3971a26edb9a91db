import { sql } from 'kysely';
import type { Actor, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Database } from '../../db/connect.js';
import { containsPattern } from '../../db/like.js';
import { setScope, type Tx, withScope } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import type { CheckState, DerivedHealth, Health } from '../readiness/derive.js';
import { type ControlHealth, controlHealths, requirementKey } from '../readiness/service.js';
import { firstDue } from '../tasks/schedule.js';
import { createInitialTasks } from '../tasks/service.js';
import { auditWho } from '../tokens/service.js';
import { CONTROL_DOMAINS, type ControlDomain, DOMAIN_PREFIX, loadControlLibrary, loadSeedLines } from './library.js';

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
        policies: c.policies,
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

/**
 * At start-up every organisation gets the library controls it lacks (a new release may add some)
 * and the policy links of library controls that have none yet. Nothing an organisation changed
 * is touched: existing controls keep their text, mapping and status.
 */
export async function loadLibraryWhereMissing(database: Database, now: Date): Promise<void> {
  const library = loadControlLibrary();
  const { rows } = await database.query(
    `SELECT o.id FROM organizations o
      WHERE (SELECT count(*) FROM controls c WHERE c.org_id = o.id AND c.library_key = ANY($1::text[])) < $2
         OR EXISTS (SELECT 1 FROM controls c WHERE c.org_id = o.id AND c.library_key IS NOT NULL
                       AND c.policies = '{}')`,
    [library.map((c) => c.key), library.length],
  );
  for (const row of rows as { id: string }[]) {
    await withScope(database, { orgId: row.id }, async (tx) => {
      await loadLibraryInto(tx, row.id, now);
      for (const c of library) {
        await tx
          .updateTable('controls')
          .set({ policies: c.policies })
          .where('library_key', '=', c.key)
          .where(sql<boolean>`policies = '{}'`)
          .execute();
      }
    });
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
  checks: { id: string; state: CheckState; failing: number }[];
  policies: string[];
  evidence: { title: string; cadence: string }[];
  /** Derived from checks, evidence tasks and policies (see readiness/derive.ts). */
  health: Health;
  reasons: string[];
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
  health?: Health;
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
  'c.policies',
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

function toItem(r: Row, derived: DerivedHealth | undefined): ControlItem {
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
    // A check is connected once it has reported results (continuous monitoring).
    checks: derived?.checks ?? r.checks.map((id) => ({ id, state: 'not_connected' as const, failing: 0, excepted: 0 })),
    policies: r.policies,
    evidence: r.evidence as { title: string; cadence: string }[],
    health: derived?.health ?? 'not_applicable',
    reasons: derived?.reasons ?? ['retired'],
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
  now: Date,
): Promise<{ items: ControlItem[]; nextCursor: string | null }> {
  let q = baseQuery(tx)
    .orderBy('c.key')
    .limit(f.limit + 1);
  if (!f.includeRetired) q = q.where('c.retired_at', 'is', null);
  if (f.domain) q = q.where('c.domain', '=', f.domain);
  if (f.status) q = q.where('c.status', '=', f.status);
  let healthy: Map<string, ControlHealth> | undefined;
  if (f.health) {
    healthy = await healthById(tx, now);
    const ids = [...healthy.values()].filter((h) => h.health === f.health).map((h) => h.id);
    if (ids.length === 0) return { items: [], nextCursor: null };
    q = q.where('c.id', 'in', ids);
  }
  if (f.criterion) q = q.where(sql<boolean>`c.criteria @> ARRAY[${f.criterion}]::text[]`);
  if (f.seedLine) q = q.where(sql<boolean>`c.seed_lines @> ARRAY[${f.seedLine}]::text[]`);
  if (f.q) {
    const like = containsPattern(f.q);
    q = q.where((eb) => eb.or([eb(sql`lower(c.key)`, 'like', like), eb(sql`lower(c.title)`, 'like', like)]));
  }
  if (f.cursor) q = q.where('c.key', '>', f.cursor);
  const rows = await q.execute();
  const page = rows.slice(0, f.limit);
  healthy ??= await healthById(tx, now);
  return {
    items: page.map((r) => toItem(r, healthy.get(r.id))),
    nextCursor: rows.length > f.limit ? (page.at(-1)?.key ?? null) : null,
  };
}

async function healthById(tx: Tx, now: Date): Promise<Map<string, ControlHealth>> {
  return new Map((await controlHealths(tx, now)).map((h) => [h.id, h]));
}

export async function getControl(tx: Tx, id: string, now: Date): Promise<ControlItem> {
  const row = await baseQuery(tx).where('c.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This control');
  return toItem(row, (await healthById(tx, now)).get(row.id));
}

export interface CoverageLine {
  id: string;
  summary: string;
  controls: { key: string; title: string; status: ControlStatus; health: Health }[];
}

/** Every seed line with the organisation's (unretired) controls that cover it, and their health. */
export async function seedCoverageOf(
  tx: Tx,
  orgId: string,
  now: Date,
): Promise<{ lines: CoverageLine[]; uncovered: number }> {
  await setScope(tx, { orgId });
  const [controls, healthy] = await Promise.all([
    tx
      .selectFrom('controls')
      .select(['id', 'key', 'title', 'status', 'seed_lines'])
      .where('retired_at', 'is', null)
      .orderBy('key')
      .execute(),
    healthById(tx, now),
  ]);
  const lines = loadSeedLines().map((line) => ({
    id: line.id,
    summary: line.summary,
    controls: controls
      .filter((c) => c.seed_lines.includes(line.id))
      .map((c) => ({
        key: c.key,
        title: c.title,
        status: c.status as ControlStatus,
        health: healthy.get(c.id)?.health ?? 'not_implemented',
      })),
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
                                  seed_lines, criteria, checks, policies, retired_at, changed_by, changed_at, reason)
    SELECT c.org_id, c.id, c.version, c.title, c.description, c.status, c.owner_user_id, c.seed_lines,
           c.criteria, c.checks, c.policies, c.retired_at, ${changedBy}, ${now}, ${reason}
      FROM controls c
     WHERE c.org_id = ${orgId}
       AND (${controlId}::uuid IS NULL OR c.id = ${controlId}::uuid)
       AND NOT EXISTS (SELECT 1 FROM control_versions v
                        WHERE v.org_id = c.org_id AND v.control_id = c.id AND v.version = c.version)`.execute(tx);
}

function invalid(path: string, message: string, detail: string): AppError {
  return new AppError('validation_failed', message, { errors: [{ path, message: detail }] });
}

/**
 * Requirement ids a control may name: SOC 2's bare (`CC6.1`), any other framework's qualified
 * with its id (`nist-800-53-rev5-low:ac-2`); the organisation sees only its own imported ones.
 */
async function checkCriteria(tx: Tx, criteria: string[]): Promise<void> {
  const refs = await tx.selectFrom('framework_requirements').select(['framework_id', 'ref']).execute();
  const known = new Set(refs.map((r) => requirementKey(r.framework_id, r.ref)));
  const unknown = criteria.filter((c) => !known.has(c));
  if (unknown.length > 0) {
    throw invalid(
      'body.criteria',
      `No framework has the criteria ${unknown.join(', ')}. Use SOC 2 ids as they are (CC6.1) and others as framework:id.`,
      `unknown: ${unknown.join(', ')}`,
    );
  }
}

function checkSeedLines(seedLines: string[]): void {
  const known = new Set(loadSeedLines().map((l) => l.id));
  const unknown = seedLines.filter((l) => !known.has(l));
  if (unknown.length > 0) {
    throw invalid('body.seedLines', `Unknown seed lines: ${unknown.join(', ')}.`, `unknown: ${unknown.join(', ')}`);
  }
}

async function checkPolicies(tx: Tx, policies: string[]): Promise<void> {
  const { rows } = await sql<{ key: string }>`SELECT key FROM policies`.execute(tx);
  const known = new Set(rows.map((r) => r.key));
  const unknown = policies.filter((p) => !known.has(p));
  if (unknown.length > 0) {
    throw invalid(
      'body.policies',
      `This organisation has no policy ${unknown.join(', ')}. Name policies by their key (e.g. access-control).`,
      `unknown: ${unknown.join(', ')}`,
    );
  }
}

async function checkOwner(tx: Tx, orgId: string, userId: string): Promise<void> {
  const member = await tx
    .selectFrom('memberships')
    .select('user_id')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!member) throw invalid('body.ownerUserId', 'The owner must be a member of this organisation.', 'not a member');
}

const sortedUnique = (values: string[]) => [...new Set(values)].sort();

export interface ControlChange {
  title?: string;
  description?: string;
  status?: ControlStatus;
  ownerUserId?: string | null;
  criteria?: string[];
  seedLines?: string[];
  policies?: string[];
  /** The version the editor saw: a change on top of a newer one is refused. */
  expectedVersion?: number;
  reason?: string;
}

const CONTROL_FIELDS = [
  'id',
  'key',
  'title',
  'description',
  'status',
  'owner_user_id',
  'criteria',
  'seed_lines',
  'policies',
  'version',
  'retired_at',
] as const;

async function lockControl(tx: Tx, id: string, expectedVersion: number | undefined) {
  const current = await tx
    .selectFrom('controls')
    .select(CONTROL_FIELDS)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw notFound('This control');
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw new AppError(
      'conflict',
      `${current.key} was changed by someone else (now version ${current.version}). Reload it and apply your change again.`,
    );
  }
  return current;
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
  const current = await lockControl(tx, id, change.expectedVersion);
  if (current.retired_at) throw new AppError('conflict', `${current.key} is retired; restore it to change it.`);
  if (change.criteria) await checkCriteria(tx, change.criteria);
  if (change.seedLines) checkSeedLines(change.seedLines);
  if (change.policies) await checkPolicies(tx, change.policies);
  if (change.ownerUserId) await checkOwner(tx, actor.orgId, change.ownerUserId);
  const next = {
    title: change.title ?? current.title,
    description: change.description ?? current.description,
    status: change.status ?? current.status,
    owner_user_id: change.ownerUserId === undefined ? current.owner_user_id : change.ownerUserId,
    criteria: change.criteria ? sortedUnique(change.criteria) : current.criteria,
    seed_lines: change.seedLines ? sortedUnique(change.seedLines) : current.seed_lines,
    policies: change.policies ? sortedUnique(change.policies) : current.policies,
  };
  const changed = Object.fromEntries(
    Object.entries(next)
      .filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(current[k as keyof typeof next]))
      .map(([k, v]) => [k, { from: current[k as keyof typeof next], to: v }]),
  );
  if (Object.keys(changed).length === 0) return getControl(tx, id, now);
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
  return getControl(tx, id, now);
}

export interface NewControl {
  title: string;
  description: string;
  domain: ControlDomain;
  criteria: string[];
  seedLines?: string[];
  policies?: string[];
  ownerUserId?: string | null;
  status?: ControlStatus;
  evidence?: { title: string; cadence: 'once' | 'monthly' | 'quarterly' | 'yearly' }[];
}

/**
 * An organisation's own control. Its key continues the domain's prefix with a C (ACC-C01), so
 * it sorts beside the library's controls and can never collide with a later library key.
 */
export async function createControl(
  tx: Tx,
  actor: Actor & { orgId: string },
  input: NewControl,
  meta: RequestMeta,
  now: Date,
): Promise<ControlItem> {
  if (!CONTROL_DOMAINS.includes(input.domain)) {
    throw invalid('body.domain', `Choose a domain from: ${CONTROL_DOMAINS.join(', ')}.`, 'unknown domain');
  }
  await checkCriteria(tx, input.criteria);
  if (input.seedLines) checkSeedLines(input.seedLines);
  if (input.policies) await checkPolicies(tx, input.policies);
  if (input.ownerUserId) await checkOwner(tx, actor.orgId, input.ownerUserId);
  const prefix = `${DOMAIN_PREFIX[input.domain]}-C`;
  // Serialises concurrent creations in one organisation so two never take the same number.
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`controls:${actor.orgId}`}))`.execute(tx);
  const { rows } = await sql<{ n: number | null }>`
    SELECT max(substring(key FROM ${`^${prefix}(\\d+)$`})::int) AS n FROM controls
     WHERE key LIKE ${`${prefix}%`}`.execute(tx);
  const key = `${prefix}${String((rows[0]?.n ?? 0) + 1).padStart(2, '0')}`;
  const id = newId();
  await tx
    .insertInto('controls')
    .values({
      id,
      org_id: actor.orgId,
      key,
      library_key: null,
      title: input.title,
      description: input.description,
      domain: input.domain,
      status: input.status ?? 'not_started',
      owner_user_id: input.ownerUserId ?? null,
      seed_lines: sortedUnique(input.seedLines ?? []),
      criteria: sortedUnique(input.criteria),
      checks: [],
      policies: sortedUnique(input.policies ?? []),
      evidence: JSON.stringify(input.evidence ?? []),
      created_at: now,
      updated_at: now,
    })
    .execute();
  await snapshot(tx, actor.orgId, id, actor.userId, now, 'created');
  await createInitialTasks(tx, actor.orgId, now);
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'control.created',
    targetType: 'control',
    targetId: id,
    details: { key, title: input.title, domain: input.domain, criteria: sortedUnique(input.criteria) },
  });
  return getControl(tx, id, now);
}

/**
 * Retires a control (kept with its history, out of coverage and readiness) or restores it.
 * Retiring the last control covering a seed line is refused unless the caller accepts the gap.
 */
export async function setRetired(
  tx: Tx,
  actor: Actor & { orgId: string },
  id: string,
  retire: boolean,
  opts: { reason: string; acceptUncovered?: boolean; expectedVersion?: number },
  meta: RequestMeta,
  now: Date,
): Promise<ControlItem> {
  const current = await lockControl(tx, id, opts.expectedVersion);
  if (retire === (current.retired_at !== null)) {
    throw new AppError('conflict', `${current.key} is ${retire ? 'already retired' : 'not retired'}.`);
  }
  if (retire && !opts.acceptUncovered && current.seed_lines.length > 0) {
    const others = await tx
      .selectFrom('controls')
      .select('seed_lines')
      .where('retired_at', 'is', null)
      .where('id', '!=', id)
      .where(sql<boolean>`seed_lines && ${sql.val(current.seed_lines)}::text[]`)
      .execute();
    const stillCovered = new Set(others.flatMap((o) => o.seed_lines));
    const orphaned = current.seed_lines.filter((l) => !stillCovered.has(l));
    if (orphaned.length > 0) {
      throw new AppError(
        'conflict',
        `Retiring ${current.key} would leave ${orphaned.join(', ')} with no control. Map another control to ${orphaned.length === 1 ? 'it' : 'them'} first, or confirm that you accept the gap.`,
        { errors: orphaned.map((line) => ({ path: 'body.acceptUncovered', message: `uncovered: ${line}` })) },
      );
    }
  }
  await tx
    .updateTable('controls')
    .set({ retired_at: retire ? now : null, version: current.version + 1, updated_at: now })
    .where('id', '=', id)
    .execute();
  const tasks = retire
    ? await retireTasks(tx, id, now)
    : await reopenTasks(tx, actor.orgId, id, current.retired_at as Date, now);
  await snapshot(tx, actor.orgId, id, actor.userId, now, opts.reason);
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: retire ? 'control.retired' : 'control.restored',
    targetType: 'control',
    targetId: id,
    details: { key: current.key, version: current.version + 1, reason: opts.reason, tasks },
  });
  return getControl(tx, id, now);
}

/** A retired control's open evidence tasks are cancelled: nobody is chased for it any more. */
async function retireTasks(tx: Tx, controlId: string, now: Date): Promise<number> {
  const result = await tx
    .updateTable('evidence_tasks')
    .set({ status: 'cancelled', updated_at: now })
    .where('control_id', '=', controlId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Restoring it continues each series its retirement cancelled, due one period from now. */
async function reopenTasks(tx: Tx, orgId: string, controlId: string, retiredAt: Date, now: Date): Promise<number> {
  const cancelled = await tx
    .selectFrom('evidence_tasks')
    .selectAll()
    .where('control_id', '=', controlId)
    .where('status', '=', 'cancelled')
    .where('updated_at', '=', retiredAt)
    .execute();
  for (const t of cancelled) {
    const due = firstDue(t.cadence, now);
    await tx
      .insertInto('evidence_tasks')
      .values({
        id: newId(),
        org_id: orgId,
        control_id: controlId,
        series_id: t.series_id,
        series_anchor_at: due,
        series_seq: 0,
        title: t.title,
        description: t.description,
        cadence: t.cadence,
        assignee_user_id: t.assignee_user_id,
        due_at: due,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  return cancelled.length;
}

export interface ControlVersionItem {
  version: number;
  title: string;
  description: string;
  status: string;
  ownerUserId: string | null;
  criteria: string[];
  seedLines: string[];
  policies: string[];
  retired: boolean;
  changedBy: string | null;
  changedAt: string;
  reason: string | null;
}

export async function controlVersions(tx: Tx, id: string, now: Date): Promise<ControlVersionItem[]> {
  await getControl(tx, id, now);
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
      'v.seed_lines',
      'v.policies',
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
    seedLines: r.seed_lines,
    policies: r.policies,
    retired: r.retired_at !== null,
    changedBy: r.email,
    changedAt: r.changed_at.toISOString(),
    reason: r.reason,
  }));
}
