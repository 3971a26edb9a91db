#!/usr/bin/env bash
# Collects what Attest reads from one AWS account and region into an Attest AWS bundle
# (aws-bundle/v1) on standard output. Read-only; needs the AWS CLI v2 and jq, and a role with
# the SecurityAudit managed policy (or the iam, rds, s3, ec2, cloudtrail and kms read calls below).
#   AWS_PROFILE=prod AWS_REGION=eu-west-1 bash aws-collect.sh > aws-bundle.json
set -euo pipefail
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region)}}"
account="$(aws sts get-caller-identity --query Account --output text)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cli() { aws --region "$region" --output json "$@"; }

# The credential report is built in the background: ask until it is ready.
until [ "$(aws iam generate-credential-report --query State --output text)" = COMPLETE ]; do sleep 2; done
cli iam get-credential-report > "$tmp/credentialReport.json"
cli rds describe-db-instances > "$tmp/dbInstances.json"
cli ec2 describe-security-groups > "$tmp/securityGroups.json"
cli cloudtrail describe-trails > "$tmp/trails.json"

# A bucket without default encryption answers with an error, kept as {"Error": {"Code": ...}}.
# Any other error stops the script: a bucket missing from the bundle would read as deleted.
for bucket in $(aws s3api list-buckets --query 'Buckets[].Name' --output text); do
  if out="$(cli s3api get-bucket-encryption --bucket "$bucket" 2> "$tmp/error")"; then :
  elif grep -q ServerSideEncryptionConfigurationNotFoundError "$tmp/error"; then
    out='{"Error": {"Code": "ServerSideEncryptionConfigurationNotFoundError"}}'
  else cat "$tmp/error" >&2; exit 1; fi
  jq -n --arg name "$bucket" --argjson out "$out" '{($name): $out}'
done | jq -s 'add // {}' > "$tmp/buckets.json"

for arn in $(jq -r '.trailList[].TrailARN' "$tmp/trails.json"); do
  home="$(jq -r --arg arn "$arn" '.trailList[] | select(.TrailARN == $arn) | .HomeRegion' "$tmp/trails.json")"
  out="$(aws cloudtrail get-trail-status --name "$arn" --region "$home" --output json 2> /dev/null \
    || echo '{"Error": {"Code": "GetTrailStatusFailed"}}')"
  jq -n --arg arn "$arn" --argjson out "$out" '{($arn): $out}'
done | jq -s 'add // {}' > "$tmp/trailStatus.json"

# Asymmetric and HMAC keys have no rotation status: their rotation is left out.
for key in $(aws kms list-keys --region "$region" --query 'Keys[].KeyId' --output text); do
  describe="$(cli kms describe-key --key-id "$key")"
  rotation="$(cli kms get-key-rotation-status --key-id "$key" 2> /dev/null || echo null)"
  jq -n --arg key "$key" --argjson d "$describe" --argjson r "$rotation" \
    '{($key): ({describeKey: $d} + (if $r == null then {} else {rotation: $r} end))}'
done | jq -s 'add // {}' > "$tmp/kmsKeys.json"

jq -n --arg account "$account" --arg region "$region" \
  --slurpfile credentialReport "$tmp/credentialReport.json" --slurpfile dbInstances "$tmp/dbInstances.json" \
  --slurpfile buckets "$tmp/buckets.json" --slurpfile securityGroups "$tmp/securityGroups.json" \
  --slurpfile trails "$tmp/trails.json" --slurpfile trailStatus "$tmp/trailStatus.json" \
  --slurpfile kmsKeys "$tmp/kmsKeys.json" \
  '{attest: "aws-bundle/v1", account: $account, region: $region,
    credentialReport: $credentialReport[0], dbInstances: $dbInstances[0], buckets: $buckets[0],
    securityGroups: $securityGroups[0], trails: $trails[0], trailStatus: $trailStatus[0], kmsKeys: $kmsKeys[0]}'
