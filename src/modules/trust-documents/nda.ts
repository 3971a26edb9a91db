/**
 * The organisation's NDA (versioned; each version's SHA-256 is what a visitor accepts) and its
 * approval rules (email domains approved at once, and how long a grant lasts).
 */
import type { z } from 'zod';
import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import {
  DEFAULT_GRANT_DAYS,
  type DocumentActor,
  defaultNda,
  type NdaBody,
  type SettingsBody,
  sha256Hex,
} from './model.js';

export interface Nda {
  id: string;
  version: number;
  text: string;
  sha256: string;
  createdAt: string;
  createdBy: string | null;
}

export interface DocumentSettings {
  autoApproveDomains: string[];
  grantDays: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

async function latestNda(tx: Tx): Promise<Nda | null> {
  const row = await tx
    .selectFrom('trust_ndas as n')
    .leftJoin('users as u', 'u.id', 'n.created_by')
    .select(['n.id', 'n.version', 'n.body', 'n.sha256', 'n.created_at', 'u.email'])
    .orderBy('n.version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        version: row.version,
        text: row.body,
        sha256: row.sha256,
        createdAt: iso(row.created_at),
        createdBy: row.email,
      }
    : null;
}

async function insertNda(tx: Tx, orgId: string, text: string, version: number, by: string | null, now: Date) {
  await tx
    .insertInto('trust_ndas')
    .values({
      id: newId(),
      org_id: orgId,
      version,
      body: text,
      sha256: sha256Hex(text),
      created_by: by,
      created_at: now,
    })
    .execute();
}

/** The NDA in force; an organisation without one gets version 1 from the default template. */
export async function ensureNda(tx: Tx, orgId: string, now: Date): Promise<Nda> {
  const current = await latestNda(tx);
  if (current) return current;
  const org = await tx.selectFrom('organizations').select('name').where('id', '=', orgId).executeTakeFirstOrThrow();
  await insertNda(tx, orgId, defaultNda(org.name), 1, null, now);
  return (await latestNda(tx)) as Nda;
}

/** A new version of the NDA (nothing changes when the text is the same). */
export async function setNda(
  tx: Tx,
  actor: DocumentActor,
  input: z.infer<typeof NdaBody>,
  meta: RequestMeta,
  now: Date,
): Promise<Nda> {
  const current = await ensureNda(tx, actor.orgId, now);
  const text = input.text.replace(/\r\n/g, '\n');
  if (sha256Hex(text) === current.sha256) return current;
  // The unique (org, version) stops two editors from writing the same version.
  await insertNda(tx, actor.orgId, text, current.version + 1, actor.userId, now);
  const next = (await latestNda(tx)) as Nda;
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'trust_document.nda_changed',
    targetType: 'trust_nda',
    targetId: next.id,
    details: { version: next.version, sha256: next.sha256, previousSha256: current.sha256 },
  });
  return next;
}

export async function getSettings(tx: Tx): Promise<DocumentSettings> {
  const row = await tx
    .selectFrom('trust_document_settings as s')
    .leftJoin('users as u', 'u.id', 's.updated_by')
    .select(['s.auto_approve_domains', 's.grant_days', 's.updated_at', 'u.email'])
    .executeTakeFirst();
  return row
    ? {
        autoApproveDomains: row.auto_approve_domains,
        grantDays: row.grant_days,
        updatedAt: iso(row.updated_at),
        updatedBy: row.email,
      }
    : { autoApproveDomains: [], grantDays: DEFAULT_GRANT_DAYS, updatedAt: null, updatedBy: null };
}

export async function setSettings(
  tx: Tx,
  actor: DocumentActor,
  input: z.infer<typeof SettingsBody>,
  meta: RequestMeta,
  now: Date,
): Promise<DocumentSettings> {
  const before = await getSettings(tx);
  const domains = [...new Set(input.autoApproveDomains)].sort();
  await tx
    .insertInto('trust_document_settings')
    .values({
      org_id: actor.orgId,
      auto_approve_domains: domains,
      grant_days: input.grantDays,
      updated_by: actor.userId,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.column('org_id').doUpdateSet({
        auto_approve_domains: domains,
        grant_days: input.grantDays,
        updated_by: actor.userId,
        updated_at: now,
      }),
    )
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'trust_document.rules_changed',
    targetType: 'trust_document_settings',
    details: {
      autoApproveDomains: domains,
      grantDays: input.grantDays,
      before: { autoApproveDomains: before.autoApproveDomains, grantDays: before.grantDays },
    },
  });
  return getSettings(tx);
}
