-- Personal data in free text and photos (issue 14).
-- 1. Staff without the right to reveal a case's data search its redacted text, never the raw one
--    (a raw search would confirm a masked phone digit by digit). The redacted copies are written
--    by the application at intake (the one detector, src/lib/privacy.ts); rows older than this
--    migration are filled in by the application after migrating (redaction_version NULL = to do).
ALTER TABLE cases ADD COLUMN description_redacted text;
ALTER TABLE cases ADD COLUMN address_redacted text;
ALTER TABLE cases ADD COLUMN redaction_version integer;
CREATE INDEX cases_description_redacted_trgm ON cases USING gin (description_redacted public.gin_trgm_ops);
CREATE INDEX cases_redaction_pending ON cases (id) WHERE redaction_version IS NULL;
-- 2. An anonymous upload belongs to the key its client holds (SHA-256 of it): attaching the photo
--    to a report needs the key, so nobody attaches another reporter's photo by guessing its id.
ALTER TABLE case_photos ADD COLUMN upload_key_hash text;
