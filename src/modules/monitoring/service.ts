import { sql } from 'kysely';
import { ALL_CHECKS, checkById } from '../../checks/library/index.js';
import type { Check } from '../../checks/types.js';
import type { Actor, AppContext, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import { containsPattern } from '../../db/like.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { ImportError, type ParsedPush, RECORD_TYPES } from '../../integrations/types.js';
import { refreshSystems } from '../access/inventory.js';
import { recordAudit } from '../audit/service.js';
import { syncPeopleAfterPush } from '../people/sync.js';
import { resolveRevocations } from '../reviews/resolve.js';
import { auditWho } from '../tokens/service.js';
import {
  applyPush,
  auditPush,
  checkParsed,
  type PushSummary,
  reevaluateRecords,
  requestHash,
  sourceFor,
} from './push.js';
import { SOURCE_KINDS, sourceKind } from './sources.js';

export type OrgActor = Actor & { orgId: string };

export interface PushInput {
  kind: string;
  /** Which source of that kind (an AWS account, a scanner's pipeline); defaults to the kind. */
  name?: string;
  body: string;
  fileName?: string;
  idempotencyKey?: string;
}

const NAME = /^[\w .:@/-]{1,100}$/;

export function checkSourceName(name: string): string {
  const clean = name.trim();
  if (!NAME.test(clean)) {
    throw new AppError('validation_failed', 'A source name is 1–100 letters, digits, spaces and . _ : @ / -.', {
      errors: [{ path: 'query.name', message: 'not a valid source name' }],
    });
  }
  return clean;
}

/**
 * A file pushed for a source: parsed first (nothing is written when it cannot be read), then
 * applied in one transaction with its push row and audit row. With an Idempotency-Key, a retry
 * of the same body answers the first push's summary and writes nothing; the same key with a
 * different body is refused.
 */
/** The source kind a push names; an unknown one is not found (it names a resource, like an id). */
export function knownKind(kind: string) {
  const found = sourceKind(kind);
  if (!found) {
    throw new AppError(
      'not_found',
      `There is no source kind "${kind}". Use one of: ${SOURCE_KINDS.map((k) => k.kind).join(', ')}.`,
    );
  }
  return found;
}

export async function pushFile(
  ctx: AppContext,
  actor: OrgActor | null,
  orgId: string,
  input: PushInput,
  meta: RequestMeta,
): Promise<PushSummary> {
  const kind = knownKind(input.kind);
  const name = checkSourceName(input.name ?? kind.kind);
  const hash = requestHash(kind.kind, name, input.body);
  const key = input.idempotencyKey?.trim();
  if (key !== undefined && (key.length < 1 || key.length > 200)) {
    throw new AppError('validation_failed', 'An Idempotency-Key is 1–200 characters.');
  }
  if (key) {
    const replay = await withScope(ctx.database, { orgId }, (tx) => previousPush(tx, key, hash));
    if (replay) return replay;
  }
  if (input.body.trim() === '') throw new AppError('import_invalid', 'The file is empty. Push the tool’s output file.');
  const now = ctx.clock.now();
  let parsed: ParsedPush;
  try {
    parsed = checkParsed(kind.parse(input.body, { fileName: input.fileName, now }));
  } catch (error) {
    if (error instanceof ImportError) throw new AppError('import_invalid', error.message);
    throw error;
  }
  return applyParsed(ctx, actor, orgId, { kind: kind.kind, name }, parsed, meta, { key, hash });
}

/** Applies an already parsed push (a file, a probe, a pull) with its push row and audit row. */
export async function applyParsed(
  ctx: AppContext,
  actor: OrgActor | null,
  orgId: string,
  target: { kind: string; name: string },
  parsed: ParsedPush,
  meta: RequestMeta,
  request: { key?: string; hash: string },
): Promise<PushSummary> {
  const now = ctx.clock.now();
  try {
    return await withScope(ctx.database, { orgId, userId: actor?.userId }, async (tx) => {
      const source = await sourceFor(tx, orgId, target.kind, target.name, actor, now);
      const applied = await applyPush(tx, orgId, source, parsed, now);
      const who = actor ? auditWho(actor) : { userId: null, label: 'system' };
      applied.warnings = [...applied.warnings, ...(await syncPeopleAfterPush(tx, orgId, parsed, who, meta, now))];
      // A sync may have added or removed accounts of the systems in the catalogue, and may show
      // an account an access review revoked as gone at last.
      await refreshSystems(tx, orgId, now);
      await resolveRevocations(tx, orgId, now);
      const pushId = newId();
      const summary: PushSummary = { ...applied, pushId, receivedAt: now.toISOString(), replayed: false };
      await tx
        .insertInto('monitoring_pushes')
        .values({
          id: pushId,
          org_id: orgId,
          source_id: source.id,
          idempotency_key: request.key ?? null,
          request_hash: request.hash,
          format: parsed.format,
          received_at: now,
          summary: JSON.stringify(summary),
          pushed_by: actor?.userId ?? null,
        })
        .execute();
      await auditPush(tx, orgId, actor, meta, now, summary);
      return summary;
    });
  } catch (error) {
    // Two requests with one key at once: the loser answers what the winner wrote.
    if (request.key && (error as { code?: string }).code === '23505') {
      const replay = await withScope(ctx.database, { orgId }, (tx) => previousPush(tx, request.key!, request.hash));
      if (replay) return replay;
    }
    throw error;
  }
}

async function previousPush(tx: Tx, key: string, hash: string): Promise<PushSummary | null> {
  const row = await tx
    .selectFrom('monitoring_pushes')
    .select(['request_hash', 'summary'])
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  if (!row) return null;
  if (row.request_hash !== hash) {
    throw new AppError(
      'conflict',
      'This Idempotency-Key was used for a different push. Use a new key for new content.',
    );
  }
  return { ...(row.summary as unknown as PushSummary), replayed: true };
}

export type CheckStatus = 'failing' | 'excepted' | 'passing' | 'not_connected';

export interface CheckSummary {
  id: string;
  title: string;
  severity: Check['severity'];
  resourceType: string;
  controls: { key: string; id: string | null; title: string | null }[];
  remediation: string;
  status: CheckStatus;
  counts: { pass: number; fail: number; notApplicable: number; excepted: number; overdue: number; atRisk: number };
  /** The earliest deadline among failing results, when any. */
  nextDueAt: string | null;
}

const SEVERITY_ORDER = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as const;
const STATUS_ORDER: Record<CheckStatus, number> = { failing: 0, excepted: 1, passing: 2, not_connected: 3 };

/** The active exceptions' condition for a current result row `r`. */
const excepted = (now: Date) => sql<boolean>`EXISTS (
  SELECT 1 FROM check_exceptions e
   WHERE e.check_id = r.check_id AND (e.resource IS NULL OR e.resource = r.resource)
     AND e.revoked_at IS NULL AND e.expires_at > ${now})`;

/**
 * Every check with its current counts: failing first (overdue before at risk), then by
 * severity. Two grouped queries whatever the number of results.
 */
export async function listChecks(tx: Tx, now: Date): Promise<CheckSummary[]> {
  const [tallies, controls] = await Promise.all([
    sql<{
      check_id: string;
      pass: number;
      fail: number;
      na: number;
      excepted: number;
      overdue: number;
      next_due: Date | string | null;
    }>`
      SELECT r.check_id,
             count(*) FILTER (WHERE r.outcome = 'pass')::int AS pass,
             count(*) FILTER (WHERE r.outcome = 'fail' AND NOT ${excepted(now)})::int AS fail,
             count(*) FILTER (WHERE r.outcome = 'not_applicable')::int AS na,
             count(*) FILTER (WHERE r.outcome = 'fail' AND ${excepted(now)})::int AS excepted,
             count(*) FILTER (WHERE r.outcome = 'fail' AND NOT ${excepted(now)} AND r.due_at < ${now})::int AS overdue,
             min(r.due_at) FILTER (WHERE r.outcome = 'fail' AND NOT ${excepted(now)}) AS next_due
        FROM check_results r
       WHERE r.superseded_at IS NULL
       GROUP BY r.check_id`.execute(tx),
    tx.selectFrom('controls').select(['id', 'key', 'title', 'checks']).where('retired_at', 'is', null).execute(),
  ]);
  const byCheck = new Map(tallies.rows.map((t) => [t.check_id, t]));
  const controlsOf = new Map<string, { key: string; id: string; title: string }[]>();
  for (const c of controls) {
    for (const id of c.checks)
      controlsOf.set(id, [...(controlsOf.get(id) ?? []), { key: c.key, id: c.id, title: c.title }]);
  }
  const summaries = ALL_CHECKS.map((check): CheckSummary => {
    const t = byCheck.get(check.id);
    const counts = {
      pass: t?.pass ?? 0,
      fail: t?.fail ?? 0,
      notApplicable: t?.na ?? 0,
      excepted: t?.excepted ?? 0,
      overdue: t?.overdue ?? 0,
      atRisk: (t?.fail ?? 0) - (t?.overdue ?? 0),
    };
    const total = counts.pass + counts.fail + counts.notApplicable + counts.excepted;
    const status: CheckStatus =
      total === 0 ? 'not_connected' : counts.fail > 0 ? 'failing' : counts.excepted > 0 ? 'excepted' : 'passing';
    const mapped = controlsOf.get(check.id) ?? [];
    return {
      id: check.id,
      title: check.title,
      severity: check.severity,
      resourceType: check.resourceType,
      controls: mapped.length > 0 ? mapped : check.controls.map((key) => ({ key, id: null, title: null })),
      remediation: check.remediation,
      status,
      counts,
      nextDueAt: t?.next_due ? new Date(t.next_due).toISOString() : null,
    };
  });
  return summaries.sort(
    (a, b) =>
      STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
      b.counts.overdue - a.counts.overdue ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.id.localeCompare(b.id),
  );
}

export interface ResultItem {
  resource: string;
  resourceName: string;
  outcome: 'pass' | 'fail' | 'not_applicable';
  reason: string;
  observedAt: string;
  failingSince: string | null;
  dueAt: string | null;
  /** fail only: overdue past its deadline, at risk before it, or accepted as an exception. */
  state: 'overdue' | 'at_risk' | 'excepted' | null;
  exception: { id: string; expiresAt: string; justification: string } | null;
}

/** One check's current results (failing first, overdue first), keyset-paginated, and its recent changes. */
export async function checkDetail(
  tx: Tx,
  checkId: string,
  now: Date,
  page: { outcome?: 'pass' | 'fail' | 'not_applicable'; q?: string; cursor?: string; limit: number },
) {
  const check = checkById(checkId);
  if (!check) throw notFound('This check');
  const offset = page.cursor ? Number.parseInt(page.cursor, 10) : 0;
  if (!Number.isSafeInteger(offset) || offset < 0) throw new AppError('validation_failed', 'The cursor is not valid.');
  let query = tx
    .selectFrom('check_results as r')
    .select([
      'r.resource',
      'r.resource_name',
      'r.outcome',
      'r.reason',
      'r.observed_at',
      'r.failing_since',
      'r.due_at',
      (eb) =>
        eb
          .selectFrom('check_exceptions as e')
          .select(
            sql<string>`json_build_object('id', e.id, 'expiresAt', e.expires_at, 'justification', e.justification)::text`.as(
              'x',
            ),
          )
          .whereRef('e.check_id', '=', 'r.check_id')
          .where((w) => w.or([w('e.resource', 'is', null), w('e.resource', '=', w.ref('r.resource'))]))
          .where('e.revoked_at', 'is', null)
          .where('e.expires_at', '>', now)
          .orderBy('e.expires_at', 'desc')
          .limit(1)
          .as('exception'),
    ])
    .where('r.check_id', '=', checkId)
    .where('r.superseded_at', 'is', null);
  if (page.outcome) query = query.where('r.outcome', '=', page.outcome);
  if (page.q) query = query.where('r.resource_name', 'ilike', containsPattern(page.q));
  const rows = await query
    .orderBy(sql`CASE r.outcome WHEN 'fail' THEN 0 WHEN 'pass' THEN 1 ELSE 2 END`)
    .orderBy('r.due_at', 'asc')
    .orderBy('r.resource_name')
    .orderBy('r.resource')
    .offset(offset)
    .limit(page.limit + 1)
    .execute();
  const items: ResultItem[] = rows.slice(0, page.limit).map((r) => {
    const exception = r.exception ? (JSON.parse(r.exception) as ResultItem['exception']) : null;
    const due = r.due_at ? new Date(r.due_at) : null;
    return {
      resource: r.resource,
      resourceName: r.resource_name,
      outcome: r.outcome,
      reason: r.reason,
      observedAt: new Date(r.observed_at).toISOString(),
      failingSince: r.failing_since ? new Date(r.failing_since).toISOString() : null,
      dueAt: due?.toISOString() ?? null,
      state: r.outcome !== 'fail' ? null : exception ? 'excepted' : due && due < now ? 'overdue' : 'at_risk',
      exception: exception ? { ...exception, expiresAt: new Date(exception.expiresAt).toISOString() } : null,
    };
  });
  const history = await tx
    .selectFrom('check_results')
    .select(['resource', 'resource_name', 'outcome', 'reason', 'observed_at', 'superseded_at'])
    .where('check_id', '=', checkId)
    .orderBy('observed_at', 'desc')
    .orderBy('id')
    .limit(50)
    .execute();
  return {
    check: {
      id: check.id,
      title: check.title,
      severity: check.severity,
      resourceType: check.resourceType,
      controls: check.controls,
      remediation: check.remediation,
    },
    items,
    nextCursor: rows.length > page.limit ? String(offset + page.limit) : null,
    history: history.map((h) => ({
      resource: h.resource,
      resourceName: h.resource_name,
      outcome: h.outcome,
      reason: h.reason,
      observedAt: new Date(h.observed_at).toISOString(),
      endedAt: h.superseded_at ? new Date(h.superseded_at).toISOString() : null,
    })),
  };
}

/** Sources Attest writes itself from its own registers: their records are in the inventory, but they are not connections. */
const BUILT_IN_KINDS = ['people', 'systems', 'vendors', 'risks', 'incidents', 'assessments', 'continuity', 'backups'];

export async function listSources(tx: Tx) {
  const rows = await tx
    .selectFrom('monitoring_sources as s')
    .where('s.kind', 'not in', BUILT_IN_KINDS)
    .select([
      's.id',
      's.kind',
      's.name',
      's.schedule',
      's.last_push_at',
      's.last_status',
      's.last_error',
      's.created_at',
      's.config',
      sql<boolean>`s.credentials_enc IS NOT NULL`.as('has_credentials'),
      (eb) =>
        eb
          .selectFrom('inventory_records as r')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('r.source_id', '=', 's.id')
          .where('r.deleted_at', 'is', null)
          .as('records'),
    ])
    .orderBy('s.kind')
    .orderBy('s.name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    name: r.name,
    title: sourceKind(r.kind)?.title ?? r.kind,
    schedule: r.schedule,
    lastPushAt: r.last_push_at ? new Date(r.last_push_at).toISOString() : null,
    lastStatus: r.last_status,
    lastError: r.last_error,
    records: Number(r.records ?? 0),
    // Attest runs it itself: a probe with targets, or a pull or probe with sealed credentials.
    connection:
      Boolean(r.has_credentials) || (r.kind === 'tls' && Array.isArray((r.config as { targets?: unknown }).targets)),
  }));
}

/** The inventory, keyset-paginated by (name, id), optionally by type, source and a search. */
export async function listRecords(
  tx: Tx,
  filter: {
    type?: string;
    sourceId?: string;
    kind?: string;
    q?: string;
    deleted?: boolean;
    cursor?: string;
    limit: number;
  },
) {
  if (filter.type && !RECORD_TYPES.includes(filter.type as never)) {
    throw new AppError('validation_failed', `Unknown record type. Use one of: ${RECORD_TYPES.join(', ')}.`);
  }
  let query = tx
    .selectFrom('inventory_records as r')
    .innerJoin('monitoring_sources as s', 's.id', 'r.source_id')
    .leftJoin('inventory_records as p', 'p.id', 'r.person_record_id')
    .select([
      'r.id',
      'r.type',
      'r.name',
      'r.external_id',
      'r.scope',
      'r.data',
      'r.first_seen_at',
      'r.last_seen_at',
      'r.deleted_at',
      's.kind',
      's.name as source_name',
      'p.id as person_id',
      'p.name as person_name',
    ]);
  query = filter.deleted ? query.where('r.deleted_at', 'is not', null) : query.where('r.deleted_at', 'is', null);
  if (filter.type) query = query.where('r.type', '=', filter.type);
  if (filter.sourceId) query = query.where('r.source_id', '=', filter.sourceId);
  if (filter.kind) query = query.where('s.kind', '=', filter.kind);
  if (filter.q) query = query.where('r.name', 'ilike', containsPattern(filter.q));
  if (filter.cursor) {
    const [name, id] = JSON.parse(Buffer.from(filter.cursor, 'base64url').toString('utf8')) as [string, string];
    query = query.where((eb) =>
      eb.or([eb('r.name', '>', name), eb.and([eb('r.name', '=', name), eb('r.id', '>', id)])]),
    );
  }
  const rows = await query
    .orderBy('r.name')
    .orderBy('r.id')
    .limit(filter.limit + 1)
    .execute();
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      type: r.type,
      name: r.name,
      externalId: r.external_id,
      scope: r.scope,
      source: { kind: r.kind, name: r.source_name },
      data: r.data,
      firstSeenAt: new Date(r.first_seen_at).toISOString(),
      lastSeenAt: new Date(r.last_seen_at).toISOString(),
      deletedAt: r.deleted_at ? new Date(r.deleted_at).toISOString() : null,
      /** The person an account is linked to by hand, when it is. */
      linkedPerson: r.person_id ? { id: r.person_id, name: r.person_name ?? '' } : null,
    })),
    nextCursor:
      rows.length > filter.limit && last
        ? Buffer.from(JSON.stringify([last.name, last.id])).toString('base64url')
        : null,
  };
}

/** Accepts a failing check (one resource, or all of them) until `expiresAt`; audited. */
export async function createException(
  tx: Tx,
  actor: OrgActor,
  input: { checkId: string; resource?: string | null; justification: string; expiresAt: Date },
  meta: RequestMeta,
  now: Date,
) {
  if (!checkById(input.checkId)) throw notFound('This check');
  const justification = input.justification.trim();
  if (justification.length < 10) {
    throw new AppError('validation_failed', 'Say why the risk is accepted (at least 10 characters).', {
      errors: [{ path: 'body.justification', message: 'too short' }],
    });
  }
  const maxDays = 366;
  if (input.expiresAt <= now || input.expiresAt.getTime() - now.getTime() > maxDays * 86_400_000) {
    throw new AppError('validation_failed', 'An exception expires in the future, within a year.', {
      errors: [{ path: 'body.expiresAt', message: 'out of range' }],
    });
  }
  if (input.resource) {
    const result = await tx
      .selectFrom('check_results')
      .select('id')
      .where('check_id', '=', input.checkId)
      .where('resource', '=', input.resource)
      .where('superseded_at', 'is', null)
      .executeTakeFirst();
    if (!result) throw notFound('This result');
  }
  const id = newId();
  await tx
    .insertInto('check_exceptions')
    .values({
      id,
      org_id: actor.orgId,
      check_id: input.checkId,
      resource: input.resource ?? null,
      justification,
      requested_by: actor.userId,
      approved_by: actor.userId,
      created_at: now,
      expires_at: input.expiresAt,
    })
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'monitoring.exception_created',
    targetType: 'check_exception',
    targetId: id,
    details: { checkId: input.checkId, resource: input.resource ?? null, expiresAt: input.expiresAt.toISOString() },
  });
  return { id };
}

export async function revokeException(tx: Tx, actor: OrgActor, id: string, meta: RequestMeta, now: Date) {
  const row = await tx
    .updateTable('check_exceptions')
    .set({ revoked_at: now, revoked_by: actor.userId })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning(['check_id'])
    .executeTakeFirst();
  if (!row) throw notFound('This exception');
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'monitoring.exception_revoked',
    targetType: 'check_exception',
    targetId: id,
    details: { checkId: row.check_id },
  });
}

export async function listExceptions(tx: Tx, now: Date) {
  const rows = await tx
    .selectFrom('check_exceptions as e')
    .leftJoin('users as u', 'u.id', 'e.approved_by')
    .leftJoin('inventory_records as r', (j) => j.on(sql`r.id::text`, '=', sql.ref('e.resource')))
    .select([
      'r.name as resource_name',
      'e.id',
      'e.check_id',
      'e.resource',
      'e.justification',
      'e.created_at',
      'e.expires_at',
      'e.revoked_at',
      'u.email as approver',
    ])
    .orderBy('e.created_at', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    checkId: r.check_id,
    resource: r.resource,
    resourceName: r.resource ? (r.resource_name ?? r.resource) : null,
    justification: r.justification,
    approvedBy: r.approver,
    createdAt: new Date(r.created_at).toISOString(),
    expiresAt: new Date(r.expires_at).toISOString(),
    revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
    active: !r.revoked_at && new Date(r.expires_at) > now,
  }));
}

/**
 * Links an account to a person by hand (when its email differs from the HRIS one, or the
 * system has none), or removes the link; the account's checks re-run at once. Audited.
 */
export async function linkAccount(
  tx: Tx,
  actor: OrgActor,
  accountId: string,
  personId: string | null,
  meta: RequestMeta,
  now: Date,
): Promise<{ resultsChanged: number }> {
  const account = await tx
    .selectFrom('inventory_records as r')
    .innerJoin('monitoring_sources as s', 's.id', 'r.source_id')
    .select(['r.id', 'r.type', 's.kind'])
    .where('r.id', '=', accountId)
    .where('r.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!account) throw notFound('This record');
  if (account.type !== 'account') {
    throw new AppError('validation_failed', 'Only accounts are linked to people.', {
      errors: [{ path: 'params.id', message: 'not an account' }],
    });
  }
  if (personId) {
    const person = await tx
      .selectFrom('inventory_records')
      .select('type')
      .where('id', '=', personId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!person) throw notFound('This person');
    if (person.type !== 'person') {
      throw new AppError('validation_failed', 'Link the account to a person record (from the HRIS import).', {
        errors: [{ path: 'body.personId', message: 'not a person' }],
      });
    }
  }
  await tx.updateTable('inventory_records').set({ person_record_id: personId }).where('id', '=', accountId).execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: personId ? 'monitoring.account_linked' : 'monitoring.account_unlinked',
    targetType: 'inventory_record',
    targetId: accountId,
    details: { personId },
  });
  return { resultsChanged: await reevaluateRecords(tx, actor.orgId, [accountId], account.kind, now) };
}
