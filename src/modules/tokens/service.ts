import type { Actor, AppContext, RequestMeta } from '../../context.js';
import { hashSecret, newId, newSecret } from '../../crypto/random.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';

/**
 * What an API token may be granted. A token never exceeds its owner's role: the scope opens
 * the route, the role check still applies. Later capabilities add their scopes here.
 */
export const SCOPES = {
  'org:read': 'Read the organisation, its members and your own profile',
  'members:write': 'Invite members, change roles and remove members (owners and admins)',
  'audit:read': 'Read and export the audit log (owners and admins)',
  'tokens:write': 'Create and revoke API tokens',
  'program:read': 'Read frameworks, controls, policies, evidence tasks and readiness',
  'program:write': 'Change the program: controls, policies, evidence tasks, framework scope and imports (per role)',
  'monitoring:push': 'Push the state of your systems (attest push, CI) and run probes (owners and admins)',
  'people:read': 'Read the people register, systems, access requests and access reviews',
  'people:write': 'Change people, systems, access requests and reviews (per role)',
  'risk:read': 'Read vendors, risks, incidents, assessments and business continuity records',
  'risk:write': 'Change vendors, risks, incidents, assessments and business continuity records (per role)',
  'trust:read': 'Read the trust center, its documents and requests, questionnaires and the answer library',
  'trust:write': 'Change the trust center, documents, requests, questionnaires and answers (owners and admins)',
  scim: 'Provision people from an identity provider through SCIM 2.0 (owners and admins)',
} as const;

export type Scope = keyof typeof SCOPES;
export const SCOPE_NAMES = Object.keys(SCOPES) as [Scope, ...Scope[]];

const PREFIX = 'atst_';

/**
 * Tokens read `atst_<organisation id>_<secret>`: the organisation lets the lookup run under
 * that organisation's row-level security; only the SHA-256 of the whole token is stored.
 */
export function parseApiToken(value: string): { orgId: string; token: string } | null {
  const m = /^atst_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/.exec(value.trim());
  if (!m?.[1]) return null;
  const hex = m[1];
  const orgId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { orgId, token: value.trim() };
}

export async function findApiToken(ctx: AppContext, parsed: { orgId: string; token: string }): Promise<Actor | null> {
  const now = ctx.clock.now();
  return withScope(ctx.database, { orgId: parsed.orgId }, async (tx) => {
    const row = await tx
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .innerJoin('memberships as m', (j) => j.onRef('m.org_id', '=', 't.org_id').onRef('m.user_id', '=', 't.user_id'))
      .select([
        't.id',
        't.name',
        't.scopes',
        't.expires_at',
        't.revoked_at',
        't.last_used_at',
        'u.id as user_id',
        'u.email',
        'u.disabled_at',
        'm.role',
        'm.expires_at as membership_expires',
      ])
      .where('t.token_hash', '=', hashSecret(parsed.token))
      .executeTakeFirst();
    if (!row || row.revoked_at || row.expires_at <= now || row.disabled_at) return null;
    if (row.membership_expires && row.membership_expires <= now) return null;
    if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
      await tx.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
    }
    return {
      userId: row.user_id,
      email: row.email,
      orgId: parsed.orgId,
      role: row.role,
      stage: 'full',
      via: 'token',
      tokenId: row.id,
      tokenName: row.name,
      scopes: row.scopes,
    } satisfies Actor;
  });
}

export interface TokenItem {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  owner: { id: string; email: string };
}

const canManageAll = (actor: Actor) => actor.role === 'owner' || actor.role === 'admin';

/** Your own tokens; owners and admins see every token of the organisation. */
export async function listTokens(tx: Tx, actor: Actor): Promise<TokenItem[]> {
  let q = tx
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select([
      't.id',
      't.name',
      't.scopes',
      't.created_at',
      't.expires_at',
      't.last_used_at',
      't.revoked_at',
      'u.id as owner_id',
      'u.email',
    ])
    .orderBy('t.created_at', 'desc');
  if (!canManageAll(actor)) q = q.where('t.user_id', '=', actor.userId);
  return (await q.execute()).map((r) => ({
    id: r.id,
    name: r.name,
    scopes: r.scopes,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
    owner: { id: r.owner_id, email: r.email },
  }));
}

export interface CreateTokenInput {
  name: string;
  scopes: Scope[];
  expiresInDays: number;
}

export const auditWho = (actor: Actor) => ({
  userId: actor.userId,
  label: actor.via === 'token' ? `${actor.email} (token ${actor.tokenName ?? actor.tokenId})` : actor.email,
});

export async function createToken(
  tx: Tx,
  actor: Actor & { orgId: string },
  input: CreateTokenInput,
  meta: RequestMeta,
  now: Date,
): Promise<{ token: string; item: TokenItem }> {
  if (actor.via === 'token' && input.scopes.some((s) => !actor.scopes?.includes(s))) {
    throw new AppError('insufficient_scope', 'A token can only create tokens with scopes it has itself.');
  }
  const id = newId();
  const token = `${PREFIX}${actor.orgId.replace(/-/g, '')}_${newSecret()}`;
  const expiresAt = new Date(now.getTime() + input.expiresInDays * 86_400_000);
  const scopes = [...new Set(input.scopes)].sort();
  await tx
    .insertInto('api_tokens')
    .values({
      id,
      org_id: actor.orgId,
      user_id: actor.userId,
      name: input.name.trim(),
      scopes,
      token_hash: hashSecret(token),
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'token.created',
    targetType: 'api_token',
    targetId: id,
    details: { name: input.name.trim(), scopes, expiresAt: expiresAt.toISOString() },
  });
  return {
    token,
    item: {
      id,
      name: input.name.trim(),
      scopes,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      lastUsedAt: null,
      revokedAt: null,
      owner: { id: actor.userId, email: actor.email },
    },
  };
}

export async function revokeToken(
  tx: Tx,
  actor: Actor & { orgId: string },
  id: string,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  let q = tx.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null);
  if (!canManageAll(actor)) q = q.where('user_id', '=', actor.userId);
  const row = await q.returning(['id', 'name']).executeTakeFirst();
  if (!row) throw notFound('This API token');
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'token.revoked',
    targetType: 'api_token',
    targetId: id,
    details: { name: row.name },
  });
}
