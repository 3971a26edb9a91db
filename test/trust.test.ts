import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseSecurityTxt } from '../src/integrations/security-txt/index.js';
import { seedDemo } from '../src/modules/demo/seed.js';
import type { Health } from '../src/modules/readiness/derive.js';
import { itemInPlace } from '../src/modules/trust/catalogue.js';
import { trustFastPath } from '../src/modules/trust/fast-path.js';
import { UNCACHED_LIMIT } from '../src/modules/trust/routes.js';
import type { Client, TestApp } from './helpers/app.js';
import { problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg } from './helpers/factories.js';

/** The password item is backed by ACC-05 alone (check identity.password_policy.strong, policy access-control). */
const ITEM = { section: 'access', key: 'passwords', title: 'Password rules', control: 'ACC-05' };
const CHECK = 'identity.password_policy.strong';

describe('trust center items (pure)', () => {
  it('is in place only while every backing control passes', () => {
    const table: [string, string[], Record<string, Health>, boolean][] = [
      ['one passing control', ['A'], { A: 'passing' }, true],
      ['every control passing', ['A', 'B'], { A: 'passing', B: 'passing' }, true],
      ['a failing control', ['A'], { A: 'failing' }, false],
      ['needing attention (overdue evidence, unpublished policy)', ['A'], { A: 'attention' }, false],
      ['not implemented (not started, in progress)', ['A'], { A: 'not_implemented' }, false],
      ['not applicable', ['A'], { A: 'not_applicable' }, false],
      ['one of two failing', ['A', 'B'], { A: 'passing', B: 'failing' }, false],
      ['one of two not applicable', ['A', 'B'], { A: 'passing', B: 'not_applicable' }, false],
      ['a control missing (retired or unknown)', ['A', 'B'], { A: 'passing' }, false],
      ['no control at all', [], {}, false],
    ];
    for (const [name, keys, healths, expected] of table) {
      assert.equal(itemInPlace(keys, new Map(Object.entries(healths))), expected, name);
    }
  });
});

async function controlId(t: TestApp, org: TestOrg, key: string): Promise<string> {
  const [row] = await rows<{ id: string }>(t, 'SELECT id FROM controls WHERE org_id = $1 AND key = $2', [org.id, key]);
  assert.ok(row, key);
  return row.id;
}

async function recordResult(t: TestApp, org: TestOrg, outcome: string) {
  const now = t.clock.now();
  await t.rt.database.query(
    `UPDATE check_results SET superseded_at = $3
      WHERE org_id = $1 AND check_id = $2 AND superseded_at IS NULL`,
    [org.id, CHECK, now],
  );
  await t.rt.database.query(
    `INSERT INTO check_results (id, org_id, check_id, resource, outcome, observed_at) VALUES ($1, $2, $3, 'idp', $4, $5)`,
    [randomUUID(), org.id, CHECK, outcome, now],
  );
}

interface State {
  draft: Record<string, unknown> & { show: Record<string, boolean> };
  hostName: string | null;
  publishedAt: string | null;
  publicPath: string;
}

async function save(client: Client, patch: Record<string, unknown>, hostName?: string | null) {
  const current = (await client.get('/api/v1/trust-center')).json() as State;
  return client.put('/api/v1/trust-center', {
    settings: { ...current.draft, ...patch },
    hostName: hostName === undefined ? current.hostName : hostName,
  });
}

async function saveAndPublish(client: Client, patch: Record<string, unknown>, hostName?: string | null) {
  const saved = await save(client, patch, hostName);
  assert.equal(saved.statusCode, 200, saved.body);
  const published = await client.post('/api/v1/trust-center/publish');
  assert.equal(published.statusCode, 200, published.body);
  return published.json() as State;
}

/** The item's state in the draft's preview (rendered live, never cached), or null when not shown. */
async function previewItem(client: Client) {
  const res = await client.get('/api/v1/trust-center/preview');
  assert.equal(res.statusCode, 200, res.body);
  const section = res.json().view.sections.find((s: { key: string }) => s.key === ITEM.section);
  return (section?.items.find((i: { key: string }) => i.key === ITEM.key)?.inPlace as boolean | undefined) ?? null;
}

/** Makes ACC-05 pass: implemented and its policy published. */
async function makePassing(t: TestApp, org: TestOrg, admin: Client) {
  const id = await controlId(t, org, ITEM.control);
  const res = await admin.patch(`/api/v1/controls/${id}`, { status: 'implemented' });
  assert.equal(res.statusCode, 200, res.body);
  await t.rt.database.query(`UPDATE policies SET published_version = 1 WHERE org_id = $1 AND key = 'access-control'`, [
    org.id,
  ]);
  return id;
}

const publicGet = (t: TestApp, url: string, headers: Record<string, string> = {}, remoteAddress = '198.51.100.7') =>
  t.app.inject({ method: 'GET', url, headers, remoteAddress });

for (const engine of ENGINES) {
  describe(`trust center (${engine})`, () => {
    it('never shows an item as in place while its control does not pass (table over control states)', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'table');
        const admin = await signIn(t, org.users.admin);
        const id = await controlId(t, org, ITEM.control);
        const status = async (s: string) =>
          assert.equal((await admin.patch(`/api/v1/controls/${id}`, { status: s })).statusCode, 200);
        const sql = (text: string) => t.rt.database.query(text, [org.id]);

        assert.equal(await previewItem(admin), false, 'not started');
        await status('in_progress');
        assert.equal(await previewItem(admin), false, 'in progress');
        await status('implemented');
        assert.equal(await previewItem(admin), false, 'implemented, its policy unpublished (attention)');
        await sql(`UPDATE policies SET published_version = 1 WHERE org_id = $1 AND key = 'access-control'`);
        assert.equal(await previewItem(admin), true, 'implemented, policy published, no check result yet');
        await recordResult(t, org, 'pass');
        assert.equal(await previewItem(admin), true, 'its check passes');
        await recordResult(t, org, 'fail');
        assert.equal(await previewItem(admin), false, 'its check fails');
        await recordResult(t, org, 'pass');
        await sql(
          `UPDATE evidence_tasks SET due_at = now() - interval '400 days'
            WHERE org_id = $1 AND status = 'open'
              AND control_id = (SELECT id FROM controls WHERE org_id = $1 AND key = 'ACC-05')`,
        );
        const overdue = await rows(t, `SELECT 1 FROM evidence_tasks WHERE org_id = $1 AND control_id = $2`, [
          org.id,
          id,
        ]);
        if (overdue.length > 0) assert.equal(await previewItem(admin), false, 'evidence overdue (attention)');
        await sql(`UPDATE evidence_tasks SET due_at = now() + interval '400 days' WHERE org_id = $1`);
        assert.equal(await previewItem(admin), true, 'passing again');
        await status('not_applicable');
        assert.equal(await previewItem(admin), false, 'not applicable is not "in place"');
        await status('implemented');
        await saveAndPublish(admin, { hideNotInPlace: true });
        await recordResult(t, org, 'fail');
        assert.equal(await previewItem(admin), null, 'hidden when the admin hides items not in place');
      });
    });

    it('publishes, previews and unpublishes, each audited; only owners and admins write', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'pub');
        const admin = await signIn(t, org.users.admin);
        const auditor = await signIn(t, org.users.auditor);
        const member = await signIn(t, org.users.member);

        const unknown = await publicGet(t, '/trust/no-such-org');
        const unpublished = await publicGet(t, `/trust/${org.slug}`);
        problem(unknown, 404, 'not_found');
        const body = problem(unpublished, 404, 'not_found');
        assert.equal(body.detail, unknown.json().detail, 'unknown and unpublished answer alike');
        problem(await publicGet(t, `/trust/${org.slug}.json`), 404, 'not_found');
        problem(await publicGet(t, '/trust/..%2Fetc'), 404, 'not_found');

        const read = await auditor.get('/api/v1/trust-center');
        assert.equal(read.statusCode, 200, read.body);
        assert.equal(read.json().publishedAt, null);
        problem(await member.get('/api/v1/trust-center'), 403, 'forbidden');
        problem(await auditor.post('/api/v1/trust-center/publish'), 403, 'forbidden');
        problem(await admin.post('/api/v1/trust-center/unpublish'), 409, 'conflict');

        const bad = await save(admin, { contactEmail: 'not an email', title: '' });
        assert.equal(bad.statusCode, 400, bad.body);
        assert.equal((await rows(t, 'SELECT 1 FROM trust_centers WHERE org_id = $1', [org.id])).length, 0);

        const saved = await save(admin, { title: 'Acme trust', contactEmail: 'security@acme.example' });
        assert.equal(saved.statusCode, 200, saved.body);
        const preview = await admin.get('/api/v1/trust-center/preview');
        assert.match(preview.json().html, /Acme trust/);
        assert.match(preview.json().html, /Preview of the draft/);
        problem(await publicGet(t, `/trust/${org.slug}`), 404, 'not_found');

        const state = await saveAndPublish(admin, {});
        assert.ok(state.publishedAt);
        assert.equal(state.publicPath, `/trust/${org.slug}`);
        const page = await publicGet(t, `/trust/${org.slug}`);
        assert.equal(page.statusCode, 200, page.body);
        assert.match(String(page.headers['content-type']), /^text\/html/);
        assert.match(page.body, /<html lang="en">/);
        assert.match(page.body, /Acme trust/);
        assert.doesNotMatch(page.body, /<script/i, 'no script');
        assert.match(String(page.headers['cache-control']), /public, max-age=\d+/);
        const json = await publicGet(t, `/trust/${org.slug}.json`);
        assert.equal(json.statusCode, 200, json.body);
        assert.equal(json.json().title, 'Acme trust');
        assert.equal(json.json().contact.email, 'security@acme.example');

        // No default organisation and no own host: nothing to serve. Made the default over plain HTTP:
        // a valid file without the https-only Policy and Canonical.
        problem(await publicGet(t, '/.well-known/security.txt'), 404, 'not_found');
        await t.rt.database.query(`INSERT INTO instance_settings (key, value) VALUES ('default_org', $1::jsonb)`, [
          JSON.stringify(org.slug),
        ]);
        t.clock.advance(61_000);
        const plain = await publicGet(t, '/.well-known/security.txt');
        assert.equal(plain.statusCode, 200, plain.body);
        assert.equal(parseSecurityTxt(plain.body, t.clock.now()).valid, true, plain.body);
        assert.match(plain.body, /^Contact: mailto:security@acme\.example$/m);
        assert.doesNotMatch(plain.body, /^(Policy|Canonical):/m);

        // Tokens: trust:read reads, trust:write is needed to publish.
        const token = await admin.post('/api/v1/tokens', { name: 'trust reader', scopes: ['trust:read'] });
        assert.equal(token.statusCode, 201, token.body);
        const bearer = { authorization: `Bearer ${token.json().token}` };
        const viaToken = await t.app.inject({ method: 'GET', url: '/api/v1/trust-center', headers: bearer });
        assert.equal(viaToken.statusCode, 200, viaToken.body);
        problem(
          await t.app.inject({ method: 'POST', url: '/api/v1/trust-center/unpublish', headers: bearer }),
          403,
          'insufficient_scope',
        );

        const unpublish = await admin.post('/api/v1/trust-center/unpublish');
        assert.equal(unpublish.statusCode, 200, unpublish.body);
        problem(await publicGet(t, `/trust/${org.slug}`), 404, 'not_found');
        problem(await publicGet(t, `/trust/${org.slug}.json`), 404, 'not_found');

        const audit = await rows<{ action: string }>(
          t,
          `SELECT action FROM audit_log WHERE org_id = $1 AND action LIKE 'trust.%' ORDER BY at, action`,
          [org.id],
        );
        assert.deepEqual(
          audit.map((a) => a.action).sort(),
          ['trust.published', 'trust.unpublished', 'trust.updated', 'trust.updated'].sort(),
        );
      });
    });

    it('never puts hidden sections, blocks or draft changes in the public HTML or JSON', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'hide');
        const admin = await signIn(t, org.users.admin);
        await saveAndPublish(admin, {
          contactEmail: 'security@hide.example',
          hiddenSections: ['vendor-risk'],
          hiddenItems: [`${ITEM.section}.${ITEM.key}`],
          show: { ...(await admin.get('/api/v1/trust-center')).json().draft.show, subprocessors: false, ledger: false },
          updates: [{ id: randomUUID(), date: '2026-02-01', title: 'Published update', body: 'Hello.' }],
        });
        await save(admin, { title: 'Draft only title', hiddenSections: [] });

        const html = (await publicGet(t, `/trust/${org.slug}`)).body;
        const json = (await publicGet(t, `/trust/${org.slug}.json`)).body;
        for (const [name, text] of [
          ['html', html],
          ['json', json],
        ] as const) {
          assert.doesNotMatch(text, /Vendor and risk management|Yearly risk assessment|Vendor reviews/, name);
          assert.doesNotMatch(text, new RegExp(ITEM.title), `${name}: a hidden item`);
          assert.doesNotMatch(text, /Subprocessors|subprocessors"/, `${name}: a hidden block`);
          assert.doesNotMatch(text, /Evidence log checkpoint|"ledger"/, `${name}: a hidden block`);
          assert.doesNotMatch(text, /Draft only title/, `${name}: an unpublished draft`);
          assert.match(text, /Published update/, name);
          assert.match(text, /Access security/, name);
        }
        const preview = (await admin.get('/api/v1/trust-center/preview')).json();
        assert.match(preview.html, /Draft only title/);
        assert.match(preview.html, /Vendor and risk management/);
      });
    });

    it('answers from memory with ETag and 304, and renders again after a change or its max age', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'cache');
        const admin = await signIn(t, org.users.admin);
        const id = await makePassing(t, org, admin);
        await saveAndPublish(admin, { contactEmail: 'security@cache.example' });
        const url = `/trust/${org.slug}.json`;
        const itemOf = (res: { json(): { sections: { key: string; items: { key: string; inPlace: boolean }[] }[] } }) =>
          res
            .json()
            .sections.find((s) => s.key === ITEM.section)
            ?.items.find((i) => i.key === ITEM.key)?.inPlace;

        const first = await publicGet(t, url);
        assert.equal(itemOf(first), true);
        const etag = String(first.headers.etag);
        assert.match(etag, /^"[\w-]+"$/);
        const again = await publicGet(t, url, { 'if-none-match': etag });
        assert.equal(again.statusCode, 304);
        assert.equal(again.body, '');
        assert.equal((await publicGet(t, url, { 'if-none-match': `"other", W/${etag}` })).statusCode, 304);
        const html = await publicGet(t, `/trust/${org.slug}`);
        assert.notEqual(html.headers.etag, etag, 'HTML and JSON have their own tags');

        // A result written behind the API's back: the cached page does not see it until its max age.
        await recordResult(t, org, 'fail');
        assert.equal((await publicGet(t, url, { 'if-none-match': etag })).statusCode, 304, 'served from memory');
        t.clock.advance(61_000);
        const aged = await publicGet(t, url, { 'if-none-match': etag });
        assert.equal(aged.statusCode, 200, 'rendered again after its max age');
        assert.equal(itemOf(aged), false, 'the failing check turned the item');

        // A change through the API drops the organisation's page at once.
        await recordResult(t, org, 'pass');
        const fresh = await publicGet(t, url);
        assert.equal(itemOf(fresh), false, 'still the cached page');
        const changed = await admin.patch(`/api/v1/controls/${id}`, { status: 'in_progress' });
        assert.equal(changed.statusCode, 200, changed.body);
        await admin.patch(`/api/v1/controls/${id}`, { status: 'implemented' });
        const passing = await publicGet(t, url);
        assert.equal(itemOf(passing), true, 'rendered again after the change');
        await admin.patch(`/api/v1/controls/${id}`, { status: 'in_progress' });
        const after = await publicGet(t, url, { 'if-none-match': String(passing.headers.etag) });
        assert.equal(after.statusCode, 200);
        assert.equal(itemOf(after), false, 'an item turned by a control change');
      });
    });

    it('publishes the demo under 100 KB and serves security.txt per host name', async () => {
      await withApp(
        engine,
        async (t) => {
          await seedDemo(t.rt);
          const page = await publicGet(t, '/trust/demo');
          assert.equal(page.statusCode, 200, page.body);
          assert.ok(page.rawPayload.length < 100 * 1024, `${page.rawPayload.length} bytes`);
          assert.match(page.body, /security@northwind\.demo/);
          assert.match(page.body, /Not currently in place/, 'the demo has failing controls');
          assert.match(page.body, /In place/);
          const demo = (await publicGet(t, '/trust/demo.json')).json();
          assert.ok(demo.subprocessors.some((s: { name: string }) => s.name === 'Amazon Web Services'));
          assert.ok(demo.regions.includes('us-east-1'));
          assert.ok(demo.updates.length >= 2);
          assert.ok(demo.ledger?.verifierKey, 'the checkpoint and its key');

          // Any host: the default organisation (the demo).
          const txt = await publicGet(t, '/.well-known/security.txt', { host: 'attest.internal:8080' });
          assert.equal(txt.statusCode, 200, txt.body);
          assert.match(String(txt.headers['content-type']), /^text\/plain/);
          const report = parseSecurityTxt(txt.body, t.clock.now());
          assert.deepEqual(report.errors, []);
          assert.equal(report.valid, true);
          assert.equal(report.expired, false);
          assert.ok(report.expires && new Date(report.expires) > t.clock.now(), 'Expires in the future');
          assert.deepEqual(report.fields.Contact ?? report.fields.contact, ['mailto:security@northwind.demo']);
          assert.match(
            txt.body,
            /^Policy: https:\/\/attest\.example\/trust\/demo$/m,
            'the public URL, whatever the host',
          );
          assert.match(txt.body, /^Canonical: https:\/\/attest\.example\/\.well-known\/security\.txt$/m);
          assert.match(txt.body, /^Preferred-Languages: en$/m);

          // An organisation's own host name: its security.txt and its trust center at "/".
          const org = await makeOrg(t, 'host');
          const admin = await signIn(t, org.users.admin);
          await saveAndPublish(
            admin,
            { contactEmail: 'security@host.example', title: 'Host trust', languages: ['de', 'en'] },
            'trust.host.example',
          );
          const own = await publicGet(t, '/.well-known/security.txt', { host: 'trust.host.example' });
          assert.equal(own.statusCode, 200, own.body);
          assert.equal(parseSecurityTxt(own.body, t.clock.now()).valid, true);
          assert.match(own.body, /^Contact: mailto:security@host\.example$/m);
          assert.match(own.body, /^Policy: https:\/\/trust\.host\.example\/$/m);
          assert.match(own.body, /^Canonical: https:\/\/trust\.host\.example\/\.well-known\/security\.txt$/m);
          assert.match(own.body, /^Preferred-Languages: de, en$/m);
          const home = await publicGet(t, '/', { host: 'trust.host.example' });
          assert.equal(home.statusCode, 200);
          assert.match(home.body, /Host trust/);
          assert.match(home.body, /<html lang="de">/);

          // Another organisation may not take the same host name; a bad one is refused.
          const other = await makeOrg(t, 'other');
          const otherAdmin = await signIn(t, other.users.admin);
          problem(await save(otherAdmin, {}, 'trust.host.example'), 409, 'conflict');
          assert.equal((await save(otherAdmin, {}, 'Trust.Host.Example:443')).statusCode, 400);
          problem(await save(otherAdmin, {}, 'attest.example'), 400, 'validation_failed');
          const draft = (await otherAdmin.get('/api/v1/trust-center')).json().draft;
          const ownName = await otherAdmin.put(
            '/api/v1/trust-center',
            { settings: draft, hostName: 'app.attest.internal' },
            { host: 'app.attest.internal' },
          );
          problem(ownName, 400, 'validation_failed');
          assert.equal((await rows(t, 'SELECT 1 FROM trust_centers WHERE org_id = $1', [other.id])).length, 0);

          // Unpublished: its host serves the web app again and security.txt falls back to nothing of it.
          await admin.post('/api/v1/trust-center/unpublish');
          const gone = await publicGet(t, '/.well-known/security.txt', { host: 'trust.host.example' });
          assert.doesNotMatch(gone.body, /host\.example/);
        },
        { publicUrl: 'https://attest.example' },
      );
    });

    it('answers a cached page ahead of Fastify exactly as the full path does, within the same limit', async () => {
      process.env.ATTEST_TRUST_RATE_LIMIT = '6';
      try {
        await withApp(engine, async (t) => {
          const org = await makeOrg(t, 'fast');
          const admin = await signIn(t, org.users.admin);
          await saveAndPublish(admin, { contactEmail: 'security@fast.example' });
          await t.app.listen({ host: '127.0.0.1', port: 0 });
          const base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
          const fast = trustFastPath(t.rt, 0);
          const get = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, init);
          const comparable = (res: Response) =>
            Object.fromEntries(
              [...res.headers].filter(
                ([name]) => !['date', 'x-request-id'].includes(name) && !name.startsWith('x-ratelimit-'),
              ),
            );

          // The first answer renders (the full path); the same page again comes from the fast path.
          const full = await get(`/trust/${org.slug}`);
          assert.equal(fast.served, 0);
          const quick = await get(`/trust/${org.slug}`);
          assert.equal(fast.served, 1, 'the second request was answered ahead of Fastify');
          assert.equal(quick.status, 200);
          assert.equal(await quick.text(), await full.text());
          assert.deepEqual(comparable(quick), comparable(full));
          assert.match(String(quick.headers.get('x-request-id')), /^[0-9a-f-]{36}$/);
          assert.ok(quick.headers.get('x-content-type-options'), "helmet's headers are repeated");

          // HTML and JSON are one cache entry: the JSON is answered fast at once, as inject() (always the full path) answers it.
          const jsonQuick = await get(`/trust/${org.slug}.json?x=1`);
          assert.equal(fast.served, 2);
          assert.deepEqual(await jsonQuick.json(), (await publicGet(t, `/trust/${org.slug}.json`)).json());
          const notModified = await get(`/trust/${org.slug}`, {
            headers: { 'if-none-match': String(full.headers.get('etag')) },
          });
          assert.equal(notModified.status, 304);
          const head = await get(`/trust/${org.slug}`, { method: 'HEAD' });
          assert.equal(head.status, 200);
          assert.equal(head.headers.get('content-length'), full.headers.get('content-length'));
          assert.equal(fast.served, 4);

          // After a change the page is rendered by the full path again; unknown slugs never take the fast path.
          await admin.post('/api/v1/trust-center/publish');
          assert.equal((await get(`/trust/${org.slug}`)).status, 200);
          assert.equal(fast.served, 4);
          // Six page requests from this address so far (the 304 and HEAD count): the next is refused by the fast path.
          const refused = await get(`/trust/${org.slug}`);
          assert.equal(refused.status, 429);
          assert.equal((await refused.json()).code, 'rate_limited');
          assert.ok(Number(refused.headers.get('retry-after')) >= 1);
          assert.equal((await get(`/trust/${org.slug}.json`)).status, 429, 'HTML and JSON share the budget');

          // Not logged one by one nor timed, but counted: in /metrics and in a line of the log.
          const metrics = await (await get('/metrics')).text();
          const answered = (status: number) =>
            Number(
              new RegExp(`^attest_trust_fast_path_answers_total\\{status="${status}"\\} (\\d+)$`, 'm').exec(
                metrics,
              )?.[1],
            );
          assert.deepEqual([answered(200), answered(304), answered(429)], [3, 1, 2]);
          const lines: unknown[] = [];
          fast.logSummary({ info: (fields: unknown) => lines.push(fields) });
          fast.logSummary({ info: (fields: unknown) => lines.push(fields) });
          assert.deepEqual(lines, [{ trustFastPath: { ok: 3, notModified: 1, limited: 2 } }], 'once, then nothing new');
        });
      } finally {
        delete process.env.ATTEST_TRUST_RATE_LIMIT;
      }
    });

    it('rate-limits the public routes per address', async () => {
      await withApp(engine, async (t) => {
        let last = 0;
        for (let i = 0; i <= UNCACHED_LIMIT; i++) {
          last = (await publicGet(t, `/trust/unknown-${i}`, {}, '198.51.100.99')).statusCode;
        }
        assert.equal(last, 429, 'unknown slugs reach the database: the stricter budget');
        assert.equal((await publicGet(t, '/trust/unknown-x', {}, '198.51.100.100')).statusCode, 404, 'per address');
      });
      process.env.ATTEST_TRUST_RATE_LIMIT = '5';
      try {
        await withApp(engine, async (t) => {
          const org = await makeOrg(t, 'limit');
          const admin = await signIn(t, org.users.admin);
          await saveAndPublish(admin, {});
          const codes: number[] = [];
          for (let i = 0; i < 6; i++) codes.push((await publicGet(t, `/trust/${org.slug}`)).statusCode);
          assert.deepEqual(codes, [200, 200, 200, 200, 200, 429]);
        });
      } finally {
        delete process.env.ATTEST_TRUST_RATE_LIMIT;
      }
    });
  });
}
