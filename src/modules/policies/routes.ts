import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { mailNotice } from '../notifications/service.js';
import { acceptancesOf, acceptPolicy, chasePolicy, myPendingPolicies } from './acceptance.js';
import { ACCEPTORS, EDITORS, REVIEWER_ROLES } from './access.js';
import { createPolicy, getPolicy, listPolicies, POLICY_STATUSES, updatePolicy } from './service.js';
import { listVariables, updateVariables } from './variables.js';
import { getVersion, listVersions, versionDiff } from './versions.js';
import { decidePolicy, publishPolicy, submitPolicy, type WithMail } from './workflow.js';

const idParams = z.object({ id: z.uuid() });
const versionParams = z.object({ id: z.uuid(), version: z.coerce.number().int().min(1).max(100_000) });
const Title = z.string().trim().min(3).max(200);
const Summary = z.string().trim().max(400);
const Body = z.string().min(1).max(100_000);
const READERS = ['owner', 'admin', 'auditor'] as const;

/**
 * Policies. Owners and admins write and publish; the named reviewer (or an owner or admin)
 * approves or returns; members see published policies and accept them; auditors read what is
 * published and the acceptance records.
 */
export function policyRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  /** Sends the emails of a committed write (best effort) and answers its result. */
  const afterCommit = async <T>(done: WithMail<T>): Promise<T> => {
    if (done.mail) await mailNotice(ctx, done.mail.to, done.mail.notice);
    return done.result;
  };

  return async (app) => {
    app.get(
      '/policies',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags: ['program'],
          summary: 'Policies you may see, by key (filter by status or text)',
          querystring: z.object({
            status: z.enum(POLICY_STATUSES).optional(),
            q: z.string().max(200).optional(),
            cursor: z.string().max(64).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
        },
      },
      async (request) => request.tenant((tx, actor) => listPolicies(tx, actor, request.query, ctx.clock.now())),
    );

    app.get(
      '/policies/pending',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags: ['me'], summary: 'Published policies you have still to accept, with their text' },
      },
      async (request) => ({ items: await request.tenant((tx, actor) => myPendingPolicies(tx, actor)) }),
    );

    app.post(
      '/policies',
      {
        config: { access: { roles: EDITORS, scope: 'program:write' } },
        schema: {
          tags: ['program'],
          summary: "Add the organisation's own policy, as a draft (audited)",
          body: z.object({ title: Title, summary: Summary.optional(), body: Body }).strict(),
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await request.tenant((tx, actor) => createPolicy(tx, actor, request.body, request.meta, ctx.clock.now())),
          ),
    );

    app.get(
      '/policies/:id',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags: ['program'],
          summary: 'One policy (with its working draft for editors and its reviewer)',
          params: idParams,
        },
      },
      async (request) => request.tenant((tx, actor) => getPolicy(tx, actor, request.params.id, ctx.clock.now())),
    );

    app.patch(
      '/policies/:id',
      {
        config: { access: { roles: EDITORS, scope: 'program:write' } },
        schema: {
          tags: ['program'],
          summary: 'Edit the working draft (a draft in review or approved goes back to draft; audited)',
          params: idParams,
          body: z
            .object({
              title: Title.optional(),
              summary: Summary.optional(),
              body: Body.optional(),
              ownerUserId: z.uuid().nullable().optional(),
              expectedLockVersion: z.number().int().min(1).optional(),
            })
            .strict(),
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          updatePolicy(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
        ),
    );

    app.post(
      '/policies/:id/submit',
      {
        config: { access: { roles: EDITORS, scope: 'program:write' } },
        schema: {
          tags: ['program'],
          summary: 'Send the draft to a named reviewer (audited; the reviewer is notified)',
          params: idParams,
          body: z
            .object({
              reviewerUserId: z.uuid(),
              material: z.boolean().default(true),
              changeSummary: z.string().trim().max(2000).optional(),
            })
            .strict(),
        },
      },
      async (request) =>
        afterCommit(
          await request.tenant((tx, actor) =>
            submitPolicy(tx, actor, request.params.id, request.body, request.meta, ctx.clock.now()),
          ),
        ),
    );

    for (const [path, approve] of [
      ['approve', true],
      ['return', false],
    ] as const) {
      app.post(
        `/policies/:id/${path}`,
        {
          config: { access: { roles: REVIEWER_ROLES, scope: 'program:write' } },
          schema: {
            tags: ['program'],
            summary: approve
              ? 'Approve the draft in review (its reviewer, or an owner or admin; never its submitter)'
              : 'Return the draft in review with a comment (its reviewer, or an owner or admin)',
            params: idParams,
            body: approve
              ? z.object({ comment: z.string().trim().max(2000).optional() }).strict()
              : z.object({ comment: z.string().trim().min(3).max(2000) }).strict(),
          },
        },
        async (request) =>
          afterCommit(
            await request.tenant((tx, actor) =>
              decidePolicy(
                tx,
                actor,
                request.params.id,
                { approve, comment: request.body.comment },
                request.meta,
                ctx.clock.now(),
              ),
            ),
          ),
      );
    }

    app.post(
      '/policies/:id/publish',
      {
        config: { access: { roles: EDITORS, scope: 'program:write' } },
        schema: {
          tags: ['program'],
          summary: 'Publish the approved draft as the next version (material: every member is asked to accept)',
          params: idParams,
          body: z.object({}).strict().optional(),
        },
      },
      async (request) =>
        afterCommit(
          await request.tenant((tx, actor) =>
            publishPolicy(tx, actor, request.params.id, request.meta, ctx.clock.now()),
          ),
        ),
    );

    app.post(
      '/policies/:id/accept',
      {
        // A person accepts in their own session: no API token may accept for them.
        config: { access: { roles: ACCEPTORS } },
        schema: {
          tags: ['me'],
          summary: 'Accept the current published version (only that one; accepting twice changes nothing)',
          params: idParams,
          body: z.object({ version: z.number().int().min(1) }).strict(),
        },
      },
      async (request) =>
        request.tenant((tx, actor) =>
          acceptPolicy(tx, actor, request.params.id, request.body.version, request.meta, ctx.clock.now()),
        ),
    );

    app.get(
      '/policies/:id/acceptances',
      {
        config: { access: { roles: READERS, scope: 'program:read' } },
        schema: {
          tags: ['program'],
          summary: 'Every member who must accept the policy, with the version they accepted (or none)',
          params: idParams,
          querystring: z.object({
            pending: z
              .enum(['true', 'false'])
              .transform((v) => v === 'true')
              .optional(),
            cursor: z.string().max(320).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
        },
      },
      async (request) =>
        request.tenant((tx, actor) => acceptancesOf(tx, actor, request.params.id, request.query, ctx.clock.now())),
    );

    app.post(
      '/policies/:id/chase',
      {
        config: { access: { roles: EDITORS, scope: 'program:write' } },
        schema: {
          tags: ['program'],
          summary: 'Remind the members who have not accepted the current version (in the app and by email; audited)',
          params: idParams,
          body: z.object({}).strict().optional(),
        },
      },
      async (request) =>
        afterCommit(
          await request.tenant((tx, actor) => chasePolicy(tx, actor, request.params.id, request.meta, ctx.clock.now())),
        ),
    );

    app.get(
      '/policies/:id/versions',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags: ['program'], summary: "A policy's published versions, newest first", params: idParams },
      },
      async (request) => ({
        items: await request.tenant((tx, actor) => listVersions(tx, actor, request.params.id)),
      }),
    );

    app.get(
      '/policies/:id/versions/:version',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags: ['program'], summary: 'One published version, with its text', params: versionParams },
      },
      async (request) =>
        request.tenant((tx, actor) => getVersion(tx, actor, request.params.id, request.params.version)),
    );

    app.get(
      '/policies/:id/versions/:version/diff',
      {
        config: { access: { scope: 'program:read' } },
        schema: {
          tags: ['program'],
          summary: 'What changed in a version against the one published before it (line and word hunks)',
          params: versionParams,
        },
      },
      async (request) =>
        request.tenant((tx, actor) => versionDiff(tx, actor, request.params.id, request.params.version)),
    );

    app.get(
      '/policies/:id/versions/:version/pdf',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags: ['program'], summary: 'A published version as a PDF', params: versionParams },
      },
      async (request, reply) => {
        const { version, organisation } = await request.tenant(async (tx, actor) => ({
          version: await getVersion(tx, actor, request.params.id, request.params.version),
          organisation: (
            await tx.selectFrom('organizations').select('name').where('id', '=', actor.orgId).executeTakeFirstOrThrow()
          ).name,
        }));
        // pdfkit is loaded when a PDF is first asked for, not at start-up.
        const { policyPdf } = await import('./pdf.js');
        const pdf = await policyPdf({
          title: version.title,
          version: version.version,
          publishedAt: new Date(version.publishedAt),
          organisation,
          body: version.body,
        });
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="${version.key}-v${version.version}.pdf"`)
          .send(pdf);
      },
    );

    app.get(
      '/policy-variables',
      {
        config: { access: { scope: 'program:read' } },
        schema: { tags: ['program'], summary: 'The variables policies may use, with their defaults and your values' },
      },
      async (request) => ({ items: await request.tenant((tx, actor) => listVariables(tx, actor.orgId)) }),
    );

    app.put(
      '/policy-variables',
      {
        config: { access: { roles: EDITORS, scope: 'program:write' } },
        schema: {
          tags: ['program'],
          summary: 'Set variable values (null or empty: back to the default; audited)',
          body: z.object({ values: z.record(z.string().max(64), z.string().max(500).nullable()) }).strict(),
        },
      },
      async (request) => ({
        items: await request.tenant((tx, actor) =>
          updateVariables(tx, actor, request.body.values, request.meta, ctx.clock.now()),
        ),
      }),
    );
  };
}
