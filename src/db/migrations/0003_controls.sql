-- Controls: an organisation's own copy of the control library (src/content/controls.json),
-- loaded when the organisation is created, then theirs to run.

CREATE TABLE controls (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  key text NOT NULL,
  library_key text,
  title text NOT NULL,
  description text NOT NULL,
  domain text NOT NULL,
  status text NOT NULL DEFAULT 'not_started'
    CHECK (status IN ('not_started', 'in_progress', 'implemented', 'not_applicable')),
  owner_user_id uuid REFERENCES users (id),
  owner_role text NOT NULL DEFAULT 'admin',
  seed_lines text[] NOT NULL DEFAULT '{}',
  criteria text[] NOT NULL DEFAULT '{}',
  checks text[] NOT NULL DEFAULT '{}',
  evidence jsonb NOT NULL DEFAULT '[]',
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  retired_at timestamptz,
  UNIQUE (org_id, key),
  UNIQUE (org_id, id)
);
CREATE INDEX controls_criteria ON controls USING gin (criteria);
CREATE INDEX controls_seed_lines ON controls USING gin (seed_lines);
GRANT SELECT, INSERT, UPDATE ON controls TO attest_app;

ALTER TABLE controls ENABLE ROW LEVEL SECURITY;
ALTER TABLE controls FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON controls USING (true) WITH CHECK (true);
CREATE POLICY tenant ON controls AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
