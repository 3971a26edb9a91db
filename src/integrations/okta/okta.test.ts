import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type AccountData, ImportError, type InventoryRecord, type ParsedPush } from '../types.js';
import { parseOkta } from './index.js';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8');
const usersText = fixture('okta/users.list.json');
const smsFactorsText = fixture('okta/user-factors.list.sms.json');
const sampleText = readFileSync(new URL('../../content/samples/okta.json', import.meta.url), 'utf8');
const options = { now: new Date('2026-11-23T12:00:00Z') };

const JORDAN = '00unwlw0tbo8E6aVj5d7';
const ASSIGN = '00upynhrehMaqXPgU5d7';
const COMPREHENSIVE = '00uqrks9ig7XuWV7X5d7';

const byId = (records: InventoryRecord[]) => new Map(records.map((r) => [r.externalId, r.data as AccountData]));

function rejects(text: string, pattern: RegExp): void {
  assert.throws(
    () => parseOkta(text, options),
    (error: unknown) => error instanceof ImportError && pattern.test(error.message),
  );
}

describe('parseOkta', () => {
  it('reads the users of GET /api/v1/users, with MFA and admin roles unknown', () => {
    const push = parseOkta(usersText, options);
    assert.equal(push.format, 'Okta users (GET /api/v1/users)');
    assert.equal(push.scopes.length, 1);
    assert.equal(push.scopes[0]!.scope, 'okta:test.okta.com');
    const records = push.scopes[0]!.records;
    assert.equal(records.length, 8);
    assert.equal(push.warnings.length, 2);
    assert.match(push.warnings[0]!, /no factor lists/);
    assert.match(push.warnings[1]!, /admin roles/);

    const accounts = byId(records);
    assert.equal(records[0]!.name, 'jordan.lee@example.com');
    assert.deepEqual(accounts.get(JORDAN), {
      provider: 'okta',
      email: 'jordan.lee@example.com',
      username: 'jordan.lee@example.com',
      displayName: 'Jordan Lee',
      isAdmin: false,
      isRoot: false,
      active: true,
      mfaEnabled: null,
      mfaEnforced: null,
      passwordEnabled: true,
      lastLoginAt: '2025-09-29T01:51:15.000Z',
      createdAt: '2025-03-19T08:01:48.000Z',
      accessKeys: [],
    });
    const assign = accounts.get(ASSIGN)!;
    assert.equal(assign.email, 'john.doe-assign-user-role@example.com');
    assert.equal(assign.username, 'John.Doe-Assign-User-Role@example.com');
    assert.equal(assign.lastLoginAt, null);
    // RECOVERY still signs in; the profile's displayName wins over first and last name.
    const comprehensive = accounts.get(COMPREHENSIVE)!;
    assert.equal(comprehensive.active, true);
    assert.equal(comprehensive.displayName, 'John Doe Comprehensive');
    assert.equal([...accounts.values()].filter((a) => a.active).length, 8);
  });

  it('reads a bundle: MFA from ACTIVE factors, admins from role assignments, suspended users inactive', () => {
    const users = JSON.parse(usersText) as { id: string; status: string }[];
    users[3]!.status = 'SUSPENDED';
    users[4]!.status = 'DEPROVISIONED';
    const sms = JSON.parse(smsFactorsText) as { status: string }[];
    const activeSms = sms.map((factor) => ({ ...factor, status: 'ACTIVE' }));
    const bundle = {
      attest: 'okta-bundle/v1',
      org: 'https://Test.okta.com/',
      users,
      factors: { [JORDAN]: sms, [ASSIGN]: [...sms, ...activeSms], [COMPREHENSIVE]: [] },
      admins: [JORDAN, 'an-id-not-in-the-list'],
    };
    const push = parseOkta(JSON.stringify(bundle), options);
    assert.equal(push.format, 'Okta users with factors and admin roles (Attest Okta bundle)');
    assert.equal(push.scopes[0]!.scope, 'okta:test.okta.com');
    assert.deepEqual(push.warnings, []);
    const accounts = byId(push.scopes[0]!.records);
    assert.equal(accounts.size, 8);
    // The recorded SMS factor is PENDING_ACTIVATION: enrolled but not usable.
    assert.equal(accounts.get(JORDAN)!.mfaEnabled, false);
    assert.equal(accounts.get(JORDAN)!.isAdmin, true);
    assert.equal(accounts.get(ASSIGN)!.mfaEnabled, true);
    assert.equal(accounts.get(ASSIGN)!.isAdmin, false);
    assert.equal(accounts.get(COMPREHENSIVE)!.mfaEnabled, false);
    assert.equal(accounts.get(users[5]!.id)!.mfaEnabled, null);
    assert.equal(accounts.get(users[3]!.id)!.active, false);
    assert.equal(accounts.get(users[4]!.id)!.active, false);
    assert.equal([...accounts.values()].filter((a) => a.isAdmin).length, 1);
  });

  it('explains that a bare factors list must be pushed inside a bundle', () => {
    rejects(smsFactorsText, /one user's list of Okta factors.*okta-bundle\/v1.*"factors":\{"<user id>"/);
  });

  it('refuses empty, truncated and foreign files with a message saying what to push', () => {
    rejects('', /file is empty/);
    rejects(usersText.slice(0, 300), /not valid JSON.*cut short/);
    rejects('[]', /empty list of users/);
    rejects(fixture('google-workspace/googleworkspace.users.list.page.json'), /push it as google-workspace/);
    rejects(fixture('github/github.org.get.json'), /push it as github/);
    rejects('{"SchemaVersion":2,"ArtifactName":"alpine:3.10","Results":[]}', /not an Okta users list/);
    rejects('{"attest":"okta-bundle/v1","org":"test.okta.com","users":[]}', /holds no users/);
  });

  it('names the user and field that do not fit', () => {
    const users = JSON.parse(usersText) as { profile: Record<string, unknown>; created: string }[];
    delete users[2]!.profile.login;
    rejects(JSON.stringify(users), /\[2\]\.profile\.login/);
    const dated = JSON.parse(usersText) as { created: string }[];
    dated[1]!.created = 'soon';
    rejects(
      JSON.stringify({ attest: 'okta-bundle/v1', org: 'test.okta.com', users: dated }),
      /users\[1\]\.created: "soon"/,
    );
    rejects(JSON.stringify({ attest: 'okta-bundle/v1', users: dated }), /bundle does not fit: org/);
  });

  it('refuses a plain list that does not say which org it comes from', () => {
    const users = JSON.parse(usersText) as { _links?: unknown }[];
    for (const user of users) delete user._links;
    rejects(JSON.stringify(users), /does not say which Okta org/);
  });

  it('reads the Northwind Labs sample', () => {
    const push = parseOkta(sampleText, options);
    assert.equal(push.scopes[0]!.scope, 'okta:northwind.okta.com');
    assert.deepEqual(push.warnings, []);
    const all = push.scopes[0]!.records.map((r) => r.data as AccountData);
    assert.equal(all.length, 15);
    assert.equal(all.filter((a) => a.mfaEnabled === true).length, 10);
    assert.equal(all.filter((a) => a.mfaEnabled === false).length, 3);
    assert.equal(all.filter((a) => a.mfaEnabled === null).length, 2);
    assert.equal(all.filter((a) => !a.active).length, 2);
    assert.deepEqual(
      all.filter((a) => a.isAdmin).map((a) => a.email),
      ['avery.chen@northwind.example', 'priya.raman@northwind.example', 'hannah.okafor@northwind.example'],
    );
  });

  it('parses 20,000 users in well under a second', () => {
    const [template] = JSON.parse(usersText) as Record<string, unknown>[];
    const users = Array.from({ length: 20_000 }, (_, i) => ({ ...template, id: `00u${i}` }));
    const factors = Object.fromEntries(users.map((u) => [u.id, [{ factorType: 'push', status: 'ACTIVE' }]]));
    const text = JSON.stringify({ attest: 'okta-bundle/v1', org: 'test.okta.com', users, factors, admins: ['00u1'] });
    // The best of two runs, so that a busy machine (tests run in parallel) does not fail it.
    let best = Number.POSITIVE_INFINITY;
    let push: ParsedPush | undefined;
    for (let run = 0; run < 2; run++) {
      const started = performance.now();
      push = parseOkta(text, options);
      best = Math.min(best, performance.now() - started);
    }
    assert.equal(push!.scopes[0]!.records.length, 20_000);
    assert.ok(best < 1000, `took ${Math.round(best)} ms`);
  });
});
