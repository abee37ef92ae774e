-- Dashboard at city scale (issue 8): what the command dashboard reads instead of scanning cases.
-- Nothing here adds work to a live case write: two partial indexes over open cases only, a
-- street-level copy of closed days of case_rollup_daily made by the dashboard itself, and a
-- statement trigger that fires only when case_rollup_daily rows are deleted (recount), never on
-- the INSERT … ON CONFLICT of a live event.

-- Overdue and due-soon open cases per grid (the map): an index-only scan over late open cases.
-- The state list is OPEN_STATES in dashboard.repository.ts; the queries spell it the same way.
CREATE INDEX cases_open_late ON cases (grid_code, deadline_status)
  WHERE state IN ('reported', 'filed', 'dispatched', 'handling', 'reported_back', 'suspended')
    AND deadline_status <> 'ok';

-- Open cases per category under an area (the top list): an index-only scan over open cases.
CREATE INDEX cases_open_category ON cases (grid_code, category_code)
  WHERE state IN ('reported', 'filed', 'dispatched', 'handling', 'reported_back', 'suspended');

-- case_rollup_daily summed per street (first 9 digits of the grid code) × local day × metric,
-- over all departments, for sealed days only. A day's rollup rows are written by events that
-- happened on that local day, so once a day is over they stop changing; a day is sealed (copied
-- here once, in one statement with its row in dashboard_rollup_days) when it ended more than a
-- full day ago. Unsealed days (yesterday, today) are read live from case_rollup_daily.
CREATE TABLE dashboard_rollup_days (
  day date PRIMARY KEY,
  sealed_at timestamptz NOT NULL
);

CREATE TABLE dashboard_rollup_street (
  day date NOT NULL,
  street_code text NOT NULL,
  metric text NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (day, street_code, metric)
);

-- A recount (or anything else) that deletes rollup rows may rewrite past days: forget every
-- sealed day in the same transaction; the dashboard seals them again from the new rows. The
-- advisory lock is the one the sealer takes, so a seal running concurrently from the old rows
-- either finishes first (and is deleted here) or does not start until this transaction ends.
CREATE FUNCTION dashboard_rollup_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7301143);
  DELETE FROM dashboard_rollup_street;
  DELETE FROM dashboard_rollup_days;
  RETURN NULL;
END $$;

CREATE TRIGGER case_rollup_daily_forget AFTER DELETE OR TRUNCATE ON case_rollup_daily
  FOR EACH STATEMENT EXECUTE FUNCTION dashboard_rollup_forget();
