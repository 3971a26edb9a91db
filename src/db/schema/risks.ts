/** Tables of the risk register and yearly risk assessments (migration 0016_risks.sql); extended by Schema in src/db/schema.ts. */
import type { ColumnType } from 'kysely';
import type { Day, Timestamp } from '../schema.js';

export type RiskCategory =
  | 'security'
  | 'availability'
  | 'privacy'
  | 'compliance'
  | 'operational'
  | 'vendor'
  | 'fraud'
  | 'other';
export type RiskTreatment = 'mitigate' | 'accept' | 'transfer' | 'avoid';
export type RiskStatus = 'open' | 'closed';
export type RiskAssessmentStatus = 'open' | 'completed' | 'cancelled';

export interface RisksTable {
  id: string;
  org_id: string;
  title: string;
  description: ColumnType<string, string | undefined, string>;
  category: RiskCategory;
  owner_user_id: string | null;
  inherent_likelihood: number;
  inherent_impact: number;
  residual_likelihood: number;
  residual_impact: number;
  treatment: RiskTreatment | null;
  treatment_plan: ColumnType<string, string | undefined, string>;
  accepted_by: string | null;
  accepted_at: Timestamp | null;
  review_on: Day;
  status: ColumnType<RiskStatus, RiskStatus | undefined, RiskStatus>;
  closed_at: Timestamp | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RiskControlsTable {
  org_id: string;
  risk_id: string;
  control_id: string;
}

export interface RiskAssessmentsTable {
  id: string;
  org_id: string;
  name: string;
  status: RiskAssessmentStatus;
  due_on: Day;
  fraud_statement: string | null;
  started_by: string | null;
  started_at: Timestamp;
  completed_by: string | null;
  completed_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  csv_evidence_id: string | null;
  pdf_evidence_id: string | null;
}

/** A risk as it was when a campaign started (risk_assessment_items.before). */
export interface RiskSnapshot {
  title: string;
  category: RiskCategory;
  ownerEmail: string | null;
  inherentLikelihood: number;
  inherentImpact: number;
  residualLikelihood: number;
  residualImpact: number;
  treatment: RiskTreatment | null;
}

export interface RiskAssessmentItemsTable {
  id: string;
  org_id: string;
  assessment_id: string;
  risk_id: string;
  raised: ColumnType<boolean, boolean | undefined, boolean>;
  before: ColumnType<RiskSnapshot | null, string | null, string | null>;
  inherent_likelihood: number | null;
  inherent_impact: number | null;
  residual_likelihood: number | null;
  residual_impact: number | null;
  treatment: RiskTreatment | null;
  comment: string | null;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
}

export interface RiskTables {
  risks: RisksTable;
  risk_controls: RiskControlsTable;
  risk_assessments: RiskAssessmentsTable;
  risk_assessment_items: RiskAssessmentItemsTable;
}
