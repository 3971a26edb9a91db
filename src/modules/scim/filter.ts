/**
 * SCIM filters (RFC 7644 §3.4.2.2): the whole grammar is parsed here, so a filter we do not
 * run is answered as "not supported" rather than "malformed". The lists compile the parts they
 * support to SQL (users.ts, groups.ts); PATCH paths use `matches` on values in memory.
 */
import { ATTRIBUTE_SCHEMAS, GROUP_SCHEMA, USER_SCHEMA } from './urns.js';

export const COMPARE_OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];
export type CompValue = string | number | boolean | null;

/** `schema` is a canonical URN when the path was qualified; `attr` and `sub` keep the client's case. */
export interface AttrPath {
  schema?: string;
  attr: string;
  sub?: string;
}

export type Filter =
  | { kind: 'compare'; path: AttrPath; op: CompareOp; value: CompValue }
  | { kind: 'present'; path: AttrPath }
  | { kind: 'and' | 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter }
  | { kind: 'valuePath'; path: AttrPath; filter: Filter };

export class FilterSyntaxError extends Error {}

type Token = { type: '(' | ')' | '[' | ']' } | { type: 'string'; value: string } | { type: 'word'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ type: c });
      i++;
    } else if (c === '"') {
      // A JSON string: escapes as JSON writes them.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw new FilterSyntaxError('a string is not closed with "');
      try {
        tokens.push({ type: 'string', value: JSON.parse(text.slice(i, j + 1)) as string });
      } catch {
        throw new FilterSyntaxError(`the string ${text.slice(i, j + 1)} has a bad escape`);
      }
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s()[\]"]/.test(text[j]!)) j++;
      tokens.push({ type: 'word', value: text.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

const NAME = /^[A-Za-z$][\w$-]*$/;

/**
 * `userName`, `name.givenName`, `urn:…:enterprise:2.0:User:department`. A qualified path's
 * schema is returned canonical; the core User and Group schemas are dropped (they are the default).
 */
export function parseAttrPath(text: string): AttrPath {
  let schema: string | undefined;
  let rest = text;
  if (text.toLowerCase().startsWith('urn:')) {
    const lower = text.toLowerCase();
    const known = ATTRIBUTE_SCHEMAS.find((s) => lower.startsWith(`${s.toLowerCase()}:`));
    const cut = known ? known.length : text.lastIndexOf(':');
    schema = known ?? text.slice(0, cut);
    rest = text.slice(cut + 1);
  }
  const parts = rest.split('.');
  const [attr, sub] = parts;
  if (!attr || parts.length > 2 || !NAME.test(attr) || (sub !== undefined && !NAME.test(sub))) {
    throw new FilterSyntaxError(`"${text}" is not an attribute path`);
  }
  const core = schema === USER_SCHEMA || schema === GROUP_SCHEMA;
  return { ...(schema && !core ? { schema } : {}), attr, ...(sub ? { sub } : {}) };
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Filter {
    const filter = this.or();
    const left = this.tokens[this.at];
    if (left) throw new FilterSyntaxError(`unexpected ${describe(left)}`);
    return filter;
  }

  private peekWord(): string | null {
    const t = this.tokens[this.at];
    return t?.type === 'word' ? t.value.toLowerCase() : null;
  }

  private expect(type: '(' | ')' | '[' | ']'): void {
    const t = this.tokens[this.at];
    if (t?.type !== type) throw new FilterSyntaxError(`expected "${type}" but found ${t ? describe(t) : 'the end'}`);
    this.at++;
  }

  or(): Filter {
    let left = this.and();
    while (this.peekWord() === 'or') {
      this.at++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Filter {
    let left = this.unary();
    while (this.peekWord() === 'and') {
      this.at++;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Filter {
    const t = this.tokens[this.at];
    if (!t) throw new FilterSyntaxError('the filter ends too soon');
    if (t.type === '(') {
      this.at++;
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    if (t.type === 'word' && t.value.toLowerCase() === 'not' && this.tokens[this.at + 1]?.type === '(') {
      this.at += 2;
      const inner = this.or();
      this.expect(')');
      return { kind: 'not', filter: inner };
    }
    if (t.type !== 'word') throw new FilterSyntaxError(`expected an attribute but found ${describe(t)}`);
    this.at++;
    const path = parseAttrPath(t.value);
    if (this.tokens[this.at]?.type === '[') {
      this.at++;
      const inner = this.or();
      this.expect(']');
      return { kind: 'valuePath', path, filter: inner };
    }
    const op = this.peekWord();
    if (op === 'pr') {
      this.at++;
      return { kind: 'present', path };
    }
    if (!op || !(COMPARE_OPS as readonly string[]).includes(op)) {
      throw new FilterSyntaxError(
        `"${t.value}" must be followed by an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)`,
      );
    }
    this.at++;
    return { kind: 'compare', path, op: op as CompareOp, value: this.value() };
  }

  private value(): CompValue {
    const t = this.tokens[this.at];
    if (!t) throw new FilterSyntaxError('a comparison has no value');
    this.at++;
    if (t.type === 'string') return t.value;
    if (t.type === 'word') {
      const w = t.value.toLowerCase();
      if (w === 'true') return true;
      if (w === 'false') return false;
      if (w === 'null') return null;
      if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(t.value)) return Number(t.value);
    }
    throw new FilterSyntaxError(
      `${describe(t)} is not a value: quote strings ("…"), or use true, false, null or a number`,
    );
  }
}

function describe(t: Token): string {
  return t.type === 'string' ? `"${t.value}"` : t.type === 'word' ? `"${t.value}"` : `"${t.type}"`;
}

/** Parses a filter; throws FilterSyntaxError naming what is wrong. */
export function parseFilter(text: string): Filter {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new FilterSyntaxError('the filter is empty');
  return new Parser(tokens).parse();
}

/** The value of `key` in `obj`, matching attribute names case-insensitively. */
export function getAttr(obj: unknown, key: string): unknown {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const record = obj as Record<string, unknown>;
  if (key in record) return record[key];
  const lower = key.toLowerCase();
  const found = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : record[found];
}

function valuesAt(obj: unknown, path: AttrPath): unknown[] {
  let base = obj;
  if (path.schema) base = getAttr(obj, path.schema);
  const top = getAttr(base, path.attr);
  const tops = Array.isArray(top) ? top : top === undefined || top === null ? [] : [top];
  if (!path.sub) return tops.flatMap((v) => (Array.isArray(v) ? v : [v]));
  return tops.map((v) => getAttr(v, path.sub!)).filter((v) => v !== undefined && v !== null);
}

function compare(actual: unknown, op: CompareOp, expected: CompValue): boolean {
  if (expected === null) return op === 'eq' ? actual === null : op === 'ne' ? actual !== null : false;
  if (typeof actual === 'string' && typeof expected === 'string') {
    // Attributes are case-insensitive unless a schema says otherwise; ids are lower-case uuids.
    const a = actual.toLowerCase();
    const e = expected.toLowerCase();
    switch (op) {
      case 'eq':
        return a === e;
      case 'ne':
        return a !== e;
      case 'co':
        return a.includes(e);
      case 'sw':
        return a.startsWith(e);
      case 'ew':
        return a.endsWith(e);
      case 'gt':
        return a > e;
      case 'ge':
        return a >= e;
      case 'lt':
        return a < e;
      case 'le':
        return a <= e;
    }
  }
  if (typeof actual === 'number' && typeof expected === 'number') {
    switch (op) {
      case 'gt':
        return actual > expected;
      case 'ge':
        return actual >= expected;
      case 'lt':
        return actual < expected;
      case 'le':
        return actual <= expected;
    }
  }
  if (op === 'eq') return actual === expected;
  if (op === 'ne') return actual !== expected;
  return false;
}

/** Whether a JSON value (a resource, or one element of a multi-valued attribute) matches. */
export function matches(obj: unknown, filter: Filter): boolean {
  switch (filter.kind) {
    case 'and':
      return matches(obj, filter.left) && matches(obj, filter.right);
    case 'or':
      return matches(obj, filter.left) || matches(obj, filter.right);
    case 'not':
      return !matches(obj, filter.filter);
    case 'present':
      return valuesAt(obj, filter.path).some((v) => v !== '' && !(Array.isArray(v) && v.length === 0));
    case 'valuePath':
      return valuesAt(obj, filter.path).some((element) => matches(element, filter.filter));
    case 'compare': {
      const values = valuesAt(obj, filter.path);
      if (filter.op === 'ne') return values.every((v) => compare(v, 'ne', filter.value));
      return values.some((v) => compare(v, filter.op, filter.value));
    }
  }
}

/**
 * The attribute equalities a filter asserts (`type eq "work" and primary eq true`), or null
 * when it says more than that: what a new element needs to match it.
 */
export function equalities(filter: Filter): Record<string, CompValue> | null {
  if (filter.kind === 'compare' && filter.op === 'eq' && !filter.path.sub && !filter.path.schema) {
    return { [filter.path.attr]: filter.value };
  }
  if (filter.kind === 'and') {
    const left = equalities(filter.left);
    const right = equalities(filter.right);
    return left && right ? { ...left, ...right } : null;
  }
  return null;
}
