-- Attest's own backups and verified restores (src/backup/): one row per run of `attest backup`
-- (kind backup) and of `attest restore --verify` recorded in this instance (kind verify).
-- Instance-wide, like instance_settings: a backup holds every organisation. The owning role
-- writes it (the CLI, or the server through its admin socket); the app role only reads it, to
-- mirror the latest runs into each organisation's inventory (the `backups` source).
CREATE TABLE backup_runs (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('backup', 'verify')),
  -- The backup made (kind backup) or the one that was verified (kind verify), from its header.
  backup_id uuid,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  ok boolean NOT NULL,
  -- The size of the backup file.
  bytes bigint CHECK (bytes >= 0),
  -- The file's name (no folder: organisations see it), as the operator gave it.
  file_name text CHECK (length(file_name) BETWEEN 1 AND 255),
  -- What happened: a summary on success, the reason on failure.
  message text NOT NULL DEFAULT '' CHECK (length(message) <= 2000),
  CHECK (finished_at >= started_at),
  CHECK (ok = false OR backup_id IS NOT NULL)
);
CREATE INDEX backup_runs_latest ON backup_runs (kind, ok, finished_at DESC);
GRANT SELECT ON backup_runs TO attest_app;
