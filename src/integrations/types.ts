/**
 * What every source (importer or probe) produces: typed inventory records, grouped into scopes.
 *
 * A push is the full state of each scope it carries: a record that was in the scope before and
 * is not in the push is marked deleted (a tombstone keeps its history). So an importer puts in
 * one scope exactly the records one file describes completely: an AWS credential report is the
 * scope `aws.iam.users` of its account, a Trivy report the scope `trivy:<artifact>`.
 *
 * Records are plain JSON (dates as ISO strings), so their content hash is stable: two pushes of
 * the same state give the same hashes, and only records that differ are re-evaluated.
 */

import type {
  AssessmentData,
  BackupData,
  DrExerciseData,
  IncidentData,
  RiskAssessmentData,
  RiskData,
  VendorData,
} from './operations.js';

export type {
  AssessmentData,
  BackupData,
  DrExerciseData,
  IncidentData,
  RiskAssessmentData,
  RiskData,
  VendorData,
} from './operations.js';

export type RecordType =
  | 'account'
  | 'person'
  | 'device'
  | 'cloud_resource'
  | 'finding'
  | 'endpoint'
  | 'database'
  | 'system'
  | 'vendor'
  | 'risk'
  | 'risk_assessment'
  | 'incident'
  | 'assessment'
  | 'dr_exercise'
  | 'backup';

export const RECORD_TYPES: readonly RecordType[] = [
  'account',
  'person',
  'device',
  'cloud_resource',
  'finding',
  'endpoint',
  'database',
  'system',
  'vendor',
  'risk',
  'risk_assessment',
  'incident',
  'assessment',
  'dr_exercise',
  'backup',
];

/** A sign-in identity in some system (AWS IAM user or root, Google, Okta, GitHub, a CSV). */
export interface AccountData {
  provider: 'aws' | 'google_workspace' | 'okta' | 'github' | 'csv';
  /** Lower-cased; how accounts are matched to people. Null when the system has none (AWS IAM). */
  email: string | null;
  username: string;
  displayName: string | null;
  isAdmin: boolean;
  /** The AWS account root user. */
  isRoot: boolean;
  /** False when suspended, deprovisioned, deactivated. */
  active: boolean;
  /** Null when the source does not say. */
  mfaEnabled: boolean | null;
  /** Google 2-step verification enforced for the user, Okta policy; null when unknown. */
  mfaEnforced: boolean | null;
  passwordEnabled: boolean | null;
  /** ISO times, or null when never / unknown. */
  lastLoginAt: string | null;
  createdAt: string | null;
  /** AWS access keys (other providers: []). */
  accessKeys: { id: string; active: boolean; lastRotatedAt: string | null; lastUsedAt: string | null }[];
}

/** Someone who works for the company (HRIS). */
export interface PersonData {
  email: string;
  name: string;
  employmentType: 'employee' | 'contractor' | 'other';
  /** YYYY-MM-DD. */
  startDate: string | null;
  endDate: string | null;
  /** The manager's email, lower-cased. */
  managerEmail: string | null;
  /** What the people register knows besides (only on its own records, source kind "people"). */
  register?: PersonRegisterFacts;
}

/**
 * The onboarding and offboarding facts of a person in the people register, mirrored into its
 * person record so the people checks judge them like any other record (dates YYYY-MM-DD, times ISO).
 */
export interface PersonRegisterFacts {
  department: string | null;
  title: string | null;
  /** False when the identity provider deactivated the person. */
  active: boolean;
  /** What onboarding asks of this person (the organisation's settings for their employment type). */
  requires: { backgroundCheck: boolean; agreement: boolean; training: boolean };
  backgroundCheck: { status: 'not_started' | 'in_progress' | 'passed' | 'failed'; completedOn: string | null } | null;
  /** The earliest signature of the confidentiality agreement (any version), or null. */
  agreementSignedAt: string | null;
  /**
   * When every required training module was last passed (the oldest of each module's latest
   * pass), or null when one was never passed; null too when the organisation has no module.
   */
  trainingCompletedAt: string | null;
  /** Days a new person has to finish training, and how long a completion lasts. */
  trainingGraceDays: number;
  trainingValidityDays: number;
  /** For a person with an end date: every account linked to them, and when each was seen disabled. */
  accounts: { id: string; name: string; source: string; disabledAt: string | null }[] | null;
}

/** A laptop or workstation (osquery, MDM). */
export interface DeviceData {
  hostname: string;
  serial: string | null;
  ownerEmail: string | null;
  platform: 'macos' | 'windows' | 'linux' | 'other';
  osVersion: string | null;
  /** Null when the source does not report it. */
  diskEncrypted: boolean | null;
  screenLock: boolean | null;
  /** Seconds of idle before the screen locks, when known. */
  screenLockDelaySeconds: number | null;
  passwordManager: boolean | null;
  /** The OS version still gets security updates. */
  osSupported: boolean | null;
  antimalware: boolean | null;
  lastSeenAt: string | null;
}

export interface IngressRule {
  protocol: string;
  /** Null for "all ports". */
  fromPort: number | null;
  toPort: number | null;
  /** IPv4 and IPv6 ranges, e.g. "0.0.0.0/0", "::/0", "10.0.0.0/8". */
  cidrs: string[];
}

export type CloudResourceData =
  | CloudResourceBase<
      'rds_instance',
      {
        engine: string;
        encrypted: boolean;
        publiclyAccessible: boolean;
        backupRetentionDays: number;
        deletionProtection: boolean;
        multiAz: boolean;
      }
    >
  | CloudResourceBase<'s3_bucket', { encryption: string | null; bucketKeyEnabled: boolean | null }>
  | CloudResourceBase<'security_group', { vpcId: string | null; ingress: IngressRule[] }>
  | CloudResourceBase<
      'cloudtrail_trail',
      { multiRegion: boolean; logFileValidation: boolean; kmsKeyId: string | null; logging: boolean | null }
    >
  | CloudResourceBase<'kms_key', { rotationEnabled: boolean; customerManaged: boolean | null }>
  /** twoFactorRequired is null when GitHub does not say (only organisation owners are shown it). */
  | CloudResourceBase<'github_org', { twoFactorRequired: boolean | null; membersWithoutTwoFactor: string[] | null }>;

interface CloudResourceBase<K extends string, A> {
  provider: 'aws' | 'github' | 'gcp' | 'azure' | 'other';
  kind: K;
  /** Cloud account id (AWS account number, GitHub org login). */
  account: string | null;
  region: string | null;
  attributes: A;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** What a scanner reported: a vulnerability, misconfiguration, leaked secret or compliance result. */
export interface FindingData {
  /** prowler, trivy, or the SARIF tool's driver name (lower-cased). */
  tool: string;
  category: 'vulnerability' | 'misconfiguration' | 'secret' | 'compliance';
  ruleId: string;
  title: string;
  severity: Severity;
  /** fail: a problem now; pass: checked and fine; manual: needs a person to look. */
  status: 'fail' | 'pass' | 'manual';
  /** What it is about: an ARN, an image, a file path (with line when known). */
  resource: string;
  account: string | null;
  region: string | null;
  /** Vulnerabilities: the package, its installed and fixed versions, and the CVE or advisory. */
  package: string | null;
  installedVersion: string | null;
  fixedVersion: string | null;
  advisory: string | null;
  /** SOC 2 criteria the tool maps it to (e.g. "CC6.1"), upper-case, as our criteria are keyed. */
  soc2: string[];
  url: string | null;
}

/** A TLS endpoint as the probe saw it. */
export interface EndpointData {
  host: string;
  port: number;
  /** Set when the endpoint could not be reached or did not complete a handshake. */
  error: string | null;
  /** Offered protocol versions, e.g. ["TLSv1.2", "TLSv1.3"]. */
  protocols: string[];
  /** The weakest cipher suite negotiated across the probed versions (OpenSSL name). */
  weakestCipher: string | null;
  certificate: {
    subject: string;
    issuer: string;
    notAfter: string;
    /** The chain verifies against the system's trusted roots (or the CA given to the probe). */
    trusted: boolean;
    selfSigned: boolean;
    /** The name probed is among the certificate's names. */
    hostnameMatches: boolean;
  } | null;
  /** Strict-Transport-Security max-age in seconds, null when absent or not HTTP. */
  hstsMaxAge: number | null;
  /**
   * GET /.well-known/security.txt (RFC 9116) as the probe saw it; null when the endpoint gave
   * no HTTP answer (not a web server), absent in records from before the probe fetched it.
   */
  securityTxt?: {
    /** The URL fetched (after at most one redirect on the same host). */
    url: string;
    /** HTTP status of the last answer. */
    status: number;
    /** A 200 answer with a body: there is a file (valid or not). */
    found: boolean;
    contentType: string | null;
    /** Found and RFC 9116 accepts it (the probe's time decides whether it had expired). */
    valid: boolean;
    /** What makes it invalid or missing, each saying what to fix. */
    errors: string[];
    warnings: string[];
    /** Expires (ISO, UTC), or null when missing or unreadable. */
    expires: string | null;
    expired: boolean;
    contacts: string[];
    /** OpenPGP cleartext-signed (the signature is not verified). */
    signed: boolean;
  } | null;
}

/** A PostgreSQL server as the probe saw it. */
export interface DatabaseData {
  host: string;
  port: number;
  error: string | null;
  version: string | null;
  ssl: boolean | null;
  /** The connection the probe made was encrypted. */
  connectionEncrypted: boolean | null;
  passwordEncryption: string | null;
  logConnections: boolean | null;
  logDisconnections: boolean | null;
  /** log_statement: none, ddl, mod, all. */
  logStatement: string | null;
}

export interface RecordDataOf {
  account: AccountData;
  person: PersonData;
  device: DeviceData;
  cloud_resource: CloudResourceData;
  finding: FindingData;
  endpoint: EndpointData;
  database: DatabaseData;
  system: SystemData;
  vendor: VendorData;
  risk: RiskData;
  risk_assessment: RiskAssessmentData;
  incident: IncidentData;
  assessment: AssessmentData;
  dr_exercise: DrExerciseData;
  backup: BackupData;
}

/**
 * A system of the organisation's catalogue (src/modules/access), as the access checks judge it:
 * who can get in now, whether each had an approved request, and when it was last reviewed.
 * Written by Attest itself (source kind "systems"), never by an importer.
 */
export interface SystemData {
  name: string;
  production: boolean;
  classification: 'public' | 'internal' | 'confidential' | 'restricted';
  ownerEmail: string | null;
  /** False when no monitoring source feeds its accounts (nothing can be compared). */
  accountsKnown: boolean;
  /** Active accounts (by email, lower-cased) with no approved, unexpired access request, the owner's excepted. */
  activeWithoutGrant: string[];
  /** Active accounts whose access request expired or was revoked: the access was not removed. */
  activeAfterGrantEnded: { email: string; endedAt: string }[];
  /** Approved grants past their expiry that the expiry job has not closed yet. */
  grantsPastExpiry: number;
  /** When the latest completed access review covering this system was completed (ISO), or null. */
  lastReviewedAt: string | null;
  /** When Attest's catalogue first had the system (ISO): a new system has a quarter to be reviewed. */
  createdAt: string;
}

export interface InventoryRecord<T extends RecordType = RecordType> {
  type: T;
  /** Unique and stable within its scope across pushes (an ARN, an email, a serial, a finding key). */
  externalId: string;
  /** What a person reads in lists. */
  name: string;
  data: RecordDataOf[T];
}

export interface ParsedScope {
  /** e.g. "aws.iam.users:123456789012", "trivy:alpine:3.10". At most 200 characters. */
  scope: string;
  records: InventoryRecord[];
}

export interface ParsedPush {
  /** The format recognised, for the push's summary: "AWS IAM credential report (CSV)". */
  format: string;
  scopes: ParsedScope[];
  /** Things a person should know that did not stop the import (a duplicate row skipped). */
  warnings: string[];
}

export interface ParseOptions {
  /** The uploaded file's name, when there is one (some formats use it, e.g. an S3 bucket). */
  fileName?: string;
  now: Date;
}

/** A parser: the bytes of one file in, records out. Throws ImportError on anything it cannot read. */
export type Parser = (input: string, options: ParseOptions) => ParsedPush;

/**
 * A file that cannot be imported. The message says what is wrong and how to fix it ("line 4:
 * the column 'email' is missing", "this is a Trivy report, push it as trivy"); nothing is
 * written when a parser throws.
 */
export class ImportError extends Error {
  override name = 'ImportError';
}
