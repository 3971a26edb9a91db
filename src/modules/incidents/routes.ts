import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { inCurrentOrg, sendMails } from '../access/decisions.js';
import { breachRoutes } from './breach-routes.js';
import { addNote, assignOwner, IncidentChange, NoteInput, StatusChange, setStatus, updateIncident } from './changes.js';
import { deliverEscalations } from './escalation.js';
import { getIncident, listIncidents } from './incidents.js';
import { SEVERITIES, STATUSES } from './model.js';
import { ReportInput, reportIncident } from './report.js';
import { ReviewInput, saveReview } from './review.js';
import { deleteRule, getSettings, RuleInput, SettingsInput, saveRule, saveSettings } from './rules.js';

const MANAGERS = ['owner', 'admin'] as const;
/** Auditors read everything and change nothing. */
const DOERS = ['owner', 'admin', 'member', 'reviewer'] as const;
const SETTINGS_READERS = ['owner', 'admin', 'auditor'] as const;

const idParams = z.object({ id: z.uuid() });
const flag = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

/**
 * The incident register. Anyone but an auditor reports; the reporter adds notes; the incident's
 * owner, owners and admins handle it (status, severity, systems, review, breach workflow);
 * owners and admins assign owners and set escalation rules; auditors read everything. Members
 * and reviewers see the incidents they reported or own (others are not found).
 * Tokens: risk:read / risk:write.
 */
export function incidentRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/incidents',
      {
        config: { access: { scope: 'risk:read' } },
        schema: {
          tags: ['incidents'],
          summary: 'Incidents you may see, newest first (members: those they reported or own)',
          querystring: z.object({
            status: z.enum(STATUSES).optional(),
            severity: z.enum(SEVERITIES).optional(),
            breach: flag,
            open: flag,
            q: z.string().max(200).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
          }),
        },
      },
      async (request) => request.tenant((tx, actor) => listIncidents(tx, actor, request.query)),
    );

    app.post(
      '/incidents',
      {
        config: { access: { roles: DOERS, scope: 'risk:write' } },
        schema: {
          tags: ['incidents'],
          summary: 'Report an incident: title, description, severity, when it was noticed, affected systems',
          body: ReportInput,
        },
      },
      async (request, reply) => {
        const { id, delivery } = await request.tenant((tx, actor) =>
          reportIncident(tx, actor, request.body, request.meta, ctx.clock.now()),
        );
        await deliverEscalations(ctx, [delivery]);
        const detail = await request.tenant((tx, actor) => getIncident(tx, actor, id, ctx.clock.now()));
        return reply.status(201).send(detail);
      },
    );

    app.get(
      '/incidents/assignees',
      {
        config: { access: { scope: 'risk:read' } },
        schema: {
          tags: ['incidents'],
          summary: 'Members who can own an incident or an action item (everyone but auditors)',
        },
      },
      async (request) => ({
        items: await request.tenant((tx) =>
          tx
            .selectFrom('memberships as m')
            .innerJoin('users as u', 'u.id', 'm.user_id')
            .select(['u.id', 'u.email', 'u.name', 'm.role'])
            .where(inCurrentOrg)
            .where('m.role', '<>', 'auditor')
            .where('u.disabled_at', 'is', null)
            .orderBy('u.email')
            .execute(),
        ),
      }),
    );

    app.get(
      '/incidents/settings',
      {
        config: { access: { roles: SETTINGS_READERS, scope: 'risk:read' } },
        schema: { tags: ['incidents'], summary: 'Hours to notify customers of a breach, and the escalation rules' },
      },
      async (request) => request.tenant((tx) => getSettings(tx)),
    );

    app.put(
      '/incidents/settings',
      {
        config: { access: { roles: MANAGERS, scope: 'risk:write' } },
        schema: {
          tags: ['incidents'],
          summary: 'Set the hours from discovery by which customers are notified of a breach (applies to new breaches)',
          body: SettingsInput,
        },
      },
      async (request) =>
        request.tenant((tx, actor) => saveSettings(tx, actor, request.body, request.meta, ctx.clock.now())),
    );

    app.put(
      '/incidents/escalation-rules/:severity',
      {
        config: { access: { roles: MANAGERS, scope: 'risk:write' } },
        schema: {
          tags: ['incidents'],
          summary:
            'Set who is told of incidents of a severity (roles, people, emails, a signed webhook) and the minutes allowed',
          params: z.object({ severity: z.enum(SEVERITIES) }),
          body: RuleInput,
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          saveRule(tx, ctx.keys, actor, request.params.severity, request.body, request.meta, ctx.clock.now()),
        ),
    );

    app.delete(
      '/incidents/escalation-rules/:severity',
      {
        config: { access: { roles: MANAGERS, scope: 'risk:write' } },
        schema: {
          tags: ['incidents'],
          summary: 'Remove the escalation rule of a severity',
          params: z.object({ severity: z.enum(SEVERITIES) }),
        },
      },
      async (request, reply) => {
        await request.tenant((tx, actor) =>
          deleteRule(tx, actor, request.params.severity, request.meta, ctx.clock.now()),
        );
        return reply.status(204).send();
      },
    );

    app.get(
      '/incidents/:id',
      {
        config: { access: { scope: 'risk:read' } },
        schema: {
          tags: ['incidents'],
          summary: 'One incident: timeline, escalations, review, and the breach for those who handle it',
          params: idParams,
        },
      },
      async (request) => request.tenant((tx, actor) => getIncident(tx, actor, request.params.id, ctx.clock.now())),
    );

    app.patch(
      '/incidents/:id',
      {
        config: { access: { roles: DOERS, scope: 'risk:write' } },
        schema: {
          tags: ['incidents'],
          summary: 'Change the title, description, severity (a raise escalates), detection time or affected systems',
          params: idParams,
          body: IncidentChange,
        },
      },
      async (request) => {
        const delivery = await request.tenant((tx, actor) =>
          updateIncident(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        );
        await deliverEscalations(ctx, [delivery]);
        return request.tenant((tx, actor) => getIncident(tx, actor, request.params.id, ctx.clock.now()));
      },
    );

    app.post(
      '/incidents/:id/status',
      {
        config: { access: { roles: DOERS, scope: 'risk:write' } },
        schema: {
          tags: ['incidents'],
          summary: 'Move the incident to a status (SEV1/SEV2 close only with a completed review)',
          params: idParams,
          body: StatusChange,
        },
      },
      async (request) =>
        request.tenant(async (tx, actor) => {
          const now = ctx.clock.now();
          await setStatus(tx, actor, request.params.id, request.body.status, request.body.note, request.meta, now);
          return getIncident(tx, actor, request.params.id, now);
        }),
    );

    app.post(
      '/incidents/:id/owner',
      {
        config: { access: { roles: MANAGERS, scope: 'risk:write' } },
        schema: {
          tags: ['incidents'],
          summary: 'Give the incident an owner (null: none)',
          params: idParams,
          body: z.object({ ownerUserId: z.uuid().nullable() }),
        },
      },
      async (request) => {
        const { mail, detail } = await request.tenant(async (tx, actor) => {
          const now = ctx.clock.now();
          const mail = await assignOwner(tx, actor, request.params.id, request.body.ownerUserId, request.meta, now);
          return { mail, detail: await getIncident(tx, actor, request.params.id, now) };
        });
        if (mail) await sendMails(ctx, [mail]);
        return detail;
      },
    );

    app.post(
      '/incidents/:id/notes',
      {
        config: { access: { roles: DOERS, scope: 'risk:write' } },
        schema: {
          tags: ['incidents'],
          summary: 'Add a note to the timeline, with the time it tells of (default now)',
          params: idParams,
          body: NoteInput,
        },
      },
      async (request, reply) => {
        const detail = await request.tenant(async (tx, actor) => {
          const now = ctx.clock.now();
          await addNote(tx, actor, request.params.id, request.body, request.meta, now);
          return getIncident(tx, actor, request.params.id, now);
        });
        return reply.status(201).send(detail);
      },
    );

    app.put(
      '/incidents/:id/review',
      {
        config: { access: { roles: DOERS, scope: 'risk:write' } },
        schema: {
          tags: ['incidents'],
          summary: 'Save the post-incident review of a resolved incident (complete: true to complete it)',
          params: idParams,
          body: ReviewInput,
        },
      },
      async (request) =>
        request.tenant(async (tx, actor) => {
          const now = ctx.clock.now();
          await saveReview(tx, actor, request.params.id, request.body, request.meta, now);
          return getIncident(tx, actor, request.params.id, now);
        }),
    );

    await app.register(breachRoutes(ctx));
  };
}
