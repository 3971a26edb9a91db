import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type AccountData, ImportError, type ParsedPush } from '../types.js';
import { parseGoogleWorkspace } from './index.js';

const fixture = (name: string) => new URL(`../../../test/fixtures/${name}`, import.meta.url);
const pageText = readFileSync(fixture('google-workspace/googleworkspace.users.list.page.json'), 'utf8');
const sampleText = readFileSync(new URL('../../content/samples/google-workspace.json', import.meta.url), 'utf8');
const options = { now: new Date('2026-11-23T12:00:00Z') };

type Page = { users: Record<string, unknown>[]; nextPageToken?: string };
const page = (): Page => JSON.parse(pageText);
const accounts = (text: string) => {
  const push = parseGoogleWorkspace(text, options);
  return { push, byEmail: new Map(push.scopes[0]!.records.map((r) => [(r.data as AccountData).email, r])) };
};

function rejects(text: string, pattern: RegExp): void {
  assert.throws(
    () => parseGoogleWorkspace(text, options),
    (error: unknown) => error instanceof ImportError && pattern.test(error.message),
  );
}

describe('parseGoogleWorkspace', () => {
  it('reads the users of a Directory API users.list page', () => {
    const { push, byEmail } = accounts(pageText);
    assert.equal(push.format, 'Google Workspace users (Admin SDK Directory API users.list)');
    assert.equal(push.scopes.length, 1);
    assert.equal(push.scopes[0]!.scope, 'google-workspace:customer-123');
    assert.equal(push.scopes[0]!.records.length, 2);
    assert.deepEqual(push.warnings, []);

    const marge = byEmail.get('mbsimpson@simpson.corp')!;
    assert.equal(marge.type, 'account');
    assert.equal(marge.externalId, 'user-1');
    assert.equal(marge.name, 'mbsimpson@simpson.corp');
    assert.deepEqual(marge.data, {
      provider: 'google_workspace',
      email: 'mbsimpson@simpson.corp',
      username: 'mbsimpson@simpson.corp',
      displayName: 'Marge Simpson',
      isAdmin: true,
      isRoot: false,
      active: true,
      mfaEnabled: true,
      mfaEnforced: true,
      passwordEnabled: null,
      lastLoginAt: '2024-01-01T12:34:56.000Z',
      createdAt: '2023-01-01T00:00:00.000Z',
      accessKeys: [],
    });
    const homer = byEmail.get('hjsimpson@simpson.corp')!.data as AccountData;
    assert.equal(homer.displayName, 'Homer Simpson');
    assert.equal(homer.isAdmin, false);
    assert.equal(homer.mfaEnabled, false);
    assert.equal(homer.mfaEnforced, false);
    assert.equal(homer.lastLoginAt, '2024-02-01T06:00:00.000Z');
  });

  it('reads an array of pages, keeping a user repeated across pages once', () => {
    const [first, second] = page().users;
    const pages = [
      { kind: 'admin#directory#users', users: [first], nextPageToken: 'page-2' },
      { kind: 'admin#directory#users', users: [second, first] },
    ];
    const { push, byEmail } = accounts(JSON.stringify(pages));
    assert.equal(push.scopes[0]!.records.length, 2);
    assert.ok(byEmail.has('hjsimpson@simpson.corp'));
    assert.match(push.warnings.join('\n'), /1 user\(s\) appear more than once.*mbsimpson@simpson\.corp/);
  });

  it('maps never signed in, suspension, archiving, delegated admins and unreported 2SV', () => {
    const doc = page();
    const [marge, homer] = doc.users as [Record<string, unknown>, Record<string, unknown>];
    Object.assign(marge, {
      lastLoginTime: '1970-01-01T00:00:00.000Z',
      suspended: true,
      primaryEmail: 'MBSimpson@Simpson.corp',
    });
    Object.assign(homer, { archived: true, isDelegatedAdmin: true });
    delete homer.isEnrolledIn2Sv;
    delete homer.isEnforcedIn2Sv;
    const { byEmail } = accounts(JSON.stringify(doc));
    const m = byEmail.get('mbsimpson@simpson.corp')!.data as AccountData;
    assert.equal(m.lastLoginAt, null);
    assert.equal(m.active, false);
    assert.equal(m.username, 'MBSimpson@Simpson.corp');
    const h = byEmail.get('hjsimpson@simpson.corp')!.data as AccountData;
    assert.equal(h.active, false);
    assert.equal(h.isAdmin, true);
    assert.equal(h.mfaEnabled, null);
    assert.equal(h.mfaEnforced, null);
  });

  it('files users without a customerId under their most common domain, with a warning', () => {
    const doc = page();
    for (const user of doc.users) delete user.customerId;
    const { push } = accounts(JSON.stringify(doc));
    assert.equal(push.scopes[0]!.scope, 'google-workspace:simpson.corp');
    assert.match(push.warnings[0]!, /no customerId/);
  });

  it('refuses a list whose last page says more users follow', () => {
    const doc = { ...page(), nextPageToken: 'more' };
    rejects(JSON.stringify(doc), /incomplete.*nextPageToken.*every page/);
  });

  it('refuses empty, truncated and foreign files with a message saying what to push', () => {
    rejects('', /file is empty.*users\.list/);
    rejects(pageText.slice(0, 200), /not valid JSON.*cut short/);
    rejects('[]', /empty list/);
    rejects('{"kind":"admin#directory#users"}', /holds no users/);
    rejects(readFileSync(fixture('okta/users.list.json'), 'utf8'), /Okta export.*push it as okta/);
    rejects(readFileSync(fixture('github/github.org.get.json'), 'utf8'), /GitHub export.*push it as github/);
    rejects('{"SchemaVersion":2,"ArtifactName":"alpine:3.10","Results":[]}', /not a Google Workspace users list/);
    rejects('email,name\nann@example.com,Ann\n', /not valid JSON/);
    rejects(JSON.stringify(page().users[0]), /single Google Workspace user/);
  });

  it('names the user and field that do not fit', () => {
    const doc = page();
    delete doc.users[1]!.primaryEmail;
    rejects(JSON.stringify(doc), /users\[1\]\.primaryEmail/);
    const dated = page();
    dated.users[0]!.creationTime = 'yesterday';
    rejects(JSON.stringify([dated]), /Page 1 of 1: users\[0\]\.creationTime: "yesterday" is not a date/);
  });

  it('reads the Northwind Labs sample', () => {
    const { push, byEmail } = accounts(sampleText);
    assert.equal(push.scopes[0]!.scope, 'google-workspace:C04nw7lab');
    const all = push.scopes[0]!.records.map((r) => r.data as AccountData);
    assert.equal(all.length, 15);
    assert.ok(all.every((a) => a.email?.endsWith('@northwind.example')));
    assert.equal(all.filter((a) => a.mfaEnabled === false).length, 5);
    assert.equal(all.filter((a) => !a.active).length, 2);
    const hannah = byEmail.get('hannah.okafor@northwind.example')!.data as AccountData;
    assert.equal(hannah.isAdmin, true);
    assert.equal(hannah.mfaEnabled, false);
    assert.equal((byEmail.get('ines.moreau@northwind.example')!.data as AccountData).lastLoginAt, null);
  });

  it('parses 20,000 users in well under a second', () => {
    const [template] = page().users;
    const users = Array.from({ length: 20_000 }, (_, i) => ({
      ...template,
      id: `u${i}`,
      primaryEmail: `u${i}@x.example`,
    }));
    const text = JSON.stringify({ kind: 'admin#directory#users', users });
    // The best of two runs, so that a busy machine (tests run in parallel) does not fail it.
    let best = Number.POSITIVE_INFINITY;
    let push: ParsedPush | undefined;
    for (let run = 0; run < 2; run++) {
      const started = performance.now();
      push = parseGoogleWorkspace(text, options);
      best = Math.min(best, performance.now() - started);
    }
    assert.equal(push!.scopes[0]!.records.length, 20_000);
    assert.ok(best < 1000, `took ${Math.round(best)} ms`);
  });
});
