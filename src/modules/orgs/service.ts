import { sql } from 'kysely';
import type { AppContext, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Role } from '../../db/schema.js';
import { setScope, type Tx, withScope } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { pendingTotpUri } from '../auth/mfa.js';
import { assertAcceptablePassword, hashPassword, verifyPassword } from '../auth/password.js';
import { startProgram } from '../frameworks/service.js';

export interface OrgSummary {
  id: string;
  slug: string;
  name: string;
}

export interface MembershipSummary extends OrgSummary {
  role: Role;
}

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return slug.length >= 2 ? slug : `org-${slug || 'new'}`;
}

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

export interface Identity {
  user: { id: string; email: string; name: string; disabled: boolean };
  memberships: MembershipSummary[];
  mfa: { totp: boolean; webauthn: number };
}

/**
 * A user and the organisations they belong to now, in one statement (it runs on every
 * request). The caller has set the user in scope.
 */
export async function identityOf(tx: Tx, userId: string, now: Date): Promise<Identity | null> {
  const rows = await tx
    .selectFrom('users as u')
    .leftJoin('memberships as m', (j) =>
      j
        .onRef('m.user_id', '=', 'u.id')
        .on((eb) => eb.or([eb('m.expires_at', 'is', null), eb('m.expires_at', '>', now)])),
    )
    .leftJoin('organizations as o', 'o.id', 'm.org_id')
    .select(['u.id', 'u.email', 'u.name', 'u.disabled_at', 'o.id as org_id', 'o.slug', 'o.name as org_name', 'm.role'])
    .select([
      sql<boolean>`EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL)`.as('totp'),
      sql<number>`(SELECT count(*)::int FROM webauthn_credentials w WHERE w.user_id = u.id)`.as('webauthn'),
    ])
    .where('u.id', '=', userId)
    .orderBy('o.name')
    .execute();
  const first = rows[0];
  if (!first) return null;
  return {
    user: { id: first.id, email: first.email, name: first.name, disabled: first.disabled_at !== null },
    mfa: { totp: first.totp, webauthn: Number(first.webauthn) },
    memberships: rows.flatMap((r) =>
      r.org_id && r.slug && r.org_name && r.role
        ? [{ id: r.org_id, slug: r.slug, name: r.org_name, role: r.role }]
        : [],
    ),
  };
}

/** The organisations a user belongs to now (expired auditor access excluded). */
export async function membershipsOf(tx: Tx, userId: string, now: Date): Promise<MembershipSummary[]> {
  await setScope(tx, { userId });
  return (await identityOf(tx, userId, now))?.memberships ?? [];
}

/**
 * Slugs are global (they appear in URLs), but the app role only sees its own organisations:
 * a probe insert under a savepoint asks the unique index whether a slug is in use anywhere.
 */
async function slugTaken(tx: Tx, slug: string): Promise<boolean> {
  const probe = newId();
  await sql`SAVEPOINT slug_probe`.execute(tx);
  try {
    await setScope(tx, { orgId: probe });
    await tx.insertInto('organizations').values({ id: probe, slug, name: 'probe' }).execute();
    return false;
  } catch {
    return true;
  } finally {
    await sql`ROLLBACK TO SAVEPOINT slug_probe`.execute(tx);
  }
}

async function uniqueSlug(tx: Tx, wanted: string, explicit: boolean): Promise<string> {
  for (let n = 1; n < 100; n++) {
    const slug = n === 1 ? wanted : `${wanted.slice(0, 58)}-${n}`;
    if (!(await slugTaken(tx, slug))) return slug;
    if (explicit) throw new AppError('conflict', `The address "${slug}" is taken. Choose another slug.`);
  }
  throw new AppError('conflict', 'Could not find a free slug: choose one.');
}

export interface CreateOrganisationInput {
  name: string;
  slug?: string;
}

/** Creates an organisation with `ownerId` as its owner, in the caller's transaction. */
export async function createOrganisationIn(
  tx: Tx,
  input: CreateOrganisationInput,
  owner: { userId: string; label: string },
  meta: RequestMeta,
  now: Date,
): Promise<OrgSummary> {
  const name = input.name.trim();
  if (!name) throw new AppError('validation_failed', 'Give the organisation a name.');
  if (input.slug && !SLUG_PATTERN.test(input.slug)) {
    throw new AppError(
      'validation_failed',
      'A slug has 2 to 63 lowercase letters, digits or hyphens, and starts with a letter or digit.',
    );
  }
  const slug = await uniqueSlug(tx, input.slug ?? slugify(name), Boolean(input.slug));
  const id = newId();
  await setScope(tx, { orgId: id, userId: owner.userId });
  await tx.insertInto('organizations').values({ id, slug, name, created_at: now }).execute();
  await tx
    .insertInto('memberships')
    .values({ org_id: id, user_id: owner.userId, role: 'owner', created_at: now, updated_at: now, expires_at: null })
    .execute();
  await startProgram(tx, id, now);
  await recordAudit(tx, id, { userId: owner.userId, label: owner.label }, meta, now, {
    action: 'organisation.created',
    targetType: 'organisation',
    targetId: id,
    details: { name, slug },
  });
  return { id, slug, name };
}

export interface InitInput {
  org: string;
  slug?: string;
  email: string;
  name?: string;
  password: string;
}

export interface InitResult {
  organisation: OrgSummary;
  userId: string;
  createdUser: boolean;
  /** otpauth:// URI to enrol the authenticator app, unless MFA is already set up. */
  otpauthUri: string | null;
}

/**
 * `attest init`: an organisation and its owner. An existing account (same email) becomes
 * the owner only when the password matches it.
 */
export async function initOrganisation(ctx: AppContext, input: InitInput, meta: RequestMeta): Promise<InitResult> {
  const email = input.email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(email))
    throw new AppError('validation_failed', `"${input.email}" is not an email address.`);
  const existing = await withScope(ctx.database, {}, (tx) =>
    tx.selectFrom('users').select(['id', 'password_hash']).where('email', '=', email).executeTakeFirst(),
  );
  let passwordHash: string | null = null;
  if (existing) {
    if (!(await verifyPassword(existing.password_hash, input.password))) {
      throw new AppError('invalid_credentials', `An account for ${email} exists and the password does not match it.`);
    }
  } else {
    assertAcceptablePassword(input.password, [email.split('@')[0] ?? '', input.org, input.name ?? '']);
    passwordHash = await hashPassword(input.password);
  }
  const now = ctx.clock.now();
  return withScope(ctx.database, {}, async (tx) => {
    const userId = existing?.id ?? newId();
    if (passwordHash) {
      await tx
        .insertInto('users')
        .values({
          id: userId,
          email,
          name: input.name?.trim() || email.split('@')[0] || email,
          password_hash: passwordHash,
          created_at: now,
        })
        .execute();
    }
    const organisation = await createOrganisationIn(
      tx,
      { name: input.org, slug: input.slug },
      { userId, label: 'attest-cli' },
      meta,
      now,
    );
    const otpauthUri = await pendingTotpUri(tx, ctx.keys, userId, email, now);
    return { organisation, userId, createdUser: !existing, otpauthUri };
  });
}
