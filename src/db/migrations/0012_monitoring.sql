-- Continuous monitoring (src/modules/monitoring, src/checks, src/integrations): sources push
-- their full state as typed inventory records; checks over the records give results; results
-- decide control status, and a change of a control's status is appended to the ledger.

-- A source: one system Attest hears from (an AWS account, a scanner, an identity provider, a
-- probe). Credentials for scheduled pulls are sealed with the organisation's data key.
CREATE TABLE monitoring_sources (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  kind text NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  config jsonb NOT NULL DEFAULT '{}',
  credentials_enc bytea,
  credentials_term integer,
  schedule text NOT NULL DEFAULT 'manual' CHECK (schedule IN ('manual', 'hourly', 'daily')),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  last_push_at timestamptz,
  last_status text CHECK (last_status IN ('ok', 'failed')),
  last_error text,
  UNIQUE (org_id, kind, name)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON monitoring_sources TO attest_app;

-- Every accepted push, with what it changed. An Idempotency-Key makes a retry answer the first
-- push's summary and write nothing again.
CREATE TABLE monitoring_pushes (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  source_id uuid NOT NULL REFERENCES monitoring_sources (id) ON DELETE CASCADE,
  idempotency_key text,
  request_hash text NOT NULL,
  format text NOT NULL,
  received_at timestamptz NOT NULL,
  summary jsonb NOT NULL,
  pushed_by uuid REFERENCES users (id),
  UNIQUE (org_id, idempotency_key)
);
CREATE INDEX monitoring_pushes_source ON monitoring_pushes (org_id, source_id, received_at DESC);
GRANT SELECT, INSERT ON monitoring_pushes TO attest_app;

-- The inventory: one row per record a source reported, keyed by source, scope and the
-- source's own id. A record missing from a later push of its scope is a tombstone
-- (deleted_at), never removed, so its results' history stays explained.
CREATE TABLE inventory_records (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  source_id uuid NOT NULL REFERENCES monitoring_sources (id) ON DELETE CASCADE,
  scope text NOT NULL,
  type text NOT NULL CHECK (type IN ('account', 'person', 'device', 'cloud_resource', 'finding', 'endpoint', 'database')),
  external_id text NOT NULL,
  name text NOT NULL,
  data jsonb NOT NULL,
  content_hash text NOT NULL,
  -- Lower-cased email of accounts and people (how accounts are matched to people).
  email text,
  -- An account linked by hand to a person record (when the emails differ).
  person_record_id uuid REFERENCES inventory_records (id),
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  deleted_at timestamptz,
  UNIQUE (org_id, source_id, scope, external_id)
);
CREATE INDEX inventory_records_type ON inventory_records (org_id, type) WHERE deleted_at IS NULL;
CREATE INDEX inventory_records_email ON inventory_records (org_id, email) WHERE deleted_at IS NULL AND email IS NOT NULL;
GRANT SELECT, INSERT, UPDATE ON inventory_records TO attest_app;

-- Results now name the record they are about, its display name, the check's severity, and for
-- a failing result since when it fails and by when it must be fixed.
ALTER TABLE check_results ADD COLUMN resource_name text NOT NULL DEFAULT '';
ALTER TABLE check_results ADD COLUMN severity text NOT NULL DEFAULT 'medium';
ALTER TABLE check_results ADD COLUMN failing_since timestamptz;
ALTER TABLE check_results ADD COLUMN due_at timestamptz;
CREATE UNIQUE INDEX check_results_one_current ON check_results (org_id, check_id, resource) WHERE superseded_at IS NULL;

-- An accepted failure: shown as an exception (never as a pass) until it expires or is revoked.
-- resource NULL covers every resource of the check.
CREATE TABLE check_exceptions (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  check_id text NOT NULL,
  resource text,
  justification text NOT NULL CHECK (length(justification) BETWEEN 10 AND 5000),
  requested_by uuid NOT NULL REFERENCES users (id),
  approved_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_by uuid REFERENCES users (id),
  CHECK (expires_at > created_at)
);
CREATE INDEX check_exceptions_active ON check_exceptions (org_id, check_id) WHERE revoked_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON check_exceptions TO attest_app;

-- The monitored status of each control as last derived, so a change can be noticed and
-- committed to the ledger (kind 'control.status').
CREATE TABLE control_monitor_status (
  org_id uuid NOT NULL REFERENCES organizations (id),
  control_id uuid NOT NULL,
  health text NOT NULL,
  changed_at timestamptz NOT NULL,
  ledger_index integer NOT NULL,
  PRIMARY KEY (org_id, control_id)
);
GRANT SELECT, INSERT, UPDATE ON control_monitor_status TO attest_app;

-- Organisation settings for monitoring (SLA days by severity, deadlines); defaults in code.
CREATE TABLE monitoring_settings (
  org_id uuid PRIMARY KEY REFERENCES organizations (id),
  settings jsonb NOT NULL,
  updated_by uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON monitoring_settings TO attest_app;

ALTER TABLE monitoring_sources ENABLE ROW LEVEL SECURITY;
ALTER TABLE monitoring_sources FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON monitoring_sources USING (true) WITH CHECK (true);
CREATE POLICY tenant ON monitoring_sources AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE monitoring_pushes ENABLE ROW LEVEL SECURITY;
ALTER TABLE monitoring_pushes FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON monitoring_pushes USING (true) WITH CHECK (true);
CREATE POLICY tenant ON monitoring_pushes AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE inventory_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE inventory_records FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON inventory_records USING (true) WITH CHECK (true);
CREATE POLICY tenant ON inventory_records AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE check_exceptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE check_exceptions FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON check_exceptions USING (true) WITH CHECK (true);
CREATE POLICY tenant ON check_exceptions AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE control_monitor_status ENABLE ROW LEVEL SECURITY;
ALTER TABLE control_monitor_status FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON control_monitor_status USING (true) WITH CHECK (true);
CREATE POLICY tenant ON control_monitor_status AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE monitoring_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE monitoring_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON monitoring_settings USING (true) WITH CHECK (true);
CREATE POLICY tenant ON monitoring_settings AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
