import { createHash } from 'node:crypto';
import { type Result, resultKey, sameResult } from '../../checks/evaluator.js';
import { DEFAULT_MONITORING_SETTINGS, type MonitoringSettings } from '../../checks/types.js';
import { newId } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';
import type { Severity } from '../../integrations/types.js';
import { appendToLedger } from '../../ledger/service.js';
import { controlHealths } from '../readiness/service.js';

/** What an evaluation produced, and which current results it replaces. */
export interface ResultWrite {
  results: Result[];
  /** Every current result of these resources is replaced. */
  replaceResources: string[];
  /** Only the named checks' results of these resources are replaced. */
  partial: { resource: string; checks: string[] }[];
  /** Resources gone: their current results end, with no successor. */
  removedResources: string[];
}

interface CurrentRow {
  id: string;
  check_id: string;
  resource: string;
  outcome: string;
  reason: string;
  resource_name: string;
  severity: string;
  failing_since: Date | string | null;
}

const DAY_MS = 86_400_000;

/**
 * Writes results as history: a result that differs from the current one (outcome, reason,
 * name) supersedes it; one no longer produced ends. A failing result carries the time it
 * started failing and its deadline (severity's SLA from then), so "at risk" and "overdue" are
 * facts of the row. Answers how many results changed and how many of the new ones fail.
 */
export async function writeResults(
  tx: Tx,
  orgId: string,
  write: ResultWrite,
  settings: MonitoringSettings,
  now: Date,
): Promise<{ changed: number; failing: number }> {
  const resources = [
    ...new Set([
      ...write.replaceResources,
      ...write.partial.map((p) => p.resource),
      ...write.removedResources,
      ...write.results.map((r) => r.resource),
    ]),
  ];
  const current = new Map<string, CurrentRow>();
  for (let i = 0; i < resources.length; i += 5000) {
    const rows = await tx
      .selectFrom('check_results')
      .select(['id', 'check_id', 'resource', 'outcome', 'reason', 'resource_name', 'severity', 'failing_since'])
      .where('superseded_at', 'is', null)
      .where('resource', 'in', resources.slice(i, i + 5000))
      .execute();
    for (const row of rows) current.set(resultKey(row.check_id, row.resource), row);
  }

  // Which current results this write speaks for.
  const whole = new Set([...write.replaceResources, ...write.removedResources]);
  const partial = new Map(write.partial.map((p) => [p.resource, new Set(p.checks)]));
  const produced = new Map(write.results.map((r) => [resultKey(r.checkId, r.resource), r]));
  const covered = (row: CurrentRow) =>
    whole.has(row.resource) ||
    partial.get(row.resource)?.has(row.check_id) === true ||
    produced.has(resultKey(row.check_id, row.resource));

  const supersede: string[] = [];
  const inserts: Record<string, unknown>[] = [];
  let failing = 0;
  for (const [key, result] of produced) {
    const row = current.get(key);
    const before = row ? asResult(row) : undefined;
    if (sameResult(before, result)) continue;
    if (row) supersede.push(row.id);
    let failingSince: Date | null = null;
    let dueAt: Date | null = null;
    if (result.outcome === 'fail') {
      failing++;
      failingSince = row?.outcome === 'fail' && row.failing_since ? new Date(row.failing_since) : now;
      const days = settings.slaDays[result.severity] ?? DEFAULT_MONITORING_SETTINGS.slaDays.medium;
      dueAt = new Date(failingSince.getTime() + days * DAY_MS);
    }
    inserts.push({
      id: newId(),
      org_id: orgId,
      check_id: result.checkId,
      resource: result.resource,
      resource_name: result.resourceName.slice(0, 500),
      severity: result.severity,
      outcome: result.outcome,
      reason: result.reason.slice(0, 2000),
      observed_at: now,
      failing_since: failingSince,
      due_at: dueAt,
    });
  }
  let ended = 0;
  for (const [key, row] of current) {
    if (!produced.has(key) && covered(row)) {
      supersede.push(row.id);
      ended++;
    }
  }
  for (let i = 0; i < supersede.length; i += 5000) {
    await tx
      .updateTable('check_results')
      .set({ superseded_at: now })
      .where('id', 'in', supersede.slice(i, i + 5000))
      .execute();
  }
  for (let i = 0; i < inserts.length; i += 1000) {
    await tx
      .insertInto('check_results')
      .values(inserts.slice(i, i + 1000) as never)
      .execute();
  }
  return { changed: inserts.length + ended, failing };
}

function asResult(row: CurrentRow): Result {
  return {
    checkId: row.check_id,
    resource: row.resource,
    resourceName: row.resource_name,
    severity: row.severity as Severity,
    outcome: row.outcome as Result['outcome'],
    reason: row.reason,
  };
}

/**
 * Re-derives every control's health and appends a ledger leaf ('control.status') for each one
 * whose health changed since it was last recorded, so a control's history is provable for any
 * audit window. The leaf commits to the control id, its health, the reasons and the time. The
 * first evaluation records every control's starting status; it answers how many controls
 * changed from a status recorded before.
 */
export async function updateControlStatuses(tx: Tx, orgId: string, now: Date): Promise<number> {
  const [healths, stored] = await Promise.all([
    controlHealths(tx, now),
    tx.selectFrom('control_monitor_status').select(['control_id', 'health']).execute(),
  ]);
  const previous = new Map(stored.map((r) => [r.control_id, r.health]));
  let changed = 0;
  for (const control of healths) {
    if (previous.get(control.id) === control.health) continue;
    const content = JSON.stringify({
      control: control.id,
      key: control.key,
      health: control.health,
      reasons: control.reasons,
      at: now.toISOString(),
    });
    const leaf = await appendToLedger(
      tx,
      orgId,
      { kind: 'control.status', refId: control.id, contentHash: createHash('sha256').update(content).digest('hex') },
      now,
    );
    await tx
      .insertInto('control_monitor_status')
      .values({
        org_id: orgId,
        control_id: control.id,
        health: control.health,
        changed_at: now,
        ledger_index: leaf.index,
      })
      .onConflict((oc) =>
        oc
          .columns(['org_id', 'control_id'])
          .doUpdateSet({ health: control.health, changed_at: now, ledger_index: leaf.index }),
      )
      .execute();
    if (previous.has(control.id)) changed++;
  }
  return changed;
}
