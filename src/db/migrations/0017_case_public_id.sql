-- A public id per case, separate from its tracking code (issue 14). The tracking code
-- (public_code) is what the reporter holds: it opens the tracking page and "me too", so it is a
-- secret of the reporter and never appears in an anonymous listing. Public listings (Open311
-- service_request_id) use public_id instead: 64 random bits, drawn from gen_random_uuid() (the
-- server's strong random source; a v4 uuid's version and variant digits are skipped), so it is
-- derived neither from the tracking code nor from the row id. The default fills every insert
-- path (intake of every channel, demo COPY) without any of them having to remember it.
ALTER TABLE cases ADD COLUMN public_id text
  DEFAULT ('R' || upper(substr(replace(gen_random_uuid()::text, '-', ''), 1, 12)
    || substr(replace(gen_random_uuid()::text, '-', ''), 18, 4)));
-- Existing cases: ADD COLUMN with a volatile default already computes it per row on PostgreSQL;
-- this covers any row left NULL.
UPDATE cases SET public_id = 'R' || upper(substr(replace(gen_random_uuid()::text, '-', ''), 1, 12)
    || substr(replace(gen_random_uuid()::text, '-', ''), 18, 4))
  WHERE public_id IS NULL;
ALTER TABLE cases ALTER COLUMN public_id SET NOT NULL;
CREATE UNIQUE INDEX cases_public_id ON cases (public_id);
