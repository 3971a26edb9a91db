/**
 * Checks over the catalogue of systems (records Attest writes itself, source "systems"): who
 * holds production access holds it on an approved, time-limited request; access ends when its
 * request ends; and every system's accounts were reviewed within the last quarter.
 */
import type { Check } from '../types.js';
import { recordCheck } from '../types.js';
import { DAY_MS, dateOf, fail, listOf, notApplicable, pass, plural, timeOf } from './shared.js';

/** A quarter, with a week to finish the campaign. */
const REVIEW_DAYS = 92 + 7;

export const productionRequestsApproved = recordCheck<'system'>({
  id: 'access.production.requests_approved',
  title: 'Production access rests on approved requests',
  severity: 'high',
  resourceType: 'system',
  controls: ['ACC-08'],
  remediation:
    'Ask each person listed to request access under Access requests, with a business reason, and have the system owner decide. Remove the access of anyone who no longer needs it.',
  applies: (record) => record.data.production,
  evaluate: (record) => {
    const system = record.data;
    if (!system.accountsKnown) {
      return notApplicable(`No monitoring source feeds the accounts of ${system.name}: connect one to compare them.`);
    }
    return system.activeWithoutGrant.length === 0
      ? pass(`Everyone with an active account on ${system.name} holds it on an approved request (or owns the system).`)
      : fail(
          `${plural(system.activeWithoutGrant.length, 'person has', 'people have')} access to ${system.name} without an approved request: ${listOf(system.activeWithoutGrant)}.`,
        );
  },
});

export const productionGrantsExpire = recordCheck<'system'>({
  id: 'access.production.grants_expire',
  title: 'Production access ends when its request ends',
  severity: 'high',
  resourceType: 'system',
  controls: ['ACC-08'],
  remediation:
    'Remove the access listed from the system now, or have the person request it again. Make sure the hourly expiry job runs.',
  applies: (record) => record.data.production,
  evaluate: (record) => {
    const system = record.data;
    const problems: string[] = [];
    if (system.grantsPastExpiry > 0) {
      problems.push(`${plural(system.grantsPastExpiry, 'approved grant is', 'approved grants are')} past expiry`);
    }
    for (const ended of system.activeAfterGrantEnded) {
      problems.push(
        `${ended.email} still has an active account although the grant ended on ${ended.endedAt.slice(0, 10)}`,
      );
    }
    if (problems.length > 0) return fail(`On ${system.name}: ${listOf(problems)}.`);
    return system.accountsKnown
      ? pass(`Access to ${system.name} ended wherever its request ended.`)
      : pass(`Every approved grant on ${system.name} is within its expiry.`);
  },
});

export const reviewedQuarterly = recordCheck<'system'>({
  id: 'access.review.quarterly',
  title: 'Accounts reviewed within the last quarter',
  severity: 'medium',
  resourceType: 'system',
  controls: ['ACC-09'],
  remediation:
    'Start an access review campaign that covers this system and have the reviewers finish it, or turn on the quarterly schedule under Access reviews.',
  applies: () => true,
  evaluate: (record, ctx) => {
    const system = record.data;
    const now = ctx.now.getTime();
    const reviewed = timeOf(system.lastReviewedAt);
    if (reviewed !== undefined) {
      const due = reviewed + REVIEW_DAYS * DAY_MS;
      return now <= due
        ? pass(`${system.name} was last reviewed on ${dateOf(reviewed)}; the next review is due by ${dateOf(due)}.`)
        : fail(
            `${system.name} was last reviewed on ${dateOf(reviewed)}: the quarterly review is overdue since ${dateOf(due)}.`,
          );
    }
    const due = (timeOf(system.createdAt) ?? now) + REVIEW_DAYS * DAY_MS;
    return now <= due
      ? notApplicable(`${system.name} is new: its first access review is due by ${dateOf(due)}.`)
      : fail(`${system.name} has never had a completed access review (due by ${dateOf(due)}).`);
  },
});

export const ACCESS_CHECKS: readonly Check[] = [productionRequestsApproved, productionGrantsExpire, reviewedQuarterly];
