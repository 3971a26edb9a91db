/**
 * The error catalogue: every error the API answers has a stable code, an HTTP status and a
 * message that tells a person what to do. Routes throw `AppError`; the error plugin turns it
 * into application/problem+json (RFC 9457).
 */
export const ERRORS = {
  bad_request: { status: 400, title: 'The request is not valid' },
  validation_failed: { status: 400, title: 'Some fields are not valid' },
  unauthenticated: { status: 401, title: 'Sign in first' },
  invalid_credentials: { status: 401, title: 'The email or password is wrong' },
  invalid_mfa_code: { status: 401, title: 'The code is wrong or was already used' },
  invalid_token: { status: 401, title: 'The API token is not valid' },
  session_expired: { status: 401, title: 'The session has expired' },
  mfa_required: { status: 403, title: 'Finish signing in with your second factor' },
  mfa_enrolment_required: { status: 403, title: 'Set up two-factor authentication first' },
  csrf_failed: { status: 403, title: 'The request could not be verified' },
  forbidden: { status: 403, title: 'You may not do this' },
  insufficient_scope: { status: 403, title: 'The API token lacks a scope' },
  no_organisation: { status: 403, title: 'Choose an organisation first' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'This conflicts with the current state' },
  gone: { status: 410, title: 'This link is no longer valid' },
  payload_too_large: { status: 413, title: 'The request is too large' },
  unsupported_media_type: { status: 415, title: 'Send JSON' },
  weak_password: { status: 422, title: 'Choose a stronger password' },
  import_invalid: { status: 422, title: 'The file could not be imported' },
  notice_incomplete: { status: 422, title: 'The notice is missing required facts' },
  rate_limited: { status: 429, title: 'Too many attempts' },
  internal: { status: 500, title: 'Something went wrong on our side' },
  unavailable: { status: 503, title: 'Attest is not ready' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly extra: { retryAfterSeconds?: number; errors?: { path: string; message: string }[] } = {},
  ) {
    super(message ?? ERRORS[code].title);
    this.status = ERRORS[code].status;
  }
}

/** The answer for anything the caller may not see: the same as for what does not exist. */
export const notFound = (what = 'This item') =>
  new AppError('not_found', `${what} does not exist, or you may not see it.`);
