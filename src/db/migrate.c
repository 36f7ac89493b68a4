/*
 * Migrations: sql/<dialect>/NNNN_name.sql compiled into the binary, applied
 * in order, each in its own transaction together with its schema_migrations
 * row, so a failed migration leaves nothing behind.  The bookkeeping SQL is
 * here rather than in the statement table because it must run before any
 * table of the statement table exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "migrations.h"

static const char mig_create[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

static int
migrate_version(const char *name)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return name[4] == '_' ? v : -1;
}

int
db_migrate(struct db *db)
{
	const struct migration *m = db->be == DB_SQLITE ? migrations_sqlite : migrations_pg;
	struct db_conn *c;
	char sql[512];
	int rc = -1, applied = 0;

	if ((c = db_conn_open(db, DB_PREPARE_NONE)) == NULL)
		return -1;
	if (db_script(c, mig_create) != DB_OK)
		goto out;
	for (; m->name != NULL; m++) {
		int v = migrate_version(m->name);
		enum db_rc r;

		if (v < 0) {
			log_msg(LOG_ERROR, NULL, "migrate", "file=%s msg=\"name must be NNNN_*.sql\"",
			    m->name);
			goto out;
		}
		if (db_begin(c) != DB_OK)
			goto out;
		/* Two processes migrating at once: the second waits here. */
		if (db->be == DB_PG && db_script(c, "SELECT pg_advisory_xact_lock(727001)") != DB_OK)
			goto fail;
		/* The version is a number we parsed, so formatting it is safe. */
		snprintf(sql, sizeof(sql),
		    "INSERT INTO schema_migrations (version, name, applied_at) "
		    "VALUES (%d, '%s', %lld)", v, "pending", (long long)clock_now());
		r = db_script(c, sql);
		if (r == DB_CONSTRAINT) { /* already applied */
			db_rollback(c);
			continue;
		}
		if (r != DB_OK || db_script(c, m->sql) != DB_OK) {
			log_msg(LOG_ERROR, NULL, "migrate", "file=%s msg=\"failed; rolled back\"", m->name);
			goto fail;
		}
		snprintf(sql, sizeof(sql), "UPDATE schema_migrations SET name = '%.*s' "
		    "WHERE version = %d", 200, m->name, v);
		if (strchr(m->name, '\'') != NULL || db_script(c, sql) != DB_OK ||
		    db_commit(c) != DB_OK)
			goto fail;
		log_msg(LOG_INFO, NULL, "migrate", "applied=%s", m->name);
		applied++;
	}
	log_msg(LOG_INFO, NULL, "migrate", "backend=%s new=%d",
	    db->be == DB_SQLITE ? "sqlite" : "pg", applied);
	rc = 0;
	goto out;
fail:
	db_rollback(c);
out:
	db_conn_free(c);
	return rc;
}
