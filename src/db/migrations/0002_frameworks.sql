-- Frameworks: the criteria an organisation's program answers to. Built-in frameworks are
-- instance-wide reference data (filled from src/content at start-up); each organisation
-- chooses which of a framework's categories are in scope.

CREATE TABLE frameworks (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text NOT NULL,
  version text NOT NULL,
  description text NOT NULL DEFAULT '',
  categories jsonb NOT NULL DEFAULT '[]',
  source text NOT NULL CHECK (source IN ('builtin')),
  updated_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT ON frameworks TO attest_app;

CREATE TABLE framework_requirements (
  framework_id text NOT NULL REFERENCES frameworks (id),
  ref text NOT NULL,
  category text NOT NULL,
  grouping text NOT NULL,
  title text NOT NULL,
  sort integer NOT NULL,
  PRIMARY KEY (framework_id, ref)
);
GRANT SELECT ON framework_requirements TO attest_app;

CREATE TABLE org_frameworks (
  org_id uuid NOT NULL REFERENCES organizations (id),
  framework_id text NOT NULL REFERENCES frameworks (id),
  categories text[] NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, framework_id)
);
GRANT SELECT, INSERT, UPDATE ON org_frameworks TO attest_app;

ALTER TABLE org_frameworks ENABLE ROW LEVEL SECURITY;
ALTER TABLE org_frameworks FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON org_frameworks USING (true) WITH CHECK (true);
CREATE POLICY tenant ON org_frameworks AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

-- SOC 2 is every organisation's first framework, Security in scope; the start-up sync fills
-- in its criteria.
INSERT INTO frameworks (id, name, version, source) VALUES ('soc2-2017', 'SOC 2', '2017 Trust Services Criteria', 'builtin');
INSERT INTO org_frameworks (org_id, framework_id, categories)
  SELECT id, 'soc2-2017', ARRAY['security'] FROM organizations;
