-- Intake throughput: audit records are written without the chain-head lock and chained in
-- batches afterwards; the duplicate check finds nearby open cases through a spatial index.

-- Audit records of committed acts that are not yet in the hash chain. An audited use case inserts
-- its record here in its own transaction (so the record exists if and only if the act committed)
-- without touching audit_head; the chainer (AuditService.chain) moves rows into audit_log in id
-- order under the head lock, many per transaction, and deletes them here in the same transaction.
-- Before this table, every audited write in the city held the head lock through its COMMIT.
CREATE TABLE audit_pending (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_kind text NOT NULL CHECK (actor_kind IN ('anonymous', 'user', 'system')),
  actor_id text,
  actor_name text,
  action text NOT NULL,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  area_code text,
  purpose text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  origin text
);

-- Every audit record, chained or still pending (seq is NULL until chained): what a reader who
-- needs "everything that was recorded" queries, without waiting for the chainer.
CREATE VIEW audit_entries AS
  SELECT seq, at, actor_kind, actor_id, actor_name, action, resource_type, resource_id, area_code,
         purpose, details, origin
    FROM audit_log
  UNION ALL
  SELECT NULL::bigint, at, actor_kind, actor_id, actor_name, action, resource_type, resource_id,
         area_code, purpose, details, origin
    FROM audit_pending;

-- Duplicate check ("me too"): open cases within a radius. Without it the check read every open
-- case of the last 30 days (of the category, or all of them) and filtered by distance.
CREATE INDEX cases_open_point ON cases USING gist (point(lng, lat))
  WHERE state NOT IN ('closed', 'evaluated', 'rejected', 'voided');
