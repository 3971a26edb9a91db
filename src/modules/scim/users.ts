/**
 * SCIM Users are people in the people register (register.ts does every write, with its audit
 * rows and inventory refresh); user-resource.ts maps between the two. A person is a SCIM user
 * while they have a userName: DELETE clears it (and ends their employment), so the person
 * stays for offboarding and audit.
 *
 * An identity provider often provisions people an HRIS import or an admin already added: a POST
 * whose email matches a person without a userName adopts that person (their source stays).
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenancy.js';
import { recordAudit } from '../audit/service.js';
import {
  createPerson,
  findPersonByEmail,
  type Person,
  type PersonFields,
  personColumns,
  today,
  toPerson,
  updatePerson,
} from '../people/register.js';
import { scimNotFound, uniqueness } from './errors.js';
import type { Filter } from './filter.js';
import { applyPatch, type Json, readPatch } from './patch.js';
import {
  checkIfMatch,
  compileFilter,
  eqString,
  listResponse,
  type Paging,
  project,
  projectionOmits,
  readResource,
  type ScimCall,
  stripped,
  UUID,
  unsupported,
} from './resources.js';
import { ENTERPRISE_SCHEMA, USER_SCHEMA } from './urns.js';
import { type GroupRef, type Mode, READ_ONLY, toFields, userResource } from './user-resource.js';

type PersonRow = Parameters<typeof toPerson>[0];
// ---------------------------------------------------------------- queries

async function findUser(tx: Tx, call: ScimCall, id: string, lock = false): Promise<Person> {
  if (!UUID.test(id)) throw scimNotFound('User', id);
  let q = tx
    .selectFrom('people')
    .select(personColumns)
    .where('org_id', '=', call.orgId)
    .where('id', '=', id.toLowerCase())
    .where('user_name', 'is not', null);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw scimNotFound('User', id);
  return toPerson(row as PersonRow, call.now);
}

async function groupsOf(tx: Tx, personIds: string[]): Promise<Map<string, GroupRef[]>> {
  const out = new Map<string, GroupRef[]>();
  if (personIds.length === 0) return out;
  const rows = await tx
    .selectFrom('people_group_members as m')
    .innerJoin('people_groups as g', 'g.id', 'm.group_id')
    .select(['m.person_id', 'g.id', 'g.display_name'])
    .where('m.person_id', 'in', personIds)
    .orderBy('g.display_name')
    .execute();
  for (const r of rows) {
    const list = out.get(r.person_id) ?? [];
    list.push({ id: r.id, displayName: r.display_name });
    out.set(r.person_id, list);
  }
  return out;
}

async function answer(tx: Tx, call: ScimCall, person: Person): Promise<Json> {
  const groups = await groupsOf(tx, [person.id]);
  return userResource(person, groups.get(person.id) ?? [], call.base);
}

async function userNameTaken(tx: Tx, call: ScimCall, userName: string, except?: string): Promise<void> {
  let q = tx
    .selectFrom('people')
    .select('id')
    .where('org_id', '=', call.orgId)
    .where(sql<string>`lower(user_name)`, '=', userName.toLowerCase());
  if (except) q = q.where('id', '<>', except);
  if (await q.executeTakeFirst()) throw uniqueness(`The userName "${userName}" is already provisioned.`);
}

const USER_FILTERS =
  'id, userName, externalId, emails (or emails.value, emails[value eq …]), displayName, title, active, the enterprise department and employeeNumber';

function userComparison(f: Filter) {
  const path = f.kind === 'compare' || f.kind === 'valuePath' || f.kind === 'present' ? f.path : null;
  if (!path) throw unsupported('this expression', USER_FILTERS);
  const attr = path.attr.toLowerCase();
  const sub = path.sub?.toLowerCase();
  if (f.kind === 'valuePath') {
    // emails[value eq "…"]
    if (
      attr === 'emails' &&
      !path.schema &&
      f.filter.kind === 'compare' &&
      f.filter.path.attr.toLowerCase() === 'value'
    ) {
      return emailMatch(eqString(f.filter, USER_FILTERS));
    }
    throw unsupported(`${path.attr}[…]`, USER_FILTERS);
  }
  if (path.schema === ENTERPRISE_SCHEMA && !sub) {
    if (attr === 'department') return sql<boolean>`lower(department) = lower(${eqString(f, USER_FILTERS)})`;
    if (attr === 'employeenumber') {
      return sql<boolean>`scim -> ${ENTERPRISE_SCHEMA} ->> 'employeeNumber' = ${eqString(f, USER_FILTERS)}`;
    }
  }
  if (path.schema) throw unsupported(`${path.schema}:${path.attr}`, USER_FILTERS);
  if (attr === 'active' && !sub) {
    if (f.kind !== 'compare' || f.op !== 'eq' || typeof f.value !== 'boolean') {
      throw unsupported('active other than "active eq true|false"', USER_FILTERS);
    }
    return sql<boolean>`active = ${f.value}`;
  }
  if (attr === 'emails' && (sub === undefined || sub === 'value')) return emailMatch(eqString(f, USER_FILTERS));
  if (sub !== undefined) throw unsupported(`${path.attr}.${path.sub}`, USER_FILTERS);
  switch (attr) {
    case 'id': {
      const id = eqString(f, USER_FILTERS);
      return UUID.test(id) ? sql<boolean>`id = ${id.toLowerCase()}` : sql<boolean>`false`;
    }
    case 'username':
      return sql<boolean>`lower(user_name) = lower(${eqString(f, USER_FILTERS)})`;
    case 'externalid':
      return sql<boolean>`external_id = ${eqString(f, USER_FILTERS)}`;
    case 'displayname':
      return sql<boolean>`lower(coalesce(scim ->> 'displayName', name)) = lower(${eqString(f, USER_FILTERS)})`;
    case 'title':
      return sql<boolean>`lower(title) = lower(${eqString(f, USER_FILTERS)})`;
  }
  throw unsupported(path.attr, USER_FILTERS);
}

/** The register's email, or any email the client sent. */
function emailMatch(value: string) {
  return sql<boolean>`(email = lower(${value}) OR EXISTS (
    SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(scim -> 'emails') = 'array' THEN scim -> 'emails' ELSE '[]'::jsonb END) AS e
     WHERE lower(e ->> 'value') = lower(${value})))`;
}

// ---------------------------------------------------------------- operations

export interface ListQuery {
  filter: Filter | null;
  page: Paging;
  attributes?: string;
  excludedAttributes?: string;
}

export async function listUsers(tx: Tx, call: ScimCall, query: ListQuery) {
  let base = tx.selectFrom('people').where('org_id', '=', call.orgId).where('user_name', 'is not', null);
  if (query.filter) base = base.where(compileFilter(query.filter, userComparison));
  const total = Number((await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const rows =
    query.page.count === 0
      ? []
      : await base
          .select(personColumns)
          .orderBy('created_at')
          .orderBy('id')
          .limit(query.page.count)
          .offset(query.page.startIndex - 1)
          .execute();
  const people = rows.map((r) => toPerson(r as PersonRow, call.now));
  const groups = projectionOmits('groups', query.attributes, query.excludedAttributes)
    ? new Map<string, GroupRef[]>()
    : await groupsOf(
        tx,
        people.map((p) => p.id),
      );
  const resources = people.map((p) =>
    project(userResource(p, groups.get(p.id) ?? [], call.base), query.attributes, query.excludedAttributes),
  );
  return listResponse(resources, total, query.page);
}

export async function getUser(tx: Tx, call: ScimCall, id: string): Promise<Json> {
  return answer(tx, call, await findUser(tx, call, id));
}

/**
 * Deactivated, then active again (a rehire, or a deactivation undone): the end date that ended
 * their employment goes, unless the client sends another one or a date still ahead.
 */
function reactivation(before: Person, fields: PersonFields, now: Date): PersonFields {
  if (before.active || fields.active !== true) return fields;
  const end = fields.endDate === undefined ? before.endDate : fields.endDate;
  const ended = end !== null && end <= today(now);
  if (ended && (fields.endDate === undefined || fields.endDate === before.endDate)) return { ...fields, endDate: null };
  return fields;
}

export async function createUser(tx: Tx, call: ScimCall, body: unknown): Promise<Json> {
  const res = readResource(body, USER_SCHEMA, READ_ONLY);
  const fields = await toFields(tx, res, 'create');
  await userNameTaken(tx, call, fields.userName!);
  const existing = await findPersonByEmail(tx, fields.email, call.now);
  let person: Person;
  if (existing) {
    if (existing.userName !== null) {
      throw uniqueness(`${fields.email} is already provisioned as the user "${existing.userName}".`);
    }
    // Already in the register (added by hand or by an HRIS import): adopt them.
    await lockPerson(tx, existing.id);
    person = await updatePerson(
      tx,
      call.orgId,
      existing.id,
      reactivation(existing, fields, call.now),
      call.who,
      call.meta,
      call.now,
    );
  } else {
    person = await createPerson(tx, call.orgId, fields, 'scim', call.who, call.meta, call.now);
  }
  return answer(tx, call, person);
}

async function lockPerson(tx: Tx, id: string): Promise<void> {
  await tx.selectFrom('people').select('id').where('id', '=', id).forUpdate().execute();
}

async function save(tx: Tx, call: ScimCall, before: Person, res: Json, mode: Mode): Promise<Json> {
  const fields = await toFields(tx, res, mode);
  await userNameTaken(tx, call, fields.userName!, before.id);
  const person = await updatePerson(
    tx,
    call.orgId,
    before.id,
    reactivation(before, fields, call.now),
    call.who,
    call.meta,
    call.now,
  );
  return answer(tx, call, person);
}

export async function replaceUser(tx: Tx, call: ScimCall, id: string, body: unknown, ifMatch?: string): Promise<Json> {
  const before = await findUser(tx, call, id, true);
  checkIfMatch(ifMatch, before.version);
  return save(tx, call, before, readResource(body, USER_SCHEMA, READ_ONLY), 'replace');
}

export async function patchUser(tx: Tx, call: ScimCall, id: string, body: unknown, ifMatch?: string): Promise<Json> {
  const operations = readPatch(body);
  const before = await findUser(tx, call, id, true);
  checkIfMatch(ifMatch, before.version);
  const current = stripped(userResource(before, [], call.base), READ_ONLY);
  const patched = stripped(applyPatch(current, operations), READ_ONLY);
  return save(tx, call, before, patched, 'patch');
}

/**
 * Deprovisions: the person is deactivated (employment ends today unless it already has an end
 * date, which opens offboarding) and loses their userName and externalId, so SCIM no longer
 * sees them; they stay in the register for offboarding and audit, and leave their groups.
 */
export async function deleteUser(tx: Tx, call: ScimCall, id: string, ifMatch?: string): Promise<void> {
  const before = await findUser(tx, call, id, true);
  checkIfMatch(ifMatch, before.version);
  const left = await tx
    .deleteFrom('people_group_members')
    .where('person_id', '=', before.id)
    .returning('group_id')
    .execute();
  const groupIds = left.map((r) => r.group_id);
  if (groupIds.length > 0) {
    await tx
      .updateTable('people_groups')
      .set({ version: sql<number>`version + 1`, updated_at: call.now })
      .where('id', 'in', groupIds)
      .execute();
  }
  await updatePerson(
    tx,
    call.orgId,
    before.id,
    { active: false, userName: null, externalId: null },
    call.who,
    call.meta,
    call.now,
  );
  await recordAudit(tx, call.orgId, call.who, call.meta, call.now, {
    action: 'scim.user_deleted',
    targetType: 'person',
    targetId: before.id,
    details: { userName: before.userName, groupsLeft: groupIds },
  });
}
