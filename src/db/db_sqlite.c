/*
 * SQLite backend: WAL, foreign keys, busy_timeout, synchronous=FULL (a
 * receipt handed to a citizen must survive power loss, not just a crash),
 * every statement prepared once per connection with SQLITE_PREPARE_PERSISTENT.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/config.h"
#include "db_int.h"

#define SQ(c) ((sqlite3 *)(c)->h)

static enum db_rc
dbsq_map(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return DB_OK;
	case SQLITE_CONSTRAINT:
		return DB_CONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_BUSY;
	default:
		return DB_ERROR;
	}
}

static void
dbsq_log(struct db_conn *c, const char *what, int rc)
{
	log_msg((rc & 0xff) == SQLITE_CONSTRAINT ? LOG_DEBUG : LOG_WARN, NULL, "db",
	    "backend=sqlite op=%s rc=%d msg=\"%s\"", what, rc, sqlite3_errmsg(SQ(c)));
}

int
dbsq_open(struct db_conn *c, const char *path)
{
	sqlite3 *h = NULL;
	char pragmas[256];
	int rc;

	rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_msg(LOG_ERROR, NULL, "db", "backend=sqlite op=open msg=\"%s\"",
		    h ? sqlite3_errmsg(h) : "out of memory");
		sqlite3_close(h);
		return -1;
	}
	c->h = h;
	sqlite3_extended_result_codes(h, 1);
	sqlite3_busy_timeout(h, (int)config_int(CFG_SQLITE_BUSY_MS));
	snprintf(pragmas, sizeof(pragmas),
	    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
	    "PRAGMA foreign_keys=ON; PRAGMA mmap_size=%lld; PRAGMA temp_store=MEMORY; "
	    "PRAGMA cache_size=-%lld;",
	    (long long)config_int(CFG_SQLITE_MMAP), (long long)config_int(CFG_SQLITE_CACHE_KIB));
	if ((rc = sqlite3_exec(h, pragmas, NULL, NULL, NULL)) != SQLITE_OK) {
		dbsq_log(c, "pragma", rc);
		return -1;
	}
	return 0;
}

int
dbsq_in_tx(const struct db_conn *c)
{
	return c->h != NULL && sqlite3_get_autocommit(SQ(c)) == 0;
}

void
dbsq_close(struct db_conn *c)
{
	for (int i = 0; i < STMT__MAX; i++)
		sqlite3_finalize(c->st[i]);
	sqlite3_finalize(c->read_st[0]);
	sqlite3_finalize(c->read_st[1]);
	sqlite3_close(SQ(c));
	c->h = NULL;
}

enum db_rc
dbsq_prepare_all(struct db_conn *c)
{
	char sql[16384];

	for (int i = 0; i < STMT__MAX; i++) {
		sqlite3_stmt *st = NULL;
		int rc;

		if (db_rewrite_placeholders(db_stmt_sql(i), sql, sizeof(sql)) == -1) {
			log_msg(LOG_ERROR, NULL, "db", "stmt=%s msg=\"too long or unbalanced quotes\"",
			    db_stmt_name(i));
			return DB_ERROR;
		}
		rc = sqlite3_prepare_v3(SQ(c), sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (rc != SQLITE_OK) {
			log_msg(LOG_ERROR, NULL, "db", "backend=sqlite op=prepare stmt=%s msg=\"%s\"",
			    db_stmt_name(i), sqlite3_errmsg(SQ(c)));
			return DB_ERROR;
		}
		c->st[i] = st;
	}
	return DB_OK;
}

/* Transaction control is the only SQL besides the table run per request;
 * sqlite3_exec would parse it every time (measured at 6 % of a lookup). */
enum db_rc
dbsq_read(struct db_conn *c, int begin)
{
	sqlite3_stmt **st = (sqlite3_stmt **)&c->read_st[begin ? 0 : 1];
	int rc;

	if (*st == NULL && (rc = sqlite3_prepare_v3(SQ(c), begin ? "BEGIN" : "COMMIT", -1,
	    SQLITE_PREPARE_PERSISTENT, st, NULL)) != SQLITE_OK) {
		dbsq_log(c, "prepare", rc);
		return dbsq_map(rc);
	}
	rc = sqlite3_step(*st);
	sqlite3_reset(*st);
	if (rc != SQLITE_DONE) {
		dbsq_log(c, begin ? "begin" : "commit", rc);
		return dbsq_map(rc) == DB_OK ? DB_ERROR : dbsq_map(rc);
	}
	return DB_OK;
}

enum db_rc
dbsq_script(struct db_conn *c, const char *sql)
{
	int rc = sqlite3_exec(SQ(c), sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		dbsq_log(c, "script", rc);
	return dbsq_map(rc);
}

enum db_rc
dbsq_exec(struct db_conn *c, enum stmt_id id, const struct db_param *p, size_t np,
    struct db_res *res)
{
	sqlite3_stmt *st = c->st[id];
	int rc = SQLITE_OK;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if ((int)np > sqlite3_bind_parameter_count(st)) {
		log_msg(LOG_ERROR, NULL, "db", "stmt=%s msg=\"too many parameters\"",
		    db_stmt_name(id));
		return DB_ERROR;
	}
	for (size_t i = 0; i < np && rc == SQLITE_OK; i++) {
		int k = (int)i + 1;

		switch (p[i].type) {
		case DBP_NULL: rc = sqlite3_bind_null(st, k); break;
		case DBP_INT: rc = sqlite3_bind_int64(st, k, p[i].i); break;
		case DBP_TEXT: rc = sqlite3_bind_text(st, k, p[i].s, -1, SQLITE_STATIC); break;
		}
	}
	if (rc != SQLITE_OK) {
		dbsq_log(c, "bind", rc);
		return DB_ERROR;
	}
	res->ncols = sqlite3_column_count(st);
	return DB_OK;
}

int
dbsq_next(struct db_res *r)
{
	sqlite3_stmt *st = r->c->st[r->id];
	int rc;

	if (r->rc != DB_OK || r->row < 0)
		return r->rc != DB_OK ? -1 : 0;
	r->started = 1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		r->c->changes = sqlite3_changes64(SQ(r->c));
		r->row = -1;
		return 0;
	}
	r->rc = dbsq_map(rc);
	if (r->rc == DB_OK)
		r->rc = DB_ERROR;
	dbsq_log(r->c, db_stmt_name(r->id), rc);
	return -1;
}

int
dbsq_isnull(const struct db_res *r, int col)
{
	return sqlite3_column_type(r->c->st[r->id], col) == SQLITE_NULL;
}

int64_t
dbsq_int(const struct db_res *r, int col)
{
	return sqlite3_column_int64(r->c->st[r->id], col);
}

const char *
dbsq_text(const struct db_res *r, int col)
{
	const unsigned char *t = sqlite3_column_text(r->c->st[r->id], col);

	return t ? (const char *)t : "";
}

void
dbsq_res_free(struct db_res *r)
{
	sqlite3_reset(r->c->st[r->id]);
	sqlite3_clear_bindings(r->c->st[r->id]);
}

/* Introspection is dialect-specific by nature, so it lives here rather than
 * in the portable statement table. */
enum db_rc
dbsq_schema(struct db_conn *c, struct buf *out)
{
	static const char q[] =
	    "SELECT m.name, p.name, lower(p.type), p.\"notnull\" OR p.pk > 0 FROM sqlite_schema m "
	    "JOIN pragma_table_info(m.name) p WHERE m.type='table' "
	    "AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.name";
	sqlite3_stmt *st = NULL;
	enum db_rc rc = DB_OK;
	int k;

	if (sqlite3_prepare_v2(SQ(c), q, -1, &st, NULL) != SQLITE_OK) {
		dbsq_log(c, "schema", SQLITE_ERROR);
		return DB_ERROR;
	}
	while ((k = sqlite3_step(st)) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 2);

		buf_printf(out, "%s.%s %s%s\n", sqlite3_column_text(st, 0),
		    sqlite3_column_text(st, 1),
		    strstr(type, "int") ? "integer" : strstr(type, "blob") ? "blob" : "text",
		    sqlite3_column_int(st, 3) ? " not null" : "");
	}
	if (k != SQLITE_DONE)
		rc = dbsq_map(k);
	sqlite3_finalize(st);
	return rc;
}
