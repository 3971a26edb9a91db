import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError, notFound } from '../../errors.js';
import { evidenceFile } from '../evidence/erase.js';
import { contentDisposition } from '../evidence/routes.js';
import { completeExercise } from './complete.js';
import { createExercise, deleteExercise, getExercise, listExercises, updateExercise } from './exercises.js';
import { CompleteExercise, ExerciseChange, MANAGERS, NewExercise, Objectives, type OrgActor } from './model.js';
import { listObjectives, setObjectives } from './objectives.js';
import { continuityOverview } from './overview.js';

const READ = { scope: 'risk:read' } as const;
const MANAGE = { roles: MANAGERS, scope: 'risk:write' } as const;
/** Exercise reports: owners, admins and auditors download them. */
const REPORT_READERS = { roles: ['owner', 'admin', 'auditor'], scope: 'risk:read' } as const;
const TAGS = ['continuity'];
const idParams = z.object({ id: z.uuid() });

function orgActor(request: FastifyRequest): OrgActor {
  const actor = request.actor;
  if (!actor?.orgId) throw new AppError('no_organisation', 'Choose an organisation first.');
  return actor as OrgActor;
}

/**
 * Business continuity: the BC/DR plan's state, recovery objectives per system, and disaster
 * recovery exercises with their reports. Everyone reads; owners and admins change.
 * Tokens: risk:read / risk:write.
 */
export function continuityRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/continuity',
      {
        config: { access: READ },
        schema: {
          tags: TAGS,
          summary:
            'The BC/DR plan (policy) and its state, systems with objectives, the last exercise, the next one due and open follow-ups',
        },
      },
      async (request) => request.tenant((tx, actor) => continuityOverview(tx, actor)),
    );

    app.get(
      '/continuity/systems',
      {
        config: { access: READ },
        schema: {
          tags: TAGS,
          summary: 'Current systems with their recovery objectives (RTO, RPO in hours) and tier, tier 1 first',
        },
      },
      async (request) => ({ items: await request.tenant((tx) => listObjectives(tx)) }),
    );

    app.patch(
      '/continuity/systems/:id',
      {
        config: { access: MANAGE },
        schema: {
          tags: TAGS,
          summary:
            "Set a system's RTO and RPO (hours, up to 8760, two decimals) and recovery tier 1-4; null clears (audited)",
          params: idParams,
          body: Objectives,
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          setObjectives(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        ),
    );

    app.get(
      '/continuity/exercises',
      {
        config: { access: READ },
        schema: {
          tags: TAGS,
          summary: 'Disaster recovery exercises, latest first',
          querystring: z.object({
            status: z.enum(['planned', 'completed']).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
          }),
        },
      },
      async (request) => request.tenant((tx) => listExercises(tx, request.query)),
    );

    app.post(
      '/continuity/exercises',
      {
        config: { access: MANAGE },
        schema: {
          tags: TAGS,
          summary: 'Plan an exercise: title, kind, day, scenario, participants, systems (audited)',
          body: NewExercise,
        },
      },
      async (request, reply) => {
        const created = await request.tenant((tx, actor) =>
          createExercise(tx, actor, request.body, request.meta, ctx.clock.now()),
        );
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/continuity/exercises/:id',
      {
        config: { access: READ },
        schema: { tags: TAGS, summary: 'One exercise', params: idParams },
      },
      async (request) => request.tenant((tx) => getExercise(tx, request.params.id)),
    );

    app.patch(
      '/continuity/exercises/:id',
      {
        config: { access: MANAGE },
        schema: {
          tags: TAGS,
          summary:
            'Change a planned exercise (only the fields sent); a completed one only its follow-up actions (audited)',
          params: idParams,
          body: ExerciseChange,
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          updateExercise(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        ),
    );

    app.delete(
      '/continuity/exercises/:id',
      {
        config: { access: MANAGE },
        schema: { tags: TAGS, summary: 'Delete a planned exercise (audited)', params: idParams },
      },
      async (request, reply) => {
        await request.tenant((tx, actor) =>
          deleteExercise(tx, actor, request.params.id, request.meta, ctx.clock.now()),
        );
        return reply.status(204).send();
      },
    );

    app.post(
      '/continuity/exercises/:id/complete',
      {
        config: { access: MANAGE },
        schema: {
          tags: TAGS,
          summary:
            'Record the exercise as complete with its outcome (and any fields to change): its report (PDF and Markdown) is stored as evidence of BCP-03',
          params: idParams,
          body: CompleteExercise,
        },
      },
      async (request) => completeExercise(ctx, orgActor(request), request.params.id, request.body, request.meta),
    );

    app.get(
      '/continuity/exercises/:id/report',
      {
        config: { access: REPORT_READERS },
        schema: {
          tags: TAGS,
          summary: 'Download the report of a completed exercise (format pdf or md)',
          params: idParams,
          querystring: z.object({ format: z.enum(['pdf', 'md']).default('pdf') }),
        },
      },
      async (request, reply) => {
        const actor = orgActor(request);
        const exercise = await request.tenant((tx) => getExercise(tx, request.params.id));
        const evidenceId = request.query.format === 'md' ? exercise.reports.markdown : exercise.reports.pdf;
        if (!evidenceId) throw notFound('The report of this exercise');
        const file = await evidenceFile(ctx, actor, evidenceId, request.log);
        return reply
          .header('content-type', 'application/octet-stream')
          .header('content-length', String(file.size))
          .header('content-disposition', contentDisposition(file.name))
          .header('cache-control', 'private, no-store')
          .send(file.stream);
      },
    );
  };
}
