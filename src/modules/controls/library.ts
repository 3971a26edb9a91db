import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { builtinFrameworks } from '../frameworks/library.js';

/**
 * The built-in control library: the requirement lines of the two seed documents
 * (src/content/seed-lines.json) and the controls that implement them (src/content/controls.json),
 * both validated when they are loaded.
 */

export const SEED_DOCS = ['000', '004'] as const;

export const CONTROL_DOMAINS = [
  'governance',
  'people',
  'access',
  'assets',
  'cryptography',
  'operations',
  'vulnerability',
  'logging',
  'network',
  'development',
  'vendors',
  'risk',
  'incident',
  'continuity',
  'privacy',
  'assessment',
] as const;

export type ControlDomain = (typeof CONTROL_DOMAINS)[number];

/** Key prefix of each domain: a control's key is `<prefix>-<two digits>`. */
export const DOMAIN_PREFIX: Record<(typeof CONTROL_DOMAINS)[number], string> = {
  governance: 'GOV',
  people: 'PEO',
  access: 'ACC',
  assets: 'AST',
  cryptography: 'CRY',
  operations: 'OPS',
  vulnerability: 'VUL',
  logging: 'LOG',
  network: 'NET',
  development: 'DEV',
  vendors: 'VEN',
  risk: 'RSK',
  incident: 'INC',
  continuity: 'BCP',
  privacy: 'PRV',
  assessment: 'ASM',
};

/** The policy templates (src/content/policies/<key>.md) controls may rely on. */
export const POLICY_KEYS = [
  'information-security',
  'access-control',
  'encryption',
  'incident-response',
  'business-continuity',
  'vendor-management',
  'risk-management',
  'acceptable-use',
  'data-classification',
  'personnel-security',
  'secure-development',
  'logging-monitoring',
  'vulnerability-management',
] as const;

const SeedLine = z
  .object({
    id: z.string().regex(/^(000 §\d+(\.\d+)+|004 [A-Za-z0-9].*)$/),
    doc: z.enum(SEED_DOCS),
    section: z.string().min(1),
    summary: z.string().min(10),
  })
  .refine((l) => l.id.startsWith(`${l.doc} `), { message: 'id must start with its doc' });

const SeedLinesFile = z
  .object({ _note: z.string().optional(), seedLines: z.array(SeedLine).min(1) })
  .superRefine((f, ctx) => {
    const ids = new Set<string>();
    for (const l of f.seedLines) {
      if (ids.has(l.id)) ctx.addIssue({ code: 'custom', message: `seed line ${l.id} appears twice` });
      ids.add(l.id);
    }
  });

export type SeedLine = z.infer<typeof SeedLine>;

const Control = z
  .object({
    key: z.string().regex(/^[A-Z]{3}-\d{2}$/),
    title: z.string().min(5).max(120),
    description: z.string().min(40),
    domain: z.enum(CONTROL_DOMAINS),
    seedLines: z.array(z.string().min(1)),
    criteria: z.array(z.string().min(1)).min(1),
    evidence: z
      .array(z.object({ title: z.string().min(1), cadence: z.enum(['once', 'monthly', 'quarterly', 'yearly']) }))
      .min(1),
    checks: z.array(z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/)),
    policies: z.array(z.enum(POLICY_KEYS)).min(1),
    ownerRole: z.enum(['owner', 'admin']),
  })
  .refine((c) => c.key.startsWith(`${DOMAIN_PREFIX[c.domain]}-`), {
    message: 'key prefix must match the domain',
  });

export type Control = z.infer<typeof Control>;

const ControlsFile = z.object({ _note: z.string().optional(), controls: z.array(Control).min(1) });

function readContent(file: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../../src/content/${file}`, import.meta.url), 'utf8'));
}

/** Checks the cross-references of a control library: keys, seed line ids, criteria refs. */
export function validateControls(
  controls: Control[],
  seedIds: ReadonlySet<string>,
  refs: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const keys = new Set<string>();
  for (const c of controls) {
    if (keys.has(c.key)) problems.push(`${c.key} appears twice`);
    keys.add(c.key);
    for (const s of c.seedLines) if (!seedIds.has(s)) problems.push(`${c.key}: unknown seed line ${s}`);
    for (const r of c.criteria) if (!refs.has(r)) problems.push(`${c.key}: unknown criterion ${r}`);
    if (new Set(c.seedLines).size !== c.seedLines.length) problems.push(`${c.key}: a seed line is listed twice`);
    if (new Set(c.criteria).size !== c.criteria.length) problems.push(`${c.key}: a criterion is listed twice`);
  }
  return problems;
}

let seedLines: SeedLine[] | undefined;
let controls: Control[] | undefined;

export function loadSeedLines(): SeedLine[] {
  seedLines ??= SeedLinesFile.parse(readContent('seed-lines.json')).seedLines;
  return seedLines;
}

/** The SOC 2 criteria refs the library may map to. */
export function soc2Refs(): Set<string> {
  const soc2 = builtinFrameworks().find((f) => f.id === 'soc2-2017');
  if (!soc2) throw new Error('the soc2-2017 framework is missing');
  return new Set(soc2.requirements.map((r) => r.ref));
}

export function loadControlLibrary(): Control[] {
  if (!controls) {
    const parsed = ControlsFile.parse(readContent('controls.json')).controls;
    const problems = validateControls(parsed, new Set(loadSeedLines().map((l) => l.id)), soc2Refs());
    if (problems.length > 0) throw new Error(`invalid control library:\n${problems.join('\n')}`);
    controls = parsed;
  }
  return controls;
}

/** Every seed line with the keys of the controls that cover it (empty when none does). */
export function seedCoverage(): Array<SeedLine & { controls: string[] }> {
  const byLine = new Map<string, string[]>();
  for (const c of loadControlLibrary()) {
    for (const s of c.seedLines) byLine.set(s, [...(byLine.get(s) ?? []), c.key]);
  }
  return loadSeedLines().map((l) => ({ ...l, controls: byLine.get(l.id) ?? [] }));
}
