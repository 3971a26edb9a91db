/**
 * Commands that act for a user against a running server: they send an API token
 * (--token or ATTEST_TOKEN) to --url or ATTEST_URL. Later commands (evidence, import) use this.
 */
export interface RemoteOptions {
  url?: string;
  token?: string;
}

/** The server and token a remote command uses; refuses clearly when either is missing. */
export function remoteTarget(options: RemoteOptions): { url: string; token: string } {
  const url = options.url ?? process.env.ATTEST_URL;
  const token = options.token ?? process.env.ATTEST_TOKEN;
  if (!url) throw new Error('Give the server address with --url or ATTEST_URL (e.g. http://127.0.0.1:8080).');
  if (!token)
    throw new Error('Give an API token with --token or ATTEST_TOKEN (create one under API tokens in the web app).');
  return { url, token };
}

/** A body sent as it is (a file's text), with its content type. */
export interface RawBody {
  raw: string;
  contentType: string;
}

/**
 * Calls the API with a JSON body, a FormData one (multipart, streamed by fetch), or a raw one;
 * `headers` adds to the request (an Idempotency-Key).
 */
export async function callApi<T>(
  options: RemoteOptions,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const { url, token } = remoteTarget(options);
  const form = body instanceof FormData;
  const raw = typeof body === 'object' && body !== null && 'raw' in body ? (body as RawBody) : null;
  let res: Response;
  try {
    res = await fetch(new URL(path, url), {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined || form ? {} : { 'content-type': raw ? raw.contentType : 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : form ? body : raw ? raw.raw : JSON.stringify(body),
    });
  } catch (error) {
    throw new Error(`Cannot reach Attest at ${url}: ${(error as Error).cause ?? (error as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let detail = text;
    try {
      const problem = JSON.parse(text) as { detail?: string; code?: string; requestId?: string };
      detail = `${problem.detail ?? res.statusText} (${problem.code ?? res.status}, request ${problem.requestId ?? '?'})`;
    } catch {
      // not a problem document: show the text as it came
    }
    throw new Error(`The server answered ${res.status}: ${detail}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}
