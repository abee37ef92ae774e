-- Open channels: Open311 GeoReport v2 API keys and IoT devices (sensors) with their alarm and
-- offline episodes, and per-device counters of malformed readings.

-- Open311 API keys: only the SHA-256 of the key is kept; the prefix lets admins tell keys apart.
-- A key is scoped to a jurisdiction (an area code: the city or a district) and rate-limited.
CREATE TABLE open311_api_keys (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  key_prefix text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  jurisdiction_id text NOT NULL CHECK (jurisdiction_id ~ '^[0-9]{6}([0-9]{3}){0,3}$'),
  rate_per_minute integer NOT NULL CHECK (rate_per_minute BETWEEN 1 AND 100000),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);

-- What an Open311 client sent besides the report itself (attributes, media_url), keyed by the
-- case; the token a client polls is the case's external_ref.
CREATE TABLE open311_requests (
  case_id bigint PRIMARY KEY REFERENCES cases (id),
  token text NOT NULL UNIQUE,
  api_key_id bigint NOT NULL REFERENCES open311_api_keys (id),
  attributes jsonb NOT NULL DEFAULT '{}',
  media_url text,
  created_at timestamptz NOT NULL
);

-- Token look-ups (GET tokens/{token}); listing by time uses cases_reported_at (0004).
CREATE INDEX cases_external_ref ON cases (external_ref) WHERE external_ref IS NOT NULL;

-- IoT devices. All alarm state lives in the row, so several nodes (shared MQTT subscription)
-- and restarts raise each alarm or offline case exactly once:
--   alarm_episode / alarm_case_id: the current alarm episode and its case (NULL while the intake
--     of a new episode is pending — the next alarm reading retries it with the same key);
--   offline_episode / offline_raised_at / offline_case_id: the same for silence.
CREATE TABLE devices (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{3,64}$'),
  type text NOT NULL CHECK (type IN ('manhole_tilt', 'water_level', 'smoke', 'noise', 'bin_fill')),
  name text NOT NULL,
  lng double precision NOT NULL,
  lat double precision NOT NULL,
  grid_code text NOT NULL,
  category_code text NOT NULL,
  threshold double precision NOT NULL,
  consecutive integer NOT NULL CHECK (consecutive BETWEEN 1 AND 1000),
  silence_seconds integer NOT NULL CHECK (silence_seconds BETWEEN 60 AND 31536000),
  token_hash text NOT NULL UNIQUE,
  active boolean NOT NULL DEFAULT true,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz,
  last_ts timestamptz,
  last_value double precision,
  battery double precision,
  readings bigint NOT NULL DEFAULT 0,
  stale_readings bigint NOT NULL DEFAULT 0,
  over_count integer NOT NULL DEFAULT 0,
  alarm_episode integer NOT NULL DEFAULT 0,
  alarm_case_id bigint REFERENCES cases (id),
  alarm_pending boolean NOT NULL DEFAULT false,
  alarm_value double precision,
  alarm_repeats integer NOT NULL DEFAULT 0,
  offline_episode integer NOT NULL DEFAULT 0,
  offline_raised_at timestamptz,
  offline_case_id bigint REFERENCES cases (id)
);
CREATE INDEX devices_grid ON devices (grid_code);

-- Malformed readings per device id (also ids nobody registered: the topic names them).
CREATE TABLE device_malformed (
  device_id text PRIMARY KEY,
  count bigint NOT NULL,
  last_at timestamptz NOT NULL,
  last_reason text NOT NULL
);
