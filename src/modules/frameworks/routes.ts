import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { auditWho } from '../tokens/service.js';
import { deleteFramework, listFrameworks, listRequirements, setFrameworkScope } from './service.js';

const FrameworkParam = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'a framework id such as soc2-2017'),
});

export function frameworkRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/frameworks',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags: ['program'], summary: 'Frameworks and the categories in scope' },
      },
      async (request) => ({ items: await request.tenant((tx) => listFrameworks(tx)) }),
    );

    app.get(
      '/frameworks/:id/requirements',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags: ['program'],
          summary: "A framework's criteria (filter by category, scope or text)",
          params: FrameworkParam,
          querystring: z.object({
            category: z.string().max(64).optional(),
            inScope: z
              .enum(['true', 'false'])
              .transform((v) => v === 'true')
              .optional(),
            q: z.string().max(200).optional(),
          }),
        },
      },
      async (request) => ({
        items: await request.tenant((tx) => listRequirements(tx, request.params.id, request.query)),
      }),
    );

    app.put(
      '/frameworks/:id/scope',
      {
        config: { access: { roles: ['owner', 'admin'], scope: 'program:write' } },
        schema: {
          tags: ['program'],
          summary: 'Choose the categories in scope (required ones always stay)',
          params: FrameworkParam,
          body: z.object({ categories: z.array(z.string().max(64)).max(32) }),
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          setFrameworkScope(tx, actor, request.params.id, request.body.categories, request.meta, ctx.clock.now()),
        ),
    );

    app.delete(
      '/frameworks/:id',
      {
        config: { access: { roles: ['owner', 'admin'], scope: 'program:write' } },
        schema: {
          tags: ['program'],
          summary: 'Delete a framework imported from OSCAL (built-in ones stay; audited)',
          params: FrameworkParam,
        },
      },
      async (request, reply) => {
        await request.tenant((tx, actor) =>
          deleteFramework(tx, actor.orgId, auditWho(actor), request.params.id, request.meta, ctx.clock.now()),
        );
        return reply.status(204).send();
      },
    );
  };
}
