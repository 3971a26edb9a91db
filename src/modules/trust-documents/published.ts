import type { Tx } from '../../db/tenancy.js';

/** A document as the public trust center lists it. */
export interface TrustCenterDocument {
  id: string;
  title: string;
  description: string | null;
  /** public: anyone downloads it; request: a visitor asks, accepts the NDA and is approved first. */
  access: 'public' | 'request';
  /** Where the trust center links: the download (public) or the request form (request), root-relative. */
  href: string;
}

/**
 * The documents an organisation shows on its trust center, in display order.
 * CONTRACT (trust documents): the trust center renders these; the documents module completes it.
 */
export async function listTrustCenterDocuments(tx: Tx, orgId: string, slug: string): Promise<TrustCenterDocument[]> {
  const rows = await tx
    .selectFrom('trust_documents')
    .select(['id', 'title', 'description', 'access'])
    .where('org_id', '=', orgId)
    .where('access', 'in', ['public', 'request'])
    .orderBy('position')
    .orderBy('title')
    .execute();
  const base = `/trust/${encodeURIComponent(slug)}/documents`;
  return rows.map((d) => ({
    id: d.id,
    title: d.title,
    description: d.description || null,
    access: d.access === 'public' ? 'public' : 'request',
    href: d.access === 'public' ? `${base}/${d.id}/download` : `${base}/${d.id}/request`,
  }));
}
