-- The catalogue of administrative procedures (Bộ thủ tục hành chính):
-- agencies' public details, fields, procedures with dated versions and
-- their documents, fees, internal steps and legal basis (SQLite dialect;
-- sql/pg/0004_catalog.sql has the same tables and columns).  docs/CATALOG.md
-- explains the model.  Times are Unix seconds (UTC), dates YYYY-MM-DD text,
-- money integer đồng, flags 0/1.

-- Agencies: 0002_auth.sql creates the table; the catalogue adds what the
-- public notice and the one-stop desks need.  tier is the administrative
-- level an agency works at (province, district, commune), derived from the
-- tree when the catalogue writes the row.  updated_at 0 = never edited
-- through the catalogue (the seed may still fill the row in).
ALTER TABLE agencies ADD COLUMN short_name TEXT NOT NULL DEFAULT '';
ALTER TABLE agencies ADD COLUMN name_en TEXT NOT NULL DEFAULT '';
ALTER TABLE agencies ADD COLUMN tier TEXT NOT NULL DEFAULT '';
ALTER TABLE agencies ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE agencies ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE agencies ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE agencies ADD COLUMN website TEXT NOT NULL DEFAULT '';
ALTER TABLE agencies ADD COLUMN office_hours TEXT NOT NULL DEFAULT '';
ALTER TABLE agencies ADD COLUMN is_desk INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agencies ADD COLUMN sort_order INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agencies ADD COLUMN source_note TEXT NOT NULL DEFAULT '';
ALTER TABLE agencies ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE agencies ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agencies ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;

-- A one-stop desk (is_desk = 1) receives dossiers for these agencies.
CREATE TABLE agency_desks (
  desk_id INTEGER NOT NULL REFERENCES agencies (id),
  agency_id INTEGER NOT NULL REFERENCES agencies (id),
  PRIMARY KEY (desk_id, agency_id)
);
CREATE INDEX agency_desks_agency ON agency_desks (agency_id);

-- Fields (lĩnh vực).  code is ours (a slug); sort_order orders lists.
CREATE TABLE fields (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  sort_order INTEGER NOT NULL DEFAULT 0,
  source_note TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);

-- Interlinked groups (liên thông): definitions only; the bundle slice
-- gives them their process.
CREATE TABLE bundles (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  source_note TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);

-- A procedure's identity: its local code (ours), the national code when
-- known, and abolition.  The content lives in procedure_versions.
CREATE TABLE procedures (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  national_code TEXT UNIQUE,
  nversions INTEGER NOT NULL DEFAULT 0,
  abolished_on TEXT,
  abolish_decision TEXT,
  abolished_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  row_version INTEGER NOT NULL DEFAULT 1
);

-- One version of a procedure, in force from effective_from (inclusive) to
-- effective_to (exclusive; NULL = open).  effective_to is maintained on
-- write: the next version's start, or the abolition date.  name_folded and
-- search_text are the folded (lower-case, no diacritics, đ→d) forms the
-- search matches, padded with a space on both sides.
CREATE TABLE procedure_versions (
  id INTEGER PRIMARY KEY,
  procedure_id INTEGER NOT NULL REFERENCES procedures (id),
  version INTEGER NOT NULL,
  effective_from TEXT NOT NULL,
  effective_to TEXT,
  decision TEXT NOT NULL,
  change_note TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  name TEXT NOT NULL,
  name_folded TEXT NOT NULL,
  search_text TEXT NOT NULL,
  field_id INTEGER NOT NULL REFERENCES fields (id),
  level_province INTEGER NOT NULL DEFAULT 0,
  level_district INTEGER NOT NULL DEFAULT 0,
  level_commune INTEGER NOT NULL DEFAULT 0,
  authority TEXT NOT NULL DEFAULT '',
  time_limit INTEGER NOT NULL,
  time_unit TEXT NOT NULL,
  time_note TEXT NOT NULL DEFAULT '',
  cutoff_minute INTEGER,
  online_level INTEGER NOT NULL,
  online_class TEXT NOT NULL,
  online_url TEXT NOT NULL DEFAULT '',
  channel_counter INTEGER NOT NULL DEFAULT 1,
  channel_post INTEGER NOT NULL DEFAULT 0,
  channel_online INTEGER NOT NULL DEFAULT 0,
  result TEXT NOT NULL DEFAULT '',
  conditions TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  where_to_submit TEXT NOT NULL DEFAULT '',
  fee_note TEXT NOT NULL DEFAULT '',
  bundle_id INTEGER REFERENCES bundles (id),
  source_note TEXT NOT NULL DEFAULT '',
  UNIQUE (procedure_id, version)
);
CREATE INDEX procedure_versions_force ON procedure_versions (effective_from, effective_to);
CREATE INDEX procedure_versions_field ON procedure_versions (field_id);
CREATE INDEX procedure_versions_bundle ON procedure_versions (bundle_id);

-- The words of each version's search text (folded), one row per distinct
-- word: the search finds versions by word prefix with an index range scan
-- (token >= 'khai' AND token < 'khai' || U+10FFFF) instead of scanning
-- every row with LIKE.  Byte order on both backends (BINARY here, COLLATE
-- "C" on PostgreSQL).
CREATE TABLE procedure_tokens (
  token TEXT NOT NULL,
  version_id INTEGER NOT NULL REFERENCES procedure_versions (id),
  PRIMARY KEY (token, version_id)
) WITHOUT ROWID;
CREATE INDEX procedure_tokens_version ON procedure_tokens (version_id, token);

-- Lead and co-operating agencies of a version.  role: lead, cooperating.
CREATE TABLE procedure_agencies (
  version_id INTEGER NOT NULL REFERENCES procedure_versions (id),
  agency_id INTEGER NOT NULL REFERENCES agencies (id),
  role TEXT NOT NULL,
  PRIMARY KEY (version_id, agency_id, role)
);
CREATE INDEX procedure_agencies_agency ON procedure_agencies (agency_id, role);

-- Required documents (thành phần hồ sơ).
CREATE TABLE procedure_documents (
  version_id INTEGER NOT NULL REFERENCES procedure_versions (id),
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  originals INTEGER NOT NULL,
  copies INTEGER NOT NULL,
  required INTEGER NOT NULL DEFAULT 1,
  form TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (version_id, seq)
);

-- Fees (lệ phí: kind fee) and charges (phí: kind charge); amount NULL when
-- it is set elsewhere (a provincial resolution) and unknown here.
CREATE TABLE procedure_fees (
  version_id INTEGER NOT NULL REFERENCES procedure_versions (id),
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  amount INTEGER,
  per TEXT NOT NULL DEFAULT '',
  collector TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (version_id, seq)
);

-- Steps of the internal process (quy trình nội bộ) with their budget in
-- working hours; the sum never exceeds the time limit.
CREATE TABLE procedure_steps (
  version_id INTEGER NOT NULL REFERENCES procedure_versions (id),
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  unit TEXT NOT NULL,
  role TEXT NOT NULL,
  hours INTEGER NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (version_id, seq)
);

-- Legal basis (căn cứ pháp lý): number and symbol, title, date, issuer.
CREATE TABLE procedure_legal (
  version_id INTEGER NOT NULL REFERENCES procedure_versions (id),
  seq INTEGER NOT NULL,
  ref TEXT NOT NULL,
  title TEXT NOT NULL,
  issued_on TEXT,
  issuer TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (version_id, seq)
);
