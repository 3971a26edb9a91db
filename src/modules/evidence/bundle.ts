import { PassThrough, type Readable } from 'node:stream';
import yazl from 'yazl';
import type { AppContext, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import { withScope } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { ledgerOrigin } from '../../ledger/checkpoint.js';
import {
  appendToLedger,
  consistencyFrom,
  latestCheckpoint,
  makeCheckpoint,
  orgVerifierKey,
  proofBundle,
} from '../../ledger/service.js';
import { type AuditWho, recordAudit } from '../audit/service.js';
import {
  BUNDLE_FORMAT,
  type BundleItem,
  bundlePath,
  canonicalFacts,
  descriptorHash,
  type ExportDescriptor,
  type ItemFacts,
  type Manifest,
} from './bundle-format.js';
import { openEvidenceBlob } from './erase.js';
import { baseQuery, inWindow } from './service.js';

function parseWhen(value: string | undefined, flag: string): Date | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new AppError('validation_failed', `${flag} is not a date: use YYYY-MM-DD or an ISO time.`);
  return d;
}

const hex = (v: Buffer | string) => (Buffer.isBuffer(v) ? v.toString('hex') : v);

/**
 * Prepares an export in one transaction: the items effective in [from, to), an `export` leaf
 * committing to them, a fresh signed checkpoint covering that leaf, inclusion proofs for every
 * item against it, the consistency proof from the previous checkpoint, and the audit row.
 * Files are read afterwards, outside the transaction (see `exportBundle`).
 */
export async function prepareExport(
  ctx: AppContext,
  orgId: string,
  who: AuditWho,
  meta: RequestMeta,
  window: { from?: string; to?: string },
): Promise<{ manifest: Manifest; files: { path: string; id: string; blobKey: string }[] }> {
  const from = parseWhen(window.from, 'from');
  const to = parseWhen(window.to, 'to');
  if (from && to && to <= from) {
    throw new AppError('validation_failed', '"to" must be after "from": the window is empty.');
  }
  const now = ctx.clock.now();
  return withScope(ctx.database, { orgId, userId: who.userId }, async (tx) => {
    const rows = await inWindow(baseQuery(tx), from, to).orderBy('e.ledger_index').execute();
    const previous = await latestCheckpoint(tx, orgId);
    const facts: ItemFacts[] = rows.map((r) => {
      const index = Number(r.ledger_index);
      return canonicalFacts({
        index,
        id: r.id,
        name: r.name,
        contentType: r.content_type,
        size: Number(r.size),
        sha256: r.sha256,
        path: r.erased_at ? null : bundlePath(index, r.name),
        effectiveFrom: r.effective_from.toISOString(),
        effectiveTo: r.effective_to?.toISOString() ?? null,
        uploadedAt: r.uploaded_at.toISOString(),
        erasedAt: r.erased_at?.toISOString() ?? null,
      });
    });
    const descriptor: ExportDescriptor = {
      id: newId(),
      exportedAt: now.toISOString(),
      from: from?.toISOString() ?? null,
      to: to?.toISOString() ?? null,
      items: facts,
    };
    const leaf = await appendToLedger(
      tx,
      orgId,
      { kind: 'export', refId: descriptor.id, contentHash: descriptorHash(descriptor) },
      now,
    );
    const checkpoint = await makeCheckpoint(tx, orgId, now, { keyring: ctx.keyring });
    const size = Number(checkpoint.size);
    const proofs = await proofBundle(tx, orgId, [...rows.map((r) => Number(r.ledger_index)), leaf.index], size);
    const byIndex = new Map(proofs.leaves.map((l) => [Number(l.index), l]));
    const proofOf = (index: number) => {
      const p = byIndex.get(index);
      if (!p) throw new Error(`the ledger gave no proof for leaf ${index}`);
      return { index, leafData: p.leafData, proof: p.proof };
    };
    const items: BundleItem[] = facts.map((f) => ({
      ...proofOf(f.index),
      kind: 'evidence',
      id: f.id,
      name: f.name,
      contentType: f.contentType,
      size: f.size,
      sha256: f.sha256,
      ...(f.path ? { path: f.path } : { erased: true, erasedAt: f.erasedAt ?? undefined }),
      effectiveFrom: f.effectiveFrom,
      effectiveTo: f.effectiveTo,
      uploadedAt: f.uploadedAt,
    }));
    items.push({ ...proofOf(leaf.index), kind: 'export', id: descriptor.id });
    const previousSize = previous ? Number(previous.size) : 0;
    const consistency =
      previous && previousSize > 0 && previousSize < size
        ? {
            fromSize: previousSize,
            fromRoot: hex(previous.rootHash),
            proof: (await consistencyFrom(tx, orgId, previousSize, size)).map(hex),
          }
        : undefined;
    const manifest: Manifest = {
      format: BUNDLE_FORMAT,
      orgId,
      origin: ledgerOrigin(orgId),
      verifierKey: await orgVerifierKey(tx, orgId, { keyring: ctx.keyring }),
      checkpoint: checkpoint.note,
      exportedAt: now.toISOString(),
      window: { from: descriptor.from, to: descriptor.to },
      export: { index: leaf.index, descriptor },
      items,
      ...(consistency ? { consistency } : {}),
    };
    await recordAudit(tx, orgId, who, meta, now, {
      action: 'evidence.exported',
      targetType: 'export',
      targetId: descriptor.id,
      details: {
        from: descriptor.from,
        to: descriptor.to,
        items: rows.length,
        ledgerIndex: leaf.index,
        checkpointSize: size,
      },
    });
    const files = rows
      .filter((r) => !r.erased_at)
      .map((r) => ({ path: bundlePath(Number(r.ledger_index), r.name), id: r.id, blobKey: r.blob_key }));
    return { manifest, files };
  });
}

/**
 * The bundle as a zip stream: manifest.json, checkpoint.txt, key.pub, then files/ one at a time
 * (each blob opened only when the zip reaches it, so memory and open files stay constant).
 */
export async function exportBundle(
  ctx: AppContext,
  orgId: string,
  who: AuditWho,
  meta: RequestMeta,
  window: { from?: string; to?: string },
): Promise<{ fileName: string; stream: Readable; manifest: Manifest }> {
  const { manifest, files } = await prepareExport(ctx, orgId, who, meta, window);
  const zip = new yazl.ZipFile();
  const out = new PassThrough();
  zip.on('error', (error: Error) => out.destroy(error));
  zip.outputStream.on('error', (error: Error) => out.destroy(error));
  zip.outputStream.pipe(out);
  const mtime = new Date(manifest.exportedAt);
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), 'manifest.json', { mtime });
  zip.addBuffer(Buffer.from(manifest.checkpoint), 'checkpoint.txt', { mtime });
  zip.addBuffer(Buffer.from(`${manifest.verifierKey}\n`), 'key.pub', { mtime });
  for (const file of files) {
    zip.addReadStreamLazy(file.path, { mtime, compress: false }, (cb) => {
      openEvidenceBlob(ctx, orgId, { id: file.id, blob_key: file.blobKey }, ctx.log).then(
        (stream) => {
          stream.on('error', (error) => out.destroy(error));
          cb(null, stream);
        },
        (error: unknown) => cb(error, undefined as never),
      );
    });
  }
  zip.end();
  const day = (iso: string | null) => iso?.slice(0, 10) ?? 'all';
  return {
    fileName: `evidence-${day(manifest.window.from)}-to-${day(manifest.window.to)}.zip`,
    stream: out,
    manifest,
  };
}
