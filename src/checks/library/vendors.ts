/**
 * Checks over the vendor register (records Attest writes itself, source "vendors"): every
 * vendor in use is described well enough to judge its risk, approved vendors were reviewed
 * before approval and are reviewed again as often as their tier asks, and the vendors that
 * matter most hand over a SOC 2 report each year.
 */
import type { VendorData } from '../../integrations/types.js';
import type { Check } from '../types.js';
import { recordCheck } from '../types.js';
import { DAY_MS, dateOf, fail, listOf, notApplicable, pass, timeOf } from './shared.js';

const SENSITIVE = new Set<VendorData['dataClassification']>(['confidential', 'restricted']);
/** A calendar day as the start of that day, UTC. */
const dayStart = (day: string) => timeOf(`${day}T00:00:00Z`);

/** The same day one year later (29 February moves to 1 March). */
export function oneYearAfter(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y + 1, m - 1, d)).toISOString().slice(0, 10);
}

export const registerComplete = recordCheck<'vendor'>({
  id: 'vendor.register.complete',
  title: 'Vendors in the register are fully described',
  severity: 'medium',
  resourceType: 'vendor',
  controls: ['VEN-01'],
  remediation:
    'Open the vendor under Vendors and fill in what is missing: an owner, what the vendor does for you and the data it touches. For vendors holding confidential or restricted data, list the regions where they host it.',
  applies: (record) => record.data.status !== 'offboarded' && record.data.status !== 'rejected',
  evaluate: (record) => {
    const vendor = record.data;
    const missing = [
      vendor.ownerEmail ? null : 'an owner',
      vendor.purpose?.trim() ? null : 'a purpose',
      vendor.dataClassification ? null : 'a data classification',
      SENSITIVE.has(vendor.dataClassification) && vendor.regions.length === 0
        ? 'the regions where it hosts data'
        : null,
    ].filter((field): field is string => field !== null);
    return missing.length > 0
      ? fail(`The register entry of ${vendor.name} is missing ${listOf(missing, 4)}.`)
      : pass(
          `${vendor.name} has ${listOf(['an owner', 'a purpose', 'a data classification', ...(SENSITIVE.has(vendor.dataClassification) ? ['hosting regions'] : [])], 4)}.`,
        );
  },
});

export const reviewBeforeApproval = recordCheck<'vendor'>({
  id: 'vendor.review_before_approval',
  title: 'Vendors were reviewed before approval',
  severity: 'high',
  resourceType: 'vendor',
  controls: ['VEN-02'],
  remediation:
    'Review the vendor now (its questionnaire answers and assurance report) and record the review on its page. Approve new vendors only after their review is recorded.',
  applies: (record) => record.data.status === 'approved',
  evaluate: (record) => {
    const vendor = record.data;
    const approvedOn = vendor.approvedAt?.slice(0, 10);
    if (!approvedOn) return fail(`${vendor.name} is approved but its approval date is unknown.`);
    const before = vendor.reviews.find((r) => r.completedOn <= approvedOn);
    if (!before) {
      return fail(`${vendor.name} was approved on ${approvedOn} without a review completed on or before that day.`);
    }
    if (before.outcome === 'rejected') {
      return fail(
        `${vendor.name} was approved on ${approvedOn} although its review of ${before.completedOn} rejected it.`,
      );
    }
    return pass(`${vendor.name} was reviewed on ${before.completedOn} and approved on ${approvedOn}.`);
  },
});

export const reviewCurrent = recordCheck<'vendor'>({
  id: 'vendor.review_current',
  title: 'Approved vendors are reviewed as often as their tier asks',
  severity: 'medium',
  resourceType: 'vendor',
  controls: ['VEN-02'],
  remediation:
    'Review the vendor again (send a new questionnaire, read its latest report) and record the review on its page. If it no longer passes, reject or offboard it.',
  applies: (record) => record.data.status === 'approved',
  evaluate: (record, ctx) => {
    const vendor = record.data;
    const latest = vendor.reviews[0];
    if (!latest) return fail(`${vendor.name} is approved but has no completed review.`);
    if (latest.outcome === 'rejected') {
      return fail(`The latest review of ${vendor.name} (${latest.completedOn}) rejected it, yet it is still approved.`);
    }
    const due = (dayStart(latest.completedOn) ?? 0) + vendor.reviewIntervalDays * DAY_MS;
    return ctx.now.getTime() < due + DAY_MS
      ? pass(
          `${vendor.name} (${vendor.tier} tier) was last reviewed on ${latest.completedOn}; the next review is due by ${dateOf(due)}.`,
        )
      : fail(
          `${vendor.name} (${vendor.tier} tier) was last reviewed on ${latest.completedOn}: the review due by ${dateOf(due)} is overdue.`,
        );
  },
});

export const socReportCurrent = recordCheck<'vendor'>({
  id: 'vendor.soc_report_current',
  title: 'High-tier vendors have a SOC 2 report from the last year',
  severity: 'high',
  resourceType: 'vendor',
  controls: ['VEN-03'],
  remediation:
    "Ask the vendor for its latest SOC 2 report (its trust portal usually has it) and upload it on the vendor's page with its period. Note any exceptions it reports in a review.",
  applies: (record) => record.data.status === 'approved',
  evaluate: (record, ctx) => {
    const vendor = record.data;
    if (vendor.tier !== 'high') {
      return notApplicable(
        `${vendor.name} is a ${vendor.tier}-tier vendor: a yearly SOC 2 report is asked of high-tier vendors only.`,
      );
    }
    const report = vendor.socReport;
    if (!report) return fail(`${vendor.name} is a high-tier vendor with no SOC 2 report on file.`);
    const expires = oneYearAfter(report.periodEnd);
    const today = ctx.now.toISOString().slice(0, 10);
    return today <= expires
      ? pass(
          `The SOC 2 report of ${vendor.name} covers a period ending ${report.periodEnd}; it is current until ${expires}.`,
        )
      : fail(
          `The latest SOC 2 report of ${vendor.name} covers a period ending ${report.periodEnd}, more than 12 months ago.`,
        );
  },
});

export const VENDOR_CHECKS: readonly Check[] = [
  registerComplete,
  reviewBeforeApproval,
  reviewCurrent,
  socReportCurrent,
];
