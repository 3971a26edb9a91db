/**
 * Checks over the people register (HRIS): the facts other checks and workflows depend on
 * (start dates for background checks and agreements, managers for access reviews) are there.
 */
import type { Check } from '../types.js';
import { recordCheck } from '../types.js';
import { fail, listOf, notApplicable, pass, timeOf } from './shared.js';

export const recordsComplete = recordCheck<'person'>({
  id: 'people.records_complete',
  title: 'People records have a start date and a manager',
  severity: 'low',
  resourceType: 'person',
  controls: ['GOV-02'],
  remediation:
    "Fill in the missing start date or manager in the HRIS and import it again. For the head of the company, enter the person they report to (the board's representative) or their own email.",
  applies: () => true,
  evaluate: (record, ctx) => {
    const person = record.data;
    const label = `${person.name} (${person.email})`;
    const left = timeOf(person.endDate);
    // Gaps in the records of people who have left no longer matter to anything.
    if (left !== undefined && left < ctx.now.getTime()) return notApplicable(`${label} left on ${person.endDate}.`);
    const missing = [person.startDate ? null : 'start date', person.managerEmail ? null : 'manager'].filter(
      (field): field is string => field !== null,
    );
    return missing.length > 0
      ? fail(`The record of ${label} is missing the ${listOf(missing).replace(' and ', ' and the ')}.`)
      : pass(`The record of ${label} has a start date and a manager.`);
  },
});

export const PEOPLE_CHECKS: readonly Check[] = [recordsComplete];
