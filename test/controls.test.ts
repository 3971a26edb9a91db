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

for (const engine of ENGINES) {
  describe(`changing a control (${engine})`, () => {
    it('keeps every version, audits the change, and refuses stale, unknown or unauthorised edits', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'edit');
        const admin = await signIn(t, org.users.admin);
        const list = await admin.get('/api/v1/controls?q=ACC-02');
        const control = list.json().items[0] as { id: string; key: string; version: number };
        assert.equal(control.version, 1);

        const res = await admin.patch(`/api/v1/controls/${control.id}`, {
          status: 'implemented',
          ownerUserId: org.users.reviewer.id,
          criteria: ['CC6.1', 'CC6.2', 'CC6.6'],
          expectedVersion: 1,
          reason: 'Okta enforces MFA for everyone',
        });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().version, 2);
        assert.equal(res.json().status, 'implemented');
        assert.equal(res.json().owner.id, org.users.reviewer.id);

        const versions = (await admin.get(`/api/v1/controls/${control.id}/versions`)).json().items;
        assert.deepEqual(
          versions.map((v: { version: number; status: string }) => [v.version, v.status]),
          [
            [2, 'implemented'],
            [1, 'not_started'],
          ],
        );
        assert.equal(versions[0].changedBy, org.users.admin.email);
        const [audit] = await rows<{ details: { changed: Record<string, unknown>; version: number } }>(
          t,
          "SELECT details FROM audit_log WHERE org_id = $1 AND action = 'control.updated'",
          [org.id],
        );
        assert.equal(audit?.details.version, 2);
        assert.deepEqual(Object.keys(audit?.details.changed ?? {}).sort(), ['criteria', 'owner_user_id', 'status']);

        problem(
          await admin.patch(`/api/v1/controls/${control.id}`, { status: 'in_progress', expectedVersion: 1 }),
          409,
          'conflict',
        );
        problem(
          await admin.patch(`/api/v1/controls/${control.id}`, { criteria: ['CC99.9'] }),
          400,
          'validation_failed',
        );
        const outsider = await makeOrg(t, 'other');
        problem(
          await admin.patch(`/api/v1/controls/${control.id}`, { ownerUserId: outsider.users.owner.id }),
          400,
          'validation_failed',
        );
        const member = await signIn(t, org.users.member);
        problem(await member.patch(`/api/v1/controls/${control.id}`, { status: 'in_progress' }), 403, 'forbidden');
        const [after] = await rows<{ version: number }>(t, 'SELECT version FROM controls WHERE id = $1', [control.id]);
        assert.equal(after?.version, 2, 'refused edits wrote nothing');
        const app = await t.rt.database.query(
          "SELECT has_table_privilege('attest_app', 'control_versions', 'UPDATE') AS u, has_table_privilege('attest_app', 'control_versions', 'DELETE') AS d",
        );
        assert.deepEqual(app.rows[0], { u: false, d: false }, 'versions cannot be rewritten');
      });
    });
  });
}
