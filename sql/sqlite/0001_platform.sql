-- Platform tables (SQLite dialect). Instance settings that must survive a
-- restart and be shared by every node: seed markers, instance id.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
