-- External systems of interlinked procedures (SQLite dialect; same table
-- and columns as sql/pg/0010_bundle_external.sql).  docs/BUNDLE.md §6.
--
-- One row per system a bundle component can be handed off to (the
-- `external` name of a component: police-residence, tax,
-- social-insurance ...): the agency it acts for, where its webhook
-- listens and the HMAC-SHA256 key that signs what motcua sends it.
-- Decision: the secret is stored as given, because motcua must be able to
-- sign with it (a hash would not do); the database is the trust boundary,
-- as it already is for the applicants' data the hand-offs carry.  It is
-- never logged and never returned by the API after creation or rotation:
-- secret_fp (the first 16 hex digits of its SHA-256) is what people see.
-- enabled 0 = its events wait in the outbox until it is enabled again.
CREATE TABLE bundle_externals (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  agency_id INTEGER NOT NULL REFERENCES agencies (id),
  webhook_url TEXT NOT NULL,
  secret TEXT NOT NULL,
  secret_fp TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  secret_rotated_at INTEGER NOT NULL
);

-- The external system a hand-off event goes to (the payload's
-- "external"), stamped by the delivery thread the first time it sees the
-- event, so that each system's events are delivered in order on their own
-- and a system that is down or disabled holds back only its own.
ALTER TABLE outbox ADD COLUMN target TEXT NOT NULL DEFAULT '';
