-- The case closed loop (GB/T 30428): taxonomy versions, calendar, routing, cases with their
-- tasks, events, reporters and photos, idempotency keys, notifications, and write-time rollups.

-- Taxonomy: every version is kept; a case points at (version, code) so a new version never
-- rewrites old cases.
CREATE TABLE taxonomy_versions (
  version integer PRIMARY KEY,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  active boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL
);
CREATE UNIQUE INDEX taxonomy_one_active ON taxonomy_versions (active) WHERE active;

CREATE TABLE category_majors (
  version integer NOT NULL REFERENCES taxonomy_versions (version),
  code text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('event', 'part', 'hotline')),
  major_code text NOT NULL,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  PRIMARY KEY (version, code)
);

CREATE TABLE categories (
  version integer NOT NULL REFERENCES taxonomy_versions (version),
  code text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('event', 'part', 'hotline')),
  major_code text NOT NULL,
  minor_code text NOT NULL,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  department_code text NOT NULL REFERENCES departments (code),
  filing_criteria_zh text NOT NULL,
  filing_criteria_en text NOT NULL,
  closing_criteria_zh text NOT NULL,
  closing_criteria_en text NOT NULL,
  -- {"file": min, "dispatch": min, "handle": min, "verify": min, "handleUnit": "working"|"natural"}
  deadlines jsonb NOT NULL,
  urgent boolean NOT NULL DEFAULT false,
  photo_required boolean NOT NULL DEFAULT false,
  keywords_zh text[] NOT NULL DEFAULT '{}',
  keywords_en text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (version, code)
);

-- Working calendar (one row of settings + dated exceptions), edited by admins.
CREATE TABLE calendar_settings (
  id integer PRIMARY KEY CHECK (id = 1),
  periods jsonb NOT NULL,
  work_weekdays integer[] NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE calendar_exceptions (
  day date PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  label text NOT NULL DEFAULT ''
);

-- Routing: category × area → department. The most specific rule wins (longest area code, then a
-- category rule over a catch-all); no rule → the category's owner department.
CREATE TABLE routing_rules (
  id bigserial PRIMARY KEY,
  category_code text,
  area_code text,
  department_code text NOT NULL REFERENCES departments (code),
  note text NOT NULL DEFAULT '',
  active boolean NOT NULL DEFAULT true,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX routing_rules_lookup ON routing_rules (category_code, area_code) WHERE active;

CREATE TABLE cases (
  id bigserial PRIMARY KEY,
  public_code text NOT NULL UNIQUE,
  state text NOT NULL,
  suspended_from text,
  reopen_count integer NOT NULL DEFAULT 0,
  extension_requested boolean NOT NULL DEFAULT false,
  extension_minutes integer,
  evaluation text,
  merged_into bigint REFERENCES cases (id),
  channel text NOT NULL CHECK (channel IN ('resident', 'patrol', 'hotline', 'sensor', 'open311', 'bulk')),
  category_version integer,
  category_code text,
  hotline_type text,
  urgent boolean NOT NULL DEFAULT false,
  description text NOT NULL,
  address text,
  lng double precision NOT NULL,
  lat double precision NOT NULL,
  grid_code text NOT NULL,
  area_id bigint NOT NULL REFERENCES areas (id),
  department_code text REFERENCES departments (code),
  -- Tasks of the current dispatch: [{department, status, deadline, viaWhistle}] (one per summoned
  -- department; a whistle summons several). Kept in the row so the snapshot is saved atomically.
  tasks jsonb NOT NULL DEFAULT '[]',
  reporter_user_id bigint,
  reporter_name_enc text,
  reporter_phone_enc text,
  reporter_phone_hash text,
  external_ref text,
  reported_at timestamptz NOT NULL,
  filed_at timestamptz,
  dispatched_at timestamptz,
  reported_back_at timestamptz,
  closed_at timestamptz,
  evaluated_at timestamptz,
  updated_at timestamptz NOT NULL,
  -- The running stage clock: which stage, when its deadline falls, minutes left while paused.
  clock_stage text,
  clock_started_at timestamptz,
  clock_deadline timestamptz,
  clock_paused_minutes double precision,
  deadline_status text NOT NULL DEFAULT 'ok' CHECK (deadline_status IN ('ok', 'due_soon', 'overdue')),
  escalation_level integer NOT NULL DEFAULT 0,
  row_version integer NOT NULL DEFAULT 1,
  FOREIGN KEY (category_version, category_code) REFERENCES categories (version, code)
);
CREATE INDEX cases_grid_state ON cases (grid_code, state);
CREATE INDEX cases_state_deadline ON cases (clock_deadline) WHERE clock_deadline IS NOT NULL;
CREATE INDEX cases_reported_at ON cases (reported_at);
CREATE INDEX cases_dup ON cases (category_code, reported_at) WHERE state NOT IN ('closed', 'evaluated', 'rejected', 'voided');
CREATE INDEX cases_reporter ON cases (reporter_user_id);
CREATE INDEX cases_tasks ON cases USING gin (tasks jsonb_path_ops);
CREATE INDEX cases_reporter_phone ON cases (reporter_phone_hash);
CREATE INDEX cases_description_trgm ON cases USING gin (description public.gin_trgm_ops);

-- Every transition, in order: the source of truth for indicators (rollups are a cache of it).
CREATE TABLE case_events (
  id bigserial PRIMARY KEY,
  case_id bigint NOT NULL REFERENCES cases (id),
  at timestamptz NOT NULL,
  actor_kind text NOT NULL,
  actor_id text,
  actor_name text NOT NULL,
  action text NOT NULL,
  from_state text,
  to_state text NOT NULL,
  department_code text,
  -- Stage completion: which stage ended and whether on time (drives 按时立案率 etc.).
  stage_done text,
  on_time boolean,
  note text NOT NULL DEFAULT '',
  public_note boolean NOT NULL DEFAULT false,
  data jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events (case_id, id);
CREATE INDEX case_events_at ON case_events (at);

-- Reporters of a case: the original one and everyone who pressed "me too".
CREATE TABLE case_reporters (
  id bigserial PRIMARY KEY,
  case_id bigint NOT NULL REFERENCES cases (id),
  user_id bigint,
  phone_hash text,
  phone_enc text,
  name_enc text,
  channel text NOT NULL,
  original boolean NOT NULL,
  joined_at timestamptz NOT NULL
);
CREATE INDEX case_reporters_case ON case_reporters (case_id);
CREATE INDEX case_reporters_user ON case_reporters (user_id);

CREATE TABLE case_photos (
  id bigserial PRIMARY KEY,
  case_id bigint REFERENCES cases (id),
  event_id bigint REFERENCES case_events (id),
  purpose text NOT NULL CHECK (purpose IN ('report', 'report_back', 'verify')),
  sha256 text NOT NULL,
  mime text NOT NULL,
  bytes integer NOT NULL,
  storage_key text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX case_photos_case ON case_photos (case_id);

-- A retried intake with the same key returns the first answer and creates nothing.
CREATE TABLE idempotency_keys (
  scope text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  case_id bigint REFERENCES cases (id),
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (scope, key)
);

CREATE TABLE notifications (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL,
  case_id bigint REFERENCES cases (id),
  kind text NOT NULL,
  title_zh text NOT NULL,
  title_en text NOT NULL,
  body jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  read_at timestamptz
);
CREATE INDEX notifications_user ON notifications (user_id, id DESC);

-- Write-time rollups: one row per (day in Asia/Shanghai, grid, department, metric), updated in
-- the same transaction as the case event that counts. Indicators and the dashboard read these;
-- a recount from case_events must always give the same numbers.
CREATE TABLE case_rollup_daily (
  day date NOT NULL,
  grid_code text NOT NULL,
  department_code text NOT NULL DEFAULT '',
  metric text NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (day, grid_code, department_code, metric)
);
CREATE INDEX case_rollup_grid ON case_rollup_daily (grid_code, day);

-- Live counts of cases per grid and state (open, overdue on the map) kept at write time.
CREATE TABLE case_state_counts (
  grid_code text NOT NULL,
  state text NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (grid_code, state)
);
