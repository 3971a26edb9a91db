import { ImportError } from '../types.js';
import { readDelimited } from './delimited.js';
import { given, type ProwlerResult } from './finding.js';
import { isSoc2Framework } from './soc2.js';

/**
 * Prowler's CSV (`--output-formats csv`, Prowler 4 and later): semicolon-delimited, one row per
 * result, 42 columns. COMPLIANCE lists the frameworks as
 * "CIS-1.4: 1.20 | SOC2: cc_6_1, cc_7_2 | …" (" | " between frameworks, ": " before the
 * requirement ids, ", " between them).
 */

const REQUIRED = [
  'PROVIDER',
  'ACCOUNT_UID',
  'REGION',
  'CHECK_ID',
  'CHECK_TITLE',
  'STATUS',
  'SEVERITY',
  'RESOURCE_UID',
  'RESOURCE_NAME',
  'COMPLIANCE',
] as const;

/** True when the first line is a Prowler CSV header. */
export function looksLikeProwlerCsv(firstLine: string): boolean {
  return firstLine.includes(';') && firstLine.includes('CHECK_ID');
}

export function readProwlerCsv(text: string): ProwlerResult[] {
  const table = readDelimited(text, ';');
  const [header = [], ...rows] = table;
  const column = new Map(header.map((name, i) => [name, i]));
  const missing = REQUIRED.filter((name) => !column.has(name));
  if (missing.length > 0) {
    const old = column.has('ACCOUNT_ID') || column.has('ASSESSMENT_START_TIME');
    throw new ImportError(
      `The Prowler CSV lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}. ` +
        (old
          ? 'It looks like the CSV of Prowler 3: export the scan with Prowler 4 or later (or as json-ocsf).'
          : 'Push the CSV exactly as Prowler writes it (--output-formats csv).'),
    );
  }
  const at = (name: string) => column.get(name) ?? -1;
  const i = {
    provider: at('PROVIDER'),
    account: at('ACCOUNT_UID'),
    region: at('REGION'),
    checkId: at('CHECK_ID'),
    title: at('CHECK_TITLE'),
    status: at('STATUS'),
    severity: at('SEVERITY'),
    resourceUid: at('RESOURCE_UID'),
    resourceName: at('RESOURCE_NAME'),
    compliance: at('COMPLIANCE'),
    relatedUrl: at('RELATED_URL'),
    remediationUrl: at('REMEDIATION_RECOMMENDATION_URL'),
  };
  return rows.map((cells, n): ProwlerResult => {
    const where = `row ${n + 2}`;
    if (cells.length !== header.length) {
      throw new ImportError(
        `The Prowler CSV is malformed: ${where} has ${cells.length} fields where the header has ${header.length}; ` +
          'it may be cut short or edited. Export the scan again and push the file unchanged.',
      );
    }
    const cell = (index: number) => cells[index] ?? '';
    const checkId = cell(i.checkId);
    if (!checkId) throw new ImportError(`${where}: CHECK_ID is empty. Export the scan again and push it unchanged.`);
    return {
      where,
      provider: cell(i.provider) || 'unknown',
      account: given(cell(i.account)),
      region: given(cell(i.region)),
      checkId,
      title: cell(i.title),
      severity: cell(i.severity),
      status: cell(i.status),
      resourceUid: cell(i.resourceUid) || cell(i.resourceName),
      resourceName: cell(i.resourceName),
      soc2Ids: soc2CellIds(cell(i.compliance)),
      url: given(cell(i.relatedUrl)) ?? given(cell(i.remediationUrl)),
    };
  });
}

/**
 * The SOC 2 requirement ids of a COMPLIANCE cell. Other frameworks are skipped: their
 * requirement names may hold the separators themselves.
 */
export function soc2CellIds(cell: string): string[] {
  const ids: string[] = [];
  if (!cell.toUpperCase().includes('SOC2')) return ids;
  for (const part of cell.split(' | ')) {
    const colon = part.indexOf(': ');
    if (colon < 0 || !isSoc2Framework(part.slice(0, colon).trim())) continue;
    for (const id of part.slice(colon + 2).split(',')) {
      const trimmed = id.trim();
      if (trimmed) ids.push(trimmed);
    }
  }
  return ids;
}
