import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { ACCOUNT_FLAGS, listAccounts } from './accounts.js';
import { sendMails } from './decisions.js';
import {
  Comment,
  cancelRequest,
  createRequest,
  decideRequest,
  getRequest,
  listRequests,
  NewRequest,
  REQUEST_STATUSES,
  revokeRequest,
} from './requests.js';
import { createSystem, getSystem, listSystems, NewSystem, SystemChange, setArchived, updateSystem } from './systems.js';

const MANAGERS = ['owner', 'admin'] as const;
/** Who reads every system's accounts. */
const ACCOUNT_READERS = ['owner', 'admin', 'auditor'] as const;
/** Auditors read everything and never write: they neither ask for access nor decide it. */
const DOERS = ['owner', 'admin', 'member', 'reviewer'] as const;

const idParams = z.object({ id: z.uuid() });
const page = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

/**
 * The systems catalogue (every member reads it; owners and admins change it; accounts for
 * owners, admins and auditors) and access requests (members ask; the system's owner or an
 * owner or admin decides; every grant expires).
 */
export function accessRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/systems',
      {
        config: { access: { scope: 'people:read' } },
        schema: {
          tags: ['access'],
          summary: 'The systems catalogue by name, with account counts for owners, admins and auditors',
          querystring: z.object({
            q: z.string().max(100).optional(),
            archived: z.enum(['false', 'true', 'all']).default('false'),
            production: z
              .enum(['true', 'false'])
              .transform((v) => v === 'true')
              .optional(),
            ...page,
          }),
        },
      },
      async (request) => request.tenant((tx, actor) => listSystems(tx, actor, ctx.clock.now(), request.query)),
    );

    app.post(
      '/systems',
      {
        config: { access: { roles: MANAGERS, scope: 'people:write' } },
        schema: { tags: ['access'], summary: 'Add a system to the catalogue', body: NewSystem },
      },
      async (request, reply) => {
        const system = await request.tenant((tx, actor) =>
          createSystem(tx, actor, request.body, request.meta, ctx.clock.now()),
        );
        return reply.status(201).send(system);
      },
    );

    app.get(
      '/systems/:id',
      {
        config: { access: { scope: 'people:read' } },
        schema: { tags: ['access'], summary: 'One system', params: idParams },
      },
      async (request) => request.tenant((tx, actor) => getSystem(tx, actor, request.params.id, ctx.clock.now())),
    );

    app.patch(
      '/systems/:id',
      {
        config: { access: { roles: MANAGERS, scope: 'people:write' } },
        schema: {
          tags: ['access'],
          summary: 'Change a system (only the fields sent)',
          params: idParams,
          body: SystemChange,
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          updateSystem(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        ),
    );

    for (const [path, archive] of [
      ['archive', true],
      ['unarchive', false],
    ] as const) {
      app.post(
        `/systems/:id/${path}`,
        {
          config: { access: { roles: MANAGERS, scope: 'people:write' } },
          schema: {
            tags: ['access'],
            summary: archive
              ? 'Archive a system: no new requests; running grants last until they expire'
              : 'Bring an archived system back',
            params: idParams,
          },
        },
        async (request) =>
          request.tenant((tx, actor) =>
            setArchived(tx, actor, request.params.id, archive, request.meta, ctx.clock.now()),
          ),
      );
    }

    app.get(
      '/systems/:id/accounts',
      {
        config: { access: { roles: ACCOUNT_READERS, scope: 'people:read' } },
        schema: {
          tags: ['access'],
          summary: "The system's current accounts (from its monitoring source) with their person and flags",
          params: idParams,
          querystring: z.object({
            flag: z.enum(ACCOUNT_FLAGS).optional(),
            q: z.string().max(200).optional(),
            ...page,
          }),
        },
      },
      async (request) =>
        request.tenant(async (tx, actor) => {
          const now = ctx.clock.now();
          const system = await getSystem(tx, actor, request.params.id, now);
          if (!system.source) return { items: [], total: 0, source: null };
          return { ...(await listAccounts(tx, system.source.id, now, request.query)), source: system.source };
        }),
    );

    app.get(
      '/access-requests',
      {
        config: { access: { scope: 'people:read' } },
        schema: {
          tags: ['access'],
          summary:
            'Access requests, newest first: yours (view=mine), waiting for your decision (decide) or all (owners, admins, auditors)',
          querystring: z.object({
            view: z.enum(['mine', 'decide', 'all']).default('mine'),
            status: z.enum(REQUEST_STATUSES).optional(),
            systemId: z.uuid().optional(),
            ...page,
          }),
        },
      },
      async (request) => request.tenant((tx, actor) => listRequests(tx, actor, request.query)),
    );

    app.post(
      '/access-requests',
      {
        config: { access: { roles: DOERS, scope: 'people:write' } },
        schema: {
          tags: ['access'],
          summary: "Ask for access to a system: level, justification and days (up to the system's limit)",
          body: NewRequest,
        },
      },
      async (request, reply) => {
        const { request: created, mails } = await request.tenant((tx, actor) =>
          createRequest(tx, actor, request.body, request.meta, ctx.clock.now()),
        );
        await sendMails(ctx, mails);
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/access-requests/:id',
      {
        config: { access: { scope: 'people:read' } },
        schema: { tags: ['access'], summary: 'One access request', params: idParams },
      },
      async (request) => request.tenant((tx, actor) => getRequest(tx, actor, request.params.id)),
    );

    for (const decision of ['approve', 'reject'] as const) {
      app.post(
        `/access-requests/:id/${decision}`,
        {
          config: { access: { roles: DOERS, scope: 'people:write' } },
          schema: {
            tags: ['access'],
            summary:
              decision === 'approve'
                ? "Approve a request (the system's owner, an owner or an admin; never your own): access expires after its days"
                : 'Reject a request, saying why',
            params: idParams,
            body: z.object({ comment: decision === 'approve' ? Comment.optional() : Comment }),
          },
        },
        async (request) => {
          const { request: decided, mails } = await request.tenant((tx, actor) =>
            decideRequest(tx, actor, request.params.id, decision, request.body.comment, request.meta, ctx.clock.now()),
          );
          await sendMails(ctx, mails);
          return decided;
        },
      );
    }

    app.post(
      '/access-requests/:id/cancel',
      {
        config: { access: { roles: DOERS, scope: 'people:write' } },
        schema: { tags: ['access'], summary: 'Withdraw your own pending request', params: idParams },
      },
      async (request) =>
        request.tenant((tx, actor) => cancelRequest(tx, actor, request.params.id, request.meta, ctx.clock.now())),
    );

    app.post(
      '/access-requests/:id/revoke',
      {
        config: { access: { roles: DOERS, scope: 'people:write' } },
        schema: {
          tags: ['access'],
          summary: "End approved access before it expires (the system's owner, an owner or an admin)",
          params: idParams,
          body: z.object({ comment: Comment.optional() }),
        },
      },
      async (request) => {
        const { request: revoked, mails } = await request.tenant((tx, actor) =>
          revokeRequest(tx, actor, request.params.id, request.body.comment, request.meta, ctx.clock.now()),
        );
        await sendMails(ctx, mails);
        return revoked;
      },
    );
  };
}
