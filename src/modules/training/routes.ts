import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { certificateFile, listAttempts, type OrgActor, seesAllTraining, takeQuiz } from './attempts.js';
import { ensureBuiltinModules } from './builtin.js';
import { createModule, listModules, moduleRow, setRetired, toSource, toView, updateModule } from './modules.js';
import { myTraining, reportCsv, TRAINING_STATES, trainingReport } from './status.js';

const MANAGERS = ['owner', 'admin'] as const;
/** Auditors read everything about training but never take it or change it. */
const READERS = ['owner', 'admin', 'auditor'] as const;
const TAKERS = ['owner', 'admin', 'member', 'reviewer'] as const;

const idParams = z.object({ id: z.uuid() });

const Question = z
  .object({
    id: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and hyphens (up to 40)')
      .optional(),
    text: z.string().trim().min(3).max(1000),
    choices: z.array(z.string().trim().min(1).max(500)).min(2).max(8),
    /** Index of the right choice (0 for the first). */
    answer: z.number().int().min(0).max(7),
  })
  .strict();

const ModuleFields = {
  title: z.string().trim().min(3).max(200),
  summary: z.string().trim().max(400),
  body: z.string().trim().min(1).max(100_000),
  questions: z.array(Question).min(1).max(50),
  passMark: z.number().int().min(1).max(100),
  required: z.boolean(),
};

const NewModule = z
  .object({
    ...ModuleFields,
    summary: ModuleFields.summary.optional(),
    passMark: ModuleFields.passMark.optional(),
    required: ModuleFields.required.optional(),
  })
  .strict();

const ModuleChange = z
  .object({
    title: ModuleFields.title.optional(),
    summary: ModuleFields.summary.optional(),
    body: ModuleFields.body.optional(),
    questions: ModuleFields.questions.optional(),
    passMark: ModuleFields.passMark.optional(),
    required: ModuleFields.required.optional(),
    /** The version the editor started from: a concurrent change is refused, not overwritten. */
    expectedVersion: z.number().int().min(1).optional(),
  })
  .strict();

const Answers = z
  .object({
    answers: z.array(z.object({ questionId: z.string().min(1).max(100), choice: z.number().int() }).strict()).max(100),
    /** The module version the questions were read from. */
    version: z.number().int().min(1).optional(),
  })
  .strict();

function orgActor(request: FastifyRequest): OrgActor {
  const actor = request.actor;
  if (!actor?.orgId) throw new AppError('no_organisation', 'Choose an organisation first.');
  return actor as OrgActor;
}

/** `filename*` carries the real name; the plain `filename` an ASCII stand-in for old clients. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Security awareness training. Everyone reads modules; members (not auditors) take quizzes;
 * owners and admins manage the organisation's own modules; owners, admins and auditors read
 * the report and anyone's certificates.
 */
export function trainingRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    /** Runs `fn` in the request's transaction once the built-in course is in the organisation. */
    const withCourse = <T>(request: FastifyRequest, fn: (tx: Tx, actor: OrgActor) => Promise<T>) =>
      request.tenant(async (tx, actor) => {
        await ensureBuiltinModules(tx, actor.orgId, ctx.clock.now());
        return fn(tx, actor);
      });

    app.get(
      '/training/modules',
      {
        config: { access: { scope: 'people:read' } },
        schema: {
          tags: ['training'],
          summary: 'Training modules in page order (retired ones too for owners, admins and auditors, when asked)',
          querystring: z.object({
            includeRetired: z
              .enum(['true', 'false'])
              .transform((v) => v === 'true')
              .optional(),
          }),
        },
      },
      async (request) =>
        withCourse(request, async (tx, actor) => ({
          items: await listModules(tx, { includeRetired: request.query.includeRetired && seesAllTraining(actor) }),
        })),
    );

    app.get(
      '/training/modules/:id',
      {
        config: { access: { scope: 'people:read' } },
        schema: {
          tags: ['training'],
          summary: 'A module: its lesson and quiz questions (without the answers)',
          params: idParams,
        },
      },
      async (request) => request.tenant(async (tx) => toView(await moduleRow(tx, request.params.id))),
    );

    app.get(
      '/training/modules/:id/source',
      {
        config: { access: { roles: READERS, scope: 'people:read' } },
        schema: {
          tags: ['training'],
          summary: 'A module with its answers, for editing and review (owners, admins, auditors)',
          params: idParams,
        },
      },
      async (request) => request.tenant(async (tx) => toSource(await moduleRow(tx, request.params.id))),
    );

    app.post(
      '/training/modules',
      {
        config: { access: { roles: MANAGERS, scope: 'people:write' } },
        schema: { tags: ['training'], summary: "Add one of the organisation's own modules (audited)", body: NewModule },
      },
      async (request, reply) => {
        const module = await request.tenant((tx, actor) =>
          createModule(tx, actor.orgId, auditWho(actor), request.body, request.meta, ctx.clock.now()),
        );
        return reply.status(201).send(module);
      },
    );

    app.patch(
      '/training/modules/:id',
      {
        config: { access: { roles: MANAGERS, scope: 'people:write' } },
        schema: {
          tags: ['training'],
          summary: 'Edit a module: content changes make a new version; built-in modules only change `required`',
          params: idParams,
          body: ModuleChange,
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          updateModule(
            tx,
            actor.orgId,
            auditWho(actor),
            request.params.id,
            request.body,
            request.meta,
            ctx.clock.now(),
          ),
        ),
    );

    for (const action of ['retire', 'restore'] as const) {
      app.post(
        `/training/modules/:id/${action}`,
        {
          config: { access: { roles: MANAGERS, scope: 'people:write' } },
          schema: {
            tags: ['training'],
            summary:
              action === 'retire'
                ? 'Retire a module: nobody owes it any more; completions and certificates stay (audited)'
                : 'Bring a retired module back (audited)',
            params: idParams,
          },
        },
        async (request) =>
          request.tenant((tx, actor) =>
            setRetired(
              tx,
              actor.orgId,
              auditWho(actor),
              request.params.id,
              action === 'retire',
              request.meta,
              ctx.clock.now(),
            ),
          ),
      );
    }

    app.post(
      '/training/modules/:id/attempts',
      {
        config: { access: { roles: TAKERS, scope: 'people:write' } },
        schema: {
          tags: ['training'],
          summary:
            'Answer the quiz: one answer (choice index) per question. Returns the score, pass or fail, and which questions were wrong; a pass stores a certificate as evidence',
          params: idParams,
          body: Answers,
        },
      },
      async (request, reply) => {
        const result = await takeQuiz(ctx, orgActor(request), request.params.id, request.body, request.meta);
        return reply.status(201).send(result);
      },
    );

    app.get(
      '/training/me',
      {
        config: { access: { scope: 'people:read' } },
        schema: { tags: ['training'], summary: 'Your modules: state, due date, last pass and certificate' },
      },
      async (request) => withCourse(request, (tx, actor) => myTraining(tx, actor.orgId, actor.userId, ctx.clock.now())),
    );

    app.get(
      '/training/attempts',
      {
        config: { access: { scope: 'people:read' } },
        schema: {
          tags: ['training'],
          summary: "Quiz attempts, newest first: your own, or (owners, admins, auditors) a member's",
          querystring: z.object({
            userId: z.uuid().optional(),
            moduleId: z.uuid().optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
        },
      },
      async (request) => ({
        items: await request.tenant((tx, actor) => listAttempts(tx, actor, request.query)),
      }),
    );

    app.get(
      '/training/attempts/:id/certificate',
      {
        config: { access: { scope: 'people:read' } },
        schema: {
          tags: ['training'],
          summary:
            'The completion certificate (PDF) of a passed attempt: your own, or anyone’s for owners, admins, auditors',
          params: idParams,
        },
      },
      async (request, reply) => {
        const file = await certificateFile(ctx, orgActor(request), request.params.id, request.log);
        return reply
          .header('content-type', 'application/pdf')
          .header('content-length', String(file.size))
          .header('content-disposition', contentDisposition(file.name))
          .header('cache-control', 'private, no-store')
          .send(file.stream);
      },
    );

    const ReportQuery = z.object({
      state: z.enum(TRAINING_STATES).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      offset: z.coerce.number().int().min(0).default(0),
    });

    app.get(
      '/training/report',
      {
        config: { access: { roles: READERS, scope: 'people:read' } },
        schema: {
          tags: ['training'],
          summary: 'Every member × every required module with its state (owners, admins, auditors)',
          querystring: ReportQuery,
        },
      },
      async (request) =>
        withCourse(request, (tx, actor) => trainingReport(tx, actor.orgId, ctx.clock.now(), request.query)),
    );

    app.get(
      '/training/report.csv',
      {
        config: { access: { roles: READERS, scope: 'people:read' } },
        schema: {
          tags: ['training'],
          summary: 'The training report as CSV: one line per member and required module (audited)',
          querystring: ReportQuery.pick({ state: true }),
        },
      },
      async (request, reply) => {
        const now = ctx.clock.now();
        const csv = await withCourse(request, async (tx, actor) => {
          const report = await trainingReport(tx, actor.orgId, now, { state: request.query.state });
          await recordAudit(tx, actor.orgId, auditWho(actor), request.meta, now, {
            action: 'training.report_exported',
            details: { members: report.total, modules: report.modules.length, state: request.query.state ?? null },
          });
          return reportCsv(report);
        });
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="attest-training-${now.toISOString().slice(0, 10)}.csv"`)
          .header('cache-control', 'private, no-store')
          .send(csv);
      },
    );
  };
}
