/**
 * Checks over the people register: the facts other checks and workflows depend on are there
 * (start dates, managers), and each person joined and left as the policy says: background check
 * and confidentiality agreement before the first day, training current, every account disabled
 * within the hours allowed after the last day. They judge the register's own records (source
 * "people"), which carry those facts; an HRIS list's records feed the register and get none.
 */
import type { PersonRegisterFacts } from '../../integrations/types.js';
import type { Check, StoredRecord } from '../types.js';
import { recordCheck } from '../types.js';
import { DAY_MS, dateOf, fail, HOUR_MS, listOf, notApplicable, pass, plural, timeOf } from './shared.js';

type Registered = StoredRecord<'person'> & { data: { register: PersonRegisterFacts } };

const registered = (record: StoredRecord<'person'>): record is Registered => record.data.register !== undefined;
const labelOf = (record: StoredRecord<'person'>) => `${record.data.name} (${record.data.email})`;
/** A calendar day starts at 00:00 UTC: a deadline counted in hours from an end date starts there. */
const dayStart = (day: string | null) => timeOf(day ? `${day}T00:00:00Z` : null);
const hasLeft = (record: StoredRecord<'person'>, now: Date) => {
  const end = dayStart(record.data.endDate);
  return end !== undefined && end + DAY_MS <= now.getTime();
};

export const recordsComplete = recordCheck<'person'>({
  id: 'people.records_complete',
  title: 'People records have a start date and a manager',
  severity: 'low',
  resourceType: 'person',
  controls: ['GOV-02'],
  remediation:
    "Fill in the missing start date or manager in the HRIS (or the people register) and import it again. For the head of the company, enter the person they report to (the board's representative) or their own email.",
  applies: registered,
  evaluate: (record, ctx) => {
    const person = record.data;
    const label = labelOf(record);
    // Gaps in the records of people who have left no longer matter to anything.
    if (hasLeft(record, ctx.now)) return notApplicable(`${label} left on ${person.endDate}.`);
    const missing = [person.startDate ? null : 'start date', person.managerEmail ? null : 'manager'].filter(
      (field): field is string => field !== null,
    );
    return missing.length > 0
      ? fail(`The record of ${label} is missing the ${listOf(missing).replace(' and ', ' and the ')}.`)
      : pass(`The record of ${label} has a start date and a manager.`);
  },
});

export const backgroundCheckBeforeStart = recordCheck<'person'>({
  id: 'people.background_check_before_start',
  title: 'Background check finished before the first day',
  severity: 'high',
  resourceType: 'person',
  controls: ['PEO-01'],
  remediation:
    "Finish the background check and record its result and report on the person's page. If someone started without one, record why and have the check done now; change onboarding so start dates wait for the result.",
  applies: (record) =>
    registered(record) && record.data.register.requires.backgroundCheck && record.data.startDate !== null,
  evaluate: (record, ctx) => {
    const { startDate } = record.data;
    const facts = (record as Registered).data.register;
    const label = labelOf(record);
    const check = facts.backgroundCheck;
    const started = (dayStart(startDate) ?? 0) <= ctx.now.getTime();
    if (check?.status === 'passed' && check.completedOn) {
      return check.completedOn <= (startDate ?? '')
        ? pass(`${label} passed the background check on ${check.completedOn}, before starting on ${startDate}.`)
        : fail(`${label} started on ${startDate}, before the background check finished on ${check.completedOn}.`);
    }
    if (!started) {
      return notApplicable(
        `${label} starts on ${startDate}; the background check (${(check?.status ?? 'not started').replace('_', ' ')}) must be finished by then.`,
      );
    }
    if (check?.status === 'failed') {
      return fail(`${label} started on ${startDate} although the background check failed on ${check.completedOn}.`);
    }
    return fail(
      `${label} started on ${startDate} without a finished background check (${(check?.status ?? 'not started').replace('_', ' ')}).`,
    );
  },
});

export const agreementBeforeStart = recordCheck<'person'>({
  id: 'people.nda_before_start',
  title: 'Confidentiality agreement signed by the first day',
  severity: 'high',
  resourceType: 'person',
  controls: ['PEO-02'],
  remediation:
    'Ask the person to sign the confidentiality agreement from their Agreement page now, or record a copy they signed on paper. Send the agreement with the offer so it is signed before the first day.',
  applies: (record) => registered(record) && record.data.register.requires.agreement && record.data.startDate !== null,
  evaluate: (record, ctx) => {
    const { startDate } = record.data;
    const facts = (record as Registered).data.register;
    const label = labelOf(record);
    const signed = facts.agreementSignedAt?.slice(0, 10) ?? null;
    if (signed) {
      return signed <= (startDate ?? '')
        ? pass(`${label} signed the confidentiality agreement on ${signed}, by the first day (${startDate}).`)
        : fail(`${label} signed the confidentiality agreement on ${signed}, after starting on ${startDate}.`);
    }
    if ((dayStart(startDate) ?? 0) > ctx.now.getTime()) {
      return notApplicable(`${label} starts on ${startDate} and has not signed the confidentiality agreement yet.`);
    }
    return fail(`${label} started on ${startDate} and has not signed the confidentiality agreement.`);
  },
});

export const trainingAnnual = recordCheck<'person'>({
  id: 'people.training_annual',
  title: 'Security training completed and current',
  severity: 'medium',
  resourceType: 'person',
  controls: ['PEO-03'],
  remediation:
    'Ask the person to complete the security awareness training on their Training page. Training must be repeated every year; reminders go out before it expires.',
  applies: (record) => registered(record) && record.data.register.requires.training,
  evaluate: (record, ctx) => {
    const facts = (record as Registered).data.register;
    const label = labelOf(record);
    if (hasLeft(record, ctx.now)) return notApplicable(`${label} left on ${record.data.endDate}.`);
    const now = ctx.now.getTime();
    const completed = timeOf(facts.trainingCompletedAt);
    if (completed !== undefined) {
      const expires = completed + facts.trainingValidityDays * DAY_MS;
      return now <= expires
        ? pass(
            `${label} completed the security training on ${dateOf(completed)}; it is due again on ${dateOf(expires)}.`,
          )
        : fail(`The security training of ${label} expired on ${dateOf(expires)} (completed on ${dateOf(completed)}).`);
    }
    // A new person has some days; without a start date, from when the register first had them.
    const from = dayStart(record.data.startDate) ?? timeOf(record.firstSeenAt) ?? now;
    const due = from + facts.trainingGraceDays * DAY_MS;
    if (now <= due) return notApplicable(`${label} has until ${dateOf(due)} to complete the security training.`);
    return fail(`${label} has not completed the security training, due on ${dateOf(due)}.`);
  },
});

export const offboardingTimely = recordCheck<'person'>({
  id: 'people.offboarding_timely',
  title: 'Accounts disabled in time after a departure',
  severity: 'high',
  resourceType: 'person',
  controls: ['PEO-04'],
  remediation:
    'Disable the accounts still open now and check what they did after the last day. Then find out why offboarding was late: connect the identity provider so accounts follow the end date.',
  applies: (record) => registered(record) && record.data.endDate !== null && record.data.register.accounts !== null,
  evaluate: (record, ctx) => {
    const facts = (record as Registered).data.register;
    const label = labelOf(record);
    const end = dayStart(record.data.endDate);
    if (end === undefined) return notApplicable(`The end date of ${label} cannot be read.`);
    const hours = ctx.settings.departedAccountHours;
    const deadline = end + hours * HOUR_MS;
    const now = ctx.now.getTime();
    const accounts = facts.accounts ?? [];
    if (now < end) {
      return notApplicable(
        `${label} leaves on ${record.data.endDate}; ${plural(accounts.length, 'account')} to disable.`,
      );
    }
    const late: string[] = [];
    let open = 0;
    for (const account of accounts) {
      const disabled = timeOf(account.disabledAt);
      if (disabled === undefined) {
        if (now > deadline) late.push(`${account.name} (${account.source}) is still active`);
        else open++;
      } else if (disabled > deadline) {
        const after = Math.round((disabled - end) / HOUR_MS);
        late.push(`${account.name} (${account.source}) was disabled ${after} hours after the end date`);
      }
    }
    if (late.length > 0) {
      return fail(`${label} left on ${record.data.endDate} (limit ${hours} hours): ${listOf(late)}.`);
    }
    if (open > 0) {
      return pass(
        `${label} left on ${record.data.endDate}; ${plural(open, 'account is', 'accounts are')} still active, within the limit of ${hours} hours.`,
      );
    }
    return accounts.length === 0
      ? pass(`${label} left on ${record.data.endDate}; no account in any source belongs to them.`)
      : pass(
          `${label} left on ${record.data.endDate}; all ${plural(accounts.length, 'account')} were disabled within ${hours} hours.`,
        );
  },
});

export const PEOPLE_CHECKS: readonly Check[] = [
  recordsComplete,
  backgroundCheckBeforeStart,
  agreementBeforeStart,
  trainingAnnual,
  offboardingTimely,
];
