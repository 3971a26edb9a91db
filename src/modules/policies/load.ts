import { sql } from 'kysely';
import { CLI_META } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Database } from '../../db/connect.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { recordAudit } from '../audit/service.js';
import { loadPolicyTemplates } from './library.js';

/** Every template the organisation lacks becomes a draft policy (in the caller's transaction). */
export async function loadPoliciesInto(tx: Tx, orgId: string, now: Date): Promise<number> {
  const templates = loadPolicyTemplates();
  await tx
    .insertInto('policy_settings')
    .values({ org_id: orgId, variables: '{}', updated_by: null, updated_at: now })
    .onConflict((oc) => oc.column('org_id').doNothing())
    .execute();
  const inserted = await tx
    .insertInto('policies')
    .values(
      templates.map((t) => ({
        id: newId(),
        org_id: orgId,
        key: t.key,
        template_key: t.key,
        template_hash: t.hash,
        title: t.title,
        summary: t.summary,
        body: t.body,
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(['org_id', 'key']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0);
}

/**
 * A draft still exactly as a template revision gave it (title and text hash to the recorded
 * revision) takes the newer revision; a draft the organisation edited, or one in review or
 * approved, is left alone. Published versions never change.
 */
async function refreshUntouched(tx: Tx, orgId: string, now: Date): Promise<void> {
  for (const t of loadPolicyTemplates()) {
    const refreshed = await tx
      .updateTable('policies')
      .set({
        title: t.title,
        summary: t.summary,
        body: t.body,
        template_hash: t.hash,
        status: 'draft',
        material: true,
        change_summary: 'Updated to the latest revision of the template.',
        lock_version: sql<number>`lock_version + 1`,
        updated_at: now,
      })
      .where('template_key', '=', t.key)
      .where('template_hash', '!=', t.hash)
      .where('status', 'in', ['draft', 'published'])
      .where(sql<boolean>`encode(sha256(convert_to(title || E'\\n' || body, 'UTF8')), 'hex') = template_hash`)
      .returning(['id', 'published_version'])
      .execute();
    for (const row of refreshed) {
      await recordAudit(tx, orgId, { userId: null, label: 'attest' }, CLI_META, now, {
        action: 'policy.template_updated',
        targetType: 'policy',
        targetId: row.id,
        details: { key: t.key, publishedVersion: row.published_version },
      });
    }
  }
}

/**
 * At start-up every organisation gets the templates it lacks (a release may add one), and
 * untouched drafts take newer revisions of their templates. Nothing an organisation edited changes.
 */
export async function loadPoliciesWhereMissing(database: Database, now: Date): Promise<void> {
  const templates = loadPolicyTemplates();
  const { rows } = await database.query(
    `SELECT o.id FROM organizations o
      WHERE NOT EXISTS (SELECT 1 FROM policy_settings s WHERE s.org_id = o.id)
         OR (SELECT count(*) FROM policies p WHERE p.org_id = o.id AND p.template_key = ANY($1::text[])) < $3
         OR EXISTS (SELECT 1 FROM policies p JOIN unnest($1::text[], $2::text[]) AS t(key, hash) ON t.key = p.template_key
                     WHERE p.org_id = o.id AND p.template_hash <> t.hash AND p.status IN ('draft', 'published')
                       AND encode(sha256(convert_to(p.title || E'\\n' || p.body, 'UTF8')), 'hex') = p.template_hash)`,
    [templates.map((t) => t.key), templates.map((t) => t.hash), templates.length],
  );
  for (const row of rows as { id: string }[]) {
    await withScope(database, { orgId: row.id }, async (tx) => {
      await loadPoliciesInto(tx, row.id, now);
      await refreshUntouched(tx, row.id, now);
    });
  }
}
