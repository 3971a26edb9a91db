import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import tls from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../src/server/app.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { makeOrg } from './helpers/factories.js';

/** A throwaway self-signed P-256 certificate for localhost, made with the system's openssl. */
function selfSignedCertificate(): { cert: Buffer; key: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'attest-tls-'));
  try {
    const key = join(dir, 'k');
    const cert = join(dir, 'c');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'pipe' },
    );
    return { cert: readFileSync(cert), key: readFileSync(key) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('HTTPS', () => {
  let t: TestApp;
  let server: FastifyInstance;
  let port: number;
  let ca: Buffer;
  /** TLS errors the server reported, newest last. */
  const serverErrors: string[] = [];

  before(async () => {
    const pair = selfSignedCertificate();
    ca = pair.cert;
    t = await startTestApp('pglite');
    server = await buildServer(t.rt, { https: pair });
    server.server.on('tlsClientError', (error: NodeJS.ErrnoException) => serverErrors.push(String(error.code)));
    await server.listen({ host: '127.0.0.1', port: 0 });
    const address = server.server.address();
    assert.ok(address && typeof address === 'object');
    port = address.port;
  });

  after(async () => {
    await server?.close();
    await t?.close();
  });

  /** A TLS handshake limited to one protocol version: the version agreed, or the error. */
  function handshake(version: tls.SecureVersion): Promise<{ protocol: string | null } | { error: string }> {
    return new Promise((resolve) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        ca,
        minVersion: version,
        maxVersion: version,
        // Lets a client on OpenSSL 3 offer TLS 1.0/1.1 at all, so it is the server that says no.
        ciphers: 'DEFAULT@SECLEVEL=0',
      });
      socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
      socket.once('secureConnect', () => {
        const protocol = socket.getProtocol();
        assert.equal(socket.authorized, true, String(socket.authorizationError));
        socket.end();
        resolve({ protocol });
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve({ error: String(error.code ?? error.message) }));
    });
  }

  function request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
        {
          host: '127.0.0.1',
          port,
          servername: 'localhost',
          ca,
          method,
          path,
          headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  it('completes TLS 1.3 and TLS 1.2 handshakes with a verified certificate', async () => {
    assert.deepEqual(await handshake('TLSv1.3'), { protocol: 'TLSv1.3' });
    assert.deepEqual(await handshake('TLSv1.2'), { protocol: 'TLSv1.2' });
  });

  it('refuses TLS 1.1 and TLS 1.0 handshakes', async () => {
    for (const version of ['TLSv1.1', 'TLSv1'] as const) {
      const before = serverErrors.length;
      const result = await handshake(version);
      assert.ok('error' in result, `${version} was accepted: ${JSON.stringify(result)}`);
      // When the client could offer the old version, the server is the one refusing it.
      await new Promise((r) => setTimeout(r, 20));
      const seen = serverErrors.slice(before);
      if (seen.length > 0) assert.deepEqual(seen, ['ERR_SSL_UNSUPPORTED_PROTOCOL'], `${version}: ${result.error}`);
    }
  });

  it('does not answer plain HTTP on the HTTPS port', async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      });
      const chunks: Buffer[] = [];
      socket.setTimeout(5000, () => socket.destroy());
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    });
    assert.doesNotMatch(reply, /^HTTP\//);
    assert.ok(!reply.includes('"status":"ok"'));
  });

  it('sends Strict-Transport-Security for at least a year over HTTPS', async () => {
    const res = await request('GET', '/healthz');
    assert.equal(res.status, 200, res.body);
    const hsts = String(res.headers['strict-transport-security']);
    const maxAge = Number(/max-age=(\d+)/.exec(hsts)?.[1]);
    assert.ok(maxAge >= 31_536_000, hsts);
    assert.match(hsts, /includeSubDomains/);
    assert.match(String(res.headers['content-security-policy']), /upgrade-insecure-requests/);
  });

  it('names the session cookie __Host-attest_session with Secure, HttpOnly, SameSite=Lax and Path=/ over HTTPS', async () => {
    const org = await makeOrg(t, 'tls');
    const res = await request('POST', '/api/v1/auth/login', {
      email: org.users.member.email,
      password: org.users.member.password,
    });
    assert.equal(res.status, 200, res.body);
    const raw = [res.headers['set-cookie']].flat().find((h) => h?.includes('attest_session='));
    assert.ok(raw, String(res.headers['set-cookie']));
    assert.ok(raw.startsWith('__Host-attest_session='), raw);
    const attributes = raw
      .split(';')
      .slice(1)
      .map((a) => a.trim().toLowerCase());
    for (const flag of ['secure', 'httponly', 'samesite=lax', 'path=/'])
      assert.ok(attributes.includes(flag), `${flag}: ${raw}`);
    assert.ok(!attributes.some((a) => a.startsWith('domain=')), `__Host- cookies have no Domain: ${raw}`);

    const cookie = raw.split(';')[0] ?? '';
    const me = await request('GET', '/api/v1/me', undefined, { cookie });
    assert.equal(me.status, 200, me.body);
    assert.equal(JSON.parse(me.body).session.stage, 'mfa');
  });
});
