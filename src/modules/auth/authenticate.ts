import type { FastifyRequest } from 'fastify';
import type { Actor, AppContext } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { membershipsOf } from '../orgs/service.js';
import { findApiToken, parseApiToken } from '../tokens/service.js';
import { resolveSession, type SessionRow, sessionPolicy } from './sessions.js';

/** `__Host-` cookies must be Secure, so plain-HTTP installs use the unprefixed name. */
export const SESSION_COOKIES = { secure: '__Host-attest_session', plain: 'attest_session' } as const;

export interface Authentication {
  actor: Actor | null;
  session: SessionRow | null;
  /** A session cookie was sent but its session has expired. */
  expired: boolean;
}

const NOBODY: Authentication = { actor: null, session: null, expired: false };

export function sessionCookieName(request: FastifyRequest): string {
  return request.protocol === 'https' ? SESSION_COOKIES.secure : SESSION_COOKIES.plain;
}

/** Establishes who is calling: an API token in Authorization, or the session cookie. */
export async function authenticate(ctx: AppContext, request: FastifyRequest): Promise<Authentication> {
  const header = request.headers.authorization;
  if (header) {
    const [kind, value] = header.split(' ', 2);
    const parsed = kind?.toLowerCase() === 'bearer' && value ? parseApiToken(value) : null;
    if (!parsed) return NOBODY;
    const actor = await findApiToken(ctx, parsed);
    return { actor, session: null, expired: false };
  }
  const token = request.cookies[SESSION_COOKIES.secure] ?? request.cookies[SESSION_COOKIES.plain];
  if (!token) return NOBODY;
  return withScope(ctx.database, {}, async (tx) => {
    const found = await resolveSession(tx, sessionPolicy(ctx.config), ctx.clock, token);
    if (!found.ok) return { actor: null, session: null, expired: found.reason === 'expired' };
    const session = found.session;
    const user = await tx
      .selectFrom('users')
      .select(['id', 'email', 'disabled_at'])
      .where('id', '=', session.userId)
      .executeTakeFirst();
    if (!user || user.disabled_at) return NOBODY;
    const memberships = await membershipsOf(tx, user.id, ctx.clock.now());
    // The organisation chosen may have removed the user since: fall back to another one.
    const current = memberships.find((m) => m.id === session.currentOrg) ?? memberships[0] ?? null;
    const actor: Actor = {
      userId: user.id,
      email: user.email,
      orgId: current?.id ?? null,
      role: current?.role ?? null,
      stage: session.stage,
      via: 'session',
      sessionId: session.id,
    };
    return { actor, session, expired: false };
  });
}
