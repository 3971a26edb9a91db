/** Tables of assessments and their findings, DR exercises, recovery objectives (migration 0018_assessments_continuity.sql); extended by Schema in src/db/schema.ts. */
// Column helpers (Timestamp, DefaultedTimestamp, Day for `date` columns read as YYYY-MM-DD) come from ../schema.js.
import type { ColumnType } from 'kysely';
import type { Day, Timestamp } from '../schema.js';

export type AssessmentKind =
  | 'pentest'
  | 'vulnerability_assessment'
  | 'soc2_type1'
  | 'soc2_type2'
  | 'iso27001'
  | 'other_audit';
export type AssessmentStatus = 'planned' | 'in_progress' | 'completed';
export type FindingSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export type FindingStatus = 'open' | 'fixed' | 'accepted';
export type DrExerciseKind = 'tabletop' | 'restore_test' | 'failover_test' | 'full_dr_test';
export type DrOutcome = 'passed' | 'passed_with_issues' | 'failed';

export interface AssessmentsTable {
  id: string;
  org_id: string;
  kind: AssessmentKind;
  title: string;
  assessor: string | null;
  scope: ColumnType<string, string | undefined, string>;
  status: AssessmentStatus;
  start_date: Day | null;
  end_date: Day | null;
  report_date: Day | null;
  window_start: Day | null;
  window_end: Day | null;
  code_analysis: ColumnType<boolean, boolean | undefined, boolean>;
  report_evidence_id: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AssessmentFindingsTable {
  id: string;
  org_id: string;
  assessment_id: string;
  title: string;
  severity: FindingSeverity;
  description: ColumnType<string, string | undefined, string>;
  owner_user_id: string | null;
  due_date: Day;
  status: FindingStatus;
  fixed_on: Day | null;
  accepted_reason: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A system covered by an exercise: its objectives when recorded and what the exercise achieved. */
export interface ExerciseSystem {
  systemId: string;
  name: string;
  rtoHours: number | null;
  rpoHours: number | null;
  recoveryHours: number | null;
  dataLossHours: number | null;
}

/** A follow-up action of an exercise. */
export interface ExerciseAction {
  id: string;
  title: string;
  owner: string | null;
  dueOn: Day | null;
  done: boolean;
}

export interface DrExercisesTable {
  id: string;
  org_id: string;
  title: string;
  kind: DrExerciseKind;
  exercised_on: Day;
  scenario: ColumnType<string, string | undefined, string>;
  participants: ColumnType<string[], string[] | undefined, string[]>;
  systems: ColumnType<ExerciseSystem[], string | undefined, string>;
  status: 'planned' | 'completed';
  outcome: DrOutcome | null;
  lessons: ColumnType<string, string | undefined, string>;
  actions: ColumnType<ExerciseAction[], string | undefined, string>;
  completed_at: Timestamp | null;
  completed_by: string | null;
  report_pdf_id: string | null;
  report_md_id: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AssessmentTables {
  assessments: AssessmentsTable;
  assessment_findings: AssessmentFindingsTable;
  dr_exercises: DrExercisesTable;
}
