import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { ROLES, type Role } from '../../db/schema.js';
import { listAudit } from '../audit/service.js';
import { listMembers } from '../members/service.js';

/** The program at a glance. Later capabilities add their figures here. */
export function dashboardRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/dashboard',
      {
        config: { access: { scope: 'org:read' } },
        schema: { tags: ['dashboard'], summary: 'Figures for the dashboard' },
      },
      async (request) =>
        request.tenant(async (tx, actor) => {
          const now = ctx.clock.now();
          const org = await tx
            .selectFrom('organizations')
            .select(['id', 'slug', 'name'])
            .where('id', '=', actor.orgId)
            .executeTakeFirstOrThrow();
          const members = await listMembers(tx);
          const byRole = Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<Role, number>;
          for (const m of members) byRole[m.role]++;
          const counts = await tx
            .selectNoFrom([
              sql<number>`(SELECT count(*)::int FROM invitations WHERE accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ${now})`.as(
                'invitations',
              ),
              sql<number>`(SELECT count(*)::int FROM api_tokens WHERE revoked_at IS NULL AND expires_at > ${now})`.as(
                'tokens',
              ),
            ])
            .executeTakeFirstOrThrow();
          const isAdmin = actor.role === 'owner' || actor.role === 'admin';
          return {
            organisation: org,
            members: { total: members.length, withMfa: members.filter((m) => m.mfa).length, byRole },
            invitations: { pending: counts.invitations },
            tokens: { active: counts.tokens },
            // The audit log is for owners and admins; others see their own recent actions.
            recentActivity: (await listAudit(tx, { limit: 10, ...(isAdmin ? {} : { actor: actor.email }) })).items,
          };
        }),
    );
  };
}
