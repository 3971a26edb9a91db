/** Tables of incidents, escalation and breach notices (migration 0017_incidents.sql); extended by Schema in src/db/schema.ts. */
import type { ColumnType } from 'kysely';
import type { Day, Timestamp } from '../schema.js';

export type IncidentSeverity = 'sev1' | 'sev2' | 'sev3' | 'sev4';
export type IncidentStatus = 'reported' | 'triaged' | 'contained' | 'resolved' | 'closed';
export type IncidentEventKind =
  | 'reported'
  | 'note'
  | 'status'
  | 'severity'
  | 'owner'
  | 'edited'
  | 'systems'
  | 'escalation'
  | 'escalation_failed'
  | 'breach'
  | 'delay'
  | 'customer'
  | 'notice_sent'
  | 'review';
export type WebhookStatus = 'none' | 'pending' | 'delivered' | 'failed';
export type NoticeVia = 'email' | 'letter' | 'portal';

type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface IncidentSettingsTable {
  org_id: string;
  notice_deadline_hours: Defaulted<number>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface IncidentEscalationRulesTable {
  id: string;
  org_id: string;
  severity: IncidentSeverity;
  notify_roles: Defaulted<string[]>;
  notify_user_ids: Defaulted<string[]>;
  emails: Defaulted<string[]>;
  webhook_url: string | null;
  webhook_secret_enc: string | null;
  target_minutes: number;
  updated_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IncidentsTable {
  id: string;
  org_id: string;
  number: number;
  title: string;
  description: Defaulted<string>;
  severity: IncidentSeverity;
  status: IncidentStatus;
  detected_at: Timestamp;
  reported_at: Timestamp;
  reported_by: string | null;
  owner_user_id: string | null;
  resolved_at: Timestamp | null;
  closed_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IncidentSystemsTable {
  org_id: string;
  incident_id: string;
  system_id: string;
}

export interface IncidentEventsTable {
  id: string;
  org_id: string;
  incident_id: string;
  kind: IncidentEventKind;
  occurred_at: Timestamp;
  recorded_at: Timestamp;
  actor_user_id: string | null;
  body: Defaulted<string>;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
}

export interface IncidentEscalationsTable {
  id: string;
  org_id: string;
  incident_id: string;
  rule_id: string | null;
  severity: IncidentSeverity;
  reason: 'reported' | 'severity_raised';
  triggered_at: Timestamp;
  target_minutes: number;
  notified_user_ids: Defaulted<string[]>;
  emails: Defaulted<string[]>;
  emails_sent: Defaulted<number>;
  sent_at: Timestamp | null;
  webhook_url: string | null;
  webhook_status: WebhookStatus;
  webhook_attempts: Defaulted<number>;
  webhook_next_at: Timestamp | null;
  webhook_last_error: string | null;
  webhook_delivered_at: Timestamp | null;
}

export interface IncidentBreachesTable {
  incident_id: string;
  org_id: string;
  occurred_on: Day | null;
  discovered_at: Timestamp;
  deadline_hours: number;
  marked_by: string | null;
  marked_at: Timestamp;
  extent: Defaulted<string>;
  what_happened: Defaulted<string>;
  breach_date: Defaulted<string>;
  discovery_date: Defaulted<string>;
  scope: Defaulted<string>;
  response: Defaulted<string>;
  updated_at: Timestamp;
}

export interface IncidentNoticeDelaysTable {
  id: string;
  org_id: string;
  incident_id: string;
  basis: 'law_enforcement' | 'legal';
  reason: string;
  requested_by: string;
  hours: number | null;
  until_at: Timestamp | null;
  recorded_by: string | null;
  recorded_at: Timestamp;
}

export interface IncidentCustomersTable {
  id: string;
  org_id: string;
  incident_id: string;
  name: string;
  contact_name: Defaulted<string>;
  contact_email: string;
  created_by: string | null;
  created_at: Timestamp;
}

export interface IncidentNoticesTable {
  id: string;
  org_id: string;
  incident_id: string;
  customer_id: string;
  extent: string | null;
  what_happened: string | null;
  breach_date: string | null;
  discovery_date: string | null;
  scope: string | null;
  response: string | null;
  status: 'draft' | 'sent';
  sent_at: Timestamp | null;
  sent_by: string | null;
  sent_via: NoticeVia | null;
  sent_to: string | null;
  emailed: Defaulted<boolean>;
  ledger_index: number | null;
  markdown_evidence_id: string | null;
  pdf_evidence_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IncidentReviewsTable {
  incident_id: string;
  org_id: string;
  root_cause: Defaulted<string>;
  went_well: Defaulted<string>;
  to_improve: Defaulted<string>;
  action_items: ColumnType<unknown, string | undefined, string>;
  completed_at: Timestamp | null;
  completed_by: string | null;
  updated_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IncidentTables {
  incident_settings: IncidentSettingsTable;
  incident_escalation_rules: IncidentEscalationRulesTable;
  incidents: IncidentsTable;
  incident_systems: IncidentSystemsTable;
  incident_events: IncidentEventsTable;
  incident_escalations: IncidentEscalationsTable;
  incident_breaches: IncidentBreachesTable;
  incident_notice_delays: IncidentNoticeDelaysTable;
  incident_customers: IncidentCustomersTable;
  incident_notices: IncidentNoticesTable;
  incident_reviews: IncidentReviewsTable;
}
