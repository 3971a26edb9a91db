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
  const { rows } = await ctx.database.query('SELECT id, slug, name FROM organizations WHERE slug = $1', [slug]);
  const row = rows[0] as { id: string; slug: string; name: string } | undefined;
  return row ? { orgId: row.id, slug: row.slug, name: row.name } : null;
}
