import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ImportError } from '../types.js';
import { parseAws } from './index.js';

const fixture = (path: string) => readFileSync(new URL(`../../../test/fixtures/${path}`, import.meta.url), 'utf8');
const now = new Date('2025-06-01T00:00:00Z');

function rejects(input: string, message: RegExp, fileName?: string): void {
  assert.throws(
    () => parseAws(input, { now, fileName }),
    (e: unknown) => e instanceof ImportError && message.test(e.message),
  );
}

describe('parseAws: telling what a file is', () => {
  it('rejects an empty file, listing what it reads', () => {
    rejects('', /The file is empty\. It reads an Attest AWS bundle/);
    rejects(' \n\uFEFF', /The file is empty/);
  });

  it('rejects truncated JSON, saying it may be cut short', () => {
    const truncated = fixture('aws/rds.DescribeDBInstances.placebo.json').slice(0, 700);
    rejects(truncated, /not valid JSON \(.*\); it may be cut short/);
  });

  it('sends Prowler files to the Prowler source', () => {
    rejects(fixture('prowler/example_output_aws.ocsf.json'), /Prowler OCSF findings file.*push it as prowler/);
    rejects(fixture('prowler/example_output_aws.csv'), /Prowler CSV report.*push it as prowler/);
  });

  it('sends a Trivy report and a SARIF log where they belong', () => {
    rejects(
      JSON.stringify({ SchemaVersion: 2, ArtifactName: 'alpine:3.10', Results: [] }),
      /Trivy report.*push it as trivy/,
    );
    rejects(JSON.stringify({ version: '2.1.0', runs: [] }), /SARIF log.*push it as sarif/);
  });

  it('names the keys of an AWS output it does not read', () => {
    rejects(fixture('aws/iam.list-mfa-devices.json'), /keys: MFADevices\) is not an output the AWS importer reads/);
  });

  it('asks for the bundle for outputs that do not name what they describe', () => {
    rejects(fixture('aws/kms.describe-key.json'), /describe-key and get-key-rotation-status.*Attest bundle/);
    rejects(fixture('aws/kms.get-key-rotation-status.json'), /Attest bundle/);
    rejects(fixture('aws/cloudtrail.get-trail-status.json'), /does not name its trail.*Attest bundle/);
  });

  it('reports an AWS error recorded instead of a result', () => {
    rejects(
      JSON.stringify({ status_code: 403, data: { Error: { Code: 'AccessDenied', Message: 'no' } } }),
      /AWS error \(AccessDenied\)/,
    );
  });

  it('rejects text that is neither JSON nor a credential report', () => {
    rejects('hostname,serial\nmac-1,C02X', /neither JSON nor an IAM credential report CSV/);
  });
});
