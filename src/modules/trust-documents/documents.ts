/**
 * The documents themselves: upload (sealed under the organisation's data key), edit, list, and
 * read back. Documents shared on request must be PDFs, because every copy handed out is
 * watermarked with its recipient (watermark.ts); public documents may be any file.
 */
import type { z } from 'zod';
import type { AppContext, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import { openWithKey, sealWithKey } from '../../crypto/seal.js';
import type { TrustDocumentAccess } from '../../db/schema/trust-documents.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { cleanName } from '../evidence/upload.js';
import { auditWho } from '../tokens/service.js';
import { type DocumentActor, DocumentFields, type DocumentPatch, MAX_DOCUMENT_BYTES, sha256Hex } from './model.js';
import { ensureNda } from './nda.js';
import { isReadablePdf } from './watermark.js';

export interface TrustDocument {
  id: string;
  title: string;
  description: string;
  access: TrustDocumentAccess;
  position: number;
  file: { name: string; contentType: string; size: number; sha256: string };
  requests: { pending: number; total: number };
  downloads: number;
  createdAt: string;
  updatedAt: string;
}

const fileContext = (orgId: string, id: string) => `trust-document:${orgId}:${id}`;

const target = (id: string) => ({ targetType: 'trust_document', targetId: id });

const CONTENT_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

export async function listDocuments(tx: Tx): Promise<TrustDocument[]> {
  const rows = await tx
    .selectFrom('trust_documents as d')
    .select((eb) => [
      'd.id',
      'd.title',
      'd.description',
      'd.access',
      'd.position',
      'd.file_name',
      'd.content_type',
      'd.size',
      'd.sha256',
      'd.created_at',
      'd.updated_at',
      eb
        .selectFrom('trust_document_requests as r')
        .select((e) => e.fn.countAll<string>().as('n'))
        .whereRef('r.document_id', '=', 'd.id')
        .where('r.status', '=', 'pending')
        .as('pending'),
      eb
        .selectFrom('trust_document_requests as r')
        .select((e) => e.fn.countAll<string>().as('n'))
        .whereRef('r.document_id', '=', 'd.id')
        .as('requests'),
      eb
        .selectFrom('trust_document_downloads as w')
        .select((e) => e.fn.countAll<string>().as('n'))
        .whereRef('w.document_id', '=', 'd.id')
        .as('downloads'),
    ])
    .orderBy('d.position')
    .orderBy('d.title')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    description: r.description,
    access: r.access,
    position: r.position,
    file: { name: r.file_name, contentType: r.content_type, size: r.size, sha256: r.sha256 },
    requests: { pending: Number(r.pending ?? 0), total: Number(r.requests ?? 0) },
    downloads: Number(r.downloads ?? 0),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  }));
}

export async function getDocument(tx: Tx, id: string): Promise<TrustDocument> {
  const found = (await listDocuments(tx)).find((d) => d.id === id);
  if (!found) throw notFound('This document');
  return found;
}

/** The row's access and file type, for checks; 404 when it is not this organisation's. */
export async function documentRow(tx: Tx, id: string, lock = false) {
  let query = tx
    .selectFrom('trust_documents')
    .select(['id', 'title', 'access', 'content_type', 'file_name'])
    .where('id', '=', id);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('This document');
  return row;
}

function requestNeedsPdf(access: TrustDocumentAccess, contentType: string): void {
  if (access === 'request' && contentType !== 'application/pdf') {
    throw new AppError(
      'validation_failed',
      'Documents shared on request must be PDFs: each copy is watermarked with its recipient. Upload a PDF, or share this file as public.',
      { errors: [{ path: 'body.access', message: 'request needs a PDF' }] },
    );
  }
}

/** Checks the upload's fields and bytes before anything is written. */
export async function checkUpload(fields: Record<string, string>, name: string, contentType: string, bytes: Buffer) {
  const parsed = DocumentFields.safeParse(fields);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ path: `body.${i.path.join('.')}`, message: i.message }));
    throw new AppError('validation_failed', `Fix these fields: ${errors.map((e) => e.message).join(' ')}`, {
      errors,
    });
  }
  if (bytes.length === 0) {
    throw new AppError('validation_failed', 'The file is empty. Choose a file with content.', {
      errors: [{ path: 'body.file', message: 'empty file' }],
    });
  }
  if (bytes.length > MAX_DOCUMENT_BYTES) {
    throw new AppError('payload_too_large', 'Documents can be up to 20 MiB. Upload a smaller file.');
  }
  const isPdf = bytes.subarray(0, 5).toString('latin1') === '%PDF-';
  if (isPdf && !(await isReadablePdf(bytes))) {
    throw new AppError(
      'validation_failed',
      'This PDF cannot be read (it is damaged or password-protected). Save it again without a password and upload it.',
      { errors: [{ path: 'body.file', message: 'unreadable PDF' }] },
    );
  }
  const type = isPdf ? 'application/pdf' : CONTENT_TYPE.test(contentType) ? contentType : 'application/octet-stream';
  requestNeedsPdf(parsed.data.access, type);
  return { fields: parsed.data, name: cleanName(name), contentType: type };
}

export async function createDocument(
  tx: Tx,
  ctx: AppContext,
  actor: DocumentActor,
  upload: Awaited<ReturnType<typeof checkUpload>>,
  bytes: Buffer,
  meta: RequestMeta,
  now: Date,
): Promise<TrustDocument> {
  const id = newId();
  const dataKey = await ctx.keyring.currentDataKey(actor.orgId, tx);
  const sha256 = sha256Hex(bytes);
  await ensureNda(tx, actor.orgId, now);
  await tx
    .insertInto('trust_documents')
    .values({
      id,
      org_id: actor.orgId,
      title: upload.fields.title,
      description: upload.fields.description,
      access: upload.fields.access,
      position: upload.fields.position,
      file_name: upload.name,
      content_type: upload.contentType,
      size: bytes.length,
      sha256,
      sealed: sealWithKey(dataKey.key, bytes, fileContext(actor.orgId, id)),
      key_term: dataKey.term,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'trust_document.created',
    ...target(id),
    details: {
      title: upload.fields.title,
      access: upload.fields.access,
      file: upload.name,
      size: bytes.length,
      sha256,
    },
  });
  return getDocument(tx, id);
}

export async function updateDocument(
  tx: Tx,
  actor: DocumentActor,
  id: string,
  patch: z.infer<typeof DocumentPatch>,
  meta: RequestMeta,
  now: Date,
): Promise<TrustDocument> {
  const row = await documentRow(tx, id, true);
  if (patch.access) requestNeedsPdf(patch.access, row.content_type);
  const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  if (Object.keys(changes).length > 0) {
    await tx
      .updateTable('trust_documents')
      .set({ ...changes, updated_at: now })
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
      action: 'trust_document.updated',
      ...target(id),
      details: { title: patch.title ?? row.title, changes },
    });
  }
  return getDocument(tx, id);
}

/** The document's file, decrypted. */
export async function readDocumentFile(ctx: AppContext, tx: Tx, orgId: string, id: string) {
  const row = await tx
    .selectFrom('trust_documents')
    .select(['id', 'title', 'access', 'file_name', 'content_type', 'sealed', 'key_term'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('This document');
  const key = await ctx.keyring.dataKey(orgId, row.key_term, tx);
  return {
    title: row.title,
    access: row.access,
    name: row.file_name,
    contentType: row.content_type,
    bytes: openWithKey(key, row.sealed, fileContext(orgId, id)),
  };
}
