import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { Schema } from '../../db/schema.js';
import { AppError, notFound } from '../../errors.js';
import { contentDisposition } from '../evidence/routes.js';
import { MANAGERS } from './access.js';
import { exportQuestionnaire } from './export.js';
import { createEntry, deleteEntry, EntryChange, EntryInput, getEntry, listEntries, updateEntry } from './library.js';
import {
  deleteQuestionnaire,
  importQuestionnaire,
  listQuestionnaires,
  questionnaireDetail,
  refreshSuggestions,
} from './questionnaires.js';
import { ReviewInput, reviewItem } from './review.js';
import { MAX_FILE_BYTES, previewOf, readQuestionnaireFile } from './spreadsheet.js';

const tags = ['questionnaires'];
const read = { scope: 'trust:read' };
const manage = { roles: MANAGERS, scope: 'trust:write' };
const idParams = z.object({ id: z.uuid() });
const itemParams = z.object({ id: z.uuid(), itemId: z.uuid() });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An id of another organisation (or none) is not found before the body is validated, so it
 * answers exactly like an unknown one whatever was sent.
 */
function knownId(table: keyof Pick<Schema, 'answer_library_entries' | 'security_questionnaires'>, what: string) {
  return async (request: FastifyRequest) => {
    const id = (request.params as { id?: string }).id ?? '';
    if (!UUID.test(id)) throw notFound(what);
    await request.tenant(async (tx) => {
      const row = await tx.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(what);
    });
  };
}

/** The import's choices, sent as multipart fields before the file. */
const ImportFields = z.object({
  title: z.string().trim().max(200).optional(),
  customer: z.string().trim().max(200).optional(),
  sheet: z.string().max(200).optional(),
  headerRow: z.coerce.number().int().min(0).max(100_000).default(1),
  questionColumn: z.coerce.number().int().min(1).max(16_384),
  answerColumn: z.union([z.literal('new'), z.coerce.number().int().min(1).max(16_384)]),
});
const FIELD_NAMES = Object.keys(ImportFields.shape);

/** The uploaded file, read whole (5 MiB at most), and the fields sent before it. */
async function upload(
  request: FastifyRequest,
): Promise<{ name: string; bytes: Buffer; fields: Record<string, string> }> {
  if (!request.isMultipart()) {
    throw new AppError(
      'unsupported_media_type',
      'Send the questionnaire as multipart/form-data: the fields first, then the file.',
    );
  }
  const part: MultipartFile | undefined = await request.file();
  if (!part) {
    throw new AppError('validation_failed', 'Add the file: a multipart part named "file", after the fields.', {
      errors: [{ path: 'body.file', message: 'a file is required' }],
    });
  }
  let bytes: Buffer;
  try {
    bytes = await part.toBuffer();
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError(
        'payload_too_large',
        'Questionnaire files can be up to 5 MiB. Remove images or extra sheets and try again.',
      );
    }
    throw error;
  }
  const fields: Record<string, string> = {};
  for (const name of FIELD_NAMES) {
    const field = part.fields[name];
    const one = Array.isArray(field) ? field[0] : field;
    if (one && one.type === 'field') fields[name] = String(one.value);
  }
  return { name: part.filename || 'questionnaire', bytes, fields };
}

function importFields(fields: Record<string, string>) {
  const parsed = ImportFields.safeParse(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ path: `body.${i.path.join('.')}`, message: i.message }));
    throw new AppError(
      'validation_failed',
      'Choose the question column and the answer column (a column number, or "new"), and the header row.',
      { errors },
    );
  }
  return parsed.data;
}

/** Security questionnaires (import, suggested answers, review, export) and the answer library, under /api/v1. */
export function securityQuestionnaireRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const now = () => ctx.clock.now();

    app.get(
      '/answer-library',
      {
        config: { access: read },
        schema: {
          tags,
          summary: 'The answer library (the starter library is added on first opening); q ranks by relevance',
          querystring: z.object({
            q: z.string().trim().max(500).optional(),
            tag: z.string().trim().max(40).optional(),
          }),
        },
      },
      async (request) => request.tenant((tx, actor) => listEntries(tx, actor, request.query, request.meta, now())),
    );

    app.post(
      '/answer-library',
      { config: { access: manage }, schema: { tags, summary: 'Add a library entry (audited)', body: EntryInput } },
      async (request, reply) =>
        reply
          .status(201)
          .send(await request.tenant((tx, actor) => createEntry(tx, actor, request.body, request.meta, now()))),
    );

    app.get(
      '/answer-library/owners',
      {
        config: { access: read },
        schema: { tags, summary: 'Members who may own a library entry (everyone but auditors)' },
      },
      async (request) => ({
        items: await request.tenant((tx) =>
          tx
            .selectFrom('memberships as m')
            .innerJoin('users as u', 'u.id', 'm.user_id')
            .select(['u.id', 'u.email', 'u.name'])
            .where('m.role', '<>', 'auditor')
            .orderBy('u.name')
            .execute(),
        ),
      }),
    );

    app.get(
      '/answer-library/:id',
      { config: { access: read }, schema: { tags, summary: 'One library entry', params: idParams } },
      async (request) => request.tenant((tx) => getEntry(tx, request.params.id)),
    );

    app.patch(
      '/answer-library/:id',
      {
        config: { access: manage },
        preValidation: knownId('answer_library_entries', 'This library entry'),
        schema: {
          tags,
          summary: 'Change a library entry (only the fields sent; audited)',
          params: idParams,
          body: EntryChange,
        },
      },
      async (request) =>
        request.tenant((tx, actor) => updateEntry(tx, actor, request.params.id, request.body, request.meta, now())),
    );

    app.delete(
      '/answer-library/:id',
      { config: { access: manage }, schema: { tags, summary: 'Delete a library entry (audited)', params: idParams } },
      async (request, reply) => {
        await request.tenant((tx, actor) => deleteEntry(tx, actor, request.params.id, request.meta, now()));
        return reply.status(204).send();
      },
    );

    app.get(
      '/questionnaires',
      {
        config: { access: read },
        schema: { tags, summary: 'Imported questionnaires, newest first, with review progress' },
      },
      async (request) => ({ items: await request.tenant((tx) => listQuestionnaires(tx)) }),
    );

    app.get(
      '/questionnaires/:id',
      {
        config: { access: read },
        schema: { tags, summary: 'One questionnaire with its questions and suggestions', params: idParams },
      },
      async (request) => request.tenant((tx) => questionnaireDetail(tx, request.params.id)),
    );

    app.put(
      '/questionnaires/:id/items/:itemId',
      {
        config: { access: manage },
        preValidation: knownId('security_questionnaires', 'This questionnaire'),
        schema: {
          tags,
          summary: 'Review a question: accept a suggestion, write an answer, or clear it (grows the library; audited)',
          params: itemParams,
          body: ReviewInput,
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          reviewItem(tx, actor, request.params.id, request.params.itemId, request.body, request.meta, now()),
        ),
    );

    app.post(
      '/questionnaires/:id/suggest',
      {
        config: { access: manage },
        schema: { tags, summary: 'Suggest again for the questions not yet reviewed (audited)', params: idParams },
      },
      async (request) =>
        request.tenant((tx, actor) => refreshSuggestions(tx, actor, request.params.id, request.meta, now())),
    );

    app.post(
      '/questionnaires/:id/export',
      {
        config: { access: manage },
        schema: {
          tags,
          summary:
            'The filled questionnaire in its original format (CSV or XLSX), reviewed answers written in (audited)',
          params: idParams,
        },
      },
      async (request, reply) => {
        const file = await request.tenant((tx, actor) =>
          exportQuestionnaire(tx, ctx, actor, request.params.id, request.meta, now()),
        );
        return reply
          .header('content-type', file.contentType)
          .header('content-disposition', contentDisposition(file.name))
          .header('cache-control', 'private, no-store')
          .send(file.bytes);
      },
    );

    app.delete(
      '/questionnaires/:id',
      {
        config: { access: manage },
        schema: {
          tags,
          summary: 'Delete a questionnaire and its answers (the library keeps what it learned; audited)',
          params: idParams,
        },
      },
      async (request, reply) => {
        await request.tenant((tx, actor) => deleteQuestionnaire(tx, actor, request.params.id, request.meta, now()));
        return reply.status(204).send();
      },
    );

    // Multipart for the two uploads only (their own context): every other route takes JSON alone.
    await app.register(async (plugin) => {
      await plugin.register(multipart, {
        limits: {
          fileSize: MAX_FILE_BYTES,
          files: 1,
          fields: FIELD_NAMES.length,
          fieldSize: 1_000,
          parts: FIELD_NAMES.length + 1,
        },
      });
      const typed = plugin.withTypeProvider<ZodTypeProvider>();

      typed.post(
        '/questionnaires/preview',
        {
          config: { access: manage },
          schema: {
            tags,
            summary:
              'Read a CSV or XLSX questionnaire (multipart, one file, up to 5 MiB) and show its sheets, first rows and a guess of the columns; writes nothing',
            consumes: ['multipart/form-data'],
          },
        },
        async (request) => {
          const file = await upload(request);
          const parsed = await readQuestionnaireFile(file.bytes, file.name);
          return { fileName: file.name, format: parsed.format, sheets: previewOf(parsed) };
        },
      );

      typed.post(
        '/questionnaires',
        {
          config: { access: manage },
          schema: {
            tags,
            summary:
              'Import a questionnaire: multipart/form-data with title, customer, sheet, headerRow, questionColumn, answerColumn (a number or "new"), then the file; suggests an answer for each question (audited)',
            consumes: ['multipart/form-data'],
          },
        },
        async (request, reply) => {
          const file = await upload(request);
          const choice = importFields(file.fields);
          const parsed = await readQuestionnaireFile(file.bytes, file.name);
          const created = await request.tenant((tx, actor) =>
            importQuestionnaire(
              tx,
              ctx,
              actor,
              { name: file.name, bytes: file.bytes, parsed },
              choice,
              request.meta,
              now(),
            ),
          );
          return reply.status(201).send(created);
        },
      );
    });
  };
}
