import { CLI_META } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import type { Runtime } from '../../runtime.js';
import { type AuditWho, recordAudit } from '../audit/service.js';
import { catalogHrefFor, EXPORT_KINDS, type ExportKind, exportOscal } from './export.js';
import { importOscal, parseOscalJson } from './import.js';
import { OSCAL_VERSION, validateOscal } from './schema.js';

/**
 * `attest framework import` and `attest oscal export`, run as administrative commands (directly
 * or inside the server through its admin socket). The CLI reads the files and sends their text,
 * so the server never opens a path the user named.
 */
type Org = { id: string; slug: string; name: string };

const CLI_WHO: AuditWho = { userId: null, label: 'attest-cli' };

export interface FrameworkImportArgs {
  org?: string;
  file: string;
  text: string;
  catalogFile?: string;
  catalogText?: string;
}

export async function frameworkImportCommand(rt: Runtime, org: Org, args: FrameworkImportArgs): Promise<string> {
  const document = parseOscalJson(args.text, `The file ${args.file}`);
  const catalog =
    args.catalogText === undefined ? undefined : parseOscalJson(args.catalogText, `The catalog ${args.catalogFile}`);
  const result = await withScope(rt.database, { orgId: org.id }, (tx) =>
    importOscal(tx, org.id, CLI_WHO, { document, catalog }, CLI_META, rt.clock.now()),
  );
  const how = result.updated ? `updated (revision ${result.revision})` : 'imported';
  return `${how} ${result.name} as ${result.id}: ${result.requirements} requirements in ${result.categories} categories, for ${org.name} (${org.slug}).`;
}

export async function oscalExportCommand(rt: Runtime, org: Org, kind: string): Promise<{ line: string; file: string }> {
  if (!EXPORT_KINDS.includes(kind as ExportKind)) {
    throw new Error(`Unknown export "${kind}": choose one of ${EXPORT_KINDS.join(', ')}.`);
  }
  const doc = await withScope(rt.database, { orgId: org.id }, async (tx) => {
    const now = rt.clock.now();
    const out = await exportOscal(tx, kind as ExportKind, org.id, catalogHrefFor(rt.config.publicUrl ?? null), now);
    await recordAudit(tx, org.id, CLI_WHO, CLI_META, now, {
      action: 'oscal.exported',
      details: { kind, via: 'cli' },
    });
    return out;
  });
  const problems = validateOscal(doc);
  if (problems.length > 0) {
    throw new Error(`The ${kind} does not validate: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}.`);
  }
  return {
    line: `Exported the ${kind} of ${org.name} (${org.slug}) as OSCAL ${OSCAL_VERSION}.`,
    file: `${JSON.stringify(doc, null, 2)}\n`,
  };
}
