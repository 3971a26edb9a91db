import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { z } from 'zod';
import { createApi, type Fetch, PullError } from './http.js';

/**
 * Pulls every Google Workspace user from the Admin SDK Directory API, signing in as a service
 * account with domain-wide delegation (OAuth 2.0 JWT bearer grant, RFC 7523) that acts as an
 * administrator. Returns the array of users.list pages as JSON: what parseGoogleWorkspace reads.
 */

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const GOOGLE_API_BASE = 'https://admin.googleapis.com';
export const DIRECTORY_USER_READONLY = 'https://www.googleapis.com/auth/admin.directory.user.readonly';
/**
 * A partial response (the API's `fields` parameter): what the importer reads, and no more. Users
 * also carry phones, addresses and recovery emails, which Attest has no use for and does not store.
 */
const USER_FIELDS =
  'kind,nextPageToken,users(id,primaryEmail,name/fullName,customerId,isAdmin,isDelegatedAdmin,suspended,archived,isEnrolledIn2Sv,isEnforcedIn2Sv,lastLoginTime,creationTime)';

export interface GoogleWorkspaceCredentials {
  /** The service account's JSON key file, as downloaded from Google Cloud. */
  serviceAccountKey: string;
  /** The administrator the service account acts as (domain-wide delegation needs one). */
  adminEmail: string;
  /** A customer id; by default the admin's own account ("my_customer"). */
  customer?: string;
}

export interface GoogleWorkspacePullOptions {
  fetch?: Fetch;
  tokenUrl?: string;
  apiBase?: string;
}

const keySchema = z.object({
  type: z.string().optional(),
  client_email: z.string().min(1),
  client_id: z.string().optional(),
  private_key: z.string().min(1),
});
type ServiceAccountKey = z.infer<typeof keySchema>;

const KEY_HOW = 'paste the whole JSON key file of the service account (Google Cloud → IAM → Service accounts → Keys).';

/** Never echoes the key: JSON.parse's message can quote the text it failed on. */
function readKey(text: string): { key: ServiceAccountKey; privateKey: KeyObject } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new PullError(`The service account key is not valid JSON: ${KEY_HOW}`);
  }
  const parsed = keySchema.safeParse(doc);
  if (!parsed.success) throw new PullError(`The service account key lacks client_email or private_key: ${KEY_HOW}`);
  if (parsed.data.type && parsed.data.type !== 'service_account') {
    throw new PullError(`This key is a "${parsed.data.type.slice(0, 40)}" key, not a service account's: ${KEY_HOW}`);
  }
  try {
    return { key: parsed.data, privateKey: createPrivateKey(parsed.data.private_key) };
  } catch {
    throw new PullError(`The service account key's private_key is not a valid PEM private key: ${KEY_HOW}`);
  }
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** The signed JWT the token endpoint exchanges for an access token (valid one hour, the most Google allows). */
function serviceAccountAssertion(
  key: { clientEmail: string; privateKey: KeyObject },
  subject: string,
  audience: string,
  now: Date,
): string {
  const iat = Math.floor(now.getTime() / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = base64url(
    JSON.stringify({
      iss: key.clientEmail,
      sub: subject,
      scope: DIRECTORY_USER_READONLY,
      aud: audience,
      iat,
      exp: iat + 3600,
    }),
  );
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${claims}`), key.privateKey);
  return `${header}.${claims}.${base64url(signature)}`;
}

function oauthError(body: unknown): { error: string; description: string } {
  const b = (body ?? {}) as { error?: unknown; error_description?: unknown };
  return {
    error: typeof b.error === 'string' ? b.error : 'unknown_error',
    description: typeof b.error_description === 'string' ? b.error_description.slice(0, 200) : '',
  };
}

async function accessToken(
  key: ServiceAccountKey,
  privateKey: KeyObject,
  adminEmail: string,
  tokenUrl: string,
  fetch: Fetch | undefined,
): Promise<string> {
  const token = createApi({
    service: 'Google',
    baseUrl: tokenUrl,
    headers: {},
    fetch,
    explain: ({ status, body }) => {
      const { error, description } = oauthError(body);
      const detail = description ? `${error}: ${description}` : error;
      if (error === 'unauthorized_client') {
        return `Google refused the service account ${key.client_email} (${detail}): in the Admin console, open Security → Access and data control → API controls → Domain-wide delegation, and authorise client ID ${key.client_id ?? '(the key’s client_id)'} for the scope ${DIRECTORY_USER_READONLY}.`;
      }
      if (error === 'invalid_grant') {
        return `Google refused to let the service account act as ${adminEmail} (${detail}): check that this address is an active Workspace administrator, that the key has not been deleted, and that this server's clock is right.`;
      }
      if (error === 'invalid_client' || status === 401) {
        return `Google did not accept the service account key (${detail}): it may have been deleted or disabled; create a new key and save it again.`;
      }
      return `Google refused the token request (${status}, ${detail}).`;
    },
  });
  const assertion = serviceAccountAssertion(
    { clientEmail: key.client_email, privateKey },
    adminEmail,
    tokenUrl,
    new Date(),
  );
  const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
  const { body } = await token.post('', form.toString(), 'application/x-www-form-urlencoded');
  const granted = (body as { access_token?: unknown } | null)?.access_token;
  if (typeof granted !== 'string' || granted === '') {
    throw new PullError('Google answered the token request without an access token.');
  }
  return granted;
}

export async function pullGoogleWorkspace(
  credentials: GoogleWorkspaceCredentials,
  options: GoogleWorkspacePullOptions = {},
): Promise<string> {
  const { key, privateKey } = readKey(credentials.serviceAccountKey);
  const adminEmail = credentials.adminEmail.trim();
  if (!adminEmail.includes('@')) {
    throw new PullError('The administrator email is missing: give the address of a Workspace administrator.');
  }
  const tokenUrl = options.tokenUrl ?? GOOGLE_TOKEN_URL;
  const bearer = await accessToken(key, privateKey, adminEmail, tokenUrl, options.fetch);
  const api = createApi({
    service: 'Google',
    baseUrl: options.apiBase ?? GOOGLE_API_BASE,
    headers: { authorization: `Bearer ${bearer}` },
    fetch: options.fetch,
    explain: ({ status, body }, path) => {
      const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
      const detail = typeof message === 'string' ? `${status}: ${message.slice(0, 200)}` : String(status);
      if (status === 401 || status === 403) {
        return `Google denied the Directory API request (${detail}): enable the Admin SDK API in the service account's Google Cloud project, and make sure ${adminEmail} is an administrator who may read users.`;
      }
      return `Google answered ${path} with ${detail}.`;
    },
  });

  const pages: unknown[] = [];
  const seen = new Set<string>();
  let pageToken: string | undefined;
  do {
    const query = new URLSearchParams({
      customer: credentials.customer ?? 'my_customer',
      maxResults: '500',
      fields: USER_FIELDS,
    });
    if (pageToken) query.set('pageToken', pageToken);
    const { body } = await api.get(`/admin/directory/v1/users?${query}`);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new PullError('Google answered users.list with something other than a page of users.');
    }
    pages.push(body);
    const next = (body as { nextPageToken?: unknown }).nextPageToken;
    pageToken = typeof next === 'string' && next !== '' ? next : undefined;
    if (pageToken && seen.has(pageToken)) {
      throw new PullError('Google sent the same users.list page twice; try again later.');
    }
    if (pageToken) seen.add(pageToken);
  } while (pageToken);
  return JSON.stringify(pages);
}
