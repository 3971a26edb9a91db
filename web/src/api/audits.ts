import { API_BASE, apiErrorOf, type EvidenceItem, request, saveDownload, writeHeaders } from '../api';

/** The contract of src/modules/audits (routes.ts, request-routes.ts, model.ts), as the pages read it. */

export const KINDS = ['soc2_type1', 'soc2_type2', 'iso27001', 'other'] as const;
export type AuditKind = (typeof KINDS)[number];
export const STATUSES = ['planned', 'fieldwork', 'completed'] as const;
export type AuditStatus = (typeof STATUSES)[number];
export type RequestStatus = 'open' | 'answered' | 'accepted' | 'reopened';
export type Health = 'passing' | 'failing' | 'attention' | 'not_implemented' | 'not_applicable';

export const KIND_LABEL: Record<AuditKind, string> = {
  soc2_type1: 'SOC 2 Type 1',
  soc2_type2: 'SOC 2 Type 2',
  iso27001: 'ISO 27001',
  other: 'Other audit',
};

export const STATUS_LABEL: Record<AuditStatus, { label: string; color: string }> = {
  planned: { label: 'Planned', color: 'gray' },
  fieldwork: { label: 'Fieldwork', color: 'blue' },
  completed: { label: 'Completed', color: 'teal' },
};

export const REQUEST_STATUS: Record<RequestStatus, { label: string; color: string }> = {
  open: { label: 'Open', color: 'orange' },
  answered: { label: 'Answered', color: 'blue' },
  accepted: { label: 'Accepted', color: 'teal' },
  reopened: { label: 'Reopened', color: 'red' },
};

export const HEALTH_LABEL: Record<Health, { label: string; color: string }> = {
  passing: { label: 'Passing', color: 'teal' },
  failing: { label: 'Failing', color: 'red' },
  attention: { label: 'Needs attention', color: 'yellow' },
  not_implemented: { label: 'Not implemented', color: 'gray' },
  not_applicable: { label: 'Not applicable', color: 'gray' },
};

export interface Auditor {
  id: string;
  email: string;
  name: string | null;
  userId: string | null;
  state: 'member' | 'invited';
  addedAt: string;
}

export interface Audit {
  id: string;
  title: string;
  framework: { id: string; name: string };
  kind: AuditKind;
  firm: string;
  windowStart: string;
  windowEnd: string;
  accessExpiresAt: string;
  status: AuditStatus;
  requests: { open: number; answered: number; accepted: number };
  createdAt: string;
  updatedAt: string;
}

export interface AuditDetail extends Audit {
  /** Owners and admins only; null for everyone else. */
  auditors: Auditor[] | null;
}

export interface AuditFields {
  title: string;
  frameworkId: string;
  kind: AuditKind;
  firm: string;
  windowStart: string;
  windowEnd: string;
  accessExpiresAt: string;
  status: AuditStatus;
}

export interface ControlOverWindow {
  id: string;
  key: string;
  title: string;
  requirements: string[];
  current: Health;
  checks: string[];
  daysObserved: number;
  daysPassing: number;
  daysFailing: number;
  lastFailedOn: string | null;
}

export interface ControlsOverWindow {
  window: { from: string; to: string; daysElapsed: number };
  method: string;
  framework: {
    id: string;
    name: string;
    snapshots: number;
    daysWithFailingControls: number;
    lowestReadiness: number | null;
  };
  controls: ControlOverWindow[];
}

export interface PopulationSummary {
  id: string;
  name: string;
  source: string;
  window: { from: string; to: string };
  size: number;
}

export interface Population extends Omit<PopulationSummary, 'size'> {
  columns: string[];
  rows: (string | number | boolean | null)[][];
}

export interface AuditRequest {
  id: string;
  number: number;
  title: string;
  details: string;
  control: { id: string; key: string; title: string } | null;
  dueOn: string | null;
  status: RequestStatus;
  raisedBy: { id: string; email: string; name: string } | null;
  raisedAt: string;
  updatedAt: string;
  messages: { id: string; kind: 'answer' | 'reopen' | 'accept'; body: string; author: string | null; at: string }[];
  evidence: { id: string; name: string; effectiveFrom: string; effectiveTo: string | null; erased: boolean }[];
}

export interface AuditorAdded {
  auditor: Auditor;
  invited: boolean;
  emailed: boolean;
  link: string | null;
}

const id = encodeURIComponent;
const base = (auditId: string) => `/audits/${id(auditId)}`;

/** POSTs for the bundle and saves the zip the answer carries; returns its file name. */
async function downloadBundle(auditId: string): Promise<string> {
  const response = await fetch(`${API_BASE}${base(auditId)}/bundle`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { ...(await writeHeaders()) },
  });
  if (!response.ok) throw await apiErrorOf(response);
  return saveDownload(response, 'audit-bundle.zip');
}

export const auditApi = {
  list: () => request<{ items: Audit[] }>('GET', '/audits'),
  get: (auditId: string) => request<AuditDetail>('GET', base(auditId)),
  create: (body: AuditFields) => request<AuditDetail>('POST', '/audits', { body }),
  update: (auditId: string, body: Partial<AuditFields>) => request<AuditDetail>('PATCH', base(auditId), { body }),
  addAuditor: (auditId: string, email: string) =>
    request<AuditorAdded>('POST', `${base(auditId)}/auditors`, { body: { email } }),
  removeAuditor: (auditId: string, auditorId: string) =>
    request<void>('DELETE', `${base(auditId)}/auditors/${id(auditorId)}`),
  controls: (auditId: string) => request<ControlsOverWindow>('GET', `${base(auditId)}/controls`),
  evidence: (auditId: string, cursor?: string) =>
    request<{ window: { from: string; to: string }; items: EvidenceItem[]; nextCursor: string | null }>(
      'GET',
      `${base(auditId)}/evidence?limit=100${cursor ? `&cursor=${id(cursor)}` : ''}`,
    ),
  evidenceUrl: (auditId: string, evidenceId: string) =>
    `${API_BASE}${base(auditId)}/evidence/${id(evidenceId)}/download`,
  populations: (auditId: string) => request<{ items: PopulationSummary[] }>('GET', `${base(auditId)}/populations`),
  population: (auditId: string, populationId: string) =>
    request<Population>('GET', `${base(auditId)}/populations/${id(populationId)}`),
  populationCsvUrl: (auditId: string, populationId: string) =>
    `${API_BASE}${base(auditId)}/populations/${id(populationId)}/csv`,
  requests: (auditId: string) => request<{ items: AuditRequest[] }>('GET', `${base(auditId)}/requests`),
  raise: (auditId: string, body: { title: string; details: string; controlId?: string; dueOn?: string }) =>
    request<AuditRequest>('POST', `${base(auditId)}/requests`, { body }),
  answer: (auditId: string, requestId: string, body: { message: string; evidenceIds: string[] }) =>
    request<AuditRequest>('POST', `${base(auditId)}/requests/${id(requestId)}/answer`, { body }),
  accept: (auditId: string, requestId: string) =>
    request<AuditRequest>('POST', `${base(auditId)}/requests/${id(requestId)}/accept`, { body: {} }),
  reopen: (auditId: string, requestId: string, message: string) =>
    request<AuditRequest>('POST', `${base(auditId)}/requests/${id(requestId)}/reopen`, { body: { message } }),
  downloadBundle,
};
