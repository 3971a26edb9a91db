import { generate } from 'otplib';
import { CLI_META } from '../../src/context.js';
import { newId } from '../../src/crypto/random.js';
import { ROLES, type Role } from '../../src/db/schema.js';
import { setScope, withScope } from '../../src/db/tenancy.js';
import { hashPassword } from '../../src/modules/auth/password.js';
import { newTotpSecret } from '../../src/modules/auth/totp.js';
import { createOrganisationIn } from '../../src/modules/orgs/service.js';
import { Client, type TestApp } from './app.js';

export const PASSWORD = 'plausible-horse-lantern-42';

let passwordHash: Promise<string> | undefined;

export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: Role;
  /** Base32 TOTP secret, confirmed; null for a user without MFA. */
  totp: string | null;
}

export interface TestOrg {
  id: string;
  slug: string;
  name: string;
  users: Record<Role, TestUser>;
}

/** An organisation with one confirmed-MFA user in every role. */
export async function makeOrg(t: TestApp, label: string, opts: { mfa?: boolean } = {}): Promise<TestOrg> {
  passwordHash ??= hashPassword(PASSWORD);
  const hash = await passwordHash;
  const now = t.clock.now();
  const users = {} as Record<Role, TestUser>;
  const suffix = newId().slice(0, 8);
  return withScope(t.rt.database, {}, async (tx) => {
    for (const role of ROLES) {
      const id = newId();
      const email = `${role}.${label}.${suffix}@example.test`.toLowerCase();
      await tx
        .insertInto('users')
        .values({ id, email, name: `${role} ${label}`, password_hash: hash, created_at: now })
        .execute();
      let totp: string | null = null;
      if (opts.mfa !== false) {
        totp = newTotpSecret();
        await tx
          .insertInto('user_totp')
          .values({
            user_id: id,
            secret_enc: t.rt.keys.seal(totp, `totp:${id}`),
            confirmed_at: now,
            last_used_step: null,
          })
          .execute();
      }
      users[role] = { id, email, password: PASSWORD, role, totp };
    }
    const org = await createOrganisationIn(
      tx,
      { name: `Org ${label}`, slug: `org-${label}-${suffix}`.toLowerCase() },
      { userId: users.owner.id, label: users.owner.email },
      CLI_META,
      now,
    );
    await setScope(tx, { orgId: org.id });
    for (const role of ROLES.filter((r) => r !== 'owner')) {
      await tx
        .insertInto('memberships')
        .values({ org_id: org.id, user_id: users[role].id, role, created_at: now, updated_at: now, expires_at: null })
        .execute();
    }
    return { ...org, users };
  });
}

/** The current TOTP code for a secret, at the test clock's time (or `offsetSteps` away). */
export function totpCode(t: TestApp, secret: string, offsetSteps = 0): Promise<string> {
  return generate({ strategy: 'totp', secret, epoch: Math.floor(t.clock.now().getTime() / 1000) + offsetSteps * 30 });
}

/** Signs in through the API (password, then TOTP) and returns a client holding the session. */
export async function signIn(t: TestApp, user: TestUser, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client(t.app, headers);
  const login = await client.post('/api/v1/auth/login', { email: user.email, password: user.password });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
  const { stage } = login.json() as { stage: string };
  if (stage === 'mfa') {
    if (!user.totp) throw new Error('user has MFA but no secret');
    const res = await client.post('/api/v1/auth/mfa/totp', { code: await totpCode(t, user.totp) });
    if (res.statusCode !== 200) throw new Error(`mfa failed: ${res.statusCode} ${res.body}`);
    // The code's time step is now used: move on so the next sign-in gets a fresh code.
    t.clock.advance(30_000);
  }
  return client;
}
