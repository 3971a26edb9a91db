/**
 * Checks over the cloud inventory: storage and databases encrypted, private and backed up,
 * keys rotated, and audit trails that record every region with integrity validation.
 */
import type { Check, CheckContext } from '../types.js';
import { organisationCheck } from '../types.js';
import { type CloudOf, cloudCheck, cloudLabel, fail, nDays, notApplicable, pass } from './shared.js';

// --- Storage buckets ---------------------------------------------------------------------

export const storageEncrypted = cloudCheck('s3_bucket', {
  id: 'cloud.storage.encrypted',
  title: 'Storage buckets are encrypted at rest',
  severity: 'high',
  controls: ['CRY-01'],
  remediation:
    'Set default encryption on the bucket (SSE-KMS with a customer-managed key, or at least SSE-S3, both AES-256), then re-upload objects written before it was set.',
  evaluate: (bucket, record) => {
    const encryption = bucket.attributes.encryption;
    // The inventory reports null when no default encryption is configured on the bucket.
    if (encryption === null || encryption.trim() === '' || encryption.toLowerCase() === 'none') {
      return fail(`${cloudLabel(record)} has no default encryption.`);
    }
    return pass(`${cloudLabel(record)} is encrypted by default (${encryption}).`);
  },
});

const isKms = (encryption: string | null): boolean => encryption?.toLowerCase().startsWith('aws:kms') ?? false;

export const storageKmsEncryption = cloudCheck('s3_bucket', {
  id: 'cloud.storage.kms_encryption',
  title: 'Storage buckets are encrypted with KMS keys',
  severity: 'low',
  controls: ['CRY-03'],
  remediation:
    "Switch the bucket's default encryption to SSE-KMS with a customer-managed key, so that key use is logged and access to the data can be revoked by disabling the key.",
  // Buckets without any encryption are cloud.storage.encrypted's concern; AWS is the provider that names KMS.
  applies: (bucket) => bucket.provider === 'aws' && bucket.attributes.encryption !== null,
  evaluate: (bucket, record) =>
    isKms(bucket.attributes.encryption)
      ? pass(`${cloudLabel(record)} is encrypted with a KMS key (${bucket.attributes.encryption}).`)
      : fail(`${cloudLabel(record)} is encrypted with keys managed by S3 (${bucket.attributes.encryption}), not KMS.`),
});

export const storageBucketKey = cloudCheck('s3_bucket', {
  id: 'cloud.storage.bucket_key',
  title: 'KMS-encrypted buckets use a bucket key',
  severity: 'low',
  controls: ['CRY-03'],
  remediation:
    "Enable the S3 Bucket Key in the bucket's default encryption settings. It cuts calls to KMS sharply, which keeps customer-managed keys affordable and within request limits.",
  applies: (bucket) => isKms(bucket.attributes.encryption),
  evaluate: (bucket, record) => {
    const enabled = bucket.attributes.bucketKeyEnabled;
    if (enabled === null)
      return notApplicable(`The source does not say whether ${cloudLabel(record)} uses a bucket key.`);
    return enabled
      ? pass(`${cloudLabel(record)} uses an S3 bucket key.`)
      : fail(`${cloudLabel(record)} is KMS-encrypted without an S3 bucket key.`);
  },
});

// --- Managed databases -------------------------------------------------------------------

/** A check on one RDS attribute that is simply on or off. */
function rdsFlag(
  spec: {
    id: string;
    title: string;
    severity: 'critical' | 'high' | 'medium' | 'low';
    controls: string[];
    remediation: string;
  },
  isGood: (db: CloudOf<'rds_instance'>['attributes']) => boolean,
  good: string,
  bad: string,
): Check {
  return cloudCheck('rds_instance', {
    ...spec,
    evaluate: (db, record) =>
      isGood(db.attributes) ? pass(`${cloudLabel(record)} ${good}.`) : fail(`${cloudLabel(record)} ${bad}.`),
  });
}

export const rdsEncrypted = rdsFlag(
  {
    id: 'cloud.rds.encrypted',
    title: 'Databases are encrypted at rest',
    severity: 'high',
    controls: ['CRY-01'],
    remediation:
      'Encryption cannot be switched on in place: take a snapshot, copy it with encryption under a KMS key, restore a new instance from the copy and move traffic to it.',
  },
  (db) => db.encrypted,
  'is encrypted at rest',
  'is not encrypted at rest',
);

export const rdsNotPublic = rdsFlag(
  {
    id: 'cloud.rds.not_public',
    title: 'Databases are not publicly accessible',
    severity: 'critical',
    controls: ['NET-02'],
    remediation:
      'Modify the instance to turn off public accessibility and place it in private subnets; reach it through the application, a bastion or a session manager.',
  },
  (db) => !db.publiclyAccessible,
  'is not publicly accessible',
  'is publicly accessible from the internet',
);

export const rdsBackupsEnabled = cloudCheck('rds_instance', {
  id: 'cloud.rds.backups_enabled',
  title: 'Databases have automated backups',
  severity: 'high',
  controls: ['BCP-02'],
  remediation:
    'Set a backup retention period of at least 7 days on the instance, which turns on automated backups and point-in-time recovery.',
  evaluate: (db, record) => {
    const days = db.attributes.backupRetentionDays;
    return days > 0
      ? pass(`${cloudLabel(record)} keeps automated backups for ${nDays(days)}.`)
      : fail(`${cloudLabel(record)} has automated backups turned off.`);
  },
});

/** A week of backups lets a mistake found after a weekend still be undone. */
const MIN_BACKUP_RETENTION_DAYS = 7;

export const rdsBackupRetention = cloudCheck('rds_instance', {
  id: 'cloud.rds.backup_retention',
  title: 'Database backups are kept for at least a week',
  severity: 'low',
  controls: ['BCP-02'],
  remediation: `Raise the backup retention period to ${nDays(MIN_BACKUP_RETENTION_DAYS)} or more, so that problems noticed late can still be restored.`,
  // With backups off, cloud.rds.backups_enabled reports the larger problem.
  applies: (db) => db.attributes.backupRetentionDays > 0,
  evaluate: (db, record) => {
    const days = db.attributes.backupRetentionDays;
    return days >= MIN_BACKUP_RETENTION_DAYS
      ? pass(`${cloudLabel(record)} keeps backups for ${nDays(days)}.`)
      : fail(
          `${cloudLabel(record)} keeps backups for only ${nDays(days)} (at least ${MIN_BACKUP_RETENTION_DAYS} needed).`,
        );
  },
});

export const rdsDeletionProtection = rdsFlag(
  {
    id: 'cloud.rds.deletion_protection',
    title: 'Databases are protected from deletion',
    severity: 'medium',
    controls: ['BCP-02'],
    remediation:
      'Turn on deletion protection for the instance, so that neither a person nor a script can delete it by mistake.',
  },
  (db) => db.deletionProtection,
  'has deletion protection',
  'has no deletion protection',
);

export const rdsMultiAz = rdsFlag(
  {
    id: 'cloud.rds.multi_az',
    title: 'Databases have a standby in another zone',
    severity: 'low',
    controls: ['BCP-04'],
    remediation:
      'Convert the instance to a Multi-AZ deployment so a standby in another availability zone takes over when the primary fails.',
  },
  (db) => db.multiAz,
  'runs with a standby in another availability zone',
  'runs in a single availability zone',
);

// --- Keys --------------------------------------------------------------------------------

export const kmsRotation = cloudCheck('kms_key', {
  id: 'cloud.kms.rotation',
  title: 'Customer-managed keys rotate automatically',
  severity: 'medium',
  controls: ['CRY-03'],
  remediation:
    'Turn on automatic key rotation for the key (yearly or more often). Old key material stays available to decrypt existing data.',
  // Keys managed by the provider rotate on its schedule; nothing to change there.
  applies: (key) => key.attributes.customerManaged !== false,
  evaluate: (key, record) =>
    key.attributes.rotationEnabled
      ? pass(`${cloudLabel(record)} rotates automatically.`)
      : fail(`${cloudLabel(record)} does not rotate automatically.`),
});

/**
 * Provider-managed keys exist in every account and cannot be removed, so judging each key
 * would fail forever. What the control asks is that customer-managed keys are in use at all.
 */
export const kmsCustomerManaged = organisationCheck({
  id: 'cloud.kms.customer_managed',
  title: 'Customer-managed encryption keys are in use',
  severity: 'medium',
  controls: ['CRY-03'],
  remediation:
    'Create customer-managed KMS keys for the services that hold customer data (databases, buckets, backups, secrets) and switch their encryption to those keys.',
  reads: ['cloud_resource'],
  evaluate: (ctx) => {
    let keys = 0;
    let unknown = 0;
    const customer: string[] = [];
    for (const record of ctx.records('cloud_resource')) {
      if (record.data.kind !== 'kms_key') continue;
      keys += 1;
      if (record.data.attributes.customerManaged === null) unknown += 1;
      else if (record.data.attributes.customerManaged) customer.push(record.name);
    }
    if (keys === 0) return notApplicable('No KMS keys are in the cloud inventory.');
    if (customer.length > 0)
      return pass(`Customer-managed KMS keys are in use: ${customer.length} of ${keys}, e.g. ${customer[0]}.`);
    if (unknown > 0)
      return notApplicable(`The source does not say which of the ${keys} KMS keys are customer-managed.`);
    return fail(`None of the ${keys} KMS keys in the cloud inventory is customer-managed.`);
  },
});

// --- Audit trails ------------------------------------------------------------------------

/** Cloud inventory exists once any AWS resource was imported or the AWS source ever pushed. */
function hasAwsInventory(ctx: CheckContext, resources: number): boolean {
  return resources > 0 || ctx.lastPushAt('aws') !== undefined;
}

export const cloudTrailEnabled = organisationCheck({
  id: 'cloud.cloudtrail.enabled',
  title: 'An audit trail records every region',
  severity: 'high',
  controls: ['LOG-01'],
  remediation:
    'Create a multi-region CloudTrail trail (an organisation trail if you use AWS Organizations) delivering to a locked-down bucket in a separate account, and make sure logging is started.',
  reads: ['cloud_resource'],
  evaluate: (ctx) => {
    let awsResources = 0;
    let unknownLogging: string | undefined;
    const trails: string[] = [];
    for (const record of ctx.records('cloud_resource')) {
      if (record.data.provider === 'aws') awsResources += 1;
      if (record.data.kind !== 'cloudtrail_trail') continue;
      trails.push(record.name);
      const { multiRegion, logging } = record.data.attributes;
      if (multiRegion && logging === true) return pass(`CloudTrail trail ${record.name} logs every region.`);
      if (multiRegion && logging === null) unknownLogging = record.name;
    }
    if (!hasAwsInventory(ctx, awsResources)) return notApplicable('No AWS inventory has been imported.');
    if (unknownLogging) {
      return notApplicable(
        `CloudTrail trail ${unknownLogging} covers every region, but the source does not say whether it is logging.`,
      );
    }
    if (trails.length === 0) return fail('No CloudTrail trail is in the cloud inventory.');
    return fail(`No CloudTrail trail logs every region (trails seen: ${trails.slice(0, 3).join(', ')}).`);
  },
});

export const cloudTrailMultiRegion = cloudCheck('cloudtrail_trail', {
  id: 'cloud.cloudtrail.multi_region',
  title: 'Audit trails cover every region',
  severity: 'medium',
  controls: ['LOG-01'],
  remediation: 'Update the trail to apply to all regions, so activity in a region nobody watches is still recorded.',
  evaluate: (trail, record) =>
    trail.attributes.multiRegion
      ? pass(`${cloudLabel(record)} covers every region.`)
      : fail(`${cloudLabel(record)} records only ${trail.region ?? 'its home region'}.`),
});

export const cloudTrailLogging = cloudCheck('cloudtrail_trail', {
  id: 'cloud.cloudtrail.logging',
  title: 'Audit trails are logging',
  severity: 'high',
  controls: ['LOG-01'],
  remediation:
    'Start logging on the trail and find out who stopped it and why; stopping a trail is a common step in an attack.',
  evaluate: (trail, record) => {
    const logging = trail.attributes.logging;
    if (logging === null) return notApplicable(`The source does not say whether ${cloudLabel(record)} is logging.`);
    return logging ? pass(`${cloudLabel(record)} is logging.`) : fail(`${cloudLabel(record)} is not logging.`);
  },
});

export const cloudTrailLogValidation = cloudCheck('cloudtrail_trail', {
  id: 'cloud.cloudtrail.log_validation',
  title: 'Audit logs can be checked for tampering',
  severity: 'medium',
  controls: ['LOG-01'],
  remediation:
    'Enable log file integrity validation on the trail, so any change to or deletion of a delivered log file can be detected.',
  evaluate: (trail, record) =>
    trail.attributes.logFileValidation
      ? pass(`${cloudLabel(record)} validates its log files.`)
      : fail(`${cloudLabel(record)} does not validate its log files.`),
});

export const cloudTrailEncrypted = cloudCheck('cloudtrail_trail', {
  id: 'cloud.cloudtrail.encrypted',
  title: 'Audit logs are encrypted with a KMS key',
  severity: 'medium',
  controls: ['LOG-01'],
  remediation:
    'Configure the trail to encrypt log files with a customer-managed KMS key whose policy lets only the security team decrypt them.',
  evaluate: (trail, record) =>
    trail.attributes.kmsKeyId
      ? pass(`${cloudLabel(record)} encrypts its logs with KMS key ${trail.attributes.kmsKeyId}.`)
      : fail(`${cloudLabel(record)} does not encrypt its logs with a KMS key.`),
});

export const CLOUD_CHECKS: readonly Check[] = [
  storageEncrypted,
  storageKmsEncryption,
  storageBucketKey,
  rdsEncrypted,
  rdsNotPublic,
  rdsBackupsEnabled,
  rdsBackupRetention,
  rdsDeletionProtection,
  rdsMultiAz,
  kmsRotation,
  kmsCustomerManaged,
  cloudTrailEnabled,
  cloudTrailMultiRegion,
  cloudTrailLogging,
  cloudTrailLogValidation,
  cloudTrailEncrypted,
];
