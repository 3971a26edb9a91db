import { API_BASE, apiErrorOf, type Items, request, writeHeaders } from '../api';

/** The contract of src/modules/agreements (service.ts, signatures.ts, routes.ts), as the page reads it. */

export interface UserRef {
  id: string;
  email: string;
  name: string;
}

export interface AgreementFile {
  evidenceId: string;
  name: string;
  contentType: string;
  size: number;
  /** API path of the download (anyone in the organisation). */
  url: string;
}

export interface AgreementVersion {
  id: string;
  version: number;
  title: string;
  /** Markdown of a written version; null for an uploaded one (and in lists). */
  body: string | null;
  file: AgreementFile | null;
  sha256: string;
  publishedAt: string;
  publishedBy: UserRef | null;
  current: boolean;
}

export type SignatureKind = 'signed' | 'uploaded';

export interface Signature {
  id: string;
  agreementId: string;
  version: number;
  kind: SignatureKind;
  typedName: string | null;
  signedAt: string;
  ip: string | null;
  userAgent: string | null;
  documentSha256: string;
  evidenceId: string | null;
  recordedBy: UserRef | null;
  createdAt: string;
  fileUrl: string | null;
}

export type PersonStatus = 'upcoming' | 'active' | 'departed';

export interface MyAgreement {
  agreement: AgreementVersion | null;
  person: { id: string; name: string; startDate: string | null; status: PersonStatus } | null;
  signature: Signature | null;
  history: Signature[];
  canSign: boolean;
}

export interface SignatureStatus {
  person: {
    id: string;
    name: string;
    email: string;
    employmentType: 'employee' | 'contractor' | 'other';
    startDate: string | null;
    endDate: string | null;
    status: PersonStatus;
  };
  signedCurrent: boolean;
  signature: {
    id: string;
    kind: SignatureKind;
    agreementId: string;
    version: number;
    typedName: string | null;
    signedAt: string;
    evidenceId: string | null;
    fileUrl: string | null;
  } | null;
}

export interface SignaturePage {
  items: SignatureStatus[];
  total: number;
  people: number;
  signed: number;
  current: { id: string; version: number } | null;
}

export interface SignatureFilters {
  unsigned?: boolean;
  q?: string;
  limit?: number;
  offset?: number;
}

const id = encodeURIComponent;
/** The API answers paths under /api/v1; links need the same prefix once, not twice. */
const link = (path: string) => (path.startsWith(API_BASE) ? path : `${API_BASE}${path}`);

/** Sends multipart/form-data (the fields, then the file) with the session's CSRF token. */
async function sendForm<T>(path: string, fields: Record<string, string>, file: File): Promise<T> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', file, file.name);
  const response = await fetch(API_BASE + path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'application/json, application/problem+json', ...(await writeHeaders()) },
    body: form,
  });
  if (!response.ok) throw await apiErrorOf(response);
  return (await response.json()) as T;
}

export const agreementApi = {
  mine: () => request<MyAgreement>('GET', '/agreement'),
  template: () => request<{ title: string; body: string }>('GET', '/agreement/template'),
  versions: () => request<Items<AgreementVersion>>('GET', '/agreement/versions'),
  version: (versionId: string) => request<AgreementVersion>('GET', `/agreement/versions/${id(versionId)}`),
  publish: (body: { title: string; body: string }) =>
    request<AgreementVersion>('POST', '/agreement/versions', { body }),
  publishFile: (title: string, file: File) => sendForm<AgreementVersion>('/agreement/versions/file', { title }, file),
  sign: (body: { agreementId: string; documentSha256: string; typedName: string; confirm: true }) =>
    request<Signature>('POST', '/agreement/signatures', { body }),
  signatures: (filters: SignatureFilters) => {
    const params = new URLSearchParams();
    if (filters.unsigned) params.set('unsigned', 'true');
    if (filters.q) params.set('q', filters.q);
    params.set('limit', String(filters.limit ?? 25));
    params.set('offset', String(filters.offset ?? 0));
    return request<SignaturePage>('GET', `/agreement/signatures?${params}`);
  },
  recordCopy: (personId: string, signedOn: string, file: File) =>
    sendForm<Signature>('/agreement/signatures/file', { personId, signedOn }, file),
  /** Plain links: the browser downloads them with the session cookie. */
  fileUrl: (path: string) => link(path),
};

export const KIND_LABEL: Record<SignatureKind, string> = { signed: 'Signed here', uploaded: 'Signed copy' };

/** Short form of a SHA-256 for tables; the whole one is in the title and the PDF. */
export const shortHash = (hex: string) => `${hex.slice(0, 12)}…`;
