import { API_BASE, apiErrorOf, type Items, request, writeHeaders } from '../api';

/** The contract of src/modules/trust-documents (routes.ts, documents.ts, nda.ts, requests.ts), as the page reads it. */

export type DocumentAccess = 'public' | 'request' | 'hidden';
export type RequestStatus = 'pending' | 'approved' | 'denied';
export type GrantStatus = 'active' | 'expired' | 'revoked';

export interface TrustDocument {
  id: string;
  title: string;
  description: string;
  access: DocumentAccess;
  position: number;
  file: { name: string; contentType: string; size: number; sha256: string };
  requests: { pending: number; total: number };
  downloads: number;
  createdAt: string;
  updatedAt: string;
}

export interface DocumentRequest {
  id: string;
  document: { id: string; title: string };
  name: string;
  email: string;
  company: string;
  status: RequestStatus;
  acceptedAt: string;
  ip: string | null;
  userAgent: string | null;
  nda: { version: number; sha256: string };
  decidedAt: string | null;
  decidedBy: string | null;
  note: string | null;
  grant: { id: string; expiresAt: string; status: GrantStatus } | null;
}

export interface DocumentGrant {
  id: string;
  requestId: string;
  document: { id: string; title: string };
  email: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  status: GrantStatus;
  downloads: number;
  lastDownloadAt: string | null;
}

export interface DocumentDownload {
  id: string;
  document: { id: string; title: string };
  grantId: string | null;
  email: string | null;
  at: string;
  ip: string | null;
  userAgent: string | null;
}

export interface Nda {
  id: string;
  version: number;
  text: string;
  sha256: string;
  createdAt: string;
  createdBy: string | null;
}

export interface DocumentSettings {
  autoApproveDomains: string[];
  grantDays: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface Approval {
  request: DocumentRequest;
  emailed: boolean;
  /** The link, when mail is off: send it to the requester yourself. */
  link: string | null;
}

const id = encodeURIComponent;

async function upload(fields: Record<string, string>, file: File): Promise<TrustDocument> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', file, file.name);
  const response = await fetch(`${API_BASE}/trust-documents`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'application/json, application/problem+json', ...(await writeHeaders()) },
    body: form,
  });
  if (!response.ok) throw await apiErrorOf(response);
  return (await response.json()) as TrustDocument;
}

export const trustDocumentsApi = {
  list: () => request<Items<TrustDocument>>('GET', '/trust-documents'),
  upload,
  update: (documentId: string, body: Partial<Pick<TrustDocument, 'title' | 'description' | 'access' | 'position'>>) =>
    request<TrustDocument>('PATCH', `/trust-documents/${id(documentId)}`, { body }),
  fileUrl: (documentId: string) => `${API_BASE}/trust-documents/${id(documentId)}/file`,
  nda: () => request<Nda>('GET', '/trust-documents/nda'),
  setNda: (text: string) => request<Nda>('PUT', '/trust-documents/nda', { body: { text } }),
  settings: () => request<DocumentSettings>('GET', '/trust-documents/settings'),
  setSettings: (body: { autoApproveDomains: string[]; grantDays: number }) =>
    request<DocumentSettings>('PUT', '/trust-documents/settings', { body }),
  requests: (status?: RequestStatus) =>
    request<Items<DocumentRequest>>('GET', `/trust-documents/requests${status ? `?status=${status}` : ''}`),
  approve: (requestId: string, expiresInDays?: number) =>
    request<Approval>('POST', `/trust-documents/requests/${id(requestId)}/approve`, {
      body: expiresInDays ? { expiresInDays } : {},
    }),
  deny: (requestId: string, note?: string) =>
    request<DocumentRequest>('POST', `/trust-documents/requests/${id(requestId)}/deny`, {
      body: note ? { note } : {},
    }),
  grants: () => request<Items<DocumentGrant>>('GET', '/trust-documents/grants'),
  revoke: (grantId: string) => request<DocumentGrant>('POST', `/trust-documents/grants/${id(grantId)}/revoke`),
  downloads: () => request<Items<DocumentDownload>>('GET', '/trust-documents/downloads'),
};
