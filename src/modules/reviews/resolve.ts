/**
 * Following decisions up: a revocation is done when a sync no longer shows the account (its
 * inventory record is a tombstone) or shows it disabled; a requested change when the account's
 * content differs from the snapshot (its admin flag or active state), or by hand (decide.ts).
 * Decisions are not trusted to have been carried out: the source has to show it.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenancy.js';

const followedUp = (orgId: string, now: Date, only: string[] | null) => sql<{ n: number }>`
  WITH done AS (
    UPDATE access_review_items i SET resolved_at = ${now}
      FROM inventory_records r, access_review_campaigns c
     WHERE i.org_id = ${orgId} AND r.id = i.record_id AND c.id = i.campaign_id AND c.status <> 'cancelled'
       AND i.resolved_at IS NULL AND i.decision IN ('revoke', 'change')
       ${only ? sql`AND i.id = ANY(${sql.val(only)}::uuid[])` : sql``}
       AND (r.deleted_at IS NOT NULL
            OR r.data->>'active' = 'false'
            OR (i.decision = 'change'
                AND (r.data->'isAdmin' IS DISTINCT FROM i.account->'isAdmin'
                     OR r.data->'active' IS DISTINCT FROM i.account->'active')))
    RETURNING 1)
  SELECT count(*)::int AS n FROM done`;

/**
 * Marks revocations (and changes) resolved whose accounts the inventory now shows gone or
 * changed; returns how many. Runs in the caller's transaction, under its organisation: the
 * monitoring push calls it after every push, and the daily job at its start.
 */
export async function resolveRevocations(tx: Tx, orgId: string, now: Date): Promise<number> {
  const { rows } = await followedUp(orgId, now, null).execute(tx);
  return rows[0]?.n ?? 0;
}

/** The same for just-decided items (an account already gone needs no later sync). */
export async function resolveItems(tx: Tx, orgId: string, itemIds: string[], now: Date): Promise<number> {
  if (itemIds.length === 0) return 0;
  const { rows } = await followedUp(orgId, now, itemIds).execute(tx);
  return rows[0]?.n ?? 0;
}
