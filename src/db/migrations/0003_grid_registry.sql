-- Grid engine and base data: change notification for the locate index, grid members,
-- the "one map, three reals" registry (addresses, buildings, households, people,
-- organisations) with per-value provenance and conflicts, and city parts (GB/T 30428.2).
-- Same SQL on PGlite and PostgreSQL 15.

-- Every committed change to areas wakes the locate index of every instance (NOTIFY is
-- delivered after commit; identical notifications in one transaction are folded into one).
CREATE FUNCTION notify_areas_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('areas_changed', 'areas');
  RETURN NULL;
END;
$$;
CREATE TRIGGER areas_changed AFTER INSERT OR UPDATE OR DELETE ON areas
  FOR EACH STATEMENT EXECUTE FUNCTION notify_areas_changed();

-- Who works a grid: workers patrol and report, the leader answers for the grid.
CREATE TABLE grid_members (
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  grid_code text NOT NULL CHECK (grid_code ~ '^[0-9]{15}$'),
  role text NOT NULL CHECK (role IN ('worker', 'leader')),
  assigned_at timestamptz NOT NULL DEFAULT now(),
  assigned_by text NOT NULL,
  PRIMARY KEY (grid_code, user_id, role)
);
CREATE UNIQUE INDEX grid_members_one_leader ON grid_members (grid_code) WHERE role = 'leader';
CREATE INDEX grid_members_user ON grid_members (user_id);

-- One row per imported file (or API batch): the provenance of every value points here.
CREATE TABLE registry_batches (
  id bigserial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('person', 'household', 'organisation', 'part')),
  source text NOT NULL,
  file_name text NOT NULL,
  imported_at timestamptz NOT NULL,
  imported_by text NOT NULL,
  rows_total integer NOT NULL DEFAULT 0,
  rows_imported integer NOT NULL DEFAULT 0,
  rows_rejected integer NOT NULL DEFAULT 0,
  rows_merged integer NOT NULL DEFAULT 0,
  conflicts integer NOT NULL DEFAULT 0,
  -- [{row, field, reason}], capped; never clear personal data.
  rejections jsonb NOT NULL DEFAULT '[]'
);

-- Standard addresses (标准地址): places, not people; the text is the official form.
CREATE TABLE addresses (
  id bigserial PRIMARY KEY,
  text text NOT NULL UNIQUE,
  grid_code text,
  lng double precision,
  lat double precision,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX addresses_grid ON addresses (grid_code);

-- Real housing (实有房屋): buildings with a location, located into a grid.
CREATE TABLE buildings (
  id bigserial PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  address_id bigint REFERENCES addresses (id),
  grid_code text,
  lng double precision NOT NULL,
  lat double precision NOT NULL,
  floors integer,
  use text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX buildings_grid ON buildings (grid_code);

CREATE TABLE households (
  id bigserial PRIMARY KEY,
  household_no text NOT NULL UNIQUE,
  building_id bigint REFERENCES buildings (id),
  address_id bigint REFERENCES addresses (id),
  room text,
  grid_code text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX households_grid ON households (grid_code);

-- Real population (实有人口). Personal fields: *_enc = AES-GCM (FieldCipher), *_hash = keyed
-- hash (exact match, conflict detection), *_masked = the display form (lists never decrypt).
CREATE TABLE people (
  id bigserial PRIMARY KEY,
  id_hash text NOT NULL UNIQUE,
  id_enc text NOT NULL,
  id_masked text NOT NULL,
  name_enc text,
  name_hash text,
  name_masked text,
  phone_enc text,
  phone_hash text,
  phone_masked text,
  gender text CHECK (gender IN ('male', 'female')),
  birth_year integer,
  residence_type text CHECK (residence_type IN ('registered', 'permanent', 'floating')),
  household_id bigint REFERENCES households (id),
  grid_code text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX people_grid ON people (grid_code);
CREATE INDEX people_household ON people (household_id);

-- Real units (实有单位).
CREATE TABLE organisations (
  id bigserial PRIMARY KEY,
  credit_code text UNIQUE,
  name text NOT NULL,
  address_id bigint REFERENCES addresses (id),
  grid_code text,
  lng double precision,
  lat double precision,
  kind text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organisations_grid ON organisations (grid_code);

-- Where each value came from: one row per (record, source row), naming the fields that row
-- supplied; source, file and time are the batch's.
CREATE TABLE registry_provenance (
  id bigserial PRIMARY KEY,
  entity_type text NOT NULL CHECK (entity_type IN ('person', 'household', 'organisation', 'part')),
  entity_id bigint NOT NULL,
  batch_id bigint NOT NULL REFERENCES registry_batches (id),
  row_no integer NOT NULL,
  fields text[] NOT NULL
);
CREATE INDEX registry_provenance_entity ON registry_provenance (entity_type, entity_id);

-- A value from a source that disagrees with the stored one: kept for a person to decide.
CREATE TABLE registry_conflicts (
  id bigserial PRIMARY KEY,
  entity_type text NOT NULL,
  entity_id bigint NOT NULL,
  field text NOT NULL,
  grid_code text,
  current_masked text,
  proposed_enc text,
  proposed_hash text,
  proposed_masked text,
  batch_id bigint NOT NULL REFERENCES registry_batches (id),
  row_no integer NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'kept', 'replaced')),
  resolved_by text,
  resolved_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX registry_conflicts_open ON registry_conflicts (grid_code) WHERE status = 'open';
CREATE INDEX registry_conflicts_entity ON registry_conflicts (entity_type, entity_id);

-- City parts (部件, GB/T 30428.2): 16-digit identifier = county + major + minor + serial.
CREATE TABLE city_parts (
  id bigserial PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code ~ '^[0-9]{16}$'),
  category_code text NOT NULL CHECK (category_code ~ '^P[0-9]{4}$'),
  name text,
  owner_department text NOT NULL REFERENCES departments (code),
  state text NOT NULL CHECK (state IN ('normal', 'damaged', 'missing', 'repairing', 'removed')),
  lng double precision NOT NULL,
  lat double precision NOT NULL,
  grid_code text,
  batch_id bigint REFERENCES registry_batches (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX city_parts_grid ON city_parts (grid_code);
