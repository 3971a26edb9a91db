-- Policies: an organisation's own copies of the policy templates (src/content/policies/), each
-- with one working draft that goes draft → in review → approved → published. Every publication
-- is an immutable version; members accept versions. The app role may add versions and
-- acceptances, never change or remove one.

-- The values an organisation gives the templates' {{variables}} (the rest use their defaults).
CREATE TABLE policy_settings (
  org_id uuid PRIMARY KEY REFERENCES organizations (id),
  variables jsonb NOT NULL DEFAULT '{}',
  updated_by uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON policy_settings TO attest_app;

ALTER TABLE policy_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE policy_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON policy_settings USING (true) WITH CHECK (true);
CREATE POLICY tenant ON policy_settings AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

CREATE TABLE policies (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  key text NOT NULL,
  -- The template the policy came from (NULL for the organisation's own policies), and the hash
  -- of the template's title and text the draft was last loaded from: a draft whose title and
  -- text still hash to it is untouched, and a newer template may replace it.
  template_key text,
  template_hash text,
  title text NOT NULL,
  summary text NOT NULL DEFAULT '',
  -- The state of the working draft (published: the draft is what was last published).
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_review', 'approved', 'published')),
  body text NOT NULL,
  material boolean NOT NULL DEFAULT true,
  change_summary text NOT NULL DEFAULT '',
  owner_user_id uuid REFERENCES users (id),
  reviewer_user_id uuid REFERENCES users (id),
  submitted_by uuid REFERENCES users (id),
  submitted_at timestamptz,
  approved_by uuid REFERENCES users (id),
  approved_at timestamptz,
  review_comment text,
  -- The latest published version, and the latest one published as a material change.
  published_version integer,
  material_version integer,
  lock_version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (org_id, key),
  UNIQUE (org_id, id)
);
GRANT SELECT, INSERT, UPDATE ON policies TO attest_app;

ALTER TABLE policies ENABLE ROW LEVEL SECURITY;
ALTER TABLE policies FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON policies USING (true) WITH CHECK (true);
CREATE POLICY tenant ON policies AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

CREATE TABLE policy_versions (
  org_id uuid NOT NULL,
  policy_id uuid NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  title text NOT NULL,
  -- The text as published, variables substituted; and the draft and values it came from.
  body text NOT NULL,
  source text NOT NULL,
  variables jsonb NOT NULL,
  material boolean NOT NULL,
  change_summary text NOT NULL,
  submitted_by uuid REFERENCES users (id),
  approved_by uuid REFERENCES users (id),
  published_by uuid REFERENCES users (id),
  published_at timestamptz NOT NULL,
  PRIMARY KEY (org_id, policy_id, version),
  FOREIGN KEY (org_id, policy_id) REFERENCES policies (org_id, id)
);
GRANT SELECT, INSERT ON policy_versions TO attest_app;

ALTER TABLE policy_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE policy_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON policy_versions USING (true) WITH CHECK (true);
CREATE POLICY tenant ON policy_versions AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

CREATE TABLE policy_acceptances (
  org_id uuid NOT NULL,
  policy_id uuid NOT NULL,
  version integer NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id),
  accepted_at timestamptz NOT NULL,
  ip text,
  user_agent text,
  PRIMARY KEY (org_id, policy_id, version, user_id),
  FOREIGN KEY (org_id, policy_id, version) REFERENCES policy_versions (org_id, policy_id, version)
);
CREATE INDEX policy_acceptances_user ON policy_acceptances (org_id, user_id);
GRANT SELECT, INSERT ON policy_acceptances TO attest_app;

ALTER TABLE policy_acceptances ENABLE ROW LEVEL SECURITY;
ALTER TABLE policy_acceptances FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON policy_acceptances USING (true) WITH CHECK (true);
CREATE POLICY tenant ON policy_acceptances AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
