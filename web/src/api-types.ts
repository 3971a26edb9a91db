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
  checks: { id: string; state: 'not_connected' }[];
  evidence: { title: string; cadence: string }[];
  version: number;
  fromLibrary: boolean;
  retired: boolean;
  updatedAt: string;
}

export interface ControlPage extends Items<Control> {
  nextCursor: string | null;
}

export interface Coverage {
  lines: { id: string; summary: string; controls: { key: string; title: string; status: ControlStatus }[] }[];
  uncovered: number;
}

export interface ControlVersion {
  version: number;
  title: string;
  status: ControlStatus;
  criteria: string[];
  changedBy: string | null;
  changedAt: string;
  reason: string | null;
}
