import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type FindingData, ImportError, type InventoryRecord, type ParsedPush } from '../types.js';
import { parseProwler } from './index.js';

const fixture = (path: string) => readFileSync(new URL(`../../../test/fixtures/${path}`, import.meta.url), 'utf8');
const now = new Date('2025-06-01T12:00:00Z');
const OCSF = fixture('prowler/example_output_aws.ocsf.json');
const CSV = fixture('prowler/example_output_aws.csv');

function findings(push: ParsedPush): InventoryRecord<'finding'>[] {
  return push.scopes.flatMap((s) => s.records) as InventoryRecord<'finding'>[];
}

function rejects(input: string, message: RegExp): void {
  assert.throws(
    () => parseProwler(input, { now }),
    (e: unknown) => e instanceof ImportError && message.test(e.message),
  );
}

describe('Prowler OCSF JSON', () => {
  it("reads Prowler's example: five results of one account, placeholders kept", () => {
    const push = parseProwler(OCSF, { now });
    assert.equal(push.format, 'Prowler OCSF JSON');
    assert.deepEqual(push.warnings, []);
    assert.deepEqual(
      push.scopes.map((s) => [s.scope, s.records.length]),
      [['prowler:aws:<account_uid>', 5]],
    );
    const all = findings(push);
    assert.deepEqual(
      all.map((f) => [f.data.ruleId, f.data.status, f.data.severity]),
      [
        ['accessanalyzer_enabled', 'fail', 'low'],
        ['account_maintain_current_contact_details', 'manual', 'medium'],
        ['account_maintain_different_contact_details_to_security_billing_and_operations', 'fail', 'medium'],
        ['account_security_contact_information_is_registered', 'manual', 'medium'],
        ['account_security_questions_are_registered_in_the_aws_account', 'manual', 'medium'],
      ],
    );
    const first = all[0];
    assert.equal(first?.externalId, 'aws:<account_uid>:<region>:accessanalyzer_enabled:<resource_uid>');
    assert.equal(first?.name, 'Check if IAM Access Analyzer is enabled (<resource_name>)');
    assert.deepEqual(first?.data, {
      tool: 'prowler',
      category: 'compliance',
      ruleId: 'accessanalyzer_enabled',
      title: 'Check if IAM Access Analyzer is enabled',
      severity: 'low',
      status: 'fail',
      resource: '<resource_uid>',
      account: '<account_uid>',
      region: '<region>',
      package: null,
      installedVersion: null,
      fixedVersion: null,
      advisory: null,
      // The example's checks map to CIS, KISA and others, but not to SOC 2.
      soc2: [],
      url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/what-is-access-analyzer.html',
    } satisfies FindingData);
    // No related_url: the first web reference of the remediation stands in.
    assert.equal(all[1]?.data.resource, 'arn:aws:iam::<account_uid>:root');
    assert.equal(
      all[1]?.data.url,
      'https://docs.prowler.com/checks/aws/iam-policies/iam_18-maintain-contact-details#aws-console',
    );
  });

  it('reads SOC 2 tags, normalised', () => {
    const findingsJson = JSON.parse(OCSF) as { unmapped: { compliance: Record<string, string[]> } }[];
    (findingsJson[0] as (typeof findingsJson)[number]).unmapped.compliance.SOC2 = ['cc_7_2', 'cc_a_1_1', 'pi_1_3'];
    const [first] = findings(parseProwler(JSON.stringify(findingsJson), { now }));
    assert.deepEqual(first?.data.soc2, ['A1.2', 'CC7.2', 'PI1.3']);
  });

  it('gives one scope per provider and account, and keeps the first of a repeated result', () => {
    const list = JSON.parse(OCSF) as { cloud: { account: { uid: string } } }[];
    const other = structuredClone(list[0]) as (typeof list)[number];
    other.cloud.account.uid = '210987654321';
    const push = parseProwler(JSON.stringify([...list, other, list[0]]), { now });
    assert.deepEqual(
      push.scopes.map((s) => [s.scope, s.records.length]),
      [
        ['prowler:aws:<account_uid>', 5],
        ['prowler:aws:210987654321', 1],
      ],
    );
    assert.match(
      push.warnings[0] ?? '',
      /^1 result\(s\) repeat a check .* first at finding 7 \(accessanalyzer_enabled/,
    );
  });

  it('maps informational to info, and keeps the status of muted results', () => {
    const list = JSON.parse(OCSF) as Record<string, unknown>[];
    const muted = { ...list[0], severity: 'Informational', severity_id: 1, status: 'Suppressed', status_code: 'PASS' };
    const [record] = findings(parseProwler(JSON.stringify([muted]), { now }));
    assert.equal(record?.data.severity, 'info');
    assert.equal(record?.data.status, 'pass');
  });

  it('names a finding that lacks its check id, or has a status Prowler does not write', () => {
    const list = JSON.parse(OCSF) as { metadata: Record<string, unknown>; status_code: string }[];
    const noCheck = structuredClone(list);
    delete (noCheck[2] as (typeof list)[number]).metadata.event_code;
    rejects(
      JSON.stringify(noCheck),
      /^finding 3: metadata\.event_code: .*export the scan again with --output-formats json-ocsf/,
    );
    const badStatus = structuredClone(list);
    (badStatus[1] as (typeof list)[number]).status_code = 'WARN';
    rejects(JSON.stringify(badStatus), /^finding 2: the status "WARN" is not one Prowler writes/);
  });
});

describe('Prowler CSV', () => {
  it("reads Prowler's example: four rows, 42 columns", () => {
    const push = parseProwler(CSV, { now });
    assert.equal(push.format, 'Prowler CSV');
    assert.deepEqual(
      push.scopes.map((s) => [s.scope, s.records.length]),
      [['prowler:aws:<account_uid>', 4]],
    );
    const all = findings(push);
    assert.deepEqual(
      all.map((f) => [f.data.ruleId, f.data.status, f.data.severity, f.data.resource]),
      [
        ['accessanalyzer_enabled', 'fail', 'low', '<resource_uid>'],
        ['account_maintain_current_contact_details', 'manual', 'medium', '<resource_uid>'],
        [
          'account_maintain_different_contact_details_to_security_billing_and_operations',
          'fail',
          'medium',
          '<resource_uid>',
        ],
        ['account_security_contact_information_is_registered', 'manual', 'medium', '<resource_uid>:root'],
      ],
    );
    // The same result has the same id in both formats.
    assert.equal(all[0]?.externalId, findings(parseProwler(OCSF, { now }))[0]?.externalId);
    assert.equal(all[0]?.data.region, '<region>');
    assert.equal(all[0]?.data.title, 'Check if IAM Access Analyzer is enabled');
    assert.equal(all[0]?.data.url, 'https://docs.aws.amazon.com/IAM/latest/UserGuide/what-is-access-analyzer.html');
  });

  it('reads SOC 2 ids from the COMPLIANCE column', () => {
    const withSoc2 = CSV.replace('| CIS-3.0: 1.20;', '| SOC2: cc_6_6, cc_7_2 | CIS-3.0: 1.20;');
    assert.notEqual(withSoc2, CSV);
    assert.deepEqual(findings(parseProwler(withSoc2, { now }))[0]?.data.soc2, ['CC6.6', 'CC7.2']);
  });

  it('names missing columns, and recognises the CSV of Prowler 3', () => {
    const [header = '', ...rows] = CSV.split('\n');
    const withoutStatus = header.replace(';STATUS;', ';STATE;');
    rejects([withoutStatus, ...rows].join('\n'), /lacks the column STATUS\. Push the CSV exactly as Prowler writes it/);
    const v3 = 'ASSESSMENT_START_TIME;FINDING_UNIQUE_ID;PROVIDER;CHECK_ID;STATUS;ACCOUNT_ID\n2023;x;aws;iam_x;FAIL;1';
    rejects(v3, /lacks the columns .*CSV of Prowler 3/);
  });

  it('rejects a truncated CSV', () => {
    rejects(
      CSV.slice(0, CSV.length - 2000),
      /The Prowler CSV is malformed: row \d has \d+ fields where the header has 42; it may be cut short/,
    );
  });
});

describe('parseProwler: telling what a file is', () => {
  it('rejects an empty file and truncated JSON', () => {
    rejects('', /The file is empty\. Export the scan with prowler <provider> --output-formats json-ocsf/);
    rejects(OCSF.slice(0, 3000), /not valid JSON .*cut short/);
  });

  it('sends other tools’ files where they belong', () => {
    rejects(fixture('aws/rds.DescribeDBInstances.placebo.json'), /AWS CLI output .* push it as aws/);
    rejects(fixture('aws/credential_report.csv'), /AWS IAM credential report.* push it as aws/);
    rejects(
      JSON.stringify({ SchemaVersion: 2, ArtifactName: 'alpine:3.10', Results: [] }),
      /Trivy report.*push it as trivy/,
    );
    rejects(JSON.stringify([{ SchemaVersion: '2018-10-08', ProductArn: 'arn:x', Id: 'y' }]), /ASFF/);
    rejects(JSON.stringify([{ CheckID: 'iam_x', Status: 'FAIL' }]), /JSON of Prowler 3/);
    rejects(
      JSON.stringify([{ class_uid: 2004, metadata: { event_code: 'x', product: { name: 'Other Scanner' } } }]),
      /come from Other Scanner, not Prowler/,
    );
    rejects('hostname,serial\nmac-1,C02X', /neither Prowler OCSF JSON nor a Prowler CSV/);
  });

  it('accepts an empty scan with a warning, recording nothing', () => {
    const push = parseProwler('[]', { now });
    assert.deepEqual(push.scopes, []);
    assert.match(push.warnings[0] ?? '', /no findings/);
  });
});

describe('the Northwind Labs Prowler sample', () => {
  const sample = readFileSync(new URL('../../content/samples/prowler.ocsf.json', import.meta.url), 'utf8');

  it('parses into one account with failing, passing and manual results mapped to SOC 2', () => {
    const push = parseProwler(sample, { now });
    assert.deepEqual(push.warnings, []);
    assert.deepEqual(
      push.scopes.map((s) => [s.scope, s.records.length]),
      [['prowler:aws:444455556666', 22]],
    );
    const all = findings(push);
    const count = (status: string) => all.filter((f) => f.data.status === status).length;
    assert.deepEqual([count('fail'), count('pass'), count('manual')], [13, 8, 1]);
    const ssh = all.find((f) => f.data.resource.endsWith('sg-0c2d3e4f506172839'));
    assert.equal(ssh?.data.status, 'fail');
    assert.deepEqual(ssh?.data.soc2, ['CC6.6', 'CC7.2']);
    const db = all.find((f) => f.data.ruleId === 'rds_instance_no_public_access');
    assert.equal(db?.data.severity, 'critical');
    assert.equal(db?.data.region, 'eu-west-1');
  });
});

describe('parseProwler at scale', () => {
  /**
   * Parsing must grow linearly with the file: a parser that compares every finding with every
   * other would take 100 times as long for ten times the findings. Each size's CPU time is the
   * best of three, so a busy machine does not decide the result; speed itself is measured in
   * `npm run bench` (the Prowler import). Prowler's own example findings are about 3 KB each:
   * 20,000 of them make a 57 MB file.
   */
  function bestCpuMs(parse: () => ParsedPush): { push: ParsedPush; ms: number } {
    let best = Number.POSITIVE_INFINITY;
    let push: ParsedPush | undefined;
    for (let run = 0; run < 3; run++) {
      const start = process.cpuUsage();
      push = parse();
      const used = process.cpuUsage(start);
      best = Math.min(best, (used.user + used.system) / 1000);
    }
    return { push: push as ParsedPush, ms: Math.max(best, 1) };
  }

  function assertLinear(make: (n: number) => string, count: (push: ParsedPush) => number | undefined) {
    const small = bestCpuMs(() => parseProwler(make(2_000), { now }));
    const large = bestCpuMs(() => parseProwler(make(20_000), { now }));
    assert.equal(count(small.push), 2_000);
    assert.equal(count(large.push), 20_000);
    const ratio = large.ms / small.ms;
    // Linear is about 10x, quadratic about 100x; the margin absorbs garbage collection of the larger input.
    assert.ok(ratio < 50, `10x the findings took ${ratio.toFixed(1)}x the time (${Math.round(large.ms)} ms)`);
  }

  it('reads OCSF findings in time linear in their number (2,000 and 20,000)', () => {
    const base = (JSON.parse(OCSF) as Record<string, unknown>[])[0] as { resources: { uid: string }[] };
    assertLinear(
      (n) =>
        JSON.stringify(
          Array.from({ length: n }, (_, i) => ({
            ...base,
            resources: [{ ...base.resources[0], uid: `arn:aws:s3:::bucket-${i}` }],
          })),
        ),
      (push) => push.scopes[0]?.records.length,
    );
  });

  it('reads CSV rows in time linear in their number (2,000 and 20,000)', () => {
    const [header = '', row = ''] = CSV.split('\n');
    assertLinear(
      (n) =>
        [
          header,
          ...Array.from({ length: n }, (_, i) => row.replace('<resource_uid>', `arn:aws:s3:::bucket-${i}`)),
        ].join('\n'),
      (push) => push.scopes[0]?.records.length,
    );
  });
});
