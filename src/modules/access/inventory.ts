/**
 * The catalogue of systems in the inventory: each system is a record of the built-in source
 * "Systems catalogue" (kind `systems`) whose data says who can get in now compared with the
 * access requests, and when the system was last reviewed (SystemData). The access checks
 * judge those records; `refreshSystems` rewrites them as a partial push after anything that
 * moves them: a sync of accounts, a system's change, an access decision or expiry, a completed
 * access review.
 */

import { sql } from 'kysely';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import type { InventoryRecord, SystemData } from '../../integrations/types.js';
import { applyPush, sourceFor } from '../monitoring/push.js';

export const SYSTEMS_SOURCE_KIND = 'systems';
const SOURCE_NAME = 'Systems catalogue';

interface Grant {
  system_id: string;
  email: string;
  status: string;
  expires_at: Date | null;
  ended_at: Date | null;
}

/** Recomputes every system's record (archived systems leave the inventory). */
export async function refreshSystems(tx: Tx, orgId: string, now: Date): Promise<void> {
  const systems = await tx
    .selectFrom('systems as s')
    .leftJoin('users as o', 'o.id', 's.owner_user_id')
    .select([
      's.id',
      's.name',
      's.production',
      's.classification',
      's.source_id',
      's.archived_at',
      's.created_at',
      'o.email as owner_email',
    ])
    .execute();
  const known = await tx
    .selectFrom('inventory_records as r')
    .innerJoin('monitoring_sources as m', 'm.id', 'r.source_id')
    .select('r.external_id')
    .where('m.kind', '=', SYSTEMS_SOURCE_KIND)
    .where('r.deleted_at', 'is', null)
    .execute();
  if (systems.length === 0 && known.length === 0) return;

  const current = systems.filter((s) => s.archived_at === null);
  const production = current.filter((s) => s.production && s.source_id !== null);
  // Active accounts of production systems, matched to people by their email or a hand link.
  const accounts = new Map<string, string[]>();
  if (production.length > 0) {
    const rows = await tx
      .selectFrom('inventory_records as r')
      .leftJoin('inventory_records as p', (j) =>
        j.onRef('p.id', '=', 'r.person_record_id').on('p.deleted_at', 'is', null),
      )
      .select(['r.source_id', sql<string | null>`lower(coalesce(p.email, r.email))`.as('email')])
      .where('r.type', '=', 'account')
      .where('r.deleted_at', 'is', null)
      .where(sql<boolean>`(r.data->>'active')::boolean`)
      .where(
        'r.source_id',
        'in',
        production.map((s) => s.source_id as string),
      )
      .execute();
    for (const row of rows) {
      if (!row.email) continue;
      const list = accounts.get(row.source_id) ?? [];
      list.push(row.email);
      accounts.set(row.source_id, list);
    }
  }
  const grants = (await tx
    .selectFrom('access_requests as a')
    .innerJoin('users as u', 'u.id', 'a.requester_id')
    .select(['a.system_id', sql<string>`lower(u.email)`.as('email'), 'a.status', 'a.expires_at', 'a.ended_at'])
    .where('a.status', 'in', ['approved', 'expired', 'revoked'])
    .execute()) as Grant[];
  const reviewed = new Map<string, string>();
  for (const row of await tx
    .selectFrom('access_review_campaigns')
    .select(['system_ids', 'completed_at'])
    .where('status', '=', 'completed')
    .where('completed_at', 'is not', null)
    .execute()) {
    const at = iso(row.completed_at as Date);
    for (const id of row.system_ids) if ((reviewed.get(id) ?? '') < at) reviewed.set(id, at);
  }

  const records: InventoryRecord<'system'>[] = current.map((s) => {
    const mine = grants.filter((g) => g.system_id === s.id);
    const open = new Set(
      mine.filter((g) => g.status === 'approved' && (g.expires_at === null || g.expires_at > now)).map((g) => g.email),
    );
    const ended = new Map<string, string>();
    for (const g of mine) {
      if (g.status === 'approved' || open.has(g.email)) continue;
      const at = iso(g.ended_at ?? g.expires_at ?? now);
      if ((ended.get(g.email) ?? '') < at) ended.set(g.email, at);
    }
    const owner = s.owner_email?.toLowerCase() ?? null;
    const active = s.production && s.source_id ? [...new Set(accounts.get(s.source_id) ?? [])].sort() : [];
    const data: SystemData = {
      name: s.name,
      production: s.production,
      classification: s.classification,
      ownerEmail: owner,
      accountsKnown: s.source_id !== null,
      activeWithoutGrant: active.filter((email) => email !== owner && !open.has(email) && !ended.has(email)),
      activeAfterGrantEnded: active
        .filter((email) => ended.has(email))
        .map((email) => ({ email, endedAt: ended.get(email) as string })),
      grantsPastExpiry: mine.filter((g) => g.status === 'approved' && g.expires_at !== null && g.expires_at <= now)
        .length,
      lastReviewedAt: reviewed.get(s.id) ?? null,
      createdAt: iso(s.created_at),
    };
    return { type: 'system', externalId: s.id, name: s.name, data };
  });
  const keep = new Set(current.map((s) => s.id));
  const source = await sourceFor(tx, orgId, SYSTEMS_SOURCE_KIND, SOURCE_NAME, null, now);
  await applyPush(
    tx,
    orgId,
    source,
    { format: SOURCE_NAME, scopes: [{ scope: 'systems', records }], warnings: [] },
    now,
    { removed: known.map((k) => k.external_id).filter((id) => !keep.has(id)) },
  );
}
