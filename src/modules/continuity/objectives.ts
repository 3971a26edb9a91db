/**
 * Recovery objectives of the systems in the catalogue: how long each may be down (RTO), how
 * much data it may lose (RPO), both in hours, and its recovery tier (1 is restored first).
 * They live on the `systems` rows; the catalogue itself is the access module's, so only these
 * three columns are changed here. Owners and admins set them; everyone reads them.
 */
import type { RequestMeta } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import type { Objectives, OrgActor, SystemObjectives } from './model.js';

function objectivesQuery(tx: Tx) {
  return tx
    .selectFrom('systems as s')
    .leftJoin('users as u', 'u.id', 's.owner_user_id')
    .select([
      's.id',
      's.name',
      's.production',
      's.owner_user_id',
      'u.email as owner_email',
      'u.name as owner_name',
      's.rto_hours',
      's.rpo_hours',
      's.recovery_tier',
    ])
    .where('s.archived_at', 'is', null);
}

type Row = Awaited<ReturnType<ReturnType<typeof objectivesQuery>['executeTakeFirstOrThrow']>>;

/** The last completed exercise covering each system, with the recovery time it achieved there. */
async function lastExercises(tx: Tx): Promise<Map<string, SystemObjectives['lastExercise']>> {
  const rows = await tx
    .selectFrom('dr_exercises')
    .select(['id', 'title', 'exercised_on', 'systems'])
    .where('status', '=', 'completed')
    .orderBy('exercised_on', 'desc')
    .orderBy('completed_at', 'desc')
    .execute();
  const last = new Map<string, SystemObjectives['lastExercise']>();
  for (const e of rows) {
    for (const s of e.systems) {
      if (last.has(s.systemId)) continue;
      last.set(s.systemId, {
        id: e.id,
        title: e.title,
        exercisedOn: e.exercised_on,
        recoveryHours: s.recoveryHours,
      });
    }
  }
  return last;
}

function toObjectives(r: Row, last: Map<string, SystemObjectives['lastExercise']>): SystemObjectives {
  return {
    id: r.id,
    name: r.name,
    production: r.production,
    owner: r.owner_user_id ? { id: r.owner_user_id, email: r.owner_email ?? '', name: r.owner_name ?? '' } : null,
    rtoHours: r.rto_hours,
    rpoHours: r.rpo_hours,
    recoveryTier: r.recovery_tier,
    lastExercise: last.get(r.id) ?? null,
  };
}

/** Current systems by tier (unset last), then name. */
export async function listObjectives(tx: Tx): Promise<SystemObjectives[]> {
  const rows = await objectivesQuery(tx).execute();
  rows.sort(
    (a, b) =>
      (a.recovery_tier ?? 9) - (b.recovery_tier ?? 9) ||
      a.name.toLowerCase().localeCompare(b.name.toLowerCase()) ||
      a.id.localeCompare(b.id),
  );
  const last = await lastExercises(tx);
  return rows.map((r) => toObjectives(r, last));
}

async function objectivesOf(tx: Tx, id: string): Promise<SystemObjectives> {
  const row = await objectivesQuery(tx).where('s.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This system');
  return toObjectives(row, await lastExercises(tx));
}

/** Sets a system's objectives (only the fields sent; null clears one). Audited with what changed. */
export async function setObjectives(
  tx: Tx,
  actor: OrgActor,
  id: string,
  input: Objectives,
  meta: RequestMeta,
  now: Date,
): Promise<SystemObjectives> {
  const before = await objectivesOf(tx, id);
  const set: { rto_hours?: number | null; rpo_hours?: number | null; recovery_tier?: number | null } = {};
  const changed: Record<string, number | null> = {};
  if (input.rtoHours !== undefined && input.rtoHours !== before.rtoHours) {
    set.rto_hours = input.rtoHours;
    changed.rtoHours = input.rtoHours;
  }
  if (input.rpoHours !== undefined && input.rpoHours !== before.rpoHours) {
    set.rpo_hours = input.rpoHours;
    changed.rpoHours = input.rpoHours;
  }
  if (input.recoveryTier !== undefined && input.recoveryTier !== before.recoveryTier) {
    set.recovery_tier = input.recoveryTier;
    changed.recoveryTier = input.recoveryTier;
  }
  if (Object.keys(set).length === 0) return before;
  await tx
    .updateTable('systems')
    .set({ ...set, updated_at: now })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'system.objectives_updated',
    targetType: 'system',
    targetId: id,
    details: { name: before.name, changed },
  });
  return objectivesOf(tx, id);
}
