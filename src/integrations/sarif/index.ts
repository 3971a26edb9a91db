import { z } from 'zod';
import { boundedScope, type Keyed, uniqueIds } from '../trivy/ids.js';
import { type FindingData, ImportError, type InventoryRecord, type Parser, type Severity } from '../types.js';

/**
 * SARIF 2.1.0, the format most scanners can write (CodeQL, Semgrep, Trivy, Checkov, gitleaks…).
 * Each run is one tool's full result over one target, so it is one scope,
 * `sarif:<tool>:<category>`; the category comes from the run's automationDetails.id.
 */

const text = z.object({ text: z.string().optional() }).optional();

const rule = z.object({
  id: z.string(),
  shortDescription: text,
  fullDescription: text,
  helpUri: z.string().optional(),
  defaultConfiguration: z.object({ level: z.string().optional() }).optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
});

const component = z.object({ name: z.string(), rules: z.array(rule).nullish() });

const location = z.object({
  physicalLocation: z
    .object({
      artifactLocation: z.object({ uri: z.string().optional(), index: z.number().optional() }).optional(),
      region: z.object({ startLine: z.number().optional() }).optional(),
    })
    .optional(),
  logicalLocations: z
    .array(z.object({ fullyQualifiedName: z.string().optional(), name: z.string().optional() }))
    .optional(),
  message: text,
});

const result = z.object({
  ruleId: z.string().optional(),
  ruleIndex: z.number().optional(),
  rule: z
    .object({
      id: z.string().optional(),
      index: z.number().optional(),
      toolComponent: z.object({ index: z.number().optional() }).optional(),
    })
    .optional(),
  kind: z.string().optional(),
  level: z.string().optional(),
  message: text,
  locations: z.array(location).nullish(),
  partialFingerprints: z.record(z.string(), z.string()).optional(),
  fingerprints: z.record(z.string(), z.string()).optional(),
  baselineState: z.string().optional(),
  suppressions: z.array(z.object({ status: z.string().optional() })).optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
});

const run = z.object({
  tool: z.object({ driver: component, extensions: z.array(component).optional() }),
  results: z.array(result).nullish(),
  automationDetails: z.object({ id: z.string().optional() }).optional(),
  artifacts: z.array(z.object({ location: z.object({ uri: z.string().optional() }).optional() })).optional(),
});

const log = z.object({ version: z.string(), runs: z.array(run) });

type Run = z.infer<typeof run>;
type Rule = z.infer<typeof rule>;
type Result = z.infer<typeof result>;

const HOW_TO = 'Export the scan as SARIF 2.1.0 (most scanners take --format sarif).';

export const parseSarif: Parser = (input) => {
  const doc = readLog(input);
  const scopes = new Map<string, { record: InventoryRecord<'finding'>; key: Keyed }[]>();
  let skipped = 0;
  for (const r of doc.runs) {
    const tool = r.tool.driver.name.trim().toLowerCase();
    const scope = boundedScope(`sarif:${tool}:${categoryOf(r.automationDetails?.id)}`);
    const found = scopes.get(scope) ?? [];
    scopes.set(scope, found);
    const rules = ruleFinder(r);
    for (const res of r.results ?? []) {
      const f = findingOf(res, rules(res), tool, r);
      if (f) found.push(f);
      else skipped++;
    }
  }

  let duplicates = 0;
  const parsed = [...scopes].map(([scope, found]) => {
    const ids = uniqueIds(found.map((f) => f.key));
    const records: InventoryRecord<'finding'>[] = [];
    ids.forEach((id, i) => {
      const f = found[i];
      if (id !== null && f) records.push({ ...f.record, externalId: id });
      else duplicates++;
    });
    return { scope, records };
  });
  const warnings: string[] = [];
  if (skipped > 0) {
    warnings.push(`Skipped ${results(skipped)}: fixed since the baseline, not applicable, or without a rule.`);
  }
  if (duplicates > 0) warnings.push(`Counted once ${results(duplicates)} reported twice.`);
  return { format: 'SARIF 2.1.0', scopes: parsed, warnings };
};

function results(n: number): string {
  return n === 1 ? '1 result' : `${n} results`;
}

function readLog(input: string): z.infer<typeof log> {
  let json: unknown;
  try {
    json = JSON.parse(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input);
  } catch (error) {
    const empty = input.trim() === '';
    throw new ImportError(
      empty ? `The file is empty. ${HOW_TO}` : `The file is not complete JSON (${(error as Error).message}). ${HOW_TO}`,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ImportError(
      `This is not a SARIF file: it should be one JSON object with "version" and "runs". ${HOW_TO}`,
    );
  }
  if ('SchemaVersion' in json && 'ArtifactName' in json)
    throw new ImportError('This is a Trivy JSON report: push it as trivy.');
  if (!('runs' in json)) throw new ImportError(`This is not a SARIF file: it has no "runs". ${HOW_TO}`);
  if ('version' in json && json.version !== '2.1.0') {
    throw new ImportError(`This SARIF file is version ${String(json.version)}; Attest reads 2.1.0. ${HOW_TO}`);
  }
  const parsed = log.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ImportError(
      `This SARIF file is not in the expected shape at ${issue?.path.join('.') || 'the top level'}: ${issue?.message}. ${HOW_TO}`,
    );
  }
  return parsed.data;
}

/**
 * SARIF's automationDetails.id is "category/instance": the instance changes every run, so the
 * scope keeps only the category. An id without "/" is taken whole, as tools that set one mean
 * it as a stable name.
 */
function categoryOf(id: string | undefined): string {
  if (!id) return 'default';
  const slash = id.lastIndexOf('/');
  const category = slash < 0 ? id : id.slice(0, slash);
  return category || 'default';
}

/** Looks up a result's rule by index (driver or extension) or by id, with id maps built once. */
function ruleFinder(r: Run): (res: Result) => Rule | undefined {
  const components = [r.tool.driver, ...(r.tool.extensions ?? [])];
  const byId = new Map<string, Rule>();
  for (const c of components) for (const ru of c.rules ?? []) if (!byId.has(ru.id)) byId.set(ru.id, ru);
  return (res) => {
    const ext = res.rule?.toolComponent?.index;
    const rules = ext === undefined ? r.tool.driver.rules : r.tool.extensions?.[ext]?.rules;
    const index = res.rule?.index ?? res.ruleIndex;
    const byIndex = index === undefined ? undefined : rules?.[index];
    const id = res.ruleId ?? res.rule?.id;
    return byIndex ?? (id === undefined ? undefined : byId.get(id));
  };
}

function findingOf(res: Result, rule: Rule | undefined, tool: string, r: Run) {
  if (res.baselineState === 'absent' || res.kind === 'notApplicable' || res.kind === 'informational') return null;
  const ruleId = res.ruleId ?? res.rule?.id ?? rule?.id;
  if (!ruleId) return null;

  const tags = tagsOf(rule);
  const advisory = advisoryOf(ruleId, tags);
  const category: FindingData['category'] =
    advisory || tags.has('vulnerability') ? 'vulnerability' : tags.has('secret') ? 'secret' : 'misconfiguration';
  const loc = res.locations?.[0];
  const uri =
    loc?.physicalLocation?.artifactLocation?.uri ?? artifactUri(r, loc?.physicalLocation?.artifactLocation?.index);
  const where = uri ?? loc?.logicalLocations?.[0]?.fullyQualifiedName ?? loc?.logicalLocations?.[0]?.name;
  const line = loc?.physicalLocation?.region?.startLine;
  const resource = where ? `${where}${line ? `:${line}` : ''}` : '(no location)';
  const message = res.message?.text ?? '';
  const pkg = category === 'vulnerability' ? packageOf(message) : null;
  const title = rule?.shortDescription?.text || message.split('\n')[0] || ruleId;

  const data: FindingData = {
    tool,
    category,
    ruleId,
    title,
    severity: severityOf(res, rule),
    status: statusOf(res),
    resource,
    account: null,
    region: null,
    package: pkg?.name ?? null,
    installedVersion: pkg?.installed ?? null,
    fixedVersion: pkg?.fixed ?? null,
    advisory,
    soc2: [],
    url: rule?.helpUri ?? null,
  };
  const name = pkg?.name ? `${advisory ?? ruleId} in ${pkg.name}` : `${ruleId}: ${title} (${resource})`;
  const key: Keyed = {
    base: fingerprintOf(ruleId, res) ?? `${ruleId}|${resource}`,
    extra: pkg?.name ?? loc?.message?.text ?? message,
  };
  return { record: { type: 'finding' as const, externalId: '', name, data }, key };
}

function artifactUri(r: Run, index: number | undefined): string | undefined {
  return index === undefined ? undefined : r.artifacts?.[index]?.location?.uri;
}

function tagsOf(rule: Rule | undefined): Set<string> {
  const tags = rule?.properties?.tags;
  return new Set(
    Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string').map((t) => t.toLowerCase()) : [],
  );
}

const ADVISORY = /\b(CVE-\d{4}-\d{4,}|GHSA(?:-[0-9a-z]{4}){3})\b/i;

/** The CVE or GitHub advisory the rule id or one of its tags names. */
function advisoryOf(ruleId: string, tags: Set<string>): string | null {
  for (const candidate of [ruleId, ...tags]) {
    const m = ADVISORY.exec(candidate);
    if (m?.[1]) return m[1].toUpperCase().startsWith('CVE') ? m[1].toUpperCase() : `GHSA${m[1].slice(4).toLowerCase()}`;
  }
  return null;
}

/** Trivy (and tools copying it) write the package into the message: "Package: x\nInstalled Version: y". */
function packageOf(message: string): { name: string; installed: string | null; fixed: string | null } | null {
  const name = /^Package: (.+)$/m.exec(message)?.[1]?.trim();
  if (!name) return null;
  return {
    name,
    installed: /^Installed Version: (.+)$/m.exec(message)?.[1]?.trim() || null,
    fixed: /^Fixed Version: (.+)$/m.exec(message)?.[1]?.trim() || null,
  };
}

/** GitHub's primaryLocationLineHash first, then any other partial or full fingerprint, by name. */
function fingerprintOf(ruleId: string, res: Result): string | null {
  for (const prints of [res.partialFingerprints, res.fingerprints]) {
    if (!prints) continue;
    const keys = Object.keys(prints).sort();
    const key = 'primaryLocationLineHash' in prints ? 'primaryLocationLineHash' : keys[0];
    if (key) return `${ruleId}|${key}=${prints[key]}`;
  }
  return null;
}

const LEVELS: Readonly<Record<string, Severity>> = { error: 'high', warning: 'medium', note: 'low', none: 'info' };

/** GitHub's security-severity (a CVSS-like score) when given, else the SARIF level. */
function severityOf(res: Result, rule: Rule | undefined): Severity {
  const raw = res.properties?.['security-severity'] ?? rule?.properties?.['security-severity'];
  const score = typeof raw === 'number' || (typeof raw === 'string' && raw.trim() !== '') ? Number(raw) : Number.NaN;
  if (Number.isFinite(score)) {
    if (score >= 9) return 'critical';
    if (score >= 7) return 'high';
    if (score >= 4) return 'medium';
    if (score > 0) return 'low';
    return 'info';
  }
  // SARIF's default level is "warning".
  return LEVELS[res.level ?? rule?.defaultConfiguration?.level ?? 'warning'] ?? 'medium';
}

/** kind pass → pass; review/open, or a suppression someone recorded, → manual; else fail. */
function statusOf(res: Result): FindingData['status'] {
  if (res.kind === 'pass') return 'pass';
  if (res.kind === 'review' || res.kind === 'open') return 'manual';
  const suppressed = res.suppressions?.some((s) => s.status === undefined || s.status === 'accepted');
  return suppressed ? 'manual' : 'fail';
}
