import type { InventoryRecord, PersonData, RecordType, Severity } from '../integrations/types.js';

/** Settings an organisation may change; each has a default (see DEFAULT_MONITORING_SETTINGS). */
export interface MonitoringSettings {
  /** Days to fix a failing result (and an open vulnerability) by severity. */
  slaDays: Record<Severity, number>;
  /** Hours after a person's end date by which their accounts must be disabled. */
  departedAccountHours: number;
  /** A certificate expiring within this many days fails. */
  certificateExpiryDays: number;
  /** A password or access key unused for this many days is an unused credential. */
  unusedCredentialDays: number;
  /** Access keys older than this must be rotated. */
  accessKeyMaxAgeDays: number;
  /** A scanner must have reported within this many days. */
  scanMaxAgeDays: number;
}

export const DEFAULT_MONITORING_SETTINGS: MonitoringSettings = {
  slaDays: { critical: 15, high: 30, medium: 90, low: 180, info: 365 },
  departedAccountHours: 24,
  certificateExpiryDays: 14,
  unusedCredentialDays: 90,
  accessKeyMaxAgeDays: 90,
  scanMaxAgeDays: 31,
};

/** A record as the evaluator holds it: what the source said, plus what Attest knows of it. */
export type StoredRecord<T extends RecordType = RecordType> = InventoryRecord<T> & {
  /** Attest's id of the record (stable across pushes). */
  id: string;
  /** The source kind that reported it (aws, prowler, trivy, google-workspace, …). */
  source: string;
  /** When Attest first saw it (ISO): vulnerability SLAs count from here. */
  firstSeenAt: string;
};

export interface CheckContext {
  now: Date;
  settings: MonitoringSettings;
  /** The person with this (lower-cased) email, from the HRIS inventory. */
  personByEmail(email: string): PersonData | undefined;
  /** For organisation-wide checks: every current record of a type (small sets: trails, endpoints). */
  records<T extends RecordType>(type: T): Iterable<StoredRecord<T>>;
  /** When a source kind last pushed a full state (ISO), or undefined when it never did. */
  lastPushAt(source: string): string | undefined;
}

export type Outcome = 'pass' | 'fail' | 'not_applicable';

export interface CheckOutcome {
  outcome: Outcome;
  /** One sentence a person can act on: what was seen ("MFA is off for alice@example.com"). */
  reason: string;
}

interface CheckBase {
  /** Stable, dotted: "identity.mfa.all_accounts". Controls name checks by this id. */
  id: string;
  /** Short, in our own words: "Every account has MFA". */
  title: string;
  severity: Severity;
  /** Control keys (src/content/controls.json) this check feeds, as the library maps them. */
  controls: string[];
  /** What to do when it fails, in our own words (1–3 sentences). */
  remediation: string;
}

/** A check over each record of one type: one result per record it applies to. */
export interface RecordCheck<T extends RecordType = RecordType> extends CheckBase {
  scope: 'record';
  resourceType: T;
  /** The records it looks at (others get no result); cheap, no context. */
  applies(record: StoredRecord<T>): boolean;
  evaluate(record: StoredRecord<T>, ctx: CheckContext): CheckOutcome;
  /** Also re-run on every applicable record when records of these types change (people for accounts). */
  dependsOn?: RecordType[];
}

/**
 * A check over the organisation as a whole (one result, resource "organisation"): that some
 * trail logs every region, that a scanner reported this month. It may read only small sets
 * through ctx.records, and re-runs when records of `reads` change or a source pushes.
 */
export interface OrganisationCheck extends CheckBase {
  scope: 'organisation';
  resourceType: 'organisation';
  reads: RecordType[];
  evaluate(ctx: CheckContext): CheckOutcome;
}

export type Check = RecordCheck<RecordType> | OrganisationCheck;

/** Declares a record check with its record type checked by TypeScript. */
export function recordCheck<T extends RecordType>(check: Omit<RecordCheck<T>, 'scope'>): Check {
  return { scope: 'record', ...check } as unknown as Check;
}

export function organisationCheck(check: Omit<OrganisationCheck, 'scope' | 'resourceType'>): Check {
  return { scope: 'organisation', resourceType: 'organisation', ...check };
}
