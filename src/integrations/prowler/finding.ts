import { type FindingData, ImportError, type InventoryRecord, type ParsedScope, type Severity } from '../types.js';
import { soc2Criteria } from './soc2.js';

/**
 * One Prowler result as both formats (OCSF JSON and CSV) give it, and how it becomes a finding
 * record. Prowler results are compliance results: a check passed, failed or needs a person to
 * look at it, so every record has the category "compliance". Muted results keep their status.
 */

export interface ProwlerResult {
  /** Where it is in the file, for messages: "finding 3", "row 4". */
  where: string;
  provider: string;
  account: string | null;
  region: string | null;
  checkId: string;
  title: string;
  severity: string;
  status: string;
  resourceUid: string;
  resourceName: string;
  /** Prowler's SOC 2 requirement ids for the check ("cc_6_1"), as tagged. */
  soc2Ids: readonly string[];
  url: string | null;
}

const SEVERITY: ReadonlyMap<string, Severity> = new Map([
  ['critical', 'critical'],
  ['high', 'high'],
  ['medium', 'medium'],
  ['low', 'low'],
  ['informational', 'info'],
  ['info', 'info'],
]);

const STATUS: ReadonlyMap<string, FindingData['status']> = new Map([
  ['FAIL', 'fail'],
  ['PASS', 'pass'],
  ['MANUAL', 'manual'],
]);

/**
 * Prowler's finding uid is per scan (and a placeholder in its examples), so the record's id is
 * built from what identifies a result across scans. The resource uid comes last: ARNs hold colons.
 */
export function externalId(result: ProwlerResult): string {
  return `${result.provider}:${result.account ?? ''}:${result.region ?? ''}:${result.checkId}:${result.resourceUid}`;
}

/** Scope of a provider's account: Prowler scans one account, subscription or project at a time. */
export function scopeOf(result: ProwlerResult): string {
  return result.account === null ? `prowler:${result.provider}` : `prowler:${result.provider}:${result.account}`;
}

/**
 * Findings grouped by provider and account. A result listed twice (same check, resource and
 * region) keeps its first listing, with one warning per file.
 */
export function toScopes(results: Iterable<ProwlerResult>, warnings: string[]): ParsedScope[] {
  const scopes = new Map<string, InventoryRecord<'finding'>[]>();
  const seen = new Set<string>();
  const unknownSoc2 = new Set<string>();
  let duplicates = 0;
  let firstDuplicate = '';
  for (const result of results) {
    const id = externalId(result);
    if (seen.has(id)) {
      if (duplicates++ === 0) firstDuplicate = `${result.where} (${result.checkId} on ${result.resourceUid})`;
      continue;
    }
    seen.add(id);
    const scope = scopeOf(result);
    const record = findingRecord(result, id, unknownSoc2);
    const records = scopes.get(scope);
    if (records) records.push(record);
    else scopes.set(scope, [record]);
  }
  if (duplicates > 0) {
    warnings.push(
      `${duplicates} result(s) repeat a check on the same resource and region, first at ${firstDuplicate}; ` +
        'the first listing of each was kept.',
    );
  }
  if (unknownSoc2.size > 0) {
    warnings.push(`SOC 2 ids that are not criteria were ignored: ${[...unknownSoc2].sort().join(', ')}.`);
  }
  return [...scopes].map(([scope, records]) => ({ scope, records }));
}

function findingRecord(result: ProwlerResult, id: string, unknownSoc2: Set<string>): InventoryRecord<'finding'> {
  const resource = result.resourceUid;
  const data: FindingData = {
    tool: 'prowler',
    category: 'compliance',
    ruleId: result.checkId,
    title: result.title,
    severity: severity(result),
    status: status(result),
    resource,
    account: result.account,
    region: result.region,
    package: null,
    installedVersion: null,
    fixedVersion: null,
    advisory: null,
    soc2: soc2Criteria(result.soc2Ids, unknownSoc2),
    url: result.url,
  };
  const label = result.resourceName || resource;
  return { type: 'finding', externalId: id, name: label ? `${result.title} (${label})` : result.title, data };
}

function severity(result: ProwlerResult): Severity {
  const found = SEVERITY.get(result.severity.toLowerCase());
  if (!found) {
    throw new ImportError(
      `${result.where}: the severity "${result.severity}" is not one Prowler writes ` +
        '(critical, high, medium, low, informational). Export the scan again without editing it.',
    );
  }
  return found;
}

function status(result: ProwlerResult): FindingData['status'] {
  const found = STATUS.get(result.status.toUpperCase());
  if (!found) {
    throw new ImportError(
      `${result.where}: the status "${result.status}" is not one Prowler writes (FAIL, PASS, MANUAL). ` +
        'Export the scan again without editing it.',
    );
  }
  return found;
}

/** Empty strings in Prowler's output mean "not given". */
export function given(value: string | null | undefined): string | null {
  return value ? value : null;
}
