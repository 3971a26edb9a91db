import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { completeTask, MAX_FILE_BYTES, readTaskFile, uploadTaskFile } from './complete.js';
import { CADENCES } from './schedule.js';
import { createTask, getTask, listTasks, TASK_STATUSES, taskHistory, updateTask } from './service.js';

const MANAGERS = ['owner', 'admin'] as const;
/** Auditors read every task but never write. */
const DOERS = ['owner', 'admin', 'member', 'reviewer'] as const;

const idParams = z.object({ id: z.uuid() });
const dueAt = z.iso.datetime({ offset: true });

/** `filename*` carries the real name; the plain `filename` an ASCII stand-in for old clients. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Evidence tasks. Owners and admins see and manage all of them; members and reviewers see and
 * complete the tasks assigned to them (anyone else's is not found); auditors read them all.
 */
export function taskRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/tasks',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags: ['program'],
          summary: 'Evidence tasks you may see, soonest due first (filter by status, assignee, control, overdue)',
          querystring: z.object({
            status: z.enum(TASK_STATUSES).optional(),
            assignee: z.union([z.enum(['me', 'none']), z.uuid()]).optional(),
            controlId: z.uuid().optional(),
            overdue: z
              .enum(['true', 'false'])
              .transform((v) => v === 'true')
              .optional(),
            dueBefore: dueAt.optional(),
            cursor: z.string().max(200).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
        },
      },
      async (request) => request.tenant((tx, actor) => listTasks(tx, actor, request.query, ctx.clock.now())),
    );

    app.get(
      '/tasks/:id',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags: ['program'], summary: 'One evidence task', params: idParams },
      },
      async (request) => request.tenant((tx, actor) => getTask(tx, actor, request.params.id, ctx.clock.now())),
    );

    app.get(
      '/tasks/:id/history',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags: ['program'],
          summary: "The completed occurrences of a task's series, newest first",
          params: idParams,
        },
      },
      async (request) => ({
        items: await request.tenant((tx, actor) => taskHistory(tx, actor, request.params.id, ctx.clock.now())),
      }),
    );

    app.post(
      '/controls/:id/tasks',
      {
        config: { access: { roles: MANAGERS, scope: 'program:write' } },
        schema: {
          tags: ['program'],
          summary: 'Add an evidence task to a control (audited)',
          params: idParams,
          body: z
            .object({
              title: z.string().trim().min(3).max(200),
              description: z.string().trim().max(5000).optional(),
              cadence: z.enum(CADENCES),
              assigneeUserId: z.uuid().nullable().optional(),
              dueAt,
            })
            .strict(),
        },
      },
      async (request, reply) => {
        const task = await request.tenant((tx, actor) =>
          createTask(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        );
        return reply.status(201).send(task);
      },
    );

    app.patch(
      '/tasks/:id',
      {
        config: { access: { roles: MANAGERS, scope: 'program:write' } },
        schema: {
          tags: ['program'],
          summary: 'Reassign, reschedule, rename or cancel an open task (audited)',
          params: idParams,
          body: z
            .object({
              title: z.string().trim().min(3).max(200).optional(),
              description: z.string().trim().max(5000).optional(),
              assigneeUserId: z.uuid().nullable().optional(),
              dueAt: dueAt.optional(),
              status: z.literal('cancelled').optional(),
            })
            .strict(),
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          updateTask(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        ),
    );

    app.post(
      '/tasks/:id/complete',
      {
        config: { access: { roles: DOERS, scope: 'program:write' } },
        schema: {
          tags: ['program'],
          summary: 'Complete an open task with a link (http/https) or a note; schedules the next occurrence',
          params: idParams,
          body: z
            .object({
              kind: z.enum(['link', 'note']),
              url: z.string().max(2000).optional(),
              note: z.string().max(20_000).optional(),
            })
            .strict(),
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          completeTask(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        ),
    );

    // Raw uploads, for this route only (its own context): every other route takes JSON alone.
    await app.register(async (plugin) => {
      const files = plugin.withTypeProvider<ZodTypeProvider>();
      files.addContentTypeParser(
        'application/octet-stream',
        { parseAs: 'buffer', bodyLimit: MAX_FILE_BYTES },
        (_r, body, done) => done(null, body),
      );
      files.put(
        '/tasks/:id/file',
        {
          bodyLimit: MAX_FILE_BYTES,
          config: { access: { roles: DOERS, scope: 'program:write' } },
          schema: {
            tags: ['program'],
            summary:
              'Complete an open task with a file (raw application/octet-stream body, up to 10 MiB, stored encrypted)',
            params: idParams,
            querystring: z.object({
              name: z.string().min(1).max(255),
              type: z
                .string()
                .regex(/^[\w.+-]+\/[\w.+-]+$/)
                .max(100)
                .optional(),
            }),
          },
        },
        async (request) =>
          request.tenant((tx, actor) =>
            uploadTaskFile(
              tx,
              ctx,
              actor,
              request.params.id,
              {
                name: request.query.name,
                contentType: request.query.type,
                bytes: Buffer.isBuffer(request.body) ? request.body : undefined,
              },
              request.meta,
              ctx.clock.now(),
            ),
          ),
      );
    });

    app.get(
      '/tasks/:id/file',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags: ['program'], summary: 'The file that completed a task, decrypted', params: idParams },
      },
      async (request, reply) => {
        const file = await request.tenant((tx, actor) =>
          readTaskFile(tx, ctx, actor, request.params.id, ctx.clock.now()),
        );
        // Always a download, never rendered in our origin, whatever the uploader said it was.
        return reply
          .header('content-type', 'application/octet-stream')
          .header('content-disposition', contentDisposition(file.name))
          .header('cache-control', 'private, no-store')
          .send(file.bytes);
      },
    );
  };
}
