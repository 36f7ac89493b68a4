-- Citizen satisfaction ratings (src/rating, docs/RATING.md; PostgreSQL
-- dialect, sql/sqlite/0011_rating.sql has the same tables and columns).
-- Decree 61/2018 Art. 29 (slips, counter devices, online) and Art. 31;
-- DOMAIN §7: access, procedure, officer, result and feedback handling.
--
-- One rating per dossier (the dossier a citizen holds: a single dossier or
-- a bundle's parent, never a component).  Each criterion is 2 "Rất hài
-- lòng", 1 "Hài lòng", 0 "Không hài lòng"; feedback_score NULL = the applicant
-- made no feedback (not applicable).  satisfied = 1 when no answered
-- criterion is 0 (written with the answers, so a report sums it).
-- rated_at is the FIRST answer and decides the reporting period; a change
-- (within rating_change_days) updates the answers, updated_at and
-- revision, and the audit log keeps every version.  comment is never
-- shown publicly.  channel: online (the applicant, code + lookup key),
-- slip (a paper slip entered at the desk), device (a counter device).
CREATE TABLE ratings (
  dossier_id BIGINT PRIMARY KEY REFERENCES dossiers (id),
  channel TEXT NOT NULL,
  access_score BIGINT NOT NULL,
  procedure_score BIGINT NOT NULL,
  officer_score BIGINT NOT NULL,
  result_score BIGINT NOT NULL,
  feedback_score BIGINT,
  satisfied BIGINT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  rated_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  revision BIGINT NOT NULL DEFAULT 1,
  entered_by BIGINT REFERENCES users (id)
);
-- The reports read ratings of a period by this range (docs/REPORTS.md §7).
CREATE INDEX ratings_rated ON ratings (rated_at);
