import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { ImportError } from '../types.js';
import { readDelimited } from './delimited.js';

describe('readDelimited', () => {
  it('reads plain, quoted and empty fields as csv-parse does', () => {
    const text = ['A;B;C', 'plain;"with ; inside";', '"say ""hi""";"two\nlines";x', ';;', '"";last;"end"'].join('\n');
    const expected = parse(text, { delimiter: ';', skip_empty_lines: true }) as string[][];
    assert.deepEqual(readDelimited(text, ';'), expected);
    assert.deepEqual(expected[2], ['say "hi"', 'two\nlines', 'x']);
  });

  it('handles CRLF line ends, blank lines and a missing final newline', () => {
    assert.deepEqual(readDelimited('a;b\r\n\r\n"c";d\r\ne;"f"\r\n', ';'), [
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
    assert.deepEqual(readDelimited('a;b\n\nc;', ';'), [
      ['a', 'b'],
      ['c', ''],
    ]);
  });

  it('rejects a quote that never closes, and text after a closing quote', () => {
    assert.throws(
      () => readDelimited('a;b\n"cut short;', ';'),
      (e: unknown) => e instanceof ImportError && /Row 2 opens a quote/.test(e.message),
    );
    assert.throws(() => readDelimited('"a"b;c', ';'), ImportError);
  });
});
