/*
 * db: one storage interface over SQLite and PostgreSQL.  The platform knows
 * no table: the statements come from src/stmts.def (one X-macro line per
 * statement, grouped by slice), written once with $1..$n placeholders and
 * prepared on every connection when it opens (a worker thread's PostgreSQL
 * connection: each statement at its first use, after the server's start-up
 * probe has prepared them all once).  sqlite3_* and PQ* calls live only in
 * this directory.
 */
#ifndef MOTCUA_DB_H
#define MOTCUA_DB_H

#include <stddef.h>
#include <stdint.h>

enum stmt_id {
#define STMT(id, sql) id,
#include "../stmts.def"
#undef STMT
	STMT__MAX
};

enum db_rc {
	DB_OK = 0,
	DB_NOTFOUND, /* no row where one was required */
	DB_CONSTRAINT, /* unique/foreign key/check violated */
	DB_BUSY, /* lock wait exceeded; retry later */
	DB_CONFLICT, /* optimistic version check lost, serialization failure */
	DB_ERROR, /* anything else, logged */
	DB__MAX
};

enum db_backend { DB_SQLITE, DB_PG };

enum db_ptype { DBP_NULL, DBP_INT, DBP_TEXT };

struct db_param {
	enum db_ptype type;
	int64_t i;
	const char *s; /* borrowed for the duration of the call */
};

#define DB_NULL ((struct db_param){ .type = DBP_NULL })
#define DB_INT(v) ((struct db_param){ .type = DBP_INT, .i = (int64_t)(v) })
/* A NULL string binds SQL NULL.  A function, not a macro, so arrays can be
 * passed without -Waddress complaints. */
static inline struct db_param
db_param_text(const char *v)
{
	struct db_param p = { .type = v ? DBP_TEXT : DBP_NULL, .i = 0, .s = v };

	return p;
}
#define DB_TEXT(v) db_param_text(v)

struct db; /* the process-wide handle: URL, backend, per-thread connections */
struct db_conn; /* one connection, used by one thread at a time */
struct db_res; /* a result cursor */

/* Parse the URL ("sqlite:PATH" or "postgresql://..."/"postgres://...") and
 * remember it; connections open lazily.  NULL with *err set (static string)
 * on a bad URL.  Caller owns the handle: db_close(). */
struct db *db_open(const char *url, const char **err);
/* Closes every connection it opened; NULL-safe.  Call it only once every
 * other thread that used db_conn() has ended (their connections close with
 * them) or will not touch the db again. */
void db_close(struct db *db);
enum db_backend db_backend(const struct db *db);
/* 1 when c's database server runs on this machine and shares its CPUs:
 * SQLite, or PostgreSQL over a Unix socket or a loopback address. */
int db_server_local(struct db_conn *c);
/* Redacted URL for logs (password removed); static-lifetime in db. */
const char *db_url_safe(const struct db *db);

/* The calling thread's connection (opened on first use, its statements
 * prepared then or, on PostgreSQL, each at its own first use; closed when
 * the thread ends).  NULL on failure (logged).
 * Owned by db. */
struct db_conn *db_conn(struct db *db);
/* A fresh private connection the caller owns (CLI, background jobs);
 * db_conn_free() it. */
struct db_conn *db_conn_new(struct db *db);
void db_conn_free(struct db_conn *c);

/* Transactions.  db_begin takes the write lock at once on SQLite
 * (BEGIN IMMEDIATE) so writers queue instead of failing on upgrade. */
enum db_rc db_begin(struct db_conn *c);
enum db_rc db_commit(struct db_conn *c);
/* Safe to call when no transaction is open. */
void db_rollback(struct db_conn *c);
/* A mark of the connection's open transaction, unique in the process: a
 * new one at BEGIN and at every rollback to a savepoint, 0 outside a
 * transaction (and on SQLite once the backend has ended it by itself).
 * SAVEPOINT and RELEASE keep it.  So what the caller wrote and holds
 * locked inside the transaction is still there while the mark is the
 * same: it may skip reading it back (the audit chain's head). */
uint64_t db_tx_mark(struct db_conn *c);
/* One snapshot for the several reads of one answer.  SQLite: a deferred
 * transaction (BEGIN ... COMMIT), so the WAL read lock (fcntl and fstat
 * calls) is taken once instead of once per statement; PostgreSQL: nothing
 * (BEGIN and COMMIT would be two more round trips).  Nothing either inside
 * a transaction.  Pair every db_read_begin with db_read_end. */
enum db_rc db_read_begin(struct db_conn *c);
void db_read_end(struct db_conn *c);

/* Run a statement.  With out == NULL the result is discarded (and the
 * number of changed rows stored for db_changes()).  With out != NULL, a
 * cursor the caller must db_res_free(). */
enum db_rc db_exec(struct db_conn *c, enum stmt_id id, const struct db_param *p,
    size_t np, struct db_res **out);
/* A statement that must change exactly one row: DB_OK, DB_CONFLICT when it
 * changed none (or several), or its error.  Same as db_exec + db_changes,
 * except that on a pipelined connection (the group-commit writer on
 * PostgreSQL) it does not wait: the check is made when its result is
 * collected, and fails the unit then. */
enum db_rc db_exec_one(struct db_conn *c, enum stmt_id id, const struct db_param *p,
    size_t np);
/* Rows changed by the last db_exec without a cursor (on a pipelined
 * connection this waits for that statement's result). */
int64_t db_changes(struct db_conn *c);

/* 1 = a row is ready, 0 = done, -1 = error (db_res_rc tells which). */
int db_res_next(struct db_res *r);
enum db_rc db_res_rc(const struct db_res *r);
int db_res_isnull(const struct db_res *r, int col);
int64_t db_res_int(const struct db_res *r, int col);
/* Valid until the next db_res_next/db_res_free; "" for NULL. */
const char *db_res_text(const struct db_res *r, int col);
int db_res_ncols(const struct db_res *r);
void db_res_free(struct db_res *r);

/* Convenience: exactly one row's first column as int64 (DB_NOTFOUND if no
 * row). */
enum db_rc db_scalar_int(struct db_conn *c, enum stmt_id id,
    const struct db_param *p, size_t np, int64_t *out);

/* Apply sql/<dialect> migrations not yet in schema_migrations, each in its
 * own transaction; the applied versions are logged.  0 or -1. */
int db_migrate(struct db *db);

/* Statement metadata, for the test that runs every statement. */
const char *db_stmt_name(enum stmt_id id);
const char *db_stmt_sql(enum stmt_id id);
/* Rewrite $N placeholders to ?N (SQLite), skipping string literals; returns
 * 0 or -1 if out is too small.  Exposed for unit tests. */
int db_rewrite_placeholders(const char *in, char *out, size_t outsz);
const char *db_rc_name(enum db_rc rc);
/* Errors (DB_ERROR) seen since start, for /metrics. */
uint64_t db_error_count(void);

/* ---- group commit (group.c) ----------------------------------------------
 *
 * Durable commits are bounded by fsync (a few thousand a second), so
 * writers that arrive together share one: a group has ONE writer thread
 * with its own connection that takes every queued unit of work (at most
 * max_batch, after waiting at most wait_us for more) into one transaction,
 * runs each unit inside its own savepoint, commits once and then tells
 * every unit.  A unit that fails is rolled back to its savepoint alone and
 * the others go on.  Units run in submission order, so whatever they
 * serialise on (counters, the audit chain's head) is taken in that order,
 * which is also the commit order.  The group knows nothing of what the
 * units write. */

/* Runs on the writer thread inside the unit's savepoint of the shared
 * transaction: DB_OK keeps its work, anything else rolls it back to the
 * savepoint (and is what done() receives).  It must not begin, commit or
 * roll back itself.  It may be called more than once: when the shared
 * transaction breaks before COMMIT (a backend error that ends it), every
 * unit of the batch is run again alone, so run must start from scratch
 * each time (nothing of an earlier call is in the database). */
typedef enum db_rc (*db_unit_fn)(struct db_conn *c, void *arg);
/* Called exactly once per submitted unit (unless cancelled), on the writer
 * thread and never under a lock of the group: DB_OK only after the COMMIT
 * holding the unit's work returned, i.e. it is durable; else the unit's
 * own failure, or the transaction's (nothing of the unit is stored, except
 * when COMMIT itself failed, whose outcome the backend may not know —
 * callers answer "not recorded, try again" and rely on idempotency keys).
 * done may free the unit. */
typedef void (*db_done_fn)(void *arg, enum db_rc rc);

/* A unit of work; the caller owns the memory (e.g. in a request's arena)
 * until done() is called or db_group_cancel() took it back. */
struct db_unit {
	db_unit_fn run;
	db_done_fn done;
	void *arg;
	/* private to group.c */
	struct db_unit *next;
	enum db_rc rc;
	int state;
};

struct db_group_opts {
	unsigned max_batch; /* units in one transaction at most (>= 1) */
	unsigned wait_us; /* how long a lone unit waits for company (0 = never) */
};

struct db_group;

/* Start the writer thread (its connection opens on first use).  NULL on
 * failure.  Caller owns it: db_group_stop(). */
struct db_group *db_group_start(struct db *db, const struct db_group_opts *o);
/* Queue u (run, done and arg filled by the caller).  0, or -1 when the
 * group is stopping (done will not be called: answer "unavailable"). */
int db_group_submit(struct db_group *g, struct db_unit *u);
/* Take u back if the writer has not taken it yet: 0 (done will never be
 * called, nothing ran), or -1 (it is running or done; done comes or came). */
int db_group_cancel(struct db_group *g, struct db_unit *u);
/* Submit and wait for done: for callers that may block (CLI, a thread per
 * connection).  The unit's final rc, or DB_BUSY when stopping. */
enum db_rc db_group_run(struct db_group *g, db_unit_fn run, void *arg);
/* Refuse new units, run every queued one (each still gets its done), end
 * the writer and free g.  NULL-safe. */
void db_group_stop(struct db_group *g);

struct db_group_stats {
	uint64_t batches; /* transactions committed */
	uint64_t units; /* units whose work was committed */
	uint64_t failed; /* units rolled back (their own failure or their batch's) */
	uint64_t retried; /* batches re-run one unit at a time after a broken transaction */
	uint64_t largest; /* most units committed together */
	uint64_t run_ns; /* writer time inside the units' run() */
	uint64_t commit_ns; /* writer time in COMMIT (the durable flush) */
};
/* A snapshot; zeros for NULL. */
void db_group_stats(struct db_group *g, struct db_group_stats *out);

struct buf;
/* Tables and columns as "table.column type\n" lines sorted, with types
 * normalised to integer/text, for the dialect-agreement test and
 * `motcua db schema`. */
enum db_rc db_schema(struct db_conn *c, struct buf *out);


/* ---- bulk load (`motcua bench-data`) ------------------------------------
 * Millions of rows into a few tables inside the caller's one open
 * transaction, as fast as each backend allows: SQLite reuses one prepared
 * INSERT; PostgreSQL buffers rows in COPY text format and sends them with
 * COPY ... FROM STDIN (PQputCopyData) on db_bulk_flush(), which the caller
 * calls in foreign-key order (parents before children): a connection runs
 * one COPY at a time, so rows of several tables are buffered and flushed
 * table by table.  table and column names are the caller's constants
 * ([a-z_0-9]+, checked).  The only SQL besides the statement table that the
 * bulk path writes is this generated INSERT / COPY. */
struct db_bulk;
/* Connection settings for a bulk load; call with no transaction open.
 * on = 1: SQLite synchronous=OFF, journal_mode=MEMORY, foreign_keys=OFF (a
 * crash during the load may corrupt the file: bench data only; a larger page
 * cache was measured slower: its pages are fresh mallocs and page faults); PostgreSQL synchronous_commit=off and maintenance_work_mem
 * 256MB for the index builds.  on = 0 restores what the connection
 * normally runs with (WAL, synchronous=FULL, foreign keys on). */
enum db_rc db_bulk_session(struct db_conn *c, int on);
/* After a bulk load, with no transaction open: what the database's own
 * maintenance would soon do to the loaded table.  PostgreSQL: VACUUM
 * (ANALYZE) — the planner's statistics, the hint bits (else the first
 * reads of each page dirty it) and the visibility map (index-only scans),
 * which autovacuum would otherwise do minutes into service.  SQLite:
 * nothing, on purpose: a SQLite file in service has no sqlite_stat1 unless
 * someone runs ANALYZE, and the bench data should plan as it does. */
enum db_rc db_bulk_analyze(struct db_conn *c, const char *table);
/* A loader for ncols (<= 64) columns of table; NULL on a bad name or
 * ENOMEM.  Owned by the caller: db_bulk_end(). */
struct db_bulk *db_bulk_begin(struct db_conn *c, const char *table, const char *const *cols,
    size_t ncols);
/* One row of exactly ncols values (text is copied or sent at once). */
enum db_rc db_bulk_row(struct db_bulk *b, const struct db_param *p);
/* PostgreSQL: COPY the buffered rows now (SQLite: nothing to do). */
enum db_rc db_bulk_flush(struct db_bulk *b);
/* Flush and free (NULL-safe; DB_OK for NULL).  On PostgreSQL, when the
 * columns include "id", the table's identity sequence is moved past the
 * largest id so later inserts do not collide with the explicit ids. */
enum db_rc db_bulk_end(struct db_bulk *b);
/* Free without sending anything (after a failure); NULL-safe. */
void db_bulk_discard(struct db_bulk *b);

#endif
