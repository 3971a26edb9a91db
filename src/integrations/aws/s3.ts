import { z } from 'zod';
import { ImportError, type InventoryRecord, type ParsedScope } from '../types.js';
import { ErrorOutput, type Origin, validate } from './shared.js';

/**
 * `aws s3api get-bucket-encryption --bucket <name>`: a bucket's default encryption. The output
 * does not name its bucket, so a lone file is named after it (`<bucket>.json`) and is the scope
 * `aws.s3.bucket:<bucket>`; the bundle maps names to outputs and is the scope
 * `aws.s3.buckets:<account>` (every bucket of the account). A bucket without a configuration
 * answers with the error ServerSideEncryptionConfigurationNotFoundError: encryption null.
 */

export const NOT_FOUND = 'ServerSideEncryptionConfigurationNotFoundError';

const EncryptionOutput = z.object({
  ServerSideEncryptionConfiguration: z.object({
    Rules: z.array(
      z.object({
        ApplyServerSideEncryptionByDefault: z.object({ SSEAlgorithm: z.string() }).optional(),
        BucketKeyEnabled: z.boolean().optional(),
      }),
    ),
  }),
});

const BucketOutput = z.union([EncryptionOutput, ErrorOutput]);
type BucketOutput = z.infer<typeof BucketOutput>;

/** S3's naming rules (lower-case letters, digits, dots, hyphens; 3 to 63 characters). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** One get-bucket-encryption output pushed on its own, its bucket named by the output or the file. */
export function parseBucketFile(output: unknown, origin: Origin, fileName: string | undefined): ParsedScope[] {
  const parsed = validate(BucketOutput, output, origin, 'aws s3api get-bucket-encryption');
  const name = ('Error' in parsed ? parsed.Error.BucketName : undefined) ?? bucketFromFileName(fileName);
  return [{ scope: `aws.s3.bucket:${name}`, records: [bucketRecord(name, parsed, origin)] }];
}

/** The bundle's buckets: every bucket of the account, by name. */
export function parseBuckets(buckets: Record<string, unknown>, origin: Origin & { account: string }): ParsedScope[] {
  const records = Object.entries(buckets).map(([name, output]) => {
    const where = { ...origin, label: `${origin.label}["${name}"]` };
    checkBucketName(name, where.label);
    return bucketRecord(name, validate(BucketOutput, output, where, 'aws s3api get-bucket-encryption'), where);
  });
  return [{ scope: `aws.s3.buckets:${origin.account}`, records }];
}

function bucketRecord(name: string, output: BucketOutput, origin: Origin): InventoryRecord<'cloud_resource'> {
  let encryption: string | null = null;
  let bucketKeyEnabled: boolean | null = null;
  if ('Error' in output) {
    if (output.Error.Code !== NOT_FOUND) {
      throw new ImportError(
        `${origin.label}: reading the encryption of bucket ${name} failed with ${output.Error.Code}. ` +
          'Give the role s3:GetEncryptionConfiguration and collect again.',
      );
    }
  } else {
    // S3 applies the first rule; a configuration has exactly one.
    const rule = output.ServerSideEncryptionConfiguration.Rules[0];
    encryption = rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? null;
    bucketKeyEnabled = rule?.BucketKeyEnabled ?? null;
  }
  return {
    type: 'cloud_resource',
    externalId: name,
    name,
    data: {
      provider: 'aws',
      kind: 's3_bucket',
      account: origin.account,
      // get-bucket-encryption does not say where the bucket lives.
      region: null,
      attributes: { encryption, bucketKeyEnabled },
    },
  };
}

/** "northwind-logs.json" → "northwind-logs" (bucket names may hold dots: only the last extension goes). */
function bucketFromFileName(fileName: string | undefined): string {
  const base = fileName?.split(/[/\\]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  const name = dot > 0 ? base.slice(0, dot) : base;
  if (!name) {
    throw new ImportError(
      'get-bucket-encryption does not name its bucket: push it in the Attest bundle (see aws-collect.sh), ' +
        'or upload it as a file named after the bucket, e.g. my-bucket.json.',
    );
  }
  checkBucketName(name, `The file name "${base}"`);
  return name;
}

function checkBucketName(name: string, where: string): void {
  if (!BUCKET_NAME.test(name)) {
    throw new ImportError(
      `${where} is not an S3 bucket name (${name}). Name the file after its bucket, e.g. my-bucket.json.`,
    );
  }
}
