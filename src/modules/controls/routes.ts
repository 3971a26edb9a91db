import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import {
  CONTROL_STATUSES,
  controlVersions,
  getControl,
  listControls,
  seedCoverageOf,
  updateControl,
} from './service.js';

export function controlRoutes(ctx: AppContext): FastifyPluginAsyncZod {
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

    app.patch(
      '/controls/:id',
      {
        config: { access: { roles: ['owner', 'admin'], scope: 'program:write' } },
        schema: {
          tags: ['program'],
          summary: 'Change a control (a new version; audited)',
          params: z.object({ id: z.uuid() }),
          body: z
            .object({
              title: z.string().trim().min(3).max(200).optional(),
              description: z.string().trim().min(1).max(20_000).optional(),
              status: z.enum(CONTROL_STATUSES).optional(),
              ownerUserId: z.uuid().nullable().optional(),
              criteria: z.array(z.string().max(16)).max(100).optional(),
              expectedVersion: z.number().int().min(1).optional(),
              reason: z.string().trim().max(1000).optional(),
            })
            .strict(),
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          updateControl(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        ),
    );

    app.get(
      '/controls/:id/versions',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags: ['program'],
          summary: "A control's versions, newest first",
          params: z.object({ id: z.uuid() }),
        },
      },
      async (request) => ({ items: await request.tenant((tx) => controlVersions(tx, request.params.id)) }),
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
