import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApi, mapLimit, nextLink, PullError } from './http.js';

/** A fetch that answers from a table, so the client's own rules can be tested without a network. */
function fakeFetch(answers: Record<string, () => Response>, seen: { url: string; auth: string | null }[]) {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    seen.push({ url, auth: new Headers(init?.headers).get('authorization') });
    const answer = answers[url];
    return answer ? answer() : new Response('{}', { status: 404 });
  }) as typeof fetch;
}

describe('nextLink', () => {
  it('finds rel="next" among the links GitHub and Okta send', () => {
    assert.equal(
      nextLink(
        '<https://api.github.com/orgs/x/members?page=2>; rel="next", <https://api.github.com/orgs/x/members?page=5>; rel="last"',
      ),
      'https://api.github.com/orgs/x/members?page=2',
    );
    assert.equal(
      nextLink(
        '<https://x.okta.com/api/v1/users?limit=200>; rel="self", <https://x.okta.com/api/v1/users?after=00u2&limit=200>; rel="next"',
      ),
      'https://x.okta.com/api/v1/users?after=00u2&limit=200',
    );
    assert.equal(nextLink('<https://x.okta.com/api/v1/users?limit=200>; rel="self"'), null);
    assert.equal(nextLink(null), null);
  });
});

describe('createApi', () => {
  it('refuses to follow a next page or a redirect to another host with the credentials', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const api = createApi({
      service: 'Okta',
      baseUrl: 'https://a.okta.com',
      headers: { authorization: 'SSWS secret' },
      fetch: fakeFetch(
        {
          'https://a.okta.com/api/v1/users': () =>
            new Response('[]', { headers: { link: '<https://evil.example/api/v1/users?after=1>; rel="next"' } }),
          'https://a.okta.com/moved': () =>
            new Response(null, { status: 302, headers: { location: 'https://evil.example/x' } }),
        },
        seen,
      ),
    });
    await assert.rejects(api.list('/api/v1/users'), (error: unknown) => {
      return error instanceof PullError && /another host \(evil\.example\)/.test(error.message);
    });
    await assert.rejects(api.get('/moved'), /another host \(evil\.example\)/);
    assert.ok(seen.every((request) => request.url.startsWith('https://a.okta.com/')));
  });

  it('gives up on a rate limit that lifts too late, saying when to try again', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    const api = createApi({
      service: 'GitHub',
      baseUrl: 'https://api.github.com',
      headers: {},
      fetch: fakeFetch(
        {
          'https://api.github.com/orgs/x': () =>
            new Response('{}', { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } }),
        },
        [],
      ),
    });
    await assert.rejects(
      api.get('/orgs/x'),
      /GitHub is rate-limiting these requests \(403\); try again after \d\d:\d\d UTC/,
    );
  });

  it('refuses a successful answer that is not JSON', async () => {
    const api = createApi({
      service: 'Okta',
      baseUrl: 'https://a.okta.com',
      headers: {},
      fetch: fakeFetch({ 'https://a.okta.com/api/v1/users': () => new Response('<html>login</html>') }, []),
    });
    await assert.rejects(api.get('/api/v1/users'), /Okta answered \/api\/v1\/users with something that is not JSON/);
  });
});

describe('mapLimit', () => {
  it('keeps the order of the results and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running--;
      return n * 10;
    });
    assert.deepEqual(out, [50, 10, 40, 20, 30]);
    assert.equal(most, 2);
  });
});
