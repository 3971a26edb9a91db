/** The library test's cases for the vendors checks (vendors.ts): a pass and a fail for each. */
import { dateDaysAgo, daysAgo, vendorRecord } from '../test-factories.js';
import { bad, na, ok, type Spec } from './spec.js';

const vendor = vendorRecord;
const reviewed = (days: number, outcome: 'approved' | 'approved_with_conditions' | 'rejected' = 'approved') => ({
  completedOn: dateDaysAgo(days),
  outcome,
});

export const VENDOR_CASES: Record<string, Spec> = {
  'vendor.register.complete': {
    cases: [
      ok(vendor()),
      ok(vendor({ status: 'proposed', dataClassification: 'internal', regions: [] })),
      bad(vendor({ ownerEmail: null })),
      bad(vendor({ purpose: '  ' })),
      bad(vendor({ status: 'in_review', dataClassification: null })),
      bad(vendor({ dataClassification: 'confidential', regions: [] })),
    ],
    skip: [vendor({ status: 'offboarded', ownerEmail: null }), vendor({ status: 'rejected', purpose: null })],
  },
  'vendor.review_before_approval': {
    cases: [
      ok(vendor()),
      ok(vendor({ approvedAt: daysAgo(100), reviews: [reviewed(100, 'approved_with_conditions')] })),
      // A later review does not make up for approving without one.
      bad(vendor({ approvedAt: daysAgo(90), reviews: [reviewed(30)] })),
      bad(vendor({ reviews: [] })),
      bad(vendor({ reviews: [reviewed(100, 'rejected')] })),
    ],
    skip: [vendor({ status: 'in_review', approvedAt: null, reviews: [] })],
  },
  'vendor.review_current': {
    cases: [
      ok(vendor()),
      ok(vendor({ tier: 'low', reviewIntervalDays: 1095, reviews: [reviewed(1000)] })),
      bad(vendor({ reviews: [reviewed(400)] })),
      bad(vendor({ reviews: [] })),
      bad(vendor({ reviews: [reviewed(10, 'rejected'), reviewed(100)] })),
    ],
    skip: [vendor({ status: 'proposed', approvedAt: null, reviews: [] })],
  },
  'vendor.soc_report_current': {
    cases: [
      ok(vendor()),
      ok(vendor({ socReport: { kind: 'soc2_type1', periodEnd: dateDaysAgo(360) } })),
      na(vendor({ tier: 'medium', socReport: null })),
      bad(vendor({ socReport: null })),
      bad(vendor({ socReport: { kind: 'soc2_type2', periodEnd: dateDaysAgo(400) } })),
    ],
    skip: [vendor({ status: 'offboarded', socReport: null })],
  },
};
