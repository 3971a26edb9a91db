import { createHash } from 'node:crypto';
import { CheckIndex, emailOf, evaluateOrganisation, evaluateRecord, type Result } from '../../checks/evaluator.js';
import { ALL_CHECKS } from '../../checks/library/index.js';
import type { CheckContext, MonitoringSettings, StoredRecord } from '../../checks/types.js';
import type { Actor, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { AppError } from '../../errors.js';
import {
  type InventoryRecord,
  type ParsedPush,
  type PersonData,
  RECORD_TYPES,
  type RecordType,
} from '../../integrations/types.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { type ResultWrite, updateControlStatuses, writeResults } from './results.js';
import { loadSettings } from './settings.js';

export const CHECKS = new CheckIndex(ALL_CHECKS);

/** The built-in source through which the people register appears in the inventory. */
export const PEOPLE_SOURCE_KIND = 'people';

export interface PushSummary {
  pushId: string;
  source: { id: string; kind: string; name: string };
  format: string;
  receivedAt: string;
  records: { total: number; created: number; changed: number; unchanged: number; deleted: number };
  results: { changed: number; failing: number };
  controlsChanged: number;
  warnings: string[];
  /** True when this answer repeats an earlier push with the same Idempotency-Key. */
  replayed: boolean;
}

/** Canonical JSON (keys sorted), so the same record always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const contentHash = (record: InventoryRecord) =>
  createHash('sha256')
    .update(canonicalJson({ type: record.type, name: record.name, data: record.data }))
    .digest('hex');

/** Refuses records a parser should never produce; keeps the first of duplicated ids, with a warning. */
export function checkParsed(parsed: ParsedPush): ParsedPush {
  const warnings = [...parsed.warnings];
  const scopes = parsed.scopes.map((s) => {
    if (!s.scope || s.scope.length > 200) throw new AppError('import_invalid', `The scope "${s.scope}" is not valid.`);
    const seen = new Set<string>();
    const records = s.records.filter((r) => {
      if (!RECORD_TYPES.includes(r.type)) throw new AppError('import_invalid', `Unknown record type "${r.type}".`);
      if (!r.externalId || r.externalId.length > 1000) {
        throw new AppError('import_invalid', `A ${r.type} record in ${s.scope} has no usable id.`);
      }
      if (seen.has(r.externalId)) {
        warnings.push(`${s.scope}: "${r.externalId}" appears more than once; the first was kept.`);
        return false;
      }
      seen.add(r.externalId);
      return true;
    });
    return { scope: s.scope, records };
  });
  return { ...parsed, scopes, warnings };
}

interface ExistingRow {
  id: string;
  external_id: string;
  content_hash: string;
  first_seen_at: Date | string;
  deleted_at: Date | string | null;
  disabled_at: Date | string | null;
  type: string;
  name: string;
  person_record_id: string | null;
}

const BATCH = 1000;
/** Items in batches, so no statement carries more parameters than the engines accept. */
export const chunks = <T>(items: T[], size = BATCH): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/**
 * Applies one push inside the caller's transaction: each scope's records replace the scope's
 * previous state (new, changed by content hash, unchanged, and missing ones become tombstones);
 * then only the checks over what changed re-run, their results are written with deadlines, and
 * a change of a control's status is appended to the ledger.
 */
export async function applyPush(
  tx: Tx,
  orgId: string,
  source: { id: string; kind: string; name: string },
  parsed: ParsedPush,
  now: Date,
  /**
   * A partial push: each scope carries only the records that changed, and `removed` the
   * external ids that are gone; every other record of the scope stays as it is. The people
   * register updates its mirror this way, one person at a time.
   */
  partial?: { removed: string[] },
): Promise<Omit<PushSummary, 'pushId' | 'replayed' | 'receivedAt'>> {
  const counts = { total: 0, created: 0, changed: 0, unchanged: 0, deleted: 0 };
  const upserts: StoredRecord[] = [];
  const removed: { id: string; type: RecordType }[] = [];
  /** Changed accounts linked by hand to a person record: account id → person record id. */
  const linked = new Map<string, string>();

  for (const scope of parsed.scopes) {
    let query = tx
      .selectFrom('inventory_records')
      .select([
        'id',
        'external_id',
        'content_hash',
        'first_seen_at',
        'deleted_at',
        'disabled_at',
        'type',
        'name',
        'person_record_id',
      ])
      .where('source_id', '=', source.id)
      .where('scope', '=', scope.scope);
    if (partial) {
      const ids = [...scope.records.map((r) => r.externalId), ...partial.removed];
      if (ids.length === 0) continue;
      query = query.where('external_id', 'in', ids);
    }
    const existing = await query.execute();
    const byExternal = new Map<string, ExistingRow>(existing.map((r) => [r.external_id, r]));
    const inserts: Record<string, unknown>[] = [];
    const updates: { id: string; record: InventoryRecord; hash: string; disabledAt: Date | string | null }[] = [];
    const touchedIds: string[] = [];
    counts.total += scope.records.length;
    for (const record of scope.records) {
      const hash = contentHash(record);
      const row = byExternal.get(record.externalId);
      byExternal.delete(record.externalId);
      if (!row) {
        const id = newId();
        inserts.push(insertValues(orgId, source.id, scope.scope, id, record, hash, now));
        upserts.push(stored(id, source.kind, now, record));
        counts.created++;
      } else if (row.content_hash !== hash || row.deleted_at !== null) {
        updates.push({ id: row.id, record, hash, disabledAt: disabledSince(record, row.disabled_at, now) });
        upserts.push(stored(row.id, source.kind, row.deleted_at ? now : row.first_seen_at, record));
        if (row.person_record_id) linked.set(row.id, row.person_record_id);
        counts.changed++;
      } else {
        touchedIds.push(row.id);
        counts.unchanged++;
      }
    }
    for (const batch of chunks(inserts))
      await tx
        .insertInto('inventory_records')
        .values(batch as never)
        .execute();
    for (const u of updates) {
      await tx
        .updateTable('inventory_records')
        .set({
          name: u.record.name,
          data: JSON.stringify(u.record.data),
          content_hash: u.hash,
          email: emailOf(u.record)?.toLowerCase() ?? null,
          type: u.record.type,
          last_seen_at: now,
          deleted_at: null,
          disabled_at: u.disabledAt,
        })
        .where('id', '=', u.id)
        .execute();
    }
    for (const ids of chunks(touchedIds, 5000)) {
      await tx.updateTable('inventory_records').set({ last_seen_at: now }).where('id', 'in', ids).execute();
    }
    // What the scope no longer reports becomes a tombstone.
    const removedIds = partial ? new Set(partial.removed) : null;
    const gone = [...byExternal.values()].filter(
      (r) => r.deleted_at === null && (removedIds === null || removedIds.has(r.external_id)),
    );
    for (const ids of chunks(
      gone.map((r) => r.id),
      5000,
    )) {
      await tx.updateTable('inventory_records').set({ deleted_at: now }).where('id', 'in', ids).execute();
    }
    for (const r of gone) removed.push({ id: r.id, type: r.type as RecordType });
    counts.deleted += gone.length;
  }

  if (linked.size > 0) {
    const people = await tx
      .selectFrom('inventory_records')
      .select(['id', 'email'])
      .where('id', 'in', [...new Set(linked.values())])
      .where('deleted_at', 'is', null)
      .execute();
    const emailOfPerson = new Map(people.map((p) => [p.id, p.email]));
    for (const [i, record] of upserts.entries()) {
      const person = linked.get(record.id);
      if (person) upserts[i] = { ...record, data: withLink(record.data, emailOfPerson.get(person)) as never };
    }
  }
  const settings = await loadSettings(tx);
  const writes = await evaluateChanges(tx, source.kind, upserts, removed, settings, now);
  const { changed, failing } = await writeResults(tx, orgId, writes, settings, now);
  const controlsChanged = changed > 0 ? await updateControlStatuses(tx, orgId, now) : 0;
  await tx
    .updateTable('monitoring_sources')
    .set({ last_push_at: now, last_status: 'ok', last_error: null, updated_at: now })
    .where('id', '=', source.id)
    .execute();
  return {
    source,
    format: parsed.format,
    records: counts,
    results: { changed, failing },
    controlsChanged,
    warnings: parsed.warnings,
  };
}

function insertValues(
  orgId: string,
  sourceId: string,
  scope: string,
  id: string,
  record: InventoryRecord,
  hash: string,
  now: Date,
) {
  return {
    id,
    org_id: orgId,
    source_id: sourceId,
    scope,
    type: record.type,
    external_id: record.externalId,
    name: record.name.slice(0, 500),
    data: JSON.stringify(record.data),
    content_hash: hash,
    email: emailOf(record)?.toLowerCase() ?? null,
    first_seen_at: now,
    last_seen_at: now,
    disabled_at: disabledSince(record, null, now),
  };
}

/**
 * When an account was first seen disabled: kept from an earlier sync while it stays disabled,
 * now when this sync is the first to show it, null while it is active (and for other records).
 */
function disabledSince(record: InventoryRecord, before: Date | string | null, now: Date): Date | string | null {
  if (record.type !== 'account' || (record.data as { active?: boolean }).active !== false) return null;
  return before ?? now;
}

function stored(id: string, source: string, firstSeen: Date | string, record: InventoryRecord): StoredRecord {
  return { ...record, id, source, firstSeenAt: iso(firstSeen) };
}

/**
 * The results to write for a push: its changed records' checks, the checks that depend on a
 * changed type over the records matched to what changed (accounts of a changed person), the
 * organisation checks that read a changed type, and the removal of removed records' results.
 */
async function evaluateChanges(
  tx: Tx,
  sourceKind: string,
  upserts: StoredRecord[],
  removed: { id: string; type: RecordType }[],
  settings: MonitoringSettings,
  now: Date,
): Promise<ResultWrite> {
  const changedTypes = new Set<RecordType>([...upserts.map((r) => r.type), ...removed.map((r) => r.type)]);

  // Dependent records: accounts whose email matches a person that changed, or linked to one.
  const dependentRecords: StoredRecord[] = [];
  const dependentChecks = [...changedTypes].flatMap((t) => CHECKS.dependents.get(t) ?? []);
  if (dependentChecks.length > 0 && changedTypes.has('person')) {
    const emails = upserts.filter((r) => r.type === 'person').map((r) => emailOf(r) ?? '');
    const removedPeople = removed.filter((r) => r.type === 'person').map((r) => r.id);
    const removedEmails =
      removedPeople.length > 0
        ? (await tx.selectFrom('inventory_records').select('email').where('id', 'in', removedPeople).execute()).map(
            (r) => r.email ?? '',
          )
        : [];
    const all = [...new Set([...emails, ...removedEmails])].filter(Boolean);
    const upserted = new Set(upserts.map((r) => r.id));
    const changedPeople = [...upserts.filter((r) => r.type === 'person').map((r) => r.id), ...removedPeople];
    const seen = new Set<string>();
    const add = (rows: Parameters<typeof toStored>[0][]) => {
      for (const row of rows) {
        if (upserted.has(row.id) || seen.has(row.id)) continue;
        seen.add(row.id);
        dependentRecords.push(toStored(row));
      }
    };
    for (const batch of chunks(all, 5000)) {
      // By their own email, or through a hand link to any record of that person (HRIS or register).
      add(
        await recordsQuery(tx)
          .where((eb) => eb.or([eb('r.email', 'in', batch), eb('p.email', 'in', batch)]))
          .where('r.type', '!=', 'person')
          .execute(),
      );
    }
    // Accounts linked by hand to a person that changed.
    for (const batch of chunks(changedPeople, 5000)) {
      add(await recordsQuery(tx).where('r.person_record_id', 'in', batch).execute());
    }
  }

  // People for the accounts evaluated now, by email.
  const emails = new Set<string>();
  for (const r of [...upserts, ...dependentRecords]) {
    const email = r.type === 'account' ? emailOf(r) : null;
    if (email) emails.add(email);
  }
  const people = new Map<string, PersonData>();
  for (const batch of chunks([...emails], 5000)) {
    const rows = await tx
      .selectFrom('inventory_records as r')
      .innerJoin('monitoring_sources as s', 's.id', 'r.source_id')
      .select(['r.email', 'r.data', 's.kind'])
      .where('r.type', '=', 'person')
      .where('r.deleted_at', 'is', null)
      .where('r.email', 'in', batch)
      .execute();
    // The people register (source kind "people") is the truth; an HRIS record only fills a gap.
    for (const row of rows) {
      const email = row.email ?? '';
      if (row.kind === PEOPLE_SOURCE_KIND || !people.has(email)) people.set(email, row.data as PersonData);
    }
  }

  // Organisation checks read small sets of records; load the types they read, once each.
  const orgChecks = CHECKS.organisationChecksFor(changedTypes);
  const readTypes = new Set<RecordType>(orgChecks.flatMap((c) => c.reads));
  const sets = new Map<RecordType, StoredRecord[]>();
  for (const type of readTypes) {
    sets.set(type, (await recordsQuery(tx).where('r.type', '=', type).execute()).map(toStored));
  }
  // Person-dependent record checks only ask whether any person exists: one record says it
  // (loading every person for each single change would make a sync of n people cost n²).
  if (!sets.has('person') && (dependentChecks.length > 0 || upserts.some((r) => r.type === 'account'))) {
    sets.set('person', (await recordsQuery(tx).where('r.type', '=', 'person').limit(1).execute()).map(toStored));
  }
  const pushes = await tx
    .selectFrom('monitoring_sources')
    .select(['kind', (eb) => eb.fn.max('last_push_at').as('at')])
    .groupBy('kind')
    .execute();
  const lastPush = new Map(pushes.filter((p) => p.at).map((p) => [p.kind, iso(p.at as Date)]));
  lastPush.set(sourceKind, now.toISOString());

  const ctx: CheckContext = {
    now,
    settings,
    personByEmail: (email) => people.get(email),
    records: (type) => (sets.get(type) ?? []) as never,
    lastPushAt: (source) => lastPush.get(source),
  };

  const results: Result[] = [];
  for (const record of upserts) results.push(...evaluateRecord(CHECKS.byType.get(record.type) ?? [], record, ctx));
  for (const record of dependentRecords) {
    results.push(...evaluateRecord(dependentChecks, record, ctx));
  }
  results.push(...evaluateOrganisation(orgChecks, ctx));
  return {
    results,
    // Every current result of these resources is replaced by `results` (those not produced go).
    replaceResources: upserts.map((r) => r.id),
    // Only these checks' results of these resources are replaced.
    partial: dependentRecords.map((r) => ({ resource: r.id, checks: dependentChecks.map((c) => c.id) })),
    removedResources: removed.map((r) => r.id),
  };
}

/** Current records with their source kind, and for an account linked by hand, its person's email. */
export function recordsQuery(tx: Tx) {
  return tx
    .selectFrom('inventory_records as r')
    .innerJoin('monitoring_sources as s', 's.id', 'r.source_id')
    .leftJoin('inventory_records as p', (j) =>
      j.onRef('p.id', '=', 'r.person_record_id').on('p.deleted_at', 'is', null),
    )
    .select([
      'r.id',
      'r.type',
      'r.external_id',
      'r.name',
      'r.data',
      'r.first_seen_at',
      's.kind',
      'p.email as linked_email',
    ])
    .where('r.deleted_at', 'is', null);
}

/** An account linked by hand to a person is matched through that person's email. */
const withLink = (data: unknown, linkedEmail: string | null | undefined) =>
  linkedEmail ? { ...(data as object), email: linkedEmail } : data;

export function toStored(row: {
  id: string;
  type: string;
  external_id: string;
  name: string;
  data: unknown;
  first_seen_at: Date | string;
  kind: string;
  linked_email?: string | null;
}): StoredRecord {
  return {
    id: row.id,
    type: row.type as RecordType,
    externalId: row.external_id,
    name: row.name,
    data: (row.type === 'account' ? withLink(row.data, row.linked_email) : row.data) as never,
    source: row.kind,
    firstSeenAt: iso(row.first_seen_at),
  };
}

/**
 * Re-runs every check of these records (after a manual link changed how they match) and
 * writes what differs, then the control statuses.
 */
export async function reevaluateRecords(tx: Tx, orgId: string, ids: string[], sourceKind: string, now: Date) {
  const records = (await recordsQuery(tx).where('r.id', 'in', ids).execute()).map(toStored);
  const settings = await loadSettings(tx);
  const writes = await evaluateChanges(tx, sourceKind, records, [], settings, now);
  const { changed } = await writeResults(tx, orgId, writes, settings, now);
  if (changed > 0) await updateControlStatuses(tx, orgId, now);
  return changed;
}

/** Finds or creates the source a push is for (kind + name), as the acting person. */
export async function sourceFor(
  tx: Tx,
  orgId: string,
  kind: string,
  name: string,
  actor: Actor | null,
  now: Date,
): Promise<{ id: string; kind: string; name: string }> {
  const found = await tx
    .selectFrom('monitoring_sources')
    .select(['id', 'kind', 'name'])
    .where('kind', '=', kind)
    .where('name', '=', name)
    .executeTakeFirst();
  if (found) return found;
  const id = newId();
  await tx
    .insertInto('monitoring_sources')
    .values({
      id,
      org_id: orgId,
      kind,
      name,
      created_by: actor?.userId ?? null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, kind, name };
}

export const requestHash = (kind: string, name: string, body: string) =>
  createHash('sha256').update(`${kind}\n${name}\n`).update(body).digest('hex');

/** A push's audit row: counts only, never record contents. */
export async function auditPush(
  tx: Tx,
  orgId: string,
  actor: Actor | null,
  meta: RequestMeta,
  now: Date,
  summary: PushSummary,
): Promise<void> {
  await recordAudit(tx, orgId, actor ? auditWho(actor) : { userId: null, label: 'system' }, meta, now, {
    action: 'monitoring.pushed',
    targetType: 'monitoring_source',
    targetId: summary.source.id,
    details: {
      kind: summary.source.kind,
      name: summary.source.name,
      format: summary.format,
      records: summary.records,
      results: summary.results,
    },
  });
}
