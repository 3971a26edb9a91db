import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadControlLibrary, loadSeedLines, seedCoverage, soc2Refs, validateControls } from './library.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const productPath = path.resolve(repoRoot, '../shared/PRODUCT.md');

/** The first column of each row of PRODUCT.md's "Every seed line" table. */
function productSeedRefs(markdown: string): string[] {
  const start = markdown.indexOf('## Every seed line');
  assert.ok(start >= 0, 'PRODUCT.md has the "Every seed line" section');
  const rows: string[] = [];
  for (const line of markdown.slice(start).split('\n').slice(1)) {
    if (line.startsWith('## ')) break;
    if (!line.startsWith('|')) continue;
    const first = line.split('|')[1]?.trim() ?? '';
    if (first === '' || /^-+$/.test(first) || first === 'seed lines') continue;
    rows.push(first);
  }
  return rows;
}

/** Splits a cell on commas outside parentheses; a part without a doc prefix keeps the previous doc. */
function splitRefs(cell: string): Array<{ doc: string; rest: string }> {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of cell) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  let doc = '';
  const refs: Array<{ doc: string; rest: string }> = [];
  for (const raw of parts) {
    let rest = raw.trim();
    const prefixed = /^(\d{3})\s+(.*)$/.exec(rest);
    if (prefixed) {
      doc = prefixed[1]!;
      rest = prefixed[2]!.trim();
    }
    assert.ok(doc, `reference without a document: ${raw}`);
    if (rest) refs.push({ doc, rest });
  }
  return refs;
}

/** `§1.2–1.3` → [000 §1.2, 000 §1.3]; `§2` → every 000 §2.x line; `§3.5` → [000 §3.5]. */
function expandPolicyRef(rest: string, seedIds: string[]): string[] {
  const m = /^§(\d+)(?:\.(\d+))?(?:\s*[–-]\s*(?:(\d+)\.)?(\d+))?$/.exec(rest);
  assert.ok(m, `unreadable policy reference: 000 ${rest}`);
  const section = m[1]!;
  if (m[2] === undefined) {
    const children = seedIds.filter((id) => id.startsWith(`000 §${section}.`));
    assert.ok(children.length > 0, `000 §${section} has no seed lines`);
    return children;
  }
  const from = Number(m[2]);
  if (m[4] === undefined) return [`000 §${section}.${from}`];
  assert.ok(m[3] === undefined || m[3] === section, `range across sections: 000 ${rest}`);
  const to = Number(m[4]);
  assert.ok(to >= from, `backwards range: 000 ${rest}`);
  return Array.from({ length: to - from + 1 }, (_, i) => `000 §${section}.${from + i}`);
}

describe('the control library', () => {
  it('loads both content files', () => {
    assert.ok(loadSeedLines().length > 0);
    const controls = loadControlLibrary();
    assert.ok(controls.length >= 45 && controls.length <= 70, `${controls.length} controls`);
  });

  it('covers every seed line', () => {
    const uncovered = seedCoverage()
      .filter((l) => l.controls.length === 0)
      .map((l) => l.id);
    assert.deepEqual(uncovered, [], `uncovered seed lines: ${uncovered.join(', ')}`);
  });

  it('has every numbered item of the policy up to §7.3, with the breach notice fields', () => {
    const ids = new Set(loadSeedLines().map((l) => l.id));
    for (const id of ['000 §1.1', '000 §1.6', '000 §3.5', '000 §5.3.1', '000 §5.3.4', '000 §6.2', '000 §7.3'])
      assert.ok(ids.has(id), id);
  });

  it('meets every Security (CC) criterion, and the availability, confidentiality and breach-notice ones', () => {
    const met = new Set(loadControlLibrary().flatMap((c) => c.criteria));
    const missing = [...soc2Refs()].filter((r) => r.startsWith('CC') && !met.has(r));
    assert.deepEqual(missing, [], `criteria no control meets: ${missing.join(', ')}`);
    for (const r of ['A1.2', 'A1.3', 'C1.1', 'C1.2', 'P6.6']) assert.ok(met.has(r), r);
  });

  it('rejects unknown seed lines, unknown criteria and duplicate keys', () => {
    const [a] = loadControlLibrary();
    assert.ok(a);
    const problems = validateControls(
      [a, { ...a, seedLines: ['000 §9.9'], criteria: ['CC10.1'] }],
      new Set(loadSeedLines().map((l) => l.id)),
      soc2Refs(),
    );
    assert.equal(problems.length, 3, problems.join('\n'));
  });

  it('reflects every row of the seed table in PRODUCT.md', (t) => {
    if (!existsSync(productPath)) {
      t.skip(`PRODUCT.md not found at ${productPath}; the seed table cannot be checked`);
      return;
    }
    const coverage = seedCoverage();
    const covered = new Map(coverage.map((l) => [l.id, l.controls.length > 0]));
    const seedIds = coverage.map((l) => l.id);
    const pageLines = coverage.filter((l) => l.doc === '004');
    const rows = productSeedRefs(readFileSync(productPath, 'utf8'));
    assert.ok(rows.length >= 15, `found only ${rows.length} rows in the seed table`);
    for (const row of rows) {
      for (const { doc, rest } of splitRefs(row)) {
        if (doc === '000') {
          for (const id of expandPolicyRef(rest, seedIds)) {
            assert.ok(covered.has(id), `${row}: ${id} is not a seed line`);
            assert.ok(covered.get(id), `${row}: ${id} is not covered by any control`);
          }
        } else {
          assert.equal(doc, '004', `${row}: unknown document ${doc}`);
          const word = (rest.split(/\s+/)[0] ?? '').toLowerCase().replace(/[^a-z0-9/-]/g, '');
          assert.ok(word.length >= 3, `${row}: no first word in "${rest}"`);
          const stem = word.length > 4 ? word.replace(/s$/, '') : word;
          const atWordStart = new RegExp(`(^|[^a-z0-9])${stem.replace(/[/-]/g, '\\$&')}`, 'i');
          const matches = pageLines.filter((l) => atWordStart.test(l.id) || atWordStart.test(l.summary));
          assert.ok(matches.length > 0, `${row}: no 004 seed line matches "${word}"`);
          assert.ok(
            matches.some((l) => l.controls.length > 0),
            `${row}: the 004 lines matching "${word}" are not covered`,
          );
        }
      }
    }
  });
});
