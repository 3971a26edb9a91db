import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { AppError, notFound } from '../../errors.js';
import { type AuditActor, auditFor } from './model.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function auditActor(request: FastifyRequest): AuditActor {
  const actor = request.actor;
  if (!actor?.orgId) throw new AppError('no_organisation', 'Choose an organisation first.');
  return actor as AuditActor;
}

/**
 * A route's preValidation: the audit (and the request, when the route names one) is looked up
 * for this actor before the body is validated, so another organisation's id, or an audit an
 * auditor is not on, answers 404 exactly like an unknown id whatever the body holds.
 */
export function knownAudit(ctx: AppContext) {
  return async (request: FastifyRequest) => {
    const { id, requestId } = request.params as { id?: string; requestId?: string };
    if (!id || !UUID.test(id)) throw notFound('This audit');
    if (requestId !== undefined && !UUID.test(requestId)) throw notFound('This request');
    const actor = auditActor(request);
    await request.tenant(async (tx) => {
      await auditFor(tx, actor, id, ctx.clock.now());
      if (requestId === undefined) return;
      const row = await tx
        .selectFrom('audit_requests')
        .select('id')
        .where('id', '=', requestId)
        .where('audit_id', '=', id)
        .executeTakeFirst();
      if (!row) throw notFound('This request');
    });
  };
}
