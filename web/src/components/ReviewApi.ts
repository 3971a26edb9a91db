import { API_BASE, type Items, request } from '../api';

/** The contract of src/modules/reviews (routes.ts, service.ts), as the pages read it. */

export type Decision = 'keep' | 'revoke' | 'change';
export type CampaignStatus = 'open' | 'completed' | 'cancelled';

export interface PersonRef {
  id: string;
  email: string;
  name: string;
}

export interface Progress {
  total: number;
  decided: number;
  undecided: number;
  byDecision: Record<Decision, number>;
  pendingFollowUp: number;
}

export interface Campaign {
  id: string;
  name: string;
  status: CampaignStatus;
  scheduled: boolean;
  systems: { id: string; name: string }[];
  startedBy: PersonRef | null;
  startedAt: string;
  dueAt: string;
  overdue: boolean;
  completedAt: string | null;
  completedBy: PersonRef | null;
  csvEvidenceId: string | null;
  pdfEvidenceId: string | null;
  evidencePending: boolean;
  progress: Progress;
}

export interface CampaignDetail extends Campaign {
  byReviewer: { reviewer: PersonRef | null; total: number; decided: number }[];
  bySystem: {
    system: { id: string; name: string };
    total: number;
    decided: number;
    byDecision: Record<Decision, number>;
  }[];
}

export interface AccountSnapshot {
  name: string;
  username: string | null;
  email: string | null;
  displayName: string | null;
  isAdmin: boolean | null;
  active: boolean | null;
  mfaEnabled: boolean | null;
  lastLoginAt: string | null;
  sourceKind: string;
  sourceName: string;
}

export interface ReviewItem {
  id: string;
  campaignId: string;
  system: { id: string; name: string };
  recordId: string;
  account: AccountSnapshot;
  person: { id: string; name: string; email: string } | null;
  reviewer: PersonRef | null;
  decision: Decision | null;
  comment: string | null;
  decidedBy: PersonRef | null;
  decidedAt: string | null;
  resolvedAt: string | null;
}

export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

export interface ReviewableSystem {
  id: string;
  name: string;
  production: boolean;
  source: { id: string; name: string } | null;
  owner: { id: string; email: string } | null;
  accounts: number;
}

export interface ReviewSchedule {
  enabled: boolean;
  systems: { id: string; name: string; archived: boolean }[];
  dueDays: number;
  nextStartOn: string;
  updatedBy: { id: string; email: string } | null;
  updatedAt: string;
}

/** An open campaign where accounts assigned to the caller wait (the "My work" obligation). */
export interface AssignedReview {
  id: string;
  title: string;
  detail: string;
  href: string;
  dueAt: string | null;
  overdue: boolean;
}

export interface ItemFilters {
  systemId?: string;
  decision?: Decision | '';
  undecided?: boolean;
  pending?: boolean;
  reviewer?: string;
  q?: string;
}

export const PAGE_SIZE = 50;

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

export const reviewApi = {
  list: (page: number, status?: CampaignStatus) =>
    get<Paged<Campaign>>(`/access-reviews?${query({ page, limit: 20, status })}`),
  assigned: () => get<Items<AssignedReview>>('/access-reviews/assigned'),
  systems: () => get<Items<ReviewableSystem>>('/access-reviews/systems'),
  schedule: () => get<{ schedule: ReviewSchedule | null }>('/access-reviews/schedule'),
  saveSchedule: (body: { enabled: boolean; systemIds: string[]; dueDays: number; nextStartOn: string }) =>
    request<{ schedule: ReviewSchedule }>('PUT', '/access-reviews/schedule', { body }),
  start: (body: { name: string; systemIds: string[]; dueDays: number }) =>
    post<CampaignDetail>('/access-reviews', body),
  get: (campaignId: string) => get<CampaignDetail>(`/access-reviews/${id(campaignId)}`),
  items: (campaignId: string, filters: ItemFilters, page: number) =>
    get<Paged<ReviewItem>>(`/access-reviews/${id(campaignId)}/items?${query({ ...filters, page, limit: PAGE_SIZE })}`),
  decide: (campaignId: string, itemId: string, decision: Decision, comment: string | null) =>
    post<ReviewItem>(`/access-reviews/${id(campaignId)}/items/${id(itemId)}/decision`, { decision, comment }),
  keepMany: (campaignId: string, itemIds: string[]) =>
    post<Items<ReviewItem>>(`/access-reviews/${id(campaignId)}/decisions`, { itemIds, decision: 'keep' }),
  reassign: (campaignId: string, itemIds: string[], reviewerId: string) =>
    post<Items<ReviewItem>>(`/access-reviews/${id(campaignId)}/reassign`, { itemIds, reviewerId }),
  confirmChange: (campaignId: string, itemId: string) =>
    post<ReviewItem>(`/access-reviews/${id(campaignId)}/items/${id(itemId)}/confirm-change`),
  complete: (campaignId: string) => post<CampaignDetail>(`/access-reviews/${id(campaignId)}/complete`),
  cancel: (campaignId: string) => post<CampaignDetail>(`/access-reviews/${id(campaignId)}/cancel`),
  /** Plain links: the browser downloads them with the session cookie. */
  csvUrl: (campaignId: string) => `${API_BASE}/access-reviews/${id(campaignId)}/export.csv`,
  evidenceUrl: (evidenceId: string) => `${API_BASE}/evidence/${id(evidenceId)}/download`,
};

export const DECISION_LABEL: Record<Decision, { label: string; color: string }> = {
  keep: { label: 'Keep', color: 'teal' },
  revoke: { label: 'Revoke', color: 'red' },
  change: { label: 'Change', color: 'orange' },
};

export const STATUS_LABEL: Record<CampaignStatus, { label: string; color: string }> = {
  open: { label: 'Open', color: 'blue' },
  completed: { label: 'Completed', color: 'teal' },
  cancelled: { label: 'Cancelled', color: 'gray' },
};
