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
export async function listTrustCenterDocuments(_tx: Tx, _orgId: string, _slug: string): Promise<TrustCenterDocument[]> {
  return [];
}
