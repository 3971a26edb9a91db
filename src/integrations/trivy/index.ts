import { z } from 'zod';
import { type FindingData, ImportError, type InventoryRecord, type Parser } from '../types.js';
import { boundedScope, type Keyed, severityOf, uniqueIds } from './ids.js';

/**
 * Trivy's JSON report (`trivy image|fs|repo|config --format json`, SchemaVersion 2): one finding
 * per vulnerability, misconfiguration and secret. A report is the full state of one artifact, so
 * it is one scope, `trivy:<ArtifactName>`: what the next scan of that image no longer reports is
 * fixed.
 */

const vulnerability = z.object({
  VulnerabilityID: z.string(),
  PkgName: z.string(),
  PkgPath: z.string().optional(),
  InstalledVersion: z.string().optional(),
  FixedVersion: z.string().optional(),
  Severity: z.string().optional(),
  Title: z.string().optional(),
  PrimaryURL: z.string().optional(),
});

const misconfiguration = z.object({
  ID: z.string(),
  AVDID: z.string().optional(),
  Title: z.string().optional(),
  Message: z.string().optional(),
  Severity: z.string().optional(),
  Status: z.string().optional(),
  PrimaryURL: z.string().optional(),
  CauseMetadata: z
    .object({ Resource: z.string().optional(), StartLine: z.number().optional(), EndLine: z.number().optional() })
    .optional(),
});

const secret = z.object({
  RuleID: z.string(),
  Category: z.string().optional(),
  Title: z.string().optional(),
  Severity: z.string().optional(),
  StartLine: z.number().optional(),
});

const result = z.object({
  Target: z.string(),
  Class: z.string().optional(),
  Type: z.string().optional(),
  Vulnerabilities: z.array(vulnerability).nullish(),
  Misconfigurations: z.array(misconfiguration).nullish(),
  Secrets: z.array(secret).nullish(),
});

const report = z.object({
  SchemaVersion: z.number(),
  ArtifactName: z.string(),
  ArtifactType: z.string().optional(),
  Results: z.array(result).nullish(),
});

type Found = { record: InventoryRecord<'finding'>; key: Keyed };

const HOW_TO = 'Run trivy with --format json (for example `trivy image --format json -o report.json IMAGE`).';

export const parseTrivy: Parser = (input) => {
  const doc = readReport(input);
  const artifact = doc.ArtifactName;
  const found: Found[] = [];
  for (const r of doc.Results ?? []) {
    // An image's OS result already names the image ("img (alpine 3.10.2)"): do not repeat it.
    const named = r.Target === artifact || r.Target.startsWith(`${artifact} (`);
    const resource = named ? r.Target : `${artifact} ${r.Target}`;
    // That name also holds the OS release: key OS findings by class, so that upgrading the base
    // image does not turn every open finding into a new one.
    const target = r.Class === 'os-pkgs' ? 'os-pkgs' : r.Target;
    for (const v of r.Vulnerabilities ?? []) found.push(fromVulnerability(v, resource, target));
    for (const m of r.Misconfigurations ?? []) found.push(fromMisconfiguration(m, resource, target));
    for (const s of r.Secrets ?? []) found.push(fromSecret(s, resource, target));
  }

  const ids = uniqueIds(found.map((f) => f.key));
  const records: InventoryRecord<'finding'>[] = [];
  ids.forEach((id, i) => {
    const f = found[i];
    if (id !== null && f) records.push({ ...f.record, externalId: id });
  });
  const duplicates = found.length - records.length;
  const warnings =
    duplicates > 0 ? [`Counted once ${duplicates === 1 ? '1 finding' : `${duplicates} findings`} reported twice.`] : [];
  return { format: 'Trivy report (JSON)', scopes: [{ scope: boundedScope(`trivy:${artifact}`), records }], warnings };
};

function readReport(input: string): z.infer<typeof report> {
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
    throw new ImportError(`This is not a Trivy report: it should be one JSON object. ${HOW_TO}`);
  }
  if ('runs' in json && 'version' in json) throw new ImportError('This is a SARIF file: push it as sarif.');
  if ('ClusterName' in json) {
    throw new ImportError(`This is a Trivy Kubernetes report: scan each image instead. ${HOW_TO}`);
  }
  if (!('SchemaVersion' in json)) {
    throw new ImportError(`This is not a Trivy report: it has no SchemaVersion. ${HOW_TO}`);
  }
  if (json.SchemaVersion !== 2) {
    throw new ImportError(
      `This Trivy report uses SchemaVersion ${String(json.SchemaVersion)}; Attest reads 2 (Trivy 0.20 and later). Update Trivy and scan again.`,
    );
  }
  const parsed = report.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ImportError(
      `This Trivy report is not in the expected shape at ${issue?.path.join('.') || 'the top level'}: ${issue?.message}. ${HOW_TO}`,
    );
  }
  return parsed.data;
}

function finding(data: Omit<FindingData, 'tool' | 'account' | 'region' | 'soc2'>): FindingData {
  return { tool: 'trivy', account: null, region: null, soc2: [], ...data };
}

function fromVulnerability(v: z.infer<typeof vulnerability>, resource: string, target: string): Found {
  const data = finding({
    category: 'vulnerability',
    ruleId: v.VulnerabilityID,
    title: v.Title ?? v.VulnerabilityID,
    severity: severityOf(v.Severity),
    status: 'fail',
    resource,
    package: v.PkgName,
    installedVersion: v.InstalledVersion || null,
    fixedVersion: v.FixedVersion || null,
    advisory: v.VulnerabilityID,
    url: v.PrimaryURL ?? null,
  });
  const name = `${v.VulnerabilityID} in ${v.PkgName}${v.InstalledVersion ? ` ${v.InstalledVersion}` : ''}`;
  return {
    // Not the installed version: upgrading to a version that is still vulnerable is the same finding.
    key: { base: `${target}|${v.PkgPath ?? ''}|${v.PkgName}|${v.VulnerabilityID}`, extra: v.InstalledVersion ?? '' },
    record: { type: 'finding', externalId: '', name, data },
  };
}

/** FAIL → fail, PASS → pass; EXCEPTION (waived in Trivy's config) asks a person to confirm the waiver. */
function misconfigurationStatus(status: string | undefined): FindingData['status'] {
  const s = (status ?? 'FAIL').toUpperCase();
  if (s === 'PASS') return 'pass';
  if (s === 'EXCEPTION') return 'manual';
  return 'fail';
}

function fromMisconfiguration(m: z.infer<typeof misconfiguration>, resource: string, target: string): Found {
  const line = m.CauseMetadata?.StartLine;
  const data = finding({
    category: 'misconfiguration',
    ruleId: m.ID,
    title: m.Title ?? m.Message ?? m.ID,
    severity: severityOf(m.Severity),
    status: misconfigurationStatus(m.Status),
    resource: line ? `${resource}:${line}` : resource,
    package: null,
    installedVersion: null,
    fixedVersion: null,
    advisory: null,
    url: m.PrimaryURL ?? null,
  });
  return {
    key: {
      base: `${target}|${m.AVDID ?? m.ID}|${m.CauseMetadata?.Resource ?? ''}|${line ?? ''}`,
      extra: m.Message ?? '',
    },
    record: { type: 'finding', externalId: '', name: `${m.ID}: ${m.Message ?? data.title}`, data },
  };
}

function fromSecret(s: z.infer<typeof secret>, resource: string, target: string): Found {
  const at = s.StartLine ? `${resource}:${s.StartLine}` : resource;
  const data = finding({
    category: 'secret',
    ruleId: s.RuleID,
    title: s.Title ?? s.Category ?? s.RuleID,
    severity: severityOf(s.Severity),
    status: 'fail',
    resource: at,
    package: null,
    installedVersion: null,
    fixedVersion: null,
    advisory: null,
    url: null,
  });
  return {
    key: { base: `${target}|${s.RuleID}|${s.StartLine ?? ''}`, extra: s.Category ?? '' },
    record: { type: 'finding', externalId: '', name: `${data.title} in ${at}`, data },
  };
}
