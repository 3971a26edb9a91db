import { randomBytes, randomUUID } from 'node:crypto';
import dc from 'node:diagnostics_channel';
import type { FastifyInstance } from 'fastify';
import { type ZodType, z } from 'zod';
import type { Access } from '../../src/server/plugins/access.js';

/**
 * Every route a server registers, collected with an `onRoute` hook that Fastify's
 * `fastify.initialization` diagnostics channel lets us add before any route exists: tests
 * that walk the routes cover new ones without being edited.
 */
export interface RouteInfo {
  method: string;
  url: string;
  /** Path parameters, in order (`*` for a wildcard). */
  params: string[];
  access: Access | undefined;
  schema: { params?: ZodType; body?: ZodType; querystring?: ZodType };
}

const collected = new WeakMap<object, RouteInfo[]>();

dc.channel('fastify.initialization').subscribe((message) => {
  const fastify = (message as { fastify: FastifyInstance }).fastify;
  const routes: RouteInfo[] = [];
  collected.set(fastify, routes);
  fastify.addHook('onRoute', (options) => {
    const methods = Array.isArray(options.method) ? options.method : [options.method];
    const schema = (options.schema ?? {}) as RouteInfo['schema'];
    const params = [...options.url.matchAll(/:([A-Za-z0-9_]+)|(\*)/g)].map((m) => m[1] ?? '*');
    for (const method of methods) {
      routes.push({ method, url: options.url, params, access: options.config?.access, schema });
    }
  });
});

/** The routes of a server built after this module was imported. */
export function routesOf(app: FastifyInstance): RouteInfo[] {
  const routes = collected.get(app);
  if (!routes) throw new Error('No routes recorded: import test/helpers/routes.ts before building the server');
  return routes;
}

/** Where an id can go: a path parameter, or a uuid field of the body or query string. */
export interface Slot {
  in: 'params' | 'body' | 'querystring';
  name: string;
}

type JsonSchema = {
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  minItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
};

const isZod = (s: unknown): s is ZodType => typeof (s as ZodType | undefined)?.safeParse === 'function';

function jsonSchema(schema: ZodType | undefined): JsonSchema | null {
  if (!isZod(schema)) return null;
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

export function slotsOf(route: RouteInfo): Slot[] {
  const slots: Slot[] = route.params.map((name) => ({ in: 'params' as const, name }));
  for (const where of ['body', 'querystring'] as const) {
    const props = jsonSchema(route.schema[where])?.properties ?? {};
    for (const [name, prop] of Object.entries(props)) {
      if (prop.format === 'uuid') slots.push({ in: where, name });
    }
  }
  return slots;
}

const STRING_CANDIDATES = ['sample', '000000', 'sample-value', 'a1', 'en', 'x'];

/**
 * A plausible value for a JSON schema: required fields only, first enum value, neutral strings.
 * `minimal` (the second try, when the first does not validate): null where null is allowed, and
 * arrays as short as allowed.
 */
function sample(schema: JsonSchema, minimal = false): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  // A union (a discriminated one too): its first alternative, or null when minimal allows it.
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (minimal && alternatives?.some((a) => a.type === 'null')) return null;
  if (alternatives?.[0]) return sample(alternatives[0], minimal);
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? []) out[name] = sample(schema.properties?.[name] ?? {}, minimal);
      return out;
    }
    case 'array': {
      const length = minimal ? (schema.minItems ?? 0) : Math.max(1, schema.minItems ?? 1);
      return Array.from({ length }, () => sample(schema.items ?? {}, minimal));
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string': {
      if (schema.format === 'uuid') return randomUUID();
      if (schema.format === 'email') return `nobody-${randomBytes(4).toString('hex')}@example.test`;
      if (schema.format === 'date') return '2030-01-01';
      if (schema.format === 'date-time') return '2030-01-01T00:00:00.000Z';
      const fits = (s: string) =>
        s.length >= (schema.minLength ?? 0) &&
        s.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY) &&
        (!schema.pattern || new RegExp(schema.pattern).test(s));
      return STRING_CANDIDATES.find(fits) ?? 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    }
    default:
      return 'sample';
  }
}

export interface RouteRequest {
  method: string;
  /** The path with its parameters filled, and the query string. */
  url: string;
  body?: unknown;
  /** Every value put in a slot (to tell an echo of the request from a leak). */
  sent: string[];
}

/**
 * A request for the route that passes its own validation, with `fill(slot)` in every id slot;
 * null when a filled value does not fit the route's schema (say, a number for a uuid).
 */
export function requestFor(route: RouteInfo, fill: (slot: Slot) => string): RouteRequest | null {
  const sent: string[] = [];
  const filled = (slot: Slot) => {
    const v = fill(slot);
    sent.push(v);
    return v;
  };
  const params: Record<string, string> = {};
  for (const name of route.params) params[name] = filled({ in: 'params', name });
  if (isZod(route.schema.params) && !route.schema.params.safeParse(params).success) return null;

  const parts: Partial<Record<'body' | 'querystring', Record<string, unknown>>> = {};
  for (const where of ['body', 'querystring'] as const) {
    const schema = jsonSchema(route.schema[where]);
    if (!schema) continue;
    const slots = slotsOf(route).filter((s) => s.in === where);
    const withSlots = (value: Record<string, unknown>) => {
      for (const slot of slots) value[slot.name] = filled(slot);
      return value;
    };
    let value = withSlots(sample(schema) as Record<string, unknown>);
    if (!route.schema[where]?.safeParse(value).success) {
      value = withSlots(sample(schema, true) as Record<string, unknown>);
      if (!route.schema[where]?.safeParse(value).success) return null;
    }
    parts[where] = value;
  }

  const path = route.url.replace(/:([A-Za-z0-9_]+)|\*/g, (_m, name: string | undefined) =>
    encodeURIComponent(params[name ?? '*'] ?? ''),
  );
  const query = new URLSearchParams(Object.entries(parts.querystring ?? {}).map(([k, v]) => [k, String(v)])).toString();
  return {
    method: route.method,
    url: query ? `${path}?${query}` : path,
    ...(parts.body ? { body: parts.body } : {}),
    sent,
  };
}
