/** Tables of the auditor portal (migration 0023_audits.sql); extended by Schema in src/db/schema.ts. */

// biome-ignore lint/suspicious/noEmptyInterface: filled as the audit tables are written
export interface AuditPortalTables {}
