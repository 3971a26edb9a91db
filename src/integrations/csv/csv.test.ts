import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImportError } from '../types.js';
import { detectDelimiter, normalizeHeader, parseBool, parseDay, parseEmail, parseTime, readCsv } from './index.js';

const spec = {
  columns: { email: ['email', 'work email'], startDate: ['start date', 'hire date'], note: ['note'] },
  required: ['email', 'startDate'] as ('email' | 'startDate' | 'note')[],
  what: 'a test list',
};

describe('readCsv', () => {
  it('matches headers ignoring case, spaces, underscores and dashes, and strips a BOM', () => {
    const table = readCsv('\uFEFFWork_Email,START-date,Extra\r\nana@example.org,2025-01-02,x\r\n', spec);
    assert.equal(table.rows.length, 1);
    assert.deepEqual(table.rows[0], {
      line: 2,
      values: { email: 'ana@example.org', startDate: '2025-01-02', note: '' },
    });
    assert.deepEqual([...table.present].sort(), ['email', 'startDate']);
  });

  it("detects ';' delimiters and keeps quoted delimiters inside values", () => {
    assert.equal(detectDelimiter('a;b;"c,d"\n1,2,3'), ';');
    assert.equal(detectDelimiter('"a;b",c\n'), ',');
    const table = readCsv('email;start date;note\nana@example.org;2025-01-02;"one; two"\n', spec);
    assert.equal(table.rows[0]?.values.note, 'one; two');
  });

  it('gives the line of each row, counting skipped blank lines and multi-line cells', () => {
    const table = readCsv(
      'email,start date,note\n\na@example.org,2025-01-02,"x\ny"\nb@example.org,2025-01-03,\n',
      spec,
    );
    assert.deepEqual(
      table.rows.map((r) => r.line),
      [4, 5],
    );
  });

  it('names the missing required columns and the ones it found', () => {
    assert.throws(
      () => readCsv('name,hire_date\nAna,2025-01-02\n', spec),
      (e: Error) =>
        e instanceof ImportError &&
        e.message.includes("the column 'email' is missing") &&
        e.message.includes("'name', 'hire_date'") &&
        e.message.includes("'work email'"),
    );
  });

  it('rejects an empty file, a header without rows, JSON, broken quotes and rows with extra cells', () => {
    assert.throws(() => readCsv('', spec), /The file is empty/);
    assert.throws(() => readCsv('\uFEFF  \n', spec), /The file is empty/);
    assert.throws(() => readCsv('email,start date\n', spec), /no data rows/);
    assert.throws(() => readCsv('{"email": "a"}', spec), /JSON, not CSV/);
    assert.throws(() => readCsv('email,start date\n"a@example.org,2025-01-02\n', spec), /not valid CSV/);
    assert.throws(
      () => readCsv('email,start date\na@example.org,2025-01-02,oops\n', spec),
      /line 2: the row has 3 cells/,
    );
  });

  it('accepts rows that stop before the last columns', () => {
    const table = readCsv('email,start date,note\na@example.org,2025-01-02\n', spec);
    assert.equal(table.rows[0]?.values.note, '');
  });
});

describe('cell helpers', () => {
  it('normalises header names', () => {
    assert.equal(normalizeHeader(' Start_Date - UTC '), 'startdateutc');
  });

  it('reads yes/no words and refuses others, naming the line', () => {
    for (const word of ['yes', 'Y', 'TRUE', '1', 'enabled', 'on']) assert.equal(parseBool(word, 3, 'mfa'), true);
    for (const word of ['no', 'n', 'False', '0', 'disabled', 'off']) assert.equal(parseBool(word, 3, 'mfa'), false);
    assert.equal(parseBool('  ', 3, 'mfa'), null);
    assert.throws(() => parseBool('maybe', 7, 'mfa'), /line 7: 'mfa' is 'maybe'/);
  });

  it('reads YYYY-MM-DD days only, and only real ones', () => {
    assert.equal(parseDay('2024-02-29', 2, 'start date'), '2024-02-29');
    assert.equal(parseDay('', 2, 'start date'), null);
    assert.throws(
      () => parseDay('2025-02-29', 7, 'start date'),
      /line 7: 'start date' is not a date \(use YYYY-MM-DD\)/,
    );
    assert.throws(() => parseDay('03/04/2025', 7, 'start date'), /use YYYY-MM-DD/);
  });

  it('reads ISO times, reading a time without a zone as UTC', () => {
    assert.equal(parseTime('2026-11-20T08:14:00Z', 2, 'x'), '2026-11-20T08:14:00.000Z');
    assert.equal(parseTime('2026-11-19 17:02', 2, 'x'), '2026-11-19T17:02:00.000Z');
    assert.equal(parseTime('2026-10-29T16:40:00+02:00', 2, 'x'), '2026-10-29T14:40:00.000Z');
    assert.equal(parseTime('2026-10-29T16:40:00+0200', 2, 'x'), '2026-10-29T14:40:00.000Z');
    assert.equal(parseTime('2024-12-30', 2, 'x'), '2024-12-30T00:00:00.000Z');
    assert.equal(parseTime('', 2, 'x'), null);
    assert.throws(() => parseTime('yesterday', 9, 'last seen'), /line 9: 'last seen' is not a date and time/);
    assert.throws(() => parseTime('2026-13-01', 9, 'last seen'), /line 9/);
  });

  it('lower-cases emails and refuses what is not one', () => {
    assert.equal(parseEmail(' Ana.Lima@Example.ORG ', 2, 'email'), 'ana.lima@example.org');
    assert.throws(() => parseEmail('Ana Lima', 4, 'manager'), /line 4: 'manager' is not an email address/);
  });
});
