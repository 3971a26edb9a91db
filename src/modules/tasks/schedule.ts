import type { TaskCadence } from '../../db/schema.js';

/** The cadences an evidence task can have (the control library uses the same words). */
export const CADENCES = ['once', 'monthly', 'quarterly', 'yearly'] as const satisfies readonly TaskCadence[];

/** A one-off task is due this many days after it is created. */
export const ONCE_DAYS = 30;

const MONTHS: Record<Exclude<TaskCadence, 'once'>, number> = { monthly: 1, quarterly: 3, yearly: 12 };

/**
 * `from` plus `months` calendar months in UTC, keeping the time of day. A day that does not
 * exist in the target month becomes its last day (31 January + 1 month = 28 or 29 February).
 */
export function addMonths(from: Date, months: number): Date {
  const year = from.getUTCFullYear();
  const month = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(from.getUTCDate(), lastDay);
  return new Date(
    Date.UTC(
      year,
      month,
      day,
      from.getUTCHours(),
      from.getUTCMinutes(),
      from.getUTCSeconds(),
      from.getUTCMilliseconds(),
    ),
  );
}

/** When the first occurrence of a task created at `now` is due: one period later. */
export function firstDue(cadence: TaskCadence, now: Date): Date {
  if (cadence === 'once') return new Date(now.getTime() + ONCE_DAYS * 86_400_000);
  return addMonths(now, MONTHS[cadence]);
}

/**
 * The due date of occurrence `seq` of a series anchored at `anchor` (occurrence 0). Counting
 * from the anchor, not from the previous due date, keeps a task anchored on the 31st on the
 * last day of short months without drifting to the 28th for ever after.
 */
export function dueOf(cadence: Exclude<TaskCadence, 'once'>, anchor: Date, seq: number): Date {
  return addMonths(anchor, MONTHS[cadence] * seq);
}

/**
 * The occurrence after `seq`: one period after the previous due date (not after the
 * completion), rolled forward to the first one still in the future. Null for a one-off task.
 */
export function nextOccurrence(
  cadence: TaskCadence,
  anchor: Date,
  seq: number,
  now: Date,
): { seq: number; dueAt: Date } | null {
  if (cadence === 'once') return null;
  let next = seq + 1;
  let dueAt = dueOf(cadence, anchor, next);
  while (dueAt.getTime() <= now.getTime()) {
    next++;
    dueAt = dueOf(cadence, anchor, next);
  }
  return { seq: next, dueAt };
}
