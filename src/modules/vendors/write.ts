/**
 * Adding and editing vendors, and overriding a vendor's tier. Every change is audit-logged
 * against the vendor (its page shows that history) and rewrites its inventory record.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { assertMayEdit, checkMember, managesVendors, type VendorActor } from './access.js';
import { refreshVendors } from './inventory.js';
import { getVendor, type Vendor, vendorRow } from './read.js';
import {
  CLASSIFICATIONS,
  computeTier,
  effectiveTier,
  LEVELS,
  type ReviewIntervals,
  saveReviewIntervals,
} from './tier.js';

const Website = z
  .string()
  .trim()
  .max(500)
  .refine((v) => v === '' || /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(v), 'a web address starting with https://')
  .transform((v) => (v === '' ? null : v));

export const VendorFields = z.object({
  name: z.string().trim().min(1, 'Give the vendor a name.').max(200),
  website: Website.nullable(),
  purpose: z.string().trim().max(2000),
  dataClassification: z.enum(CLASSIFICATIONS).nullable(),
  regions: z
    .array(z.string().trim().min(1, 'A region cannot be empty.').max(100))
    .max(50)
    .transform((list) => [...new Set(list)]),
  subprocessor: z.boolean(),
  ownerUserId: z.uuid().nullable(),
  criticality: z.enum(LEVELS),
});
export const NewVendor = VendorFields.partial().required({ name: true });
export const VendorChange = VendorFields.partial();
export type NewVendor = z.infer<typeof NewVendor>;
export type VendorChange = z.infer<typeof VendorChange>;

export const TierOverride = z.object({
  /** null goes back to the computed tier. */
  tier: z.enum(LEVELS).nullable(),
  reason: z.string().trim().max(2000).default(''),
});

export const vendorTarget = (id: string) => ({ targetType: 'vendor', targetId: id });

async function checkName(tx: Tx, name: string, exceptId?: string): Promise<void> {
  let query = tx.selectFrom('vendors').select('id').where(sql`lower(name)`, '=', name.toLowerCase());
  if (exceptId) query = query.where('id', '<>', exceptId);
  if (await query.executeTakeFirst()) {
    throw new AppError(
      'conflict',
      `A vendor named “${name}” is already in the register. Open it, or choose another name.`,
    );
  }
}

export async function createVendor(
  tx: Tx,
  actor: VendorActor,
  input: NewVendor,
  meta: RequestMeta,
  now: Date,
): Promise<Vendor> {
  await checkName(tx, input.name);
  // Someone who is not an owner or admin proposes a vendor they will look after themselves.
  const ownerUserId = input.ownerUserId === undefined ? actor.userId : input.ownerUserId;
  if (!managesVendors(actor) && ownerUserId !== actor.userId) {
    throw new AppError('forbidden', 'Members add vendors they own. Leave the owner empty, or ask an admin.');
  }
  if (ownerUserId) await checkMember(tx, ownerUserId, 'body.ownerUserId', 'owner of a vendor');
  const classification = input.dataClassification ?? null;
  const criticality = input.criticality ?? 'medium';
  const id = newId();
  await tx
    .insertInto('vendors')
    .values({
      id,
      org_id: actor.orgId,
      name: input.name,
      website: input.website ?? null,
      purpose: input.purpose ?? '',
      data_classification: classification,
      regions: input.regions ?? [],
      subprocessor: input.subprocessor ?? false,
      owner_user_id: ownerUserId,
      criticality,
      tier: computeTier(classification, criticality),
      status: 'proposed',
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const vendor = await getVendor(tx, actor, id, now);
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'vendor.created',
    ...vendorTarget(id),
    details: {
      name: vendor.name,
      ownerUserId: vendor.owner?.id ?? null,
      dataClassification: vendor.dataClassification,
      criticality: vendor.criticality,
      subprocessor: vendor.subprocessor,
      tier: vendor.tier,
    },
  });
  await refreshVendors(tx, actor.orgId, now);
  return vendor;
}

export async function updateVendor(
  tx: Tx,
  actor: VendorActor,
  id: string,
  input: VendorChange,
  meta: RequestMeta,
  now: Date,
): Promise<Vendor> {
  const row = await vendorRow(tx, id);
  assertMayEdit(actor, { name: row.name, ownerUserId: row.owner_user_id }, 'change this vendor');
  if (input.name !== undefined && input.name.toLowerCase() !== row.name.toLowerCase())
    await checkName(tx, input.name, id);
  if (input.ownerUserId && input.ownerUserId !== row.owner_user_id) {
    await checkMember(tx, input.ownerUserId, 'body.ownerUserId', 'owner of a vendor');
  }
  const set: Record<string, unknown> = {};
  const changed: Record<string, unknown> = {};
  const put = (column: string, field: string, value: unknown, old: unknown) => {
    if (value === undefined || JSON.stringify(value) === JSON.stringify(old)) return;
    set[column] = value;
    changed[field] = value;
  };
  put('name', 'name', input.name, row.name);
  put('website', 'website', input.website, row.website);
  put('purpose', 'purpose', input.purpose, row.purpose);
  put('data_classification', 'dataClassification', input.dataClassification, row.data_classification);
  put('regions', 'regions', input.regions, row.regions);
  put('subprocessor', 'subprocessor', input.subprocessor, row.subprocessor);
  put('owner_user_id', 'ownerUserId', input.ownerUserId, row.owner_user_id);
  put('criticality', 'criticality', input.criticality, row.criticality);
  if (Object.keys(set).length === 0) return getVendor(tx, actor, id, now);
  const tier = effectiveTier(
    input.dataClassification === undefined ? row.data_classification : input.dataClassification,
    input.criticality ?? row.criticality,
    row.tier_override,
  );
  if (tier !== row.tier) changed.tier = tier;
  await tx
    .updateTable('vendors')
    .set({ ...set, tier, updated_at: now })
    .where('id', '=', id)
    .execute();
  // The purpose can be long: the audit row says it changed, not what it says.
  if ('purpose' in changed) changed.purpose = '(changed)';
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'vendor.updated',
    ...vendorTarget(id),
    details: { name: input.name ?? row.name, changed },
  });
  await refreshVendors(tx, actor.orgId, now);
  return getVendor(tx, actor, id, now);
}

/** Sets (or clears) a tier override: owners and admins only, always with a reason; the computed tier stays visible. */
export async function overrideTier(
  tx: Tx,
  actor: VendorActor,
  id: string,
  input: z.infer<typeof TierOverride>,
  meta: RequestMeta,
  now: Date,
): Promise<Vendor> {
  const row = await vendorRow(tx, id);
  const reason = input.reason.trim();
  if (input.tier !== null && reason.length === 0) {
    throw new AppError('validation_failed', `Say why ${row.name} belongs in the ${input.tier} tier.`, {
      errors: [{ path: 'body.reason', message: 'a reason is required' }],
    });
  }
  const computed = computeTier(row.data_classification, row.criticality);
  const tier = input.tier ?? computed;
  await tx
    .updateTable('vendors')
    .set({
      tier_override: input.tier,
      tier_override_reason: input.tier === null ? null : reason,
      tier_override_by: input.tier === null ? null : actor.userId,
      tier_override_at: input.tier === null ? null : now,
      tier,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: input.tier === null ? 'vendor.tier_override_cleared' : 'vendor.tier_overridden',
    ...vendorTarget(id),
    details: { name: row.name, from: row.tier, to: tier, computed, reason: reason || null },
  });
  await refreshVendors(tx, actor.orgId, now);
  return getVendor(tx, actor, id, now);
}

/** Changes how long a review lasts per tier (owners and admins), and rewrites the records the checks judge. */
export async function changeReviewIntervals(
  tx: Tx,
  actor: VendorActor,
  intervals: ReviewIntervals,
  meta: RequestMeta,
  now: Date,
): Promise<ReviewIntervals> {
  const saved = await saveReviewIntervals(tx, actor.orgId, intervals, auditWho(actor), meta, now);
  await refreshVendors(tx, actor.orgId, now);
  return saved;
}
