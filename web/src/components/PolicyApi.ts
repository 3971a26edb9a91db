import {
  API_BASE,
  type Items,
  type PendingPolicy,
  type PolicyAcceptances,
  type PolicyDetail,
  type PolicyDiff,
  type PolicyPage,
  type PolicyVariable,
  type PolicyVersion,
  type PolicyVersionSummary,
  request,
} from '../api';

/** Calls of the policies API, through the app's one client (api.ts `request`). */
const call = <T>(method: string, path: string, body?: unknown) => request<T>(method, path, { body });

const id = encodeURIComponent;
const query = (params: Record<string, string | undefined>) =>
  new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1])).toString();

export const policyApi = {
  list: (filters: { q?: string; status?: string }, cursor?: string) =>
    call<PolicyPage>('GET', `/policies?${query({ ...filters, cursor, limit: '100' })}`),
  get: (policyId: string) => call<PolicyDetail>('GET', `/policies/${id(policyId)}`),
  create: (body: { title: string; summary?: string; body: string }) => call<PolicyDetail>('POST', '/policies', body),
  update: (
    policyId: string,
    body: {
      title?: string;
      summary?: string;
      body?: string;
      ownerUserId?: string | null;
      expectedLockVersion?: number;
    },
  ) => call<PolicyDetail>('PATCH', `/policies/${id(policyId)}`, body),
  submit: (policyId: string, body: { reviewerUserId: string; material: boolean; changeSummary?: string }) =>
    call<PolicyDetail>('POST', `/policies/${id(policyId)}/submit`, body),
  approve: (policyId: string, comment?: string) =>
    call<PolicyDetail>('POST', `/policies/${id(policyId)}/approve`, comment ? { comment } : {}),
  return: (policyId: string, comment: string) =>
    call<PolicyDetail>('POST', `/policies/${id(policyId)}/return`, { comment }),
  publish: (policyId: string) => call<PolicyDetail>('POST', `/policies/${id(policyId)}/publish`, {}),
  versions: (policyId: string) => call<Items<PolicyVersionSummary>>('GET', `/policies/${id(policyId)}/versions`),
  version: (policyId: string, version: number) =>
    call<PolicyVersion>('GET', `/policies/${id(policyId)}/versions/${version}`),
  diff: (policyId: string, version: number) =>
    call<PolicyDiff>('GET', `/policies/${id(policyId)}/versions/${version}/diff`),
  pdfUrl: (policyId: string, version: number) => `${API_BASE}/policies/${id(policyId)}/versions/${version}/pdf`,
  acceptances: (policyId: string, pending = false) =>
    call<PolicyAcceptances>(
      'GET',
      `/policies/${id(policyId)}/acceptances?${query({ pending: pending ? 'true' : '' })}`,
    ),
  chase: (policyId: string) => call<{ notified: number }>('POST', `/policies/${id(policyId)}/chase`, {}),
  pending: () => call<Items<PendingPolicy>>('GET', '/policies/pending'),
  accept: (policyId: string, version: number) =>
    call<{ version: number; acceptedAt: string; already: boolean }>('POST', `/policies/${id(policyId)}/accept`, {
      version,
    }),
  variables: () => call<Items<PolicyVariable>>('GET', '/policy-variables'),
  setVariables: (values: Record<string, string | null>) =>
    call<Items<PolicyVariable>>('PUT', '/policy-variables', { values }),
};
