/** Tables of the auditor portal (migration 0023_audits.sql); extended by Schema in src/db/schema.ts. */
import type { ColumnType } from 'kysely';
import type { Day, Timestamp } from '../schema.js';

export type AuditKind = 'soc2_type1' | 'soc2_type2' | 'iso27001' | 'other';
export type AuditStatus = 'planned' | 'fieldwork' | 'completed';
export type AuditRequestStatus = 'open' | 'answered' | 'accepted' | 'reopened';
export type AuditMessageKind = 'answer' | 'reopen' | 'accept';

type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface AuditEngagementsTable {
  id: string;
  org_id: string;
  title: string;
  framework_id: string;
  kind: AuditKind;
  firm: Defaulted<string>;
  window_start: Day;
  window_end: Day;
  access_expires_at: Timestamp;
  status: Defaulted<AuditStatus>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuditAuditorsTable {
  id: string;
  org_id: string;
  audit_id: string;
  email: string;
  user_id: string | null;
  invitation_id: string | null;
  added_by: string | null;
  added_at: Timestamp;
}

export interface AuditRequestsTable {
  id: string;
  org_id: string;
  audit_id: string;
  number: number;
  title: string;
  details: Defaulted<string>;
  control_id: string | null;
  due_on: Day | null;
  status: Defaulted<AuditRequestStatus>;
  raised_by: string;
  raised_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuditRequestMessagesTable {
  id: string;
  org_id: string;
  request_id: string;
  kind: AuditMessageKind;
  body: Defaulted<string>;
  author_user_id: string | null;
  created_at: Timestamp;
}

export interface AuditRequestEvidenceTable {
  org_id: string;
  request_id: string;
  evidence_id: string;
  linked_by: string | null;
  linked_at: Timestamp;
}

export interface AuditPortalTables {
  audits: AuditEngagementsTable;
  audit_auditors: AuditAuditorsTable;
  audit_requests: AuditRequestsTable;
  audit_request_messages: AuditRequestMessagesTable;
  audit_request_evidence: AuditRequestEvidenceTable;
}
