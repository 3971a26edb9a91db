/**
 * Checks over the incident register (records Attest writes itself, source "incidents",
 * src/integrations/operations.ts): escalations go out in time, breach notices reach every
 * affected customer before the deadline and carry every required fact, and serious incidents
 * get a post-incident review.
 */
import type { Check } from '../types.js';
import { recordCheck } from '../types.js';
import { DAY_MS, dateOf, fail, listOf, notApplicable, pass, plural, timeOf } from './shared.js';

const MINUTE_MS = 60_000;
/** Days after resolution by which a serious incident's review must be complete. */
export const REVIEW_DAYS = 30;

const minutes = (ms: number) => {
  const n = Math.round(ms / MINUTE_MS);
  return n <= 0 ? 'under a minute' : plural(n, 'minute');
};
const at = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

export const escalatedOnTime = recordCheck<'incident'>({
  id: 'incident.escalated_on_time',
  title: 'Incidents are escalated within the target time',
  severity: 'high',
  resourceType: 'incident',
  controls: ['INC-02'],
  remediation:
    'Check that the escalation rule for this severity names people who are still members and a webhook that answers. Fix the rule under Incidents, escalation rules, so the next incident reaches someone in time.',
  applies: () => true,
  evaluate: (record, ctx) => {
    const incident = record.data;
    const first = incident.firstEscalation;
    if (!first) return notApplicable(`No escalation rule matched ${incident.name}.`);
    const from = timeOf(first.triggeredAt) ?? timeOf(incident.reportedAt) ?? ctx.now.getTime();
    const due = from + first.targetMinutes * MINUTE_MS;
    const sent = timeOf(first.sentAt);
    if (sent !== undefined) {
      return sent <= due
        ? pass(
            `The first escalation of ${incident.name} went out ${minutes(sent - from)} after it applied (target ${first.targetMinutes} minutes).`,
          )
        : fail(
            `The first escalation of ${incident.name} went out ${minutes(sent - from)} after it applied, over the ${first.targetMinutes}-minute target.`,
          );
    }
    return ctx.now.getTime() <= due
      ? notApplicable(`The escalation of ${incident.name} has not reached anyone yet; it is due by ${at(due)} UTC.`)
      : fail(`The escalation of ${incident.name} has reached nobody, and its target passed at ${at(due)} UTC.`);
  },
});

export const breachNoticeDeadline = recordCheck<'incident'>({
  id: 'incident.breach_notice_deadline',
  title: 'Breach notices are sent before the deadline',
  severity: 'critical',
  resourceType: 'incident',
  controls: ['INC-04'],
  remediation:
    'Complete and send the notice to every affected customer listed on the incident. If law enforcement or the law requires waiting, record the delay with its reason so the deadline moves.',
  applies: (record) => record.data.breach !== null,
  evaluate: (record, ctx) => {
    const incident = record.data;
    const breach = incident.breach;
    if (!breach) return notApplicable(`${incident.name} is not a breach.`);
    const deadline = timeOf(breach.deadlineAt) ?? ctx.now.getTime();
    const delayed = breach.delays > 0 ? ` (extended by ${plural(breach.delays, 'delay')})` : '';
    if (breach.customers.length === 0) {
      return notApplicable(`The breach ${incident.name} lists no affected customer yet.`);
    }
    const late = breach.customers.filter((c) => {
      const sent = timeOf(c.sentAt);
      return sent !== undefined && sent > deadline;
    });
    if (late.length > 0) {
      return fail(
        `Notices of ${incident.name} went out after the deadline of ${at(deadline)} UTC${delayed}: ${listOf(late.map((c) => c.name))}.`,
      );
    }
    const unsent = breach.customers.filter((c) => timeOf(c.sentAt) === undefined);
    if (unsent.length === 0) {
      return pass(
        `Every affected customer of ${incident.name} was notified before the deadline of ${at(deadline)} UTC${delayed}.`,
      );
    }
    return ctx.now.getTime() <= deadline
      ? pass(
          `${plural(unsent.length, 'notice')} of ${incident.name} still to send, due by ${at(deadline)} UTC${delayed}.`,
        )
      : fail(
          `The notice deadline of ${incident.name} passed at ${at(deadline)} UTC${delayed} with ${plural(unsent.length, 'customer')} not notified: ${listOf(unsent.map((c) => c.name))}.`,
        );
  },
});

export const breachNoticeComplete = recordCheck<'incident'>({
  id: 'incident.breach_notice_complete',
  title: 'Breach notices carry every required fact',
  severity: 'high',
  resourceType: 'incident',
  controls: ['INC-05'],
  remediation:
    'Send each customer named a corrected notice that states the extent, what happened with the dates, the scope and the response. Make sure every affected customer has a notice on the incident.',
  applies: (record) => record.data.breach !== null,
  evaluate: (record) => {
    const incident = record.data;
    const breach = incident.breach;
    if (!breach) return notApplicable(`${incident.name} is not a breach.`);
    const problems: string[] = [];
    for (const c of breach.customers) {
      if (!c.hasNotice) problems.push(`${c.name} has no notice`);
      else if (c.sentAt && c.missingFields.length > 0) {
        problems.push(`the notice to ${c.name} was sent without ${listOf(c.missingFields, 6)}`);
      }
    }
    if (problems.length > 0) return fail(`In ${incident.name}: ${listOf(problems)}.`);
    const sent = breach.customers.filter((c) => c.sentAt).length;
    return pass(
      `Every affected customer of ${incident.name} has a notice, and the ${plural(sent, 'notice')} sent carried every required fact.`,
    );
  },
});

export const postIncidentReview = recordCheck<'incident'>({
  id: 'incident.post_incident_review',
  title: 'Serious incidents get a post-incident review',
  severity: 'medium',
  resourceType: 'incident',
  controls: ['INC-03'],
  remediation: `Write the post-incident review on the incident page: root cause, what went well, what to improve and the action items with owners. Finish it within ${REVIEW_DAYS} days of resolution.`,
  applies: (record) =>
    (record.data.severity === 'sev1' || record.data.severity === 'sev2') &&
    (record.data.status === 'resolved' || record.data.status === 'closed'),
  evaluate: (record, ctx) => {
    const incident = record.data;
    const resolved = timeOf(incident.resolvedAt) ?? timeOf(incident.closedAt) ?? ctx.now.getTime();
    const due = resolved + REVIEW_DAYS * DAY_MS;
    const reviewed = timeOf(incident.reviewCompletedAt);
    if (reviewed !== undefined) {
      return reviewed <= due
        ? pass(`The post-incident review of ${incident.name} was completed on ${dateOf(reviewed)}.`)
        : fail(
            `The post-incident review of ${incident.name} was completed on ${dateOf(reviewed)}, after the ${REVIEW_DAYS} days that ended ${dateOf(due)}.`,
          );
    }
    return ctx.now.getTime() <= due
      ? notApplicable(`${incident.name} was resolved on ${dateOf(resolved)}; its review is due by ${dateOf(due)}.`)
      : fail(`${incident.name} has no completed post-incident review, due since ${dateOf(due)}.`);
  },
});

export const INCIDENT_CHECKS: readonly Check[] = [
  escalatedOnTime,
  breachNoticeDeadline,
  breachNoticeComplete,
  postIncidentReview,
];
