import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { auditWho } from '../tokens/service.js';
import { catalogHrefFor, type ExportKind, exportFileName, exportOscal } from './export.js';
import { importOscal } from './import.js';

/** The NIST 800-53 LOW catalog alone is 1.2 MB: imports get more room than other requests. */
const IMPORT_BODY_LIMIT = 20 * 1024 * 1024;

const OscalDocument = z.record(z.string(), z.unknown());

const catalogHref = (ctx: AppContext, request: FastifyRequest) =>
  catalogHrefFor(ctx.config.publicUrl ?? `${request.protocol}://${request.host}`);

export function oscalRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/frameworks/import',
      {
        bodyLimit: IMPORT_BODY_LIMIT,
        config: { access: { roles: ['owner', 'admin'], scope: 'program:write' } },
        schema: {
          tags: ['program'],
          summary: 'Import an OSCAL catalog, or a profile with the catalog it selects from, as a framework (audited)',
          body: z.object({
            document: OscalDocument.describe('An OSCAL catalog or profile (JSON)'),
            catalog: OscalDocument.optional().describe(
              "The profile's catalog, when it is not imported into the organisation yet",
            ),
          }),
        },
      },
      async (request, reply) => {
        const result = await request.tenant((tx, actor) =>
          importOscal(tx, actor.orgId, auditWho(actor), request.body, request.meta, ctx.clock.now()),
        );
        return reply.status(result.updated ? 200 : 201).send(result);
      },
    );

    const download = (kind: ExportKind, summary: string) =>
      app.get(
        `/oscal/${kind}`,
        {
          config: { access: { roles: ['owner', 'admin', 'auditor'], scope: 'program:read' } },
          schema: { tags: ['program'], summary },
        },
        async (request: FastifyRequest, reply: FastifyReply) => {
          const { doc, slug } = await request.tenant(async (tx, actor) => {
            const org = await tx
              .selectFrom('organizations')
              .select('slug')
              .where('id', '=', actor.orgId)
              .executeTakeFirstOrThrow();
            return {
              doc: await exportOscal(tx, kind, actor.orgId, catalogHref(ctx, request), ctx.clock.now()),
              slug: org.slug,
            };
          });
          return reply
            .type('application/json')
            .header('content-disposition', `attachment; filename="${exportFileName(kind, slug)}"`)
            .send(JSON.stringify(doc, null, 2));
        },
      );

    download('catalog', 'The SOC 2 criteria as an OSCAL catalog (short titles in our own words)');
    download('component-definition', "The organisation's controls as an OSCAL component definition");
    download('ssp', "The organisation's program as an OSCAL system security plan");
  };
}
