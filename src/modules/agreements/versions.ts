import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import type { EvidenceItem } from '../evidence/service.js';
import { auditWho } from '../tokens/service.js';
import {
  type AgreementActor,
  type AgreementVersion,
  currentAgreement,
  isUniqueViolation,
  latestVersionNumber,
  notFoundAgreement,
  sha256Hex,
  toVersion,
  versionQuery,
} from './service.js';

const PLACEHOLDER = /\{\{([^{}]*)\}\}/;

/** A title as stored: trimmed, 1–200 characters. */
export function checkTitle(title: string | undefined): string {
  const t = (title ?? '').trim();
  if (t.length < 1 || t.length > 200) {
    throw new AppError('validation_failed', 'Give the agreement a title (up to 200 characters).', {
      errors: [{ path: 'body.title', message: 'a title of 1 to 200 characters is required' }],
    });
  }
  return t;
}

/** Writes the next version number; two publishers at once: the second is told to look again. */
async function insertVersion(
  tx: Tx,
  actor: AgreementActor,
  fields: { title: string; body: string | null; fileId: string | null; sha256: string },
  meta: RequestMeta,
  now: Date,
): Promise<AgreementVersion> {
  const version = ((await latestVersionNumber(tx)) ?? 0) + 1;
  const id = newId();
  try {
    await tx
      .insertInto('agreements')
      .values({
        id,
        org_id: actor.orgId,
        version,
        title: fields.title,
        body: fields.body,
        file_id: fields.fileId,
        sha256: fields.sha256,
        published_by: actor.userId,
        published_at: now,
      })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError(
        'conflict',
        'Someone else published a version at the same moment. Reload the page and publish again if yours is still needed.',
      );
    }
    throw error;
  }
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'agreement.published',
    targetType: 'agreement',
    targetId: id,
    details: {
      version,
      title: fields.title,
      kind: fields.fileId ? 'file' : 'written',
      sha256: fields.sha256,
      ...(fields.fileId ? { evidenceId: fields.fileId } : {}),
    },
  });
  const row = await versionQuery(tx).where('a.id', '=', id).executeTakeFirstOrThrow();
  return toVersion(row, version);
}

/**
 * Publishes a written version (title and Markdown). Its hash is the SHA-256 of the text's
 * UTF-8 bytes. A text with a placeholder left in, or the same text as the current version
 * (which would ask everyone to sign again for nothing), is refused.
 */
export async function publishWritten(
  tx: Tx,
  actor: AgreementActor,
  input: { title: string; body: string },
  meta: RequestMeta,
  now: Date,
): Promise<AgreementVersion> {
  const title = checkTitle(input.title);
  const body = input.body.trim();
  if (body.length === 0) {
    throw new AppError('validation_failed', 'Write the text of the agreement.', {
      errors: [{ path: 'body.body', message: 'the text is required' }],
    });
  }
  const left = PLACEHOLDER.exec(body);
  if (left) {
    throw new AppError(
      'validation_failed',
      `Replace the placeholder {{${(left[1] ?? '').trim()}}} with its value before publishing.`,
      { errors: [{ path: 'body.body', message: 'a placeholder is left in the text' }] },
    );
  }
  const sha256 = sha256Hex(Buffer.from(body, 'utf8'));
  const current = await currentAgreement(tx);
  if (current && current.sha256 === sha256 && current.title === title) {
    throw new AppError(
      'conflict',
      `This is the text of version ${current.version} already. Change the text to publish a new version.`,
    );
  }
  return insertVersion(tx, actor, { title, body, fileId: null, sha256 }, meta, now);
}

/** Publishes an uploaded file (already stored as evidence) as the next version; its hash is the file's. */
export async function publishUploaded(
  tx: Tx,
  actor: AgreementActor,
  title: string,
  file: EvidenceItem,
  meta: RequestMeta,
  now: Date,
): Promise<AgreementVersion> {
  return insertVersion(tx, actor, { title, body: null, fileId: file.id, sha256: file.sha256 }, meta, now);
}

/** Every version, newest first, without their texts (a version's own route has it). */
export async function listVersions(tx: Tx): Promise<AgreementVersion[]> {
  const rows = await versionQuery(tx).orderBy('a.version', 'desc').limit(500).execute();
  const latest = rows[0]?.version ?? null;
  return rows.map((r) => toVersion(r, latest, false));
}

export async function getVersion(tx: Tx, id: string): Promise<AgreementVersion> {
  const row = await versionQuery(tx).where('a.id', '=', id).executeTakeFirst();
  if (!row) throw notFoundAgreement();
  return toVersion(row, await latestVersionNumber(tx));
}

/** The evidence row behind an uploaded version's file (anyone in the organisation reads it). */
export async function versionFileRow(tx: Tx, id: string) {
  const row = await tx
    .selectFrom('agreements as a')
    .leftJoin('evidence as e', 'e.id', 'a.file_id')
    .select(['e.id', 'e.name', 'e.size', 'e.blob_key', 'e.erased_at'])
    .where('a.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFoundAgreement();
  if (!row.id || row.name === null || row.size === null || row.blob_key === null) {
    throw new AppError('not_found', 'This version was written here, not uploaded: it has no file. Read its text.');
  }
  return { id: row.id, name: row.name, size: row.size, blob_key: row.blob_key, erased_at: row.erased_at };
}
