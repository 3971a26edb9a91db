import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor, AppContext } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditForUser, mfaRequired } from '../auth/service.js';
import { revokeSession, sessionPolicy } from '../auth/sessions.js';
import { createOrganisationIn, type Identity, identityOf, membershipsOf, SLUG_PATTERN } from '../orgs/service.js';
import { auditWho } from '../tokens/service.js';
import { obligationsOf } from './obligations.js';

const anyStage = { stages: ['mfa', 'enrol', 'full'], org: false, scope: 'org:read' } as const;

async function describeMe(
  ctx: AppContext,
  tx: Tx | null,
  actor: Actor,
  session: { csrfToken: string; lastSeenAt: Date; expiresAt: Date } | null,
  orgId: string | null,
  known: Identity | null,
) {
  // Authentication has loaded the user and their organisations already; API tokens have not.
  const identity = known ?? (tx ? await identityOf(tx, actor.userId, ctx.clock.now()) : null);
  if (!identity) throw notFound('This user');
  const { id, email, name } = identity.user;
  const user = { id, email, name };
  const organisations = identity.memberships;
  const current = organisations.find((o) => o.id === orgId) ?? null;
  const mfa = identity.mfa;
  const idle = sessionPolicy(ctx.config).idleMs;
  return {
    user,
    session: session
      ? {
          stage: actor.stage,
          csrfToken: session.csrfToken,
          expiresAt: session.expiresAt.toISOString(),
          idleExpiresAt: new Date(
            Math.min(session.lastSeenAt.getTime() + idle, session.expiresAt.getTime()),
          ).toISOString(),
        }
      : null,
    organisation: current ? { id: current.id, slug: current.slug, name: current.name } : null,
    role: current?.role ?? null,
    organisations,
    mfa: { ...mfa, required: mfaRequired(organisations) },
  };
}

export function meRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/me/obligations',
      {
        config: { access: { scope: 'org:read' } },
        schema: {
          tags: ['me'],
          summary: 'What you owe the security program: policies, training, agreement, reviews, requests, tasks',
        },
      },
      async (request) => ({
        items: await request.tenant((tx, actor) =>
          obligationsOf(tx, { id: actor.userId, email: actor.email, role: actor.role }, ctx.clock.now()),
        ),
      }),
    );

    app.get(
      '/me',
      {
        config: { access: anyStage },
        schema: { tags: ['me'], summary: 'Who you are, your session and organisations' },
      },
      async (request) =>
        // A browser session was described while authenticating: no second transaction.
        request.identity && request.actor
          ? describeMe(ctx, null, request.actor, request.session, request.actor.orgId, request.identity)
          : request.userScope((tx, actor) => describeMe(ctx, tx, actor, request.session, actor.orgId, null)),
    );

    app.post(
      '/me/organisation',
      {
        config: { access: { org: false } },
        schema: {
          tags: ['me'],
          summary: 'Switch to another of your organisations',
          body: z.object({ orgId: z.uuid() }),
        },
      },
      async (request) =>
        request.userScope(async (tx, actor) => {
          const memberships = await membershipsOf(tx, actor.userId, ctx.clock.now());
          if (!memberships.some((m) => m.id === request.body.orgId)) throw notFound('This organisation');
          await tx
            .updateTable('sessions')
            .set({ current_org: request.body.orgId })
            .where('id', '=', request.session!.id)
            .execute();
          return describeMe(ctx, tx, actor, request.session, request.body.orgId, request.identity);
        }),
    );

    app.get(
      '/me/sessions',
      { config: { access: { org: false } }, schema: { tags: ['me'], summary: 'Your active sessions' } },
      async (request) =>
        request.userScope(async (tx, actor) => {
          const now = ctx.clock.now();
          const rows = await tx
            .selectFrom('sessions')
            .select(['id', 'ip', 'user_agent', 'created_at', 'last_seen_at'])
            .where('user_id', '=', actor.userId)
            .where('revoked_at', 'is', null)
            .where('stage', '=', 'full')
            .where('expires_at', '>', now)
            .where('last_seen_at', '>', new Date(now.getTime() - sessionPolicy(ctx.config).idleMs))
            .orderBy('last_seen_at', 'desc')
            .execute();
          return {
            items: rows.map((r) => ({
              id: r.id,
              current: r.id === request.session?.id,
              ip: r.ip,
              userAgent: r.user_agent,
              createdAt: r.created_at.toISOString(),
              lastSeenAt: r.last_seen_at.toISOString(),
            })),
          };
        }),
    );

    app.delete(
      '/me/sessions/:id',
      {
        config: { access: { org: false } },
        schema: { tags: ['me'], summary: 'Sign out one of your sessions', params: z.object({ id: z.uuid() }) },
      },
      async (request, reply) => {
        await request.userScope(async (tx, actor) => {
          const now = ctx.clock.now();
          const row = await tx
            .selectFrom('sessions')
            .select('id')
            .where('id', '=', request.params.id)
            .where('user_id', '=', actor.userId)
            .executeTakeFirst();
          if (!row) throw notFound('This session');
          await revokeSession(tx, row.id, now);
          await auditForUser(tx, actor, await membershipsOf(tx, actor.userId, now), request.meta, now, {
            action: 'auth.session_revoked',
            targetType: 'session',
            targetId: row.id,
          });
        });
        return reply.status(204).send();
      },
    );

    app.post(
      '/organisations',
      {
        config: { access: { org: false } },
        schema: {
          tags: ['organisation'],
          summary: 'Create an organisation (you become its owner)',
          body: z.object({
            name: z.string().trim().min(1).max(200),
            slug: z.string().regex(SLUG_PATTERN, 'Use 2-63 lowercase letters, digits and hyphens').optional(),
          }),
        },
      },
      async (request, reply) => {
        const org = await request.userScope(async (tx, actor) => {
          const created = await createOrganisationIn(tx, request.body, auditWho(actor), request.meta, ctx.clock.now());
          await tx
            .updateTable('sessions')
            .set({ current_org: created.id })
            .where('id', '=', request.session!.id)
            .execute();
          return created;
        });
        return reply.status(201).send(org);
      },
    );

    app.get(
      '/organisation',
      {
        config: { access: { scope: 'org:read' } },
        schema: { tags: ['organisation'], summary: 'The current organisation' },
      },
      async (request) =>
        request.tenant(async (tx, actor) => {
          const org = await tx
            .selectFrom('organizations')
            .select(['id', 'slug', 'name', 'created_at'])
            .where('id', '=', actor.orgId)
            .executeTakeFirstOrThrow();
          return { id: org.id, slug: org.slug, name: org.name, createdAt: org.created_at.toISOString() };
        }),
    );

    app.patch(
      '/organisation',
      {
        config: { access: { roles: ['owner', 'admin'] } },
        schema: {
          tags: ['organisation'],
          summary: 'Rename the current organisation',
          body: z.object({ name: z.string().trim().min(1).max(200) }),
        },
      },
      async (request) =>
        request.tenant(async (tx, actor) => {
          const now = ctx.clock.now();
          const before = await tx
            .selectFrom('organizations')
            .select(['name'])
            .where('id', '=', actor.orgId)
            .executeTakeFirstOrThrow();
          const org = await tx
            .updateTable('organizations')
            .set({ name: request.body.name })
            .where('id', '=', actor.orgId)
            .returning(['id', 'slug', 'name', 'created_at'])
            .executeTakeFirstOrThrow();
          await recordAudit(tx, actor.orgId, auditWho(actor), request.meta, now, {
            action: 'organisation.updated',
            targetType: 'organisation',
            targetId: actor.orgId,
            details: { name: { from: before.name, to: org.name } },
          });
          return { id: org.id, slug: org.slug, name: org.name, createdAt: org.created_at.toISOString() };
        }),
    );
  };
}
