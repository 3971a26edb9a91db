import type { RequestMeta } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { type AuditWho, recordAudit } from '../audit/service.js';
import {
  catalogWanted,
  type OscalCatalog,
  type OscalProfile,
  type ParsedFramework,
  readCatalog,
  resolveProfile,
} from './catalog.js';
import { oscalModel, validateOscal } from './schema.js';

export interface ImportInput {
  /** An OSCAL catalog or profile, parsed. */
  document: unknown;
  /** The catalog a profile selects from, when it is not imported into the organisation yet. */
  catalog?: unknown;
}

export interface ImportResult {
  id: string;
  name: string;
  model: 'catalog' | 'profile';
  requirements: number;
  categories: number;
  revision: number;
  /** False on the first import, true when the same document (same uuid) was imported before. */
  updated: boolean;
}

/** Parses a file's text as JSON, saying where it breaks. */
export function parseOscalJson(text: string, what = 'The file'): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError(
      'validation_failed',
      `${what} is not valid JSON (${(error as Error).message}). Export the OSCAL document as JSON and try again.`,
    );
  }
}

function checkOscal(doc: unknown, what: string, allowed: readonly string[]): 'catalog' | 'profile' {
  const model = oscalModel(doc);
  if (!model || !allowed.includes(model)) {
    throw new AppError(
      'validation_failed',
      `${what} is not an OSCAL ${allowed.join(' or ')}: its top level must hold ${allowed.map((m) => `"${m}"`).join(' or ')}${model ? ` (it holds "${model}")` : ''}.`,
    );
  }
  const problems = validateOscal(doc);
  if (problems.length > 0) {
    throw new AppError(
      'validation_failed',
      `${what} does not follow the OSCAL ${model} schema: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}.`,
      { errors: problems.map((p) => ({ path: p.path, message: p.message })) },
    );
  }
  return model as 'catalog' | 'profile';
}

/** Readable, stable ids: "NIST Special Publication 800-53 Revision 5 …" → "nist-sp-800-53-rev5-…". */
export function slugOf(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/\bspecial publication\b/g, 'sp')
    .replace(/\brevision\s*/g, 'rev')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  let out = slug;
  if (out.length > 48) {
    out = out.slice(0, 48);
    const cut = out.lastIndexOf('-');
    if (cut > 24) out = out.slice(0, cut);
  }
  return out.length >= 2 ? out : `oscal-${out || 'framework'}`;
}

async function catalogForProfile(tx: Tx, profile: OscalProfile, given: unknown): Promise<ParsedFramework> {
  if (given !== undefined) {
    checkOscal(given, 'The catalog given with the profile', ['catalog']);
    return readCatalog((given as { catalog: OscalCatalog }).catalog);
  }
  const wanted = catalogWanted(profile);
  const imported = await tx
    .selectFrom('frameworks')
    .select(['id', 'name', 'categories', 'oscal_uuid'])
    .where('source', '=', 'oscal')
    .where('oscal_model', '=', 'catalog')
    .execute();
  const match = imported.find(
    (f) =>
      (f.oscal_uuid && wanted.uuids.includes(f.oscal_uuid.toLowerCase())) ||
      wanted.titles.includes(f.name.trim().toLowerCase()),
  );
  if (!match) {
    throw new AppError(
      'validation_failed',
      `This profile selects controls from ${wanted.label}, which is not imported into this organisation. ` +
        'Import that catalog first, or send it along with the profile (`catalog`; on the command line, --catalog FILE).',
    );
  }
  const rows = await tx
    .selectFrom('framework_requirements')
    .select(['ref', 'title', 'parent_ref', 'category', 'grouping'])
    .where('framework_id', '=', match.id)
    .orderBy('sort')
    .execute();
  return {
    categories: match.categories,
    requirements: rows.map((r) => ({
      ref: r.ref,
      title: r.title,
      parentRef: r.parent_ref,
      category: r.category,
      grouping: r.grouping,
    })),
  };
}

/**
 * Imports an OSCAL catalog, or a profile resolved against its catalog, as a framework of the
 * organisation (adopted, every category in scope). The same document imported again (same
 * uuid) replaces its requirements in place as a new revision. Nothing is written unless the
 * whole document is valid.
 */
export async function importOscal(
  tx: Tx,
  orgId: string,
  who: AuditWho,
  input: ImportInput,
  meta: RequestMeta,
  now: Date,
): Promise<ImportResult> {
  const model = checkOscal(input.document, 'The document', ['catalog', 'profile']);
  let parsed: ParsedFramework;
  let source: { uuid: string; metadata: OscalCatalog['metadata'] };
  if (model === 'catalog') {
    const catalog = (input.document as { catalog: OscalCatalog }).catalog;
    if (input.catalog !== undefined) {
      throw new AppError('validation_failed', 'A catalog needs no second catalog: send `catalog` only with a profile.');
    }
    parsed = readCatalog(catalog);
    source = catalog;
  } else {
    const profile = (input.document as { profile: OscalProfile }).profile;
    parsed = resolveProfile(profile, await catalogForProfile(tx, profile, input.catalog));
    source = profile;
  }
  const uuid = source.uuid.toLowerCase();
  const name = source.metadata.title.trim().slice(0, 200);
  const version = source.metadata.version.trim().slice(0, 100);
  const description = `Imported from the OSCAL ${model} ${uuid} (OSCAL ${source.metadata['oscal-version']}, last modified ${source.metadata['last-modified']}).`;

  const visible = await tx.selectFrom('frameworks').select(['id', 'oscal_uuid', 'revision', 'categories']).execute();
  const existing = visible.find((f) => f.oscal_uuid === uuid);
  let id: string;
  let revision: number;
  if (existing) {
    id = existing.id;
    revision = existing.revision + 1;
    await tx
      .updateTable('frameworks')
      .set({ name, version, description, categories: JSON.stringify(parsed.categories), revision, updated_at: now })
      .where('id', '=', id)
      .where('owner_org_id', '=', orgId)
      .execute();
    await tx
      .deleteFrom('framework_requirements')
      .where('framework_id', '=', id)
      .where('owner_org_id', '=', orgId)
      .execute();
  } else {
    const taken = new Set(visible.map((f) => f.id));
    const base = slugOf(name);
    id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    revision = 1;
    await tx
      .insertInto('frameworks')
      .values({
        id,
        name,
        version,
        description,
        categories: JSON.stringify(parsed.categories),
        source: 'oscal',
        owner_org_id: orgId,
        oscal_uuid: uuid,
        oscal_model: model,
        revision,
        updated_at: now,
      })
      .execute();
  }
  // Large catalogs go in slices: one statement's parameters stay well under PostgreSQL's limit.
  const rows = parsed.requirements.map((r, i) => ({
    framework_id: id,
    owner_org_id: orgId,
    ref: r.ref,
    parent_ref: r.parentRef,
    category: r.category,
    grouping: r.grouping,
    title: r.title,
    sort: i,
  }));
  for (let i = 0; i < rows.length; i += 1000) {
    await tx
      .insertInto('framework_requirements')
      .values(rows.slice(i, i + 1000))
      .execute();
  }
  await adopt(
    tx,
    orgId,
    id,
    parsed,
    existing?.categories.map((c) => c.id),
    now,
  );
  await recordAudit(tx, orgId, who, meta, now, {
    action: 'framework.imported',
    targetType: 'framework',
    targetId: id,
    details: { model, uuid, name, version, requirements: rows.length, revision },
  });
  return {
    id,
    name,
    model,
    requirements: rows.length,
    categories: parsed.categories.length,
    revision,
    updated: existing !== undefined,
  };
}

/**
 * Puts the framework in the organisation's program: every category in scope on the first
 * import; on a re-import the choices made stay, categories that disappeared drop out and new
 * ones come in.
 */
async function adopt(
  tx: Tx,
  orgId: string,
  id: string,
  parsed: ParsedFramework,
  before: string[] | undefined,
  now: Date,
) {
  const all = parsed.categories.map((c) => c.id);
  const current = before
    ? await tx.selectFrom('org_frameworks').select('categories').where('framework_id', '=', id).executeTakeFirst()
    : undefined;
  const categories = current ? all.filter((c) => current.categories.includes(c) || !before?.includes(c)) : all;
  await tx
    .insertInto('org_frameworks')
    .values({ org_id: orgId, framework_id: id, categories, updated_at: now })
    .onConflict((oc) => oc.columns(['org_id', 'framework_id']).doUpdateSet({ categories, updated_at: now }))
    .execute();
}
