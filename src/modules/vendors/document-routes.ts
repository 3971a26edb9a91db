import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { openEvidenceBlob } from '../evidence/erase.js';
import { contentDisposition } from '../evidence/routes.js';
import { type VendorActor, WRITERS } from './access.js';
import { addVendorDocument, DOCUMENT_FIELDS, documentFileRow } from './documents.js';
import { vendorRow } from './read.js';

const tags = ['vendors'];
const idParams = z.object({ id: z.uuid() });

function orgActor(request: FastifyRequest): VendorActor {
  const actor = request.actor;
  if (!actor?.orgId) throw new AppError('no_organisation', 'Choose an organisation first.');
  return actor as VendorActor;
}

/**
 * A vendor's documents: the upload (multipart, streamed into the evidence vault on VEN-03) and
 * the download (its owner, owners, admins and auditors).
 */
export function documentRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/vendors/:id/documents/:documentId/file',
      {
        config: { access: { scope: 'risk:read' } },
        schema: {
          tags,
          summary: "A vendor document's file (its owner, owners, admins and auditors)",
          params: z.object({ id: z.uuid(), documentId: z.uuid() }),
        },
      },
      async (request, reply) => {
        const actor = orgActor(request);
        const row = await withScope(ctx.database, { orgId: actor.orgId, userId: actor.userId }, (tx) =>
          documentFileRow(tx, actor, request.params.id, request.params.documentId),
        );
        if (row.erased_at) {
          throw new AppError(
            'gone',
            `This file was erased from the evidence vault on ${row.erased_at.toISOString().slice(0, 10)}; the ledger keeps its hash.`,
          );
        }
        const stream = await openEvidenceBlob(ctx, actor.orgId, row, request.log);
        return reply
          .header('content-type', 'application/octet-stream')
          .header('content-length', String(row.size))
          .header('content-disposition', contentDisposition(row.name))
          .header('cache-control', 'private, no-store')
          .send(stream);
      },
    );

    // Multipart for the upload only (its own context): every other route takes JSON alone.
    await app.register(async (plugin) => {
      await plugin.register(multipart, {
        limits: {
          fileSize: ctx.config.maxUploadBytes,
          files: 1,
          fields: DOCUMENT_FIELDS.length,
          fieldSize: 2_000,
          parts: 6,
        },
      });
      plugin.withTypeProvider<ZodTypeProvider>().post(
        '/vendors/:id/documents',
        {
          config: { access: { roles: WRITERS, scope: 'risk:write' } },
          schema: {
            tags,
            summary:
              'Add a SOC 2 report, ISO 27001 certificate or other document: multipart/form-data with kind, periodStart, periodEnd, note, then the file (evidence of VEN-03)',
            consumes: ['multipart/form-data'],
            params: idParams,
          },
        },
        async (request, reply) => {
          // An unknown vendor (or another organisation's) is not found, whatever was sent.
          await request.tenant((tx) => vendorRow(tx, request.params.id));
          if (!request.isMultipart()) {
            throw new AppError(
              'unsupported_media_type',
              'Send the document as multipart/form-data: the fields first, then the file.',
            );
          }
          const part = await request.file();
          if (!part) {
            throw new AppError('validation_failed', 'Add the file: a multipart part named "file", after the fields.', {
              errors: [{ path: 'body.file', message: 'a file is required' }],
            });
          }
          const fields: Record<string, string> = {};
          for (const name of DOCUMENT_FIELDS) {
            const field = part.fields[name];
            const one = Array.isArray(field) ? field[0] : field;
            if (one && one.type === 'field') fields[name] = String(one.value);
          }
          const document = await addVendorDocument(
            ctx,
            orgActor(request),
            request.params.id,
            fields,
            {
              name: part.filename,
              contentType: part.mimetype,
              stream: part.file,
              truncated: () => part.file.truncated,
            },
            request.meta,
          );
          return reply.status(201).send(document);
        },
      );
    });
  };
}
