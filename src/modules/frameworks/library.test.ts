import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinFrameworks } from './library.js';

describe('the SOC 2 library', () => {
  const soc2 = builtinFrameworks().find((f) => f.id === 'soc2-2017');

  it('has all 61 criteria of the 2017 Trust Services Criteria, once each, in order', () => {
    assert.ok(soc2);
    const refs = soc2.requirements.map((r) => r.ref);
    assert.equal(refs.length, 61);
    assert.equal(new Set(refs).size, 61);
    const expected = [
      ...[5, 3, 4, 2, 3, 8, 5, 1, 2].flatMap((n, i) => Array.from({ length: n }, (_, j) => `CC${i + 1}.${j + 1}`)),
      'A1.1',
      'A1.2',
      'A1.3',
      'C1.1',
      'C1.2',
      'PI1.1',
      'PI1.2',
      'PI1.3',
      'PI1.4',
      'PI1.5',
      'P1.1',
      'P2.1',
      'P3.1',
      'P3.2',
      'P4.1',
      'P4.2',
      'P4.3',
      'P5.1',
      'P5.2',
      'P6.1',
      'P6.2',
      'P6.3',
      'P6.4',
      'P6.5',
      'P6.6',
      'P6.7',
      'P7.1',
      'P8.1',
    ];
    assert.deepEqual(refs, expected);
  });

  it('puts each criterion in its category, with Security the only required one', () => {
    assert.ok(soc2);
    const byPrefix: Record<string, string> = {
      CC: 'security',
      A: 'availability',
      C: 'confidentiality',
      PI: 'processing_integrity',
      P: 'privacy',
    };
    for (const r of soc2.requirements) {
      const prefix = /^[A-Z]+/.exec(r.ref)?.[0] ?? '';
      assert.equal(r.category, byPrefix[prefix], r.ref);
    }
    assert.deepEqual(
      soc2.categories.filter((c) => c.required).map((c) => c.id),
      ['security'],
    );
  });

  it('gives every criterion a short title of its own', () => {
    assert.ok(soc2);
    const titles = soc2.requirements.map((r) => r.title);
    assert.equal(new Set(titles).size, titles.length, 'titles are distinct');
    for (const t of titles) assert.ok(t.length >= 15 && t.length <= 90, `short title: ${t}`);
  });
});
