-- Revoking bearer tokens at once (issue 14): every token carries the user's token version; a
-- password change, a disable or a revoked role moves it on, and the next request with an older
-- token is refused. The version is read with the user row the request loads anyway.
ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0;
