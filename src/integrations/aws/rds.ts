import { z } from 'zod';
import type { CloudResourceData, InventoryRecord, ParsedScope } from '../types.js';
import {
  accountFromArn,
  groupBy,
  type PartParser,
  regionFromArn,
  regionFromZone,
  UNKNOWN,
  validate,
} from './shared.js';

/**
 * `aws rds describe-db-instances`: every instance of one region, so the scope is
 * `aws.rds:<account>:<region>`. Outputs older than 2017 carry no DBInstanceArn (the
 * cloud-custodian recording is one): the account is then unknown unless the bundle names it.
 */

const DbInstance = z.object({
  DBInstanceIdentifier: z.string().min(1),
  DBInstanceArn: z.string().optional(),
  Engine: z.string(),
  StorageEncrypted: z.boolean(),
  PubliclyAccessible: z.boolean(),
  BackupRetentionPeriod: z.number().int(),
  // Added to the API in 2018; an output without it predates the setting, when no instance had it.
  DeletionProtection: z.boolean().default(false),
  MultiAZ: z.boolean(),
  AvailabilityZone: z.string().optional(),
});

export const DescribeDbInstances = z.object({ DBInstances: z.array(DbInstance) });

type DbInstance = z.infer<typeof DbInstance>;

export const parseDbInstances: PartParser = (output, origin, warnings) => {
  const { DBInstances } = validate(DescribeDbInstances, output, origin, 'aws rds describe-db-instances');
  const records = DBInstances.map((instance) => instanceRecord(instance, origin.account, origin.region));
  if (records.some((r) => r.data.account === null)) {
    warnings.push(
      `${origin.label}: the RDS output has no DBInstanceArn, so the AWS account is unknown; ` +
        'push it in the Attest bundle (see aws-collect.sh) to record the account.',
    );
  }
  // The bundle says where the command ran; a lone file is grouped by what its ARNs say.
  if (origin.account && origin.region) return [{ scope: `aws.rds:${origin.account}:${origin.region}`, records }];
  if (records.length === 0) {
    warnings.push(
      `${origin.label}: no DB instances, and the output does not say its account and region, so nothing was ` +
        'recorded (instances deleted since the last push are not marked deleted). Push it in the Attest bundle.',
    );
    return [];
  }
  const groups = groupBy(records, (r) => `${r.data.account ?? UNKNOWN}:${r.data.region ?? UNKNOWN}`);
  return [...groups].map(([key, records]): ParsedScope => ({ scope: `aws.rds:${key}`, records }));
};

function instanceRecord(
  instance: DbInstance,
  bundleAccount: string | null,
  bundleRegion: string | null,
): InventoryRecord<'cloud_resource'> {
  const arn = instance.DBInstanceArn ?? null;
  const data: CloudResourceData = {
    provider: 'aws',
    kind: 'rds_instance',
    account: accountFromArn(arn) ?? bundleAccount,
    region: regionFromArn(arn) ?? regionFromZone(instance.AvailabilityZone) ?? bundleRegion,
    attributes: {
      engine: instance.Engine,
      encrypted: instance.StorageEncrypted,
      publiclyAccessible: instance.PubliclyAccessible,
      backupRetentionDays: instance.BackupRetentionPeriod,
      deletionProtection: instance.DeletionProtection,
      multiAz: instance.MultiAZ,
    },
  };
  return {
    type: 'cloud_resource',
    externalId: arn ?? instance.DBInstanceIdentifier,
    name: instance.DBInstanceIdentifier,
    data,
  };
}
