import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { HEALTHS } from '../readiness/derive.js';
import { CONTROL_DOMAINS } from './library.js';
import {
  CONTROL_STATUSES,
  controlVersions,
  createControl,
  getControl,
  listControls,
  seedCoverageOf,
  setRetired,
  updateControl,
} from './service.js';

const editors = ['owner', 'admin'] as const;
const Criteria = z.array(z.string().trim().min(1).max(120)).max(200);
const SeedLines = z.array(z.string().min(1).max(100)).max(100);
const Policies = z.array(z.string().min(1).max(64)).max(30);

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
            health: z.enum(HEALTHS).optional(),
            criterion: z.string().max(120).optional(),
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
      async (request) => request.tenant((tx) => listControls(tx, request.query, ctx.clock.now())),
    );

    app.get(
      '/controls/:id',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags: ['program'], summary: 'One control', params: z.object({ id: z.uuid() }) },
      },
      async (request) => request.tenant((tx) => getControl(tx, request.params.id, ctx.clock.now())),
    );

    app.patch(
      '/controls/:id',
      {
        config: { access: { roles: editors, scope: 'program:write' } },
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
              criteria: Criteria.optional(),
              seedLines: SeedLines.optional(),
              policies: Policies.optional(),
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

    app.post(
      '/controls',
      {
        config: { access: { roles: editors, scope: 'program:write' } },
        schema: {
          tags: ['program'],
          summary: "Add the organisation's own control (audited)",
          body: z
            .object({
              title: z.string().trim().min(3).max(200),
              description: z.string().trim().min(1).max(20_000),
              domain: z.enum(CONTROL_DOMAINS),
              criteria: Criteria.min(1),
              seedLines: SeedLines.optional(),
              policies: Policies.optional(),
              ownerUserId: z.uuid().nullable().optional(),
              status: z.enum(CONTROL_STATUSES).optional(),
              evidence: z
                .array(
                  z.object({
                    title: z.string().trim().min(1).max(200),
                    cadence: z.enum(['once', 'monthly', 'quarterly', 'yearly']),
                  }),
                )
                .max(20)
                .optional(),
            })
            .strict(),
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await request.tenant((tx, actor) => createControl(tx, actor, request.body, request.meta, ctx.clock.now())),
          ),
    );

    for (const [path, retire] of [
      ['retire', true],
      ['restore', false],
    ] as const) {
      app.post(
        `/controls/:id/${path}`,
        {
          config: { access: { roles: editors, scope: 'program:write' } },
          schema: {
            tags: ['program'],
            summary: retire
              ? 'Retire a control (kept with its history; out of coverage and readiness)'
              : 'Bring a retired control back',
            params: z.object({ id: z.uuid() }),
            body: z
              .object({
                reason: z.string().trim().min(3).max(1000),
                acceptUncovered: z.boolean().optional(),
                expectedVersion: z.number().int().min(1).optional(),
              })
              .strict(),
          },
        },
        async (request) =>
          request.tenant((tx, actor) =>
            setRetired(tx, actor, request.params.id, retire, request.body, request.meta, ctx.clock.now()),
          ),
      );
    }

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
      async (request) => ({
        items: await request.tenant((tx) => controlVersions(tx, request.params.id, ctx.clock.now())),
      }),
    );

    app.get(
      '/coverage',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags: ['program'], summary: 'Every seed line with the controls that cover it' },
      },
      async (request) => request.tenant((tx, actor) => seedCoverageOf(tx, actor.orgId, ctx.clock.now())),
    );
  };
}
