-- Identity, sessions, one-time codes, throttling, the dev message outbox and the audit log.
-- Same SQL on PGlite and PostgreSQL 15.

CREATE TABLE users (
  id bigserial PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
  -- argon2id PHC string; NULL for residents who sign in with a one-time code only.
  password_hash text CHECK (password_hash IS NULL OR password_hash LIKE '$argon2id$%'),
  locale text CHECK (locale IS NULL OR locale IN ('zh-CN', 'en')),
  -- Personal data: AES-GCM ciphertext (FieldCipher) and a keyed hash for exact lookup.
  phone_enc text,
  phone_hash text UNIQUE,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  last_login_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK ((phone_enc IS NULL) = (phone_hash IS NULL))
);

CREATE TABLE role_grants (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  role text NOT NULL CHECK (role IN ('resident', 'grid_worker', 'hotline_operator', 'dispatcher', 'dept_handler', 'supervisor', 'admin')),
  -- NULL area = the whole city; department grants carry a department instead.
  area_code text CHECK (area_code IS NULL OR area_code ~ '^[0-9]{6}([0-9]{3}){0,3}$'),
  department_code text REFERENCES departments (code),
  granted_by text NOT NULL,
  granted_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_by text,
  CHECK ((role = 'dept_handler') = (department_code IS NOT NULL)),
  CHECK (role <> 'resident' OR area_code IS NULL)
);
CREATE UNIQUE INDEX role_grants_one_active ON role_grants (user_id, role, coalesce(area_code, ''), coalesce(department_code, ''))
  WHERE revoked_at IS NULL;
CREATE INDEX role_grants_active_area ON role_grants (area_code text_pattern_ops) WHERE revoked_at IS NULL;

-- Server-side cookie sessions: only hashes of the session id and CSRF token are stored.
CREATE TABLE sessions (
  id_hash text PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  csrf_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  origin text
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE otp_codes (
  id bigserial PRIMARY KEY,
  phone_hash text NOT NULL,
  code_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  consumed_at timestamptz
);
CREATE INDEX otp_codes_phone ON otp_codes (phone_hash, created_at DESC);

-- Fixed-window counters shared by every API node (login failures per user/IP, codes per phone/IP).
CREATE TABLE auth_throttle (
  key text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL
);

-- What the built-in MessageSender "sends": admins read codes here in development and demos.
CREATE TABLE dev_outbox (
  id bigserial PRIMARY KEY,
  channel text NOT NULL,
  recipient_masked text NOT NULL,
  recipient_enc text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL
);

-- Append-only, hash-chained audit trail. seq is assigned by the writer as head.seq + 1 under
-- a row lock on audit_head, so the chain has no gaps even when a transaction rolls back.
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_kind text NOT NULL CHECK (actor_kind IN ('anonymous', 'user', 'system')),
  actor_id text,
  actor_name text,
  action text NOT NULL,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  area_code text,
  purpose text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  origin text,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_log_area ON audit_log (area_code text_pattern_ops, seq);
CREATE INDEX audit_log_resource ON audit_log (resource_type, resource_id, seq);

-- The chain head: one row, locked FOR UPDATE by every writer (serialises writers across API
-- nodes) and compared by verify() so that deleting the newest records is detected too.
CREATE TABLE audit_head (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (true, 0, repeat('0', 64));

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
