-- Special-group care (重点人群关爱): cohorts over the registry, visit plans, visit tasks, visits,
-- coverage and alerts (issue 17). Cohort labels, rules, manual reasons and visit notes are
-- sensitive personal information (PIPL Art. 28): stored only as FieldCipher ciphertext (*_enc).
-- Rows that link a person to a cohort carry the cohort's numeric id, never its label, and the
-- department flags a rule reads (disability, 低保, ...) are stored under a keyed hash of the
-- flag's code, so neither table says what a person is in clear.
-- Same SQL on PGlite and PostgreSQL 15; depends only on migrations 0002/0003.

-- Flags imported from department files. flag_key = FieldCipher.lookupHash('care-flag:<code>').
CREATE TABLE care_person_flags (
  person_id bigint NOT NULL REFERENCES people (id),
  flag_key text NOT NULL,
  level smallint,
  source text NOT NULL,
  set_at timestamptz NOT NULL,
  PRIMARY KEY (person_id, flag_key)
);
CREATE INDEX care_person_flags_key ON care_person_flags (flag_key, person_id);

-- A cohort: an encrypted label and rule, limited to an area (NULL = the whole city).
CREATE TABLE care_cohorts (
  id bigserial PRIMARY KEY,
  area_code text CHECK (area_code IS NULL OR area_code ~ '^[0-9]{6}([0-9]{3}){0,3}$'),
  label_enc text NOT NULL,
  rule_enc text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  evaluated_at timestamptz
);

-- Manual additions, each with an (encrypted) reason; removed_at ends one.
CREATE TABLE care_manual_members (
  id bigserial PRIMARY KEY,
  cohort_id bigint NOT NULL REFERENCES care_cohorts (id),
  person_id bigint NOT NULL REFERENCES people (id),
  reason_enc text NOT NULL,
  added_by text NOT NULL,
  added_at timestamptz NOT NULL,
  removed_by text,
  removed_at timestamptz
);
CREATE UNIQUE INDEX care_manual_members_active ON care_manual_members (cohort_id, person_id)
  WHERE removed_at IS NULL;

-- Current members (derived: rule matches ∪ active manual additions), with the member's grid.
CREATE TABLE care_members (
  cohort_id bigint NOT NULL REFERENCES care_cohorts (id),
  person_id bigint NOT NULL REFERENCES people (id),
  grid_code text,
  via text NOT NULL CHECK (via IN ('rule', 'manual')),
  since timestamptz NOT NULL,
  PRIMARY KEY (cohort_id, person_id)
);
CREATE INDEX care_members_grid ON care_members (grid_code, cohort_id);
CREATE INDEX care_members_person ON care_members (person_id);

-- Every entry and exit: who (actor label), when, why (reason code), what triggered the run.
CREATE TABLE care_membership_changes (
  id bigserial PRIMARY KEY,
  cohort_id bigint NOT NULL REFERENCES care_cohorts (id),
  person_id bigint NOT NULL REFERENCES people (id),
  change text NOT NULL CHECK (change IN ('entered', 'left')),
  reason text NOT NULL,
  trigger text NOT NULL,
  by text NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX care_membership_changes_cohort ON care_membership_changes (cohort_id, at);
CREATE INDEX care_membership_changes_person ON care_membership_changes (person_id);

-- Cohort-specific grants: the user sees this cohort's label, members and visit notes inside
-- area_code (NULL = the whole city).
CREATE TABLE care_grants (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  cohort_id bigint NOT NULL REFERENCES care_cohorts (id),
  area_code text CHECK (area_code IS NULL OR area_code ~ '^[0-9]{6}([0-9]{3}){0,3}$'),
  granted_by text NOT NULL,
  granted_at timestamptz NOT NULL,
  revoked_by text,
  revoked_at timestamptz
);
CREATE UNIQUE INDEX care_grants_one_active ON care_grants (user_id, cohort_id, coalesce(area_code, ''))
  WHERE revoked_at IS NULL;

-- The visit plan of a cohort: how often, which form fields.
CREATE TABLE care_plans (
  cohort_id bigint PRIMARY KEY REFERENCES care_cohorts (id),
  frequency text NOT NULL CHECK (frequency IN ('weekly', 'monthly', 'quarterly')),
  form jsonb NOT NULL,
  active boolean NOT NULL DEFAULT true,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL
);

-- One task per member and plan period, due on a working day of the period.
CREATE TABLE care_visit_tasks (
  id bigserial PRIMARY KEY,
  cohort_id bigint NOT NULL REFERENCES care_cohorts (id),
  person_id bigint NOT NULL REFERENCES people (id),
  grid_code text NOT NULL,
  worker_user_id bigint REFERENCES users (id),
  period_start date NOT NULL,
  period_end date NOT NULL,
  due_day date NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
  visit_id bigint,
  done_day date,
  escalated_at timestamptz,
  created_at timestamptz NOT NULL,
  UNIQUE (cohort_id, person_id, period_start)
);
CREATE INDEX care_visit_tasks_worker_open ON care_visit_tasks (worker_user_id, due_day) WHERE status = 'open';
CREATE INDEX care_visit_tasks_grid_due ON care_visit_tasks (grid_code, due_day);
CREATE INDEX care_visit_tasks_overdue ON care_visit_tasks (due_day) WHERE status = 'open' AND escalated_at IS NULL;

-- A visit as the worker recorded it (offline replays: one row per (worker, key)).
CREATE TABLE care_visits (
  id bigserial PRIMARY KEY,
  task_id bigint REFERENCES care_visit_tasks (id),
  cohort_id bigint NOT NULL REFERENCES care_cohorts (id),
  person_id bigint NOT NULL REFERENCES people (id),
  grid_code text NOT NULL,
  worker_user_id bigint NOT NULL REFERENCES users (id),
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  visited_on date NOT NULL,
  contact text NOT NULL CHECK (contact IN ('in_person', 'phone', 'not_home')),
  health_enc text,
  living_enc text,
  needs_enc text,
  notes_enc text,
  photo_id bigint,
  member_left boolean NOT NULL,
  case_id bigint,
  created_at timestamptz NOT NULL,
  UNIQUE (worker_user_id, idempotency_key)
);
CREATE INDEX care_visits_member ON care_visits (cohort_id, person_id, visited_on DESC, id DESC);

-- Escalations (a visit overdue by N days) and alerts (M visits in a row not in person).
CREATE TABLE care_alerts (
  id bigserial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('overdue', 'not_met')),
  cohort_id bigint NOT NULL REFERENCES care_cohorts (id),
  person_id bigint NOT NULL REFERENCES people (id),
  grid_code text NOT NULL,
  task_id bigint REFERENCES care_visit_tasks (id),
  visit_id bigint REFERENCES care_visits (id),
  at timestamptz NOT NULL
);
CREATE UNIQUE INDEX care_alerts_task ON care_alerts (task_id) WHERE kind = 'overdue';
CREATE UNIQUE INDEX care_alerts_visit ON care_alerts (visit_id) WHERE kind = 'not_met';
CREATE INDEX care_alerts_grid ON care_alerts (grid_code, at);
