/**
 * SCIM Groups: an identity provider's groups and their members (SCIM users, by id), kept in
 * people_groups and people_group_members. Every change is audit-logged here (scim.group_*).
 */

import { sql } from 'kysely';
import { newId } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { recordAudit } from '../audit/service.js';
import { invalidValue, scimNotFound, uniqueness } from './errors.js';
import { type Filter, getAttr } from './filter.js';
import { applyPatch, isObject, type Json, readPatch } from './patch.js';
import {
  checkIfMatch,
  compileFilter,
  eqString,
  listResponse,
  project,
  projectionOmits,
  readResource,
  type ScimCall,
  stripped,
  UUID,
  unsupported,
  version,
} from './resources.js';
import { GROUP_SCHEMA } from './urns.js';
import type { ListQuery } from './users.js';

interface GroupRow {
  id: string;
  display_name: string;
  external_id: string | null;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
}

interface Member {
  id: string;
  name: string;
}

const groupColumns = ['id', 'display_name', 'external_id', 'version', 'created_at', 'updated_at'] as const;
/** How many member ids an audit row lists; the counts are always there. */
const AUDIT_IDS = 50;

export function groupResource(g: GroupRow, members: Member[] | null, base: string): Json {
  return {
    schemas: [GROUP_SCHEMA],
    id: g.id,
    ...(g.external_id !== null ? { externalId: g.external_id } : {}),
    displayName: g.display_name,
    ...(members
      ? {
          members: members.map((m) => ({ value: m.id, display: m.name, $ref: `${base}/Users/${m.id}`, type: 'User' })),
        }
      : {}),
    meta: {
      resourceType: 'Group',
      created: iso(g.created_at),
      lastModified: iso(g.updated_at),
      location: `${base}/Groups/${g.id}`,
      version: version(g.version),
    },
  };
}

async function findGroup(tx: Tx, call: ScimCall, id: string, lock = false): Promise<GroupRow> {
  if (!UUID.test(id)) throw scimNotFound('Group', id);
  let q = tx
    .selectFrom('people_groups')
    .select(groupColumns)
    .where('org_id', '=', call.orgId)
    .where('id', '=', id.toLowerCase());
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw scimNotFound('Group', id);
  return row as GroupRow;
}

async function membersOf(tx: Tx, groupIds: string[]): Promise<Map<string, Member[]>> {
  const out = new Map<string, Member[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return out;
  const rows = await tx
    .selectFrom('people_group_members as m')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .select(['m.group_id', 'p.id', 'p.name'])
    .where('m.group_id', 'in', groupIds)
    .orderBy('p.name')
    .orderBy('p.id')
    .execute();
  for (const r of rows) out.get(r.group_id)?.push({ id: r.id, name: r.name });
  return out;
}

const GROUP_FILTERS = 'id, displayName, externalId, members (or members.value)';

function groupComparison(f: Filter) {
  if (f.kind !== 'compare' || f.path.schema) throw unsupported('this expression', GROUP_FILTERS);
  const attr = f.path.attr.toLowerCase();
  const sub = f.path.sub?.toLowerCase();
  const value = eqString(f, GROUP_FILTERS);
  if (attr === 'members' && (sub === undefined || sub === 'value')) {
    return UUID.test(value)
      ? sql<boolean>`EXISTS (SELECT 1 FROM people_group_members m WHERE m.group_id = people_groups.id AND m.person_id = ${value.toLowerCase()})`
      : sql<boolean>`false`;
  }
  if (sub !== undefined) throw unsupported(`${f.path.attr}.${f.path.sub}`, GROUP_FILTERS);
  switch (attr) {
    case 'id':
      return UUID.test(value) ? sql<boolean>`id = ${value.toLowerCase()}` : sql<boolean>`false`;
    case 'displayname':
      return sql<boolean>`lower(display_name) = lower(${value})`;
    case 'externalid':
      return sql<boolean>`external_id = ${value}`;
  }
  throw unsupported(f.path.attr, GROUP_FILTERS);
}

export async function listGroups(tx: Tx, call: ScimCall, query: ListQuery) {
  let base = tx.selectFrom('people_groups').where('org_id', '=', call.orgId);
  if (query.filter) base = base.where(compileFilter(query.filter, groupComparison));
  const total = Number((await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const rows =
    query.page.count === 0
      ? []
      : ((await base
          .select(groupColumns)
          .orderBy('created_at')
          .orderBy('id')
          .limit(query.page.count)
          .offset(query.page.startIndex - 1)
          .execute()) as GroupRow[]);
  // Identity providers ask for groups without their members (excludedAttributes=members).
  const withMembers = !projectionOmits('members', query.attributes, query.excludedAttributes);
  const members = withMembers
    ? await membersOf(
        tx,
        rows.map((r) => r.id),
      )
    : null;
  const resources = rows.map((g) =>
    project(groupResource(g, members?.get(g.id) ?? null, call.base), query.attributes, query.excludedAttributes),
  );
  return listResponse(resources, total, query.page);
}

export async function getGroup(
  tx: Tx,
  call: ScimCall,
  id: string,
  projection: Omit<ListQuery, 'filter' | 'page'> = {},
) {
  const group = await findGroup(tx, call, id);
  const withMembers = !projectionOmits('members', projection.attributes, projection.excludedAttributes);
  const members = withMembers ? ((await membersOf(tx, [group.id])).get(group.id) ?? []) : null;
  return project(groupResource(group, members, call.base), projection.attributes, projection.excludedAttributes);
}

interface GroupInput {
  displayName: string;
  externalId: string | null | undefined;
  /** undefined: the members stay as they are (a replace without members). */
  memberIds: string[] | undefined;
}

async function readGroup(tx: Tx, call: ScimCall, res: Json, membersRequired: boolean): Promise<GroupInput> {
  const name = getAttr(res, 'displayName');
  if (typeof name !== 'string' || name.trim() === '' || name.trim().length > 200) {
    throw invalidValue('displayName is required (up to 200 characters).');
  }
  const externalId = getAttr(res, 'externalId');
  if (externalId !== undefined && externalId !== null && typeof externalId !== 'string') {
    throw invalidValue('externalId must be a string.');
  }
  const members = getAttr(res, 'members');
  let memberIds: string[] | undefined;
  if (members === undefined || members === null) {
    memberIds = membersRequired || members === null ? [] : undefined;
  } else {
    if (!Array.isArray(members)) throw invalidValue('members must be a list of {"value": user id}.');
    const ids = members.map((m, i) => {
      const value = isObject(m) ? getAttr(m, 'value') : undefined;
      const type = isObject(m) ? getAttr(m, 'type') : undefined;
      if (typeof type === 'string' && type.toLowerCase() === 'group') {
        throw invalidValue(`members[${i}] is a group: groups inside groups are not supported.`);
      }
      if (typeof value !== 'string') throw invalidValue(`members[${i}] needs a value: the user's id.`);
      return value.toLowerCase();
    });
    memberIds = [...new Set(ids)];
    await checkMembers(tx, call, memberIds);
  }
  return {
    displayName: name.trim(),
    externalId: externalId as string | null | undefined,
    memberIds,
  };
}

/** Every member must be a provisioned user of this organisation. */
async function checkMembers(tx: Tx, call: ScimCall, ids: string[]): Promise<void> {
  const malformed = ids.filter((id) => !UUID.test(id));
  const known = new Set<string>();
  const wellFormed = ids.filter((id) => UUID.test(id));
  for (let i = 0; i < wellFormed.length; i += 1000) {
    const rows = await tx
      .selectFrom('people')
      .select('id')
      .where('org_id', '=', call.orgId)
      .where('user_name', 'is not', null)
      .where('id', 'in', wellFormed.slice(i, i + 1000))
      .execute();
    for (const r of rows) known.add(r.id);
  }
  const unknown = [...malformed, ...wellFormed.filter((id) => !known.has(id))];
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 5).join(', ');
    throw invalidValue(
      `No user has the id ${shown}${unknown.length > 5 ? ` (and ${unknown.length - 5} more)` : ''}: members are users provisioned here, by id.`,
    );
  }
}

async function nameTaken(tx: Tx, call: ScimCall, name: string, except?: string): Promise<void> {
  let q = tx
    .selectFrom('people_groups')
    .select('id')
    .where('org_id', '=', call.orgId)
    .where(sql<string>`lower(display_name)`, '=', name.toLowerCase());
  if (except) q = q.where('id', '<>', except);
  if (await q.executeTakeFirst()) throw uniqueness(`A group named "${name}" already exists.`);
}

/** Makes the group's members exactly `ids`; returns who joined and who left. */
async function setMembers(tx: Tx, call: ScimCall, groupId: string, ids: string[]) {
  const current = new Set(
    (await tx.selectFrom('people_group_members').select('person_id').where('group_id', '=', groupId).execute()).map(
      (r) => r.person_id,
    ),
  );
  const wanted = new Set(ids);
  const added = ids.filter((id) => !current.has(id));
  const removed = [...current].filter((id) => !wanted.has(id));
  for (let i = 0; i < added.length; i += 1000) {
    await tx
      .insertInto('people_group_members')
      .values(added.slice(i, i + 1000).map((person_id) => ({ org_id: call.orgId, group_id: groupId, person_id })))
      .execute();
  }
  for (let i = 0; i < removed.length; i += 1000) {
    await tx
      .deleteFrom('people_group_members')
      .where('group_id', '=', groupId)
      .where('person_id', 'in', removed.slice(i, i + 1000))
      .execute();
  }
  return { added, removed };
}

const changes = (added: string[], removed: string[]) => ({
  added: added.length,
  removed: removed.length,
  addedIds: added.slice(0, AUDIT_IDS),
  removedIds: removed.slice(0, AUDIT_IDS),
});

export async function createGroup(tx: Tx, call: ScimCall, body: unknown): Promise<Json> {
  const input = await readGroup(tx, call, readResource(body, GROUP_SCHEMA), true);
  await nameTaken(tx, call, input.displayName);
  const id = newId();
  await tx
    .insertInto('people_groups')
    .values({
      id,
      org_id: call.orgId,
      display_name: input.displayName,
      external_id: input.externalId ?? null,
      created_at: call.now,
      updated_at: call.now,
    })
    .execute();
  const { added } = await setMembers(tx, call, id, input.memberIds ?? []);
  await recordAudit(tx, call.orgId, call.who, call.meta, call.now, {
    action: 'scim.group_created',
    targetType: 'people_group',
    targetId: id,
    details: { displayName: input.displayName, ...changes(added, []) },
  });
  return getGroup(tx, call, id);
}

async function save(tx: Tx, call: ScimCall, before: GroupRow, input: GroupInput): Promise<Json> {
  await nameTaken(tx, call, input.displayName, before.id);
  const { added, removed } =
    input.memberIds === undefined ? { added: [], removed: [] } : await setMembers(tx, call, before.id, input.memberIds);
  const externalId = input.externalId === undefined ? before.external_id : input.externalId;
  const renamed = input.displayName !== before.display_name;
  const changed = [
    ...(renamed ? ['displayName'] : []),
    ...(externalId !== before.external_id ? ['externalId'] : []),
    ...(added.length || removed.length ? ['members'] : []),
  ];
  if (changed.length > 0) {
    await tx
      .updateTable('people_groups')
      .set({
        display_name: input.displayName,
        external_id: externalId,
        version: sql<number>`version + 1`,
        updated_at: call.now,
      })
      .where('id', '=', before.id)
      .execute();
    await recordAudit(tx, call.orgId, call.who, call.meta, call.now, {
      action: 'scim.group_updated',
      targetType: 'people_group',
      targetId: before.id,
      details: {
        displayName: input.displayName,
        ...(renamed ? { previousName: before.display_name } : {}),
        changed,
        ...changes(added, removed),
      },
    });
  }
  return getGroup(tx, call, before.id);
}

export async function replaceGroup(tx: Tx, call: ScimCall, id: string, body: unknown, ifMatch?: string) {
  const before = await findGroup(tx, call, id, true);
  checkIfMatch(ifMatch, before.version);
  return save(tx, call, before, await readGroup(tx, call, readResource(body, GROUP_SCHEMA), false));
}

export async function patchGroup(tx: Tx, call: ScimCall, id: string, body: unknown, ifMatch?: string) {
  const operations = readPatch(body);
  const before = await findGroup(tx, call, id, true);
  checkIfMatch(ifMatch, before.version);
  const members = (await membersOf(tx, [before.id])).get(before.id) ?? [];
  const current = stripped(groupResource(before, members, call.base));
  const patched = stripped(applyPatch(current, operations));
  // After a PATCH the resource is complete: no members left means none.
  return save(tx, call, before, await readGroup(tx, call, patched, true));
}

export async function deleteGroup(tx: Tx, call: ScimCall, id: string, ifMatch?: string): Promise<void> {
  const before = await findGroup(tx, call, id, true);
  checkIfMatch(ifMatch, before.version);
  await tx.deleteFrom('people_groups').where('id', '=', before.id).execute();
  await recordAudit(tx, call.orgId, call.who, call.meta, call.now, {
    action: 'scim.group_deleted',
    targetType: 'people_group',
    targetId: before.id,
    details: { displayName: before.display_name },
  });
}
