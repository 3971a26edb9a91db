/**
 * The AWS importer: what the AWS CLI prints, turned into inventory records.
 *
 * It reads one file at a time and tells by its shape what it is:
 * - an Attest AWS bundle: a JSON object whose "attest" is "aws-bundle/v1" (below);
 * - the IAM credential report: `aws iam get-credential-report` (Content in base64), or the CSV
 *   itself (first column "user");
 * - `aws rds describe-db-instances` (DBInstances), `aws s3api get-bucket-encryption`
 *   (ServerSideEncryptionConfiguration, or the ServerSideEncryptionConfigurationNotFoundError
 *   the CLI prints for a bucket without one; the file is named after the bucket),
 *   `aws ec2 describe-security-groups` (SecurityGroups), `aws cloudtrail describe-trails`
 *   (trailList);
 * - any of those recorded by boto3's placebo (`{"status_code": 200, "data": {...}}`).
 * KMS keys and trail status come only in the bundle: their outputs do not name what they describe.
 *
 * The bundle gathers one account and region in one file, so that each part is the complete
 * state of its scope (a resource missing from a part is marked deleted):
 *
 *   {
 *     "attest": "aws-bundle/v1",
 *     "account": "123456789012",              // aws sts get-caller-identity
 *     "region": "eu-west-1",                  // where the regional commands ran
 *     "credentialReport": <aws iam get-credential-report>,        → aws.iam.users:<account>
 *     "dbInstances": <aws rds describe-db-instances>,             → aws.rds:<account>:<region>
 *     "buckets": { "<bucket name>": <aws s3api get-bucket-encryption --bucket <name>>
 *                  | {"Error": {"Code": "ServerSideEncryptionConfigurationNotFoundError"}} },
 *                                                                 → aws.s3.buckets:<account>
 *     "securityGroups": <aws ec2 describe-security-groups>,       → aws.ec2.security_groups:<account>:<region>
 *     "trails": <aws cloudtrail describe-trails>,                 → aws.cloudtrail:<account>
 *     "trailStatus": { "<trail ARN>": <aws cloudtrail get-trail-status --name <ARN>> },
 *     "kmsKeys": { "<key id>": { "describeKey": <aws kms describe-key --key-id <id>>,
 *                                "rotation": <aws kms get-key-rotation-status --key-id <id>> } }
 *                                                                 → aws.kms:<account>:<region>
 *   }
 *
 * Every part is optional; a part left out leaves its scope as it was. This script (also in
 * src/content/samples/aws-collect.sh) writes the bundle with the AWS CLI and jq:
 *
 * ```sh
 * #!/usr/bin/env bash
 * # Collects what Attest reads from one AWS account and region into an Attest AWS bundle
 * # (aws-bundle/v1) on standard output. Read-only; needs the AWS CLI v2 and jq, and a role with
 * # the SecurityAudit managed policy (or the iam, rds, s3, ec2, cloudtrail and kms read calls below).
 * #   AWS_PROFILE=prod AWS_REGION=eu-west-1 bash aws-collect.sh > aws-bundle.json
 * set -euo pipefail
 * region="${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region)}}"
 * account="$(aws sts get-caller-identity --query Account --output text)"
 * tmp="$(mktemp -d)"
 * trap 'rm -rf "$tmp"' EXIT
 * cli() { aws --region "$region" --output json "$@"; }
 *
 * # The credential report is built in the background: ask until it is ready.
 * until [ "$(aws iam generate-credential-report --query State --output text)" = COMPLETE ]; do sleep 2; done
 * cli iam get-credential-report > "$tmp/credentialReport.json"
 * cli rds describe-db-instances > "$tmp/dbInstances.json"
 * cli ec2 describe-security-groups > "$tmp/securityGroups.json"
 * cli cloudtrail describe-trails > "$tmp/trails.json"
 *
 * # A bucket without default encryption answers with an error, kept as {"Error": {"Code": ...}}.
 * # Any other error stops the script: a bucket missing from the bundle would read as deleted.
 * for bucket in $(aws s3api list-buckets --query 'Buckets[].Name' --output text); do
 *   if out="$(cli s3api get-bucket-encryption --bucket "$bucket" 2> "$tmp/error")"; then :
 *   elif grep -q ServerSideEncryptionConfigurationNotFoundError "$tmp/error"; then
 *     out='{"Error": {"Code": "ServerSideEncryptionConfigurationNotFoundError"}}'
 *   else cat "$tmp/error" >&2; exit 1; fi
 *   jq -n --arg name "$bucket" --argjson out "$out" '{($name): $out}'
 * done | jq -s 'add // {}' > "$tmp/buckets.json"
 *
 * for arn in $(jq -r '.trailList[].TrailARN' "$tmp/trails.json"); do
 *   home="$(jq -r --arg arn "$arn" '.trailList[] | select(.TrailARN == $arn) | .HomeRegion' "$tmp/trails.json")"
 *   out="$(aws cloudtrail get-trail-status --name "$arn" --region "$home" --output json 2> /dev/null \
 *     || echo '{"Error": {"Code": "GetTrailStatusFailed"}}')"
 *   jq -n --arg arn "$arn" --argjson out "$out" '{($arn): $out}'
 * done | jq -s 'add // {}' > "$tmp/trailStatus.json"
 *
 * # Asymmetric and HMAC keys have no rotation status: their rotation is left out.
 * for key in $(aws kms list-keys --region "$region" --query 'Keys[].KeyId' --output text); do
 *   describe="$(cli kms describe-key --key-id "$key")"
 *   rotation="$(cli kms get-key-rotation-status --key-id "$key" 2> /dev/null || echo null)"
 *   jq -n --arg key "$key" --argjson d "$describe" --argjson r "$rotation" \
 *     '{($key): ({describeKey: $d} + (if $r == null then {} else {rotation: $r} end))}'
 * done | jq -s 'add // {}' > "$tmp/kmsKeys.json"
 *
 * jq -n --arg account "$account" --arg region "$region" \
 *   --slurpfile credentialReport "$tmp/credentialReport.json" --slurpfile dbInstances "$tmp/dbInstances.json" \
 *   --slurpfile buckets "$tmp/buckets.json" --slurpfile securityGroups "$tmp/securityGroups.json" \
 *   --slurpfile trails "$tmp/trails.json" --slurpfile trailStatus "$tmp/trailStatus.json" \
 *   --slurpfile kmsKeys "$tmp/kmsKeys.json" \
 *   '{attest: "aws-bundle/v1", account: $account, region: $region,
 *     credentialReport: $credentialReport[0], dbInstances: $dbInstances[0], buckets: $buckets[0],
 *     securityGroups: $securityGroups[0], trails: $trails[0], trailStatus: $trailStatus[0], kmsKeys: $kmsKeys[0]}'
 * ```
 */

import { ImportError, type ParsedPush, type Parser } from '../types.js';
import { BUNDLE_VERSION, parseBundle } from './bundle.js';
import { parseTrails } from './cloudtrail.js';
import { credentialReportCsv, isCredentialReportCsv, parseCredentialReport } from './credential-report.js';
import { describeForeign, isObject, type Json, READS, readJson, unwrapRecording } from './json.js';
import { parseDbInstances } from './rds.js';
import { NOT_FOUND, parseBucketFile } from './s3.js';
import { parseSecurityGroups } from './security-groups.js';
import type { Origin } from './shared.js';

const FILE: Origin = { label: 'This file', account: null, region: null };

export const parseAws: Parser = (input, options) => {
  const text = input.replace(/^\uFEFF/, '').trim();
  if (text === '') {
    throw new ImportError(`The file is empty. ${READS}`);
  }
  if (text.startsWith('{') || text.startsWith('[')) return parseJson(readJson(text), options.fileName);
  return parseText(text, options.fileName);
};

function parseText(text: string, fileName: string | undefined): ParsedPush {
  if (isCredentialReportCsv(text)) {
    const warnings: string[] = [];
    const scopes = parseCredentialReport(text, FILE, warnings);
    return { format: 'AWS IAM credential report (CSV)', scopes, warnings };
  }
  // What the CLI prints (on stderr) for a bucket without default encryption.
  if (text.startsWith('An error occurred') && text.includes(`(${NOT_FOUND})`)) {
    const scopes = parseBucketFile({ Error: { Code: NOT_FOUND } }, FILE, fileName);
    return { format: 'AWS S3 get-bucket-encryption (no configuration)', scopes, warnings: [] };
  }
  const newline = text.indexOf('\n');
  const firstLine = newline < 0 ? text : text.slice(0, newline);
  if (firstLine.includes(';CHECK_ID;')) {
    throw new ImportError('This is a Prowler CSV report, not AWS CLI output: push it as prowler.');
  }
  throw new ImportError(`This file is neither JSON nor an IAM credential report CSV. ${READS}`);
}

function parseJson(value: Json, fileName: string | undefined): ParsedPush {
  const { output, recorded } = unwrapRecording(value);
  const as = recorded ? 'boto3 recording' : 'AWS CLI JSON';
  if (!isObject(output)) throw new ImportError(describeForeign(output));
  const warnings: string[] = [];
  const push = (format: string, scopes: ParsedPush['scopes']): ParsedPush => ({
    format: `${format} (${as})`,
    scopes,
    warnings,
  });

  if ('attest' in output) {
    if (output.attest !== BUNDLE_VERSION) {
      throw new ImportError(
        `This Attest AWS bundle is version ${JSON.stringify(output.attest)}; this Attest reads ${BUNDLE_VERSION}. ` +
          'Collect it again with the aws-collect.sh of this version.',
      );
    }
    return parseBundle(output);
  }
  if ('Content' in output || 'ReportFormat' in output) {
    const scopes = parseCredentialReport(credentialReportCsv(output, FILE), FILE, warnings);
    return push('AWS IAM credential report', scopes);
  }
  if ('DBInstances' in output) return push('AWS RDS describe-db-instances', parseDbInstances(output, FILE, warnings));
  if ('ServerSideEncryptionConfiguration' in output || errorCode(output) === NOT_FOUND) {
    return push('AWS S3 get-bucket-encryption', parseBucketFile(output, FILE, fileName));
  }
  if ('SecurityGroups' in output) {
    return push('AWS EC2 describe-security-groups', parseSecurityGroups(output, FILE, warnings));
  }
  if ('trailList' in output) {
    return push('AWS CloudTrail describe-trails', parseTrails(output, undefined, FILE, warnings));
  }
  throw new ImportError(notRead(output));
}

function errorCode(output: { [key: string]: Json }): string | null {
  const error = output.Error;
  return isObject(error) && typeof error.Code === 'string' ? error.Code : null;
}

/** Outputs Attest knows but cannot import on their own, and why. */
function notRead(output: { [key: string]: Json }): string {
  const bundle = 'push it inside the Attest bundle (see aws-collect.sh)';
  if ('KeyMetadata' in output || 'KeyRotationEnabled' in output) {
    return `A KMS key needs both describe-key and get-key-rotation-status, which do not name each other: ${bundle}.`;
  }
  if ('IsLogging' in output) return `get-trail-status does not name its trail: ${bundle}.`;
  if (output.State !== undefined && 'Description' in output) {
    return (
      'This is the answer of generate-credential-report, not the report: once it says COMPLETE, run ' +
      '`aws iam get-credential-report --output json` and push that.'
    );
  }
  const code = errorCode(output);
  if (code) return `This file holds an AWS error (${code}), not a result: fix the permission or call and run it again.`;
  return describeForeign(output);
}
