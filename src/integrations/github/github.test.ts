import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type AccountData, type CloudResourceData, ImportError, type ParsedPush } from '../types.js';
import { parseGithub } from './index.js';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8');
const orgText = fixture('github/github.org.get.json');
const recordingText = fixture('github/get-organization.normalized-fixture.json');
const membersText = fixture('github/org.members.list.json');
const sampleText = readFileSync(new URL('../../content/samples/github.json', import.meta.url), 'utf8');
const options = { now: new Date('2026-11-23T12:00:00Z') };

type Member = { login: string };
const members = (): Member[] => JSON.parse(membersText);
const pick = (...logins: string[]) => members().filter((m) => logins.includes(m.login));

function bundle(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ attest: 'github-bundle/v1', org: JSON.parse(orgText), members: members(), ...extra });
}

type GithubOrgData = Extract<CloudResourceData, { kind: 'github_org' }>;
const orgOf = (push: ParsedPush) => push.scopes[0]!.records[0]!.data as GithubOrgData;
const accountsOf = (push: ParsedPush) => new Map(push.scopes[1]!.records.map((r) => [r.name, r.data as AccountData]));

function rejects(text: string, pattern: RegExp): void {
  assert.throws(
    () => parseGithub(text, options),
    (error: unknown) => error instanceof ImportError && pattern.test(error.message),
  );
}

describe('parseGithub', () => {
  it('reads GET /orgs/{org} as a github_org resource', () => {
    const push = parseGithub(orgText, options);
    assert.equal(push.format, 'GitHub organisation (GET /orgs/{org})');
    assert.deepEqual(push.warnings, []);
    assert.equal(push.scopes.length, 1);
    assert.equal(push.scopes[0]!.scope, 'github.org:octokit-fixture-org');
    assert.equal(push.scopes[0]!.records.length, 1);
    const record = push.scopes[0]!.records[0]!;
    assert.equal(record.type, 'cloud_resource');
    assert.equal(record.externalId, 'octokit-fixture-org');
    assert.deepEqual(record.data, {
      provider: 'github',
      kind: 'github_org',
      account: 'octokit-fixture-org',
      region: null,
      attributes: { twoFactorRequired: false, membersWithoutTwoFactor: null },
    });
  });

  it("reads the organisation from octokit's recorded fixture", () => {
    const push = parseGithub(recordingText, options);
    assert.equal(push.format, 'GitHub organisation (octokit recorded fixture)');
    assert.deepEqual(push, { ...parseGithub(orgText, options), format: push.format });
  });

  it('reads a bundle: members, who lacks two-factor authentication, and owners', () => {
    const text = bundle({
      membersWithoutTwoFactor: [{ login: 'attest-fixture-dev' }, { login: 'attest-fixture-contractor' }],
      admins: pick('attest-fixture-owner'),
    });
    const push = parseGithub(text, options);
    assert.equal(push.format, 'GitHub organisation with members (Attest GitHub bundle)');
    assert.deepEqual(push.warnings, []);
    assert.deepEqual(
      push.scopes.map((s) => [s.scope, s.records.length]),
      [
        ['github.org:octokit-fixture-org', 1],
        ['github.members:octokit-fixture-org', 3],
      ],
    );
    assert.deepEqual(orgOf(push).attributes, {
      twoFactorRequired: false,
      membersWithoutTwoFactor: ['attest-fixture-contractor', 'attest-fixture-dev'],
    });
    const accounts = accountsOf(push);
    assert.deepEqual(accounts.get('attest-fixture-owner'), {
      provider: 'github',
      email: null,
      username: 'attest-fixture-owner',
      displayName: null,
      isAdmin: true,
      isRoot: false,
      active: true,
      mfaEnabled: true,
      mfaEnforced: false,
      passwordEnabled: null,
      lastLoginAt: null,
      createdAt: null,
      accessKeys: [],
    });
    assert.equal(accounts.get('attest-fixture-dev')!.mfaEnabled, false);
    // GitHub logins are case-insensitive.
    assert.equal(accounts.get('Attest-Fixture-Contractor')!.mfaEnabled, false);
    assert.equal(push.scopes[1]!.records[2]!.externalId, 'attest-fixture-contractor');
    assert.equal(accounts.get('Attest-Fixture-Contractor')!.isAdmin, false);
  });

  it('leaves MFA unknown and nobody admin when the bundle lacks those lists, and says so', () => {
    const push = parseGithub(bundle(), options);
    const accounts = [...accountsOf(push).values()];
    assert.ok(accounts.every((a) => a.mfaEnabled === null && !a.isAdmin));
    assert.equal(orgOf(push).attributes.membersWithoutTwoFactor, null);
    assert.equal(push.warnings.length, 2);
    assert.match(push.warnings[0]!, /without two-factor authentication/);
    assert.match(push.warnings[1]!, /owners/);
  });

  it('records an unreported two-factor requirement as unknown (null) with a warning, and a reported one as is', () => {
    const org = JSON.parse(orgText) as Record<string, unknown>;
    delete org.two_factor_requirement_enabled;
    const unknown = parseGithub(JSON.stringify(org), options);
    assert.equal(orgOf(unknown).attributes.twoFactorRequired, null);
    assert.match(unknown.warnings[0]!, /did not report whether octokit-fixture-org requires two-factor/);

    const required = parseGithub(bundle({ org: { ...org, two_factor_requirement_enabled: true } }), options);
    assert.equal(orgOf(required).attributes.twoFactorRequired, true);
    assert.ok([...accountsOf(required).values()].every((a) => a.mfaEnforced === true));
    const unreported = parseGithub(bundle({ org: { ...org, two_factor_requirement_enabled: null } }), options);
    assert.ok([...accountsOf(unreported).values()].every((a) => a.mfaEnforced === null));
  });

  it('refuses empty, truncated and foreign files with a message saying what to push', () => {
    rejects('', /file is empty/);
    rejects(orgText.slice(0, 120), /not valid JSON.*cut short/);
    rejects(fixture('okta/users.list.json'), /push it as okta/);
    rejects(fixture('google-workspace/googleworkspace.users.list.page.json'), /push it as google-workspace/);
    rejects('{"SchemaVersion":2,"ArtifactName":"alpine:3.10","Results":[]}', /not a GitHub organisation/);
    rejects(
      JSON.stringify({ ...JSON.parse(orgText), type: 'User' }),
      /GitHub user \("octokit-fixture-org"\), not an organisation/,
    );
    rejects(membersText, /not a GitHub organisation/);
  });

  it('refuses a recording without the organisation, and a bundle without members', () => {
    const recording = JSON.parse(recordingText) as { path: string }[];
    recording[0]!.path = '/repos/octokit-fixture-org/hello-world';
    rejects(JSON.stringify(recording), /no successful GET \/orgs\/\{org\}/);
    rejects(JSON.stringify({ attest: 'github-bundle/v1', org: JSON.parse(orgText) }), /bundle does not fit: members/);
    rejects(bundle({ org: { id: 1 } }), /bundle does not fit: org\.login/);
  });

  it('reads the Northwind Labs sample', () => {
    const push = parseGithub(sampleText, options);
    assert.deepEqual(push.warnings, []);
    assert.equal(push.scopes[0]!.scope, 'github.org:northwind-labs');
    assert.deepEqual(orgOf(push).attributes, {
      twoFactorRequired: false,
      membersWithoutTwoFactor: ['nwl-deploy-bot', 'nwl-hannah', 'nwl-tomas'],
    });
    const accounts = [...accountsOf(push).values()];
    assert.equal(accounts.length, 11);
    assert.equal(accounts.filter((a) => a.mfaEnabled === false).length, 3);
    assert.deepEqual(
      accounts.filter((a) => a.isAdmin).map((a) => a.username),
      ['nwl-avery', 'nwl-priya'],
    );
  });

  it('parses 20,000 members in well under a second', () => {
    const [template] = members();
    const many = Array.from({ length: 20_000 }, (_, i) => ({ ...template, login: `member-${i}` }));
    const text = bundle({ members: many, membersWithoutTwoFactor: many.slice(0, 5000), admins: many.slice(0, 10) });
    // The best of two runs, so that a busy machine (tests run in parallel) does not fail it.
    let best = Number.POSITIVE_INFINITY;
    let push: ParsedPush | undefined;
    for (let run = 0; run < 2; run++) {
      const started = performance.now();
      push = parseGithub(text, options);
      best = Math.min(best, performance.now() - started);
    }
    assert.equal(push!.scopes[1]!.records.length, 20_000);
    assert.equal(orgOf(push!).attributes.membersWithoutTwoFactor?.length, 5000);
    assert.ok(best < 1000, `took ${Math.round(best)} ms`);
  });
});
