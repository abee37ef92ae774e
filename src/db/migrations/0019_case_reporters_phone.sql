-- Signing in by SMS code links the reports made with that phone before (issue 14): the sign-in
-- transaction looks up reporters known only by the phone's keyed hash, so that lookup is indexed.
CREATE INDEX case_reporters_phone_unlinked ON case_reporters (phone_hash)
  WHERE user_id IS NULL AND phone_hash IS NOT NULL;
