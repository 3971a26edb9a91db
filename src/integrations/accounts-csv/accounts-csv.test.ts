import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ImportError, type InventoryRecord } from '../types.js';
import { parseAccountsCsv } from './index.js';

const options = { now: new Date('2026-11-23T12:00:00Z') };
const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/synthetic/${name}`, import.meta.url), 'utf8');

function byScope(input: string) {
  const push = parseAccountsCsv(input, options);
  return {
    push,
    scopes: new Map(push.scopes.map((s) => [s.scope, s.records as InventoryRecord<'account'>[]])),
  };
}

describe('parseAccountsCsv', () => {
  it('puts each system of the file in its own scope', () => {
    const { push, scopes } = byScope(fixture('accounts.csv'));
    assert.equal(push.format, 'Accounts list (CSV)');
    assert.deepEqual([...scopes.keys()], ['accounts:slack', 'accounts:hubspot', 'accounts:internal admin']);
    assert.deepEqual(
      [...scopes.values()].map((records) => records.length),
      [4, 2, 1],
    );
    assert.deepEqual(push.warnings, []);
  });

  it('maps the cells of a row to an account', () => {
    const { scopes } = byScope(fixture('accounts.csv'));
    const slack = scopes.get('accounts:slack') ?? [];
    assert.deepEqual(slack[0], {
      type: 'account',
      externalId: 'mara',
      name: 'Mara Quint',
      data: {
        provider: 'csv',
        email: 'mara.quint@example.org',
        username: 'mara',
        displayName: 'Mara Quint',
        isAdmin: true,
        isRoot: false,
        active: true,
        mfaEnabled: true,
        mfaEnforced: null,
        passwordEnabled: null,
        lastLoginAt: '2026-11-20T08:14:00.000Z',
        createdAt: null,
        accessKeys: [],
      },
    });
    assert.equal(slack[1]?.data.mfaEnabled, false);
    assert.equal(slack[1]?.data.lastLoginAt, '2026-11-19T17:02:00.000Z');
    assert.equal(slack[2]?.data.active, false, 'deactivated');
    assert.equal(slack[3]?.data.email, null, 'a bot without an email');
    assert.equal(slack[3]?.data.mfaEnabled, null);
    assert.equal(slack[3]?.data.lastLoginAt, null);
  });

  it('uses the email as the username when there is none, and a username that is an email as the email', () => {
    const { scopes } = byScope(fixture('accounts.csv'));
    const [lena, sam] = scopes.get('accounts:hubspot') ?? [];
    assert.equal(lena?.externalId, 'lena.voss@example.org');
    assert.equal(lena?.data.username, 'lena.voss@example.org');
    assert.equal(lena?.data.isAdmin, true);
    assert.equal(lena?.data.lastLoginAt, '2026-10-29T14:40:00.000Z');
    assert.equal(sam?.data.email, 'sam.ortiz@example.org');
    const [ops] = scopes.get('accounts:internal admin') ?? [];
    assert.equal(ops?.data.isAdmin, true);
    assert.equal(ops?.data.mfaEnabled, false);
  });

  it('names the missing system column', () => {
    assert.throws(
      () => parseAccountsCsv(fixture('accounts-missing-column.csv'), options),
      (e: Error) => e instanceof ImportError && /'system' is missing/.test(e.message) && e.message.includes("'Email'"),
    );
  });

  it('names the line of a value that is not yes or no', () => {
    assert.throws(
      () => parseAccountsCsv(fixture('accounts-bad-bool.csv'), options),
      (e: Error) => e instanceof ImportError && e.message.startsWith("line 2: 'mfa' is 'sometimes'"),
    );
  });

  it('refuses rows without email and username, duplicates, and files without either column', () => {
    assert.throws(
      () => parseAccountsCsv('system,email,username\nslack,,\n', options),
      /line 2: .*neither an email nor a username/,
    );
    assert.throws(
      () => parseAccountsCsv('system,username\nslack,ana\nSlack,ANA\n', options),
      /lines 2 and 3 both list ana in slack/,
    );
    assert.throws(() => parseAccountsCsv('system,admin\nslack,yes\n', options), /neither an 'email' nor a 'username'/);
    assert.throws(() => parseAccountsCsv('system,username,active\nslack,ana,pending\n', options), /active\/suspended/);
    assert.throws(() => parseAccountsCsv('', options), ImportError);
  });

  it('parses the Northwind Labs sample', () => {
    const input = readFileSync(new URL('../../content/samples/accounts.csv', import.meta.url), 'utf8');
    const { scopes } = byScope(input);
    assert.deepEqual(
      [...scopes].map(([scope, records]) => [scope, records.length]),
      [
        ['accounts:slack', 8],
        ['accounts:notion', 4],
        ['accounts:hubspot', 3],
        ['accounts:stripe', 3],
      ],
    );
    const all = [...scopes.values()].flat();
    assert.ok(
      all.some((a) => a.data.isAdmin && a.data.mfaEnabled === false),
      'an admin without MFA',
    );
    assert.ok(all.some((a) => !a.data.active));
  });
});
