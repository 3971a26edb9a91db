import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import type {
  ApiToken,
  AuditPage,
  Control,
  ControlEdit,
  ControlPage,
  ControlVersion,
  Coverage,
  Dashboard,
  Framework,
  FrameworkReadiness,
  Invitation,
  InvitationCreated,
  InvitationLookup,
  Items,
  Me,
  Member,
  NewControl,
  NotificationPage,
  Organisation,
  OrganisationRef,
  Problem,
  Readiness,
  Requirement,
  RequirementReadiness,
  Role,
  SessionInfo,
  StageResult,
  TokenScope,
  TotpSetup,
  WebauthnCredential,
} from './api-types';

export * from './api-types';

export const API_BASE = '/api/v1';

/** A failed call: the server's problem+json, or a stand-in when the network or body failed. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `Request failed (${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code;
    this.problem = problem;
  }
}

/** The message to show a person for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Something went wrong. Try again.';
}

export type AuthProblem = 'unauthenticated' | 'session_expired' | 'mfa_required' | 'mfa_enrolment_required';
const AUTH_PROBLEMS = new Set<string>(['unauthenticated', 'session_expired', 'mfa_required', 'mfa_enrolment_required']);

type AuthListener = (problem: AuthProblem) => void;
const authListeners = new Set<AuthListener>();

/** Signed-in screens subscribe to be told when the session is gone or needs a second factor. */
export function onAuthProblem(listener: AuthListener): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

// The CSRF token belongs to the session; it is learned from GET /me and forgotten when the session changes.
let csrfToken: string | null = null;

export function forgetSession(): void {
  csrfToken = null;
}

interface RequestOptions {
  /** A JSON body, or raw bytes sent as application/octet-stream (uploads). */
  body?: unknown;
  bytes?: Blob;
  /** False for calls made before a session exists (login, invitation acceptance). */
  needsCsrf?: boolean;
}

/**
 * Every call of the API goes through here: JSON or raw bytes, the session's CSRF token on
 * writes (refreshed once when stale), problem+json errors as ApiError, and sign-in problems
 * reported to the screens that listen.
 */
export async function request<T>(
  method: string,
  path: string,
  options: RequestOptions = {},
  retried = false,
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  let payload: BodyInit | undefined;
  if (options.bytes !== undefined) {
    headers['Content-Type'] = 'application/octet-stream';
    payload = options.bytes;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(options.body);
  }
  if (method !== 'GET') {
    if (csrfToken === null && options.needsCsrf !== false) await fetchMe();
    if (csrfToken !== null) headers['X-CSRF-Token'] = csrfToken;
  }

  let response: Response;
  try {
    response = await fetch(API_BASE + path, { method, headers, credentials: 'same-origin', body: payload });
  } catch {
    throw new ApiError(0, { title: 'Cannot reach the Attest server. Check your connection and try again.' });
  }

  if (response.ok) {
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const problem = await readProblem(response);
  const error = new ApiError(response.status, problem);
  // A stale token (session rotated in another tab) is refreshed once.
  if (response.status === 403 && !retried && problem.code?.startsWith('csrf')) {
    csrfToken = null;
    return request<T>(method, path, options, true);
  }
  if (error.code && AUTH_PROBLEMS.has(error.code)) {
    if (error.status === 401) csrfToken = null;
    for (const listener of authListeners) listener(error.code as AuthProblem);
  }
  throw error;
}

async function readProblem(response: Response): Promise<Problem> {
  try {
    const body: unknown = await response.json();
    if (body && typeof body === 'object') return body as Problem;
  } catch {
    // Not JSON (a proxy error page): fall through to a generic message.
  }
  return { status: response.status, title: response.statusText || `Request failed (${response.status})` };
}

/**
 * The headers a write sent outside `request` must carry (an upload that reports its progress
 * through XMLHttpRequest, a download of a POST answer): the session's CSRF token.
 */
export async function writeHeaders(): Promise<Record<string, string>> {
  if (csrfToken === null) await fetchMe();
  return csrfToken === null ? {} : { 'X-CSRF-Token': csrfToken };
}

/**
 * Saves a response as a download under the file name the server gave (RFC 6266 `filename*` first,
 * then `filename`), or `fallback`; answers the name used.
 */
export async function saveDownload(response: Response, fallback: string): Promise<string> {
  const disposition = response.headers.get('content-disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
  const name = encoded ? decodeURIComponent(encoded) : (/filename="([^"]+)"/.exec(disposition)?.[1] ?? fallback);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

/** A problem+json body (or a stand-in) as the ApiError every screen knows how to show. */
export async function apiErrorOf(response: Response): Promise<ApiError> {
  return new ApiError(response.status, await readProblem(response));
}

const get = <T>(path: string) => request<T>('GET', path);
const post = <T>(path: string, body: unknown = {}, needsCsrf = true) => request<T>('POST', path, { body, needsCsrf });
const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, { body });
const put = <T>(path: string, body: unknown) => request<T>('PUT', path, { body });
const del = (path: string) => request<void>('DELETE', path);

function remember(me: Me): Me {
  csrfToken = me.session.csrfToken;
  return me;
}

async function fetchMe(): Promise<Me> {
  return remember(await get<Me>('/me'));
}

const id = encodeURIComponent;

/** Calls that change the session's stage may rotate the session, and with it the CSRF token. */
async function changesStage(call: Promise<StageResult>): Promise<StageResult> {
  const result = await call;
  forgetSession();
  return result;
}

export interface AuditFilters {
  action?: string;
  actor?: string;
  from?: string;
  to?: string;
}

export function auditQuery(filters: AuditFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...extra })) if (value) params.set(key, value);
  return params.toString();
}

export const api = {
  me: fetchMe,
  switchOrganisation: async (orgId: string) => remember(await post<Me>('/me/organisation', { orgId })),
  sessions: () => get<Items<SessionInfo>>('/me/sessions'),
  revokeSession: (sessionId: string) => del(`/me/sessions/${id(sessionId)}`),

  login: (email: string, password: string) => {
    forgetSession();
    return changesStage(post<StageResult>('/auth/login', { email, password }, false));
  },
  logout: async () => {
    try {
      await post<void>('/auth/logout');
    } finally {
      forgetSession();
    }
  },
  mfaTotp: (code: string) => changesStage(post<StageResult>('/auth/mfa/totp', { code })),
  mfaWebauthnOptions: () => post<PublicKeyCredentialRequestOptionsJSON>('/auth/mfa/webauthn/options'),
  mfaWebauthn: (response: AuthenticationResponseJSON) =>
    changesStage(post<StageResult>('/auth/mfa/webauthn', { response })),

  totpSetup: () => post<TotpSetup>('/auth/totp/setup'),
  totpConfirm: (code: string) => changesStage(post<StageResult>('/auth/totp/confirm', { code })),
  totpRemove: () => del('/auth/totp'),
  webauthnRegisterOptions: () => post<PublicKeyCredentialCreationOptionsJSON>('/auth/webauthn/register/options'),
  webauthnRegister: (name: string, response: RegistrationResponseJSON) =>
    post<WebauthnCredential>('/auth/webauthn/register', { name, response }),
  webauthnCredentials: () => get<Items<WebauthnCredential>>('/auth/webauthn/credentials'),
  webauthnRemove: (credentialId: string) => del(`/auth/webauthn/credentials/${id(credentialId)}`),

  createOrganisation: (name: string, slug: string) => post<OrganisationRef>('/organisations', { name, slug }),
  organisation: () => get<Organisation>('/organisation'),
  renameOrganisation: (name: string) => patch<Organisation>('/organisation', { name }),
  dashboard: () => get<Dashboard>('/dashboard'),

  members: () => get<Items<Member>>('/members'),
  changeRole: (userId: string, role: Role) => patch<Member>(`/members/${id(userId)}`, { role }),
  removeMember: (userId: string) => del(`/members/${id(userId)}`),

  invitations: () => get<Items<Invitation>>('/invitations'),
  invite: (email: string, role: Role) => post<InvitationCreated>('/invitations', { email, role }),
  revokeInvitation: (invitationId: string) => del(`/invitations/${id(invitationId)}`),
  lookupInvitation: (token: string) => get<InvitationLookup>(`/invitations/lookup?token=${id(token)}`),
  acceptInvitation: (body: { token: string; name?: string; password?: string }) =>
    changesStage(post<StageResult>('/invitations/accept', body, false)),

  audit: (filters: AuditFilters, cursor?: string) =>
    get<AuditPage>(`/audit?${auditQuery(filters, { limit: '50', ...(cursor ? { cursor } : {}) })}`),
  auditActions: () => get<Items<string>>('/audit/actions'),
  auditExportUrl: (filters: AuditFilters) => `${API_BASE}/audit/export.csv?${auditQuery(filters)}`,

  tokens: () => get<Items<ApiToken>>('/tokens'),
  tokenScopes: () => get<Items<TokenScope>>('/tokens/scopes'),
  createToken: (body: { name: string; scopes: string[]; expiresInDays: number }) =>
    post<{ token: string; item: ApiToken }>('/tokens', body),
  revokeToken: (tokenId: string) => del(`/tokens/${id(tokenId)}`),

  frameworks: () => get<Items<Framework>>('/frameworks'),
  controls: (filters: Record<string, string>, cursor?: string) =>
    get<ControlPage>(
      `/controls?${new URLSearchParams(
        Object.entries({ ...filters, limit: '100', cursor: cursor ?? '' }).filter(([, v]) => v !== ''),
      )}`,
    ),
  control: (controlId: string) => get<Control>(`/controls/${id(controlId)}`),
  updateControl: (controlId: string, body: ControlEdit) => patch<Control>(`/controls/${id(controlId)}`, body),
  createControl: (body: NewControl) => post<Control>('/controls', body),
  retireControl: (controlId: string, retire: boolean, body: { reason: string; acceptUncovered?: boolean }) =>
    post<Control>(`/controls/${id(controlId)}/${retire ? 'retire' : 'restore'}`, body),
  readiness: () => get<Readiness>('/readiness'),
  notifications: (cursor?: string) =>
    get<NotificationPage>(`/notifications?limit=10${cursor ? `&cursor=${id(cursor)}` : ''}`),
  markNotificationsRead: (notificationId?: string) =>
    post<{ marked: number }>('/notifications/read', notificationId ? { id: notificationId } : {}),
  frameworkReadiness: (frameworkId: string) =>
    get<{ framework: FrameworkReadiness; requirements: RequirementReadiness[] }>(`/readiness/${id(frameworkId)}`),
  controlVersions: (controlId: string) => get<Items<ControlVersion>>(`/controls/${id(controlId)}/versions`),
  coverage: () => get<Coverage>('/coverage'),
  requirements: (frameworkId: string) => get<Items<Requirement>>(`/frameworks/${id(frameworkId)}/requirements`),
  setFrameworkScope: (frameworkId: string, categories: string[]) =>
    put<Framework>(`/frameworks/${id(frameworkId)}/scope`, { categories }),
};
