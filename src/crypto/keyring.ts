import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../db/connect.js';
import { type Tx, withScope } from '../db/tenancy.js';
import { type MasterKey, unwrapKey, wrapKey } from './master-key.js';

export interface DataKey {
  term: number;
  key: Buffer;
}

export interface RotationResult {
  kekTerm: number;
  organisations: number;
  rewrapped: number;
}

export interface KeyringStatus {
  kekTerms: { term: number; createdAt: string; wraps: number }[];
  organisations: { orgId: string; terms: { term: number; createdAt: string }[] }[];
}

/** Start-up stops here when ATTEST_MASTER_KEY (or master.key) is not the one the data was made with. */
export class MasterKeyMismatch extends Error {}

interface DataKeyRow {
  term: number;
  kek_term: number;
  wrapped_key: Uint8Array;
  created_at: Date;
}

/**
 * The keyring (ARCHITECTURE.md, "Secrets at rest"): key-encrypting keys (KEKs) wrapped under
 * the master key, and per-organisation data keys wrapped under a KEK, both in numbered terms.
 * Unwrapped keys live in this object only. Request code reaches an organisation's data keys as
 * the app role under row-level security; rotation and status run as the owning role.
 *
 * `currentDataKey` and `dataKey` take the caller's transaction when there is one (it must be
 * scoped to the organisation): the embedded database has a single session, so a second
 * transaction opened here would wait for the caller's forever. A key read or created through
 * the caller's transaction is not cached, since that transaction may still roll back.
 */
export class Keyring {
  readonly #keks = new Map<number, Buffer>();
  readonly #dataKeys = new Map<string, Buffer>();
  readonly #creating = new Map<string, Promise<DataKey>>();

  private constructor(
    private readonly database: Database,
    private readonly master: MasterKey,
  ) {}

  /** Loads (on first use, creates) the key-encrypting keys; refuses a master key they were not wrapped with. */
  static async open(database: Database, master: MasterKey, now: Date): Promise<Keyring> {
    const keyring = new Keyring(database, master);
    // The first term, once: a second process starting at the same moment inserts nothing.
    await sql`INSERT INTO keyring_keks (term, wrapped_key, created_at)
              SELECT 1, ${master.wrapKey(randomBytes(32))}, ${now}
               WHERE NOT EXISTS (SELECT 1 FROM keyring_keks)
              ON CONFLICT (term) DO NOTHING`.execute(database.db);
    await keyring.#loadKeks(database.db);
    return keyring;
  }

  /** The organisation's newest data key; its first is created here, once, however many ask at once. */
  async currentDataKey(orgId: string, tx?: Tx): Promise<DataKey> {
    if (tx) return this.#current(tx, orgId, false);
    const running = this.#creating.get(orgId);
    if (running) return running;
    const promise = withScope(this.database, { orgId }, (scoped) => this.#current(scoped, orgId, true)).finally(() =>
      this.#creating.delete(orgId),
    );
    this.#creating.set(orgId, promise);
    return promise;
  }

  /** The organisation's data key of `term` (to read what was written under it). */
  async dataKey(orgId: string, term: number, tx?: Tx): Promise<Buffer> {
    const cached = this.#dataKeys.get(cacheKey(orgId, term));
    if (cached) return cached;
    const read = async (scoped: Tx, cache: boolean) => {
      const row = await scoped
        .selectFrom('org_data_keys')
        .select(['term', 'kek_term', 'wrapped_key', 'created_at'])
        .where('org_id', '=', orgId)
        .where('term', '=', term)
        .executeTakeFirst();
      if (!row) throw new Error(`The organisation ${orgId} has no data key of term ${term}.`);
      return this.#unwrapData(scoped, orgId, row, cache);
    };
    return tx ? read(tx, false) : withScope(this.database, { orgId }, (scoped) => read(scoped, true));
  }

  /**
   * Adds a key-encrypting term, a data-key term for every organisation and re-wraps every data
   * key under the new KEK, in one transaction (so a failure changes nothing). `record` runs in
   * that transaction too (the audit row).
   */
  async rotate(now: Date, record?: (tx: Tx, result: RotationResult) => Promise<void>): Promise<RotationResult> {
    const kek = randomBytes(32);
    const result = await this.database.db.transaction().execute(async (tx) => {
      // One rotation at a time; requests creating a first data key wait for it (reads do not).
      await sql`LOCK TABLE keyring_keks, org_data_keys IN SHARE ROW EXCLUSIVE MODE`.execute(tx);
      await this.#loadKeks(tx);
      const kekTerm = Math.max(0, ...this.#keks.keys()) + 1;
      await tx
        .insertInto('keyring_keks')
        .values({ term: kekTerm, wrapped_key: this.master.wrapKey(kek), created_at: now })
        .execute();
      let organisations = 0;
      let rewrapped = 0;
      for (const orgId of await organisationIds(tx)) {
        await sql`SELECT set_config('app.org_id', ${orgId}, true)`.execute(tx);
        const rows = await dataKeyRows(tx, orgId);
        for (const row of rows) {
          const key = await this.#unwrapData(tx, orgId, row, false);
          await tx
            .updateTable('org_data_keys')
            .set({ kek_term: kekTerm, wrapped_key: wrapKey(kek, key), rewrapped_at: now })
            .where('org_id', '=', orgId)
            .where('term', '=', row.term)
            .execute();
          rewrapped++;
        }
        await tx
          .insertInto('org_data_keys')
          .values({
            org_id: orgId,
            term: Math.max(0, ...rows.map((r) => r.term)) + 1,
            kek_term: kekTerm,
            wrapped_key: wrapKey(kek, randomBytes(32)),
            created_at: now,
          })
          .execute();
        organisations++;
      }
      await sql`SELECT set_config('app.org_id', '', true)`.execute(tx);
      const result = { kekTerm, organisations, rewrapped };
      await record?.(tx, result);
      return result;
    });
    this.#keks.set(result.kekTerm, kek);
    return result;
  }

  /** Terms at both levels, how many data keys each KEK wraps, and each organisation's terms. */
  async status(): Promise<KeyringStatus> {
    return this.database.db.transaction().execute(async (tx) => {
      const keks = await tx.selectFrom('keyring_keks').select(['term', 'created_at']).orderBy('term').execute();
      const wraps = new Map<number, number>();
      const organisations: KeyringStatus['organisations'] = [];
      for (const orgId of await organisationIds(tx)) {
        await sql`SELECT set_config('app.org_id', ${orgId}, true)`.execute(tx);
        const rows = await dataKeyRows(tx, orgId);
        for (const row of rows) wraps.set(row.kek_term, (wraps.get(row.kek_term) ?? 0) + 1);
        if (rows.length > 0) {
          organisations.push({
            orgId,
            terms: rows.map((r) => ({ term: r.term, createdAt: new Date(r.created_at).toISOString() })),
          });
        }
      }
      return {
        kekTerms: keks.map((k) => ({
          term: k.term,
          createdAt: new Date(k.created_at).toISOString(),
          wraps: wraps.get(k.term) ?? 0,
        })),
        organisations,
      };
    });
  }

  async #current(tx: Tx, orgId: string, cache: boolean): Promise<DataKey> {
    const newest = () =>
      tx
        .selectFrom('org_data_keys')
        .select(['term', 'kek_term', 'wrapped_key', 'created_at'])
        .where('org_id', '=', orgId)
        .orderBy('term', 'desc')
        .limit(1)
        .executeTakeFirst();
    let row = await newest();
    if (!row) {
      // Two requests may get here at once: the second insert waits for the first to commit,
      // then does nothing, and both read the one key that was stored.
      const kekTerm = Math.max(...this.#keks.keys());
      await tx
        .insertInto('org_data_keys')
        .values({
          org_id: orgId,
          term: 1,
          kek_term: kekTerm,
          wrapped_key: wrapKey(this.#kek(kekTerm), randomBytes(32)),
          created_at: new Date(),
        })
        .onConflict((oc) => oc.columns(['org_id', 'term']).doNothing())
        .execute();
      row = await newest();
      if (!row) throw new Error(`Could not create a data key for the organisation ${orgId}.`);
    }
    return { term: row.term, key: await this.#unwrapData(tx, orgId, row, cache) };
  }

  async #unwrapData(tx: Tx, orgId: string, row: DataKeyRow, cache: boolean): Promise<Buffer> {
    const cached = this.#dataKeys.get(cacheKey(orgId, row.term));
    if (cached) return cached;
    // Another process may have rotated since this one started: learn its new terms.
    if (!this.#keks.has(row.kek_term)) await this.#loadKeks(tx);
    let key: Buffer;
    try {
      key = unwrapKey(this.#kek(row.kek_term), row.wrapped_key);
    } catch {
      throw new Error(`The data key of term ${row.term} of the organisation ${orgId} does not unwrap: it was changed.`);
    }
    if (cache) this.#dataKeys.set(cacheKey(orgId, row.term), key);
    return key;
  }

  #kek(term: number): Buffer {
    const kek = this.#keks.get(term);
    if (!kek) throw new Error(`The keyring has no key-encrypting key of term ${term}.`);
    return kek;
  }

  async #loadKeks(db: Database['db'] | Tx): Promise<void> {
    const rows = await db.selectFrom('keyring_keks').select(['term', 'wrapped_key']).orderBy('term').execute();
    for (const row of rows) {
      if (this.#keks.has(row.term)) continue;
      try {
        this.#keks.set(row.term, this.master.unwrapKey(row.wrapped_key));
      } catch {
        throw new MasterKeyMismatch(
          `The master key does not match this data: it cannot unwrap the keyring's key-encrypting key of term ${row.term}. ` +
            'Start with the original ATTEST_MASTER_KEY or key file (attest-data/master.key); nothing was changed.',
        );
      }
    }
  }
}

const cacheKey = (orgId: string, term: number) => `${orgId}:${term}`;

async function organisationIds(tx: Tx): Promise<string[]> {
  const rows = await tx.selectFrom('organizations').select('id').orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** An organisation's data keys, oldest first (the owning role, with app.org_id set to it). */
function dataKeyRows(tx: Tx, orgId: string): Promise<DataKeyRow[]> {
  return tx
    .selectFrom('org_data_keys')
    .select(['term', 'kek_term', 'wrapped_key', 'created_at'])
    .where('org_id', '=', orgId)
    .orderBy('term')
    .execute();
}
