import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';

/** The trust center's settings, preview and publishing, under /api/v1 (owners and admins). */
export function trustAdminRoutes(_ctx: AppContext): FastifyPluginAsyncZod {
  return async () => {};
}

/** The published trust center (/trust/:slug, .json), security.txt and custom host names, at the root. */
export function trustPublicRoutes(_ctx: AppContext): FastifyPluginAsyncZod {
  return async () => {};
}
