-- Indicators: the weights of composite scores a city changes (defaults live in
-- src/modules/indicators/indicator-definitions.ts; a row here overrides one weight).
CREATE TABLE indicator_weights (
  composite text NOT NULL,
  indicator text NOT NULL,
  weight double precision NOT NULL CHECK (weight >= 0 AND weight <= 1),
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (composite, indicator)
);

-- Recount reads events per case in order and per day; the existing case_events_at index serves
-- period scans, this one serves per-actor (worker) indicators.
CREATE INDEX case_events_actor ON case_events (actor_id, at) WHERE actor_id IS NOT NULL;
