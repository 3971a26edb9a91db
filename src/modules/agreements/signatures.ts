import { sql } from 'kysely';
import { containsPattern } from '../../db/like.js';
import type { Tx } from '../../db/tenancy.js';
import { notFound } from '../../errors.js';
import { type EmploymentType, type PersonStatus, personForUser, statusOf, today } from '../people/register.js';
import {
  type AgreementActor,
  type AgreementVersion,
  currentAgreement,
  READERS,
  SIGNERS,
  type Signature,
  signatureFileUrl,
  signatureQuery,
  toSignature,
} from './service.js';

/** One register person and where they stand with the agreement. */
export interface SignatureStatus {
  person: {
    id: string;
    name: string;
    email: string;
    employmentType: EmploymentType;
    startDate: string | null;
    endDate: string | null;
    status: PersonStatus;
  };
  /** True when they signed the current version. */
  signedCurrent: boolean;
  /** Their signature of the newest version they signed, if any. */
  signature: {
    id: string;
    kind: 'signed' | 'uploaded';
    agreementId: string;
    version: number;
    typedName: string | null;
    signedAt: string;
    evidenceId: string | null;
    fileUrl: string | null;
  } | null;
}

export interface SignaturePage {
  items: SignatureStatus[];
  /** People listed under this filter. */
  total: number;
  /** Active and upcoming people, and how many of them signed the current version. */
  people: number;
  signed: number;
  current: { id: string; version: number } | null;
}

interface Row {
  id: string;
  name: string;
  email: string;
  employment_type: EmploymentType;
  start_date: string | null;
  end_date: string | null;
  signature_id: string | null;
  kind: 'signed' | 'uploaded' | null;
  agreement_id: string | null;
  version: number | null;
  typed_name: string | null;
  signed_at: Date | null;
  evidence_id: string | null;
  signed_current: boolean;
}

/**
 * Every active or upcoming person in the register with their newest signature (managers and
 * auditors), by name; `unsigned` keeps those who have not signed the current version.
 */
export async function listSignatures(
  tx: Tx,
  now: Date,
  filter: { unsigned?: boolean; q?: string; limit?: number; offset?: number } = {},
): Promise<SignaturePage> {
  const current = await currentAgreement(tx);
  const currentId = current?.id ?? null;
  const signedCurrent = sql<boolean>`coalesce(s.agreement_id = ${currentId}::uuid, false)`;
  const present = sql`(p.end_date IS NULL OR p.end_date >= ${today(now)}::date)`;
  const where = [present];
  if (filter.unsigned) where.push(sql`NOT ${signedCurrent}`);
  if (filter.q) {
    const like = containsPattern(filter.q);
    where.push(sql`(lower(p.name) LIKE ${like} OR p.email LIKE ${like})`);
  }
  const from = sql`
    FROM people p
    LEFT JOIN LATERAL (
      SELECT s.id, s.kind, s.agreement_id, a.version, s.typed_name, s.signed_at, s.evidence_id
        FROM agreement_signatures s JOIN agreements a ON a.id = s.agreement_id
       WHERE s.person_id = p.id
       ORDER BY a.version DESC, s.signed_at
       LIMIT 1) s ON true`;
  const { rows } = await sql<Row>`
    SELECT p.id, p.name, p.email, p.employment_type, p.start_date, p.end_date,
           s.id AS signature_id, s.kind, s.agreement_id, s.version, s.typed_name, s.signed_at, s.evidence_id,
           ${signedCurrent} AS signed_current
    ${from}
     WHERE ${sql.join(where, sql` AND `)}
     ORDER BY lower(p.name), p.id
     LIMIT ${Math.min(filter.limit ?? 50, 200)} OFFSET ${filter.offset ?? 0}`.execute(tx);
  const counts = await sql<{ total: string | number; people: string | number; signed: string | number }>`
    SELECT count(*) FILTER (WHERE ${sql.join(where, sql` AND `)}) AS total,
           count(*) FILTER (WHERE ${present}) AS people,
           count(*) FILTER (WHERE ${present} AND ${signedCurrent}) AS signed
    ${from}`.execute(tx);
  const c = counts.rows[0];
  return {
    items: rows.map((r) => ({
      person: {
        id: r.id,
        name: r.name,
        email: r.email,
        employmentType: r.employment_type,
        startDate: r.start_date,
        endDate: r.end_date,
        status: statusOf(r, now),
      },
      signedCurrent: r.signed_current,
      signature:
        r.signature_id && r.kind && r.agreement_id && r.signed_at
          ? {
              id: r.signature_id,
              kind: r.kind,
              agreementId: r.agreement_id,
              version: Number(r.version),
              typedName: r.typed_name,
              signedAt: new Date(r.signed_at).toISOString(),
              evidenceId: r.evidence_id,
              fileUrl: r.evidence_id ? signatureFileUrl(r.signature_id) : null,
            }
          : null,
    })),
    total: Number(c?.total ?? 0),
    people: Number(c?.people ?? 0),
    signed: Number(c?.signed ?? 0),
    current: current ? { id: current.id, version: current.version } : null,
  };
}

/** What the signed-in person sees: the current agreement, their place in the register, their signatures. */
export interface MyAgreement {
  agreement: AgreementVersion | null;
  person: { id: string; name: string; startDate: string | null; status: PersonStatus } | null;
  /** Their signature of the current version, once signed. */
  signature: Signature | null;
  /** Every signature of theirs, newest version first. */
  history: Signature[];
  /** True when they may sign now (a version is published, they are in the register, they have not signed it). */
  canSign: boolean;
}

export async function myAgreement(tx: Tx, actor: AgreementActor, now: Date): Promise<MyAgreement> {
  const agreement = await currentAgreement(tx);
  const person = await personForUser(tx, actor.email, now);
  const history = person
    ? (await signatureQuery(tx).where('s.person_id', '=', person.id).orderBy('a.version', 'desc').execute()).map(
        toSignature,
      )
    : [];
  const signature = (agreement && history.find((s) => s.agreementId === agreement.id)) || null;
  const signer = actor.role !== null && (SIGNERS as readonly string[]).includes(actor.role);
  return {
    agreement,
    person: person ? { id: person.id, name: person.name, startDate: person.startDate, status: person.status } : null,
    signature,
    history,
    canSign: signer && agreement !== null && person !== null && signature === null,
  };
}

/**
 * The evidence behind a signature's file: for owners, admins and auditors, and for the person
 * who signed (matched by email); anyone else is told it does not exist.
 */
export async function signatureFileRow(tx: Tx, actor: AgreementActor, id: string, now: Date) {
  const row = await tx
    .selectFrom('agreement_signatures as s')
    .innerJoin('evidence as e', 'e.id', 's.evidence_id')
    .select(['s.person_id', 'e.id', 'e.name', 'e.size', 'e.blob_key', 'e.erased_at'])
    .where('s.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('This signature');
  const reader = actor.role !== null && (READERS as readonly string[]).includes(actor.role);
  if (!reader) {
    const me = await personForUser(tx, actor.email, now);
    if (me?.id !== row.person_id) throw notFound('This signature');
  }
  return row;
}
