import { sql, type Transaction } from 'kysely';
import type { Database } from './connect.js';
import type { Schema } from './schema.js';

export const APP_ROLE = 'attest_app';

export type Tx = Transaction<Schema>;

export interface Scope {
  /** The organisation whose rows the transaction may see and write. */
  orgId?: string | null;
  /** The user acting: lets them list their own memberships across organisations. */
  userId?: string | null;
}

/**
 * Runs `fn` in one transaction as the app role, with the organisation and user set for
 * that transaction only (so nothing carries over on a pooled connection). Every request,
 * job and CLI command reaches tenant data through here.
 */
export function withScope<T>(database: Database, scope: Scope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return database.db.transaction().execute(async (tx) => {
    // One statement: SET LOCAL ROLE and the scope, all transaction-local.
    await sql`SELECT set_config('role', ${APP_ROLE}, true),
                     set_config('app.org_id', ${scope.orgId ?? ''}, true),
                     set_config('app.user_id', ${scope.userId ?? ''}, true)`.execute(tx);
    return fn(tx);
  });
}

/**
 * Changes the organisation and/or user within the current transaction; a key left out keeps
 * its value (pass null to clear it).
 */
export async function setScope(tx: Tx, scope: Scope): Promise<void> {
  const org = 'orgId' in scope ? sql`set_config('app.org_id', ${scope.orgId ?? ''}, true)` : sql`NULL`;
  const user = 'userId' in scope ? sql`set_config('app.user_id', ${scope.userId ?? ''}, true)` : sql`NULL`;
  await sql`SELECT ${org}, ${user}`.execute(tx);
}

/** The organisation set for the current transaction, or null. */
export async function currentOrg(tx: Tx): Promise<string | null> {
  const { rows } = await sql<{ org: string | null }>`SELECT app_current_org() AS org`.execute(tx);
  return rows[0]?.org ?? null;
}

export class AppRoleMisconfigured extends Error {}

/**
 * Refuses to run when the app role could see across tenants: it must exist, must not be a
 * superuser, must not bypass row-level security and must own no table.
 */
export async function checkAppRole(database: Database): Promise<void> {
  const { rows } = await database.query(
    `SELECT r.rolsuper, r.rolbypassrls,
            (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owned
       FROM pg_roles r WHERE r.rolname = $1`,
    [APP_ROLE],
  );
  const role = rows[0] as { rolsuper: boolean; rolbypassrls: boolean; owned: number } | undefined;
  if (!role) throw new AppRoleMisconfigured(`The database role ${APP_ROLE} does not exist: run \`attest migrate\`.`);
  const problems = [
    role.rolsuper && 'is a superuser',
    role.rolbypassrls && 'has BYPASSRLS',
    role.owned > 0 && `owns ${role.owned} relation(s)`,
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new AppRoleMisconfigured(
      `The database role ${APP_ROLE} ${problems.join(', ')}, so row-level security would not separate organisations. ` +
        `Fix it (ALTER ROLE ${APP_ROLE} NOSUPERUSER NOBYPASSRLS; reassign what it owns) and start again.`,
    );
  }
  // The role must actually be usable by this connection.
  await database.db.transaction().execute(async (tx) => {
    await sql`SET LOCAL ROLE attest_app`.execute(tx);
    const r = await sql<{ u: string }>`SELECT current_user AS u`.execute(tx);
    if (r.rows[0]?.u !== APP_ROLE) throw new AppRoleMisconfigured(`Could not switch to the role ${APP_ROLE}.`);
  });
}
