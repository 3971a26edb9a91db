import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { parseOkta } from '../okta/index.js';
import type { AccountData } from '../types.js';
import { PullError } from './http.js';
import { oktaDomain, pullOkta } from './okta.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/okta/${name}`, import.meta.url), 'utf8'));
const users = fixture('users.list.json') as { id: string }[];
const smsFactors = fixture('user-factors.list.sms.json') as { status: string }[];
const options = { now: new Date('2026-11-23T12:00:00Z') };

const TOKEN = '00aLocalTestOktaToken-not-real';
const JORDAN = '00unwlw0tbo8E6aVj5d7';
const ASSIGN = '00upynhrehMaqXPgU5d7';
const GONE = '00uqh31ktvIde3jcq5d7';

type Request = { method: string; url: URL; headers: IncomingHttpHeaders; body: string };
type Reply = { status?: number; headers?: Record<string, string>; json?: unknown };

/** A real HTTP server on 127.0.0.1 answering with `route`; `requests` records what it was asked. */
async function startServer(route: (request: Request) => Reply) {
  const requests: Request[] = [];
  const server = createServer((req, res) => {
    const request = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'http://local'),
      headers: req.headers,
      body: '',
    };
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

describe('pullOkta', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  /** Per test: how the role-assignment API and the second users page answer. */
  let assignees: 'ok' | 'forbidden' = 'ok';
  let rateLimitOnce = false;

  function route(request: Request): Reply {
    if (request.headers.authorization !== `SSWS ${TOKEN}`) {
      return { status: 401, json: { errorCode: 'E0000011', errorSummary: 'Invalid token provided' } };
    }
    const { pathname, searchParams } = request.url;
    if (pathname === '/api/v1/users') {
      if (!searchParams.get('after')) {
        if (searchParams.get('limit') !== '200') return { status: 400, json: { errorSummary: 'Expected limit=200' } };
        const next = `${server.base}/api/v1/users?after=${users[4]!.id}&limit=200`;
        const link = `<${server.base}/api/v1/users?limit=200>; rel="self", <${next}>; rel="next"`;
        return { headers: { link }, json: users.slice(0, 5) };
      }
      if (rateLimitOnce) {
        rateLimitOnce = false;
        return { status: 429, headers: { 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000)) }, json: {} };
      }
      return {
        headers: { link: `<${server.base}${pathname}?after=${users[4]!.id}&limit=200>; rel="self"` },
        json: users.slice(5),
      };
    }
    const factors = /^\/api\/v1\/users\/([^/]+)\/factors$/.exec(pathname);
    if (factors) {
      if (factors[1] === JORDAN) return { json: smsFactors };
      if (factors[1] === ASSIGN) return { json: smsFactors.map((f) => ({ ...f, status: 'ACTIVE' })) };
      if (factors[1] === GONE) return { status: 404, json: { errorCode: 'E0000007', errorSummary: 'Not found' } };
      return { json: [] };
    }
    if (pathname === '/api/v1/iam/assignees/users') {
      if (assignees === 'forbidden') {
        return { status: 403, json: { errorCode: 'E0000006', errorSummary: 'You do not have permission' } };
      }
      if (searchParams.get('after')) return { json: { value: [{ id: ASSIGN, orgId: '00o1' }], _links: {} } };
      const next = `${server.base}/api/v1/iam/assignees/users?after=${JORDAN}&limit=100`;
      return { json: { value: [{ id: JORDAN, orgId: '00o1' }], _links: { next: { href: next } } } };
    }
    return {
      status: 404,
      json: { errorCode: 'E0000022', errorSummary: 'The endpoint does not support the provided HTTP method' },
    };
  }

  before(async () => {
    server = await startServer(route);
  });
  after(() => server.close());
  beforeEach(() => {
    assignees = 'ok';
    rateLimitOnce = false;
    server.requests.length = 0;
  });

  it('pulls users over two pages, their factors and the admins; the parser reads what it pulled', async () => {
    const text = await pullOkta({ domain: 'https://Test.okta.com/', apiToken: TOKEN }, { baseUrl: server.base });
    const bundle = JSON.parse(text) as { org: string; users: unknown[]; admins: string[] };
    assert.equal(bundle.org, 'test.okta.com');
    assert.equal(bundle.users.length, 8);
    assert.deepEqual(bundle.admins, [JORDAN, ASSIGN]);
    assert.equal(server.requests.filter((r) => r.url.pathname.endsWith('/factors')).length, 8);
    // Phones (profile.mobilePhone, SMS factors' phoneNumber) are not needed, so not kept.
    assert.ok(!text.includes('555-415-1337') && !text.includes('+12345678901') && !text.includes('mobilePhone'));

    const push = parseOkta(text, options);
    assert.equal(push.scopes[0]!.scope, 'okta:test.okta.com');
    assert.deepEqual(push.warnings, []);
    const accounts = new Map(push.scopes[0]!.records.map((r) => [r.externalId, r.data as AccountData]));
    assert.equal(accounts.size, 8);
    assert.deepEqual(
      { admin: accounts.get(JORDAN)!.isAdmin, mfa: accounts.get(JORDAN)!.mfaEnabled },
      { admin: true, mfa: false },
    );
    assert.deepEqual(
      { admin: accounts.get(ASSIGN)!.isAdmin, mfa: accounts.get(ASSIGN)!.mfaEnabled },
      { admin: true, mfa: true },
    );
    assert.equal(accounts.get(GONE)!.mfaEnabled, null);
    assert.equal(accounts.get(users[2]!.id)!.mfaEnabled, false);
  });

  it('leaves the admins out when the token may not read role assignments, and the parser warns', async () => {
    assignees = 'forbidden';
    const text = await pullOkta({ domain: 'test.okta.com', apiToken: TOKEN }, { baseUrl: server.base });
    assert.equal('admins' in JSON.parse(text), false);
    const push = parseOkta(text, options);
    assert.match(push.warnings.join('\n'), /does not say who holds admin roles/);
    assert.ok(push.scopes[0]!.records.every((r) => !(r.data as AccountData).isAdmin));
  });

  it('waits out a rate limit and carries on', async () => {
    rateLimitOnce = true;
    const text = await pullOkta({ domain: 'test.okta.com', apiToken: TOKEN }, { baseUrl: server.base });
    assert.equal((JSON.parse(text) as { users: unknown[] }).users.length, 8);
    assert.equal(server.requests.filter((r) => r.url.searchParams.get('after') === users[4]!.id).length, 2);
  });

  it('says what to do when Okta refuses the token, without repeating it', async () => {
    await assert.rejects(
      pullOkta({ domain: 'test.okta.com', apiToken: 'revoked-token-value' }, { baseUrl: server.base }),
      (error: unknown) =>
        error instanceof PullError &&
        error.status === 401 &&
        error.message.startsWith('Okta refused the API token (401): create a read-only token') &&
        !error.message.includes('revoked-token-value'),
    );
  });

  it('names the host it could not reach', async () => {
    const closed = await startServer(() => ({}));
    await closed.close();
    await assert.rejects(
      pullOkta({ domain: 'test.okta.com', apiToken: TOKEN }, { baseUrl: closed.base }),
      (error: unknown) =>
        error instanceof PullError &&
        error.message.includes(`Could not reach Okta at ${closed.base.slice(7)}`) &&
        !error.message.includes(TOKEN),
    );
  });

  it('accepts a domain with or without its scheme, and refuses what is not a domain', () => {
    assert.equal(oktaDomain(' https://Northwind.okta.com/ '), 'northwind.okta.com');
    assert.equal(oktaDomain('northwind.oktapreview.com'), 'northwind.oktapreview.com');
    assert.throws(() => oktaDomain('northwind'), /not an Okta domain/);
    assert.throws(() => oktaDomain('https://northwind.okta.com/app/x'), /not an Okta domain/);
  });
});
