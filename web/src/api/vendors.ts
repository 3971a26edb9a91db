import { API_BASE, apiErrorOf, type Items, request, saveDownload, writeHeaders } from '../api';

/** The contract of src/modules/vendors (routes.ts, read.ts, detail.ts, questionnaires.ts), as the pages read it. */

export type VendorClassification = 'none' | 'public' | 'internal' | 'confidential' | 'restricted';
export type VendorLevel = 'low' | 'medium' | 'high';
export type VendorStatus = 'proposed' | 'in_review' | 'approved' | 'rejected' | 'offboarded';
export type ReviewOutcome = 'approved' | 'approved_with_conditions' | 'rejected';
export type DocumentKind = 'soc2_type1' | 'soc2_type2' | 'iso27001' | 'other';
export type ReviewState = 'current' | 'due_soon' | 'overdue' | 'missing';

export interface Page<T> {
  items: T[];
  total: number;
}

export interface UserRef {
  id: string;
  email: string;
  name: string;
}

export interface Vendor {
  id: string;
  name: string;
  website: string | null;
  purpose: string;
  dataClassification: VendorClassification | null;
  regions: string[];
  subprocessor: boolean;
  owner: UserRef | null;
  criticality: VendorLevel;
  tier: VendorLevel;
  computedTier: VendorLevel;
  tierOverride: { tier: VendorLevel; reason: string; by: string | null; at: string | null } | null;
  status: VendorStatus;
  decidedAt: string | null;
  decidedBy: string | null;
  decisionComment: string | null;
  approvedAt: string | null;
  offboardedAt: string | null;
  lastReview: { completedOn: string; outcome: ReviewOutcome } | null;
  review: { intervalDays: number; nextDueOn: string | null; state: ReviewState | null };
  socReport: { kind: DocumentKind; periodEnd: string; current: boolean } | null;
  createdAt: string;
  updatedAt: string;
  canEdit: boolean;
  canDecide: boolean;
}

export interface VendorReview {
  id: string;
  reviewer: UserRef;
  questionnaireId: string | null;
  documentId: string | null;
  examined: string;
  outcome: ReviewOutcome;
  conditions: string | null;
  notes: string;
  completedOn: string;
  recordedBy: string | null;
  createdAt: string;
}

export interface VendorDocument {
  id: string;
  kind: DocumentKind;
  periodStart: string | null;
  periodEnd: string | null;
  note: string;
  evidence: { id: string; name: string; size: number; sha256: string };
  uploadedBy: string | null;
  createdAt: string;
}

export interface Question {
  id: string;
  text: string;
  kind: 'yes_no' | 'text';
  help?: string;
}

export interface Answer {
  answer: string;
  comment?: string;
}

export interface Questionnaire {
  id: string;
  status: 'open' | 'answered' | 'expired' | 'revoked';
  createdAt: string;
  createdBy: string | null;
  expiresAt: string;
  revokedAt: string | null;
  answeredAt: string | null;
  respondent: { name: string; email: string } | null;
  questions: Question[];
  answers: Record<string, Answer> | null;
}

export interface HistoryItem {
  id: string;
  at: string;
  actor: string;
  action: string;
  details: Record<string, unknown>;
}

export interface VendorDetail extends Vendor {
  reviews: VendorReview[];
  documents: VendorDocument[];
  questionnaires: Questionnaire[];
  history: HistoryItem[] | null;
}

export interface VendorBody {
  name: string;
  website: string | null;
  purpose: string;
  dataClassification: VendorClassification | null;
  regions: string[];
  subprocessor: boolean;
  ownerUserId: string | null;
  criticality: VendorLevel;
}

export interface ReviewBody {
  reviewerUserId?: string;
  questionnaireId?: string | null;
  documentId?: string | null;
  examined: string;
  outcome: ReviewOutcome;
  conditions?: string;
  notes: string;
  completedOn: string;
}

export interface Subprocessor {
  name: string;
  purpose: string;
  website: string | null;
  regions: string[];
  dataClassification: VendorClassification | null;
}

export interface PublicQuestionnaire {
  organisation: { name: string };
  vendor: { name: string };
  expiresAt: string;
  questions: Question[];
}

export interface VendorFilters {
  q?: string;
  status?: VendorStatus | null;
  tier?: VendorLevel | null;
  subprocessor?: boolean | null;
  page?: number;
}

export const PAGE_SIZE = 25;

export const STATUS: Record<VendorStatus, { label: string; color: string }> = {
  proposed: { label: 'Proposed', color: 'gray' },
  in_review: { label: 'In review', color: 'blue' },
  approved: { label: 'Approved', color: 'teal' },
  rejected: { label: 'Rejected', color: 'red' },
  offboarded: { label: 'Offboarded', color: 'dark' },
};

export const TIER: Record<VendorLevel, { label: string; color: string }> = {
  high: { label: 'High', color: 'red' },
  medium: { label: 'Medium', color: 'orange' },
  low: { label: 'Low', color: 'gray' },
};

export const CLASSIFICATION_LABELS: Record<VendorClassification, string> = {
  none: 'No data',
  public: 'Public',
  internal: 'Internal',
  confidential: 'Confidential',
  restricted: 'Restricted',
};

export const OUTCOME_LABELS: Record<ReviewOutcome, string> = {
  approved: 'Approved',
  approved_with_conditions: 'Approved with conditions',
  rejected: 'Rejected',
};

export const DOCUMENT_LABELS: Record<DocumentKind, string> = {
  soc2_type1: 'SOC 2 Type 1',
  soc2_type2: 'SOC 2 Type 2',
  iso27001: 'ISO 27001',
  other: 'Other',
};

export const REVIEW_STATE: Record<ReviewState, { label: string; color: string }> = {
  current: { label: 'Review current', color: 'teal' },
  due_soon: { label: 'Review due soon', color: 'yellow' },
  overdue: { label: 'Review overdue', color: 'red' },
  missing: { label: 'Never reviewed', color: 'red' },
};

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** A calendar day (YYYY-MM-DD) as people read it, whatever the browser's time zone. */
export function formatDay(day: string | null | undefined, empty = '—'): string {
  if (!day) return empty;
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return day;
  return dayFormat.format(new Date(Date.UTC(y, m - 1, d)));
}

export const pages = (total: number) => Math.max(1, Math.ceil(total / PAGE_SIZE));

const id = encodeURIComponent;

function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  return search.toString();
}

async function uploadDocument(
  vendorId: string,
  fields: { kind: DocumentKind; periodStart: string; periodEnd: string; note: string },
  file: File,
): Promise<VendorDocument> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', file, file.name);
  const response = await fetch(`${API_BASE}/vendors/${id(vendorId)}/documents`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'application/json, application/problem+json', ...(await writeHeaders()) },
    body: form,
  });
  if (!response.ok) throw await apiErrorOf(response);
  return (await response.json()) as VendorDocument;
}

/** The register as CSV, stored as VEN-01 evidence by the server, then saved by the browser. */
async function exportRegister(): Promise<string> {
  const response = await fetch(`${API_BASE}/vendors/export`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', ...(await writeHeaders()) },
    body: '{}',
  });
  if (!response.ok) throw await apiErrorOf(response);
  return saveDownload(response, 'vendor-register.csv');
}

export const vendorsApi = {
  list: (filters: VendorFilters) =>
    request<Page<Vendor>>(
      'GET',
      `/vendors?${query({
        q: filters.q,
        status: filters.status,
        tier: filters.tier,
        subprocessor: filters.subprocessor,
        limit: PAGE_SIZE,
        offset: ((filters.page ?? 1) - 1) * PAGE_SIZE,
      })}`,
    ),
  get: (vendorId: string) => request<VendorDetail>('GET', `/vendors/${id(vendorId)}`),
  create: (body: Partial<VendorBody> & { name: string }) => request<Vendor>('POST', '/vendors', { body }),
  update: (vendorId: string, body: Partial<VendorBody>) =>
    request<Vendor>('PATCH', `/vendors/${id(vendorId)}`, { body }),
  overrideTier: (vendorId: string, tier: VendorLevel | null, reason: string) =>
    request<Vendor>('POST', `/vendors/${id(vendorId)}/tier`, { body: { tier, reason } }),
  setStatus: (vendorId: string, status: Exclude<VendorStatus, 'proposed'>, comment?: string) =>
    request<Vendor>('POST', `/vendors/${id(vendorId)}/status`, { body: { status, comment } }),
  recordReview: (vendorId: string, body: ReviewBody) =>
    request<VendorReview>('POST', `/vendors/${id(vendorId)}/reviews`, { body }),
  createLink: (vendorId: string, expiresInDays: number) =>
    request<{ questionnaire: Questionnaire; token: string; path: string }>(
      'POST',
      `/vendors/${id(vendorId)}/questionnaires`,
      { body: { expiresInDays } },
    ),
  revokeLink: (vendorId: string, questionnaireId: string) =>
    request<Questionnaire>('POST', `/vendors/${id(vendorId)}/questionnaires/${id(questionnaireId)}/revoke`, {
      body: {},
    }),
  uploadDocument,
  documentUrl: (vendorId: string, documentId: string) =>
    `${API_BASE}/vendors/${id(vendorId)}/documents/${id(documentId)}/file`,
  owners: () => request<Items<UserRef>>('GET', '/vendors/owners'),
  settings: () => request<{ reviewDays: Record<VendorLevel, number> }>('GET', '/vendors/settings'),
  saveSettings: (reviewDays: Record<VendorLevel, number>) =>
    request<{ reviewDays: Record<VendorLevel, number> }>('PUT', '/vendors/settings', { body: { reviewDays } }),
  subprocessorsCsvUrl: () => `${API_BASE}/vendors/subprocessors.csv`,
  exportRegister,
  /** The vendor's side: no session, so no CSRF token to fetch. */
  publicQuestionnaire: (token: string) =>
    request<PublicQuestionnaire>('GET', `/public/vendor-questionnaires/${id(token)}`),
  answerQuestionnaire: (
    token: string,
    body: { respondentName: string; respondentEmail: string; answers: Record<string, Answer> },
  ) =>
    request<{ answeredAt: string }>('POST', `/public/vendor-questionnaires/${id(token)}`, {
      body,
      needsCsrf: false,
    }),
};
