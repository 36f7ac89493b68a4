-- The working-day calendar (PostgreSQL dialect; sql/sqlite/0003_calendar.sql has the
-- same tables and columns).  docs/CALENDAR.md §9 explains the persistence.

-- One row per year whose notice table an administrator edited through the
-- API.  body is the table as JSON in the calendar's load format (the same
-- as data/holidays/YYYY.json); at start-up the server loads the shipped
-- files first and these rows on top (a row wins over the file).  version
-- counts edits (optimistic locking with If-Match); updated_by is the
-- editor's username ("token:<name>" for an API token).
CREATE TABLE calendar_years (
  year BIGINT PRIMARY KEY CHECK (year BETWEEN 1900 AND 2199),
  body TEXT NOT NULL,
  version BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by TEXT NOT NULL
);

-- One row: a counter every edit or reset of calendar_years increments in
-- the same transaction, so a server node notices another node's change
-- with one cheap read (calendar_sync_seconds).
CREATE TABLE calendar_revision (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  rev BIGINT NOT NULL
);
INSERT INTO calendar_revision (id, rev) VALUES (1, 0);
