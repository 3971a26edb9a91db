import { API_BASE, type Items, request } from '../api';

/** The contract of src/modules/incidents (routes.ts, breach-routes.ts and the services), as the pages read it. */

export const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const STATUSES = ['reported', 'triaged', 'contained', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof STATUSES)[number];
export type NoticeVia = 'email' | 'letter' | 'portal';
export type DelayBasis = 'law_enforcement' | 'legal';

export const SEVERITY_LABEL: Record<Severity, { label: string; hint: string; color: string }> = {
  sev1: { label: 'SEV1 critical', hint: 'customer data exposed or the service down for everyone', color: 'red' },
  sev2: { label: 'SEV2 high', hint: 'a real threat or a serious outage for some customers', color: 'orange' },
  sev3: { label: 'SEV3 medium', hint: 'contained, limited impact', color: 'yellow' },
  sev4: { label: 'SEV4 low', hint: 'a near miss or a concern to look at', color: 'gray' },
};

export const STATUS_LABEL: Record<IncidentStatus, { label: string; color: string }> = {
  reported: { label: 'Reported', color: 'red' },
  triaged: { label: 'Triaged', color: 'orange' },
  contained: { label: 'Contained', color: 'yellow' },
  resolved: { label: 'Resolved', color: 'teal' },
  closed: { label: 'Closed', color: 'gray' },
};

/** The facts every breach notice states, by the API's keys, with their labels (model.ts). */
export const NOTICE_FIELDS = [
  { key: 'extent', label: 'How far your data was used, accessed, taken or disclosed', long: true },
  { key: 'whatHappened', label: 'What happened', long: true },
  { key: 'breachDate', label: 'Date of the breach', long: false },
  { key: 'discoveryDate', label: 'Date we discovered it', long: false },
  { key: 'scope', label: 'Scope of the breach', long: true },
  { key: 'response', label: 'What we did in response, and the steps taken to limit the harm', long: true },
] as const;
export type NoticeKey = (typeof NOTICE_FIELDS)[number]['key'];
export type NoticeFields = Record<NoticeKey, string>;

export const NOTICE_VIA_LABEL: Record<NoticeVia, string> = {
  email: 'Email',
  letter: 'Letter',
  portal: 'Customer portal',
};
export const DELAY_LABEL: Record<DelayBasis, string> = {
  law_enforcement: 'Requested by law enforcement',
  legal: 'Required by law',
};

export interface PersonRef {
  id: string;
  email: string;
  name: string;
}

export interface IncidentSummary {
  id: string;
  number: number;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  detectedAt: string;
  reportedAt: string;
  reportedBy: PersonRef | null;
  owner: PersonRef | null;
  resolvedAt: string | null;
  closedAt: string | null;
  isBreach: boolean;
  noticeDeadlineAt: string | null;
  updatedAt: string;
}

export interface TimelineEvent {
  id: string;
  kind: string;
  occurredAt: string;
  recordedAt: string;
  actor: PersonRef | null;
  body: string;
}

export interface Escalation {
  id: string;
  severity: Severity;
  reason: 'reported' | 'severity_raised';
  triggeredAt: string;
  targetMinutes: number;
  sentAt: string | null;
  people: number;
  emails: number;
  emailsSent: number;
  webhook: { status: string; attempts: number; lastError: string | null; deliveredAt: string | null } | null;
}

export interface ActionItem {
  id?: string;
  title: string;
  ownerUserId: string;
  dueOn: string;
  done: boolean;
  owner?: PersonRef | null;
}

export interface Review {
  rootCause: string;
  wentWell: string;
  toImprove: string;
  actionItems: ActionItem[];
  completedAt: string | null;
  completedBy: PersonRef | null;
  updatedAt: string;
}

export interface Notice {
  id: string;
  status: 'draft' | 'sent';
  fields: NoticeFields;
  overridden: NoticeKey[];
  missing: NoticeKey[];
  sentAt: string | null;
  sentBy: PersonRef | null;
  sentVia: NoticeVia | null;
  sentTo: string | null;
  emailed: boolean;
  markdownEvidenceId: string | null;
  pdfEvidenceId: string | null;
  updatedAt: string;
}

export interface AffectedCustomer {
  id: string;
  name: string;
  contactName: string;
  contactEmail: string;
  createdAt: string;
  notice: Notice | null;
}

export interface NoticeDelay {
  id: string;
  basis: DelayBasis;
  reason: string;
  requestedBy: string;
  hours: number | null;
  untilAt: string | null;
  recordedBy: PersonRef | null;
  recordedAt: string;
}

export interface Breach {
  occurredOn: string | null;
  discoveredAt: string;
  deadlineHours: number;
  deadlineAt: string;
  overdue: boolean;
  markedAt: string;
  markedBy: PersonRef | null;
  shared: NoticeFields;
  delays: NoticeDelay[];
  customers: AffectedCustomer[];
}

export interface IncidentDetail extends IncidentSummary {
  description: string;
  systems: { id: string; name: string }[];
  timeline: TimelineEvent[];
  escalations: Escalation[];
  review: Review | null;
  breach: Breach | null;
  can: { manage: boolean; note: boolean; assignOwner: boolean; markBreach: boolean; review: boolean };
}

export interface EscalationRule {
  id: string;
  severity: Severity;
  notifyRoles: string[];
  notifyUsers: PersonRef[];
  emails: string[];
  webhookUrl: string | null;
  hasWebhookSecret: boolean;
  targetMinutes: number;
  updatedAt: string;
}

export interface IncidentSettings {
  noticeDeadlineHours: number;
  rules: EscalationRule[];
}

export interface RuleBody {
  notifyRoles: string[];
  notifyUserIds: string[];
  emails: string[];
  webhookUrl: string | null;
  webhookSecret?: string;
  targetMinutes: number;
}

export interface IncidentFilters {
  status?: IncidentStatus;
  severity?: Severity;
  breach?: boolean;
  open?: boolean;
  q?: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export const PAGE_SIZE = 25;

const id = encodeURIComponent;

function query(values: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return params.toString();
}

const get = <T>(path: string) => request<T>('GET', path);
const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, { body });
const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, { body });
const base = (incidentId: string) => `/incidents/${id(incidentId)}`;

export const incidentApi = {
  list: (filters: IncidentFilters, page: number) =>
    get<Page<IncidentSummary>>(`/incidents?${query({ ...filters, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })}`),
  report: (body: {
    title: string;
    description: string;
    severity: Severity;
    detectedAt?: string;
    systemIds: string[];
  }) => post<IncidentDetail>('/incidents', body),
  get: (incidentId: string) => get<IncidentDetail>(base(incidentId)),
  update: (
    incidentId: string,
    body: Partial<{ title: string; description: string; severity: Severity; detectedAt: string; systemIds: string[] }>,
  ) => patch<IncidentDetail>(base(incidentId), body),
  setStatus: (incidentId: string, status: IncidentStatus, note?: string) =>
    post<IncidentDetail>(`${base(incidentId)}/status`, { status, ...(note ? { note } : {}) }),
  setOwner: (incidentId: string, ownerUserId: string | null) =>
    post<IncidentDetail>(`${base(incidentId)}/owner`, { ownerUserId }),
  addNote: (incidentId: string, body: string, occurredAt?: string) =>
    post<IncidentDetail>(`${base(incidentId)}/notes`, { body, ...(occurredAt ? { occurredAt } : {}) }),
  saveReview: (
    incidentId: string,
    body: { rootCause: string; wentWell: string; toImprove: string; actionItems: ActionItem[]; complete: boolean },
  ) => request<IncidentDetail>('PUT', `${base(incidentId)}/review`, { body }),
  assignees: () => get<Items<PersonRef & { role: string }>>('/incidents/assignees'),

  markBreach: (incidentId: string, body: { occurredOn: string | null; discoveredAt: string }) =>
    post<IncidentDetail>(`${base(incidentId)}/breach`, body),
  updateBreach: (
    incidentId: string,
    body: Partial<NoticeFields> & { occurredOn?: string | null; discoveredAt?: string; deadlineHours?: number },
  ) => patch<IncidentDetail>(`${base(incidentId)}/breach`, body),
  addDelay: (
    incidentId: string,
    body: { basis: DelayBasis; reason: string; requestedBy: string; hours?: number; until?: string },
  ) => post<IncidentDetail>(`${base(incidentId)}/breach/delays`, body),
  addCustomer: (incidentId: string, body: { name: string; contactName: string; contactEmail: string }) =>
    post<IncidentDetail>(`${base(incidentId)}/breach/customers`, body),
  pasteCustomers: (incidentId: string, text: string) =>
    post<IncidentDetail>(`${base(incidentId)}/breach/customers/paste`, { text }),
  removeCustomer: (incidentId: string, customerId: string) =>
    request<IncidentDetail>('DELETE', `${base(incidentId)}/breach/customers/${id(customerId)}`),
  updateNotice: (incidentId: string, noticeId: string, body: Partial<Record<NoticeKey, string | null>>) =>
    patch<IncidentDetail>(`${base(incidentId)}/notices/${id(noticeId)}`, body),
  sendNotice: (incidentId: string, noticeId: string, via: NoticeVia) =>
    post<{ emailed: boolean; evidenceStored: boolean; incident: IncidentDetail }>(
      `${base(incidentId)}/notices/${id(noticeId)}/send`,
      { via },
    ),
  /** Plain links: the browser downloads them with the session cookie. */
  noticeUrl: (incidentId: string, noticeId: string, format: 'md' | 'pdf') =>
    `${API_BASE}${base(incidentId)}/notices/${id(noticeId)}/notice.${format}`,
  evidenceUrl: (evidenceId: string) => `${API_BASE}/evidence/${id(evidenceId)}/download`,

  settings: () => get<IncidentSettings>('/incidents/settings'),
  saveSettings: (noticeDeadlineHours: number) =>
    request<IncidentSettings>('PUT', '/incidents/settings', { body: { noticeDeadlineHours } }),
  saveRule: (severity: Severity, body: RuleBody) =>
    request<{ rule: EscalationRule; webhookSecret: string | null }>(
      'PUT',
      `/incidents/escalation-rules/${id(severity)}`,
      { body },
    ),
  deleteRule: (severity: Severity) => request<void>('DELETE', `/incidents/escalation-rules/${id(severity)}`),
};

export const personLabel = (p: PersonRef | null | undefined, empty = 'Nobody'): string =>
  p ? (p.name ? `${p.name} (${p.email})` : p.email) : empty;

/** "3 h 20 min left", "overdue by 2 days": how a deadline reads against now. */
export function timeLeft(deadline: string, now = Date.now()): { text: string; overdue: boolean } {
  const ms = new Date(deadline).getTime() - now;
  const abs = Math.abs(ms);
  const minutes = Math.floor(abs / 60_000);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  const span =
    days >= 2 ? `${days} days` : hours >= 1 ? `${hours} h ${minutes % 60} min` : `${Math.max(minutes, 0)} min`;
  return ms >= 0 ? { text: `${span} left`, overdue: false } : { text: `overdue by ${span}`, overdue: true };
}

/** A `datetime-local` value for a time, in the browser's zone. */
export function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
