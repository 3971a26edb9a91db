/** Tables of the trust center (migration 0020_trust.sql); extended by Schema in src/db/schema.ts. */
import type { ColumnType } from 'kysely';
import type { Timestamp } from '../schema.js';

/** One organisation's trust center: the settings being edited and the copy the public sees. */
export interface TrustCentersTable {
  org_id: string;
  /** TrustSettings (src/modules/trust/settings.ts), as JSON. */
  draft: ColumnType<unknown, string, string>;
  published: ColumnType<unknown | null, string | null | undefined, string | null>;
  published_at: Timestamp | null;
  published_by: string | null;
  unpublished_at: Timestamp | null;
  host_name: string | null;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface TrustTables {
  trust_centers: TrustCentersTable;
}
