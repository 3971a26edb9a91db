/**
 * PATCH (RFC 7644 §3.5.2) applied to a resource's JSON: the service reads the resource as it
 * is, applies the operations here and stores the result as a full replacement, so PATCH and
 * PUT end in the same code. Identity providers differ in how they write operations (op in any
 * case, values as strings, paths inside `value`), and all of those forms are accepted.
 */
import { invalidPath, invalidSyntax, invalidValue, noTarget } from './errors.js';
import {
  type AttrPath,
  equalities,
  type Filter,
  FilterSyntaxError,
  getAttr,
  matches,
  parseAttrPath,
  parseFilter,
} from './filter.js';
import { canonicalName, isMultiValued } from './schemas.js';
import { knownSchema, PATCH_OP, USER_SCHEMA } from './urns.js';

export type Json = Record<string, unknown>;
export type PatchOperation = { op: 'add' | 'replace' | 'remove'; path?: string; value?: unknown };

export const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks a PatchOp message and returns its operations. */
export function readPatch(body: unknown): PatchOperation[] {
  if (!isObject(body)) throw invalidSyntax('Send a PatchOp message: {"schemas": [...PatchOp], "Operations": [...]}.');
  const schemas = getAttr(body, 'schemas');
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP.toLowerCase())
  ) {
    throw invalidSyntax(`A PATCH body must list "${PATCH_OP}" in schemas.`);
  }
  const operations = getAttr(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw invalidSyntax('A PATCH body needs Operations: a list of at least one operation.');
  }
  return operations.map((raw, i) => {
    if (!isObject(raw)) throw invalidSyntax(`Operations[${i}] is not an object.`);
    const op = getAttr(raw, 'op');
    const path = getAttr(raw, 'path');
    const value = getAttr(raw, 'value');
    const name = typeof op === 'string' ? op.toLowerCase() : '';
    if (name !== 'add' && name !== 'replace' && name !== 'remove') {
      throw invalidSyntax(`Operations[${i}].op must be add, replace or remove.`);
    }
    if (path !== undefined && (typeof path !== 'string' || path.trim() === '')) {
      throw invalidPath(`Operations[${i}].path must be a non-empty string.`);
    }
    if (name === 'remove' && path === undefined) throw noTarget(`Operations[${i}] removes, so it needs a path.`);
    if (name !== 'remove' && value === undefined) throw invalidValue(`Operations[${i}] (${name}) needs a value.`);
    return { op: name, ...(path !== undefined ? { path: (path as string).trim() } : {}), value };
  });
}

interface PatchPath {
  /** A whole extension object (`urn:…:enterprise:2.0:User`). */
  extension?: string;
  path?: AttrPath;
  filter?: Filter;
  /** The sub-attribute after a filter: `emails[type eq "work"].value`. */
  sub?: string;
}

function parsePatchPath(text: string): PatchPath {
  const whole = knownSchema(text);
  if (whole) return whole === USER_SCHEMA ? { extension: undefined } : { extension: whole };
  try {
    const open = text.indexOf('[');
    if (open < 0) return { path: parseAttrPath(text) };
    const close = text.lastIndexOf(']');
    if (close < open) throw new FilterSyntaxError('"[" is not closed');
    const path = parseAttrPath(text.slice(0, open));
    if (path.sub) throw new FilterSyntaxError('a filter follows an attribute, not a sub-attribute');
    const after = text.slice(close + 1);
    if (after !== '' && !/^\.[A-Za-z$][\w$-]*$/.test(after))
      throw new FilterSyntaxError(`"${after}" cannot follow "]"`);
    return { path, filter: parseFilter(text.slice(open + 1, close)), ...(after ? { sub: after.slice(1) } : {}) };
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw invalidPath(`The path "${text}" is not valid: ${error.message}.`);
    throw error;
  }
}

/** The key `name` has in `obj` (attribute names are case-insensitive), or its canonical spelling. */
function keyIn(obj: Json, name: string): string {
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower) ?? canonicalName(name);
}

const same = (a: unknown, b: unknown) => {
  const va = getAttr(a, 'value');
  const vb = getAttr(b, 'value');
  if (typeof va === 'string' && typeof vb === 'string') return va.toLowerCase() === vb.toLowerCase();
  return JSON.stringify(a) === JSON.stringify(b);
};

/** At most one element is primary: the newest one said so. */
function onePrimary(list: unknown[], added: unknown[]): unknown[] {
  const winner = added.find((v) => getAttr(v, 'primary') === true);
  if (!winner) return list;
  return list.map((v) =>
    v !== winner && isObject(v) && getAttr(v, 'primary') === true ? { ...v, primary: false } : v,
  );
}

/** Sets one attribute of `container` by add or replace semantics. */
function setAttribute(container: Json, name: string, value: unknown, op: 'add' | 'replace'): void {
  const key = keyIn(container, name);
  const existing = container[key];
  if (value === null) {
    delete container[key];
    return;
  }
  if (isMultiValued(name) || Array.isArray(value) || Array.isArray(existing)) {
    const incoming = Array.isArray(value) ? value : [value];
    if (op === 'replace' || !Array.isArray(existing)) {
      container[key] = onePrimary(incoming, incoming);
      return;
    }
    const fresh = incoming.filter((v) => !existing.some((e) => same(e, v)));
    container[key] = onePrimary([...existing, ...fresh], fresh);
    return;
  }
  if (isObject(value) && isObject(existing)) {
    // A complex attribute: the sub-attributes sent replace theirs, the others stay.
    const merged: Json = { ...existing };
    for (const [sub, v] of Object.entries(value)) {
      const subKey = keyIn(merged, sub);
      if (v === null) delete merged[subKey];
      else merged[subKey] = v;
    }
    container[key] = merged;
    return;
  }
  container[key] = value;
}

function containerFor(resource: Json, schema: string | undefined, create: boolean): Json | null {
  if (!schema) return resource;
  const key = keyIn(resource, schema);
  const existing = resource[key];
  if (isObject(existing)) return existing;
  if (!create) return null;
  const fresh: Json = {};
  resource[key] = fresh;
  return fresh;
}

/** add or replace without a path: every member of the value is an attribute (or a path, or an extension). */
function applyWholeValue(resource: Json, op: 'add' | 'replace', value: unknown, index: number): void {
  if (!isObject(value))
    throw invalidValue(`Operations[${index}] has no path, so its value must be an object of attributes.`);
  for (const [name, v] of Object.entries(value)) {
    const schema = knownSchema(name);
    if (schema === USER_SCHEMA) {
      applyWholeValue(resource, op, v, index);
    } else if (schema) {
      if (!isObject(v)) throw invalidValue(`Operations[${index}].value["${name}"] must be an object of attributes.`);
      const ext = containerFor(resource, schema, true)!;
      for (const [sub, sv] of Object.entries(v)) setAttribute(ext, sub, sv, op);
    } else if (name.includes(':') || name.includes('.')) {
      // Some providers put paths in the value: {"name.givenName": "…", "urn:…:User:department": "…"}.
      applyPath(resource, { op, path: name, value: v }, index);
    } else {
      setAttribute(resource, name, v, op);
    }
  }
}

function applyPath(resource: Json, operation: PatchOperation & { path: string }, index: number): void {
  const { op, value } = operation;
  const parsed = parsePatchPath(operation.path);
  if (!parsed.path) {
    // The whole User (core) schema or a whole extension object.
    if (op === 'remove') {
      if (parsed.extension) delete resource[keyIn(resource, parsed.extension)];
      else throw invalidPath('The core User schema cannot be removed.');
      return;
    }
    applyWholeValue(resource, op, parsed.extension ? { [parsed.extension]: value } : value, index);
    return;
  }
  const { schema, attr, sub } = parsed.path;
  const container = containerFor(resource, schema, op !== 'remove');
  if (!container) return;
  const key = keyIn(container, attr);

  if (!parsed.filter) {
    if (!sub) {
      if (op !== 'remove') {
        setAttribute(container, attr, value, op);
        return;
      }
      const existing = container[key];
      // remove with a value (`members` and [{value: id}]): only the listed elements go.
      if (Array.isArray(existing) && value !== undefined && value !== null) {
        const gone = Array.isArray(value) ? value : [value];
        container[key] = existing.filter((e) => !gone.some((g) => same(e, g)));
      } else {
        delete container[key];
      }
      return;
    }
    const existing = container[key];
    if (Array.isArray(existing)) {
      // A sub-attribute of every element (`emails.type`).
      container[key] = existing.map((e) => (isObject(e) ? withSub(e, sub, op === 'remove' ? null : value) : e));
      return;
    }
    if (op === 'remove') {
      if (isObject(existing)) container[key] = withSub(existing, sub, null);
      return;
    }
    container[key] = withSub(isObject(existing) ? existing : {}, sub, value);
    return;
  }

  const existing = container[key];
  const list = Array.isArray(existing) ? existing : existing === undefined || existing === null ? [] : [existing];
  const hit = list.map((e) => matches(e, parsed.filter!));
  if (op === 'remove') {
    const kept = parsed.sub
      ? list.map((e, i) => (hit[i] && isObject(e) ? withSub(e, parsed.sub!, null) : e))
      : list.filter((_, i) => !hit[i]);
    if (kept.length === 0) delete container[key];
    else container[key] = kept;
    return;
  }
  if (!hit.some(Boolean)) {
    // Nothing matches `emails[type eq "work"].value`: a new element that does.
    const template = equalities(parsed.filter);
    if (!template) {
      throw noTarget(`No value of ${attr} matches the filter in "${operation.path}", so there is nothing to ${op}.`);
    }
    const element = parsed.sub
      ? withSub(template, parsed.sub, value)
      : { ...template, ...(isObject(value) ? value : {}) };
    container[key] = onePrimary([...list, element], [element]);
    return;
  }
  const updated = list.map((e, i) => {
    if (!hit[i]) return e;
    if (parsed.sub) return withSub(isObject(e) ? e : {}, parsed.sub, value);
    if (!isObject(value)) throw invalidValue(`Operations[${index}].value must be an object for "${operation.path}".`);
    return op === 'add' && isObject(e) ? { ...e, ...value } : { ...value };
  });
  container[key] = onePrimary(
    updated,
    updated.filter((_, i) => hit[i]),
  );
}

function withSub(obj: Json, sub: string, value: unknown): Json {
  const out = { ...obj };
  const key = keyIn(out, sub);
  if (value === null || value === undefined) delete out[key];
  else out[key] = value;
  return out;
}

/** Applies the operations in order to a copy of `resource`; any failing operation fails them all. */
export function applyPatch(resource: Json, operations: PatchOperation[]): Json {
  const out = structuredClone(resource);
  operations.forEach((operation, index) => {
    if (operation.path === undefined) {
      if (operation.op === 'remove') throw noTarget(`Operations[${index}] removes, so it needs a path.`);
      applyWholeValue(out, operation.op, operation.value, index);
    } else {
      applyPath(out, { ...operation, path: operation.path }, index);
    }
  });
  return out;
}
