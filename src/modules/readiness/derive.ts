/**
 * A control's health is derived, never typed: from its implementation status (what its owner
 * says), its automated checks (what the systems say), its evidence tasks (whether proof is
 * collected on time) and the policies it relies on (whether they are published).
 */

export const HEALTHS = ['passing', 'failing', 'attention', 'not_implemented', 'not_applicable'] as const;
export type Health = (typeof HEALTHS)[number];

export type CheckState = 'passing' | 'failing' | 'excepted' | 'not_connected';

/** Current results of one check, counted by outcome over the resources it looked at. */
export interface CheckTally {
  pass: number;
  fail: number;
  notApplicable: number;
  /** Failures accepted as exceptions (approved, not expired): never a pass, not a failure. */
  excepted?: number;
}

export interface ControlFacts {
  status: 'not_started' | 'in_progress' | 'implemented' | 'not_applicable';
  checks: string[];
  policies: string[];
  overdueTasks: number;
}

export interface OrgFacts {
  checks: ReadonlyMap<string, CheckTally>;
  publishedPolicies: ReadonlySet<string>;
}

export interface DerivedHealth {
  health: Health;
  /** Why, in words a person can act on; empty when passing. */
  reasons: string[];
  checks: { id: string; state: CheckState; failing: number; excepted: number }[];
  missingPolicies: string[];
}

export function checkState(tally: CheckTally | undefined): CheckState {
  const excepted = tally?.excepted ?? 0;
  if (!tally || tally.pass + tally.fail + tally.notApplicable + excepted === 0) return 'not_connected';
  if (tally.fail > 0) return 'failing';
  return excepted > 0 ? 'excepted' : 'passing';
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Precedence: not applicable, then failing (a failing check is the most urgent fact), then not
 * implemented, then attention (overdue evidence, an unpublished policy, or a failure accepted
 * as an exception), else passing.
 */
export function deriveHealth(control: ControlFacts, org: OrgFacts): DerivedHealth {
  const checks = control.checks.map((id) => {
    const tally = org.checks.get(id);
    return { id, state: checkState(tally), failing: tally?.fail ?? 0, excepted: tally?.excepted ?? 0 };
  });
  const missingPolicies = control.policies.filter((p) => !org.publishedPolicies.has(p));
  if (control.status === 'not_applicable') {
    return { health: 'not_applicable', reasons: ['marked not applicable'], checks, missingPolicies };
  }
  const reasons: string[] = [];
  for (const c of checks) {
    if (c.state === 'failing') reasons.push(`check ${c.id} fails on ${plural(c.failing, 'resource')}`);
    if (c.excepted > 0) reasons.push(`check ${c.id} has ${plural(c.excepted, 'accepted exception')}`);
  }
  if (control.status !== 'implemented') {
    reasons.push(control.status === 'in_progress' ? 'implementation in progress' : 'implementation not started');
  }
  if (control.overdueTasks > 0) reasons.push(`${plural(control.overdueTasks, 'evidence task')} overdue`);
  for (const p of missingPolicies) reasons.push(`policy ${p} is not published`);

  let health: Health = 'passing';
  if (checks.some((c) => c.state === 'failing')) health = 'failing';
  else if (control.status !== 'implemented') health = 'not_implemented';
  else if (control.overdueTasks > 0 || missingPolicies.length > 0 || checks.some((c) => c.state === 'excepted')) {
    health = 'attention';
  }
  return { health, reasons, checks, missingPolicies };
}

export type RequirementStatus = 'met' | 'failing' | 'in_progress' | 'gap' | 'not_applicable';

/**
 * A requirement is met when it has controls and every applicable one passes; failing when any
 * fails; a gap when no control meets it.
 */
export function requirementStatus(healths: Health[]): RequirementStatus {
  if (healths.length === 0) return 'gap';
  const applicable = healths.filter((h) => h !== 'not_applicable');
  if (applicable.length === 0) return 'not_applicable';
  if (applicable.includes('failing')) return 'failing';
  return applicable.every((h) => h === 'passing') ? 'met' : 'in_progress';
}
