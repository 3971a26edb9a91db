/**
 * SCIM answers every error in its own shape (RFC 7644 §3.12), not as problem+json: identity
 * providers read `status` and `scimType`. Everything thrown under /scim/v2 goes through
 * `toScimError`, including what the authentication layer, Fastify and register.ts throw.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../../errors.js';

export const SCIM_MEDIA_TYPE = 'application/scim+json';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** RFC 7644 §3.12, table 9 (the ones we answer). */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers';

export class ScimError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly scimType?: ScimType,
    /** The WWW-Authenticate challenge of a 401 or 403 (RFC 6750 §3). */
    readonly challenge?: string,
  ) {
    super(message);
  }
}

export interface ScimErrorBody {
  schemas: [typeof ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail: string;
}

export const invalidValue = (detail: string) => new ScimError(400, detail, 'invalidValue');
export const invalidSyntax = (detail: string) => new ScimError(400, detail, 'invalidSyntax');
export const invalidFilter = (detail: string) => new ScimError(400, detail, 'invalidFilter');
export const invalidPath = (detail: string) => new ScimError(400, detail, 'invalidPath');
export const noTarget = (detail: string) => new ScimError(400, detail, 'noTarget');
export const uniqueness = (detail: string) => new ScimError(409, detail, 'uniqueness');
export const scimNotFound = (what: string, id: string) =>
  new ScimError(404, `${what} ${id} does not exist, or this token may not see it.`);

const REALM = 'realm="Attest SCIM"';

const STATUS_TYPES: Partial<Record<AppError['code'], ScimType>> = {
  validation_failed: 'invalidValue',
  bad_request: 'invalidSyntax',
  conflict: 'uniqueness',
};

/** What the Fastify layers, the access rules and the register throw, as SCIM errors. */
export function toScimError(error: unknown): ScimError {
  if (error instanceof ScimError) return error;
  if (error instanceof AppError) {
    const challenge =
      error.status === 401
        ? `Bearer ${REALM}, error="invalid_token"`
        : error.code === 'insufficient_scope'
          ? `Bearer ${REALM}, error="insufficient_scope", scope="scim"`
          : undefined;
    return new ScimError(error.status, error.message, STATUS_TYPES[error.code], challenge);
  }
  // A unique index caught a race the checks before it could not (two requests at once).
  if ((error as { code?: unknown }).code === '23505') {
    return uniqueness('Another request has just created the same userName, email or group name. Fetch it instead.');
  }
  const fastifyError = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fastifyError)) {
    const fields = fastifyError.validation.map(
      (v) =>
        `${[fastifyError.validationContext, ...v.instancePath.split('/').filter(Boolean)].join('.')} (${v.message ?? 'is not valid'})`,
    );
    return invalidValue(`Fix these parameters: ${fields.join('; ')}.`);
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ScimError(415, 'Send the body as application/scim+json (or application/json).');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ScimError(
        413,
        "The request body is larger than 4 MiB: send large groups' members in PATCH operations of fewer members.",
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidSyntax('The body is not valid JSON.');
  }
  if (error instanceof SyntaxError) return invalidSyntax(`The body is not valid JSON: ${error.message}`);
  if (fastifyError.statusCode === 429) return new ScimError(429, 'Too many requests. Slow down and try again shortly.');
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new ScimError(fastifyError.statusCode, fastifyError.message);
  }
  return new ScimError(500, 'Something went wrong on our side. Quote the x-request-id header when reporting it.');
}

export function errorBody(error: ScimError): ScimErrorBody {
  return {
    schemas: [ERROR_SCHEMA],
    status: String(error.status),
    ...(error.scimType ? { scimType: error.scimType } : {}),
    detail: error.message,
  };
}

export function sendScimError(request: FastifyRequest, reply: FastifyReply, thrown: unknown): FastifyReply {
  const error = toScimError(thrown);
  if (error.status >= 500) request.log.error({ err: thrown }, 'SCIM request failed');
  if (error.challenge) reply.header('www-authenticate', error.challenge);
  else if (error.status === 401) reply.header('www-authenticate', `Bearer ${REALM}`);
  return reply.status(error.status).type(SCIM_MEDIA_TYPE).send(errorBody(error));
}

export const unauthenticated = (detail: string, invalidToken = false) =>
  new ScimError(401, detail, undefined, invalidToken ? `Bearer ${REALM}, error="invalid_token"` : `Bearer ${REALM}`);

export const forbidden = (detail: string, insufficientScope = false) =>
  new ScimError(
    403,
    detail,
    undefined,
    insufficientScope ? `Bearer ${REALM}, error="insufficient_scope", scope="scim"` : undefined,
  );
