/** Tables of vendors, vendor reviews, questionnaires and SOC reports (migration 0015_vendors.sql); extended by Schema in src/db/schema.ts. */
import type { ColumnType } from 'kysely';
import type { Day, Timestamp } from '../schema.js';

export type VendorClassification = 'none' | 'public' | 'internal' | 'confidential' | 'restricted';
export type VendorLevel = 'low' | 'medium' | 'high';
export type VendorStatus = 'proposed' | 'in_review' | 'approved' | 'rejected' | 'offboarded';
export type VendorDocumentKind = 'soc2_type1' | 'soc2_type2' | 'iso27001' | 'other';
export type VendorReviewOutcome = 'approved' | 'approved_with_conditions' | 'rejected';

/** A question as it was asked (copied into the link when it was made). */
export interface VendorQuestion {
  id: string;
  text: string;
  kind: 'yes_no' | 'text';
  help?: string;
}

/** The vendor's answer to one question: yes / no / not applicable (with a comment) or text. */
export interface VendorAnswer {
  answer: string;
  comment?: string;
}

type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface VendorsTable {
  id: string;
  org_id: string;
  name: string;
  website: string | null;
  purpose: Defaulted<string>;
  data_classification: VendorClassification | null;
  regions: Defaulted<string[]>;
  subprocessor: Defaulted<boolean>;
  owner_user_id: string | null;
  criticality: Defaulted<VendorLevel>;
  tier: VendorLevel;
  tier_override: VendorLevel | null;
  tier_override_reason: string | null;
  tier_override_by: string | null;
  tier_override_at: Timestamp | null;
  status: Defaulted<VendorStatus>;
  decided_at: Timestamp | null;
  decided_by: string | null;
  decision_comment: string | null;
  approved_at: Timestamp | null;
  offboarded_at: Timestamp | null;
  review_reminded_at: Timestamp | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface VendorSettingsTable {
  org_id: string;
  review_days_high: number;
  review_days_medium: number;
  review_days_low: number;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface VendorQuestionnairesTable {
  id: string;
  org_id: string;
  vendor_id: string;
  token_hash: Uint8Array;
  questions: ColumnType<VendorQuestion[], string, string>;
  created_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
  answered_at: Timestamp | null;
  answers: ColumnType<Record<string, VendorAnswer> | null, string | null | undefined, string | null>;
  respondent_name: string | null;
  respondent_email: string | null;
}

export interface VendorDocumentsTable {
  id: string;
  org_id: string;
  vendor_id: string;
  kind: VendorDocumentKind;
  period_start: Day | null;
  period_end: Day | null;
  evidence_id: string;
  note: Defaulted<string>;
  uploaded_by: string | null;
  created_at: Timestamp;
}

export interface VendorReviewsTable {
  id: string;
  org_id: string;
  vendor_id: string;
  reviewer_user_id: string;
  questionnaire_id: string | null;
  document_id: string | null;
  examined: Defaulted<string>;
  outcome: VendorReviewOutcome;
  conditions: string | null;
  notes: Defaulted<string>;
  completed_on: Day;
  recorded_by: string | null;
  created_at: Timestamp;
}

export interface VendorTables {
  vendors: VendorsTable;
  vendor_settings: VendorSettingsTable;
  vendor_questionnaires: VendorQuestionnairesTable;
  vendor_documents: VendorDocumentsTable;
  vendor_reviews: VendorReviewsTable;
}
