import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError, notFound } from '../../errors.js';
import { contentDisposition } from '../evidence/routes.js';
import {
  checkUpload,
  createDocument,
  getDocument,
  listDocuments,
  readDocumentFile,
  updateDocument,
} from './documents.js';
import {
  ApproveBody,
  DenyBody,
  DocumentFields,
  DocumentPatch,
  MANAGERS,
  MAX_DOCUMENT_BYTES,
  NdaBody,
  READERS,
  SettingsBody,
} from './model.js';
import { ensureNda, getSettings, setNda, setSettings } from './nda.js';
import {
  approveRequest,
  denyRequest,
  listDownloads,
  listGrants,
  listRequests,
  revokeGrant,
  sendGrantMail,
} from './requests.js';

export { trustDocumentPublicRoutes } from './public-routes.js';

const tags = ['trust documents'];
const idParams = z.object({ id: z.uuid() });
const read = { roles: READERS, scope: 'trust:read' } as const;
const manage = { roles: MANAGERS, scope: 'trust:write' } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Table = 'trust_documents' | 'trust_document_requests' | 'trust_document_grants';

/**
 * Looks the path's id up in the tenant before the body is validated, so another organisation's
 * id answers exactly like an unknown one whatever was sent.
 */
function knownId(table: Table, what: string) {
  return async (request: FastifyRequest) => {
    const id = (request.params as { id?: string }).id ?? '';
    if (!UUID.test(id)) throw notFound(what);
    await request.tenant(async (tx) => {
      const row = await tx.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(what);
    });
  };
}

const origin = (ctx: AppContext, request: FastifyRequest) =>
  ctx.config.publicUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.host}`;

/** Trust center documents, the NDA, approval rules, requests, grants and downloads, under /api/v1. */
export function trustDocumentAdminRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const now = () => ctx.clock.now();

    app.get(
      '/trust-documents',
      {
        config: { access: read },
        schema: { tags, summary: 'The trust center documents, in display order, with request and download counts' },
      },
      async (request) => request.tenant(async (tx) => ({ items: await listDocuments(tx) })),
    );

    app.get(
      '/trust-documents/nda',
      { config: { access: read }, schema: { tags, summary: 'The NDA in force: version, text and SHA-256' } },
      async (request) => request.tenant((tx, actor) => ensureNda(tx, actor.orgId, now())),
    );

    app.put(
      '/trust-documents/nda',
      {
        config: { access: manage },
        schema: { tags, summary: 'A new version of the NDA (visitors accept the newest)', body: NdaBody },
      },
      async (request) => request.tenant((tx, actor) => setNda(tx, actor, request.body, request.meta, now())),
    );

    app.get(
      '/trust-documents/settings',
      {
        config: { access: read },
        schema: { tags, summary: 'Approval rules (email domains approved at once) and how long a grant lasts' },
      },
      async (request) => request.tenant((tx) => getSettings(tx)),
    );

    app.put(
      '/trust-documents/settings',
      {
        config: { access: manage },
        schema: { tags, summary: 'Set the approval rules and the grant length in days', body: SettingsBody },
      },
      async (request) => request.tenant((tx, actor) => setSettings(tx, actor, request.body, request.meta, now())),
    );

    app.get(
      '/trust-documents/requests',
      {
        config: { access: read },
        schema: {
          tags,
          summary: "Visitors' requests, newest first, with the NDA they accepted and the grant, if any",
          querystring: z.object({ status: z.enum(['pending', 'approved', 'denied']).optional() }),
        },
      },
      async (request) =>
        request.tenant(async (tx) => ({ items: await listRequests(tx, now(), { status: request.query.status }) })),
    );

    app.post(
      '/trust-documents/requests/:id/approve',
      {
        config: { access: manage },
        preValidation: knownId('trust_document_requests', 'This request'),
        schema: {
          tags,
          summary:
            'Approve a pending request: a grant, and its time-limited link by email (in the answer when mail is off)',
          params: idParams,
          body: ApproveBody,
        },
      },
      async (request) => {
        const result = await request.tenant((tx, actor) =>
          approveRequest(
            tx,
            ctx,
            actor,
            request.params.id,
            request.body.expiresInDays,
            request.meta,
            origin(ctx, request),
            now(),
          ),
        );
        const emailed = await sendGrantMail(ctx, result.mail);
        return { request: result.request, emailed, link: result.link };
      },
    );

    app.post(
      '/trust-documents/requests/:id/deny',
      {
        config: { access: manage },
        preValidation: knownId('trust_document_requests', 'This request'),
        schema: { tags, summary: 'Deny a pending request', params: idParams, body: DenyBody },
      },
      async (request) =>
        request.tenant((tx, actor) => denyRequest(tx, actor, request.params.id, request.body, request.meta, now())),
    );

    app.get(
      '/trust-documents/grants',
      {
        config: { access: read },
        schema: { tags, summary: 'Grants: who may download what until when, and how often they did' },
      },
      async (request) => request.tenant(async (tx) => ({ items: await listGrants(tx, now()) })),
    );

    app.post(
      '/trust-documents/grants/:id/revoke',
      {
        config: { access: manage },
        schema: { tags, summary: 'Revoke a grant: its link answers 410 from now on', params: idParams },
      },
      async (request) => request.tenant((tx, actor) => revokeGrant(tx, actor, request.params.id, request.meta, now())),
    );

    app.get(
      '/trust-documents/downloads',
      {
        config: { access: read },
        schema: { tags, summary: 'Every download, newest first: document, grant and email, time, address, browser' },
      },
      async (request) => request.tenant(async (tx) => ({ items: await listDownloads(tx) })),
    );

    app.get(
      '/trust-documents/:id',
      { config: { access: read }, schema: { tags, summary: 'One document', params: idParams } },
      async (request) => request.tenant((tx) => getDocument(tx, request.params.id)),
    );

    app.patch(
      '/trust-documents/:id',
      {
        config: { access: manage },
        preValidation: knownId('trust_documents', 'This document'),
        schema: {
          tags,
          summary: 'Change the title, description, access (public, request, hidden) or display order',
          params: idParams,
          body: DocumentPatch,
        },
      },
      async (request) =>
        request.tenant((tx, actor) => updateDocument(tx, actor, request.params.id, request.body, request.meta, now())),
    );

    app.get(
      '/trust-documents/:id/file',
      {
        config: { access: read },
        schema: { tags, summary: 'The original file, without a watermark', params: idParams },
      },
      async (request, reply) => {
        const file = await request.tenant((tx, actor) => readDocumentFile(ctx, tx, actor.orgId, request.params.id));
        return reply
          .header('content-type', 'application/octet-stream')
          .header('content-length', String(file.bytes.length))
          .header('content-disposition', contentDisposition(file.name))
          .header('cache-control', 'private, no-store')
          .send(file.bytes);
      },
    );

    // Multipart for the upload only (its own context): every other route takes JSON alone.
    await app.register(async (plugin) => {
      const fields = Object.keys(DocumentFields.shape);
      await plugin.register(multipart, {
        limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: fields.length, fieldSize: 4_000, parts: 6 },
      });
      plugin.withTypeProvider<ZodTypeProvider>().post(
        '/trust-documents',
        {
          config: { access: manage },
          schema: {
            tags,
            summary:
              'Add a document: multipart/form-data with title, description, access (public, request, hidden), position, then the file (request needs a PDF)',
            consumes: ['multipart/form-data'],
          },
        },
        async (request, reply) => {
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
          const values: Record<string, string> = {};
          for (const name of fields) {
            const field = part.fields[name];
            const one = Array.isArray(field) ? field[0] : field;
            if (one && one.type === 'field') values[name] = String(one.value);
          }
          let bytes: Buffer;
          try {
            bytes = await part.toBuffer();
          } catch (error) {
            if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
              throw new AppError('payload_too_large', 'Documents can be up to 20 MiB. Upload a smaller file.');
            }
            throw error;
          }
          const upload = await checkUpload(values, part.filename, part.mimetype, bytes);
          const document = await request.tenant((tx, actor) =>
            createDocument(tx, ctx, actor, upload, bytes, request.meta, now()),
          );
          return reply.status(201).send(document);
        },
      );
    });
  };
}
