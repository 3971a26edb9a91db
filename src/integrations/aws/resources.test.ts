import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type CloudResourceData, ImportError, type InventoryRecord, type ParsedPush } from '../types.js';
import { parseAws } from './index.js';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/aws/${name}`, import.meta.url), 'utf8');
const now = new Date('2024-05-02T12:00:00Z');

function resources(push: ParsedPush): InventoryRecord<'cloud_resource'>[] {
  return push.scopes.flatMap((s) => s.records) as InventoryRecord<'cloud_resource'>[];
}

/** The attributes of each kind of cloud resource. */
type Attributes = { [D in CloudResourceData as D['kind']]: D['attributes'] };

function attributes<K extends keyof Attributes>(
  record: InventoryRecord<'cloud_resource'> | undefined,
  kind: K,
): Attributes[K] {
  assert.ok(record, 'the record is missing');
  assert.equal(record.data.kind, kind);
  return record.data.attributes as Attributes[K];
}

describe('AWS RDS describe-db-instances', () => {
  it('reads the cloud-custodian recording: two public instances, one encrypted', () => {
    const push = parseAws(fixture('rds.DescribeDBInstances.placebo.json'), { now });
    assert.equal(push.format, 'AWS RDS describe-db-instances (boto3 recording)');
    // The 2016 recording has no DBInstanceArn: the account is unknown, the region comes from the zone.
    assert.deepEqual(
      push.scopes.map((s) => s.scope),
      ['aws.rds:unknown:us-west-2'],
    );
    assert.match(push.warnings[0] ?? '', /no DBInstanceArn, so the AWS account is unknown/);
    const [blue, zebra] = resources(push);
    assert.equal(resources(push).length, 2);
    assert.equal(blue?.externalId, 'bluelobster');
    assert.equal(blue?.data.account, null);
    assert.equal(blue?.data.region, 'us-west-2');
    assert.deepEqual(attributes(blue, 'rds_instance'), {
      engine: 'mysql',
      encrypted: true,
      publiclyAccessible: true,
      backupRetentionDays: 7,
      deletionProtection: false,
      multiAz: false,
    });
    assert.equal(zebra?.name, 'zebramoon');
    assert.equal(attributes(zebra, 'rds_instance').engine, 'postgres');
    assert.equal(attributes(zebra, 'rds_instance').encrypted, false);
    assert.equal(attributes(zebra, 'rds_instance').publiclyAccessible, true);
  });

  it('reads the CLI output, taking account and region from the ARN', () => {
    const push = parseAws(fixture('rds.describe-db-instances.json'), { now });
    assert.equal(push.format, 'AWS RDS describe-db-instances (AWS CLI JSON)');
    assert.deepEqual(push.warnings, []);
    assert.deepEqual(
      push.scopes.map((s) => [s.scope, s.records.length]),
      [['aws.rds:123456789012:eu-west-1', 2]],
    );
    const [orders, reports] = resources(push);
    assert.equal(orders?.externalId, 'arn:aws:rds:eu-west-1:123456789012:db:orders-prod');
    assert.equal(orders?.data.account, '123456789012');
    assert.deepEqual(attributes(orders, 'rds_instance'), {
      engine: 'postgres',
      encrypted: true,
      publiclyAccessible: false,
      backupRetentionDays: 14,
      deletionProtection: true,
      multiAz: true,
    });
    assert.equal(attributes(reports, 'rds_instance').backupRetentionDays, 0);
    assert.equal(attributes(reports, 'rds_instance').encrypted, false);
  });

  it('records nothing for an empty lone output, which names no account or region', () => {
    const push = parseAws('{"DBInstances": []}', { now });
    assert.deepEqual(push.scopes, []);
    assert.match(push.warnings[0] ?? '', /Push it in the Attest bundle/);
  });

  it('names a missing field', () => {
    const broken = fixture('rds.describe-db-instances.json').replace('"StorageEncrypted": true,', '');
    assert.throws(
      () => parseAws(broken, { now }),
      (e: unknown) =>
        e instanceof ImportError && /DBInstances\[0\]\.StorageEncrypted: .*expected boolean/.test(e.message),
    );
  });
});

describe('AWS S3 get-bucket-encryption', () => {
  it('names the bucket after the file, keeping the dots of its name', () => {
    const push = parseAws(fixture('s3api.get-bucket-encryption.json'), {
      now,
      fileName: 'logs.northwind.example.json',
    });
    assert.equal(push.format, 'AWS S3 get-bucket-encryption (AWS CLI JSON)');
    assert.equal(push.scopes[0]?.scope, 'aws.s3.bucket:logs.northwind.example');
    const [bucket] = resources(push);
    assert.equal(bucket?.externalId, 'logs.northwind.example');
    assert.equal(bucket?.data.account, null);
    assert.deepEqual(attributes(bucket, 's3_bucket'), { encryption: 'AES256', bucketKeyEnabled: null });
  });

  it('reads the KMS recording with its bucket key setting', () => {
    const push = parseAws(fixture('s3.GetBucketEncryption.kms.placebo.json'), {
      now,
      fileName: 'uploads/data-lake.json',
    });
    assert.equal(push.scopes[0]?.scope, 'aws.s3.bucket:data-lake');
    assert.deepEqual(attributes(resources(push)[0], 's3_bucket'), { encryption: 'aws:kms', bucketKeyEnabled: false });
    const aes = parseAws(fixture('s3.GetBucketEncryption.aes256.placebo.json'), { now, fileName: 'archive.json' });
    assert.equal(attributes(resources(aes)[0], 's3_bucket').encryption, 'AES256');
  });

  it('reads "no configuration" as encryption null, from a recording or from what the CLI prints', () => {
    const recorded = parseAws(fixture('s3.GetBucketEncryption.not-found.placebo.json'), { now });
    // The recorded error names its bucket, so no file name is needed.
    assert.equal(recorded.scopes[0]?.scope, 'aws.s3.bucket:legacy-exports-123456789012');
    assert.deepEqual(attributes(resources(recorded)[0], 's3_bucket'), { encryption: null, bucketKeyEnabled: null });
    const printed = parseAws(fixture('s3api.get-bucket-encryption.not-found.txt'), { now, fileName: 'old-site.txt' });
    assert.equal(printed.scopes[0]?.scope, 'aws.s3.bucket:old-site');
    assert.equal(attributes(resources(printed)[0], 's3_bucket').encryption, null);
  });

  it('asks for the bundle or a file named after the bucket', () => {
    const output = fixture('s3api.get-bucket-encryption.json');
    assert.throws(
      () => parseAws(output, { now }),
      (e: unknown) => e instanceof ImportError && /Attest bundle .* named after the bucket/.test(e.message),
    );
    assert.throws(
      () => parseAws(output, { now, fileName: 'Bucket Encryption.json' }),
      (e: unknown) => e instanceof ImportError && /is not an S3 bucket name/.test(e.message),
    );
  });
});

describe('AWS EC2 describe-security-groups', () => {
  it('reads the cloud-custodian recording: sg-926a56e8 opens SSH to the world', () => {
    const push = parseAws(fixture('ec2.DescribeSecurityGroups.placebo.json'), { now });
    // Without SecurityGroupArn the region is unknown; the account is the owner.
    assert.deepEqual(
      push.scopes.map((s) => s.scope),
      ['aws.ec2.security_groups:644160558196:unknown'],
    );
    assert.match(push.warnings[0] ?? '', /no SecurityGroupArn/);
    const [open, restricted] = resources(push);
    assert.equal(open?.externalId, 'sg-926a56e8');
    assert.equal(open?.name, 'launch-wizard-1 (sg-926a56e8)');
    assert.equal(open?.data.account, '644160558196');
    assert.deepEqual(attributes(open, 'security_group'), {
      vpcId: 'vpc-d2d616b5',
      ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidrs: ['0.0.0.0/0'] }],
    });
    assert.deepEqual(attributes(restricted, 'security_group').ingress, [
      { protocol: 'tcp', fromPort: 22, toPort: 22, cidrs: ['204.63.44.148/32'] },
    ]);
  });

  it('reads IPv6 ranges, "all traffic" rules and rules that only name other groups', () => {
    const push = parseAws(fixture('ec2.describe-security-groups.json'), { now });
    assert.deepEqual(push.warnings, []);
    assert.equal(push.scopes[0]?.scope, 'aws.ec2.security_groups:123456789012:eu-west-1');
    const [web, legacy] = resources(push);
    assert.equal(web?.data.region, 'eu-west-1');
    assert.deepEqual(attributes(web, 'security_group').ingress, [
      { protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0', '::/0'] },
    ]);
    assert.deepEqual(attributes(legacy, 'security_group').ingress, [
      { protocol: '-1', fromPort: null, toPort: null, cidrs: ['198.51.100.0/24'] },
      { protocol: 'tcp', fromPort: 5432, toPort: 5432, cidrs: [] },
      { protocol: 'icmp', fromPort: null, toPort: null, cidrs: ['10.0.0.0/8'] },
    ]);
  });
});

describe('AWS CloudTrail describe-trails', () => {
  it('reads the trails; without get-trail-status, logging is unknown', () => {
    const push = parseAws(fixture('cloudtrail.describe-trails.json'), { now });
    assert.equal(push.format, 'AWS CloudTrail describe-trails (AWS CLI JSON)');
    assert.equal(push.scopes[0]?.scope, 'aws.cloudtrail:123456789012');
    const [org, dev] = resources(push);
    assert.equal(resources(push).length, 2);
    assert.equal(org?.externalId, 'arn:aws:cloudtrail:us-east-1:123456789012:trail/org-audit-trail');
    assert.equal(org?.data.region, 'us-east-1');
    assert.deepEqual(attributes(org, 'cloudtrail_trail'), {
      multiRegion: true,
      logFileValidation: true,
      kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/0f4c8a3e-5b2d-4e71-9a6c-2d8e1f3b7c90',
      logging: null,
    });
    assert.deepEqual(attributes(dev, 'cloudtrail_trail'), {
      multiRegion: false,
      logFileValidation: false,
      kmsKeyId: null,
      logging: null,
    });
  });
});
