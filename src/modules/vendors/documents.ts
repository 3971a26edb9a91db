/**
 * A vendor's assurance documents: SOC 2 Type 1 or Type 2 reports, ISO 27001 certificates and
 * others, with the period they cover. The file goes into the evidence vault on VEN-03
 * (encrypted, on the ledger); the row here says which vendor it belongs to and what it covers.
 */
import { z } from 'zod';
import type { AppContext, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { VendorDocumentKind } from '../../db/schema/vendors.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { addEvidence, type IncomingFile } from '../evidence/upload.js';
import { auditWho } from '../tokens/service.js';
import { assertMayEdit, invalid, seesRecords, type VendorActor } from './access.js';
import { refreshVendors } from './inventory.js';
import { SOC_KINDS, vendorRow } from './read.js';
import { vendorTarget } from './write.js';

export const DOCUMENT_KINDS = ['soc2_type1', 'soc2_type2', 'iso27001', 'other'] as const;
export const CONTROL_KEY = 'VEN-03';
const KIND_NAMES: Record<VendorDocumentKind, string> = {
  soc2_type1: 'SOC 2 Type 1 report',
  soc2_type2: 'SOC 2 Type 2 report',
  iso27001: 'ISO 27001 certificate',
  other: 'document',
};

/** The multipart fields sent before the file. */
export const DOCUMENT_FIELDS = ['kind', 'periodStart', 'periodEnd', 'note'] as const;

const Fields = z.object({
  kind: z.enum(DOCUMENT_KINDS, { error: 'one of soc2_type1, soc2_type2, iso27001, other' }),
  periodStart: z.iso.date({ error: 'a date as YYYY-MM-DD' }).optional(),
  periodEnd: z.iso.date({ error: 'a date as YYYY-MM-DD' }).optional(),
  note: z.string().trim().max(2000).default(''),
});
export type DocumentFields = z.infer<typeof Fields>;

/** Checks the fields (before any byte of the file is stored). */
export function checkDocumentFields(raw: Record<string, string>, now: Date): DocumentFields {
  const blank = Object.fromEntries(Object.entries(raw).filter(([, v]) => v.trim() !== ''));
  const parsed = Fields.safeParse(blank);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = `body.${String(issue?.path[0] ?? 'kind')}`;
    throw invalid(path, issue?.message ?? 'not valid', `${path.slice(5)}: ${issue?.message ?? 'not valid'}.`);
  }
  const f = parsed.data;
  const soc = SOC_KINDS.includes(f.kind);
  if (soc && !f.periodEnd) {
    throw invalid('body.periodEnd', 'required', 'A SOC 2 report covers a period: give the day it ends (periodEnd).');
  }
  if (f.kind === 'soc2_type2' && !f.periodStart) {
    throw invalid(
      'body.periodStart',
      'required',
      'A SOC 2 Type 2 report covers a window: give the day it starts (periodStart).',
    );
  }
  if (f.periodStart && f.periodEnd && f.periodStart > f.periodEnd) {
    throw invalid('body.periodEnd', 'before periodStart', 'The period must end after it starts.');
  }
  if (soc && (f.periodEnd as string) > now.toISOString().slice(0, 10)) {
    throw invalid(
      'body.periodEnd',
      'in the future',
      'A SOC 2 report is issued after its period ends: periodEnd cannot be in the future.',
    );
  }
  return f;
}

export interface VendorDocument {
  id: string;
  kind: VendorDocumentKind;
  periodStart: string | null;
  periodEnd: string | null;
  note: string;
  evidence: { id: string; name: string; size: number; sha256: string };
  uploadedBy: string | null;
  createdAt: string;
}

export async function listDocuments(tx: Tx, vendorId: string): Promise<VendorDocument[]> {
  const rows = await tx
    .selectFrom('vendor_documents as d')
    .innerJoin('evidence as e', 'e.id', 'd.evidence_id')
    .leftJoin('users as u', 'u.id', 'd.uploaded_by')
    .select([
      'd.id',
      'd.kind',
      'd.period_start',
      'd.period_end',
      'd.note',
      'e.id as evidence_id',
      'e.name',
      'e.size',
      'e.sha256',
      'u.email',
      'd.created_at',
    ])
    .where('d.vendor_id', '=', vendorId)
    .orderBy('d.created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    note: r.note,
    evidence: { id: r.evidence_id, name: r.name, size: Number(r.size), sha256: r.sha256 },
    uploadedBy: r.email,
    createdAt: iso(r.created_at),
  }));
}

/**
 * Stores a vendor's document: checks the fields and the caller's right first, streams the
 * file into the evidence vault on VEN-03 (the vendor's owner may attach there even when they
 * own no control: Attest attaches it), then records the document and rewrites the vendor's
 * inventory record.
 */
export async function addVendorDocument(
  ctx: AppContext,
  actor: VendorActor,
  vendorId: string,
  raw: Record<string, string>,
  file: IncomingFile,
  meta: RequestMeta,
): Promise<VendorDocument> {
  let fields: DocumentFields;
  let vendorName: string;
  try {
    fields = checkDocumentFields(raw, ctx.clock.now());
    vendorName = await withScope(ctx.database, { orgId: actor.orgId, userId: actor.userId }, async (tx) => {
      const vendor = await vendorRow(tx, vendorId);
      assertMayEdit(actor, { name: vendor.name, ownerUserId: vendor.owner_user_id }, 'upload its documents');
      if (vendor.status === 'offboarded') {
        throw new AppError('conflict', `${vendor.name} is offboarded: send it back to review before adding documents.`);
      }
      return vendor.name;
    });
  } catch (error) {
    file.stream.resume();
    throw error;
  }
  const evidence = await addEvidence(
    ctx,
    { ...actor, role: 'admin' },
    {
      controlId: CONTROL_KEY,
      effectiveFrom: fields.periodStart ?? fields.periodEnd,
      effectiveTo: fields.periodEnd,
      note: `${KIND_NAMES[fields.kind]} of ${vendorName}${fields.note ? `: ${fields.note}` : ''}`.slice(0, 5000),
    },
    file,
    meta,
  );
  const now = ctx.clock.now();
  return withScope(ctx.database, { orgId: actor.orgId, userId: actor.userId }, async (tx) => {
    const id = newId();
    await tx
      .insertInto('vendor_documents')
      .values({
        id,
        org_id: actor.orgId,
        vendor_id: vendorId,
        kind: fields.kind,
        period_start: fields.periodStart ?? null,
        period_end: fields.periodEnd ?? null,
        evidence_id: evidence.id,
        note: fields.note,
        uploaded_by: actor.userId,
        created_at: now,
      })
      .execute();
    await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
      action: 'vendor.document_added',
      ...vendorTarget(vendorId),
      details: {
        name: vendorName,
        documentId: id,
        kind: fields.kind,
        periodStart: fields.periodStart ?? null,
        periodEnd: fields.periodEnd ?? null,
        evidenceId: evidence.id,
      },
    });
    await refreshVendors(tx, actor.orgId, now);
    const [doc] = (await listDocuments(tx, vendorId)).filter((d) => d.id === id);
    return doc as VendorDocument;
  });
}

/** The evidence row of a vendor's document, for a download by someone who may see it. */
export async function documentFileRow(tx: Tx, actor: VendorActor, vendorId: string, documentId: string) {
  const vendor = await vendorRow(tx, vendorId);
  const row = await tx
    .selectFrom('vendor_documents as d')
    .innerJoin('evidence as e', 'e.id', 'd.evidence_id')
    .select(['e.id', 'e.name', 'e.size', 'e.blob_key', 'e.erased_at'])
    .where('d.id', '=', documentId)
    .where('d.vendor_id', '=', vendorId)
    .executeTakeFirst();
  if (!row) throw notFound('This document');
  if (!seesRecords(actor, vendor.owner_user_id)) {
    throw new AppError(
      'forbidden',
      `Only the owner of ${vendor.name}, owners, admins and auditors may download its documents.`,
    );
  }
  return row;
}
