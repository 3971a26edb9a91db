/**
 * Checks over the risk register Attest keeps itself (records of the source "risks"): a risk
 * assessment that considered fraud was completed within the last year, and every open risk is
 * reviewed on time, with a treatment (and, when accepted, a recorded acceptance) wherever the
 * residual risk is high or critical.
 */
import type { Check } from '../types.js';
import { organisationCheck, recordCheck } from '../types.js';
import { DAY_MS, dateOf, fail, listOf, pass, timeOf } from './shared.js';

/** A year, with the day it falls due. */
const ASSESSMENT_DAYS = 365;

export const annualAssessment = organisationCheck({
  id: 'risk.assessment.annual',
  title: 'Risk assessment, fraud included, within a year',
  severity: 'high',
  controls: ['RSK-01'],
  remediation:
    'Start a risk assessment under Risks, have every risk owner review their risks, record how fraud was considered and complete it.',
  // The register too: an organisation that keeps risks but never assessed them fails from the first risk.
  reads: ['risk_assessment', 'risk'],
  evaluate: (ctx) => {
    const all = [...ctx.records('risk_assessment')];
    const completed = all
      .filter((r) => r.data.status === 'completed' && timeOf(r.data.completedAt) !== undefined)
      .sort((a, b) => (timeOf(b.data.completedAt) ?? 0) - (timeOf(a.data.completedAt) ?? 0));
    const latest = completed[0];
    if (!latest) {
      const open = all.find((r) => r.data.status === 'open');
      return fail(
        open
          ? `No risk assessment has been completed yet; “${open.data.name}” is open with ${open.data.reviewed} of ${open.data.items} risks reviewed.`
          : 'No risk assessment has been completed yet.',
      );
    }
    const at = timeOf(latest.data.completedAt) as number;
    const due = at + ASSESSMENT_DAYS * DAY_MS;
    if (!latest.data.fraudConsidered) {
      return fail(
        `The latest risk assessment, “${latest.data.name}” (completed ${dateOf(at)}), records no consideration of fraud.`,
      );
    }
    if (ctx.now.getTime() > due) {
      return fail(
        `The latest risk assessment, “${latest.data.name}”, was completed on ${dateOf(at)}: the yearly assessment is overdue since ${dateOf(due)}.`,
      );
    }
    return pass(
      `“${latest.data.name}” was completed on ${dateOf(at)} and considered fraud; the next assessment is due by ${dateOf(due)}.`,
    );
  },
});

export const treatmentsOnTime = recordCheck<'risk'>({
  id: 'risk.treatments_on_time',
  title: 'Risks reviewed on time and treated',
  severity: 'medium',
  resourceType: 'risk',
  controls: ['RSK-02'],
  remediation:
    'Review the risk with its owner and set its next review date. A high or critical residual risk needs a treatment, and an accepted one needs its owner (or, when high or critical, an owner or admin) to accept it.',
  applies: (record) => record.data.status === 'open',
  evaluate: (record, ctx) => {
    const risk = record.data;
    const problems: string[] = [];
    const today = ctx.now.toISOString().slice(0, 10);
    if (risk.reviewOn < today) problems.push(`its review was due on ${risk.reviewOn}`);
    const severe = risk.residual.level === 'high' || risk.residual.level === 'critical';
    if (severe && risk.treatment === null)
      problems.push(`its residual risk is ${risk.residual.level} with no treatment`);
    if (risk.treatment === 'accept' && risk.acceptance === null) {
      problems.push(`it is treated by acceptance, but nobody has accepted its ${risk.residual.level} residual risk`);
    }
    if (problems.length > 0) return fail(`The risk “${risk.name}”: ${listOf(problems)}.`);
    const treated =
      risk.treatment === 'accept' && risk.acceptance
        ? `accepted by ${risk.acceptance.by} on ${risk.acceptance.at.slice(0, 10)}`
        : risk.treatment
          ? `treatment: ${risk.treatment}`
          : 'no treatment needed at this level';
    return pass(
      `The risk “${risk.name}” (residual ${risk.residual.level}, ${treated}) is next reviewed by ${risk.reviewOn}.`,
    );
  },
});

export const RISK_CHECKS: readonly Check[] = [annualAssessment, treatmentsOnTime];
