-- Interlinked procedures (một cửa liên thông, Decree 61 Art. 19.6-19.7):
-- one bundle dossier (kind 'bundle', the code and receipt the applicant
-- holds) and one component dossier per procedure (kind 'component',
-- parent_id the bundle) with its own agency, clock and history.  Plain
-- dossiers are kind 'single'.  Statistics count singles and components,
-- never the bundle row itself, so no dossier is counted twice.
ALTER TABLE dossiers ADD COLUMN kind TEXT NOT NULL DEFAULT 'single';
ALTER TABLE dossiers ADD COLUMN parent_id INTEGER REFERENCES dossiers (id);
CREATE INDEX dossiers_parent ON dossiers (parent_id);
