import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { evidenceFile } from '../evidence/erase.js';
import { contentDisposition } from '../evidence/routes.js';
import { updateFinding } from './finding-update.js';
import { createFinding, deleteFinding, findingsOf } from './findings.js';
import { latestAssessments } from './latest.js';
import {
  AssessmentChange,
  FINDING_STATUSES,
  FindingChange,
  KINDS,
  MANAGERS,
  NewAssessment,
  NewFinding,
  type OrgActor,
  STATUSES,
} from './model.js';
import { linkExistingReport, reportIdOf, uploadReport } from './report.js';
import {
  assessmentDetail,
  createAssessment,
  deleteAssessment,
  getAssessment,
  listAssessments,
  updateAssessment,
} from './service.js';

const READ = { scope: 'risk:read' } as const;
const MANAGE = { roles: MANAGERS, scope: 'risk:write' } as const;
/** A finding's owner may update it; auditors never write. */
const DOERS = { roles: ['owner', 'admin', 'member', 'reviewer'], scope: 'risk:write' } as const;
/** Reports are confidential: owners, admins and auditors download them. */
const REPORT_READERS = { roles: ['owner', 'admin', 'auditor'], scope: 'risk:read' } as const;

const idParams = z.object({ id: z.uuid() });
const findingParams = z.object({ id: z.uuid(), findingId: z.uuid() });
const flag = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();
const TAGS = ['assessments'];

function orgActor(request: FastifyRequest): OrgActor {
  const actor = request.actor;
  if (!actor?.orgId) throw new AppError('no_organisation', 'Choose an organisation first.');
  return actor as OrgActor;
}

/** Evidence files are always a download, never rendered in our origin. */
function sendFile(reply: FastifyReply, file: { name: string; size: number; stream: import('node:stream').Readable }) {
  return reply
    .header('content-type', 'application/octet-stream')
    .header('content-length', String(file.size))
    .header('content-disposition', contentDisposition(file.name))
    .header('cache-control', 'private, no-store')
    .send(file.stream);
}

/**
 * The assessment register: penetration tests, vulnerability assessments and audits with their
 * reports and findings. Everyone reads it; owners and admins change it; a finding's owner
 * updates their finding. Tokens: risk:read / risk:write.
 */
export function assessmentRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/assessments',
      {
        config: { access: READ },
        schema: {
          tags: TAGS,
          summary: 'The assessment register, newest first, with counts of findings',
          querystring: z.object({
            kind: z.enum(KINDS).optional(),
            status: z.enum(STATUSES).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
          }),
        },
      },
      async (request) => request.tenant((tx) => listAssessments(tx, request.query, ctx.clock.now())),
    );

    app.get(
      '/assessments/latest',
      {
        config: { access: READ },
        schema: {
          tags: TAGS,
          summary:
            'The date of the latest completed penetration test, vulnerability assessment and SOC 2 audit, with the assessor: dates only, for customers who ask',
        },
      },
      async (request) => ({ items: await request.tenant((tx) => latestAssessments(tx)) }),
    );

    app.get(
      '/assessments/findings',
      {
        config: { access: READ },
        schema: {
          tags: TAGS,
          summary: 'Findings across the register (yours with mine=true, by status, past due), soonest due first',
          querystring: z.object({ mine: flag, status: z.enum(FINDING_STATUSES).optional(), overdue: flag }),
        },
      },
      async (request) => ({
        items: await request.tenant((tx, actor) => findingsOf(tx, actor, request.query, ctx.clock.now())),
      }),
    );

    app.post(
      '/assessments',
      {
        config: { access: MANAGE },
        schema: {
          tags: TAGS,
          summary: 'Record an assessment: kind, title, assessor, dates, scope, status (audited)',
          body: NewAssessment,
        },
      },
      async (request, reply) => {
        const created = await request.tenant((tx, actor) =>
          createAssessment(tx, actor, request.body, request.meta, ctx.clock.now()),
        );
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/assessments/:id',
      {
        config: { access: READ },
        schema: { tags: TAGS, summary: 'One assessment with its findings', params: idParams },
      },
      async (request) => request.tenant((tx, actor) => assessmentDetail(tx, actor, request.params.id, ctx.clock.now())),
    );

    app.patch(
      '/assessments/:id',
      {
        config: { access: MANAGE },
        schema: {
          tags: TAGS,
          summary: 'Change an assessment (only the fields sent; audited)',
          params: idParams,
          body: AssessmentChange,
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          updateAssessment(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        ),
    );

    app.delete(
      '/assessments/:id',
      {
        config: { access: MANAGE },
        schema: {
          tags: TAGS,
          summary: 'Delete an assessment and its findings (its report stays in the evidence vault; audited)',
          params: idParams,
        },
      },
      async (request, reply) => {
        await request.tenant((tx, actor) =>
          deleteAssessment(tx, actor, request.params.id, request.meta, ctx.clock.now()),
        );
        return reply.status(204).send();
      },
    );

    app.post(
      '/assessments/:id/findings',
      {
        config: { access: MANAGE },
        schema: {
          tags: TAGS,
          summary:
            "Add a finding: title, severity, owner; due by the severity's deadline from the report date unless given (audited)",
          params: idParams,
          body: NewFinding,
        },
      },
      async (request, reply) => {
        const created = await request.tenant((tx, actor) =>
          createFinding(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        );
        return reply.status(201).send(created);
      },
    );

    app.patch(
      '/assessments/:id/findings/:findingId',
      {
        config: { access: DOERS },
        schema: {
          tags: TAGS,
          summary:
            "Change a finding: owners and admins any field; the finding's owner its status (open or fixed), fix date and description",
          params: findingParams,
          body: FindingChange,
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          updateFinding(
            tx,
            actor,
            request.params.id,
            request.params.findingId,
            request.body,
            request.meta,
            ctx.clock.now(),
          ),
        ),
    );

    app.delete(
      '/assessments/:id/findings/:findingId',
      {
        config: { access: MANAGE },
        schema: { tags: TAGS, summary: 'Delete a finding recorded by mistake (audited)', params: findingParams },
      },
      async (request, reply) => {
        await request.tenant((tx, actor) =>
          deleteFinding(tx, actor, request.params.id, request.params.findingId, request.meta, ctx.clock.now()),
        );
        return reply.status(204).send();
      },
    );

    app.put(
      '/assessments/:id/report',
      {
        config: { access: MANAGE },
        schema: {
          tags: TAGS,
          summary: 'Link an item already in the evidence vault as the report (audited)',
          params: idParams,
          body: z.object({ evidenceId: z.uuid() }).strict(),
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          linkExistingReport(tx, actor, request.params.id, request.body.evidenceId, request.meta, ctx.clock.now()),
        ),
    );

    app.get(
      '/assessments/:id/report',
      {
        config: { access: REPORT_READERS },
        schema: { tags: TAGS, summary: 'Download the report (owners, admins, auditors)', params: idParams },
      },
      async (request, reply) => {
        const actor = orgActor(request);
        const evidenceId = await request.tenant((tx) => reportIdOf(tx, request.params.id, ctx.clock.now()));
        return sendFile(reply, await evidenceFile(ctx, actor, evidenceId, request.log));
      },
    );

    // Multipart for the report upload only (its own context): every other route takes JSON alone.
    await app.register(async (plugin) => {
      await plugin.register(multipart, {
        limits: { fileSize: ctx.config.maxUploadBytes, files: 1, fields: 0, parts: 2 },
      });
      plugin.withTypeProvider<ZodTypeProvider>().post(
        '/assessments/:id/report',
        {
          config: { access: MANAGE },
          schema: {
            tags: TAGS,
            summary:
              "Upload the report (multipart/form-data, one file part): kept as evidence of the kind's control (ASM-01, ASM-02 or ASM-03) for the period assessed",
            consumes: ['multipart/form-data'],
            params: idParams,
          },
        },
        async (request, reply) => {
          const actor = orgActor(request);
          // An unknown assessment (or another organisation's) is not found, whatever was sent.
          await request.tenant((tx) => getAssessment(tx, request.params.id, ctx.clock.now()));
          if (!request.isMultipart()) {
            throw new AppError('unsupported_media_type', 'Send the report as multipart/form-data with one file part.');
          }
          const part = await request.file();
          if (!part) {
            throw new AppError('validation_failed', 'Add the report: a multipart part named "file".', {
              errors: [{ path: 'body.file', message: 'a file is required' }],
            });
          }
          const result = await uploadReport(
            ctx,
            actor,
            request.params.id,
            {
              name: part.filename,
              contentType: part.mimetype,
              stream: part.file,
              truncated: () => part.file.truncated,
            },
            request.meta,
          );
          return reply.status(201).send(result);
        },
      );
    });
  };
}
