-- Incidents (src/modules/incidents): reported by anyone in the organisation, classified by
-- severity, escalated by the organisation's rules (in-app, email, signed webhook), followed on a
-- timeline, reviewed after resolution; a breach of customer data opens the notice workflow
-- (affected customers, one notice each with every required fact, a deadline clock that lawful
-- delays extend). Mirrored into the inventory as incident records (source kind 'incidents').

-- How long the organisation gives itself to notify customers of a breach, from its discovery.
CREATE TABLE incident_settings (
  org_id uuid PRIMARY KEY REFERENCES organizations (id),
  notice_deadline_hours integer NOT NULL DEFAULT 72 CHECK (notice_deadline_hours BETWEEN 1 AND 8760),
  updated_by uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON incident_settings TO attest_app;

-- One escalation rule per severity: who hears of an incident of that severity, where the
-- webhook goes, and how many minutes the escalation may take. The webhook's shared secret is
-- sealed with the master key (AES-256-GCM, bound to the organisation and the rule).
CREATE TABLE incident_escalation_rules (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  severity text NOT NULL CHECK (severity IN ('sev1', 'sev2', 'sev3', 'sev4')),
  notify_roles text[] NOT NULL DEFAULT '{}'
    CHECK (notify_roles <@ ARRAY['owner', 'admin', 'member', 'reviewer', 'auditor']::text[]),
  notify_user_ids uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(notify_user_ids) <= 50),
  emails text[] NOT NULL DEFAULT '{}' CHECK (cardinality(emails) <= 20),
  webhook_url text CHECK (length(webhook_url) BETWEEN 8 AND 2000),
  webhook_secret_enc text,
  target_minutes integer NOT NULL CHECK (target_minutes BETWEEN 1 AND 10080),
  updated_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (org_id, severity),
  CHECK ((webhook_url IS NULL) = (webhook_secret_enc IS NULL))
);
GRANT SELECT, INSERT, UPDATE, DELETE ON incident_escalation_rules TO attest_app;

-- The incident register. `number` is the organisation's own running number (#1, #2, …).
CREATE TABLE incidents (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  number integer NOT NULL CHECK (number > 0),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
  severity text NOT NULL CHECK (severity IN ('sev1', 'sev2', 'sev3', 'sev4')),
  status text NOT NULL CHECK (status IN ('reported', 'triaged', 'contained', 'resolved', 'closed')),
  -- When the problem was first noticed (may be before it was reported here).
  detected_at timestamptz NOT NULL,
  reported_at timestamptz NOT NULL,
  reported_by uuid REFERENCES users (id),
  owner_user_id uuid REFERENCES users (id),
  resolved_at timestamptz,
  closed_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (org_id, number),
  CHECK (status NOT IN ('resolved', 'closed') OR resolved_at IS NOT NULL),
  CHECK (status <> 'closed' OR closed_at IS NOT NULL)
);
CREATE INDEX incidents_status ON incidents (org_id, status, reported_at DESC);
CREATE INDEX incidents_reporter ON incidents (org_id, reported_by);
CREATE INDEX incidents_owner ON incidents (org_id, owner_user_id);
GRANT SELECT, INSERT, UPDATE ON incidents TO attest_app;

-- Systems of the catalogue (src/modules/access) an incident touches.
CREATE TABLE incident_systems (
  org_id uuid NOT NULL REFERENCES organizations (id),
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  system_id uuid NOT NULL REFERENCES systems (id),
  PRIMARY KEY (incident_id, system_id)
);
GRANT SELECT, INSERT, DELETE ON incident_systems TO attest_app;

-- The timeline: what happened and what was done, each with its time (a note may tell of
-- something earlier than its recording) and who recorded it (null: Attest itself). Append-only.
CREATE TABLE incident_events (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('reported', 'note', 'status', 'severity', 'owner', 'edited', 'systems',
                                     'escalation', 'escalation_failed', 'breach', 'delay', 'customer',
                                     'notice_sent', 'review')),
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL,
  actor_user_id uuid REFERENCES users (id),
  body text NOT NULL DEFAULT '' CHECK (length(body) <= 10000),
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX incident_events_incident ON incident_events (org_id, incident_id, occurred_at, recorded_at);
GRANT SELECT, INSERT ON incident_events TO attest_app;

-- Each time a rule fired for an incident: on report and on every raise of its severity.
-- `sent_at` is when the escalation first reached someone (in-app notices, an accepted email,
-- or a webhook answered 2xx); a failing webhook is retried by the incidents.escalations job.
CREATE TABLE incident_escalations (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  rule_id uuid REFERENCES incident_escalation_rules (id) ON DELETE SET NULL,
  severity text NOT NULL CHECK (severity IN ('sev1', 'sev2', 'sev3', 'sev4')),
  reason text NOT NULL CHECK (reason IN ('reported', 'severity_raised')),
  triggered_at timestamptz NOT NULL,
  target_minutes integer NOT NULL CHECK (target_minutes BETWEEN 1 AND 10080),
  notified_user_ids uuid[] NOT NULL DEFAULT '{}',
  emails text[] NOT NULL DEFAULT '{}',
  emails_sent integer NOT NULL DEFAULT 0,
  sent_at timestamptz,
  webhook_url text,
  webhook_status text NOT NULL CHECK (webhook_status IN ('none', 'pending', 'delivered', 'failed')),
  webhook_attempts integer NOT NULL DEFAULT 0,
  webhook_next_at timestamptz,
  webhook_last_error text CHECK (length(webhook_last_error) <= 500),
  webhook_delivered_at timestamptz
);
CREATE INDEX incident_escalations_incident ON incident_escalations (org_id, incident_id, triggered_at);
CREATE INDEX incident_escalations_webhooks ON incident_escalations (webhook_next_at) WHERE webhook_status = 'pending';
GRANT SELECT, INSERT, UPDATE ON incident_escalations TO attest_app;

-- A breach of customer data: when it happened (if known) and was discovered, the hours the
-- organisation had to notify when it was marked, and the notice text shared by every notice
-- (a notice may override each field for its customer).
CREATE TABLE incident_breaches (
  incident_id uuid PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organizations (id),
  occurred_on date,
  discovered_at timestamptz NOT NULL,
  deadline_hours integer NOT NULL CHECK (deadline_hours BETWEEN 1 AND 8760),
  marked_by uuid REFERENCES users (id),
  marked_at timestamptz NOT NULL,
  extent text NOT NULL DEFAULT '' CHECK (length(extent) <= 20000),
  what_happened text NOT NULL DEFAULT '' CHECK (length(what_happened) <= 20000),
  breach_date text NOT NULL DEFAULT '' CHECK (length(breach_date) <= 200),
  discovery_date text NOT NULL DEFAULT '' CHECK (length(discovery_date) <= 200),
  scope text NOT NULL DEFAULT '' CHECK (length(scope) <= 20000),
  response text NOT NULL DEFAULT '' CHECK (length(response) <= 20000),
  updated_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON incident_breaches TO attest_app;

-- Delays of the notice that law enforcement asked for or the law requires: they extend the
-- deadline by some hours, or to a date. Append-only: a delay recorded stays on the record.
CREATE TABLE incident_notice_delays (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  basis text NOT NULL CHECK (basis IN ('law_enforcement', 'legal')),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  -- Who asked for it or where the law says so (an agency, counsel).
  requested_by text NOT NULL CHECK (length(requested_by) BETWEEN 1 AND 200),
  hours integer CHECK (hours BETWEEN 1 AND 8760),
  until_at timestamptz,
  recorded_by uuid REFERENCES users (id),
  recorded_at timestamptz NOT NULL,
  CHECK ((hours IS NULL) <> (until_at IS NULL))
);
CREATE INDEX incident_notice_delays_incident ON incident_notice_delays (org_id, incident_id, recorded_at);
GRANT SELECT, INSERT ON incident_notice_delays TO attest_app;

-- Customers whose data the breach touched, and who to write to.
CREATE TABLE incident_customers (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  contact_name text NOT NULL DEFAULT '' CHECK (length(contact_name) <= 200),
  contact_email text NOT NULL CHECK (contact_email = lower(contact_email) AND length(contact_email) BETWEEN 3 AND 320),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX incident_customers_name ON incident_customers (incident_id, lower(name));
GRANT SELECT, INSERT, DELETE ON incident_customers TO attest_app;

-- One notice per affected customer. A null field takes the breach's shared text; sending
-- writes every field as sent (the notice is frozen from then on), with how it went out and the
-- Markdown and PDF copies kept as evidence.
CREATE TABLE incident_notices (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  customer_id uuid NOT NULL UNIQUE REFERENCES incident_customers (id) ON DELETE CASCADE,
  extent text CHECK (length(extent) <= 20000),
  what_happened text CHECK (length(what_happened) <= 20000),
  breach_date text CHECK (length(breach_date) <= 200),
  discovery_date text CHECK (length(discovery_date) <= 200),
  scope text CHECK (length(scope) <= 20000),
  response text CHECK (length(response) <= 20000),
  status text NOT NULL CHECK (status IN ('draft', 'sent')),
  sent_at timestamptz,
  sent_by uuid REFERENCES users (id),
  sent_via text CHECK (sent_via IN ('email', 'letter', 'portal')),
  sent_to text CHECK (length(sent_to) <= 320),
  -- True when Attest emailed it itself (SMTP configured), false when it was sent another way.
  emailed boolean NOT NULL DEFAULT false,
  ledger_index integer,
  markdown_evidence_id uuid REFERENCES evidence (id),
  pdf_evidence_id uuid REFERENCES evidence (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (status = 'draft' OR (sent_at IS NOT NULL AND sent_via IS NOT NULL AND extent IS NOT NULL
         AND what_happened IS NOT NULL AND breach_date IS NOT NULL AND discovery_date IS NOT NULL
         AND scope IS NOT NULL AND response IS NOT NULL))
);
CREATE INDEX incident_notices_incident ON incident_notices (org_id, incident_id);
GRANT SELECT, INSERT, UPDATE ON incident_notices TO attest_app;

-- The post-incident review: root cause, what went well, what to improve, and action items
-- ([{ id, title, ownerUserId, dueOn, done }]). Complete once `completed_at` is set.
CREATE TABLE incident_reviews (
  incident_id uuid PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organizations (id),
  root_cause text NOT NULL DEFAULT '' CHECK (length(root_cause) <= 20000),
  went_well text NOT NULL DEFAULT '' CHECK (length(went_well) <= 20000),
  to_improve text NOT NULL DEFAULT '' CHECK (length(to_improve) <= 20000),
  action_items jsonb NOT NULL DEFAULT '[]',
  completed_at timestamptz,
  completed_by uuid REFERENCES users (id),
  updated_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON incident_reviews TO attest_app;

ALTER TABLE incident_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON incident_settings USING (true) WITH CHECK (true);
CREATE POLICY tenant ON incident_settings AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE incident_escalation_rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_escalation_rules FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON incident_escalation_rules USING (true) WITH CHECK (true);
CREATE POLICY tenant ON incident_escalation_rules AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE incidents ENABLE ROW LEVEL SECURITY;
ALTER TABLE incidents FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON incidents USING (true) WITH CHECK (true);
CREATE POLICY tenant ON incidents AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE incident_systems ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_systems FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON incident_systems USING (true) WITH CHECK (true);
CREATE POLICY tenant ON incident_systems AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE incident_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_events FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON incident_events USING (true) WITH CHECK (true);
CREATE POLICY tenant ON incident_events AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE incident_escalations ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_escalations FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON incident_escalations USING (true) WITH CHECK (true);
CREATE POLICY tenant ON incident_escalations AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE incident_breaches ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_breaches FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON incident_breaches USING (true) WITH CHECK (true);
CREATE POLICY tenant ON incident_breaches AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE incident_notice_delays ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_notice_delays FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON incident_notice_delays USING (true) WITH CHECK (true);
CREATE POLICY tenant ON incident_notice_delays AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE incident_customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_customers FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON incident_customers USING (true) WITH CHECK (true);
CREATE POLICY tenant ON incident_customers AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE incident_notices ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_notices FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON incident_notices USING (true) WITH CHECK (true);
CREATE POLICY tenant ON incident_notices AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE incident_reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_reviews FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON incident_reviews USING (true) WITH CHECK (true);
CREATE POLICY tenant ON incident_reviews AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
