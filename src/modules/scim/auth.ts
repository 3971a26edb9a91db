import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { authenticate } from '../auth/authenticate.js';
import { forbidden, unauthenticated } from './errors.js';

/**
 * Who may call a SCIM route. The access layer (server/plugins/access.ts) guards /api/v1 only,
 * so the SCIM scope enforces the same declaration (`config.access`: scope and roles) itself,
 * with one difference: only API tokens are accepted. Identity providers send a bearer token;
 * a browser's session cookie is never enough, so no CSRF token is needed here.
 */
export async function authoriseScim(ctx: AppContext, request: FastifyRequest): Promise<void> {
  const access = request.routeOptions.config.access;
  if (!access?.scope) throw forbidden('This route has no access rule, so nobody may call it.');
  if (!request.headers.authorization) {
    throw unauthenticated(`Send an API token with the scope "${access.scope}": Authorization: Bearer atst_…`);
  }
  const { actor } = await authenticate(ctx, request);
  if (actor?.via !== 'token') {
    throw unauthenticated(
      'The API token is not valid: it is mistyped, expired or revoked, or its owner left the organisation. Create a new one.',
      true,
    );
  }
  request.actor = actor;
  if (!actor.scopes?.includes(access.scope)) {
    throw forbidden(`This API token needs the scope "${access.scope}".`, true);
  }
  if (access.roles && (!actor.role || !access.roles.includes(actor.role))) {
    throw forbidden(
      `Only tokens of ${access.roles.join(' or ')} members may provision people; this token belongs to a ${actor.role ?? 'former'} member.`,
    );
  }
}
