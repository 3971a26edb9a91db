import { z } from 'zod';
import type { InventoryRecord, ParsedScope } from '../types.js';
import { accountFromArn, groupBy, type Origin, UNKNOWN, validate } from './shared.js';

/**
 * `aws cloudtrail describe-trails`: the account's trails, including those of other regions
 * (multi-region and organisation trails appear as "shadow" trails), so the scope is
 * `aws.cloudtrail:<account>`. Whether a trail is logging comes from `get-trail-status`, which
 * only the bundle carries (keyed by trail ARN); without it logging is null.
 */

const Trail = z.object({
  Name: z.string().min(1),
  TrailARN: z.string().min(1),
  HomeRegion: z.string().optional(),
  IsMultiRegionTrail: z.boolean(),
  LogFileValidationEnabled: z.boolean(),
  KmsKeyId: z.string().optional(),
});

export const DescribeTrails = z.object({ trailList: z.array(Trail) });

export const TrailStatus = z.union([
  z.object({ IsLogging: z.boolean() }),
  z.object({ Error: z.object({ Code: z.string() }) }),
]);

type Trail = z.infer<typeof Trail>;

export function parseTrails(
  output: unknown,
  statuses: Record<string, unknown> | undefined,
  origin: Origin,
  warnings: string[],
): ParsedScope[] {
  const { trailList } = validate(DescribeTrails, output, origin, 'aws cloudtrail describe-trails');
  const seen = new Set<string>();
  const records: InventoryRecord<'cloud_resource'>[] = [];
  for (const trail of trailList) {
    if (seen.has(trail.TrailARN)) continue;
    seen.add(trail.TrailARN);
    records.push(trailRecord(trail, logging(trail, statuses, origin, warnings)));
  }
  if (origin.account) return [{ scope: `aws.cloudtrail:${origin.account}`, records }];
  if (records.length === 0) {
    warnings.push(
      `${origin.label}: no trails, and the output does not say its account, so nothing was recorded. ` +
        'Push it in the Attest bundle.',
    );
    return [];
  }
  const groups = groupBy(records, (r) => r.data.account ?? UNKNOWN);
  return [...groups].map(([account, records]) => ({ scope: `aws.cloudtrail:${account}`, records }));
}

function logging(
  trail: Trail,
  statuses: Record<string, unknown> | undefined,
  origin: Origin,
  warnings: string[],
): boolean | null {
  if (!statuses) return null;
  const raw = statuses[trail.TrailARN] ?? statuses[trail.Name];
  if (raw === undefined) {
    warnings.push(`${origin.label}: no get-trail-status for trail ${trail.Name}; its logging state is unknown.`);
    return null;
  }
  const where = { ...origin, label: `${origin.label}, status of ${trail.Name}` };
  const status = validate(TrailStatus, raw, where, 'aws cloudtrail get-trail-status');
  if ('Error' in status) {
    warnings.push(`${where.label}: get-trail-status failed with ${status.Error.Code}; logging state unknown.`);
    return null;
  }
  return status.IsLogging;
}

function trailRecord(trail: Trail, logging: boolean | null): InventoryRecord<'cloud_resource'> {
  return {
    type: 'cloud_resource',
    externalId: trail.TrailARN,
    name: trail.Name,
    data: {
      provider: 'aws',
      kind: 'cloudtrail_trail',
      account: accountFromArn(trail.TrailARN),
      region: trail.HomeRegion ?? null,
      attributes: {
        multiRegion: trail.IsMultiRegionTrail,
        logFileValidation: trail.LogFileValidationEnabled,
        kmsKeyId: trail.KmsKeyId ?? null,
        logging,
      },
    },
  };
}
