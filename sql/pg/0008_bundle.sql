-- Interlinked procedures (một cửa liên thông, Decree 61 Art. 19.6-19.7):
-- the definition of each group (its components, their agencies and
-- shares of the time, the order as a dependency graph, the outputs one
-- component hands to the next) and, per bundle dossier, which component
-- dossier is which (PostgreSQL dialect; sql/sqlite/0008_bundle.sql has the same
-- tables and columns).  docs/BUNDLE.md explains every column.

-- The group's total time limit (time_unit 'day' = working days, 'hour' =
-- working hours) and its number of components (0 = not receivable yet).
ALTER TABLE bundles ADD COLUMN time_limit BIGINT NOT NULL DEFAULT 0;
ALTER TABLE bundles ADD COLUMN time_unit TEXT NOT NULL DEFAULT 'day';
ALTER TABLE bundles ADD COLUMN ncomponents BIGINT NOT NULL DEFAULT 0;

-- One component: a procedure (procedures.code) done by an agency with its
-- share of the time (in the group's unit).  agency is 'desk' (the
-- receiving agency), 'desk-parent' (the agency the desk belongs to), a
-- QCVN 102 code, or 'served:<code>' (the agency below <code> the desk
-- receives for).  release_early 1 = the result is handed to the citizen
-- as soon as it is ready; external names the other system that handles
-- it ('' = handled in motcua).  provides is a JSON array of {name, label}
-- (the outputs it records), requires a JSON array of names a predecessor
-- provides.
CREATE TABLE bundle_components (
  bundle_id BIGINT NOT NULL REFERENCES bundles (id),
  seq BIGINT NOT NULL,
  key TEXT NOT NULL,
  name TEXT NOT NULL,
  procedure_code TEXT NOT NULL,
  agency TEXT NOT NULL,
  share BIGINT NOT NULL,
  release_early BIGINT NOT NULL DEFAULT 0,
  external TEXT NOT NULL DEFAULT '',
  provides TEXT NOT NULL DEFAULT '[]',
  requires TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (bundle_id, seq)
);

-- The dependency graph: component seq starts when every after_seq is done.
CREATE TABLE bundle_edges (
  bundle_id BIGINT NOT NULL REFERENCES bundles (id),
  seq BIGINT NOT NULL,
  after_seq BIGINT NOT NULL,
  PRIMARY KEY (bundle_id, seq, after_seq)
);

-- A component dossier of a bundle dossier: which component of the
-- definition it is, and when it started (NULL = waiting for predecessors).
CREATE TABLE bundle_members (
  dossier_id BIGINT PRIMARY KEY REFERENCES dossiers (id),
  parent_id BIGINT NOT NULL REFERENCES dossiers (id),
  bundle_id BIGINT NOT NULL REFERENCES bundles (id),
  seq BIGINT NOT NULL,
  started_at BIGINT,
  UNIQUE (parent_id, seq)
);

-- Outputs a component recorded (the birth certificate number the
-- residence registration needs), per bundle dossier.
CREATE TABLE bundle_values (
  parent_id BIGINT NOT NULL REFERENCES dossiers (id),
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  dossier_id BIGINT NOT NULL REFERENCES dossiers (id),
  at BIGINT NOT NULL,
  PRIMARY KEY (parent_id, name)
);

-- Webhook delivery of hand-offs to external systems from the outbox:
-- the next try (exponential back-off) and the last failure.
ALTER TABLE outbox ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_type_pending ON outbox (event_type, delivered_at, id);
