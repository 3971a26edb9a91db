/**
 * Small builders for the check tests: one record of each type with sensible, passing defaults
 * that a test overrides field by field, and a context over an in-memory inventory.
 */
import type {
  AccountData,
  CloudResourceData,
  DatabaseData,
  DeviceData,
  EndpointData,
  FindingData,
  PersonData,
  PersonRegisterFacts,
  RecordDataOf,
  RecordType,
  SystemData,
} from '../../integrations/types.js';
import {
  type CheckContext,
  DEFAULT_MONITORING_SETTINGS,
  type MonitoringSettings,
  type StoredRecord,
} from '../types.js';
import type { CloudKind, CloudOf } from './shared.js';

export const NOW = new Date('2026-03-15T12:00:00.000Z');
const DAY_MS = 86_400_000;

/** An ISO time `days` before NOW (negative: after). */
export const daysAgo = (days: number): string => new Date(NOW.getTime() - days * DAY_MS).toISOString();
/** A YYYY-MM-DD date `days` before NOW. */
export const dateDaysAgo = (days: number): string => daysAgo(days).slice(0, 10);

let sequence = 0;

export function stored<T extends RecordType>(
  type: T,
  name: string,
  data: RecordDataOf[T],
  extra: { source?: string; firstSeenAt?: string; externalId?: string } = {},
): StoredRecord<T> {
  sequence += 1;
  return {
    id: `rec-${sequence}`,
    type,
    externalId: extra.externalId ?? name,
    name,
    data,
    source: extra.source ?? 'test',
    firstSeenAt: extra.firstSeenAt ?? daysAgo(1),
  } as StoredRecord<T>;
}

export function account(overrides: Partial<AccountData> = {}, externalId?: string): StoredRecord<'account'> {
  const data: AccountData = {
    provider: 'google_workspace',
    email: 'alice@northwind.example',
    username: 'alice',
    displayName: 'Alice Example',
    isAdmin: false,
    isRoot: false,
    active: true,
    mfaEnabled: true,
    mfaEnforced: true,
    passwordEnabled: null,
    lastLoginAt: daysAgo(2),
    createdAt: daysAgo(400),
    accessKeys: [],
    ...overrides,
  };
  return stored('account', data.email ?? data.username, data, {
    externalId: externalId ?? data.email ?? data.username,
  });
}

/** The AWS root user as the credential report names it. */
export function rootAccount(overrides: Partial<AccountData> = {}): StoredRecord<'account'> {
  return account(
    {
      provider: 'aws',
      email: null,
      username: '<root_account>',
      displayName: null,
      isAdmin: true,
      isRoot: true,
      passwordEnabled: true,
      mfaEnforced: null,
      lastLoginAt: daysAgo(200),
      ...overrides,
    },
    'arn:aws:iam::123456789012:root',
  );
}

export function person(overrides: Partial<PersonData> = {}): PersonData {
  return {
    email: 'alice@northwind.example',
    name: 'Alice Example',
    employmentType: 'employee',
    startDate: '2024-01-08',
    endDate: null,
    managerEmail: 'boss@northwind.example',
    ...overrides,
  };
}

/** What the people register knows of a person who did everything on time. */
export function register(overrides: Partial<PersonRegisterFacts> = {}): PersonRegisterFacts {
  return {
    department: 'Engineering',
    title: 'Engineer',
    active: true,
    requires: { backgroundCheck: true, agreement: true, training: true },
    backgroundCheck: { status: 'passed', completedOn: '2024-01-02' },
    agreementSignedAt: '2024-01-03T10:00:00.000Z',
    trainingCompletedAt: daysAgo(100),
    trainingGraceDays: 30,
    trainingValidityDays: 365,
    accounts: null,
    ...overrides,
  };
}

/** A person record of the people register (with its facts; `register: undefined` for an HRIS record). */
export const personRecord = (
  overrides: Partial<PersonData> = {},
  facts: Partial<PersonRegisterFacts> = {},
): StoredRecord<'person'> => {
  const data = { ...person(overrides), register: register(facts) };
  if ('register' in overrides) data.register = overrides.register as PersonRegisterFacts;
  return stored('person', data.name, data, { externalId: data.email, source: 'people' });
};

export function device(overrides: Partial<DeviceData> = {}): StoredRecord<'device'> {
  const data: DeviceData = {
    hostname: 'mbp-alice',
    serial: 'C02XYZ',
    ownerEmail: 'alice@northwind.example',
    platform: 'macos',
    osVersion: '15.3',
    diskEncrypted: true,
    screenLock: true,
    screenLockDelaySeconds: 300,
    passwordManager: true,
    osSupported: true,
    antimalware: true,
    lastSeenAt: daysAgo(1),
    ...overrides,
  };
  return stored('device', data.hostname, data);
}

const CLOUD_DEFAULTS: { [K in CloudKind]: CloudOf<K>['attributes'] } = {
  rds_instance: {
    engine: 'postgres',
    encrypted: true,
    publiclyAccessible: false,
    backupRetentionDays: 14,
    deletionProtection: true,
    multiAz: true,
  },
  s3_bucket: { encryption: 'aws:kms', bucketKeyEnabled: true },
  security_group: { vpcId: 'vpc-1', ingress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0'] }] },
  cloudtrail_trail: {
    multiRegion: true,
    logFileValidation: true,
    kmsKeyId: 'arn:aws:kms:us-east-1:1:key/abc',
    logging: true,
  },
  kms_key: { rotationEnabled: true, customerManaged: true },
  github_org: { twoFactorRequired: true, membersWithoutTwoFactor: [] },
};

export function cloud<K extends CloudKind>(
  kind: K,
  name: string,
  attributes: Partial<CloudOf<K>['attributes']> = {},
  provider: CloudResourceData['provider'] = kind === 'github_org' ? 'github' : 'aws',
): StoredRecord<'cloud_resource'> {
  const data = {
    provider,
    kind,
    account: kind === 'github_org' ? name : '123456789012',
    region: kind === 'github_org' ? null : 'us-east-1',
    attributes: { ...CLOUD_DEFAULTS[kind], ...attributes },
  } as CloudResourceData;
  return stored('cloud_resource', name, data);
}

export function finding(overrides: Partial<FindingData> = {}, firstSeenDaysAgo = 1): StoredRecord<'finding'> {
  const data: FindingData = {
    tool: 'trivy',
    category: 'vulnerability',
    ruleId: 'CVE-2024-0001',
    title: 'openssl: a flaw',
    severity: 'critical',
    status: 'fail',
    resource: 'registry.northwind.example/api:1.4',
    account: null,
    region: null,
    package: 'openssl',
    installedVersion: '3.0.1',
    fixedVersion: '3.0.13',
    advisory: 'CVE-2024-0001',
    soc2: [],
    url: null,
    ...overrides,
  };
  return stored('finding', `${data.ruleId} ${data.resource}`, data, { firstSeenAt: daysAgo(firstSeenDaysAgo) });
}

export function endpoint(overrides: Partial<EndpointData> = {}): StoredRecord<'endpoint'> {
  const data: EndpointData = {
    host: 'api.northwind.example',
    port: 443,
    error: null,
    protocols: ['TLSv1.2', 'TLSv1.3'],
    weakestCipher: 'ECDHE-RSA-AES128-GCM-SHA256',
    certificate: {
      subject: 'api.northwind.example',
      issuer: "C=US, O=Let's Encrypt, CN=R11",
      notAfter: daysAgo(-60),
      trusted: true,
      selfSigned: false,
      hostnameMatches: true,
    },
    hstsMaxAge: 31_536_000,
    securityTxt: securityTxt(),
    ...overrides,
  };
  return stored('endpoint', `${data.host}:${data.port}`, data);
}

type SecurityTxtObservation = NonNullable<EndpointData['securityTxt']>;

/** A valid security.txt as the probe records it, expiring 120 days after NOW. */
export function securityTxt(overrides: Partial<SecurityTxtObservation> = {}): SecurityTxtObservation {
  return {
    url: 'https://api.northwind.example/.well-known/security.txt',
    status: 200,
    found: true,
    contentType: 'text/plain; charset=utf-8',
    valid: true,
    errors: [],
    warnings: [],
    expires: daysAgo(-120),
    expired: false,
    contacts: ['mailto:security@northwind.example'],
    signed: false,
    ...overrides,
  };
}

export function database(overrides: Partial<DatabaseData> = {}): StoredRecord<'database'> {
  const data: DatabaseData = {
    host: 'db.northwind.example',
    port: 5432,
    error: null,
    version: '16.4',
    ssl: true,
    connectionEncrypted: true,
    passwordEncryption: 'scram-sha-256',
    logConnections: true,
    logDisconnections: true,
    logStatement: 'ddl',
    ...overrides,
  };
  return stored('database', `${data.host}:${data.port}`, data);
}

export interface ContextOptions {
  people?: PersonData[];
  records?: StoredRecord[];
  pushes?: Record<string, string>;
  now?: Date;
  settings?: Partial<MonitoringSettings>;
}

/** A context over an in-memory inventory; people also appear as person records. */
export function context(options: ContextOptions = {}): CheckContext {
  const people = options.people ?? [];
  const byEmail = new Map(people.map((p) => [p.email.toLowerCase(), p]));
  const records: StoredRecord[] = [
    ...people.map((p) => stored('person', p.name, p, { externalId: p.email })),
    ...(options.records ?? []),
  ];
  return {
    now: options.now ?? NOW,
    settings: { ...DEFAULT_MONITORING_SETTINGS, ...options.settings },
    personByEmail: (email) => byEmail.get(email),
    records: <T extends RecordType>(type: T) => records.filter((r): r is StoredRecord<T> => r.type === type),
    lastPushAt: (source) => options.pushes?.[source],
  };
}

/** A production system of the catalogue where everything is in order. */
export function system(overrides: Partial<SystemData> = {}): StoredRecord<'system'> {
  const data: SystemData = {
    name: 'prod-db',
    production: true,
    classification: 'restricted',
    ownerEmail: 'owner@northwind.example',
    accountsKnown: true,
    activeWithoutGrant: [],
    activeAfterGrantEnded: [],
    grantsPastExpiry: 0,
    lastReviewedAt: daysAgo(30),
    createdAt: daysAgo(400),
    ...overrides,
  };
  return stored('system', data.name, data, { source: 'systems' });
}

/** A resolved sev2 incident, escalated in time and reviewed; no breach unless given. */
export function incident(overrides: Partial<RecordDataOf['incident']> = {}): StoredRecord<'incident'> {
  const data: RecordDataOf['incident'] = {
    name: '#7 Leaked API key',
    number: 7,
    severity: 'sev2',
    status: 'resolved',
    reportedAt: daysAgo(20),
    resolvedAt: daysAgo(15),
    closedAt: null,
    firstEscalation: {
      severity: 'sev2',
      triggeredAt: daysAgo(20),
      targetMinutes: 30,
      sentAt: new Date(NOW.getTime() - 20 * DAY_MS + 60_000).toISOString(),
    },
    reviewCompletedAt: daysAgo(10),
    breach: null,
    ...overrides,
  };
  return stored('incident', data.name, data, { source: 'incidents', externalId: `incident-${data.number}` });
}

/** A completed penetration test that ended 60 days before NOW, with nothing open. */
export function assessmentRecord(overrides: Partial<RecordDataOf['assessment']> = {}): StoredRecord<'assessment'> {
  const data: RecordDataOf['assessment'] = {
    name: 'Penetration test 2026',
    kind: 'pentest',
    status: 'completed',
    assessor: 'Harbor Security',
    startDate: dateDaysAgo(75),
    endDate: dateDaysAgo(60),
    reportDate: dateDaysAgo(50),
    windowStart: null,
    windowEnd: null,
    codeAnalysis: false,
    hasReport: true,
    findings: { open: 0, fixed: 0, accepted: 0 },
    openFindings: [],
    ...overrides,
  };
  return stored('assessment', data.name, data, { source: 'assessments' });
}

/** A tabletop exercise held 120 days before NOW that passed. */
export function drExerciseRecord(overrides: Partial<RecordDataOf['dr_exercise']> = {}): StoredRecord<'dr_exercise'> {
  const data: RecordDataOf['dr_exercise'] = {
    name: 'Tabletop: loss of the primary region',
    kind: 'tabletop',
    status: 'completed',
    exercisedOn: dateDaysAgo(120),
    outcome: 'passed',
    systems: [{ name: 'prod-db', rtoHours: 4, rpoHours: 1, recoveryHours: 3, dataLossHours: 0.5 }],
    openActions: 0,
    hasReport: true,
    ...overrides,
  };
  return stored('dr_exercise', data.name, data, { source: 'continuity' });
}

/** An approved high-tier vendor, reviewed 100 days before NOW, with a SOC 2 report ending 60 days before NOW. */
export function vendorRecord(overrides: Partial<RecordDataOf['vendor']> = {}): StoredRecord<'vendor'> {
  const data: RecordDataOf['vendor'] = {
    name: 'Acme Hosting',
    status: 'approved',
    ownerEmail: 'owner@northwind.example',
    purpose: 'Hosts the production databases',
    dataClassification: 'restricted',
    regions: ['us-east-1'],
    subprocessor: true,
    criticality: 'high',
    tier: 'high',
    approvedAt: daysAgo(90),
    reviews: [{ completedOn: dateDaysAgo(100), outcome: 'approved' }],
    reviewIntervalDays: 365,
    socReport: { kind: 'soc2_type2', periodEnd: dateDaysAgo(60) },
    ...overrides,
  };
  return stored('vendor', data.name, data, { source: 'vendors' });
}

/** An open, mitigated risk of the register (residual medium), next reviewed 30 days after NOW. */
export function riskRecord(overrides: Partial<RecordDataOf['risk']> = {}): StoredRecord<'risk'> {
  const data: RecordDataOf['risk'] = {
    name: 'Ransomware encrypts the production database',
    category: 'security',
    status: 'open',
    ownerEmail: 'owner@northwind.example',
    inherent: { likelihood: 3, impact: 5, score: 15, level: 'high' },
    residual: { likelihood: 2, impact: 4, score: 8, level: 'medium' },
    treatment: 'mitigate',
    acceptance: null,
    reviewOn: dateDaysAgo(-30),
    controls: ['BCP-02'],
    ...overrides,
  };
  return stored('risk', data.name, data, { source: 'risks' });
}

/** A completed risk assessment (fraud considered), completed 100 days before NOW. */
export function riskAssessmentRecord(
  overrides: Partial<RecordDataOf['risk_assessment']> = {},
): StoredRecord<'risk_assessment'> {
  const data: RecordDataOf['risk_assessment'] = {
    name: 'Risk assessment 2025',
    status: 'completed',
    startedAt: daysAgo(130),
    dueOn: dateDaysAgo(100),
    completedAt: daysAgo(100),
    items: 8,
    reviewed: 8,
    fraudConsidered: true,
    fraudRisks: 1,
    ...overrides,
  };
  return stored('risk_assessment', data.name, data, { source: 'risks' });
}

/** Attest's own backup record: backed up 2 hours and restore-verified 30 days before NOW. */
export function backupRecord(overrides: Partial<RecordDataOf['backup']> = {}): StoredRecord<'backup'> {
  const data: RecordDataOf['backup'] = {
    name: "Attest's own data",
    since: daysAgo(400),
    lastBackupAt: daysAgo(2 / 24),
    lastBackupBytes: 12_345_678,
    lastBackupFile: 'attest-2026-03-15.backup',
    failedBackupAt: null,
    failedBackupMessage: null,
    lastVerifiedAt: daysAgo(30),
    failedVerifyAt: null,
    failedVerifyMessage: null,
    ...overrides,
  };
  return stored('backup', data.name, data, { source: 'backups', externalId: 'attest-instance' });
}
