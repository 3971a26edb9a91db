-- The trust center (src/modules/trust): one row per organisation holding the settings an admin
-- edits (draft) and the copy the public sees (published, null while unpublished). Both are the
-- same JSON shape (TrustSettings in src/modules/trust/settings.ts); what an item says about a
-- control is never stored: it is derived from live control health when the page is rendered.
CREATE TABLE trust_centers (
  org_id uuid PRIMARY KEY REFERENCES organizations (id),
  draft jsonb NOT NULL,
  published jsonb,
  published_at timestamptz,
  published_by uuid REFERENCES users (id),
  unpublished_at timestamptz,
  -- The organisation's own host name for its trust center and security.txt: lower-case, unique
  -- across the instance (resolved before any organisation is known), served only while published.
  host_name text CHECK (host_name ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$'
                        AND length(host_name) <= 253),
  updated_by uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL,
  CHECK ((published IS NULL) = (published_at IS NULL))
);
CREATE UNIQUE INDEX trust_centers_host_name ON trust_centers (host_name) WHERE host_name IS NOT NULL;
GRANT SELECT, INSERT, UPDATE ON trust_centers TO attest_app;

ALTER TABLE trust_centers ENABLE ROW LEVEL SECURITY;
ALTER TABLE trust_centers FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON trust_centers USING (true) WITH CHECK (true);
CREATE POLICY tenant ON trust_centers AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
