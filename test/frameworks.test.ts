import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn } from './helpers/factories.js';

for (const engine of ENGINES) {
  describe(`frameworks and scope (${engine})`, () => {
    it('starts every organisation on SOC 2 with Security in scope', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'fw');
        const member = await signIn(t, org.users.member);
        const res = await member.get('/api/v1/frameworks');
        assert.equal(res.statusCode, 200, res.body);
        const soc2 = res.json().items.find((f: { id: string }) => f.id === 'soc2-2017');
        assert.equal(soc2.adopted, true);
        assert.deepEqual(
          soc2.categories.filter((c: { inScope: boolean }) => c.inScope).map((c: { id: string }) => c.id),
          ['security'],
        );
        assert.deepEqual(soc2.requirements, { total: 61, inScope: 33 });
        const reqs = await member.get('/api/v1/frameworks/soc2-2017/requirements?inScope=false');
        assert.equal(reqs.json().items.length, 28);
        const search = await member.get('/api/v1/frameworks/soc2-2017/requirements?q=fraud');
        assert.deepEqual(
          search.json().items.map((r: { ref: string }) => r.ref),
          ['CC3.3'],
        );
        problem(await member.get('/api/v1/frameworks/nist-nope/requirements'), 404, 'not_found');
      });
    });

    it('lets an admin add categories, keeps Security in, refuses unknown ones, and audits the change', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'scope');
        const admin = await signIn(t, org.users.admin);
        const put = await admin.request('PUT', '/api/v1/frameworks/soc2-2017/scope', {
          categories: ['privacy', 'security', 'availability'],
        });
        assert.equal(put.statusCode, 200, put.body);
        assert.deepEqual(put.json().requirements, { total: 61, inScope: 33 + 3 + 18 });
        const [scope] = await rows<{ categories: string[] }>(
          t,
          'SELECT categories FROM org_frameworks WHERE org_id = $1',
          [org.id],
        );
        assert.deepEqual(scope?.categories, ['security', 'availability', 'privacy']);
        const [audit] = await rows<{ details: { from: string[]; to: string[] } }>(
          t,
          "SELECT details FROM audit_log WHERE org_id = $1 AND action = 'framework.scope_changed'",
          [org.id],
        );
        assert.deepEqual(audit?.details, { from: ['security'], to: ['security', 'availability', 'privacy'] });

        problem(
          await admin.request('PUT', '/api/v1/frameworks/soc2-2017/scope', { categories: ['availability'] }),
          400,
          'validation_failed',
        );
        problem(
          await admin.request('PUT', '/api/v1/frameworks/soc2-2017/scope', { categories: ['security', 'karma'] }),
          400,
          'validation_failed',
        );
        const member = await signIn(t, org.users.member);
        problem(
          await member.request('PUT', '/api/v1/frameworks/soc2-2017/scope', { categories: ['security'] }),
          403,
          'forbidden',
        );
        const [after] = await rows<{ categories: string[] }>(
          t,
          'SELECT categories FROM org_frameworks WHERE org_id = $1',
          [org.id],
        );
        assert.deepEqual(after?.categories, ['security', 'availability', 'privacy'], 'refused changes wrote nothing');
      });
    });
  });
}
