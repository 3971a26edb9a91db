-- Audits and the auditor portal (src/modules/audits): an audit names a framework, an observation
-- window and how long its auditors keep access; auditors are linked to the audits they work on
-- (a user, or an email while their invitation is pending); auditors raise evidence requests that
-- the team answers with messages and linked evidence.
-- The window is two calendar days, both included: [window_start, window_end + 1 day) in UTC.

CREATE TABLE audits (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  -- One of the organisation's frameworks when created (checked by the service: framework ids are
  -- unique only among what one organisation sees, so there is no foreign key to reference).
  framework_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('soc2_type1', 'soc2_type2', 'iso27001', 'other')),
  firm text NOT NULL DEFAULT '' CHECK (length(firm) <= 200),
  window_start date NOT NULL,
  window_end date NOT NULL,
  -- Auditors on this audit see it until then (their membership, when invited for it, ends then too).
  access_expires_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'fieldwork', 'completed')),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (window_end >= window_start),
  CHECK (window_end - window_start <= 1096)
);
CREATE INDEX audits_org ON audits (org_id, window_start DESC);
GRANT SELECT, INSERT, UPDATE ON audits TO attest_app;

-- Who audits what. user_id is set once the person is a member (directly, or when they accept
-- the invitation sent for the audit, matched by email). Removing the row ends their access.
CREATE TABLE audit_auditors (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  audit_id uuid NOT NULL REFERENCES audits (id),
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 320 AND email = lower(email)),
  user_id uuid REFERENCES users (id),
  invitation_id uuid REFERENCES invitations (id),
  added_by uuid REFERENCES users (id),
  added_at timestamptz NOT NULL,
  UNIQUE (audit_id, email)
);
CREATE INDEX audit_auditors_user ON audit_auditors (org_id, user_id);
GRANT SELECT, INSERT, UPDATE, DELETE ON audit_auditors TO attest_app;

-- Evidence requests: raised by an auditor, answered by the team, accepted (or reopened) by the auditor.
CREATE TABLE audit_requests (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  audit_id uuid NOT NULL REFERENCES audits (id),
  number integer NOT NULL CHECK (number > 0),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  details text NOT NULL DEFAULT '' CHECK (length(details) <= 5000),
  control_id uuid REFERENCES controls (id),
  due_on date,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'accepted', 'reopened')),
  raised_by uuid NOT NULL REFERENCES users (id),
  raised_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (audit_id, number)
);
GRANT SELECT, INSERT, UPDATE ON audit_requests TO attest_app;

-- The conversation on a request: answers from the team, reopening notes and acceptances.
CREATE TABLE audit_request_messages (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  request_id uuid NOT NULL REFERENCES audit_requests (id),
  kind text NOT NULL CHECK (kind IN ('answer', 'reopen', 'accept')),
  body text NOT NULL DEFAULT '' CHECK (length(body) <= 5000),
  author_user_id uuid REFERENCES users (id),
  created_at timestamptz NOT NULL
);
CREATE INDEX audit_request_messages_request ON audit_request_messages (request_id, created_at);
GRANT SELECT, INSERT ON audit_request_messages TO attest_app;

-- Evidence items the team links to a request as (part of) the answer.
CREATE TABLE audit_request_evidence (
  org_id uuid NOT NULL REFERENCES organizations (id),
  request_id uuid NOT NULL REFERENCES audit_requests (id),
  evidence_id uuid NOT NULL REFERENCES evidence (id),
  linked_by uuid REFERENCES users (id),
  linked_at timestamptz NOT NULL,
  PRIMARY KEY (request_id, evidence_id)
);
GRANT SELECT, INSERT ON audit_request_evidence TO attest_app;

ALTER TABLE audits ENABLE ROW LEVEL SECURITY;
ALTER TABLE audits FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON audits USING (true) WITH CHECK (true);
CREATE POLICY tenant ON audits AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE audit_auditors ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_auditors FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON audit_auditors USING (true) WITH CHECK (true);
CREATE POLICY tenant ON audit_auditors AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE audit_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON audit_requests USING (true) WITH CHECK (true);
CREATE POLICY tenant ON audit_requests AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE audit_request_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_request_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON audit_request_messages USING (true) WITH CHECK (true);
CREATE POLICY tenant ON audit_request_messages AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE audit_request_evidence ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_request_evidence FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON audit_request_evidence USING (true) WITH CHECK (true);
CREATE POLICY tenant ON audit_request_evidence AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
