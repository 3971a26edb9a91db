import { z } from 'zod';
import { OKTA_BUNDLE } from '../okta/detect.js';
import { type ApiResponse, createApi, type Fetch, mapLimit, PullError } from './http.js';

/**
 * Pulls an Okta org's users, each user's factors and the users holding admin roles, with an SSWS
 * API token. Returns an Attest Okta bundle as JSON: what parseOkta reads.
 */

export interface OktaCredentials {
  /** The org's Okta domain, e.g. "northwind.okta.com". */
  domain: string;
  apiToken: string;
}

export interface OktaPullOptions {
  fetch?: Fetch;
  /** Replaces https://<domain> (tests, proxies). */
  baseUrl?: string;
}

/** Factor lists are one request per user: a few at a time stays inside Okta's rate limits. */
const FACTOR_CONCURRENCY = 4;
const HOSTNAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d+)?$/;

/** "https://Northwind.okta.com/" → "northwind.okta.com". */
export function oktaDomain(value: string): string {
  const domain = value
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '');
  if (!HOSTNAME.test(domain)) {
    throw new PullError(`"${domain.slice(0, 80)}" is not an Okta domain: give it like northwind.okta.com.`);
  }
  return domain;
}

function explain(domain: string) {
  return ({ status }: ApiResponse, path: string): string | undefined => {
    if (status === 401) {
      return 'Okta refused the API token (401): create a read-only token (Security → API → Tokens, signed in as a read-only administrator) and save it again.';
    }
    if (status === 403) {
      return `Okta denied the API token access to ${path} (403): a token acts with its creator's rights; create it as an administrator who may read users (Read-only Administrator is enough) and save it again.`;
    }
    if (status === 404 && path === '/api/v1/users') {
      return `Okta has no users API at ${domain} (404): check the Okta domain (like northwind.okta.com).`;
    }
    return undefined;
  };
}

/**
 * What the bundle keeps of each user and factor: what the importer reads and a user's identifying
 * basics. Okta profiles hold whatever attributes an org adds (phones, addresses) and SMS factors a
 * phone number; none of that is needed, so none of it is stored.
 */
const optionalTime = z.string().nullish();
const userShape = z.object({
  id: z.string().min(1),
  status: z.string(),
  created: optionalTime,
  activated: optionalTime,
  statusChanged: optionalTime,
  lastLogin: optionalTime,
  lastUpdated: optionalTime,
  passwordChanged: optionalTime,
  profile: z.object({
    login: z.string(),
    email: z.string().nullish(),
    firstName: z.string().nullish(),
    lastName: z.string().nullish(),
    displayName: z.string().nullish(),
  }),
  credentials: z
    .object({
      password: z.object({}).optional(),
      provider: z.object({ type: z.string().optional(), name: z.string().optional() }).optional(),
    })
    .optional(),
  _links: z.object({ self: z.object({ href: z.string() }).optional() }).optional(),
});
const factorShape = z.object({
  id: z.string().optional(),
  factorType: z.string(),
  provider: z.string().optional(),
  vendorName: z.string().optional(),
  status: z.string(),
  created: optionalTime,
  lastUpdated: optionalTime,
});

function fit<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PullError(
      `Okta answered ${what} with data that does not fit (${issue?.path.map(String).join('.')}: ${issue?.message}).`,
    );
  }
  return parsed.data;
}

export async function pullOkta(credentials: OktaCredentials, options: OktaPullOptions = {}): Promise<string> {
  const domain = oktaDomain(credentials.domain);
  if (credentials.apiToken.trim() === '') {
    throw new PullError('The Okta API token is missing: create a read-only token and save it.');
  }
  const api = createApi({
    service: 'Okta',
    baseUrl: options.baseUrl ?? `https://${domain}`,
    headers: { authorization: `SSWS ${credentials.apiToken.trim()}` },
    fetch: options.fetch,
    explain: explain(domain),
  });

  const users = fit(z.array(userShape), await api.list('/api/v1/users?limit=200'), '/api/v1/users');
  const ids = users.map((user) => user.id);

  // A user deleted while we page answers 404: they simply have no factor list.
  const lists = await mapLimit(ids, FACTOR_CONCURRENCY, async (id) => {
    const { status, body } = await api.get(`/api/v1/users/${encodeURIComponent(id)}/factors`, [404]);
    return status === 404 ? null : fit(z.array(factorShape), body, `the factors of user ${id}`);
  });
  const factors: Record<string, z.infer<typeof factorShape>[]> = {};
  ids.forEach((id, i) => {
    const list = lists[i];
    if (list) factors[id] = list;
  });

  // Reading role assignments needs more rights than reading users; without them the bundle has
  // no admins list, and the importer says that no account could be marked admin.
  const assignees = await api.list('/api/v1/iam/assignees/users?limit=100', {
    allow: [403, 404],
    itemsOf: (body) => (body as { value?: unknown } | null)?.value,
    nextOf: (body) => (body as { _links?: { next?: { href?: unknown } } } | null)?._links?.next?.href,
  });
  const admins = assignees?.map((a) => (a as { id?: unknown } | null)?.id).filter((id) => typeof id === 'string');

  return JSON.stringify({ attest: OKTA_BUNDLE, org: domain, users, factors, ...(admins ? { admins } : {}) });
}
