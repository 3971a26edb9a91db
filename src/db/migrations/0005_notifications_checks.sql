-- In-app notifications (a reminder, a policy to accept), automated check results (the checks
-- themselves arrive with continuous monitoring; the readiness dashboard reads their latest
-- state), and the policies each control relies on.

CREATE TABLE notifications (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  user_id uuid NOT NULL REFERENCES users (id),
  kind text NOT NULL,
  title text NOT NULL,
  body text NOT NULL DEFAULT '',
  link text,
  created_at timestamptz NOT NULL,
  read_at timestamptz
);
CREATE INDEX notifications_user ON notifications (org_id, user_id, created_at DESC);
GRANT SELECT, INSERT, UPDATE ON notifications TO attest_app;

ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON notifications USING (true) WITH CHECK (true);
CREATE POLICY tenant ON notifications AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

-- One row per evaluation of a check over one resource. The newest row of a (check, resource)
-- pair is current until a later one supersedes it; the history stays.
CREATE TABLE check_results (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  check_id text NOT NULL,
  resource text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('pass', 'fail', 'not_applicable')),
  reason text NOT NULL DEFAULT '',
  observed_at timestamptz NOT NULL,
  superseded_at timestamptz
);
CREATE INDEX check_results_current ON check_results (org_id, check_id, outcome) WHERE superseded_at IS NULL;
CREATE INDEX check_results_history ON check_results (org_id, check_id, resource, observed_at DESC);
GRANT SELECT, INSERT, UPDATE ON check_results TO attest_app;

ALTER TABLE check_results ENABLE ROW LEVEL SECURITY;
ALTER TABLE check_results FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON check_results USING (true) WITH CHECK (true);
CREATE POLICY tenant ON check_results AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

-- The policies (by template key) a control relies on: it is not ready until they are published.
ALTER TABLE controls ADD COLUMN policies text[] NOT NULL DEFAULT '{}';
ALTER TABLE control_versions ADD COLUMN policies text[] NOT NULL DEFAULT '{}';

-- One row per organisation, framework and day: the readiness figures the dashboard's trend
-- chart draws (written by a scheduled job; the current day is recomputed until it ends).
CREATE TABLE readiness_snapshots (
  org_id uuid NOT NULL REFERENCES organizations (id),
  framework_id text NOT NULL,
  day date NOT NULL,
  controls integer NOT NULL,
  implemented integer NOT NULL,
  passing integer NOT NULL,
  failing integer NOT NULL,
  overdue integer NOT NULL,
  requirements integer NOT NULL,
  requirements_met integer NOT NULL,
  taken_at timestamptz NOT NULL,
  PRIMARY KEY (org_id, framework_id, day)
);
GRANT SELECT, INSERT, UPDATE ON readiness_snapshots TO attest_app;

ALTER TABLE readiness_snapshots ENABLE ROW LEVEL SECURITY;
ALTER TABLE readiness_snapshots FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON readiness_snapshots USING (true) WITH CHECK (true);
CREATE POLICY tenant ON readiness_snapshots AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
