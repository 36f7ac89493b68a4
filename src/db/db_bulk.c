/*
 * Bulk load for `motcua bench-data` (db.h explains the contract).  SQLite:
 * one INSERT prepared once and stepped per row, with the connection switched
 * to synchronous=OFF and an in-memory rollback journal for the load.
 * PostgreSQL: rows are encoded in COPY's text format into a buffer and sent
 * with COPY ... FROM STDIN when the caller flushes, parents before children.
 */
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"

#define BULK_MAX_COLS 64
#define BULK_SQL_MAX 4096
#define BULK_CHUNK (1u << 20) /* bytes per PQputCopyData call */

struct db_bulk {
	struct db_conn *c;
	size_t ncols;
	int has_id;
	char table[64];
	char sql[BULK_SQL_MAX]; /* the INSERT (SQLite) or the COPY (PostgreSQL) */
	sqlite3_stmt *st;
	char *buf; /* PostgreSQL: COPY text rows not yet sent */
	size_t len, cap;
};

static int
bulk_name_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

enum db_rc
db_bulk_session(struct db_conn *c, int on)
{
	const char *sql;

	if (c == NULL || c->in_tx)
		return DB_ERROR;
	if (c->be == DB_SQLITE)
		/* journal_mode cannot leave WAL while another connection has the
		 * file open; SQLite then keeps WAL and the load is only slower.
		 * MEMORY rather than OFF: it journals only pages that existed
		 * before the load (appended pages need no undo), measured the
		 * same speed, and a failed load still rolls back cleanly.  An
		 * 8 MB page cache holds the hot leaves of every index the load
		 * appends to; larger ones were slower (fresh pages are mallocs
		 * and page faults), see bench/RESULTS.md. */
		sql = on ? "PRAGMA foreign_keys=OFF; PRAGMA synchronous=OFF; "
		    "PRAGMA journal_mode=MEMORY; PRAGMA cache_size=-8192;"
		    : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
		    "PRAGMA cache_size=-2000;";
	else {
		/* Foreign-key checks are triggers on PostgreSQL, one call per row;
		 * session_replication_role = replica skips them for this session.
		 * Only a superuser may set it: without, the load is just slower. */
		PGresult *res = PQexec((PGconn *)c->h, on ? "SET session_replication_role = replica"
		    : "RESET session_replication_role");

		PQclear(res);
		sql = on ? "SET synchronous_commit = off; SET maintenance_work_mem = '256MB'"
		    : "RESET synchronous_commit; RESET maintenance_work_mem";
	}
	return db_script(c, sql);
}

enum db_rc
db_bulk_analyze(struct db_conn *c, const char *table)
{
	char sql[96];

	if (c == NULL || c->in_tx || !bulk_name_ok(table) || strlen(table) > 63)
		return DB_ERROR;
	if (c->be == DB_SQLITE)
		return DB_OK;
	/* VACUUM cannot run inside a transaction block: db_script sends it on
	 * its own. */
	snprintf(sql, sizeof(sql), "VACUUM (ANALYZE) %s", table);
	return db_script(c, sql);
}

struct db_bulk *
db_bulk_begin(struct db_conn *c, const char *table, const char *const *cols, size_t ncols)
{
	struct db_bulk *b;
	size_t n;
	int k;

	if (c == NULL || ncols == 0 || ncols > BULK_MAX_COLS || !bulk_name_ok(table) ||
	    strlen(table) >= sizeof(b->table) || (b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->c = c;
	b->ncols = ncols;
	str_lcpy(b->table, table, sizeof(b->table));
	n = (size_t)snprintf(b->sql, sizeof(b->sql), "%s %s (", c->be == DB_SQLITE ?
	    "INSERT INTO" : "COPY", table);
	for (size_t i = 0; i < ncols && n < sizeof(b->sql); i++) {
		if (!bulk_name_ok(cols[i]))
			goto fail;
		b->has_id |= strcmp(cols[i], "id") == 0;
		k = snprintf(b->sql + n, sizeof(b->sql) - n, "%s%s", i ? ", " : "", cols[i]);
		n += k > 0 ? (size_t)k : 0;
	}
	if (c->be == DB_SQLITE) {
		for (size_t i = 0; i < ncols && n < sizeof(b->sql); i++) {
			k = snprintf(b->sql + n, sizeof(b->sql) - n, "%s?%zu", i ? ", " : ") VALUES (",
			    i + 1);
			n += k > 0 ? (size_t)k : 0;
		}
		if (n + 2 >= sizeof(b->sql))
			goto fail;
		memcpy(b->sql + n, ")", 2);
		if (sqlite3_prepare_v3((sqlite3 *)c->h, b->sql, -1, SQLITE_PREPARE_PERSISTENT, &b->st,
		    NULL) != SQLITE_OK) {
			log_msg(LOG_ERROR, NULL, "db", "backend=sqlite op=bulk_prepare msg=\"%s\"",
			    sqlite3_errmsg((sqlite3 *)c->h));
			goto fail;
		}
	} else {
		k = snprintf(b->sql + n, sizeof(b->sql) - n, ") FROM STDIN");
		if (k < 0 || n + (size_t)k >= sizeof(b->sql))
			goto fail;
	}
	return b;
fail:
	sqlite3_finalize(b->st);
	free(b);
	return NULL;
}

/* PostgreSQL: make room for need more bytes. */
static int
bulk_reserve(struct db_bulk *b, size_t need)
{
	char *p;
	size_t cap;

	if (b->len + need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 4 * BULK_CHUNK;
	while (cap < b->len + need)
		cap *= 2;
	if ((p = realloc(b->buf, cap)) == NULL)
		return -1;
	b->buf = p;
	b->cap = cap;
	return 0;
}

static enum db_rc
bulk_row_pg(struct db_bulk *b, const struct db_param *p)
{
	for (size_t i = 0; i < b->ncols; i++) {
		char *o;

		switch (p[i].type) {
		case DBP_NULL:
			if (bulk_reserve(b, 3) == -1)
				return DB_ERROR;
			memcpy(b->buf + b->len, "\\N", 2);
			b->len += 2;
			break;
		case DBP_INT: {
			char tmp[24];
			uint64_t v = p[i].i < 0 ? -(uint64_t)p[i].i : (uint64_t)p[i].i;
			size_t n = 0;

			do
				tmp[n++] = (char)('0' + v % 10);
			while ((v /= 10) != 0);
			if (p[i].i < 0)
				tmp[n++] = '-';
			if (bulk_reserve(b, n + 1) == -1)
				return DB_ERROR;
			o = b->buf + b->len;
			while (n > 0)
				*o++ = tmp[--n];
			b->len = (size_t)(o - b->buf);
			break;
		}
		case DBP_TEXT: {
			size_t n = strlen(p[i].s);

			/* Worst case every byte escaped. */
			if (bulk_reserve(b, 2 * n + 1) == -1)
				return DB_ERROR;
			o = b->buf + b->len;
			for (const char *s = p[i].s; *s; s++) {
				switch (*s) {
				case '\\': *o++ = '\\'; *o++ = '\\'; break;
				case '\t': *o++ = '\\'; *o++ = 't'; break;
				case '\n': *o++ = '\\'; *o++ = 'n'; break;
				case '\r': *o++ = '\\'; *o++ = 'r'; break;
				default: *o++ = *s;
				}
			}
			b->len = (size_t)(o - b->buf);
			break;
		}
		}
		b->buf[b->len++] = i + 1 < b->ncols ? '\t' : '\n';
	}
	return DB_OK;
}

enum db_rc
db_bulk_row(struct db_bulk *b, const struct db_param *p)
{
	int rc = SQLITE_OK;

	if (b == NULL)
		return DB_ERROR;
	if (b->c->be == DB_PG)
		return bulk_row_pg(b, p);
	for (size_t i = 0; i < b->ncols && rc == SQLITE_OK; i++) {
		int k = (int)i + 1;

		switch (p[i].type) {
		case DBP_NULL: rc = sqlite3_bind_null(b->st, k); break;
		case DBP_INT: rc = sqlite3_bind_int64(b->st, k, p[i].i); break;
		case DBP_TEXT: rc = sqlite3_bind_text(b->st, k, p[i].s, -1, SQLITE_STATIC); break;
		}
	}
	if (rc == SQLITE_OK && (rc = sqlite3_step(b->st)) == SQLITE_DONE)
		rc = SQLITE_OK;
	sqlite3_reset(b->st);
	if (rc != SQLITE_OK) {
		log_msg(LOG_WARN, NULL, "db", "backend=sqlite op=bulk_row table=%s rc=%d msg=\"%s\"",
		    b->table, rc, sqlite3_errmsg((sqlite3 *)b->c->h));
		return (rc & 0xff) == SQLITE_CONSTRAINT ? DB_CONSTRAINT : DB_ERROR;
	}
	return DB_OK;
}

static enum db_rc
bulk_pg_result(PGconn *h, const char *what)
{
	enum db_rc rc = DB_OK;
	PGresult *res;

	while ((res = PQgetResult(h)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
			const char *st = PQresultErrorField(res, PG_DIAG_SQLSTATE);

			log_msg(LOG_WARN, NULL, "db", "backend=pg op=%s sqlstate=%s", what,
			    st ? st : "-");
			rc = st != NULL && strncmp(st, "23", 2) == 0 ? DB_CONSTRAINT : DB_ERROR;
		}
		PQclear(res);
	}
	return rc;
}

enum db_rc
db_bulk_flush(struct db_bulk *b)
{
	PGconn *h;
	PGresult *res;
	enum db_rc rc = DB_OK;
	int ok;

	if (b == NULL)
		return DB_ERROR;
	if (b->c->be == DB_SQLITE || b->len == 0)
		return DB_OK;
	h = (PGconn *)b->c->h;
	res = PQexec(h, b->sql);
	ok = PQresultStatus(res) == PGRES_COPY_IN;
	PQclear(res);
	if (!ok) {
		log_msg(LOG_WARN, NULL, "db", "backend=pg op=copy table=%s msg=\"not in COPY\"",
		    b->table);
		bulk_pg_result(h, "copy");
		return DB_ERROR;
	}
	for (size_t off = 0; off < b->len && rc == DB_OK; off += BULK_CHUNK) {
		size_t n = b->len - off < BULK_CHUNK ? b->len - off : BULK_CHUNK;

		if (PQputCopyData(h, b->buf + off, (int)n) != 1)
			rc = DB_ERROR;
	}
	if (PQputCopyEnd(h, rc == DB_OK ? NULL : "bulk load aborted") != 1)
		rc = DB_ERROR;
	if (bulk_pg_result(h, "copy") != DB_OK)
		rc = DB_ERROR;
	b->len = 0;
	return rc;
}

enum db_rc
db_bulk_end(struct db_bulk *b)
{
	enum db_rc rc;

	if (b == NULL)
		return DB_OK;
	rc = db_bulk_flush(b);
	if (rc == DB_OK && b->c->be == DB_PG && b->has_id) {
		char sql[256];

		snprintf(sql, sizeof(sql), "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
		    "(SELECT max(id) FROM %s))", b->table, b->table);
		rc = db_script(b->c, sql);
	}
	db_bulk_discard(b);
	return rc;
}

void
db_bulk_discard(struct db_bulk *b)
{
	if (b == NULL)
		return;
	sqlite3_finalize(b->st);
	free(b->buf);
	free(b);
}
