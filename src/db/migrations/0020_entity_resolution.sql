-- Entity resolution across department registries (issue 16): every department row of a person
-- is kept as a source record; probabilistic linkage runs merge records of one person, put the
-- uncertain band into a per-area review queue, learn from the decisions (labels), and every
-- merge can be undone exactly (person_merges). Personal values stay sealed as elsewhere in the
-- registry: *_enc AES-GCM (FieldCipher), *_hash keyed hash, *_masked display form; snapshots
-- in person_merges hold only those sealed forms. Same SQL on PGlite and PostgreSQL 15.

-- People without an identity number (floating population registered by address and phone) and
-- people known by a passport. A NULL id_hash never collides (NULLs are distinct in UNIQUE).
ALTER TABLE people ALTER COLUMN id_hash DROP NOT NULL;
ALTER TABLE people ALTER COLUMN id_enc DROP NOT NULL;
ALTER TABLE people ALTER COLUMN id_masked DROP NOT NULL;
ALTER TABLE people ADD COLUMN id_kind text CHECK (id_kind IN ('id_card', 'passport'));
ALTER TABLE people ADD COLUMN address_enc text;
ALTER TABLE people ADD COLUMN address_hash text;
ALTER TABLE people ADD COLUMN address_masked text;
-- A person merged into another is kept (hidden from every read) so an unmerge restores it with
-- its own id; rows arriving later with its number follow the redirect.
ALTER TABLE people ADD COLUMN merged_into bigint REFERENCES people (id);
UPDATE people SET id_kind = 'id_card' WHERE id_hash IS NOT NULL;
CREATE INDEX people_merged_into ON people (merged_into) WHERE merged_into IS NOT NULL;

-- One row per department source row of a person: what that row supplied, sealed.
CREATE TABLE person_records (
  id bigserial PRIMARY KEY,
  person_id bigint NOT NULL REFERENCES people (id),
  -- NULL for the one record backfilled per person that existed before this migration.
  batch_id bigint REFERENCES registry_batches (id),
  row_no integer,
  source text NOT NULL,
  id_kind text CHECK (id_kind IN ('id_card', 'passport')),
  -- The number passes GB 11643 (a mistyped digit is kept, but never counts as a valid number).
  id_valid boolean NOT NULL DEFAULT false,
  id_hash text,
  id_enc text,
  id_masked text,
  name_enc text,
  name_hash text,
  name_masked text,
  phone_enc text,
  phone_hash text,
  phone_masked text,
  address_enc text,
  address_hash text,
  address_masked text,
  birth_date_enc text,
  gender text CHECK (gender IN ('male', 'female')),
  birth_year integer,
  residence_type text CHECK (residence_type IN ('registered', 'permanent', 'floating')),
  household_id bigint REFERENCES households (id),
  grid_code text,
  -- The fields this row supplied (its provenance).
  fields text[] NOT NULL,
  -- The last linkage run that compared this record; NULL = new, for the incremental run.
  linked_run_id bigint,
  created_at timestamptz NOT NULL
);
CREATE INDEX person_records_person ON person_records (person_id);
CREATE INDEX person_records_grid ON person_records (grid_code);
CREATE INDEX person_records_batch_row ON person_records (batch_id, row_no);
CREATE INDEX person_records_unlinked ON person_records (id) WHERE linked_run_id IS NULL;

-- Existing people: one record each with their current values (rows before this migration kept
-- only per-person values). It carries the batch and row of the person's first provenance.
INSERT INTO person_records (person_id, batch_id, row_no, source, id_kind, id_valid, id_hash, id_enc,
  id_masked, name_enc, name_hash, name_masked, phone_enc, phone_hash, phone_masked, gender, birth_year,
  residence_type, household_id, grid_code, fields, created_at)
SELECT p.id, f.batch_id, f.row_no, coalesce(b.source, 'legacy'), p.id_kind, p.id_hash IS NOT NULL,
  p.id_hash, p.id_enc, p.id_masked, p.name_enc, p.name_hash, p.name_masked, p.phone_enc, p.phone_hash,
  p.phone_masked, p.gender, p.birth_year, p.residence_type, p.household_id, p.grid_code,
  coalesce(f.fields, ARRAY['id_number']), p.created_at
FROM people p
LEFT JOIN LATERAL (SELECT v.batch_id, v.row_no, v.fields FROM registry_provenance v
  WHERE v.entity_type = 'person' AND v.entity_id = p.id ORDER BY v.id LIMIT 1) f ON TRUE
LEFT JOIN registry_batches b ON b.id = f.batch_id;

-- One linkage run: who, when, over which areas, what it did, and the model it used.
CREATE TABLE linkage_runs (
  id bigserial PRIMARY KEY,
  mode text NOT NULL CHECK (mode IN ('full', 'incremental')),
  run_by text NOT NULL,
  -- Area codes the run covered; NULL = the whole city.
  scope text[],
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  records integer NOT NULL DEFAULT 0,
  pairs_compared integer NOT NULL DEFAULT 0,
  merged integer NOT NULL DEFAULT 0,
  queued integer NOT NULL DEFAULT 0,
  refused integer NOT NULL DEFAULT 0,
  duration_ms integer NOT NULL DEFAULT 0,
  -- λ, m, u, EM iterations, thresholds, the labels used: no personal data.
  params jsonb NOT NULL DEFAULT '{}'
);

-- The review queue: candidate pairs of source records in the uncertain band.
CREATE TABLE linkage_pairs (
  id bigserial PRIMARY KEY,
  record_a bigint NOT NULL REFERENCES person_records (id),
  record_b bigint NOT NULL REFERENCES person_records (id),
  -- The grid (or community) the pair belongs to: the registry officer of that area reviews it.
  area_code text,
  probability double precision NOT NULL,
  weight double precision NOT NULL,
  -- The waterfall: prior and each field's level and log2 Bayes factor.
  contributions jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'accepted', 'rejected', 'unsure', 'resolved')),
  run_id bigint NOT NULL REFERENCES linkage_runs (id),
  -- The later run that merged the two (status 'resolved').
  resolved_run_id bigint REFERENCES linkage_runs (id),
  decided_by text,
  decided_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (record_a < record_b),
  UNIQUE (record_a, record_b)
);
CREATE INDEX linkage_pairs_pending ON linkage_pairs (area_code) WHERE status = 'pending';

-- Decisions as training labels for the next estimate.
CREATE TABLE linkage_labels (
  id bigserial PRIMARY KEY,
  record_a bigint NOT NULL REFERENCES person_records (id),
  record_b bigint NOT NULL REFERENCES person_records (id),
  is_match boolean NOT NULL,
  pair_id bigint REFERENCES linkage_pairs (id),
  labelled_by text NOT NULL,
  labelled_at timestamptz NOT NULL,
  CHECK (record_a < record_b),
  UNIQUE (record_a, record_b)
);

-- Every merge, with what an exact unmerge needs: both people before, the survivor after, and
-- which records, conflicts, provenance rows and redirects moved.
CREATE TABLE person_merges (
  id bigserial PRIMARY KEY,
  survivor_id bigint NOT NULL REFERENCES people (id),
  absorbed_id bigint NOT NULL REFERENCES people (id),
  kind text NOT NULL CHECK (kind IN ('auto', 'review', 'manual')),
  run_id bigint REFERENCES linkage_runs (id),
  pair_id bigint REFERENCES linkage_pairs (id),
  -- The two source records whose link caused the merge (an unmerge labels them a non-match).
  record_a bigint REFERENCES person_records (id),
  record_b bigint REFERENCES person_records (id),
  probability double precision,
  survivor_before jsonb NOT NULL,
  absorbed_before jsonb NOT NULL,
  survivor_after jsonb NOT NULL,
  moved_records bigint[] NOT NULL,
  moved_conflicts bigint[] NOT NULL,
  moved_provenance bigint[] NOT NULL,
  redirected bigint[] NOT NULL,
  merged_by text NOT NULL,
  merged_at timestamptz NOT NULL,
  unmerged_by text,
  unmerged_at timestamptz
);
CREATE INDEX person_merges_survivor ON person_merges (survivor_id);
CREATE INDEX person_merges_absorbed ON person_merges (absorbed_id);
