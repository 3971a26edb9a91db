import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { AppContext } from '../../context.js';
import { newId } from '../../crypto/random.js';
import { ERRORS } from '../../errors.js';
import { etagMatches, type TrustCache, type TrustEntry, trustCache } from './cache.js';

/**
 * The trust center's hot path, ahead of Fastify. A GET or HEAD of `/trust/<slug>` or
 * `/trust/<slug>.json` whose page is fresh in the cache is answered straight from memory: the
 * prepared body and headers, the security headers the full path sent for the same page, a new
 * request id, the same per-address limit. Anything else (a page not rendered yet or out of date,
 * an unknown slug, any other path, a deployment behind a proxy list) goes to Fastify unchanged,
 * and the full path renders, caches and answers. So the fast path only ever repeats an answer the
 * full path gave, minus the per-request work (hooks, logging, timing) that costs more than the
 * page itself. Its answers are counted by status (three integers): /metrics reads them when
 * scraped, and the log gets one line a minute with what it answered, instead of a line each.
 */

/** Headers that belong to one response, not to every response for a trust page. */
const PER_RESPONSE = new Set([
  'content-length',
  'content-type',
  'content-security-policy',
  'etag',
  'cache-control',
  'x-request-id',
  'date',
  'retry-after',
  'connection',
  'keep-alive',
  'transfer-encoding',
]);

interface Window {
  count: number;
  resetAt: number;
}

/** A fixed one-minute window per address, shared by both paths so a client's total is what counts. */
export class AddressLimit {
  private readonly windows = new Map<string, Window>();
  private sweepAt = 0;

  constructor(
    readonly max: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Counts one request; false once the address is over its budget for the current window. */
  hit(address: string, now: number): boolean {
    if (now >= this.sweepAt) this.sweep(now);
    let window = this.windows.get(address);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(address, window);
    }
    window.count++;
    return window.count <= this.max;
  }

  /** Seconds until the address's window starts again. */
  retryAfter(address: string, now: number): number {
    const window = this.windows.get(address);
    return window ? Math.max(1, Math.ceil((window.resetAt - now) / 1000)) : 1;
  }

  private sweep(now: number): void {
    for (const [address, window] of this.windows) if (window.resetAt <= now) this.windows.delete(address);
    this.sweepAt = now + this.windowMs;
  }
}

export class TrustFastPath {
  /** The headers every trust page answer carries (helmet's), learnt from the full path's first answer. */
  private shared: [string, string][] | null = null;
  /** Answers given here, by status, since the server started. */
  readonly counts = { ok: 0, notModified: 0, limited: 0 };
  private logged = { ...this.counts };

  constructor(
    private readonly ctx: AppContext,
    private readonly cache: TrustCache,
    readonly limit: AddressLimit,
  ) {}

  /** Pages answered here (200 and 304). */
  get served(): number {
    return this.counts.ok + this.counts.notModified;
  }

  /** Puts the counts in the server's metrics, read when /metrics is scraped. */
  registerMetrics(registry: Registry): void {
    const counts = this.counts;
    new Counter({
      name: 'attest_trust_fast_path_answers_total',
      help: 'Trust center pages answered from memory ahead of the router, by status (not in attest_http_request_duration_seconds)',
      labelNames: ['status'] as const,
      registers: [registry],
      collect() {
        this.reset();
        this.inc({ status: '200' }, counts.ok);
        this.inc({ status: '304' }, counts.notModified);
        this.inc({ status: '429' }, counts.limited);
      },
    });
  }

  /** Logs what was answered here since the last call, if anything. */
  logSummary(log: Pick<AppContext['log'], 'info'>): void {
    const since = {
      ok: this.counts.ok - this.logged.ok,
      notModified: this.counts.notModified - this.logged.notModified,
      limited: this.counts.limited - this.logged.limited,
    };
    this.logged = { ...this.counts };
    if (since.ok + since.notModified + since.limited === 0) return;
    log.info({ trustFastPath: since }, 'trust center pages answered from memory');
  }

  /** Called by the full path as it sends a trust page: remembers the headers it does not set per response. */
  learn(reply: FastifyReply): void {
    if (this.shared) return;
    const shared: [string, string][] = [];
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      const key = name.toLowerCase();
      if (PER_RESPONSE.has(key) || key.startsWith('x-ratelimit-') || value === undefined) continue;
      shared.push([key, Array.isArray(value) ? value.join(', ') : String(value)]);
    }
    this.shared = shared;
  }

  /** The address the full path would rate-limit, or null when only Fastify can tell (a list of proxies). */
  address(req: IncomingMessage): string | null {
    if (!this.ctx.config.trustProxy) return req.socket.remoteAddress ?? null;
    const forwarded = req.headers['x-forwarded-for'];
    if (forwarded === undefined) return req.socket.remoteAddress ?? null;
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    return first || null;
  }

  /** Answers the request and returns true, or returns false and leaves it to Fastify. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const method = req.method;
    if ((method !== 'GET' && method !== 'HEAD') || !this.shared) return false;
    const url = req.url ?? '';
    if (!url.startsWith('/trust/')) return false;
    const query = url.indexOf('?');
    const raw = url.slice(7, query === -1 ? undefined : query);
    if (raw.includes('/') || raw.includes('%')) return false;
    const json = raw.endsWith('.json');
    const entry: TrustEntry | undefined = this.cache.fresh(json ? raw.slice(0, -5) : raw);
    if (!entry) return false;
    const address = this.address(req);
    if (address === null) return false;

    const now = this.ctx.clock.now().getTime();
    const requestId = newId();
    for (const [name, value] of this.shared) res.setHeader(name, value);
    res.setHeader('x-request-id', requestId);
    if (!this.limit.hit(address, now)) {
      this.counts.limited++;
      const body = JSON.stringify({
        type: 'https://attest.dev/problems/rate_limited',
        title: ERRORS.rate_limited.title,
        status: 429,
        detail: 'Too many trust center requests from your address. Wait a minute and try again.',
        code: 'rate_limited',
        requestId,
      });
      res.writeHead(429, {
        'content-type': 'application/problem+json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'retry-after': String(this.limit.retryAfter(address, now)),
      });
      res.end(method === 'HEAD' ? undefined : body);
      return true;
    }
    const rendered = json ? entry.json : entry.html;
    if (etagMatches(req.headers['if-none-match'], rendered.etag)) {
      this.counts.notModified++;
      res.writeHead(304, { etag: rendered.etag, 'cache-control': rendered.headers['cache-control'] ?? '' });
      res.end();
      return true;
    }
    this.counts.ok++;
    res.writeHead(200, rendered.headers);
    res.end(method === 'HEAD' ? undefined : rendered.body);
    return true;
  }
}

const paths = new WeakMap<AppContext, TrustFastPath>();

/** One fast path per running server, beside its cache. */
export function trustFastPath(ctx: AppContext, pageLimit: number): TrustFastPath {
  let path = paths.get(ctx);
  if (!path) {
    path = new TrustFastPath(ctx, trustCache(ctx), new AddressLimit(pageLimit));
    paths.set(ctx, path);
  }
  return path;
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Puts the fast path in front of Fastify's request handler on the server's HTTP(S) server.
 * Requests made with inject() never reach it: they always take the full path.
 */
export function installTrustFastPath(app: FastifyInstance, fast: TrustFastPath): void {
  const server = app.server as Server;
  const handlers = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (fast.handle(req, res)) return;
    for (const handler of handlers) handler.call(server, req, res);
  });
}
