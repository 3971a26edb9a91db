import { z } from 'zod';
import { isGithubExport } from '../github/detect.js';
import { isoTime, issuesText, readJsonInput } from '../json-input.js';
import { isOktaExport } from '../okta/detect.js';
import { type AccountData, ImportError, type InventoryRecord, type ParsedPush, type Parser } from '../types.js';
import { isGoogleUsersList } from './detect.js';

/**
 * Google Workspace users, as the Admin SDK Directory API lists them (users.list): one response
 * page, or an array of every page (what the Google Workspace pull writes). Each user becomes an
 * account in the scope `google-workspace:<customer id>`.
 */

const FORMAT = 'Google Workspace users (Admin SDK Directory API users.list)';
const HOW =
  'Push the JSON of the Directory API users.list (one page, or an array of every page), or connect Google Workspace so Attest pulls it.';
/** The Directory API's lastLoginTime for a user who never signed in. */
const NEVER_SIGNED_IN = '1970-01-01T00:00:00.000Z';

/** Only the fields Attest reads; the API sends many more, which are ignored. */
const userSchema = z.object({
  id: z.string().min(1),
  primaryEmail: z.string().min(1),
  customerId: z.string().min(1).optional(),
  name: z.object({ fullName: z.string().nullish() }).nullish(),
  isAdmin: z.boolean().nullish(),
  isDelegatedAdmin: z.boolean().nullish(),
  suspended: z.boolean().nullish(),
  archived: z.boolean().nullish(),
  isEnrolledIn2Sv: z.boolean().nullish(),
  isEnforcedIn2Sv: z.boolean().nullish(),
  lastLoginTime: isoTime,
  creationTime: isoTime,
});
type GoogleUser = z.infer<typeof userSchema>;

/** The API leaves `users` out of a page that has none. */
const pageSchema = z.object({ users: z.array(userSchema).optional(), nextPageToken: z.string().nullish() });

function wrongFormat(doc: unknown): string {
  if (typeof doc === 'object' && doc !== null && (doc as { kind?: unknown }).kind === 'admin#directory#user') {
    return `This is a single Google Workspace user (users.get), not a users list. ${HOW}`;
  }
  if (isOktaExport(doc)) return 'This is an Okta export, not a Google Workspace users list: push it as okta.';
  if (isGithubExport(doc)) return 'This is a GitHub export, not a Google Workspace users list: push it as github.';
  if (Array.isArray(doc) && doc.length === 0) return `The file is an empty list. ${HOW}`;
  return `This is not a Google Workspace users list: expected an object with "kind": "admin#directory#users" and a "users" array (primaryEmail, isEnrolledIn2Sv, …), or an array of such pages. ${HOW}`;
}

function readUsers(doc: unknown): GoogleUser[] {
  const pages: unknown[] = Array.isArray(doc) ? doc : [doc];
  const users: GoogleUser[] = [];
  for (let i = 0; i < pages.length; i++) {
    const parsed = pageSchema.safeParse(pages[i]);
    if (!parsed.success) {
      const where = Array.isArray(doc) ? `Page ${i + 1} of ${pages.length}: ` : '';
      throw new ImportError(`${where}${issuesText(parsed.error)}. ${HOW}`);
    }
    for (const user of parsed.data.users ?? []) users.push(user);
    // A missing page would drop its users from the scope, and they would read as deleted.
    if (i === pages.length - 1 && parsed.data.nextPageToken) {
      throw new ImportError(
        'The list is incomplete: its last page has a nextPageToken, so more users follow, and the users left out would be marked deleted. ' +
          'Fetch every page (repeat the call with pageToken until no nextPageToken comes back) and push them together as a JSON array of pages.',
      );
    }
  }
  return users;
}

/** The customer id the API gives every user; failing that, the most common email domain. */
function scopeOf(users: GoogleUser[], warnings: string[]): string {
  const customers = new Set<string>();
  for (const user of users) if (user.customerId) customers.add(user.customerId);
  if (customers.size > 1) {
    throw new ImportError(
      `The list mixes users of ${customers.size} Google Workspace customers (${[...customers].slice(0, 3).join(', ')}): push each customer's users on their own.`,
    );
  }
  const [customer] = customers;
  if (customer) return `google-workspace:${customer}`.slice(0, 200);
  const domains = new Map<string, number>();
  for (const user of users) {
    const domain = user.primaryEmail.slice(user.primaryEmail.lastIndexOf('@') + 1).toLowerCase();
    domains.set(domain, (domains.get(domain) ?? 0) + 1);
  }
  const [domain] = [...domains].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? ['unknown'];
  warnings.push(
    `The users carry no customerId, so they were filed under ${domain}, their most common email domain; a list that includes customerId (the API's default) would be filed under the customer id instead.`,
  );
  return `google-workspace:${domain}`.slice(0, 200);
}

function toAccount(user: GoogleUser): InventoryRecord<'account'> {
  const email = user.primaryEmail.toLowerCase();
  const data: AccountData = {
    provider: 'google_workspace',
    email,
    username: user.primaryEmail,
    displayName: user.name?.fullName?.trim() || null,
    // Delegated admins hold admin roles too, only narrower ones.
    isAdmin: user.isAdmin === true || user.isDelegatedAdmin === true,
    isRoot: false,
    active: user.suspended !== true && user.archived !== true,
    mfaEnabled: user.isEnrolledIn2Sv ?? null,
    mfaEnforced: user.isEnforcedIn2Sv ?? null,
    // Google does not say whether a user signs in with a password or only through SSO.
    passwordEnabled: null,
    lastLoginAt: user.lastLoginTime === NEVER_SIGNED_IN ? null : user.lastLoginTime,
    createdAt: user.creationTime,
    accessKeys: [],
  };
  return { type: 'account', externalId: user.id, name: email, data };
}

export const parseGoogleWorkspace: Parser = (input): ParsedPush => {
  const doc = readJsonInput(input, HOW);
  if (!isGoogleUsersList(doc)) throw new ImportError(wrongFormat(doc));
  const warnings: string[] = [];
  const byId = new Map<string, GoogleUser>();
  const repeated: string[] = [];
  for (const user of readUsers(doc)) {
    if (byId.has(user.id)) repeated.push(user.primaryEmail);
    else byId.set(user.id, user);
  }
  if (byId.size === 0) throw new ImportError(`The list holds no users. ${HOW}`);
  if (repeated.length > 0) {
    warnings.push(
      `${repeated.length} user(s) appear more than once (overlapping pages) and were kept once: ${repeated.slice(0, 5).join(', ')}${repeated.length > 5 ? ', …' : ''}.`,
    );
  }
  const users = [...byId.values()];
  return { format: FORMAT, scopes: [{ scope: scopeOf(users, warnings), records: users.map(toAccount) }], warnings };
};
