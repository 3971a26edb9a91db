import { AppError } from '../../errors.js';

/**
 * OSCAL catalogs and profiles, read into the shape Attest keeps: a flat, ordered list of
 * requirements (controls and their enhancements, any depth), each in a category (its
 * top-level group) and a grouping (its nearest group). Pure functions: no database.
 */

interface OscalControl {
  id: string;
  title: string;
  controls?: OscalControl[];
}

interface OscalGroup {
  id?: string;
  title: string;
  groups?: OscalGroup[];
  controls?: OscalControl[];
}

export interface OscalMetadata {
  title: string;
  version: string;
  'oscal-version': string;
  'last-modified': string;
}

export interface OscalCatalog {
  uuid: string;
  metadata: OscalMetadata;
  groups?: OscalGroup[];
  controls?: OscalControl[];
}

interface Selection {
  'with-child-controls'?: 'yes' | 'no';
  'with-ids'?: string[];
  matching?: { pattern?: string }[];
}

interface OscalImport {
  href: string;
  'include-all'?: Record<string, never>;
  'include-controls'?: Selection[];
  'exclude-controls'?: Selection[];
}

interface Resource {
  uuid: string;
  title?: string;
  description?: string;
  'document-ids'?: { identifier: string }[];
  rlinks?: { href: string }[];
}

export interface OscalProfile {
  uuid: string;
  metadata: OscalMetadata;
  imports: OscalImport[];
  'back-matter'?: { resources?: Resource[] };
}

export interface Category {
  id: string;
  name: string;
  required: boolean;
}

export interface Requirement {
  ref: string;
  title: string;
  parentRef: string | null;
  category: string;
  grouping: string;
}

export interface ParsedFramework {
  categories: Category[];
  requirements: Requirement[];
}

const UNGROUPED: Category = { id: 'ungrouped', name: 'Controls outside any group', required: false };

function tokenOf(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'group'
  );
}

/**
 * A catalog's requirements in document order. Categories are the top-level groups (none is
 * required: an organisation narrows an imported framework as it likes); controls outside any
 * group go to one category of their own.
 */
export function readCatalog(catalog: OscalCatalog): ParsedFramework {
  const categories: Category[] = [];
  const requirements: Requirement[] = [];
  const seen = new Set<string>();
  const addControls = (controls: OscalControl[] | undefined, parent: string | null, cat: string, grouping: string) => {
    for (const c of controls ?? []) {
      if (seen.has(c.id)) {
        throw new AppError('validation_failed', `The catalog has the control id "${c.id}" twice; ids must be unique.`);
      }
      seen.add(c.id);
      requirements.push({ ref: c.id, title: c.title.trim(), parentRef: parent, category: cat, grouping });
      addControls(c.controls, c.id, cat, grouping);
    }
  };
  const addGroups = (groups: OscalGroup[] | undefined, cat: string) => {
    for (const g of groups ?? []) {
      addControls(g.controls, null, cat, g.title.trim());
      addGroups(g.groups, cat);
    }
  };
  if (catalog.controls?.length) {
    categories.push(UNGROUPED);
    addControls(catalog.controls, null, UNGROUPED.id, 'Controls');
  }
  const ids = new Set(categories.map((c) => c.id));
  for (const g of catalog.groups ?? []) {
    let id = g.id ?? tokenOf(g.title);
    for (let n = 2; ids.has(id); n++) id = `${g.id ?? tokenOf(g.title)}-${n}`;
    ids.add(id);
    categories.push({ id, name: g.title.trim(), required: false });
    addControls(g.controls, null, id, g.title.trim());
    addGroups(g.groups, id);
  }
  if (requirements.length === 0) {
    throw new AppError('validation_failed', 'The catalog holds no controls, so there is nothing to import.');
  }
  return { categories, requirements };
}

/** A `matching` pattern: `*` any run of characters, `?` one character. */
function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

function select(framework: ParsedFramework, selections: Selection[], what: string): Set<string> {
  const known = new Map(framework.requirements.map((r) => [r.ref, r]));
  const children = new Map<string, string[]>();
  for (const r of framework.requirements) {
    if (r.parentRef) children.set(r.parentRef, [...(children.get(r.parentRef) ?? []), r.ref]);
  }
  const out = new Set<string>();
  const missing: string[] = [];
  const add = (ref: string, withChildren: boolean) => {
    out.add(ref);
    if (withChildren) for (const child of children.get(ref) ?? []) add(child, true);
  };
  for (const s of selections) {
    const withChildren = s['with-child-controls'] === 'yes';
    for (const id of s['with-ids'] ?? []) {
      if (known.has(id)) add(id, withChildren);
      else missing.push(id);
    }
    for (const m of s.matching ?? []) {
      if (!m.pattern) continue;
      const re = globToRegExp(m.pattern);
      for (const ref of known.keys()) if (re.test(ref)) add(ref, withChildren);
    }
  }
  if (missing.length > 0) {
    throw new AppError(
      'validation_failed',
      `The profile ${what} ${missing.length} control(s) the catalog does not have: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}. Check that you gave the catalog the profile was written for.`,
    );
  }
  return out;
}

/**
 * Resolves a profile against its catalog: include-all or include-controls (ids, patterns,
 * child controls), then exclude-controls; the catalog's order and groups are kept.
 */
export function resolveProfile(profile: OscalProfile, catalog: ParsedFramework): ParsedFramework {
  const chosen = new Set<string>();
  for (const imp of profile.imports) {
    const included =
      imp['include-all'] || !imp['include-controls']
        ? new Set(catalog.requirements.map((r) => r.ref))
        : select(catalog, imp['include-controls'], 'selects');
    const excluded = select(catalog, imp['exclude-controls'] ?? [], 'excludes');
    for (const ref of included) if (!excluded.has(ref)) chosen.add(ref);
  }
  const requirements = catalog.requirements
    .filter((r) => chosen.has(r.ref))
    // An enhancement whose control was left out stands on its own.
    .map((r) => ({ ...r, parentRef: r.parentRef && chosen.has(r.parentRef) ? r.parentRef : null }));
  if (requirements.length === 0) {
    throw new AppError(
      'validation_failed',
      'The profile selects no control of the catalog, so there is nothing to import.',
    );
  }
  const used = new Set(requirements.map((r) => r.category));
  return { categories: catalog.categories.filter((c) => used.has(c.id)), requirements };
}

/** What a profile says about the catalog it imports: the uuids and titles it may go by. */
export function catalogWanted(profile: OscalProfile): { uuids: string[]; titles: string[]; label: string } {
  const uuids = new Set<string>();
  const titles = new Set<string>();
  const labels: string[] = [];
  const uuidIn = (s: string) =>
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(s)?.[0]?.toLowerCase();
  for (const imp of profile.imports) {
    const id = uuidIn(imp.href);
    if (id) uuids.add(id);
    const resource = imp.href.startsWith('#')
      ? profile['back-matter']?.resources?.find((r) => r.uuid.toLowerCase() === imp.href.slice(1).toLowerCase())
      : undefined;
    for (const doc of resource?.['document-ids'] ?? []) {
      const u = uuidIn(doc.identifier);
      if (u) uuids.add(u);
    }
    for (const t of [resource?.title, resource?.description]) if (t) titles.add(t.trim().toLowerCase());
    labels.push(resource?.title ?? resource?.description ?? resource?.rlinks?.[0]?.href ?? imp.href);
  }
  return { uuids: [...uuids], titles: [...titles], label: labels.map((l) => `"${l}"`).join(' and ') };
}
