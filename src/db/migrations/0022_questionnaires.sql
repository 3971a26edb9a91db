-- Security questionnaires (src/modules/questionnaires): the answer library, and questionnaires
-- customers send (CSV or XLSX) imported with suggested answers, reviewed and exported back
-- into the original file. Calendar days are `date`; they come back as YYYY-MM-DD text.

-- The answer library: one answer per entry, with the questions it answers (the main one and
-- variants learned from reviewed questionnaires). `short` is the yes/no/partial part; the
-- text may hold {{placeholders}} filled from live state when suggested. Linked controls and
-- evidence are ids of this organisation (checked by the service; a control or evidence item
-- is never deleted, only retired or erased).
CREATE TABLE answer_library_entries (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  question text NOT NULL CHECK (length(question) BETWEEN 3 AND 2000),
  variants text[] NOT NULL DEFAULT '{}' CHECK (cardinality(variants) <= 100),
  short text CHECK (short IN ('yes', 'no', 'partial', 'not_applicable')),
  answer text NOT NULL CHECK (length(answer) BETWEEN 1 AND 10000),
  control_ids uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(control_ids) <= 50),
  evidence_ids uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(evidence_ids) <= 50),
  tags text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20),
  owner_user_id uuid REFERENCES users (id),
  last_reviewed_on date,
  -- The starter entry it came from (src/content/answer-library.json), or null.
  starter_key text CHECK (length(starter_key) <= 100),
  -- The questionnaire item whose reviewed answer created it, or null (no foreign key: a
  -- questionnaire may be deleted, and the entry it taught the library stays).
  source_item_id uuid,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX answer_library_entries_org ON answer_library_entries (org_id, updated_at DESC);
GRANT SELECT, INSERT, UPDATE, DELETE ON answer_library_entries TO attest_app;

-- When the starter library was added to the organisation (once: deleting every entry does
-- not bring it back).
CREATE TABLE answer_library_state (
  org_id uuid PRIMARY KEY REFERENCES organizations (id),
  seeded_at timestamptz NOT NULL
);
GRANT SELECT, INSERT ON answer_library_state TO attest_app;

-- An imported questionnaire. The original file is kept sealed with the organisation's data
-- key (AES-256-GCM, the term in key_term) so the export writes answers back into it. Columns
-- and rows are 1-based as a spreadsheet shows them; answer_column may be one past the last
-- column (a new column, its header written by the export). Header row 0: the file has none.
CREATE TABLE security_questionnaires (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  customer text CHECK (length(customer) <= 200),
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  format text NOT NULL CHECK (format IN ('csv', 'xlsx')),
  size integer NOT NULL CHECK (size > 0),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  sealed bytea NOT NULL,
  key_term integer NOT NULL,
  sheet text CHECK (length(sheet) <= 200),
  header_row integer NOT NULL CHECK (header_row BETWEEN 0 AND 100000),
  question_column integer NOT NULL CHECK (question_column BETWEEN 1 AND 16384),
  answer_column integer NOT NULL CHECK (answer_column BETWEEN 1 AND 16384),
  answer_column_new boolean NOT NULL,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (question_column <> answer_column),
  CHECK ((format = 'xlsx') = (sheet IS NOT NULL))
);
CREATE INDEX security_questionnaires_org ON security_questionnaires (org_id, created_at DESC);
GRANT SELECT, INSERT, UPDATE, DELETE ON security_questionnaires TO attest_app;

-- One question of a questionnaire: where it is (row), the suggestions made for it (best
-- first, each with its source and confidence), and the reviewed answer.
CREATE TABLE security_questionnaire_items (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  questionnaire_id uuid NOT NULL REFERENCES security_questionnaires (id) ON DELETE CASCADE,
  position integer NOT NULL CHECK (position >= 1),
  row_number integer NOT NULL CHECK (row_number >= 1),
  question text NOT NULL CHECK (length(question) BETWEEN 1 AND 5000),
  -- The answer the file held in the answer column when imported, if any.
  original_answer text,
  suggestions jsonb NOT NULL DEFAULT '[]',
  status text NOT NULL CHECK (status IN ('suggested', 'accepted', 'edited', 'unanswered')),
  short text CHECK (short IN ('yes', 'no', 'partial', 'not_applicable')),
  answer text CHECK (length(answer) <= 10000),
  -- The library entry the answer came from or created.
  library_entry_id uuid REFERENCES answer_library_entries (id) ON DELETE SET NULL,
  reviewed_by uuid REFERENCES users (id),
  reviewed_at timestamptz,
  UNIQUE (questionnaire_id, position),
  CHECK ((status IN ('accepted', 'edited')) = (answer IS NOT NULL))
);
GRANT SELECT, INSERT, UPDATE, DELETE ON security_questionnaire_items TO attest_app;

ALTER TABLE answer_library_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE answer_library_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON answer_library_entries USING (true) WITH CHECK (true);
CREATE POLICY tenant ON answer_library_entries AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE answer_library_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE answer_library_state FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON answer_library_state USING (true) WITH CHECK (true);
CREATE POLICY tenant ON answer_library_state AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE security_questionnaires ENABLE ROW LEVEL SECURITY;
ALTER TABLE security_questionnaires FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON security_questionnaires USING (true) WITH CHECK (true);
CREATE POLICY tenant ON security_questionnaires AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE security_questionnaire_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE security_questionnaire_items FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON security_questionnaire_items USING (true) WITH CHECK (true);
CREATE POLICY tenant ON security_questionnaire_items AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
