import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { Access } from '../../server/plugins/access.js';
import { auditWho } from '../tokens/service.js';
import { authoriseScim } from './auth.js';
import { SCIM_MEDIA_TYPE, ScimError, sendScimError } from './errors.js';
import { createGroup, deleteGroup, getGroup, listGroups, patchGroup, replaceGroup } from './groups.js';
import type { Json } from './patch.js';
import { paging, project, readFilter, type ScimCall } from './resources.js';
import { resourceTypes, schemaDocuments, serviceProviderConfig } from './schemas.js';
import { LIST_RESPONSE } from './urns.js';
import { createUser, deleteUser, getUser, listUsers, patchUser, replaceUser } from './users.js';

/** Identity providers provision with a token of an owner or admin, with the scope "scim". */
const ACCESS: Access = { scope: 'scim', roles: ['owner', 'admin'] };
const config = { access: ACCESS };
/** A group's members make large bodies (an identity provider's full replace of a big group). */
const BODY_LIMIT = 4 * 1024 * 1024;

const ListQuery = z.object({
  filter: z.string().max(4000).optional(),
  startIndex: z.coerce.number().int().optional(),
  count: z.coerce.number().int().optional(),
  attributes: z.string().max(4000).optional(),
  excludedAttributes: z.string().max(4000).optional(),
});
const Projection = ListQuery.pick({ attributes: true, excludedAttributes: true });
const Id = z.object({ id: z.string().max(200) });

/** Where the service's resources live: the configured public address, else the request's. */
function baseUrl(ctx: AppContext, request: FastifyRequest): string {
  const origin = ctx.config.publicUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.host}`;
  return `${origin}/scim/v2`;
}

const ifMatch = (request: FastifyRequest) => {
  const header = request.headers['if-match'];
  return Array.isArray(header) ? header.join(',') : header;
};

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  const meta = (body as { meta?: { version?: string; location?: string } }).meta;
  if (meta?.version) reply.header('etag', meta.version);
  if (status === 201 && meta?.location) reply.header('location', meta.location);
  return reply.status(status).type(SCIM_MEDIA_TYPE).send(body);
}

/**
 * SCIM 2.0 (RFC 7643, RFC 7644) under /scim/v2: Users (people in the register) and Groups,
 * with discovery. Its own scope: application/scim+json in and out, its own authorisation
 * (auth.ts) and every error in the SCIM error shape, including 401, 403 and unknown paths.
 */
export function scimRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const jsonParser = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser(
      ['application/scim+json', 'application/json'],
      { parseAs: 'string', bodyLimit: BODY_LIMIT },
      (request, body, done) => {
        // A DELETE may come with a content type and no body.
        const text = body.toString();
        if (text.trim() === '') return done(null, undefined);
        jsonParser(request, text, done);
      },
    );
    app.setErrorHandler((error, request, reply) => sendScimError(request, reply, error));
    app.setNotFoundHandler((request, reply) =>
      sendScimError(request, reply, new ScimError(404, `There is no ${request.method} ${request.url.split('?')[0]}.`)),
    );
    app.addHook('onRequest', async (request) => {
      if (!request.is404) await authoriseScim(ctx, request);
    });

    const call = (request: FastifyRequest): ScimCall => ({
      orgId: request.actor!.orgId!,
      who: auditWho(request.actor!),
      meta: request.meta,
      now: ctx.clock.now(),
      base: baseUrl(ctx, request),
    });
    const hide = { hide: true };

    // Discovery (RFC 7644 §4).
    app.get('/ServiceProviderConfig', { config, schema: hide }, async (request, reply) =>
      send(reply, 200, serviceProviderConfig(baseUrl(ctx, request))),
    );
    app.get('/ResourceTypes', { config, schema: hide }, async (request, reply) => {
      const all = resourceTypes(baseUrl(ctx, request));
      return send(reply, 200, list(all));
    });
    app.get('/ResourceTypes/:id', { config, schema: { ...hide, params: Id } }, async (request, reply) => {
      const found = resourceTypes(baseUrl(ctx, request)).find((r) => r.id === request.params.id);
      if (!found) throw new ScimError(404, `There is no resource type ${request.params.id}: User and Group.`);
      return send(reply, 200, found);
    });
    app.get('/Schemas', { config, schema: hide }, async (request, reply) =>
      send(reply, 200, list(schemaDocuments(baseUrl(ctx, request)))),
    );
    app.get('/Schemas/:id', { config, schema: { ...hide, params: Id } }, async (request, reply) => {
      const found = schemaDocuments(baseUrl(ctx, request)).find(
        (s) => s.id.toLowerCase() === request.params.id.toLowerCase(),
      );
      if (!found) throw new ScimError(404, `There is no schema ${request.params.id}.`);
      return send(reply, 200, found);
    });

    // Users.
    app.get('/Users', { config, schema: { ...hide, querystring: ListQuery } }, async (request, reply) => {
      const q = request.query;
      const query = { ...q, filter: readFilter(q.filter), page: paging(q) };
      return send(reply, 200, await request.tenant((tx) => listUsers(tx, call(request), query)));
    });
    app.post('/Users', { config, schema: hide }, async (request, reply) =>
      send(reply, 201, await request.tenant((tx) => createUser(tx, call(request), request.body))),
    );
    app.get(
      '/Users/:id',
      { config, schema: { ...hide, params: Id, querystring: Projection } },
      async (request, reply) => {
        const user = await request.tenant((tx) => getUser(tx, call(request), request.params.id));
        return send(reply, 200, project(user, request.query.attributes, request.query.excludedAttributes));
      },
    );
    app.put('/Users/:id', { config, schema: { ...hide, params: Id } }, async (request, reply) =>
      send(
        reply,
        200,
        await request.tenant((tx) => replaceUser(tx, call(request), request.params.id, request.body, ifMatch(request))),
      ),
    );
    app.patch('/Users/:id', { config, schema: { ...hide, params: Id } }, async (request, reply) =>
      send(
        reply,
        200,
        await request.tenant((tx) => patchUser(tx, call(request), request.params.id, request.body, ifMatch(request))),
      ),
    );
    app.delete('/Users/:id', { config, schema: { ...hide, params: Id } }, async (request, reply) => {
      await request.tenant((tx) => deleteUser(tx, call(request), request.params.id, ifMatch(request)));
      return reply.status(204).send();
    });

    // Groups.
    app.get('/Groups', { config, schema: { ...hide, querystring: ListQuery } }, async (request, reply) => {
      const q = request.query;
      const query = { ...q, filter: readFilter(q.filter), page: paging(q) };
      return send(reply, 200, await request.tenant((tx) => listGroups(tx, call(request), query)));
    });
    app.post('/Groups', { config, schema: hide }, async (request, reply) =>
      send(reply, 201, await request.tenant((tx) => createGroup(tx, call(request), request.body))),
    );
    app.get(
      '/Groups/:id',
      { config, schema: { ...hide, params: Id, querystring: Projection } },
      async (request, reply) =>
        send(reply, 200, await request.tenant((tx) => getGroup(tx, call(request), request.params.id, request.query))),
    );
    app.put('/Groups/:id', { config, schema: { ...hide, params: Id } }, async (request, reply) =>
      send(
        reply,
        200,
        await request.tenant((tx) =>
          replaceGroup(tx, call(request), request.params.id, request.body, ifMatch(request)),
        ),
      ),
    );
    app.patch('/Groups/:id', { config, schema: { ...hide, params: Id } }, async (request, reply) =>
      send(
        reply,
        200,
        await request.tenant((tx) => patchGroup(tx, call(request), request.params.id, request.body, ifMatch(request))),
      ),
    );
    app.delete('/Groups/:id', { config, schema: { ...hide, params: Id } }, async (request, reply) => {
      await request.tenant((tx) => deleteGroup(tx, call(request), request.params.id, ifMatch(request)));
      return reply.status(204).send();
    });

    // What we do not offer answers as SCIM too (not the web app's catch-all).
    app.all('/Bulk', { config, schema: hide }, async () => {
      throw new ScimError(501, 'Bulk operations are not supported: send one request per resource.');
    });
    app.all('/Me', { config, schema: hide }, async () => {
      throw new ScimError(501, '/Me is not supported: a token acts for the organisation, not for a user.');
    });
    app.all('/', { config, schema: hide }, async () => {
      throw new ScimError(404, 'This is the SCIM service: its resources are /Users and /Groups (see /ResourceTypes).');
    });
    app.all('/*', { config, schema: hide }, async (request) => {
      throw new ScimError(404, `There is no ${request.method} ${request.url.split('?')[0]}.`);
    });
  };
}

function list(resources: Json[] | object[]) {
  return {
    schemas: [LIST_RESPONSE],
    totalResults: resources.length,
    itemsPerPage: resources.length,
    startIndex: 1,
    Resources: resources,
  };
}
