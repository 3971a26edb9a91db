import { z } from 'zod';
import type { Actor, RequestMeta } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { trustCatalogue } from './catalogue.js';

/** A language tag as RFC 5646 writes the common ones: `en`, `de`, `pt-BR`, `zh-Hant`. */
const LanguageTag = z
  .string()
  .trim()
  .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,2}$/, 'a language tag such as en, de or pt-BR');

const Day = z.iso.date({ error: 'a date as YYYY-MM-DD' });

export const TrustUpdate = z
  .object({
    id: z.uuid(),
    date: Day,
    title: z.string().trim().min(1, 'Give the update a title.').max(200),
    body: z.string().trim().max(4000),
  })
  .strict();

export const SHOWABLE = [
  'certifications',
  'assessments',
  'subprocessors',
  'regions',
  'documents',
  'updates',
  'ledger',
] as const;
export type Showable = (typeof SHOWABLE)[number];

/** What an admin edits (the draft) and what publishing copies for the public (the published copy). */
export const TrustSettings = z
  .object({
    title: z.string().trim().min(1, 'Give the trust center a title.').max(120),
    overview: z.string().trim().max(4000),
    contactEmail: z.email('an email address such as security@example.com').max(254).nullable(),
    contactUrl: z
      .url({ protocol: /^https?$/, error: 'an http(s) address' })
      .max(500)
      .nullable(),
    languages: z.array(LanguageTag).min(1, 'Name at least one language, such as en.').max(10),
    /** Leave items that are not in place off the page instead of saying so. */
    hideNotInPlace: z.boolean(),
    /** Section keys, and `section.item` keys, the admin turned off. */
    hiddenSections: z.array(z.string().max(60)).max(50),
    hiddenItems: z.array(z.string().max(130)).max(300),
    show: z
      .object(Object.fromEntries(SHOWABLE.map((k) => [k, z.boolean()])) as Record<Showable, z.ZodBoolean>)
      .strict(),
    /** Hosting regions the admin adds to those of the subprocessors. */
    regions: z.array(z.string().trim().min(1).max(100)).max(50),
    updates: z.array(TrustUpdate).max(50),
  })
  .strict();
export type TrustSettings = z.infer<typeof TrustSettings>;

/** A host name of the organisation's own (trust.example.com): lower-case letters, digits, hyphens, dots. */
export const HostName = z
  .string()
  .trim()
  .max(253)
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/,
    'a lower-case host name such as trust.example.com (no scheme, port or path)',
  )
  .refine((h) => !/^[0-9.]+$/.test(h), 'a host name, not an IP address');

export const SettingsChange = z.object({ settings: TrustSettings, hostName: HostName.nullable() }).strict();
export type SettingsChange = z.infer<typeof SettingsChange>;

export function defaultSettings(orgName: string): TrustSettings {
  return {
    title: `${orgName} trust center`,
    overview: `How ${orgName} protects its customers' data. Every item on this page is checked against our security program as it runs today.`,
    contactEmail: null,
    contactUrl: null,
    languages: ['en'],
    hideNotInPlace: false,
    hiddenSections: [],
    hiddenItems: [],
    show: Object.fromEntries(SHOWABLE.map((k) => [k, true])) as Record<Showable, boolean>,
    regions: [],
    updates: [],
  };
}

export interface TrustCenterState {
  draft: TrustSettings;
  hostName: string | null;
  published: TrustSettings | null;
  publishedAt: string | null;
  unpublishedAt: string | null;
  updatedAt: string | null;
}

/** The organisation's trust center row, or the defaults when nobody has saved one yet. */
export async function loadTrustCenter(tx: Tx, orgId: string): Promise<TrustCenterState> {
  const row = await tx
    .selectFrom('trust_centers')
    .select(['draft', 'published', 'published_at', 'unpublished_at', 'host_name', 'updated_at'])
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  if (!row) {
    const org = await tx.selectFrom('organizations').select('name').where('id', '=', orgId).executeTakeFirstOrThrow();
    return {
      draft: defaultSettings(org.name),
      hostName: null,
      published: null,
      publishedAt: null,
      unpublishedAt: null,
      updatedAt: null,
    };
  }
  return {
    draft: row.draft as TrustSettings,
    hostName: row.host_name,
    published: (row.published as TrustSettings | null) ?? null,
    publishedAt: row.published_at ? new Date(row.published_at).toISOString() : null,
    unpublishedAt: row.unpublished_at ? new Date(row.unpublished_at).toISOString() : null,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

type OrgActor = Actor & { orgId: string };

/** Keeps only keys the catalogue knows, so a stale key cannot hide or reveal anything later. */
function normalise(settings: TrustSettings): TrustSettings {
  const sections = trustCatalogue();
  const sectionKeys = new Set(sections.map((s) => s.key));
  const itemKeys = new Set(sections.flatMap((s) => s.items.map((i) => `${s.key}.${i.key}`)));
  const unknownSection = settings.hiddenSections.find((k) => !sectionKeys.has(k));
  if (unknownSection) throw new AppError('validation_failed', `There is no section "${unknownSection}".`);
  const unknownItem = settings.hiddenItems.find((k) => !itemKeys.has(k));
  if (unknownItem) throw new AppError('validation_failed', `There is no item "${unknownItem}" (write section.item).`);
  const ids = new Set(settings.updates.map((u) => u.id));
  if (ids.size !== settings.updates.length) throw new AppError('validation_failed', 'Two updates share an id.');
  return {
    ...settings,
    hiddenSections: [...new Set(settings.hiddenSections)],
    hiddenItems: [...new Set(settings.hiddenItems)],
    languages: [...new Set(settings.languages)],
    regions: [...new Set(settings.regions)],
    updates: [...settings.updates].sort((a, b) => b.date.localeCompare(a.date)),
  };
}

/** Saves the draft (and the host name, which must be free across the instance); audited. */
export async function saveDraft(
  tx: Tx,
  actor: OrgActor,
  change: SettingsChange,
  meta: RequestMeta,
  now: Date,
): Promise<TrustCenterState> {
  const draft = normalise(change.settings);
  const before = await loadTrustCenter(tx, actor.orgId);
  try {
    await tx
      .insertInto('trust_centers')
      .values({
        org_id: actor.orgId,
        draft: JSON.stringify(draft),
        host_name: change.hostName,
        updated_by: actor.userId,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.column('org_id').doUpdateSet({
          draft: JSON.stringify(draft),
          host_name: change.hostName,
          updated_by: actor.userId,
          updated_at: now,
        }),
      )
      .execute();
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      throw new AppError('conflict', `The host name ${change.hostName} is already used by another trust center.`);
    }
    throw error;
  }
  const changed = (Object.keys(draft) as (keyof TrustSettings)[]).filter(
    (k) => JSON.stringify(draft[k]) !== JSON.stringify(before.draft[k]),
  );
  if (change.hostName !== before.hostName) changed.push('hostName' as keyof TrustSettings);
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'trust.updated',
    targetType: 'trust_center',
    targetId: actor.orgId,
    details: { changed, hostName: change.hostName },
  });
  return loadTrustCenter(tx, actor.orgId);
}

/** Copies the draft to the published copy (the public sees it from now on); audited. */
export async function publish(tx: Tx, actor: OrgActor, meta: RequestMeta, now: Date): Promise<TrustCenterState> {
  const state = await loadTrustCenter(tx, actor.orgId);
  await tx
    .insertInto('trust_centers')
    .values({
      org_id: actor.orgId,
      draft: JSON.stringify(state.draft),
      published: JSON.stringify(state.draft),
      published_at: now,
      published_by: actor.userId,
      updated_by: actor.userId,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.column('org_id').doUpdateSet({
        published: JSON.stringify(state.draft),
        published_at: now,
        published_by: actor.userId,
      }),
    )
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'trust.published',
    targetType: 'trust_center',
    targetId: actor.orgId,
    details: { wasPublished: state.published !== null, hiddenSections: state.draft.hiddenSections },
  });
  return loadTrustCenter(tx, actor.orgId);
}

/** Takes the public page down (unknown and unpublished answer alike from now on); audited. */
export async function unpublish(tx: Tx, actor: OrgActor, meta: RequestMeta, now: Date): Promise<TrustCenterState> {
  const state = await loadTrustCenter(tx, actor.orgId);
  if (!state.published) throw new AppError('conflict', 'The trust center is not published.');
  await tx
    .updateTable('trust_centers')
    .set({ published: null, published_at: null, published_by: null, unpublished_at: now })
    .where('org_id', '=', actor.orgId)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'trust.unpublished',
    targetType: 'trust_center',
    targetId: actor.orgId,
  });
  return loadTrustCenter(tx, actor.orgId);
}
