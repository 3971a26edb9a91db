import assert from 'node:assert/strict';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { before, describe, test } from 'node:test';
import tls, { type SecureVersion } from 'node:tls';
import { generate } from 'selfsigned';
import { CIPHER_STRENGTH, cipherStrength, weakestCipher } from './ciphers.js';
import { parseHstsMaxAge } from './hsts.js';
import { probeTls, probeTlsTargets } from './index.js';

const DAY_MS = 86_400_000;
const TIMEOUT_MS = 3_000;

interface Pems {
  key: string;
  cert: string;
}

async function makeCertificate(validDays: number): Promise<Pems> {
  const notBeforeDate = new Date(Date.now() - DAY_MS);
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(Date.now() + validDays * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

interface Running {
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (a free port) and, on close, drops every connection still open. */
async function listen(server: net.Server): Promise<Running> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function tlsServer(pems: Pems, options: tls.TlsOptions): Promise<Running> {
  return listen(tls.createServer({ ...pems, ...options }, (socket) => socket.end()));
}

/** A port nothing listens on: bind one, then let it go. */
async function closedPort(): Promise<number> {
  const running = await listen(net.createServer());
  await running.close();
  return running.port;
}

/** Whether this machine's OpenSSL completes a handshake at `version` with itself. */
async function speaksLocally(pems: Pems, version: SecureVersion): Promise<boolean> {
  const options = { minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' } as const;
  const server = await tlsServer(pems, options);
  try {
    return await new Promise<boolean>((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port: server.port, rejectUnauthorized: false, ...options });
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  } catch {
    return false;
  } finally {
    await server.close();
  }
}

describe('probeTls against local servers', () => {
  let pems: Pems;
  let expiringSoon: Pems;
  before(async () => {
    [pems, expiringSoon] = await Promise.all([makeCertificate(365), makeCertificate(3)]);
  });

  test('reports exactly TLS 1.2 and the HSTS max-age of an HTTPS server limited to TLS 1.2', async () => {
    const server = await listen(
      https.createServer({ ...pems, maxVersion: 'TLSv1.2' }, (_request, response) => {
        response.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
        response.end('ok');
      }),
    );
    try {
      const record = await probeTls({ host: '127.0.0.1', port: server.port }, { timeoutMs: TIMEOUT_MS });
      assert.equal(record.type, 'endpoint');
      assert.equal(record.externalId, `127.0.0.1:${server.port}`);
      assert.equal(record.data.error, null);
      assert.deepEqual(record.data.protocols, ['TLSv1.2']);
      assert.equal(record.data.hstsMaxAge, 31536000);
      assert.ok(record.data.weakestCipher, 'a cipher was negotiated');
    } finally {
      await server.close();
    }
  });

  test('sees a self-signed certificate expiring in 3 days, trusted only when given as the CA', async () => {
    const server = await tlsServer(expiringSoon, {});
    try {
      const record = await probeTls({ host: '127.0.0.1', port: server.port }, { timeoutMs: TIMEOUT_MS });
      const certificate = record.data.certificate;
      assert.ok(certificate, 'the certificate was read');
      const expiresIn = Date.parse(certificate.notAfter) - Date.now();
      assert.ok(expiresIn > 0 && expiresIn <= 3 * DAY_MS, `notAfter ${certificate.notAfter}`);
      assert.equal(certificate.subject, 'localhost');
      assert.equal(certificate.issuer, 'CN=localhost');
      assert.equal(certificate.selfSigned, true);
      assert.equal(certificate.trusted, false);
      assert.equal(certificate.hostnameMatches, true);
      assert.equal(record.data.hstsMaxAge, null, 'not an HTTP server');

      const withCa = await probeTls(
        { host: 'localhost', port: server.port, ca: expiringSoon.cert },
        { timeoutMs: TIMEOUT_MS },
      );
      assert.equal(withCa.data.certificate?.trusted, true);
      assert.equal(withCa.data.certificate?.hostnameMatches, true);

      const otherName = await probeTls(
        { host: '127.0.0.1', port: server.port, servername: 'example.com', ca: expiringSoon.cert },
        { timeoutMs: TIMEOUT_MS },
      );
      assert.equal(otherName.data.certificate?.hostnameMatches, false);
      assert.equal(otherName.data.certificate?.trusted, true, 'trust is about the chain, not the name');
    } finally {
      await server.close();
    }
  });

  test('detects TLS 1.0 on a server that still offers it', async (t) => {
    if (!(await speaksLocally(pems, 'TLSv1'))) {
      t.skip("this machine's OpenSSL will not speak TLS 1.0, so the probe cannot observe it");
      return;
    }
    const server = await tlsServer(pems, { minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
    try {
      const record = await probeTls({ host: '127.0.0.1', port: server.port }, { timeoutMs: TIMEOUT_MS });
      assert.equal(record.data.protocols[0], 'TLSv1');
      assert.ok(record.data.protocols.includes('TLSv1.3'), record.data.protocols.join(', '));
      // TLS 1.0 has no AEAD suites, so the weakest is at best CBC with SHA-1.
      const weakest = record.data.weakestCipher;
      assert.ok(weakest && cipherStrength(weakest) <= CIPHER_STRENGTH.cbcSha1, `weakest ${weakest}`);
    } finally {
      await server.close();
    }
  });

  test('reports an AEAD suite as the weakest on a TLS 1.3-only server', async () => {
    const server = await tlsServer(pems, { minVersion: 'TLSv1.3' });
    try {
      const record = await probeTls({ host: '127.0.0.1', port: server.port }, { timeoutMs: TIMEOUT_MS });
      assert.deepEqual(record.data.protocols, ['TLSv1.3']);
      assert.match(record.data.weakestCipher ?? '', /GCM|CHACHA20|CCM/);
      assert.equal(cipherStrength(record.data.weakestCipher ?? ''), CIPHER_STRENGTH.aeadForwardSecret);
    } finally {
      await server.close();
    }
  });

  test('returns a record with an error, not a throw, for a closed port', async () => {
    const port = await closedPort();
    const record = await probeTls({ host: '127.0.0.1', port }, { timeoutMs: TIMEOUT_MS });
    assert.match(record.data.error ?? '', /^Could not connect to 127\.0\.0\.1:\d+: the connection was refused\.$/);
    assert.deepEqual(record.data.protocols, []);
    assert.equal(record.data.weakestCipher, null);
    assert.equal(record.data.certificate, null);
    assert.equal(record.data.hstsMaxAge, null);
  });

  test('says no handshake completed when the port does not speak TLS', async () => {
    const server = await listen(net.createServer((socket) => socket.end('220 hello\r\n')));
    try {
      const record = await probeTls({ host: '127.0.0.1', port: server.port }, { timeoutMs: TIMEOUT_MS });
      assert.match(record.data.error ?? '', /completed no TLS handshake/);
      assert.equal(record.data.certificate, null);
    } finally {
      await server.close();
    }
  });

  test('probeTlsTargets pushes one endpoint per host:port in the scope "tls"', async () => {
    const server = await tlsServer(pems, {});
    const port = await closedPort();
    try {
      const push = await probeTlsTargets(
        [
          { host: '127.0.0.1', port: server.port },
          { host: '127.0.0.1', port },
          { host: '127.0.0.1', port: server.port },
        ],
        { timeoutMs: TIMEOUT_MS },
      );
      assert.equal(push.format, 'TLS probe');
      assert.equal(push.scopes.length, 1);
      const [scope] = push.scopes;
      assert.equal(scope?.scope, 'tls');
      assert.deepEqual(
        scope?.records.map((record) => record.externalId),
        [`127.0.0.1:${server.port}`, `127.0.0.1:${port}`],
      );
      assert.ok(
        push.warnings.some((warning) => warning.includes('listed twice')),
        push.warnings.join(' | '),
      );
    } finally {
      await server.close();
    }
  });
});

describe('cipherStrength', () => {
  test('ranks broken, legacy and modern suites in order', () => {
    const ordered = [
      ['RC4-SHA', 'NULL-SHA', 'EXP-RC4-MD5', 'ADH-AES128-SHA', 'DES-CBC-SHA'],
      ['DES-CBC3-SHA', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'],
      ['ECDHE-RSA-AES128-SHA', 'AES256-SHA'],
      ['ECDHE-RSA-AES128-SHA256', 'AES256-SHA256'],
      ['AES128-GCM-SHA256', 'TLS_RSA_WITH_AES_256_GCM_SHA384'],
      [
        'ECDHE-RSA-AES128-GCM-SHA256',
        'ECDHE-ECDSA-CHACHA20-POLY1305',
        'TLS_AES_128_GCM_SHA256',
        'TLS_AES_128_CCM_SHA256',
      ],
    ];
    ordered.forEach((names, rank) => {
      for (const name of names) assert.equal(cipherStrength(name), rank, name);
    });
  });

  test('weakestCipher picks the lowest-ranked suite', () => {
    assert.equal(
      weakestCipher(['TLS_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-SHA', 'AES128-SHA256']),
      'ECDHE-RSA-AES256-SHA',
    );
    assert.equal(weakestCipher([]), null);
  });
});

describe('parseHstsMaxAge', () => {
  test('reads max-age whatever its case, quoting or position', () => {
    assert.equal(parseHstsMaxAge('max-age=31536000; includeSubDomains; preload'), 31536000);
    assert.equal(parseHstsMaxAge('includeSubDomains; Max-Age="600"'), 600);
    assert.equal(parseHstsMaxAge('max-age=0'), 0);
  });

  test('gives null for an absent or invalid header, as browsers ignore it', () => {
    assert.equal(parseHstsMaxAge(undefined), null);
    assert.equal(parseHstsMaxAge('includeSubDomains'), null);
    assert.equal(parseHstsMaxAge('max-age=abc'), null);
    assert.equal(parseHstsMaxAge('max-age=1; max-age=2'), null);
  });
});
