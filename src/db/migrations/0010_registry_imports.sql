-- Department file imports for the rest of the base data (一标三实): standard addresses,
-- buildings, households and organisations get batches, provenance and conflicts like people.
-- Each kind merges on a natural key: address code, building code, household number, unified
-- social credit code (GB 32100). Personal values of households (head) and organisations
-- (contact phone) are sealed like people's: *_enc AES-GCM, *_hash keyed hash, *_masked display.
-- Same SQL on PGlite and PostgreSQL 15; independent of migrations 0008/0009.

ALTER TABLE registry_batches DROP CONSTRAINT registry_batches_kind_check;
ALTER TABLE registry_batches ADD CONSTRAINT registry_batches_kind_check
  CHECK (kind IN ('person', 'household', 'organisation', 'part', 'address', 'building'));

ALTER TABLE registry_provenance DROP CONSTRAINT registry_provenance_entity_type_check;
ALTER TABLE registry_provenance ADD CONSTRAINT registry_provenance_entity_type_check
  CHECK (entity_type IN ('person', 'household', 'organisation', 'part', 'address', 'building'));

-- The standard address code (标准地址编码) a city's address register assigns; older rows (the
-- demo's) have none and are matched by their official text until a file gives them one.
ALTER TABLE addresses ADD COLUMN code text UNIQUE;

ALTER TABLE households
  ADD COLUMN head_name_enc text,
  ADD COLUMN head_name_hash text,
  ADD COLUMN head_name_masked text,
  ADD COLUMN head_phone_enc text,
  ADD COLUMN head_phone_hash text,
  ADD COLUMN head_phone_masked text;

ALTER TABLE organisations
  ADD COLUMN contact_phone_enc text,
  ADD COLUMN contact_phone_hash text,
  ADD COLUMN contact_phone_masked text;

CREATE INDEX households_building ON households (building_id);
CREATE INDEX registry_provenance_batch ON registry_provenance (batch_id);
