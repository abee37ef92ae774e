-- Foundation: key/value metadata, departments and the area hierarchy.
-- Same SQL on PGlite and PostgreSQL 15.

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE TABLE app_meta (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE departments (
  code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  kind text NOT NULL DEFAULT 'government',
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per version of an area's boundary: a boundary change closes the old row
-- (valid_to) and inserts a new one, so a case keeps pointing at the grid it was filed in.
-- The hierarchy is by code: grid codes extend their community's code, and so on up to the
-- district (GB/T 30428.1), so "inside area X" is a prefix match on the code.
CREATE TABLE areas (
  id bigserial PRIMARY KEY,
  code text NOT NULL CHECK (code ~ '^[0-9]{6}([0-9]{3}){0,3}$'),
  level text NOT NULL CHECK (level IN ('city', 'district', 'street', 'community', 'grid')),
  parent_code text,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  geometry jsonb NOT NULL,
  min_lng double precision NOT NULL,
  min_lat double precision NOT NULL,
  max_lng double precision NOT NULL,
  max_lat double precision NOT NULL,
  center_lng double precision NOT NULL,
  center_lat double precision NOT NULL,
  area_m2 double precision NOT NULL DEFAULT 0,
  valid_from timestamptz NOT NULL DEFAULT now(),
  valid_to timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE UNIQUE INDEX areas_current_code ON areas (code) WHERE valid_to IS NULL;
CREATE INDEX areas_current_parent ON areas (parent_code) WHERE valid_to IS NULL;
CREATE INDEX areas_current_level ON areas (level, code) WHERE valid_to IS NULL;
CREATE INDEX areas_code_history ON areas (code, valid_from);
