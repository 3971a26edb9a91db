import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { AppContext } from '../../context.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The registry /metrics serves: modules add their own metrics to it. */
    metrics: Registry;
  }
}

/** /healthz (the process is up), /readyz (it can serve: database reachable), /metrics. */
export function registerObservability(app: FastifyInstance, ctx: AppContext, ready: () => boolean): void {
  const registry = new Registry();
  app.decorate('metrics', registry);
  collectDefaultMetrics({ register: registry, prefix: 'attest_' });
  const duration = new Histogram({
    name: 'attest_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const problems = new Counter({
    name: 'attest_http_errors_total',
    help: 'Answers with status 400 and above, by code class',
    labelNames: ['status'] as const,
    registers: [registry],
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 400) problems.inc({ status: String(reply.statusCode) });
  });

  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    try {
      await ctx.database.query('SELECT 1');
    } catch {
      return reply.status(503).send({ status: 'unavailable', database: 'unreachable' });
    }
    if (!ready()) return reply.status(503).send({ status: 'starting' });
    return { status: 'ready', database: ctx.database.kind };
  });
  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}
