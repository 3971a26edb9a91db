/**
 * The HTTP side of the identity pulls: JSON requests carrying the service's credentials, lists
 * paged by the Link header, waits on rate limits, and errors a person can act on.
 *
 * Credentials travel only in the headers (or body) a pull hands in here: messages are built from
 * the service's name, the host, the path and the status, so a token can never end up in one.
 */

export type Fetch = typeof fetch;

/** A pull that failed; `status` is the HTTP status when the service answered. */
export class PullError extends Error {
  override name = 'PullError';
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body; null when it was empty or (on an error status) not JSON. */
  body: unknown;
}

export interface ApiConfig {
  /** How messages name the service: "Okta", "GitHub", "Google". */
  service: string;
  /** Origin plus any path prefix (GitHub Enterprise: https://ghe.example/api/v3). */
  baseUrl: string;
  headers: Record<string, string>;
  fetch?: Fetch;
  /** A message for a failed request, when the service's own advice is better than the default one. */
  explain?: (response: ApiResponse, path: string) => string | undefined;
}

const TIMEOUT_MS = 30_000;
const MAX_RETRIES = 3;
/** A rate limit that lifts later than this is reported instead of waited for. */
const MAX_WAIT_MS = 60_000;
const MAX_PAGES = 10_000;
const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const LINK_SPLIT = /,\s*(?=<)/;
const LINK_PART = /^<([^>]*)>(.*)$/;
const REL_NEXT = /;\s*rel="?(?:[^"]*\s)?next(?:\s[^"]*)?"?/;

/** The URL of rel="next" in a Link header (RFC 8288), as GitHub and Okta page their lists. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(LINK_SPLIT)) {
    const match = LINK_PART.exec(part.trim());
    if (match && REL_NEXT.test(match[2] ?? '')) return match[1] ?? null;
  }
  return null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long a rate-limited answer asks us to wait, from Retry-After or the services' reset headers. */
function waitOf(headers: Headers, now: number): number {
  const retryAfter = headers.get('retry-after');
  if (retryAfter && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  // Okta: x-rate-limit-reset; GitHub: x-ratelimit-reset; both in epoch seconds.
  const reset = headers.get('x-rate-limit-reset') ?? headers.get('x-ratelimit-reset');
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
  return 1000;
}

/** 429; or GitHub's 403 once the hourly quota is spent, or with Retry-After (its "secondary" limits). */
function isRateLimited(response: Response): boolean {
  if (response.status === 429) return true;
  const headers = response.headers;
  return response.status === 403 && (headers.get('x-ratelimit-remaining') === '0' || headers.has('retry-after'));
}

function defaultMessage(service: string, response: ApiResponse, path: string): string {
  switch (response.status) {
    case 401:
      return `${service} refused the credentials (401): check them and save them again.`;
    case 403:
      return `${service} denied access to ${path} (403): the credentials lack the permission to read it.`;
    case 404:
      return `${service} has no ${path} (404).`;
    default:
      return response.status >= 500
        ? `${service} failed on ${path} (${response.status}); try again later.`
        : `${service} answered ${path} with ${response.status}.`;
  }
}

export function createApi(config: ApiConfig) {
  const base = config.baseUrl.replace(/\/+$/, '');
  const { origin, host } = new URL(base);
  const doFetch = config.fetch ?? fetch;

  /** A path under the base, or an absolute URL the service gave us (a next page), kept on its origin. */
  function resolve(pathOrUrl: string): URL {
    const url = new URL(/^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : `${base}${pathOrUrl}`);
    if (url.origin !== origin) {
      throw new PullError(
        `${config.service} pointed to another host (${url.host}); Attest stopped rather than send the credentials there.`,
      );
    }
    return url;
  }

  async function send(url: URL, init: RequestInit): Promise<Response> {
    let redirects = 0;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        // Redirects are followed by hand, so that the credentials never leave the service's origin.
        response = await doFetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        const reason =
          (error as Error).name === 'TimeoutError'
            ? `no answer within ${TIMEOUT_MS / 1000} s`
            : (cause ?? 'network error');
        throw new PullError(
          `Could not reach ${config.service} at ${host} (${reason}): check the address and this server's network.`,
        );
      }
      const location = response.headers.get('location');
      if (REDIRECTS.has(response.status) && location && init.method === 'GET' && redirects < MAX_REDIRECTS) {
        await response.body?.cancel();
        url = resolve(new URL(location, url).href);
        redirects++;
        attempt--;
        continue;
      }
      if (!isRateLimited(response)) return response;
      const wait = waitOf(response.headers, Date.now());
      await response.body?.cancel();
      if (attempt >= MAX_RETRIES || wait > MAX_WAIT_MS) {
        const at = new Date(Date.now() + wait).toISOString().slice(11, 16);
        throw new PullError(
          `${config.service} is rate-limiting these requests (${response.status}); try again after ${at} UTC.`,
          response.status,
        );
      }
      await sleep(wait);
    }
  }

  async function request(
    method: string,
    pathOrUrl: string,
    allow: readonly number[],
    body?: RequestInit['body'],
    contentType?: string,
  ) {
    const url = resolve(pathOrUrl);
    const headers: Record<string, string> = { accept: 'application/json', ...config.headers };
    if (contentType) headers['content-type'] = contentType;
    const response = await send(url, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = null;
    if (text.trim() !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        if (response.ok) {
          throw new PullError(
            `${config.service} answered ${url.pathname} with something that is not JSON.`,
            response.status,
          );
        }
      }
    }
    const result: ApiResponse = { status: response.status, headers: response.headers, body: parsed };
    if (!response.ok && !allow.includes(response.status)) {
      const message = config.explain?.(result, url.pathname) ?? defaultMessage(config.service, result, url.pathname);
      throw new PullError(message, response.status);
    }
    return result;
  }

  /**
   * Every item of a paged list: each page's items (the body itself when it is an array), then the
   * page rel="next" names, or the one `nextOf` finds in the body. Null when the first page's status
   * is one of `allow` (an optional list the credentials may not read).
   */
  async function list(
    path: string,
    options: {
      allow?: readonly number[];
      itemsOf?: (body: unknown) => unknown;
      nextOf?: (body: unknown) => unknown;
    } = {},
  ): Promise<unknown[] | null> {
    const items: unknown[] = [];
    let next: string | null = path;
    for (let page = 0; next !== null; page++) {
      if (page >= MAX_PAGES) {
        throw new PullError(`${config.service} kept sending pages of ${path}; stopped after ${MAX_PAGES}.`);
      }
      const response = await request('GET', next, page === 0 ? (options.allow ?? []) : []);
      if (response.status >= 300) return null;
      const pageItems = options.itemsOf ? options.itemsOf(response.body) : response.body;
      if (!Array.isArray(pageItems)) {
        throw new PullError(`${config.service} answered ${path} with something other than a list.`, response.status);
      }
      for (const item of pageItems) items.push(item);
      const fromBody = options.nextOf?.(response.body);
      next = nextLink(response.headers.get('link')) ?? (typeof fromBody === 'string' ? fromBody : null);
    }
    return items;
  }

  return {
    get: (path: string, allow: readonly number[] = []) => request('GET', path, allow),
    post: (path: string, body: string, contentType: string) => request('POST', path, [], body, contentType),
    list,
  };
}

/** Runs `task` over `items`, at most `limit` at a time, keeping the order of the results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
