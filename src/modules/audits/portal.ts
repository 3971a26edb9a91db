/**
 * What the portal shows of the program over an audit's window: the controls in scope of its
 * framework with their status over the window, and the evidence effective in it.
 */
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { listEvidence } from '../evidence/list.js';
import type { EvidenceItem } from '../evidence/service.js';
import type { Health } from '../readiness/derive.js';
import { frameworkReadiness } from '../readiness/service.js';
import { type AuditActor, type AuditItem, windowOf } from './model.js';

const DAY = 86_400_000;

/** Said to the auditor with the figures, so nobody has to guess what they mean. */
export const CONTROL_STATUS_METHOD =
  'For each day of the window up to today, a control counts as failing when any result of its automated checks in force that day (observed by then, not yet replaced) failed, and as passing when its checks had results that day and none failed; days without results are not counted. Exceptions are not applied to past days. "Current" is the control\'s health now, as on the readiness page. The framework line counts the daily readiness snapshots taken in the window.';

export interface ControlOverWindow {
  id: string;
  key: string;
  title: string;
  requirements: string[];
  current: Health;
  checks: string[];
  daysObserved: number;
  daysPassing: number;
  daysFailing: number;
  lastFailedOn: string | null;
}

export interface ControlsOverWindow {
  window: { from: string; to: string; daysElapsed: number };
  method: string;
  framework: {
    id: string;
    name: string;
    snapshots: number;
    daysWithFailingControls: number;
    lowestReadiness: number | null;
  };
  controls: ControlOverWindow[];
}

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);

export async function controlsOverWindow(tx: Tx, audit: AuditItem, now: Date): Promise<ControlsOverWindow> {
  const { from, to } = windowOf(audit);
  const { requirements } = await frameworkReadiness(tx, audit.framework.id, now, { inScope: true });
  const inScope = new Map<string, { key: string; title: string; health: Health; requirements: string[] }>();
  for (const r of requirements) {
    for (const c of r.controls) {
      const entry = inScope.get(c.id) ?? { key: c.key, title: c.title, health: c.health, requirements: [] };
      entry.requirements.push(r.ref);
      inScope.set(c.id, entry);
    }
  }
  const ids = [...inScope.keys()];
  const checksOf = new Map<string, string[]>();
  if (ids.length > 0) {
    const rows = await tx.selectFrom('controls').select(['id', 'checks']).where('id', 'in', ids).execute();
    for (const r of rows) checksOf.set(r.id, r.checks);
  }
  // Days of the window that have begun: from its first day to the earlier of its last day and today.
  const lastDay = new Date(Math.min(to.getTime(), now.getTime() + 1) - 1);
  const lastDayStart = new Date(Math.floor(lastDay.getTime() / DAY) * DAY);
  const daysElapsed = lastDayStart < from ? 0 : Math.round((lastDayStart.getTime() - from.getTime()) / DAY) + 1;
  const allChecks = [...new Set([...checksOf.values()].flat())];
  const byCheck = new Map<string, Map<string, boolean>>();
  if (daysElapsed > 0 && allChecks.length > 0) {
    const { rows } = await sql<{ check_id: string; day: string; failing: boolean }>`
      SELECT r.check_id, to_char(d.day AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, bool_or(r.outcome = 'fail') AS failing
        FROM generate_series(${from}::timestamptz, ${lastDayStart}::timestamptz, interval '1 day') AS d (day)
        JOIN check_results r
          ON r.observed_at < d.day + interval '1 day'
         AND (r.superseded_at IS NULL OR r.superseded_at > d.day)
         AND r.outcome <> 'not_applicable'
       WHERE r.check_id = ANY(${allChecks}::text[])
       GROUP BY 1, 2`.execute(tx);
    for (const r of rows) {
      const days = byCheck.get(r.check_id) ?? new Map<string, boolean>();
      days.set(r.day, r.failing);
      byCheck.set(r.check_id, days);
    }
  }
  const controls = [...inScope.entries()]
    .map(([id, c]): ControlOverWindow => {
      const checks = checksOf.get(id) ?? [];
      const days = new Map<string, boolean>();
      for (const check of checks) {
        for (const [day, failing] of byCheck.get(check) ?? []) days.set(day, (days.get(day) ?? false) || failing);
      }
      const failingDays = [...days].filter(([, failing]) => failing).map(([day]) => day);
      return {
        id,
        key: c.key,
        title: c.title,
        requirements: c.requirements,
        current: c.health,
        checks,
        daysObserved: days.size,
        daysPassing: days.size - failingDays.length,
        daysFailing: failingDays.length,
        lastFailedOn: failingDays.sort().at(-1) ?? null,
      };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
  const snapshots = await tx
    .selectFrom('readiness_snapshots')
    .select(['failing', 'requirements', 'requirements_met'])
    .where('framework_id', '=', audit.framework.id)
    .where('day', '>=', audit.windowStart)
    .where('day', '<=', audit.windowEnd)
    .execute();
  const readiness = snapshots.map((s) => percent(s.requirements_met, s.requirements));
  return {
    window: { from: from.toISOString(), to: to.toISOString(), daysElapsed },
    method: CONTROL_STATUS_METHOD,
    framework: {
      id: audit.framework.id,
      name: audit.framework.name,
      snapshots: snapshots.length,
      daysWithFailingControls: snapshots.filter((s) => s.failing > 0).length,
      lowestReadiness: readiness.length > 0 ? Math.min(...readiness) : null,
    },
    controls,
  };
}

/** Evidence effective in the window (the vault's own filter), with its ledger state, a page at a time. */
export async function evidenceInWindow(
  tx: Tx,
  ctx: AppContext,
  actor: AuditActor,
  audit: AuditItem,
  page: { cursor?: string; limit: number; q?: string },
): Promise<{ window: { from: string; to: string }; items: EvidenceItem[]; nextCursor: string | null }> {
  const { from, to } = windowOf(audit);
  const result = await listEvidence(tx, ctx, actor, {
    from: from.toISOString(),
    to: to.toISOString(),
    erased: undefined,
    ...page,
  });
  return { window: { from: from.toISOString(), to: to.toISOString() }, ...result };
}
