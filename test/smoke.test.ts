import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestApp } from './helpers/app.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn } from './helpers/factories.js';

for (const engine of ENGINES) {
  describe(`signing in and reading /me (${engine})`, () => {
    it('signs in with password and TOTP, then answers /me for the current organisation', async () => {
      const t = await startTestApp(engine);
      try {
        const org = await makeOrg(t, 'a');
        const client = await signIn(t, org.users.admin);
        const me = await client.get('/api/v1/me');
        assert.equal(me.statusCode, 200, me.body);
        const body = me.json();
        assert.equal(body.organisation.id, org.id);
        assert.equal(body.role, 'admin');
        assert.equal(body.session.stage, 'full');
      } finally {
        await t.close();
      }
    });
  });
}
