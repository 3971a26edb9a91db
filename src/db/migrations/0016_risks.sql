-- Risks (src/modules/risks): the risk register, the controls that mitigate each risk, and the
-- yearly risk assessment campaigns with one item per risk reviewed. Scores are likelihood ×
-- impact, each 1–5; the level bands are code (src/modules/risks/scoring.ts), not stored.
-- Calendar days are `date`; they come back as YYYY-MM-DD text (src/db/connect.ts).

CREATE TABLE risks (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
  category text NOT NULL
    CHECK (category IN ('security', 'availability', 'privacy', 'compliance', 'operational', 'vendor', 'fraud', 'other')),
  owner_user_id uuid REFERENCES users (id),
  -- Before any control (inherent) and with the controls in place (residual).
  inherent_likelihood integer NOT NULL CHECK (inherent_likelihood BETWEEN 1 AND 5),
  inherent_impact integer NOT NULL CHECK (inherent_impact BETWEEN 1 AND 5),
  residual_likelihood integer NOT NULL CHECK (residual_likelihood BETWEEN 1 AND 5),
  residual_impact integer NOT NULL CHECK (residual_impact BETWEEN 1 AND 5),
  -- NULL: no treatment decided yet.
  treatment text CHECK (treatment IN ('mitigate', 'accept', 'transfer', 'avoid')),
  treatment_plan text NOT NULL DEFAULT '' CHECK (length(treatment_plan) <= 5000),
  -- Who accepted the residual risk and when (only while the treatment is "accept").
  accepted_by uuid REFERENCES users (id),
  accepted_at timestamptz,
  -- When the risk is next due for review.
  review_on date NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  closed_at timestamptz,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (org_id, id),
  CHECK (residual_likelihood * residual_impact <= inherent_likelihood * inherent_impact),
  CHECK ((accepted_at IS NULL) = (accepted_by IS NULL)),
  CHECK (accepted_at IS NULL OR treatment = 'accept'),
  CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX risks_open ON risks (org_id, status, review_on);
GRANT SELECT, INSERT, UPDATE ON risks TO attest_app;

-- The controls that mitigate a risk (both of the same organisation).
CREATE TABLE risk_controls (
  org_id uuid NOT NULL REFERENCES organizations (id),
  risk_id uuid NOT NULL,
  control_id uuid NOT NULL,
  PRIMARY KEY (risk_id, control_id),
  FOREIGN KEY (org_id, risk_id) REFERENCES risks (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, control_id) REFERENCES controls (org_id, id)
);
CREATE INDEX risk_controls_control ON risk_controls (org_id, control_id);
GRANT SELECT, INSERT, DELETE ON risk_controls TO attest_app;

-- Yearly risk assessments: every open risk at the start becomes an item to review; risks
-- raised during the campaign join it already reviewed. Completing needs every item reviewed
-- and a statement of how fraud was considered.
CREATE TABLE risk_assessments (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  status text NOT NULL CHECK (status IN ('open', 'completed', 'cancelled')),
  due_on date NOT NULL,
  fraud_statement text CHECK (length(fraud_statement) <= 5000),
  started_by uuid REFERENCES users (id),
  started_at timestamptz NOT NULL,
  completed_by uuid REFERENCES users (id),
  completed_at timestamptz,
  cancelled_at timestamptz,
  csv_evidence_id uuid REFERENCES evidence (id),
  pdf_evidence_id uuid REFERENCES evidence (id),
  UNIQUE (org_id, id),
  CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
  CHECK (status <> 'completed' OR length(btrim(coalesce(fraud_statement, ''))) > 0)
);
-- One campaign runs at a time.
CREATE UNIQUE INDEX risk_assessments_one_open ON risk_assessments (org_id) WHERE status = 'open';
CREATE INDEX risk_assessments_started ON risk_assessments (org_id, started_at DESC);
GRANT SELECT, INSERT, UPDATE ON risk_assessments TO attest_app;

CREATE TABLE risk_assessment_items (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  assessment_id uuid NOT NULL,
  risk_id uuid NOT NULL,
  -- Raised during the campaign (no "before"), or snapshotted at its start (title, category,
  -- owner, scores and treatment as they were).
  raised boolean NOT NULL DEFAULT false,
  before jsonb,
  -- What the review decided (copied to the risk as well).
  inherent_likelihood integer CHECK (inherent_likelihood BETWEEN 1 AND 5),
  inherent_impact integer CHECK (inherent_impact BETWEEN 1 AND 5),
  residual_likelihood integer CHECK (residual_likelihood BETWEEN 1 AND 5),
  residual_impact integer CHECK (residual_impact BETWEEN 1 AND 5),
  treatment text CHECK (treatment IN ('mitigate', 'accept', 'transfer', 'avoid')),
  comment text CHECK (length(comment) <= 5000),
  reviewed_by uuid REFERENCES users (id),
  reviewed_at timestamptz,
  UNIQUE (assessment_id, risk_id),
  FOREIGN KEY (org_id, assessment_id) REFERENCES risk_assessments (org_id, id) ON DELETE CASCADE,
  FOREIGN KEY (org_id, risk_id) REFERENCES risks (org_id, id),
  CHECK (raised = (before IS NULL)),
  CHECK ((reviewed_at IS NULL) = (reviewed_by IS NULL)),
  CHECK (
    reviewed_at IS NULL OR (inherent_likelihood IS NOT NULL AND inherent_impact IS NOT NULL
                            AND residual_likelihood IS NOT NULL AND residual_impact IS NOT NULL)
  )
);
CREATE INDEX risk_assessment_items_assessment ON risk_assessment_items (org_id, assessment_id);
CREATE INDEX risk_assessment_items_risk ON risk_assessment_items (org_id, risk_id);
GRANT SELECT, INSERT, UPDATE ON risk_assessment_items TO attest_app;

ALTER TABLE risks ENABLE ROW LEVEL SECURITY;
ALTER TABLE risks FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON risks USING (true) WITH CHECK (true);
CREATE POLICY tenant ON risks AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE risk_controls ENABLE ROW LEVEL SECURITY;
ALTER TABLE risk_controls FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON risk_controls USING (true) WITH CHECK (true);
CREATE POLICY tenant ON risk_controls AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE risk_assessments ENABLE ROW LEVEL SECURITY;
ALTER TABLE risk_assessments FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON risk_assessments USING (true) WITH CHECK (true);
CREATE POLICY tenant ON risk_assessments AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE risk_assessment_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE risk_assessment_items FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON risk_assessment_items USING (true) WITH CHECK (true);
CREATE POLICY tenant ON risk_assessment_items AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
