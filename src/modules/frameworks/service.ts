import { sql } from 'kysely';
import type { Actor, RequestMeta } from '../../context.js';
import { containsPattern } from '../../db/like.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { type AuditWho, recordAudit } from '../audit/service.js';
import { loadLibraryInto } from '../controls/service.js';
import { loadPoliciesInto } from '../policies/load.js';
import { createInitialTasks } from '../tasks/service.js';
import { auditWho } from '../tokens/service.js';

export const DEFAULT_FRAMEWORK = 'soc2-2017';

/** A new organisation's program starts with SOC 2, Security in scope, and the control library. */
export async function startProgram(tx: Tx, orgId: string, now: Date): Promise<void> {
  await tx
    .insertInto('org_frameworks')
    .values({ org_id: orgId, framework_id: DEFAULT_FRAMEWORK, categories: ['security'], updated_at: now })
    .onConflict((oc) => oc.columns(['org_id', 'framework_id']).doNothing())
    .execute();
  await loadLibraryInto(tx, orgId, now);
  await loadPoliciesInto(tx, orgId, now);
  await createInitialTasks(tx, orgId, now);
}

export interface FrameworkCategory {
  id: string;
  name: string;
  required: boolean;
  inScope: boolean;
  requirements: number;
}

export interface FrameworkItem {
  id: string;
  name: string;
  version: string;
  description: string;
  /** Built into Attest, or imported by this organisation from an OSCAL document. */
  source: 'builtin' | 'oscal';
  /** How many times an imported framework was imported (1 for built-in ones). */
  revision: number;
  adopted: boolean;
  categories: FrameworkCategory[];
  requirements: { total: number; inScope: number };
}

/** Every framework, with this organisation's scope and the number of criteria in it. */
export async function listFrameworks(tx: Tx, onlyId?: string): Promise<FrameworkItem[]> {
  let query = tx
    .selectFrom('frameworks as f')
    .leftJoin('org_frameworks as o', (j) =>
      j.onRef('o.framework_id', '=', 'f.id').on('o.org_id', '=', sql<string>`app_current_org()`),
    )
    .select([
      'f.id',
      'f.name',
      'f.version',
      'f.description',
      'f.source',
      'f.revision',
      'f.categories',
      'o.categories as scope',
    ])
    .orderBy('f.source')
    .orderBy('f.name');
  if (onlyId) query = query.where('f.id', '=', onlyId);
  const frameworks = await query.execute();
  let countQuery = tx
    .selectFrom('framework_requirements')
    .select(['framework_id', 'category', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['framework_id', 'category']);
  if (onlyId) countQuery = countQuery.where('framework_id', '=', onlyId);
  const counts = await countQuery.execute();
  return frameworks.map((f) => {
    const scope = new Set(f.scope ?? []);
    const categories = f.categories.map((c) => ({
      ...c,
      inScope: scope.has(c.id),
      requirements: Number(counts.find((n) => n.framework_id === f.id && n.category === c.id)?.n ?? 0),
    }));
    return {
      id: f.id,
      name: f.name,
      version: f.version,
      description: f.description,
      source: f.source,
      revision: f.revision,
      adopted: f.scope !== null,
      categories,
      requirements: {
        total: categories.reduce((sum, c) => sum + c.requirements, 0),
        inScope: categories.filter((c) => c.inScope).reduce((sum, c) => sum + c.requirements, 0),
      },
    };
  });
}

/** One framework with this organisation's scope; not found when it does not exist. */
export async function findFramework(tx: Tx, id: string): Promise<FrameworkItem> {
  const [framework] = await listFrameworks(tx, id);
  if (!framework) throw notFound('This framework');
  return framework;
}

export interface RequirementItem {
  ref: string;
  category: string;
  group: string;
  title: string;
  inScope: boolean;
}

export async function listRequirements(
  tx: Tx,
  frameworkId: string,
  filter: { category?: string; inScope?: boolean; q?: string },
): Promise<RequirementItem[]> {
  const framework = await findFramework(tx, frameworkId);
  const scope = new Set(framework.categories.filter((c) => c.inScope).map((c) => c.id));
  let q = tx
    .selectFrom('framework_requirements')
    .select(['ref', 'category', 'grouping', 'title'])
    .where('framework_id', '=', frameworkId)
    .orderBy('sort');
  if (filter.category) q = q.where('category', '=', filter.category);
  if (filter.q) {
    const like = containsPattern(filter.q);
    q = q.where((eb) => eb.or([eb(sql`lower(ref)`, 'like', like), eb(sql`lower(title)`, 'like', like)]));
  }
  return (await q.execute())
    .map((r) => ({
      ref: r.ref,
      category: r.category,
      group: r.grouping,
      title: r.title,
      inScope: scope.has(r.category),
    }))
    .filter((r) => filter.inScope === undefined || r.inScope === filter.inScope);
}

/** Sets the categories in scope; required ones (Security for SOC 2) always stay in. */
export async function setFrameworkScope(
  tx: Tx,
  actor: Actor & { orgId: string },
  frameworkId: string,
  categories: string[],
  meta: RequestMeta,
  now: Date,
): Promise<FrameworkItem> {
  const framework = await findFramework(tx, frameworkId);
  const known = new Set(framework.categories.map((c) => c.id));
  const unknown = categories.filter((c) => !known.has(c));
  if (unknown.length > 0) {
    throw new AppError(
      'validation_failed',
      `${framework.name} has no category ${unknown.join(', ')}. Choose from: ${[...known].join(', ')}.`,
      {
        errors: [{ path: 'body.categories', message: `unknown: ${unknown.join(', ')}` }],
      },
    );
  }
  const missing = framework.categories.filter((c) => c.required && !categories.includes(c.id));
  if (missing.length > 0) {
    throw new AppError(
      'validation_failed',
      `${missing.map((c) => c.name).join(', ')} is always in scope for ${framework.name}.`,
      {
        errors: [{ path: 'body.categories', message: 'a required category is missing' }],
      },
    );
  }
  const ordered = framework.categories.map((c) => c.id).filter((id) => categories.includes(id));
  const before = framework.categories.filter((c) => c.inScope).map((c) => c.id);
  await tx
    .insertInto('org_frameworks')
    .values({ org_id: actor.orgId, framework_id: frameworkId, categories: ordered, updated_at: now })
    .onConflict((oc) => oc.columns(['org_id', 'framework_id']).doUpdateSet({ categories: ordered, updated_at: now }))
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'framework.scope_changed',
    targetType: 'framework',
    targetId: frameworkId,
    details: { from: before, to: ordered },
  });
  return findFramework(tx, frameworkId);
}

/**
 * Removes a framework the organisation imported, with its requirements and scope. Built-in
 * frameworks stay; so does a framework that controls still name as a criterion.
 */
export async function deleteFramework(
  tx: Tx,
  orgId: string,
  who: AuditWho,
  frameworkId: string,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  const framework = await findFramework(tx, frameworkId);
  if (framework.source === 'builtin') {
    throw new AppError(
      'conflict',
      `${framework.name} is built into Attest and cannot be deleted. Take its categories out of scope instead.`,
    );
  }
  const prefix = `${frameworkId}:`;
  const mapped = await tx
    .selectFrom('controls')
    .select('key')
    .where(sql<boolean>`EXISTS (SELECT 1 FROM unnest(criteria) AS c WHERE starts_with(c, ${prefix}))`)
    .orderBy('key')
    .execute();
  if (mapped.length > 0) {
    throw new AppError(
      'conflict',
      `${mapped.length} control(s) meet requirements of ${framework.name} (${mapped
        .slice(0, 5)
        .map((c) => c.key)
        .join(', ')}${mapped.length > 5 ? ', …' : ''}). Remove those criteria from the controls first.`,
    );
  }
  await tx.deleteFrom('org_frameworks').where('framework_id', '=', frameworkId).execute();
  await tx
    .deleteFrom('framework_requirements')
    .where('framework_id', '=', frameworkId)
    .where('owner_org_id', '=', orgId)
    .execute();
  await tx.deleteFrom('frameworks').where('id', '=', frameworkId).where('owner_org_id', '=', orgId).execute();
  await recordAudit(tx, orgId, who, meta, now, {
    action: 'framework.deleted',
    targetType: 'framework',
    targetId: frameworkId,
    details: { name: framework.name, version: framework.version, requirements: framework.requirements.total },
  });
}
