-- Platform tables (PostgreSQL dialect); same tables and columns as sql/sqlite.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
