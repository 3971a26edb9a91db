import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { auditWho } from '../tokens/service.js';
import { eraseEvidenceAndFile, evidenceFile } from './erase.js';
import { getEvidence, listEvidence } from './list.js';
import type { EvidenceActor } from './service.js';
import { addEvidence, type EvidenceFields } from './upload.js';

/** Auditors read everything and write nothing; members and reviewers add to what is theirs. */
const ADDERS = ['owner', 'admin', 'member', 'reviewer'] as const;
const EXPORTERS = ['owner', 'admin', 'auditor'] as const;

const idParams = z.object({ id: z.uuid() });
const when = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
const FIELDS = ['controlId', 'taskId', 'effectiveFrom', 'effectiveTo', 'note'] as const;

/** The access layer has checked the route's roles and that there is an organisation. */
function orgActor(request: FastifyRequest): EvidenceActor {
  const actor = request.actor;
  if (!actor?.orgId) throw new AppError('no_organisation', 'Choose an organisation first.');
  return actor as EvidenceActor;
}

/** `filename*` carries the real name; the plain `filename` an ASCII stand-in for old clients. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * The evidence vault: upload (multipart, streamed and encrypted), list with ledger state,
 * download (streamed, decrypted), erase (owners), and export as a verifiable bundle.
 */
export function evidenceRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/evidence',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags: ['evidence'],
          summary: 'Evidence you may see, newest ledger entry first, with its ledger index and verified state',
          querystring: z.object({
            controlId: z.uuid().optional(),
            taskId: z.uuid().optional(),
            q: z.string().max(200).optional(),
            from: when.optional(),
            to: when.optional(),
            erased: z
              .enum(['true', 'false'])
              .transform((v) => v === 'true')
              .optional(),
            cursor: z.string().max(200).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
        },
      },
      async (request) => request.tenant((tx, actor) => listEvidence(tx, ctx, actor, request.query)),
    );

    app.get(
      '/evidence/:id',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags: ['evidence'], summary: 'One evidence item', params: idParams },
      },
      async (request) => request.tenant((tx, actor) => getEvidence(tx, ctx, actor, request.params.id)),
    );

    app.get(
      '/evidence/:id/download',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags: ['evidence'], summary: 'The evidence file, decrypted and streamed', params: idParams },
      },
      async (request, reply) => {
        const file = await evidenceFile(ctx, orgActor(request), request.params.id, request.log);
        // Always a download, never rendered in our origin, whatever the uploader said it was.
        return reply
          .header('content-type', 'application/octet-stream')
          .header('content-length', String(file.size))
          .header('content-disposition', contentDisposition(file.name))
          .header('cache-control', 'private, no-store')
          .send(file.stream);
      },
    );

    app.delete(
      '/evidence/:id',
      {
        config: { access: { roles: ['owner'], scope: 'program:write' } },
        schema: {
          tags: ['evidence'],
          summary: 'Erase evidence (owners): deletes the file; the ledger keeps its hash and records the erasure',
          params: idParams,
          body: z.object({ reason: z.string().trim().min(3).max(1000) }).strict(),
        },
      },
      async (request) =>
        eraseEvidenceAndFile(ctx, orgActor(request), request.params.id, request.body.reason, request.meta),
    );

    app.post(
      '/evidence/export',
      {
        config: { access: { roles: EXPORTERS, scope: 'program:read' } },
        schema: {
          tags: ['evidence'],
          summary:
            'A zip bundle of the evidence effective in [from, to): files, manifest, inclusion and consistency proofs, signed checkpoint, key',
          body: z.object({ from: when.optional(), to: when.optional() }).strict(),
        },
      },
      async (request, reply) => {
        const actor = orgActor(request);
        const { exportBundle } = await import('./bundle.js');
        const bundle = await exportBundle(ctx, actor.orgId, auditWho(actor), request.meta, {
          from: request.body.from,
          to: request.body.to,
        });
        return reply
          .header('content-type', 'application/zip')
          .header('content-disposition', contentDisposition(bundle.fileName))
          .header('cache-control', 'private, no-store')
          .send(bundle.stream);
      },
    );

    // Multipart for this route only (its own context): every other route takes JSON alone.
    await app.register(async (plugin) => {
      await plugin.register(multipart, {
        limits: { fileSize: ctx.config.maxUploadBytes, files: 1, fields: FIELDS.length, fieldSize: 10_000, parts: 8 },
      });
      plugin.withTypeProvider<ZodTypeProvider>().post(
        '/evidence',
        {
          config: { access: { roles: ADDERS, scope: 'program:write' } },
          schema: {
            tags: ['evidence'],
            summary:
              'Add evidence: multipart/form-data with the fields (controlId or taskId, effectiveFrom, effectiveTo, note) before one file part; streamed, encrypted, committed to the ledger',
            consumes: ['multipart/form-data'],
          },
        },
        async (request, reply) => {
          if (!request.isMultipart()) {
            throw new AppError(
              'unsupported_media_type',
              'Send the evidence as multipart/form-data: the fields first, then the file.',
            );
          }
          const part = await request.file();
          if (!part) {
            throw new AppError('validation_failed', 'Add the file: a multipart part named "file", after the fields.', {
              errors: [{ path: 'body.file', message: 'a file is required' }],
            });
          }
          const fields: EvidenceFields = {};
          for (const name of FIELDS) {
            const field = part.fields[name];
            const one = Array.isArray(field) ? field[0] : field;
            if (one && one.type === 'field') fields[name] = String(one.value);
          }
          const item = await addEvidence(
            ctx,
            orgActor(request),
            fields,
            {
              name: part.filename,
              contentType: part.mimetype,
              stream: part.file,
              truncated: () => part.file.truncated,
            },
            request.meta,
          );
          return reply.status(201).send(item);
        },
      );
    });
  };
}
