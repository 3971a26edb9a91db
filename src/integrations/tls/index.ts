import { isIP } from 'node:net';
import tls, { type PeerCertificate, type SecureVersion, type TLSSocket } from 'node:tls';
import type { EndpointData, InventoryRecord, ParsedPush } from '../types.js';
import { weakestCipher } from './ciphers.js';
import { fetchHstsMaxAge } from './hsts.js';
import { fetchSecurityTxt } from './security-txt.js';

export { cipherStrength, weakestCipher } from './ciphers.js';
export { parseHstsMaxAge } from './hsts.js';
export { fetchSecurityTxt, type SecurityTxtObservation } from './security-txt.js';

export const TLS_PROBE_DESCRIPTION =
  'Connects to each endpoint once per protocol version (TLS 1.0, 1.1, 1.2, 1.3) and records which versions ' +
  'complete a handshake, the weakest cipher suite negotiated, the certificate of the newest version ' +
  '(subject, issuer, expiry, whether it chains to a trusted root, is self-signed, and names the host) and ' +
  'the Strict-Transport-Security max-age of GET /, and /.well-known/security.txt (RFC 9116: found, valid, ' +
  'expiry, contacts; an OpenPGP signature is noted, not verified). A version the probing machine’s OpenSSL cannot speak ' +
  'cannot be observed and is reported as not offered.';

export const TLS_PROBE_FORMAT = 'TLS probe';

export interface TlsTarget {
  host: string;
  port: number;
  /** The name to send as SNI and to match the certificate against (default: host). */
  servername?: string;
  /** Trust this CA (PEM) instead of the system roots, for private PKI. */
  ca?: string | Buffer;
}

export interface TlsProbeOptions {
  /** Per connection; the versions and the HTTPS request run in parallel. Default 5 s. */
  timeoutMs?: number;
  /** probeTlsTargets: endpoints probed at once. Default 8. */
  concurrency?: number;
  /** The time a security.txt's Expires is judged against. Default: the current time. */
  now?: Date;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const PROTOCOLS: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/**
 * OpenSSL 3 refuses TLS 1.0/1.1 (and SHA-1 signatures, small keys) at its default security
 * level before sending a ClientHello. Level 0 lets it try, so we observe what the server offers
 * rather than what our own policy would allow. TLS 1.3 suites are not affected by this list.
 */
const PERMISSIVE_CIPHERS = 'DEFAULT@SECLEVEL=0';

type Attempt =
  | {
      kind: 'handshake';
      protocol: SecureVersion;
      cipher: string;
      certificate: PeerCertificate | null;
      authorized: boolean;
      authorizationError: string | null;
    }
  /** The TCP connection opened but no handshake at this version: not offered. */
  | { kind: 'refused' }
  /** Our OpenSSL would not attempt this version: we cannot tell whether it is offered. */
  | { kind: 'unsupported_locally' }
  | { kind: 'unreachable'; reason: string };

interface ProbeResult {
  record: InventoryRecord<'endpoint'>;
  unobservable: SecureVersion[];
}

/** Probes one endpoint. Never throws: an unreachable endpoint is a record with `error` set. */
export async function probeTls(target: TlsTarget, options: TlsProbeOptions = {}): Promise<InventoryRecord<'endpoint'>> {
  return (await probe(target, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.now ?? new Date())).record;
}

/** Probes each target (scope "tls", one endpoint per host:port); the push is the full set. */
export async function probeTlsTargets(
  targets: readonly TlsTarget[],
  options: TlsProbeOptions = {},
): Promise<ParsedPush> {
  const warnings: string[] = [];
  const unique = new Map<string, TlsTarget>();
  for (const target of targets) {
    const id = endpointId(target.host, target.port);
    if (unique.has(id)) warnings.push(`${id} is listed twice; probed once.`);
    else unique.set(id, target);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? new Date();
  const results = await mapLimit([...unique.values()], options.concurrency ?? 8, (target) =>
    probe(target, timeoutMs, now),
  );
  const unobservable = new Set(results.flatMap((result) => result.unobservable));
  for (const protocol of PROTOCOLS.filter((p) => unobservable.has(p))) {
    warnings.push(
      `${protocol} could not be tested: this machine's OpenSSL refuses to speak it, so endpoints are reported as not offering it.`,
    );
  }
  return {
    format: TLS_PROBE_FORMAT,
    scopes: [{ scope: 'tls', records: results.map((result) => result.record) }],
    warnings,
  };
}

async function probe(target: TlsTarget, timeoutMs: number, now: Date): Promise<ProbeResult> {
  const servername = target.servername ?? (isIP(target.host) ? undefined : target.host);
  const http = { host: target.host, port: target.port, servername: target.servername };
  const [attempts, hstsMaxAge, securityTxt] = await Promise.all([
    Promise.all(PROTOCOLS.map((protocol) => attemptHandshake(target, servername, protocol, timeoutMs))),
    fetchHstsMaxAge(http, timeoutMs),
    fetchSecurityTxt(http, timeoutMs, now),
  ]);
  const unobservable = PROTOCOLS.filter((_, i) => attempts[i]?.kind === 'unsupported_locally');
  const handshakes = attempts.filter((attempt) => attempt.kind === 'handshake');
  const best = handshakes.at(-1);
  const base = { host: target.host, port: target.port };
  if (!best) {
    const data: EndpointData = {
      ...base,
      error: noHandshakeError(target, attempts),
      protocols: [],
      weakestCipher: null,
      certificate: null,
      hstsMaxAge: null,
      securityTxt: null,
    };
    return { record: endpointRecord(data), unobservable };
  }
  const data: EndpointData = {
    ...base,
    error: null,
    protocols: handshakes.map((handshake) => handshake.protocol),
    weakestCipher: weakestCipher(handshakes.map((handshake) => handshake.cipher)),
    certificate: best.certificate
      ? describeCertificate(
          best.certificate,
          best.authorized,
          best.authorizationError,
          target.servername ?? target.host,
        )
      : null,
    hstsMaxAge,
    securityTxt,
  };
  return { record: endpointRecord(data), unobservable };
}

function endpointRecord(data: EndpointData): InventoryRecord<'endpoint'> {
  const id = endpointId(data.host, data.port);
  return { type: 'endpoint', externalId: id, name: id, data };
}

/** host:port, with an IPv6 address in brackets so the port stays readable. */
function endpointId(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

function attemptHandshake(
  target: TlsTarget,
  servername: string | undefined,
  protocol: SecureVersion,
  timeoutMs: number,
): Promise<Attempt> {
  return new Promise((resolve) => {
    let socket: TLSSocket;
    try {
      socket = tls.connect({
        host: target.host,
        port: target.port,
        servername,
        ca: target.ca,
        minVersion: protocol,
        maxVersion: protocol,
        ciphers: protocol === 'TLSv1.3' ? undefined : PERMISSIVE_CIPHERS,
        // Look at bad certificates instead of hanging up on them; trust is reported, not enforced.
        rejectUnauthorized: false,
        // Keeps `authorized` about the chain only; the host name is matched separately.
        checkServerIdentity: () => undefined,
      });
    } catch (error) {
      // Thrown before any connection: our OpenSSL refusing the version, or bad options (a CA that is not PEM).
      resolve(
        isLocalRefusal(error)
          ? { kind: 'unsupported_locally' }
          : { kind: 'unreachable', reason: `the probe could not start (${String(error)})` },
      );
      return;
    }
    let tcpConnected = false;
    let settled = false;
    const finish = (attempt: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(attempt);
    };
    const timer = setTimeout(
      () =>
        finish(
          tcpConnected ? { kind: 'refused' } : { kind: 'unreachable', reason: `no answer within ${timeoutMs} ms` },
        ),
      timeoutMs,
    );
    socket.once('connect', () => {
      tcpConnected = true;
    });
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate();
      const authorizationError = socket.authorizationError as Error | string | null | undefined;
      finish({
        kind: 'handshake',
        protocol,
        cipher: socket.getCipher().name,
        certificate: Object.keys(certificate).length > 0 ? certificate : null,
        authorized: socket.authorized,
        authorizationError: authorizationError ? String(authorizationError) : null,
      });
    });
    socket.once('error', (error) => {
      if (isLocalRefusal(error)) finish({ kind: 'unsupported_locally' });
      else finish(tcpConnected ? { kind: 'refused' } : { kind: 'unreachable', reason: describeNetworkError(error) });
    });
    socket.once('close', () =>
      finish(tcpConnected ? { kind: 'refused' } : { kind: 'unreachable', reason: 'the connection was closed' }),
    );
  });
}

/** Our own OpenSSL would not send a ClientHello for the version (disabled at build or by policy). */
function isLocalRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_SSL_NO_PROTOCOLS_AVAILABLE' || /no protocols available/i.test(String(error));
}

function describeNetworkError(error: Error): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ECONNREFUSED':
      return 'the connection was refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name could not be resolved';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host is unreachable';
    case 'ETIMEDOUT':
      return 'the connection timed out';
    default:
      return error.message;
  }
}

function noHandshakeError(target: TlsTarget, attempts: readonly Attempt[]): string {
  const id = endpointId(target.host, target.port);
  const unreachable = attempts.find((attempt) => attempt.kind === 'unreachable');
  if (
    unreachable &&
    attempts.every((attempt) => attempt.kind === 'unreachable' || attempt.kind === 'unsupported_locally')
  ) {
    return `Could not connect to ${id}: ${unreachable.reason}.`;
  }
  return `${id} accepted the connection but completed no TLS handshake (TLS 1.0 to 1.3 tried); it may not speak TLS.`;
}

type Certificate = NonNullable<EndpointData['certificate']>;

const SELF_SIGNED_ERRORS = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']);

function describeCertificate(
  certificate: PeerCertificate,
  authorized: boolean,
  authorizationError: string | null,
  name: string,
): Certificate {
  const subject = nameEntries(certificate.subject);
  const issuer = nameEntries(certificate.issuer);
  const commonName = subject.find(([key]) => key === 'CN')?.[1];
  const notAfter = new Date(certificate.valid_to);
  return {
    subject: commonName ?? distinguishedName(subject),
    issuer: distinguishedName(issuer),
    notAfter: Number.isNaN(notAfter.getTime()) ? certificate.valid_to : notAfter.toISOString(),
    trusted: authorized,
    selfSigned:
      distinguishedName(subject) === distinguishedName(issuer) ||
      (authorizationError !== null && SELF_SIGNED_ERRORS.has(authorizationError)),
    hostnameMatches: tls.checkServerIdentity(name, certificate) === undefined,
  };
}

/** Node gives a name as an object in certificate order; a repeated attribute (two OUs) as an array. */
function nameEntries(name: PeerCertificate['subject'] | undefined): [string, string][] {
  if (!name) return [];
  return Object.entries(name as unknown as Record<string, string | string[]>).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).map((item): [string, string] => [key, item]),
  );
}

/** RFC 4514 order: most specific first ("CN=R3, O=Let's Encrypt, C=US"). */
function distinguishedName(entries: readonly [string, string][]): string {
  return entries
    .toReversed()
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}

async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
