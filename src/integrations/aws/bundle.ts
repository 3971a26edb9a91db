import { z } from 'zod';
import type { ParsedPush, ParsedScope } from '../types.js';
import { parseTrails } from './cloudtrail.js';
import { credentialReportCsv, parseCredentialReport } from './credential-report.js';
import { type Json, unwrapRecording } from './json.js';
import { parseKmsKeys } from './kms.js';
import { parseDbInstances } from './rds.js';
import { parseBuckets } from './s3.js';
import { parseSecurityGroups } from './security-groups.js';
import { type Origin, validate } from './shared.js';

/** The Attest AWS bundle (aws-bundle/v1): see the comment at the top of index.ts for its shape. */

export const BUNDLE_VERSION = 'aws-bundle/v1';

const Bundle = z.looseObject({
  attest: z.literal(BUNDLE_VERSION, { error: `only ${BUNDLE_VERSION} is supported` }),
  account: z.string().regex(/^\d{12}$/, { error: 'must be the 12-digit AWS account id' }),
  region: z.string().min(1, { error: 'must name the region the commands ran in' }),
  credentialReport: z.json().optional(),
  dbInstances: z.json().optional(),
  buckets: z.record(z.string(), z.json()).optional(),
  securityGroups: z.json().optional(),
  trails: z.json().optional(),
  trailStatus: z.record(z.string(), z.json()).optional(),
  kmsKeys: z.record(z.string(), z.json()).optional(),
});

const PARTS = new Set(Object.keys(Bundle.shape));

/** Each part present becomes its own scope, so a part left out leaves what Attest knows of it alone. */
export function parseBundle(value: Json): ParsedPush {
  const top: Origin = { label: 'The bundle', account: null, region: null };
  const bundle = validate(
    Bundle,
    value,
    top,
    `aws-collect.sh (${BUNDLE_VERSION})`,
    'Collect it again with aws-collect.sh.',
  );
  const { account, region } = bundle;
  const at = (part: string) => ({ label: `The bundle's ${part}`, account, region });
  const plain = (part: Json | undefined) => (part === undefined ? undefined : unwrapRecording(part).output);

  const warnings: string[] = [];
  const scopes: ParsedScope[] = [];
  const parts: string[] = [];
  const credentialReport = plain(bundle.credentialReport);
  if (credentialReport !== undefined) {
    const origin = at('credentialReport');
    scopes.push(...parseCredentialReport(credentialReportCsv(credentialReport, origin), origin, warnings));
    parts.push('IAM credential report');
  }
  const dbInstances = plain(bundle.dbInstances);
  if (dbInstances !== undefined) {
    scopes.push(...parseDbInstances(dbInstances, at('dbInstances'), warnings));
    parts.push('RDS instances');
  }
  if (bundle.buckets) {
    const buckets = Object.fromEntries(Object.entries(bundle.buckets).map(([name, out]) => [name, plain(out)]));
    scopes.push(...parseBuckets(buckets, at('buckets')));
    parts.push('S3 bucket encryption');
  }
  const securityGroups = plain(bundle.securityGroups);
  if (securityGroups !== undefined) {
    scopes.push(...parseSecurityGroups(securityGroups, at('securityGroups'), warnings));
    parts.push('security groups');
  }
  const trails = plain(bundle.trails);
  if (trails !== undefined) {
    if (!bundle.trailStatus) warnings.push('The bundle has no trailStatus: whether each trail is logging is unknown.');
    scopes.push(...parseTrails(trails, bundle.trailStatus, at('trails'), warnings));
    parts.push('CloudTrail trails');
  } else if (bundle.trailStatus) {
    warnings.push('The bundle has trailStatus but no trails; trailStatus was ignored.');
  }
  if (bundle.kmsKeys) {
    scopes.push(...parseKmsKeys(bundle.kmsKeys, at('kmsKeys'), warnings));
    parts.push('KMS keys');
  }
  for (const key of Object.keys(bundle)) {
    if (!PARTS.has(key)) warnings.push(`The bundle's "${key}" is not a part Attest knows; it was ignored.`);
  }
  if (parts.length === 0) warnings.push('The bundle holds no parts; nothing was recorded.');
  return { format: `Attest AWS bundle (${parts.join(', ') || 'empty'})`, scopes, warnings };
}
