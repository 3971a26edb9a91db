import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateInventory } from '../../bench/monitoring.js';
import { CheckIndex, InventoryEvaluation, ORGANISATION, type Result, type ResultChange } from './evaluator.js';
import { ALL_CHECKS } from './library/index.js';
import { DEFAULT_MONITORING_SETTINGS, type StoredRecord } from './types.js';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const CHECKS = new CheckIndex(ALL_CHECKS);
const SMALL = { cloud: 300, accounts: 400, people: 60, devices: 40, findings: 200 };
const PUSHES: [string, string][] = [['trivy', '2026-11-20T00:00:00.000Z']];

const snapshot = (e: InventoryEvaluation) =>
  new Map([...e.results()].map((r) => [`${r.checkId} ${r.resource}`, `${r.outcome}: ${r.reason}`]));

function fresh(records: Iterable<StoredRecord>): InventoryEvaluation {
  const e = new InventoryEvaluation(CHECKS, DEFAULT_MONITORING_SETTINGS, NOW);
  e.load(records, PUSHES);
  return e;
}

/** A change a source could report: a flipped field, an end date, a removal, a new record. */
function changed(record: StoredRecord, variant: number): StoredRecord {
  const data = structuredClone(record.data) as unknown as Record<string, unknown>;
  switch (record.type) {
    case 'person':
      data.endDate = data.endDate ? null : '2026-10-01';
      break;
    case 'account':
      if (variant % 2) data.mfaEnabled = !data.mfaEnabled;
      else data.email = variant % 3 ? null : 'person1@bench.example';
      break;
    case 'device':
      data.diskEncrypted = !data.diskEncrypted;
      break;
    case 'finding':
      data.status = data.status === 'fail' ? 'pass' : 'fail';
      break;
    default: {
      const attributes = { ...(data.attributes as Record<string, unknown>) };
      for (const key of Object.keys(attributes)) {
        if (typeof attributes[key] === 'boolean') attributes[key] = !attributes[key];
      }
      data.attributes = attributes;
    }
  }
  return { ...record, data: data as never };
}

describe('incremental evaluation', () => {
  it('evaluates every check of the library over a generated organisation', () => {
    const e = fresh(generateInventory(SMALL));
    const results = [...e.results()];
    const checks = new Set(results.map((r) => r.checkId));
    assert.ok(checks.size >= 30, `results from ${checks.size} checks`);
    assert.ok(results.some((r) => r.outcome === 'fail') && results.some((r) => r.outcome === 'pass'));
    assert.ok(results.some((r) => r.resource === ORGANISATION));
  });

  it('after any sequence of changes, holds exactly what a full evaluation of the final state gives, and reports each change', () => {
    const base = generateInventory(SMALL);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.nat(5), fc.nat(7)), { minLength: 1, maxLength: 25 }),
        (steps) => {
          const e = fresh(base);
          const current = new Map(base.map((r) => [r.id, r]));
          for (const [i, action, variant] of steps) {
            const target = base[i] as StoredRecord;
            const before = snapshot(e);
            let reported: ResultChange[];
            if (action === 0 && current.has(target.id)) {
              current.delete(target.id);
              reported = e.apply({ removals: [target.id] });
            } else {
              const next = changed(current.get(target.id) ?? target, variant);
              current.set(next.id, next);
              reported = e.apply({ upserts: [next] });
            }
            // The changes reported are exactly the difference between the two states.
            const after = snapshot(e);
            const diff = new Set<string>();
            for (const [k, v] of after) if (before.get(k) !== v) diff.add(k);
            for (const k of before.keys()) if (!after.has(k)) diff.add(k);
            const said = new Set(
              reported.map((c: { checkId: string; resource: string }) => `${c.checkId} ${c.resource}`),
            );
            assert.deepEqual([...said].sort(), [...diff].sort());
          }
          assert.deepEqual(snapshot(e), snapshot(fresh(current.values())));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('re-runs the checks of accounts matched to a person whose end date changes', () => {
    const records = generateInventory(SMALL);
    const e = fresh(records);
    const person = records.find((r) => r.type === 'person' && (r.data as { endDate: string | null }).endDate === null);
    assert.ok(person);
    const email = (person.data as { email: string }).email;
    const account = records.find(
      (r) =>
        r.type === 'account' &&
        (r.data as { email: string | null; active: boolean }).email === email &&
        (r.data as { active: boolean }).active,
    );
    assert.ok(account, 'an active account of that person');
    const departed = (r: Result) =>
      r.checkId === 'identity.no_active_accounts_for_departed' && r.resource === account.id;
    assert.equal([...e.results()].find(departed)?.outcome, 'pass');
    const changes = e.apply({
      upserts: [{ ...person, data: { ...(person.data as object), endDate: '2026-10-01' } as never }],
    });
    assert.ok(changes.some((c) => c.resource === account.id && c.after?.outcome === 'fail'));
    assert.equal([...e.results()].find(departed)?.outcome, 'fail');
  });
});
