import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';

/** Audits and the auditor portal (scope, status over the window, evidence, populations, requests), under /api/v1. */
export function auditPortalRoutes(_ctx: AppContext): FastifyPluginAsyncZod {
  return async () => {};
}
