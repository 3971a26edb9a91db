import { z } from 'zod';
import { isGithubExport } from '../github/detect.js';
import { isGoogleUsersList } from '../google-workspace/detect.js';
import { isoTime, issuesText, readJsonInput } from '../json-input.js';
import { type AccountData, ImportError, type InventoryRecord, type ParsedPush, type Parser } from '../types.js';
import { isOktaBundle, isOktaFactorList, isOktaUserList, OKTA_BUNDLE } from './detect.js';

/**
 * Okta users: the plain GET /api/v1/users list, or an Attest Okta bundle that adds each user's
 * factors (GET /api/v1/users/{id}/factors) and the users holding admin roles (what the Okta pull
 * writes). Each user becomes an account in the scope `okta:<org domain>`.
 */

const HOW =
  'Push the JSON of GET /api/v1/users, or an Attest Okta bundle ({"attest":"okta-bundle/v1","org":…,"users":[…],"factors":{…},"admins":[…]}), or connect Okta so Attest pulls it.';
/** Okta's statuses for a user who can no longer sign in; every other status can (or soon will). */
const INACTIVE = new Set(['SUSPENDED', 'DEPROVISIONED']);

/** Only the fields Attest reads. */
const userSchema = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  created: isoTime,
  lastLogin: isoTime,
  profile: z.object({
    login: z.string().min(1),
    email: z.string().nullish(),
    firstName: z.string().nullish(),
    lastName: z.string().nullish(),
    displayName: z.string().nullish(),
  }),
  credentials: z.object({ password: z.unknown() }).nullish(),
  _links: z.object({ self: z.object({ href: z.string() }).optional() }).optional(),
});
type OktaUser = z.infer<typeof userSchema>;

const factorSchema = z.object({ factorType: z.string(), status: z.string() });

const bundleSchema = z.object({
  attest: z.literal(OKTA_BUNDLE),
  org: z.string().min(1),
  users: z.array(userSchema),
  factors: z.record(z.string(), z.array(factorSchema)).optional(),
  admins: z.array(z.string()).optional(),
});

interface OktaExport {
  /** The org's domain, e.g. "northwind.okta.com". */
  org: string;
  users: OktaUser[];
  factors: Map<string, { status: string }[]> | null;
  admins: Set<string> | null;
}

function wrongFormat(doc: unknown): string {
  if (isOktaFactorList(doc)) {
    return (
      "This is one user's list of Okta factors (GET /api/v1/users/{id}/factors), which does not say whose factors they are. " +
      'Put it in an Attest Okta bundle under that user\'s id ({"attest":"okta-bundle/v1","org":…,"users":[…],"factors":{"<user id>":[…]}}), or connect Okta so Attest pulls users and factors together.'
    );
  }
  if (isGoogleUsersList(doc)) {
    return 'This is a Google Workspace users list, not an Okta export: push it as google-workspace.';
  }
  if (isGithubExport(doc)) return 'This is a GitHub export, not an Okta export: push it as github.';
  if (Array.isArray(doc) && doc.length === 0) return `The file is an empty list of users. ${HOW}`;
  return `This is not an Okta users list: expected an array of users (id, status, profile.login, …) or an Attest Okta bundle. ${HOW}`;
}

/** "https://Northwind.okta.com/" → "northwind.okta.com". */
function orgDomain(value: string): string {
  const trimmed = value.trim().toLowerCase();
  try {
    return new URL(trimmed.includes('://') ? trimmed : `https://${trimmed}`).host;
  } catch {
    throw new ImportError(`The bundle's org "${value.slice(0, 80)}" is not an Okta domain (like northwind.okta.com).`);
  }
}

function readBundle(doc: unknown): OktaExport {
  const parsed = bundleSchema.safeParse(doc);
  if (!parsed.success) throw new ImportError(`The Okta bundle does not fit: ${issuesText(parsed.error)}. ${HOW}`);
  const { org, users, factors, admins } = parsed.data;
  return {
    org: orgDomain(org),
    users,
    factors: factors ? new Map(Object.entries(factors)) : null,
    admins: admins ? new Set(admins) : null,
  };
}

/** A plain users list names its org only in each user's `_links.self.href`. */
function readUserList(doc: unknown[]): OktaExport {
  const parsed = z.array(userSchema).safeParse(doc);
  if (!parsed.success) throw new ImportError(`The Okta users list does not fit: ${issuesText(parsed.error)}. ${HOW}`);
  const href = parsed.data.find((user) => user._links?.self?.href)?._links?.self?.href;
  let org: string | null = null;
  try {
    org = href ? new URL(href).host.toLowerCase() : null;
  } catch {
    org = null;
  }
  if (!org) {
    throw new ImportError(
      `The users list does not say which Okta org it comes from (no _links.self.href on any user). Push the API's response unchanged, or an Attest Okta bundle with "org". ${HOW}`,
    );
  }
  return { org, users: parsed.data, factors: null, admins: null };
}

function displayName(profile: OktaUser['profile']): string | null {
  const given = profile.displayName?.trim();
  if (given) return given;
  const joined = [profile.firstName, profile.lastName].filter(Boolean).join(' ').trim();
  return joined || null;
}

function toAccount(user: OktaUser, okta: OktaExport): InventoryRecord<'account'> {
  const email = user.profile.email ? user.profile.email.trim().toLowerCase() : null;
  const factors = okta.factors?.get(user.id);
  const data: AccountData = {
    provider: 'okta',
    email,
    username: user.profile.login,
    displayName: displayName(user.profile),
    // Without the role assignments nobody can be shown to be an admin; a warning says so.
    isAdmin: okta.admins?.has(user.id) ?? false,
    isRoot: false,
    active: !INACTIVE.has(user.status),
    // Only an ACTIVE factor signs anyone in; PENDING_ACTIVATION and NOT_SETUP do not.
    mfaEnabled: factors ? factors.some((factor) => factor.status === 'ACTIVE') : null,
    // Whether a sign-on policy demands MFA is not in these APIs.
    mfaEnforced: null,
    // Okta lists `credentials.password` (an empty object) for users who have a password.
    passwordEnabled: user.credentials ? user.credentials.password !== undefined : null,
    lastLoginAt: user.lastLogin,
    createdAt: user.created,
    accessKeys: [],
  };
  return { type: 'account', externalId: user.id, name: user.profile.login, data };
}

export const parseOkta: Parser = (input): ParsedPush => {
  const doc = readJsonInput(input, HOW);
  let okta: OktaExport;
  let format: string;
  if (isOktaBundle(doc)) {
    okta = readBundle(doc);
    format = 'Okta users with factors and admin roles (Attest Okta bundle)';
  } else if (isOktaUserList(doc)) {
    okta = readUserList(doc as unknown[]);
    format = 'Okta users (GET /api/v1/users)';
  } else {
    throw new ImportError(wrongFormat(doc));
  }
  if (okta.users.length === 0) throw new ImportError(`The Okta export holds no users. ${HOW}`);

  const warnings: string[] = [];
  const seen = new Set<string>();
  const records: InventoryRecord[] = [];
  let repeated = 0;
  for (const user of okta.users) {
    if (seen.has(user.id)) {
      repeated++;
      continue;
    }
    seen.add(user.id);
    records.push(toAccount(user, okta));
  }
  if (repeated > 0) warnings.push(`${repeated} user(s) appear more than once (overlapping pages) and were kept once.`);
  if (!okta.factors) {
    warnings.push(
      "The export holds no factor lists, so whether each user has MFA is unknown; an Attest Okta bundle (or the Okta connection) adds each user's factors.",
    );
  }
  if (!okta.admins) {
    warnings.push(
      'The export does not say who holds admin roles, so no account is marked admin; an Attest Okta bundle with "admins" (or the Okta connection, with a token that may read role assignments) adds them.',
    );
  }
  return { format, scopes: [{ scope: `okta:${okta.org}`.slice(0, 200), records }], warnings };
};
