/**
 * The people register in the inventory: each person is a person record of the built-in source
 * "People register" (kind "people"), carrying the register's fields and the person's onboarding
 * and offboarding facts. Checks then judge people like any other record (background check
 * before the start date, agreement signed before it, training current, accounts disabled in
 * time), and account checks match accounts to the register.
 */

import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import type { InventoryRecord, PersonData, PersonRegisterFacts } from '../../integrations/types.js';
import { applyPush, chunks, PEOPLE_SOURCE_KIND, sourceFor } from '../monitoring/push.js';
import { loadPeopleSettings } from './settings.js';

export const PEOPLE_SOURCE_NAME = 'People register';
const SCOPE = 'people';
const BATCH = 2000;

/** The onboarding and offboarding facts of these people (by person id). */
export async function personFacts(tx: Tx, personIds: string[], _now: Date): Promise<Map<string, PersonRegisterFacts>> {
  const facts = new Map<string, PersonRegisterFacts>();
  if (personIds.length === 0) return facts;
  const settings = await loadPeopleSettings(tx);
  const requiredModules = (
    await tx
      .selectFrom('training_modules')
      .select('id')
      .where('required', '=', true)
      .where('retired_at', 'is', null)
      .execute()
  ).map((m) => m.id);

  for (const ids of chunks(personIds, BATCH)) {
    const people = await tx
      .selectFrom('people')
      .select(['id', 'email', 'employment_type', 'department', 'title', 'active', 'end_date'])
      .where('id', 'in', ids)
      .execute();
    const checks = new Map(
      (
        await tx
          .selectFrom('background_checks')
          .select(['person_id', 'status', 'completed_on'])
          .where('person_id', 'in', ids)
          .execute()
      ).map((c) => [c.person_id, { status: c.status, completedOn: c.completed_on }]),
    );
    const signed = new Map(
      (
        await tx
          .selectFrom('agreement_signatures')
          .select(['person_id', (eb) => eb.fn.min('signed_at').as('first')])
          .where('person_id', 'in', ids)
          .groupBy('person_id')
          .execute()
      ).map((s) => [s.person_id, iso(s.first as Date)]),
    );
    const emails = people.map((p) => p.email);

    // Each required module's latest pass by each person (matched to users by email).
    const passes = new Map<string, Map<string, string>>();
    if (requiredModules.length > 0) {
      const rows = await tx
        .selectFrom('training_attempts as a')
        .innerJoin('users as u', 'u.id', 'a.user_id')
        .select(['u.email', 'a.module_id', (eb) => eb.fn.max('a.completed_at').as('at')])
        .where('a.passed', '=', true)
        .where('a.module_id', 'in', requiredModules)
        .where('u.email', 'in', emails)
        .groupBy(['u.email', 'a.module_id'])
        .execute();
      for (const row of rows) {
        const email = row.email.toLowerCase();
        const byModule = passes.get(email) ?? new Map<string, string>();
        byModule.set(row.module_id, iso(row.at as Date));
        passes.set(email, byModule);
      }
    }

    // Accounts of people with an end date, in every source, with when each was seen disabled.
    const leaving = people.filter((p) => p.end_date !== null).map((p) => p.email);
    const accounts = new Map<string, NonNullable<PersonRegisterFacts['accounts']>>();
    if (leaving.length > 0) {
      const rows = await tx
        .selectFrom('inventory_records as r')
        .innerJoin('monitoring_sources as s', 's.id', 'r.source_id')
        .leftJoin('inventory_records as p', 'p.id', 'r.person_record_id')
        .select([
          'r.id',
          'r.name',
          'r.email',
          'r.scope',
          's.name as source_name',
          'r.disabled_at',
          'r.deleted_at',
          'p.email as linked',
        ])
        .where('r.type', '=', 'account')
        .where((eb) => eb.or([eb('r.email', 'in', leaving), eb('p.email', 'in', leaving)]))
        .orderBy('s.kind')
        .orderBy('r.name')
        .execute();
      for (const row of rows) {
        const email = (row.linked ?? row.email ?? '').toLowerCase();
        const ends = [row.disabled_at, row.deleted_at].filter((d): d is Date => d !== null).map((d) => iso(d));
        const list = accounts.get(email) ?? [];
        list.push({
          id: row.id,
          name: row.name,
          // The source and its scope, so two systems pushed as account lists read apart.
          source: `${row.source_name} (${row.scope})`,
          disabledAt: ends.length > 0 ? ends.sort()[0]! : null,
        });
        accounts.set(email, list);
      }
    }

    for (const p of people) {
      const byModule = passes.get(p.email);
      const latest = requiredModules.map((m) => byModule?.get(m));
      const trainingCompletedAt =
        requiredModules.length > 0 && latest.every((at) => at !== undefined) ? (latest as string[]).sort()[0]! : null;
      facts.set(p.id, {
        department: p.department,
        title: p.title,
        active: p.active,
        requires: {
          backgroundCheck: settings.backgroundCheck[p.employment_type],
          agreement: settings.agreement,
          training: settings.training,
        },
        backgroundCheck: checks.get(p.id) ?? null,
        agreementSignedAt: signed.get(p.id) ?? null,
        trainingCompletedAt,
        trainingGraceDays: settings.trainingGraceDays,
        trainingValidityDays: settings.trainingValidityDays,
        accounts: p.end_date === null ? null : (accounts.get(p.email) ?? []),
      });
    }
  }
  return facts;
}

/**
 * Refreshes the inventory records (source kind "people") of these people from the register and
 * their onboarding and offboarding facts, and re-runs the checks that changed (a partial push:
 * other people's records stay as they are). A person no longer in the register loses their
 * record. Call it in the transaction of any change to what a person has done.
 */
export async function refreshPeople(tx: Tx, orgId: string, personIds: string[], now: Date): Promise<void> {
  const ids = [...new Set(personIds)];
  if (ids.length === 0) return;
  const source = await sourceFor(tx, orgId, PEOPLE_SOURCE_KIND, PEOPLE_SOURCE_NAME, null, now);
  const records: InventoryRecord<'person'>[] = [];
  const found = new Set<string>();
  const facts = await personFacts(tx, ids, now);
  for (const batch of chunks(ids, BATCH)) {
    const people = await tx
      .selectFrom('people')
      .select(['id', 'email', 'name', 'employment_type', 'start_date', 'end_date', 'manager_email'])
      .where('id', 'in', batch)
      .execute();
    for (const p of people) {
      found.add(p.id);
      const data: PersonData = {
        email: p.email,
        name: p.name,
        employmentType: p.employment_type,
        startDate: p.start_date,
        endDate: p.end_date,
        managerEmail: p.manager_email,
        register: facts.get(p.id),
      };
      records.push({ type: 'person', externalId: p.id, name: p.name, data });
    }
  }
  await applyPush(
    tx,
    orgId,
    source,
    { format: 'People register', scopes: [{ scope: SCOPE, records }], warnings: [] },
    now,
    { removed: ids.filter((id) => !found.has(id)) },
  );
}

/**
 * Re-reads the facts of everyone whose offboarding is open (an end date, not closed): after a
 * sync, an account of theirs may have been disabled or removed.
 */
export async function refreshOpenOffboardings(tx: Tx, orgId: string, now: Date): Promise<void> {
  const open = await tx
    .selectFrom('people')
    .select('id')
    .where('end_date', 'is not', null)
    .where('offboarding_closed_at', 'is', null)
    .execute();
  await refreshPeople(
    tx,
    orgId,
    open.map((p) => p.id),
    now,
  );
}
