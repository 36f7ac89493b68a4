-- Dossiers (hồ sơ): reception, the processing workflow, legal deadlines,
-- the hand-over history (Mẫu 05), the notification outbox and the
-- Idempotency-Key store (SQLite dialect; sql/pg/0005_dossier.sql has the
-- same tables and columns).  docs/DOSSIER.md explains every column.
-- Times are Unix seconds (UTC); nothing here calls now(): the program
-- passes every time in.  The child tables are WITHOUT ROWID on SQLite:
-- their primary key (dossier, seq) is the table, so a dossier's rows sit
-- together and each insert touches one b-tree instead of two.

-- One dossier.  code is V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX (Circular
-- 01/2018 Art. 19); lookup_key the 8-character secret printed on the
-- receipt (stored plain: receipts are reprinted, see DOSSIER.md).
-- agency_id is the receiving agency (the desk whose code the dossier
-- carries), lead_agency_id the agency that decides.  The procedure version
-- in force at reception is pinned (procedure_version_id) and its name,
-- limit and cut-off copied, so a later catalogue change never moves a
-- deadline.  legal_due_at is the due time by law from the last start of
-- the clock (reception, or the complete dossier after a supplement);
-- due_at is what the applicant was promised (the receipt, or the apology's
-- new time).  Classification always uses legal_due_at.  queue_key orders
-- work queues by urgency (see DOSSIER.md); version is the optimistic lock.
CREATE TABLE dossiers (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  lookup_key TEXT NOT NULL,
  status TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  channel TEXT NOT NULL,
  agency_id INTEGER NOT NULL REFERENCES agencies (id),
  lead_agency_id INTEGER REFERENCES agencies (id),
  procedure_id INTEGER NOT NULL REFERENCES procedures (id),
  procedure_version_id INTEGER NOT NULL REFERENCES procedure_versions (id),
  procedure_code TEXT NOT NULL,
  procedure_name TEXT NOT NULL,
  procedure_version INTEGER NOT NULL,
  time_limit INTEGER NOT NULL,
  time_unit TEXT NOT NULL,
  cutoff_minute INTEGER NOT NULL,
  applicant_name TEXT NOT NULL,
  applicant_id_number TEXT NOT NULL DEFAULT '',
  applicant_phone TEXT NOT NULL DEFAULT '',
  applicant_email TEXT NOT NULL DEFAULT '',
  applicant_address TEXT NOT NULL DEFAULT '',
  return_method TEXT NOT NULL,
  sets INTEGER NOT NULL DEFAULT 1,
  note TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  received_at INTEGER,
  legal_due_at INTEGER,
  due_at INTEGER,
  register_book TEXT,
  register_seq INTEGER,
  step INTEGER NOT NULL DEFAULT 0,
  nsteps INTEGER NOT NULL,
  receiver_id INTEGER REFERENCES users (id),
  assignee_id INTEGER REFERENCES users (id),
  approved INTEGER NOT NULL DEFAULT 0,
  supplement_requests INTEGER NOT NULL DEFAULT 0,
  appraisal_supplements INTEGER NOT NULL DEFAULT 0,
  apologized_at INTEGER,
  apology_reason TEXT NOT NULL DEFAULT '',
  finished_at INTEGER,
  result_class TEXT,
  returned_at INTEGER,
  closed_at INTEGER,
  due_soon_at INTEGER,
  overdue_at INTEGER,
  reason TEXT NOT NULL DEFAULT '',
  queue_key INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- The secondary indexes (src/dossier/stmts.def repeats them for
-- `motcua bench-data`, which drops and rebuilds them around a bulk load).
CREATE INDEX dossiers_queue ON dossiers (queue_key, id);
CREATE INDEX dossiers_agency_queue ON dossiers (agency_id, queue_key, id);
CREATE INDEX dossiers_lead_queue ON dossiers (lead_agency_id, queue_key, id);
CREATE INDEX dossiers_clock ON dossiers (status, overdue_at, due_at);
CREATE INDEX dossiers_assignee ON dossiers (assignee_id, queue_key);
CREATE INDEX dossiers_received ON dossiers (received_at);

-- Per-agency counters, incremented in the transaction that uses them so a
-- rolled-back reception gives its number back (gap-free, never reused):
-- period 'd:YYMMDD' is the daily sequence of the dossier code, 'y:YYYY'
-- the yearly register (sổ theo dõi hồ sơ, Mẫu 06).
CREATE TABLE dossier_counters (
  agency_id INTEGER NOT NULL REFERENCES agencies (id),
  period TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (agency_id, period)
) WITHOUT ROWID;

-- Documents handed in (thành phần hồ sơ), at reception or with a
-- supplement (added_at tells which).
CREATE TABLE dossier_documents (
  dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  originals INTEGER NOT NULL,
  copies INTEGER NOT NULL,
  added_at INTEGER NOT NULL,
  PRIMARY KEY (dossier_id, seq)
) WITHOUT ROWID;

-- Supplement requests (Mẫu 02): phase 'reception' (at the desk, before
-- the clock starts) or 'appraisal' (Decree 61 Art. 19.4, at most once,
-- within 3 working days of receipt); items is a JSON array of
-- {name, reason}.
CREATE TABLE dossier_supplements (
  dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
  seq INTEGER NOT NULL,
  phase TEXT NOT NULL,
  requested_at INTEGER NOT NULL,
  requested_by INTEGER REFERENCES users (id),
  requested_by_name TEXT NOT NULL,
  items TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  fulfilled_at INTEGER,
  PRIMARY KEY (dossier_id, seq)
) WITHOUT ROWID;

-- The internal process copied from the pinned procedure version: one row
-- per step with its budget in working hours and, once reached, its start,
-- due time, finish and classification (the latest visit; every visit is
-- in dossier_history).
CREATE TABLE dossier_steps (
  dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  unit TEXT NOT NULL,
  role TEXT NOT NULL,
  hours INTEGER NOT NULL,
  started_at INTEGER,
  due_at INTEGER,
  finished_at INTEGER,
  result_class TEXT,
  handler_id INTEGER REFERENCES users (id),
  PRIMARY KEY (dossier_id, seq)
) WITHOUT ROWID;

-- Every action on a dossier: the process control sheet (Mẫu 05).  One row
-- per action with the hand-over (from/to step, unit and person), the due
-- time of the step handed over and how it finished (early, on_time, late),
-- the note, and action-specific detail as JSON.
CREATE TABLE dossier_history (
  dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  action TEXT NOT NULL,
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  from_step INTEGER NOT NULL,
  to_step INTEGER NOT NULL,
  from_unit TEXT NOT NULL,
  to_unit TEXT NOT NULL,
  actor_id INTEGER REFERENCES users (id),
  actor_name TEXT NOT NULL,
  to_user_id INTEGER REFERENCES users (id),
  to_user_name TEXT NOT NULL DEFAULT '',
  step_due_at INTEGER,
  result_class TEXT,
  note TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (dossier_id, seq)
) WITHOUT ROWID;

-- Events for the notification slice, written in the transaction of the
-- change they announce (transactional outbox).
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  event_type TEXT NOT NULL,
  dossier_id INTEGER REFERENCES dossiers (id),
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  delivered_at INTEGER
);
CREATE INDEX outbox_pending ON outbox (delivered_at, id);
CREATE INDEX outbox_dossier ON outbox (dossier_id, id);

-- Idempotency-Key: key is SHA-256(scope, caller, client key) in hex;
-- request_hash the SHA-256 of the body; the first answer is kept
-- (status 0 = still in flight) and replayed for the same key.  Rows older
-- than a day are swept.
CREATE TABLE idempotency_keys (
  key TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
