/**
 * Checks over TLS endpoints as the probe saw them: modern protocol versions and ciphers, a
 * trusted certificate for the right name that is not about to expire, and HSTS. An endpoint
 * the probe could not reach fails tls.endpoint.reachable and nothing else: the other checks
 * would only be guessing.
 */
import { CIPHER_STRENGTH, cipherStrength } from '../../integrations/tls/ciphers.js';
import type { EndpointData } from '../../integrations/types.js';
import type { Check, CheckContext, CheckOutcome, RecordCheck, StoredRecord } from '../types.js';
import { recordCheck } from '../types.js';
import { DAY_MS, dateOf, fail, listOf, nDays, nDaysAgo, notApplicable, pass, timeOf } from './shared.js';

/** host:port, with an IPv6 address in brackets so the port stays readable. */
export const endpointLabel = (endpoint: EndpointData): string =>
  `${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;

type Certificate = NonNullable<EndpointData['certificate']>;

interface EndpointCheckSpec extends Omit<RecordCheck<'endpoint'>, 'scope' | 'resourceType' | 'applies' | 'evaluate'> {
  evaluate(endpoint: EndpointData, label: string, ctx: CheckContext): CheckOutcome;
}

/** An endpoint check that only judges endpoints the probe completed a handshake with. */
function endpointCheck(spec: EndpointCheckSpec): Check {
  const { evaluate, ...declaration } = spec;
  return recordCheck<'endpoint'>({
    ...declaration,
    resourceType: 'endpoint',
    applies: () => true,
    evaluate: (record: StoredRecord<'endpoint'>, ctx) => {
      const label = endpointLabel(record.data);
      if (record.data.error) return notApplicable(`${label} could not be probed: ${record.data.error}`);
      return evaluate(record.data, label, ctx);
    },
  });
}

/** A certificate check; the probe may have completed a handshake without seeing one. */
function certificateCheck(
  spec: Omit<EndpointCheckSpec, 'evaluate'> & {
    evaluate(certificate: Certificate, label: string, ctx: CheckContext): CheckOutcome;
  },
): Check {
  const { evaluate, ...declaration } = spec;
  return endpointCheck({
    ...declaration,
    evaluate: (endpoint, label, ctx) =>
      endpoint.certificate
        ? evaluate(endpoint.certificate, label, ctx)
        : notApplicable(`The probe saw no certificate on ${label}.`),
  });
}

export const endpointReachable = recordCheck<'endpoint'>({
  id: 'tls.endpoint.reachable',
  title: 'TLS endpoints answer the probe',
  severity: 'medium',
  resourceType: 'endpoint',
  controls: ['CRY-02'],
  remediation:
    'Check that the endpoint is up and speaks TLS on this port, and that the probe can reach it. Remove it from the probe list if it was retired.',
  applies: () => true,
  evaluate: (record) => {
    const label = endpointLabel(record.data);
    if (record.data.error) return fail(`${label} could not be probed: ${record.data.error}`);
    return pass(`${label} completed a TLS handshake (${listOf(record.data.protocols, 4) || 'no version reported'}).`);
  },
});

const LEGACY_PROTOCOLS: ReadonlySet<string> = new Set(['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.0', 'TLSv1.1']);
const MODERN_PROTOCOLS: ReadonlySet<string> = new Set(['TLSv1.2', 'TLSv1.3']);

export const endpointModern = endpointCheck({
  id: 'tls.endpoint.modern',
  title: 'Only TLS 1.2 or later is offered',
  severity: 'high',
  controls: ['CRY-02'],
  remediation:
    'Turn off SSL, TLS 1.0 and TLS 1.1 on the server or load balancer (choose a TLS 1.2+ security policy) and make sure TLS 1.2 or 1.3 is enabled.',
  evaluate: (endpoint, label) => {
    const legacy = endpoint.protocols.filter((protocol) => LEGACY_PROTOCOLS.has(protocol));
    if (legacy.length > 0) return fail(`${label} still offers ${listOf(legacy, 4)}.`);
    const modern = endpoint.protocols.filter((protocol) => MODERN_PROTOCOLS.has(protocol));
    if (modern.length === 0) return fail(`${label} offers neither TLS 1.2 nor TLS 1.3.`);
    return pass(`${label} offers only ${listOf(modern)}.`);
  },
});

export const certificateExpiry = certificateCheck({
  id: 'tls.certificate.expiry',
  title: 'Certificates are renewed well before expiry',
  severity: 'high',
  controls: ['CRY-02'],
  remediation:
    'Renew the certificate and deploy it now, then automate renewal (ACME or the cloud certificate manager) so it never depends on someone remembering.',
  evaluate: (certificate, label, ctx) => {
    const expires = timeOf(certificate.notAfter);
    if (expires === undefined) return notApplicable(`The expiry date of the certificate for ${label} cannot be read.`);
    const left = expires - ctx.now.getTime();
    const days = Math.floor(Math.abs(left) / DAY_MS);
    if (left <= 0) return fail(`Certificate for ${label} expired on ${dateOf(expires)}, ${nDaysAgo(days)}.`);
    const text = `Certificate for ${label} expires ${dateOf(expires)}, ${days === 0 ? 'within a day' : `in ${nDays(days)}`}`;
    return left <= ctx.settings.certificateExpiryDays * DAY_MS ? fail(`${text}.`) : pass(`${text}.`);
  },
});

export const certificateTrusted = certificateCheck({
  id: 'tls.certificate.trusted',
  title: 'Certificates chain to a trusted authority',
  severity: 'high',
  controls: ['CRY-02'],
  remediation:
    'Install a certificate issued by a public certificate authority (or your private CA for internal services) together with its intermediate certificates.',
  evaluate: (certificate, label) => {
    if (certificate.trusted) return pass(`Certificate for ${label} is trusted (issued by ${certificate.issuer}).`);
    const why = certificate.selfSigned
      ? 'is self-signed'
      : `does not chain to a trusted root (issuer ${certificate.issuer})`;
    return fail(`Certificate for ${label} ${why}.`);
  },
});

export const certificateHostname = certificateCheck({
  id: 'tls.certificate.hostname',
  title: 'Certificates name the host they serve',
  severity: 'high',
  controls: ['CRY-02'],
  remediation:
    'Issue a certificate whose names include this host (as a subject alternative name) and install it on the endpoint.',
  evaluate: (certificate, label) =>
    certificate.hostnameMatches
      ? pass(`Certificate for ${label} names the host.`)
      : fail(`Certificate for ${label} is issued to ${certificate.subject}, not to this host.`),
});

/** Half a year: long enough that a browser remembers HTTPS between visits. */
const MIN_HSTS_SECONDS = 15_552_000;
/** Ports where a missing header means no HSTS rather than "not a web server". */
const HTTPS_PORTS: ReadonlySet<number> = new Set([443, 8443]);

export const hsts = endpointCheck({
  id: 'tls.hsts',
  title: 'Web endpoints send HSTS',
  severity: 'medium',
  controls: ['CRY-02'],
  remediation:
    'Send a Strict-Transport-Security header with max-age of at least 180 days (a year is usual) on every HTTPS response, so browsers never fall back to plain HTTP.',
  evaluate: (endpoint, label) => {
    const maxAge = endpoint.hstsMaxAge;
    if (maxAge === null) {
      return HTTPS_PORTS.has(endpoint.port)
        ? fail(`${label} sends no valid Strict-Transport-Security header.`)
        : notApplicable(`${label} sent no HSTS header; it may not serve HTTP.`);
    }
    const days = Math.floor(maxAge / 86_400);
    const age = days > 0 ? nDays(days) : `${maxAge} seconds`;
    return maxAge >= MIN_HSTS_SECONDS
      ? pass(`${label} sends HSTS with a max-age of ${age}.`)
      : fail(`${label} sends HSTS with a max-age of only ${age} (at least 180 days needed).`);
  },
});

const CIPHER_WEAKNESS: Record<number, string> = {
  [CIPHER_STRENGTH.broken]: 'is broken (no encryption, export-grade, anonymous, RC4, DES or MD5)',
  [CIPHER_STRENGTH.tripleDes]: 'uses 3DES, which is open to the Sweet32 attack',
  [CIPHER_STRENGTH.cbcSha1]: 'uses CBC mode with SHA-1',
  [CIPHER_STRENGTH.cbcSha2]: 'uses CBC mode instead of an authenticated cipher',
  [CIPHER_STRENGTH.aeadStaticRsa]: 'has no forward secrecy (static RSA key exchange)',
};

export const cipherStrong = endpointCheck({
  id: 'tls.cipher.strong',
  title: 'Only modern cipher suites are accepted',
  severity: 'medium',
  controls: ['CRY-02'],
  remediation:
    'Limit the cipher suites to AEAD ciphers (AES-GCM, ChaCha20-Poly1305) with ECDHE key exchange, for example by choosing a modern TLS policy on the load balancer.',
  evaluate: (endpoint, label) => {
    const cipher = endpoint.weakestCipher;
    if (cipher === null) return notApplicable(`The probe does not report the cipher suites of ${label}.`);
    const weakness = CIPHER_WEAKNESS[cipherStrength(cipher)];
    return weakness
      ? fail(`${label} accepts ${cipher}, which ${weakness}.`)
      : pass(`${label} accepts only forward-secret AEAD suites (weakest: ${cipher}).`);
  },
});

export const TLS_CHECKS: readonly Check[] = [
  endpointReachable,
  endpointModern,
  certificateExpiry,
  certificateTrusted,
  certificateHostname,
  hsts,
  cipherStrong,
];
