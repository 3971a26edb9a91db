/**
 * The catalogue of systems people have accounts in: who owns each one (and so decides access
 * requests to it), whether it is production, how sensitive its data is, the monitoring source
 * its accounts come from and the longest access a request may ask for. Owners and admins
 * change it; every member reads it. Every change is audit-logged.
 */

import { sql } from 'kysely';
import { z } from 'zod';
import type { Actor, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { type AccountCounts, accountCounts } from './accounts.js';
import { inCurrentOrg } from './decisions.js';
import { refreshSystems } from './inventory.js';

export type OrgActor = Actor & { orgId: string };

export const CLASSIFICATIONS = ['public', 'internal', 'confidential', 'restricted'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** Owners and admins manage the catalogue; they and auditors see every system's accounts. */
export const managesSystems = (actor: Actor) => actor.role === 'owner' || actor.role === 'admin';
export const seesAccounts = (actor: Actor) => managesSystems(actor) || actor.role === 'auditor';

export const SystemFields = z.object({
  name: z.string().trim().min(1, 'Give the system a name.').max(100),
  description: z.string().trim().max(2000),
  ownerUserId: z.uuid().nullable(),
  production: z.boolean(),
  classification: z.enum(CLASSIFICATIONS),
  sourceId: z.uuid().nullable(),
  maxAccessDays: z.number().int().min(1, 'At least 1 day.').max(3650, 'At most 3650 days (ten years).'),
});
export const NewSystem = SystemFields.partial().required({ name: true });
export const SystemChange = SystemFields.partial();
export type NewSystem = z.infer<typeof NewSystem>;
export type SystemChange = z.infer<typeof SystemChange>;

export interface System {
  id: string;
  name: string;
  description: string;
  owner: { id: string; email: string; name: string } | null;
  production: boolean;
  classification: Classification;
  source: { id: string; kind: string; name: string } | null;
  maxAccessDays: number;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Owners, admins and auditors only (null for others, and when the system has no source). */
  accounts: AccountCounts | null;
}

function systemsQuery(tx: Tx) {
  return tx
    .selectFrom('systems as s')
    .leftJoin('users as u', 'u.id', 's.owner_user_id')
    .leftJoin('monitoring_sources as m', 'm.id', 's.source_id')
    .select([
      's.id',
      's.name',
      's.description',
      's.owner_user_id',
      's.production',
      's.classification',
      's.source_id',
      's.max_access_days',
      's.archived_at',
      's.created_at',
      's.updated_at',
      'u.email as owner_email',
      'u.name as owner_name',
      'm.kind as source_kind',
      'm.name as source_name',
    ]);
}

type SystemRow = Awaited<ReturnType<ReturnType<typeof systemsQuery>['executeTakeFirstOrThrow']>>;

function toSystem(r: SystemRow, counts: Map<string, AccountCounts> | null): System {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    owner: r.owner_user_id ? { id: r.owner_user_id, email: r.owner_email ?? '', name: r.owner_name ?? '' } : null,
    production: r.production,
    classification: r.classification,
    source: r.source_id ? { id: r.source_id, kind: r.source_kind ?? '', name: r.source_name ?? '' } : null,
    maxAccessDays: r.max_access_days,
    archivedAt: r.archived_at ? iso(r.archived_at) : null,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    accounts: counts && r.source_id ? (counts.get(r.source_id) ?? { accounts: 0, orphans: 0, departed: 0 }) : null,
  };
}

async function withCounts(tx: Tx, actor: Actor, rows: SystemRow[], now: Date): Promise<System[]> {
  const counts = seesAccounts(actor)
    ? await accountCounts(tx, [...new Set(rows.flatMap((r) => (r.source_id ? [r.source_id] : [])))], now)
    : null;
  return rows.map((r) => toSystem(r, counts));
}

export async function getSystem(tx: Tx, actor: Actor, id: string, now: Date): Promise<System> {
  const row = await systemsQuery(tx).where('s.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This system');
  const [system] = await withCounts(tx, actor, [row], now);
  return system as System;
}

/** The catalogue by name: current systems by default, archived ones or both on request. */
export async function listSystems(
  tx: Tx,
  actor: Actor,
  now: Date,
  filter: { q?: string; archived?: 'false' | 'true' | 'all'; production?: boolean; limit: number; offset: number },
): Promise<{ items: System[]; total: number }> {
  let query = systemsQuery(tx);
  const archived = filter.archived ?? 'false';
  if (archived === 'false') query = query.where('s.archived_at', 'is', null);
  if (archived === 'true') query = query.where('s.archived_at', 'is not', null);
  if (filter.production !== undefined) query = query.where('s.production', '=', filter.production);
  if (filter.q) {
    const like = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(sql`lower(s.name)`, 'like', like);
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
    .orderBy(sql`lower(s.name)`)
    .orderBy('s.id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return { items: await withCounts(tx, actor, rows, now), total };
}

function invalid(path: string, message: string, detail: string): AppError {
  return new AppError('validation_failed', detail, { errors: [{ path, message }] });
}

/** The owner decides access requests: a member of the organisation who may write (not an auditor). */
async function checkOwner(tx: Tx, userId: string | null | undefined): Promise<void> {
  if (!userId) return;
  const member = await tx
    .selectFrom('memberships as m')
    .select('m.role')
    .where(inCurrentOrg)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
  if (!member) {
    throw invalid(
      'body.ownerUserId',
      'not a member',
      'The owner must be a member of this organisation. Invite them first, or choose someone else.',
    );
  }
  if (member.role === 'auditor') {
    throw invalid(
      'body.ownerUserId',
      'auditors cannot own systems',
      'An auditor cannot own a system: owners decide access requests, and auditors never change anything.',
    );
  }
}

async function checkSource(tx: Tx, sourceId: string | null | undefined): Promise<void> {
  if (!sourceId) return;
  const source = await tx.selectFrom('monitoring_sources').select('id').where('id', '=', sourceId).executeTakeFirst();
  if (!source) {
    throw invalid(
      'body.sourceId',
      'no such source',
      'That monitoring source does not exist. Push the system’s accounts first (Monitoring → Push a file), then choose its source.',
    );
  }
}

async function checkName(tx: Tx, name: string, exceptId?: string): Promise<void> {
  let query = tx.selectFrom('systems').select('id').where(sql`lower(name)`, '=', name.toLowerCase());
  if (exceptId) query = query.where('id', '<>', exceptId);
  if (await query.executeTakeFirst()) {
    throw new AppError('conflict', `A system named “${name}” is already in the catalogue. Choose another name.`);
  }
}

export async function createSystem(
  tx: Tx,
  actor: OrgActor,
  input: NewSystem,
  meta: RequestMeta,
  now: Date,
): Promise<System> {
  await checkName(tx, input.name);
  await checkOwner(tx, input.ownerUserId);
  await checkSource(tx, input.sourceId);
  const id = newId();
  await tx
    .insertInto('systems')
    .values({
      id,
      org_id: actor.orgId,
      name: input.name,
      description: input.description ?? '',
      owner_user_id: input.ownerUserId ?? null,
      production: input.production ?? false,
      classification: input.classification ?? 'internal',
      source_id: input.sourceId ?? null,
      max_access_days: input.maxAccessDays ?? 90,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const system = await getSystem(tx, actor, id, now);
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'system.created',
    targetType: 'system',
    targetId: id,
    details: {
      name: system.name,
      ownerUserId: system.owner?.id ?? null,
      production: system.production,
      classification: system.classification,
      sourceId: system.source?.id ?? null,
      maxAccessDays: system.maxAccessDays,
    },
  });
  await refreshSystems(tx, actor.orgId, now);
  return system;
}

export async function updateSystem(
  tx: Tx,
  actor: OrgActor,
  id: string,
  input: SystemChange,
  meta: RequestMeta,
  now: Date,
): Promise<System> {
  const before = await getSystem(tx, actor, id, now);
  if (input.name !== undefined && input.name !== before.name) await checkName(tx, input.name, id);
  if (input.ownerUserId !== undefined && input.ownerUserId !== before.owner?.id)
    await checkOwner(tx, input.ownerUserId);
  if (input.sourceId !== undefined && input.sourceId !== before.source?.id) await checkSource(tx, input.sourceId);
  const set: Record<string, unknown> = {};
  const changed: Record<string, unknown> = {};
  const put = (column: string, field: string, value: unknown, old: unknown) => {
    if (value === undefined || value === old) return;
    set[column] = value;
    changed[field] = value;
  };
  put('name', 'name', input.name, before.name);
  put('description', 'description', input.description, before.description);
  put('owner_user_id', 'ownerUserId', input.ownerUserId, before.owner?.id ?? null);
  put('production', 'production', input.production, before.production);
  put('classification', 'classification', input.classification, before.classification);
  put('source_id', 'sourceId', input.sourceId, before.source?.id ?? null);
  put('max_access_days', 'maxAccessDays', input.maxAccessDays, before.maxAccessDays);
  if (Object.keys(set).length === 0) return before;
  await tx
    .updateTable('systems')
    .set({ ...set, updated_at: now })
    .where('id', '=', id)
    .execute();
  // The description can be long: the audit row says it changed, not what it says.
  if ('description' in changed) changed.description = '(changed)';
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'system.updated',
    targetType: 'system',
    targetId: id,
    details: { name: input.name ?? before.name, changed },
  });
  await refreshSystems(tx, actor.orgId, now);
  return getSystem(tx, actor, id, now);
}

/**
 * Archives a system (it takes no new requests and leaves the lists) or brings it back. Grants
 * already given keep running to their expiry; an archived system's pending requests can only
 * be rejected.
 */
export async function setArchived(
  tx: Tx,
  actor: OrgActor,
  id: string,
  archive: boolean,
  meta: RequestMeta,
  now: Date,
): Promise<System> {
  const before = await getSystem(tx, actor, id, now);
  if ((before.archivedAt !== null) === archive) return before;
  await tx
    .updateTable('systems')
    .set({ archived_at: archive ? now : null, updated_at: now })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: archive ? 'system.archived' : 'system.unarchived',
    targetType: 'system',
    targetId: id,
    details: { name: before.name },
  });
  await refreshSystems(tx, actor.orgId, now);
  return getSystem(tx, actor, id, now);
}
