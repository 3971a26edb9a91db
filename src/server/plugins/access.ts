import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor, AppContext, RequestMeta } from '../../context.js';
import { safeEqual } from '../../crypto/random.js';
import type { Role, SessionStage } from '../../db/schema.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { authenticate } from '../../modules/auth/authenticate.js';
import type { SessionRow } from '../../modules/auth/sessions.js';
import type { Identity } from '../../modules/orgs/service.js';

/**
 * Who may call a route, declared with the route (`config: { access }`) and enforced here,
 * before validation and the handler. A route without a declaration is refused.
 */
export interface Access {
  /** Anyone, signed in or not. */
  public?: true;
  /** Session stages allowed; default: only a fully signed-in session. */
  stages?: readonly SessionStage[];
  /** Roles in the current organisation; default: any. */
  roles?: readonly Role[];
  /** Needs a current organisation; default true. */
  org?: boolean;
  /** API token scope that grants this route; without one, tokens cannot call it. */
  scope?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    actor: Actor | null;
    session: SessionRow | null;
    /** The signed-in user and their organisations, when a session authenticated the request. */
    identity: Identity | null;
    meta: RequestMeta;
    /** Runs `fn` in a transaction scoped to the actor's organisation. */
    tenant<T>(fn: (tx: Tx, actor: Actor & { orgId: string }) => Promise<T>): Promise<T>;
    /** Runs `fn` in a transaction scoped to the actor (no organisation needed). */
    userScope<T>(fn: (tx: Tx, actor: Actor) => Promise<T>): Promise<T>;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function registerAccess(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('session', null);
  app.decorateRequest('identity', null);
  app.decorateRequest('meta', null as unknown as RequestMeta);
  app.decorateRequest('tenant', function tenant<
    T,
  >(this: FastifyRequest, fn: (tx: Tx, actor: Actor & { orgId: string }) => Promise<T>) {
    const actor = this.actor;
    if (!actor?.orgId) throw new AppError('no_organisation', 'Choose an organisation first.');
    return withScope(ctx.database, { orgId: actor.orgId, userId: actor.userId }, (tx) =>
      fn(tx, actor as Actor & { orgId: string }),
    );
  });
  app.decorateRequest('userScope', function userScope<
    T,
  >(this: FastifyRequest, fn: (tx: Tx, actor: Actor) => Promise<T>) {
    const actor = this.actor;
    if (!actor) throw new AppError('unauthenticated');
    return withScope(ctx.database, { orgId: actor.orgId, userId: actor.userId }, (tx) => fn(tx, actor));
  });

  app.addHook('onRequest', async (request) => {
    request.meta = {
      ip: request.ip ?? null,
      userAgent: request.headers['user-agent'] ?? null,
      requestId: String(request.id),
    };
  });

  // preValidation, not preHandler: who may call a route is settled before its input is
  // validated, so an anonymous caller learns nothing from validation errors.
  app.addHook('preValidation', async (request) => {
    // Only API routes carry access rules. An unknown /api/v1 path matches the web app's
    // catch-all (or the 404 handler), which answers not_found; it must not be refused here.
    if (!request.url.startsWith('/api/v1/') || !request.routeOptions.url?.startsWith('/api/v1/')) return;
    const access = request.routeOptions.config.access;
    if (!access) throw new AppError('forbidden', 'This route has no access rule, so nobody may call it.');

    const result = await authenticate(ctx, request);
    request.actor = result.actor;
    request.session = result.session;
    request.identity = result.identity ?? null;

    if (!SAFE_METHODS.has(request.method)) {
      if (access.public) checkOrigin(request, ctx);
      else checkCsrf(request);
    }
    if (access.public) return;

    const actor = result.actor;
    if (!actor) {
      throw result.expired
        ? new AppError('session_expired', 'Your session has expired. Sign in again.')
        : new AppError('unauthenticated', 'Sign in, or send an API token in the Authorization header.');
    }
    const stages = access.stages ?? ['full'];
    if (!stages.includes(actor.stage)) {
      throw actor.stage === 'enrol'
        ? new AppError('mfa_enrolment_required', 'Set up two-factor authentication before going on.')
        : new AppError('mfa_required', 'Enter the code from your authenticator app or use your security key.');
    }
    if (actor.via === 'token') {
      if (!access.scope) throw new AppError('forbidden', 'API tokens cannot call this route; use the web app.');
      if (!actor.scopes?.includes(access.scope)) {
        throw new AppError('insufficient_scope', `This API token needs the scope "${access.scope}".`);
      }
    }
    if (access.org !== false && !actor.orgId) {
      throw new AppError(
        'no_organisation',
        'You do not belong to an organisation yet. Accept an invitation or create one.',
      );
    }
    if (access.roles && (!actor.role || !access.roles.includes(actor.role))) {
      throw new AppError('forbidden', `Only ${access.roles.join(' or ')} members may do this.`);
    }
  });
}

/**
 * Cookie-authenticated writes carry the session's CSRF token in X-CSRF-Token. Requests with no
 * session yet (sign-in, accepting an invitation) must come from our own origin when the
 * browser says where they come from; JSON-only bodies already stop plain cross-site forms.
 */
function checkCsrf(request: FastifyRequest): void {
  if (!request.session) return;
  const sent = request.headers['x-csrf-token'];
  if (typeof sent !== 'string' || !safeEqual(sent, request.session.csrfToken)) {
    throw new AppError('csrf_failed', 'The request is missing its CSRF token. Reload the page and try again.');
  }
}

function checkOrigin(request: FastifyRequest, ctx: AppContext): void {
  const origin = request.headers.origin;
  if (!origin) return;
  const expected = ctx.config.publicUrl
    ? new URL(ctx.config.publicUrl).origin
    : `${request.protocol}://${request.host}`;
  if (origin !== expected) {
    throw new AppError('csrf_failed', 'This request came from another site and was refused.');
  }
}
