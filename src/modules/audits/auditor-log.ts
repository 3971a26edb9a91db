import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The audit a portal route is about, when the route names one. */
function auditIdOf(request: FastifyRequest): string | null {
  if (!request.routeOptions.url?.startsWith('/api/v1/audits/:id')) return null;
  const id = (request.params as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && UUID.test(id) ? id : null;
}

/**
 * Every action of an auditor is audit-logged, reads included: for each /api/v1 answer to an
 * actor whose role is auditor, one audit row (`auditor.viewed` for reads, `auditor.acted` for
 * the rest) with the method, route, path, status and the audit when the route names one.
 * Written as the answer is about to go out (onSend, when its status is known), in a transaction
 * of its own, so an answered request always has its row; a failure to log is logged and never
 * fails the request. The portal's changes (requests, acceptances) also write their
 * own audit actions in the transaction that makes them.
 * Called from src/server/app.ts after the access plugin is registered.
 */
export function registerAuditorActivityLog(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const actor = request.actor;
    if (actor?.role !== 'auditor' || !actor.orgId || !request.url.startsWith('/api/v1/')) return payload;
    const orgId = actor.orgId;
    // A refused request (a foreign or unknown id answers 404, a forbidden route 403) is logged by its
    // route alone: the ids the caller put in the path name nothing of this organisation.
    const refused = reply.statusCode >= 400;
    const auditId = refused ? null : auditIdOf(request);
    const route = request.routeOptions.url ?? null;
    const path = refused ? (route ?? 'unknown route') : (request.url.split('?')[0] ?? request.url);
    try {
      await withScope(ctx.database, { orgId, userId: actor.userId }, (tx) =>
        recordAudit(tx, orgId, auditWho(actor), request.meta, ctx.clock.now(), {
          action: READS.has(request.method) ? 'auditor.viewed' : 'auditor.acted',
          targetType: auditId ? 'audit' : 'route',
          targetId: auditId ?? route ?? path,
          details: {
            method: request.method,
            route,
            path: path.slice(0, 500),
            status: reply.statusCode,
            ...(auditId ? { auditId } : {}),
          },
        }),
      );
    } catch (error) {
      request.log.error({ err: error, path }, 'could not write the auditor activity row');
    }
    return payload;
  });
}
