/**
 * A SCIM User and the people register: what the client sent as register fields (toFields), and
 * a person as the User we answer (userResource). Mapped to register columns: userName,
 * externalId, active, title, userType (employment type), the primary email, a name, the
 * enterprise department and manager, and our extension's start and end dates. Everything else
 * the client sent is kept as it was sent (`people.scim`) and given back, except the password,
 * which is never stored.
 */
import type { Tx } from '../../db/tenancy.js';
import type { EmploymentType, Person, PersonFields } from '../people/register.js';
import { invalidValue } from './errors.js';
import { getAttr } from './filter.js';
import { isObject, type Json } from './patch.js';
import { UUID, version } from './resources.js';
import { ENTERPRISE_SCHEMA, PEOPLE_SCHEMA, USER_SCHEMA } from './urns.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Attributes of a user the client cannot set: groups change through /Groups. */
export const READ_ONLY = ['groups'];
export type Mode = 'create' | 'replace' | 'patch';

export interface GroupRef {
  id: string;
  displayName: string;
}

// ---------------------------------------------------------------- reading what the client sent

function text(obj: Json, key: string, label: string): string | null | undefined {
  const v = getAttr(obj, key);
  if (v === undefined || v === null) return v as null | undefined;
  if (typeof v !== 'string') throw invalidValue(`${label} must be a string.`);
  return v;
}

function extension(res: Json, schema: string): Json {
  const v = res[schema];
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw invalidValue(`"${schema}" must be an object of attributes.`);
  return v;
}

/** The email a person is matched by: the primary one, else the work one, else the first. */
function primaryEmail(res: Json, userName: string): string {
  const emails = res.emails;
  if (emails !== undefined && emails !== null && !Array.isArray(emails)) throw invalidValue('emails must be a list.');
  const list = (emails ?? []) as unknown[];
  list.forEach((e, i) => {
    if (!isObject(e) || typeof getAttr(e, 'value') !== 'string') {
      throw invalidValue(`emails[${i}] must be an object with a string value.`);
    }
  });
  const value = (e: unknown) => String(getAttr(e, 'value')).trim();
  const chosen =
    list.find((e) => String(getAttr(e, 'primary')).toLowerCase() === 'true') ??
    list.find((e) => String(getAttr(e, 'type') ?? '').toLowerCase() === 'work') ??
    list[0];
  if (chosen) return value(chosen).toLowerCase();
  if (EMAIL.test(userName)) return userName.trim().toLowerCase();
  throw invalidValue(
    'The user has no email: send emails (or a userName that is an email address). Attest matches people to their accounts by email.',
  );
}

function displayName(res: Json, userName: string): string {
  const name = res.name;
  const part = (k: string) => (isObject(name) ? (text(name, k, `name.${k}`) ?? '').trim() : '');
  const chosen =
    part('formatted') ||
    [part('givenName'), part('familyName')].filter(Boolean).join(' ') ||
    (text(res, 'displayName', 'displayName') ?? '').trim() ||
    userName;
  return chosen.slice(0, 200);
}

function employmentType(userType: string | null | undefined): EmploymentType | undefined {
  if (userType === undefined || userType === null) return undefined;
  const t = userType.trim().toLowerCase();
  return t === 'employee' ? 'employee' : t === 'contractor' ? 'contractor' : 'other';
}

function activeOf(res: Json): boolean | undefined {
  const v = res.active;
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  // Some providers send "True"/"False" as strings in PATCH values.
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw invalidValue('active must be true or false.');
}

/** The manager's email: from their SCIM id, else an email written as the manager's displayName. */
async function managerEmail(tx: Tx, manager: unknown): Promise<string | null | undefined> {
  if (manager === undefined) return undefined;
  if (manager === null) return null;
  const ref = typeof manager === 'string' ? manager : isObject(manager) ? getAttr(manager, 'value') : undefined;
  if (typeof ref === 'string' && UUID.test(ref)) {
    const row = await tx.selectFrom('people').select('email').where('id', '=', ref.toLowerCase()).executeTakeFirst();
    if (row) return row.email;
  }
  const shown = isObject(manager) ? getAttr(manager, 'displayName') : undefined;
  if (typeof shown === 'string' && EMAIL.test(shown.trim())) return shown.trim().toLowerCase();
  return null;
}

/**
 * The register fields for a resource. An attribute left out of a create or replace keeps the
 * register's value (other sources, HRIS or a person, may have set it); after a PATCH the
 * resource is complete, so an attribute missing from it was removed.
 */
export async function toFields(tx: Tx, res: Json, mode: Mode): Promise<PersonFields & { email: string; name: string }> {
  const userName = text(res, 'userName', 'userName')?.trim();
  if (!userName) throw invalidValue('userName is required.');
  if (userName.length > 256) throw invalidValue('userName can be up to 256 characters.');
  const cleared = mode === 'patch' ? null : undefined;
  const orCleared = <T>(v: T | null | undefined) => (v === undefined ? cleared : v);
  const enterprise = extension(res, ENTERPRISE_SCHEMA);
  const people = extension(res, PEOPLE_SCHEMA);
  const manager = getAttr(enterprise, 'manager');
  const active = activeOf(res);
  const fields = {
    userName,
    email: primaryEmail(res, userName),
    name: displayName(res, userName),
    externalId: orCleared(text(res, 'externalId', 'externalId')),
    active: active ?? (mode === 'create' ? true : undefined),
    title: orCleared(text(res, 'title', 'title')),
    employmentType: employmentType(text(res, 'userType', 'userType')),
    department: orCleared(text(enterprise, 'department', `${ENTERPRISE_SCHEMA}:department`)),
    managerEmail: orCleared(await managerEmail(tx, manager)),
    startDate: orCleared(text(people, 'startDate', `${PEOPLE_SCHEMA}:startDate`)),
    endDate: orCleared(text(people, 'endDate', `${PEOPLE_SCHEMA}:endDate`)),
  };
  return { ...fields, scim: keptAttributes(res, fields) };
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * What is kept in `people.scim`: all but the attributes that live in register columns, and
 * but what `userResource` would show anyway from the register (a client that reads a user and
 * sends it back unchanged, as a re-sync does, then changes nothing).
 */
function keptAttributes(res: Json, fields: PersonFields & { email: string; name: string }): Json {
  const shown = registerView({
    email: fields.email,
    name: fields.name,
    employmentType: fields.employmentType ?? 'employee',
    managerEmail: fields.managerEmail ?? null,
  });
  const kept: Json = {};
  for (const [key, value] of Object.entries(res)) {
    if (['username', 'externalid', 'active', 'title'].includes(key.toLowerCase()) || key === PEOPLE_SCHEMA) continue;
    if (value === null) continue;
    if (key === ENTERPRISE_SCHEMA && isObject(value)) {
      const rest = Object.fromEntries(
        Object.entries(value)
          // Some providers send the manager as a bare id; it is a complex attribute.
          .map(([k, v]) => [k, k === 'manager' && typeof v === 'string' ? { value: v } : v] as const)
          .filter(([k, v]) => k !== 'department' && v !== null && !(k === 'manager' && sameJson(v, shown.manager))),
      );
      if (Object.keys(rest).length > 0) kept[key] = rest;
      continue;
    }
    if (key in shown && sameJson(value, shown[key as keyof typeof shown])) continue;
    kept[key] = value;
  }
  return kept;
}

// ---------------------------------------------------------------- the resource we answer

const TYPE_LABEL: Record<EmploymentType, string> = { employee: 'Employee', contractor: 'Contractor', other: 'Other' };

/** What a user shows from the register alone, where the client sent nothing else. */
function registerView(p: Pick<Person, 'email' | 'name' | 'employmentType' | 'managerEmail'>) {
  return {
    name: { formatted: p.name } as Json,
    displayName: p.name,
    emails: [{ value: p.email, type: 'work', primary: true }] as unknown[],
    userType: TYPE_LABEL[p.employmentType],
    manager: p.managerEmail ? ({ displayName: p.managerEmail } as Json) : undefined,
  };
}

export function userResource(p: Person, groups: GroupRef[], base: string): Json {
  const {
    userType: sentType,
    emails,
    name,
    displayName: shownName,
    [ENTERPRISE_SCHEMA]: sentEnterprise,
    ...rest
  } = p.scim as Json;
  const view = registerView(p);
  const enterprise: Json = isObject(sentEnterprise) ? { ...sentEnterprise } : {};
  if (p.department) enterprise.department = p.department;
  if (enterprise.manager === undefined && view.manager) enterprise.manager = view.manager;
  const people: Json = {};
  if (p.startDate) people.startDate = p.startDate;
  if (p.endDate) people.endDate = p.endDate;
  // The type as the client wrote it while it still says what the register holds.
  const userType =
    typeof sentType === 'string' && employmentType(sentType) === p.employmentType ? sentType : view.userType;
  return {
    schemas: [
      USER_SCHEMA,
      ...(Object.keys(enterprise).length ? [ENTERPRISE_SCHEMA] : []),
      ...(Object.keys(people).length ? [PEOPLE_SCHEMA] : []),
      // Extensions we do not know are kept as sent, so they are named too.
      ...Object.keys(rest).filter((k) => k.toLowerCase().startsWith('urn:')),
    ],
    id: p.id,
    ...(p.externalId !== null ? { externalId: p.externalId } : {}),
    userName: p.userName,
    name: isObject(name) ? name : view.name,
    displayName: typeof shownName === 'string' ? shownName : view.displayName,
    ...rest,
    ...(p.title !== null ? { title: p.title } : {}),
    userType,
    active: p.active,
    emails: Array.isArray(emails) && emails.length > 0 ? emails : view.emails,
    groups: groups.map((g) => ({
      value: g.id,
      display: g.displayName,
      $ref: `${base}/Groups/${g.id}`,
      type: 'direct',
    })),
    ...(Object.keys(enterprise).length ? { [ENTERPRISE_SCHEMA]: enterprise } : {}),
    ...(Object.keys(people).length ? { [PEOPLE_SCHEMA]: people } : {}),
    meta: {
      resourceType: 'User',
      created: p.createdAt,
      lastModified: p.updatedAt,
      location: `${base}/Users/${p.id}`,
      version: version(p.version),
    },
  };
}
