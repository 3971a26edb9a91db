import { z } from 'zod';
import type { InventoryRecord, ParsedScope } from '../types.js';
import { accountFromArn, ErrorOutput, type Origin, regionFromArn, validate } from './shared.js';

/**
 * KMS keys, from the bundle only: a key needs both `aws kms describe-key` (who manages it, its
 * state) and `aws kms get-key-rotation-status`, which neither names the other. The keys of a
 * region are the scope `aws.kms:<account>:<region>`.
 *
 * Left out, each with a warning: keys pending deletion (they can no longer be used, and their
 * rotation no longer matters), and keys whose rotation status AWS would not give (asymmetric
 * and HMAC keys cannot rotate automatically), since the record needs a yes or no.
 */

const DescribeKey = z.object({
  KeyMetadata: z.object({
    KeyId: z.string().min(1),
    Arn: z.string().min(1),
    AWSAccountId: z.string().optional(),
    KeyManager: z.string().optional(),
    KeyState: z.string().optional(),
    Description: z.string().optional(),
  }),
});

const Rotation = z.union([z.object({ KeyRotationEnabled: z.boolean() }), ErrorOutput]);

const KmsEntry = z.object({ describeKey: DescribeKey, rotation: Rotation.optional() });

const PENDING_DELETION = new Set(['PendingDeletion', 'PendingReplicaDeletion']);

export function parseKmsKeys(
  keys: Record<string, unknown>,
  origin: Origin & { account: string; region: string },
  warnings: string[],
): ParsedScope[] {
  const pending: string[] = [];
  const noRotation: string[] = [];
  const records: InventoryRecord<'cloud_resource'>[] = [];
  for (const [id, raw] of Object.entries(keys)) {
    const where = { ...origin, label: `${origin.label}["${id}"]` };
    const { describeKey, rotation } = validate(
      KmsEntry,
      raw,
      where,
      'aws kms describe-key and get-key-rotation-status',
    );
    const key = describeKey.KeyMetadata;
    if (key.KeyState && PENDING_DELETION.has(key.KeyState)) {
      pending.push(key.KeyId);
      continue;
    }
    if (!rotation || 'Error' in rotation) {
      noRotation.push(key.KeyId);
      continue;
    }
    const name = key.Description ? `${key.Description} (${key.KeyId})` : key.KeyId;
    records.push({
      type: 'cloud_resource',
      externalId: key.Arn,
      name,
      data: {
        provider: 'aws',
        kind: 'kms_key',
        account: key.AWSAccountId ?? accountFromArn(key.Arn) ?? origin.account,
        region: regionFromArn(key.Arn) ?? origin.region,
        attributes: {
          rotationEnabled: rotation.KeyRotationEnabled,
          customerManaged: key.KeyManager ? key.KeyManager === 'CUSTOMER' : null,
        },
      },
    });
  }
  if (pending.length > 0) {
    warnings.push(`${origin.label}: ${pending.length} key(s) pending deletion left out: ${pending.join(', ')}.`);
  }
  if (noRotation.length > 0) {
    warnings.push(
      `${origin.label}: ${noRotation.length} key(s) left out because their rotation status is missing or was refused ` +
        `(asymmetric and HMAC keys cannot rotate): ${noRotation.join(', ')}.`,
    );
  }
  return [{ scope: `aws.kms:${origin.account}:${origin.region}`, records }];
}
