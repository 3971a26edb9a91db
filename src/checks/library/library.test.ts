import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SEVERITIES } from '../../integrations/types.js';
import type { Check, CheckContext, CheckOutcome, StoredRecord } from '../types.js';
import { ASSESSMENT_CASES } from './cases/assessments.js';
import { CONTINUITY_CASES } from './cases/continuity.js';
import { INCIDENT_CASES } from './cases/incidents.js';
import { RISK_CASES } from './cases/risks.js';
import { SECURITY_TXT_CASES } from './cases/security-txt.js';
import { bad, na, ok, org, type Spec } from './cases/spec.js';
import { VENDOR_CASES } from './cases/vendors.js';
import { ALL_CHECKS, checkById } from './index.js';
import {
  account,
  cloud,
  context,
  database,
  dateDaysAgo,
  daysAgo,
  device,
  endpoint,
  finding,
  person,
  personRecord,
  rootAccount,
  system,
} from './test-factories.js';

const awsUser = (overrides: Parameters<typeof account>[0] = {}) =>
  account({
    provider: 'aws',
    email: null,
    username: 'deployer',
    mfaEnforced: null,
    passwordEnabled: false,
    ...overrides,
  });
const key = (id: string, rotatedDaysAgo: number | null, usedDaysAgo: number | null, active = true) => ({
  id,
  active,
  lastRotatedAt: rotatedDaysAgo === null ? null : daysAgo(rotatedDaysAgo),
  lastUsedAt: usedDaysAgo === null ? null : daysAgo(usedDaysAgo),
});

const departed = context({ people: [person({ endDate: dateDaysAgo(3) })] });
const staff = context({ people: [person()] });
const sg = (protocol: string, fromPort: number | null, toPort: number | null, cidrs: string[]) =>
  cloud('security_group', 'sg-0a1 (web)', { ingress: [{ protocol, fromPort, toPort, cidrs }] });
const certificate = (overrides: Partial<NonNullable<Parameters<typeof endpoint>[0]>['certificate']> = {}) => {
  const base = endpoint().data.certificate;
  assert.ok(base);
  return { ...base, ...overrides };
};
const unreachable = () =>
  endpoint({ error: 'Could not connect to api.northwind.example:443: the connection was refused.' });
const dbDown = () => database({ error: 'connection refused' });
const vuln = (severity: 'critical' | 'high' | 'medium' | 'low', firstSeenDaysAgo: number) =>
  finding({ severity }, firstSeenDaysAgo);
const admins = (count: number, of: number) =>
  Array.from({ length: of }, (_, i) => account({ email: `user${i}@northwind.example`, isAdmin: i < count }));

const CASES: Record<string, Spec> = {
  'identity.mfa.all_accounts': {
    cases: [
      ok(account()),
      bad(account({ mfaEnabled: false, provider: 'okta' })),
      na(account({ mfaEnabled: null })),
      na(awsUser({ mfaEnabled: false })),
    ],
    skip: [account({ active: false }), rootAccount()],
  },
  'identity.mfa.admins': {
    cases: [
      ok(account({ isAdmin: true })),
      bad(account({ isAdmin: true, mfaEnabled: false })),
      na(account({ isAdmin: true, mfaEnabled: null })),
    ],
    skip: [account(), account({ isAdmin: true, active: false }), rootAccount()],
  },
  'identity.mfa.enforced': {
    cases: [ok(account()), bad(account({ mfaEnforced: false })), na(account({ provider: 'okta', mfaEnforced: null }))],
    skip: [account({ provider: 'github' }), account({ active: false }), awsUser()],
  },
  'identity.unused_credentials': {
    cases: [
      ok(account()),
      ok(awsUser({ accessKeys: [key('AKIAFRESH', 200, 5)] })),
      bad(account({ lastLoginAt: daysAgo(120) })),
      bad(awsUser({ accessKeys: [key('AKIASTALE', 200, 100)] })),
      bad(awsUser({ passwordEnabled: true, lastLoginAt: null, createdAt: daysAgo(100) })),
      na(account({ provider: 'github', lastLoginAt: null })),
    ],
    skip: [account({ active: false }), rootAccount()],
  },
  'identity.no_active_accounts_for_departed': {
    cases: [
      ok(account(), staff),
      ok(account({ active: false }), departed),
      ok(account(), context({ people: [person({ endDate: dateDaysAgo(-10) })] })),
      bad(account(), departed),
      na(account({ email: 'nobody@northwind.example' }), staff),
    ],
    skip: [awsUser(), rootAccount()],
  },
  'identity.accounts_linked_to_people': {
    cases: [
      ok(account(), staff),
      bad(account({ email: 'ghost@northwind.example', username: 'ghost' }), staff),
      na(account(), context()),
    ],
    skip: [account({ active: false }), awsUser(), rootAccount()],
  },
  'identity.accounts.no_shared': {
    cases: [
      ok(account()),
      ok(awsUser({ username: 'devops' })),
      bad(account({ email: 'admin@northwind.example', username: 'admin' })),
      bad(account({ email: 'dev-team@northwind.example', username: 'dev-team' })),
    ],
    skip: [account({ active: false, email: 'admin@northwind.example' }), rootAccount()],
  },
  'identity.admins.limited': {
    cases: [
      org('pass', context({ records: admins(2, 12) })),
      org('fail', context({ records: admins(5, 10) })),
      org('not_applicable', context()),
    ],
  },
  'cloud.iam.root_mfa': {
    cases: [ok(rootAccount()), bad(rootAccount({ mfaEnabled: false })), na(rootAccount({ mfaEnabled: null }))],
    skip: [account({ isAdmin: true })],
  },
  'cloud.iam.root_unused': {
    cases: [
      ok(rootAccount()),
      ok(rootAccount({ lastLoginAt: null })),
      bad(rootAccount({ lastLoginAt: daysAgo(3) })),
      bad(rootAccount({ accessKeys: [key('root-key-1', 500, null)] })),
    ],
    skip: [account({ isAdmin: true })],
  },
  'cloud.iam.access_keys_rotated': {
    cases: [
      ok(awsUser({ accessKeys: [key('AKIANEW', 10, 1)] })),
      bad(awsUser({ accessKeys: [key('AKIAOLD', 200, 1)] })),
      na(awsUser({ accessKeys: [key('AKIAUNKNOWN', null, 1)] })),
    ],
    skip: [account(), awsUser({ accessKeys: [key('AKIAOFF', 400, null, false)] })],
  },
  'code.org_2fa_required': {
    cases: [
      ok(cloud('github_org', 'northwind')),
      bad(cloud('github_org', 'northwind', { twoFactorRequired: false })),
      na(cloud('github_org', 'northwind', { twoFactorRequired: null })),
    ],
    skip: [cloud('s3_bucket', 'northwind-logs')],
  },
  'code.members_2fa': {
    cases: [
      ok(cloud('github_org', 'northwind')),
      bad(cloud('github_org', 'northwind', { membersWithoutTwoFactor: ['octocat', 'hubot'] })),
      na(cloud('github_org', 'northwind', { membersWithoutTwoFactor: null })),
    ],
    skip: [cloud('kms_key', 'key-1')],
  },
  'cloud.storage.encrypted': {
    cases: [
      ok(cloud('s3_bucket', 'northwind-data')),
      ok(cloud('s3_bucket', 'northwind-data', { encryption: 'AES256' })),
      bad(cloud('s3_bucket', 'northwind-data', { encryption: null })),
    ],
    skip: [cloud('rds_instance', 'prod-db')],
  },
  'cloud.storage.kms_encryption': {
    cases: [
      ok(cloud('s3_bucket', 'northwind-data')),
      bad(cloud('s3_bucket', 'northwind-data', { encryption: 'AES256' })),
    ],
    skip: [
      cloud('s3_bucket', 'plain', { encryption: null }),
      cloud('s3_bucket', 'gcs', { encryption: 'GOOGLE_DEFAULT_ENCRYPTION' }, 'gcp'),
    ],
  },
  'cloud.storage.bucket_key': {
    cases: [
      ok(cloud('s3_bucket', 'northwind-data')),
      bad(cloud('s3_bucket', 'northwind-data', { bucketKeyEnabled: false })),
      na(cloud('s3_bucket', 'northwind-data', { bucketKeyEnabled: null })),
    ],
    skip: [cloud('s3_bucket', 'sse-s3', { encryption: 'AES256' })],
  },
  'cloud.rds.encrypted': {
    cases: [ok(cloud('rds_instance', 'prod-db')), bad(cloud('rds_instance', 'prod-db', { encrypted: false }))],
    skip: [cloud('s3_bucket', 'northwind-data')],
  },
  'cloud.rds.not_public': {
    cases: [ok(cloud('rds_instance', 'prod-db')), bad(cloud('rds_instance', 'prod-db', { publiclyAccessible: true }))],
    skip: [cloud('security_group', 'sg-1')],
  },
  'cloud.rds.backups_enabled': {
    cases: [ok(cloud('rds_instance', 'prod-db')), bad(cloud('rds_instance', 'prod-db', { backupRetentionDays: 0 }))],
  },
  'cloud.rds.backup_retention': {
    cases: [ok(cloud('rds_instance', 'prod-db')), bad(cloud('rds_instance', 'prod-db', { backupRetentionDays: 3 }))],
    skip: [cloud('rds_instance', 'no-backups', { backupRetentionDays: 0 })],
  },
  'cloud.rds.deletion_protection': {
    cases: [ok(cloud('rds_instance', 'prod-db')), bad(cloud('rds_instance', 'prod-db', { deletionProtection: false }))],
  },
  'cloud.rds.multi_az': {
    cases: [ok(cloud('rds_instance', 'prod-db')), bad(cloud('rds_instance', 'prod-db', { multiAz: false }))],
  },
  'cloud.kms.rotation': {
    cases: [
      ok(cloud('kms_key', 'alias/customer-data')),
      bad(cloud('kms_key', 'alias/customer-data', { rotationEnabled: false })),
      bad(cloud('kms_key', 'alias/unknown-owner', { rotationEnabled: false, customerManaged: null })),
    ],
    skip: [cloud('kms_key', 'alias/aws/s3', { customerManaged: false, rotationEnabled: false })],
  },
  'cloud.kms.customer_managed': {
    cases: [
      org(
        'pass',
        context({
          records: [cloud('kms_key', 'alias/aws/s3', { customerManaged: false }), cloud('kms_key', 'alias/data')],
        }),
      ),
      org('fail', context({ records: [cloud('kms_key', 'alias/aws/s3', { customerManaged: false })] })),
      org('not_applicable', context({ records: [cloud('kms_key', 'key-1', { customerManaged: null })] })),
      org('not_applicable', context()),
    ],
  },
  'cloud.cloudtrail.enabled': {
    cases: [
      org('pass', context({ records: [cloud('cloudtrail_trail', 'org-trail')] })),
      org('fail', context({ records: [cloud('cloudtrail_trail', 'local', { multiRegion: false })] })),
      org('fail', context({ records: [cloud('s3_bucket', 'northwind-data')] })),
      org('fail', context({ pushes: { aws: daysAgo(1) } })),
      org('not_applicable', context({ records: [cloud('github_org', 'northwind')] })),
      org('not_applicable', context({ records: [cloud('cloudtrail_trail', 'org-trail', { logging: null })] })),
    ],
  },
  'cloud.cloudtrail.multi_region': {
    cases: [
      ok(cloud('cloudtrail_trail', 'org-trail')),
      bad(cloud('cloudtrail_trail', 'org-trail', { multiRegion: false })),
    ],
  },
  'cloud.cloudtrail.logging': {
    cases: [
      ok(cloud('cloudtrail_trail', 'org-trail')),
      bad(cloud('cloudtrail_trail', 'org-trail', { logging: false })),
      na(cloud('cloudtrail_trail', 'org-trail', { logging: null })),
    ],
  },
  'cloud.cloudtrail.log_validation': {
    cases: [
      ok(cloud('cloudtrail_trail', 'org-trail')),
      bad(cloud('cloudtrail_trail', 'org-trail', { logFileValidation: false })),
    ],
  },
  'cloud.cloudtrail.encrypted': {
    cases: [
      ok(cloud('cloudtrail_trail', 'org-trail')),
      bad(cloud('cloudtrail_trail', 'org-trail', { kmsKeyId: null })),
    ],
  },
  'network.sg.no_open_admin_ports': {
    cases: [
      ok(cloud('security_group', 'sg-0a1 (web)')),
      ok(sg('tcp', 22, 22, ['10.0.0.0/8'])),
      ok(sg('icmp', -1, -1, ['0.0.0.0/0'])),
      bad(sg('tcp', 22, 22, ['0.0.0.0/0'])),
      bad(sg('tcp', 5000, 6000, ['::/0'])),
      bad(sg('-1', null, null, ['0.0.0.0/0'])),
    ],
    skip: [cloud('rds_instance', 'prod-db')],
  },
  'network.sg.no_open_all_ports': {
    cases: [
      ok(cloud('security_group', 'sg-0a1 (web)')),
      bad(sg('-1', null, null, ['0.0.0.0/0'])),
      bad(sg('tcp', 0, 65535, ['::/0'])),
    ],
  },
  'network.sg.internet_web_only': {
    cases: [ok(cloud('security_group', 'sg-0a1 (web)')), bad(sg('tcp', 8080, 8080, ['0.0.0.0/0']))],
  },
  'tls.endpoint.reachable': {
    cases: [ok(endpoint()), bad(unreachable())],
  },
  'tls.endpoint.modern': {
    cases: [
      ok(endpoint()),
      bad(endpoint({ protocols: ['TLSv1', 'TLSv1.1', 'TLSv1.2'] })),
      bad(endpoint({ protocols: [] })),
      na(unreachable()),
    ],
  },
  'tls.certificate.expiry': {
    cases: [
      ok(endpoint()),
      bad(endpoint({ certificate: certificate({ notAfter: daysAgo(-8) }) })),
      bad(endpoint({ certificate: certificate({ notAfter: daysAgo(2) }) })),
      na(endpoint({ certificate: null })),
      na(unreachable()),
    ],
  },
  'tls.certificate.trusted': {
    cases: [
      ok(endpoint()),
      bad(endpoint({ certificate: certificate({ trusted: false, selfSigned: true }) })),
      na(unreachable()),
    ],
  },
  'tls.certificate.hostname': {
    cases: [
      ok(endpoint()),
      bad(endpoint({ certificate: certificate({ hostnameMatches: false, subject: 'www.other.example' }) })),
      na(unreachable()),
    ],
  },
  'tls.hsts': {
    cases: [
      ok(endpoint()),
      bad(endpoint({ hstsMaxAge: null })),
      bad(endpoint({ hstsMaxAge: 3600 })),
      na(endpoint({ port: 5671, hstsMaxAge: null })),
      na(unreachable()),
    ],
  },
  'tls.cipher.strong': {
    cases: [
      ok(endpoint()),
      ok(endpoint({ weakestCipher: 'TLS_AES_256_GCM_SHA384' })),
      bad(endpoint({ weakestCipher: 'DES-CBC3-SHA' })),
      bad(endpoint({ weakestCipher: 'AES128-GCM-SHA256' })),
      na(endpoint({ weakestCipher: null })),
      na(unreachable()),
    ],
  },
  'database.ssl': {
    cases: [ok(database()), bad(database({ ssl: false })), na(database({ ssl: null })), na(dbDown())],
  },
  'database.connection_encrypted': {
    cases: [ok(database()), bad(database({ connectionEncrypted: false })), na(database({ connectionEncrypted: null }))],
  },
  'database.password_encryption_scram': {
    cases: [ok(database()), bad(database({ passwordEncryption: 'md5' })), na(database({ passwordEncryption: null }))],
  },
  'database.log_connections': {
    cases: [
      ok(database()),
      bad(database({ logConnections: false })),
      bad(database({ logDisconnections: false })),
      na(database({ logConnections: null, logDisconnections: null })),
    ],
  },
  'database.log_statement': {
    cases: [
      ok(database()),
      ok(database({ logStatement: 'all' })),
      bad(database({ logStatement: 'none' })),
      na(database({ logStatement: null })),
    ],
  },
  'database.version_supported': {
    cases: [
      ok(database()),
      ok(database({ version: '19.1' })),
      bad(database({ version: '12.19' })),
      bad(database({ version: 'PostgreSQL 9.6.24 on x86_64-pc-linux-gnu' })),
      na(database({ version: null })),
      na(dbDown()),
    ],
  },
  'vuln.scan.monthly': {
    cases: [
      org('pass', context({ pushes: { trivy: daysAgo(3), prowler: daysAgo(40) } })),
      org('fail', context({ pushes: { prowler: daysAgo(40) } })),
      org('fail', context()),
    ],
  },
  'vuln.sla.critical': {
    cases: [ok(vuln('critical', 5)), bad(vuln('critical', 20))],
    skip: [
      finding({ status: 'pass' }),
      finding({ category: 'misconfiguration' }),
      finding({ severity: 'high' }),
      finding({ status: 'manual' }),
    ],
  },
  'vuln.sla.high': {
    cases: [ok(vuln('high', 10)), bad(vuln('high', 40))],
    skip: [finding({ severity: 'critical' })],
  },
  'vuln.sla.medium': {
    cases: [ok(vuln('medium', 30)), bad(vuln('medium', 100))],
    skip: [finding({ severity: 'low' })],
  },
  'vuln.sla.low': {
    cases: [ok(vuln('low', 30)), bad(vuln('low', 200))],
    skip: [finding({ severity: 'info' })],
  },
  'vuln.secrets.none': {
    cases: [
      bad(
        finding({
          category: 'secret',
          ruleId: 'aws-access-key-id',
          title: 'AWS access key',
          resource: 'config/app.env:3',
        }),
      ),
      ok(finding({ category: 'secret', ruleId: 'aws-access-key-id', status: 'pass', resource: 'config/app.env:3' })),
    ],
    skip: [finding(), finding({ category: 'secret', status: 'manual' })],
  },
  'vuln.misconfig.high': {
    cases: [
      bad(finding({ category: 'misconfiguration', severity: 'high', ruleId: 'AVD-DS-0002', resource: 'Dockerfile' })),
      ok(finding({ category: 'misconfiguration', severity: 'critical', status: 'pass', resource: 'Dockerfile' })),
    ],
    skip: [
      finding({ category: 'misconfiguration', severity: 'medium' }),
      finding({ category: 'misconfiguration', severity: 'high', tool: 'prowler' }),
      finding(),
    ],
  },
  'findings.prowler.failed': {
    cases: [
      bad(
        finding({
          tool: 'prowler',
          category: 'compliance',
          severity: 'low',
          ruleId: 's3_bucket_versioning',
          resource: 'arn:aws:s3:::northwind-data',
        }),
      ),
      ok(finding({ tool: 'prowler', category: 'compliance', status: 'pass', resource: 'arn:aws:s3:::northwind-data' })),
    ],
    skip: [finding(), finding({ tool: 'prowler', status: 'manual' })],
  },
  'device.disk_encryption': {
    cases: [ok(device()), bad(device({ diskEncrypted: false })), na(device({ diskEncrypted: null }))],
  },
  'device.screen_lock': {
    cases: [ok(device()), bad(device({ screenLock: false })), na(device({ screenLock: null }))],
  },
  'device.screen_lock_delay': {
    cases: [ok(device()), bad(device({ screenLockDelaySeconds: 1800 })), na(device({ screenLockDelaySeconds: null }))],
    skip: [device({ screenLock: false })],
  },
  'device.os_updated': {
    cases: [ok(device()), bad(device({ osSupported: false, osVersion: '12.7' })), na(device({ osSupported: null }))],
  },
  'device.password_manager': {
    cases: [ok(device()), bad(device({ passwordManager: false })), na(device({ passwordManager: null }))],
  },
  'device.antimalware': {
    cases: [ok(device()), bad(device({ antimalware: false })), na(device({ antimalware: null }))],
  },
  'device.reported_recently': {
    cases: [ok(device()), bad(device({ lastSeenAt: daysAgo(60) })), na(device({ lastSeenAt: null }))],
  },
  'device.has_owner': {
    cases: [ok(device()), bad(device({ ownerEmail: null, hostname: 'spare-07' }))],
  },
  'people.records_complete': {
    cases: [
      ok(personRecord()),
      bad(personRecord({ managerEmail: null })),
      bad(personRecord({ startDate: null, managerEmail: null })),
      na(personRecord({ managerEmail: null, endDate: dateDaysAgo(30) })),
    ],
  },
  'people.background_check_before_start': {
    cases: [
      ok(personRecord()),
      bad(personRecord({}, { backgroundCheck: { status: 'passed', completedOn: '2024-01-10' } })),
      bad(personRecord({}, { backgroundCheck: null })),
      bad(personRecord({}, { backgroundCheck: { status: 'failed', completedOn: '2024-01-05' } })),
      na(
        personRecord(
          { startDate: dateDaysAgo(-10) },
          { backgroundCheck: { status: 'in_progress', completedOn: null } },
        ),
      ),
    ],
  },
  'people.nda_before_start': {
    cases: [
      ok(personRecord()),
      bad(personRecord({}, { agreementSignedAt: '2024-01-09T09:00:00.000Z' })),
      bad(personRecord({}, { agreementSignedAt: null })),
      na(personRecord({ startDate: dateDaysAgo(-10) }, { agreementSignedAt: null })),
    ],
  },
  'people.training_annual': {
    cases: [
      ok(personRecord()),
      bad(personRecord({}, { trainingCompletedAt: daysAgo(400) })),
      bad(personRecord({}, { trainingCompletedAt: null })),
      na(personRecord({ startDate: dateDaysAgo(10) }, { trainingCompletedAt: null })),
      na(personRecord({ endDate: dateDaysAgo(30) }, { trainingCompletedAt: null })),
    ],
  },
  'access.production.requests_approved': {
    cases: [
      ok(system()),
      bad(system({ activeWithoutGrant: ['eve@northwind.example'] })),
      na(system({ accountsKnown: false })),
    ],
  },
  'access.production.grants_expire': {
    cases: [
      ok(system()),
      bad(system({ grantsPastExpiry: 1 })),
      bad(system({ activeAfterGrantEnded: [{ email: 'eve@northwind.example', endedAt: daysAgo(3) }] })),
    ],
  },
  'access.review.quarterly': {
    cases: [
      ok(system()),
      bad(system({ lastReviewedAt: daysAgo(120) })),
      bad(system({ lastReviewedAt: null })),
      na(system({ lastReviewedAt: null, createdAt: daysAgo(10) })),
    ],
  },
  'people.offboarding_timely': {
    cases: [
      ok(personRecord({ endDate: dateDaysAgo(5) }, { accounts: [offboarded(`${dateDaysAgo(5)}T02:00:00.000Z`)] })),
      ok(personRecord({ endDate: dateDaysAgo(5) }, { accounts: [] })),
      bad(personRecord({ endDate: dateDaysAgo(5) }, { accounts: [offboarded(`${dateDaysAgo(4)}T06:00:00.000Z`)] })),
      bad(personRecord({ endDate: dateDaysAgo(5) }, { accounts: [offboarded(null)] })),
      na(personRecord({ endDate: dateDaysAgo(-3) }, { accounts: [offboarded(null)] })),
    ],
  },
  ...VENDOR_CASES,
  ...RISK_CASES,
  ...INCIDENT_CASES,
  ...ASSESSMENT_CASES,
  ...CONTINUITY_CASES,
  ...SECURITY_TXT_CASES,
};

/** An account of a departing person, disabled at `at` (null: still active). */
function offboarded(at: string | null) {
  return { id: 'acct-1', name: 'alice@northwind.example', source: 'okta: Okta', disabledAt: at };
}

/** What of a record a reason must name so a person can find it. */
function nameOf(record: StoredRecord): string {
  switch (record.type) {
    case 'account': {
      const data = (record as StoredRecord<'account'>).data;
      return data.isRoot ? '123456789012' : (data.email ?? data.username);
    }
    case 'person':
      return (record as StoredRecord<'person'>).data.email;
    case 'device':
      return (record as StoredRecord<'device'>).data.hostname;
    case 'finding':
      return (record as StoredRecord<'finding'>).data.resource;
    case 'endpoint':
      return (record as StoredRecord<'endpoint'>).data.host;
    case 'database':
      return (record as StoredRecord<'database'>).data.host;
    case 'system':
      return (record as StoredRecord<'system'>).data.name;
    case 'cloud_resource':
      return record.name;
    default:
      // Records Attest writes about its own operations (src/integrations/operations.ts) carry their name.
      return (record.data as { name: string }).name;
  }
}

/** As an evaluator runs a check: no result unless the record is of its type and it applies. */
function resultFor(check: Check, record: StoredRecord | undefined, ctx: CheckContext): CheckOutcome | undefined {
  if (check.scope === 'organisation') return check.evaluate(ctx);
  assert.ok(record, `${check.id} is a record check: its cases need a record`);
  if (check.resourceType !== record.type || !check.applies(record)) return undefined;
  return check.evaluate(record, ctx);
}

function controlsJson(): Map<string, Set<string>> {
  const url = new URL('../../content/controls.json', import.meta.url);
  const parsed = JSON.parse(readFileSync(url, 'utf8')) as { controls: { key: string; checks: string[] }[] };
  return new Map(parsed.controls.map((control) => [control.key, new Set(control.checks)]));
}

describe('the check library', () => {
  it('has at least 40 checks with unique, dotted ids', () => {
    assert.ok(ALL_CHECKS.length >= 40, `${ALL_CHECKS.length} checks`);
    const ids = ALL_CHECKS.map((check) => check.id);
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
    for (const id of ids) assert.match(id, /^[a-z0-9_]+(\.[a-z0-9_]+)+$/);
  });

  it('declares every check completely', () => {
    for (const check of ALL_CHECKS) {
      assert.ok(check.title.length > 0 && check.title.length <= 60, `${check.id}: short title`);
      assert.ok(SEVERITIES.includes(check.severity), `${check.id}: severity`);
      assert.ok(check.controls.length > 0, `${check.id}: feeds at least one control`);
      const sentences = check.remediation.split(/[.!?](?:\s|$)/).filter((s) => s.trim() !== '');
      assert.ok(sentences.length >= 1 && sentences.length <= 3, `${check.id}: remediation has 1-3 sentences`);
      if (check.scope === 'organisation') assert.equal(check.resourceType, 'organisation');
    }
  });

  it('maps checks to controls exactly as controls.json does, both ways', () => {
    const controls = controlsJson();
    for (const check of ALL_CHECKS) {
      for (const key of check.controls) {
        assert.ok(controls.has(key), `${check.id}: control ${key} exists`);
        assert.ok(controls.get(key)?.has(check.id), `${key} lists ${check.id}`);
      }
      const listing = [...controls].filter(([, checks]) => checks.has(check.id)).map(([key]) => key);
      assert.deepEqual([...check.controls].sort(), listing.sort(), `${check.id}: controls agree`);
    }
  });

  it('finds each check by id', () => {
    for (const check of ALL_CHECKS) assert.equal(checkById(check.id), check);
    assert.equal(checkById('no.such.check'), undefined);
  });

  it('has a passing and a failing case for every check', () => {
    assert.deepEqual(Object.keys(CASES).sort(), ALL_CHECKS.map((check) => check.id).sort());
    for (const [id, spec] of Object.entries(CASES)) {
      const outcomes = new Set(spec.cases.map((c) => c.expect));
      assert.ok(outcomes.has('pass') && outcomes.has('fail'), `${id} has a pass and a fail case`);
    }
  });
});

describe('each check', () => {
  const pool = Object.values(CASES).flatMap((spec) => [
    ...spec.cases.flatMap((c) => (c.record ? [c.record] : [])),
    ...(spec.skip ?? []),
  ]);

  for (const check of ALL_CHECKS) {
    const spec = CASES[check.id];
    if (!spec) continue;
    describe(check.id, () => {
      it('gives the expected outcome with a reason naming the resource', () => {
        for (const [i, c] of spec.cases.entries()) {
          const result = resultFor(check, c.record, c.ctx ?? context());
          assert.ok(result, `case ${i}: the check applies`);
          assert.equal(result.outcome, c.expect, `case ${i}: ${result.reason}`);
          assert.ok(result.reason.trim().length > 0, `case ${i}: a reason is given`);
          if (c.record)
            assert.ok(result.reason.includes(nameOf(c.record)), `case ${i}: "${result.reason}" names the resource`);
        }
      });

      if (check.scope !== 'record') return;
      it('gives no result for records it does not apply to', () => {
        for (const record of spec.skip ?? []) {
          assert.equal(record.type, check.resourceType, 'skip records are of the check type');
          assert.equal(resultFor(check, record, context()), undefined, `${record.name} is skipped`);
        }
        // Other kinds of cloud resource never get a result from a check about one kind.
        const kinds = new Set(
          spec.cases.flatMap((c) =>
            c.record?.type === 'cloud_resource' ? [(c.record as StoredRecord<'cloud_resource'>).data.kind] : [],
          ),
        );
        for (const record of pool) {
          if (record.type !== check.resourceType) {
            assert.equal(resultFor(check, record, context()), undefined, `${record.type} is not judged`);
          } else if (
            record.type === 'cloud_resource' &&
            !kinds.has((record as StoredRecord<'cloud_resource'>).data.kind)
          ) {
            assert.equal(check.applies(record), false, `${record.name} is another kind`);
          } else {
            assert.doesNotThrow(() => check.applies(record));
          }
        }
      });
    });
  }
});
