import type { ColumnType, Generated } from 'kysely';
import type { AssessmentTables } from './schema/assessments.js';
import type { AuditPortalTables } from './schema/audits.js';
import type { BackupTables } from './schema/backups.js';
import type { IncidentTables } from './schema/incidents.js';
import type { QuestionnaireTables } from './schema/questionnaires.js';
import type { RiskTables } from './schema/risks.js';
import type { TrustTables } from './schema/trust.js';
import type { TrustDocumentTables } from './schema/trust-documents.js';
import type { VendorTables } from './schema/vendors.js';

/** Column types of the tables the migrations create (test/schema.test.ts checks they agree). */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type Role = 'owner' | 'admin' | 'member' | 'reviewer' | 'auditor';
export const ROLES: readonly Role[] = ['owner', 'admin', 'member', 'reviewer', 'auditor'];

export interface InstanceSettingsTable {
  key: string;
  value: unknown;
  updated_at: DefaultedTimestamp;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: DefaultedTimestamp;
  disabled_at: Timestamp | null;
}

export interface OrganizationsTable {
  id: string;
  slug: string;
  name: string;
  created_at: DefaultedTimestamp;
}

export interface MembershipsTable {
  org_id: string;
  user_id: string;
  role: Role;
  expires_at: Timestamp | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface UserTotpTable {
  user_id: string;
  secret_enc: string;
  confirmed_at: Timestamp | null;
  last_used_step: ColumnType<string | null, number | null, number | null>;
  created_at: DefaultedTimestamp;
}

export interface WebauthnCredentialsTable {
  id: string;
  user_id: string;
  name: string;
  public_key: Uint8Array;
  counter: ColumnType<string, number, number>;
  transports: string[];
  created_at: DefaultedTimestamp;
  last_used_at: Timestamp | null;
}

export type SessionStage = 'mfa' | 'enrol' | 'full';

export interface SessionsTable {
  id: string;
  token_hash: Uint8Array;
  user_id: string;
  stage: SessionStage;
  current_org: string | null;
  csrf_token: string;
  challenge: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  first_failure_at: Timestamp;
  blocked_until: Timestamp | null;
}

export interface InvitationsTable {
  id: string;
  org_id: string;
  email: string;
  role: Role;
  token_hash: Uint8Array;
  invited_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  accepted_by: string | null;
  revoked_at: Timestamp | null;
}

export interface ApiTokensTable {
  id: string;
  org_id: string;
  user_id: string;
  name: string;
  scopes: string[];
  token_hash: Uint8Array;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  org_id: string;
  at: Timestamp;
  actor_user_id: string | null;
  actor: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
}

export interface SystemAuditLogTable {
  id: Generated<string>;
  at: Timestamp;
  actor: string;
  action: string;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
}

export interface FrameworksTable {
  id: string;
  name: string;
  version: string;
  description: string;
  categories: ColumnType<{ id: string; name: string; required: boolean }[], string, string>;
  source: 'builtin' | 'oscal';
  updated_at: DefaultedTimestamp;
  /** NULL for a built-in framework; the organisation that imported it otherwise. */
  owner_org_id: string | null;
  oscal_uuid: string | null;
  oscal_model: 'catalog' | 'profile' | null;
  revision: ColumnType<number, number | undefined, number>;
}

export interface FrameworkRequirementsTable {
  framework_id: string;
  ref: string;
  category: string;
  grouping: string;
  title: string;
  sort: number;
  owner_org_id: string | null;
  parent_ref: string | null;
}

export interface OrgFrameworksTable {
  org_id: string;
  framework_id: string;
  categories: string[];
  updated_at: DefaultedTimestamp;
}

export interface ControlsTable {
  id: string;
  org_id: string;
  key: string;
  library_key: string | null;
  title: string;
  description: string;
  domain: string;
  status: ColumnType<string, string | undefined, string>;
  owner_user_id: string | null;
  owner_role: ColumnType<string, string | undefined, string>;
  seed_lines: ColumnType<string[], string[] | undefined, string[]>;
  criteria: ColumnType<string[], string[] | undefined, string[]>;
  checks: ColumnType<string[], string[] | undefined, string[]>;
  evidence: ColumnType<unknown, string | undefined, string>;
  version: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  retired_at: Timestamp | null;
  policies: ColumnType<string[], string[] | undefined, string[]>;
}

export interface ControlVersionsTable {
  org_id: string;
  control_id: string;
  version: number;
  title: string;
  description: string;
  status: string;
  owner_user_id: string | null;
  seed_lines: string[];
  criteria: string[];
  checks: string[];
  policies: ColumnType<string[], string[] | undefined, string[]>;
  retired_at: Timestamp | null;
  changed_by: string | null;
  changed_at: Timestamp;
  reason: string | null;
}

export interface NotificationsTable {
  id: string;
  org_id: string;
  user_id: string;
  kind: string;
  title: string;
  body: ColumnType<string, string | undefined, string>;
  link: string | null;
  created_at: Timestamp;
  read_at: Timestamp | null;
}

export interface CheckResultsTable {
  id: string;
  org_id: string;
  check_id: string;
  resource: string;
  outcome: 'pass' | 'fail' | 'not_applicable';
  reason: ColumnType<string, string | undefined, string>;
  observed_at: Timestamp;
  superseded_at: Timestamp | null;
  resource_name: ColumnType<string, string | undefined, string>;
  severity: ColumnType<string, string | undefined, string>;
  failing_since: Timestamp | null;
  due_at: Timestamp | null;
}

export interface ReadinessSnapshotsTable {
  org_id: string;
  framework_id: string;
  day: ColumnType<string, string, string>;
  controls: number;
  implemented: number;
  passing: number;
  failing: number;
  overdue: number;
  requirements: number;
  requirements_met: number;
  taken_at: Timestamp;
}

// Evidence tasks (0007_evidence_tasks.sql)
export type TaskCadence = 'once' | 'monthly' | 'quarterly' | 'yearly';
export type TaskStatus = 'open' | 'completed' | 'cancelled';
export type TaskCompletionKind = 'link' | 'note' | 'file';

export interface EvidenceTasksTable {
  id: string;
  org_id: string;
  control_id: string;
  series_id: string;
  series_anchor_at: Timestamp;
  series_seq: ColumnType<number, number | undefined, number>;
  title: string;
  description: ColumnType<string, string | undefined, string>;
  cadence: TaskCadence;
  assignee_user_id: string | null;
  due_at: Timestamp;
  status: ColumnType<TaskStatus, TaskStatus | undefined, TaskStatus>;
  completed_at: Timestamp | null;
  completed_by: string | null;
  completion_kind: TaskCompletionKind | null;
  link_url: string | null;
  note: string | null;
  reminded_at: Timestamp | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TaskFilesTable {
  id: string;
  org_id: string;
  task_id: string;
  name: string;
  content_type: string;
  size: number;
  sha256: string;
  sealed: Uint8Array;
  /** The organisation data-key term it is sealed under; null: sealed under the master key (before 0009). */
  key_term: number | null;
  uploaded_by: string | null;
  uploaded_at: Timestamp;
}

// The keyring (0009_keyring.sql)
export interface KeyringKeksTable {
  term: number;
  wrapped_key: Uint8Array;
  created_at: Timestamp;
}

export interface OrgDataKeysTable {
  org_id: string;
  term: number;
  kek_term: number;
  wrapped_key: Uint8Array;
  created_at: Timestamp;
  rewrapped_at: Timestamp | null;
}

// Policies (0006_policies.sql)
export type PolicyStatus = 'draft' | 'in_review' | 'approved' | 'published';

export interface PolicySettingsTable {
  org_id: string;
  variables: ColumnType<Record<string, string>, string | undefined, string>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface PoliciesTable {
  id: string;
  org_id: string;
  key: string;
  template_key: string | null;
  template_hash: string | null;
  title: string;
  summary: ColumnType<string, string | undefined, string>;
  status: ColumnType<PolicyStatus, PolicyStatus | undefined, PolicyStatus>;
  body: string;
  material: ColumnType<boolean, boolean | undefined, boolean>;
  change_summary: ColumnType<string, string | undefined, string>;
  owner_user_id: string | null;
  reviewer_user_id: string | null;
  submitted_by: string | null;
  submitted_at: Timestamp | null;
  approved_by: string | null;
  approved_at: Timestamp | null;
  review_comment: string | null;
  published_version: number | null;
  material_version: number | null;
  lock_version: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PolicyVersionsTable {
  org_id: string;
  policy_id: string;
  version: number;
  title: string;
  body: string;
  source: string;
  variables: ColumnType<Record<string, string>, string, string>;
  material: boolean;
  change_summary: string;
  submitted_by: string | null;
  approved_by: string | null;
  published_by: string | null;
  published_at: Timestamp;
}

export interface PolicyAcceptancesTable {
  org_id: string;
  policy_id: string;
  version: number;
  user_id: string;
  accepted_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

// The evidence ledger (0010_ledger.sql)
export interface LedgerHeadsTable {
  org_id: string;
  size: number;
  updated_at: Timestamp;
}

export interface LedgerLeavesTable {
  org_id: string;
  idx: number;
  leaf_hash: Uint8Array;
  leaf_data: Uint8Array;
  kind: string;
  ref_id: string;
  created_at: Timestamp;
}

export interface LedgerKeysTable {
  org_id: string;
  name: string;
  verifier_key: string;
  key_term: number;
  private_key_sealed: Uint8Array;
  created_at: Timestamp;
}

export interface LedgerCheckpointsTable {
  org_id: string;
  size: number;
  root_hash: Uint8Array;
  note: string;
  created_at: Timestamp;
}

// Continuous monitoring (0012_monitoring.sql)
export interface MonitoringSourcesTable {
  id: string;
  org_id: string;
  kind: string;
  name: string;
  config: ColumnType<Record<string, unknown>, string | undefined, string>;
  credentials_enc: Buffer | null;
  credentials_term: number | null;
  schedule: ColumnType<'manual' | 'hourly' | 'daily', string | undefined, string>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_push_at: Timestamp | null;
  last_status: 'ok' | 'failed' | null;
  last_error: string | null;
}

export interface MonitoringPushesTable {
  id: string;
  org_id: string;
  source_id: string;
  idempotency_key: string | null;
  request_hash: string;
  format: string;
  received_at: Timestamp;
  summary: ColumnType<Record<string, unknown>, string, string>;
  pushed_by: string | null;
}

export interface InventoryRecordsTable {
  id: string;
  org_id: string;
  source_id: string;
  scope: string;
  type: string;
  external_id: string;
  name: string;
  data: ColumnType<unknown, string, string>;
  content_hash: string;
  email: string | null;
  person_record_id: string | null;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
  deleted_at: Timestamp | null;
  disabled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface CheckExceptionsTable {
  id: string;
  org_id: string;
  check_id: string;
  resource: string | null;
  justification: string;
  requested_by: string;
  approved_by: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
}

export interface ControlMonitorStatusTable {
  org_id: string;
  control_id: string;
  health: string;
  changed_at: Timestamp;
  ledger_index: number;
}

export interface MonitoringSettingsTable {
  org_id: string;
  settings: ColumnType<Record<string, unknown>, string, string>;
  updated_by: string | null;
  updated_at: Timestamp;
}

// Evidence vault (0011_evidence.sql)
export interface EvidenceTable {
  id: string;
  org_id: string;
  name: string;
  content_type: string;
  size: ColumnType<string, number, never>;
  sha256: string;
  key_term: number;
  blob_key: string;
  control_id: string | null;
  task_id: string | null;
  effective_from: Timestamp;
  effective_to: Timestamp | null;
  note: ColumnType<string, string | undefined, never>;
  uploaded_by: string | null;
  uploaded_at: Timestamp;
  ledger_index: ColumnType<number, number, never>;
  erased_at: Timestamp | null;
  erased_by: string | null;
  erase_reason: string | null;
  erased_ledger_index: ColumnType<number | null, never, number>;
}

// People and access (0013_people_access.sql). Calendar days are YYYY-MM-DD strings.
export type Day = string;

export interface PeopleTable {
  id: string;
  org_id: string;
  email: string;
  name: string;
  employment_type: 'employee' | 'contractor' | 'other';
  department: string | null;
  title: string | null;
  manager_email: string | null;
  start_date: Day | null;
  end_date: Day | null;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  source: 'manual' | 'hris' | 'scim';
  user_name: string | null;
  external_id: string | null;
  scim: ColumnType<Record<string, unknown>, string | undefined, string>;
  version: ColumnType<number, number | undefined, number>;
  offboarding_closed_at: Timestamp | null;
  offboarding_closed_by: string | null;
  offboarding_report_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PeopleGroupsTable {
  id: string;
  org_id: string;
  display_name: string;
  external_id: string | null;
  version: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PeopleGroupMembersTable {
  org_id: string;
  group_id: string;
  person_id: string;
}

export interface PeopleSettingsTable {
  org_id: string;
  settings: ColumnType<Record<string, unknown>, string, string>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface BackgroundChecksTable {
  id: string;
  org_id: string;
  person_id: string;
  status: 'not_started' | 'in_progress' | 'passed' | 'failed';
  provider: string | null;
  requested_on: Day | null;
  completed_on: Day | null;
  note: ColumnType<string, string | undefined, string>;
  report_id: string | null;
  updated_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AgreementsTable {
  id: string;
  org_id: string;
  version: number;
  title: string;
  body: string | null;
  file_id: string | null;
  sha256: string;
  published_by: string | null;
  published_at: Timestamp;
}

export interface AgreementSignaturesTable {
  id: string;
  org_id: string;
  agreement_id: string;
  person_id: string;
  kind: 'signed' | 'uploaded';
  typed_name: string | null;
  signed_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  document_sha256: string;
  evidence_id: string | null;
  recorded_by: string | null;
  created_at: Timestamp;
}

export interface TrainingQuestion {
  id: string;
  text: string;
  choices: string[];
  /** Index of the right choice. */
  answer: number;
}

export interface TrainingModulesTable {
  id: string;
  org_id: string;
  slug: string;
  title: string;
  summary: ColumnType<string, string | undefined, string>;
  body: string;
  questions: ColumnType<TrainingQuestion[], string, string>;
  pass_mark: number;
  builtin: ColumnType<boolean, boolean | undefined, boolean>;
  required: ColumnType<boolean, boolean | undefined, boolean>;
  position: ColumnType<number, number | undefined, number>;
  version: ColumnType<number, number | undefined, number>;
  retired_at: Timestamp | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TrainingAttemptsTable {
  id: string;
  org_id: string;
  module_id: string;
  module_version: number;
  user_id: string;
  person_id: string | null;
  answers: ColumnType<unknown, string, string>;
  score: number;
  passed: boolean;
  completed_at: Timestamp;
  certificate_id: string | null;
}

export interface SystemsTable {
  id: string;
  org_id: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  owner_user_id: string | null;
  production: ColumnType<boolean, boolean | undefined, boolean>;
  classification: ColumnType<
    'public' | 'internal' | 'confidential' | 'restricted',
    'public' | 'internal' | 'confidential' | 'restricted' | undefined,
    'public' | 'internal' | 'confidential' | 'restricted'
  >;
  source_id: string | null;
  max_access_days: ColumnType<number, number | undefined, number>;
  archived_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  // Recovery objectives (0018_assessments_continuity.sql, edited by src/modules/continuity).
  rto_hours: number | null;
  rpo_hours: number | null;
  recovery_tier: number | null;
}

export type AccessRequestStatus = 'pending' | 'approved' | 'rejected' | 'cancelled' | 'expired' | 'revoked';

export interface AccessRequestsTable {
  id: string;
  org_id: string;
  system_id: string;
  requester_id: string;
  access_level: ColumnType<string, string | undefined, string>;
  justification: string;
  duration_days: number;
  status: AccessRequestStatus;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_comment: string | null;
  expires_at: Timestamp | null;
  ended_at: Timestamp | null;
  ended_by: string | null;
  end_comment: string | null;
  ledger_index: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AccessReviewCampaignsTable {
  id: string;
  org_id: string;
  name: string;
  status: 'open' | 'completed' | 'cancelled';
  system_ids: string[];
  scheduled: ColumnType<boolean, boolean | undefined, boolean>;
  started_by: string | null;
  started_at: Timestamp;
  due_at: Timestamp;
  completed_at: Timestamp | null;
  completed_by: string | null;
  csv_evidence_id: string | null;
  pdf_evidence_id: string | null;
  last_reminded_at: Timestamp | null;
}

export interface AccessReviewItemsTable {
  id: string;
  org_id: string;
  campaign_id: string;
  system_id: string;
  record_id: string;
  account: ColumnType<Record<string, unknown>, string, string>;
  person_id: string | null;
  reviewer_id: string | null;
  decision: 'keep' | 'revoke' | 'change' | null;
  comment: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  resolved_at: Timestamp | null;
}

export interface AccessReviewSchedulesTable {
  org_id: string;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  system_ids: string[];
  due_days: ColumnType<number, number | undefined, number>;
  next_start_on: Day;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface Schema
  extends VendorTables,
    RiskTables,
    IncidentTables,
    AssessmentTables,
    BackupTables,
    TrustTables,
    TrustDocumentTables,
    QuestionnaireTables,
    AuditPortalTables {
  instance_settings: InstanceSettingsTable;
  users: UsersTable;
  organizations: OrganizationsTable;
  memberships: MembershipsTable;
  user_totp: UserTotpTable;
  webauthn_credentials: WebauthnCredentialsTable;
  sessions: SessionsTable;
  login_throttle: LoginThrottleTable;
  invitations: InvitationsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  system_audit_log: SystemAuditLogTable;
  frameworks: FrameworksTable;
  framework_requirements: FrameworkRequirementsTable;
  org_frameworks: OrgFrameworksTable;
  controls: ControlsTable;
  control_versions: ControlVersionsTable;
  notifications: NotificationsTable;
  check_results: CheckResultsTable;
  readiness_snapshots: ReadinessSnapshotsTable;
  evidence_tasks: EvidenceTasksTable;
  task_files: TaskFilesTable;
  keyring_keks: KeyringKeksTable;
  org_data_keys: OrgDataKeysTable;
  ledger_heads: LedgerHeadsTable;
  ledger_leaves: LedgerLeavesTable;
  ledger_keys: LedgerKeysTable;
  ledger_checkpoints: LedgerCheckpointsTable;
  policy_settings: PolicySettingsTable;
  policies: PoliciesTable;
  policy_versions: PolicyVersionsTable;
  policy_acceptances: PolicyAcceptancesTable;
  evidence: EvidenceTable;
  monitoring_sources: MonitoringSourcesTable;
  monitoring_pushes: MonitoringPushesTable;
  inventory_records: InventoryRecordsTable;
  check_exceptions: CheckExceptionsTable;
  control_monitor_status: ControlMonitorStatusTable;
  monitoring_settings: MonitoringSettingsTable;
  people: PeopleTable;
  people_groups: PeopleGroupsTable;
  people_group_members: PeopleGroupMembersTable;
  people_settings: PeopleSettingsTable;
  background_checks: BackgroundChecksTable;
  agreements: AgreementsTable;
  agreement_signatures: AgreementSignaturesTable;
  training_modules: TrainingModulesTable;
  training_attempts: TrainingAttemptsTable;
  systems: SystemsTable;
  access_requests: AccessRequestsTable;
  access_review_campaigns: AccessReviewCampaignsTable;
  access_review_items: AccessReviewItemsTable;
  access_review_schedules: AccessReviewSchedulesTable;
}
