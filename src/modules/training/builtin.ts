import { CLI_META } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';
import { type AuditWho, recordAudit } from '../audit/service.js';
import { loadBuiltinCourse, sameContent } from './content.js';
import { type ModuleRow, moduleColumns } from './modules.js';

const ATTEST: AuditWho = { userId: null, label: 'attest' };

/**
 * Gives the organisation every built-in module it lacks and brings built-in modules whose text
 * changed in the repository up to date (a new version; whether it is required and whether it is
 * retired stay as the organisation set them). Idempotent and cheap when nothing changed: one
 * read of the built-in rows. Runs in the caller's transaction.
 */
export async function ensureBuiltinModules(tx: Tx, orgId: string, now: Date): Promise<void> {
  const course = loadBuiltinCourse();
  const rows = (await tx
    .selectFrom('training_modules')
    .select(moduleColumns)
    .where('builtin', '=', true)
    .execute()) as ModuleRow[];
  const bySlug = new Map(rows.map((r) => [r.slug, r]));
  const missing = course.filter((m) => !bySlug.has(m.slug));
  if (missing.length > 0) {
    await tx
      .insertInto('training_modules')
      .values(
        missing.map((m) => ({
          id: newId(),
          org_id: orgId,
          slug: m.slug,
          title: m.title,
          summary: m.summary,
          body: m.body,
          questions: JSON.stringify(m.questions),
          pass_mark: m.passMark,
          builtin: true,
          required: true,
          position: m.position,
          created_at: now,
          updated_at: now,
        })),
      )
      // A concurrent first visit inserted them already.
      .onConflict((oc) => oc.columns(['org_id', 'slug']).doNothing())
      .execute();
  }
  for (const m of course) {
    const row = bySlug.get(m.slug);
    if (!row || sameContent(m, { ...row, passMark: row.pass_mark })) continue;
    const updated = await tx
      .updateTable('training_modules')
      .set({
        title: m.title,
        summary: m.summary,
        body: m.body,
        questions: JSON.stringify(m.questions),
        pass_mark: m.passMark,
        position: m.position,
        version: row.version + 1,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 1) {
      await recordAudit(tx, orgId, ATTEST, CLI_META, now, {
        action: 'training.module_updated',
        targetType: 'training_module',
        targetId: row.id,
        details: { slug: m.slug, version: row.version + 1, builtin: true },
      });
    }
  }
}
