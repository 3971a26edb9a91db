import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor, AppContext } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import type { PersonRegisterFacts } from '../../integrations/types.js';
import { evidenceFile } from '../evidence/erase.js';
import { contentDisposition } from '../evidence/routes.js';
import { loadSettings } from '../monitoring/settings.js';
import { auditWho } from '../tokens/service.js';
import { addBackgroundReport, getBackgroundCheck, saveBackgroundCheck } from './background.js';
import { personFacts, refreshPeople } from './mirror.js';
import { closeOffboarding, listOpenOffboardings, offboardingOf, personOffboarding } from './offboarding.js';
import { onboardingChecklist, onboardingChecklists } from './onboarding.js';
import { createPerson, getPerson, listPeople, type Person, updatePerson } from './register.js';
import { loadPeopleSettings, savePeopleSettings } from './settings.js';

type OrgActor = Actor & { orgId: string };

/** Owners, admins and auditors read the register; owners and admins change it. */
const READ = { scope: 'people:read', roles: ['owner', 'admin', 'auditor'] } as const;
const WRITE = { scope: 'people:write', roles: ['owner', 'admin'] } as const;

const idParams = z.object({ id: z.uuid() });
const day = z.iso.date();
const text = (max: number) => z.string().max(max);
const EMPLOYMENT = ['employee', 'contractor', 'other'] as const;

const PersonInput = z
  .object({
    email: text(320),
    name: text(200),
    employmentType: z.enum(EMPLOYMENT).default('employee'),
    department: text(200).nullish(),
    title: text(200).nullish(),
    managerEmail: text(320).nullish(),
    startDate: day.nullish(),
    endDate: day.nullish(),
  })
  .strict();

const PersonChange = z
  .object({
    email: text(320),
    name: text(200),
    employmentType: z.enum(EMPLOYMENT),
    department: text(200).nullable(),
    title: text(200).nullable(),
    managerEmail: text(320).nullable(),
    startDate: day.nullable(),
    endDate: day.nullable(),
  })
  .partial()
  .strict();

export const PeopleSettingsInput = z
  .object({
    backgroundCheck: z.object({ employee: z.boolean(), contractor: z.boolean(), other: z.boolean() }).strict(),
    agreement: z.boolean(),
    training: z.boolean(),
    trainingGraceDays: z.number().int().min(0).max(365),
    trainingValidityDays: z.number().int().min(30).max(3650),
  })
  .strict();

const BackgroundInput = z
  .object({
    status: z.enum(['not_started', 'in_progress', 'passed', 'failed']),
    provider: text(200).nullish(),
    requestedOn: day.nullish(),
    completedOn: day.nullish(),
    note: text(2000).optional(),
  })
  .strict();

const page = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

function orgActor(request: FastifyRequest): OrgActor {
  const actor = request.actor;
  if (!actor?.orgId) throw new AppError('no_organisation', 'Choose an organisation first.');
  return actor as OrgActor;
}

/** A page of the register: each person with their onboarding progress and, once leaving, their offboarding. */
async function registerPage(tx: Tx, orgId: string, now: Date, filter: Parameters<typeof listPeople>[2]) {
  const result = await listPeople(tx, now, filter);
  const facts = await personFacts(
    tx,
    result.items.map((p) => p.id),
    now,
  );
  const onboarding = await onboardingChecklists(tx, orgId, result.items, now, facts);
  const { departedAccountHours } = await loadSettings(tx);
  return {
    total: result.total,
    items: result.items.map((person) => {
      const o = onboarding.get(person.id);
      const off = offboardingOf(person, facts.get(person.id), departedAccountHours, now);
      return {
        ...person,
        onboarding: { done: o?.done ?? 0, required: o?.required ?? 0, overdue: o?.overdue ?? 0 },
        offboarding: off ? { open: off.open, deadline: off.deadline, ...off.counts } : null,
      };
    }),
  };
}

/** Everything the person page shows. */
async function personDetail(tx: Tx, orgId: string, person: Person, now: Date) {
  const facts: Map<string, PersonRegisterFacts> = await personFacts(tx, [person.id], now);
  const groups = await tx
    .selectFrom('people_group_members as m')
    .innerJoin('people_groups as g', 'g.id', 'm.group_id')
    .select(['g.id', 'g.display_name as displayName'])
    .where('m.person_id', '=', person.id)
    .orderBy('g.display_name')
    .execute();
  return {
    person,
    onboarding: await onboardingChecklist(tx, orgId, person, now, facts),
    backgroundCheck: await getBackgroundCheck(tx, person.id),
    offboarding: await personOffboarding(tx, person, now, facts),
    groups,
  };
}

/**
 * The people register: list, add, change, one person's onboarding checklist, background check
 * and offboarding; onboarding settings; open offboardings and closing them with a report.
 */
export function peopleRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/people',
      {
        config: { access: READ },
        schema: {
          tags: ['people'],
          summary: 'The people register, filtered and paged, with onboarding progress and offboarding state',
          querystring: z.object({
            q: z.string().trim().max(200).optional(),
            status: z.enum(['upcoming', 'active', 'departed']).optional(),
            type: z.enum(EMPLOYMENT).optional(),
            ...page,
          }),
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          registerPage(tx, actor.orgId, ctx.clock.now(), {
            q: request.query.q || undefined,
            status: request.query.status,
            type: request.query.type,
            limit: request.query.limit,
            offset: request.query.offset,
          }),
        ),
    );

    app.post(
      '/people',
      {
        config: { access: WRITE },
        schema: { tags: ['people'], summary: 'Add a person to the register', body: PersonInput },
      },
      async (request, reply) => {
        const now = ctx.clock.now();
        const detail = await request.tenant(async (tx, actor) => {
          const person = await createPerson(
            tx,
            actor.orgId,
            request.body,
            'manual',
            auditWho(actor),
            request.meta,
            now,
          );
          return personDetail(tx, actor.orgId, person, now);
        });
        return reply.status(201).send(detail);
      },
    );

    app.get(
      '/people/settings',
      {
        config: { access: READ },
        schema: { tags: ['people'], summary: 'What onboarding asks of each new person' },
      },
      async (request) => request.tenant((tx) => loadPeopleSettings(tx)),
    );

    app.put(
      '/people/settings',
      {
        config: { access: WRITE },
        schema: {
          tags: ['people'],
          summary: 'Change what onboarding asks (every person is judged again)',
          body: PeopleSettingsInput,
        },
      },
      async (request) => {
        const now = ctx.clock.now();
        return request.tenant(async (tx, actor) => {
          const saved = await savePeopleSettings(tx, actor.orgId, request.body, auditWho(actor), request.meta, now);
          const everyone = await tx.selectFrom('people').select('id').execute();
          await refreshPeople(
            tx,
            actor.orgId,
            everyone.map((p) => p.id),
            now,
          );
          return saved;
        });
      },
    );

    app.get(
      '/people/offboarding',
      {
        config: { access: READ },
        schema: {
          tags: ['people'],
          summary: 'Open offboardings (an end date, not closed), soonest first, with account counts',
          querystring: z.object(page),
        },
      },
      async (request) => request.tenant((tx) => listOpenOffboardings(tx, ctx.clock.now(), request.query)),
    );

    app.get(
      '/people/:id',
      {
        config: { access: READ },
        schema: {
          tags: ['people'],
          summary: 'One person: onboarding checklist, background check, offboarding and groups',
          params: idParams,
        },
      },
      async (request) => {
        const now = ctx.clock.now();
        return request.tenant(async (tx, actor) =>
          personDetail(tx, actor.orgId, await getPerson(tx, request.params.id, now), now),
        );
      },
    );

    app.patch(
      '/people/:id',
      {
        config: { access: WRITE },
        schema: {
          tags: ['people'],
          summary: 'Change a person (only the fields sent); an end date records their departure and opens offboarding',
          params: idParams,
          body: PersonChange,
        },
      },
      async (request) => {
        const now = ctx.clock.now();
        return request.tenant(async (tx, actor) => {
          const person = await updatePerson(
            tx,
            actor.orgId,
            request.params.id,
            request.body,
            auditWho(actor),
            request.meta,
            now,
          );
          return personDetail(tx, actor.orgId, person, now);
        });
      },
    );

    app.put(
      '/people/:id/background-check',
      {
        config: { access: WRITE },
        schema: {
          tags: ['people'],
          summary: "Record a person's background check (status, provider, dates)",
          params: idParams,
          body: BackgroundInput,
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          saveBackgroundCheck(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        ),
    );

    app.get(
      '/people/:id/background-check/report',
      {
        config: { access: READ },
        schema: {
          tags: ['people'],
          summary: "The provider's background check report, decrypted and streamed",
          params: idParams,
        },
      },
      async (request, reply) => {
        const actor = orgActor(request);
        const reportId = await request.tenant(async (tx) => {
          await getPerson(tx, request.params.id, ctx.clock.now());
          return (await getBackgroundCheck(tx, request.params.id))?.reportId ?? null;
        });
        if (!reportId) throw notFound('The background check report');
        return sendEvidence(reply, await evidenceFile(ctx, actor, reportId, request.log));
      },
    );

    app.post(
      '/people/:id/offboarding/close',
      {
        config: { access: WRITE },
        schema: {
          tags: ['people'],
          summary:
            "Close a person's offboarding: every account disabled, or a reason; writes the departure report as evidence of PEO-04",
          params: idParams,
          body: z.object({ reason: z.string().trim().min(10).max(2000).optional() }).strict(),
        },
      },
      async (request) => {
        const actor = orgActor(request);
        const closed = await closeOffboarding(ctx, actor, request.params.id, request.body.reason, request.meta);
        return request.tenant((tx) => personDetail(tx, actor.orgId, closed.person, ctx.clock.now()));
      },
    );

    app.get(
      '/people/:id/offboarding/report',
      {
        config: { access: READ },
        schema: { tags: ['people'], summary: 'The departure report (PDF) of a closed offboarding', params: idParams },
      },
      async (request, reply) => {
        const actor = orgActor(request);
        const person = await request.tenant((tx) => getPerson(tx, request.params.id, ctx.clock.now()));
        if (!person.offboardingReportId) throw notFound('The departure report');
        return sendEvidence(reply, await evidenceFile(ctx, actor, person.offboardingReportId, request.log));
      },
    );

    // Multipart for the report upload only (its own context): every other route takes JSON alone.
    await app.register(async (plugin) => {
      await plugin.register(multipart, {
        limits: { fileSize: ctx.config.maxUploadBytes, files: 1, fields: 0, parts: 2 },
      });
      plugin.withTypeProvider<ZodTypeProvider>().post(
        '/people/:id/background-check/report',
        {
          config: { access: WRITE },
          schema: {
            tags: ['people'],
            summary:
              "Upload the provider's background check report (multipart/form-data, one file part): kept as evidence of PEO-01",
            consumes: ['multipart/form-data'],
            params: idParams,
          },
        },
        async (request, reply) => {
          // An unknown person (or another organisation's) is not found, whatever was sent.
          await request.tenant((tx) => getPerson(tx, request.params.id, ctx.clock.now()));
          if (!request.isMultipart()) {
            throw new AppError('unsupported_media_type', 'Send the report as multipart/form-data with one file part.');
          }
          const part = await request.file();
          if (!part) {
            throw new AppError('validation_failed', 'Add the report: a multipart part named "file".', {
              errors: [{ path: 'body.file', message: 'a file is required' }],
            });
          }
          const result = await addBackgroundReport(
            ctx,
            orgActor(request),
            request.params.id,
            {
              name: part.filename,
              contentType: part.mimetype,
              stream: part.file,
              truncated: () => part.file.truncated,
            },
            request.meta,
          );
          return reply.status(201).send(result);
        },
      );
    });
  };
}

/** Evidence files are always a download, never rendered in our origin. */
function sendEvidence(
  reply: import('fastify').FastifyReply,
  file: { name: string; size: number; stream: import('node:stream').Readable },
) {
  return reply
    .header('content-type', 'application/octet-stream')
    .header('content-length', String(file.size))
    .header('content-disposition', contentDisposition(file.name))
    .header('cache-control', 'private, no-store')
    .send(file.stream);
}
