import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { evidenceFile } from '../evidence/erase.js';
import { contentDisposition } from '../evidence/routes.js';
import { auditWho } from '../tokens/service.js';
import { addAuditor, auditWithAuditors, removeAuditor } from './auditors.js';
import { mailAuditorInvitation } from './invite-mail.js';
import { auditActor, knownAudit } from './known.js';
import { auditFor, listAudits, MANAGERS, windowOf } from './model.js';
import { POPULATIONS, population, populationCsv, populationSummaries } from './populations.js';
import { controlsOverWindow, evidenceInWindow } from './portal.js';
import { requestRoutes } from './request-routes.js';
import { linkedToAudit } from './requests.js';
import { AuditChange, createAudit, NewAudit, updateAudit } from './write.js';

const tags = ['audits'];
const idParams = z.object({ id: z.uuid() });
const BUNDLE_ROLES = ['owner', 'admin', 'auditor'] as const;

/**
 * Audits and the auditor portal, under /api/v1. Everyone in the organisation reads audits
 * except that an auditor sees only the audits they are on; owners and admins create and change
 * them and choose their auditors. Tokens: program:read / program:write.
 */
export function auditPortalRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(requestRoutes(ctx));

    app.get(
      '/audits',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags, summary: 'Audits, newest window first (auditors: the audits they are on)' },
      },
      async (request) => ({
        items: await request.tenant((tx, actor) => listAudits(tx, actor, ctx.clock.now())),
      }),
    );

    app.post(
      '/audits',
      {
        config: { access: { roles: MANAGERS, scope: 'program:write' } },
        schema: {
          tags,
          summary: 'Create an audit: framework, kind, observation window, access expiry, firm',
          body: NewAudit,
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await request.tenant((tx, actor) => createAudit(tx, actor, request.body, request.meta, ctx.clock.now())),
          ),
    );

    app.get(
      '/audits/:id',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags, summary: 'One audit (owners and admins also get its auditors)', params: idParams },
      },
      async (request) =>
        request.tenant((tx, actor) => auditWithAuditors(tx, actor, request.params.id, ctx.clock.now())),
    );

    app.patch(
      '/audits/:id',
      {
        config: { access: { roles: MANAGERS, scope: 'program:write' } },
        preValidation: knownAudit(ctx),
        schema: {
          tags,
          summary: 'Change an audit (its status, window, access expiry…)',
          params: idParams,
          body: AuditChange,
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          updateAudit(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        ),
    );

    app.post(
      '/audits/:id/auditors',
      {
        config: { access: { roles: MANAGERS, scope: 'members:write' } },
        preValidation: knownAudit(ctx),
        schema: {
          tags,
          summary:
            'Add an auditor by email: an existing auditor member is linked; anyone else is invited with the auditor role, their membership ending at the audit’s access expiry',
          params: idParams,
          body: z.object({ email: z.email('Enter an email address').max(320) }).strict(),
        },
      },
      async (request, reply) => {
        const now = ctx.clock.now();
        const { added, audit, orgName } = await request.tenant(async (tx, actor) => {
          const added = await addAuditor(ctx, tx, actor, request.params.id, request.body.email, request.meta, now);
          const audit = await auditFor(tx, actor, request.params.id, now);
          const org = await tx
            .selectFrom('organizations')
            .select('name')
            .where('id', '=', actor.orgId)
            .executeTakeFirstOrThrow();
          return { added, audit, orgName: org.name };
        });
        const sent = added.invitation
          ? await mailAuditorInvitation(ctx, request, { ...added.invitation, orgName, auditTitle: audit.title })
          : null;
        return reply.status(201).send({
          auditor: added.auditor,
          invited: Boolean(added.invitation),
          emailed: sent?.emailed ?? false,
          link: sent && !sent.emailed ? sent.link : null,
        });
      },
    );

    app.delete(
      '/audits/:id/auditors/:auditorId',
      {
        config: { access: { roles: MANAGERS, scope: 'members:write' } },
        schema: {
          tags,
          summary: 'Take an auditor off the audit (their access to it ends; a pending invitation for it is withdrawn)',
          params: z.object({ id: z.uuid(), auditorId: z.uuid() }),
        },
      },
      async (request, reply) => {
        await request.tenant((tx, actor) =>
          removeAuditor(tx, actor, request.params.id, request.params.auditorId, request.meta, ctx.clock.now()),
        );
        return reply.status(204).send();
      },
    );

    app.get(
      '/audits/:id/controls',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags,
          summary:
            'Controls in scope of the audit’s framework with their status over the window (the method is in the answer)',
          params: idParams,
        },
      },
      async (request) =>
        request.tenant(async (tx, actor) => {
          const now = ctx.clock.now();
          return controlsOverWindow(tx, await auditFor(tx, actor, request.params.id, now), now);
        }),
    );

    app.get(
      '/audits/:id/evidence',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags,
          summary: 'Evidence whose effective date or period falls in the window, with its ledger state',
          params: idParams,
          querystring: z.object({
            q: z.string().max(200).optional(),
            cursor: z.string().max(200).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(100),
          }),
        },
      },
      async (request) =>
        request.tenant(async (tx, actor) => {
          const audit = await auditFor(tx, actor, request.params.id, ctx.clock.now());
          return evidenceInWindow(tx, ctx, actor, audit, request.query);
        }),
    );

    app.get(
      '/audits/:id/evidence/:evidenceId/download',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags,
          summary: 'An evidence file of the audit (effective in the window, or linked to one of its requests)',
          params: z.object({ id: z.uuid(), evidenceId: z.uuid() }),
        },
      },
      async (request, reply) => {
        const actor = auditActor(request);
        const { id, evidenceId } = request.params;
        await request.tenant(async (tx) => {
          const audit = await auditFor(tx, actor, id, ctx.clock.now());
          const { from, to } = windowOf(audit);
          const row = await tx
            .selectFrom('evidence')
            .select(['effective_from', 'effective_to'])
            .where('id', '=', evidenceId)
            .executeTakeFirst();
          const inWindow = row && (row.effective_to ?? row.effective_from) >= from && row.effective_from < to;
          if (!inWindow && !(await linkedToAudit(tx, audit.id, evidenceId))) {
            throw new AppError(
              'not_found',
              'This evidence is not part of the audit: it is outside the window and linked to no request.',
            );
          }
        });
        const file = await evidenceFile(ctx, actor, evidenceId, request.log);
        return reply
          .header('content-type', 'application/octet-stream')
          .header('content-length', String(file.size))
          .header('content-disposition', contentDisposition(file.name))
          .header('cache-control', 'private, no-store')
          .send(file.stream);
      },
    );

    app.get(
      '/audits/:id/populations',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags,
          summary: 'The populations behind samples, with their source, window and size',
          params: idParams,
        },
      },
      async (request) =>
        request.tenant(async (tx, actor) => ({
          items: await populationSummaries(tx, await auditFor(tx, actor, request.params.id, ctx.clock.now())),
        })),
    );

    const populationParams = z.object({ id: z.uuid(), population: z.enum(POPULATIONS) });

    app.get(
      '/audits/:id/populations/:population',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags,
          summary: 'One population: every row, with its source and the window',
          params: populationParams,
        },
      },
      async (request) =>
        request.tenant(async (tx, actor) =>
          population(tx, await auditFor(tx, actor, request.params.id, ctx.clock.now()), request.params.population),
        ),
    );

    app.get(
      '/audits/:id/populations/:population/csv',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags, summary: 'One population as CSV', params: populationParams },
      },
      async (request, reply) => {
        const p = await request.tenant(async (tx, actor) =>
          population(tx, await auditFor(tx, actor, request.params.id, ctx.clock.now()), request.params.population),
        );
        const name = `${p.id}-${p.window.from.slice(0, 10)}-to-${p.window.to.slice(0, 10)}.csv`;
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', contentDisposition(name))
          .header('cache-control', 'private, no-store')
          .send(populationCsv(p));
      },
    );

    app.post(
      '/audits/:id/bundle',
      {
        config: { access: { roles: BUNDLE_ROLES, scope: 'program:read' } },
        schema: {
          tags,
          summary: 'The evidence bundle of the audit’s window (verify it offline with `attest verify`)',
          params: idParams,
        },
      },
      async (request, reply) => {
        const actor = auditActor(request);
        const audit = await request.tenant((tx) => auditFor(tx, actor, request.params.id, ctx.clock.now()));
        const { from, to } = windowOf(audit);
        const { exportBundle } = await import('../evidence/bundle.js');
        const bundle = await exportBundle(ctx, actor.orgId, auditWho(actor), request.meta, {
          from: from.toISOString(),
          to: to.toISOString(),
        });
        return reply
          .header('content-type', 'application/zip')
          .header('content-disposition', contentDisposition(bundle.fileName))
          .header('cache-control', 'private, no-store')
          .send(bundle.stream);
      },
    );
  };
}
