import { API_BASE, ApiError, apiErrorOf, request, writeHeaders } from '../api';

/** The contract of src/modules/assessments (routes.ts, model.ts, latest.ts), as the pages read it. */

export const KINDS = [
  'pentest',
  'vulnerability_assessment',
  'soc2_type1',
  'soc2_type2',
  'iso27001',
  'other_audit',
] as const;
export type AssessmentKind = (typeof KINDS)[number];
export const STATUSES = ['planned', 'in_progress', 'completed'] as const;
export type AssessmentStatus = (typeof STATUSES)[number];
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type FindingStatus = 'open' | 'fixed' | 'accepted';

export const KIND_LABEL: Record<AssessmentKind, string> = {
  pentest: 'Penetration test',
  vulnerability_assessment: 'Vulnerability assessment',
  soc2_type1: 'SOC 2 Type 1 audit',
  soc2_type2: 'SOC 2 Type 2 audit',
  iso27001: 'ISO 27001 audit',
  other_audit: 'Other third-party audit',
};

export const STATUS_LABEL: Record<AssessmentStatus, { label: string; color: string }> = {
  planned: { label: 'Planned', color: 'gray' },
  in_progress: { label: 'In progress', color: 'blue' },
  completed: { label: 'Completed', color: 'teal' },
};

export const SEVERITY_LABEL: Record<Severity, { label: string; color: string }> = {
  critical: { label: 'Critical', color: 'red' },
  high: { label: 'High', color: 'orange' },
  medium: { label: 'Medium', color: 'yellow' },
  low: { label: 'Low', color: 'blue' },
  info: { label: 'Info', color: 'gray' },
};

export const FINDING_STATUS_LABEL: Record<FindingStatus, { label: string; color: string }> = {
  open: { label: 'Open', color: 'orange' },
  fixed: { label: 'Fixed', color: 'teal' },
  accepted: { label: 'Risk accepted', color: 'grape' },
};

export interface PersonRef {
  id: string;
  email: string;
  name: string;
}

export interface Assessment {
  id: string;
  kind: AssessmentKind;
  title: string;
  assessor: string | null;
  scope: string;
  status: AssessmentStatus;
  /** YYYY-MM-DD */
  startDate: string | null;
  endDate: string | null;
  reportDate: string | null;
  windowStart: string | null;
  windowEnd: string | null;
  codeAnalysis: boolean;
  control: string;
  report: { id: string; name: string; size: number; sha256: string; uploadedAt: string; erased: boolean } | null;
  counts: { open: number; overdue: number; fixed: number; accepted: number };
  createdAt: string;
  updatedAt: string;
}

export interface Finding {
  id: string;
  assessmentId: string;
  assessmentTitle: string;
  title: string;
  severity: Severity;
  description: string;
  owner: PersonRef | null;
  dueDate: string;
  status: FindingStatus;
  fixedOn: string | null;
  acceptedReason: string | null;
  overdue: boolean;
  canEdit: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface AssessmentDetail extends Assessment {
  findings: Finding[];
}

export interface LatestAssessment {
  kind: 'pentest' | 'vulnerability_assessment' | 'soc2';
  date: string;
  reportDate: string | null;
  assessor: string | null;
  type: 'type1' | 'type2' | null;
  windowStart: string | null;
  windowEnd: string | null;
}

export interface AssessmentFields {
  kind: AssessmentKind;
  title: string;
  assessor: string | null;
  scope: string;
  status: AssessmentStatus;
  startDate: string | null;
  endDate: string | null;
  reportDate: string | null;
  windowStart: string | null;
  windowEnd: string | null;
  codeAnalysis: boolean;
}

export interface FindingFields {
  title: string;
  severity: Severity;
  description: string;
  ownerUserId: string | null;
  dueDate: string;
  status: FindingStatus;
  fixedOn: string | null;
  acceptedReason: string | null;
}

export const PAGE_SIZE = 50;

const id = encodeURIComponent;
const base = (assessmentId: string) => `/assessments/${id(assessmentId)}`;

function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== '' && value !== false) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Uploads the report as multipart/form-data (one file part). */
async function uploadReport(assessmentId: string, file: File): Promise<{ assessment: Assessment }> {
  const form = new FormData();
  form.append('file', file, file.name);
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${base(assessmentId)}/report`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json, application/problem+json', ...(await writeHeaders()) },
      body: form,
    });
  } catch {
    throw new ApiError(0, { title: 'Cannot reach the Attest server. Check your connection and try again.' });
  }
  if (!response.ok) throw await apiErrorOf(response);
  return (await response.json()) as { assessment: Assessment };
}

export const assessmentApi = {
  list: (filters: { kind?: AssessmentKind; status?: AssessmentStatus }, offset: number) =>
    request<{ items: Assessment[]; total: number }>(
      'GET',
      `/assessments${query({ ...filters, limit: PAGE_SIZE, offset })}`,
    ),
  latest: () => request<{ items: LatestAssessment[] }>('GET', '/assessments/latest'),
  findings: (filters: { mine?: boolean; status?: FindingStatus; overdue?: boolean }) =>
    request<{ items: Finding[] }>('GET', `/assessments/findings${query(filters)}`),
  get: (assessmentId: string) => request<AssessmentDetail>('GET', base(assessmentId)),
  create: (body: Partial<AssessmentFields> & Pick<AssessmentFields, 'kind' | 'title'>) =>
    request<Assessment>('POST', '/assessments', { body }),
  update: (assessmentId: string, body: Partial<AssessmentFields>) =>
    request<Assessment>('PATCH', base(assessmentId), { body }),
  remove: (assessmentId: string) => request<void>('DELETE', base(assessmentId)),
  addFinding: (assessmentId: string, body: Partial<FindingFields> & Pick<FindingFields, 'title' | 'severity'>) =>
    request<Finding>('POST', `${base(assessmentId)}/findings`, { body }),
  updateFinding: (assessmentId: string, findingId: string, body: Partial<FindingFields>) =>
    request<Finding>('PATCH', `${base(assessmentId)}/findings/${id(findingId)}`, { body }),
  removeFinding: (assessmentId: string, findingId: string) =>
    request<void>('DELETE', `${base(assessmentId)}/findings/${id(findingId)}`),
  uploadReport,
  linkReport: (assessmentId: string, evidenceId: string) =>
    request<Assessment>('PUT', `${base(assessmentId)}/report`, { body: { evidenceId } }),
  reportUrl: (assessmentId: string) => `${API_BASE}${base(assessmentId)}/report`,
};

export const personLabel = (p: PersonRef | null | undefined, empty = 'Nobody'): string =>
  p ? p.name || p.email : empty;

/** "2026-01-10 – 2026-01-20", or the one day known. */
export function period(from: string | null, to: string | null): string {
  if (from && to) return from === to ? from : `${from} – ${to}`;
  return from ?? to ?? '—';
}

/** The server's per-field errors ("body.endDate") by field name. */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  for (const e of error.problem.errors ?? []) {
    const field = e.path.split('.').filter((s) => !/^\d+$/.test(s) && s !== 'body')[0];
    if (field) out[field] = e.message;
  }
  return out;
}
