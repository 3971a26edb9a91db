import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CheckTally, type ControlFacts, deriveHealth, type Health, requirementStatus } from './derive.js';

const tally = (pass: number, fail: number, notApplicable = 0): CheckTally => ({ pass, fail, notApplicable });

describe('control health is derived from status, checks, evidence and policies', () => {
  const org = {
    checks: new Map([
      ['idp.mfa', tally(40, 0)],
      ['cloud.root_mfa', tally(1, 2)],
      ['laptop.na', tally(0, 0, 3)],
    ]),
    publishedPolicies: new Set(['access-control']),
  };
  const base: ControlFacts = { status: 'implemented', checks: [], policies: [], overdueTasks: 0 };
  const cases: { name: string; facts: Partial<ControlFacts>; health: Health; reasons: string[] }[] = [
    { name: 'implemented, nothing else known', facts: {}, health: 'passing', reasons: [] },
    { name: 'implemented, checks pass', facts: { checks: ['idp.mfa'] }, health: 'passing', reasons: [] },
    {
      name: 'a check fails on two resources',
      facts: { checks: ['idp.mfa', 'cloud.root_mfa'] },
      health: 'failing',
      reasons: ['check cloud.root_mfa fails on 2 resources'],
    },
    {
      name: 'a failing check outranks a control still being implemented',
      facts: { status: 'not_started', checks: ['cloud.root_mfa'] },
      health: 'failing',
      reasons: ['check cloud.root_mfa fails on 2 resources', 'implementation not started'],
    },
    {
      name: 'not started',
      facts: { status: 'not_started' },
      health: 'not_implemented',
      reasons: ['implementation not started'],
    },
    {
      name: 'in progress with overdue evidence',
      facts: { status: 'in_progress', overdueTasks: 1 },
      health: 'not_implemented',
      reasons: ['implementation in progress', '1 evidence task overdue'],
    },
    {
      name: 'implemented with overdue evidence',
      facts: { overdueTasks: 2 },
      health: 'attention',
      reasons: ['2 evidence tasks overdue'],
    },
    {
      name: 'implemented, a linked policy unpublished',
      facts: { policies: ['access-control', 'encryption'] },
      health: 'attention',
      reasons: ['policy encryption is not published'],
    },
    { name: 'published policy only', facts: { policies: ['access-control'] }, health: 'passing', reasons: [] },
    {
      name: 'a check with only not-applicable results is connected and passing',
      facts: { checks: ['laptop.na'] },
      health: 'passing',
      reasons: [],
    },
    {
      name: 'a check that never reported is not connected and does not count',
      facts: { checks: ['scanner.monthly'] },
      health: 'passing',
      reasons: [],
    },
    {
      name: 'not applicable wins over everything',
      facts: { status: 'not_applicable', checks: ['cloud.root_mfa'], overdueTasks: 3 },
      health: 'not_applicable',
      reasons: ['marked not applicable'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const derived = deriveHealth({ ...base, ...c.facts }, org);
      assert.equal(derived.health, c.health);
      assert.deepEqual(derived.reasons, c.reasons);
    });
  }

  it('reports each check state', () => {
    const derived = deriveHealth({ ...base, checks: ['idp.mfa', 'cloud.root_mfa', 'scanner.monthly'] }, org);
    assert.deepEqual(derived.checks, [
      { id: 'idp.mfa', state: 'passing', failing: 0, excepted: 0 },
      { id: 'cloud.root_mfa', state: 'failing', failing: 2, excepted: 0 },
      { id: 'scanner.monthly', state: 'not_connected', failing: 0, excepted: 0 },
    ]);
  });

  it('counts a failure accepted as an exception as needing attention, never as passing', () => {
    const excepted = new Map([['idp.mfa', { pass: 3, fail: 0, notApplicable: 0, excepted: 1 }]]);
    const derived = deriveHealth({ ...base, checks: ['idp.mfa'] }, { ...org, checks: excepted });
    assert.equal(derived.checks[0]?.state, 'excepted');
    assert.equal(derived.health, 'attention');
    assert.ok(derived.reasons.some((r) => r.includes('accepted exception')));
    const failing = new Map([['idp.mfa', { pass: 3, fail: 1, notApplicable: 0, excepted: 1 }]]);
    assert.equal(deriveHealth({ ...base, checks: ['idp.mfa'] }, { ...org, checks: failing }).health, 'failing');
  });
});

describe('requirement status follows the controls that meet it', () => {
  const cases: [Health[], ReturnType<typeof requirementStatus>][] = [
    [[], 'gap'],
    [['passing'], 'met'],
    [['passing', 'not_applicable'], 'met'],
    [['not_applicable'], 'not_applicable'],
    [['passing', 'attention'], 'in_progress'],
    [['passing', 'not_implemented'], 'in_progress'],
    [['passing', 'failing', 'attention'], 'failing'],
  ];
  for (const [healths, status] of cases) {
    it(`${healths.join(', ') || 'no controls'} → ${status}`, () => assert.equal(requirementStatus(healths), status));
  }
});
