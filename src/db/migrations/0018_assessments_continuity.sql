-- Assessments and business continuity (src/modules/assessments, src/modules/continuity):
-- penetration tests, vulnerability assessments and third-party audits with their findings;
-- recovery objectives per system; disaster recovery exercises.
-- Calendar days are `date`; they come back as YYYY-MM-DD text (src/db/connect.ts).

-- An independent assessment of the service: a penetration test, a vulnerability assessment
-- (possibly with a code analysis) or an audit (SOC 2 Type 1 or 2, ISO 27001, other). Its report
-- is evidence in the vault; its findings are tracked below.
CREATE TABLE assessments (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  kind text NOT NULL
    CHECK (kind IN ('pentest', 'vulnerability_assessment', 'soc2_type1', 'soc2_type2', 'iso27001', 'other_audit')),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  assessor text CHECK (length(assessor) BETWEEN 1 AND 200),
  scope text NOT NULL DEFAULT '' CHECK (length(scope) <= 5000),
  status text NOT NULL CHECK (status IN ('planned', 'in_progress', 'completed')),
  -- The assessment's own dates (testing or fieldwork) and the day of its report.
  start_date date,
  end_date date,
  report_date date,
  -- SOC 2 Type 2: the observation window the report covers.
  window_start date,
  window_end date,
  code_analysis boolean NOT NULL DEFAULT false,
  report_evidence_id uuid REFERENCES evidence (id),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date),
  CHECK (report_date IS NULL OR start_date IS NULL OR report_date >= start_date),
  CHECK (window_end IS NULL OR window_start IS NULL OR window_end >= window_start),
  CHECK (kind = 'soc2_type2' OR (window_start IS NULL AND window_end IS NULL)),
  CHECK (kind = 'vulnerability_assessment' OR NOT code_analysis),
  -- A completed assessment says when it ended; a completed Type 2 says which window it covers.
  CHECK (status <> 'completed' OR end_date IS NOT NULL),
  CHECK (status <> 'completed' OR kind <> 'soc2_type2' OR (window_start IS NOT NULL AND window_end IS NOT NULL))
);
CREATE INDEX assessments_kind ON assessments (org_id, kind, status, end_date DESC);
GRANT SELECT, INSERT, UPDATE, DELETE ON assessments TO attest_app;

-- A finding of an assessment: who fixes it and by when (the severity's deadline by default).
CREATE TABLE assessment_findings (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  assessment_id uuid NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  severity text NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
  owner_user_id uuid REFERENCES users (id),
  due_date date NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'fixed', 'accepted')),
  fixed_on date,
  -- Why the risk is accepted instead of fixed.
  accepted_reason text CHECK (length(accepted_reason) BETWEEN 10 AND 2000),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK ((status = 'fixed') = (fixed_on IS NOT NULL)),
  CHECK ((status = 'accepted') = (accepted_reason IS NOT NULL))
);
CREATE INDEX assessment_findings_assessment ON assessment_findings (org_id, assessment_id);
CREATE INDEX assessment_findings_owner ON assessment_findings (org_id, owner_user_id, status);
GRANT SELECT, INSERT, UPDATE, DELETE ON assessment_findings TO attest_app;

-- Recovery objectives of each system of the catalogue: how long it may be down (RTO) and how
-- much data may be lost (RPO), in hours, and how early it is restored (tier 1 first).
ALTER TABLE systems ADD COLUMN rto_hours double precision CHECK (rto_hours >= 0 AND rto_hours <= 8760);
ALTER TABLE systems ADD COLUMN rpo_hours double precision CHECK (rpo_hours >= 0 AND rpo_hours <= 8760);
ALTER TABLE systems ADD COLUMN recovery_tier integer CHECK (recovery_tier BETWEEN 1 AND 4);

-- A disaster recovery exercise: planned, then recorded as complete with its outcome, when its
-- report (PDF and Markdown) is stored as evidence of BCP-03. `systems` holds, per system
-- covered, its objectives as they were and what the exercise achieved:
-- [{ systemId, name, rtoHours, rpoHours, recoveryHours, dataLossHours }].
-- `actions` are the follow-ups: [{ id, title, owner, dueOn, done }].
CREATE TABLE dr_exercises (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('tabletop', 'restore_test', 'failover_test', 'full_dr_test')),
  exercised_on date NOT NULL,
  scenario text NOT NULL DEFAULT '' CHECK (length(scenario) <= 10000),
  participants text[] NOT NULL DEFAULT '{}',
  systems jsonb NOT NULL DEFAULT '[]',
  status text NOT NULL CHECK (status IN ('planned', 'completed')),
  outcome text CHECK (outcome IN ('passed', 'passed_with_issues', 'failed')),
  lessons text NOT NULL DEFAULT '' CHECK (length(lessons) <= 10000),
  actions jsonb NOT NULL DEFAULT '[]',
  completed_at timestamptz,
  completed_by uuid REFERENCES users (id),
  report_pdf_id uuid REFERENCES evidence (id),
  report_md_id uuid REFERENCES evidence (id),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (cardinality(participants) <= 100),
  CHECK ((status = 'completed') = (outcome IS NOT NULL AND completed_at IS NOT NULL))
);
CREATE INDEX dr_exercises_day ON dr_exercises (org_id, exercised_on DESC);
GRANT SELECT, INSERT, UPDATE, DELETE ON dr_exercises TO attest_app;

ALTER TABLE assessments ENABLE ROW LEVEL SECURITY;
ALTER TABLE assessments FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON assessments USING (true) WITH CHECK (true);
CREATE POLICY tenant ON assessments AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE assessment_findings ENABLE ROW LEVEL SECURITY;
ALTER TABLE assessment_findings FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON assessment_findings USING (true) WITH CHECK (true);
CREATE POLICY tenant ON assessment_findings AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE dr_exercises ENABLE ROW LEVEL SECURITY;
ALTER TABLE dr_exercises FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON dr_exercises USING (true) WITH CHECK (true);
CREATE POLICY tenant ON dr_exercises AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
