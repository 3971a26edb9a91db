import { z } from 'zod';
import { ImportError, type ParsedScope } from '../types.js';

/**
 * What every part of an AWS import shares: where the output came from (the bundle names its
 * account and region; a lone file does not), and how to say what is wrong with it.
 */

export interface Origin {
  /** How messages name the output: "this file", "the bundle's dbInstances". */
  label: string;
  /** The account and region the commands ran in, when the bundle says; null for a lone file. */
  account: string | null;
  region: string | null;
}

/** What one AWS command's output becomes; warnings are collected by the caller. */
export type PartParser = (output: unknown, origin: Origin, warnings: string[]) => ParsedScope[];

/** An AWS error as boto3 recordings and the bundle keep it ({"Error": {"Code": ...}}). */
export const ErrorOutput = z.object({
  Error: z.object({ Code: z.string(), Message: z.string().optional(), BucketName: z.string().optional() }),
});

/** Stands in a scope for an account or region the output does not name. */
export const UNKNOWN = 'unknown';

/** Validates an output with its zod schema, or throws an ImportError naming the first bad field. */
export function validate<T>(
  schema: z.ZodType<T>,
  value: unknown,
  origin: Origin,
  command: string,
  fix = 'Run the command again with --output json and push its output unchanged.',
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue ? formatPath(issue.path) : '';
  const problem = issue ? issue.message : 'unexpected shape';
  throw new ImportError(
    `${origin.label} is not the output of ${command}: ${where ? `${where}: ` : ''}${problem}. ${fix}`,
  );
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  }
  return out;
}

/** An ISO time from what AWS printed, or an ImportError naming the field. */
export function isoTime(value: string, where: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new ImportError(`${where}: "${value}" is not a date. Export the file again without editing it.`);
  }
  return date.toISOString();
}

/** ARNs are arn:partition:service:region:account:resource; a part that is empty is null. */
function arnPart(arn: string | null | undefined, index: 3 | 4): string | null {
  if (!arn?.startsWith('arn:')) return null;
  const part = arn.split(':', 5)[index];
  return part ? part : null;
}

export const accountFromArn = (arn: string | null | undefined) => arnPart(arn, 4);
export const regionFromArn = (arn: string | null | undefined) => arnPart(arn, 3);

/**
 * The region of an availability zone: "us-west-2a" and the local zone "us-west-2-lax-1a" are
 * both in us-west-2. Null when the name is not shaped like a zone.
 */
const ZONE = /^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)/;
export function regionFromZone(zone: string | null | undefined): string | null {
  if (!zone) return null;
  return ZONE.exec(zone)?.[1] ?? null;
}

/** Groups items by a key, keeping the order in which keys first appear. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
