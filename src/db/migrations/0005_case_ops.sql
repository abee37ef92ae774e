-- Case operations: who uploaded a photo (unattached photos are visible to their uploader only),
-- the deadline scheduler's scan, the live overdue count per grid and the inbox badge.

ALTER TABLE case_photos ADD COLUMN uploaded_by bigint;
CREATE INDEX case_photos_unattached ON case_photos (uploaded_by, created_at) WHERE case_id IS NULL;

-- The deadline scheduler reads running clocks that still have something to mark or escalate.
CREATE INDEX cases_running_clock ON cases (id)
  WHERE clock_deadline IS NOT NULL AND clock_started_at IS NOT NULL AND clock_stage <> 'evaluate'
    AND NOT (deadline_status = 'overdue' AND escalation_level >= 2);

-- Overdue cases per grid for the dashboard: a partial index makes the count an index-only scan
-- over overdue cases alone, and it can never drift from the rows (no counter to keep in step).
CREATE INDEX cases_overdue_grid ON cases (grid_code) WHERE deadline_status = 'overdue';

-- The inbox badge counts unread notifications per user.
CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at IS NULL;
