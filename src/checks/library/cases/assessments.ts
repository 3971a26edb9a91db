/** The library test's cases for the assessments checks (assessments.ts): a pass and a fail for each. */
import type { AssessmentData } from '../../../integrations/operations.js';
import { assessmentRecord, context, dateDaysAgo, NOW } from '../test-factories.js';
import { bad, ok, org, type Spec } from './spec.js';

const only = (...records: ReturnType<typeof assessmentRecord>[]) => context({ records });
const finding = (
  dueDaysAgo: number,
  title = 'Stored XSS in the report builder',
): AssessmentData['openFindings'][0] => ({
  title,
  severity: 'high',
  dueDate: dateDaysAgo(dueDaysAgo),
  ownerEmail: 'sam@northwind.example',
});
const vuln = (overrides: Partial<AssessmentData> = {}) =>
  assessmentRecord({
    name: 'Security assessment 2026',
    kind: 'vulnerability_assessment',
    codeAnalysis: true,
    ...overrides,
  });
const soc2 = (windowEndDaysAgo: number, overrides: Partial<AssessmentData> = {}) =>
  assessmentRecord({
    name: 'SOC 2 Type 2',
    kind: 'soc2_type2',
    assessor: 'Ledgerline LLP',
    windowStart: dateDaysAgo(windowEndDaysAgo + 180),
    windowEnd: dateDaysAgo(windowEndDaysAgo),
    endDate: dateDaysAgo(windowEndDaysAgo - 30),
    ...overrides,
  });

export const ASSESSMENT_CASES: Record<string, Spec> = {
  'assessment.pentest.annual': {
    cases: [
      org('pass', only(assessmentRecord())),
      // Thirteen months old: the yearly test is late.
      org('fail', only(assessmentRecord({ endDate: dateDaysAgo(396), startDate: dateDaysAgo(410) }))),
      org('fail', only(assessmentRecord({ status: 'in_progress', endDate: null }))),
      org('fail', only(vuln())),
      org('fail', context()),
      // Exactly twelve months after the end is still on time.
      org(
        'pass',
        context({ now: new Date('2026-03-15T12:00:00Z'), records: [assessmentRecord({ endDate: '2025-03-15' })] }),
      ),
      org('fail', context({ now: NOW, records: [assessmentRecord({ endDate: '2025-03-14' })] })),
    ],
  },
  'assessment.vuln_assessment.annual': {
    cases: [
      org('pass', only(vuln())),
      org('fail', only(vuln({ codeAnalysis: false }))),
      org(
        'pass',
        only(vuln({ name: 'Quarterly scan review', codeAnalysis: false }), vuln({ endDate: dateDaysAgo(200) })),
      ),
      org('fail', only(vuln({ endDate: dateDaysAgo(400), startDate: dateDaysAgo(420) }))),
      org('fail', only(assessmentRecord())),
    ],
  },
  'assessment.soc2.current': {
    cases: [
      org('pass', only(soc2(100))),
      // Twelve months of coverage plus three to receive the next report: 14 months is fine, 16 is not.
      org('pass', only(soc2(426))),
      org('fail', only(soc2(487))),
      org('fail', only(assessmentRecord({ kind: 'soc2_type1', name: 'SOC 2 Type 1' }))),
      org('not_applicable', only(soc2(-60, { status: 'in_progress', endDate: null }))),
      org('fail', only(soc2(120, { status: 'in_progress', endDate: null }))),
      org('fail', context()),
    ],
  },
  'assessment.findings_on_time': {
    cases: [
      ok(assessmentRecord()),
      ok(assessmentRecord({ openFindings: [finding(-10)], findings: { open: 1, fixed: 1, accepted: 0 } })),
      ok(assessmentRecord({ openFindings: [finding(0)] })),
      bad(assessmentRecord({ openFindings: [finding(1)] })),
      bad(
        assessmentRecord({
          openFindings: [finding(-5, 'Weak TLS'), finding(20), finding(3, 'IDOR on /api/v1/export')],
        }),
      ),
    ],
  },
};
