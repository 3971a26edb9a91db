import { API_BASE, ApiError, apiErrorOf, request, writeHeaders } from '../api';

/** The contract of src/modules/people (routes.ts, onboarding.ts, offboarding.ts, background.ts), as the pages read it. */

export type EmploymentType = 'employee' | 'contractor' | 'other';
export type PersonStatus = 'upcoming' | 'active' | 'departed';
export type PersonSource = 'manual' | 'hris' | 'scim';

export interface Person {
  id: string;
  email: string;
  name: string;
  employmentType: EmploymentType;
  department: string | null;
  title: string | null;
  managerEmail: string | null;
  /** YYYY-MM-DD */
  startDate: string | null;
  endDate: string | null;
  active: boolean;
  status: PersonStatus;
  source: PersonSource;
  offboardingClosedAt: string | null;
  offboardingReportId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface OffboardingCounts {
  total: number;
  disabled: number;
  disabledLate: number;
  active: number;
  overdue: number;
}

export interface RegisterRow extends Person {
  onboarding: { done: number; required: number; overdue: number };
  offboarding: ({ open: boolean; deadline: string } & OffboardingCounts) | null;
}

export interface RegisterPage {
  items: RegisterRow[];
  total: number;
}

export type OnboardingState = 'done' | 'pending' | 'overdue' | 'not_required';

export interface OnboardingItem {
  key: 'background_check' | 'agreement' | 'training' | 'policies' | 'mfa';
  title: string;
  required: boolean;
  state: OnboardingState;
  detail: string;
  doneAt: string | null;
  late: boolean;
  dueOn: string | null;
}

export type BackgroundStatus = 'not_started' | 'in_progress' | 'passed' | 'failed';

export interface BackgroundCheck {
  status: BackgroundStatus;
  provider: string | null;
  requestedOn: string | null;
  completedOn: string | null;
  note: string;
  reportId: string | null;
  updatedBy: { id: string; email: string; name: string } | null;
  updatedAt: string;
}

export type AccountState = 'disabled' | 'disabled_late' | 'active' | 'overdue';

export interface Offboarding {
  endDate: string;
  deadline: string;
  departedAccountHours: number;
  open: boolean;
  closedAt: string | null;
  closedBy: { id: string; email: string; name: string } | null;
  reportId: string | null;
  accounts: { id: string; name: string; source: string; disabledAt: string | null; state: AccountState }[];
  counts: OffboardingCounts;
  allDisabled: boolean;
}

export interface PersonDetail {
  person: Person;
  onboarding: { items: OnboardingItem[]; done: number; required: number; overdue: number };
  backgroundCheck: BackgroundCheck | null;
  offboarding: Offboarding | null;
  groups: { id: string; displayName: string }[];
}

export interface OpenOffboarding {
  person: { id: string; name: string; email: string; endDate: string; status: PersonStatus };
  deadline: string;
  counts: OffboardingCounts;
  allDisabled: boolean;
}

export interface PeopleSettings {
  backgroundCheck: Record<EmploymentType, boolean>;
  agreement: boolean;
  training: boolean;
  trainingGraceDays: number;
  trainingValidityDays: number;
}

export interface PersonFields {
  email: string;
  name: string;
  employmentType: EmploymentType;
  department: string | null;
  title: string | null;
  managerEmail: string | null;
  startDate: string | null;
  endDate: string | null;
}

export interface BackgroundInput {
  status: BackgroundStatus;
  provider?: string | null;
  requestedOn?: string | null;
  completedOn?: string | null;
  note?: string;
}

export interface RegisterFilters {
  q?: string;
  status?: string;
  type?: string;
}

export const PAGE_SIZE = 50;

const id = encodeURIComponent;

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Uploads the provider's report as multipart/form-data (one file part). */
async function uploadReport(personId: string, file: File): Promise<{ reportId: string }> {
  const form = new FormData();
  form.append('file', file, file.name);
  let response: Response;
  try {
    response = await fetch(`${API_BASE}/people/${id(personId)}/background-check/report`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json, application/problem+json', ...(await writeHeaders()) },
      body: form,
    });
  } catch {
    throw new ApiError(0, { title: 'Cannot reach the Attest server. Check your connection and try again.' });
  }
  if (!response.ok) throw await apiErrorOf(response);
  return (await response.json()) as { reportId: string };
}

export const peopleApi = {
  list: (filters: RegisterFilters, offset: number) =>
    request<RegisterPage>('GET', `/people${query({ ...filters, limit: PAGE_SIZE, offset })}`),
  get: (personId: string) => request<PersonDetail>('GET', `/people/${id(personId)}`),
  create: (body: PersonFields) => request<PersonDetail>('POST', '/people', { body }),
  update: (personId: string, body: Partial<PersonFields>) =>
    request<PersonDetail>('PATCH', `/people/${id(personId)}`, { body }),
  settings: () => request<PeopleSettings>('GET', '/people/settings'),
  saveSettings: (body: PeopleSettings) => request<PeopleSettings>('PUT', '/people/settings', { body }),
  offboardings: (offset: number, limit = 20) =>
    request<{ items: OpenOffboarding[]; total: number }>('GET', `/people/offboarding${query({ limit, offset })}`),
  saveBackgroundCheck: (personId: string, body: BackgroundInput) =>
    request<BackgroundCheck>('PUT', `/people/${id(personId)}/background-check`, { body }),
  uploadReport,
  closeOffboarding: (personId: string, reason?: string) =>
    request<PersonDetail>('POST', `/people/${id(personId)}/offboarding/close`, { body: reason ? { reason } : {} }),
  /** Plain links: the browser downloads them with the session cookie. */
  reportUrl: (personId: string) => `${API_BASE}/people/${id(personId)}/background-check/report`,
  departureReportUrl: (personId: string) => `${API_BASE}/people/${id(personId)}/offboarding/report`,
};

export const EMPLOYMENT_LABEL: Record<EmploymentType, string> = {
  employee: 'Employee',
  contractor: 'Contractor',
  other: 'Other',
};

export const STATUS_BADGE: Record<PersonStatus, { label: string; color: string }> = {
  upcoming: { label: 'Starting', color: 'blue' },
  active: { label: 'Active', color: 'teal' },
  departed: { label: 'Left', color: 'gray' },
};

export const SOURCE_LABEL: Record<PersonSource, string> = { manual: 'Manual', hris: 'HRIS', scim: 'SCIM' };

export const ONBOARDING_BADGE: Record<OnboardingState, { label: string; color: string }> = {
  done: { label: 'Done', color: 'teal' },
  pending: { label: 'Pending', color: 'blue' },
  overdue: { label: 'Overdue', color: 'red' },
  not_required: { label: 'Not required', color: 'gray' },
};

export const ACCOUNT_BADGE: Record<AccountState, { label: string; color: string }> = {
  disabled: { label: 'Disabled on time', color: 'teal' },
  disabled_late: { label: 'Disabled late', color: 'orange' },
  active: { label: 'Active', color: 'blue' },
  overdue: { label: 'Still active, overdue', color: 'red' },
};

export const BACKGROUND_LABEL: Record<BackgroundStatus, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  passed: 'Passed',
  failed: 'Failed',
};

/** `YYYY-MM-DD` shown as a date in the browser's locale, without moving it across time zones. */
export function formatDay(day: string | null | undefined, empty = '—'): string {
  if (!day) return empty;
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return day;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}
