import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ImportError, type InventoryRecord } from '../types.js';
import { parseHrisCsv } from './index.js';

const options = { now: new Date('2026-11-23T12:00:00Z') };
const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/synthetic/${name}`, import.meta.url), 'utf8');

function people(input: string) {
  const push = parseHrisCsv(input, options);
  assert.equal(push.scopes.length, 1);
  assert.equal(push.scopes[0]?.scope, 'people');
  return { push, records: (push.scopes[0]?.records ?? []) as InventoryRecord<'person'>[] };
}

describe('parseHrisCsv', () => {
  it('reads a people list into person records keyed by email', () => {
    const { push, records } = people(fixture('people.csv'));
    assert.equal(push.format, 'People list (CSV)');
    assert.equal(records.length, 5);
    assert.deepEqual(
      records.map((r) => r.externalId),
      [
        'mara.quint@example.org',
        'tobias.renn@example.org',
        'ife.okafor@example.org',
        'lena.voss@example.org',
        'sam.ortiz@example.org',
      ],
    );
    assert.deepEqual(records[0], {
      type: 'person',
      externalId: 'mara.quint@example.org',
      name: 'Mara Quint',
      data: {
        email: 'mara.quint@example.org',
        name: 'Mara Quint',
        employmentType: 'employee',
        startDate: '2021-03-01',
        endDate: null,
        managerEmail: null,
      },
    });
    const ife = records[2]?.data;
    assert.equal(ife?.name, 'Okafor, Ife');
    assert.equal(ife?.employmentType, 'contractor');
    assert.equal(ife?.endDate, '2024-12-31');
    assert.equal(ife?.managerEmail, 'tobias.renn@example.org');
    assert.equal(records[3]?.data.employmentType, 'employee', 'part-time counts as employee');
    assert.equal(records[4]?.data.employmentType, 'other');
    assert.deepEqual(push.warnings, []);
  });

  it('reads a semicolon export with a BOM and other header names', () => {
    const { records } = people(fixture('people-semicolon.csv'));
    assert.equal(records.length, 2);
    assert.deepEqual(records[1]?.data, {
      email: 'aiko.brandt@example.org',
      name: 'Aiko Brandt',
      employmentType: 'contractor',
      startDate: '2025-05-12',
      endDate: null,
      managerEmail: 'jonas.petit@example.org',
    });
  });

  it('names a missing column and the columns it found', () => {
    assert.throws(
      () => parseHrisCsv(fixture('people-missing-column.csv'), options),
      (e: Error) =>
        e instanceof ImportError && /'email' is missing/.test(e.message) && e.message.includes("'Employment Type'"),
    );
  });

  it('names the line of a date it cannot read', () => {
    assert.throws(
      () => parseHrisCsv(fixture('people-bad-date.csv'), options),
      (e: Error) =>
        e instanceof ImportError && e.message.startsWith("line 3: 'start date' is not a date (use YYYY-MM-DD)"),
    );
  });

  it('refuses a duplicate email, naming both lines, whatever its case', () => {
    assert.throws(
      () => parseHrisCsv(fixture('people-duplicate-email.csv'), options),
      (e: Error) => e instanceof ImportError && e.message.startsWith('lines 2 and 5 both list mara.quint@example.org'),
    );
  });

  it('refuses an employment type it does not know, and an empty file', () => {
    const csv = 'name,email,employment type\nAna,ana@example.org,seasonal\n';
    assert.throws(
      () => parseHrisCsv(csv, options),
      /line 2: 'employment type' is 'seasonal' \(use employee, contractor or other/,
    );
    assert.throws(() => parseHrisCsv('', options), ImportError);
    assert.throws(
      () => parseHrisCsv('name,email,employment type\nAna,,employee\n', options),
      /line 2: 'email' is empty/,
    );
  });

  it('warns about managers missing from the list and end dates before start dates', () => {
    const csv =
      'name,email,employment type,start date,end date,manager\n' +
      'Ana,ana@example.org,employee,2025-05-01,2025-04-01,boss@example.org\n';
    const { push } = people(csv);
    assert.equal(push.warnings.length, 2);
    assert.match(push.warnings[0] ?? '', /line 2: ana@example.org has an end date/);
    assert.match(push.warnings[1] ?? '', /manager boss@example.org is not in the list/);
  });

  it('parses the Northwind Labs sample', () => {
    const input = readFileSync(new URL('../../content/samples/people.csv', import.meta.url), 'utf8');
    const { push, records } = people(input);
    assert.equal(records.length, 27);
    assert.deepEqual(push.warnings, []);
    assert.equal(records.filter((r) => r.data.employmentType === 'contractor').length, 3);
    assert.equal(records.filter((r) => r.data.endDate !== null).length, 5);
    assert.ok(records.every((r) => r.externalId.endsWith('@northwind.example')));
  });
});
