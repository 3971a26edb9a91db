/** Tables of the trust center (migration 0020_trust.sql); extended by Schema in src/db/schema.ts. */

// biome-ignore lint/suspicious/noEmptyInterface: filled as the trust center's tables are written
export interface TrustTables {}
