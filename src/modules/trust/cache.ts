import { createHash } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { loadTrustHosts, publishedTrustOrg, type TrustHosts } from './published.js';
import { renderTrustHtml } from './render.js';
import type { TrustSettings } from './settings.js';
import { buildTrustView } from './view.js';

/**
 * Rendered trust centers, in memory, per server. The hot path (a fresh entry) runs no query and
 * renders nothing: it sends a prepared Buffer with prepared headers. An entry is dropped when its
 * organisation changes anything through the API (see registerTrustInvalidation) and is at most
 * MAX_AGE_MS old, because time alone can turn a check (a task falls overdue, a result ages).
 */
export const MAX_AGE_MS = 60_000;
const CACHE_CONTROL = `public, max-age=${MAX_AGE_MS / 1000}`;
/** The public page runs no script and loads nothing: its own, tighter policy than the app's. */
const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export interface Rendered {
  body: Buffer;
  etag: string;
  headers: Record<string, string>;
}

export interface TrustEntry {
  orgId: string;
  slug: string;
  html: Rendered;
  json: Rendered;
  /** What security.txt needs from the published settings. */
  contact: { email: string | null; url: string | null; languages: string[] };
  expiresAt: number;
}

function prepared(body: string, type: string): Rendered {
  const bytes = Buffer.from(body, 'utf8');
  const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
  return {
    body: bytes,
    etag,
    headers: {
      'content-type': type,
      'content-length': String(bytes.length),
      etag,
      'cache-control': CACHE_CONTROL,
      'content-security-policy': PAGE_CSP,
    },
  };
}

/** True when an If-None-Match header names this entity tag (or `*`). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

export class TrustCache {
  private readonly entries = new Map<string, TrustEntry>();
  private readonly loading = new Map<string, Promise<TrustEntry | null>>();
  private hosts: { value: TrustHosts; expiresAt: number } | null = null;
  private hostsLoading: Promise<TrustHosts> | null = null;
  /** Bumped by every invalidation, so a render that began before one is not kept. */
  private version = 0;

  constructor(private readonly ctx: AppContext) {}

  /** The entry for a slug if it is fresh: no I/O. */
  fresh(slug: string): TrustEntry | undefined {
    const entry = this.entries.get(slug);
    return entry && entry.expiresAt > this.ctx.clock.now().getTime() ? entry : undefined;
  }

  /** Renders (once, however many ask at the same moment) the published trust center at a slug. */
  load(slug: string): Promise<TrustEntry | null> {
    const pending = this.loading.get(slug);
    if (pending) return pending;
    const started = this.version;
    const promise = this.render(slug)
      .then((entry) => {
        if (entry && this.version === started) this.entries.set(slug, entry);
        if (!entry) this.entries.delete(slug);
        return entry;
      })
      .finally(() => this.loading.delete(slug));
    this.loading.set(slug, promise);
    return promise;
  }

  private async render(slug: string): Promise<TrustEntry | null> {
    const org = await publishedTrustOrg(this.ctx, slug);
    if (!org) return null;
    const now = this.ctx.clock.now();
    return withScope(this.ctx.database, { orgId: org.orgId }, async (tx) => {
      const row = await tx
        .selectFrom('trust_centers')
        .select(['published', 'published_at'])
        .where('org_id', '=', org.orgId)
        .executeTakeFirst();
      if (!row?.published || !row.published_at) return null;
      const settings = row.published as TrustSettings;
      const view = await buildTrustView(tx, org, settings, new Date(row.published_at).toISOString(), now);
      const jsonHref = `/trust/${org.slug}.json`;
      return {
        orgId: org.orgId,
        slug: org.slug,
        html: prepared(renderTrustHtml(view, { jsonHref }), 'text/html; charset=utf-8'),
        json: prepared(JSON.stringify(view), 'application/json; charset=utf-8'),
        contact: { email: settings.contactEmail, url: settings.contactUrl, languages: settings.languages },
        expiresAt: now.getTime() + MAX_AGE_MS,
      };
    });
  }

  /** Own host names and the default organisation, re-read at most every MAX_AGE_MS or after a trust change. */
  async trustHosts(): Promise<TrustHosts> {
    if (this.hosts && this.hosts.expiresAt > this.ctx.clock.now().getTime()) return this.hosts.value;
    if (!this.hostsLoading) {
      const started = this.version;
      this.hostsLoading = loadTrustHosts(this.ctx)
        .then((value) => {
          if (this.version === started) this.hosts = { value, expiresAt: this.ctx.clock.now().getTime() + MAX_AGE_MS };
          return value;
        })
        .finally(() => {
          this.hostsLoading = null;
        });
    }
    return this.hostsLoading;
  }

  /** Drops what an organisation's change may have made untrue. */
  invalidate(orgId: string, options: { hosts?: boolean } = {}): void {
    this.version++;
    for (const [slug, entry] of this.entries) if (entry.orgId === orgId) this.entries.delete(slug);
    if (options.hosts) this.hosts = null;
  }

  /** After a publish or unpublish: the slug may now answer differently, whatever it answered before. */
  invalidateAll(): void {
    this.version++;
    this.entries.clear();
    this.hosts = null;
  }
}

const caches = new WeakMap<AppContext, TrustCache>();

/** One cache per running server (tests build several servers in one process). */
export function trustCache(ctx: AppContext): TrustCache {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = new TrustCache(ctx);
    caches.set(ctx, cache);
  }
  return cache;
}

/**
 * For work outside a request that changes what a trust center says (a job re-evaluating checks):
 * drops the organisation's page now instead of at its max age.
 */
export function invalidateTrustCenter(ctx: AppContext, orgId: string): void {
  caches.get(ctx)?.invalidate(orgId);
}
