/**
 * What a monitoring push means for the people register: an HRIS list adds and updates people,
 * and any sync may have disabled the accounts of people who are leaving.
 */
import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';
import type { ParsedPush, PersonData } from '../../integrations/types.js';
import { type AuditWho, recordAudit } from '../audit/service.js';
import { refreshOpenOffboardings, refreshPeople } from './mirror.js';

export interface HrisMerge {
  created: number;
  updated: number;
  unchanged: number;
  warnings: string[];
}

const BATCH = 1000;

/**
 * Merges an HRIS list into the register, matched by email: new people are added (source
 * "hris"). For the people it added, the HRIS is the authority on every field it carries; for
 * people added by hand or by SCIM it sets name and employment type and fills dates and manager
 * without erasing what was recorded here. People missing from the list stay: leaving is an end
 * date, not a deletion. One audit row for the import; the mirror is refreshed once for everyone changed.
 */
export async function mergeHrisPeople(
  tx: Tx,
  orgId: string,
  people: PersonData[],
  who: AuditWho,
  meta: RequestMeta,
  now: Date,
): Promise<HrisMerge> {
  const result: HrisMerge = { created: 0, updated: 0, unchanged: 0, warnings: [] };
  if (people.length === 0) return result;
  const changed: string[] = [];
  for (let i = 0; i < people.length; i += BATCH) {
    const batch = people.slice(i, i + BATCH);
    const existing = new Map(
      (
        await tx
          .selectFrom('people')
          .select(['id', 'email', 'name', 'source', 'employment_type', 'manager_email', 'start_date', 'end_date'])
          .where(
            'email',
            'in',
            batch.map((p) => p.email.toLowerCase()),
          )
          .execute()
      ).map((row) => [row.email, row]),
    );
    const inserts = [];
    for (const person of batch) {
      const email = person.email.toLowerCase();
      const row = existing.get(email);
      // For people the HRIS added, it is the whole truth (an end date it removed is gone: they
      // came back); for people added here or by SCIM, it fills what it knows and erases nothing.
      const authority = row === undefined || row.source === 'hris';
      const start = authority ? person.startDate : (person.startDate ?? row.start_date);
      let end = authority ? person.endDate : (person.endDate ?? row.end_date);
      if (start && end && end < start) {
        result.warnings.push(
          `${email}: the end date ${end} is before the start date ${start}; the end date was not recorded.`,
        );
        end = row?.end_date && row.end_date >= start ? row.end_date : null;
      }
      const fields = {
        name: person.name.slice(0, 200),
        employment_type: person.employmentType,
        manager_email: authority ? person.managerEmail : (person.managerEmail ?? row.manager_email),
        start_date: start,
        end_date: end,
      };
      if (!row) {
        const id = newId();
        inserts.push({
          id,
          org_id: orgId,
          email,
          source: 'hris' as const,
          created_at: now,
          updated_at: now,
          ...fields,
        });
        changed.push(id);
        result.created++;
        continue;
      }
      const same =
        row.name === fields.name &&
        row.employment_type === fields.employment_type &&
        row.manager_email === fields.manager_email &&
        row.start_date === fields.start_date &&
        row.end_date === fields.end_date;
      if (same) {
        result.unchanged++;
        continue;
      }
      await tx
        .updateTable('people')
        .set((eb) => ({ ...fields, version: eb('version', '+', 1), updated_at: now }))
        .where('id', '=', row.id)
        .execute();
      if (fields.end_date !== row.end_date && fields.end_date !== null) {
        await recordAudit(tx, orgId, who, meta, now, {
          action: 'person.departure_set',
          targetType: 'person',
          targetId: row.id,
          details: { email, endDate: fields.end_date, source: 'hris' },
        });
      }
      changed.push(row.id);
      result.updated++;
    }
    if (inserts.length > 0) await tx.insertInto('people').values(inserts).execute();
  }
  await recordAudit(tx, orgId, who, meta, now, {
    action: 'people.imported',
    targetType: 'people',
    details: { source: 'hris', created: result.created, updated: result.updated, unchanged: result.unchanged },
  });
  await refreshPeople(tx, orgId, changed, now);
  return result;
}

/**
 * Runs after every accepted push, in its transaction: person records (an HRIS list) merge into
 * the register; then the open offboardings re-read their accounts, which this sync may have
 * disabled or removed.
 */
export async function syncPeopleAfterPush(
  tx: Tx,
  orgId: string,
  parsed: ParsedPush,
  who: AuditWho,
  meta: RequestMeta,
  now: Date,
): Promise<string[]> {
  const people = parsed.scopes.flatMap((s) =>
    s.records.filter((r) => r.type === 'person').map((r) => r.data as PersonData),
  );
  const warnings: string[] = [];
  if (people.length > 0) {
    const merged = await mergeHrisPeople(tx, orgId, people, who, meta, now);
    warnings.push(...merged.warnings);
  }
  await refreshOpenOffboardings(tx, orgId, now);
  return warnings;
}
