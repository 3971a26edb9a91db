import assert from 'node:assert/strict';
import { generateKeyPairSync, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseGoogleWorkspace } from '../google-workspace/index.js';
import { DIRECTORY_USER_READONLY, pullGoogleWorkspace } from './google.js';
import { PullError } from './http.js';

const pageText = readFileSync(
  new URL('../../../test/fixtures/google-workspace/googleworkspace.users.list.page.json', import.meta.url),
  'utf8',
);
const [userOne, userTwo] = (JSON.parse(pageText) as { users: unknown[] }).users;
const options = { now: new Date('2026-11-23T12:00:00Z') };

const ADMIN = 'it-admin@simpson.corp';
const ACCESS_TOKEN = 'ya29.local-test-access-token';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const serviceAccount = {
  type: 'service_account',
  project_id: 'attest-test',
  private_key_id: '0123456789abcdef',
  private_key: pem,
  client_email: 'attest-reader@attest-test.iam.gserviceaccount.com',
  client_id: '109876543210987654321',
  token_uri: 'https://oauth2.googleapis.com/token',
};
const keyText = JSON.stringify(serviceAccount);

type Request = { method: string; url: URL; headers: IncomingHttpHeaders; body: string };
type Reply = { status?: number; headers?: Record<string, string>; json?: unknown };

/** A real HTTP server on 127.0.0.1 answering with `route`; `requests` records what it was asked. */
async function startServer(route: (request: Request) => Reply) {
  const requests: Request[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const request = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://local'),
        headers: req.headers,
        body,
      };
      requests.push(request);
      const reply = route(request);
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.json === undefined ? '' : JSON.stringify(reply.json));
    });
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

/** Google's token endpoint, as far as the JWT bearer grant goes: it checks the signature and the claims. */
function tokenEndpoint(request: Request, audience: string): Reply {
  const form = new URLSearchParams(request.body);
  const [header, claims, signature] = (form.get('assertion') ?? '').split('.');
  const signed = verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${claims}`),
    publicKey,
    Buffer.from(signature ?? '', 'base64url'),
  );
  const jwt = JSON.parse(Buffer.from(claims ?? '', 'base64url').toString()) as Record<string, unknown>;
  const now = Date.now() / 1000;
  const ok =
    form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer' &&
    request.headers['content-type'] === 'application/x-www-form-urlencoded' &&
    JSON.parse(Buffer.from(header ?? '', 'base64url').toString()).alg === 'RS256' &&
    signed &&
    jwt.iss === serviceAccount.client_email &&
    jwt.sub === ADMIN &&
    jwt.scope === DIRECTORY_USER_READONLY &&
    jwt.aud === audience &&
    Math.abs((jwt.iat as number) - now) < 60 &&
    (jwt.exp as number) - (jwt.iat as number) === 3600;
  if (!ok) return { status: 400, json: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } };
  return { json: { access_token: ACCESS_TOKEN, expires_in: 3599, token_type: 'Bearer' } };
}

/** users.list over two pages, for the bearer token and the expected customer only. */
function usersList(request: Request, customer: string): Reply {
  if (request.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) {
    return { status: 401, json: { error: { code: 401, message: 'Request had invalid authentication credentials.' } } };
  }
  const query = request.url.searchParams;
  const fields = query.get('fields') ?? '';
  if (query.get('customer') !== customer || query.get('maxResults') !== '500' || !fields.includes('isEnrolledIn2Sv')) {
    return { status: 400, json: { error: { code: 400, message: 'Bad Request' } } };
  }
  if (query.get('pageToken') === 'page-2') return { json: { kind: 'admin#directory#users', users: [userTwo] } };
  return { json: { kind: 'admin#directory#users', users: [userOne], nextPageToken: 'page-2' } };
}

function assertNoSecret(error: unknown): true {
  const message = (error as Error).message;
  assert.ok(
    !message.includes(ACCESS_TOKEN) && !message.includes('PRIVATE KEY') && !message.includes(pem.slice(40, 80)),
  );
  return true;
}

describe('pullGoogleWorkspace', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let failToken: Reply | null = null;
  let failUsers: Reply | null = null;
  let customer = 'my_customer';
  before(async () => {
    server = await startServer((request) => {
      if (request.method === 'POST' && request.url.pathname === '/token') {
        return failToken ?? tokenEndpoint(request, `${server.base}/token`);
      }
      if (request.url.pathname === '/admin/directory/v1/users') return failUsers ?? usersList(request, customer);
      return { status: 404, json: { error: { code: 404, message: 'Not Found' } } };
    });
  });
  after(() => server.close());
  const endpoints = () => ({ tokenUrl: `${server.base}/token`, apiBase: server.base });

  it('signs in as the service account and follows nextPageToken; the parser reads what it pulled', async () => {
    server.requests.length = 0;
    const text = await pullGoogleWorkspace({ serviceAccountKey: keyText, adminEmail: ADMIN }, endpoints());
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.url.pathname} ${r.url.searchParams.get('pageToken') ?? ''}`.trim()),
      ['POST /token', 'GET /admin/directory/v1/users', 'GET /admin/directory/v1/users page-2'],
    );
    assert.equal(JSON.parse(text).length, 2);
    const pulled = parseGoogleWorkspace(text, options);
    const direct = parseGoogleWorkspace(pageText, options);
    assert.equal(pulled.scopes[0]!.scope, 'google-workspace:customer-123');
    assert.equal(pulled.scopes[0]!.records.length, 2);
    assert.deepEqual(pulled.scopes, direct.scopes);
    assert.deepEqual(pulled.warnings, []);
  });

  it('asks for another customer when one is given', async () => {
    customer = 'C0other';
    const text = await pullGoogleWorkspace({ serviceAccountKey: keyText, adminEmail: ADMIN, customer }, endpoints());
    customer = 'my_customer';
    assert.equal(parseGoogleWorkspace(text, options).scopes[0]!.records.length, 2);
  });

  it('explains a refused delegation, a rejected JWT and a denied Directory API, without secrets', async () => {
    failToken = { status: 401, json: { error: 'unauthorized_client', error_description: 'Client is unauthorized.' } };
    await assert.rejects(
      pullGoogleWorkspace({ serviceAccountKey: keyText, adminEmail: ADMIN }, endpoints()),
      (error: unknown) =>
        error instanceof PullError &&
        /Domain-wide delegation.*client ID 109876543210987654321.*admin\.directory\.user\.readonly/.test(
          error.message,
        ) &&
        assertNoSecret(error),
    );
    failToken = null;

    // A key the token endpoint cannot verify: another service account's key under the same name.
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    const wrongKey = JSON.stringify({ ...serviceAccount, private_key: other.toString() });
    await assert.rejects(
      pullGoogleWorkspace({ serviceAccountKey: wrongKey, adminEmail: ADMIN }, endpoints()),
      (error: unknown) =>
        error instanceof PullError && /act as it-admin@simpson\.corp \(invalid_grant/.test(error.message),
    );

    failUsers = { status: 403, json: { error: { code: 403, message: 'Not Authorized to access this resource/api' } } };
    await assert.rejects(
      pullGoogleWorkspace({ serviceAccountKey: keyText, adminEmail: ADMIN }, endpoints()),
      (error: unknown) =>
        error instanceof PullError &&
        error.status === 403 &&
        /Directory API request \(403: Not Authorized.*Admin SDK API/.test(error.message) &&
        assertNoSecret(error),
    );
    failUsers = null;
  });

  it('refuses a key that is not a service account key, without quoting it', async () => {
    const broken = keyText.slice(0, keyText.length - 30);
    await assert.rejects(
      pullGoogleWorkspace({ serviceAccountKey: broken, adminEmail: ADMIN }, endpoints()),
      (error: unknown) => error instanceof PullError && /not valid JSON/.test(error.message) && assertNoSecret(error),
    );
    await assert.rejects(
      pullGoogleWorkspace(
        {
          serviceAccountKey: JSON.stringify({ type: 'authorized_user', client_email: 'a', private_key: 'b' }),
          adminEmail: ADMIN,
        },
        endpoints(),
      ),
      /"authorized_user" key, not a service account's/,
    );
    await assert.rejects(
      pullGoogleWorkspace(
        { serviceAccountKey: JSON.stringify({ ...serviceAccount, private_key: 'not a key' }), adminEmail: ADMIN },
        endpoints(),
      ),
      /private_key is not a valid PEM private key/,
    );
  });

  it('names the host it could not reach', async () => {
    const closed = await startServer(() => ({}));
    await closed.close();
    await assert.rejects(
      pullGoogleWorkspace(
        { serviceAccountKey: keyText, adminEmail: ADMIN },
        { tokenUrl: `${closed.base}/token`, apiBase: closed.base },
      ),
      (error: unknown) =>
        error instanceof PullError &&
        error.message.includes(`Could not reach Google at ${closed.base.slice(7)} (ECONNREFUSED)`) &&
        assertNoSecret(error),
    );
  });
});
