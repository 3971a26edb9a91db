/**
 * What every SCIM resource shares: who is acting, reading a client's JSON (canonical attribute
 * names, read-only parts dropped, never a password), lists and paging, versions and If-Match.
 */
import { type RawBuilder, sql } from 'kysely';
import type { RequestMeta } from '../../context.js';
import type { AuditWho } from '../audit/service.js';
import { invalidFilter, invalidSyntax, ScimError } from './errors.js';
import { type Filter, FilterSyntaxError, getAttr, parseFilter } from './filter.js';
import { isObject, type Json } from './patch.js';
import { canonicalName } from './schemas.js';
import { DEFAULT_COUNT, knownSchema, LIST_RESPONSE, MAX_RESULTS } from './urns.js';

/** One SCIM request: the organisation, who acts (the token), where the resources live. */
export interface ScimCall {
  orgId: string;
  who: AuditWho;
  meta: RequestMeta;
  now: Date;
  /** Absolute base of the service, `https://host/scim/v2`. */
  base: string;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Attributes a client may send but that are the server's, or never kept. */
const DROPPED = new Set(['id', 'meta', 'schemas', 'password']);

/** Renames keys to their canonical spelling, all the way down. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) out[knownSchema(key) ?? canonicalName(key)] = canonical(v);
  return out;
}

/**
 * A resource as the client sent it: canonical names, without id, meta, schemas, password and
 * the given read-only attributes (`groups` of a user). `schemas` must name the resource's schema.
 */
export function readResource(body: unknown, schema: string, readOnly: string[] = []): Json {
  if (!isObject(body)) throw invalidSyntax('The body must be a JSON object.');
  const schemas = getAttr(body, 'schemas');
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === schema.toLowerCase())
  ) {
    throw invalidSyntax(`The body's schemas must list "${schema}".`);
  }
  return stripped(body, readOnly);
}

/** The same without the schemas check: a stored resource on its way through PATCH. */
export function stripped(body: Json, readOnly: string[] = []): Json {
  const drop = new Set([...DROPPED, ...readOnly.map((r) => r.toLowerCase())]);
  const out: Json = {};
  for (const [key, value] of Object.entries(canonical(body) as Json)) {
    if (!drop.has(key.toLowerCase())) out[key] = value;
  }
  return out;
}

export const version = (n: number) => `W/"${n}"`;

/**
 * If-Match (RFC 7644 §3.14): a write names the version it read, and another change in between
 * answers 412 instead of being overwritten. No header: no check.
 */
export function checkIfMatch(header: string | undefined, current: number): void {
  if (header === undefined) return;
  const tags = header.split(',').map((t) => t.trim());
  const ok = tags.some((t) => t === '*' || t === version(current) || t === `"${current}"`);
  if (!ok) {
    throw new ScimError(
      412,
      `The resource has changed since it was read (now version ${version(current)}): fetch it again and retry.`,
    );
  }
}

export interface Paging {
  startIndex: number;
  count: number;
}

/** startIndex is 1-based (below 1 means 1); count defaults to 100 and is capped at 1000. */
export function paging(query: { startIndex?: number; count?: number }): Paging {
  return {
    startIndex: Math.max(1, query.startIndex ?? 1),
    count: Math.min(Math.max(0, query.count ?? DEFAULT_COUNT), MAX_RESULTS),
  };
}

export function listResponse(resources: Json[], total: number, page: Paging) {
  return {
    schemas: [LIST_RESPONSE],
    totalResults: total,
    itemsPerPage: resources.length,
    startIndex: page.startIndex,
    Resources: resources,
  };
}

export function readFilter(text: string | undefined): Filter | null {
  if (text === undefined || text.trim() === '') return null;
  try {
    return parseFilter(text);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw invalidFilter(`The filter is not valid: ${error.message}.`);
    throw error;
  }
}

/** A SQL boolean for a filter, from a compiler of single comparisons; and/or combine. */
export function compileFilter(filter: Filter, comparison: (f: Filter) => RawBuilder<boolean>) {
  const walk = (f: Filter): RawBuilder<boolean> => {
    if (f.kind === 'and') return sql<boolean>`(${walk(f.left)} AND ${walk(f.right)})`;
    if (f.kind === 'or') return sql<boolean>`(${walk(f.left)} OR ${walk(f.right)})`;
    if (f.kind === 'not') throw invalidFilter('"not" is not supported; use eq with and/or.');
    return comparison(f);
  };
  return walk(filter);
}

export const unsupported = (what: string, supported: string) =>
  invalidFilter(`Filtering on ${what} is not supported. Supported: ${supported}, combined with and/or.`);

/** The string value of an `eq` comparison, or a clear error. */
export function eqString(f: Filter, supported: string): string {
  if (f.kind !== 'compare' || f.op !== 'eq') {
    throw invalidFilter(`Only "eq" comparisons are supported (${supported}).`);
  }
  if (typeof f.value !== 'string') {
    throw invalidFilter(`${f.path.attr} compares with a quoted string, not ${JSON.stringify(f.value)}.`);
  }
  return f.value;
}

/**
 * `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5), by top-level attribute; id and
 * schemas always come back. An extension's attributes select the whole extension.
 */
export function project(resource: Json, attributes?: string, excluded?: string): Json {
  const names = (list: string) =>
    list
      .split(',')
      .map((a) => a.trim().toLowerCase())
      .filter(Boolean)
      .map((a) => {
        const urn = a.startsWith('urn:') ? (knownSchema(a) ?? knownSchema(a.slice(0, a.lastIndexOf(':')))) : null;
        return urn ? urn.toLowerCase() : a.split('.')[0]!;
      });
  const always = new Set(['id', 'schemas']);
  if (attributes) {
    const keep = new Set([...names(attributes), ...always]);
    return Object.fromEntries(Object.entries(resource).filter(([k]) => keep.has(k.toLowerCase())));
  }
  if (excluded) {
    const drop = new Set(names(excluded));
    return Object.fromEntries(Object.entries(resource).filter(([k]) => always.has(k) || !drop.has(k.toLowerCase())));
  }
  return resource;
}

/** Whether a projection leaves out `name` (so its query can be skipped). */
export function projectionOmits(name: string, attributes?: string, excluded?: string): boolean {
  const probe = project({ id: '', schemas: [], [name]: true }, attributes, excluded);
  return !(name in probe);
}
