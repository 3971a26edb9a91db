/**
 * The people register: everyone who works for the organisation. People are added by hand, by
 * HRIS imports and by SCIM provisioning; every change is audit-logged and refreshes the
 * person's record in the inventory (src/modules/people/mirror.ts), so checks see it at once.
 */

import { sql } from 'kysely';
import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { AppError, notFound } from '../../errors.js';
import { type AuditWho, recordAudit } from '../audit/service.js';
import { refreshPeople } from './mirror.js';

export type EmploymentType = 'employee' | 'contractor' | 'other';
export type PersonSource = 'manual' | 'hris' | 'scim';
/** upcoming: starts later; active: working; departed: the end date has passed. */
export type PersonStatus = 'upcoming' | 'active' | 'departed';

/** The fields a person has; undefined leaves a field as it is on update. */
export interface PersonFields {
  email?: string;
  name?: string;
  employmentType?: EmploymentType;
  department?: string | null;
  title?: string | null;
  managerEmail?: string | null;
  /** YYYY-MM-DD */
  startDate?: string | null;
  endDate?: string | null;
  active?: boolean;
  /** SCIM: the client's userName, externalId and other attributes it sent. */
  userName?: string | null;
  externalId?: string | null;
  scim?: Record<string, unknown>;
}

export interface Person {
  id: string;
  email: string;
  name: string;
  employmentType: EmploymentType;
  department: string | null;
  title: string | null;
  managerEmail: string | null;
  startDate: string | null;
  endDate: string | null;
  active: boolean;
  status: PersonStatus;
  source: PersonSource;
  userName: string | null;
  externalId: string | null;
  scim: Record<string, unknown>;
  version: number;
  offboardingClosedAt: string | null;
  offboardingReportId: string | null;
  createdAt: string;
  updatedAt: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const today = (now: Date) => now.toISOString().slice(0, 10);

export function statusOf(p: { start_date: string | null; end_date: string | null }, now: Date): PersonStatus {
  const day = today(now);
  if (p.end_date !== null && p.end_date < day) return 'departed';
  if (p.start_date !== null && p.start_date > day) return 'upcoming';
  return 'active';
}

export const personColumns = [
  'id',
  'email',
  'name',
  'employment_type',
  'department',
  'title',
  'manager_email',
  'start_date',
  'end_date',
  'active',
  'source',
  'user_name',
  'external_id',
  'scim',
  'version',
  'offboarding_closed_at',
  'offboarding_report_id',
  'created_at',
  'updated_at',
] as const;

type PersonRow = {
  id: string;
  email: string;
  name: string;
  employment_type: EmploymentType;
  department: string | null;
  title: string | null;
  manager_email: string | null;
  start_date: string | null;
  end_date: string | null;
  active: boolean;
  source: PersonSource;
  user_name: string | null;
  external_id: string | null;
  scim: Record<string, unknown>;
  version: number;
  offboarding_closed_at: Date | string | null;
  offboarding_report_id: string | null;
  created_at: Date | string;
  updated_at: Date | string;
};

export function toPerson(row: PersonRow, now: Date): Person {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    employmentType: row.employment_type,
    department: row.department,
    title: row.title,
    managerEmail: row.manager_email,
    startDate: row.start_date,
    endDate: row.end_date,
    active: row.active,
    status: statusOf(row, now),
    source: row.source,
    userName: row.user_name,
    externalId: row.external_id,
    scim: row.scim ?? {},
    version: row.version,
    offboardingClosedAt: row.offboarding_closed_at ? iso(row.offboarding_closed_at) : null,
    offboardingReportId: row.offboarding_report_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function invalid(path: string, message: string, detail: string): AppError {
  return new AppError('validation_failed', detail, { errors: [{ path, message }] });
}

/** Checks and normalises fields (lower-cased emails, trimmed text); throws a clear error. */
export function checkFields(fields: PersonFields): PersonFields {
  const out: PersonFields = { ...fields };
  const text = (v: string | null | undefined, max: number, path: string) => {
    if (v === undefined || v === null) return v;
    const t = v.trim();
    if (t.length > max) throw invalid(path, 'too long', `${path} can be up to ${max} characters.`);
    return t === '' ? null : t;
  };
  if (fields.email !== undefined) {
    const email = fields.email.trim().toLowerCase();
    if (!EMAIL.test(email) || email.length > 320) {
      throw invalid('email', 'not an email address', `"${fields.email}" is not an email address.`);
    }
    out.email = email;
  }
  if (fields.name !== undefined) {
    const name = fields.name.trim();
    if (name === '' || name.length > 200)
      throw invalid('name', 'required', 'Give the person a name (up to 200 characters).');
    out.name = name;
  }
  out.department = text(fields.department, 200, 'department');
  out.title = text(fields.title, 200, 'title');
  if (fields.managerEmail !== undefined && fields.managerEmail !== null) {
    const manager = fields.managerEmail.trim().toLowerCase();
    if (manager === '') out.managerEmail = null;
    else if (!EMAIL.test(manager)) {
      throw invalid(
        'managerEmail',
        'not an email address',
        `The manager "${fields.managerEmail}" is not an email address.`,
      );
    } else out.managerEmail = manager;
  }
  for (const key of ['startDate', 'endDate'] as const) {
    const v = fields[key];
    if (v !== undefined && v !== null && (!DAY.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))) {
      throw invalid(key, 'not a date', `${key} must be a date written YYYY-MM-DD.`);
    }
  }
  return out;
}

function checkDates(start: string | null, end: string | null): void {
  if (start && end && end < start) {
    throw invalid('endDate', 'before the start date', `The end date ${end} is before the start date ${start}.`);
  }
}

export async function getPerson(tx: Tx, id: string, now: Date): Promise<Person> {
  const row = await tx.selectFrom('people').select(personColumns).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This person');
  return toPerson(row as PersonRow, now);
}

export async function findPersonByEmail(tx: Tx, email: string, now: Date): Promise<Person | null> {
  const row = await tx
    .selectFrom('people')
    .select(personColumns)
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  return row ? toPerson(row as PersonRow, now) : null;
}

/**
 * Adds a person. A person with the same email already in the register is a conflict (409),
 * so one person is one row whatever the sources.
 */
export async function createPerson(
  tx: Tx,
  orgId: string,
  fields: PersonFields & { email: string; name: string },
  source: PersonSource,
  who: AuditWho,
  meta: RequestMeta,
  now: Date,
): Promise<Person> {
  const f = checkFields(fields);
  checkDates(f.startDate ?? null, f.endDate ?? null);
  const taken = await tx.selectFrom('people').select('id').where('email', '=', f.email!).executeTakeFirst();
  if (taken) throw new AppError('conflict', `${f.email} is already in the people register.`);
  const id = newId();
  const inactive = f.active === false;
  await tx
    .insertInto('people')
    .values({
      id,
      org_id: orgId,
      email: f.email!,
      name: f.name!,
      employment_type: f.employmentType ?? 'employee',
      department: f.department ?? null,
      title: f.title ?? null,
      manager_email: f.managerEmail ?? null,
      start_date: f.startDate ?? null,
      // Deactivated without an end date: they left today.
      end_date: f.endDate ?? (inactive ? today(now) : null),
      active: !inactive,
      source,
      user_name: f.userName ?? null,
      external_id: f.externalId ?? null,
      scim: JSON.stringify(f.scim ?? {}),
      created_at: now,
      updated_at: now,
    })
    .execute();
  await recordAudit(tx, orgId, who, meta, now, {
    action: 'person.created',
    targetType: 'person',
    targetId: id,
    details: { email: f.email, source },
  });
  await refreshPeople(tx, orgId, [id], now);
  return getPerson(tx, id, now);
}

/**
 * Changes a person: only the given fields. Deactivating (active false) without an end date
 * ends their employment today, which opens offboarding. Returns the person as now stored.
 */
export async function updatePerson(
  tx: Tx,
  orgId: string,
  id: string,
  fields: PersonFields,
  who: AuditWho,
  meta: RequestMeta,
  now: Date,
  options: { source?: PersonSource } = {},
): Promise<Person> {
  const before = await getPerson(tx, id, now);
  const f = checkFields(fields);
  if (f.email !== undefined && f.email !== before.email) {
    const taken = await tx.selectFrom('people').select('id').where('email', '=', f.email).executeTakeFirst();
    if (taken) throw new AppError('conflict', `${f.email} is already in the people register.`);
  }
  const start = f.startDate !== undefined ? f.startDate : before.startDate;
  let end = f.endDate !== undefined ? f.endDate : before.endDate;
  const active = f.active ?? before.active;
  if (!active && end === null) end = today(now);
  checkDates(start, end);
  const set: Record<string, unknown> = {};
  const put = (column: string, value: unknown, old: unknown) => {
    if (value !== undefined && JSON.stringify(value) !== JSON.stringify(old)) set[column] = value;
  };
  put('email', f.email, before.email);
  put('name', f.name, before.name);
  put('employment_type', f.employmentType, before.employmentType);
  put('department', f.department, before.department);
  put('title', f.title, before.title);
  put('manager_email', f.managerEmail, before.managerEmail);
  put('start_date', start, before.startDate);
  put('end_date', end, before.endDate);
  // A departure changed or withdrawn after its offboarding was closed opens it again.
  if (end !== before.endDate && before.offboardingClosedAt) {
    set.offboarding_closed_at = null;
    set.offboarding_closed_by = null;
    set.offboarding_report_id = null;
  }
  put('active', active, before.active);
  put('user_name', f.userName, before.userName);
  put('external_id', f.externalId, before.externalId);
  if (f.scim !== undefined && JSON.stringify(f.scim) !== JSON.stringify(before.scim)) set.scim = JSON.stringify(f.scim);
  if (options.source && options.source !== before.source && before.source === 'manual') set.source = options.source;
  if (Object.keys(set).length === 0) return before;
  await tx
    .updateTable('people')
    .set({ ...set, version: sql<number>`version + 1`, updated_at: now })
    .where('id', '=', id)
    .execute();
  const changed = Object.keys(set).filter((k) => k !== 'scim');
  await recordAudit(tx, orgId, who, meta, now, {
    action: end !== before.endDate && end !== null ? 'person.departure_set' : 'person.updated',
    targetType: 'person',
    targetId: id,
    details: { email: f.email ?? before.email, changed, ...(end !== before.endDate ? { endDate: end } : {}) },
  });
  await refreshPeople(tx, orgId, [id], now);
  return getPerson(tx, id, now);
}

export interface PeoplePage {
  items: Person[];
  total: number;
}

/** The register, filtered and paged (by name). */
export async function listPeople(
  tx: Tx,
  now: Date,
  filter: { q?: string; status?: PersonStatus; type?: EmploymentType; limit?: number; offset?: number } = {},
): Promise<PeoplePage> {
  const day = today(now);
  let query = tx.selectFrom('people');
  if (filter.q) {
    const like = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb(sql`lower(name)`, 'like', like), eb('email', 'like', like)]));
  }
  if (filter.type) query = query.where('employment_type', '=', filter.type);
  if (filter.status === 'departed') query = query.where('end_date', '<', day);
  if (filter.status === 'upcoming') query = query.where('start_date', '>', day);
  if (filter.status === 'active') {
    query = query
      .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', day)]))
      .where((eb) => eb.or([eb('start_date', 'is', null), eb('start_date', '<=', day)]));
  }
  const total = Number((await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await query
    .select(personColumns)
    .orderBy('name')
    .orderBy('id')
    .limit(Math.min(filter.limit ?? 50, 500))
    .offset(filter.offset ?? 0)
    .execute();
  return { items: rows.map((r) => toPerson(r as PersonRow, now)), total };
}

/** The register's person for a signed-in user (matched by email), or null. */
export async function personForUser(tx: Tx, email: string, now: Date): Promise<Person | null> {
  return findPersonByEmail(tx, email, now);
}
