-- The role an event's actor acted in (issue 14: a case history shows the actor's role to everyone,
-- and names only to staff). Stored with the event rather than joined from role_grants at read
-- time: grants change (a dispatcher becomes a supervisor, a worker leaves and is disabled) while
-- history must keep saying in which office the act was done, and the tracking page reads it
-- without touching identity tables. From now on the app writes it (the grant that allowed the act).
ALTER TABLE case_events ADD COLUMN actor_role text;

-- Past events: machines by their actor name (as systemActorRole does), anonymous callers are
-- residents, users by the grants they hold now — the best record there is. A department action
-- (accept, return, report back, ask for more time) was done as a department handler when the user
-- has such a grant; otherwise the highest-ranked grant, active ones before revoked ones.
UPDATE case_events e SET actor_role = CASE
    WHEN e.actor_kind = 'anonymous' THEN 'resident'
    WHEN e.actor_kind = 'system' AND e.actor_name = 'iot' THEN 'device'
    WHEN e.actor_kind = 'system' AND e.actor_name LIKE 'open311:%' THEN 'open311'
    WHEN e.actor_kind = 'system' THEN 'system'
    ELSE coalesce((
      SELECT g.role FROM role_grants g
       WHERE g.user_id::text = e.actor_id
       ORDER BY (g.role = 'dept_handler'
                 AND e.action IN ('accept', 'return', 'report_back', 'request_extension')) DESC,
                (g.revoked_at IS NULL) DESC,
                CASE g.role WHEN 'admin' THEN 4 WHEN 'supervisor' THEN 3 WHEN 'dispatcher' THEN 2
                            WHEN 'resident' THEN 0 ELSE 1 END DESC,
                g.granted_at DESC
       LIMIT 1), 'resident')
  END
 WHERE e.actor_role IS NULL;

ALTER TABLE case_events ALTER COLUMN actor_role SET NOT NULL;
ALTER TABLE case_events ADD CONSTRAINT case_events_actor_role CHECK (actor_role IN (
  'resident', 'grid_worker', 'hotline_operator', 'dispatcher', 'dept_handler', 'supervisor', 'admin',
  'system', 'device', 'open311'));
