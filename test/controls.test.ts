import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadControlLibrary } from '../src/modules/controls/library.js';
import { problem, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn } from './helpers/factories.js';

for (const engine of ENGINES) {
  describe(`the control library in an organisation (${engine})`, () => {
    it('gives a new organisation the whole library, with checks shown as not connected', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'ctl');
        const [count] = await rows<{ n: number }>(t, 'SELECT count(*)::int AS n FROM controls WHERE org_id = $1', [
          org.id,
        ]);
        assert.equal(count?.n, loadControlLibrary().length);

        const member = await signIn(t, org.users.member);
        const seen: string[] = [];
        let cursor = '';
        do {
          const res = await member.get(`/api/v1/controls?limit=20${cursor ? `&cursor=${cursor}` : ''}`);
          assert.equal(res.statusCode, 200, res.body);
          seen.push(...res.json().items.map((c: { key: string }) => c.key));
          cursor = res.json().nextCursor ?? '';
        } while (cursor);
        assert.equal(seen.length, loadControlLibrary().length, 'pagination returns every control once');
        assert.equal(new Set(seen).size, seen.length);

        const mfa = await member.get('/api/v1/controls?criterion=CC6.1&q=multi-factor');
        const first = mfa.json().items[0];
        assert.ok(first, 'a control about multi-factor authentication meets CC6.1');
        const one = await member.get(`/api/v1/controls/${first.id}`);
        assert.equal(one.json().key, first.key);
        assert.ok(one.json().checks.every((c: { state: string }) => c.state === 'not_connected'));
        assert.equal(one.json().status, 'not_started');
        problem(await member.get('/api/v1/controls/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
        problem(await member.get('/api/v1/controls?status=done'), 400, 'validation_failed');
      });
    });

    it('covers every seed line: the coverage answer ends with no line uncovered', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'cov');
        const owner = await signIn(t, org.users.owner);
        const res = await owner.get('/api/v1/coverage');
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as { lines: { id: string; controls: unknown[] }[]; uncovered: number };
        assert.equal(body.uncovered, 0);
        assert.ok(body.lines.length > 50);
        assert.ok(body.lines.every((l) => l.controls.length > 0));
        assert.ok(
          body.lines.some((l) => l.id === '000 §5.3'),
          'the breach notice line is listed',
        );
      });
    });
  });
}
