import {
  API_BASE,
  ApiError,
  apiErrorOf,
  type EvidenceItem,
  type EvidencePage,
  type Problem,
  request,
  saveDownload,
  writeHeaders,
} from '../api';

export interface EvidenceFilters {
  controlId?: string;
  taskId?: string;
  q?: string;
  from?: string;
  to?: string;
}

export interface EvidenceUpload {
  file: File;
  controlId?: string;
  taskId?: string;
  effectiveFrom?: string;
  effectiveTo?: string;
  note?: string;
}

const id = encodeURIComponent;

function query(filters: EvidenceFilters, cursor?: string): string {
  const params = new URLSearchParams({ limit: '50' });
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (cursor) params.set('cursor', cursor);
  return params.toString();
}

/**
 * Sends evidence as multipart/form-data (the fields, then the file) with XMLHttpRequest, whose
 * upload events report progress, which fetch cannot. Errors come back as ApiError.
 */
async function upload(body: EvidenceUpload, onProgress: (fraction: number) => void): Promise<EvidenceItem> {
  const form = new FormData();
  for (const key of ['controlId', 'taskId', 'effectiveFrom', 'effectiveTo', 'note'] as const) {
    const value = body[key];
    if (value) form.append(key, value);
  }
  form.append('file', body.file, body.file.name);
  const headers = await writeHeaders();
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${API_BASE}/evidence`);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () =>
      reject(new ApiError(0, { title: 'Cannot reach the Attest server. Check your connection and try again.' }));
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: a proxy's error page
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(parsed as EvidenceItem);
      else
        reject(new ApiError(xhr.status, (parsed as Problem | null) ?? { status: xhr.status, title: xhr.statusText }));
    };
    xhr.send(form);
  });
}

/** Asks for an export bundle and saves it through the browser's download. */
async function exportBundle(window: { from?: string; to?: string }): Promise<string> {
  const response = await fetch(`${API_BASE}/evidence/export`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', ...(await writeHeaders()) },
    body: JSON.stringify(window),
  });
  if (!response.ok) throw await apiErrorOf(response);
  return saveDownload(response, 'evidence-bundle.zip');
}

export const evidenceApi = {
  list: (filters: EvidenceFilters, cursor?: string) =>
    request<EvidencePage>('GET', `/evidence?${query(filters, cursor)}`),
  get: (evidenceId: string) => request<EvidenceItem>('GET', `/evidence/${id(evidenceId)}`),
  upload,
  erase: (evidenceId: string, reason: string) =>
    request<EvidenceItem>('DELETE', `/evidence/${id(evidenceId)}`, { body: { reason } }),
  exportBundle,
  /** A plain link: the browser downloads it with the session cookie. */
  downloadUrl: (evidenceId: string) => `${API_BASE}/evidence/${id(evidenceId)}/download`,
};

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
