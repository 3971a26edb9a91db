import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { sendMails } from '../access/decisions.js';
import { contentDisposition } from '../evidence/routes.js';
import { MANAGERS, ownerCandidates, type VendorActor, WRITERS } from './access.js';
import { vendorDetail } from './detail.js';
import { documentRoutes } from './document-routes.js';
import { exportRegister, listSubprocessors, subprocessorsCsv } from './exports.js';
import { questionnaireRoutes } from './public-routes.js';
import { createLink, NewLink, revokeLink } from './questionnaires.js';
import { QUESTIONS } from './questions.js';
import { listVendors, STATUSES } from './read.js';
import { NewReview, recordReview } from './reviews.js';
import { changeStatus, StatusChange } from './status.js';
import { LEVELS, loadReviewIntervals } from './tier.js';
import {
  changeReviewIntervals,
  createVendor,
  NewVendor,
  overrideTier,
  TierOverride,
  updateVendor,
  VendorChange,
} from './write.js';

const tags = ['vendors'];
const idParams = z.object({ id: z.uuid() });
const ReviewDays = z.number().int().min(30, 'At least 30 days.').max(1830, 'At most 1830 days (five years).');

function orgActor(request: FastifyRequest): VendorActor {
  const actor = request.actor;
  if (!actor?.orgId) throw new AppError('no_organisation', 'Choose an organisation first.');
  return actor as VendorActor;
}

/**
 * The vendor register (everyone reads it; owners, admins and each vendor's owner change it;
 * owners and admins approve), its reviews, documents and questionnaire links, the list of
 * subprocessors, and the public questionnaire a vendor answers without an account.
 * Tokens: risk:read / risk:write.
 */
export function vendorRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(questionnaireRoutes(ctx));

    app.get(
      '/vendors',
      {
        config: { access: { scope: 'risk:read' } },
        schema: {
          tags,
          summary: 'The vendor register by name: filter by status, tier and subprocessor; search name and purpose',
          querystring: z.object({
            q: z.string().trim().max(100).optional(),
            status: z.enum(STATUSES).optional(),
            tier: z.enum(LEVELS).optional(),
            subprocessor: z
              .enum(['true', 'false'])
              .transform((v) => v === 'true')
              .optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
          }),
        },
      },
      async (request) => request.tenant((tx, actor) => listVendors(tx, actor, ctx.clock.now(), request.query)),
    );

    app.post(
      '/vendors',
      {
        config: { access: { roles: WRITERS, scope: 'risk:write' } },
        schema: { tags, summary: 'Add a vendor (proposed; members add vendors they own)', body: NewVendor },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await request.tenant((tx, actor) => createVendor(tx, actor, request.body, request.meta, ctx.clock.now())),
          ),
    );

    app.get(
      '/vendors/subprocessors',
      {
        config: { access: { scope: 'risk:read' } },
        schema: {
          tags,
          summary: 'Approved subprocessors: name, purpose, website, regions and the data they handle',
        },
      },
      async (request) => ({ items: await request.tenant((tx) => listSubprocessors(tx)) }),
    );

    app.get(
      '/vendors/subprocessors.csv',
      {
        config: { access: { scope: 'risk:read' } },
        schema: { tags, summary: 'The approved subprocessors as CSV' },
      },
      async (request, reply) => {
        const csv = subprocessorsCsv(await request.tenant((tx) => listSubprocessors(tx)));
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', contentDisposition('subprocessors.csv'))
          .header('cache-control', 'private, no-store')
          .send(csv);
      },
    );

    app.post(
      '/vendors/export',
      {
        config: { access: { roles: MANAGERS, scope: 'risk:write' } },
        schema: {
          tags,
          summary: 'The whole register as CSV, stored as evidence of VEN-01 (on the ledger); answers the file',
        },
      },
      async (request, reply) => {
        const file = await exportRegister(ctx, orgActor(request), request.meta);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', contentDisposition(file.name))
          .header('cache-control', 'private, no-store')
          .header('x-evidence-id', file.evidenceId)
          .send(file.csv);
      },
    );

    app.get(
      '/vendors/owners',
      {
        config: { access: { roles: WRITERS, scope: 'risk:read' } },
        schema: { tags, summary: 'Members who may own a vendor (everyone but auditors)' },
      },
      async (request) => ({ items: await request.tenant((tx) => ownerCandidates(tx)) }),
    );

    app.get(
      '/vendors/questions',
      {
        config: { access: { scope: 'risk:read' } },
        schema: { tags, summary: 'The built-in security questionnaire a new link asks' },
      },
      async () => ({ items: QUESTIONS }),
    );

    app.get(
      '/vendors/settings',
      {
        config: { access: { scope: 'risk:read' } },
        schema: { tags, summary: 'How many days a review stays current, by tier' },
      },
      async (request) => ({ reviewDays: await request.tenant((tx) => loadReviewIntervals(tx)) }),
    );

    app.put(
      '/vendors/settings',
      {
        config: { access: { roles: MANAGERS, scope: 'risk:write' } },
        schema: {
          tags,
          summary: 'Change how many days a review stays current, by tier (audited)',
          body: z.object({ reviewDays: z.object({ high: ReviewDays, medium: ReviewDays, low: ReviewDays }) }),
        },
      },
      async (request) => {
        const reviewDays = await request.tenant((tx, actor) =>
          changeReviewIntervals(tx, actor, request.body.reviewDays, request.meta, ctx.clock.now()),
        );
        return { reviewDays };
      },
    );

    app.get(
      '/vendors/:id',
      {
        config: { access: { scope: 'risk:read' } },
        schema: {
          tags,
          summary: 'One vendor with its reviews, documents, questionnaires and answers, and its history',
          params: idParams,
        },
      },
      async (request) => request.tenant((tx, actor) => vendorDetail(tx, actor, request.params.id, ctx.clock.now())),
    );

    app.patch(
      '/vendors/:id',
      {
        config: { access: { roles: WRITERS, scope: 'risk:write' } },
        schema: {
          tags,
          summary: 'Change a vendor (only the fields sent; its owner, an owner or an admin)',
          params: idParams,
          body: VendorChange,
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          updateVendor(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        ),
    );

    app.post(
      '/vendors/:id/tier',
      {
        config: { access: { roles: MANAGERS, scope: 'risk:write' } },
        schema: {
          tags,
          summary: 'Override the computed tier with a reason, or clear the override (tier: null); audited',
          params: idParams,
          body: TierOverride,
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          overrideTier(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        ),
    );

    app.post(
      '/vendors/:id/status',
      {
        config: { access: { roles: WRITERS, scope: 'risk:write' } },
        schema: {
          tags,
          summary:
            'Move a vendor on: in_review (its owner too), approved (needs a current review that approves it), rejected (with a reason) or offboarded (owners and admins)',
          params: idParams,
          body: StatusChange,
        },
      },
      async (request) => {
        const { vendor, mails } = await request.tenant((tx, actor) =>
          changeStatus(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        );
        await sendMails(ctx, mails);
        return vendor;
      },
    );

    app.post(
      '/vendors/:id/reviews',
      {
        config: { access: { roles: WRITERS, scope: 'risk:write' } },
        schema: {
          tags,
          summary:
            'Record a completed review: what was examined (questionnaire, document, other), reviewer, outcome, notes, day',
          params: idParams,
          body: NewReview,
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await request.tenant((tx, actor) =>
              recordReview(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
            ),
          ),
    );

    app.post(
      '/vendors/:id/questionnaires',
      {
        config: { access: { roles: WRITERS, scope: 'risk:write' } },
        schema: {
          tags,
          summary: 'Make a questionnaire link the vendor answers without an account (shown once; expires)',
          params: idParams,
          body: NewLink,
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await request.tenant((tx, actor) =>
              createLink(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
            ),
          ),
    );

    app.post(
      '/vendors/:id/questionnaires/:questionnaireId/revoke',
      {
        config: { access: { roles: WRITERS, scope: 'risk:write' } },
        schema: {
          tags,
          summary: 'Withdraw an unanswered questionnaire link',
          params: z.object({ id: z.uuid(), questionnaireId: z.uuid() }),
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          revokeLink(tx, actor, request.params.id, request.params.questionnaireId, request.meta, ctx.clock.now()),
        ),
    );

    await app.register(documentRoutes(ctx));
  };
}
