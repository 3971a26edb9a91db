import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ImportError, type InventoryRecord } from '../types.js';
import { boundedScope, uniqueIds } from './ids.js';
import { parseTrivy } from './index.js';

const options = { now: new Date('2026-11-23T12:00:00Z') };
const read = (url: string) => readFileSync(new URL(url, import.meta.url), 'utf8');
const fixture = (name: string) => read(`../../../test/fixtures/trivy/${name}`);

function findings(input: string) {
  const push = parseTrivy(input, options);
  assert.equal(push.scopes.length, 1);
  return {
    push,
    scope: push.scopes[0]?.scope,
    records: (push.scopes[0]?.records ?? []) as InventoryRecord<'finding'>[],
  };
}

describe('parseTrivy', () => {
  it('reads the vulnerabilities of an image scan (alpine-310.json)', () => {
    const { push, scope, records } = findings(fixture('alpine-310.json'));
    assert.equal(push.format, 'Trivy report (JSON)');
    assert.equal(scope, 'trivy:testdata/fixtures/images/alpine-310.tar.gz');
    assert.equal(records.length, 4);
    assert.deepEqual(
      records.map((r) => `${r.data.advisory} ${r.data.package}`),
      [
        'CVE-2019-1549 libcrypto1.1',
        'CVE-2019-1551 libcrypto1.1',
        'CVE-2019-1549 libssl1.1',
        'CVE-2019-1551 libssl1.1',
      ],
    );
    assert.deepEqual(records[0], {
      type: 'finding',
      externalId: 'os-pkgs||libcrypto1.1|CVE-2019-1549',
      name: 'CVE-2019-1549 in libcrypto1.1 1.1.1c-r0',
      data: {
        tool: 'trivy',
        category: 'vulnerability',
        ruleId: 'CVE-2019-1549',
        title: 'openssl: information disclosure in fork()',
        severity: 'medium',
        status: 'fail',
        resource: 'testdata/fixtures/images/alpine-310.tar.gz (alpine 3.10.2)',
        account: null,
        region: null,
        package: 'libcrypto1.1',
        installedVersion: '1.1.1c-r0',
        fixedVersion: '1.1.1d-r0',
        advisory: 'CVE-2019-1549',
        soc2: [],
        url: 'https://avd.aquasec.com/nvd/cve-2019-1549',
      },
    });
    assert.equal(records[3]?.data.fixedVersion, '1.1.1d-r2');
    assert.equal(new Set(records.map((r) => r.externalId)).size, 4);
    assert.deepEqual(push.warnings, []);
  });

  it('gives the same ids to the same findings after the base image changes release', () => {
    const before = findings(fixture('alpine-310.json')).records.map((r) => r.externalId);
    const upgraded = fixture('alpine-310.json').replaceAll('(alpine 3.10.2)', '(alpine 3.10.9)');
    assert.deepEqual(
      findings(upgraded).records.map((r) => r.externalId),
      before,
    );
  });

  it('reads a misconfiguration scan (dockerfile.json)', () => {
    const { scope, records } = findings(fixture('dockerfile.json'));
    assert.equal(scope, 'trivy:testdata/fixtures/repo/dockerfile');
    assert.equal(records.length, 1);
    const [ds] = records;
    assert.equal(ds?.externalId, 'Dockerfile|DS-0002||');
    assert.equal(ds?.name, 'DS-0002: Specify at least 1 USER command in Dockerfile with non-root user as argument');
    assert.equal(ds?.data.category, 'misconfiguration');
    assert.equal(ds?.data.ruleId, 'DS-0002');
    assert.equal(ds?.data.title, "Image user should not be 'root'");
    assert.equal(ds?.data.severity, 'high');
    assert.equal(ds?.data.status, 'fail');
    assert.equal(ds?.data.resource, 'testdata/fixtures/repo/dockerfile Dockerfile');
    assert.equal(ds?.data.advisory, null);
    assert.equal(ds?.data.url, 'https://avd.aquasec.com/misconfig/ds-0002');
  });

  it('reads secrets with their line, passing and waived checks, and UNKNOWN severities', () => {
    const report = {
      SchemaVersion: 2,
      ArtifactName: '.',
      ArtifactType: 'filesystem',
      Results: [
        {
          Target: 'deploy/.env',
          Class: 'secret',
          Secrets: [
            {
              RuleID: 'aws-access-key-id',
              Category: 'AWS',
              Title: 'AWS Access Key ID',
              Severity: 'CRITICAL',
              StartLine: 3,
            },
          ],
        },
        {
          Target: 'main.tf',
          Class: 'config',
          Type: 'terraform',
          Misconfigurations: [
            {
              ID: 'AVD-AWS-0086',
              Title: 'S3 public access',
              Severity: 'HIGH',
              Status: 'PASS',
              CauseMetadata: { StartLine: 12 },
            },
            {
              ID: 'AVD-AWS-0086',
              Title: 'S3 public access',
              Severity: 'HIGH',
              Status: 'EXCEPTION',
              CauseMetadata: { StartLine: 40 },
            },
          ],
        },
        {
          Target: 'go.sum',
          Class: 'lang-pkgs',
          Vulnerabilities: [{ VulnerabilityID: 'GHSA-aaaa-bbbb-cccc', PkgName: 'x', Severity: 'UNKNOWN' }],
        },
      ],
    };
    const { scope, records } = findings(JSON.stringify(report));
    assert.equal(scope, 'trivy:.');
    const [secret, pass, waived, unknown] = records;
    assert.equal(secret?.data.category, 'secret');
    assert.equal(secret?.data.resource, '. deploy/.env:3');
    assert.equal(secret?.data.severity, 'critical');
    assert.equal(secret?.externalId, 'deploy/.env|aws-access-key-id|3');
    assert.equal(pass?.data.status, 'pass');
    assert.equal(pass?.data.resource, '. main.tf:12');
    assert.equal(waived?.data.status, 'manual');
    assert.notEqual(pass?.externalId, waived?.externalId);
    assert.equal(unknown?.data.severity, 'info');
    assert.equal(unknown?.data.installedVersion, null);
    assert.equal(unknown?.data.fixedVersion, null);
  });

  it('tells apart the same package installed twice, and counts true duplicates once', () => {
    const vuln = (InstalledVersion: string) => ({
      VulnerabilityID: 'CVE-1',
      PkgName: 'ws',
      InstalledVersion,
      Severity: 'HIGH',
    });
    const report = {
      SchemaVersion: 2,
      ArtifactName: 'img',
      Results: [
        { Target: 'Node.js', Class: 'lang-pkgs', Vulnerabilities: [vuln('7.5.9'), vuln('8.17.0'), vuln('8.17.0')] },
      ],
    };
    const { push, records } = findings(JSON.stringify(report));
    assert.deepEqual(
      records.map((r) => r.externalId),
      ['Node.js||ws|CVE-1|7.5.9', 'Node.js||ws|CVE-1|8.17.0'],
    );
    assert.deepEqual(push.warnings, ['Counted once 1 finding reported twice.']);
  });

  it('refuses truncated, empty and foreign files, saying what to do', () => {
    const refuses = (input: string, message: RegExp) =>
      assert.throws(
        () => parseTrivy(input, options),
        (e: Error) => e instanceof ImportError && message.test(e.message),
      );
    refuses(fixture('alpine-310.json').slice(0, 5000), /not complete JSON.*--format json/);
    refuses('', /The file is empty/);
    refuses(fixture('alpine-310.sarif.json'), /This is a SARIF file: push it as sarif/);
    refuses(read('../../../test/fixtures/synthetic/osquery-results.jsonl'), /not complete JSON/);
    refuses('{"SchemaVersion": 1, "Results": []}', /SchemaVersion 1; Attest reads 2/);
    refuses('{"ClusterName": "prod", "Resources": []}', /Kubernetes report/);
    refuses('{"foo": 1}', /no SchemaVersion/);
    refuses('[1, 2]', /one JSON object/);
    refuses('{"SchemaVersion": 2, "ArtifactName": "x", "Results": [{"Target": 3}]}', /at Results\.0\.Target/);
  });

  it('parses the Northwind Labs sample', () => {
    const { scope, records } = findings(read('../../content/samples/trivy.json'));
    assert.equal(scope, 'trivy:ghcr.io/northwind/orders-api:2.14.0');
    assert.equal(records.length, 13);
    const count = (category: string) => records.filter((r) => r.data.category === category).length;
    assert.deepEqual([count('vulnerability'), count('secret'), count('misconfiguration')], [10, 1, 2]);
    assert.equal(new Set(records.map((r) => r.externalId)).size, 13, 'two copies of ws keep apart by path');
  });
});

describe('finding ids and scopes', () => {
  it('extends only the ids that collide', () => {
    assert.deepEqual(
      uniqueIds([
        { base: 'a', extra: '1' },
        { base: 'b', extra: '1' },
        { base: 'a', extra: '2' },
      ]),
      ['a|1', 'b', 'a|2'],
    );
  });

  it('keeps scope names within 200 characters, distinct for distinct names', () => {
    const long = `trivy:${'x'.repeat(300)}`;
    assert.equal(boundedScope('trivy:short'), 'trivy:short');
    assert.equal(boundedScope(long).length, 200);
    assert.notEqual(boundedScope(long), boundedScope(`${long}y`));
  });
});

describe('parseTrivy speed', () => {
  it('reads 20,000 findings in well under a second', () => {
    const Vulnerabilities = Array.from({ length: 20000 }, (_, i) => ({
      VulnerabilityID: `CVE-2024-${10000 + (i % 500)}`,
      PkgName: `pkg-${Math.floor(i / 500)}`,
      InstalledVersion: '1.0.0',
      FixedVersion: '1.0.1',
      Severity: 'HIGH',
      Title: 'A problem',
      PrimaryURL: 'https://example.org',
    }));
    const input = JSON.stringify({
      SchemaVersion: 2,
      ArtifactName: 'big',
      Results: [{ Target: 'x', Vulnerabilities }],
    });
    assert.equal(findings(input).records.length, 20000);
    // The best of three runs, so a busy machine's pause does not fail the test.
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      parseTrivy(input, options);
      best = Math.min(best, performance.now() - started);
    }
    assert.ok(best < 1000, `took ${Math.round(best)} ms`);
  });
});
