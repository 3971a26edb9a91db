import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import {
  ASSESSMENT_STATUSES,
  AssessmentChange,
  cancelAssessment,
  FraudStatement,
  getAssessment,
  ItemReview,
  listAssessments,
  listItems,
  raiseRisk,
  reviewItem,
  StartAssessment,
  startAssessment,
  updateAssessment,
} from './assessments.js';
import { completeAssessment } from './complete.js';
import { createRisk, NewRisk, RiskChange, setRiskClosed, updateRisk } from './register.js';
import { CATEGORIES, LEVELS } from './scoring.js';
import { getRisk, heatmap, listRisks, type RiskActor, riskHistory, riskOwners, TREATMENT_FILTERS } from './service.js';

function orgActor(request: FastifyRequest): RiskActor {
  const actor = request.actor;
  if (!actor?.orgId) throw new AppError('no_organisation', 'Choose an organisation first.');
  return actor as RiskActor;
}

const MANAGERS = ['owner', 'admin'] as const;
/** Auditors read everything and change nothing. */
const DOERS = ['owner', 'admin', 'member', 'reviewer'] as const;

const idParams = z.object({ id: z.uuid() });
const itemParams = z.object({ id: z.uuid(), itemId: z.uuid() });
const page = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};
const flag = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();
const rating = z.coerce.number().int().min(1).max(5).optional();

/**
 * The risk register and the yearly risk assessment. Everyone reads; owners and admins manage;
 * a risk's owner changes that risk and reviews it in a campaign; auditors change nothing.
 * Tokens: risk:read / risk:write.
 */
export function riskRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/risks',
      {
        config: { access: { scope: 'risk:read' } },
        schema: {
          tags: ['risks'],
          summary:
            'The risk register, highest residual score first (filters: level, treatment, owner, category, overdue review, heat map cell)',
          querystring: z.object({
            status: z.enum(['open', 'closed', 'all']).default('open'),
            level: z.enum(LEVELS).optional(),
            treatment: z.enum(TREATMENT_FILTERS).optional(),
            ownerId: z.uuid().optional(),
            category: z.enum(CATEGORIES).optional(),
            overdue: flag,
            q: z.string().max(200).optional(),
            map: z.enum(['inherent', 'residual']).optional(),
            likelihood: rating,
            impact: rating,
            ...page,
          }),
        },
      },
      async (request) => request.tenant((tx, actor) => listRisks(tx, actor, request.query, ctx.clock.now())),
    );

    app.post(
      '/risks',
      {
        config: { access: { roles: MANAGERS, scope: 'risk:write' } },
        schema: { tags: ['risks'], summary: 'Add a risk to the register', body: NewRisk },
      },
      async (request, reply) => {
        const risk = await request.tenant((tx, actor) =>
          createRisk(tx, actor, request.body, request.meta, ctx.clock.now()),
        );
        return reply.status(201).send(risk);
      },
    );

    app.get(
      '/risks/heatmap',
      {
        config: { access: { scope: 'risk:read' } },
        schema: {
          tags: ['risks'],
          summary: 'A 5×5 heat map of the open risks: cells[likelihood - 1][impact - 1] with the count and the ids',
          querystring: z.object({ kind: z.enum(['inherent', 'residual']).default('residual') }),
        },
      },
      async (request) => request.tenant((tx) => heatmap(tx, request.query.kind)),
    );

    app.get(
      '/risks/owners',
      {
        config: { access: { scope: 'risk:read' } },
        schema: { tags: ['risks'], summary: 'Members who may own a risk (everyone but auditors)' },
      },
      async (request) => ({ items: await request.tenant((tx) => riskOwners(tx)) }),
    );

    app.get(
      '/risks/assessments',
      {
        config: { access: { scope: 'risk:read' } },
        schema: {
          tags: ['risks'],
          summary: 'Risk assessments, newest first, with their progress',
          querystring: z.object({ status: z.enum(ASSESSMENT_STATUSES).optional(), ...page }),
        },
      },
      async (request) => request.tenant((tx, actor) => listAssessments(tx, actor, request.query, ctx.clock.now())),
    );

    app.post(
      '/risks/assessments',
      {
        config: { access: { roles: MANAGERS, scope: 'risk:write' } },
        schema: {
          tags: ['risks'],
          summary: 'Start a risk assessment: every open risk becomes an item to review',
          body: StartAssessment,
        },
      },
      async (request, reply) => {
        const assessment = await request.tenant((tx, actor) =>
          startAssessment(tx, actor, request.body, request.meta, ctx.clock.now()),
        );
        return reply.status(201).send(assessment);
      },
    );

    app.get(
      '/risks/assessments/:id',
      {
        config: { access: { scope: 'risk:read' } },
        schema: { tags: ['risks'], summary: 'One risk assessment', params: idParams },
      },
      async (request) => request.tenant((tx, actor) => getAssessment(tx, actor, request.params.id, ctx.clock.now())),
    );

    app.patch(
      '/risks/assessments/:id',
      {
        config: { access: { roles: MANAGERS, scope: 'risk:write' } },
        schema: {
          tags: ['risks'],
          summary: 'Rename an open assessment, move its due date or record how fraud was considered',
          params: idParams,
          body: AssessmentChange,
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          updateAssessment(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        ),
    );

    app.get(
      '/risks/assessments/:id/items',
      {
        config: { access: { scope: 'risk:read' } },
        schema: {
          tags: ['risks'],
          summary: "The assessment's items, unreviewed first (mine: the risks you own)",
          params: idParams,
          querystring: z.object({ reviewed: flag, mine: flag, ...page }),
        },
      },
      async (request) =>
        request.tenant((tx, actor) => listItems(tx, actor, request.params.id, request.query, ctx.clock.now())),
    );

    app.post(
      '/risks/assessments/:id/items/:itemId/review',
      {
        config: { access: { roles: DOERS, scope: 'risk:write' } },
        schema: {
          tags: ['risks'],
          summary: "Review one item (the risk's owner, an owner or an admin): ratings, treatment and a comment",
          params: itemParams,
          body: ItemReview,
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          reviewItem(tx, actor, request.params.id, request.params.itemId, request.body, request.meta, ctx.clock.now()),
        ),
    );

    app.post(
      '/risks/assessments/:id/risks',
      {
        config: { access: { roles: MANAGERS, scope: 'risk:write' } },
        schema: {
          tags: ['risks'],
          summary: 'Raise a new risk within an open assessment: it joins it as a reviewed item',
          params: idParams,
          body: NewRisk.extend({ comment: z.string().trim().min(1, 'Say why the risk was raised.').max(5000) }),
        },
      },
      async (request, reply) => {
        const item = await request.tenant((tx, actor) =>
          raiseRisk(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        );
        return reply.status(201).send(item);
      },
    );

    app.post(
      '/risks/assessments/:id/complete',
      {
        config: { access: { roles: MANAGERS, scope: 'risk:write' } },
        schema: {
          tags: ['risks'],
          summary:
            'Complete an assessment whose every item is reviewed, with how fraud was considered: its CSV and PDF become RSK-01 evidence',
          params: idParams,
          body: z.object({ fraudStatement: FraudStatement.optional() }).default({}),
        },
      },
      // Not inside request.tenant: storing evidence runs its own transactions.
      async (request) => completeAssessment(ctx, orgActor(request), request.params.id, request.body, request.meta),
    );

    app.post(
      '/risks/assessments/:id/cancel',
      {
        config: { access: { roles: MANAGERS, scope: 'risk:write' } },
        schema: { tags: ['risks'], summary: 'Cancel an open assessment', params: idParams },
      },
      async (request) =>
        request.tenant((tx, actor) => cancelAssessment(tx, actor, request.params.id, request.meta, ctx.clock.now())),
    );

    app.get(
      '/risks/:id',
      {
        config: { access: { scope: 'risk:read' } },
        schema: { tags: ['risks'], summary: 'One risk', params: idParams },
      },
      async (request) => request.tenant((tx, actor) => getRisk(tx, actor, request.params.id, ctx.clock.now())),
    );

    app.patch(
      '/risks/:id',
      {
        config: { access: { roles: DOERS, scope: 'risk:write' } },
        schema: {
          tags: ['risks'],
          summary: "Change a risk (only the fields sent): the risk's owner, an owner or an admin",
          params: idParams,
          body: RiskChange,
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          updateRisk(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        ),
    );

    for (const [path, close] of [
      ['close', true],
      ['reopen', false],
    ] as const) {
      app.post(
        `/risks/:id/${path}`,
        {
          config: { access: { roles: DOERS, scope: 'risk:write' } },
          schema: {
            tags: ['risks'],
            summary: close ? 'Close a risk that no longer applies' : 'Reopen a closed risk',
            params: idParams,
          },
        },
        async (request) =>
          request.tenant((tx, actor) =>
            setRiskClosed(tx, actor, request.params.id, close, request.meta, ctx.clock.now()),
          ),
      );
    }

    app.get(
      '/risks/:id/history',
      {
        config: { access: { scope: 'risk:read' } },
        schema: { tags: ['risks'], summary: "The risk's changes from the audit log, newest first", params: idParams },
      },
      async (request) =>
        request.tenant(async (tx, actor) => {
          await getRisk(tx, actor, request.params.id, ctx.clock.now());
          return { items: await riskHistory(tx, request.params.id) };
        }),
    );
  };
}
