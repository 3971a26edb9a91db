-- Frameworks imported from OSCAL belong to one organisation. A framework is either built in
-- (owner_org_id NULL: instance-wide, filled from src/content at start-up by the owning role)
-- or imported (owner_org_id set, source 'oscal'). The app role sees the built-in rows and its
-- own organisation's, and may write only its own organisation's: the database enforces it.
--
-- Ids stay readable text, unique among what one organisation sees: built-in ids once across
-- the instance, imported ids once per organisation (two organisations may both import
-- "nist-sp-800-53-rev5-low" without learning of each other).

ALTER TABLE org_frameworks DROP CONSTRAINT org_frameworks_framework_id_fkey;
ALTER TABLE framework_requirements DROP CONSTRAINT framework_requirements_framework_id_fkey;
ALTER TABLE framework_requirements DROP CONSTRAINT framework_requirements_pkey;
ALTER TABLE frameworks DROP CONSTRAINT frameworks_pkey;

ALTER TABLE frameworks
  ADD COLUMN owner_org_id uuid REFERENCES organizations (id),
  -- The OSCAL document's uuid: importing the same catalog again updates it in place.
  ADD COLUMN oscal_uuid uuid,
  ADD COLUMN oscal_model text CHECK (oscal_model IN ('catalog', 'profile')),
  ADD COLUMN revision integer NOT NULL DEFAULT 1,
  DROP CONSTRAINT frameworks_source_check,
  ADD CONSTRAINT frameworks_source_check CHECK (
    (source = 'builtin' AND owner_org_id IS NULL AND oscal_uuid IS NULL)
    OR (source = 'oscal' AND owner_org_id IS NOT NULL AND oscal_uuid IS NOT NULL AND oscal_model IS NOT NULL)
  );
CREATE UNIQUE INDEX frameworks_builtin_id ON frameworks (id) WHERE owner_org_id IS NULL;
ALTER TABLE frameworks ADD CONSTRAINT frameworks_owner_id UNIQUE (owner_org_id, id);
ALTER TABLE frameworks ADD CONSTRAINT frameworks_owner_oscal_uuid UNIQUE (owner_org_id, oscal_uuid);

ALTER TABLE framework_requirements
  ADD COLUMN owner_org_id uuid,
  -- The enclosing control of an enhancement (ac-2 for ac-2.1); NULL at the top.
  ADD COLUMN parent_ref text;
CREATE UNIQUE INDEX framework_requirements_builtin_ref ON framework_requirements (framework_id, ref)
  WHERE owner_org_id IS NULL;
ALTER TABLE framework_requirements ADD CONSTRAINT framework_requirements_owner_ref
  UNIQUE (owner_org_id, framework_id, ref);
-- An imported framework's requirements belong to it and to the same organisation.
ALTER TABLE framework_requirements ADD CONSTRAINT framework_requirements_owner_framework
  FOREIGN KEY (owner_org_id, framework_id) REFERENCES frameworks (owner_org_id, id);

-- Narrow grants: the app role never changes who owns a framework or which document it came from.
GRANT INSERT, DELETE ON frameworks TO attest_app;
GRANT UPDATE (name, version, description, categories, revision, updated_at) ON frameworks TO attest_app;
GRANT INSERT, DELETE ON framework_requirements TO attest_app;
GRANT DELETE ON org_frameworks TO attest_app;

-- The owning role (migrations, the built-in sync at start-up) keeps the built-in rows; the
-- restrictive policies bind the app role, through which every request, job and CLI command runs.
ALTER TABLE frameworks ENABLE ROW LEVEL SECURITY;
ALTER TABLE frameworks FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON frameworks USING (true) WITH CHECK (true);
CREATE POLICY tenant ON frameworks AS RESTRICTIVE TO attest_app
  USING (owner_org_id IS NULL OR owner_org_id = app_current_org())
  WITH CHECK (owner_org_id = app_current_org());
CREATE POLICY own_update ON frameworks AS RESTRICTIVE FOR UPDATE TO attest_app
  USING (owner_org_id = app_current_org());
CREATE POLICY own_delete ON frameworks AS RESTRICTIVE FOR DELETE TO attest_app
  USING (owner_org_id = app_current_org());

ALTER TABLE framework_requirements ENABLE ROW LEVEL SECURITY;
ALTER TABLE framework_requirements FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON framework_requirements USING (true) WITH CHECK (true);
CREATE POLICY tenant ON framework_requirements AS RESTRICTIVE TO attest_app
  USING (owner_org_id IS NULL OR owner_org_id = app_current_org())
  WITH CHECK (owner_org_id = app_current_org());
CREATE POLICY own_delete ON framework_requirements AS RESTRICTIVE FOR DELETE TO attest_app
  USING (owner_org_id = app_current_org());
