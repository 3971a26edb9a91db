/** Tables of gated trust center documents (migration 0021_trust_documents.sql); extended by Schema in src/db/schema.ts. */
import type { ColumnType } from 'kysely';
import type { Timestamp } from '../schema.js';

export type TrustDocumentAccess = 'public' | 'request' | 'hidden';
export type TrustDocumentRequestStatus = 'pending' | 'approved' | 'denied';

type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface TrustDocumentsTable {
  id: string;
  org_id: string;
  title: string;
  description: Defaulted<string>;
  access: TrustDocumentAccess;
  position: Defaulted<number>;
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  sealed: Buffer;
  key_term: number;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TrustNdasTable {
  id: string;
  org_id: string;
  version: number;
  body: string;
  sha256: string;
  created_by: string | null;
  created_at: Timestamp;
}

export interface TrustDocumentSettingsTable {
  org_id: string;
  auto_approve_domains: Defaulted<string[]>;
  grant_days: Defaulted<number>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface TrustDocumentRequestsTable {
  id: string;
  org_id: string;
  document_id: string;
  name: string;
  email: string;
  company: string;
  nda_id: string;
  nda_sha256: string;
  accepted_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  status: Defaulted<TrustDocumentRequestStatus>;
  decided_at: Timestamp | null;
  decided_by: string | null;
  decided_by_rule: string | null;
  decision_note: string | null;
}

export interface TrustDocumentGrantsTable {
  id: string;
  org_id: string;
  request_id: string;
  document_id: string;
  email: string;
  token_hash: Buffer;
  created_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
}

export interface TrustDocumentDownloadsTable {
  id: string;
  org_id: string;
  document_id: string;
  grant_id: string | null;
  at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface TrustDocumentTables {
  trust_documents: TrustDocumentsTable;
  trust_ndas: TrustNdasTable;
  trust_document_settings: TrustDocumentSettingsTable;
  trust_document_requests: TrustDocumentRequestsTable;
  trust_document_grants: TrustDocumentGrantsTable;
  trust_document_downloads: TrustDocumentDownloadsTable;
}
