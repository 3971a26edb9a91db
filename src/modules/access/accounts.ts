/**
 * The accounts of a system: the current account records (inventory_records of type "account")
 * of the monitoring source the system names, each matched to the person it belongs to in the
 * people register. An account belongs to a person through a manual link (the account's
 * person_record_id points at a person record, whose email names the person) or, without one,
 * by its own email. Two flags say what needs attention: "orphan" (nobody in the register) and
 * "departed" (the person's end date has passed and the account is still active).
 */

import { type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import type { AccountData } from '../../integrations/types.js';
import { type PersonStatus, statusOf, today } from '../people/register.js';

export const ACCOUNT_FLAGS = ['orphan', 'departed'] as const;
export type AccountFlag = (typeof ACCOUNT_FLAGS)[number];

export interface SystemAccount {
  /** The inventory record's id. */
  id: string;
  name: string;
  username: string;
  email: string | null;
  displayName: string | null;
  admin: boolean;
  active: boolean;
  /** Null when the source does not say. */
  mfa: boolean | null;
  lastLoginAt: string | null;
  /** The source's scope (e.g. "accounts:slack"). */
  scope: string;
  firstSeenAt: string;
  lastSeenAt: string;
  /** When a sync first showed the account disabled. */
  disabledAt: string | null;
  /** True when someone linked the account to a person by hand. */
  linked: boolean;
  person: { id: string; name: string; email: string; endDate: string | null; status: PersonStatus } | null;
  flags: AccountFlag[];
}

export interface AccountCounts {
  accounts: number;
  orphans: number;
  departed: number;
}

/** Current accounts of a source, joined to their person (manual link first, then the account's email). */
function accountsQuery(tx: Tx) {
  return tx
    .selectFrom('inventory_records as r')
    .leftJoin('inventory_records as l', (j) =>
      j.onRef('l.id', '=', 'r.person_record_id').on('l.deleted_at', 'is', null),
    )
    .leftJoin('people as p', (j) => j.on(sql<SqlBool>`p.email = coalesce(l.email, r.email)`))
    .where('r.type', '=', 'account')
    .where('r.deleted_at', 'is', null);
}

const orphanSql = sql<SqlBool>`p.id IS NULL`;
/** The end date has passed (as statusOf says "departed") and the source still reports the account active. */
const departedSql = (day: string) => sql<SqlBool>`(p.end_date < ${day} AND (r.data ->> 'active') = 'true')`;

/**
 * One page of a source's accounts, by name, optionally only those with a flag or matching a
 * search (name, username or email).
 */
export async function listAccounts(
  tx: Tx,
  sourceId: string,
  now: Date,
  filter: { flag?: AccountFlag; q?: string; limit: number; offset: number },
): Promise<{ items: SystemAccount[]; total: number }> {
  const day = today(now);
  let query = accountsQuery(tx).where('r.source_id', '=', sourceId);
  if (filter.flag === 'orphan') query = query.where(orphanSql);
  if (filter.flag === 'departed') query = query.where(departedSql(day));
  if (filter.q) {
    const like = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([eb(sql`lower(r.name)`, 'like', like), eb(sql`coalesce(r.email, '')`, 'like', like)]),
    );
  }
  const total = Number((await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await query
    .select([
      'r.id',
      'r.name',
      'r.scope',
      'r.data',
      'r.first_seen_at',
      'r.last_seen_at',
      'r.disabled_at',
      'r.person_record_id',
      'p.id as person_id',
      'p.name as person_name',
      'p.email as person_email',
      'p.start_date as person_start',
      'p.end_date as person_end',
    ])
    .orderBy('r.name')
    .orderBy('r.id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return {
    total,
    items: rows.map((r) => {
      const data = r.data as AccountData;
      const person = r.person_id
        ? {
            id: r.person_id,
            name: r.person_name ?? '',
            email: r.person_email ?? '',
            endDate: r.person_end ?? null,
            status: statusOf({ start_date: r.person_start ?? null, end_date: r.person_end ?? null }, now),
          }
        : null;
      const flags: AccountFlag[] = [];
      if (!person) flags.push('orphan');
      else if (person.status === 'departed' && data.active) flags.push('departed');
      return {
        id: r.id,
        name: r.name,
        username: data.username,
        email: data.email,
        displayName: data.displayName,
        admin: data.isAdmin || data.isRoot,
        active: data.active,
        mfa: data.mfaEnabled,
        lastLoginAt: data.lastLoginAt,
        scope: r.scope,
        firstSeenAt: iso(r.first_seen_at),
        lastSeenAt: iso(r.last_seen_at),
        disabledAt: r.disabled_at ? iso(r.disabled_at) : null,
        linked: r.person_record_id !== null,
        person,
        flags,
      };
    }),
  };
}

/** Accounts, orphans and departed people's active accounts, per source. */
export async function accountCounts(tx: Tx, sourceIds: string[], now: Date): Promise<Map<string, AccountCounts>> {
  const counts = new Map<string, AccountCounts>();
  if (sourceIds.length === 0) return counts;
  const day = today(now);
  const rows = await accountsQuery(tx)
    .where('r.source_id', 'in', sourceIds)
    .select([
      'r.source_id',
      sql<number>`count(*)`.as('accounts'),
      sql<number>`count(*) FILTER (WHERE ${orphanSql})`.as('orphans'),
      sql<number>`count(*) FILTER (WHERE ${departedSql(day)})`.as('departed'),
    ])
    .groupBy('r.source_id')
    .execute();
  for (const r of rows) {
    counts.set(r.source_id, { accounts: Number(r.accounts), orphans: Number(r.orphans), departed: Number(r.departed) });
  }
  return counts;
}
