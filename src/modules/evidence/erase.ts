import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import type { AppContext, RequestMeta } from '../../context.js';
import { decryptBlob } from '../../crypto/blob-cipher.js';
import type { Tx } from '../../db/tenancy.js';
import { withScope } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { appendToLedger } from '../../ledger/service.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { getEvidence } from './list.js';
import { type EvidenceActor, type EvidenceItem, evidenceRow } from './service.js';

/** Where a failed decryption is reported (the request's logger, or the server's). */
export interface ErrorLog {
  error(details: object, message: string): void;
}

const erasedError = (at: Date) =>
  new AppError(
    'gone',
    `This evidence was erased on ${at.toISOString().slice(0, 10)}: its file is deleted; the ledger keeps its hash.`,
  );

/**
 * Decrypts a stored blob as a stream. A chunk that fails authentication ends the stream with
 * an error before any of its bytes are passed on (the cipher releases a chunk only once its
 * tag checks), and the failure is logged: the client sees a cut-off download, never bad bytes.
 */
export async function openEvidenceBlob(
  ctx: AppContext,
  orgId: string,
  row: { id: string; blob_key: string },
  log: ErrorLog,
): Promise<Readable> {
  const source = await ctx.blobs.get(row.blob_key);
  const plain = decryptBlob((term) => ctx.keyring.dataKey(orgId, term), { orgId, objectId: row.id });
  return pipeline(source, plain, (error) => {
    if (error && (error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
      log.error({ err: error, evidenceId: row.id, blobKey: row.blob_key }, 'evidence file failed to decrypt');
    }
  });
}

/** The file of an item the actor may see, decrypted as a stream (opened after the lookup's transaction ends). */
export async function evidenceFile(
  ctx: AppContext,
  actor: EvidenceActor,
  id: string,
  log: ErrorLog,
): Promise<{ name: string; size: number; stream: Readable }> {
  const row = await withScope(ctx.database, { orgId: actor.orgId, userId: actor.userId }, (tx) =>
    evidenceRow(tx, actor, id),
  );
  if (row.erased_at) throw erasedError(row.erased_at);
  return { name: row.name, size: Number(row.size), stream: await openEvidenceBlob(ctx, actor.orgId, row, log) };
}

/**
 * Erases an item (owners): records the erasure on the row and as an `evidence.erased` leaf (its
 * content hash is the original file's, so the log shows what was erased), audits it, and deletes
 * the blob once that has committed. The original leaf stays: the log still verifies.
 */
export async function eraseEvidence(
  tx: Tx,
  ctx: AppContext,
  actor: EvidenceActor,
  id: string,
  reason: string,
  meta: RequestMeta,
): Promise<{ item: EvidenceItem; blobKey: string }> {
  const row = await evidenceRow(tx, actor, id);
  if (row.erased_at) throw erasedError(row.erased_at);
  const now = ctx.clock.now();
  const leaf = await appendToLedger(
    tx,
    actor.orgId,
    { kind: 'evidence.erased', refId: id, contentHash: row.sha256 },
    now,
  );
  const updated = await tx
    .updateTable('evidence')
    .set({ erased_at: now, erased_by: actor.userId, erase_reason: reason, erased_ledger_index: leaf.index })
    .where('id', '=', id)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw erasedError(now);
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'evidence.erased',
    targetType: 'evidence',
    targetId: id,
    details: {
      name: row.name,
      sha256: row.sha256,
      reason,
      ledgerIndex: Number(row.ledger_index),
      erasureIndex: leaf.index,
    },
  });
  return { item: await getEvidence(tx, ctx, actor, id), blobKey: row.blob_key };
}

/**
 * Erases in its own transaction, then deletes the blob once that has committed (deleting before
 * would lose the file if the transaction rolled back). A blob whose row is erased is what the
 * sweep deletes anyway, so a failure to delete here is only logged.
 */
export async function eraseEvidenceAndFile(
  ctx: AppContext,
  actor: EvidenceActor,
  id: string,
  reason: string,
  meta: RequestMeta,
): Promise<EvidenceItem> {
  const { item, blobKey } = await withScope(ctx.database, { orgId: actor.orgId, userId: actor.userId }, (tx) =>
    eraseEvidence(tx, ctx, actor, id, reason, meta),
  );
  await ctx.blobs
    .delete(blobKey)
    .catch((error: unknown) => ctx.log.warn({ err: error, blobKey }, 'erased evidence blob not deleted yet'));
  return item;
}
