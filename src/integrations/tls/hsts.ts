import https from 'node:https';

/**
 * The HSTS max-age (RFC 6797) of a Strict-Transport-Security header value, or null when the
 * header is absent or invalid. Browsers ignore an invalid header entirely, so do we: a
 * missing, repeated or non-numeric max-age gives null rather than a guess.
 */
export function parseHstsMaxAge(header: string | undefined): number | null {
  if (header === undefined) return null;
  let maxAge: number | null = null;
  for (const directive of header.split(';')) {
    const [rawName, ...rest] = directive.split('=');
    if (rawName?.trim().toLowerCase() !== 'max-age') continue;
    if (maxAge !== null) return null;
    const value = rest
      .join('=')
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (!/^[0-9]+$/.test(value)) return null;
    maxAge = Number(value);
  }
  return maxAge !== null && Number.isSafeInteger(maxAge) ? maxAge : null;
}

export interface HstsTarget {
  host: string;
  port: number;
  /** SNI and Host header, when they differ from host. */
  servername?: string;
}

/**
 * GET / over HTTPS and read Strict-Transport-Security. The certificate is not verified and
 * old protocol versions are allowed: the probe wants the header even from a badly configured
 * server (the certificate is judged separately). Any failure (not HTTP, timeout) gives null.
 */
export function fetchHstsMaxAge(target: HstsTarget, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (maxAge: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(maxAge);
    };
    const request = https.request({
      host: target.host,
      port: target.port,
      path: '/',
      method: 'GET',
      // No pooled agent: a kept-alive socket would hold the process open after the probe.
      agent: false,
      rejectUnauthorized: false,
      minVersion: 'TLSv1',
      ciphers: 'DEFAULT@SECLEVEL=0',
      ...(target.servername ? { servername: target.servername, headers: { host: target.servername } } : {}),
    });
    const timer = setTimeout(() => finish(null), timeoutMs);
    request.on('response', (response) => {
      // headersDistinct keeps a repeated header apart; RFC 6797 says only the first counts.
      finish(parseHstsMaxAge(response.headersDistinct['strict-transport-security']?.[0]));
      response.destroy();
    });
    request.on('error', () => finish(null));
    request.end();
  });
}
