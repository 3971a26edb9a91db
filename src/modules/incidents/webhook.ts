/**
 * Escalation webhooks: a JSON body POSTed to the rule's URL, signed with the rule's shared
 * secret (HMAC-SHA256 of the exact body bytes, hex, in `X-Attest-Signature: sha256=<hex>`), with
 * a timeout. Only https URLs, or http to 127.0.0.1 (a receiver on the same machine, and tests).
 */
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-attest-signature';
export const WEBHOOK_TIMEOUT_MS = 5_000;

/** Why a URL is refused, or null when it is acceptable. */
export function webhookUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Give a full URL, e.g. https://hooks.example.com/attest.';
  }
  if (url.username || url.password) return 'Put no user name or password in the URL; the body is signed instead.';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && url.hostname === '127.0.0.1') return null;
  return 'Use an https URL (plain http is accepted only to 127.0.0.1).';
}

/** `sha256=<hex>` of the body under the secret: what the receiver recomputes and compares. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export interface WebhookResult {
  ok: boolean;
  /** The HTTP status, or null when no answer came. */
  status: number | null;
  /** What went wrong, short (kept on the escalation and in the timeline). */
  error: string | null;
}

/** POSTs the body; never throws. A redirect counts as a failure (the signed body is not re-sent). */
export async function postWebhook(
  url: string,
  secret: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs = WEBHOOK_TIMEOUT_MS,
): Promise<WebhookResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Attest-Webhook/1',
        [SIGNATURE_HEADER]: signBody(secret, body),
        ...headers,
      },
      body,
    });
    // The answer's body is not needed; drop it so the connection is released.
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, error: null };
    return { ok: false, status: res.status, error: `The receiver answered HTTP ${res.status}.` };
  } catch (error) {
    const e = error as Error;
    const reason =
      e.name === 'TimeoutError'
        ? `No answer within ${Math.round(timeoutMs / 1000)} seconds.`
        : `Could not reach the receiver (${(e.cause as Error | undefined)?.message ?? e.message}).`;
    return { ok: false, status: null, error: reason.slice(0, 500) };
  }
}
