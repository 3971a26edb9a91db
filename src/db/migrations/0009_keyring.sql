-- The keyring (src/crypto/keyring.ts). Two levels of numbered key terms:
--
--   master key (ATTEST_MASTER_KEY / master.key, never stored)
--     └─ wraps key-encrypting keys: keyring_keks, one row per term (instance-wide)
--          └─ wrap organisation data keys: org_data_keys, one row per organisation and term
--               └─ encrypt files and blobs (AES-256-GCM)
--
-- Every key is 256 random bits, stored only wrapped (AES-256 key wrap, RFC 3394). New writes
-- use the newest term; older terms stay readable. `attest keys rotate` adds a term at both
-- levels and re-wraps every data key under the newest key-encrypting key.

-- Key-encrypting keys (instance-wide). The owning role writes them (first start, rotation).
-- The app role may read them, as it may read instance_settings: they are useless without the
-- master key, which is never in the database, and a request holding a transaction must be
-- able to learn a term that another process added since this one started.
CREATE TABLE keyring_keks (
  term integer PRIMARY KEY CHECK (term >= 1),
  wrapped_key bytea NOT NULL CHECK (length(wrapped_key) = 40),
  created_at timestamptz NOT NULL
);
GRANT SELECT ON keyring_keks TO attest_app;

-- Organisation data keys. Requests create an organisation's first key (and read its keys) as
-- the app role, under row-level security like every organisation table; re-wrapping on
-- rotation is the operator's (owning role), so the app role may add and read, never change.
CREATE TABLE org_data_keys (
  org_id uuid NOT NULL REFERENCES organizations (id),
  term integer NOT NULL CHECK (term >= 1),
  kek_term integer NOT NULL REFERENCES keyring_keks (term),
  wrapped_key bytea NOT NULL CHECK (length(wrapped_key) = 40),
  created_at timestamptz NOT NULL,
  rewrapped_at timestamptz,
  PRIMARY KEY (org_id, term)
);
CREATE INDEX org_data_keys_kek ON org_data_keys (kek_term);
GRANT SELECT, INSERT ON org_data_keys TO attest_app;

ALTER TABLE org_data_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE org_data_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON org_data_keys USING (true) WITH CHECK (true);
CREATE POLICY tenant ON org_data_keys AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

-- Task files sealed under an organisation data key name its term; NULL is the earlier format,
-- sealed under the master key itself (still readable).
ALTER TABLE task_files ADD COLUMN key_term integer;
ALTER TABLE task_files ADD CONSTRAINT task_files_key_term_fkey
  FOREIGN KEY (org_id, key_term) REFERENCES org_data_keys (org_id, term);
