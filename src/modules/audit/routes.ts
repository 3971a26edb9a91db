import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { auditWho } from '../tokens/service.js';
import { exportAuditCsv, listAudit, listAuditActions, recordAudit } from './service.js';

const readers = ['owner', 'admin'] as const;

const Filter = z.object({
  action: z.string().max(100).optional(),
  actor: z.string().max(320).optional(),
  targetId: z.string().max(200).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function auditRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/audit',
      {
        config: { access: { roles: readers, scope: 'audit:read' } },
        schema: { tags: ['audit'], summary: 'The audit log, newest first', querystring: Filter },
      },
      async (request) => request.tenant((tx) => listAudit(tx, request.query)),
    );

    app.get(
      '/audit/actions',
      {
        config: { access: { roles: readers, scope: 'audit:read' } },
        schema: { tags: ['audit'], summary: 'Actions present in the log' },
      },
      async (request) => ({
        items: await request.tenant((tx) => listAuditActions(tx)),
      }),
    );

    app.get(
      '/audit/export.csv',
      {
        config: { access: { roles: readers, scope: 'audit:read' } },
        schema: {
          tags: ['audit'],
          summary: 'The audit log as CSV (same filters)',
          querystring: Filter.omit({ cursor: true, limit: true }),
        },
      },
      async (request, reply) => {
        // The export itself is an audited read; rows are paged so memory stays flat.
        const body = await request.tenant(async (tx, actor) => {
          const { csv, rows } = await exportAuditCsv(tx, request.query);
          await recordAudit(tx, actor.orgId, auditWho(actor), request.meta, ctx.clock.now(), {
            action: 'audit.exported',
            details: { filters: request.query, rows },
          });
          return csv;
        });
        const stamp = ctx.clock.now().toISOString().slice(0, 10);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="attest-audit-${stamp}.csv"`)
          .send(body);
      },
    );
  };
}
