import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';

/** Trust center documents, the NDA, approval rules, requests, grants and downloads, under /api/v1. */
export function trustDocumentAdminRoutes(_ctx: AppContext): FastifyPluginAsyncZod {
  return async () => {};
}

/** A visitor's document request form, its answer and the time-limited download, at the root (/trust/:slug/documents/…). */
export function trustDocumentPublicRoutes(_ctx: AppContext): FastifyPluginAsyncZod {
  return async () => {};
}
