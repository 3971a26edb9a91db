import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { type AccountData, ImportError, type InventoryRecord, type ParsedScope } from '../types.js';
import { accountFromArn, groupBy, isoTime, type Origin, validate } from './shared.js';

/**
 * The IAM credential report: one CSV row per IAM user plus the account's root user. It is the
 * complete list of the account's users, so each account's rows are the scope
 * `aws.iam.users:<account>`. The report does not say who is an administrator, nor the ids of
 * access keys: keys are named by their slot in the report (access_key_1, access_key_2).
 */

const COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
] as const;

type Column = (typeof COLUMNS)[number];
type Row = Record<Column, string>;

/** The report's words for "nothing to say here". */
const NO_VALUE = new Set(['N/A', 'no_information', 'not_supported', '']);

/** `aws iam get-credential-report`: Content is base64 CSV from the CLI, plain CSV in a boto3 recording. */
const ReportOutput = z.object({
  Content: z.string({
    error: 'missing; generate the report first (aws iam generate-credential-report, until COMPLETE)',
  }),
  ReportFormat: z.string().optional(),
});

/** True when the text is the report's CSV itself (its header starts with the user column). */
export function isCredentialReportCsv(text: string): boolean {
  return text.startsWith('user,');
}

/** The CSV inside a get-credential-report output. */
export function credentialReportCsv(output: unknown, origin: Origin): string {
  const report = validate(ReportOutput, output, origin, 'aws iam get-credential-report');
  if (report.ReportFormat && report.ReportFormat !== 'text/csv') {
    throw new ImportError(`${origin.label}: the report format is ${report.ReportFormat}; Attest reads text/csv.`);
  }
  const content = report.Content.trimStart();
  if (isCredentialReportCsv(content)) return content;
  const decoded = Buffer.from(content, 'base64').toString('utf8');
  if (!isCredentialReportCsv(decoded)) {
    throw new ImportError(
      `${origin.label}: Content is neither the credential report CSV nor its base64 encoding. ` +
        'Push the output of `aws iam get-credential-report --output json` unchanged.',
    );
  }
  return decoded;
}

/** The report's rows as account records, one scope per account, keeping the first of duplicated users. */
export function parseCredentialReport(csv: string, origin: Origin, warnings: string[]): ParsedScope[] {
  const rows = readRows(csv, origin);
  const seen = new Set<string>();
  const records: InventoryRecord<'account'>[] = [];
  rows.forEach((row, i) => {
    const line = i + 2;
    if (seen.has(row.arn)) {
      warnings.push(
        `Credential report line ${line}: ${row.user} (${row.arn}) is listed twice; the first row was kept.`,
      );
      return;
    }
    seen.add(row.arn);
    records.push(accountRecord(row, `${origin.label}, line ${line}`));
  });
  const byAccount = groupBy(records, (r) => accountFromArn(r.externalId) ?? '');
  if (origin.account) {
    for (const account of byAccount.keys()) {
      if (account !== origin.account) {
        warnings.push(`The credential report is for account ${account}, not the bundle's account ${origin.account}.`);
      }
    }
  }
  return [...byAccount].map(([account, records]) => ({ scope: `aws.iam.users:${account}`, records }));
}

function readRows(csv: string, origin: Origin): Row[] {
  let table: string[][];
  try {
    table = parse(csv, { skip_empty_lines: true, bom: true });
  } catch (error) {
    throw new ImportError(
      `${origin.label}: the credential report CSV is malformed (${(error as Error).message}). ` +
        'Download the report again; do not edit it.',
    );
  }
  const [header, ...body] = table;
  const index = new Map((header ?? []).map((name, i) => [name, i]));
  const missing = COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) {
    throw new ImportError(
      `${origin.label}: the credential report lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}. ` +
        'Push the report exactly as `aws iam get-credential-report` returns it.',
    );
  }
  if (body.length === 0) {
    throw new ImportError(
      `${origin.label}: the credential report has no rows, yet it always lists the root user; ` +
        'the file may be cut short. Download the report again.',
    );
  }
  return body.map((cells, i) => {
    const row = {} as Row;
    for (const column of COLUMNS) row[column] = cells[index.get(column) as number] ?? '';
    if (!row.arn.startsWith('arn:')) {
      throw new ImportError(`${origin.label}, line ${i + 2}: "${row.arn}" is not an ARN in the arn column.`);
    }
    return row;
  });
}

function accountRecord(row: Row, where: string): InventoryRecord<'account'> {
  const isRoot = row.user === '<root_account>';
  const data: AccountData = {
    provider: 'aws',
    email: null,
    username: row.user,
    displayName: null,
    isAdmin: false,
    isRoot,
    active: true,
    mfaEnabled: flag(row.mfa_active),
    mfaEnforced: null,
    passwordEnabled: flag(row.password_enabled),
    lastLoginAt: time(row.password_last_used, `${where}, password_last_used`),
    createdAt: time(row.user_creation_time, `${where}, user_creation_time`),
    accessKeys: [accessKey(row, 1, where), accessKey(row, 2, where)].filter((k) => k !== null),
  };
  const name = isRoot ? `root user of ${accountFromArn(row.arn) ?? 'the account'}` : row.user;
  return { type: 'account', externalId: row.arn, name, data };
}

function accessKey(row: Row, slot: 1 | 2, where: string): AccountData['accessKeys'][number] | null {
  const active = row[`access_key_${slot}_active`] === 'true';
  const lastRotatedAt = time(row[`access_key_${slot}_last_rotated`], `${where}, access_key_${slot}_last_rotated`);
  // An unused slot reads false / N/A; a key that exists is active or was created ("rotated") once.
  if (!active && lastRotatedAt === null) return null;
  const lastUsedAt = time(row[`access_key_${slot}_last_used_date`], `${where}, access_key_${slot}_last_used_date`);
  return { id: `access_key_${slot}`, active, lastRotatedAt, lastUsedAt };
}

function flag(value: string): boolean | null {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return null;
}

function time(value: string, where: string): string | null {
  return NO_VALUE.has(value) ? null : isoTime(value, where);
}
