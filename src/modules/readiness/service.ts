import { sql } from 'kysely';
import type { Database } from '../../db/connect.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { notFound } from '../../errors.js';
import { DEFAULT_FRAMEWORK } from '../frameworks/service.js';
import {
  type CheckTally,
  type ControlFacts,
  type DerivedHealth,
  deriveHealth,
  HEALTHS,
  type Health,
  type RequirementStatus,
  requirementStatus,
} from './derive.js';

/** How a control names a requirement: SOC 2's bare (`CC6.1`), any other framework's qualified. */
export function requirementKey(frameworkId: string, ref: string): string {
  return frameworkId === DEFAULT_FRAMEWORK ? ref : `${frameworkId}:${ref}`;
}

export interface ControlHealth extends DerivedHealth {
  id: string;
  key: string;
  title: string;
  domain: string;
  status: ControlFacts['status'];
  criteria: string[];
  overdueTasks: number;
}

/**
 * Every unretired control with its derived health: four grouped queries however many controls
 * and results there are (current check results come from a partial index).
 */
export async function controlHealths(tx: Tx, now: Date): Promise<ControlHealth[]> {
  const [controls, results, overdue, published] = await Promise.all([
    tx
      .selectFrom('controls')
      .select(['id', 'key', 'title', 'domain', 'status', 'criteria', 'checks', 'policies'])
      .where('retired_at', 'is', null)
      .orderBy('key')
      .execute(),
    // A failure covered by an active exception counts as excepted.
    sql<{ check_id: string; outcome: string; n: number }>`
      SELECT r.check_id,
             CASE WHEN r.outcome = 'fail' AND EXISTS (
                    SELECT 1 FROM check_exceptions e
                     WHERE e.check_id = r.check_id AND (e.resource IS NULL OR e.resource = r.resource)
                       AND e.revoked_at IS NULL AND e.expires_at > ${now})
                  THEN 'excepted' ELSE r.outcome END AS outcome,
             count(*)::int AS n
        FROM check_results r
       WHERE r.superseded_at IS NULL
       GROUP BY 1, 2`
      .execute(tx)
      .then((r) => r.rows),
    sql<{ control_id: string; n: number }>`
      SELECT control_id, count(*)::int AS n FROM evidence_tasks
       WHERE status = 'open' AND due_at < ${now} GROUP BY control_id`.execute(tx),
    sql<{ key: string }>`SELECT key FROM policies WHERE published_version IS NOT NULL`.execute(tx),
  ]);
  const checks = new Map<string, CheckTally>();
  for (const r of results) {
    const tally = checks.get(r.check_id) ?? { pass: 0, fail: 0, notApplicable: 0 };
    const n = Number(r.n);
    if (r.outcome === 'pass') tally.pass += n;
    else if (r.outcome === 'fail') tally.fail += n;
    else if (r.outcome === 'excepted') tally.excepted = (tally.excepted ?? 0) + n;
    else tally.notApplicable += n;
    checks.set(r.check_id, tally);
  }
  const overdueBy = new Map(overdue.rows.map((r) => [r.control_id, Number(r.n)]));
  const org = { checks, publishedPolicies: new Set(published.rows.map((r) => r.key)) };
  return controls.map((c) => {
    const facts: ControlFacts = {
      status: c.status as ControlFacts['status'],
      checks: c.checks,
      policies: c.policies,
      overdueTasks: overdueBy.get(c.id) ?? 0,
    };
    return {
      id: c.id,
      key: c.key,
      title: c.title,
      domain: c.domain,
      status: facts.status,
      criteria: c.criteria,
      overdueTasks: facts.overdueTasks,
      ...deriveHealth(facts, org),
    };
  });
}

export interface ControlCounts {
  total: number;
  implemented: number;
  overdueEvidence: number;
  byHealth: Record<Health, number>;
}

function countControls(controls: ControlHealth[]): ControlCounts {
  const byHealth = Object.fromEntries(HEALTHS.map((h) => [h, 0])) as Record<Health, number>;
  for (const c of controls) byHealth[c.health]++;
  return {
    total: controls.length,
    implemented: controls.filter((c) => c.status === 'implemented').length,
    overdueEvidence: controls.filter((c) => c.overdueTasks > 0).length,
    byHealth,
  };
}

export interface RequirementReadiness {
  ref: string;
  title: string;
  category: string;
  group: string;
  inScope: boolean;
  status: RequirementStatus;
  controls: { id: string; key: string; title: string; health: Health }[];
}

export interface CategoryReadiness {
  id: string;
  name: string;
  inScope: boolean;
  requirements: number;
  met: number;
  failing: number;
  gaps: number;
  /** Share of the category's requirements that are met, 0–100. */
  readiness: number;
}

export interface FrameworkReadiness {
  id: string;
  name: string;
  version: string;
  categories: CategoryReadiness[];
  /** In-scope requirements only. */
  requirements: { total: number; met: number; failing: number; inProgress: number; gaps: number };
  controls: ControlCounts;
  readiness: number;
}

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);

async function adoptedFrameworks(tx: Tx, onlyId?: string) {
  let q = tx
    .selectFrom('org_frameworks as o')
    .innerJoin('frameworks as f', 'f.id', 'o.framework_id')
    .select(['f.id', 'f.name', 'f.version', 'f.categories', 'o.categories as scope'])
    .orderBy(sql`f.id = ${DEFAULT_FRAMEWORK}`, 'desc')
    .orderBy('f.name');
  if (onlyId) q = q.where('f.id', '=', onlyId);
  return q.execute();
}

function readinessOf(
  framework: Awaited<ReturnType<typeof adoptedFrameworks>>[number],
  requirements: { ref: string; title: string; category: string; grouping: string }[],
  controls: ControlHealth[],
): { summary: FrameworkReadiness; requirements: RequirementReadiness[] } {
  const scope = new Set(framework.scope);
  const byRequirement = new Map<string, ControlHealth[]>();
  for (const c of controls) {
    for (const key of c.criteria) byRequirement.set(key, [...(byRequirement.get(key) ?? []), c]);
  }
  const rows = requirements.map((r) => {
    const mapped = byRequirement.get(requirementKey(framework.id, r.ref)) ?? [];
    return {
      ref: r.ref,
      title: r.title,
      category: r.category,
      group: r.grouping,
      inScope: scope.has(r.category),
      status: requirementStatus(mapped.map((c) => c.health)),
      controls: mapped.map((c) => ({ id: c.id, key: c.key, title: c.title, health: c.health })),
    };
  });
  const categories = framework.categories.map((cat) => {
    const own = rows.filter((r) => r.category === cat.id);
    const met = own.filter((r) => r.status === 'met' || r.status === 'not_applicable').length;
    return {
      id: cat.id,
      name: cat.name,
      inScope: scope.has(cat.id),
      requirements: own.length,
      met,
      failing: own.filter((r) => r.status === 'failing').length,
      gaps: own.filter((r) => r.status === 'gap').length,
      readiness: percent(met, own.length),
    };
  });
  const inScope = rows.filter((r) => r.inScope);
  const met = inScope.filter((r) => r.status === 'met' || r.status === 'not_applicable').length;
  const inScopeControls = new Map<string, ControlHealth>();
  for (const r of inScope) {
    for (const c of byRequirement.get(requirementKey(framework.id, r.ref)) ?? []) inScopeControls.set(c.id, c);
  }
  return {
    summary: {
      id: framework.id,
      name: framework.name,
      version: framework.version,
      categories,
      requirements: {
        total: inScope.length,
        met,
        failing: inScope.filter((r) => r.status === 'failing').length,
        inProgress: inScope.filter((r) => r.status === 'in_progress').length,
        gaps: inScope.filter((r) => r.status === 'gap').length,
      },
      controls: countControls([...inScopeControls.values()]),
      readiness: percent(met, inScope.length),
    },
    requirements: rows,
  };
}

async function requirementsOf(tx: Tx, frameworkIds: string[]) {
  if (frameworkIds.length === 0) return [];
  return tx
    .selectFrom('framework_requirements')
    .select(['framework_id', 'ref', 'title', 'category', 'grouping'])
    .where('framework_id', 'in', frameworkIds)
    .orderBy('framework_id')
    .orderBy('sort')
    .execute();
}

export interface TrendPoint {
  day: string;
  readiness: number;
  passing: number;
  failing: number;
  controls: number;
}

export interface Readiness {
  generatedAt: string;
  controls: ControlCounts;
  frameworks: FrameworkReadiness[];
  /** The controls to look at first: failing, then needing attention. */
  attention: { id: string; key: string; title: string; health: Health; reasons: string[] }[];
  /** Daily readiness of the first framework (SOC 2), oldest first, today last. */
  trend: TrendPoint[];
}

/** The readiness dashboard: every adopted framework, control health counts and the trend. */
export async function readiness(tx: Tx, now: Date, trendDays = 90): Promise<Readiness> {
  const [controls, frameworks] = await Promise.all([controlHealths(tx, now), adoptedFrameworks(tx)]);
  const requirements = await requirementsOf(
    tx,
    frameworks.map((f) => f.id),
  );
  const summaries = frameworks.map(
    (f) =>
      readinessOf(
        f,
        requirements.filter((r) => r.framework_id === f.id),
        controls,
      ).summary,
  );
  const rank: Partial<Record<Health, number>> = { failing: 0, attention: 1 };
  const attention = controls
    .filter((c) => rank[c.health] !== undefined)
    .sort((a, b) => (rank[a.health] ?? 9) - (rank[b.health] ?? 9) || a.key.localeCompare(b.key))
    .slice(0, 10)
    .map((c) => ({ id: c.id, key: c.key, title: c.title, health: c.health, reasons: c.reasons }));
  const first = summaries[0];
  const trend: TrendPoint[] = [];
  if (first) {
    const since = new Date(now.getTime() - trendDays * 86_400_000);
    const history = await tx
      .selectFrom('readiness_snapshots')
      .select([
        sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'),
        'requirements',
        'requirements_met',
        'passing',
        'failing',
        'controls',
      ])
      .where('framework_id', '=', first.id)
      .where('day', '>=', since.toISOString().slice(0, 10))
      .where('day', '<', now.toISOString().slice(0, 10))
      .orderBy('day')
      .execute();
    for (const h of history) {
      trend.push({
        day: h.day,
        readiness: percent(h.requirements_met, h.requirements),
        passing: h.passing,
        failing: h.failing,
        controls: h.controls,
      });
    }
    trend.push({
      day: now.toISOString().slice(0, 10),
      readiness: first.readiness,
      passing: first.controls.byHealth.passing,
      failing: first.controls.byHealth.failing,
      controls: first.controls.total,
    });
  }
  return { generatedAt: now.toISOString(), controls: countControls(controls), frameworks: summaries, attention, trend };
}

/** One adopted framework's requirements with the controls meeting each and their health. */
export async function frameworkReadiness(
  tx: Tx,
  frameworkId: string,
  now: Date,
  filter: { category?: string; status?: RequirementStatus; inScope?: boolean } = {},
): Promise<{ framework: FrameworkReadiness; requirements: RequirementReadiness[] }> {
  const [framework] = await adoptedFrameworks(tx, frameworkId);
  if (!framework) throw notFound('This framework (adopted by this organisation)');
  const [controls, requirements] = await Promise.all([controlHealths(tx, now), requirementsOf(tx, [frameworkId])]);
  const { summary, requirements: rows } = readinessOf(framework, requirements, controls);
  return {
    framework: summary,
    requirements: rows.filter(
      (r) =>
        (!filter.category || r.category === filter.category) &&
        (!filter.status || r.status === filter.status) &&
        (filter.inScope === undefined || r.inScope === filter.inScope),
    ),
  };
}

/** Records today's figures for every adopted framework (replacing today's earlier snapshot). */
export async function snapshotReadiness(tx: Tx, orgId: string, now: Date): Promise<number> {
  const current = await readiness(tx, now, 0);
  const day = now.toISOString().slice(0, 10);
  for (const f of current.frameworks) {
    const row = {
      controls: f.controls.total,
      implemented: f.controls.implemented,
      passing: f.controls.byHealth.passing,
      failing: f.controls.byHealth.failing,
      overdue: f.controls.overdueEvidence,
      requirements: f.requirements.total,
      requirements_met: f.requirements.met,
      taken_at: now,
    };
    await tx
      .insertInto('readiness_snapshots')
      .values({ org_id: orgId, framework_id: f.id, day, ...row })
      .onConflict((oc) => oc.columns(['org_id', 'framework_id', 'day']).doUpdateSet(row))
      .execute();
  }
  return current.frameworks.length;
}

/** The scheduled job's body: today's snapshot for every organisation, each in its own scope. */
export async function snapshotAllOrganisations(database: Database, now: Date): Promise<number> {
  const { rows } = await database.query('SELECT id FROM organizations ORDER BY id');
  for (const row of rows as { id: string }[]) {
    await withScope(database, { orgId: row.id }, (tx) => snapshotReadiness(tx, row.id, now));
  }
  return rows.length;
}
