-- Emergency mode ("easy in peacetime, effective in wartime", issue 19): the mode of an area with
-- its history, campaigns (专项行动) that become one task per household for the worker of its grid,
-- temporary campaign members, idempotent task updates, per-grid progress counters, broadcasts with
-- delivery/read counts and CAP 1.2 alerts in and out. Same SQL on PGlite and PostgreSQL 15.
-- Free texts (reasons, answers, needs) are sealed (AES-GCM, *_enc) or redacted before storage.

-- The current mode of an area (no row = normal). `alert_id` is the inbound CAP alert that put it
-- in standby, so a Cancel of that alert can end the standby it caused and nothing else.
CREATE TABLE emergency_area_modes (
  area_code text PRIMARY KEY CHECK (area_code ~ '^[0-9]{6}([0-9]{3}){0,3}$'),
  mode text NOT NULL CHECK (mode IN ('normal', 'standby', 'emergency')),
  reason text NOT NULL,
  set_by text NOT NULL,
  set_at timestamptz NOT NULL,
  alert_id bigint
);

-- Every switch, kept when the emergency ends (who, why, when).
CREATE TABLE emergency_mode_changes (
  id bigserial PRIMARY KEY,
  area_code text NOT NULL,
  from_mode text NOT NULL,
  to_mode text NOT NULL,
  reason text NOT NULL,
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL,
  alert_id bigint
);
CREATE INDEX emergency_mode_changes_area ON emergency_mode_changes (area_code, id);

CREATE TABLE emergency_campaigns (
  id bigserial PRIMARY KEY,
  area_code text NOT NULL CHECK (area_code ~ '^[0-9]{6}([0-9]{3}){0,3}$'),
  kind text NOT NULL CHECK (kind IN ('door_to_door', 'supply', 'evacuation', 'information')),
  title text NOT NULL,
  form jsonb NOT NULL DEFAULT '[]',
  deadline timestamptz,
  round integer NOT NULL DEFAULT 1,
  parent_id bigint REFERENCES emergency_campaigns (id),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
  tasks_total integer NOT NULL DEFAULT 0,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  closed_at timestamptz
);
CREATE INDEX emergency_campaigns_area ON emergency_campaigns (area_code text_pattern_ops, status);

-- Sunk-down cadres and volunteers: members of one grid for one campaign only.
CREATE TABLE emergency_campaign_members (
  campaign_id bigint NOT NULL REFERENCES emergency_campaigns (id),
  grid_code text NOT NULL CHECK (grid_code ~ '^[0-9]{15}$'),
  user_id bigint NOT NULL REFERENCES users (id),
  added_by text NOT NULL,
  added_at timestamptz NOT NULL,
  PRIMARY KEY (campaign_id, grid_code, user_id)
);
CREATE INDEX emergency_campaign_members_user ON emergency_campaign_members (user_id);

-- One task per household (status `open` until a worker reports; `not_home` stays unreached).
CREATE TABLE emergency_tasks (
  id bigserial PRIMARY KEY,
  campaign_id bigint NOT NULL REFERENCES emergency_campaigns (id),
  household_id bigint NOT NULL REFERENCES households (id),
  building_id bigint,
  grid_code text NOT NULL,
  floor integer,
  room text,
  worker_user_id bigint,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'not_home', 'needs_help')),
  answers_enc text,
  photo_id bigint,
  case_id bigint,
  updated_by bigint,
  updated_at timestamptz,
  UNIQUE (campaign_id, household_id)
);
CREATE INDEX emergency_tasks_worker ON emergency_tasks (worker_user_id, campaign_id);
CREATE INDEX emergency_tasks_grid ON emergency_tasks (campaign_id, grid_code, status);

-- Offline replays: one (worker, key) is one update; the first answer is returned again.
CREATE TABLE emergency_task_updates (
  user_id bigint NOT NULL,
  idempotency_key text NOT NULL,
  task_id bigint NOT NULL REFERENCES emergency_tasks (id),
  request_hash text NOT NULL,
  status text NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (user_id, idempotency_key)
);
CREATE INDEX emergency_task_updates_task ON emergency_task_updates (task_id);

-- Write-time counters per campaign and grid (updated in the task update's transaction; a
-- recount over emergency_tasks gives the same figures).
CREATE TABLE emergency_grid_progress (
  campaign_id bigint NOT NULL REFERENCES emergency_campaigns (id),
  grid_code text NOT NULL,
  total integer NOT NULL DEFAULT 0,
  open integer NOT NULL DEFAULT 0,
  done integer NOT NULL DEFAULT 0,
  not_home integer NOT NULL DEFAULT 0,
  needs_help integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (campaign_id, grid_code)
);

-- CAP 1.2 alerts: ours (out: broadcasts, declarations) and upstream ones (in). The XML is kept
-- as sent or received; `area_codes` are our areas the alert covers.
CREATE TABLE cap_alerts (
  id bigserial PRIMARY KEY,
  direction text NOT NULL CHECK (direction IN ('out', 'in')),
  identifier text NOT NULL,
  sender text NOT NULL,
  sent timestamptz NOT NULL,
  status text NOT NULL,
  msg_type text NOT NULL CHECK (msg_type IN ('Alert', 'Update', 'Cancel', 'Ack', 'Error')),
  refs jsonb NOT NULL DEFAULT '[]',
  headline text,
  area_codes jsonb NOT NULL DEFAULT '[]',
  state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'updated', 'cancelled')),
  xml text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (sender, identifier)
);
CREATE INDEX cap_alerts_direction ON cap_alerts (direction, id DESC);

CREATE TABLE emergency_broadcasts (
  id bigserial PRIMARY KEY,
  area_code text NOT NULL CHECK (area_code ~ '^[0-9]{6}([0-9]{3}){0,3}$'),
  severity text NOT NULL CHECK (severity IN ('Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown')),
  title_zh text NOT NULL,
  title_en text NOT NULL,
  body_zh text NOT NULL,
  body_en text NOT NULL,
  alert_id bigint REFERENCES cap_alerts (id),
  in_app_recipients integer NOT NULL DEFAULT 0,
  sms_sent integer NOT NULL DEFAULT 0,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX emergency_broadcasts_area ON emergency_broadcasts (area_code text_pattern_ops, expires_at);

CREATE TABLE emergency_broadcast_reads (
  broadcast_id bigint NOT NULL REFERENCES emergency_broadcasts (id),
  user_id bigint NOT NULL,
  read_at timestamptz NOT NULL,
  PRIMARY KEY (broadcast_id, user_id)
);
