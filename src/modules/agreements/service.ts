/**
 * The confidentiality agreement: immutable versions (the latest is current), written here or
 * uploaded as a file, and people's signatures of them. This file holds what the operations
 * share: who may do what, how rows become answers, and the lookups every operation needs.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Actor } from '../../context.js';
import type { Role } from '../../db/schema.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { AppError, notFound } from '../../errors.js';

export type AgreementActor = Actor & { orgId: string };

/** Owners and admins publish versions and record signed copies. */
export const MANAGERS = ['owner', 'admin'] as const satisfies readonly Role[];
/** Who sees everyone's signatures: managers and auditors (who read everything, write nothing). */
export const READERS = ['owner', 'admin', 'auditor'] as const satisfies readonly Role[];
/** Who signs: everyone but auditors, who never write. */
export const SIGNERS = ['owner', 'admin', 'member', 'reviewer'] as const satisfies readonly Role[];

/** Signed agreements and the agreement files prove this control. */
export const CONTROL_KEY = 'PEO-02';
export const DEFAULT_TITLE = 'Confidentiality agreement';

export const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

export interface UserRef {
  id: string;
  email: string;
  name: string;
}

export interface AgreementFile {
  evidenceId: string;
  name: string;
  contentType: string;
  size: number;
  /** Where anyone in the organisation downloads it. */
  url: string;
}

export interface AgreementVersion {
  id: string;
  version: number;
  title: string;
  /** The Markdown text of a written agreement; null for an uploaded one. */
  body: string | null;
  file: AgreementFile | null;
  /** SHA-256 of the text (UTF-8) or of the file: what a signature binds to. */
  sha256: string;
  publishedAt: string;
  publishedBy: UserRef | null;
  /** True for the latest version, the one people sign. */
  current: boolean;
}

export interface Signature {
  id: string;
  agreementId: string;
  version: number;
  /** signed: here, with a typed name; uploaded: an already-signed copy an admin recorded. */
  kind: 'signed' | 'uploaded';
  typedName: string | null;
  signedAt: string;
  ip: string | null;
  userAgent: string | null;
  documentSha256: string;
  evidenceId: string | null;
  recordedBy: UserRef | null;
  createdAt: string;
  /** The signed PDF or the uploaded copy: for the signer, owners, admins and auditors. */
  fileUrl: string | null;
}

export const versionFileUrl = (id: string) => `/api/v1/agreement/versions/${id}/file`;
export const signatureFileUrl = (id: string) => `/api/v1/agreement/signatures/${id}/file`;

/** The versions with their publisher and file, as one query others narrow down. */
export function versionQuery(tx: Tx) {
  return tx
    .selectFrom('agreements as a')
    .leftJoin('users as u', 'u.id', 'a.published_by')
    .leftJoin('evidence as e', 'e.id', 'a.file_id')
    .select([
      'a.id',
      'a.version',
      'a.title',
      'a.body',
      'a.file_id',
      'a.sha256',
      'a.published_at',
      'a.published_by',
      'u.email as publisher_email',
      'u.name as publisher_name',
      'e.name as file_name',
      'e.content_type as file_type',
      'e.size as file_size',
    ]);
}

type VersionRow = Awaited<ReturnType<ReturnType<typeof versionQuery>['execute']>>[number];

export function toVersion(row: VersionRow, currentVersion: number | null, withBody = true): AgreementVersion {
  return {
    id: row.id,
    version: row.version,
    title: row.title,
    body: withBody ? row.body : null,
    file: row.file_id
      ? {
          evidenceId: row.file_id,
          name: row.file_name ?? '',
          contentType: row.file_type ?? 'application/octet-stream',
          size: Number(row.file_size ?? 0),
          url: versionFileUrl(row.id),
        }
      : null,
    sha256: row.sha256,
    publishedAt: iso(row.published_at),
    publishedBy: row.published_by
      ? { id: row.published_by, email: row.publisher_email ?? '', name: row.publisher_name ?? '' }
      : null,
    current: row.version === currentVersion,
  };
}

/** The current (latest) version, or null before the first is published. */
export async function currentAgreement(tx: Tx): Promise<AgreementVersion | null> {
  const row = await versionQuery(tx).orderBy('a.version', 'desc').limit(1).executeTakeFirst();
  return row ? toVersion(row, row.version) : null;
}

export async function latestVersionNumber(tx: Tx): Promise<number | null> {
  const row = await tx
    .selectFrom('agreements')
    .select((eb) => eb.fn.max('version').as('v'))
    .executeTakeFirst();
  return row?.v == null ? null : Number(row.v);
}

export const notFoundAgreement = () => notFound('This agreement version');

export const noAgreementYet = () =>
  new AppError(
    'conflict',
    'Your organisation has not published a confidentiality agreement yet. An owner or admin publishes it on the Agreement page.',
  );

/** Signatures with their version and recorder. */
export function signatureQuery(tx: Tx) {
  return tx
    .selectFrom('agreement_signatures as s')
    .innerJoin('agreements as a', 'a.id', 's.agreement_id')
    .leftJoin('users as r', 'r.id', 's.recorded_by')
    .select([
      's.id',
      's.agreement_id',
      'a.version',
      's.person_id',
      's.kind',
      's.typed_name',
      's.signed_at',
      's.ip',
      's.user_agent',
      's.document_sha256',
      's.evidence_id',
      's.recorded_by',
      'r.email as recorder_email',
      'r.name as recorder_name',
      's.created_at',
    ]);
}

export type SignatureRow = Awaited<ReturnType<ReturnType<typeof signatureQuery>['execute']>>[number];

export function toSignature(row: SignatureRow): Signature {
  return {
    id: row.id,
    agreementId: row.agreement_id,
    version: row.version,
    kind: row.kind,
    typedName: row.typed_name,
    signedAt: iso(row.signed_at),
    ip: row.ip,
    userAgent: row.user_agent,
    documentSha256: row.document_sha256,
    evidenceId: row.evidence_id,
    recordedBy: row.recorded_by
      ? { id: row.recorded_by, email: row.recorder_email ?? '', name: row.recorder_name ?? '' }
      : null,
    createdAt: iso(row.created_at),
    fileUrl: row.evidence_id ? signatureFileUrl(row.id) : null,
  };
}

/** A person's signature of one version, if any (the first one stands). */
export async function signatureOf(tx: Tx, personId: string, agreementId: string): Promise<Signature | null> {
  const row = await signatureQuery(tx)
    .where('s.person_id', '=', personId)
    .where('s.agreement_id', '=', agreementId)
    .orderBy('s.signed_at')
    .limit(1)
    .executeTakeFirst();
  return row ? toSignature(row) : null;
}

export const alreadySigned = (who: string, s: Signature) =>
  new AppError(
    'conflict',
    `${who} already signed version ${s.version} of the agreement on ${s.signedAt.slice(0, 10)}; a version is signed once.`,
  );

export async function organisationName(tx: Tx, orgId: string): Promise<string> {
  const row = await tx.selectFrom('organizations').select('name').where('id', '=', orgId).executeTakeFirstOrThrow();
  return row.name;
}

let template: string | undefined;

/** The default agreement (src/content/agreements), in our own words, for the organisation. */
export function agreementTemplate(organisation: string): { title: string; body: string } {
  template ??= readFileSync(
    new URL('../../../src/content/agreements/confidentiality.md', import.meta.url),
    'utf8',
  ).trim();
  return { title: DEFAULT_TITLE, body: template.replace(/\{\{\s*organisation\s*\}\}/g, organisation) };
}

/** Kysely's unique violation, from pg and PGlite alike. */
export const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';
