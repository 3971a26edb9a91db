/**
 * The TLS probe fetching /.well-known/security.txt from local HTTPS servers on 127.0.0.1.
 * One server answers per Host header (the probe's servername), so each verdict is one name.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import { fetchSecurityTxt, probeTls } from '../tls/index.js';

const NOW = new Date('2026-12-07T09:00:00.000Z');
const TIMEOUT_MS = 3_000;
const PLAIN = 'text/plain; charset=utf-8';
const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/security-txt/${name}.security.txt`, import.meta.url));

interface Route {
  status: number;
  type?: string;
  body?: string | Buffer;
  location?: string;
}

/** What the server answers for /.well-known/security.txt, by host name. */
const ROUTES: Record<string, Route> = {
  'valid.test': { status: 200, type: PLAIN, body: fixture('northwind-valid') },
  'signed.test': { status: 200, type: PLAIN, body: fixture('northwind-signed') },
  'expired.test': { status: 200, type: PLAIN, body: fixture('rfc9116-2.6-unsigned-example') },
  'invalid.test': { status: 200, type: PLAIN, body: fixture('legacy-template-invalid') },
  'missing.test': { status: 404, type: 'text/html', body: '<h1>Not found</h1>' },
  'html.test': { status: 200, type: 'text/html; charset=utf-8', body: '<!doctype html><title>Home</title>' },
  'nocharset.test': { status: 200, type: 'text/plain', body: fixture('northwind-valid') },
  'huge.test': { status: 200, type: PLAIN, body: Buffer.alloc(64 * 1024, '#') },
  'moved.test': { status: 301, location: '/security.txt' },
  'away.test': { status: 302, location: 'https://elsewhere.example/.well-known/security.txt' },
  'loop.test': { status: 302, location: '/.well-known/security.txt' },
};

let server: https.Server;
let port: number;
let bareTls: net.Server;
let barePort: number;
const sockets = new Set<net.Socket>();

before(async () => {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, algorithm: 'sha256' });
  const options = { key: pems.private, cert: pems.cert };
  server = https.createServer(options, (request, response) => {
    const name = (request.headers.host ?? '').replace(/:\d+$/, '');
    if (name === 'slow.test') {
      // Headers and part of the file, then nothing more.
      response.writeHead(200, { 'content-type': PLAIN });
      response.write('Contact: mailto:security@example.com\n');
      return;
    }
    if (name === 'silent.test') return; // never answers
    if (request.url === '/security.txt' && name === 'moved.test') {
      response.writeHead(200, { 'content-type': PLAIN }).end(fixture('northwind-valid'));
      return;
    }
    const route = request.url === '/.well-known/security.txt' ? ROUTES[name] : undefined;
    if (!route) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(route.status, {
      ...(route.type ? { 'content-type': route.type } : {}),
      ...(route.location ? { location: route.location } : {}),
    });
    response.end(route.body);
  });
  bareTls = tls.createServer(options, (socket) => socket.end());
  for (const s of [server, bareTls]) {
    s.on('connection', (socket: net.Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  }
  await Promise.all([
    new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)),
    new Promise<void>((resolve) => bareTls.listen(0, '127.0.0.1', resolve)),
  ]);
  port = (server.address() as AddressInfo).port;
  barePort = (bareTls.address() as AddressInfo).port;
});

after(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all([
    new Promise<void>((resolve) => server.close(() => resolve())),
    new Promise<void>((resolve) => bareTls.close(() => resolve())),
  ]);
});

const fetchAs = (servername: string) => fetchSecurityTxt({ host: '127.0.0.1', port, servername }, TIMEOUT_MS, NOW);

describe('the probe fetching security.txt', () => {
  test('valid: our fixture served as text/plain with its contacts and expiry', async () => {
    const seen = await fetchAs('valid.test');
    assert.ok(seen);
    assert.equal(seen.url, `https://valid.test:${port}/.well-known/security.txt`);
    assert.equal(seen.status, 200);
    assert.equal(seen.found, true);
    assert.equal(seen.valid, true, seen.errors.join(' | '));
    assert.equal(seen.expired, false);
    assert.equal(seen.expires, '2027-06-30T12:00:00.000Z');
    assert.deepEqual(seen.contacts, ['mailto:security@northwind.example', 'https://northwind.example/security/report']);
    assert.equal(seen.signed, false);
    assert.match(seen.warnings.join(), /none of its Canonical fields names/, 'served from an address it does not list');
  });

  test('valid and signed: the signed fixture is noted as signed', async () => {
    const seen = await fetchAs('signed.test');
    assert.equal(seen?.valid, true, seen?.errors.join(' | '));
    assert.equal(seen?.signed, true);
  });

  test('expired: the RFC example, found but past its Expires', async () => {
    const seen = await fetchAs('expired.test');
    assert.equal(seen?.found, true);
    assert.equal(seen?.valid, false);
    assert.equal(seen?.expired, true);
    assert.equal(seen?.expires, '2021-12-31T18:37:07.000Z');
    assert.match(seen?.errors.join() ?? '', /expired on 2021-12-31/);
  });

  test('invalid: the pre-RFC template, found but without Expires and with a bare address', async () => {
    const seen = await fetchAs('invalid.test');
    assert.equal(seen?.found, true);
    assert.equal(seen?.valid, false);
    assert.equal(seen?.expired, false);
    assert.equal(seen?.errors.length, 2, seen?.errors.join(' | '));
    assert.deepEqual(seen?.contacts, ['security@example.com']);
  });

  test('missing: a 404 is not found, saying where the file should be', async () => {
    const seen = await fetchAs('missing.test');
    assert.equal(seen?.status, 404);
    assert.equal(seen?.found, false);
    assert.equal(seen?.valid, false);
    assert.match(
      seen?.errors[0] ?? '',
      /^No security\.txt at https:\/\/missing\.test:\d+\/\.well-known\/security\.txt \(the server answered 404\)/,
    );
  });

  test('a web page answered with 200 is not a security.txt: it must be text/plain', async () => {
    const seen = await fetchAs('html.test');
    assert.equal(seen?.found, true);
    assert.equal(seen?.valid, false);
    assert.equal(seen?.contentType, 'text/html; charset=utf-8');
    assert.match(seen?.errors.join() ?? '', /not text\/plain: serve it as "text\/plain; charset=utf-8"/);
  });

  test('text/plain without charset=utf-8 is a warning only', async () => {
    const seen = await fetchAs('nocharset.test');
    assert.equal(seen?.valid, true, seen?.errors.join(' | '));
    assert.match(seen?.warnings.join() ?? '', /without "charset=utf-8"/);
  });

  test('stops reading past 32 KiB', async () => {
    const seen = await fetchAs('huge.test');
    assert.equal(seen?.found, true);
    assert.equal(seen?.valid, false);
    assert.match(seen?.errors.join() ?? '', /larger than 32 KiB/);
  });

  test('follows one redirect on the same host, but not to another host nor a second time', async () => {
    const moved = await fetchAs('moved.test');
    assert.equal(moved?.url, `https://moved.test:${port}/security.txt`);
    assert.equal(moved?.valid, true, moved?.errors.join(' | '));

    const away = await fetchAs('away.test');
    assert.equal(away?.found, false);
    assert.equal(away?.status, 302);
    assert.match(away?.errors.join() ?? '', /redirects to https:\/\/elsewhere\.example\/.*same host/);

    const loop = await fetchAs('loop.test');
    assert.equal(loop?.found, false);
    assert.match(loop?.errors.join() ?? '', /redirects more than once/);
  });

  test('a file that stops arriving is found but not valid; a server that never answers gives null', async () => {
    const slow = await fetchSecurityTxt({ host: '127.0.0.1', port, servername: 'slow.test' }, 500, NOW);
    assert.equal(slow?.found, true);
    assert.equal(slow?.valid, false);
    assert.match(slow?.errors.join() ?? '', /did not arrive in full within 500 ms/);
    assert.equal(await fetchSecurityTxt({ host: '127.0.0.1', port, servername: 'silent.test' }, 500, NOW), null);
  });

  test('probeTls records the observation, and null for a TLS port that speaks no HTTP', async () => {
    const web = await probeTls(
      { host: '127.0.0.1', port, servername: 'expired.test' },
      { timeoutMs: TIMEOUT_MS, now: NOW },
    );
    assert.equal(web.data.error, null);
    assert.equal(web.data.securityTxt?.expired, true);
    assert.equal(web.data.securityTxt?.found, true);

    const bare = await probeTls({ host: '127.0.0.1', port: barePort }, { timeoutMs: TIMEOUT_MS, now: NOW });
    assert.equal(bare.data.error, null, 'the handshake completes');
    assert.equal(bare.data.securityTxt, null, 'no HTTP answer: nothing to judge');
  });
});
