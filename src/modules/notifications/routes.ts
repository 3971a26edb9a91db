import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { listNotifications, markRead } from './service.js';

/** Everyone's own notices; nobody reads another person's. */
export function notificationRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/notifications',
      {
        config: { access: { scope: 'org:read' } },
        schema: {
          tags: ['me'],
          summary: 'Your notifications, newest first',
          querystring: z.object({
            unread: z
              .enum(['true', 'false'])
              .transform((v) => v === 'true')
              .optional(),
            cursor: z.uuid().optional(),
            limit: z.coerce.number().int().min(1).max(100).default(20),
          }),
        },
      },
      async (request) => request.tenant((tx, actor) => listNotifications(tx, actor.userId, request.query)),
    );

    app.post(
      '/notifications/read',
      {
        config: { access: { scope: 'org:read' } },
        schema: {
          tags: ['me'],
          summary: 'Mark your notifications read: one (id) or all',
          body: z.object({ id: z.uuid().optional() }).strict(),
        },
      },
      async (request) => ({
        marked: await request.tenant((tx, actor) => markRead(tx, actor.userId, request.body.id, ctx.clock.now())),
      }),
    );
  };
}
