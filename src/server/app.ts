import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AppContext } from '../context.js';
import { newId } from '../crypto/random.js';
import { ledgerRoutes } from '../ledger/routes.js';
import { accessRoutes } from '../modules/access/routes.js';
import { agreementRoutes } from '../modules/agreements/routes.js';
import { assessmentRoutes } from '../modules/assessments/routes.js';
import { auditRoutes } from '../modules/audit/routes.js';
import { registerAuditorActivityLog } from '../modules/audits/auditor-log.js';
import { auditPortalRoutes } from '../modules/audits/routes.js';
import { authRoutes } from '../modules/auth/routes.js';
import { continuityRoutes } from '../modules/continuity/routes.js';
import { controlRoutes } from '../modules/controls/routes.js';
import { dashboardRoutes } from '../modules/dashboard/routes.js';
import { evidenceRoutes } from '../modules/evidence/routes.js';
import { frameworkRoutes } from '../modules/frameworks/routes.js';
import { incidentRoutes } from '../modules/incidents/routes.js';
import { meRoutes } from '../modules/me/routes.js';
import { memberRoutes } from '../modules/members/routes.js';
import { monitoringRoutes } from '../modules/monitoring/routes.js';
import { notificationRoutes } from '../modules/notifications/routes.js';
import { oscalRoutes } from '../modules/oscal/routes.js';
import { peopleRoutes } from '../modules/people/routes.js';
import { policyRoutes } from '../modules/policies/routes.js';
import { securityQuestionnaireRoutes } from '../modules/questionnaires/routes.js';
import { readinessRoutes } from '../modules/readiness/routes.js';
import { reviewRoutes } from '../modules/reviews/routes.js';
import { riskRoutes } from '../modules/risks/routes.js';
import { scimRoutes } from '../modules/scim/routes.js';
import { taskRoutes } from '../modules/tasks/routes.js';
import { tokenRoutes } from '../modules/tokens/routes.js';
import { trainingRoutes } from '../modules/training/routes.js';
import { trustAdminRoutes, trustPublicRoutes } from '../modules/trust/routes.js';
import { trustDocumentAdminRoutes, trustDocumentPublicRoutes } from '../modules/trust-documents/routes.js';
import { vendorRoutes } from '../modules/vendors/routes.js';
import { registerAccess } from './plugins/access.js';
import { registerErrorHandling } from './plugins/errors.js';
import { registerObservability } from './plugins/observability.js';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

export interface ServerOptions {
  https?: { cert: Buffer; key: Buffer };
  /** Tells /readyz whether background work has started. */
  ready?: () => boolean;
}

/**
 * Assembles the HTTP server. Order per request: rate limit → authenticate and authorise (the
 * route's declared access) → validate → handler, which opens the tenant transaction.
 */
export async function buildServer(ctx: AppContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  const base: FastifyServerOptions = {
    loggerInstance: ctx.log,
    trustProxy: ctx.config.trustProxy,
    genReqId: () => newId(),
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
  };
  const app = (options.https
    ? Fastify({
        ...base,
        https: { ...options.https, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' },
      } as FastifyServerOptions)
    : Fastify(base)
  ).withTypeProvider<ZodTypeProvider>() as unknown as FastifyInstance;

  // JSON only: a cross-site form or text body cannot reach a handler.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Mantine sets element styles at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: options.https ? [] : null,
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    // Strict-Transport-Security only means something over HTTPS.
    hsts: options.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  await app.register(cookie);
  await app.register(rateLimit, { max: 600, timeWindow: '1 minute', allowList: (req) => !req.url.startsWith('/api/') });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Attest API',
        version: '1',
        description:
          'Send an API token as `Authorization: Bearer atst_…`. Errors are application/problem+json with a stable `code`.',
      },
      components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } },
      security: [{ token: [] }],
    },
    transform: jsonSchemaTransform,
  });

  registerAccess(app, ctx);
  registerObservability(app, ctx, options.ready ?? (() => true));
  registerAuditorActivityLog(app, ctx);

  await app.register(
    async (api) => {
      await api.register(authRoutes(ctx));
      await api.register(meRoutes(ctx));
      await api.register(memberRoutes(ctx));
      await api.register(auditRoutes(ctx));
      await api.register(tokenRoutes(ctx));
      await api.register(dashboardRoutes(ctx));
      await api.register(frameworkRoutes(ctx));
      await api.register(oscalRoutes(ctx));
      await api.register(controlRoutes(ctx));
      await api.register(notificationRoutes(ctx));
      await api.register(readinessRoutes(ctx));
      await api.register(taskRoutes(ctx));
      await api.register(policyRoutes(ctx));
      await api.register(evidenceRoutes(ctx));
      await api.register(ledgerRoutes(ctx));
      await api.register(monitoringRoutes(ctx));
      await api.register(peopleRoutes(ctx));
      await api.register(trainingRoutes(ctx));
      await api.register(agreementRoutes(ctx));
      await api.register(accessRoutes(ctx));
      await api.register(reviewRoutes(ctx));
      await api.register(vendorRoutes(ctx));
      await api.register(riskRoutes(ctx));
      await api.register(incidentRoutes(ctx));
      await api.register(assessmentRoutes(ctx));
      await api.register(continuityRoutes(ctx));
      await api.register(trustAdminRoutes(ctx));
      await api.register(trustDocumentAdminRoutes(ctx));
      await api.register(securityQuestionnaireRoutes(ctx));
      await api.register(auditPortalRoutes(ctx));
    },
    { prefix: '/api/v1' },
  );
  // SCIM 2.0 (RFC 7644) for identity providers: its own path, media type and error format.
  await app.register(scimRoutes(ctx), { prefix: '/scim/v2' });
  // The public face: trust centers, their document requests and security.txt (server-rendered, no sign-in).
  await app.register(trustPublicRoutes(ctx));
  await app.register(trustDocumentPublicRoutes(ctx));
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerWebApp(app);
  return app;
}

/** The React app: static files, and index.html for every other path outside the API. */
function registerWebApp(app: FastifyInstance): void {
  const index = `${WEB_DIST}index.html`;
  if (!existsSync(index)) {
    app.get('/', async (_request, reply) =>
      reply.type('text/plain').send('The web app is not built. Run `npm run build` (npm start does it for you).'),
    );
    return;
  }
  const html = readFileSync(index);
  void app.register(fastifyStatic, { root: WEB_DIST, wildcard: false, index: false, maxAge: '1h', immutable: false });
  app.get('/', async (_request, reply) => reply.type('text/html').header('cache-control', 'no-cache').send(html));
  app.get('/*', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path.startsWith('/api/') || /\.[a-z0-9]+$/i.test(path)) {
      return reply.callNotFound();
    }
    return reply.type('text/html').header('cache-control', 'no-cache').send(html);
  });
}
