-- The evidence ledger (src/ledger/): per organisation, an append-only Merkle log (RFC 6962)
-- whose leaves commit to ids and hashes, never personal data, and signed checkpoints of it
-- (C2SP tlog-checkpoint notes, Ed25519).

-- The counter: one row per organisation holding the log's size. Appending takes the next
-- index by incrementing it in the business transaction, so the row lock serialises appends,
-- a rolled-back transaction leaves no gap, and a leaf exists exactly when its record does.
CREATE TABLE ledger_heads (
  org_id uuid PRIMARY KEY REFERENCES organizations (id),
  size integer NOT NULL CHECK (size >= 0),
  updated_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON ledger_heads TO attest_app;

ALTER TABLE ledger_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON ledger_heads USING (true) WITH CHECK (true);
CREATE POLICY tenant ON ledger_heads AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

-- The leaves: canonical leaf data (src/ledger/entry.ts) and its RFC 6962 leaf hash. Append-only:
-- the app role may add and read, never change or remove.
CREATE TABLE ledger_leaves (
  org_id uuid NOT NULL REFERENCES organizations (id),
  idx integer NOT NULL CHECK (idx >= 0),
  leaf_hash bytea NOT NULL CHECK (length(leaf_hash) = 32),
  leaf_data bytea NOT NULL,
  kind text NOT NULL,
  ref_id text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (org_id, idx)
);
CREATE INDEX ledger_leaves_ref ON ledger_leaves (org_id, ref_id);
GRANT SELECT, INSERT ON ledger_leaves TO attest_app;

ALTER TABLE ledger_leaves ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger_leaves FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON ledger_leaves USING (true) WITH CHECK (true);
CREATE POLICY tenant ON ledger_leaves AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

-- The organisation's checkpoint signing key (Ed25519), made on first use. The private key
-- (PKCS #8) is sealed with AES-256-GCM under the organisation data key of `key_term`.
CREATE TABLE ledger_keys (
  org_id uuid PRIMARY KEY REFERENCES organizations (id),
  name text NOT NULL,
  verifier_key text NOT NULL,
  key_term integer NOT NULL,
  private_key_sealed bytea NOT NULL,
  created_at timestamptz NOT NULL,
  FOREIGN KEY (org_id, key_term) REFERENCES org_data_keys (org_id, term)
);
GRANT SELECT, INSERT ON ledger_keys TO attest_app;

ALTER TABLE ledger_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON ledger_keys USING (true) WITH CHECK (true);
CREATE POLICY tenant ON ledger_keys AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

-- Signed checkpoints, kept as history (one per tree size). Append-only.
CREATE TABLE ledger_checkpoints (
  org_id uuid NOT NULL REFERENCES organizations (id),
  size integer NOT NULL CHECK (size >= 0),
  root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
  note text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (org_id, size)
);
GRANT SELECT, INSERT ON ledger_checkpoints TO attest_app;

ALTER TABLE ledger_checkpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger_checkpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON ledger_checkpoints USING (true) WITH CHECK (true);
CREATE POLICY tenant ON ledger_checkpoints AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
