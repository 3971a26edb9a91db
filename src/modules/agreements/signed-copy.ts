import type { AppContext, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { addEvidence, type IncomingFile } from '../evidence/upload.js';
import { getPerson, type Person, today } from '../people/register.js';
import {
  type AgreementActor,
  type AgreementVersion,
  alreadySigned,
  CONTROL_KEY,
  currentAgreement,
  noAgreementYet,
  type Signature,
  signatureOf,
} from './service.js';
import { insertSignature, lockAndRecheck } from './sign.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface SignedCopyFields {
  personId?: string;
  /** YYYY-MM-DD: the date on the paper, not in the future. */
  signedOn?: string;
}

const invalid = (path: string, message: string, detail: string) =>
  new AppError('validation_failed', detail, { errors: [{ path: `body.${path}`, message }] });

/** Checks the form fields that need no database. */
export function checkCopyFields(fields: SignedCopyFields, now: Date): { personId: string; signedOn: string } {
  const personId = fields.personId?.trim() ?? '';
  if (!UUID.test(personId)) throw invalid('personId', 'a person id is required', 'Choose the person who signed.');
  const signedOn = fields.signedOn?.trim() ?? '';
  const day = new Date(`${signedOn}T00:00:00Z`);
  if (!DAY.test(signedOn) || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== signedOn) {
    throw invalid('signedOn', 'not a date', 'signedOn must be the date of the signature, written YYYY-MM-DD.');
  }
  if (signedOn > today(now)) {
    throw invalid(
      'signedOn',
      'in the future',
      `The signature date ${signedOn} is in the future: use the date on the signed copy.`,
    );
  }
  return { personId, signedOn };
}

/** The person exists (404 otherwise), a version is published and they have not signed it. */
async function precheck(tx: Tx, personId: string, now: Date) {
  const person = await getPerson(tx, personId, now);
  const agreement = await currentAgreement(tx);
  if (!agreement) throw noAgreementYet();
  const existing = await signatureOf(tx, person.id, agreement.id);
  if (existing) throw alreadySigned(person.name, existing);
  return { person, agreement };
}

/**
 * Records a copy of the current agreement that a person already signed elsewhere (on paper,
 * in another tool): the file becomes evidence of PEO-02, the signature counts from the date on
 * the copy (00:00 UTC) and binds to the file's SHA-256. Owners and admins only. Everything is
 * checked before the file is read; the row is written under the person's lock after it is stored.
 */
export async function recordSignedCopy(
  ctx: AppContext,
  actor: AgreementActor,
  fields: SignedCopyFields,
  file: IncomingFile,
  meta: RequestMeta,
): Promise<Signature> {
  const now = ctx.clock.now();
  const scope = { orgId: actor.orgId, userId: actor.userId };
  let checked: { personId: string; signedOn: string };
  let plan: { person: Person; agreement: AgreementVersion };
  try {
    checked = checkCopyFields(fields, now);
    plan = await withScope(ctx.database, scope, (tx) => precheck(tx, checked.personId, now));
  } catch (error) {
    file.stream.resume();
    throw error;
  }
  const { person, agreement } = plan;
  const evidence = await addEvidence(
    ctx,
    actor,
    {
      controlId: CONTROL_KEY,
      effectiveFrom: `${checked.signedOn}T00:00:00Z`,
      note: `${agreement.title} version ${agreement.version}, signed by ${person.name} (${person.email}) on ${checked.signedOn}; copy recorded by ${actor.email}.`,
    },
    file,
    meta,
  );
  return withScope(ctx.database, scope, async (tx) => {
    await lockAndRecheck(tx, person.id, agreement, person.name);
    return insertSignature(
      tx,
      actor,
      {
        id: newId(),
        agreement,
        personId: person.id,
        kind: 'uploaded',
        typedName: null,
        signedAt: new Date(`${checked.signedOn}T00:00:00Z`),
        ip: null,
        userAgent: null,
        documentSha256: evidence.sha256,
        evidence,
      },
      meta,
      now,
    );
  });
}
