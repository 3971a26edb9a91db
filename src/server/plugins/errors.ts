import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, ERRORS, type ErrorCode } from '../../errors.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId: string;
  errors?: { path: string; message: string }[];
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const body: Problem = {
    type: `https://attest.dev/problems/${error.code}`,
    title: ERRORS[error.code].title,
    status: error.status,
    detail: error.message,
    code: error.code,
    requestId: String(request.id),
    ...(error.extra.errors ? { errors: error.extra.errors } : {}),
  };
  if (error.extra.retryAfterSeconds) reply.header('retry-after', String(error.extra.retryAfterSeconds));
  return reply.status(error.status).type('application/problem+json').send(body);
}

/** Maps what Fastify and its plugins throw to our catalogue. */
function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((v) => ({
      path: [error.validationContext, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'is not valid',
    }));
    return new AppError(
      'validation_failed',
      `Fix these fields: ${errors.map((e) => `${e.path} (${e.message})`).join('; ')}.`,
      { errors },
    );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'Send the body as application/json.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(
        'payload_too_large',
        'The request body is larger than allowed (a monitoring push: ATTEST_MAX_PUSH_BYTES, 100 MiB by default). Split the file by account or scanner, or raise the limit.',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('bad_request', 'The body is not valid JSON.');
  }
  if (error.statusCode === 429)
    return new AppError('rate_limited', 'Too many requests. Slow down and try again shortly.');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('bad_request', error.message);
  }
  return new AppError('internal', `Something went wrong on our side. Quote request id when reporting it.`);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new AppError('not_found', `There is no ${request.method} ${request.url.split('?')[0]}.`),
    ),
  );
}
