import { z } from 'zod';
import { isGoogleUsersList } from '../google-workspace/detect.js';
import { issuesText, readJsonInput } from '../json-input.js';
import { isOktaExport } from '../okta/detect.js';
import {
  type AccountData,
  type CloudResourceData,
  ImportError,
  type InventoryRecord,
  type ParsedPush,
  type ParsedScope,
  type Parser,
} from '../types.js';
import { GITHUB_BUNDLE, isGithubAccount, isGithubBundle, isOctokitRecording } from './detect.js';

/**
 * A GitHub organisation: GET /orgs/{org} (or octokit's recording of that call), or an Attest
 * GitHub bundle that adds its members, those without two-factor authentication and its owners
 * (what the GitHub pull writes).
 *
 * The organisation and its members go in two scopes, `github.org:<login>` and
 * `github.members:<login>`, so that pushing the organisation alone does not mark every member
 * deleted.
 */

const HOW =
  'Push the JSON of GET /orgs/{org}, or an Attest GitHub bundle ({"attest":"github-bundle/v1","org":…,"members":[…],"membersWithoutTwoFactor":[…],"admins":[…]}), or connect GitHub so Attest pulls it.';

const orgSchema = z.object({
  login: z.string().min(1),
  type: z.string().optional(),
  // Only owners (and tokens with admin:org) are shown this; others get null or nothing.
  two_factor_requirement_enabled: z.boolean().nullish(),
});
type GithubOrg = z.infer<typeof orgSchema>;

const memberSchema = z.object({ login: z.string().min(1) });

const bundleSchema = z.object({
  attest: z.literal(GITHUB_BUNDLE),
  org: orgSchema,
  members: z.array(memberSchema),
  membersWithoutTwoFactor: z.array(memberSchema).nullish(),
  admins: z.array(memberSchema).nullish(),
});
type GithubBundle = z.infer<typeof bundleSchema>;

const recordingSchema = z.array(
  z.object({ method: z.string(), path: z.string(), status: z.number(), response: z.unknown() }),
);
/** /orgs/{org}, with or without a query string: the organisation itself, not one of its lists. */
const ORG_PATH = /^\/orgs\/[^/?]+(\?|$)/;

function wrongFormat(doc: unknown): string {
  if (isOktaExport(doc)) return 'This is an Okta export, not a GitHub organisation: push it as okta.';
  if (isGoogleUsersList(doc)) {
    return 'This is a Google Workspace users list, not a GitHub organisation: push it as google-workspace.';
  }
  if (Array.isArray(doc) && doc.length === 0) return `The file is an empty list. ${HOW}`;
  return `This is not a GitHub organisation: expected the object GET /orgs/{org} returns (login, two_factor_requirement_enabled, …). ${HOW}`;
}

function readOrg(value: unknown, where: string): GithubOrg {
  const parsed = orgSchema.safeParse(value);
  if (!parsed.success) throw new ImportError(`${where} does not fit: ${issuesText(parsed.error)}. ${HOW}`);
  if (parsed.data.type && parsed.data.type !== 'Organization') {
    throw new ImportError(
      `${where} is a GitHub ${parsed.data.type.toLowerCase()} ("${parsed.data.login}"), not an organisation: push GET /orgs/{org}.`,
    );
  }
  return parsed.data;
}

/** octokit's recordings hold every request of a scenario; the organisation is its GET /orgs/{org}. */
function orgFromRecording(doc: unknown): GithubOrg {
  const parsed = recordingSchema.safeParse(doc);
  if (!parsed.success) throw new ImportError(`The recording does not fit: ${issuesText(parsed.error)}.`);
  const call = parsed.data.find((c) => c.method.toUpperCase() === 'GET' && c.status === 200 && ORG_PATH.test(c.path));
  if (!call) {
    throw new ImportError(
      `The recording holds no successful GET /orgs/{org}, so there is no organisation to read. ${HOW}`,
    );
  }
  return readOrg(call.response, `The recorded response to GET ${call.path}`);
}

function orgRecord(org: GithubOrg, withoutTwoFactor: string[] | null, warnings: string[]): InventoryRecord {
  const required = org.two_factor_requirement_enabled;
  if (required == null) {
    warnings.push(
      `GitHub did not report whether ${org.login} requires two-factor authentication (only organisation owners are shown it), so it is recorded as unknown. Use a token of an owner to read it.`,
    );
  }
  const data: CloudResourceData = {
    provider: 'github',
    kind: 'github_org',
    account: org.login,
    region: null,
    attributes: { twoFactorRequired: required ?? null, membersWithoutTwoFactor: withoutTwoFactor },
  };
  return { type: 'cloud_resource', externalId: org.login, name: org.login, data };
}

function memberScope(
  bundle: GithubBundle,
  warnings: string[],
): { scope: ParsedScope; withoutTwoFactor: string[] | null } {
  const key = (login: string) => login.toLowerCase();
  const withoutTwoFactor = bundle.membersWithoutTwoFactor
    ? new Set(bundle.membersWithoutTwoFactor.map((m) => key(m.login)))
    : null;
  const admins = bundle.admins ? new Set(bundle.admins.map((m) => key(m.login))) : null;
  if (!withoutTwoFactor) {
    warnings.push(
      'The bundle does not list the members without two-factor authentication (only owners may ask), so whether each member uses it is unknown.',
    );
  }
  if (!admins) warnings.push('The bundle does not list the organisation owners, so no member is marked admin.');
  const twoFactorRequired = bundle.org.two_factor_requirement_enabled ?? null;
  const records: InventoryRecord[] = [];
  const seen = new Set<string>();
  for (const member of bundle.members) {
    const id = key(member.login);
    if (seen.has(id)) continue;
    seen.add(id);
    const data: AccountData = {
      provider: 'github',
      // GitHub shows members' emails only when they make them public; matching goes by login.
      email: null,
      username: member.login,
      displayName: null,
      isAdmin: admins?.has(id) ?? false,
      isRoot: false,
      active: true,
      mfaEnabled: withoutTwoFactor ? !withoutTwoFactor.has(id) : null,
      // The organisation's requirement applies to every member.
      mfaEnforced: twoFactorRequired,
      passwordEnabled: null,
      lastLoginAt: null,
      createdAt: null,
      accessKeys: [],
    };
    records.push({ type: 'account', externalId: id, name: member.login, data });
  }
  // Logins as GitHub spells them, in a stable order so the record's hash does not depend on paging.
  const list = bundle.membersWithoutTwoFactor
    ? [...new Map(bundle.membersWithoutTwoFactor.map((m) => [key(m.login), m.login])).values()].sort((a, b) =>
        key(a).localeCompare(key(b)),
      )
    : null;
  return { scope: { scope: `github.members:${bundle.org.login}`.slice(0, 200), records }, withoutTwoFactor: list };
}

export const parseGithub: Parser = (input): ParsedPush => {
  const doc = readJsonInput(input, HOW);
  const warnings: string[] = [];
  if (isGithubBundle(doc)) {
    const parsed = bundleSchema.safeParse(doc);
    if (!parsed.success) throw new ImportError(`The GitHub bundle does not fit: ${issuesText(parsed.error)}. ${HOW}`);
    readOrg(parsed.data.org, 'The bundle\'s "org"');
    const members = memberScope(parsed.data, warnings);
    const org = orgRecord(parsed.data.org, members.withoutTwoFactor, warnings);
    return {
      format: 'GitHub organisation with members (Attest GitHub bundle)',
      scopes: [{ scope: `github.org:${parsed.data.org.login}`.slice(0, 200), records: [org] }, members.scope],
      warnings,
    };
  }
  let org: GithubOrg;
  let format: string;
  if (isOctokitRecording(doc)) {
    org = orgFromRecording(doc);
    format = 'GitHub organisation (octokit recorded fixture)';
  } else if (isGithubAccount(doc)) {
    org = readOrg(doc, 'The file');
    format = 'GitHub organisation (GET /orgs/{org})';
  } else {
    throw new ImportError(wrongFormat(doc));
  }
  const record = orgRecord(org, null, warnings);
  return { format, scopes: [{ scope: `github.org:${org.login}`.slice(0, 200), records: [record] }], warnings };
};
