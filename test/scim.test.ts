import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from './helpers/app.js';
import { count, rows, withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';
import { makeOrg, signIn, type TestOrg } from './helpers/factories.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/scim/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PEOPLE = 'urn:attest:params:scim:schemas:extension:people:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

// biome-ignore lint/suspicious/noExplicitAny: SCIM resources are open JSON, read field by field.
type Json = Record<string, any>;

/** An identity provider: a bearer token, application/scim+json both ways. */
class ScimClient {
  constructor(
    readonly t: TestApp,
    readonly token: string | null,
  ) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    return this.t.app.inject({
      method: method as 'GET',
      url: `/scim/v2${path}`,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  }
  get = (path: string, headers?: Record<string, string>) => this.request('GET', path, undefined, headers);
  post = (path: string, body: unknown, headers?: Record<string, string>) => this.request('POST', path, body, headers);
  put = (path: string, body: unknown, headers?: Record<string, string>) => this.request('PUT', path, body, headers);
  patch = (path: string, body: unknown, headers?: Record<string, string>) => this.request('PATCH', path, body, headers);
  delete = (path: string, headers?: Record<string, string>) => this.request('DELETE', path, undefined, headers);

  /** Provisions a user and returns it, asserting 201. */
  async create(user: Json): Promise<Json> {
    const res = await this.post('/Users', { schemas: [USER], ...user });
    return ok(res, 201);
  }
}

function ok(res: LightMyRequestResponse, status = 200): Json {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/scim\+json/);
  return res.json();
}

/** Asserts a SCIM error (RFC 7644 §3.12) and returns it. */
function scimError(res: LightMyRequestResponse, status: number, scimType?: string): Json {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/scim\+json/);
  const body = res.json();
  assert.deepEqual(body.schemas, [ERROR]);
  assert.equal(body.status, String(status));
  assert.equal(typeof body.detail, 'string');
  assert.ok(body.detail.length > 10, 'the detail says what to fix');
  assert.equal(body.scimType, scimType, res.body);
  return body;
}

async function scimToken(t: TestApp, org: TestOrg, role: 'owner' | 'admin' | 'member' = 'owner', scopes = ['scim']) {
  const session = await signIn(t, org.users[role]);
  const res = await session.post('/api/v1/tokens', { name: `idp ${role}`, scopes });
  assert.equal(res.statusCode, 201, res.body);
  return new ScimClient(t, res.json().token as string);
}

const patchOp = (...Operations: Json[]) => ({ schemas: [PATCH], Operations });
const today = (t: TestApp) => t.clock.now().toISOString().slice(0, 10);
const DAY = 86_400_000;

async function personRow(t: TestApp, id: string) {
  const [row] = await rows<Json>(
    t,
    `SELECT email, name, employment_type, department, title, manager_email, start_date::text AS start_date,
            end_date::text AS end_date, active, source, user_name, external_id, scim, version
       FROM people WHERE id = $1`,
    [id],
  );
  assert.ok(row, `person ${id} exists`);
  return row;
}

for (const engine of ENGINES) {
  describe(`SCIM (${engine})`, () => {
    it('accepts the RFC examples: minimal, full and enterprise users, a group, the PATCH adding emails; errors keep the RFC shape', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'rfc');
        const idp = await scimToken(t, org);

        // Minimal: no emails, so the userName (an email address) is the person's email.
        const minimal = ok(await idp.post('/Users', fixture('rfc7643-8.1-user-minimal.json')), 201);
        assert.notEqual(minimal.id, '2819c223-7f76-453a-919d-413861904646', 'ids are ours, not the client’s');
        assert.equal(minimal.userName, 'bjensen@example.com');
        assert.equal(minimal.active, true);
        assert.equal(minimal.meta.resourceType, 'User');
        assert.equal(minimal.meta.location, `http://localhost:80/scim/v2/Users/${minimal.id}`);
        assert.equal(minimal.meta.version, 'W/"1"');
        assert.equal(minimal.meta.created, t.clock.now().toISOString());
        let person = await personRow(t, minimal.id);
        assert.equal(person.email, 'bjensen@example.com');
        assert.equal(person.source, 'scim');
        assert.equal(person.name, 'bjensen@example.com', 'no name: the userName');

        // The RFC's PATCH example: another email and a nickname.
        const patched = ok(
          await idp.patch(`/Users/${minimal.id}`, fixture('rfc7644-3.5.2.1-patch_op-add_emails.json')),
        );
        assert.deepEqual(
          patched.emails.map((e: Json) => e.value),
          ['bjensen@example.com', 'babs@jensen.org'],
        );
        assert.equal(patched.nickName, 'Babs', 'attribute names are case-insensitive (nickname → nickName)');
        assert.equal(patched.meta.version, 'W/"2"');
        person = await personRow(t, minimal.id);
        assert.equal(person.email, 'bjensen@example.com', 'the primary email stays the one matched');

        // Full: the same userName is taken…
        scimError(await idp.post('/Users', fixture('rfc7643-8.2-user-full.json')), 409, 'uniqueness');
        // …until the user is deleted; then the full example adopts the person left in the register.
        assert.equal((await idp.delete(`/Users/${minimal.id}`)).statusCode, 204);
        const full = ok(await idp.post('/Users', fixture('rfc7643-8.2-user-full.json')), 201);
        assert.equal(full.id, minimal.id, 'the same person, adopted');
        assert.equal(full.externalId, '701984');
        assert.equal(full.name.formatted, 'Ms. Barbara J Jensen, III');
        assert.equal(full.title, 'Tour Guide');
        assert.equal(full.userType, 'Employee');
        assert.equal(full.active, true);
        assert.equal(full.password, undefined, 'never returned');
        assert.deepEqual(full.groups, [], 'groups are read-only: the client’s list is not kept');
        assert.equal(full.phoneNumbers.length, 2);
        assert.equal(full.addresses[0].locality, 'Hollywood');
        assert.equal(full.x509Certificates.length, 1);
        assert.equal(full.timezone, 'America/Los_Angeles');
        person = await personRow(t, full.id);
        assert.equal(person.name, 'Ms. Barbara J Jensen, III');
        assert.equal(person.title, 'Tour Guide');
        assert.equal(person.employment_type, 'employee');
        assert.equal(person.end_date, null, 'provisioned again: the deprovisioning end date goes');
        assert.equal(person.active, true);
        assert.doesNotMatch(JSON.stringify(person.scim), /t1meMa\$heen|password/i, 'the password is never stored');
        const audited = await rows<{ actor: string }>(
          t,
          "SELECT actor FROM audit_log WHERE org_id = $1 AND action = 'person.created'",
          [org.id],
        );
        assert.equal(audited.length, 1);
        assert.match(audited[0]!.actor, /token idp owner/, 'the token is who acted');

        // The group example, with its members' ids replaced by ours (ids are the server's).
        const mandy = await idp.create({
          userName: 'mpepperidge',
          emails: [{ value: 'mandy@example.com' }],
          displayName: 'Mandy Pepperidge',
        });
        const asSent = fixture('rfc7643-8.4-group.json');
        scimError(await idp.post('/Groups', asSent), 400, 'invalidValue');
        const members = (asSent.members as Json[]).map((m, i) => ({ ...m, value: i === 0 ? full.id : mandy.id }));
        const group = ok(await idp.post('/Groups', { ...asSent, members }), 201);
        assert.equal(group.displayName, 'Tour Guides');
        assert.deepEqual(
          group.members.map((m: Json) => [m.value, m.display]).sort(),
          [
            [full.id, 'Ms. Barbara J Jensen, III'],
            [mandy.id, 'Mandy Pepperidge'],
          ].sort(),
        );
        assert.equal(group.members[0].$ref, `http://localhost:80/scim/v2/Users/${group.members[0].value}`);
        const babs = ok(await idp.get(`/Users/${full.id}`));
        assert.deepEqual(
          babs.groups.map((g: Json) => [g.value, g.display]),
          [[group.id, 'Tour Guides']],
        );

        // Enterprise example in another organisation: department kept in the register.
        const other = await makeOrg(t, 'rfc-other');
        const otherIdp = await scimToken(t, other);
        const enterprise = ok(await otherIdp.post('/Users', fixture('rfc7643-8.3-enterprise_user.json')), 201);
        assert.deepEqual(enterprise.schemas, [USER, ENTERPRISE]);
        assert.equal(enterprise[ENTERPRISE].department, 'Tour Operations');
        assert.equal(enterprise[ENTERPRISE].employeeNumber, '701984');
        assert.equal(enterprise[ENTERPRISE].manager.displayName, 'John Smith', 'returned as sent');
        const enterprisePerson = await personRow(t, enterprise.id);
        assert.equal(enterprisePerson.department, 'Tour Operations');
        assert.equal(enterprisePerson.manager_email, null, 'an unknown manager id and a name that is not an email');

        // An id of another organisation is not found, and the 404 has the RFC example's shape.
        const example = fixture('rfc7644-3.12-error-not_found.json');
        const notFound = scimError(await idp.get(`/Users/${enterprise.id}`), 404);
        const shape = (o: Json) =>
          Object.fromEntries(
            Object.entries(o)
              .map(([k, v]) => [k, Array.isArray(v) ? 'array' : typeof v])
              .sort(),
          );
        assert.deepEqual(shape(notFound), shape(example));
        assert.deepEqual(notFound.schemas, example.schemas);
        scimError(
          await idp.patch(`/Users/${enterprise.id}`, patchOp({ op: 'replace', path: 'title', value: 'x' })),
          404,
        );
        scimError(await idp.delete(`/Users/${enterprise.id}`), 404);
        scimError(await idp.get('/Users/not-a-uuid'), 404);
        assert.equal((await personRow(t, enterprise.id)).active, true, 'untouched by the other organisation');
      });
    });

    it('filters and pages users and groups; unsupported filters answer invalidFilter', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'filter');
        const idp = await scimToken(t, org);
        const made: Json[] = [];
        for (let i = 0; i < 5; i++) {
          t.clock.advance(1000);
          made.push(
            await idp.create({
              userName: `User${i}@Example.com`,
              externalId: `ext-${i}`,
              emails: [
                { value: `user${i}@example.com`, type: 'work', primary: true },
                { value: `home${i}@example.org`, type: 'home' },
              ],
              title: i % 2 ? 'Engineer' : 'Designer',
              active: i !== 4,
            }),
          );
        }
        const list = async (query: string) => ok(await idp.get(`/Users?${query}`));
        const ids = (body: Json) => body.Resources.map((r: Json) => r.id);
        const q = (filter: string) => `filter=${encodeURIComponent(filter)}`;

        const all = await list('');
        assert.equal(all.totalResults, 5);
        assert.equal(all.itemsPerPage, 5);
        assert.equal(all.startIndex, 1);
        assert.deepEqual(all.schemas, ['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
        assert.deepEqual(
          ids(all),
          made.map((m) => m.id),
          'in the order they were provisioned',
        );

        assert.deepEqual(
          ids(await list(q('userName eq "user2@example.com"'))),
          [made[2]!.id],
          'userName is case-insensitive',
        );
        assert.deepEqual(
          ids(await list(q('USERNAME Eq "USER2@EXAMPLE.COM"'))),
          [made[2]!.id],
          'so are names and operators',
        );
        assert.deepEqual(ids(await list(q('externalId eq "ext-3"'))), [made[3]!.id]);
        assert.deepEqual(ids(await list(q('externalId eq "EXT-3"'))), [], 'externalId is case-exact');
        assert.deepEqual(ids(await list(q('emails.value eq "USER1@example.com"'))), [made[1]!.id]);
        assert.deepEqual(
          ids(await list(q('emails eq "home4@example.org"'))),
          [made[4]!.id],
          'any email the client sent',
        );
        assert.deepEqual(ids(await list(q('emails[value eq "home0@example.org"]'))), [made[0]!.id]);
        assert.deepEqual(ids(await list(q(`id eq "${made[3]!.id}"`))), [made[3]!.id]);
        assert.deepEqual(ids(await list(q('id eq "nope"'))), []);
        assert.deepEqual(ids(await list(q('title eq "engineer" and active eq true'))), [made[1]!.id, made[3]!.id]);
        assert.deepEqual(ids(await list(q('(externalId eq "ext-0" or externalId eq "ext-4") and active eq false'))), [
          made[4]!.id,
        ]);

        const page = await list('startIndex=2&count=2');
        assert.deepEqual(ids(page), [made[1]!.id, made[2]!.id]);
        assert.equal(page.totalResults, 5);
        assert.equal(page.itemsPerPage, 2);
        assert.equal(page.startIndex, 2);
        const beyond = await list('startIndex=9&count=2');
        assert.equal(beyond.totalResults, 5);
        assert.deepEqual(beyond.Resources, []);
        assert.equal(beyond.itemsPerPage, 0);
        const none = await list('count=0');
        assert.equal(none.totalResults, 5);
        assert.deepEqual(none.Resources, []);
        assert.equal((await list('startIndex=0&count=1')).startIndex, 1, 'below 1 counts as 1');
        const projected = await list(`${q('userName eq "user0@example.com"')}&attributes=userName`);
        assert.deepEqual(Object.keys(projected.Resources[0]).sort(), ['id', 'schemas', 'userName']);

        for (const bad of [
          'userName co "user"',
          'nickName eq "x"',
          'userName eq',
          'userName eq "x" and',
          'not (active eq true)',
          'title eq 3',
        ]) {
          scimError(await idp.get(`/Users?${q(bad)}`), 400, 'invalidFilter');
        }

        // Groups.
        const g1 = ok(
          await idp.post('/Groups', {
            schemas: [GROUP],
            displayName: 'Engineers',
            externalId: 'g-1',
            members: [{ value: made[1]!.id }, { value: made[3]!.id }],
          }),
          201,
        );
        const g2 = ok(
          await idp.post('/Groups', { schemas: [GROUP], displayName: 'Designers', members: [{ value: made[0]!.id }] }),
          201,
        );
        const groups = async (query: string) => ok(await idp.get(`/Groups?${query}`));
        assert.equal((await groups('')).totalResults, 2);
        assert.deepEqual(ids(await groups(q('displayName eq "engineers"'))), [g1.id]);
        assert.deepEqual(ids(await groups(q('externalId eq "g-1"'))), [g1.id]);
        assert.deepEqual(ids(await groups(q(`members eq "${made[0]!.id}"`))), [g2.id]);
        assert.deepEqual(ids(await groups(q(`id eq "${g2.id}" and members.value eq "${made[0]!.id}"`))), [g2.id]);
        const slim = await groups(`${q('displayName eq "Engineers"')}&excludedAttributes=members`);
        assert.equal(slim.Resources[0].members, undefined);
        assert.equal(slim.Resources[0].displayName, 'Engineers');
        assert.equal(ok(await idp.get(`/Groups/${g1.id}?excludedAttributes=members`)).members, undefined);
        scimError(await idp.get(`/Groups?${q('displayName sw "Eng"')}`), 400, 'invalidFilter');
      });
    });

    it('replaces a user with PUT: sent attributes replace, left-out register columns keep what other sources set', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'put');
        const idp = await scimToken(t, org);
        const boss = await idp.create({
          userName: 'boss',
          emails: [{ value: 'boss@example.com' }],
          name: { givenName: 'Big', familyName: 'Boss' },
        });
        const user = await idp.create({
          userName: 'ada',
          emails: [{ value: 'ada@example.com', type: 'work' }],
          name: { givenName: 'Ada', familyName: 'Lovelace' },
          title: 'Engineer',
          userType: 'contractor',
          nickName: 'Countess',
          password: 'correct horse battery staple',
          [ENTERPRISE]: { department: 'R&D', manager: { value: boss.id } },
          [PEOPLE]: { startDate: '2026-01-05' },
          schemas: [USER, ENTERPRISE, PEOPLE],
        });
        assert.equal(user.userType, 'contractor');
        assert.equal(user[PEOPLE].startDate, '2026-01-05');
        let row = await personRow(t, user.id);
        assert.equal(row.name, 'Ada Lovelace');
        assert.equal(row.employment_type, 'contractor');
        assert.equal(row.manager_email, 'boss@example.com', 'the manager’s SCIM id gives their email');
        assert.equal(row.department, 'R&D');
        assert.equal(row.start_date, '2026-01-05');
        assert.equal(row.title, 'Engineer');

        t.clock.advance(60_000);
        const put = ok(
          await idp.put(`/Users/${user.id}`, {
            schemas: [USER],
            userName: 'ada',
            emails: [
              { value: 'ada.lovelace@example.com', primary: true },
              { value: 'ada@example.com', type: 'work' },
            ],
            displayName: 'Ada L.',
            title: null,
          }),
        );
        assert.equal(put.meta.version, 'W/"2"');
        assert.notEqual(put.meta.lastModified, put.meta.created);
        assert.equal(put.nickName, undefined, 'a replace drops what was not sent again');
        assert.equal(put.title, undefined, 'null clears');
        assert.equal(put.displayName, 'Ada L.');
        row = await personRow(t, user.id);
        assert.equal(row.email, 'ada.lovelace@example.com', 'the primary email');
        assert.equal(row.name, 'Ada L.', 'no name parts: the displayName');
        assert.equal(row.title, null);
        assert.equal(row.employment_type, 'contractor', 'userType left out: kept');
        assert.equal(row.department, 'R&D', 'the enterprise extension left out: kept');
        assert.equal(row.start_date, '2026-01-05');
        assert.equal(put.userType, 'Contractor');
        assert.equal(put[ENTERPRISE].department, 'R&D');
        assert.equal(row.scim.nickName, undefined);
        scimError(
          await idp.put(`/Users/${user.id}`, { schemas: [USER], emails: [{ value: 'x@example.com' }] }),
          400,
          'invalidValue',
        );
        scimError(await idp.put(`/Users/${user.id}`, { userName: 'ada' }), 400, 'invalidSyntax');
        assert.equal((await personRow(t, user.id)).version, 2, 'a refused replace writes nothing');

        // An unchanged replace (what a re-sync sends) changes nothing and writes no audit row.
        const audits = await count(t, 'audit_log WHERE org_id = $1', [org.id]);
        const again = ok(await idp.put(`/Users/${user.id}`, { ...put, password: 'ignored' }));
        assert.equal(again.meta.version, 'W/"2"');
        assert.equal(await count(t, 'audit_log WHERE org_id = $1', [org.id]), audits);
      });
    });

    it('patches users: add, replace and remove, with and without paths, value filters and the enterprise extension', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'patch');
        const idp = await scimToken(t, org);
        const manager = await idp.create({ userName: 'grace', emails: [{ value: 'grace@example.com' }] });
        const user = await idp.create({
          userName: 'linus',
          name: { givenName: 'Linus', familyName: 'Torvalds' },
          emails: [{ value: 'linus@example.com', type: 'work' }],
          phoneNumbers: [{ value: '555-1', type: 'work' }],
        });
        const path = `/Users/${user.id}`;
        const apply = async (...ops: Json[]) => ok(await idp.patch(path, patchOp(...ops)));

        let u = await apply(
          { op: 'replace', path: 'name.givenName', value: 'Lin' },
          { op: 'add', path: 'title', value: 'Kernel' },
        );
        assert.deepEqual(u.name, { givenName: 'Lin', familyName: 'Torvalds' });
        assert.equal(u.title, 'Kernel');
        assert.equal((await personRow(t, user.id)).name, 'Lin Torvalds');

        // Filtered paths: the work email's value changes; a missing home email is created.
        u = await apply(
          { op: 'replace', path: 'emails[type eq "work"].value', value: 'LT@example.com' },
          { op: 'Add', path: 'emails[type eq "home"].value', value: 'linus@home.example' },
        );
        assert.deepEqual(u.emails, [
          { value: 'LT@example.com', type: 'work' },
          { type: 'home', value: 'linus@home.example' },
        ]);
        assert.equal((await personRow(t, user.id)).email, 'lt@example.com', 'the work email, lower-cased');

        // The enterprise extension by full path, and values without a path (as Azure sends them).
        u = await apply(
          { op: 'replace', path: `${ENTERPRISE}:department`, value: 'Kernel' },
          { op: 'replace', value: { [`${ENTERPRISE}:manager`]: manager.id, userType: 'Contractor', active: 'False' } },
        );
        let row = await personRow(t, user.id);
        assert.equal(row.department, 'Kernel');
        assert.equal(row.manager_email, 'grace@example.com');
        assert.equal(row.employment_type, 'contractor');
        assert.equal(row.active, false, '"False" as a string deactivates');
        assert.equal(row.end_date, today(t));
        assert.equal(u[ENTERPRISE].department, 'Kernel');
        assert.deepEqual(u[ENTERPRISE].manager, { value: manager.id }, 'a bare manager id becomes {value}');

        // Back to active: the end date the deactivation set goes.
        u = await apply({ op: 'replace', path: 'active', value: true });
        row = await personRow(t, user.id);
        assert.equal(row.active, true);
        assert.equal(row.end_date, null);

        // remove: one filtered element, a sub-attribute, a whole attribute, an extension attribute.
        u = await apply(
          { op: 'remove', path: 'emails[type eq "home"]' },
          { op: 'remove', path: 'name.familyName' },
          { op: 'remove', path: 'phoneNumbers' },
          { op: 'remove', path: `${ENTERPRISE}:department` },
          { op: 'remove', path: 'title' },
        );
        assert.deepEqual(u.emails, [{ value: 'LT@example.com', type: 'work' }]);
        assert.deepEqual(u.name, { givenName: 'Lin' });
        assert.equal(u.phoneNumbers, undefined);
        assert.equal(u.title, undefined);
        row = await personRow(t, user.id);
        assert.equal(row.department, null, 'removed by PATCH: cleared in the register');
        assert.equal(row.title, null);
        assert.equal(row.manager_email, 'grace@example.com', 'what was not removed stays');

        // Our extension: the dates that drive onboarding and offboarding.
        await apply({ op: 'add', path: PEOPLE, value: { startDate: '2026-02-01', endDate: '2026-12-31' } });
        row = await personRow(t, user.id);
        assert.equal(row.start_date, '2026-02-01');
        assert.equal(row.end_date, '2026-12-31');

        // Bad operations change nothing.
        const version = row.version;
        scimError(await idp.patch(path, patchOp({ op: 'remove' })), 400, 'noTarget');
        scimError(await idp.patch(path, patchOp({ op: 'move', path: 'title', value: 'x' })), 400, 'invalidSyntax');
        scimError(
          await idp.patch(path, patchOp({ op: 'replace', path: 'emails[type eq', value: 'x' })),
          400,
          'invalidPath',
        );
        scimError(
          await idp.patch(path, patchOp({ op: 'replace', path: 'emails[type sw "zzz"].value', value: 'x' })),
          400,
          'noTarget',
        );
        scimError(await idp.patch(path, patchOp({ op: 'remove', path: 'userName' })), 400, 'invalidValue');
        scimError(
          await idp.patch(path, patchOp({ op: 'replace', path: `${PEOPLE}:endDate`, value: '31/12/2026' })),
          400,
          'invalidValue',
        );
        scimError(
          await idp.patch(path, { Operations: [{ op: 'add', path: 'title', value: 'x' }] }),
          400,
          'invalidSyntax',
        );
        scimError(await idp.patch(path, patchOp()), 400, 'invalidSyntax');
        assert.equal((await personRow(t, user.id)).version, version);
      });
    });

    it('patches groups: members added, removed by filter and by value, replaced; renames; deletes', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'groups');
        const idp = await scimToken(t, org);
        const a = await idp.create({ userName: 'a@example.com', displayName: 'Alice' });
        const b = await idp.create({ userName: 'b@example.com', displayName: 'Bob' });
        const c = await idp.create({ userName: 'c@example.com', displayName: 'Carol' });
        const group = ok(await idp.post('/Groups', { schemas: [GROUP], displayName: 'Staff' }), 201);
        assert.deepEqual(group.members, []);
        const path = `/Groups/${group.id}`;
        const members = (g: Json) => g.members.map((m: Json) => m.display).sort();
        const apply = async (...ops: Json[]) => ok(await idp.patch(path, patchOp(...ops)));

        let g = await apply({ op: 'add', path: 'members', value: [{ value: a.id }, { value: b.id }, { value: a.id }] });
        assert.deepEqual(members(g), ['Alice', 'Bob']);
        g = await apply({ op: 'add', path: 'members', value: [{ value: c.id }, { value: b.id }] });
        assert.deepEqual(members(g), ['Alice', 'Bob', 'Carol'], 'adding a member twice keeps one');
        g = await apply({ op: 'remove', path: `members[value eq "${b.id}"]` });
        assert.deepEqual(members(g), ['Alice', 'Carol']);
        g = await apply({ op: 'remove', path: 'members', value: [{ value: a.id }] });
        assert.deepEqual(members(g), ['Carol'], 'remove with a value: only those');
        g = await apply({ op: 'replace', path: 'members', value: [{ value: a.id }, { value: b.id }] });
        assert.deepEqual(members(g), ['Alice', 'Bob']);
        g = await apply({ op: 'replace', value: { displayName: 'All staff' } });
        assert.equal(g.displayName, 'All staff');
        assert.deepEqual(members(g), ['Alice', 'Bob']);
        assert.equal(g.meta.version, 'W/"7"');
        g = await apply({ op: 'remove', path: 'members' });
        assert.deepEqual(g.members, []);
        scimError(
          await idp.patch(
            path,
            patchOp({ op: 'add', path: 'members', value: [{ value: '00000000-0000-4000-8000-000000000000' }] }),
          ),
          400,
          'invalidValue',
        );
        scimError(
          await idp.patch(path, patchOp({ op: 'add', path: 'members', value: [{ value: group.id, type: 'Group' }] })),
          400,
          'invalidValue',
        );

        // PUT: name and members replaced.
        g = ok(await idp.put(path, { schemas: [GROUP], displayName: 'Staff', members: [{ value: c.id }] }));
        assert.deepEqual(members(g), ['Carol']);
        const actions = await rows<{ action: string; details: Json }>(
          t,
          "SELECT action, details FROM audit_log WHERE org_id = $1 AND action LIKE 'scim.group%' ORDER BY at, id",
          [org.id],
        );
        assert.equal(actions[0]!.action, 'scim.group_created');
        assert.equal(actions.filter((r) => r.action === 'scim.group_updated').length, 8);
        assert.deepEqual(actions[1]!.details.addedIds.sort(), [a.id, b.id].sort());
        assert.equal(actions.at(-1)!.details.previousName, 'All staff');

        // A deleted user leaves their groups; a deleted group is gone.
        assert.equal((await idp.delete(`/Users/${c.id}`)).statusCode, 204);
        g = ok(await idp.get(path));
        assert.deepEqual(g.members, []);
        assert.equal((await idp.delete(path)).statusCode, 204);
        scimError(await idp.get(path), 404);
        assert.equal(await count(t, 'people_groups WHERE org_id = $1', [org.id]), 0);
        assert.equal(await count(t, "audit_log WHERE org_id = $1 AND action = 'scim.group_deleted'", [org.id]), 1);
      });
    });

    it('answers 409 uniqueness for a taken userName, an email of another provisioned user and a group name', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'unique');
        const idp = await scimToken(t, org);
        const first = await idp.create({ userName: 'Sam', emails: [{ value: 'sam@example.com' }] });
        scimError(
          await idp.post('/Users', { schemas: [USER], userName: 'sam', emails: [{ value: 'other@example.com' }] }),
          409,
          'uniqueness',
        );
        scimError(
          await idp.post('/Users', { schemas: [USER], userName: 'samuel', emails: [{ value: 'SAM@example.com' }] }),
          409,
          'uniqueness',
        );
        const second = await idp.create({ userName: 'kim', emails: [{ value: 'kim@example.com' }] });
        scimError(
          await idp.put(`/Users/${second.id}`, {
            schemas: [USER],
            userName: 'SAM',
            emails: [{ value: 'kim@example.com' }],
          }),
          409,
          'uniqueness',
        );
        scimError(
          await idp.put(`/Users/${second.id}`, {
            schemas: [USER],
            userName: 'kim',
            emails: [{ value: 'sam@example.com' }],
          }),
          409,
          'uniqueness',
        );
        ok(await idp.post('/Groups', { schemas: [GROUP], displayName: 'Ops' }), 201);
        scimError(await idp.post('/Groups', { schemas: [GROUP], displayName: 'OPS' }), 409, 'uniqueness');
        assert.equal(await count(t, 'people WHERE org_id = $1', [org.id]), 2);
        assert.equal((await personRow(t, first.id)).user_name, 'Sam');
      });
    });

    it('answers 400 invalidValue and invalidSyntax, writing nothing', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'invalid');
        const idp = await scimToken(t, org);
        const noEmail = scimError(
          await idp.post('/Users', { schemas: [USER], userName: 'no-email' }),
          400,
          'invalidValue',
        );
        assert.match(noEmail.detail, /email/);
        scimError(
          await idp.post('/Users', { schemas: [USER], emails: [{ value: 'x@example.com' }] }),
          400,
          'invalidValue',
        );
        scimError(
          await idp.post('/Users', { schemas: [USER], userName: 'x', emails: [{ value: 'not an email' }] }),
          400,
          'invalidValue',
        );
        scimError(
          await idp.post('/Users', { schemas: [USER], userName: 'x@example.com', active: 'maybe' }),
          400,
          'invalidValue',
        );
        scimError(await idp.post('/Users', { schemas: [USER], userName: 42 }), 400, 'invalidValue');
        scimError(await idp.post('/Users', { userName: 'x@example.com' }), 400, 'invalidSyntax');
        scimError(await idp.post('/Users', '{"schemas": ['), 400, 'invalidSyntax');
        scimError(await idp.post('/Users', '[]'), 400, 'invalidSyntax');
        scimError(await idp.post('/Groups', { schemas: [GROUP] }), 400, 'invalidValue');
        scimError(await idp.get('/Users?count=lots'), 400, 'invalidValue');
        const textBody = await idp.request('POST', '/Users', 'userName=x', { 'content-type': 'text/plain' });
        scimError(textBody, 415);
        assert.equal(await count(t, 'people WHERE org_id = $1', [org.id]), 0);
        assert.equal(await count(t, "audit_log WHERE org_id = $1 AND action LIKE 'person.%'", [org.id]), 0);
      });
    });

    it('refuses callers: 401 without a valid token, 403 without the scope, for a member or a session; all as SCIM errors', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'auth');
        const body = { schemas: [USER], userName: 'eve@example.com' };

        const anonymous = new ScimClient(t, null);
        const noToken = scimError(await anonymous.post('/Users', body), 401);
        assert.match(noToken.detail, /Bearer/);
        assert.match(String((await anonymous.get('/Users')).headers['www-authenticate']), /^Bearer realm=/);
        const bogus = await new ScimClient(t, `atst_${org.id.replace(/-/g, '')}_${'x'.repeat(43)}`).get('/Users');
        scimError(bogus, 401);
        assert.match(String(bogus.headers['www-authenticate']), /error="invalid_token"/);
        scimError(await new ScimClient(t, 'not-a-token').get('/ServiceProviderConfig'), 401);
        scimError(await anonymous.get('/NoSuchThing'), 401, undefined);

        const wrongScope = await scimToken(t, org, 'owner', ['people:write']);
        const scope = scimError(await wrongScope.post('/Users', body), 403);
        assert.match(scope.detail, /scim/);
        assert.match(String((await wrongScope.get('/Users')).headers['www-authenticate']), /insufficient_scope/);
        const member = await scimToken(t, org, 'member');
        assert.match(scimError(await member.post('/Users', body), 403).detail, /owner or admin/);
        const admin = await scimToken(t, org, 'admin');
        ok(await admin.get('/Users'));

        // A signed-in browser is not an identity provider.
        const session = await signIn(t, org.users.owner);
        scimError(await session.post('/scim/v2/Users', body), 401);

        // A revoked token stops at once.
        const owner = await signIn(t, org.users.owner);
        const created = await owner.post('/api/v1/tokens', { name: 'revoked idp', scopes: ['scim'] });
        const revoked = new ScimClient(t, created.json().token);
        ok(await revoked.get('/Users'));
        assert.equal((await owner.delete(`/api/v1/tokens/${created.json().item.id}`)).statusCode, 204);
        scimError(await revoked.get('/Users'), 401);

        assert.equal(await count(t, 'people WHERE org_id = $1', [org.id]), 0);
      });
    });

    it('serves discovery, ETags and If-Match, JSON as well as SCIM JSON, and SCIM 404s for unknown paths', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'discovery');
        const idp = await scimToken(t, org);
        const config = ok(await idp.get('/ServiceProviderConfig'));
        assert.equal(config.patch.supported, true);
        assert.equal(config.filter.maxResults, 1000);
        assert.equal(config.bulk.supported, false);
        assert.equal(config.authenticationSchemes[0].type, 'oauthbearertoken');
        const types = ok(await idp.get('/ResourceTypes'));
        assert.deepEqual(
          types.Resources.map((r: Json) => r.endpoint),
          ['/Users', '/Groups'],
        );
        assert.equal(ok(await idp.get('/ResourceTypes/User')).schemaExtensions.length, 2);
        const schemas = ok(await idp.get('/Schemas'));
        assert.deepEqual(
          schemas.Resources.map((s: Json) => s.id),
          [USER, GROUP, ENTERPRISE, PEOPLE],
        );
        const userSchema = ok(await idp.get(`/Schemas/${USER}`));
        const userName = userSchema.attributes.find((a: Json) => a.name === 'userName');
        assert.equal(userName.required, true);
        assert.equal(userName.uniqueness, 'server');
        assert.equal(userSchema.attributes.find((a: Json) => a.name === 'password').returned, 'never');
        scimError(await idp.get('/Schemas/urn:nope'), 404);

        // Plain application/json is accepted too.
        const viaJson = await idp.request(
          'POST',
          '/Users',
          JSON.stringify({ schemas: [USER], userName: 'j@example.com' }),
          {
            'content-type': 'application/json; charset=utf-8',
          },
        );
        const user = ok(viaJson, 201);
        assert.equal(viaJson.headers.location, user.meta.location);
        assert.equal(viaJson.headers.etag, 'W/"1"');

        const path = `/Users/${user.id}`;
        const stale = await idp.patch(path, patchOp({ op: 'replace', path: 'title', value: 'A' }), {
          'if-match': 'W/"7"',
        });
        scimError(stale, 412);
        const fresh = ok(
          await idp.patch(path, patchOp({ op: 'replace', path: 'title', value: 'A' }), { 'if-match': 'W/"1"' }),
        );
        assert.equal(fresh.meta.version, 'W/"2"');
        scimError(await idp.delete(path, { 'if-match': 'W/"1"' }), 412);
        assert.equal(
          (await idp.delete(path, { 'if-match': '*', 'content-type': 'application/scim+json' })).statusCode,
          204,
        );

        scimError(await idp.get('/NoSuchThing'), 404);
        scimError(await t.app.inject({ url: '/scim/v2', headers: { authorization: `Bearer ${idp.token}` } }), 404);
        const charset = await idp.request(
          'POST',
          '/Users',
          { schemas: [USER], userName: 'k@example.com' },
          {
            'content-type': 'application/scim+json; charset=utf-8',
          },
        );
        ok(charset, 201);
        scimError(await idp.request('PATCH', '/Users', patchOp()), 404);
        scimError(await idp.post('/Bulk', { schemas: [] }), 501);
        ok(await idp.get(`/Users?filter=${encodeURIComponent('userName eq "j@example.com"')}`));
      });
    });

    it('creates and lists SCIM tokens from the CLI (attest scim token --create), acting as an owner', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'cli');
        const { ADMIN_COMMANDS } = await import('../src/cli/admin.js');
        const url = 'https://attest.example.com';
        const none = await ADMIN_COMMANDS['scim-token'](t.rt, { org: org.slug, url });
        assert.match(none.lines.join('\n'), /has no SCIM token/);
        const created = await ADMIN_COMMANDS['scim-token'](t.rt, { org: org.slug, create: true, days: 30, url });
        const text = created.lines.join('\n');
        assert.match(text, /SCIM base URL: https:\/\/attest\.example\.com\/scim\/v2/);
        assert.match(text, new RegExp(`acting as ${org.users.owner.email.replace(/\./g, '\\.')} \\(owner\\)`));
        const token = /Token: +(atst_\S+)/.exec(text)?.[1];
        assert.ok(token, text);
        ok(await new ScimClient(t, token).get('/Users'));
        const [audit] = await rows<{ actor: string; details: Json }>(
          t,
          "SELECT actor, details FROM audit_log WHERE org_id = $1 AND action = 'token.created'",
          [org.id],
        );
        assert.equal(audit?.actor, `attest-cli for ${org.users.owner.email}`);
        assert.deepEqual(audit?.details.scopes, ['scim']);
        const listed = await ADMIN_COMMANDS['scim-token'](t.rt, { org: org.slug, url });
        assert.match(listed.lines.join('\n'), /Identity provider \(SCIM\) {2}acts as owner\./);
        await assert.rejects(
          ADMIN_COMMANDS['scim-token'](t.rt, { org: org.slug, create: true, as: org.users.member.email, url }),
          /not an owner or admin/,
        );
      });
    });

    it('provisions, updates and deactivates a person: offboarding starts; DELETE deprovisions but keeps them in the register', async () => {
      await withApp(engine, async (t) => {
        const org = await makeOrg(t, 'lifecycle');
        const idp = await scimToken(t, org);
        // An HRIS import came first: SCIM adopts the person it added.
        const { createPerson } = await import('../src/modules/people/register.js');
        const { withScope } = await import('../src/db/tenancy.js');
        const hris = await withScope(t.rt.database, { orgId: org.id }, (tx) =>
          createPerson(
            tx,
            org.id,
            { email: 'dana@example.com', name: 'Dana Scully', startDate: '2025-09-01', employmentType: 'contractor' },
            'hris',
            { userId: null, label: 'hris' },
            { ip: null, userAgent: null, requestId: null },
            t.clock.now(),
          ),
        );
        const dana = await idp.create({
          userName: 'dscully',
          externalId: 'okta-1',
          emails: [{ value: 'Dana@Example.com', primary: true }],
          name: { formatted: 'Dana Scully' },
        });
        assert.equal(dana.id, hris.id, 'adopted, not duplicated');
        let row = await personRow(t, dana.id);
        assert.equal(row.source, 'hris', 'the source stays');
        assert.equal(row.start_date, '2025-09-01', 'what the HRIS set stays');
        assert.equal(row.employment_type, 'contractor');
        assert.equal(row.user_name, 'dscully');

        const newcomer = await idp.create({
          userName: 'fox',
          emails: [{ value: 'fox@example.com' }],
          name: { givenName: 'Fox', familyName: 'Mulder' },
        });
        t.clock.advance(DAY);
        ok(await idp.patch(`/Users/${newcomer.id}`, patchOp({ op: 'replace', path: 'title', value: 'Agent' })));
        assert.equal((await personRow(t, newcomer.id)).title, 'Agent');

        // Deactivated by the identity provider: employment ends today, offboarding opens.
        t.clock.advance(DAY);
        const off = ok(
          await idp.patch(`/Users/${newcomer.id}`, patchOp({ op: 'replace', path: 'active', value: false })),
        );
        assert.equal(off.active, false);
        assert.equal(off[PEOPLE].endDate, today(t));
        row = await personRow(t, newcomer.id);
        assert.equal(row.end_date, today(t));
        assert.equal(row.active, false);
        const departure = await rows<{ details: Json; actor: string }>(
          t,
          "SELECT details, actor FROM audit_log WHERE org_id = $1 AND action = 'person.departure_set' AND target_id = $2",
          [org.id, newcomer.id],
        );
        assert.equal(departure.length, 1);
        assert.equal(departure[0]!.details.endDate, today(t));
        assert.match(departure[0]!.actor, /token idp owner/);

        // DELETE: gone for SCIM, still in the register with its end date.
        t.clock.advance(DAY);
        assert.equal((await idp.delete(`/Users/${dana.id}`)).statusCode, 204);
        scimError(await idp.get(`/Users/${dana.id}`), 404);
        assert.equal(ok(await idp.get(`/Users?filter=${encodeURIComponent('userName eq "dscully"')}`)).totalResults, 0);
        row = await personRow(t, dana.id);
        assert.equal(row.active, false);
        assert.equal(row.end_date, today(t));
        assert.equal(row.user_name, null);
        assert.equal(row.external_id, null);
        assert.equal(
          await count(t, "audit_log WHERE org_id = $1 AND action = 'scim.user_deleted' AND target_id = $2", [
            org.id,
            dana.id,
          ]),
          1,
        );
        assert.equal(
          await count(t, "audit_log WHERE org_id = $1 AND action = 'person.departure_set' AND target_id = $2", [
            org.id,
            dana.id,
          ]),
          1,
        );
        // Deleting again: already gone.
        scimError(await idp.delete(`/Users/${dana.id}`), 404);
      });
    });
  });
}
