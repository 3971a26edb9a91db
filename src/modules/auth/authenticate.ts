import type { FastifyRequest } from 'fastify';
import type { Actor, AppContext } from '../../context.js';
import { setScope, withScope } from '../../db/tenancy.js';
import { type Identity, identityOf } from '../orgs/service.js';
import { findApiToken, parseApiToken } from '../tokens/service.js';
import { resolveSession, type SessionRow, sessionPolicy } from './sessions.js';

/** `__Host-` cookies must be Secure, so plain-HTTP installs use the unprefixed name. */
export const SESSION_COOKIES = { secure: '__Host-attest_session', plain: 'attest_session' } as const;

export interface Authentication {
  actor: Actor | null;
  session: SessionRow | null;
  /** The session's user and organisations, as loaded to authenticate (reused by /me). */
  identity?: Identity;
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
    await setScope(tx, { userId: session.userId });
    const identity = await identityOf(tx, session.userId, ctx.clock.now());
    if (!identity || identity.user.disabled) return NOBODY;
    const { user, memberships } = identity;
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
    return { actor, session, identity, expired: false };
  });
}
