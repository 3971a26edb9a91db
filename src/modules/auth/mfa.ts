import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { sql } from 'kysely';
import type { MasterKey } from '../../crypto/master-key.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { matchTotp, newTotpSecret, totpUri } from './totp.js';

const totpContext = (userId: string) => `totp:${userId}`;

/** The WebAuthn library, loaded when a security key is first used: most servers start without needing it. */
const webauthn = () => import('@simplewebauthn/server');

export interface MfaStatus {
  totp: boolean;
  webauthn: number;
}

export async function mfaStatus(tx: Tx, userId: string): Promise<MfaStatus> {
  const row = await tx
    .selectNoFrom([
      sql<boolean>`EXISTS (SELECT 1 FROM user_totp WHERE user_id = ${userId} AND confirmed_at IS NOT NULL)`.as('totp'),
      sql<number>`(SELECT count(*)::int FROM webauthn_credentials WHERE user_id = ${userId})`.as('webauthn'),
    ])
    .executeTakeFirstOrThrow();
  return { totp: row.totp, webauthn: Number(row.webauthn) };
}

export const hasMfa = (s: MfaStatus) => s.totp || s.webauthn > 0;

/**
 * Starts TOTP enrolment with a new secret, sealed with the master key (or returns the one
 * pending). A confirmed authenticator must be removed first.
 */
export async function beginTotp(
  tx: Tx,
  keys: MasterKey,
  userId: string,
  email: string,
  now: Date,
): Promise<{ secret: string; otpauthUri: string }> {
  const row = await tx
    .selectFrom('user_totp')
    .select(['confirmed_at', 'secret_enc'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (row?.confirmed_at) {
    throw new AppError('conflict', 'An authenticator app is already set up. Remove it first to set up another.');
  }
  // An enrolment already started (by `attest init`, or an earlier visit) keeps its secret, so
  // the QR code shown matches the one the user may have scanned already.
  if (row) {
    const secret = keys.open(row.secret_enc, totpContext(userId));
    return { secret, otpauthUri: totpUri(secret, email) };
  }
  const secret = newTotpSecret();
  const sealed = keys.seal(secret, totpContext(userId));
  await tx
    .insertInto('user_totp')
    .values({ user_id: userId, secret_enc: sealed, confirmed_at: null, last_used_step: null, created_at: now })
    .execute();
  return { secret, otpauthUri: totpUri(secret, email) };
}

/** For `attest init`: the enrolment URI, unless the user already has a confirmed app. */
export async function pendingTotpUri(
  tx: Tx,
  keys: MasterKey,
  userId: string,
  email: string,
  now: Date,
): Promise<string | null> {
  const status = await mfaStatus(tx, userId);
  if (status.totp) return null;
  return (await beginTotp(tx, keys, userId, email, now)).otpauthUri;
}

/**
 * Accepts a code once: the matched time step is stored with a conditional update, so the same
 * code (or an older one) submitted again, even at the same moment, finds no row to update.
 */
export async function useTotp(
  tx: Tx,
  keys: MasterKey,
  userId: string,
  code: string,
  now: Date,
  purpose: 'login' | 'confirm',
): Promise<boolean> {
  const row = await tx
    .selectFrom('user_totp')
    .select(['secret_enc', 'confirmed_at'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row || (purpose === 'login') !== Boolean(row.confirmed_at)) return false;
  const step = await matchTotp(keys.open(row.secret_enc, totpContext(userId)), code.replace(/\s/g, ''), now);
  if (step === null) return false;
  const updated = await tx
    .updateTable('user_totp')
    .set({ last_used_step: step, ...(purpose === 'confirm' ? { confirmed_at: now } : {}) })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', String(step) as never)]))
    .returning('user_id')
    .executeTakeFirst();
  return Boolean(updated);
}

export async function removeTotp(tx: Tx, userId: string): Promise<boolean> {
  const r = await tx.deleteFrom('user_totp').where('user_id', '=', userId).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** The relying party is the host people reach Attest at (WebAuthn needs a name, not an IP). */
export interface RelyingParty {
  id: string;
  origin: string;
}

async function storeChallenge(tx: Tx, sessionId: string, challenge: string): Promise<void> {
  await tx.updateTable('sessions').set({ challenge }).where('id', '=', sessionId).execute();
}

/** A challenge answers once: it is read under a row lock and cleared in the same step. */
async function takeChallenge(tx: Tx, sessionId: string): Promise<string> {
  const row = await tx
    .selectFrom('sessions')
    .select('challenge')
    .where('id', '=', sessionId)
    .forUpdate()
    .executeTakeFirst();
  if (!row?.challenge) throw new AppError('bad_request', 'Start again: ask for new security key options first.');
  await tx.updateTable('sessions').set({ challenge: null }).where('id', '=', sessionId).execute();
  return row.challenge;
}

async function credentialsOf(tx: Tx, userId: string) {
  return tx
    .selectFrom('webauthn_credentials')
    .select(['id', 'name', 'public_key', 'counter', 'transports', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
}

export async function webauthnRegistrationOptions(
  tx: Tx,
  rp: RelyingParty,
  sessionId: string,
  user: { id: string; email: string; name: string },
) {
  const existing = await credentialsOf(tx, user.id);
  const options = await (await webauthn()).generateRegistrationOptions({
    rpName: 'Attest',
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    userID: new TextEncoder().encode(user.id),
    attestationType: 'none',
    excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })),
    authenticatorSelection: { residentKey: 'discouraged', userVerification: 'preferred' },
  });
  await storeChallenge(tx, sessionId, options.challenge);
  return options;
}

export async function registerWebauthn(
  tx: Tx,
  rp: RelyingParty,
  sessionId: string,
  userId: string,
  name: string,
  response: RegistrationResponseJSON,
  now: Date,
): Promise<{ id: string; name: string; createdAt: string }> {
  const challenge = await takeChallenge(tx, sessionId);
  const result = await (await webauthn())
    .verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: false,
    })
    .catch((error: Error) => {
      throw new AppError('bad_request', `The security key's answer could not be verified: ${error.message}`);
    });
  if (!result.verified) throw new AppError('bad_request', 'The security key could not be verified. Try again.');
  const { credential } = result.registrationInfo;
  await tx
    .insertInto('webauthn_credentials')
    .values({
      id: credential.id,
      user_id: userId,
      name,
      public_key: credential.publicKey,
      counter: credential.counter,
      transports: credential.transports ?? [],
      created_at: now,
    })
    .execute();
  return { id: credential.id, name, createdAt: now.toISOString() };
}

export async function webauthnAuthenticationOptions(tx: Tx, rp: RelyingParty, sessionId: string, userId: string) {
  const creds = await credentialsOf(tx, userId);
  if (creds.length === 0) throw new AppError('bad_request', 'No security key is registered for this account.');
  const options = await (await webauthn()).generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials: creds.map((c) => ({ id: c.id, transports: c.transports as never })),
    userVerification: 'preferred',
  });
  await storeChallenge(tx, sessionId, options.challenge);
  return options;
}

export async function useWebauthn(
  tx: Tx,
  rp: RelyingParty,
  sessionId: string,
  userId: string,
  response: AuthenticationResponseJSON,
  now: Date,
): Promise<boolean> {
  const challenge = await takeChallenge(tx, sessionId);
  const cred = (await credentialsOf(tx, userId)).find((c) => c.id === response.id);
  if (!cred) return false;
  const result = await (await webauthn())
    .verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: cred.id,
        publicKey: new Uint8Array(cred.public_key),
        counter: Number(cred.counter),
        transports: cred.transports,
      },
      requireUserVerification: false,
    })
    .catch(() => ({ verified: false as const, authenticationInfo: undefined }));
  if (!result.verified || !result.authenticationInfo) return false;
  await tx
    .updateTable('webauthn_credentials')
    .set({ counter: result.authenticationInfo.newCounter, last_used_at: now })
    .where('id', '=', cred.id)
    .execute();
  return true;
}

export async function listWebauthn(tx: Tx, userId: string) {
  return (await credentialsOf(tx, userId)).map((c) => ({
    id: c.id,
    name: c.name,
    createdAt: c.created_at.toISOString(),
    lastUsedAt: c.last_used_at?.toISOString() ?? null,
  }));
}

export async function removeWebauthn(tx: Tx, userId: string, id: string): Promise<boolean> {
  const r = await tx
    .deleteFrom('webauthn_credentials')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}
