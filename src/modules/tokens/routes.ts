import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { createToken, listTokens, revokeToken, SCOPE_NAMES, SCOPES } from './service.js';

export function tokenRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/tokens',
      {
        config: { access: { scope: 'tokens:write' } },
        schema: { tags: ['tokens'], summary: 'API tokens (yours; all of them for owners and admins)' },
      },
      async (request) => ({
        items: await request.tenant((tx, actor) => listTokens(tx, actor)),
      }),
    );

    app.get(
      '/tokens/scopes',
      {
        config: { access: { scope: 'tokens:write' } },
        schema: { tags: ['tokens'], summary: 'Scopes a token can have' },
      },
      async () => ({
        items: Object.entries(SCOPES).map(([scope, description]) => ({ scope, description })),
      }),
    );

    app.post(
      '/tokens',
      {
        config: { access: { scope: 'tokens:write' } },
        schema: {
          tags: ['tokens'],
          summary: 'Create an API token (shown once)',
          body: z.object({
            name: z.string().trim().min(1, 'Name the token after where it is used').max(100),
            scopes: z.array(z.enum(SCOPE_NAMES)).min(1, 'Choose at least one scope'),
            expiresInDays: z.coerce.number().int().min(1).max(366).default(30),
          }),
        },
      },
      async (request, reply) => {
        const created = await request.tenant((tx, actor) =>
          createToken(tx, actor, request.body, request.meta, ctx.clock.now()),
        );
        return reply.status(201).header('cache-control', 'no-store').send(created);
      },
    );

    app.delete(
      '/tokens/:id',
      {
        config: { access: { scope: 'tokens:write' } },
        schema: { tags: ['tokens'], summary: 'Revoke an API token', params: z.object({ id: z.uuid() }) },
      },
      async (request, reply) => {
        await request.tenant((tx, actor) => revokeToken(tx, actor, request.params.id, request.meta, ctx.clock.now()));
        return reply.status(204).send();
      },
    );
  };
}
