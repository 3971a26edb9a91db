/**
 * Checks over the assessment register (records Attest writes itself, source "assessments"):
 * a penetration test and a vulnerability assessment with a code analysis every year, a SOC 2
 * Type 2 report that is current, and every finding fixed by its deadline.
 *
 * "Every year" is twelve calendar months from the day the last one ended. A SOC 2 Type 2
 * report is current for twelve months after its observation window ends, plus three months
 * for the auditor to issue the next one: fifteen months from the window's end.
 */
import type { AssessmentData } from '../../integrations/operations.js';
import type { Check, CheckContext, StoredRecord } from '../types.js';
import { organisationCheck, recordCheck } from '../types.js';
import { fail, listOf, notApplicable, pass, plural } from './shared.js';

/** Months a SOC 2 Type 2 report stays current after its observation window ends. */
export const SOC2_CURRENT_MONTHS = 15;
/** Months the auditor has after the window's end to issue the report. */
export const SOC2_REPORT_MONTHS = 3;

/** The day `months` calendar months after a YYYY-MM-DD day (negative: before), clamped to the month's end. */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

/** Today in UTC, as the YYYY-MM-DD the records' days are compared with. */
export const todayOf = (ctx: CheckContext): string => ctx.now.toISOString().slice(0, 10);

type Assessment = StoredRecord<'assessment'>;

function assessments(ctx: CheckContext, kind: AssessmentData['kind']): Assessment[] {
  return [...ctx.records('assessment')].filter((r) => r.data.kind === kind);
}

/** The completed ones, latest first by `day` (ties by name, so the order is stable). */
function completedBy(list: Assessment[], day: (a: AssessmentData) => string | null): Assessment[] {
  return list
    .filter((r) => r.data.status === 'completed' && day(r.data))
    .sort((a, b) => (day(b.data) ?? '').localeCompare(day(a.data) ?? '') || a.data.name.localeCompare(b.data.name));
}

/** "“Penetration test 2026” by Acme Security". */
function label(a: AssessmentData): string {
  return a.assessor ? `“${a.name}” by ${a.assessor}` : `“${a.name}”`;
}

/** What is under way, for a reason that says none is complete yet. */
function underWay(list: Assessment[]): string {
  const open = list.filter((r) => r.data.status !== 'completed').map((r) => `“${r.data.name}”`);
  return open.length > 0 ? ` ${listOf(open)} ${open.length === 1 ? 'is' : 'are'} planned or in progress.` : '';
}

export const pentestAnnual = organisationCheck({
  id: 'assessment.pentest.annual',
  title: 'An independent penetration test every year',
  severity: 'high',
  controls: ['ASM-02'],
  remediation:
    'Commission a penetration test from an independent firm, record it under Assessments with its dates, and mark it completed with its report once the testing ends.',
  reads: ['assessment'],
  evaluate: (ctx) => {
    const all = assessments(ctx, 'pentest');
    const [latest] = completedBy(all, (a) => a.endDate);
    if (!latest) return fail(`No completed penetration test is recorded.${underWay(all)}`);
    const ended = latest.data.endDate as string;
    const due = addMonths(ended, 12);
    return todayOf(ctx) <= due
      ? pass(`The latest penetration test, ${label(latest.data)}, ended on ${ended}; the next is due by ${due}.`)
      : fail(
          `The latest penetration test, ${label(latest.data)}, ended on ${ended}, more than a year ago: the next was due by ${due}.${underWay(all)}`,
        );
  },
});

export const vulnerabilityAssessmentAnnual = organisationCheck({
  id: 'assessment.vuln_assessment.annual',
  title: 'A vulnerability assessment with code analysis every year',
  severity: 'high',
  controls: ['ASM-01'],
  remediation:
    'Have independent specialists assess the service, including an analysis of its source code, and record the assessment under Assessments with its report.',
  reads: ['assessment'],
  evaluate: (ctx) => {
    const all = assessments(ctx, 'vulnerability_assessment');
    const done = completedBy(all, (a) => a.endDate);
    const [latest] = done;
    if (!latest) return fail(`No completed vulnerability assessment is recorded.${underWay(all)}`);
    const today = todayOf(ctx);
    const current = (r: Assessment) => today <= addMonths(r.data.endDate as string, 12);
    const withCode = done.find((r) => r.data.codeAnalysis);
    if (!current(latest)) {
      return fail(
        `The latest vulnerability assessment, ${label(latest.data)}, ended on ${latest.data.endDate}, more than a year ago: the next was due by ${addMonths(latest.data.endDate as string, 12)}.${underWay(all)}`,
      );
    }
    if (!withCode || !current(withCode)) {
      return fail(
        `The latest vulnerability assessment, ${label(latest.data)} (ended ${latest.data.endDate}), did not include a code analysis, and none in the last year did.`,
      );
    }
    const due = addMonths(withCode.data.endDate as string, 12);
    return pass(
      `The vulnerability assessment ${label(withCode.data)} ended on ${withCode.data.endDate} and included a code analysis; the next is due by ${due}.`,
    );
  },
});

export const soc2Current = organisationCheck({
  id: 'assessment.soc2.current',
  title: 'A current SOC 2 Type 2 report',
  severity: 'high',
  controls: ['ASM-03'],
  remediation:
    'Engage an accredited audit firm for the next SOC 2 Type 2 observation window so the new report arrives within three months of the last window’s end, and record it under Assessments.',
  reads: ['assessment'],
  evaluate: (ctx) => {
    const all = assessments(ctx, 'soc2_type2');
    const [latest] = completedBy(all, (a) => a.windowEnd);
    const today = todayOf(ctx);
    if (!latest) {
      // The first audit: its window must run before a report can exist.
      const first = all
        .filter((r) => r.data.status !== 'completed' && r.data.windowEnd)
        .sort((a, b) => (a.data.windowEnd ?? '').localeCompare(b.data.windowEnd ?? ''))[0];
      if (first) {
        const expected = addMonths(first.data.windowEnd as string, SOC2_REPORT_MONTHS);
        if (today <= expected) {
          return notApplicable(
            `The first SOC 2 Type 2 audit, ${label(first.data)}, is under way: its window ends on ${first.data.windowEnd} and the report is expected by ${expected}.`,
          );
        }
        return fail(
          `The first SOC 2 Type 2 audit, ${label(first.data)}, has no report yet although its window ended on ${first.data.windowEnd} (expected by ${expected}).`,
        );
      }
      return fail(`No completed SOC 2 Type 2 audit is recorded.${underWay(all)}`);
    }
    const { windowStart, windowEnd } = latest.data;
    const until = addMonths(windowEnd as string, SOC2_CURRENT_MONTHS);
    const covers = `covers ${windowStart} to ${windowEnd}`;
    return today <= until
      ? pass(`The SOC 2 Type 2 report ${label(latest.data)} ${covers}; the next is due by ${until}.`)
      : fail(
          `The latest SOC 2 Type 2 report, ${label(latest.data)}, ${covers}: it stopped being current on ${until}.${underWay(all)}`,
        );
  },
});

export const findingsOnTime = recordCheck<'assessment'>({
  id: 'assessment.findings_on_time',
  title: 'Assessment findings are fixed by their deadline',
  severity: 'high',
  resourceType: 'assessment',
  controls: ['ASM-02'],
  remediation:
    'Fix each finding listed and mark it fixed with the day, or have an owner or admin accept the risk with a reason. Give every finding an owner who tracks it.',
  applies: () => true,
  evaluate: (record, ctx) => {
    const a = record.data;
    const today = todayOf(ctx);
    const late = a.openFindings
      .filter((f) => f.dueDate < today)
      .sort((x, y) => x.dueDate.localeCompare(y.dueDate) || x.title.localeCompare(y.title));
    if (late.length > 0) {
      const items = late.map((f) => `${f.title} (${f.severity}, due ${f.dueDate})`);
      return fail(
        `${plural(late.length, 'finding', 'findings')} of “${a.name}” ${late.length === 1 ? 'is' : 'are'} past due: ${listOf(items)}.`,
      );
    }
    const open = a.openFindings.length;
    return pass(
      open === 0
        ? `“${a.name}” has no open finding.`
        : `“${a.name}” has ${plural(open, 'open finding')}, none past due.`,
    );
  },
});

export const ASSESSMENT_CHECKS: readonly Check[] = [
  pentestAnnual,
  vulnerabilityAssessmentAnnual,
  soc2Current,
  findingsOnTime,
];
