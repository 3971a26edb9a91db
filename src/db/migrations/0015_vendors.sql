-- Vendors (src/modules/vendors): the register of vendors and subprocessors, their reviews,
-- security questionnaires answered through a link without an account, and assurance reports
-- (SOC 2, ISO 27001) kept as evidence. Every vendor is mirrored into the inventory as a vendor
-- record (source kind 'vendors') so the vendor checks judge it like any other record.
-- Calendar days are `date`; they come back as YYYY-MM-DD text (src/db/connect.ts).

-- The register. The risk tier is computed from the data the vendor touches and its criticality
-- (src/modules/vendors/tier.ts); an owner or admin may override it, saying why.
CREATE TABLE vendors (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  website text CHECK (length(website) <= 500),
  -- What the vendor does for the organisation.
  purpose text NOT NULL DEFAULT '' CHECK (length(purpose) <= 2000),
  -- The most sensitive data it touches; null until someone says.
  data_classification text CHECK (data_classification IN ('none', 'public', 'internal', 'confidential', 'restricted')),
  -- Where it hosts or processes data (regions or countries, as people write them).
  regions text[] NOT NULL DEFAULT '{}' CHECK (cardinality(regions) <= 50),
  subprocessor boolean NOT NULL DEFAULT false,
  owner_user_id uuid REFERENCES users (id),
  -- How badly an outage of the vendor would hurt.
  criticality text NOT NULL DEFAULT 'medium' CHECK (criticality IN ('low', 'medium', 'high')),
  -- The tier in force: the override when set, else the computed one (written with every change
  -- by the one function that computes it, so lists can filter on it).
  tier text NOT NULL CHECK (tier IN ('low', 'medium', 'high')),
  tier_override text CHECK (tier_override IN ('low', 'medium', 'high')),
  tier_override_reason text CHECK (length(tier_override_reason) BETWEEN 1 AND 2000),
  tier_override_by uuid REFERENCES users (id),
  tier_override_at timestamptz,
  status text NOT NULL DEFAULT 'proposed'
    CHECK (status IN ('proposed', 'in_review', 'approved', 'rejected', 'offboarded')),
  -- The latest approval or rejection: who, when, why.
  decided_at timestamptz,
  decided_by uuid REFERENCES users (id),
  decision_comment text CHECK (length(decision_comment) <= 2000),
  -- When the vendor was last approved (kept after offboarding, for the record).
  approved_at timestamptz,
  offboarded_at timestamptz,
  -- The daily job's last reminder that a review is due (at most one a week).
  review_reminded_at timestamptz,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK ((tier_override IS NULL) = (tier_override_reason IS NULL)),
  CHECK (status <> 'approved' OR approved_at IS NOT NULL)
);
CREATE UNIQUE INDEX vendors_name ON vendors (org_id, lower(name));
CREATE INDEX vendors_status ON vendors (org_id, status);
GRANT SELECT, INSERT, UPDATE ON vendors TO attest_app;

-- How often vendors are reviewed again, by tier (defaults in code when there is no row).
CREATE TABLE vendor_settings (
  org_id uuid PRIMARY KEY REFERENCES organizations (id),
  review_days_high integer NOT NULL CHECK (review_days_high BETWEEN 30 AND 1830),
  review_days_medium integer NOT NULL CHECK (review_days_medium BETWEEN 30 AND 1830),
  review_days_low integer NOT NULL CHECK (review_days_low BETWEEN 30 AND 1830),
  updated_by uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON vendor_settings TO attest_app;

-- Security questionnaires sent to a vendor as a link answered without an account. The link
-- reads `avq_<org id>_<secret>` (like API tokens) and only its SHA-256 is stored. The
-- questions are copied in when the link is made, so later changes never alter what was asked.
CREATE TABLE vendor_questionnaires (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  vendor_id uuid NOT NULL REFERENCES vendors (id),
  token_hash bytea NOT NULL UNIQUE,
  questions jsonb NOT NULL,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_by uuid REFERENCES users (id),
  -- The vendor's answers, once (the link is used up then).
  answered_at timestamptz,
  answers jsonb,
  respondent_name text CHECK (length(respondent_name) BETWEEN 1 AND 200),
  respondent_email text CHECK (length(respondent_email) BETWEEN 3 AND 320),
  CHECK (expires_at > created_at),
  CHECK ((answered_at IS NULL) = (answers IS NULL))
);
CREATE INDEX vendor_questionnaires_vendor ON vendor_questionnaires (org_id, vendor_id, created_at DESC);
GRANT SELECT, INSERT, UPDATE ON vendor_questionnaires TO attest_app;

-- Assurance reports a vendor gave (the file is evidence of VEN-03) with the period they cover.
CREATE TABLE vendor_documents (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  vendor_id uuid NOT NULL REFERENCES vendors (id),
  kind text NOT NULL CHECK (kind IN ('soc2_type1', 'soc2_type2', 'iso27001', 'other')),
  period_start date,
  period_end date,
  evidence_id uuid NOT NULL REFERENCES evidence (id),
  note text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  uploaded_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  CHECK (kind NOT IN ('soc2_type1', 'soc2_type2') OR period_end IS NOT NULL),
  CHECK (kind <> 'soc2_type2' OR period_start IS NOT NULL),
  CHECK (period_start IS NULL OR period_end IS NULL OR period_start <= period_end)
);
CREATE INDEX vendor_documents_vendor ON vendor_documents (org_id, vendor_id, period_end DESC);
GRANT SELECT, INSERT ON vendor_documents TO attest_app;

-- A completed vendor review: what was examined (answers, a report, anything else), who
-- reviewed, the outcome and the day it was completed. Reviews are history: never changed.
CREATE TABLE vendor_reviews (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  vendor_id uuid NOT NULL REFERENCES vendors (id),
  reviewer_user_id uuid NOT NULL REFERENCES users (id),
  questionnaire_id uuid REFERENCES vendor_questionnaires (id),
  document_id uuid REFERENCES vendor_documents (id),
  examined text NOT NULL DEFAULT '' CHECK (length(examined) <= 2000),
  outcome text NOT NULL CHECK (outcome IN ('approved', 'approved_with_conditions', 'rejected')),
  conditions text CHECK (length(conditions) <= 2000),
  notes text NOT NULL DEFAULT '' CHECK (length(notes) <= 5000),
  completed_on date NOT NULL,
  recorded_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  CHECK (questionnaire_id IS NOT NULL OR document_id IS NOT NULL OR length(examined) > 0),
  CHECK (outcome <> 'approved_with_conditions' OR coalesce(length(conditions), 0) > 0)
);
CREATE INDEX vendor_reviews_vendor ON vendor_reviews (org_id, vendor_id, completed_on DESC);
GRANT SELECT, INSERT ON vendor_reviews TO attest_app;

-- A vendor's page shows its history from the audit log.
CREATE INDEX audit_log_vendor ON audit_log (org_id, target_id, at DESC) WHERE target_type = 'vendor';

ALTER TABLE vendors ENABLE ROW LEVEL SECURITY;
ALTER TABLE vendors FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON vendors USING (true) WITH CHECK (true);
CREATE POLICY tenant ON vendors AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE vendor_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE vendor_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON vendor_settings USING (true) WITH CHECK (true);
CREATE POLICY tenant ON vendor_settings AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE vendor_questionnaires ENABLE ROW LEVEL SECURITY;
ALTER TABLE vendor_questionnaires FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON vendor_questionnaires USING (true) WITH CHECK (true);
CREATE POLICY tenant ON vendor_questionnaires AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE vendor_documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE vendor_documents FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON vendor_documents USING (true) WITH CHECK (true);
CREATE POLICY tenant ON vendor_documents AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE vendor_reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE vendor_reviews FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON vendor_reviews USING (true) WITH CHECK (true);
CREATE POLICY tenant ON vendor_reviews AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
