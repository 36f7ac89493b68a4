-- Accounts, roles, sessions, API tokens, sign-in throttling and the
-- hash-chained audit log (SQLite dialect; sql/pg/0002_auth.sql has the same
-- tables and columns).  Times are Unix seconds (UTC).

-- Agencies (cơ quan, đơn vị) with their QCVN 102 identifier.  Minimal on
-- purpose: the catalogue slice extends it.  kind: province, department,
-- district, commune, unit, center, other.
CREATE TABLE agencies (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  parent_id INTEGER REFERENCES agencies (id),
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX agencies_parent ON agencies (parent_id);

-- Accounts.  username is lower-case; role is a name of src/auth/perm.c;
-- agency_id is NULL only for citizens; unit_id optionally narrows the
-- agency to one of its units (display only; the scope is the agency's).
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  full_name TEXT NOT NULL,
  role TEXT NOT NULL,
  agency_id INTEGER REFERENCES agencies (id),
  unit_id INTEGER REFERENCES agencies (id),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  password_changed_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX users_agency ON users (agency_id, id);

-- Sessions: id is the SHA-256 (hex) of the 256-bit token in the cookie; the
-- token itself is never stored.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

-- API tokens for partner systems: token_hash is the SHA-256 of the secret,
-- prefix its first characters (to recognise it in lists), scopes a comma
-- list of action names.
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  scopes TEXT NOT NULL,
  agency_id INTEGER NOT NULL REFERENCES agencies (id),
  created_by INTEGER REFERENCES users (id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER,
  last_used_at INTEGER
);
CREATE INDEX api_tokens_agency ON api_tokens (agency_id, id);

-- Failed sign-ins per key ("u:<sha256 of username>", "ip:<address>").
CREATE TABLE login_throttle (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_start INTEGER NOT NULL,
  locked_until INTEGER NOT NULL
);

-- The audit log: append-only, hash-chained.  id runs 1, 2, 3 ... without
-- gaps (taken from audit_head.seq); hash = SHA-256(prev_hash || canonical
-- entry), see src/audit/audit.c.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor_id INTEGER,
  actor TEXT NOT NULL,
  agency_id INTEGER,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  request_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_object ON audit_log (object, id);
CREATE INDEX audit_log_agency ON audit_log (agency_id, id);

-- The chain's head: the last id and hash.  Appenders take it with an UPDATE.
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Defence in depth: the program never updates or deletes audit rows, and
-- the database refuses to.  (Someone who can drop these triggers can edit
-- rows, which is what `motcua audit verify` then detects.)
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
