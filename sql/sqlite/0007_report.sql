-- Official statistics (src/report, docs/REPORTS.md).  No counters: the
-- reports read indexed ranges whose cost is bounded by the period's
-- dossiers plus those that ended since the period began plus the open
-- ones (SQLite dialect; sql/pg/0007_report.sql has the same tables and
-- columns).
--
-- Handled and rejected dossiers of a period: finished_at range; still
-- open dossiers: finished_at IS NULL AND closed_at IS NULL (the same
-- index, both columns).  New dossiers use dossiers_received (0005).
CREATE INDEX dossiers_report_end ON dossiers (finished_at, closed_at);
-- Withdrawn, stopped and refused dossiers end without finished_at.
CREATE INDEX dossiers_report_closed ON dossiers (closed_at);

-- A published (frozen) period: the figures of every agency, field and
-- procedure of the province (cells, JSON) as they were when an
-- authorised official published them, with the version of the
-- definitions used.  Later dossier changes never touch this row; the
-- report shows where the live figures now differ.  One publication per
-- period (from and to are Vietnam dates, both inclusive).
CREATE TABLE report_publications (
  id INTEGER PRIMARY KEY,
  period_from TEXT NOT NULL,
  period_to TEXT NOT NULL,
  definitions TEXT NOT NULL,
  as_of INTEGER NOT NULL,
  published_at INTEGER NOT NULL,
  published_by INTEGER REFERENCES users (id),
  published_by_name TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  cells TEXT NOT NULL,
  UNIQUE (period_from, period_to)
);
