import { GITHUB_BUNDLE } from '../github/detect.js';
import { type ApiResponse, createApi, type Fetch, PullError } from './http.js';

/**
 * Pulls a GitHub organisation, its members, the members without two-factor authentication and
 * its owners, with a token. Returns an Attest GitHub bundle as JSON: what parseGithub reads.
 */

export interface GithubCredentials {
  /** The organisation's login, e.g. "northwind-labs". */
  org: string;
  token: string;
}

export interface GithubPullOptions {
  fetch?: Fetch;
  /** Replaces https://api.github.com (GitHub Enterprise Server: https://<host>/api/v3; tests). */
  baseUrl?: string;
}

export const GITHUB_API = 'https://api.github.com';
/** GitHub logins: letters, digits and single hyphens, at most 39 characters. */
const LOGIN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$/i;

function explain(org: string) {
  return ({ status, headers }: ApiResponse, path: string): string | undefined => {
    if (status === 401) {
      return 'GitHub refused the token (401): create a token that may read the organisation and its members (classic: read:org; fine-grained: Members read-only) and save it again.';
    }
    if (status === 403 && headers.get('x-github-sso')) {
      return `GitHub refused the token for ${org} because the organisation uses SAML single sign-on: authorise the token for it (Settings → Developer settings → Tokens → Configure SSO) and try again.`;
    }
    if (status === 403) {
      return `GitHub denied the token access to ${path} (403): it needs read:org (classic token) or Members read-only for ${org} (fine-grained token).`;
    }
    if (status === 404 && path === `/orgs/${org}`) {
      return `GitHub found no organisation "${org}" that this token can see (404): check the name, and that a fine-grained token was created for this organisation.`;
    }
    return undefined;
  };
}

export async function pullGithub(credentials: GithubCredentials, options: GithubPullOptions = {}): Promise<string> {
  const org = credentials.org.trim();
  if (!LOGIN.test(org)) {
    throw new PullError(
      `"${org.slice(0, 80)}" is not a GitHub organisation name: give its login, like northwind-labs.`,
    );
  }
  if (credentials.token.trim() === '') {
    throw new PullError('The GitHub token is missing: create one that may read the organisation and save it.');
  }
  const api = createApi({
    service: 'GitHub',
    baseUrl: options.baseUrl ?? GITHUB_API,
    headers: {
      authorization: `Bearer ${credentials.token.trim()}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'attest',
    },
    fetch: options.fetch,
    explain: explain(org),
  });

  const { body: orgBody } = await api.get(`/orgs/${org}`);
  const members = (await api.list(`/orgs/${org}/members?per_page=100`)) ?? [];
  // Only owners may filter members by two-factor status: others get 403 or 422, and the bundle
  // then has no list, which the importer reports as "unknown" rather than "all fine".
  const withoutTwoFactor = await api.list(`/orgs/${org}/members?filter=2fa_disabled&per_page=100`, {
    allow: [403, 422],
  });
  const admins = await api.list(`/orgs/${org}/members?role=admin&per_page=100`, { allow: [403, 422] });

  return JSON.stringify({
    attest: GITHUB_BUNDLE,
    org: orgBody,
    members,
    ...(withoutTwoFactor ? { membersWithoutTwoFactor: withoutTwoFactor } : {}),
    ...(admins ? { admins } : {}),
  });
}
