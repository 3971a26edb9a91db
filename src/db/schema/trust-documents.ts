/** Tables of gated trust center documents (migration 0021_trust_documents.sql); extended by Schema in src/db/schema.ts. */

// biome-ignore lint/suspicious/noEmptyInterface: filled as the documents' tables are written
export interface TrustDocumentTables {}
