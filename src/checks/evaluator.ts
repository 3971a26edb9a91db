import type { AccountData, PersonData, RecordType, Severity } from '../integrations/types.js';
import type {
  Check,
  CheckContext,
  MonitoringSettings,
  OrganisationCheck,
  Outcome,
  RecordCheck,
  StoredRecord,
} from './types.js';

/** The resource of an organisation-wide check's one result. */
export const ORGANISATION = 'organisation';

export interface Result {
  checkId: string;
  /** The record's id, or ORGANISATION. */
  resource: string;
  resourceName: string;
  severity: Severity;
  outcome: Outcome;
  reason: string;
}

/** Checks grouped the ways evaluation looks them up. */
export class CheckIndex {
  readonly byType = new Map<RecordType, RecordCheck[]>();
  /** Record checks to re-run on their records when records of the key type change. */
  readonly dependents = new Map<RecordType, RecordCheck[]>();
  readonly organisation: OrganisationCheck[] = [];

  constructor(readonly checks: readonly Check[]) {
    for (const check of checks) {
      if (check.scope === 'organisation') {
        this.organisation.push(check);
        continue;
      }
      push(this.byType, check.resourceType, check);
      for (const type of check.dependsOn ?? []) push(this.dependents, type, check);
    }
  }

  /** Organisation checks that read any of `types`, plus those that read nothing (push times). */
  organisationChecksFor(types: Iterable<RecordType>): OrganisationCheck[] {
    const changed = new Set(types);
    return this.organisation.filter((c) => c.reads.length === 0 || c.reads.some((t) => changed.has(t)));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Runs `checks` (all of one record's type, or a subset) on one record. */
export function evaluateRecord(checks: readonly RecordCheck[], record: StoredRecord, ctx: CheckContext): Result[] {
  const results: Result[] = [];
  for (const check of checks) {
    if (check.resourceType !== record.type || !check.applies(record)) continue;
    const { outcome, reason } = check.evaluate(record, ctx);
    results.push({
      checkId: check.id,
      resource: record.id,
      resourceName: record.name,
      severity: check.severity,
      outcome,
      reason,
    });
  }
  return results;
}

export function evaluateOrganisation(checks: readonly OrganisationCheck[], ctx: CheckContext): Result[] {
  return checks.map((check) => {
    const { outcome, reason } = check.evaluate(ctx);
    return {
      checkId: check.id,
      resource: ORGANISATION,
      resourceName: 'Organisation',
      severity: check.severity,
      outcome,
      reason,
    };
  });
}

export const resultKey = (checkId: string, resource: string) => `${checkId}\u0000${resource}`;

/** The lower-cased email a record is matched on (accounts and people), or null. */
export function emailOf(record: Pick<StoredRecord, 'type' | 'data'>): string | null {
  if (record.type === 'person') return (record.data as PersonData).email;
  if (record.type === 'account') return (record.data as AccountData).email;
  return null;
}

export interface ResultChange {
  checkId: string;
  resource: string;
  before: Result | undefined;
  after: Result | undefined;
}

/**
 * An organisation's inventory held in memory with its current results: evaluates everything
 * once, then re-evaluates incrementally. A changed record re-runs only its own type's checks,
 * the checks that depend on its type on the records matched to it (accounts of a person, by
 * email), and the organisation checks that read its type. Results are kept per record (check id
 * → result), so nothing is keyed by built strings. Used by the benchmark and by the daily full
 * re-evaluation; pushes use the same functions over what changed in the database.
 */
export class InventoryEvaluation {
  readonly records = new Map<string, StoredRecord>();
  readonly #resultsByRecord = new Map<string, Map<string, Result>>();
  readonly #organisationResults = new Map<string, Result>();
  readonly #byType = new Map<RecordType, Map<string, StoredRecord>>();
  readonly #peopleByEmail = new Map<string, PersonData>();
  /** Record ids by email, for the records that depend on people. */
  readonly #idsByEmail = new Map<string, Set<string>>();
  readonly #lastPush = new Map<string, string>();
  readonly ctx: CheckContext;

  constructor(
    readonly index: CheckIndex,
    settings: MonitoringSettings,
    now: Date,
  ) {
    this.ctx = {
      now,
      settings,
      personByEmail: (email) => this.#peopleByEmail.get(email),
      records: <T extends RecordType>(type: T) => (this.#byType.get(type)?.values() ?? []) as Iterable<StoredRecord<T>>,
      lastPushAt: (source) => this.#lastPush.get(source),
    };
  }

  /** Every current result. */
  *results(): Generator<Result> {
    for (const results of this.#resultsByRecord.values()) yield* results.values();
    yield* this.#organisationResults.values();
  }

  get resultCount(): number {
    let n = this.#organisationResults.size;
    for (const results of this.#resultsByRecord.values()) n += results.size;
    return n;
  }

  /** Loads records and push times and evaluates every check: the full evaluation. */
  load(records: Iterable<StoredRecord>, pushes: Iterable<[source: string, at: string]> = []): void {
    for (const [source, at] of pushes) this.#lastPush.set(source, at);
    for (const record of records) this.#put(record);
    for (const record of this.records.values()) {
      const checks = this.index.byType.get(record.type);
      if (!checks) continue;
      const results = new Map<string, Result>();
      for (const result of evaluateRecord(checks, record, this.ctx)) results.set(result.checkId, result);
      if (results.size > 0) this.#resultsByRecord.set(record.id, results);
    }
    for (const result of evaluateOrganisation(this.index.organisation, this.ctx)) {
      this.#organisationResults.set(result.checkId, result);
    }
  }

  /**
   * Applies a push's changes (new or changed records, removed record ids, the source's push
   * time) and answers the results that changed.
   */
  apply(change: { upserts?: StoredRecord[]; removals?: string[]; pushedSource?: [string, string] }): ResultChange[] {
    const changes: ResultChange[] = [];
    const changedTypes = new Set<RecordType>();
    const peopleEmails = new Set<string>();
    const peopleBefore = this.#byType.get('person')?.size ?? 0;
    if (change.pushedSource) this.#lastPush.set(...change.pushedSource);

    for (const id of change.removals ?? []) {
      const record = this.records.get(id);
      if (!record) continue;
      changedTypes.add(record.type);
      if (record.type === 'person') peopleEmails.add(emailOf(record) ?? '');
      for (const before of this.#resultsByRecord.get(id)?.values() ?? []) {
        changes.push({ checkId: before.checkId, resource: id, before, after: undefined });
      }
      this.#resultsByRecord.delete(id);
      this.#remove(record);
    }
    for (const record of change.upserts ?? []) {
      const previous = this.records.get(record.id);
      if (previous) this.#remove(previous);
      this.#put(record);
      changedTypes.add(record.type);
      if (record.type === 'person') {
        peopleEmails.add(emailOf(record) ?? '');
        if (previous) peopleEmails.add(emailOf(previous) ?? '');
      }
      this.#rerun(record, this.index.byType.get(record.type) ?? [], true, changes);
    }

    // Checks that depend on a changed type re-run on the records matched to it; when the
    // inventory of that type appears or disappears entirely, on all their records.
    for (const type of changedTypes) {
      const dependents = this.index.dependents.get(type);
      if (!dependents) continue;
      const peopleAfter = this.#byType.get('person')?.size ?? 0;
      const everything = type === 'person' && (peopleBefore === 0) !== (peopleAfter === 0);
      const targets = everything
        ? this.#allOfTypes(dependents)
        : [...peopleEmails].flatMap((email) => [...(this.#idsByEmail.get(email) ?? [])]);
      for (const id of targets) {
        const record = this.records.get(id);
        if (!record) continue;
        const checks = dependents.filter((c) => c.resourceType === record.type);
        this.#rerun(record, checks, false, changes);
      }
    }

    for (const after of evaluateOrganisation(this.index.organisationChecksFor(changedTypes), this.ctx)) {
      const before = this.#organisationResults.get(after.checkId);
      this.#organisationResults.set(after.checkId, after);
      if (!sameResult(before, after)) changes.push({ checkId: after.checkId, resource: ORGANISATION, before, after });
    }
    return changes;
  }

  /**
   * Runs `checks` on the record and stores the results. With `all`, results of the record's
   * other checks (that no longer apply) go; otherwise only the checks run are replaced.
   */
  #rerun(record: StoredRecord, checks: readonly RecordCheck[], all: boolean, changes: ResultChange[]): void {
    const previous = this.#resultsByRecord.get(record.id);
    const next = all ? new Map<string, Result>() : new Map(previous);
    if (!all) for (const check of checks) next.delete(check.id);
    for (const result of evaluateRecord(checks, record, this.ctx)) next.set(result.checkId, result);
    const ran = all ? null : new Set(checks.map((c) => c.id));
    for (const [checkId, before] of previous ?? []) {
      if (ran && !ran.has(checkId)) continue;
      const after = next.get(checkId);
      if (!sameResult(before, after)) changes.push({ checkId, resource: record.id, before, after });
    }
    for (const [checkId, after] of next) {
      if (!previous?.has(checkId)) changes.push({ checkId, resource: record.id, before: undefined, after });
    }
    if (next.size > 0) this.#resultsByRecord.set(record.id, next);
    else this.#resultsByRecord.delete(record.id);
  }

  #allOfTypes(checks: RecordCheck[]): string[] {
    const types = new Set(checks.map((c) => c.resourceType));
    return [...types].flatMap((t) => [...(this.#byType.get(t)?.keys() ?? [])]);
  }

  #put(record: StoredRecord): void {
    this.records.set(record.id, record);
    let ofType = this.#byType.get(record.type);
    if (!ofType) {
      ofType = new Map();
      this.#byType.set(record.type, ofType);
    }
    ofType.set(record.id, record);
    const email = emailOf(record);
    if (!email) return;
    if (record.type === 'person') {
      // The people register's record (it carries `register`) wins over an HRIS list's.
      const data = record.data as PersonData;
      const known = this.#peopleByEmail.get(email);
      if (!known || known.register === undefined || data.register !== undefined) this.#peopleByEmail.set(email, data);
    } else {
      let ids = this.#idsByEmail.get(email);
      if (!ids) {
        ids = new Set();
        this.#idsByEmail.set(email, ids);
      }
      ids.add(record.id);
    }
  }

  #remove(record: StoredRecord): void {
    this.records.delete(record.id);
    this.#byType.get(record.type)?.delete(record.id);
    const email = emailOf(record);
    if (!email) return;
    if (record.type === 'person') {
      if (this.#peopleByEmail.get(email) === record.data) this.#peopleByEmail.delete(email);
    } else this.#idsByEmail.get(email)?.delete(record.id);
  }
}

export function sameResult(a: Result | undefined, b: Result | undefined): boolean {
  if (!a || !b) return a === b;
  return a.outcome === b.outcome && a.reason === b.reason && a.resourceName === b.resourceName;
}
