import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addMonths, firstDue, nextOccurrence } from './schedule.js';

const d = (iso: string) => new Date(iso);

describe('evidence task schedule', () => {
  it('adds calendar months, ending on the last day of a shorter month', () => {
    assert.equal(addMonths(d('2026-01-31T17:00:00Z'), 1).toISOString(), '2026-02-28T17:00:00.000Z');
    assert.equal(addMonths(d('2028-01-31T17:00:00Z'), 1).toISOString(), '2028-02-29T17:00:00.000Z');
    assert.equal(addMonths(d('2026-11-30T00:00:00Z'), 3).toISOString(), '2027-02-28T00:00:00.000Z');
    assert.equal(addMonths(d('2028-02-29T08:00:00Z'), 12).toISOString(), '2029-02-28T08:00:00.000Z');
  });

  it('dues a new task one period from now, or 30 days for a one-off task', () => {
    const now = d('2026-03-02T09:00:00Z');
    assert.equal(firstDue('once', now).toISOString(), '2026-04-01T09:00:00.000Z');
    assert.equal(firstDue('monthly', now).toISOString(), '2026-04-02T09:00:00.000Z');
    assert.equal(firstDue('quarterly', now).toISOString(), '2026-06-02T09:00:00.000Z');
    assert.equal(firstDue('yearly', now).toISOString(), '2027-03-02T09:00:00.000Z');
  });

  it('counts from the anchor, so the 31st comes back after February', () => {
    const anchor = d('2026-01-31T12:00:00Z');
    const feb = nextOccurrence('monthly', anchor, 0, d('2026-01-20T00:00:00Z'));
    assert.deepEqual(feb, { seq: 1, dueAt: d('2026-02-28T12:00:00Z') });
    const mar = nextOccurrence('monthly', anchor, 1, d('2026-02-27T00:00:00Z'));
    assert.deepEqual(mar, { seq: 2, dueAt: d('2026-03-31T12:00:00Z') });
  });

  it('rolls a late completion forward to the first period end still ahead, and schedules nothing after a one-off', () => {
    const anchor = d('2026-01-15T00:00:00Z');
    assert.deepEqual(nextOccurrence('monthly', anchor, 0, d('2026-04-20T00:00:00Z')), {
      seq: 4,
      dueAt: d('2026-05-15T00:00:00Z'),
    });
    assert.deepEqual(nextOccurrence('quarterly', anchor, 0, d('2026-04-15T00:00:00Z')), {
      seq: 2,
      dueAt: d('2026-07-15T00:00:00Z'),
    });
    assert.equal(nextOccurrence('once', anchor, 0, anchor), null);
  });
});
