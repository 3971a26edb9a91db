import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError, notFound } from '../../errors.js';
import { renderSecurityTxt } from '../../integrations/security-txt/index.js';
import { controlHealths } from '../readiness/service.js';
import { etagMatches, type TrustCache, type TrustEntry, trustCache } from './cache.js';
import { itemInPlace, trustCatalogue } from './catalogue.js';
import { installTrustFastPath, type TrustFastPath, trustFastPath } from './fast-path.js';
import { renderTrustHtml } from './render.js';
import { loadTrustCenter, publish, SettingsChange, saveDraft, type TrustCenterState, unpublish } from './settings.js';
import { buildTrustView } from './view.js';

const tags = ['trust'];
const READERS = ['owner', 'admin', 'auditor'] as const;
const WRITERS = ['owner', 'admin'] as const;

/**
 * Per address and minute. The cached page is cheap, so its limit is generous (and can be raised
 * for a benchmark with ATTEST_TRUST_RATE_LIMIT); work that reaches the database (an unknown slug,
 * a page rendered after a change) has its own, stricter budget.
 */
export const PAGE_LIMIT_DEFAULT = 600;
export const UNCACHED_LIMIT = 30;
export const SECURITY_TXT_LIMIT = 120;

function pageLimit(): number {
  const configured = Number(process.env.ATTEST_TRUST_RATE_LIMIT);
  return Number.isInteger(configured) && configured > 0 ? configured : PAGE_LIMIT_DEFAULT;
}

async function adminState(ctx: AppContext, request: FastifyRequest, state: TrustCenterState) {
  const actor = request.actor;
  const slug = await request.tenant(async (tx, a) => {
    const org = await tx.selectFrom('organizations').select('slug').where('id', '=', a.orgId).executeTakeFirstOrThrow();
    return org.slug;
  });
  const publicPath = `/trust/${slug}`;
  return {
    ...state,
    slug,
    publicPath,
    publicUrl: ctx.config.publicUrl ? new URL(publicPath, ctx.config.publicUrl).toString() : null,
    canWrite: actor?.role === 'owner' || actor?.role === 'admin',
  };
}

/** The trust center's settings, preview and publishing, under /api/v1 (owners and admins). */
export function trustAdminRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const cache = trustCache(ctx);
  return async (app) => {
    app.get(
      '/trust-center',
      {
        config: { access: { roles: READERS, scope: 'trust:read' } },
        schema: {
          tags,
          summary: 'The trust center: the draft, whether and when it was published, its public path',
        },
      },
      async (request) => {
        const state = await request.tenant((tx, actor) => loadTrustCenter(tx, actor.orgId));
        return adminState(ctx, request, state);
      },
    );

    app.get(
      '/trust-center/catalogue',
      {
        config: { access: { roles: READERS, scope: 'trust:read' } },
        schema: {
          tags,
          summary:
            'The sections and items a trust center can show, the controls behind each and whether it is in place now',
        },
      },
      async (request) =>
        request.tenant(async (tx) => {
          const healths = new Map((await controlHealths(tx, ctx.clock.now())).map((c) => [c.key, c.health]));
          return {
            sections: trustCatalogue().map((s) => ({
              key: s.key,
              title: s.title,
              items: s.items.map((i) => ({
                key: i.key,
                title: i.title,
                text: i.text,
                controls: i.controls.map((key) => ({ key, health: healths.get(key) ?? null })),
                inPlace: itemInPlace(i.controls, healths),
              })),
            })),
          };
        }),
    );

    app.put(
      '/trust-center',
      {
        config: { access: { roles: WRITERS, scope: 'trust:write' } },
        schema: {
          tags,
          summary: 'Save the draft and the own host name (audited); the public page changes only when published',
          body: SettingsChange,
        },
      },
      async (request) => {
        const host = request.body.hostName;
        // Attest's own names are never an organisation's: that would hand it the instance's "/" and security.txt.
        if (host && (host === hostOf(request) || host === instanceHost(ctx) || host === 'localhost')) {
          throw new AppError(
            'validation_failed',
            `${host} is the address of Attest itself. Use a host name of your own, such as trust.example.com.`,
          );
        }
        const state = await request.tenant((tx, actor) =>
          saveDraft(tx, actor, request.body, request.meta, ctx.clock.now()),
        );
        cache.invalidateAll();
        return adminState(ctx, request, state);
      },
    );

    app.get(
      '/trust-center/preview',
      {
        config: { access: { roles: READERS, scope: 'trust:read' } },
        schema: { tags, summary: 'The draft rendered with live state, as the public would see it once published' },
      },
      async (request) =>
        request.tenant(async (tx, actor) => {
          const state = await loadTrustCenter(tx, actor.orgId);
          const org = await tx
            .selectFrom('organizations')
            .select(['slug', 'name'])
            .where('id', '=', actor.orgId)
            .executeTakeFirstOrThrow();
          const view = await buildTrustView(
            tx,
            { orgId: actor.orgId, slug: org.slug, name: org.name },
            state.draft,
            null,
            ctx.clock.now(),
          );
          return { html: renderTrustHtml(view, { preview: true }), view };
        }),
    );

    app.post(
      '/trust-center/publish',
      {
        config: { access: { roles: WRITERS, scope: 'trust:write' } },
        schema: { tags, summary: 'Publish the draft: the public page shows it from now on (audited)' },
      },
      async (request) => {
        const state = await request.tenant((tx, actor) => publish(tx, actor, request.meta, ctx.clock.now()));
        cache.invalidateAll();
        return adminState(ctx, request, state);
      },
    );

    app.post(
      '/trust-center/unpublish',
      {
        config: { access: { roles: WRITERS, scope: 'trust:write' } },
        schema: { tags, summary: 'Take the public page down: it answers 404 like an unknown one (audited)' },
      },
      async (request) => {
        const state = await request.tenant((tx, actor) => unpublish(tx, actor, request.meta, ctx.clock.now()));
        cache.invalidateAll();
        return adminState(ctx, request, state);
      },
    );
  };
}

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** `/trust/acme` → acme as HTML, `/trust/acme.json` → acme as JSON (one route: the router cannot split a segment). */
function parseSlug(raw: string): { slug: string; json: boolean } | null {
  const json = raw.endsWith('.json');
  const slug = json ? raw.slice(0, -5) : raw;
  return SLUG.test(slug) ? { slug, json } : null;
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  entry: TrustEntry,
  json: boolean,
  fast?: TrustFastPath,
): FastifyReply {
  const rendered = json ? entry.json : entry.html;
  fast?.learn(reply);
  if (etagMatches(request.headers['if-none-match'], rendered.etag)) {
    return reply
      .code(304)
      .headers({ etag: rendered.etag, 'cache-control': rendered.headers['cache-control'] ?? '' })
      .send();
  }
  return reply.headers(rendered.headers).send(rendered.body);
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

async function within(limiter: Limiter, request: FastifyRequest, what: string): Promise<void> {
  const result = await limiter(request);
  if (!result.isAllowed && result.isExceeded) {
    throw new AppError('rate_limited', `Too many ${what} from your address. Wait a minute and try again.`, {
      retryAfterSeconds: result.ttlInSeconds,
    });
  }
}

/** A fresh entry from memory, else rendered (within the stricter budget); null when nothing is published there. */
async function entryFor(cache: TrustCache, uncached: Limiter, request: FastifyRequest, slug: string) {
  const fresh = cache.fresh(slug);
  if (fresh) return fresh;
  await within(uncached, request, 'uncached trust center requests');
  return cache.load(slug);
}

/** The host name of ATTEST_PUBLIC_URL, when configured. */
function instanceHost(ctx: AppContext): string | null {
  return ctx.config.publicUrl ? new URL(ctx.config.publicUrl).hostname.toLowerCase() : null;
}

/** The host a request names, lower-case and without a port. */
function hostOf(request: FastifyRequest): string {
  return request.hostname.toLowerCase();
}

/**
 * The published trust center (/trust/:slug, .json), security.txt and custom host names, at the root.
 * It also installs, on the whole server, the hook that drops an organisation's cached page after
 * any change it makes through the API (hence skip-override: the hook must see /api/v1 routes).
 */
export function trustPublicRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const cache = trustCache(ctx);
  const plugin: FastifyPluginAsyncZod = async (app) => {
    // allowList: [] replaces the server-wide one, which lets every path outside /api/ through.
    const pageRate = { max: pageLimit(), timeWindow: '1 minute', allowList: [] };
    // The page's own limit is the fast path's, so requests answered there and here count together.
    const fast = trustFastPath(ctx, pageRate.max);
    installTrustFastPath(app, fast);
    fast.registerMetrics(app.metrics);
    const summary = setInterval(() => fast.logSummary(ctx.log), 60_000).unref();
    app.addHook('onClose', async () => {
      clearInterval(summary);
      fast.logSummary(ctx.log);
    });
    const uncached = app.createRateLimit({ max: UNCACHED_LIMIT, timeWindow: '1 minute', allowList: [] });
    const ownHostPage = app.createRateLimit({ ...pageRate });

    registerTrustInvalidation(app, cache);

    app.get(
      '/trust/:slug',
      {
        config: { access: { public: true } },
        schema: {
          tags,
          summary: "An organisation's published trust center: HTML, or JSON with .json (no sign-in)",
          params: z.object({ slug: z.string().max(100) }),
        },
      },
      async (request, reply) => {
        const now = ctx.clock.now().getTime();
        if (!fast.limit.hit(request.ip, now)) {
          throw new AppError(
            'rate_limited',
            'Too many trust center requests from your address. Wait a minute and try again.',
            {
              retryAfterSeconds: fast.limit.retryAfter(request.ip, now),
            },
          );
        }
        const parsed = parseSlug(request.params.slug);
        if (!parsed) throw notFound('This trust center');
        const entry = await entryFor(cache, uncached, request, parsed.slug);
        if (!entry) throw notFound('This trust center');
        return send(request, reply, entry, parsed.json, fast);
      },
    );

    app.get(
      '/.well-known/security.txt',
      {
        config: {
          access: { public: true },
          rateLimit: { max: SECURITY_TXT_LIMIT, timeWindow: '1 minute', allowList: [] },
        },
        schema: { tags, summary: 'security.txt (RFC 9116) of the organisation on this host, else of the default one' },
      },
      async (request, reply) => {
        const host = hostOf(request);
        const known = await cache.trustHosts();
        const own = host === instanceHost(ctx) ? undefined : known.hosts.get(host);
        const slug = own ?? known.defaultSlug;
        const entry = slug ? await entryFor(cache, uncached, request, slug) : null;
        if (!entry?.contact.email) throw notFound('A security.txt for this host');
        const base = own
          ? `https://${host}`
          : (ctx.config.publicUrl?.replace(/\/$/, '') ?? `${request.protocol}://${request.host}`);
        // RFC 9116 wants https:// web URIs: over plain HTTP (a local demo) Policy and Canonical are left out.
        const secure = base.startsWith('https://');
        const text = renderSecurityTxt({
          contact: [
            `mailto:${entry.contact.email}`,
            ...(entry.contact.url?.startsWith('https://') ? [entry.contact.url] : []),
          ],
          // Computed when served, so the file renews itself.
          expires: new Date(ctx.clock.now().getTime() + 180 * 86_400_000),
          ...(secure
            ? {
                policy: [own ? `${base}/` : `${base}/trust/${entry.slug}`],
                canonical: [`${base}/.well-known/security.txt`],
              }
            : {}),
          preferredLanguages: entry.contact.languages,
        });
        return reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=3600').send(text);
      },
    );

    // An organisation's own host name serves its trust center at "/", ahead of the web app's index.
    app.addHook('onRequest', async (request, reply) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const path = request.url.split('?')[0];
      if (path !== '/') return;
      const host = hostOf(request);
      if (host === instanceHost(ctx)) return;
      const slug = (await cache.trustHosts()).hosts.get(host);
      if (!slug) return;
      const limited = await ownHostPage(request);
      if (!limited.isAllowed && limited.isExceeded) {
        throw new AppError('rate_limited', 'Too many requests from your address. Wait a minute and try again.', {
          retryAfterSeconds: limited.ttlInSeconds,
        });
      }
      const entry = await entryFor(cache, uncached, request, slug);
      if (!entry) return;
      return send(request, reply, entry, false);
    });
  };
  // Not encapsulated: the invalidation hook and the own-host hook apply to every route of the server.
  Object.assign(plugin, { [Symbol.for('skip-override')]: true });
  return plugin;
}

/** After a successful change through the API, the acting organisation's cached trust center is dropped. */
function registerTrustInvalidation(app: FastifyInstance, cache: TrustCache): void {
  app.addHook('onResponse', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
    const orgId = request.actor?.orgId;
    if (orgId && reply.statusCode < 400) cache.invalidate(orgId);
  });
}
