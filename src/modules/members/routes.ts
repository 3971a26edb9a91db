import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { ROLES, type Role } from '../../db/schema.js';
import { withScope } from '../../db/tenancy.js';
import { setSessionCookie } from '../auth/routes.js';
import { stageAfterPassword } from '../auth/service.js';
import { createSession, sessionPolicy } from '../auth/sessions.js';
import { membershipsOf } from '../orgs/service.js';
import {
  acceptInvitation,
  changeRole,
  createInvitation,
  listInvitations,
  listMembers,
  lookupInvitation,
  removeMember,
  revokeInvitation,
} from './service.js';

const admins = ['owner', 'admin'] as const;
const RoleSchema = z.enum(ROLES as [Role, ...Role[]]);
const UserParam = z.object({ userId: z.uuid() });

export function memberRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/members',
      {
        config: { access: { roles: admins, scope: 'org:read' } },
        schema: { tags: ['members'], summary: 'Members of the organisation' },
      },
      async (request) => ({
        items: await request.tenant((tx) => listMembers(tx)),
      }),
    );

    app.patch(
      '/members/:userId',
      {
        config: { access: { roles: admins, scope: 'members:write' } },
        schema: {
          tags: ['members'],
          summary: "Change a member's role",
          params: UserParam,
          body: z.object({ role: RoleSchema }),
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          changeRole(tx, actor, request.params.userId, request.body.role, request.meta, ctx.clock.now()),
        ),
    );

    app.delete(
      '/members/:userId',
      {
        config: { access: { roles: admins, scope: 'members:write' } },
        schema: { tags: ['members'], summary: 'Remove a member', params: UserParam },
      },
      async (request, reply) => {
        await request.tenant((tx, actor) =>
          removeMember(tx, actor, request.params.userId, request.meta, ctx.clock.now()),
        );
        return reply.status(204).send();
      },
    );

    app.get(
      '/invitations',
      {
        config: { access: { roles: admins, scope: 'org:read' } },
        schema: { tags: ['members'], summary: 'Invitations sent' },
      },
      async (request) => ({
        items: await request.tenant((tx) => listInvitations(tx, ctx.clock.now())),
      }),
    );

    app.post(
      '/invitations',
      {
        config: { access: { roles: admins, scope: 'members:write' } },
        schema: {
          tags: ['members'],
          summary: 'Invite someone by email (the link is emailed, or returned when no mail server is set)',
          body: z.object({ email: z.email('Enter an email address').max(320), role: RoleSchema }),
        },
      },
      async (request, reply) => {
        const now = ctx.clock.now();
        const { invitation, token, orgName } = await request.tenant(async (tx, actor) => {
          const created = await createInvitation(ctx, tx, actor, request.body, request.meta, now);
          const org = await tx
            .selectFrom('organizations')
            .select('name')
            .where('id', '=', actor.orgId)
            .executeTakeFirstOrThrow();
          return { ...created, orgName: org.name };
        });
        const base = ctx.config.publicUrl ?? `${request.protocol}://${request.host}`;
        const link = `${base.replace(/\/$/, '')}/invite#token=${encodeURIComponent(token)}`;
        let emailed = false;
        if (ctx.mailer.enabled) {
          try {
            await ctx.mailer.send({
              to: invitation.email,
              subject: `You are invited to ${orgName} on Attest`,
              text: `${request.actor!.email} invited you to join ${orgName} on Attest as ${invitation.role}.\n\nOpen this link to accept (it works once and expires on ${invitation.expiresAt}):\n${link}\n`,
            });
            emailed = true;
          } catch (error) {
            request.log.warn({ err: error }, 'invitation email failed; returning the link instead');
          }
        }
        return reply.status(201).send({ invitation, link: emailed ? null : link, emailed });
      },
    );

    app.delete(
      '/invitations/:id',
      {
        config: { access: { roles: admins, scope: 'members:write' } },
        schema: { tags: ['members'], summary: 'Revoke a pending invitation', params: z.object({ id: z.uuid() }) },
      },
      async (request, reply) => {
        await request.tenant((tx, actor) =>
          revokeInvitation(tx, actor, request.params.id, request.meta, ctx.clock.now()),
        );
        return reply.status(204).send();
      },
    );

    app.get(
      '/invitations/lookup',
      {
        config: { access: { public: true }, rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: {
          tags: ['members'],
          summary: 'What an invitation link is for',
          querystring: z.object({ token: z.string().min(1).max(200) }),
        },
      },
      async (request) => lookupInvitation(ctx, request.query.token),
    );

    app.post(
      '/invitations/accept',
      {
        config: { access: { public: true }, rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: {
          tags: ['members'],
          summary: 'Accept an invitation (creating an account when needed)',
          body: z.object({
            token: z.string().min(1).max(200),
            name: z.string().trim().max(200).optional(),
            password: z.string().max(256).optional(),
          }),
        },
      },
      async (request, reply) => {
        const actor = request.actor?.stage === 'full' ? request.actor : null;
        const joined = await acceptInvitation(ctx, request.body, actor, request.meta);
        if (actor) {
          // Already signed in: switch to the organisation just joined.
          await withScope(ctx.database, { userId: actor.userId }, (tx) =>
            tx
              .updateTable('sessions')
              .set({ current_org: joined.orgId })
              .where('id', '=', request.session!.id)
              .execute(),
          );
          return { stage: 'full' as const };
        }
        const now = ctx.clock.now();
        const { token, stage } = await withScope(ctx.database, { userId: joined.userId }, async (tx) => {
          const memberships = await membershipsOf(tx, joined.userId, now);
          const next = await stageAfterPassword(tx, joined.userId, memberships);
          const session = await createSession(tx, sessionPolicy(ctx.config), now, request.meta, {
            userId: joined.userId,
            stage: next,
            currentOrg: joined.orgId,
          });
          return { token: session.token, stage: next };
        });
        setSessionCookie(request, reply, token);
        return { stage };
      },
    );
  };
}
