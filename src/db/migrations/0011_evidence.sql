-- The evidence vault: files (encrypted in the blob store under `org/<org id>/<id>`), each
-- attached to a control and/or an evidence task, committed to the organisation's ledger.
-- `sha256` is the SHA-256 of the plaintext: the ledger leaf's content hash. A row is written
-- only after its blob is complete, in the transaction that appends its ledger leaf and audit
-- row, so a row never points to a missing or partial blob (orphan blobs are swept).

CREATE TABLE evidence (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
  content_type text NOT NULL,
  size bigint NOT NULL CHECK (size > 0),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  -- The data-key term the blob was encrypted under.
  key_term integer NOT NULL,
  blob_key text NOT NULL,
  control_id uuid,
  task_id uuid,
  -- The time the evidence proves (a day, or a period), which may differ from the upload.
  effective_from timestamptz NOT NULL,
  effective_to timestamptz,
  note text NOT NULL DEFAULT '',
  uploaded_by uuid REFERENCES users (id),
  uploaded_at timestamptz NOT NULL,
  ledger_index integer NOT NULL CHECK (ledger_index >= 0),
  -- Erasure deletes the blob; the row and the ledger leaf stay, so the log still verifies.
  erased_at timestamptz,
  erased_by uuid REFERENCES users (id),
  erase_reason text,
  -- The `evidence.erased` leaf that records the erasure.
  erased_ledger_index integer,
  UNIQUE (org_id, id),
  UNIQUE (org_id, ledger_index),
  FOREIGN KEY (org_id, control_id) REFERENCES controls (org_id, id),
  FOREIGN KEY (org_id, task_id) REFERENCES evidence_tasks (org_id, id),
  FOREIGN KEY (org_id, key_term) REFERENCES org_data_keys (org_id, term),
  -- The leaf exists exactly when the row does: both are written in one transaction.
  FOREIGN KEY (org_id, ledger_index) REFERENCES ledger_leaves (org_id, idx),
  FOREIGN KEY (org_id, erased_ledger_index) REFERENCES ledger_leaves (org_id, idx),
  CHECK (control_id IS NOT NULL OR task_id IS NOT NULL),
  CHECK (effective_to IS NULL OR effective_to >= effective_from),
  CHECK ((erased_at IS NULL) = (erase_reason IS NULL) AND (erased_at IS NULL) = (erased_ledger_index IS NULL)),
  CHECK (erase_reason IS NULL OR length(btrim(erase_reason)) > 0)
);
CREATE INDEX evidence_by_control ON evidence (org_id, control_id, ledger_index);
CREATE INDEX evidence_by_task ON evidence (org_id, task_id, ledger_index);
CREATE INDEX evidence_by_effective ON evidence (org_id, effective_from);

-- The app role adds and reads evidence; the only change it may make is erasure.
GRANT SELECT, INSERT ON evidence TO attest_app;
GRANT UPDATE (erased_at, erased_by, erase_reason, erased_ledger_index) ON evidence TO attest_app;

ALTER TABLE evidence ENABLE ROW LEVEL SECURITY;
ALTER TABLE evidence FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON evidence USING (true) WITH CHECK (true);
CREATE POLICY tenant ON evidence AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
