import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { validateOscal } from '../src/modules/oscal/schema.js';
import type { TestApp } from './helpers/app.js';
import { count, problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn } from './helpers/factories.js';

/**
 * OSCAL import and export on NIST's own files: the small ones copied into test/fixtures/oscal,
 * the 1.2 MB LOW baseline catalog read from ../shared/fixtures (beside the clone in CI).
 */
const FIXTURES = new URL('./fixtures/oscal/', import.meta.url);
const SHARED_LOW = new URL(
  '../../shared/fixtures/oscal/NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog-min.json',
  import.meta.url,
);
const HAVE_LOW = existsSync(SHARED_LOW);
const NO_LOW = HAVE_LOW
  ? false
  : 'skipped: ../shared/fixtures/oscal is absent (the LOW catalog is not copied into the repository)';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
const basic = () => fixture('basic-catalog.json');
const lowProfile = () => fixture('NIST_SP-800-53_rev5_LOW-baseline_profile.json');
const lowCatalog = () => JSON.parse(readFileSync(SHARED_LOW, 'utf8'));

type Node = { id: string; controls?: Node[]; groups?: Node[] };

/** Control ids in document order, enhancements included, counted here without the importer's code. */
function controlIds(catalog: { controls?: Node[]; groups?: Node[] }): string[] {
  const out: string[] = [];
  const controls = (list: Node[] = []) => {
    for (const c of list) {
      out.push(c.id);
      controls(c.controls);
    }
  };
  const groups = (list: Node[] = []) => {
    for (const g of list) {
      controls(g.controls);
      groups(g.groups);
    }
  };
  controls(catalog.controls);
  groups(catalog.groups);
  return out;
}

describe('the vendored OSCAL schema', () => {
  it("accepts NIST's own examples and refuses a broken one with a path and a message", () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 5);
    for (const f of files) assert.deepEqual(validateOscal(fixture(f)), [], f);
    if (HAVE_LOW) assert.deepEqual(validateOscal(lowCatalog()), [], 'LOW catalog');
    const broken = basic();
    broken.catalog.uuid = 'not-a-uuid';
    delete broken.catalog.metadata.title;
    const problems = validateOscal(broken);
    assert.ok(problems.length >= 1);
    assert.ok(
      problems.some((p) => p.path === '/catalog/uuid' && /pattern/.test(p.message)),
      JSON.stringify(problems),
    );
  });
});

/** The basic catalog with an enhancement nested under s1.1.1 (a copy under its own uuid). */
function nested() {
  const doc = basic();
  doc.catalog.uuid = '8e1f4f7a-2c3d-4b5e-9f60-7a8b9c0d1e2f';
  doc.catalog.metadata.title = 'Nested sample catalog';
  doc.catalog.groups[0].groups[0].controls[0].controls = [{ id: 's1.1.1.1', title: 'Roles reviewed each year' }];
  return doc;
}

/** A small profile of our own over the nested catalog: ids with children, a pattern, an exclusion. */
function subsetProfile(catalogTitle: string) {
  return {
    profile: {
      uuid: '3f3b6c52-0c5e-4b9f-8a0e-1d2c3b4a5f60',
      metadata: {
        title: 'Access subset',
        'last-modified': '2026-01-05T10:00:00Z',
        version: '1',
        'oscal-version': '1.0.6',
      },
      imports: [
        {
          href: '#2b6a4c1e-8d3f-4e5a-9b7c-0a1d2e3f4a5b',
          'include-controls': [
            { 'with-ids': ['s1.1.1'], 'with-child-controls': 'yes' },
            { matching: [{ pattern: 's2.*' }] },
          ],
          'exclude-controls': [{ 'with-ids': ['s2.1.2'] }],
        },
      ],
      'back-matter': { resources: [{ uuid: '2b6a4c1e-8d3f-4e5a-9b7c-0a1d2e3f4a5b', title: catalogTitle }] },
    },
  };
}

interface Framework {
  id: string;
  name: string;
  source: string;
  revision: number;
  adopted: boolean;
  categories: { id: string; name: string; required: boolean; inScope: boolean; requirements: number }[];
  requirements: { total: number; inScope: number };
}

async function frameworksOf(client: Awaited<ReturnType<typeof signIn>>): Promise<Framework[]> {
  const res = await client.get('/api/v1/frameworks');
  assert.equal(res.statusCode, 200, res.body);
  return res.json().items;
}

const frameworkRows = (t: TestApp) => count(t, 'frameworks');

for (const engine of ENGINES) {
  describe(`OSCAL import (${engine})`, () => {
    it('imports a catalog: one requirement per control, nested ones included, in order, adopted, audited', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'oscalimp');
        const admin = await signIn(t, org.users.admin);
        const doc = nested();
        const expected = controlIds(doc.catalog);
        assert.equal(expected.length, 5);
        const res = await admin.post('/api/v1/frameworks/import', { document: doc });
        assert.equal(res.statusCode, 201, res.body);
        const result = res.json();
        assert.deepEqual(result, {
          id: 'nested-sample-catalog',
          name: 'Nested sample catalog',
          model: 'catalog',
          requirements: expected.length,
          categories: 2,
          revision: 1,
          updated: false,
        });
        const reqs = await admin.get(`/api/v1/frameworks/${result.id}/requirements`);
        assert.equal(reqs.statusCode, 200, reqs.body);
        const items = reqs.json().items as { ref: string; category: string; group: string; inScope: boolean }[];
        assert.deepEqual(
          items.map((r) => r.ref),
          expected,
        );
        assert.deepEqual(items[0], {
          ref: 's1.1.1',
          category: 's1',
          group: 'Internal Organization',
          title: 'Information security roles and responsibilities',
          inScope: true,
        });
        const [parent] = await rows<{ parent_ref: string }>(
          t,
          `SELECT parent_ref FROM framework_requirements WHERE framework_id = $1 AND ref = 's1.1.1.1'`,
          [result.id],
        );
        assert.equal(parent?.parent_ref, 's1.1.1');
        const fw = (await frameworksOf(admin)).find((f) => f.id === result.id);
        assert.ok(fw);
        assert.equal(fw.source, 'oscal');
        assert.equal(fw.adopted, true);
        assert.deepEqual(
          fw.categories.map((c) => [c.id, c.name, c.required, c.inScope, c.requirements]),
          [
            ['s1', 'Organization of Information Security', false, true, 3],
            ['s2', 'Access control', false, true, 2],
          ],
        );
        const [audit] = await rows<{ target_id: string; details: Record<string, unknown> }>(
          t,
          `SELECT target_id, details FROM audit_log WHERE org_id = $1 AND action = 'framework.imported'`,
          [org.id],
        );
        assert.equal(audit?.target_id, result.id);
        assert.equal(audit?.details.requirements, 5);
        assert.equal(audit?.details.uuid, doc.catalog.uuid);
        // The scope of an imported framework is the organisation's to narrow.
        const put = await admin.request('PUT', `/api/v1/frameworks/${result.id}/scope`, { categories: ['s2'] });
        assert.equal(put.statusCode, 200, put.body);
        assert.deepEqual(put.json().requirements, { total: 5, inScope: 2 });
      });
    });

    it("imports NIST's basic catalog and the LOW catalog with counts matching the files", {
      skip: NO_LOW,
    }, async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'oscallow');
        const owner = await signIn(t, org.users.owner);
        for (const doc of [basic(), lowCatalog()]) {
          const expected = controlIds(doc.catalog);
          const res = await owner.post('/api/v1/frameworks/import', { document: doc });
          assert.equal(res.statusCode, 201, res.body);
          assert.equal(res.json().requirements, expected.length);
          const stored = await rows<{ ref: string }>(
            t,
            'SELECT ref FROM framework_requirements WHERE owner_org_id = $1 AND framework_id = $2 ORDER BY sort',
            [org.id, res.json().id],
          );
          assert.deepEqual(
            stored.map((r) => r.ref),
            expected,
          );
        }
        const low = (await frameworksOf(owner)).find((f) => f.name.includes('LOW IMPACT'));
        assert.ok(low);
        assert.equal(low.id, 'nist-sp-800-53-rev5-1-1-low-impact-baseline');
        assert.equal(low.requirements.total, 149);
        assert.equal(low.categories.length, lowCatalog().catalog.groups.length);
        assert.ok(controlIds(lowCatalog().catalog).includes('ac-2'));
        assert.ok(
          controlIds(lowCatalog().catalog).some((id) => /^[a-z]{2}-\d+\.\d+$/.test(id)),
          'has enhancements',
        );
      });
    });

    it('imports the LOW profile against its catalog: one requirement per selected id', { skip: NO_LOW }, async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'oscalprof');
        const admin = await signIn(t, org.users.admin);
        const profile = lowProfile();
        const selected = profile.profile.imports.flatMap((i: { 'include-controls': { 'with-ids': string[] }[] }) =>
          i['include-controls'].flatMap((s) => s['with-ids']),
        );
        const before = await frameworkRows(t);
        // Without its catalog the profile cannot be resolved: a clear error, nothing written.
        const missing = problem(
          await admin.post('/api/v1/frameworks/import', { document: profile }),
          400,
          'validation_failed',
        );
        assert.match(missing.detail, /NIST Special Publication 800-53 Revision 5: Security and Privacy Controls/);
        assert.match(missing.detail, /Import that catalog first, or send it along with the profile/);
        assert.equal(await frameworkRows(t), before);
        const res = await admin.post('/api/v1/frameworks/import', { document: profile, catalog: lowCatalog() });
        assert.equal(res.statusCode, 201, res.body);
        assert.equal(res.json().model, 'profile');
        assert.equal(res.json().requirements, new Set(selected).size);
        const refs = await rows<{ ref: string }>(
          t,
          'SELECT ref FROM framework_requirements WHERE owner_org_id = $1 AND framework_id = $2',
          [org.id, res.json().id],
        );
        assert.deepEqual(refs.map((r) => r.ref).sort(), [...new Set<string>(selected)].sort());
      });
    });

    it('resolves a profile against a catalog already imported: ids with children, patterns, exclusions', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'oscalsub');
        const admin = await signIn(t, org.users.admin);
        const catalog = nested();
        assert.equal((await admin.post('/api/v1/frameworks/import', { document: catalog })).statusCode, 201);
        const res = await admin.post('/api/v1/frameworks/import', {
          document: subsetProfile(catalog.catalog.metadata.title),
        });
        assert.equal(res.statusCode, 201, res.body);
        assert.equal(res.json().id, 'access-subset');
        const reqs = await admin.get('/api/v1/frameworks/access-subset/requirements');
        assert.deepEqual(
          reqs.json().items.map((r: { ref: string }) => r.ref),
          ['s1.1.1', 's1.1.1.1', 's2.1.1'],
        );
        // A profile naming a control its catalog lacks is refused, saying which.
        const wrong = subsetProfile(catalog.catalog.metadata.title);
        wrong.profile.uuid = '4a4b6c52-0c5e-4b9f-8a0e-1d2c3b4a5f61';
        wrong.profile.imports[0]!['include-controls'] = [{ 'with-ids': ['s9.9'] } as never];
        const refused = problem(
          await admin.post('/api/v1/frameworks/import', { document: wrong }),
          400,
          'validation_failed',
        );
        assert.match(refused.detail, /does not have: s9\.9/);
      });
    });

    it('refuses malformed input with a clear error and writes nothing', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'oscalbad');
        const admin = await signIn(t, org.users.admin);
        const before = { frameworks: await frameworkRows(t), requirements: await count(t, 'framework_requirements') };
        const audits = () => count(t, `audit_log WHERE org_id = $1 AND action LIKE 'framework.%'`, [org.id]);
        const truncated = readFileSync(new URL('basic-catalog.json', FIXTURES), 'utf8').slice(0, 2000);
        const raw = await t.app.inject({
          method: 'POST',
          url: '/api/v1/frameworks/import',
          headers: { cookie: admin.cookie ?? '', 'x-csrf-token': admin.csrf ?? '', 'content-type': 'application/json' },
          payload: `{"document": ${truncated}`,
        });
        assert.match(problem(raw, 400, 'bad_request').detail, /not valid JSON/);
        const notOscal = problem(
          await admin.post('/api/v1/frameworks/import', { document: { name: 'my controls', items: [1, 2] } }),
          400,
          'validation_failed',
        );
        assert.match(
          notOscal.detail,
          /is not an OSCAL catalog or profile: its top level must hold "catalog" or "profile"/,
        );
        const ssp = problem(
          await admin.post('/api/v1/frameworks/import', { document: fixture('ssp-example.json') }),
          400,
          'validation_failed',
        );
        assert.match(ssp.detail, /\(it holds "system-security-plan"\)/);
        const broken = basic();
        delete broken.catalog.metadata;
        const invalid = problem(
          await admin.post('/api/v1/frameworks/import', { document: broken }),
          400,
          'validation_failed',
        );
        assert.match(
          invalid.detail,
          /does not follow the OSCAL catalog schema: \/catalog lacks the property "metadata"/,
        );
        assert.deepEqual(invalid.errors?.[0], { path: '/catalog', message: 'lacks the property "metadata"' });
        const orphan = problem(
          await admin.post('/api/v1/frameworks/import', { document: subsetProfile('A catalog nobody imported') }),
          400,
          'validation_failed',
        );
        assert.match(orphan.detail, /selects controls from "A catalog nobody imported", which is not imported/);
        assert.deepEqual(
          { frameworks: await frameworkRows(t), requirements: await count(t, 'framework_requirements') },
          before,
        );
        assert.equal(await audits(), 0);
      });
    });

    it('lets only owners and admins import, and keeps an imported framework from other organisations', async () => {
      await withApp(engine, async (t) => {
        const a = await makeOrg(t, 'oscala');
        const b = await makeOrg(t, 'oscalb');
        for (const role of ['member', 'auditor', 'reviewer'] as const) {
          const client = await signIn(t, a.users[role]);
          problem(await client.post('/api/v1/frameworks/import', { document: basic() }), 403, 'forbidden');
        }
        const aAdmin = await signIn(t, a.users.admin);
        const imported = await aAdmin.post('/api/v1/frameworks/import', { document: basic() });
        assert.equal(imported.statusCode, 201, imported.body);
        const id = imported.json().id as string;
        const bOwner = await signIn(t, b.users.owner);
        assert.deepEqual(
          (await frameworksOf(bOwner)).map((f) => f.id),
          ['soc2-2017'],
        );
        const unknown = problem(
          await bOwner.get('/api/v1/frameworks/no-such-framework/requirements'),
          404,
          'not_found',
        );
        const hidden = problem(await bOwner.get(`/api/v1/frameworks/${id}/requirements`), 404, 'not_found');
        assert.equal(hidden.detail, unknown.detail);
        problem(await bOwner.request('PUT', `/api/v1/frameworks/${id}/scope`, { categories: [] }), 404, 'not_found');
        problem(await bOwner.delete(`/api/v1/frameworks/${id}`), 404, 'not_found');
        // B may import the same catalog under the same readable id: ids are unique per organisation.
        const again = await bOwner.post('/api/v1/frameworks/import', { document: basic() });
        assert.equal(again.statusCode, 201, again.body);
        assert.equal(again.json().id, id);
        assert.equal(await count(t, 'frameworks WHERE id = $1', [id]), 2);
        assert.equal((await frameworksOf(aAdmin)).filter((f) => f.id === id).length, 1);
      });
    });

    it('updates a re-imported catalog in place as a new revision, keeping the scope chosen', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'oscalre');
        const admin = await signIn(t, org.users.admin);
        const first = await admin.post('/api/v1/frameworks/import', { document: nested() });
        const id = first.json().id as string;
        await admin.request('PUT', `/api/v1/frameworks/${id}/scope`, { categories: ['s1'] });
        const before = await frameworkRows(t);
        const changed = nested();
        changed.catalog.metadata.version = '2.0';
        changed.catalog.groups[1].controls = [{ id: 's2.9', title: 'A new top control in Access control' }];
        changed.catalog.groups.push({ id: 's3', title: 'Operations', controls: [{ id: 's3.1', title: 'Backups' }] });
        const second = await admin.post('/api/v1/frameworks/import', { document: changed });
        assert.equal(second.statusCode, 200, second.body);
        assert.equal(second.json().id, id);
        assert.equal(second.json().updated, true);
        assert.equal(second.json().revision, 2);
        assert.equal(second.json().requirements, controlIds(changed.catalog).length);
        assert.equal(await frameworkRows(t), before);
        const fw = (await frameworksOf(admin)).find((f) => f.id === id);
        assert.equal(fw?.revision, 2);
        // s1 stays in, s2 stays out as chosen, the new s3 comes in.
        assert.deepEqual(
          fw?.categories.map((c) => [c.id, c.inScope]),
          [
            ['s1', true],
            ['s2', false],
            ['s3', true],
          ],
        );
        assert.equal(await count(t, 'framework_requirements WHERE framework_id = $1', [id]), 7);
      });
    });

    it('deletes an imported framework (audited) but never a built-in one or one that controls name', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'oscaldel');
        const admin = await signIn(t, org.users.admin);
        const member = await signIn(t, org.users.member);
        const id = (await admin.post('/api/v1/frameworks/import', { document: basic() })).json().id as string;
        problem(await admin.delete('/api/v1/frameworks/soc2-2017'), 409, 'conflict');
        problem(await member.delete(`/api/v1/frameworks/${id}`), 403, 'forbidden');
        await t.rt.database.query(
          `UPDATE controls SET criteria = criteria || ARRAY[$2] WHERE org_id = $1 AND key = (SELECT min(key) FROM controls WHERE org_id = $1)`,
          [org.id, `${id}:s1.1.1`],
        );
        const named = problem(await admin.delete(`/api/v1/frameworks/${id}`), 409, 'conflict');
        assert.match(named.detail, /1 control\(s\) meet requirements of Sample Security Catalog/);
        await t.rt.database.query(`UPDATE controls SET criteria = array_remove(criteria, $2) WHERE org_id = $1`, [
          org.id,
          `${id}:s1.1.1`,
        ]);
        const res = await admin.delete(`/api/v1/frameworks/${id}`);
        assert.equal(res.statusCode, 204, res.body);
        assert.equal(await count(t, 'frameworks WHERE id = $1', [id]), 0);
        assert.equal(await count(t, 'framework_requirements WHERE framework_id = $1', [id]), 0);
        assert.equal(await count(t, 'org_frameworks WHERE framework_id = $1', [id]), 0);
        assert.equal(
          await count(t, `audit_log WHERE org_id = $1 AND action = 'framework.deleted' AND target_id = $2`, [
            org.id,
            id,
          ]),
          1,
        );
        assert.equal(await count(t, `frameworks WHERE id = 'soc2-2017'`), 1);
      });
    });
  });

  describe(`OSCAL export (${engine})`, () => {
    it('exports the SOC 2 catalog, the component definition and the SSP, each valid against the schema', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'oscalexp');
        const auditor = await signIn(t, org.users.auditor);
        const admin = await signIn(t, org.users.admin);
        // One control implemented, so statuses differ.
        const [control] = await rows<{ id: string; key: string; criteria: string[] }>(
          t,
          `SELECT id, key, criteria FROM controls WHERE org_id = $1 AND cardinality(criteria) > 0 ORDER BY key LIMIT 1`,
          [org.id],
        );
        assert.ok(control);
        await t.rt.database.query(`UPDATE controls SET status = 'implemented' WHERE id = $1`, [control.id]);

        const catalog = await auditor.get('/api/v1/oscal/catalog');
        assert.equal(catalog.statusCode, 200, catalog.body);
        assert.match(String(catalog.headers['content-type']), /^application\/json/);
        assert.equal(catalog.headers['content-disposition'], 'attachment; filename="attest-soc2-2017-catalog.json"');
        const cat = catalog.json();
        assert.deepEqual(validateOscal(cat), []);
        assert.equal(cat.catalog.metadata['oscal-version'], '1.0.6');
        assert.equal(controlIds(cat.catalog).length, 61);
        assert.deepEqual(
          cat.catalog.groups.map((g: { id: string }) => g.id),
          ['security', 'availability', 'confidentiality', 'processing_integrity', 'privacy'],
        );

        const cd = await auditor.get('/api/v1/oscal/component-definition');
        assert.equal(cd.statusCode, 200, cd.body);
        assert.equal(cd.headers['content-disposition'], `attachment; filename="${org.slug}-component-definition.json"`);
        const def = cd.json();
        assert.deepEqual(validateOscal(def), []);
        const component = def['component-definition'].components[0];
        const implemented = component['control-implementations'][0]['implemented-requirements'] as {
          'control-id': string;
          description: string;
          props: { name: string; value: string; class?: string }[];
        }[];
        const first = implemented.find((r) => r['control-id'] === control.criteria[0]?.toLowerCase());
        assert.ok(first, 'the criterion of the implemented control is listed');
        assert.ok(
          first.props.some((p) => p.name === 'control' && p.value === control.key && p.class === 'implemented'),
        );
        assert.match(first.description, new RegExp(`\\*\\*${control.key} `));
        const again = (await admin.get('/api/v1/oscal/component-definition')).json();
        assert.equal(again['component-definition'].uuid, def['component-definition'].uuid, 'stable uuid');
        assert.equal(again['component-definition'].components[0].uuid, component.uuid);

        const res = await auditor.get('/api/v1/oscal/ssp');
        assert.equal(res.statusCode, 200, res.body);
        const ssp = res.json()['system-security-plan'];
        assert.deepEqual(validateOscal(res.json()), []);
        assert.equal(ssp.metadata['last-modified'], t.clock.now().toISOString());
        assert.equal(ssp['system-implementation'].users.length, 5, 'every member');
        assert.equal(ssp['control-implementation']['implemented-requirements'].length, 33, 'every Security criterion');
        assert.match(ssp['import-profile'].href, /\/api\/v1\/oscal\/catalog$/);
        const otherOrg = await makeOrg(t, 'oscalexp2');
        const other = (await (await signIn(t, otherOrg.users.owner)).get('/api/v1/oscal/ssp')).json()[
          'system-security-plan'
        ];
        assert.notEqual(other.uuid, ssp.uuid);
        assert.ok(
          !JSON.stringify(other).includes('oscalexp '),
          "another organisation's SSP names none of these members",
        );

        const member = await signIn(t, org.users.member);
        problem(await member.get('/api/v1/oscal/ssp'), 403, 'forbidden');
      });
    });
  });
}

/** The `attest` command as a user runs it, on a real data directory. */
const BIN = new URL('../bin/attest.js', import.meta.url).pathname;
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function attest(args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, DATABASE_URL: '', ATTEST_DATA: '', LOG_LEVEL: 'warn' }, timeout: 180_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

describe('attest framework import and attest oscal export', () => {
  it('imports a catalog and a profile from files and writes valid exports', async () => {
    const data = mkdtempSync(join(tmpdir(), 'attest-oscal-'));
    dirs.push(data);
    const init = await attest(
      ['--data', data, 'init', '--org', 'Oscal Co', '--email', 'o@oscal.test'],
      'amber-lattice-wombat-31\n',
    );
    assert.equal(init.code, 0, init.stderr);
    const catalogFile = join(data, 'nested.json');
    writeFileSync(catalogFile, JSON.stringify(nested()));
    const profileFile = join(data, 'profile.json');
    writeFileSync(profileFile, JSON.stringify(subsetProfile('Someone else')));
    const truncated = join(data, 'truncated.json');
    writeFileSync(truncated, JSON.stringify(nested()).slice(0, 300));

    const imported = await attest(['--data', data, 'framework', 'import', catalogFile]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(
      imported.stdout,
      /^imported Nested sample catalog as nested-sample-catalog: 5 requirements in 2 categories/,
    );
    const bad = await attest(['--data', data, 'framework', 'import', truncated]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /The file .*truncated\.json is not valid JSON/);
    const orphan = await attest(['--data', data, 'framework', 'import', profileFile]);
    assert.equal(orphan.code, 1);
    assert.match(orphan.stderr, /selects controls from "Someone else".*--catalog FILE/);
    const profile = await attest([
      '--data',
      data,
      'framework',
      'import',
      profileFile,
      '--catalog',
      catalogFile,
      '--org',
      'oscal-co',
    ]);
    assert.equal(profile.code, 0, profile.stderr);
    assert.match(profile.stdout, /^imported Access subset as access-subset: 3 requirements/);
    const reimport = await attest(['--data', data, 'framework', 'import', catalogFile]);
    assert.match(reimport.stdout, /^updated \(revision 2\) Nested sample catalog as nested-sample-catalog/);

    for (const kind of ['catalog', 'component-definition', 'ssp']) {
      const out = join(data, `${kind}.json`);
      const run = await attest(['--data', data, 'oscal', 'export', kind, '--out', out]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`Exported the ${kind} of Oscal Co \\(oscal-co\\) as OSCAL 1\\.0\\.6`));
      assert.deepEqual(validateOscal(JSON.parse(readFileSync(out, 'utf8'))), [], kind);
    }
    const unknown = await attest(['--data', data, 'oscal', 'export', 'poam']);
    assert.match(unknown.stderr, /Unknown export "poam": choose one of catalog, component-definition, ssp/);
  });
});
