/**
 * Records Attest writes about the organisation's own operations (vendors, risks, incidents,
 * assessments, business continuity, its own backups), so the checks judge them like any other
 * inventory record. Each is written by its module as a partial push into a built-in source
 * (kinds vendors, risks, incidents, assessments, continuity, backups), never by an importer.
 * Dates are YYYY-MM-DD, times ISO; every record's `name` appears in its checks' reasons.
 */

/** A vendor of the register (src/modules/vendors), with what its checks need to judge it. */
export interface VendorData {
  name: string;
  status: 'proposed' | 'in_review' | 'approved' | 'rejected' | 'offboarded';
  ownerEmail: string | null;
  /** What the vendor does for the organisation; null when nobody wrote it down. */
  purpose: string | null;
  /** The most sensitive data it touches; null when unknown. */
  dataClassification: 'none' | 'public' | 'internal' | 'confidential' | 'restricted' | null;
  regions: string[];
  subprocessor: boolean;
  criticality: 'low' | 'medium' | 'high';
  /** The tier in force (an override when one is set, else the computed one). */
  tier: 'low' | 'medium' | 'high';
  /** When it was approved (ISO), for an approved vendor; null otherwise. */
  approvedAt: string | null;
  /** Completed reviews, newest first (day completed, outcome). */
  reviews: { completedOn: string; outcome: 'approved' | 'approved_with_conditions' | 'rejected' }[];
  /** Days a review stays current for this vendor's tier (the organisation's setting). */
  reviewIntervalDays: number;
  /** The SOC 2 report whose period ends last, or null when there is none. */
  socReport: { kind: 'soc2_type1' | 'soc2_type2'; periodEnd: string } | null;
}

/** A score of the risk register: likelihood × impact (each 1–5) and its level (src/modules/risks/scoring.ts). */
export interface RiskScore {
  likelihood: number;
  impact: number;
  score: number;
  level: 'low' | 'medium' | 'high' | 'critical';
}

/** A risk of the register (src/modules/risks). */
export interface RiskData {
  /** The risk's title. */
  name: string;
  category: string;
  status: 'open' | 'closed';
  ownerEmail: string | null;
  inherent: RiskScore;
  residual: RiskScore;
  /** mitigate, accept, transfer, avoid; null while none is decided. */
  treatment: string | null;
  /** Who accepted the residual risk and when (ISO), while the treatment is "accept". */
  acceptance: { by: string; at: string } | null;
  /** The next review is due on this day (YYYY-MM-DD). */
  reviewOn: string;
  /** Keys of the controls that mitigate it. */
  controls: string[];
}

/** A yearly risk assessment campaign (src/modules/risks). */
export interface RiskAssessmentData {
  name: string;
  status: 'open' | 'completed' | 'cancelled';
  startedAt: string;
  /** YYYY-MM-DD. */
  dueOn: string;
  completedAt: string | null;
  items: number;
  reviewed: number;
  /** A statement of how fraud was considered was recorded. */
  fraudConsidered: boolean;
  /** Items whose risk is of category fraud. */
  fraudRisks: number;
}

/**
 * An incident (src/modules/incidents): `name` is "#<number> <title>". Severities are sev1
 * (critical) to sev4 (low). Times are ISO.
 */
export interface IncidentData {
  name: string;
  number: number;
  severity: 'sev1' | 'sev2' | 'sev3' | 'sev4';
  status: 'reported' | 'triaged' | 'contained' | 'resolved' | 'closed';
  reportedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  /**
   * The first time an escalation rule fired for it (on report, or on the first severity raise
   * that matched a rule): when, the rule's target, and when it first reached someone (null: not yet).
   */
  firstEscalation: {
    severity: 'sev1' | 'sev2' | 'sev3' | 'sev4';
    triggeredAt: string;
    targetMinutes: number;
    sentAt: string | null;
  } | null;
  /** When the post-incident review was completed, or null. */
  reviewCompletedAt: string | null;
  /** Null unless the incident is a breach of customer data. */
  breach: {
    discoveredAt: string;
    /** Discovery + the notice hours, extended by every recorded delay. */
    deadlineAt: string;
    delays: number;
    /** Every affected customer, with its notice (hasNotice false: none was made). */
    customers: {
      name: string;
      hasNotice: boolean;
      sentAt: string | null;
      /** Required fields that were empty when it was sent (empty for drafts). */
      missingFields: string[];
    }[];
  } | null;
}

/** A penetration test, vulnerability assessment or audit (src/modules/assessments). */
export interface AssessmentData {
  /** The assessment's title ("Penetration test 2026"). */
  name: string;
  kind: 'pentest' | 'vulnerability_assessment' | 'soc2_type1' | 'soc2_type2' | 'iso27001' | 'other_audit';
  status: 'planned' | 'in_progress' | 'completed';
  /** The firm that did it. */
  assessor: string | null;
  /** The assessment's own dates (testing or fieldwork), YYYY-MM-DD. */
  startDate: string | null;
  endDate: string | null;
  reportDate: string | null;
  /** SOC 2 Type 2 only: the observation window the report covers. */
  windowStart: string | null;
  windowEnd: string | null;
  /** Vulnerability assessments: the work included an analysis of the source code. */
  codeAnalysis: boolean;
  /** Its report is in the evidence vault. */
  hasReport: boolean;
  /** Counts of its findings by state. */
  findings: { open: number; fixed: number; accepted: number };
  /** Its open findings, each with the day it is due to be fixed. */
  openFindings: {
    title: string;
    severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
    dueDate: string;
    ownerEmail: string | null;
  }[];
}

/** A disaster recovery exercise (src/modules/continuity). */
export interface DrExerciseData {
  /** The exercise's title ("Tabletop: loss of the primary region"). */
  name: string;
  kind: 'tabletop' | 'restore_test' | 'failover_test' | 'full_dr_test';
  status: 'planned' | 'completed';
  /** The day it was (or is to be) held, YYYY-MM-DD. */
  exercisedOn: string;
  outcome: 'passed' | 'passed_with_issues' | 'failed' | null;
  /** The systems it covered, with their objectives then and what the exercise achieved (hours). */
  systems: {
    name: string;
    rtoHours: number | null;
    rpoHours: number | null;
    recoveryHours: number | null;
    dataLossHours: number | null;
  }[];
  /** Follow-up actions still open. */
  openActions: number;
  /** Its report is in the evidence vault. */
  hasReport: boolean;
}

/**
 * Attest's own backups and verified restores, as seen by one organisation (src/backup): one
 * record per organisation for the whole instance. Times are ISO; null when there is none.
 */
export interface BackupData {
  name: string;
  /** When the organisation was created: the checks allow a first backup and restore test after it. */
  since: string;
  /** The latest successful `attest backup`: when it finished, the file's size and name. */
  lastBackupAt: string | null;
  lastBackupBytes: number | null;
  lastBackupFile: string | null;
  /** The latest failed backup after the last successful one, and why it failed. */
  failedBackupAt: string | null;
  failedBackupMessage: string | null;
  /** The latest successful verified restore (`attest restore --verify`). */
  lastVerifiedAt: string | null;
  /** The latest failed verification after the last successful one, and what failed. */
  failedVerifyAt: string | null;
  failedVerifyMessage: string | null;
}
