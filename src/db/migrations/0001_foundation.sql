-- Foundation: organisations, users, memberships, authentication, API tokens, audit log.
--
-- Tenancy: every table that holds an organisation's data has org_id, row-level security
-- enabled and FORCED, a permissive policy that opens the table and a RESTRICTIVE policy that
-- limits every role (the owner included) to the organisation set for the transaction.
-- Requests run as attest_app, which is not superuser, has no BYPASSRLS and owns nothing.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'attest_app') THEN
    CREATE ROLE attest_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END
$$;

-- The migrating role must be able to SET ROLE attest_app (a superuser always can).
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT attest_app TO %I', current_user);
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO attest_app;

CREATE FUNCTION app_current_org() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('app.org_id', true), '')::uuid $$;

CREATE FUNCTION app_current_user() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;

-- Instance-wide settings (the master key check value, the default organisation).
CREATE TABLE instance_settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT ON instance_settings TO attest_app;

CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  name text NOT NULL,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz,
  CONSTRAINT users_email_lower CHECK (email = lower(email))
);
CREATE UNIQUE INDEX users_email_key ON users (email);
GRANT SELECT, INSERT, UPDATE ON users TO attest_app;

CREATE TABLE organizations (
  id uuid PRIMARY KEY,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON organizations TO attest_app;

CREATE TABLE memberships (
  org_id uuid NOT NULL REFERENCES organizations (id),
  user_id uuid NOT NULL REFERENCES users (id),
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'reviewer', 'auditor')),
  -- Auditors get time-boxed access: past this moment the membership no longer counts.
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships TO attest_app;

CREATE TABLE user_totp (
  user_id uuid PRIMARY KEY REFERENCES users (id),
  secret_enc text NOT NULL,
  confirmed_at timestamptz,
  last_used_step bigint,
  created_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE, DELETE ON user_totp TO attest_app;

CREATE TABLE webauthn_credentials (
  id text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  name text NOT NULL,
  public_key bytea NOT NULL,
  counter bigint NOT NULL DEFAULT 0,
  transports text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz
);
CREATE INDEX webauthn_credentials_user ON webauthn_credentials (user_id);
GRANT SELECT, INSERT, UPDATE, DELETE ON webauthn_credentials TO attest_app;

-- A session belongs to a user; the organisation it currently acts in is a preference,
-- checked against memberships on every request.
CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  token_hash bytea NOT NULL UNIQUE,
  user_id uuid NOT NULL REFERENCES users (id),
  stage text NOT NULL CHECK (stage IN ('mfa', 'enrol', 'full')),
  current_org uuid,
  csrf_token text NOT NULL,
  challenge text,
  ip text,
  user_agent text,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id);
GRANT SELECT, INSERT, UPDATE ON sessions TO attest_app;

-- Failed-login counters per account and per address; never a permanent lock.
CREATE TABLE login_throttle (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  first_failure_at timestamptz NOT NULL,
  blocked_until timestamptz
);
GRANT SELECT, INSERT, UPDATE, DELETE ON login_throttle TO attest_app;

CREATE TABLE invitations (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  email text NOT NULL CHECK (email = lower(email)),
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'reviewer', 'auditor')),
  token_hash bytea NOT NULL UNIQUE,
  invited_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_by uuid REFERENCES users (id),
  revoked_at timestamptz,
  UNIQUE (org_id, id)
);
GRANT SELECT, INSERT, UPDATE ON invitations TO attest_app;

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  user_id uuid NOT NULL REFERENCES users (id),
  name text NOT NULL,
  scopes text[] NOT NULL,
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz,
  UNIQUE (org_id, id)
);
GRANT SELECT, INSERT, UPDATE ON api_tokens TO attest_app;

-- The audit log: the app role may add rows and read them, never change or remove them.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  at timestamptz NOT NULL,
  actor_user_id uuid,
  actor text NOT NULL,
  action text NOT NULL,
  target_type text,
  target_id text,
  ip text,
  user_agent text,
  request_id text,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_org_at ON audit_log (org_id, at DESC, id DESC);
CREATE INDEX audit_log_org_action ON audit_log (org_id, action);
GRANT SELECT, INSERT ON audit_log TO attest_app;

-- Events that belong to no organisation (a failed login for an unknown address).
CREATE TABLE system_audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  ip text,
  user_agent text,
  request_id text,
  details jsonb NOT NULL DEFAULT '{}'
);
GRANT INSERT ON system_audit_log TO attest_app;

-- Row-level security.
ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE organizations FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON organizations USING (true) WITH CHECK (true);
CREATE POLICY tenant ON organizations AS RESTRICTIVE
  USING (id = app_current_org()
         OR id IN (SELECT m.org_id FROM memberships m WHERE m.user_id = app_current_user()))
  WITH CHECK (id = app_current_org());

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON memberships USING (true) WITH CHECK (true);
-- A user may list their own memberships in every organisation (to switch between them).
CREATE POLICY tenant ON memberships AS RESTRICTIVE
  USING (org_id = app_current_org() OR user_id = app_current_user())
  WITH CHECK (org_id = app_current_org());

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON invitations USING (true) WITH CHECK (true);
CREATE POLICY tenant ON invitations AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON api_tokens USING (true) WITH CHECK (true);
CREATE POLICY tenant ON api_tokens AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY open ON audit_log USING (true) WITH CHECK (true);
CREATE POLICY tenant ON audit_log AS RESTRICTIVE
  USING (org_id = app_current_org()) WITH CHECK (org_id = app_current_org());
