/**
 * Small helpers the check files share: outcomes, time arithmetic against ctx.now, and the
 * names a reason uses for a resource. Everything here is pure.
 */
import type { AccountData, CloudResourceData } from '../../integrations/types.js';
import {
  type Check,
  type CheckContext,
  type CheckOutcome,
  type RecordCheck,
  recordCheck,
  type StoredRecord,
} from '../types.js';

/**
 * Reasons often open with a resource's label; labels are lower-case mid-sentence ("the root
 * user of …") and must keep their own case otherwise (a hostname), so only "the" is raised.
 */
const sentence = (reason: string): string => (reason.startsWith('the ') ? `T${reason.slice(1)}` : reason);

export const pass = (reason: string): CheckOutcome => ({ outcome: 'pass', reason: sentence(reason) });
export const fail = (reason: string): CheckOutcome => ({ outcome: 'fail', reason: sentence(reason) });
export const notApplicable = (reason: string): CheckOutcome => ({
  outcome: 'not_applicable',
  reason: sentence(reason),
});

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** Milliseconds since the epoch, or undefined for a missing or unreadable time (never a guess). */
export function timeOf(iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Whole days from `iso` to now (negative when in the future), or undefined when unknown. */
export function daysSince(iso: string | null | undefined, now: Date): number | undefined {
  const ms = timeOf(iso);
  return ms === undefined ? undefined : Math.floor((now.getTime() - ms) / DAY_MS);
}

/** The date part of an ISO time, which is what a person reads in a reason. */
export const dateOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "a, b and 3 more": keeps a reason one readable sentence however long the list. */
export function listOf(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max);
  const more = items.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

const PROVIDER_NAMES: Record<AccountData['provider'], string> = {
  aws: 'AWS IAM',
  google_workspace: 'Google Workspace',
  okta: 'Okta',
  github: 'GitHub',
  csv: 'CSV import',
};

export const providerName = (provider: AccountData['provider']): string => PROVIDER_NAMES[provider];

/**
 * How a reason names an account: its email or user name and where it lives. An AWS root user
 * has neither a useful name nor an email in the credential report, so it is named by the
 * 12-digit account number found in its id (the ARN) when there is one.
 */
export function accountLabel(record: StoredRecord<'account'>): string {
  const account = record.data;
  if (account.isRoot) {
    const number = /\d{12}/.exec(record.externalId)?.[0];
    return number ? `the root user of AWS account ${number}` : `the root user ${record.name}`;
  }
  return `${account.email ?? account.username} (${providerName(account.provider)})`;
}

const KIND_NAMES: Record<CloudResourceData['kind'], string> = {
  rds_instance: 'RDS instance',
  s3_bucket: 'S3 bucket',
  security_group: 'security group',
  cloudtrail_trail: 'CloudTrail trail',
  kms_key: 'KMS key',
  github_org: 'GitHub organisation',
};

export function cloudLabel(record: StoredRecord<'cloud_resource'>): string {
  return `${KIND_NAMES[record.data.kind]} ${record.name}`;
}

export type CloudKind = CloudResourceData['kind'];
export type CloudOf<K extends CloudKind> = Extract<CloudResourceData, { kind: K }>;

const isKind = <K extends CloudKind>(data: CloudResourceData, kind: K): data is CloudOf<K> => data.kind === kind;

interface CloudCheckSpec<K extends CloudKind>
  extends Omit<RecordCheck<'cloud_resource'>, 'scope' | 'resourceType' | 'applies' | 'evaluate'> {
  /** Narrows further within the kind (only KMS-encrypted buckets); every resource of the kind by default. */
  applies?(resource: CloudOf<K>): boolean;
  evaluate(resource: CloudOf<K>, record: StoredRecord<'cloud_resource'>, ctx: CheckContext): CheckOutcome;
}

/**
 * A record check over one kind of cloud resource, so each check reads its kind's attributes
 * typed instead of narrowing the union itself.
 */
export function cloudCheck<K extends CloudKind>(kind: K, spec: CloudCheckSpec<K>): Check {
  const { applies, evaluate, ...declaration } = spec;
  return recordCheck<'cloud_resource'>({
    ...declaration,
    resourceType: 'cloud_resource',
    applies: (record) => isKind(record.data, kind) && (applies?.(record.data) ?? true),
    evaluate: (record, ctx) =>
      isKind(record.data, kind)
        ? evaluate(record.data, record, ctx)
        : notApplicable(`${record.name} is not a ${KIND_NAMES[kind]}.`),
  });
}

export const nDays = (n: number): string => plural(n, 'day');
/** "today", "1 day ago", "40 days ago". */
export const nDaysAgo = (n: number): string => (n === 0 ? 'today' : `${nDays(n)} ago`);
