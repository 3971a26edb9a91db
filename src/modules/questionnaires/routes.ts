import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';

/** Security questionnaires (import, suggested answers, review, export) and the answer library, under /api/v1. */
export function securityQuestionnaireRoutes(_ctx: AppContext): FastifyPluginAsyncZod {
  return async () => {};
}
