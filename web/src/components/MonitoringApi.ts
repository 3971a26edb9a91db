import type { Items } from '../api';
import { request } from '../api';

/** The contract of src/modules/monitoring (routes.ts, service.ts, push.ts), as the page reads it. */

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export type CheckStatus = 'failing' | 'excepted' | 'passing' | 'not_connected';
export type Outcome = 'pass' | 'fail' | 'not_applicable';
export type ResultState = 'overdue' | 'at_risk' | 'excepted';

export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export interface CheckControl {
  key: string;
  id: string | null;
  title: string | null;
}

export interface CheckCounts {
  pass: number;
  fail: number;
  notApplicable: number;
  excepted: number;
  overdue: number;
  atRisk: number;
}

export interface CheckSummary {
  id: string;
  title: string;
  severity: Severity;
  resourceType: string;
  controls: CheckControl[];
  remediation: string;
  status: CheckStatus;
  counts: CheckCounts;
  /** The earliest deadline among failing results, when any. */
  nextDueAt: string | null;
}

export interface ResultException {
  id: string;
  expiresAt: string;
  justification: string;
}

export interface ResultItem {
  /** Attest's id of the record (or an organisation-wide resource). */
  resource: string;
  resourceName: string;
  outcome: Outcome;
  reason: string;
  observedAt: string;
  failingSince: string | null;
  dueAt: string | null;
  /** Failing results only: past the deadline, before it, or accepted as an exception. */
  state: ResultState | null;
  exception: ResultException | null;
}

export interface HistoryItem {
  resource: string;
  resourceName: string;
  outcome: Outcome;
  reason: string;
  observedAt: string;
  /** When a later result replaced this one; null while it is current. */
  endedAt: string | null;
}

export interface CheckDetail {
  check: {
    id: string;
    title: string;
    severity: Severity;
    resourceType: string;
    controls: string[];
    remediation: string;
  };
  items: ResultItem[];
  nextCursor: string | null;
  history: HistoryItem[];
}

export interface CheckResultFilters {
  outcome?: Outcome | '';
  q?: string;
}

export interface MonitoringSource {
  id: string;
  kind: string;
  name: string;
  /** The kind's title (AWS, People (HRIS CSV)…). */
  title: string;
  schedule: string | null;
  lastPushAt: string | null;
  lastStatus: string | null;
  lastError: string | null;
  /** Current (not deleted) records. */
  records: number;
  /** Attest runs it itself (a probe, or a pull with saved credentials), so "Run now" works. */
  connection: boolean;
}

export interface SourceKind {
  kind: string;
  title: string;
  /** What to push: the file a person produces with the tool. */
  accepts: string;
}

export interface PushSummary {
  pushId: string;
  source: { id: string; kind: string; name: string };
  format: string;
  receivedAt: string;
  records: { total: number; created: number; changed: number; unchanged: number; deleted: number };
  results: { changed: number; failing: number };
  controlsChanged: number;
  warnings: string[];
  replayed: boolean;
}

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

export const RECORD_TYPES: readonly { value: RecordType; label: string }[] = [
  { value: 'account', label: 'Accounts' },
  { value: 'person', label: 'People' },
  { value: 'device', label: 'Devices' },
  { value: 'cloud_resource', label: 'Cloud resources' },
  { value: 'finding', label: 'Findings' },
  { value: 'endpoint', label: 'Endpoints' },
  { value: 'database', label: 'Databases' },
  { value: 'system', label: 'Systems' },
  { value: 'vendor', label: 'Vendors' },
  { value: 'risk', label: 'Risks' },
  { value: 'risk_assessment', label: 'Risk assessments' },
  { value: 'incident', label: 'Incidents' },
  { value: 'assessment', label: 'Assessments' },
  { value: 'dr_exercise', label: 'DR exercises' },
  { value: 'backup', label: 'Attest backups' },
];

export interface InventoryRecord {
  id: string;
  type: RecordType;
  name: string;
  externalId: string;
  scope: string;
  source: { kind: string; name: string };
  data: unknown;
  firstSeenAt: string;
  lastSeenAt: string;
  deletedAt: string | null;
  /** The person an account is linked to by hand (when its email does not match one). */
  linkedPerson: { id: string; name: string } | null;
}

export interface RecordPage {
  items: InventoryRecord[];
  nextCursor: string | null;
}

export interface RecordFilters {
  type?: string;
  sourceId?: string;
  /** A source kind: 'people' for the people register's own records. */
  kind?: string;
  q?: string;
  deleted?: boolean;
}

export interface CheckException {
  id: string;
  checkId: string;
  /** One resource, or null for every resource of the check. */
  resource: string | null;
  /** The resource's name (its id when the record is gone), null for every resource. */
  resourceName: string | null;
  justification: string;
  /** The approver's email. */
  approvedBy: string | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  active: boolean;
}

export interface NewException {
  checkId: string;
  resource: string | null;
  justification: string;
  /** YYYY-MM-DD */
  expiresAt: string;
}

export interface MonitoringSettings {
  slaDays: Record<Severity, number>;
  departedAccountHours: number;
  certificateExpiryDays: number;
  unusedCredentialDays: number;
  accessKeyMaxAgeDays: number;
  scanMaxAgeDays: number;
}

export type ConnectionSchedule = 'manual' | 'hourly' | 'daily';

export interface TlsTarget {
  host: string;
  port: number;
}

/** A connection Attest runs itself (src/modules/monitoring/connections.ts); secrets are sealed, never returned. */
export type ConnectionInput = { name?: string; schedule: ConnectionSchedule } & (
  | { kind: 'tls'; targets: TlsTarget[] }
  | { kind: 'postgres'; url: string }
  | { kind: 'google-workspace'; serviceAccountKey: string; adminEmail: string; customer?: string }
  | { kind: 'okta'; domain: string; apiToken: string }
  | { kind: 'github'; org: string; token: string }
  | { kind: 'aws'; accessKeyId: string; secretAccessKey: string; region: string }
);

export type ConnectionKind = ConnectionInput['kind'];

export interface SavedConnection {
  id: string;
  kind: ConnectionKind;
  name: string;
}

export const CONNECTION_KINDS: readonly { value: ConnectionKind; label: string }[] = [
  { value: 'tls', label: 'TLS endpoints' },
  { value: 'postgres', label: 'PostgreSQL server' },
  { value: 'google-workspace', label: 'Google Workspace (API)' },
  { value: 'okta', label: 'Okta (API)' },
  { value: 'github', label: 'GitHub (API)' },
  { value: 'aws', label: 'AWS account (API)' },
];

/** A source Attest runs itself (a probe or an API pull), rather than one that pushes. */
export function isConnection(source: { connection: boolean }): boolean {
  return source.connection;
}

/** What the page's figures and tabs share, loaded together and reloaded after a change. */
export interface MonitoringOverview {
  checks: CheckSummary[];
  sources: MonitoringSource[];
  exceptions: CheckException[];
}

const id = encodeURIComponent;

function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const monitoringApi = {
  checks: () => request<Items<CheckSummary>>('GET', '/monitoring/checks'),
  check: (checkId: string, filters: CheckResultFilters, cursor?: string, limit = 50) =>
    request<CheckDetail>(
      'GET',
      `/monitoring/checks/${id(checkId)}${query({ outcome: filters.outcome, q: filters.q, cursor, limit: String(limit) })}`,
    ),
  sources: () => request<Items<MonitoringSource>>('GET', '/monitoring/sources'),
  kinds: () => request<Items<SourceKind>>('GET', '/monitoring/kinds'),
  /** The file goes as the raw body (the server reads any content type as text). */
  push: (kind: string, file: Blob, options: { name?: string; fileName?: string } = {}) =>
    request<PushSummary>('POST', `/monitoring/push/${id(kind)}${query(options)}`, { bytes: file }),
  /** Creates a connection, or replaces the settings and credentials of the one with this kind and name. */
  saveConnection: (body: ConnectionInput) => request<SavedConnection>('POST', '/monitoring/connections', { body }),
  /** Runs a connection now; the answer is a push's summary. */
  runSource: (sourceId: string) =>
    request<PushSummary>('POST', `/monitoring/sources/${id(sourceId)}/run`, { body: {} }),
  records: (filters: RecordFilters, cursor?: string) =>
    request<RecordPage>(
      'GET',
      `/monitoring/records${query({
        type: filters.type,
        sourceId: filters.sourceId,
        kind: filters.kind,
        q: filters.q,
        deleted: filters.deleted ? 'true' : undefined,
        cursor,
        limit: '50',
      })}`,
    ),
  /** Links an account to a person record by hand, or unlinks it (null); its checks re-run. */
  linkAccount: (accountId: string, personId: string | null) =>
    request<{ resultsChanged: number }>('PUT', `/monitoring/records/${id(accountId)}/person`, { body: { personId } }),
  exceptions: () => request<Items<CheckException>>('GET', '/monitoring/exceptions'),
  createException: (body: NewException) => request<{ id: string }>('POST', '/monitoring/exceptions', { body }),
  revokeException: (exceptionId: string) => request<void>('DELETE', `/monitoring/exceptions/${id(exceptionId)}`),
  settings: () => request<MonitoringSettings>('GET', '/monitoring/settings'),
  updateSettings: (body: Partial<MonitoringSettings>) =>
    request<MonitoringSettings>('PUT', '/monitoring/settings', { body }),
  overview: async (): Promise<MonitoringOverview> => {
    const [checks, sources, exceptions] = await Promise.all([
      monitoringApi.checks(),
      monitoringApi.sources(),
      monitoringApi.exceptions(),
    ]);
    return { checks: checks.items, sources: sources.items, exceptions: exceptions.items };
  },
};

export const STATUS_COLOR: Record<CheckStatus, string> = {
  failing: 'red',
  excepted: 'yellow',
  passing: 'teal',
  not_connected: 'gray',
};

export const STATUS_LABEL: Record<CheckStatus, string> = {
  failing: 'Failing',
  excepted: 'Excepted',
  passing: 'Passing',
  not_connected: 'Not connected',
};

export const SEVERITY_COLOR: Record<Severity, string> = {
  critical: 'red',
  high: 'orange',
  medium: 'yellow',
  low: 'blue',
  info: 'gray',
};

export const OUTCOME_LABEL: Record<Outcome, string> = {
  pass: 'Pass',
  fail: 'Fail',
  not_applicable: 'Not applicable',
};

export const OUTCOME_COLOR: Record<Outcome, string> = { pass: 'teal', fail: 'red', not_applicable: 'gray' };

export function recordTypeLabel(type: string): string {
  return RECORD_TYPES.find((t) => t.value === type)?.label ?? type;
}

const DAY_MS = 86_400_000;
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * DAY_MS],
  ['month', 30 * DAY_MS],
  ['week', 7 * DAY_MS],
  ['day', DAY_MS],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 hours ago", "in 2 days", "just now". */
export function formatRelative(iso: string | null | undefined, now = Date.now(), empty = '—'): string {
  if (!iso) return empty;
  const ms = new Date(iso).getTime();
  if (Number.isNaN(ms)) return iso;
  const diff = ms - now;
  for (const [unit, size] of UNITS) {
    if (Math.abs(diff) >= size) return relative.format(Math.trunc(diff / size), unit);
  }
  return 'just now';
}

/** Whole days left until `iso` (0 when less than a day is left, or it is past). */
export function daysUntil(iso: string, now = Date.now()): number {
  return Math.max(0, Math.floor((new Date(iso).getTime() - now) / DAY_MS));
}

/** A local date `days` from today as `YYYY-MM-DD` (a date input's value). */
export function dateInDays(days: number, from = new Date()): string {
  const date = new Date(from.getFullYear(), from.getMonth(), from.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The notification text for a push: what came in and what it changed. */
export function describePush(summary: PushSummary): string {
  const r = summary.records;
  const parts = [
    `${plural(r.total, 'record')} read (${r.created} new, ${r.changed} changed, ${r.deleted} gone)`,
    `${plural(summary.results.changed, 'check result')} changed`,
  ];
  if (summary.results.failing > 0) parts.push(`${summary.results.failing} failing`);
  if (summary.controlsChanged > 0) parts.push(`${plural(summary.controlsChanged, 'control')} changed status`);
  return `${parts.join('; ')}.`;
}
