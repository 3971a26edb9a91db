import type { AppContext, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { addGeneratedEvidence } from '../evidence/generated.js';
import type { EvidenceItem } from '../evidence/service.js';
import { refreshPeople } from '../people/mirror.js';
import { type Person, personForUser } from '../people/register.js';
import { auditWho } from '../tokens/service.js';
import {
  type AgreementActor,
  type AgreementVersion,
  alreadySigned,
  CONTROL_KEY,
  latestVersionNumber,
  notFoundAgreement,
  organisationName,
  type Signature,
  signatureOf,
  signatureQuery,
  toSignature,
  toVersion,
  versionQuery,
} from './service.js';

export interface SignInput {
  agreementId: string;
  /** The SHA-256 of the document the client showed: it must be the stored version's. */
  documentSha256: string;
  typedName: string;
  confirm: true;
}

/**
 * A typed name that does not match is input we understood but cannot accept: 422, like a weak
 * password. The catalogue's 422 codes are about passwords and imports, so this one answers as
 * a field error with that status.
 */
class NameMismatch extends AppError {
  override readonly status = 422;
}

/** Case, accents' composition and runs of spaces do not make two names differ. */
export const normaliseName = (name: string) => name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();

/** The current version was replaced while the person read it, or they were shown other bytes. */
const changed = (detail: string) =>
  new AppError('conflict', `The agreement changed: ${detail} Read it again, then sign.`);

interface Plan {
  agreement: AgreementVersion;
  person: Person;
  typedName: string;
  organisation: string;
}

/** The version by id (404 if unknown), and that it is still the current one. */
async function currentVersionById(tx: Tx, id: string): Promise<AgreementVersion> {
  const row = await versionQuery(tx).where('a.id', '=', id).executeTakeFirst();
  if (!row) throw notFoundAgreement();
  const latest = await latestVersionNumber(tx);
  if (row.version !== latest) {
    throw changed(`version ${latest} replaced version ${row.version}, the one you read.`);
  }
  return toVersion(row, latest);
}

/** Everything a signature needs, checked before the signed PDF is made and stored. */
async function checkSignature(tx: Tx, actor: AgreementActor, input: SignInput, now: Date): Promise<Plan> {
  const agreement = await currentVersionById(tx, input.agreementId);
  if (input.documentSha256.toLowerCase() !== agreement.sha256) {
    throw changed('the text you were shown is not the one stored (its SHA-256 differs).');
  }
  const person = await personForUser(tx, actor.email, now);
  if (!person) {
    throw new AppError(
      'conflict',
      `You (${actor.email}) are not in your organisation's people register, so a signature cannot be recorded for you. Ask an owner or admin to add you to the register, then sign.`,
    );
  }
  const user = await tx.selectFrom('users').select('name').where('id', '=', actor.userId).executeTakeFirst();
  const typed = normaliseName(input.typedName);
  const names = [person.name, user?.name ?? ''].map(normaliseName).filter((n) => n !== '');
  if (!typed || !names.includes(typed)) {
    throw new NameMismatch(
      'validation_failed',
      `Type your full name as the people register has it: "${person.name}". If that name is wrong, ask an owner or admin to correct it.`,
      { errors: [{ path: 'body.typedName', message: `type your full name: ${person.name}` }] },
    );
  }
  const existing = await signatureOf(tx, person.id, agreement.id);
  if (existing) throw alreadySigned('You', existing);
  return {
    agreement,
    person,
    typedName: input.typedName.trim().replace(/\s+/g, ' '),
    organisation: await organisationName(tx, actor.orgId),
  };
}

/**
 * Holds the person's row until commit, so two signatures (or a signature and an uploaded copy)
 * of one version cannot both be recorded, then checks again what may have changed since the
 * first check: the current version and an existing signature.
 */
export async function lockAndRecheck(
  tx: Tx,
  personId: string,
  agreement: { id: string; version: number },
  who: string,
) {
  const locked = await tx.selectFrom('people').select('id').where('id', '=', personId).forUpdate().executeTakeFirst();
  if (!locked) throw notFound('This person');
  const latest = await latestVersionNumber(tx);
  if (latest !== agreement.version) {
    throw changed(`version ${latest} was published while this signature was being recorded.`);
  }
  const existing = await signatureOf(tx, personId, agreement.id);
  if (existing) throw alreadySigned(who, existing);
}

interface SignatureValues {
  id: string;
  agreement: { id: string; version: number };
  personId: string;
  kind: 'signed' | 'uploaded';
  typedName: string | null;
  signedAt: Date;
  ip: string | null;
  userAgent: string | null;
  documentSha256: string;
  evidence: EvidenceItem;
}

/** Writes the signature row, its audit entry, and refreshes the person's onboarding facts. */
export async function insertSignature(
  tx: Tx,
  actor: AgreementActor,
  v: SignatureValues,
  meta: RequestMeta,
  now: Date,
): Promise<Signature> {
  await tx
    .insertInto('agreement_signatures')
    .values({
      id: v.id,
      org_id: actor.orgId,
      agreement_id: v.agreement.id,
      person_id: v.personId,
      kind: v.kind,
      typed_name: v.typedName,
      signed_at: v.signedAt,
      ip: v.ip,
      user_agent: v.userAgent,
      document_sha256: v.documentSha256,
      evidence_id: v.evidence.id,
      recorded_by: actor.userId,
      created_at: now,
    })
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: v.kind === 'signed' ? 'agreement.signed' : 'agreement.signed_copy_recorded',
    targetType: 'agreement_signature',
    targetId: v.id,
    details: {
      agreementId: v.agreement.id,
      version: v.agreement.version,
      personId: v.personId,
      signedAt: v.signedAt.toISOString(),
      documentSha256: v.documentSha256,
      evidenceId: v.evidence.id,
      ledgerIndex: v.evidence.ledgerIndex,
    },
  });
  await refreshPeople(tx, actor.orgId, [v.personId], now);
  return toSignature(await signatureQuery(tx).where('s.id', '=', v.id).executeTakeFirstOrThrow());
}

/**
 * Signs the current agreement for the signed-in person: checks (current version and hash,
 * register, typed name, not signed yet), makes the signed PDF and stores it as evidence (its
 * own transactions: vault, ledger, audit), then records the signature in one transaction that
 * checks again under the person's row lock. Time, address and browser come from the request.
 */
export async function signAgreement(
  ctx: AppContext,
  actor: AgreementActor,
  input: SignInput,
  meta: RequestMeta,
): Promise<Signature> {
  const now = ctx.clock.now();
  const scope = { orgId: actor.orgId, userId: actor.userId };
  const plan = await withScope(ctx.database, scope, (tx) => checkSignature(tx, actor, input, now));
  const id = newId();
  const { agreement, person } = plan;
  const userAgent = meta.userAgent?.slice(0, 512) ?? null;
  const { signedAgreementPdf } = await import('./pdf.js');
  const pdf = await signedAgreementPdf({
    organisation: plan.organisation,
    title: agreement.title,
    version: agreement.version,
    publishedAt: new Date(agreement.publishedAt),
    body: agreement.body,
    file: agreement.file,
    documentSha256: agreement.sha256,
    signatureId: id,
    typedName: plan.typedName,
    email: actor.email,
    signedAt: now,
    ip: meta.ip,
    userAgent,
  });
  const evidence = await addGeneratedEvidence(
    ctx,
    actor.orgId,
    { userId: actor.userId, email: actor.email },
    {
      name: `${agreement.title} v${agreement.version}, signed by ${person.name}.pdf`,
      contentType: 'application/pdf',
      bytes: pdf,
      controlKey: CONTROL_KEY,
      note: `Version ${agreement.version} signed in Attest by ${plan.typedName} (${actor.email}); signature ${id}.`,
      effectiveFrom: now,
    },
    meta,
  );
  return withScope(ctx.database, scope, async (tx) => {
    await lockAndRecheck(tx, person.id, agreement, 'You');
    return insertSignature(
      tx,
      actor,
      {
        id,
        agreement,
        personId: person.id,
        kind: 'signed',
        typedName: plan.typedName,
        signedAt: now,
        ip: meta.ip,
        userAgent,
        documentSha256: agreement.sha256,
        evidence,
      },
      meta,
      now,
    );
  });
}
