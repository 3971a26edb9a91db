import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * NIST's OSCAL JSON schema (src/content/oscal/, public domain: see LICENSE.md there), compiled
 * once. Every document we import is checked against it first and every document we export
 * must pass it too.
 */
export const OSCAL_VERSION = '1.0.6';

const SCHEMA_URL = new URL('../../../src/content/oscal/oscal_complete_schema.json', import.meta.url);

// ajv-formats ships CommonJS with a default export that NodeNext sees as the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    // strict: false because the schema uses keywords ajv does not know ($comment-like titles on
    // $ref siblings); unicodeRegExp for its \p{L} token patterns; allErrors off so a huge
    // invalid document stops early.
    const ajv = new Ajv({ strict: false, unicodeRegExp: true, allErrors: false });
    addFormats(ajv);
    compiled = ajv.compile(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')));
  }
  return compiled;
}

export interface OscalProblem {
  path: string;
  message: string;
}

/** The document's model, when it is one of OSCAL's: catalog, profile, ssp… */
export function oscalModel(doc: unknown): string | null {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return null;
  const keys = Object.keys(doc).filter((k) => k !== '$schema');
  return keys.length === 1 ? (keys[0] ?? null) : null;
}

/**
 * Validates a document against the OSCAL schema: an empty list when it is valid, otherwise the
 * first `limit` problems as a JSON pointer and a message.
 */
export function validateOscal(doc: unknown, limit = 5): OscalProblem[] {
  const validate = validator();
  if (validate(doc)) return [];
  const errors = (validate.errors ?? []) as ErrorObject[];
  // With oneOf at the root, ajv reports each model's mismatch; keep those of the document's own model.
  const model = oscalModel(doc);
  const relevant = model ? errors.filter((e) => e.instancePath.startsWith(`/${model}`)) : [];
  const chosen = relevant.length > 0 ? relevant : errors;
  const seen = new Set<string>();
  const out: OscalProblem[] = [];
  for (const e of chosen) {
    const message = describe(e);
    const key = `${e.instancePath}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: e.instancePath || '/', message });
    if (out.length >= limit) break;
  }
  if (out.length === 0) out.push({ path: '/', message: 'not an OSCAL document' });
  return out;
}

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case 'additionalProperties':
      return `has an unexpected property "${String((e.params as { additionalProperty: string }).additionalProperty)}"`;
    case 'required':
      return `lacks the property "${String((e.params as { missingProperty: string }).missingProperty)}"`;
    case 'oneOf':
      return 'is not a catalog, profile, component-definition, system-security-plan or other OSCAL model';
    default:
      return e.message ?? e.keyword;
  }
}
