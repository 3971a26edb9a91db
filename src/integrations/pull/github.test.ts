import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { parseGithub } from '../github/index.js';
import type { AccountData, CloudResourceData } from '../types.js';
import { pullGithub } from './github.js';
import { PullError } from './http.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/github/${name}`, import.meta.url), 'utf8'));
const org = fixture('github.org.get.json') as { login: string };
const members = fixture('org.members.list.json') as { login: string }[];
const [owner, dev, contractor] = members;
const options = { now: new Date('2026-11-23T12:00:00Z') };
const TOKEN = 'github_pat_local_test_token_not_real';
const ORG = 'octokit-fixture-org';

type Request = { method: string; url: URL; headers: IncomingHttpHeaders };
type Reply = { status?: number; headers?: Record<string, string>; json?: unknown };

/** A real HTTP server on 127.0.0.1 answering with `route`; `requests` records what it was asked. */
async function startServer(route: (request: Request) => Reply) {
  const requests: Request[] = [];
  const server = createServer((req, res) => {
    const request = { method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://local'), headers: req.headers };
    requests.push(request);
    const reply = route(request);
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    res.end(reply.json === undefined ? '' : JSON.stringify(reply.json));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { base, requests, close };
}

describe('pullGithub', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  /** Per test: whether the token is an owner's (may filter by 2FA) and whether SSO blocks it. */
  let ownerToken = true;
  let ssoBlocked = false;

  function route(request: Request): Reply {
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      return { status: 401, json: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
    }
    if (request.headers['x-github-api-version'] !== '2022-11-28') {
      return { status: 400, json: { message: 'No API version' } };
    }
    const { pathname, searchParams } = request.url;
    if (ssoBlocked) {
      return { status: 403, headers: { 'x-github-sso': 'required; url=https://github.com/orgs/x/sso' }, json: {} };
    }
    if (pathname === `/orgs/${ORG}`) return { json: org };
    if (pathname !== `/orgs/${ORG}/members`) return { status: 404, json: { message: 'Not Found' } };
    if (searchParams.get('per_page') !== '100') return { status: 400, json: { message: 'Expected per_page=100' } };
    if (searchParams.get('filter') === '2fa_disabled') {
      return ownerToken ? { json: [dev] } : { status: 422, json: { message: 'Only owners can use this filter.' } };
    }
    if (searchParams.get('role') === 'admin') return { json: [owner] };
    if (searchParams.get('page') === '2') return { json: [contractor] };
    const next = `${server.base}/orgs/${ORG}/members?per_page=100&page=2`;
    return { headers: { link: `<${next}>; rel="next", <${next}>; rel="last"` }, json: [owner, dev] };
  }

  before(async () => {
    server = await startServer(route);
  });
  after(() => server.close());
  beforeEach(() => {
    ownerToken = true;
    ssoBlocked = false;
    server.requests.length = 0;
  });

  it('pulls the organisation, its members over two pages, those without 2FA and the owners', async () => {
    const text = await pullGithub({ org: ORG, token: TOKEN }, { baseUrl: server.base });
    assert.equal(server.requests.length, 5);
    const push = parseGithub(text, options);
    assert.deepEqual(push.warnings, []);
    assert.deepEqual(
      push.scopes.map((s) => [s.scope, s.records.length]),
      [
        [`github.org:${ORG}`, 1],
        [`github.members:${ORG}`, 3],
      ],
    );
    const orgData = push.scopes[0]!.records[0]!.data as Extract<CloudResourceData, { kind: 'github_org' }>;
    assert.deepEqual(orgData.attributes, { twoFactorRequired: false, membersWithoutTwoFactor: [dev!.login] });
    const accounts = new Map(push.scopes[1]!.records.map((r) => [r.name, r.data as AccountData]));
    assert.deepEqual(
      [...accounts].map(([login, a]) => [login, a.isAdmin, a.mfaEnabled]),
      [
        [owner!.login, true, true],
        [dev!.login, false, false],
        [contractor!.login, false, true],
      ],
    );
  });

  it("leaves out the 2FA list when the token is not an owner's, and the parser says MFA is unknown", async () => {
    ownerToken = false;
    const text = await pullGithub({ org: ORG, token: TOKEN }, { baseUrl: server.base });
    assert.equal('membersWithoutTwoFactor' in JSON.parse(text), false);
    const push = parseGithub(text, options);
    assert.ok(push.scopes[1]!.records.every((r) => (r.data as AccountData).mfaEnabled === null));
    assert.match(push.warnings.join('\n'), /without two-factor authentication/);
  });

  it('says what to do when GitHub refuses the token, without repeating it', async () => {
    await assert.rejects(
      pullGithub({ org: ORG, token: 'ghp_revoked_value' }, { baseUrl: server.base }),
      (error: unknown) =>
        error instanceof PullError &&
        error.status === 401 &&
        /^GitHub refused the token \(401\): create a token .*read:org/.test(error.message) &&
        !error.message.includes('ghp_revoked_value'),
    );
    ssoBlocked = true;
    await assert.rejects(pullGithub({ org: ORG, token: TOKEN }, { baseUrl: server.base }), /SAML single sign-on/);
  });

  it('says when the organisation does not exist, and refuses a name that is not a login', async () => {
    await assert.rejects(
      pullGithub({ org: 'no-such-org', token: TOKEN }, { baseUrl: server.base }),
      /GitHub found no organisation "no-such-org" that this token can see \(404\)/,
    );
    await assert.rejects(
      pullGithub({ org: '../users/x', token: TOKEN }, { baseUrl: server.base }),
      /not a GitHub organisation name/,
    );
  });

  it('names the host it could not reach', async () => {
    const closed = await startServer(() => ({}));
    await closed.close();
    await assert.rejects(
      pullGithub({ org: ORG, token: TOKEN }, { baseUrl: closed.base }),
      (error: unknown) =>
        error instanceof PullError &&
        error.message.includes(`Could not reach GitHub at ${closed.base.slice(7)}`) &&
        !error.message.includes(TOKEN),
    );
  });
});
