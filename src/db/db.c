/* The storage interface: URL parsing, per-thread connections, dispatch to
 * the backend, and the statement table's metadata. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"

static const char *const stmt_names[STMT__MAX] = {
#define STMT(id, sql) #id,
#include "../stmts.def"
#undef STMT
};

static const char *const stmt_sql[STMT__MAX] = {
#define STMT(id, sql) sql,
#include "../stmts.def"
#undef STMT
};

static atomic_ullong db_errors;

static void
db_count_error(void)
{
	atomic_fetch_add(&db_errors, 1);
}

uint64_t
db_error_count(void)
{
	return atomic_load(&db_errors);
}

static const char *const rc_names[DB__MAX] = {
	"ok", "notfound", "constraint", "busy", "conflict", "error",
};

const char *
db_stmt_name(enum stmt_id id)
{
	return id < STMT__MAX ? stmt_names[id] : "?";
}

const char *
db_stmt_sql(enum stmt_id id)
{
	return id < STMT__MAX ? stmt_sql[id] : "";
}

const char *
db_rc_name(enum db_rc rc)
{
	return rc < DB__MAX ? rc_names[rc] : "?";
}

int
db_rewrite_placeholders(const char *in, char *out, size_t outsz)
{
	size_t j = 0;
	char quote = 0;

	for (const char *p = in; *p != '\0'; p++) {
		char c = *p;

		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '\'' || c == '"')
			quote = c;
		else if (c == '$' && p[1] >= '1' && p[1] <= '9')
			c = '?';
		if (j + 1 >= outsz)
			return -1;
		out[j++] = c;
	}
	if (quote || j >= outsz)
		return -1;
	out[j] = '\0';
	return 0;
}

struct db *
db_open(const char *url, const char **err)
{
	struct db *db;

	*err = NULL;
	if (url == NULL || *url == '\0') {
		*err = "địa chỉ cơ sở dữ liệu trống";
		return NULL;
	}
	if ((db = calloc(1, sizeof(*db))) == NULL) {
		*err = "hết bộ nhớ";
		return NULL;
	}
	pthread_mutex_init(&db->mu, NULL);
	if (strncmp(url, "sqlite:", 7) == 0 && url[7] != '\0') {
		db->be = DB_SQLITE;
		db->target = strdup(url + 7);
		snprintf(db->safe, sizeof(db->safe), "%s", url);
	} else if (strncmp(url, "postgresql://", 13) == 0 ||
	    strncmp(url, "postgres://", 11) == 0) {
		const char *at = strchr(url, '@'), *scheme = strstr(url, "://");

		db->be = DB_PG;
		db->target = strdup(url);
		/* Never log a password: keep the scheme and what follows '@'. */
		if (at != NULL)
			snprintf(db->safe, sizeof(db->safe), "%.*s***%s",
			    (int)(scheme + 3 - url), url, at);
		else
			snprintf(db->safe, sizeof(db->safe), "%s", url);
	} else {
		*err = "địa chỉ phải có dạng sqlite:ĐƯỜNG_DẪN hoặc postgresql://...";
		pthread_mutex_destroy(&db->mu);
		free(db);
		return NULL;
	}
	if (db->target == NULL) {
		*err = "hết bộ nhớ";
		pthread_mutex_destroy(&db->mu);
		free(db);
		return NULL;
	}
	return db;
}

int
db_server_local(struct db_conn *c)
{
	if (c == NULL)
		return 0;
	return c->be == DB_SQLITE || dbpg_server_local(c);
}

enum db_backend
db_backend(const struct db *db)
{
	return db->be;
}

const char *
db_url_safe(const struct db *db)
{
	return db->safe;
}

struct db_conn *
db_conn_open(struct db *db, enum db_prepare how)
{
	struct db_conn *c = calloc(1, sizeof(*c));
	enum db_rc rc;

	if (c == NULL)
		return NULL;
	c->db = db;
	c->be = db->be;
	if ((db->be == DB_SQLITE ? dbsq_open(c, db->target) : dbpg_open(c, db->target)) == -1) {
		db_conn_free(c);
		return NULL;
	}
	if (how != DB_PREPARE_NONE) {
		/* A worker's PostgreSQL connection prepares as it goes: the table
		 * is 211 round trips, which eight workers opening at once spent
		 * the first second of service on (p99 over 400 ms, RESULTS.md);
		 * the server's start-up probe has prepared them all once. */
		if (db->be == DB_SQLITE)
			rc = dbsq_prepare_all(c);
		else
			rc = how == DB_PREPARE_ALL ? dbpg_prepare_all(c) : DB_OK;
		if (rc != DB_OK) {
			db_conn_free(c);
			return NULL;
		}
		c->prepared = 1;
	}
	return c;
}

struct db_conn *
db_conn_new(struct db *db)
{
	return db_conn_open(db, DB_PREPARE_ALL);
}

void
db_conn_free(struct db_conn *c)
{
	if (c == NULL)
		return;
	if (c->in_tx)
		db_rollback(c);
	if (c->be == DB_SQLITE)
		dbsq_close(c);
	else
		dbpg_close(c);
	free(c);
}

/* One connection per thread, kept in thread-specific data so that it is
 * closed when its thread ends (libmicrohttpd's thread-per-connection mode
 * ends a thread per client connection); the slot remembers which db (and
 * which generation of it) the connection belongs to. */
static pthread_key_t db_tls_key;
static pthread_once_t db_tls_once = PTHREAD_ONCE_INIT;
static unsigned db_generations;

/* Unlink c from its db's list; the caller frees it. */
static void
db_conn_unlink(struct db_conn *c)
{
	struct db *db = c->db;
	struct db_conn **pp;

	pthread_mutex_lock(&db->mu);
	for (pp = &db->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	pthread_mutex_unlock(&db->mu);
}

static void
db_tls_destroy(void *p)
{
	struct db_conn *c = p;

	db_conn_unlink(c);
	db_conn_free(c);
}

static void
db_tls_init(void)
{
	if (pthread_key_create(&db_tls_key, db_tls_destroy) != 0)
		fatal("db: pthread_key_create failed");
}

struct db_conn *
db_conn(struct db *db)
{
	struct db_conn *c, *old;

	pthread_once(&db_tls_once, db_tls_init);
	old = pthread_getspecific(db_tls_key);
	if (old != NULL && old->db == db && old->generation == db->generation)
		return old;
	if ((c = db_conn_open(db, DB_PREPARE_LAZY)) == NULL)
		return NULL;
	pthread_mutex_lock(&db->mu);
	if (db->generation == 0)
		db->generation = __atomic_add_fetch(&db_generations, 1, __ATOMIC_SEQ_CST);
	c->generation = db->generation;
	c->next = db->conns;
	db->conns = c;
	pthread_mutex_unlock(&db->mu);
	/* A connection of a db closed since is already freed by db_close(). */
	pthread_setspecific(db_tls_key, c);
	return c;
}

void
db_close(struct db *db)
{
	struct db_conn *c, *n, *mine;

	if (db == NULL)
		return;
	pthread_once(&db_tls_once, db_tls_init);
	mine = pthread_getspecific(db_tls_key);
	for (c = db->conns; c != NULL; c = n) {
		n = c->next;
		if (c == mine)
			pthread_setspecific(db_tls_key, NULL);
		db_conn_free(c);
	}
	/* Never reuse a generation: a stale slot of another thread must not
	 * match a new db at the same address. */
	pthread_mutex_destroy(&db->mu);
	free(db->target);
	free(db);
}

enum db_rc
db_script(struct db_conn *c, const char *sql)
{
	enum db_rc rc = c->be == DB_SQLITE ? dbsq_script(c, sql) : dbpg_script(c, sql);

	if (rc == DB_ERROR)
		db_count_error();
	return rc;
}

/* Marks are never reused, across connections too: a connection freed and
 * another allocated at its address cannot inherit a mark. */
static uint64_t
db_mark_next(void)
{
	static _Atomic uint64_t last;

	return atomic_fetch_add(&last, 1) + 1;
}

uint64_t
db_tx_mark(struct db_conn *c)
{
	if (c == NULL || !c->in_tx)
		return 0;
	/* SQLite ends the transaction itself after some errors (SQLITE_FULL,
	 * an I/O error): what follows would run in autocommit. */
	if (c->be == DB_SQLITE && !dbsq_in_tx(c))
		return 0;
	return c->tx_mark;
}

enum db_rc
db_begin(struct db_conn *c)
{
	enum db_rc rc;

	if (c->in_tx)
		return DB_ERROR;
	/* Pipelined: it travels with the first unit's first statement. */
	if (c->pipeline)
		rc = dbpg_send(c, STMT__MAX, NULL, 0, "BEGIN");
	else
		rc = db_script(c, c->be == DB_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN");
	if (rc == DB_OK) {
		c->in_tx = 1;
		c->tx_mark = db_mark_next();
	}
	return rc;
}

enum db_rc
db_commit(struct db_conn *c)
{
	enum db_rc rc;

	if (!c->in_tx)
		return DB_ERROR;
	rc = db_script(c, "COMMIT");
	if (rc != DB_OK)
		db_rollback(c);
	c->in_tx = 0;
	return rc;
}

void
db_rollback(struct db_conn *c)
{
	if (c == NULL || !c->in_tx)
		return;
	c->in_tx = 0;
	(void)db_script(c, "ROLLBACK");
}

/* One savepoint name is enough: units never nest. */
#define DB_SAVEPOINT "motcua_unit"

enum db_rc
db_savepoint(struct db_conn *c)
{
	if (!c->in_tx)
		return DB_ERROR;
	/* Pipelined: it travels with the unit's first statement. */
	if (c->pipeline)
		return dbpg_send(c, STMT__MAX, NULL, 0, "SAVEPOINT " DB_SAVEPOINT);
	return db_script(c, "SAVEPOINT " DB_SAVEPOINT);
}

enum db_rc
db_release(struct db_conn *c)
{
	return c->in_tx ? db_script(c, "RELEASE SAVEPOINT " DB_SAVEPOINT) : DB_ERROR;
}

enum db_rc
db_rollback_to(struct db_conn *c)
{
	enum db_rc rc;

	if (!c->in_tx)
		return DB_ERROR;
	/* SQLite's ROLLBACK TO keeps the savepoint open; release it so the
	 * next unit starts at the same depth on both backends. */
	/* What the unit wrote is gone, whatever the outcome below. */
	c->tx_mark = db_mark_next();
	if ((rc = db_script(c, "ROLLBACK TO SAVEPOINT " DB_SAVEPOINT)) != DB_OK)
		return rc;
	return db_script(c, "RELEASE SAVEPOINT " DB_SAVEPOINT);
}

int
db_in_tx(struct db_conn *c)
{
	if (c == NULL || !c->in_tx)
		return 0;
	return c->be == DB_SQLITE ? dbsq_in_tx(c) : dbpg_in_tx(c);
}

int
db_pipeline(struct db_conn *c)
{
	if (c == NULL)
		return -1;
	return c->be == DB_PG ? dbpg_pipeline(c) : 0;
}

enum db_rc
db_read_begin(struct db_conn *c)
{
	enum db_rc rc;

	if (c == NULL)
		return DB_ERROR;
	if (c->be != DB_SQLITE || c->in_tx || c->in_read)
		return DB_OK;
	if ((rc = dbsq_read(c, 1)) == DB_OK)
		c->in_read = 1;
	return rc;
}

void
db_read_end(struct db_conn *c)
{
	if (c == NULL || !c->in_read)
		return;
	c->in_read = 0;
	if (dbsq_read(c, 0) != DB_OK) {
		/* Never leave the connection inside a transaction. */
		db_count_error();
		(void)db_script(c, "ROLLBACK");
	}
}

enum db_rc
db_exec(struct db_conn *c, enum stmt_id id, const struct db_param *p, size_t np,
    struct db_res **out)
{
	struct db_res *r;
	enum db_rc rc;

	if (out != NULL)
		*out = NULL;
	if (c == NULL || id >= STMT__MAX || !c->prepared)
		return DB_ERROR;
	if (out == NULL && c->pipeline) {
		/* Nobody reads the result: send it and go on; an error comes
		 * back at the next collection, which fails the same unit. */
		rc = dbpg_send(c, id, p, np, NULL);
		if (rc == DB_ERROR)
			db_count_error();
		return rc;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return DB_ERROR;
	r->c = c;
	r->id = id;
	rc = c->be == DB_SQLITE ? dbsq_exec(c, id, p, np, r) : dbpg_exec(c, id, p, np, r);
	if (rc == DB_ERROR)
		db_count_error();
	if (rc != DB_OK || out == NULL) {
		if (rc == DB_OK && c->be == DB_SQLITE) {
			/* Run to completion to learn the change count. */
			int k;

			while ((k = dbsq_next(r)) == 1)
				;
			if (k < 0)
				rc = r->rc;
		}
		db_res_free(r);
		return rc;
	}
	*out = r;
	return DB_OK;
}

enum db_rc
db_exec_one(struct db_conn *c, enum stmt_id id, const struct db_param *p, size_t np)
{
	enum db_rc rc = db_exec(c, id, p, np, NULL);

	if (rc != DB_OK)
		return rc;
	if (c->pipeline) {
		dbpg_expect_one(c);
		return DB_OK;
	}
	return c->changes == 1 ? DB_OK : DB_CONFLICT;
}

int64_t
db_changes(struct db_conn *c)
{
	if (c->pending > 0 && dbpg_collect(c) != DB_OK)
		return -1;
	return c->changes;
}

int
db_res_next(struct db_res *r)
{
	int k;

	if (r == NULL)
		return -1;
	k = r->c->be == DB_SQLITE ? dbsq_next(r) : dbpg_next(r);
	if (k < 0 && r->rc == DB_ERROR)
		db_count_error();
	return k;
}

enum db_rc
db_res_rc(const struct db_res *r)
{
	return r ? r->rc : DB_ERROR;
}

int
db_res_isnull(const struct db_res *r, int col)
{
	return r->c->be == DB_SQLITE ? dbsq_isnull(r, col) : dbpg_isnull(r, col);
}

int64_t
db_res_int(const struct db_res *r, int col)
{
	return r->c->be == DB_SQLITE ? dbsq_int(r, col) : dbpg_int(r, col);
}

const char *
db_res_text(const struct db_res *r, int col)
{
	return r->c->be == DB_SQLITE ? dbsq_text(r, col) : dbpg_text(r, col);
}

int
db_res_ncols(const struct db_res *r)
{
	return r->ncols;
}

void
db_res_free(struct db_res *r)
{
	if (r == NULL)
		return;
	if (r->c->be == DB_SQLITE)
		dbsq_res_free(r);
	else
		dbpg_res_free(r);
	free(r);
}

enum db_rc
db_scalar_int(struct db_conn *c, enum stmt_id id, const struct db_param *p,
    size_t np, int64_t *out)
{
	struct db_res *r;
	enum db_rc rc;
	int k;

	if ((rc = db_exec(c, id, p, np, &r)) != DB_OK)
		return rc;
	k = db_res_next(r);
	if (k == 1)
		*out = db_res_int(r, 0);
	rc = k == 1 ? DB_OK : k == 0 ? DB_NOTFOUND : db_res_rc(r);
	db_res_free(r);
	return rc;
}

enum db_rc
db_schema(struct db_conn *c, struct buf *out)
{
	return c->be == DB_SQLITE ? dbsq_schema(c, out) : dbpg_schema(c, out);
}
