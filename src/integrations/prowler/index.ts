/**
 * The Prowler importer: a Prowler scan's results as finding records, one scope per provider and
 * account (`prowler:<provider>:<account>`), so a new scan of an account replaces the last one.
 *
 * It reads Prowler's OCSF JSON (an array of detection findings) and Prowler's CSV (semicolon
 * separated, header with CHECK_ID), for any provider. Values are kept as the file gives them,
 * placeholders such as "<account_uid>" in Prowler's own examples included.
 */

import { ImportError, type Parser } from '../types.js';
import { looksLikeProwlerCsv, readProwlerCsv } from './csv.js';
import { toScopes } from './finding.js';
import { looksLikeOcsf, otherProduct, readOcsf } from './ocsf.js';

const EXPORT = 'Export the scan with prowler <provider> --output-formats json-ocsf (or csv) and push that file.';

export const parseProwler: Parser = (input) => {
  const text = input.replace(/^\uFEFF/, '').trim();
  if (text === '') throw new ImportError(`The file is empty. ${EXPORT}`);
  const warnings: string[] = [];
  if (text.startsWith('[') || text.startsWith('{')) {
    const findings = readJsonArray(text);
    if (findings.length === 0) {
      warnings.push('The file lists no findings, so nothing was recorded (it does not say which account it scanned).');
      return { format: 'Prowler OCSF JSON', scopes: [], warnings };
    }
    if (!looksLikeOcsf(findings[0])) throw new ImportError(describeArray(findings[0]));
    const product = otherProduct(findings[0]);
    if (product) throw new ImportError(`These OCSF findings come from ${product}, not Prowler. ${EXPORT}`);
    return { format: 'Prowler OCSF JSON', scopes: toScopes(readOcsf(findings), warnings), warnings };
  }
  const newline = text.indexOf('\n');
  const firstLine = newline < 0 ? text : text.slice(0, newline);
  if (looksLikeProwlerCsv(firstLine)) {
    return { format: 'Prowler CSV', scopes: toScopes(readProwlerCsv(text), warnings), warnings };
  }
  if (firstLine.startsWith('user,arn')) {
    throw new ImportError('This is an AWS IAM credential report, not a Prowler scan: push it as aws.');
  }
  throw new ImportError(`This file is neither Prowler OCSF JSON nor a Prowler CSV. ${EXPORT}`);
};

function readJsonArray(text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ImportError(
      `The file is not valid JSON (${(error as Error).message}); it may be cut short. ` +
        'Prowler writes the file when the scan ends: push the complete file.',
    );
  }
  if (!Array.isArray(value)) throw new ImportError(describeObject(value));
  return value;
}

/** What a JSON object that is not a Prowler scan looks like, and where it goes. */
function describeObject(value: unknown): string {
  const keys = typeof value === 'object' && value !== null ? Object.keys(value) : [];
  const has = (key: string) => keys.includes(key);
  if (has('ArtifactName') && has('SchemaVersion'))
    return 'This is a Trivy report, not a Prowler scan: push it as trivy.';
  if (has('runs') && has('version')) return 'This is a SARIF log, not a Prowler scan: push it as sarif.';
  const aws = ['attest', 'DBInstances', 'SecurityGroups', 'trailList', 'Content', 'ServerSideEncryptionConfiguration'];
  if (aws.some(has) || (has('status_code') && has('data'))) {
    return 'This is AWS CLI output (or an Attest AWS bundle), not a Prowler scan: push it as aws.';
  }
  return `This JSON (keys: ${keys.slice(0, 5).join(', ') || 'none'}) is not a Prowler scan. ${EXPORT}`;
}

/** What an array whose findings are not OCSF looks like. */
function describeArray(first: unknown): string {
  const keys = typeof first === 'object' && first !== null ? Object.keys(first) : [];
  if (keys.includes('CheckID') && keys.includes('Status')) {
    return `This is the JSON of Prowler 3, which Attest does not read. ${EXPORT}`;
  }
  if (keys.includes('ProductArn') && keys.includes('SchemaVersion')) {
    return `This is AWS Security Finding Format (ASFF), which Attest does not read. ${EXPORT}`;
  }
  return `The findings in this array are not OCSF detection findings from Prowler. ${EXPORT}`;
}
