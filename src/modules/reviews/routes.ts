import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { mailNotice } from '../notifications/service.js';
import { auditWho } from '../tokens/service.js';
import { completeCampaign } from './complete.js';
import { cancelCampaign, confirmChange, decideItems, MAX_BULK, reassignItems } from './decide.js';
import { exportName, reportData, reviewCsv } from './export.js';
import { getItem, listItems } from './items.js';
import { reviewObligations } from './obligations.js';
import { getSchedule, saveSchedule } from './schedule.js';
import {
  CAMPAIGN_STATUSES,
  campaignRow,
  DECISIONS,
  getCampaign,
  listCampaigns,
  type ReviewActor,
  reviewableSystems,
} from './service.js';
import { DEFAULT_DUE_DAYS, startCampaign } from './start.js';

function orgActor(request: FastifyRequest): ReviewActor {
  const actor = request.actor;
  if (!actor?.orgId) throw new AppError('no_organisation', 'Choose an organisation first.');
  return actor as ReviewActor;
}

const MANAGERS = ['owner', 'admin'] as const;
/** Auditors read everything but decide nothing. */
const DOERS = ['owner', 'admin', 'member', 'reviewer'] as const;
const READERS = ['owner', 'admin', 'auditor'] as const;

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
const itemIds = z.array(z.uuid()).min(1).max(MAX_BULK);
const comment = z.string().max(2000).nullable().optional();

/**
 * Access review campaigns. Owners and admins start, schedule, reassign, complete and cancel;
 * each item's reviewer decides on it; members and reviewers see only their own items (others'
 * are not found); auditors read everything and decide nothing. Tokens: people:read / people:write.
 */
export function reviewRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/access-reviews',
      {
        config: { access: { scope: 'people:read' } },
        schema: {
          tags: ['access reviews'],
          summary: 'Campaigns you may see, newest first, with their progress (members: their own items only)',
          querystring: z.object({ status: z.enum(CAMPAIGN_STATUSES).optional(), ...page }),
        },
      },
      async (request) => request.tenant((tx, actor) => listCampaigns(tx, actor, request.query, ctx.clock.now())),
    );

    app.get(
      '/access-reviews/assigned',
      {
        config: { access: { scope: 'people:read' } },
        schema: {
          tags: ['access reviews'],
          summary: 'Open campaigns where accounts assigned to you are undecided, soonest due first',
        },
      },
      async (request) => ({
        items: await request.tenant((tx, actor) =>
          reviewObligations(tx, { id: actor.userId, email: actor.email }, ctx.clock.now()),
        ),
      }),
    );

    app.get(
      '/access-reviews/systems',
      {
        config: { access: { roles: READERS, scope: 'people:read' } },
        schema: {
          tags: ['access reviews'],
          summary: 'Systems a campaign can cover (not archived), with their monitoring source and current accounts',
        },
      },
      async (request) => ({ items: await request.tenant((tx) => reviewableSystems(tx)) }),
    );

    app.get(
      '/access-reviews/schedule',
      {
        config: { access: { roles: READERS, scope: 'people:read' } },
        schema: { tags: ['access reviews'], summary: 'The quarterly schedule, or null when none is set' },
      },
      async (request) => ({ schedule: await request.tenant((tx) => getSchedule(tx)) }),
    );

    app.put(
      '/access-reviews/schedule',
      {
        config: { access: { roles: MANAGERS, scope: 'people:write' } },
        schema: {
          tags: ['access reviews'],
          summary: 'Set the quarterly schedule: systems, days to decide, the next start day (audited)',
          body: z
            .object({
              enabled: z.boolean(),
              systemIds: z.array(z.uuid()).max(500),
              dueDays: z.number().int().min(1).max(90).default(DEFAULT_DUE_DAYS),
              nextStartOn: z.iso.date(),
            })
            .strict(),
        },
      },
      async (request) => ({
        schedule: await request.tenant((tx, actor) =>
          saveSchedule(tx, actor, request.body, request.meta, ctx.clock.now()),
        ),
      }),
    );

    app.post(
      '/access-reviews',
      {
        config: { access: { roles: MANAGERS, scope: 'people:write' } },
        schema: {
          tags: ['access reviews'],
          summary: 'Start a campaign: every current account of the systems becomes an item with its reviewer (audited)',
          body: z
            .object({
              name: z.string().trim().min(1).max(200),
              systemIds: z.array(z.uuid()).min(1).max(500),
              dueDays: z.number().int().min(1).max(90).default(DEFAULT_DUE_DAYS),
            })
            .strict(),
        },
      },
      async (request, reply) => {
        const now = ctx.clock.now();
        const { started, detail } = await request.tenant(async (tx, actor) => {
          const started = await startCampaign(
            tx,
            actor.orgId,
            request.body,
            { userId: actor.userId, who: auditWho(actor), scheduled: false },
            request.meta,
            now,
          );
          return { started, detail: await getCampaign(tx, actor, started.campaignId, now) };
        });
        for (const mail of started.mails) await mailNotice(ctx, mail.to, mail.notice);
        return reply.status(201).send(detail);
      },
    );

    app.get(
      '/access-reviews/:id',
      {
        config: { access: { scope: 'people:read' } },
        schema: {
          tags: ['access reviews'],
          summary: 'One campaign: progress overall, by reviewer and by system',
          params: idParams,
        },
      },
      async (request) => request.tenant((tx, actor) => getCampaign(tx, actor, request.params.id, ctx.clock.now())),
    );

    app.get(
      '/access-reviews/:id/items',
      {
        config: { access: { scope: 'people:read' } },
        schema: {
          tags: ['access reviews'],
          summary: 'The accounts under review, by system and account, a page at a time (filterable)',
          params: idParams,
          querystring: z.object({
            systemId: z.uuid().optional(),
            decision: z.enum(DECISIONS).optional(),
            undecided: flag,
            pending: flag,
            reviewer: z.union([z.enum(['me', 'none']), z.uuid()]).optional(),
            q: z.string().max(200).optional(),
            ...page,
          }),
        },
      },
      async (request) => request.tenant((tx, actor) => listItems(tx, actor, request.params.id, request.query)),
    );

    app.get(
      '/access-reviews/:id/items/:itemId',
      {
        config: { access: { scope: 'people:read' } },
        schema: { tags: ['access reviews'], summary: 'One account under review', params: itemParams },
      },
      async (request) => request.tenant((tx, actor) => getItem(tx, actor, request.params.id, request.params.itemId)),
    );

    app.post(
      '/access-reviews/:id/items/:itemId/decision',
      {
        config: { access: { roles: DOERS, scope: 'people:write' } },
        schema: {
          tags: ['access reviews'],
          summary: 'Keep, revoke or change an account assigned to you (a comment is required to revoke or change)',
          params: itemParams,
          body: z.object({ decision: z.enum(DECISIONS), comment }).strict(),
        },
      },
      async (request) => {
        const [item] = await request.tenant((tx, actor) =>
          decideItems(
            tx,
            actor,
            request.params.id,
            [request.params.itemId],
            request.body,
            request.meta,
            ctx.clock.now(),
          ),
        );
        return item;
      },
    );

    app.post(
      '/access-reviews/:id/decisions',
      {
        config: { access: { roles: DOERS, scope: 'people:write' } },
        schema: {
          tags: ['access reviews'],
          summary: `Keep several accounts assigned to you at once (up to ${MAX_BULK})`,
          params: idParams,
          body: z.object({ itemIds, decision: z.literal('keep'), comment }).strict(),
        },
      },
      async (request) => ({
        items: await request.tenant((tx, actor) =>
          decideItems(tx, actor, request.params.id, request.body.itemIds, request.body, request.meta, ctx.clock.now()),
        ),
      }),
    );

    app.post(
      '/access-reviews/:id/reassign',
      {
        config: { access: { roles: MANAGERS, scope: 'people:write' } },
        schema: {
          tags: ['access reviews'],
          summary: 'Give accounts to another reviewer (never the account holder, never an auditor)',
          params: idParams,
          body: z.object({ itemIds, reviewerId: z.uuid() }).strict(),
        },
      },
      async (request) => ({
        items: await request.tenant((tx, actor) =>
          reassignItems(
            tx,
            actor,
            request.params.id,
            request.body.itemIds,
            request.body.reviewerId,
            request.meta,
            ctx.clock.now(),
          ),
        ),
      }),
    );

    app.post(
      '/access-reviews/:id/items/:itemId/confirm-change',
      {
        config: { access: { roles: MANAGERS, scope: 'people:write' } },
        schema: {
          tags: ['access reviews'],
          summary: 'Confirm by hand that a requested change was made (audited)',
          params: itemParams,
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          confirmChange(tx, actor, request.params.id, request.params.itemId, request.meta, ctx.clock.now()),
        ),
    );

    app.post(
      '/access-reviews/:id/complete',
      {
        config: { access: { roles: MANAGERS, scope: 'people:write' } },
        schema: {
          tags: ['access reviews'],
          summary:
            'Complete a campaign whose accounts are all decided: its CSV and PDF report become evidence (ACC-09)',
          params: idParams,
        },
      },
      // Not inside request.tenant: storing evidence runs its own transactions.
      async (request) => completeCampaign(ctx, orgActor(request), request.params.id, request.meta),
    );

    app.post(
      '/access-reviews/:id/cancel',
      {
        config: { access: { roles: MANAGERS, scope: 'people:write' } },
        schema: { tags: ['access reviews'], summary: 'Cancel an open campaign (audited)', params: idParams },
      },
      async (request) =>
        request.tenant(async (tx, actor) => {
          const now = ctx.clock.now();
          await cancelCampaign(tx, actor, request.params.id, request.meta, now);
          return getCampaign(tx, actor, request.params.id, now);
        }),
    );

    app.get(
      '/access-reviews/:id/export.csv',
      {
        config: { access: { roles: READERS, scope: 'people:read' } },
        schema: {
          tags: ['access reviews'],
          summary: 'The campaign as CSV, as it stands now: one row per account with its decision (audited)',
          params: idParams,
        },
      },
      async (request, reply) => {
        const now = ctx.clock.now();
        const { csv, name } = await request.tenant(async (tx, actor) => {
          await campaignRow(tx, actor, request.params.id);
          const data = await reportData(tx, request.params.id);
          await recordAudit(tx, actor.orgId, auditWho(actor), request.meta, now, {
            action: 'access_review.exported',
            targetType: 'access_review',
            targetId: request.params.id,
            details: { rows: data.rows.length },
          });
          return { csv: reviewCsv(data.rows), name: exportName(data.campaign.name, now, 'csv') };
        });
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('cache-control', 'private, no-store')
          .send(csv);
      },
    );
  };
}
