import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { openEvidenceBlob } from '../evidence/erase.js';
import { contentDisposition } from '../evidence/routes.js';
import { addEvidence } from '../evidence/upload.js';
import {
  type AgreementActor,
  agreementTemplate,
  CONTROL_KEY,
  DEFAULT_TITLE,
  MANAGERS,
  organisationName,
  READERS,
  SIGNERS,
} from './service.js';
import { signAgreement } from './sign.js';
import { listSignatures, myAgreement, signatureFileRow } from './signatures.js';
import { recordSignedCopy } from './signed-copy.js';
import { checkTitle, getVersion, listVersions, publishUploaded, publishWritten, versionFileRow } from './versions.js';

const idParams = z.object({ id: z.uuid() });
const Sha256 = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F]{64}$/, 'a SHA-256 in hexadecimal');

function orgActor(request: FastifyRequest): AgreementActor {
  const actor = request.actor;
  if (!actor?.orgId) throw new AppError('no_organisation', 'Choose an organisation first.');
  return actor as AgreementActor;
}

/** The text fields sent before the file part. */
function fieldsOf(part: MultipartFile, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const field = part.fields[name];
    const one = Array.isArray(field) ? field[0] : field;
    if (one && one.type === 'field') out[name] = String(one.value);
  }
  return out;
}

async function filePart(request: FastifyRequest, what: string): Promise<MultipartFile> {
  if (!request.isMultipart()) {
    throw new AppError(
      'unsupported_media_type',
      `Send ${what} as multipart/form-data: the fields first, then the file.`,
    );
  }
  const part = await request.file();
  if (!part) {
    throw new AppError('validation_failed', 'Add the file: a multipart part named "file", after the fields.', {
      errors: [{ path: 'body.file', message: 'a file is required' }],
    });
  }
  return part;
}

/**
 * The confidentiality agreement: everyone reads the current version and signs it; owners and
 * admins publish versions (written or uploaded) and record copies signed elsewhere; owners,
 * admins and auditors see who signed. Signing needs a person's own session: API tokens cannot
 * sign on anyone's behalf.
 */
export function agreementRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  /** Streams an evidence file as a download, after the lookup's transaction has ended. */
  const sendEvidence = async (
    reply: FastifyReply,
    request: FastifyRequest,
    row: { id: string; name: string; size: string | number; blob_key: string; erased_at: Date | null },
  ) => {
    if (row.erased_at) {
      throw new AppError(
        'gone',
        `This file was erased from the evidence vault on ${row.erased_at.toISOString().slice(0, 10)}; the ledger keeps its hash.`,
      );
    }
    const stream = await openEvidenceBlob(ctx, orgActor(request).orgId, row, request.log);
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(row.size))
      .header('content-disposition', contentDisposition(row.name))
      .header('cache-control', 'private, no-store')
      .send(stream);
  };

  return async (app) => {
    app.get(
      '/agreement',
      {
        config: { access: { scope: 'people:read' } },
        schema: {
          tags: ['people'],
          summary:
            'The current confidentiality agreement (its whole text, or its file) with its SHA-256, and your signatures of it',
        },
      },
      async (request) => request.tenant((tx, actor) => myAgreement(tx, actor, ctx.clock.now())),
    );

    app.get(
      '/agreement/template',
      {
        config: { access: { roles: MANAGERS, scope: 'people:read' } },
        schema: {
          tags: ['people'],
          summary: 'The default agreement, in our words, for your organisation to start from',
        },
      },
      async (request) =>
        request.tenant(async (tx, actor) => agreementTemplate(await organisationName(tx, actor.orgId))),
    );

    app.get(
      '/agreement/versions',
      {
        config: { access: { roles: READERS, scope: 'people:read' } },
        schema: { tags: ['people'], summary: 'Every published version, newest first (without their texts)' },
      },
      async (request) => ({ items: await request.tenant((tx) => listVersions(tx)) }),
    );

    app.get(
      '/agreement/versions/:id',
      {
        config: { access: { scope: 'people:read' } },
        schema: { tags: ['people'], summary: 'One published version, with its text', params: idParams },
      },
      async (request) => request.tenant((tx) => getVersion(tx, request.params.id)),
    );

    app.get(
      '/agreement/versions/:id/file',
      {
        config: { access: { scope: 'people:read' } },
        schema: { tags: ['people'], summary: "An uploaded version's file, to read before signing", params: idParams },
      },
      async (request, reply) =>
        sendEvidence(reply, request, await request.tenant((tx) => versionFileRow(tx, request.params.id))),
    );

    app.post(
      '/agreement/versions',
      {
        config: { access: { roles: MANAGERS, scope: 'people:write' } },
        schema: {
          tags: ['people'],
          summary: 'Publish a written version (title and Markdown; its hash is the SHA-256 of the text; audited)',
          body: z.object({ title: z.string().max(200), body: z.string().max(100_000) }).strict(),
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await request.tenant((tx, actor) => publishWritten(tx, actor, request.body, request.meta, ctx.clock.now())),
          ),
    );

    app.get(
      '/agreement/signatures',
      {
        config: { access: { roles: READERS, scope: 'people:read' } },
        schema: {
          tags: ['people'],
          summary:
            'Every active or upcoming person with their newest signature; unsigned=true: those yet to sign the current version',
          querystring: z.object({
            unsigned: z
              .enum(['true', 'false'])
              .transform((v) => v === 'true')
              .optional(),
            q: z.string().max(200).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
          }),
        },
      },
      async (request) => request.tenant((tx) => listSignatures(tx, ctx.clock.now(), request.query)),
    );

    app.post(
      '/agreement/signatures',
      {
        // No token scope: a signature is the person's own act, in their own session.
        config: { access: { roles: SIGNERS } },
        schema: {
          tags: ['people'],
          summary:
            'Sign the current version: its id, the SHA-256 you were shown, your typed full name and confirm=true. Makes a signed PDF kept as evidence',
          body: z
            .object({
              agreementId: z.uuid(),
              documentSha256: Sha256,
              typedName: z.string().max(200),
              confirm: z.literal(true, { error: 'Tick the box to confirm that you agree' }),
            })
            .strict(),
        },
      },
      async (request, reply) =>
        reply.status(201).send(await signAgreement(ctx, orgActor(request), request.body, request.meta)),
    );

    app.get(
      '/agreement/signatures/:id/file',
      {
        config: { access: { scope: 'people:read' } },
        schema: {
          tags: ['people'],
          summary: 'The signed PDF or uploaded copy (yours; anyone’s for owners, admins and auditors)',
          params: idParams,
        },
      },
      async (request, reply) => {
        const actor = orgActor(request);
        const row = await withScope(ctx.database, { orgId: actor.orgId, userId: actor.userId }, (tx) =>
          signatureFileRow(tx, actor, request.params.id, ctx.clock.now()),
        );
        return sendEvidence(reply, request, row);
      },
    );

    // Multipart for these two routes only (their own context): every other route takes JSON alone.
    await app.register(async (plugin) => {
      await plugin.register(multipart, {
        limits: { fileSize: ctx.config.maxUploadBytes, files: 1, fields: 2, fieldSize: 1_000, parts: 4 },
      });
      const typed = plugin.withTypeProvider<ZodTypeProvider>();

      typed.post(
        '/agreement/versions/file',
        {
          config: { access: { roles: MANAGERS, scope: 'people:write' } },
          schema: {
            tags: ['people'],
            summary:
              'Publish an uploaded version: multipart/form-data with title, then the file (kept as PEO-02 evidence; its hash is the file’s; audited)',
            consumes: ['multipart/form-data'],
          },
        },
        async (request, reply) => {
          const actor = orgActor(request);
          const part = await filePart(request, 'the agreement');
          let title: string;
          try {
            title = checkTitle(fieldsOf(part, ['title']).title ?? DEFAULT_TITLE);
          } catch (error) {
            part.file.resume();
            throw error;
          }
          const file = await addEvidence(
            ctx,
            actor,
            { controlId: CONTROL_KEY, note: `${title}: the file people sign.` },
            {
              name: part.filename,
              contentType: part.mimetype,
              stream: part.file,
              truncated: () => part.file.truncated,
            },
            request.meta,
          );
          const version = await request.tenant((tx) =>
            publishUploaded(tx, actor, title, file, request.meta, ctx.clock.now()),
          );
          return reply.status(201).send(version);
        },
      );

      typed.post(
        '/agreement/signatures/file',
        {
          config: { access: { roles: MANAGERS, scope: 'people:write' } },
          schema: {
            tags: ['people'],
            summary:
              'Record a copy of the current version signed elsewhere: multipart/form-data with personId and signedOn (YYYY-MM-DD), then the file (audited)',
            consumes: ['multipart/form-data'],
          },
        },
        async (request, reply) => {
          const part = await filePart(request, 'the signed copy');
          const signature = await recordSignedCopy(
            ctx,
            orgActor(request),
            fieldsOf(part, ['personId', 'signedOn']),
            {
              name: part.filename,
              contentType: part.mimetype,
              stream: part.file,
              truncated: () => part.file.truncated,
            },
            request.meta,
          );
          return reply.status(201).send(signature);
        },
      );
    });
  };
}
