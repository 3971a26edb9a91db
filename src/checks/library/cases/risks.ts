/** The library test's cases for the risks checks (risks.ts): a pass and a fail for each. */
import { context, dateDaysAgo, daysAgo, riskAssessmentRecord, riskRecord } from '../test-factories.js';
import { bad, ok, org, type Spec } from './spec.js';

const assessments = (...records: ReturnType<typeof riskAssessmentRecord>[]) => context({ records });
const high = { likelihood: 4, impact: 4, score: 16, level: 'high' as const };
const critical = { likelihood: 5, impact: 5, score: 25, level: 'critical' as const };
const inherentCritical = { inherent: critical };

export const RISK_CASES: Record<string, Spec> = {
  'risk.assessment.annual': {
    cases: [
      org('pass', assessments(riskAssessmentRecord())),
      // The latest completed one counts, whatever older ones say.
      org(
        'pass',
        assessments(
          riskAssessmentRecord({ name: 'Risk assessment 2024', completedAt: daysAgo(465), fraudConsidered: false }),
          riskAssessmentRecord({ completedAt: daysAgo(364) }),
        ),
      ),
      org('fail', context()),
      org('fail', assessments(riskAssessmentRecord({ status: 'open', completedAt: null, reviewed: 3 }))),
      org('fail', assessments(riskAssessmentRecord({ completedAt: daysAgo(366) }))),
      org('fail', assessments(riskAssessmentRecord({ fraudConsidered: false }))),
      // A cancelled campaign proves nothing.
      org('fail', assessments(riskAssessmentRecord({ status: 'cancelled', completedAt: null }))),
    ],
  },
  'risk.treatments_on_time': {
    cases: [
      ok(riskRecord()),
      ok(riskRecord({ reviewOn: dateDaysAgo(0) })),
      ok(riskRecord({ ...inherentCritical, residual: high, treatment: 'transfer' })),
      ok(
        riskRecord({
          ...inherentCritical,
          residual: critical,
          treatment: 'accept',
          acceptance: { by: 'owner@northwind.example', at: daysAgo(10) },
        }),
      ),
      // Low and medium risks may stay untreated.
      ok(riskRecord({ treatment: null })),
      bad(riskRecord({ reviewOn: dateDaysAgo(1) })),
      bad(riskRecord({ ...inherentCritical, residual: high, treatment: null })),
      bad(riskRecord({ ...inherentCritical, residual: critical, treatment: 'accept', acceptance: null })),
    ],
    skip: [riskRecord({ status: 'closed', reviewOn: dateDaysAgo(400) })],
  },
};
