/*
 * The durable-insert ceiling: a plain C loop of single-row inserts, one
 * transaction per row, each committed durably before the next begins.
 * Reception of a dossier can only beat this by grouping many concurrent
 * receptions into one commit (issue 9: ≥ 2 × this figure).
 *
 *   ceiling_insert sqlite PATH      [SECONDS [MAX_ROWS]]
 *   ceiling_insert pg     CONNINFO  [SECONDS [MAX_ROWS]]
 *
 * SQLite: WAL, synchronous=FULL, BEGIN IMMEDIATE ... COMMIT per row.
 * PostgreSQL: synchronous_commit=on, BEGIN ... COMMIT per row.
 * The loop stops after SECONDS (default 3) or MAX_ROWS rows (default
 * 1000000), whichever comes first, and prints one parseable line:
 *
 *   CEILING backend=sqlite rows=N seconds=S rate=R
 *
 * The row looks like a reception: a code, a JSON-ish body of ~200 bytes and
 * a time, with a primary key and one secondary index.
 */
#define _POSIX_C_SOURCE 200809L
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char body[] = "{\"procedure\":\"1.001234\",\"applicant\":\"Nguyễn Văn A\","
    "\"address\":\"Số 1 đường Trần Hưng Đạo, phường Hàng Bài, quận Hoàn Kiếm\","
    "\"phone\":\"0912345678\",\"channel\":\"counter\",\"fee\":50000}";

static void
row_code(char *out, size_t n, long i)
{
	snprintf(out, n, "000.00.01.H26-%06ld-%04ld", 260000 + i % 100000, i % 10000);
}

static int
run_sqlite(const char *path, double secs, long max)
{
	sqlite3 *db;
	sqlite3_stmt *ins, *begin, *commit;
	char code[64];
	double t0, t;
	long n = 0;

	if (sqlite3_open(path, &db) != SQLITE_OK) {
		fprintf(stderr, "ceiling_insert: sqlite open %s: %s\n", path, sqlite3_errmsg(db));
		return 1;
	}
	if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    "DROP TABLE IF EXISTS ceiling;"
	    "CREATE TABLE ceiling(id INTEGER PRIMARY KEY, code TEXT NOT NULL,"
	    " body TEXT NOT NULL, at INTEGER NOT NULL);"
	    "CREATE INDEX ceiling_code ON ceiling(code);", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO ceiling(code, body, at) VALUES (?1, ?2, ?3)",
	    -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL) != SQLITE_OK) {
		fprintf(stderr, "ceiling_insert: sqlite: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	t0 = now_s();
	do {
		row_code(code, sizeof(code), n);
		sqlite3_bind_text(ins, 1, code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 2, body, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 3, (sqlite3_int64)time(NULL));
		if (sqlite3_step(begin) != SQLITE_DONE || sqlite3_step(ins) != SQLITE_DONE ||
		    sqlite3_step(commit) != SQLITE_DONE) {
			fprintf(stderr, "ceiling_insert: sqlite insert: %s\n", sqlite3_errmsg(db));
			return 1;
		}
		sqlite3_reset(begin);
		sqlite3_reset(ins);
		sqlite3_reset(commit);
		n++;
		t = now_s() - t0;
	} while (t < secs && n < max);
	printf("CEILING backend=sqlite rows=%ld seconds=%.3f rate=%.1f\n", n, t, (double)n / t);
	sqlite3_finalize(ins);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	sqlite3_close(db);
	return 0;
}

static int
pg_ok(PGconn *c, PGresult *r, const char *what)
{
	ExecStatusType s = PQresultStatus(r);

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		fprintf(stderr, "ceiling_insert: pg %s: %s", what, PQerrorMessage(c));
		PQclear(r);
		return 0;
	}
	PQclear(r);
	return 1;
}

static int
run_pg(const char *conninfo, double secs, long max)
{
	PGconn *c = PQconnectdb(conninfo);
	char code[64], at[32];
	const char *vals[3];
	double t0, t;
	long n = 0;

	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "ceiling_insert: pg connect: %s", PQerrorMessage(c));
		return 1;
	}
	if (!pg_ok(c, PQexec(c, "SET synchronous_commit = on"), "set") ||
	    !pg_ok(c, PQexec(c, "SET client_min_messages = warning"), "set") ||
	    !pg_ok(c, PQexec(c, "DROP TABLE IF EXISTS ceiling"), "drop") ||
	    !pg_ok(c, PQexec(c, "CREATE TABLE ceiling(id bigserial PRIMARY KEY,"
	    " code text NOT NULL, body text NOT NULL, at bigint NOT NULL)"), "create") ||
	    !pg_ok(c, PQexec(c, "CREATE INDEX ceiling_code ON ceiling(code)"), "index") ||
	    !pg_ok(c, PQprepare(c, "ins", "INSERT INTO ceiling(code, body, at) "
	    "VALUES ($1, $2, $3)", 3, NULL), "prepare"))
		return 1;
	t0 = now_s();
	do {
		row_code(code, sizeof(code), n);
		snprintf(at, sizeof(at), "%lld", (long long)time(NULL));
		vals[0] = code;
		vals[1] = body;
		vals[2] = at;
		if (!pg_ok(c, PQexec(c, "BEGIN"), "begin") ||
		    !pg_ok(c, PQexecPrepared(c, "ins", 3, vals, NULL, NULL, 0), "insert") ||
		    !pg_ok(c, PQexec(c, "COMMIT"), "commit"))
			return 1;
		n++;
		t = now_s() - t0;
	} while (t < secs && n < max);
	printf("CEILING backend=pg rows=%ld seconds=%.3f rate=%.1f\n", n, t, (double)n / t);
	PQfinish(c);
	return 0;
}

int
main(int argc, char **argv)
{
	double secs = argc > 3 ? atof(argv[3]) : 3.0;
	long max = argc > 4 ? atol(argv[4]) : 1000000;

	if (argc < 3 || secs <= 0 || max <= 0) {
		fprintf(stderr, "usage: ceiling_insert sqlite PATH|pg CONNINFO [SECONDS [MAX_ROWS]]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(argv[1], "sqlite") == 0)
		return run_sqlite(argv[2], secs, max);
	if (strcmp(argv[1], "pg") == 0)
		return run_pg(argv[2], secs, max);
	fprintf(stderr, "ceiling_insert: unknown backend %s\n", argv[1]);
	return 2;
}
