import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type CloudResourceData, ImportError, type InventoryRecord, type ParsedPush } from '../types.js';
import { parseAws } from './index.js';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/aws/${name}`, import.meta.url), 'utf8');
const json = (name: string): unknown => JSON.parse(fixture(name));
const SAMPLES = new URL('../../content/samples/', import.meta.url);
const now = new Date('2025-06-01T00:00:00Z');

const ACCOUNT = '123456789012';
const TRAIL = 'arn:aws:cloudtrail:us-east-1:123456789012:trail/org-audit-trail';

/** A bundle assembled from the fixtures, as aws-collect.sh would write it. */
function fixtureBundle(): Record<string, unknown> {
  const keyMetadata = (json('kms.describe-key.json') as { KeyMetadata: Record<string, unknown> }).KeyMetadata;
  const otherKey = (id: string, extra: Record<string, unknown>) => ({
    ...keyMetadata,
    KeyId: id,
    Arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${id}`,
    ...extra,
  });
  return {
    attest: 'aws-bundle/v1',
    account: ACCOUNT,
    region: 'eu-west-1',
    credentialReport: { Content: Buffer.from(fixture('credential_report.csv')).toString('base64') },
    dbInstances: json('rds.describe-db-instances.json'),
    buckets: {
      'northwind-logs': json('s3api.get-bucket-encryption.json'),
      // A boto3 recording inside the bundle is unwrapped like a lone file.
      'data-lake': json('s3.GetBucketEncryption.kms.placebo.json'),
      'legacy-exports': { Error: { Code: 'ServerSideEncryptionConfigurationNotFoundError' } },
    },
    securityGroups: json('ec2.describe-security-groups.json'),
    trails: json('cloudtrail.describe-trails.json'),
    trailStatus: { [TRAIL]: json('cloudtrail.get-trail-status.json') },
    kmsKeys: {
      [keyMetadata.KeyId as string]: {
        describeKey: { KeyMetadata: keyMetadata },
        rotation: json('kms.get-key-rotation-status.json'),
      },
      'aws-managed': {
        describeKey: { KeyMetadata: otherKey('aws-managed', { KeyManager: 'AWS', Description: '' }) },
        rotation: { KeyRotationEnabled: false },
      },
      'going-away': { describeKey: { KeyMetadata: otherKey('going-away', { KeyState: 'PendingDeletion' }) } },
      signing: {
        describeKey: { KeyMetadata: otherKey('signing', { KeySpec: 'ECC_NIST_P256' }) },
        rotation: { Error: { Code: 'UnsupportedOperationException' } },
      },
    },
  };
}

function records(push: ParsedPush, scope: string): InventoryRecord<'cloud_resource'>[] {
  const found = push.scopes.find((s) => s.scope === scope);
  assert.ok(found, `scope ${scope} is missing; got ${push.scopes.map((s) => s.scope).join(', ')}`);
  return found.records as InventoryRecord<'cloud_resource'>[];
}

/** The attributes of each kind of cloud resource. */
type Attributes = { [D in CloudResourceData as D['kind']]: D['attributes'] };

function attributesOf<K extends keyof Attributes>(
  record: InventoryRecord<'cloud_resource'> | undefined,
  kind: K,
): Attributes[K] {
  assert.ok(record, 'the record is missing');
  assert.equal(record.data.kind, kind);
  return record.data.attributes as Attributes[K];
}

describe('Attest AWS bundle', () => {
  it('makes one scope per part, named by the bundle account and region', () => {
    const push = parseAws(JSON.stringify(fixtureBundle()), { now });
    assert.equal(
      push.format,
      'Attest AWS bundle (IAM credential report, RDS instances, S3 bucket encryption, security groups, ' +
        'CloudTrail trails, KMS keys)',
    );
    assert.deepEqual(
      push.scopes.map((s) => [s.scope, s.records.length]),
      [
        ['aws.iam.users:644160558196', 20],
        ['aws.rds:123456789012:eu-west-1', 2],
        ['aws.s3.buckets:123456789012', 3],
        ['aws.ec2.security_groups:123456789012:eu-west-1', 2],
        ['aws.cloudtrail:123456789012', 2],
        ['aws.kms:123456789012:eu-west-1', 2],
      ],
    );
  });

  it('warns about what it skipped or could not know', () => {
    const { warnings } = parseAws(JSON.stringify(fixtureBundle()), { now });
    assert.deepEqual(
      warnings.map((w) => w.replace(/:.*/s, '')),
      [
        'Credential report line 10',
        "The credential report is for account 644160558196, not the bundle's account 123456789012.",
        "The bundle's trails",
        "The bundle's kmsKeys",
        "The bundle's kmsKeys",
      ],
    );
    assert.match(warnings[2] ?? '', /no get-trail-status for trail dev-trail/);
    assert.match(warnings[3] ?? '', /1 key\(s\) pending deletion left out: going-away/);
    assert.match(warnings[4] ?? '', /rotation status is missing or was refused .*: signing/);
  });

  it('reads buckets by name, trail status by ARN and keys with their rotation', () => {
    const push = parseAws(JSON.stringify(fixtureBundle()), { now });
    const buckets = records(push, 'aws.s3.buckets:123456789012');
    assert.deepEqual(
      buckets.map((b) => [b.externalId, b.data.account, attributesOf(b, 's3_bucket')]),
      [
        ['northwind-logs', ACCOUNT, { encryption: 'AES256', bucketKeyEnabled: null }],
        ['data-lake', ACCOUNT, { encryption: 'aws:kms', bucketKeyEnabled: false }],
        ['legacy-exports', ACCOUNT, { encryption: null, bucketKeyEnabled: null }],
      ],
    );
    const [org, dev] = records(push, 'aws.cloudtrail:123456789012');
    assert.equal(attributesOf(org, 'cloudtrail_trail').logging, true);
    assert.equal(attributesOf(dev, 'cloudtrail_trail').logging, null);
    const [customer, managed] = records(push, 'aws.kms:123456789012:eu-west-1');
    assert.equal(customer?.externalId, 'arn:aws:kms:us-east-1:123456789012:key/0f4c8a3e-5b2d-4e71-9a6c-2d8e1f3b7c90');
    assert.equal(customer?.name, 'CloudTrail log encryption (0f4c8a3e-5b2d-4e71-9a6c-2d8e1f3b7c90)');
    assert.equal(customer?.data.region, 'us-east-1');
    assert.deepEqual(attributesOf(customer, 'kms_key'), { rotationEnabled: true, customerManaged: true });
    assert.equal(managed?.name, 'aws-managed');
    assert.deepEqual(attributesOf(managed, 'kms_key'), { rotationEnabled: false, customerManaged: false });
  });

  it('reads only the parts present, and keeps an empty part as an empty scope', () => {
    const push = parseAws(
      JSON.stringify({
        attest: 'aws-bundle/v1',
        account: ACCOUNT,
        region: 'eu-west-1',
        dbInstances: { DBInstances: [] },
      }),
      { now },
    );
    assert.equal(push.format, 'Attest AWS bundle (RDS instances)');
    assert.deepEqual(push.scopes, [{ scope: 'aws.rds:123456789012:eu-west-1', records: [] }]);
    assert.deepEqual(push.warnings, []);
  });

  it('ignores unknown parts with a warning', () => {
    const push = parseAws(JSON.stringify({ attest: 'aws-bundle/v1', account: ACCOUNT, region: 'x', dbinstances: {} }), {
      now,
    });
    assert.deepEqual(push.scopes, []);
    assert.match(push.warnings[0] ?? '', /"dbinstances" is not a part Attest knows/);
  });

  it('rejects a bundle of another version, or without its account', () => {
    assert.throws(
      () => parseAws(JSON.stringify({ attest: 'aws-bundle/v9', account: ACCOUNT, region: 'x' }), { now }),
      (e: unknown) =>
        e instanceof ImportError && /version "aws-bundle\/v9"; this Attest reads aws-bundle\/v1/.test(e.message),
    );
    assert.throws(
      () => parseAws(JSON.stringify({ attest: 'aws-bundle/v1', region: 'x' }), { now }),
      (e: unknown) => e instanceof ImportError && /account: /.test(e.message),
    );
  });

  it('rejects a part that is not the command output it should be, naming the part', () => {
    const bundle = { ...fixtureBundle(), securityGroups: json('rds.describe-db-instances.json') };
    assert.throws(
      () => parseAws(JSON.stringify(bundle), { now }),
      (e: unknown) =>
        e instanceof ImportError &&
        /The bundle's securityGroups is not the output of aws ec2 describe-security-groups: SecurityGroups/.test(
          e.message,
        ),
    );
  });

  it('stops at a bucket whose encryption could not be read, rather than record a guess', () => {
    const bundle = { ...fixtureBundle(), buckets: { 'secret-bucket': { Error: { Code: 'AccessDenied' } } } };
    assert.throws(
      () => parseAws(JSON.stringify(bundle), { now }),
      (e: unknown) => e instanceof ImportError && /secret-bucket failed with AccessDenied/.test(e.message),
    );
  });
});

describe('the Northwind Labs AWS sample', () => {
  const sample = readFileSync(new URL('aws.json', SAMPLES), 'utf8');

  it('is a bundle the importer accepts, with passing and failing resources', () => {
    const push = parseAws(sample, { now });
    assert.deepEqual(
      push.scopes.map((s) => [s.scope, s.records.length]),
      [
        ['aws.iam.users:444455556666', 7],
        ['aws.rds:444455556666:eu-west-1', 2],
        ['aws.s3.buckets:444455556666', 4],
        ['aws.ec2.security_groups:444455556666:eu-west-1', 3],
        ['aws.cloudtrail:444455556666', 2],
        ['aws.kms:444455556666:eu-west-1', 3],
      ],
    );
    assert.equal(push.warnings.length, 1);
    assert.match(push.warnings[0] ?? '', /pending deletion left out: 9c405f6e/);
    const users = push.scopes[0]?.records as InventoryRecord<'account'>[];
    assert.deepEqual(
      users.filter((u) => u.data.mfaEnabled === false && u.data.passwordEnabled).map((u) => u.data.username),
      ['ben.castillo', 'dana.schmidt'],
    );
    const bastion = records(push, 'aws.ec2.security_groups:444455556666:eu-west-1')[1];
    assert.deepEqual(attributesOf(bastion, 'security_group').ingress[0]?.cidrs, ['0.0.0.0/0']);
    const legacy = records(push, 'aws.s3.buckets:444455556666')[3];
    assert.equal(attributesOf(legacy, 's3_bucket').encryption, null);
  });
});

describe('aws-collect.sh', () => {
  const script = fileURLToPath(new URL('aws-collect.sh', SAMPLES));

  it('is the script documented at the top of the AWS importer', () => {
    const source = readFileSync(new URL('index.ts', import.meta.url), 'utf8');
    const block = /```sh\n([\s\S]*?) \* ```/.exec(source)?.[1] ?? '';
    const documented = block.replace(/^ \* ?/gm, '');
    assert.equal(documented, readFileSync(script, 'utf8'));
  });

  const hasJq = spawnSync('jq', ['--version']).status === 0;
  it('writes a bundle the importer reads (with a stand-in for the AWS CLI)', { skip: !hasJq && 'needs jq' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'attest-aws-collect-'));
    try {
      // The stand-in answers each call with a fixture, as the CLI would print it.
      const outputs: Record<string, string> = {
        'sts get-caller-identity': ACCOUNT,
        'iam generate-credential-report': 'COMPLETE',
        'iam get-credential-report': JSON.stringify(fixtureBundle().credentialReport),
        'rds describe-db-instances': fixture('rds.describe-db-instances.json'),
        'ec2 describe-security-groups': fixture('ec2.describe-security-groups.json'),
        'cloudtrail describe-trails': fixture('cloudtrail.describe-trails.json'),
        'cloudtrail get-trail-status': fixture('cloudtrail.get-trail-status.json'),
        's3api list-buckets': 'northwind-logs\tlegacy-exports',
        'kms list-keys': '0f4c8a3e-5b2d-4e71-9a6c-2d8e1f3b7c90',
        'kms describe-key': fixture('kms.describe-key.json'),
        'kms get-key-rotation-status': fixture('kms.get-key-rotation-status.json'),
      };
      for (const [call, out] of Object.entries(outputs)) writeFileSync(join(dir, call.replace(' ', '.')), out);
      const stub = join(dir, 'aws');
      // Every option the script passes takes a value: what is left is the service and operation.
      writeFileSync(
        stub,
        `#!/usr/bin/env bash
pos=(); bucket=
while [ $# -gt 0 ]; do
  case "$1" in
    --bucket) bucket="$2"; shift 2;;
    --*) shift 2;;
    *) pos+=("$1"); shift;;
  esac
done
if [ "\${pos[1]}" = get-bucket-encryption ] && [ "$bucket" = legacy-exports ]; then
  cat '${dir}/not-found' >&2; exit 254
fi
cat "${dir}/\${pos[0]}.\${pos[1]}"
`,
      );
      chmodSync(stub, 0o755);
      writeFileSync(join(dir, 's3api.get-bucket-encryption'), fixture('s3api.get-bucket-encryption.json'));
      writeFileSync(join(dir, 'not-found'), fixture('s3api.get-bucket-encryption.not-found.txt'));
      const bundle = execFileSync('bash', [script], {
        env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, AWS_REGION: 'eu-west-1' },
        encoding: 'utf8',
      });
      const push = parseAws(bundle, { now });
      assert.deepEqual(
        push.scopes.map((s) => [s.scope, s.records.length]),
        [
          ['aws.iam.users:644160558196', 20],
          ['aws.rds:123456789012:eu-west-1', 2],
          ['aws.s3.buckets:123456789012', 2],
          ['aws.ec2.security_groups:123456789012:eu-west-1', 2],
          ['aws.cloudtrail:123456789012', 2],
          ['aws.kms:123456789012:eu-west-1', 1],
        ],
      );
      const buckets = records(push, 'aws.s3.buckets:123456789012');
      assert.deepEqual(
        buckets.map((b) => [b.externalId, attributesOf(b, 's3_bucket').encryption]),
        [
          ['northwind-logs', 'AES256'],
          ['legacy-exports', null],
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
