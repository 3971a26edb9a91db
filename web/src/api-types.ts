// Response shapes of /api/v1, as the server documents them.

export type Role = 'owner' | 'admin' | 'member' | 'reviewer' | 'auditor';
export const ROLES: readonly Role[] = ['owner', 'admin', 'member', 'reviewer', 'auditor'];
export type Stage = 'mfa' | 'enrol' | 'full';

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  requestId?: string;
  errors?: { path: string; message: string }[];
}

export interface OrganisationRef {
  id: string;
  slug: string;
  name: string;
}

export interface Me {
  user: { id: string; email: string; name: string };
  session: { stage: Stage; csrfToken: string; expiresAt: string; idleExpiresAt: string };
  organisation: OrganisationRef | null;
  role: Role | null;
  organisations: (OrganisationRef & { role: Role })[];
  mfa: { totp: boolean; webauthn: number; required: boolean };
}

export interface StageResult {
  stage: Stage;
}

export interface Items<T> {
  items: T[];
}

export interface AuditItem {
  id: string;
  at: string;
  actor: string | null;
  actorUserId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: unknown;
}

export interface AuditPage extends Items<AuditItem> {
  nextCursor: string | null;
}

export interface Dashboard {
  organisation: OrganisationRef;
  members: { total: number; withMfa: number; byRole: Partial<Record<Role, number>> };
  invitations: { pending: number };
  tokens: { active: number };
  recentActivity: AuditItem[];
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  mfa: boolean;
  joinedAt: string;
  expiresAt: string | null;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  status: 'pending' | 'accepted' | 'expired' | 'revoked';
  invitedBy: string | null;
}

export interface InvitationCreated {
  invitation: Invitation;
  link: string | null;
  emailed: boolean;
}

export interface InvitationLookup {
  organisation: { name: string };
  email: string;
  role: Role;
  accountExists: boolean;
}

export interface ApiToken {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  owner: { id: string; email: string };
}

export interface TokenScope {
  scope: string;
  description: string;
}

export interface TotpSetup {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
}

export interface WebauthnCredential {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface SessionInfo {
  id: string;
  current: boolean;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
}

export interface Organisation extends OrganisationRef {
  createdAt: string;
}

export interface FrameworkCategory {
  id: string;
  name: string;
  required: boolean;
  inScope: boolean;
  requirements: number;
}

export interface Framework {
  id: string;
  name: string;
  version: string;
  description: string;
  adopted: boolean;
  categories: FrameworkCategory[];
  requirements: { total: number; inScope: number };
}

export interface Requirement {
  ref: string;
  category: string;
  group: string;
  title: string;
  inScope: boolean;
}

export type ControlStatus = 'not_started' | 'in_progress' | 'implemented' | 'not_applicable';
export type Health = 'passing' | 'failing' | 'attention' | 'not_implemented' | 'not_applicable';
export type CheckState = 'passing' | 'failing' | 'excepted' | 'not_connected';
export type RequirementStatus = 'met' | 'failing' | 'in_progress' | 'gap' | 'not_applicable';

export interface Control {
  id: string;
  key: string;
  title: string;
  description: string;
  domain: string;
  status: ControlStatus;
  owner: { id: string; email: string; name: string } | null;
  ownerRole: string;
  seedLines: string[];
  criteria: string[];
  checks: { id: string; state: CheckState; failing: number; excepted: number }[];
  policies: string[];
  evidence: { title: string; cadence: string }[];
  health: Health;
  reasons: string[];
  version: number;
  fromLibrary: boolean;
  retired: boolean;
  updatedAt: string;
}

export interface ControlPage extends Items<Control> {
  nextCursor: string | null;
}

export interface Coverage {
  lines: {
    id: string;
    summary: string;
    controls: { key: string; title: string; status: ControlStatus; health: Health }[];
  }[];
  uncovered: number;
}

export interface ControlVersion {
  version: number;
  title: string;
  status: ControlStatus;
  criteria: string[];
  seedLines: string[];
  policies: string[];
  retired: boolean;
  changedBy: string | null;
  changedAt: string;
  reason: string | null;
}

// Readiness
export interface ControlCounts {
  total: number;
  implemented: number;
  overdueEvidence: number;
  byHealth: Record<Health, number>;
}

export interface CategoryReadiness {
  id: string;
  name: string;
  inScope: boolean;
  requirements: number;
  met: number;
  failing: number;
  gaps: number;
  readiness: number;
}

export interface FrameworkReadiness {
  id: string;
  name: string;
  version: string;
  categories: CategoryReadiness[];
  requirements: { total: number; met: number; failing: number; inProgress: number; gaps: number };
  controls: ControlCounts;
  readiness: number;
}

export interface Readiness {
  generatedAt: string;
  controls: ControlCounts;
  frameworks: FrameworkReadiness[];
  attention: { id: string; key: string; title: string; health: Health; reasons: string[] }[];
  trend: { day: string; readiness: number; passing: number; failing: number; controls: number }[];
}

export interface RequirementReadiness {
  ref: string;
  title: string;
  category: string;
  group: string;
  inScope: boolean;
  status: RequirementStatus;
  controls: { id: string; key: string; title: string; health: Health }[];
}

export interface NewControl {
  title: string;
  description: string;
  domain: string;
  criteria: string[];
  seedLines?: string[];
  policies?: string[];
  ownerUserId?: string | null;
}

export interface ControlEdit {
  title?: string;
  description?: string;
  status?: ControlStatus;
  ownerUserId?: string | null;
  criteria?: string[];
  seedLines?: string[];
  policies?: string[];
  expectedVersion?: number;
  reason?: string;
}

// OSCAL

/** A framework as GET /frameworks answers: built in, or imported by this organisation from OSCAL. */
export interface OscalFramework extends Framework {
  source: 'builtin' | 'oscal';
  revision: number;
}

export interface OscalImportResult {
  id: string;
  name: string;
  model: 'catalog' | 'profile';
  requirements: number;
  categories: number;
  revision: number;
  updated: boolean;
}

export type OscalExportKind = 'catalog' | 'component-definition' | 'ssp';

// Evidence tasks
export type TaskCadence = 'once' | 'monthly' | 'quarterly' | 'yearly';
export type TaskStatus = 'open' | 'completed' | 'cancelled';

export interface TaskPerson {
  id: string;
  email: string;
  name: string;
}

export type TaskCompletion =
  | { kind: 'link'; url: string }
  | { kind: 'note'; note: string }
  | { kind: 'file'; file: { name: string; contentType: string; size: number; sha256: string } };

export interface EvidenceTask {
  id: string;
  control: { id: string; key: string; title: string };
  title: string;
  description: string;
  cadence: TaskCadence;
  status: TaskStatus;
  assignee: TaskPerson | null;
  dueAt: string;
  overdue: boolean;
  seriesId: string;
  completedAt: string | null;
  completedBy: TaskPerson | null;
  completion: TaskCompletion | null;
  remindedAt: string | null;
  createdAt: string;
}

export interface TaskPage extends Items<EvidenceTask> {
  nextCursor: string | null;
}

export interface TaskCompleted {
  task: EvidenceTask;
  next: EvidenceTask | null;
}

// Policies
export type PolicyStatus = 'draft' | 'in_review' | 'approved' | 'published';

export interface PolicyPerson {
  id: string;
  email: string;
  name: string;
}

export interface PolicyItem {
  id: string;
  key: string;
  title: string;
  summary: string;
  fromTemplate: boolean;
  status: PolicyStatus;
  publishedVersion: number | null;
  materialVersion: number | null;
  owner: PolicyPerson | null;
  reviewer: PolicyPerson | null;
  acceptance: { accepted: number; required: number } | null;
  mine: { acceptedVersion: number | null; pending: boolean } | null;
  updatedAt: string;
}

export interface PolicyPage {
  items: PolicyItem[];
  nextCursor: string | null;
}

export interface PolicyDetail extends PolicyItem {
  draft: {
    body: string;
    material: boolean;
    changeSummary: string;
    submittedBy: PolicyPerson | null;
    submittedAt: string | null;
    approvedBy: PolicyPerson | null;
    approvedAt: string | null;
    reviewComment: string | null;
    lockVersion: number;
    problems: { path: string; message: string }[];
    untouched: boolean;
  } | null;
}

export interface PolicyVersionSummary {
  version: number;
  title: string;
  material: boolean;
  changeSummary: string;
  publishedAt: string;
  publishedBy: string | null;
  approvedBy: string | null;
}

export interface PolicyVersion extends PolicyVersionSummary {
  policyId: string;
  key: string;
  body: string;
}

export interface PolicyDiff {
  from: number | null;
  to: number;
  added: number;
  removed: number;
  hunks: {
    kind: 'same' | 'added' | 'removed' | 'changed';
    text: string;
    lines: number;
    words?: { kind: 'same' | 'added' | 'removed'; text: string }[];
  }[];
}

export interface PolicyAcceptances {
  version: number | null;
  materialVersion: number | null;
  accepted: number;
  required: number;
  items: {
    user: PolicyPerson;
    role: string;
    acceptedVersion: number | null;
    acceptedAt: string | null;
    current: boolean;
  }[];
  nextCursor: string | null;
}

export interface PendingPolicy {
  id: string;
  key: string;
  title: string;
  version: number;
  publishedAt: string;
  material: boolean;
  changeSummary: string;
  acceptedVersion: number | null;
  body: string;
}

export interface PolicyVariable {
  name: string;
  description: string;
  default: string;
  value: string | null;
  effective: string;
}

// Notifications
export interface NotificationItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  read: boolean;
}

export interface NotificationPage extends Items<NotificationItem> {
  unread: number;
  nextCursor: string | null;
}

// Evidence
/** verified: its inclusion proof checks against the latest signed checkpoint; pending: no checkpoint covers it yet. */
export type LedgerState = 'verified' | 'pending' | 'failed' | 'erased';

export interface EvidenceItem {
  id: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  control: { id: string; key: string; title: string } | null;
  task: { id: string; title: string } | null;
  effectiveFrom: string;
  effectiveTo: string | null;
  note: string;
  uploadedBy: TaskPerson | null;
  uploadedAt: string;
  ledgerIndex: number;
  ledger: LedgerState;
  erased: { at: string; by: TaskPerson | null; reason: string } | null;
}

export interface EvidencePage extends Items<EvidenceItem> {
  nextCursor: string | null;
}
