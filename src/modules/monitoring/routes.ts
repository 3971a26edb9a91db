import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { ConnectionInput, runConnection, saveConnection } from './connections.js';
import { updateControlStatuses } from './results.js';
import {
  checkDetail,
  createException,
  knownKind,
  linkAccount,
  listChecks,
  listExceptions,
  listRecords,
  listSources,
  type OrgActor,
  pushFile,
  revokeException,
} from './service.js';
import { loadSettings, SettingsInput } from './settings.js';
import { SOURCE_KINDS } from './sources.js';

const MANAGERS = ['owner', 'admin'] as const;

function orgActor(request: FastifyRequest): OrgActor {
  const actor = request.actor;
  if (!actor?.orgId) throw new AppError('no_organisation', 'Choose an organisation first.');
  return actor as OrgActor;
}

/**
 * Continuous monitoring: push a source's state (a file, any content type, read as text up to
 * ATTEST_MAX_PUSH_BYTES), the checks with their results, the inventory, exceptions and settings.
 */
export function monitoringRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/monitoring/kinds',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags: ['monitoring'],
          summary: 'The kinds of source a file can be pushed for, and what each accepts',
        },
      },
      async () => ({ items: SOURCE_KINDS.map(({ kind, title, accepts }) => ({ kind, title, accepts })) }),
    );

    app.get(
      '/monitoring/checks',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags: ['monitoring'], summary: 'Every automated check with its current counts, failing first' },
      },
      async (request) =>
        withScope(ctx.database, { orgId: orgActor(request).orgId }, async (tx) => ({
          items: await listChecks(tx, ctx.clock.now()),
        })),
    );

    app.get(
      '/monitoring/checks/:checkId',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags: ['monitoring'],
          summary: 'One check: its current results (failing and overdue first) and recent changes',
          params: z.object({ checkId: z.string().min(1).max(100) }),
          querystring: z.object({
            outcome: z.enum(['pass', 'fail', 'not_applicable']).optional(),
            q: z.string().max(200).optional(),
            cursor: z.string().max(20).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
        },
      },
      async (request) =>
        withScope(ctx.database, { orgId: orgActor(request).orgId }, (tx) =>
          checkDetail(tx, request.params.checkId, ctx.clock.now(), request.query),
        ),
    );

    app.get(
      '/monitoring/sources',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags: ['monitoring'], summary: 'Sources that have pushed, with their last push and record counts' },
      },
      async (request) =>
        withScope(ctx.database, { orgId: orgActor(request).orgId }, async (tx) => ({ items: await listSources(tx) })),
    );

    app.get(
      '/monitoring/records',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags: ['monitoring'],
          summary: 'The inventory: records sources reported (deleted=true for tombstones)',
          querystring: z.object({
            type: z.string().max(40).optional(),
            sourceId: z.uuid().optional(),
            kind: z.string().max(40).optional(),
            q: z.string().max(200).optional(),
            deleted: z
              .enum(['true', 'false'])
              .transform((v) => v === 'true')
              .optional(),
            cursor: z.string().max(400).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
        },
      },
      async (request) =>
        withScope(ctx.database, { orgId: orgActor(request).orgId }, (tx) => listRecords(tx, request.query)),
    );

    app.put(
      '/monitoring/records/:id/person',
      {
        config: { access: { roles: MANAGERS, scope: 'program:write' } },
        schema: {
          tags: ['monitoring'],
          summary: 'Link an account to a person by hand (or unlink with personId null); its checks re-run',
          params: z.object({ id: z.uuid() }),
          body: z.object({ personId: z.uuid().nullable() }),
        },
      },
      async (request) => {
        const actor = orgActor(request);
        return withScope(ctx.database, { orgId: actor.orgId, userId: actor.userId }, (tx) =>
          linkAccount(tx, actor, request.params.id, request.body.personId, request.meta, ctx.clock.now()),
        );
      },
    );

    app.get(
      '/monitoring/exceptions',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags: ['monitoring'], summary: 'Accepted failures, active and past' },
      },
      async (request) =>
        withScope(ctx.database, { orgId: orgActor(request).orgId }, async (tx) => ({
          items: await listExceptions(tx, ctx.clock.now()),
        })),
    );

    app.post(
      '/monitoring/exceptions',
      {
        config: { access: { roles: MANAGERS, scope: 'program:write' } },
        schema: {
          tags: ['monitoring'],
          summary:
            'Accept a failing check (one resource, or all) with a justification until a date; you are the approver',
          body: z.object({
            checkId: z.string().min(1).max(100),
            resource: z.string().max(100).nullish(),
            justification: z.string().max(5000),
            expiresAt: z.union([z.iso.date(), z.iso.datetime({ offset: true })]),
          }),
        },
      },
      async (request, reply) => {
        const actor = orgActor(request);
        const now = ctx.clock.now();
        const created = await withScope(ctx.database, { orgId: actor.orgId, userId: actor.userId }, async (tx) => {
          const result = await createException(
            tx,
            actor,
            { ...request.body, expiresAt: new Date(request.body.expiresAt) },
            request.meta,
            now,
          );
          await updateControlStatuses(tx, actor.orgId, now);
          return result;
        });
        return reply.status(201).send(created);
      },
    );

    app.delete(
      '/monitoring/exceptions/:id',
      {
        config: { access: { roles: MANAGERS, scope: 'program:write' } },
        schema: {
          tags: ['monitoring'],
          summary: 'Revoke an exception: the failure counts again',
          params: z.object({ id: z.uuid() }),
        },
      },
      async (request, reply) => {
        const actor = orgActor(request);
        const now = ctx.clock.now();
        await withScope(ctx.database, { orgId: actor.orgId, userId: actor.userId }, async (tx) => {
          await revokeException(tx, actor, request.params.id, request.meta, now);
          await updateControlStatuses(tx, actor.orgId, now);
        });
        return reply.status(204).send();
      },
    );

    app.get(
      '/monitoring/settings',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags: ['monitoring'],
          summary: 'Remediation deadlines by severity and the other monitoring settings',
        },
      },
      async (request) => withScope(ctx.database, { orgId: orgActor(request).orgId }, (tx) => loadSettings(tx)),
    );

    app.put(
      '/monitoring/settings',
      {
        config: { access: { roles: MANAGERS, scope: 'program:write' } },
        schema: {
          tags: ['monitoring'],
          summary: 'Change monitoring settings (anything left out keeps its default)',
          body: SettingsInput,
        },
      },
      async (request) => {
        const actor = orgActor(request);
        const now = ctx.clock.now();
        return withScope(ctx.database, { orgId: actor.orgId, userId: actor.userId }, async (tx) => {
          await tx
            .insertInto('monitoring_settings')
            .values({
              org_id: actor.orgId,
              settings: JSON.stringify(request.body),
              updated_by: actor.userId,
              updated_at: now,
            })
            .onConflict((oc) =>
              oc
                .column('org_id')
                .doUpdateSet({ settings: JSON.stringify(request.body), updated_by: actor.userId, updated_at: now }),
            )
            .execute();
          await recordAudit(tx, actor.orgId, auditWho(actor), request.meta, now, {
            action: 'monitoring.settings_changed',
            targetType: 'organization',
            targetId: actor.orgId,
            details: request.body,
          });
          return loadSettings(tx);
        });
      },
    );

    app.post(
      '/monitoring/connections',
      {
        config: { access: { roles: MANAGERS, scope: 'program:write' } },
        schema: {
          tags: ['monitoring'],
          summary:
            'Set up a connection Attest runs itself: TLS endpoints, a PostgreSQL server, or the Google Workspace, Okta or GitHub API (credentials sealed with your data key, never shown again)',
          body: ConnectionInput,
        },
      },
      async (request, reply) =>
        reply.status(201).send(await saveConnection(ctx, orgActor(request), request.body, request.meta)),
    );

    app.post(
      '/monitoring/sources/:id/run',
      {
        config: { access: { roles: MANAGERS, scope: 'monitoring:push' } },
        schema: {
          tags: ['monitoring'],
          summary: 'Run a connection now (a probe, or an API pull)',
          params: z.object({ id: z.uuid() }),
        },
      },
      async (request) => {
        const actor = orgActor(request);
        return runConnection(ctx, actor, actor.orgId, request.params.id, request.meta);
      },
    );

    // Pushes take the file as the body, whatever its type (JSON, CSV, NDJSON), as text.
    await app.register(async (plugin) => {
      plugin.removeAllContentTypeParsers();
      plugin.addContentTypeParser('*', { parseAs: 'string', bodyLimit: ctx.config.maxPushBytes }, (_req, body, done) =>
        done(null, body),
      );
      plugin.withTypeProvider<ZodTypeProvider>().post(
        '/monitoring/push/:kind',
        {
          config: { access: { roles: MANAGERS, scope: 'monitoring:push' } },
          schema: {
            tags: ['monitoring'],
            summary:
              "Push a source's full state: the tool's output file as the body (any content type); Idempotency-Key honoured",
            params: z.object({ kind: z.string().min(1).max(40) }),
            querystring: z.object({ name: z.string().max(100).optional(), fileName: z.string().max(255).optional() }),
          },
        },
        async (request, reply) => {
          const actor = orgActor(request);
          knownKind(request.params.kind);
          if (typeof request.body !== 'string') {
            throw new AppError('import_invalid', 'Send the file as the request body.');
          }
          const key = request.headers['idempotency-key'];
          const summary = await pushFile(
            ctx,
            actor,
            actor.orgId,
            {
              kind: request.params.kind,
              name: request.query.name,
              fileName: request.query.fileName,
              body: request.body,
              idempotencyKey: Array.isArray(key) ? key[0] : key,
            },
            request.meta,
          );
          return reply.status(summary.replayed ? 200 : 201).send(summary);
        },
      );
    });
  };
}
