-- Housekeeping (src/modules/housekeeping) deletes expired rows hourly in chunks; without these
-- indexes each pass ends with a scan of the whole table, and idempotency_keys grows by one row per
-- report (tens of millions a year in a large city).
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_revoked ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX otp_codes_expires ON otp_codes (expires_at);
CREATE INDEX auth_throttle_window ON auth_throttle (window_start);
-- Photos uploaded but never attached to a case, and the rows sharing a stored file.
CREATE INDEX case_photos_unattached_age ON case_photos (created_at) WHERE case_id IS NULL;
CREATE INDEX case_photos_storage_key ON case_photos (storage_key);
