import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import type { AppContext, RequestMeta } from '../../context.js';
import { encryptBlob, sha256Tap } from '../../crypto/blob-cipher.js';
import { newId } from '../../crypto/random.js';
import { withScope } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { appendToLedger } from '../../ledger/service.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { type EvidenceActor, type EvidenceItem, evidenceRow, resolveTarget, toItem } from './service.js';

/** Where an organisation's evidence blobs live; the sweep reads ids back from these keys. */
export const BLOB_PREFIX = 'org/';
export const blobKeyOf = (orgId: string, id: string) => `${BLOB_PREFIX}${orgId}/${id}`;

export interface EvidenceFields {
  controlId?: string;
  taskId?: string;
  effectiveFrom?: string;
  effectiveTo?: string;
  note?: string;
}

export interface IncomingFile {
  name: string;
  contentType?: string;
  stream: Readable;
  /** True when the transport cut the file at its size limit (multipart's `truncated`). */
  truncated?: () => boolean;
}

/**
 * Named points where a test may make the upload exit (ATTEST_TEST_CRASH_AT), to prove that a
 * crash anywhere leaves the whole evidence item or none of it. Unset in production.
 */
export type CrashPoint = 'after-blob' | 'before-commit' | 'after-commit';
function crashAt(point: CrashPoint): void {
  if (process.env.ATTEST_TEST_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}

/** A file name safe to store, show and send back in Content-Disposition: no path, no control characters. */
export function cleanName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const clean = [...base]
    .filter((ch) => ch >= ' ' && ch !== '\u007f' && ch !== '"')
    .join('')
    .trim()
    .slice(0, 200);
  if (!clean) {
    throw new AppError('validation_failed', 'Give the file a name.', {
      errors: [{ path: 'body.file', message: 'a file name is required' }],
    });
  }
  return clean;
}

const CONTENT_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

function parseDate(value: string | undefined, field: string): Date | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const d = new Date(value.trim());
  if (Number.isNaN(d.getTime())) {
    throw new AppError('validation_failed', `${field} is not a date: use YYYY-MM-DD or an ISO time.`, {
      errors: [{ path: `body.${field}`, message: 'not a date' }],
    });
  }
  return d;
}

export interface CheckedFields {
  controlId?: string;
  taskId?: string;
  effectiveFrom: Date;
  effectiveTo: Date | null;
  note: string;
}

/** Checks the fields that need no database: dates in order, note within bounds. */
export function checkFields(fields: EvidenceFields, now: Date): CheckedFields {
  const from = parseDate(fields.effectiveFrom, 'effectiveFrom');
  const to = parseDate(fields.effectiveTo, 'effectiveTo');
  if (to && from && to < from) {
    throw new AppError(
      'validation_failed',
      'effectiveTo is before effectiveFrom: the period must end after it starts.',
      {
        errors: [{ path: 'body.effectiveTo', message: 'before effectiveFrom' }],
      },
    );
  }
  const note = (fields.note ?? '').trim();
  if (note.length > 5000) {
    throw new AppError('validation_failed', 'The note can be up to 5,000 characters.', {
      errors: [{ path: 'body.note', message: 'too long' }],
    });
  }
  const blank = (s?: string) => (s?.trim() ? s.trim() : undefined);
  return {
    controlId: blank(fields.controlId),
    taskId: blank(fields.taskId),
    effectiveFrom: from ?? (to && to < now ? to : now),
    effectiveTo: to ?? null,
    note,
  };
}

/** The multipart parser's own size limit answers like ours. */
function uploadError(error: unknown, max: number): unknown {
  if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
    return new AppError('payload_too_large', tooLarge(max));
  return error;
}

/** Counts the bytes going through, and refuses more than `max` (the multipart limit already does; other callers too). */
class Meter extends Transform {
  bytes = 0;
  constructor(
    private readonly max: number,
    private readonly truncated: () => boolean = () => false,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.max) {
      done(new AppError('payload_too_large', tooLarge(this.max)));
      return;
    }
    done(null, chunk);
  }
  /** A cut-off file fails before the blob store makes it visible. */
  override _flush(done: TransformCallback): void {
    done(this.truncated() ? new AppError('payload_too_large', tooLarge(this.max)) : null);
  }
}

export const tooLarge = (max: number) =>
  `Files can be up to ${formatBytes(max)} (ATTEST_MAX_UPLOAD_BYTES). Upload a smaller file, or split it.`;

function formatBytes(n: number): string {
  if (n >= 1024 ** 3 && n % 1024 ** 3 === 0) return `${n / 1024 ** 3} GiB`;
  if (n >= 1024 ** 2 && n % 1024 ** 2 === 0) return `${n / 1024 ** 2} MiB`;
  return `${n} bytes`;
}

/**
 * Adds one evidence item: checks where it goes, then streams the file through SHA-256 and
 * AES-256-GCM into the blob store (constant memory), then writes the row, its ledger leaf and
 * its audit row in one transaction. Blob first, row after: a crash before the commit leaves at
 * most an orphan blob, which the sweep deletes; nothing written refers to a partial blob.
 */
export async function addEvidence(
  ctx: AppContext,
  actor: EvidenceActor,
  fields: EvidenceFields,
  file: IncomingFile,
  meta: RequestMeta,
): Promise<EvidenceItem> {
  const orgId = actor.orgId;
  let checked: CheckedFields;
  try {
    checked = checkFields(fields, ctx.clock.now());
    // Fail fast, before any byte is stored: the target exists and the actor may use it.
    await withScope(ctx.database, { orgId, userId: actor.userId }, (tx) => resolveTarget(tx, actor, checked));
  } catch (error) {
    file.stream.resume();
    throw error;
  }
  const name = cleanName(file.name);
  const contentType =
    file.contentType && CONTENT_TYPE.test(file.contentType) ? file.contentType : 'application/octet-stream';

  const id = newId();
  const blobKey = blobKeyOf(orgId, id);
  const { term, key } = await ctx.keyring.currentDataKey(orgId);
  const meter = new Meter(ctx.config.maxUploadBytes, file.truncated);
  const tap = sha256Tap();
  const cipher = encryptBlob(key, term, { orgId, objectId: id });
  let failure: Error | null = null;
  const encrypted = pipeline(file.stream, meter, tap.stream, cipher, (error) => {
    if (error) failure = error;
  });
  try {
    await ctx.blobs.put(blobKey, encrypted);
    if (failure) throw failure;
    if (meter.bytes === 0) {
      throw new AppError('validation_failed', 'The file is empty. Choose a file with content.', {
        errors: [{ path: 'body.file', message: 'empty file' }],
      });
    }
  } catch (error) {
    await ctx.blobs.delete(blobKey).catch(() => undefined);
    throw uploadError(failure ?? error, ctx.config.maxUploadBytes);
  }
  crashAt('after-blob');

  const sha256 = tap.digest();
  const now = ctx.clock.now();
  // Set once the transaction's work is done: a failure after it (the COMMIT itself) may have
  // committed, so the blob is then left to the sweep, which deletes it only if no row exists.
  let settled = false;
  try {
    const item = await withScope(ctx.database, { orgId, userId: actor.userId }, async (tx) => {
      const target = await resolveTarget(tx, actor, checked);
      const leaf = await appendToLedger(tx, orgId, { kind: 'evidence', refId: id, contentHash: sha256 }, now);
      await tx
        .insertInto('evidence')
        .values({
          id,
          org_id: orgId,
          name,
          content_type: contentType,
          size: meter.bytes,
          sha256,
          key_term: term,
          blob_key: blobKey,
          control_id: target.controlId,
          task_id: target.taskId,
          effective_from: checked.effectiveFrom,
          effective_to: checked.effectiveTo,
          note: checked.note,
          uploaded_by: actor.userId,
          uploaded_at: now,
          ledger_index: leaf.index,
        })
        .execute();
      await recordAudit(tx, orgId, auditWho(actor), meta, now, {
        action: 'evidence.added',
        targetType: 'evidence',
        targetId: id,
        details: {
          name,
          size: meter.bytes,
          sha256,
          ledgerIndex: leaf.index,
          controlId: target.controlId,
          taskId: target.taskId,
        },
      });
      const row = await evidenceRow(tx, actor, id);
      crashAt('before-commit');
      settled = true;
      return toItem(row, 'pending');
    });
    crashAt('after-commit');
    return item;
  } catch (error) {
    // The row did not commit: its blob must not outlive it.
    if (!settled) await ctx.blobs.delete(blobKey).catch(() => undefined);
    throw error;
  }
}
