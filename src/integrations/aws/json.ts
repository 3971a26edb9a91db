import { ImportError } from '../types.js';

/**
 * Reading the JSON itself: AWS CLI output as printed, or a boto3 "placebo" recording of the same
 * call (`{"status_code": 200, "data": {...}}`, datetimes as `{"__class__": "datetime", ...}`).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses JSON, turning placebo datetimes into ISO strings, or throws an ImportError saying why not. */
export function readJson(text: string): Json {
  try {
    return JSON.parse(text, (_key, value: Json) => (isPlaceboDate(value) ? placeboDate(value) : value));
  } catch (error) {
    throw new ImportError(
      `The file is not valid JSON (${(error as Error).message}); it may be cut short. ` +
        'Save the command output again, whole, and push that file.',
    );
  }
}

function isPlaceboDate(value: Json): value is JsonObject {
  return isObject(value) && value.__class__ === 'datetime';
}

/** Placebo keeps boto3's datetime fields without their time zone; AWS returns them in UTC. */
function placeboDate(value: JsonObject): string {
  const n = (key: string): number => {
    const part = value[key];
    return typeof part === 'number' ? part : 0;
  };
  const ms = Math.floor(n('microsecond') / 1000);
  const date = new Date(Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'), ms));
  if (Number.isNaN(date.getTime())) {
    throw new ImportError('A datetime in the boto3 recording is not a valid date. Record the call again.');
  }
  return date.toISOString();
}

/** The call's response, whether the file is the CLI's output or a placebo recording of it. */
export function unwrapRecording(value: Json): { output: Json; recorded: boolean } {
  if (isObject(value) && typeof value.status_code === 'number' && 'data' in value) {
    const keys = Object.keys(value);
    if (keys.length === 2) return { output: value.data ?? null, recorded: true };
  }
  return { output: value, recorded: false };
}

/**
 * When a JSON file is not something the AWS importer reads: what it looks like, and where to push
 * it when Attest reads it elsewhere.
 */
export function describeForeign(value: Json): string {
  const first = Array.isArray(value) ? value[0] : undefined;
  if (isObject(first)) {
    if ((isObject(first.metadata) && 'event_code' in first.metadata) || first.class_uid === 2004) {
      return 'This is a Prowler OCSF findings file, not AWS CLI output: push it as prowler.';
    }
    if ('ProductArn' in first && 'SchemaVersion' in first) {
      return (
        'This is a list of AWS Security Finding Format (ASFF) findings. Attest reads Prowler results as OCSF ' +
        'JSON (prowler --output-formats json-ocsf): push that file as prowler.'
      );
    }
  }
  if (isObject(value)) {
    if ('ArtifactName' in value && 'SchemaVersion' in value) {
      return 'This is a Trivy report, not AWS CLI output: push it as trivy.';
    }
    if (Array.isArray(value.runs) && 'version' in value) {
      return 'This is a SARIF log, not AWS CLI output: push it as sarif.';
    }
    const keys = Object.keys(value).slice(0, 5).join(', ');
    return `This JSON (keys: ${keys || 'none'}) is not an output the AWS importer reads. ${READS}`;
  }
  return `This JSON is not an output the AWS importer reads. ${READS}`;
}

export const READS =
  'It reads an Attest AWS bundle (aws-collect.sh), the IAM credential report (CSV or get-credential-report), ' +
  'and the JSON output of rds describe-db-instances, s3api get-bucket-encryption, ec2 describe-security-groups ' +
  'and cloudtrail describe-trails.';
