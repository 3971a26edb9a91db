import { request } from '../api';

/** The contract of src/modules/access (routes.ts, systems.ts, accounts.ts, requests.ts), as the pages read it. */

export type Classification = 'public' | 'internal' | 'confidential' | 'restricted';
export type AccountFlag = 'orphan' | 'departed';
export type RequestStatus = 'pending' | 'approved' | 'rejected' | 'cancelled' | 'expired' | 'revoked';
export type RequestView = 'mine' | 'decide' | 'all';

export interface Page<T> {
  items: T[];
  total: number;
}

export interface AccountCounts {
  accounts: number;
  orphans: number;
  departed: number;
}

export interface System {
  id: string;
  name: string;
  description: string;
  owner: { id: string; email: string; name: string } | null;
  production: boolean;
  classification: Classification;
  source: { id: string; kind: string; name: string } | null;
  maxAccessDays: number;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Owners, admins and auditors only; null without a source. */
  accounts: AccountCounts | null;
}

export interface SystemBody {
  name: string;
  description: string;
  ownerUserId: string | null;
  production: boolean;
  classification: Classification;
  sourceId: string | null;
  maxAccessDays: number;
}

export interface SystemAccount {
  id: string;
  name: string;
  username: string;
  email: string | null;
  displayName: string | null;
  admin: boolean;
  active: boolean;
  mfa: boolean | null;
  lastLoginAt: string | null;
  scope: string;
  firstSeenAt: string;
  lastSeenAt: string;
  disabledAt: string | null;
  linked: boolean;
  person: {
    id: string;
    name: string;
    email: string;
    endDate: string | null;
    status: 'upcoming' | 'active' | 'departed';
  } | null;
  flags: AccountFlag[];
}

export interface AccountPage extends Page<SystemAccount> {
  source: { id: string; kind: string; name: string } | null;
}

interface UserRef {
  id: string;
  email: string;
  name: string;
}

export interface AccessRequest {
  id: string;
  system: { id: string; name: string; production: boolean; archived: boolean; ownerUserId: string | null };
  requester: UserRef;
  accessLevel: string;
  justification: string;
  durationDays: number;
  status: RequestStatus;
  decidedBy: UserRef | null;
  decidedAt: string | null;
  decisionComment: string | null;
  expiresAt: string | null;
  endedAt: string | null;
  endedBy: UserRef | null;
  endComment: string | null;
  ledgerIndex: number | null;
  createdAt: string;
  updatedAt: string;
  canDecide: boolean;
  canCancel: boolean;
  canRevoke: boolean;
}

export interface NewRequestBody {
  systemId: string;
  accessLevel: string;
  justification: string;
  durationDays: number;
}

/** Rows per page in the access tables. */
export const PAGE_SIZE = 25;

const id = encodeURIComponent;

function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  return search.toString();
}

export const accessApi = {
  systems: (filters: { q?: string; archived?: 'false' | 'true' | 'all'; page?: number; limit?: number } = {}) => {
    const limit = filters.limit ?? PAGE_SIZE;
    return request<Page<System>>(
      'GET',
      `/systems?${query({ q: filters.q, archived: filters.archived, limit, offset: ((filters.page ?? 1) - 1) * limit })}`,
    );
  },
  createSystem: (body: SystemBody) => request<System>('POST', '/systems', { body }),
  updateSystem: (systemId: string, body: Partial<SystemBody>) =>
    request<System>('PATCH', `/systems/${id(systemId)}`, { body }),
  archiveSystem: (systemId: string, archive: boolean) =>
    request<System>('POST', `/systems/${id(systemId)}/${archive ? 'archive' : 'unarchive'}`, { body: {} }),
  accounts: (systemId: string, filters: { flag?: AccountFlag | null; q?: string; page?: number }) =>
    request<AccountPage>(
      'GET',
      `/systems/${id(systemId)}/accounts?${query({
        flag: filters.flag,
        q: filters.q,
        limit: PAGE_SIZE,
        offset: ((filters.page ?? 1) - 1) * PAGE_SIZE,
      })}`,
    ),

  requests: (filters: { view: RequestView; status?: string | null; systemId?: string | null; page?: number }) =>
    request<Page<AccessRequest>>(
      'GET',
      `/access-requests?${query({
        view: filters.view,
        status: filters.status,
        systemId: filters.systemId,
        limit: PAGE_SIZE,
        offset: ((filters.page ?? 1) - 1) * PAGE_SIZE,
      })}`,
    ),
  createRequest: (body: NewRequestBody) => request<AccessRequest>('POST', '/access-requests', { body }),
  approve: (requestId: string, comment: string) =>
    request<AccessRequest>('POST', `/access-requests/${id(requestId)}/approve`, {
      body: comment ? { comment } : {},
    }),
  reject: (requestId: string, comment: string) =>
    request<AccessRequest>('POST', `/access-requests/${id(requestId)}/reject`, { body: { comment } }),
  revoke: (requestId: string, comment: string) =>
    request<AccessRequest>('POST', `/access-requests/${id(requestId)}/revoke`, {
      body: comment ? { comment } : {},
    }),
  cancel: (requestId: string) =>
    request<AccessRequest>('POST', `/access-requests/${id(requestId)}/cancel`, { body: {} }),
};

export const CLASSIFICATION: Record<Classification, { label: string; color: string; hint: string }> = {
  public: { label: 'Public', color: 'gray', hint: 'Meant to be published' },
  internal: { label: 'Internal', color: 'blue', hint: 'For people who work here' },
  confidential: { label: 'Confidential', color: 'orange', hint: 'Customer or business data; need to know' },
  restricted: { label: 'Restricted', color: 'red', hint: 'The most sensitive data: secrets, payment or health data' },
};

export const REQUEST_STATUS: Record<RequestStatus, { label: string; color: string }> = {
  pending: { label: 'Waiting for a decision', color: 'yellow' },
  approved: { label: 'Approved', color: 'teal' },
  rejected: { label: 'Rejected', color: 'red' },
  cancelled: { label: 'Cancelled', color: 'gray' },
  expired: { label: 'Expired', color: 'gray' },
  revoked: { label: 'Revoked', color: 'orange' },
};

/** How many pages `total` rows fill. */
export const pages = (total: number) => Math.max(1, Math.ceil(total / PAGE_SIZE));

export const personLabel = (p: { name: string; email: string }) => p.name || p.email;
