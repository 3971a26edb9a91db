-- People and access (src/modules/people, scim, training, agreements, access, reviews): the people
-- register and how people join and leave, the confidentiality agreement, security training,
-- the catalogue of systems, access requests and access review campaigns.
-- Calendar days are `date`; they come back as YYYY-MM-DD text (src/db/connect.ts).

-- The people register: everyone who works for the organisation, employees and contractors.
-- Fed by hand, by HRIS imports and by SCIM provisioning; mirrored into the inventory as
-- person records (source kind 'people') so checks read one truth.
CREATE TABLE people (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  -- Lower-cased: how people are matched to accounts and to Attest users.
  email text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 320),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  employment_type text NOT NULL DEFAULT 'employee' CHECK (employment_type IN ('employee', 'contractor', 'other')),
  department text,
  title text,
  manager_email text,
  start_date date,
  end_date date,
  -- False when the identity provider deactivated the person (SCIM active=false).
  active boolean NOT NULL DEFAULT true,
  source text NOT NULL CHECK (source IN ('manual', 'hris', 'scim')),
  -- SCIM: the client's userName and externalId, the groups and other attributes it sent.
  user_name text,
  external_id text,
  scim jsonb NOT NULL DEFAULT '{}',
  -- Bumped on every change: SCIM's meta.version (ETag).
  version integer NOT NULL DEFAULT 1,
  -- The departure report (evidence) once offboarding is closed.
  offboarding_closed_at timestamptz,
  offboarding_closed_by uuid REFERENCES users (id),
  offboarding_report_id uuid REFERENCES evidence (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (org_id, email),
  CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE UNIQUE INDEX people_user_name ON people (org_id, lower(user_name)) WHERE user_name IS NOT NULL;
CREATE INDEX people_departed ON people (org_id, end_date) WHERE end_date IS NOT NULL;
GRANT SELECT, INSERT, UPDATE, DELETE ON people TO attest_app;

-- SCIM groups (an identity provider's groups, with their members).
CREATE TABLE people_groups (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  external_id text,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (org_id, display_name)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON people_groups TO attest_app;

CREATE TABLE people_group_members (
  org_id uuid NOT NULL REFERENCES organizations (id),
  group_id uuid NOT NULL REFERENCES people_groups (id) ON DELETE CASCADE,
  person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, person_id)
);
-- A user's groups (SCIM shows them on every user; a deprovisioned user leaves them all).
CREATE INDEX people_group_members_person ON people_group_members (person_id);
GRANT SELECT, INSERT, DELETE ON people_group_members TO attest_app;

-- What onboarding asks of each new person (defaults in code when there is no row).
CREATE TABLE people_settings (
  org_id uuid PRIMARY KEY REFERENCES organizations (id),
  settings jsonb NOT NULL,
  updated_by uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON people_settings TO attest_app;

-- One background check per person (its history is in the audit log).
CREATE TABLE background_checks (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('not_started', 'in_progress', 'passed', 'failed')),
  provider text,
  requested_on date,
  completed_on date,
  note text NOT NULL DEFAULT '',
  -- The provider's report, stored as evidence.
  report_id uuid REFERENCES evidence (id),
  updated_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (person_id),
  CHECK (status NOT IN ('passed', 'failed') OR completed_on IS NOT NULL)
);
GRANT SELECT, INSERT, UPDATE ON background_checks TO attest_app;

-- The organisation's confidentiality agreement: immutable versions, the latest one is current.
-- Either written here (markdown body) or uploaded (a file kept as evidence); sha256 is of the
-- text (UTF-8) or of the file, and is what a signature binds to.
CREATE TABLE agreements (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  version integer NOT NULL,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body text,
  file_id uuid REFERENCES evidence (id),
  sha256 text NOT NULL,
  published_by uuid REFERENCES users (id),
  published_at timestamptz NOT NULL,
  UNIQUE (org_id, version),
  CHECK ((body IS NULL) <> (file_id IS NULL))
);
GRANT SELECT, INSERT ON agreements TO attest_app;

-- A person's signature: signed here (typed name, time, address, document hash, a signed PDF
-- kept as evidence) or an already-signed copy uploaded by an admin (the date on the paper).
CREATE TABLE agreement_signatures (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  agreement_id uuid NOT NULL REFERENCES agreements (id),
  person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('signed', 'uploaded')),
  typed_name text,
  signed_at timestamptz NOT NULL,
  ip text,
  user_agent text,
  document_sha256 text NOT NULL,
  evidence_id uuid REFERENCES evidence (id),
  recorded_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL
);
CREATE INDEX agreement_signatures_person ON agreement_signatures (org_id, person_id, signed_at DESC);
GRANT SELECT, INSERT ON agreement_signatures TO attest_app;

-- Training modules: the built-in course (copied from src/content/training at start-up) and the
-- organisation's own. A change bumps the version; questions are JSON
-- [{ id, text, choices: [text], answer: index }].
CREATE TABLE training_modules (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  summary text NOT NULL DEFAULT '',
  body text NOT NULL,
  questions jsonb NOT NULL,
  pass_mark integer NOT NULL CHECK (pass_mark BETWEEN 1 AND 100),
  builtin boolean NOT NULL DEFAULT false,
  required boolean NOT NULL DEFAULT true,
  position integer NOT NULL DEFAULT 0,
  version integer NOT NULL DEFAULT 1,
  retired_at timestamptz,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (org_id, slug)
);
GRANT SELECT, INSERT, UPDATE ON training_modules TO attest_app;

-- Each quiz attempt; a passed one is a completion (valid for a year) with a certificate.
CREATE TABLE training_attempts (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  module_id uuid NOT NULL REFERENCES training_modules (id),
  module_version integer NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id),
  person_id uuid REFERENCES people (id) ON DELETE SET NULL,
  answers jsonb NOT NULL,
  score integer NOT NULL CHECK (score BETWEEN 0 AND 100),
  passed boolean NOT NULL,
  completed_at timestamptz NOT NULL,
  certificate_id uuid REFERENCES evidence (id)
);
CREATE INDEX training_attempts_user ON training_attempts (org_id, user_id, module_id, completed_at DESC);
GRANT SELECT, INSERT, UPDATE ON training_attempts TO attest_app;

-- The catalogue of systems people have accounts in. Accounts of a system are the inventory's
-- account records from its monitoring source (when set).
CREATE TABLE systems (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  description text NOT NULL DEFAULT '',
  owner_user_id uuid REFERENCES users (id),
  production boolean NOT NULL DEFAULT false,
  classification text NOT NULL DEFAULT 'internal'
    CHECK (classification IN ('public', 'internal', 'confidential', 'restricted')),
  source_id uuid REFERENCES monitoring_sources (id) ON DELETE SET NULL,
  -- Longest access a request may ask for, in days (production access always expires).
  max_access_days integer NOT NULL DEFAULT 90 CHECK (max_access_days BETWEEN 1 AND 3650),
  archived_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (org_id, name)
);
GRANT SELECT, INSERT, UPDATE ON systems TO attest_app;

-- A request for access to a system: justification and duration; the system owner (or an
-- admin) decides; approved production access expires.
CREATE TABLE access_requests (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  system_id uuid NOT NULL REFERENCES systems (id),
  requester_id uuid NOT NULL REFERENCES users (id),
  access_level text NOT NULL DEFAULT '' CHECK (length(access_level) <= 200),
  justification text NOT NULL CHECK (length(justification) BETWEEN 10 AND 5000),
  duration_days integer NOT NULL CHECK (duration_days BETWEEN 1 AND 3650),
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled', 'expired', 'revoked')),
  decided_by uuid REFERENCES users (id),
  decided_at timestamptz,
  decision_comment text,
  expires_at timestamptz,
  ended_at timestamptz,
  -- Who ended an approved grant early (revoked) and why; null when it expired.
  ended_by uuid REFERENCES users (id),
  end_comment text CHECK (length(end_comment) <= 2000),
  ledger_index integer,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX access_requests_open ON access_requests (org_id, status, expires_at);
CREATE INDEX access_requests_requester ON access_requests (org_id, requester_id, created_at DESC);
GRANT SELECT, INSERT, UPDATE ON access_requests TO attest_app;

-- Access review campaigns: the accounts in scope are copied into items when the campaign
-- starts, so reviewers decide on what existed then and the export shows it.
CREATE TABLE access_review_campaigns (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  status text NOT NULL CHECK (status IN ('open', 'completed', 'cancelled')),
  system_ids uuid[] NOT NULL,
  scheduled boolean NOT NULL DEFAULT false,
  started_by uuid REFERENCES users (id),
  started_at timestamptz NOT NULL,
  due_at timestamptz NOT NULL,
  completed_at timestamptz,
  completed_by uuid REFERENCES users (id),
  csv_evidence_id uuid REFERENCES evidence (id),
  pdf_evidence_id uuid REFERENCES evidence (id),
  last_reminded_at timestamptz
);
CREATE INDEX access_review_campaigns_status ON access_review_campaigns (org_id, status, started_at DESC);
GRANT SELECT, INSERT, UPDATE ON access_review_campaigns TO attest_app;

CREATE TABLE access_review_items (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  campaign_id uuid NOT NULL REFERENCES access_review_campaigns (id) ON DELETE CASCADE,
  system_id uuid NOT NULL REFERENCES systems (id),
  -- The inventory record (account) and what it was when the campaign started.
  record_id uuid NOT NULL REFERENCES inventory_records (id),
  account jsonb NOT NULL,
  person_id uuid REFERENCES people (id) ON DELETE SET NULL,
  reviewer_id uuid REFERENCES users (id),
  decision text CHECK (decision IN ('keep', 'revoke', 'change')),
  comment text,
  decided_by uuid REFERENCES users (id),
  decided_at timestamptz,
  -- A revoke (or change) stays open until a later sync shows the account gone (or changed).
  resolved_at timestamptz
);
CREATE INDEX access_review_items_campaign ON access_review_items (org_id, campaign_id);
CREATE INDEX access_review_items_reviewer ON access_review_items (org_id, reviewer_id, campaign_id);
GRANT SELECT, INSERT, UPDATE ON access_review_items TO attest_app;

-- The quarterly schedule of access reviews (one per organisation).
CREATE TABLE access_review_schedules (
  org_id uuid PRIMARY KEY REFERENCES organizations (id),
  enabled boolean NOT NULL DEFAULT true,
  system_ids uuid[] NOT NULL,
  -- Days reviewers have to decide.
  due_days integer NOT NULL DEFAULT 14 CHECK (due_days BETWEEN 1 AND 90),
  next_start_on date NOT NULL,
  updated_by uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON access_review_schedules TO attest_app;

-- When the inventory first saw an account disabled (a sync that reported it inactive): with
-- deleted_at, how offboarding measures the time from a person's end date to each account's end.
ALTER TABLE inventory_records ADD COLUMN disabled_at timestamptz;

-- Systems of the catalogue appear in the inventory too (source kind 'systems'), so the access
-- checks judge them like any other record.
ALTER TABLE inventory_records DROP CONSTRAINT inventory_records_type_check;
ALTER TABLE inventory_records ADD CONSTRAINT inventory_records_type_check
  CHECK (type IN ('account', 'person', 'device', 'cloud_resource', 'finding', 'endpoint', 'database', 'system'));

ALTER TABLE people ENABLE ROW LEVEL SECURITY;
ALTER TABLE people FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON people USING (true) WITH CHECK (true);
CREATE POLICY tenant ON people AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE people_groups ENABLE ROW LEVEL SECURITY;
ALTER TABLE people_groups FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON people_groups USING (true) WITH CHECK (true);
CREATE POLICY tenant ON people_groups AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE people_group_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE people_group_members FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON people_group_members USING (true) WITH CHECK (true);
CREATE POLICY tenant ON people_group_members AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE people_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE people_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON people_settings USING (true) WITH CHECK (true);
CREATE POLICY tenant ON people_settings AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE background_checks ENABLE ROW LEVEL SECURITY;
ALTER TABLE background_checks FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON background_checks USING (true) WITH CHECK (true);
CREATE POLICY tenant ON background_checks AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE agreements ENABLE ROW LEVEL SECURITY;
ALTER TABLE agreements FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON agreements USING (true) WITH CHECK (true);
CREATE POLICY tenant ON agreements AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE agreement_signatures ENABLE ROW LEVEL SECURITY;
ALTER TABLE agreement_signatures FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON agreement_signatures USING (true) WITH CHECK (true);
CREATE POLICY tenant ON agreement_signatures AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE training_modules ENABLE ROW LEVEL SECURITY;
ALTER TABLE training_modules FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON training_modules USING (true) WITH CHECK (true);
CREATE POLICY tenant ON training_modules AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE training_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE training_attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON training_attempts USING (true) WITH CHECK (true);
CREATE POLICY tenant ON training_attempts AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE systems ENABLE ROW LEVEL SECURITY;
ALTER TABLE systems FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON systems USING (true) WITH CHECK (true);
CREATE POLICY tenant ON systems AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE access_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE access_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON access_requests USING (true) WITH CHECK (true);
CREATE POLICY tenant ON access_requests AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE access_review_campaigns ENABLE ROW LEVEL SECURITY;
ALTER TABLE access_review_campaigns FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON access_review_campaigns USING (true) WITH CHECK (true);
CREATE POLICY tenant ON access_review_campaigns AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE access_review_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE access_review_items FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON access_review_items USING (true) WITH CHECK (true);
CREATE POLICY tenant ON access_review_items AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE access_review_schedules ENABLE ROW LEVEL SECURITY;
ALTER TABLE access_review_schedules FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON access_review_schedules USING (true) WITH CHECK (true);
CREATE POLICY tenant ON access_review_schedules AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
