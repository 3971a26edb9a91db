/**
 * `attest scim token`: the operator's way to connect an identity provider without the web app.
 * Lists the organisation's SCIM tokens, or (--create) creates one for an owner or admin, since a
 * token acts as its member and SCIM needs one of those roles.
 */
import type { Actor } from '../../context.js';
import { CLI_META } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import type { Runtime } from '../../runtime.js';
import type { OrgSummary } from '../orgs/service.js';
import { createToken } from '../tokens/service.js';

export interface ScimTokenArgs {
  org?: string;
  create?: boolean;
  /** The owner or admin the token acts as (email); default: the organisation's first owner. */
  as?: string;
  days?: number;
  name?: string;
  /** The server's address, for the base URL printed. */
  url: string;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export async function scimTokenCommand(rt: Runtime, org: OrgSummary, args: ScimTokenArgs): Promise<string[]> {
  const now = rt.clock.now();
  const base = `${args.url.replace(/\/+$/, '')}/scim/v2`;
  return withScope(rt.database, { orgId: org.id }, async (tx) => {
    if (!args.create) {
      const tokens = await tx
        .selectFrom('api_tokens as t')
        .innerJoin('users as u', 'u.id', 't.user_id')
        .select(['t.name', 't.created_at', 't.expires_at', 't.last_used_at', 'u.email'])
        .where('t.revoked_at', 'is', null)
        .where('t.expires_at', '>', now)
        .where((eb) => eb(eb.val('scim'), '=', eb.fn.any('t.scopes')))
        .orderBy('t.created_at')
        .execute();
      if (tokens.length === 0) {
        return [`${org.name} (${org.slug}) has no SCIM token. Create one with \`attest scim token --create\`.`];
      }
      return [
        `SCIM tokens of ${org.name} (${org.slug}); base URL ${base}:`,
        ...tokens.map(
          (t) =>
            `  ${t.name}  acts as ${t.email}  created ${day(t.created_at)}  expires ${day(t.expires_at)}  last used ${t.last_used_at ? t.last_used_at.toISOString() : 'never'}`,
        ),
      ];
    }

    const days = args.days ?? 365;
    if (!Number.isInteger(days) || days < 1 || days > 366)
      throw new Error('--days must be a whole number from 1 to 366.');
    let q = tx
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.id', 'u.email', 'm.role'])
      .where('m.org_id', '=', org.id)
      .where('m.role', 'in', ['owner', 'admin'])
      .where('u.disabled_at', 'is', null)
      .where((eb) => eb.or([eb('m.expires_at', 'is', null), eb('m.expires_at', '>', now)]))
      .orderBy((eb) => eb.case().when('m.role', '=', 'owner').then(0).else(1).end())
      .orderBy('m.created_at');
    if (args.as) q = q.where('u.email', '=', args.as.trim().toLowerCase());
    const member = await q.executeTakeFirst();
    if (!member) {
      throw new Error(
        args.as
          ? `${args.as} is not an owner or admin of ${org.slug}: SCIM tokens act as one.`
          : `${org.slug} has no owner or admin for the token to act as.`,
      );
    }
    // The token belongs to the member; the audit row says the operator created it from the CLI.
    const actor: Actor & { orgId: string } = {
      userId: member.id,
      email: `attest-cli for ${member.email}`,
      orgId: org.id,
      role: member.role,
      stage: 'full',
      via: 'session',
    };
    const name = args.name?.trim() || 'Identity provider (SCIM)';
    const { token, item } = await createToken(
      tx,
      actor,
      { name, scopes: ['scim'], expiresInDays: days },
      CLI_META,
      now,
    );
    return [
      `Created the SCIM token "${name}" for ${org.name} (${org.slug}), acting as ${member.email} (${member.role}); it expires on ${day(new Date(item.expiresAt))}.`,
      '',
      `  SCIM base URL: ${base}`,
      `  Token:         ${token}`,
      '',
      'Give both to your identity provider (Okta: "SCIM connector base URL" and an HTTP header',
      'bearer token; Microsoft Entra ID: "Tenant URL" and "Secret Token"). The token is shown only',
      'now; revoke it under Settings → API tokens.',
    ];
  });
}
