import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { frameworkReadiness, readiness } from './service.js';

const REQUIREMENT_STATUSES = ['met', 'failing', 'in_progress', 'gap', 'not_applicable'] as const;

/** Readiness is read by everyone who reads the program; it is derived, so nothing here writes. */
export function readinessRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/readiness',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags: ['program'],
          summary: 'Readiness per adopted framework, control health counts, controls needing attention, trend',
          querystring: z.object({ trendDays: z.coerce.number().int().min(0).max(730).default(90) }),
        },
      },
      async (request) => request.tenant((tx) => readiness(tx, ctx.clock.now(), request.query.trendDays)),
    );

    app.get(
      '/readiness/:frameworkId',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags: ['program'],
          summary: "One framework's requirements with the controls meeting each and their health",
          params: z.object({ frameworkId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/) }),
          querystring: z.object({
            category: z.string().max(64).optional(),
            status: z.enum(REQUIREMENT_STATUSES).optional(),
            inScope: z
              .enum(['true', 'false'])
              .transform((v) => v === 'true')
              .optional(),
          }),
        },
      },
      async (request) =>
        request.tenant((tx) => frameworkReadiness(tx, request.params.frameworkId, ctx.clock.now(), request.query)),
    );
  };
}
