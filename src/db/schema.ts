import type { ColumnType, Generated } from 'kysely';

/** Column types of the tables the migrations create (test/schema.test.ts checks they agree). */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

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
  source: 'builtin';
  updated_at: DefaultedTimestamp;
}

export interface FrameworkRequirementsTable {
  framework_id: string;
  ref: string;
  category: string;
  grouping: string;
  title: string;
  sort: number;
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
  retired_at: Timestamp | null;
  changed_by: string | null;
  changed_at: Timestamp;
  reason: string | null;
}

export interface Schema {
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
}
