import {
  API_BASE,
  type EvidenceTask,
  type Items,
  request,
  type TaskCadence,
  type TaskCompleted,
  type TaskPage,
} from '../api';

/** The evidence-task calls, through the app's one client (api.ts `request`; uploads send raw bytes). */
function send<T>(method: string, path: string, body?: { json: unknown } | { bytes: Blob }): Promise<T> {
  if (body && 'bytes' in body) return request<T>(method, path, { bytes: body.bytes });
  return request<T>(method, path, body ? { body: body.json } : {});
}

export interface TaskFilters {
  status?: string;
  assignee?: string;
  controlId?: string;
  overdue?: boolean;
  dueBefore?: string;
}

const id = encodeURIComponent;

function query(filters: TaskFilters, cursor?: string): string {
  const params = new URLSearchParams({ limit: '50' });
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== '' && value !== false) params.set(key, String(value));
  }
  if (cursor) params.set('cursor', cursor);
  return params.toString();
}

export interface NewTaskBody {
  title: string;
  description?: string;
  cadence: TaskCadence;
  assigneeUserId?: string | null;
  dueAt: string;
}

export interface TaskChangeBody {
  title?: string;
  assigneeUserId?: string | null;
  dueAt?: string;
  status?: 'cancelled';
}

export const taskApi = {
  list: (filters: TaskFilters, cursor?: string) => send<TaskPage>('GET', `/tasks?${query(filters, cursor)}`),
  get: (taskId: string) => send<EvidenceTask>('GET', `/tasks/${id(taskId)}`),
  history: (taskId: string) => send<Items<EvidenceTask>>('GET', `/tasks/${id(taskId)}/history`),
  create: (controlId: string, body: NewTaskBody) =>
    send<EvidenceTask>('POST', `/controls/${id(controlId)}/tasks`, { json: body }),
  update: (taskId: string, body: TaskChangeBody) => send<EvidenceTask>('PATCH', `/tasks/${id(taskId)}`, { json: body }),
  complete: (taskId: string, body: { kind: 'link'; url: string } | { kind: 'note'; note: string }) =>
    send<TaskCompleted>('POST', `/tasks/${id(taskId)}/complete`, { json: body }),
  upload: (taskId: string, file: File) =>
    send<TaskCompleted>(
      'PUT',
      `/tasks/${id(taskId)}/file?${new URLSearchParams({ name: file.name, ...(file.type ? { type: file.type } : {}) })}`,
      { bytes: file },
    ),
  /** A plain link: the browser downloads it with the session cookie. */
  fileUrl: (taskId: string) => `${API_BASE}/tasks/${id(taskId)}/file`,
};

/** The largest file the server takes (it refuses more with 413). */
export const MAX_TASK_FILE_BYTES = 10 * 1024 * 1024;

/** `YYYY-MM-DD` (a date input) as the end of that day in the browser's time zone. */
export function endOfDay(date: string): string {
  return new Date(`${date}T23:59:00`).toISOString();
}

/** An ISO time as the `YYYY-MM-DD` a date input shows, in the browser's time zone. */
export function dateInputValue(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export const CADENCE_LABEL: Record<TaskCadence, string> = {
  once: 'Once',
  monthly: 'Monthly',
  quarterly: 'Quarterly',
  yearly: 'Yearly',
};
