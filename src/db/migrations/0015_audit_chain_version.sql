-- Keyed audit chain (issue 14). Rows chained before this migration keep their unkeyed SHA-256
-- (chain_version 1); the chainer writes chain_version 2 from now on: HMAC-SHA-256 with AUDIT_KEY,
-- a key that is never stored in the database, so whoever owns the tables can no longer rehash an
-- edited chain. ADD COLUMN with a constant default is a catalogue change: the append-only trigger
-- does not fire and no row is rewritten.
ALTER TABLE audit_log ADD COLUMN chain_version smallint NOT NULL DEFAULT 1;
