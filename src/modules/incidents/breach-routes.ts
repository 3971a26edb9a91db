import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import {
  addCustomers,
  addDelay,
  BreachChange,
  BreachInput,
  breachIncident,
  CustomerInput,
  CustomersPaste,
  DelayInput,
  markBreach,
  NoticeChange,
  parseCustomerLines,
  removeCustomer,
  updateBreach,
  updateNotice,
} from './breach.js';
import { getIncident, loadIncident } from './incidents.js';
import { maySeeBreach, type OrgActor } from './model.js';
import { noticeDocument, noticeFileName, noticeMarkdown } from './notice-doc.js';
import { SendInput, sendNotice } from './send.js';

/** Auditors read the breach workflow but change nothing; the service checks who handles the incident. */
const DOERS = ['owner', 'admin', 'member', 'reviewer'] as const;

const idParams = z.object({ id: z.uuid() });
const customerParams = z.object({ id: z.uuid(), customerId: z.uuid() });
const noticeParams = z.object({ id: z.uuid(), noticeId: z.uuid() });

function orgActor(request: FastifyRequest): OrgActor {
  const actor = request.actor;
  if (!actor?.orgId) throw new AppError('no_organisation', 'Choose an organisation first.');
  return actor as OrgActor;
}

/**
 * The breach workflow of an incident: marking it a breach, its dates and deadline hours, the
 * shared notice text, delays, affected customers, each customer's notice, sending, exports.
 * Open to the incident's owner, owners and admins; auditors read the exports.
 */
export function breachRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    /** Runs a change in one transaction and answers the incident as it now stands. */
    const change = (
      request: FastifyRequest,
      fn: (tx: Parameters<Parameters<FastifyRequest['tenant']>[0]>[0], actor: OrgActor, now: Date) => Promise<unknown>,
    ) =>
      request.tenant(async (tx, actor) => {
        const now = ctx.clock.now();
        await fn(tx, actor, now);
        return getIncident(tx, actor, (request.params as { id: string }).id, now);
      });

    app.post(
      '/incidents/:id/breach',
      {
        config: { access: { roles: DOERS, scope: 'risk:write' } },
        schema: {
          tags: ['incidents'],
          summary: 'Mark the incident a breach of customer data: when it happened (if known) and was discovered',
          params: idParams,
          body: BreachInput,
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await change(request, (tx, actor, now) =>
              markBreach(tx, actor, request.params.id, request.body, request.meta, now),
            ),
          ),
    );

    app.patch(
      '/incidents/:id/breach',
      {
        config: { access: { roles: DOERS, scope: 'risk:write' } },
        schema: {
          tags: ['incidents'],
          summary: "Change the breach's dates or deadline hours, or the notice text every notice shares",
          params: idParams,
          body: BreachChange,
        },
      },
      async (request) =>
        change(request, (tx, actor, now) =>
          updateBreach(tx, actor, request.params.id, request.body, request.meta, now),
        ),
    );

    app.post(
      '/incidents/:id/breach/delays',
      {
        config: { access: { roles: DOERS, scope: 'risk:write' } },
        schema: {
          tags: ['incidents'],
          summary:
            'Record a delay of the notice requested by law enforcement or required by law (hours, or until a time): it extends the deadline',
          params: idParams,
          body: DelayInput,
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await change(request, (tx, actor, now) =>
              addDelay(tx, actor, request.params.id, request.body, request.meta, now),
            ),
          ),
    );

    app.post(
      '/incidents/:id/breach/customers',
      {
        config: { access: { roles: DOERS, scope: 'risk:write' } },
        schema: {
          tags: ['incidents'],
          summary: 'Add an affected customer (a draft notice is made for it)',
          params: idParams,
          body: CustomerInput,
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await change(request, (tx, actor, now) =>
              addCustomers(tx, actor, request.params.id, [request.body], request.meta, now),
            ),
          ),
    );

    app.post(
      '/incidents/:id/breach/customers/paste',
      {
        config: { access: { roles: DOERS, scope: 'risk:write' } },
        schema: {
          tags: ['incidents'],
          summary: 'Add affected customers from lines "Name <email>" (any bad line refuses them all)',
          params: idParams,
          body: CustomersPaste,
        },
      },
      async (request, reply) =>
        reply.status(201).send(
          await change(request, async (tx, actor, now) => {
            // An unknown incident (or another organisation's) is not found, whatever was pasted.
            await breachIncident(tx, actor, request.params.id);
            return addCustomers(tx, actor, request.params.id, parseCustomerLines(request.body.text), request.meta, now);
          }),
        ),
    );

    app.delete(
      '/incidents/:id/breach/customers/:customerId',
      {
        config: { access: { roles: DOERS, scope: 'risk:write' } },
        schema: {
          tags: ['incidents'],
          summary: 'Remove an affected customer whose notice was not sent',
          params: customerParams,
        },
      },
      async (request) =>
        change(request, (tx, actor, now) =>
          removeCustomer(tx, actor, request.params.id, request.params.customerId, request.meta, now),
        ),
    );

    app.patch(
      '/incidents/:id/notices/:noticeId',
      {
        config: { access: { roles: DOERS, scope: 'risk:write' } },
        schema: {
          tags: ['incidents'],
          summary: "Change a draft notice's own text (null: take the shared text again); a sent notice is frozen",
          params: noticeParams,
          body: NoticeChange,
        },
      },
      async (request) =>
        change(request, (tx, actor, now) =>
          updateNotice(tx, actor, request.params.id, request.params.noticeId, request.body, request.meta, now),
        ),
    );

    app.post(
      '/incidents/:id/notices/:noticeId/send',
      {
        config: { access: { roles: DOERS, scope: 'risk:write' } },
        schema: {
          tags: ['incidents'],
          summary:
            'Mark a notice sent (refused with 422 while a required fact is empty); emailed by Attest when SMTP is set and via is email',
          params: noticeParams,
          body: SendInput,
        },
      },
      // Not inside request.tenant: emailing and storing evidence run outside the transaction.
      async (request) => {
        const actor = orgActor(request);
        const result = await sendNotice(
          ctx,
          actor,
          request.params.id,
          request.params.noticeId,
          request.body.via,
          request.meta,
        );
        const incident = await request.tenant((tx, a) => getIncident(tx, a, request.params.id, ctx.clock.now()));
        return { ...result, incident };
      },
    );

    for (const format of ['md', 'pdf'] as const) {
      app.get(
        `/incidents/:id/notices/:noticeId/notice.${format}`,
        {
          config: { access: { scope: 'risk:read' } },
          schema: {
            tags: ['incidents'],
            summary: `The notice as ${format === 'md' ? 'Markdown' : 'PDF'}, as it reads now or as it was sent (audited)`,
            params: noticeParams,
          },
        },
        async (request, reply) => {
          const doc = await request.tenant(async (tx, actor) => {
            const now = ctx.clock.now();
            const incident = await loadIncident(tx, actor, request.params.id);
            if (!maySeeBreach(actor, incident)) throw notFound('This notice');
            const found = await noticeDocument(tx, request.params.id, request.params.noticeId, now);
            await recordAudit(tx, actor.orgId, auditWho(actor), request.meta, now, {
              action: 'incident.notice_exported',
              targetType: 'incident_notice',
              targetId: request.params.noticeId,
              details: { incidentId: request.params.id, format, status: found.status },
            });
            return found;
          });
          const name = noticeFileName(doc, format);
          const body =
            format === 'md'
              ? Buffer.from(noticeMarkdown(doc), 'utf8')
              : await (await import('./notice-pdf.js')).noticePdf(doc);
          return reply
            .type(format === 'md' ? 'text/markdown; charset=utf-8' : 'application/pdf')
            .header('content-disposition', `attachment; filename="${name}"`)
            .header('cache-control', 'private, no-store')
            .send(body);
        },
      );
    }
  };
}
