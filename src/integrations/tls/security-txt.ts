import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { parseSecurityTxt } from '../security-txt/index.js';
import type { EndpointData } from '../types.js';

export type SecurityTxtObservation = NonNullable<EndpointData['securityTxt']>;

export interface SecurityTxtTarget {
  host: string;
  port: number;
  /** SNI and Host header, when they differ from host. */
  servername?: string;
}

export const SECURITY_TXT_PATH = '/.well-known/security.txt';
/** A security.txt is a few hundred bytes; anything past this is not one. */
export const SECURITY_TXT_MAX_BYTES = 32 * 1024;

type Answer =
  | { kind: 'response'; status: number; location: string | null; contentType: string | null; body: Buffer | null }
  /** A 200 whose body was too large, or did not arrive in full in time. */
  | { kind: 'incomplete'; why: 'too_large' | 'timeout'; status: number; contentType: string | null }
  | { kind: 'no_answer' };

/**
 * GET /.well-known/security.txt over HTTPS and judge it (RFC 9116). As for HSTS, the
 * certificate is not verified and old protocol versions are allowed: the TLS checks judge
 * those. One redirect on the same host is followed. Null when the endpoint gives no HTTP
 * answer at all (not a web server, or down): there is nothing to judge.
 */
export async function fetchSecurityTxt(
  target: SecurityTxtTarget,
  timeoutMs: number,
  now: Date,
): Promise<SecurityTxtObservation | null> {
  const deadline = Date.now() + timeoutMs;
  let url = new URL(`https://${authority(target)}${SECURITY_TXT_PATH}`);
  let answer = await get(target, url, deadline);
  if (answer.kind === 'response' && isRedirect(answer.status) && answer.location) {
    const next = new URL(answer.location, url);
    if (next.protocol !== 'https:' || next.host !== url.host) {
      return missing(
        url.href,
        answer.status,
        answer.contentType,
        `${url.href} redirects to ${next.href}: the probe follows redirects on the same host over HTTPS only, so serve the file on this host.`,
      );
    }
    url = next;
    answer = await get(target, url, deadline);
    if (answer.kind === 'response' && isRedirect(answer.status)) {
      return missing(
        url.href,
        answer.status,
        answer.contentType,
        `${SECURITY_TXT_PATH} redirects more than once: serve the file directly, or with a single redirect on this host.`,
      );
    }
  }
  if (answer.kind === 'no_answer') return null;
  if (answer.kind === 'incomplete') {
    const why =
      answer.why === 'too_large'
        ? `${url.href} is larger than ${SECURITY_TXT_MAX_BYTES / 1024} KiB, so it is not a security.txt: serve the file itself there.`
        : `${url.href} did not arrive in full within ${timeoutMs} ms: check that the server sends the whole file promptly.`;
    return { ...missing(url.href, answer.status, answer.contentType, why), found: true };
  }
  if (answer.status !== 200 || answer.body === null) {
    return missing(
      url.href,
      answer.status,
      answer.contentType,
      `No security.txt at ${url.href} (the server answered ${answer.status}): publish one as RFC 9116 describes.`,
    );
  }
  return judge(url.href, answer.status, answer.contentType, answer.body, now);
}

function judge(
  url: string,
  status: number,
  contentType: string | null,
  body: Buffer,
  now: Date,
): SecurityTxtObservation {
  const errors: string[] = [];
  const warnings: string[] = [];
  const [mediaType = '', ...parameters] = (contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'text/plain') {
    errors.push(
      `${url} is served as ${contentType ? `"${contentType}"` : 'no content type'}, not text/plain: serve it as "text/plain; charset=utf-8".`,
    );
  } else if (!parameters.some((parameter) => parameter.replace(/\s/g, '') === 'charset=utf-8')) {
    warnings.push(`${url} is served without "charset=utf-8": add it to the Content-Type (RFC 9116 requires it).`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    errors.push(`${url} is not valid UTF-8: save the file as UTF-8.`);
    text = body.toString('latin1');
  }
  const report = parseSecurityTxt(text, now, { url });
  errors.push(...report.errors);
  warnings.push(...report.warnings);
  return {
    url,
    status,
    found: true,
    contentType,
    valid: errors.length === 0,
    errors,
    warnings,
    expires: report.expires,
    expired: report.expired,
    contacts: report.fields.contact ?? [],
    signed: report.signed,
  };
}

function missing(url: string, status: number, contentType: string | null, error: string): SecurityTxtObservation {
  return {
    url,
    status,
    found: false,
    contentType,
    valid: false,
    errors: [error],
    warnings: [],
    expires: null,
    expired: false,
    contacts: [],
    signed: false,
  };
}

const isRedirect = (status: number) => status >= 300 && status < 400 && status !== 304;

/** host[:port] for the URL and Host header, with an IPv6 address in brackets. */
function authority(target: SecurityTxtTarget): string {
  const name = target.servername ?? target.host;
  const host = isIP(name) === 6 ? `[${name}]` : name;
  return target.port === 443 ? host : `${host}:${target.port}`;
}

function get(target: SecurityTxtTarget, url: URL, deadline: number): Promise<Answer> {
  return new Promise((resolve) => {
    let settled = false;
    let response: IncomingMessage | null = null;
    const finish = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(answer);
    };
    const request = https.request({
      host: target.host,
      port: target.port,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      // No pooled agent: a kept-alive socket would hold the process open after the probe.
      agent: false,
      rejectUnauthorized: false,
      minVersion: 'TLSv1',
      ciphers: 'DEFAULT@SECLEVEL=0',
      ...(target.servername ? { servername: target.servername } : {}),
      headers: { host: url.host, accept: 'text/plain', 'user-agent': 'Attest security.txt probe' },
    });
    // A body that stops arriving is still an answer: what came so far is judged as cut short.
    const timer = setTimeout(
      () => finish(response ? incomplete(response, 'timeout') : { kind: 'no_answer' }),
      Math.max(0, deadline - Date.now()),
    );
    request.on('response', (res) => {
      response = res;
      const status = res.statusCode ?? 0;
      const contentType = res.headers['content-type'] ?? null;
      const location = res.headers.location ?? null;
      if (status !== 200) {
        finish({ kind: 'response', status, location, contentType, body: null });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > SECURITY_TXT_MAX_BYTES) finish(incomplete(res, 'too_large'));
        else chunks.push(chunk);
      });
      res.on('end', () => finish({ kind: 'response', status, location, contentType, body: Buffer.concat(chunks) }));
      res.on('error', () => finish({ kind: 'response', status, location, contentType, body: Buffer.concat(chunks) }));
    });
    request.on('error', () => finish({ kind: 'no_answer' }));
    request.end();
  });
}

function incomplete(res: IncomingMessage, why: 'too_large' | 'timeout'): Answer {
  return { kind: 'incomplete', why, status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? null };
}
