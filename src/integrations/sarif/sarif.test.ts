import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseTrivy } from '../trivy/index.js';
import { ImportError, type InventoryRecord } from '../types.js';
import { parseSarif } from './index.js';

const options = { now: new Date('2026-11-23T12:00:00Z') };
const read = (url: string) => readFileSync(new URL(url, import.meta.url), 'utf8');
const fixture = (name: string) => read(`../../../test/fixtures/trivy/${name}`);

function scopes(input: string) {
  const push = parseSarif(input, options);
  return { push, byScope: new Map(push.scopes.map((s) => [s.scope, s.records as InventoryRecord<'finding'>[]])) };
}

/** A small SARIF log in the shape CodeQL and other tools write. */
function log(run: object) {
  return JSON.stringify({ version: '2.1.0', $schema: 'https://json.schemastore.org/sarif-2.1.0.json', runs: [run] });
}

describe('parseSarif', () => {
  it("reads Trivy's SARIF output (alpine-310.sarif.json)", () => {
    const { push, byScope } = scopes(fixture('alpine-310.sarif.json'));
    assert.equal(push.format, 'SARIF 2.1.0');
    assert.deepEqual([...byScope.keys()], ['sarif:trivy:default']);
    const records = byScope.get('sarif:trivy:default') ?? [];
    assert.equal(records.length, 4);
    assert.deepEqual(records[0]?.data, {
      tool: 'trivy',
      category: 'vulnerability',
      ruleId: 'CVE-2019-1549',
      title: 'openssl: information disclosure in fork()',
      severity: 'medium',
      status: 'fail',
      resource: 'testdata/fixtures/images/alpine-310.tar.gz:1',
      account: null,
      region: null,
      package: 'libcrypto1.1',
      installedVersion: '1.1.1c-r0',
      fixedVersion: '1.1.1d-r0',
      advisory: 'CVE-2019-1549',
      soc2: [],
      url: 'https://avd.aquasec.com/nvd/cve-2019-1549',
    });
    // Two packages share each rule and location: the package tells them apart.
    assert.deepEqual(
      records.map((r) => r.externalId),
      [
        'CVE-2019-1549|testdata/fixtures/images/alpine-310.tar.gz:1|libcrypto1.1',
        'CVE-2019-1551|testdata/fixtures/images/alpine-310.tar.gz:1|libcrypto1.1',
        'CVE-2019-1549|testdata/fixtures/images/alpine-310.tar.gz:1|libssl1.1',
        'CVE-2019-1551|testdata/fixtures/images/alpine-310.tar.gz:1|libssl1.1',
      ],
    );
    assert.deepEqual(push.warnings, []);
  });

  it('reports the same vulnerabilities as the JSON report of the same scan', () => {
    const fromSarif = (scopes(fixture('alpine-310.sarif.json')).push.scopes[0]?.records ??
      []) as InventoryRecord<'finding'>[];
    const fromJson = (parseTrivy(fixture('alpine-310.json'), options).scopes[0]?.records ??
      []) as InventoryRecord<'finding'>[];
    const key = (r: InventoryRecord<'finding'>) =>
      [r.data.advisory, r.data.package, r.data.installedVersion, r.data.fixedVersion, r.data.severity].join(' ');
    assert.deepEqual(fromSarif.map(key).sort(), fromJson.map(key).sort());
  });

  it('maps security-severity, levels, tags, fingerprints and baseline states', () => {
    const at = (uri: string, startLine: number) => [
      { physicalLocation: { artifactLocation: { uri }, region: { startLine } } },
    ];
    const input = log({
      tool: {
        driver: {
          name: 'CodeQL',
          rules: [
            {
              id: 'js/sql-injection',
              shortDescription: { text: 'SQL built from user input' },
              properties: { 'security-severity': '9.8', tags: ['security'] },
            },
            { id: 'js/unused', defaultConfiguration: { level: 'note' }, properties: { tags: ['maintainability'] } },
            { id: 'leak', properties: { tags: ['secret'] } },
            {
              id: 'dep',
              helpUri: 'https://example.org/dep',
              properties: { tags: ['security', 'GHSA-952P-6RRQ-RCJV'], 'security-severity': 3.1 },
            },
          ],
        },
      },
      automationDetails: { id: 'codeql/javascript/2026-11-23' },
      results: [
        {
          ruleId: 'js/sql-injection',
          ruleIndex: 0,
          message: { text: 'x' },
          locations: at('src/a.ts', 4),
          partialFingerprints: { primaryLocationLineHash: 'abc:1' },
        },
        { ruleId: 'js/unused', message: { text: 'Unused variable y.\nMore.' }, locations: at('src/b.ts', 9) },
        { ruleId: 'js/unused', level: 'error', message: { text: 'z' }, locations: at('src/b.ts', 10) },
        { ruleId: 'leak', message: { text: 'token' }, locations: at('.env', 2), suppressions: [{ kind: 'inSource' }] },
        { ruleId: 'dep', message: { text: 'old' }, locations: at('package-lock.json', 1), kind: 'pass' },
        {
          ruleId: 'js/sql-injection',
          ruleIndex: 0,
          message: { text: 'fixed' },
          locations: at('src/c.ts', 1),
          baselineState: 'absent',
        },
        { ruleId: 'js/sql-injection', kind: 'notApplicable', message: { text: 'n/a' } },
      ],
    });
    const { push, byScope } = scopes(input);
    assert.deepEqual([...byScope.keys()], ['sarif:codeql:codeql/javascript']);
    const [sql, unused, unusedError, leak, dep] = byScope.get('sarif:codeql:codeql/javascript') ?? [];
    assert.equal(byScope.get('sarif:codeql:codeql/javascript')?.length, 5);
    assert.deepEqual(
      [sql?.data.severity, sql?.data.category, sql?.data.title, sql?.externalId],
      ['critical', 'misconfiguration', 'SQL built from user input', 'js/sql-injection|primaryLocationLineHash=abc:1'],
    );
    assert.deepEqual(
      [unused?.data.severity, unused?.data.title, unused?.externalId],
      ['low', 'Unused variable y.', 'js/unused|src/b.ts:9'],
    );
    assert.equal(unusedError?.data.severity, 'high', "the result's level wins over the rule's");
    assert.deepEqual([leak?.data.category, leak?.data.status, leak?.data.severity], ['secret', 'manual', 'medium']);
    assert.deepEqual(
      [dep?.data.category, dep?.data.advisory, dep?.data.severity, dep?.data.status, dep?.data.url],
      ['vulnerability', 'GHSA-952p-6rrq-rcjv', 'low', 'pass', 'https://example.org/dep'],
    );
    assert.deepEqual(push.warnings, [
      'Skipped 2 results: fixed since the baseline, not applicable, or without a rule.',
    ]);
  });

  it('finds rules of extensions by index and artifacts by index', () => {
    const input = log({
      tool: {
        driver: { name: 'Semgrep', rules: [] },
        extensions: [{ name: 'pack', rules: [{ id: 'r1', shortDescription: { text: 'Rule one' } }] }],
      },
      artifacts: [{ location: { uri: 'app/main.py' } }],
      results: [
        {
          rule: { id: 'r1', index: 0, toolComponent: { index: 0 } },
          level: 'warning',
          message: { text: 'm' },
          locations: [{ physicalLocation: { artifactLocation: { index: 0 } } }],
        },
      ],
    });
    const [record] = scopes(input).byScope.get('sarif:semgrep:default') ?? [];
    assert.equal(record?.data.ruleId, 'r1');
    assert.equal(record?.data.title, 'Rule one');
    assert.equal(record?.data.resource, 'app/main.py');
    assert.equal(record?.data.severity, 'medium');
  });

  it('refuses truncated, empty, foreign and other-version files', () => {
    const refuses = (input: string, message: RegExp) =>
      assert.throws(
        () => parseSarif(input, options),
        (e: Error) => e instanceof ImportError && message.test(e.message),
      );
    refuses(fixture('alpine-310.sarif.json').slice(0, 3000), /not complete JSON.*SARIF 2\.1\.0/);
    refuses(' ', /The file is empty/);
    refuses(fixture('alpine-310.json'), /This is a Trivy JSON report: push it as trivy/);
    refuses('{"version": "2.0.0", "runs": []}', /version 2\.0\.0; Attest reads 2\.1\.0/);
    refuses('{"version": "2.1.0"}', /no "runs"/);
    refuses('{"version": "2.1.0", "runs": [{"tool": {}}]}', /at runs\.0\.tool\.driver/);
    refuses(read('../../../test/fixtures/synthetic/accounts.csv'), /not complete JSON/);
  });

  it('parses the Northwind Labs sample', () => {
    const { push, byScope } = scopes(read('../../content/samples/sarif.json'));
    assert.deepEqual(
      [...byScope].map(([scope, records]) => [scope, records.length]),
      [
        ['sarif:codeql:codeql/javascript-typescript', 6],
        ['sarif:trivy:default', 2],
      ],
    );
    assert.equal(push.warnings.length, 1, 'the fixed result is skipped');
    const trivy = byScope.get('sarif:trivy:default') ?? [];
    assert.deepEqual(
      trivy.map((r) => [r.data.category, r.data.severity]),
      [
        ['secret', 'critical'],
        ['vulnerability', 'medium'],
      ],
    );
    assert.equal(trivy[1]?.data.package, 'micromatch');
  });
});

describe('parseSarif speed', () => {
  it('reads 20,000 results in well under a second', () => {
    const results = Array.from({ length: 20000 }, (_, i) => ({
      ruleId: `rule-${i % 50}`,
      ruleIndex: i % 50,
      message: { text: 'problem' },
      locations: [{ physicalLocation: { artifactLocation: { uri: `src/f${i % 1000}.ts` }, region: { startLine: i } } }],
    }));
    const rules = Array.from({ length: 50 }, (_, i) => ({
      id: `rule-${i}`,
      properties: { 'security-severity': '5.0' },
    }));
    const input = log({ tool: { driver: { name: 'Big', rules } }, results });
    assert.equal(scopes(input).byScope.get('sarif:big:default')?.length, 20000);
    // The best of three runs, so a busy machine's pause does not fail the test.
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      parseSarif(input, options);
      best = Math.min(best, performance.now() - started);
    }
    assert.ok(best < 1000, `took ${Math.round(best)} ms`);
  });
});
