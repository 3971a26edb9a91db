import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Database } from '../../db/connect.js';

/** A framework shipped in src/content, validated when it is loaded. */
const FrameworkFile = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
    name: z.string().min(1),
    version: z.string().min(1),
    description: z.string(),
    categories: z.array(z.object({ id: z.string().min(1), name: z.string().min(1), required: z.boolean() })).min(1),
    requirements: z
      .array(
        z.object({ ref: z.string().min(1), category: z.string(), group: z.string().min(1), title: z.string().min(1) }),
      )
      .min(1),
  })
  .superRefine((f, ctx) => {
    const categories = new Set(f.categories.map((c) => c.id));
    const refs = new Set<string>();
    for (const r of f.requirements) {
      if (!categories.has(r.category))
        ctx.addIssue({ code: 'custom', message: `${r.ref}: unknown category ${r.category}` });
      if (refs.has(r.ref)) ctx.addIssue({ code: 'custom', message: `${r.ref} appears twice` });
      refs.add(r.ref);
    }
  });

export type Framework = z.infer<typeof FrameworkFile>;

const BUILTIN_FILES = ['soc2-2017.json'];

let builtin: Framework[] | undefined;

export function builtinFrameworks(): Framework[] {
  builtin ??= BUILTIN_FILES.map((file) =>
    FrameworkFile.parse(JSON.parse(readFileSync(new URL(`../../../src/content/${file}`, import.meta.url), 'utf8'))),
  );
  return builtin;
}

/**
 * Brings the built-in frameworks in the database up to the content shipped with this build
 * (run at start-up, as the owning role, in one transaction). Organisations' scope choices
 * are theirs and are not touched.
 */
export async function syncBuiltinFrameworks(database: Database): Promise<void> {
  const statements: string[] = ['BEGIN;'];
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  for (const f of builtinFrameworks()) {
    statements.push(
      `INSERT INTO frameworks (id, name, version, description, categories, source, updated_at)
       VALUES (${lit(f.id)}, ${lit(f.name)}, ${lit(f.version)}, ${lit(f.description)}, ${lit(JSON.stringify(f.categories))}::jsonb, 'builtin', now())
       ON CONFLICT (id) WHERE owner_org_id IS NULL DO UPDATE SET name = EXCLUDED.name, version = EXCLUDED.version,
         description = EXCLUDED.description, categories = EXCLUDED.categories, updated_at = now();`,
      `INSERT INTO framework_requirements (framework_id, ref, category, grouping, title, sort) VALUES ${f.requirements
        .map((r, i) => `(${lit(f.id)}, ${lit(r.ref)}, ${lit(r.category)}, ${lit(r.group)}, ${lit(r.title)}, ${i})`)
        .join(', ')}
       ON CONFLICT (framework_id, ref) WHERE owner_org_id IS NULL DO UPDATE SET category = EXCLUDED.category, grouping = EXCLUDED.grouping,
         title = EXCLUDED.title, sort = EXCLUDED.sort;`,
      `DELETE FROM framework_requirements WHERE framework_id = ${lit(f.id)} AND owner_org_id IS NULL
         AND ref NOT IN (${f.requirements.map((r) => lit(r.ref)).join(', ')});`,
    );
  }
  statements.push('COMMIT;');
  await database.session(async (s) => {
    try {
      await s.exec(statements.join('\n'));
    } catch (error) {
      await s.exec('ROLLBACK;').catch(() => undefined);
      throw error;
    }
  });
}
