import type { AppContext } from '../../context.js';

export interface PublishedOrg {
  orgId: string;
  slug: string;
  name: string;
}

/**
 * The organisation whose trust center is published at this slug, or null (unknown and unpublished
 * answer alike). Resolved outside any tenant scope, as the scheduled jobs find their organisations;
 * everything after it runs in withScope for that organisation.
 * CONTRACT (trust center): the trust-documents module calls this; the trust center module completes it.
 */
export async function publishedTrustOrg(ctx: AppContext, slug: string): Promise<PublishedOrg | null> {
  const { rows } = await ctx.database.query(
    `SELECT o.id, o.slug, o.name FROM organizations o
       JOIN trust_centers t ON t.org_id = o.id
      WHERE o.slug = $1 AND t.published IS NOT NULL`,
    [slug],
  );
  const row = rows[0] as { id: string; slug: string; name: string } | undefined;
  return row ? { orgId: row.id, slug: row.slug, name: row.name } : null;
}

export interface TrustHosts {
  /** Own host name → slug, for published trust centers only. */
  hosts: Map<string, string>;
  /** The slug `attest demo` (or an operator) made the instance's default, if any. */
  defaultSlug: string | null;
}

/** Which host names serve which trust center, and the instance's default organisation. */
export async function loadTrustHosts(ctx: AppContext): Promise<TrustHosts> {
  const hosts = await ctx.database.query(
    `SELECT t.host_name, o.slug FROM trust_centers t JOIN organizations o ON o.id = t.org_id
      WHERE t.host_name IS NOT NULL AND t.published IS NOT NULL`,
  );
  const fallback = await ctx.database.query(`SELECT value FROM instance_settings WHERE key = 'default_org'`);
  const value = fallback.rows[0]?.value;
  return {
    hosts: new Map((hosts.rows as { host_name: string; slug: string }[]).map((r) => [r.host_name, r.slug])),
    defaultSlug: typeof value === 'string' ? value : null,
  };
}
