/* Private to src/db: the connection and cursor layouts shared by db.c and
 * the two backends. */
#ifndef MOTCUA_DB_INT_H
#define MOTCUA_DB_INT_H

#include <pthread.h>

#include "../core/core.h"
#include "db.h"

/* At most this many statements in flight on a pipelined connection; one
 * more collects them first (a bound on what either side buffers). */
#define DB_PIPE_MAX 64

struct db_conn {
	struct db *db;
	enum db_backend be;
	void *h; /* sqlite3 * or PGconn * */
	void *st[STMT__MAX]; /* sqlite3_stmt * (SQLite only) */
	int64_t changes;
	int in_tx;
	uint64_t tx_mark; /* db_tx_mark's, while in_tx */
	int in_read; /* db_read_begin opened a deferred read transaction (SQLite) */
	void *read_st[2]; /* SQLite: BEGIN and COMMIT prepared once, for db_read_* */
	int prepared; /* statements prepared (not for the migration connection) */
	/* PostgreSQL: which statements this session has prepared.  A worker's
	 * connection prepares each on its first use (DB_PREPARE_LAZY); every
	 * other connection all of them when it opens. */
	unsigned char pg_prepared[STMT__MAX];
	/* PostgreSQL pipeline mode (db_pipeline; the group-commit writer):
	 * statements whose result nobody reads are sent and not waited for;
	 * their results are collected at the next statement that returns rows,
	 * at db_changes, db_in_tx or transaction control. */
	int pipeline;
	int pending; /* sent, results not collected yet */
	int pend_id[DB_PIPE_MAX]; /* their statement ids (for the log), -1 = SQL */
	unsigned char pend_one[DB_PIPE_MAX]; /* 1: must change exactly one row */
	struct db_conn *next; /* in db->conns when thread-owned */
	unsigned generation; /* of the db when it was opened (thread-owned) */
};

struct db_res {
	struct db_conn *c;
	enum stmt_id id;
	enum db_rc rc;
	void *pgres; /* PGresult * */
	int row, nrows, ncols;
	int started;
};

struct db {
	enum db_backend be;
	char *target; /* file path or libpq conninfo */
	char safe[256];
	pthread_mutex_t mu;
	struct db_conn *conns; /* thread-owned connections, closed in db_close */
	unsigned generation;
};

/* Backend entry points (db_sqlite.c, db_pg.c). */
int dbsq_open(struct db_conn *c, const char *path);
void dbsq_close(struct db_conn *c);
enum db_rc dbsq_prepare_all(struct db_conn *c);
enum db_rc dbsq_script(struct db_conn *c, const char *sql);
enum db_rc dbsq_exec(struct db_conn *c, enum stmt_id id, const struct db_param *p,
    size_t np, struct db_res *res);
int dbsq_next(struct db_res *r);
int dbsq_isnull(const struct db_res *r, int col);
int64_t dbsq_int(const struct db_res *r, int col);
const char *dbsq_text(const struct db_res *r, int col);
void dbsq_res_free(struct db_res *r);
enum db_rc dbsq_schema(struct db_conn *c, struct buf *out);
int dbsq_in_tx(const struct db_conn *c);
/* db_read_begin/end on SQLite: BEGIN (begin = 1) or COMMIT, prepared once. */
enum db_rc dbsq_read(struct db_conn *c, int begin);

int dbpg_open(struct db_conn *c, const char *conninfo);
void dbpg_close(struct db_conn *c);
enum db_rc dbpg_prepare_all(struct db_conn *c);
/* A libpq host (PQhost) on this machine: a socket directory, localhost, or
 * a loopback address. */
int dbpg_host_local(const char *host);
int dbpg_server_local(struct db_conn *c);
enum db_rc dbpg_script(struct db_conn *c, const char *sql);
enum db_rc dbpg_exec(struct db_conn *c, enum stmt_id id, const struct db_param *p,
    size_t np, struct db_res *res);
int dbpg_next(struct db_res *r);
int dbpg_isnull(const struct db_res *r, int col);
int64_t dbpg_int(const struct db_res *r, int col);
const char *dbpg_text(const struct db_res *r, int col);
void dbpg_res_free(struct db_res *r);
enum db_rc dbpg_schema(struct db_conn *c, struct buf *out);
int dbpg_in_tx(struct db_conn *c);
/* Pipeline mode (see struct db_conn): on, 0 or -1. */
int dbpg_pipeline(struct db_conn *c);
/* Send statement id (or, with sql != NULL, that one SQL command) without
 * waiting for its result: DB_OK when sent; its error comes at the next
 * collection. */
enum db_rc dbpg_send(struct db_conn *c, enum stmt_id id, const struct db_param *p,
    size_t np, const char *sql);
/* The last statement sent must change exactly one row (db_exec_one):
 * checked at its collection (DB_CONFLICT). */
void dbpg_expect_one(struct db_conn *c);
/* Collect the results of everything sent: DB_OK or the first error. */
enum db_rc dbpg_collect(struct db_conn *c);

/* How db_conn_open prepares the statement table. */
enum db_prepare {
	DB_PREPARE_NONE, /* the migration connection */
	DB_PREPARE_ALL, /* every statement now: proves the schema is there */
	DB_PREPARE_LAZY /* PostgreSQL: each on its first use (SQLite: all now) */
};
struct db_conn *db_conn_open(struct db *db, enum db_prepare how);
/* Run a multi-statement script (migrations); transaction control SQL. */
enum db_rc db_script(struct db_conn *c, const char *sql);

/* Savepoints inside the open transaction, for group.c: one unit of work
 * each.  Transaction control, so outside the statement table. */
enum db_rc db_savepoint(struct db_conn *c); /* pipelined on PostgreSQL */
enum db_rc db_release(struct db_conn *c);
/* Undo the unit's work back to its savepoint and drop the savepoint; the
 * enclosing transaction goes on. */
enum db_rc db_rollback_to(struct db_conn *c);
/* 1 while the backend itself says a healthy transaction is open (SQLite
 * rolls a whole transaction back on some errors, a PostgreSQL connection
 * can break): the check after every unit. */
int db_in_tx(struct db_conn *c);
/* PostgreSQL: put the connection in pipeline mode (the group-commit
 * writer: a reception's inserts then cost no round trip each).  SQLite:
 * nothing to do (no round trips).  0 or -1. */
int db_pipeline(struct db_conn *c);

#endif
