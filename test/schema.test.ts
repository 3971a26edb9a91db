import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { withApp } from './helpers/assertions.js';
import { ENGINES } from './helpers/db.js';

/**
 * The Kysely table types (src/db/schema.ts and the per-area files in src/db/schema/) and the
 * tables the migrations create must name the same columns: a column added to one and not the
 * other fails here, not in production. `Schema` and the `…Tables` interfaces it extends map
 * table names to row interfaces.
 */
function declaredTables(): Map<string, Set<string>> {
  const dir = new URL('../src/db/schema/', import.meta.url);
  const files = [
    new URL('../src/db/schema.ts', import.meta.url),
    ...readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => new URL(f, dir)),
  ];
  const interfaces = new Map<string, Set<string>>();
  const tables: [string, string][] = [];
  for (const file of files) {
    const source = ts.createSourceFile('schema.ts', readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    source.forEachChild((node) => {
      if (!ts.isInterfaceDeclaration(node)) return;
      const members = node.members
        .filter(ts.isPropertySignature)
        .map((m) => [m.name.getText(source), m.type?.getText(source) ?? ''] as [string, string]);
      if (node.name.text === 'Schema' || /Tables$/.test(node.name.text)) tables.push(...members);
      else interfaces.set(node.name.text, new Set(members.map(([name]) => name)));
    });
  }
  return new Map(tables.map(([table, type]) => [table, interfaces.get(type) ?? new Set()]));
}

for (const engine of ENGINES) {
  describe(`schema types and migrations (${engine})`, () => {
    it('declares exactly the tables and columns the migrations create', async () => {
      await withApp(engine, async (t) => {
        const { rows } = await t.rt.database.query(
          `SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`,
        );
        const actual = new Map<string, Set<string>>();
        for (const r of rows as { table_name: string; column_name: string }[]) {
          if (!actual.has(r.table_name)) actual.set(r.table_name, new Set());
          actual.get(r.table_name)?.add(r.column_name);
        }
        const declared = declaredTables();
        assert.deepEqual([...declared.keys()].sort(), [...actual.keys()].sort(), 'tables');
        for (const [table, columns] of actual) {
          assert.deepEqual([...(declared.get(table) ?? [])].sort(), [...columns].sort(), `columns of ${table}`);
        }
      });
    });
  });
}
