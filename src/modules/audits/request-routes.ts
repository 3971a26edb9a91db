import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { mailNotice } from '../notifications/service.js';
import { knownAudit } from './known.js';
import { auditFor, TEAM } from './model.js';
import {
  Answer,
  acceptRequest,
  answerRequest,
  listRequests,
  NewRequest,
  Reopen,
  raiseRequest,
  reopenRequest,
} from './requests.js';

const tags = ['audits'];
const requestParams = z.object({ id: z.uuid(), requestId: z.uuid() });

/**
 * Evidence requests of an audit: auditors on the audit raise, accept and reopen them; owners,
 * admins and members answer. The audit is looked up first, so another organisation's (or
 * another auditor's) audit answers 404 before the body is looked at.
 */
export function requestRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/audits/:id/requests',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags,
          summary: 'Evidence requests, newest first, with their messages and linked evidence',
          params: z.object({ id: z.uuid() }),
        },
      },
      async (request) =>
        request.tenant(async (tx, actor) => {
          const audit = await auditFor(tx, actor, request.params.id, ctx.clock.now());
          return { items: await listRequests(tx, audit.id) };
        }),
    );

    app.post(
      '/audits/:id/requests',
      {
        config: { access: { roles: ['auditor'], scope: 'program:write' } },
        preValidation: knownAudit(ctx),
        schema: {
          tags,
          summary: 'Raise an evidence request (auditors on the audit)',
          params: z.object({ id: z.uuid() }),
          body: NewRequest,
        },
      },
      async (request, reply) => {
        const now = ctx.clock.now();
        const { request: item, told } = await request.tenant(async (tx, actor) =>
          raiseRequest(tx, actor, await auditFor(tx, actor, request.params.id, now), request.body, request.meta, now),
        );
        await mailNotice(ctx, told.to, told.notice);
        return reply.status(201).send(item);
      },
    );

    app.post(
      '/audits/:id/requests/:requestId/answer',
      {
        config: { access: { roles: TEAM, scope: 'program:write' } },
        preValidation: knownAudit(ctx),
        schema: {
          tags,
          summary: 'Answer a request with a message and/or linked evidence (owners, admins, members)',
          params: requestParams,
          body: Answer,
        },
      },
      async (request) => {
        const now = ctx.clock.now();
        const { request: item, told } = await request.tenant(async (tx, actor) =>
          answerRequest(
            tx,
            actor,
            await auditFor(tx, actor, request.params.id, now),
            request.params.requestId,
            request.body,
            request.meta,
            now,
          ),
        );
        await mailNotice(ctx, told.to, told.notice);
        return item;
      },
    );

    app.post(
      '/audits/:id/requests/:requestId/accept',
      {
        config: { access: { roles: ['auditor'], scope: 'program:write' } },
        preValidation: knownAudit(ctx),
        schema: { tags, summary: 'Accept the answer to a request (auditors on the audit)', params: requestParams },
      },
      async (request) => {
        const now = ctx.clock.now();
        return request.tenant(async (tx, actor) =>
          acceptRequest(
            tx,
            actor,
            await auditFor(tx, actor, request.params.id, now),
            request.params.requestId,
            request.meta,
            now,
          ),
        );
      },
    );

    app.post(
      '/audits/:id/requests/:requestId/reopen',
      {
        config: { access: { roles: ['auditor'], scope: 'program:write' } },
        preValidation: knownAudit(ctx),
        schema: {
          tags,
          summary: 'Reopen a request, saying what is still missing (auditors on the audit)',
          params: requestParams,
          body: Reopen,
        },
      },
      async (request) => {
        const now = ctx.clock.now();
        const { request: item, told } = await request.tenant(async (tx, actor) =>
          reopenRequest(
            tx,
            actor,
            await auditFor(tx, actor, request.params.id, now),
            request.params.requestId,
            request.body.message,
            request.meta,
            now,
          ),
        );
        await mailNotice(ctx, told.to, told.notice);
        return item;
      },
    );
  };
}
