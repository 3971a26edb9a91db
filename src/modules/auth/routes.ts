import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { membershipsOf } from '../orgs/service.js';
import { SESSION_COOKIES, sessionCookieName } from './authenticate.js';
import { DEVICE_COOKIE_DAYS, DEVICE_COOKIES, newDeviceToken } from './device.js';
import {
  beginTotp,
  listWebauthn,
  mfaStatus,
  type RelyingParty,
  registerWebauthn,
  removeTotp,
  removeWebauthn,
  useTotp,
  useWebauthn,
  webauthnAuthenticationOptions,
  webauthnRegistrationOptions,
} from './mfa.js';
import { PASSWORD_MAX } from './password.js';
import { auditForUser, completeSecondFactor, type LoginResult, login, mfaRequired } from './service.js';
import { revokeSession } from './sessions.js';

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  const secure = request.protocol === 'https';
  reply.setCookie(sessionCookieName(request), token, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}

const deviceCookie = (request: FastifyRequest): string | undefined =>
  request.cookies[DEVICE_COOKIES.secure] ?? request.cookies[DEVICE_COOKIES.plain];

/** Sets the new session cookie; once fully signed in, also the device cookie (see device.ts). */
function signedIn(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, result: LoginResult): void {
  setSessionCookie(request, reply, result.token);
  if (result.stage !== 'full') return;
  const secure = request.protocol === 'https';
  reply.setCookie(secure ? DEVICE_COOKIES.secure : DEVICE_COOKIES.plain, newDeviceToken(ctx.keys, result.email), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: DEVICE_COOKIE_DAYS * 86_400,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  for (const name of Object.values(SESSION_COOKIES)) {
    reply.clearCookie(name, { path: '/', httpOnly: true, sameSite: 'lax', secure: name.startsWith('__Host-') });
  }
}

export function relyingParty(ctx: AppContext, request: FastifyRequest): RelyingParty {
  const origin = ctx.config.publicUrl ? new URL(ctx.config.publicUrl).origin : `${request.protocol}://${request.host}`;
  const id = new URL(origin).hostname;
  if (/^[\d.]+$/.test(id) || id.includes(':')) {
    throw new AppError(
      'bad_request',
      'Security keys need a host name, not an IP address: open Attest at http://localhost:PORT or set ATTEST_PUBLIC_URL.',
    );
  }
  return { id, origin };
}

const Stage = z.object({ stage: z.enum(['mfa', 'enrol', 'full']) });
const Code = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'Enter the 6-digit code'),
});
const CredentialId = z.object({ id: z.string().min(1).max(1024) });
const pending = { stages: ['mfa'] as const, org: false } as const;
const enrolOrFull = { stages: ['enrol', 'full'] as const, org: false } as const;

export function authRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/auth/login',
      {
        config: { access: { public: true }, rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: {
          tags: ['auth'],
          summary: 'Sign in with email and password (first factor)',
          body: z.object({ email: z.string().trim().min(3).max(320), password: z.string().min(1).max(PASSWORD_MAX) }),
          response: { 200: Stage },
        },
      },
      async (request, reply) => {
        const result = await login(ctx, request.body.email, request.body.password, request.meta, deviceCookie(request));
        signedIn(ctx, request, reply, result);
        return { stage: result.stage };
      },
    );

    app.post(
      '/auth/mfa/totp',
      {
        config: { access: pending },
        schema: {
          tags: ['auth'],
          summary: 'Second factor: a code from the authenticator app',
          body: Code,
          response: { 200: Stage },
        },
      },
      async (request, reply) => {
        const session = request.session!;
        const result = await completeSecondFactor(
          ctx,
          session,
          request.meta,
          'totp',
          (tx, now) => useTotp(tx, ctx.keys, session.userId, request.body.code, now, 'login'),
          deviceCookie(request),
        );
        signedIn(ctx, request, reply, result);
        return { stage: result.stage };
      },
    );

    app.post(
      '/auth/mfa/webauthn/options',
      { config: { access: pending }, schema: { tags: ['auth'], summary: 'Second factor: security key challenge' } },
      async (request) =>
        withScope(ctx.database, { userId: request.session!.userId }, (tx) =>
          webauthnAuthenticationOptions(tx, relyingParty(ctx, request), request.session!.id, request.session!.userId),
        ),
    );

    app.post(
      '/auth/mfa/webauthn',
      {
        config: { access: pending },
        schema: {
          tags: ['auth'],
          summary: 'Second factor: security key answer',
          body: z.object({ response: z.looseObject({ id: z.string() }) }),
          response: { 200: Stage },
        },
      },
      async (request, reply) => {
        const session = request.session!;
        const rp = relyingParty(ctx, request);
        const result = await completeSecondFactor(
          ctx,
          session,
          request.meta,
          'webauthn',
          (tx, now) =>
            useWebauthn(
              tx,
              rp,
              session.id,
              session.userId,
              request.body.response as unknown as AuthenticationResponseJSON,
              now,
            ),
          deviceCookie(request),
        );
        signedIn(ctx, request, reply, result);
        return { stage: result.stage };
      },
    );

    app.post(
      '/auth/totp/setup',
      {
        config: { access: enrolOrFull },
        schema: {
          tags: ['auth'],
          summary: 'Start setting up an authenticator app',
          response: { 200: z.object({ secret: z.string(), otpauthUri: z.string(), qrSvg: z.string() }) },
        },
      },
      async (request) => {
        const actor = request.actor!;
        const { secret, otpauthUri } = await request.userScope((tx) =>
          beginTotp(tx, ctx.keys, actor.userId, actor.email, ctx.clock.now()),
        );
        const { default: QRCode } = await import('qrcode');
        const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
        return { secret, otpauthUri, qrSvg };
      },
    );

    app.post(
      '/auth/totp/confirm',
      {
        config: { access: enrolOrFull },
        schema: {
          tags: ['auth'],
          summary: 'Finish setting up the authenticator app',
          body: Code,
          response: { 200: Stage },
        },
      },
      async (request, reply) => {
        const session = request.session!;
        const actor = request.actor!;
        const confirm = async (tx: Parameters<typeof useTotp>[0], now: Date) => {
          const ok = await useTotp(tx, ctx.keys, actor.userId, request.body.code, now, 'confirm');
          if (ok) {
            await auditForUser(tx, actor, await membershipsOf(tx, actor.userId, now), request.meta, now, {
              action: 'auth.mfa_enrolled',
              targetType: 'user',
              targetId: actor.userId,
              details: { method: 'totp' },
            });
          }
          return ok;
        };
        if (session.stage === 'enrol') {
          const result = await completeSecondFactor(ctx, session, request.meta, 'totp', confirm, deviceCookie(request));
          signedIn(ctx, request, reply, result);
          return { stage: result.stage };
        }
        const ok = await request.userScope((tx) => confirm(tx, ctx.clock.now()));
        if (!ok)
          throw new AppError(
            'invalid_mfa_code',
            'The code is wrong. Check the time on your phone and try the next code.',
          );
        return { stage: session.stage };
      },
    );

    app.delete(
      '/auth/totp',
      { config: { access: { org: false } }, schema: { tags: ['auth'], summary: 'Remove the authenticator app' } },
      async (request, reply) => {
        const actor = request.actor!;
        await request.userScope(async (tx) => {
          const now = ctx.clock.now();
          const memberships = await membershipsOf(tx, actor.userId, now);
          const status = await mfaStatus(tx, actor.userId);
          if (mfaRequired(memberships) && status.totp && status.webauthn === 0) {
            throw new AppError(
              'conflict',
              'Owners and admins must keep a second factor: add a security key before removing the app.',
            );
          }
          if (!(await removeTotp(tx, actor.userId))) throw notFound('An authenticator app');
          await auditForUser(tx, actor, memberships, request.meta, now, {
            action: 'auth.mfa_removed',
            targetType: 'user',
            targetId: actor.userId,
            details: { method: 'totp' },
          });
        });
        return reply.status(204).send();
      },
    );

    app.post(
      '/auth/webauthn/register/options',
      { config: { access: enrolOrFull }, schema: { tags: ['auth'], summary: 'Start adding a security key' } },
      async (request) => {
        const actor = request.actor!;
        return request.userScope(async (tx) => {
          const user = await tx
            .selectFrom('users')
            .select(['id', 'email', 'name'])
            .where('id', '=', actor.userId)
            .executeTakeFirstOrThrow();
          return webauthnRegistrationOptions(tx, relyingParty(ctx, request), request.session!.id, user);
        });
      },
    );

    app.post(
      '/auth/webauthn/register',
      {
        config: { access: enrolOrFull },
        schema: {
          tags: ['auth'],
          summary: 'Finish adding a security key',
          body: z.object({
            name: z.string().trim().min(1).max(100).default('Security key'),
            response: z.looseObject({ id: z.string() }),
          }),
        },
      },
      async (request, reply) => {
        const session = request.session!;
        const actor = request.actor!;
        const rp = relyingParty(ctx, request);
        let created: Awaited<ReturnType<typeof registerWebauthn>> | undefined;
        const register = async (tx: Parameters<typeof registerWebauthn>[0], now: Date) => {
          created = await registerWebauthn(
            tx,
            rp,
            session.id,
            actor.userId,
            request.body.name,
            request.body.response as unknown as RegistrationResponseJSON,
            now,
          );
          await auditForUser(tx, actor, await membershipsOf(tx, actor.userId, now), request.meta, now, {
            action: 'auth.mfa_enrolled',
            targetType: 'user',
            targetId: actor.userId,
            details: { method: 'webauthn', name: request.body.name },
          });
          return true;
        };
        if (session.stage === 'enrol') {
          const result = await completeSecondFactor(
            ctx,
            session,
            request.meta,
            'webauthn',
            register,
            deviceCookie(request),
          );
          signedIn(ctx, request, reply, result);
        } else {
          await request.userScope((tx) => register(tx, ctx.clock.now()));
        }
        return created;
      },
    );

    app.get(
      '/auth/webauthn/credentials',
      { config: { access: { org: false } }, schema: { tags: ['auth'], summary: 'Your security keys' } },
      async (request) => ({ items: await request.userScope((tx, actor) => listWebauthn(tx, actor.userId)) }),
    );

    app.delete(
      '/auth/webauthn/credentials/:id',
      {
        config: { access: { org: false } },
        schema: { tags: ['auth'], summary: 'Remove a security key', params: CredentialId },
      },
      async (request, reply) => {
        const actor = request.actor!;
        await request.userScope(async (tx) => {
          const now = ctx.clock.now();
          const memberships = await membershipsOf(tx, actor.userId, now);
          const status = await mfaStatus(tx, actor.userId);
          if (mfaRequired(memberships) && !status.totp && status.webauthn <= 1) {
            throw new AppError(
              'conflict',
              'Owners and admins must keep a second factor: set up an authenticator app first.',
            );
          }
          if (!(await removeWebauthn(tx, actor.userId, request.params.id))) throw notFound('This security key');
          await auditForUser(tx, actor, memberships, request.meta, now, {
            action: 'auth.mfa_removed',
            targetType: 'user',
            targetId: actor.userId,
            details: { method: 'webauthn' },
          });
        });
        return reply.status(204).send();
      },
    );

    app.post(
      '/auth/logout',
      {
        config: { access: { stages: ['mfa', 'enrol', 'full'], org: false } },
        schema: { tags: ['auth'], summary: 'Sign out' },
      },
      async (request, reply) => {
        const session = request.session;
        if (session) {
          await withScope(ctx.database, { userId: session.userId }, async (tx) => {
            const now = ctx.clock.now();
            await revokeSession(tx, session.id, now);
            const user = { id: session.userId, email: request.actor!.email };
            await auditForUser(tx, user, await membershipsOf(tx, user.id, now), request.meta, now, {
              action: 'auth.logout',
              targetType: 'user',
              targetId: user.id,
            });
          });
        }
        clearSessionCookie(reply);
        return reply.status(204).send();
      },
    );
  };
}
