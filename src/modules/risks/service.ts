/**
 * The risk register: what a risk is, how it reads and who may change it. Writing risks is in
 * register.ts, the yearly assessment in assessments.ts (starting, reviewing) and complete.ts.
 *
 * Who: owners and admins manage everything; a risk's owner edits that risk and reviews its
 * campaign items; members and reviewers read the register; auditors read everything and change
 * nothing (their routes refuse writes).
 */
import { sql } from 'kysely';
import type { Actor } from '../../context.js';
import { containsPattern } from '../../db/like.js';
import type { RiskCategory, RiskStatus, RiskTreatment } from '../../db/schema/risks.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { AppError, notFound } from '../../errors.js';
import type { RiskScore } from '../../integrations/operations.js';
import { BANDS, type RiskLevel, scoreOf } from './scoring.js';

export type RiskActor = Actor & { orgId: string };

/** The evidence of a completed assessment goes to this control. */
export const ASSESSMENT_CONTROL = 'RSK-01';

export const managesRisks = (actor: Actor) => actor.role === 'owner' || actor.role === 'admin';

export interface PersonRef {
  id: string;
  email: string;
  name: string;
}

export interface Risk {
  id: string;
  title: string;
  description: string;
  category: RiskCategory;
  status: RiskStatus;
  owner: PersonRef | null;
  inherent: RiskScore;
  residual: RiskScore;
  treatment: RiskTreatment | null;
  treatmentPlan: string;
  acceptance: { by: PersonRef; at: string } | null;
  reviewOn: string;
  reviewOverdue: boolean;
  controls: { id: string; key: string; title: string }[];
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Whether the caller may change it (an owner or admin, or the risk's owner). */
  canEdit: boolean;
}

export const ref = (id: string | null, email: string | null, name: string | null): PersonRef | null =>
  id ? { id, email: email ?? '', name: name ?? '' } : null;

/** Today as YYYY-MM-DD (UTC): a review is overdue from the day after its date. */
export const today = (now: Date) => now.toISOString().slice(0, 10);

export function risksQuery(tx: Tx) {
  return tx
    .selectFrom('risks as r')
    .leftJoin('users as o', 'o.id', 'r.owner_user_id')
    .leftJoin('users as a', 'a.id', 'r.accepted_by')
    .select([
      'r.id',
      'r.title',
      'r.description',
      'r.category',
      'r.status',
      'r.owner_user_id',
      'o.email as owner_email',
      'o.name as owner_name',
      'r.inherent_likelihood',
      'r.inherent_impact',
      'r.residual_likelihood',
      'r.residual_impact',
      'r.treatment',
      'r.treatment_plan',
      'r.accepted_by',
      'a.email as accepted_by_email',
      'a.name as accepted_by_name',
      'r.accepted_at',
      'r.review_on',
      'r.closed_at',
      'r.created_at',
      'r.updated_at',
    ]);
}

export type RiskRow = Awaited<ReturnType<ReturnType<typeof risksQuery>['executeTakeFirstOrThrow']>>;

export const canEditRisk = (actor: Actor, ownerUserId: string | null) =>
  managesRisks(actor) || (actor.role !== 'auditor' && ownerUserId !== null && ownerUserId === actor.userId);

/** Controls linked to each of these risks, by key. */
async function controlsOf(tx: Tx, ids: string[]): Promise<Map<string, Risk['controls']>> {
  const map = new Map<string, Risk['controls']>();
  if (ids.length === 0) return map;
  const rows = await tx
    .selectFrom('risk_controls as rc')
    .innerJoin('controls as c', 'c.id', 'rc.control_id')
    .select(['rc.risk_id', 'c.id', 'c.key', 'c.title'])
    .where('rc.risk_id', 'in', ids)
    .orderBy('c.key')
    .execute();
  for (const r of rows) {
    const list = map.get(r.risk_id) ?? [];
    list.push({ id: r.id, key: r.key, title: r.title });
    map.set(r.risk_id, list);
  }
  return map;
}

export function toRisk(r: RiskRow, controls: Risk['controls'], actor: Actor, now: Date): Risk {
  const by = ref(r.accepted_by, r.accepted_by_email, r.accepted_by_name);
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    category: r.category,
    status: r.status,
    owner: ref(r.owner_user_id, r.owner_email, r.owner_name),
    inherent: scoreOf(r.inherent_likelihood, r.inherent_impact),
    residual: scoreOf(r.residual_likelihood, r.residual_impact),
    treatment: r.treatment,
    treatmentPlan: r.treatment_plan,
    acceptance: by && r.accepted_at ? { by, at: iso(r.accepted_at) } : null,
    reviewOn: r.review_on,
    reviewOverdue: r.status === 'open' && r.review_on < today(now),
    controls,
    closedAt: r.closed_at ? iso(r.closed_at) : null,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    canEdit: canEditRisk(actor, r.owner_user_id),
  };
}

export async function getRisk(tx: Tx, actor: Actor, id: string, now: Date): Promise<Risk> {
  const row = await risksQuery(tx).where('r.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This risk');
  return toRisk(row, (await controlsOf(tx, [id])).get(id) ?? [], actor, now);
}

export const TREATMENT_FILTERS = ['mitigate', 'accept', 'transfer', 'avoid', 'none'] as const;

export interface RiskFilter {
  status: 'open' | 'closed' | 'all';
  /** The residual level. */
  level?: RiskLevel;
  treatment?: (typeof TREATMENT_FILTERS)[number];
  ownerId?: string;
  category?: RiskCategory;
  overdue?: boolean;
  q?: string;
  /** One cell of a heat map: the risks rated so. */
  map?: 'inherent' | 'residual';
  likelihood?: number;
  impact?: number;
  page: number;
  limit: number;
}

/** The register, highest residual score first, filtered and paged. */
export async function listRisks(
  tx: Tx,
  actor: Actor,
  filter: RiskFilter,
  now: Date,
): Promise<{ items: Risk[]; total: number; page: number; limit: number }> {
  let query = risksQuery(tx);
  if (filter.status !== 'all') query = query.where('r.status', '=', filter.status);
  if (filter.level) {
    const band = BANDS.find((b) => b.level === filter.level);
    const score = sql<number>`r.residual_likelihood * r.residual_impact`;
    if (band) query = query.where(score, '>=', band.from).where(score, '<=', band.to);
  }
  if (filter.treatment === 'none') query = query.where('r.treatment', 'is', null);
  else if (filter.treatment) query = query.where('r.treatment', '=', filter.treatment);
  if (filter.ownerId) query = query.where('r.owner_user_id', '=', filter.ownerId);
  if (filter.category) query = query.where('r.category', '=', filter.category);
  if (filter.overdue) query = query.where('r.status', '=', 'open').where('r.review_on', '<', today(now));
  if (filter.q) query = query.where(sql`lower(r.title)`, 'like', containsPattern(filter.q));
  if (filter.map && filter.likelihood !== undefined) {
    query = query.where(
      filter.map === 'inherent' ? 'r.inherent_likelihood' : 'r.residual_likelihood',
      '=',
      filter.likelihood,
    );
  }
  if (filter.map && filter.impact !== undefined) {
    query = query.where(filter.map === 'inherent' ? 'r.inherent_impact' : 'r.residual_impact', '=', filter.impact);
  }
  const total = Number(
    (
      await query
        .clearSelect()
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const rows = await query
    .orderBy(sql`r.residual_likelihood * r.residual_impact`, 'desc')
    .orderBy(sql`r.inherent_likelihood * r.inherent_impact`, 'desc')
    .orderBy(sql`lower(r.title)`)
    .orderBy('r.id')
    .limit(filter.limit)
    .offset((filter.page - 1) * filter.limit)
    .execute();
  const controls = await controlsOf(
    tx,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => toRisk(r, controls.get(r.id) ?? [], actor, now)),
    total,
    page: filter.page,
    limit: filter.limit,
  };
}

export interface HeatCell {
  likelihood: number;
  impact: number;
  score: number;
  level: RiskLevel;
  count: number;
  ids: string[];
}

/**
 * A 5×5 heat map of the open risks by inherent or residual rating: `cells[likelihood - 1][impact - 1]`,
 * each with its count and the risks' ids.
 */
export async function heatmap(
  tx: Tx,
  kind: 'inherent' | 'residual',
): Promise<{ kind: 'inherent' | 'residual'; total: number; cells: HeatCell[][] }> {
  const rows = await tx
    .selectFrom('risks')
    .select(['id', 'inherent_likelihood', 'inherent_impact', 'residual_likelihood', 'residual_impact'])
    .where('status', '=', 'open')
    .orderBy('id')
    .execute();
  return { kind, total: rows.length, cells: heatCells(rows, kind) };
}

export function heatCells(
  rows: {
    id: string;
    inherent_likelihood: number;
    inherent_impact: number;
    residual_likelihood: number;
    residual_impact: number;
  }[],
  kind: 'inherent' | 'residual',
): HeatCell[][] {
  const cells: HeatCell[][] = [1, 2, 3, 4, 5].map((likelihood) =>
    [1, 2, 3, 4, 5].map((impact) => {
      const s = scoreOf(likelihood, impact);
      return { likelihood, impact, score: s.score, level: s.level, count: 0, ids: [] };
    }),
  );
  for (const r of rows) {
    const [l, i] =
      kind === 'inherent' ? [r.inherent_likelihood, r.inherent_impact] : [r.residual_likelihood, r.residual_impact];
    const cell = cells[l - 1]?.[i - 1];
    if (!cell) continue;
    cell.count++;
    cell.ids.push(r.id);
  }
  return cells;
}

/** Members who may own a risk: everyone but auditors (who change nothing). */
export async function riskOwners(tx: Tx): Promise<PersonRef[]> {
  return tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name'])
    .where(sql<boolean>`m.org_id = app_current_org()`)
    .where('m.role', '<>', 'auditor')
    .where('u.disabled_at', 'is', null)
    .orderBy(sql`lower(u.name)`)
    .orderBy('u.email')
    .execute();
}

export interface HistoryEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  details: Record<string, unknown>;
}

/** The risk's changes, newest first, from the audit log (who, when, what; no addresses). */
export async function riskHistory(tx: Tx, id: string): Promise<HistoryEntry[]> {
  const rows = await tx
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor', 'action', 'details'])
    .where('target_type', '=', 'risk')
    .where('target_id', '=', id)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: String(r.id),
    at: iso(r.at),
    actor: r.actor,
    action: r.action,
    details: (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as Record<string, unknown>,
  }));
}

/** A 422: the request was understood but breaks a rule of the register (like a weak password). */
export class RiskRuleError extends AppError {
  override readonly status = 422;
  constructor(path: string, message: string, detail: string) {
    super('validation_failed', detail, { errors: [{ path, message }] });
  }
}
