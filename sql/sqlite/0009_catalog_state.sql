-- The catalogue's version counter (SQLite dialect; same table and
-- columns as sql/pg/0009_catalog_state.sql).  Every catalogue write
-- transaction adds one to version (src/catalog/store.c, cat_audit), so a
-- server process that keeps answers derived from the catalogue (the search
-- cache, src/catalog/cache.c) knows they are stale when the number moved —
-- whichever process on the same database made the change.
CREATE TABLE catalog_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO catalog_state (id, version) VALUES (1, 1);
