-- Every state of a control is kept: version 1 as loaded from the library, then one row per
-- change. The app role may add versions, never change or remove one.

CREATE TABLE control_versions (
  org_id uuid NOT NULL,
  control_id uuid NOT NULL,
  version integer NOT NULL,
  title text NOT NULL,
  description text NOT NULL,
  status text NOT NULL,
  owner_user_id uuid,
  seed_lines text[] NOT NULL,
  criteria text[] NOT NULL,
  checks text[] NOT NULL,
  retired_at timestamptz,
  changed_by uuid,
  changed_at timestamptz NOT NULL,
  reason text,
  PRIMARY KEY (org_id, control_id, version),
  FOREIGN KEY (org_id, control_id) REFERENCES controls (org_id, id)
);
GRANT SELECT, INSERT ON control_versions TO attest_app;

ALTER TABLE control_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE control_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON control_versions USING (true) WITH CHECK (true);
CREATE POLICY tenant ON control_versions AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

INSERT INTO control_versions (org_id, control_id, version, title, description, status, owner_user_id,
                              seed_lines, criteria, checks, retired_at, changed_by, changed_at, reason)
  SELECT org_id, id, version, title, description, status, owner_user_id, seed_lines, criteria, checks,
         retired_at, NULL, created_at, 'loaded from the library'
    FROM controls;
