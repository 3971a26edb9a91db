import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { CONTROL_STATUSES, getControl, listControls, seedCoverageOf } from './service.js';

export function controlRoutes(_ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/controls',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags: ['program'],
          summary: 'Controls, by key (filter by domain, status, criterion, seed line or text)',
          querystring: z.object({
            domain: z.string().max(64).optional(),
            status: z.enum(CONTROL_STATUSES).optional(),
            criterion: z.string().max(16).optional(),
            seedLine: z.string().max(100).optional(),
            q: z.string().max(200).optional(),
            includeRetired: z
              .enum(['true', 'false'])
              .transform((v) => v === 'true')
              .optional(),
            cursor: z.string().max(64).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
        },
      },
      async (request) => request.tenant((tx) => listControls(tx, request.query)),
    );

    app.get(
      '/controls/:id',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags: ['program'], summary: 'One control', params: z.object({ id: z.uuid() }) },
      },
      async (request) => request.tenant((tx) => getControl(tx, request.params.id)),
    );

    app.get(
      '/coverage',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags: ['program'], summary: 'Every seed line with the controls that cover it' },
      },
      async (request) => request.tenant((tx, actor) => seedCoverageOf(tx, actor.orgId)),
    );
  };
}
