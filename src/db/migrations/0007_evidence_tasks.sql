-- Evidence tasks: the recurring work each control's evidence list asks for (controls.evidence),
-- one row per occurrence. Completing a recurring occurrence creates the next one of its series
-- in the same transaction. "Overdue" is status = 'open' AND due_at < now.

CREATE TABLE evidence_tasks (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  control_id uuid NOT NULL,
  -- Occurrences of one recurring task share a series; the n-th is due `n` periods after the
  -- anchor (so a monthly task anchored on the 31st comes back on the 31st, or the month's last day).
  series_id uuid NOT NULL,
  series_anchor_at timestamptz NOT NULL,
  series_seq integer NOT NULL DEFAULT 0 CHECK (series_seq >= 0),
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  cadence text NOT NULL CHECK (cadence IN ('once', 'monthly', 'quarterly', 'yearly')),
  assignee_user_id uuid REFERENCES users (id),
  due_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed', 'cancelled')),
  completed_at timestamptz,
  completed_by uuid REFERENCES users (id),
  completion_kind text CHECK (completion_kind IN ('link', 'note', 'file')),
  link_url text,
  note text,
  reminded_at timestamptz,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, control_id) REFERENCES controls (org_id, id),
  CHECK ((status = 'completed') = (completed_at IS NOT NULL AND completion_kind IS NOT NULL)),
  CHECK (completion_kind IS DISTINCT FROM 'link' OR link_url ~ '^https?://'),
  CHECK (completion_kind IS DISTINCT FROM 'note' OR length(btrim(note)) > 0)
);
-- The readiness dashboard counts open (and overdue) tasks per control.
CREATE INDEX evidence_tasks_open_by_control ON evidence_tasks (org_id, control_id, due_at) WHERE status = 'open';
CREATE INDEX evidence_tasks_by_due ON evidence_tasks (org_id, due_at, id);
CREATE INDEX evidence_tasks_by_assignee ON evidence_tasks (org_id, assignee_user_id, due_at) WHERE status = 'open';
CREATE INDEX evidence_tasks_series ON evidence_tasks (org_id, series_id, series_seq);
-- At most one open occurrence per series: completing twice cannot schedule two next ones.
CREATE UNIQUE INDEX evidence_tasks_one_open_per_series ON evidence_tasks (org_id, series_id) WHERE status = 'open';
GRANT SELECT, INSERT, UPDATE ON evidence_tasks TO attest_app;

ALTER TABLE evidence_tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE evidence_tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON evidence_tasks USING (true) WITH CHECK (true);
CREATE POLICY tenant ON evidence_tasks AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

-- Files that completed a task, sealed with AES-256-GCM under the master key (organisation and
-- task bound as associated data). Written once, never changed: the app role may only add and read.
CREATE TABLE task_files (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  task_id uuid NOT NULL,
  name text NOT NULL,
  content_type text NOT NULL,
  size integer NOT NULL CHECK (size > 0),
  sha256 text NOT NULL,
  sealed bytea NOT NULL,
  uploaded_by uuid REFERENCES users (id),
  uploaded_at timestamptz NOT NULL,
  FOREIGN KEY (org_id, task_id) REFERENCES evidence_tasks (org_id, id)
);
CREATE INDEX task_files_task ON task_files (org_id, task_id, uploaded_at DESC);
GRANT SELECT, INSERT ON task_files TO attest_app;

ALTER TABLE task_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE task_files FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON task_files USING (true) WITH CHECK (true);
CREATE POLICY tenant ON task_files AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
