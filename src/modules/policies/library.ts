import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { POLICY_KEYS } from '../controls/library.js';

/**
 * The policy library: src/content/policies/index.json (titles, summaries, the variables each
 * template uses and every variable's default) and one Markdown file per template key, both
 * validated when they are loaded.
 */

const VariableName = z.string().regex(/^[a-z][a-z0-9_]*$/);

const Variable = z.object({
  description: z.string().min(10),
  /** null: derived from the organisation (see `defaultFrom`). */
  default: z.string().nullable(),
  defaultFrom: z.string().optional(),
});

const Entry = z.object({
  key: z.enum(POLICY_KEYS),
  title: z.string().min(5).max(120),
  summary: z.string().min(20).max(400),
  variables: z.array(VariableName),
});

const IndexFile = z.object({
  _note: z.string().optional(),
  variables: z.record(VariableName, Variable),
  policies: z.array(Entry).min(1),
});

export type PolicyVariable = z.infer<typeof Variable>;

export interface PolicyTemplate {
  key: (typeof POLICY_KEYS)[number];
  title: string;
  summary: string;
  variables: string[];
  body: string;
  /** Identifies this revision of the template: a draft loaded from it records it. */
  hash: string;
}

/** `{{ name }}` placeholders; anything between double braces is a placeholder, well-formed or not. */
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/** The placeholder names a text uses, in order of first use, as written (trimmed). */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => (m[1] ?? '').trim()))];
}

/** Replaces each placeholder with `value(name)` (names trimmed). */
export function substitute(text: string, value: (name: string) => string): string {
  return text.replace(PLACEHOLDER, (_m, name: string) => value(name.trim()));
}

/** The hash a draft's title and text are compared with to tell whether anyone edited them. */
export function templateHash(title: string, body: string): string {
  return createHash('sha256').update(`${title}\n${body}`, 'utf8').digest('hex');
}

/** Cross-checks the index against the template texts: every key once, variables declared and listed. */
export function validateTemplates(index: z.infer<typeof IndexFile>, bodies: Map<string, string>): string[] {
  const problems: string[] = [];
  const declared = new Set(Object.keys(index.variables));
  const keys = index.policies.map((p) => p.key);
  for (const key of POLICY_KEYS) if (!keys.includes(key)) problems.push(`${key}: no entry in index.json`);
  if (new Set(keys).size !== keys.length) problems.push('a key appears twice in index.json');
  for (const p of index.policies) {
    const body = bodies.get(p.key);
    if (body === undefined) {
      problems.push(`${p.key}: no ${p.key}.md`);
      continue;
    }
    const used = placeholdersIn(body);
    for (const name of used) if (!declared.has(name)) problems.push(`${p.key}: undeclared variable {{${name}}}`);
    const listed = [...p.variables].sort();
    if (JSON.stringify(listed) !== JSON.stringify([...used].sort())) {
      problems.push(
        `${p.key}: index.json lists [${listed.join(', ')}] but the text uses [${[...used].sort().join(', ')}]`,
      );
    }
  }
  return problems;
}

function readContent(file: string): string {
  return readFileSync(new URL(`../../../src/content/policies/${file}`, import.meta.url), 'utf8');
}

let loaded: { templates: PolicyTemplate[]; variables: Record<string, PolicyVariable> } | undefined;

function load() {
  if (!loaded) {
    const index = IndexFile.parse(JSON.parse(readContent('index.json')));
    const bodies = new Map(index.policies.map((p) => [p.key, readContent(`${p.key}.md`).trim()]));
    const problems = validateTemplates(index, bodies);
    if (problems.length > 0) throw new Error(`invalid policy library:\n${problems.join('\n')}`);
    loaded = {
      variables: index.variables,
      templates: index.policies.map((p) => {
        const body = bodies.get(p.key) ?? '';
        return { ...p, body, hash: templateHash(p.title, body) };
      }),
    };
  }
  return loaded;
}

export function loadPolicyTemplates(): PolicyTemplate[] {
  return load().templates;
}

/** Every variable a policy may use, with its description and default. */
export function policyVariables(): Record<string, PolicyVariable> {
  return load().variables;
}
