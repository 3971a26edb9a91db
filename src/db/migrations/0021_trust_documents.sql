-- Trust center documents (src/modules/trust-documents): files an organisation shares from its
-- trust center, either to anyone (public) or on request behind its NDA (request); hidden ones
-- are kept but not shown. A visitor's request records the NDA they accepted (its version and
-- SHA-256, the time, address and browser); an approval (by an email-domain rule or an admin)
-- makes a grant: a link whose secret is stored only as its SHA-256, valid until it expires or is
-- revoked. Every download is logged.

-- The documents. The file is sealed with AES-256-GCM under the organisation's data key (its term
-- in key_term) and kept in the row: documents are small (a report, a summary) and are read whole
-- to be watermarked.
CREATE TABLE trust_documents (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  access text NOT NULL CHECK (access IN ('public', 'request', 'hidden')),
  position integer NOT NULL DEFAULT 0 CHECK (position BETWEEN 0 AND 10000),
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  content_type text NOT NULL,
  size integer NOT NULL CHECK (size > 0),
  sha256 text NOT NULL,
  sealed bytea NOT NULL,
  key_term integer NOT NULL,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, key_term) REFERENCES org_data_keys (org_id, term)
);
CREATE INDEX trust_documents_order ON trust_documents (org_id, position, title);
GRANT SELECT, INSERT, UPDATE ON trust_documents TO attest_app;

-- The organisation's NDA, one row per version (never changed). The newest version is in force.
CREATE TABLE trust_ndas (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  version integer NOT NULL CHECK (version > 0),
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  sha256 text NOT NULL,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  UNIQUE (org_id, version),
  UNIQUE (org_id, id)
);
GRANT SELECT, INSERT ON trust_ndas TO attest_app;

-- Approval rules and the grant length: requests from these email domains (or their subdomains)
-- are approved at once; everything else waits for an admin.
CREATE TABLE trust_document_settings (
  org_id uuid PRIMARY KEY REFERENCES organizations (id),
  auto_approve_domains text[] NOT NULL DEFAULT '{}' CHECK (cardinality(auto_approve_domains) <= 200),
  grant_days integer NOT NULL DEFAULT 7 CHECK (grant_days BETWEEN 1 AND 90),
  updated_by uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON trust_document_settings TO attest_app;

-- A visitor's request, with the NDA acceptance as it happened.
CREATE TABLE trust_document_requests (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  document_id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
  company text NOT NULL CHECK (length(company) BETWEEN 1 AND 200),
  nda_id uuid NOT NULL,
  nda_sha256 text NOT NULL,
  accepted_at timestamptz NOT NULL,
  ip text,
  user_agent text CHECK (length(user_agent) <= 512),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied')),
  decided_at timestamptz,
  -- An admin, or null with the domain rule that approved it.
  decided_by uuid REFERENCES users (id),
  decided_by_rule text,
  decision_note text CHECK (length(decision_note) <= 1000),
  CHECK ((status = 'pending') = (decided_at IS NULL)),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, document_id) REFERENCES trust_documents (org_id, id),
  FOREIGN KEY (org_id, nda_id) REFERENCES trust_ndas (org_id, id)
);
CREATE INDEX trust_document_requests_status ON trust_document_requests (org_id, status, accepted_at DESC);
-- The per-address rate limit counts an email's recent requests.
CREATE INDEX trust_document_requests_email ON trust_document_requests (org_id, email, accepted_at DESC);
GRANT SELECT, INSERT, UPDATE ON trust_document_requests TO attest_app;

-- The time-limited link an approval sends. Only the SHA-256 of its secret is stored.
CREATE TABLE trust_document_grants (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  request_id uuid NOT NULL,
  document_id uuid NOT NULL,
  email text NOT NULL,
  token_hash bytea NOT NULL UNIQUE,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_by uuid REFERENCES users (id),
  CHECK (expires_at > created_at),
  UNIQUE (org_id, request_id),
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, request_id) REFERENCES trust_document_requests (org_id, id),
  FOREIGN KEY (org_id, document_id) REFERENCES trust_documents (org_id, id)
);
CREATE INDEX trust_document_grants_created ON trust_document_grants (org_id, created_at DESC);
GRANT SELECT, INSERT, UPDATE ON trust_document_grants TO attest_app;

-- Every download: through a grant (watermarked), or of a public document (grant_id null).
CREATE TABLE trust_document_downloads (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  document_id uuid NOT NULL,
  grant_id uuid,
  at timestamptz NOT NULL,
  ip text,
  user_agent text CHECK (length(user_agent) <= 512),
  FOREIGN KEY (org_id, document_id) REFERENCES trust_documents (org_id, id),
  FOREIGN KEY (org_id, grant_id) REFERENCES trust_document_grants (org_id, id)
);
CREATE INDEX trust_document_downloads_at ON trust_document_downloads (org_id, at DESC);
CREATE INDEX trust_document_downloads_grant ON trust_document_downloads (org_id, grant_id);
GRANT SELECT, INSERT ON trust_document_downloads TO attest_app;

ALTER TABLE trust_documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE trust_documents FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON trust_documents USING (true) WITH CHECK (true);
CREATE POLICY tenant ON trust_documents AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE trust_ndas ENABLE ROW LEVEL SECURITY;
ALTER TABLE trust_ndas FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON trust_ndas USING (true) WITH CHECK (true);
CREATE POLICY tenant ON trust_ndas AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE trust_document_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE trust_document_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON trust_document_settings USING (true) WITH CHECK (true);
CREATE POLICY tenant ON trust_document_settings AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE trust_document_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE trust_document_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON trust_document_requests USING (true) WITH CHECK (true);
CREATE POLICY tenant ON trust_document_requests AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE trust_document_grants ENABLE ROW LEVEL SECURITY;
ALTER TABLE trust_document_grants FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON trust_document_grants USING (true) WITH CHECK (true);
CREATE POLICY tenant ON trust_document_grants AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE trust_document_downloads ENABLE ROW LEVEL SECURITY;
ALTER TABLE trust_document_downloads FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON trust_document_downloads USING (true) WITH CHECK (true);
CREATE POLICY tenant ON trust_document_downloads AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
