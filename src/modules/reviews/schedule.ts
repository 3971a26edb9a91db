/**
 * The quarterly schedule: which systems, how long reviewers have, and the day the next campaign
 * starts. The daily job (daily.ts) starts it on that day and moves the day three months on.
 */
import type { RequestMeta } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { addMonths } from '../tasks/schedule.js';
import { auditWho } from '../tokens/service.js';
import type { ReviewActor } from './service.js';
import { DEFAULT_DUE_DAYS } from './start.js';

/** Scheduled campaigns come every three months. */
export const SCHEDULE_MONTHS = 3;

export interface ReviewSchedule {
  enabled: boolean;
  systems: { id: string; name: string; archived: boolean }[];
  dueDays: number;
  /** YYYY-MM-DD (UTC). */
  nextStartOn: string;
  updatedBy: { id: string; email: string } | null;
  updatedAt: string;
}

export interface ScheduleInput {
  enabled: boolean;
  systemIds: string[];
  dueDays?: number;
  nextStartOn: string;
}

export const today = (now: Date) => now.toISOString().slice(0, 10);

/** The day after `day` moved on by whole quarters until it is later than `after` (both YYYY-MM-DD). */
export function nextQuarterAfter(day: string, after: string): string {
  let next = day;
  do {
    next = addMonths(new Date(`${next}T00:00:00Z`), SCHEDULE_MONTHS)
      .toISOString()
      .slice(0, 10);
  } while (next <= after);
  return next;
}

/** The organisation's schedule, or null when none was set. */
export async function getSchedule(tx: Tx): Promise<ReviewSchedule | null> {
  const row = await tx
    .selectFrom('access_review_schedules as s')
    .leftJoin('users as u', 'u.id', 's.updated_by')
    .select(['s.enabled', 's.system_ids', 's.due_days', 's.next_start_on', 's.updated_by', 'u.email', 's.updated_at'])
    .executeTakeFirst();
  if (!row) return null;
  const systems =
    row.system_ids.length === 0
      ? []
      : await tx
          .selectFrom('systems')
          .select(['id', 'name', 'archived_at'])
          .where('id', 'in', row.system_ids)
          .orderBy('name')
          .execute();
  return {
    enabled: row.enabled,
    systems: systems.map((s) => ({ id: s.id, name: s.name, archived: s.archived_at !== null })),
    dueDays: row.due_days,
    nextStartOn: row.next_start_on,
    updatedBy: row.updated_by ? { id: row.updated_by, email: row.email ?? '' } : null,
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Sets the schedule (owners and admins), audited. */
export async function saveSchedule(
  tx: Tx,
  actor: ReviewActor,
  input: ScheduleInput,
  meta: RequestMeta,
  now: Date,
): Promise<ReviewSchedule> {
  const systemIds = [...new Set(input.systemIds)];
  if (input.enabled && systemIds.length === 0) {
    throw new AppError('validation_failed', 'Choose the systems a scheduled review covers.', {
      errors: [{ path: 'body.systemIds', message: 'empty' }],
    });
  }
  const found =
    systemIds.length === 0
      ? []
      : await tx.selectFrom('systems').select(['id', 'name', 'archived_at']).where('id', 'in', systemIds).execute();
  const known = new Map(found.map((s) => [s.id, s]));
  const missing = systemIds.find((id) => !known.has(id));
  if (missing) {
    throw new AppError('validation_failed', `There is no system with the id ${missing}.`, {
      errors: [{ path: 'body.systemIds', message: 'unknown system' }],
    });
  }
  const archived = found.find((s) => s.archived_at);
  if (archived) {
    throw new AppError('validation_failed', `The system "${archived.name}" is archived: leave it out.`, {
      errors: [{ path: 'body.systemIds', message: 'archived' }],
    });
  }
  if (input.nextStartOn < today(now)) {
    throw new AppError('validation_failed', 'The next start day is in the past: choose today or later.', {
      errors: [{ path: 'body.nextStartOn', message: 'in the past' }],
    });
  }
  const values = {
    enabled: input.enabled,
    system_ids: systemIds,
    due_days: input.dueDays ?? DEFAULT_DUE_DAYS,
    next_start_on: input.nextStartOn,
    updated_by: actor.userId,
    updated_at: now,
  };
  await tx
    .insertInto('access_review_schedules')
    .values({ org_id: actor.orgId, ...values })
    .onConflict((oc) => oc.column('org_id').doUpdateSet(values))
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'access_review.schedule_saved',
    targetType: 'access_review_schedule',
    targetId: actor.orgId,
    details: {
      enabled: values.enabled,
      systems: systemIds.length,
      dueDays: values.due_days,
      nextStartOn: input.nextStartOn,
    },
  });
  return (await getSchedule(tx)) as ReviewSchedule;
}
