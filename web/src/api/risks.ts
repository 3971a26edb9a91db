import { API_BASE, type Items, request } from '../api';

/** The contract of src/modules/risks (routes.ts, service.ts, assessments.ts), as the pages read it. */

export const CATEGORIES = [
  'security',
  'availability',
  'privacy',
  'compliance',
  'operational',
  'vendor',
  'fraud',
  'other',
] as const;
export type RiskCategory = (typeof CATEGORIES)[number];
export const TREATMENTS = ['mitigate', 'accept', 'transfer', 'avoid'] as const;
export type RiskTreatment = (typeof TREATMENTS)[number];
export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';
export type AssessmentStatus = 'open' | 'completed' | 'cancelled';

export interface PersonRef {
  id: string;
  email: string;
  name: string;
}

export interface RiskScore {
  likelihood: number;
  impact: number;
  score: number;
  level: RiskLevel;
}

export interface Risk {
  id: string;
  title: string;
  description: string;
  category: RiskCategory;
  status: 'open' | 'closed';
  owner: PersonRef | null;
  inherent: RiskScore;
  residual: RiskScore;
  treatment: RiskTreatment | null;
  treatmentPlan: string;
  acceptance: { by: PersonRef; at: string } | null;
  reviewOn: string;
  reviewOverdue: boolean;
  controls: { id: string; key: string; title: string }[];
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  canEdit: boolean;
}

export interface RiskBody {
  title: string;
  description: string;
  category: RiskCategory;
  ownerUserId: string;
  inherentLikelihood: number;
  inherentImpact: number;
  residualLikelihood: number;
  residualImpact: number;
  treatment: RiskTreatment | null;
  treatmentPlan: string;
  controlIds: string[];
  reviewOn?: string;
}

export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

export interface RiskFilters {
  status?: 'open' | 'closed' | 'all';
  level?: RiskLevel | '';
  treatment?: RiskTreatment | 'none' | '';
  ownerId?: string;
  category?: RiskCategory | '';
  overdue?: boolean;
  q?: string;
  map?: 'inherent' | 'residual';
  likelihood?: number;
  impact?: number;
}

export interface HeatCell {
  likelihood: number;
  impact: number;
  score: number;
  level: RiskLevel;
  count: number;
  ids: string[];
}

export interface Heatmap {
  kind: 'inherent' | 'residual';
  total: number;
  /** cells[likelihood - 1][impact - 1] */
  cells: HeatCell[][];
}

export interface HistoryEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  details: Record<string, unknown>;
}

export interface Assessment {
  id: string;
  name: string;
  status: AssessmentStatus;
  dueOn: string;
  overdue: boolean;
  fraudStatement: string | null;
  startedBy: PersonRef | null;
  startedAt: string;
  completedBy: PersonRef | null;
  completedAt: string | null;
  cancelledAt: string | null;
  csvEvidenceId: string | null;
  pdfEvidenceId: string | null;
  evidencePending: boolean;
  progress: { total: number; reviewed: number; remaining: number; raised: number; fraudRisks: number; mine: number };
}

export interface RiskSnapshot {
  title: string;
  category: RiskCategory;
  ownerEmail: string | null;
  inherentLikelihood: number;
  inherentImpact: number;
  residualLikelihood: number;
  residualImpact: number;
  treatment: RiskTreatment | null;
}

export interface AssessmentItem {
  id: string;
  assessmentId: string;
  risk: { id: string; title: string; category: RiskCategory; status: string; owner: PersonRef | null };
  raised: boolean;
  before: RiskSnapshot | null;
  review: {
    inherent: RiskScore;
    residual: RiskScore;
    treatment: RiskTreatment | null;
    comment: string;
    reviewedBy: PersonRef | null;
    reviewedAt: string;
  } | null;
  canReview: boolean;
}

export interface ItemReviewBody {
  inherentLikelihood: number;
  inherentImpact: number;
  residualLikelihood: number;
  residualImpact: number;
  treatment: RiskTreatment;
  treatmentPlan?: string;
  reviewOn?: string;
  comment: string;
}

export const PAGE_SIZE = 25;

const id = encodeURIComponent;

function query(values: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== '' && value !== false) params.set(key, String(value));
  }
  return params.toString();
}

const get = <T>(path: string) => request<T>('GET', path);
const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, { body });
const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, { body });

export const riskApi = {
  list: (filters: RiskFilters, page: number) =>
    get<Paged<Risk>>(`/risks?${query({ ...filters, page, limit: PAGE_SIZE })}`),
  get: (riskId: string) => get<Risk>(`/risks/${id(riskId)}`),
  create: (body: RiskBody) => post<Risk>('/risks', body),
  update: (riskId: string, body: Partial<RiskBody>) => patch<Risk>(`/risks/${id(riskId)}`, body),
  setClosed: (riskId: string, close: boolean) => post<Risk>(`/risks/${id(riskId)}/${close ? 'close' : 'reopen'}`),
  history: (riskId: string) => get<Items<HistoryEntry>>(`/risks/${id(riskId)}/history`),
  heatmap: (kind: 'inherent' | 'residual') => get<Heatmap>(`/risks/heatmap?kind=${kind}`),
  owners: () => get<Items<PersonRef>>('/risks/owners'),

  assessments: (page: number, status?: AssessmentStatus) =>
    get<Paged<Assessment>>(`/risks/assessments?${query({ page, limit: 20, status })}`),
  assessment: (assessmentId: string) => get<Assessment>(`/risks/assessments/${id(assessmentId)}`),
  start: (body: { name: string; dueOn: string; fraudStatement?: string }) =>
    post<Assessment>('/risks/assessments', body),
  updateAssessment: (assessmentId: string, body: { name?: string; dueOn?: string; fraudStatement?: string }) =>
    patch<Assessment>(`/risks/assessments/${id(assessmentId)}`, body),
  items: (assessmentId: string, filters: { reviewed?: boolean; mine?: boolean }, page: number) =>
    get<Paged<AssessmentItem>>(
      `/risks/assessments/${id(assessmentId)}/items?${query({ ...filters, page, limit: PAGE_SIZE })}`,
    ),
  review: (assessmentId: string, itemId: string, body: ItemReviewBody) =>
    post<AssessmentItem>(`/risks/assessments/${id(assessmentId)}/items/${id(itemId)}/review`, body),
  raise: (assessmentId: string, body: RiskBody & { comment: string }) =>
    post<AssessmentItem>(`/risks/assessments/${id(assessmentId)}/risks`, body),
  complete: (assessmentId: string, fraudStatement?: string) =>
    post<Assessment>(`/risks/assessments/${id(assessmentId)}/complete`, fraudStatement ? { fraudStatement } : {}),
  cancel: (assessmentId: string) => post<Assessment>(`/risks/assessments/${id(assessmentId)}/cancel`),
  /** A plain link: the browser downloads it with the session cookie. */
  evidenceUrl: (evidenceId: string) => `${API_BASE}/evidence/${id(evidenceId)}/download`,
};

/**
 * The level of a score, as the server bands it (src/modules/risks/scoring.ts): 1–4 low, 5–9
 * medium, 10–16 high, 20–25 critical. Used only to preview a rating while it is typed.
 */
export function levelOf(score: number): RiskLevel {
  if (score <= 4) return 'low';
  if (score <= 9) return 'medium';
  if (score <= 16) return 'high';
  return 'critical';
}

export const LEVEL_LABEL: Record<RiskLevel, { label: string; color: string }> = {
  low: { label: 'Low', color: 'teal' },
  medium: { label: 'Medium', color: 'yellow' },
  high: { label: 'High', color: 'orange' },
  critical: { label: 'Critical', color: 'red' },
};

export const CATEGORY_LABEL: Record<RiskCategory, string> = {
  security: 'Security',
  availability: 'Availability',
  privacy: 'Privacy',
  compliance: 'Compliance',
  operational: 'Operational',
  vendor: 'Vendor',
  fraud: 'Fraud',
  other: 'Other',
};

export const TREATMENT_LABEL: Record<RiskTreatment, string> = {
  mitigate: 'Mitigate',
  accept: 'Accept',
  transfer: 'Transfer',
  avoid: 'Avoid',
};

export const STATUS_LABEL: Record<AssessmentStatus, { label: string; color: string }> = {
  open: { label: 'Open', color: 'blue' },
  completed: { label: 'Completed', color: 'teal' },
  cancelled: { label: 'Cancelled', color: 'gray' },
};

/** The 1–5 scales in words, for selects and screen readers. */
export const LIKELIHOOD = ['Rare', 'Unlikely', 'Possible', 'Likely', 'Almost certain'] as const;
export const IMPACT = ['Negligible', 'Minor', 'Moderate', 'Major', 'Severe'] as const;
