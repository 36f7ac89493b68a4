/*
 * Storage tests on SQLite, and on PostgreSQL when MOTCUA_TEST_DB=pg (the
 * CTest "pg" fixture provides a throw-away cluster in MOTCUA_PG_DIR):
 * placeholder rewriting, migrations, every statement of the table executed,
 * error mapping, and — with both — that the two dialects' migrations give
 * the same tables and columns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "core/config.h"
#include "core/core.h"
#include "db/db.h"
#include "db/db_int.h"

static char tmpdir[] = "/tmp/motcua-db-XXXXXX";
static char sqlite_url[256];
static char pg_url[512];

static int
want_pg(void)
{
	const char *b = getenv("MOTCUA_TEST_DB");

	return b != NULL && strcmp(b, "pg") == 0;
}

/* A fresh PostgreSQL database from scripts/pg-test.sh, or "" if none. */
static void
pg_fresh(char *out, size_t n, const char *name)
{
	const char *dir = getenv("MOTCUA_PG_DIR"), *src = getenv("MOTCUA_SOURCE_DIR");
	char cmd[1024];
	FILE *p;

	out[0] = '\0';
	if (dir == NULL || src == NULL)
		return;
	snprintf(cmd, sizeof(cmd), "'%s/scripts/pg-test.sh' url '%s' '%s_%d'", src, dir,
	    name, (int)getpid());
	if ((p = popen(cmd, "r")) == NULL)
		return;
	if (fgets(out, (int)n, p) == NULL)
		out[0] = '\0';
	pclose(p);
	out[strcspn(out, "\n")] = '\0';
}

static int
setup(void **state)
{
	(void)state;
	config_defaults();
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(sqlite_url, sizeof(sqlite_url), "sqlite:%s/t.db", tmpdir);
	if (want_pg()) {
		pg_fresh(pg_url, sizeof(pg_url), "unit_db");
		if (pg_url[0] == '\0')
			return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *
backend_url(void)
{
	return want_pg() ? pg_url : sqlite_url;
}

static void
test_placeholders(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "SELECT 1", "SELECT 1" },
		{ "SELECT $1, $2", "SELECT ?1, ?2" },
		{ "WHERE a = $10 AND b = '$1'", "WHERE a = ?10 AND b = '$1'" },
		{ "SELECT \"$1\" FROM t WHERE x = $3", "SELECT \"$1\" FROM t WHERE x = ?3" },
		{ "SELECT $ FROM t", "SELECT $ FROM t" },
		{ "SELECT 'it''s $2' , $2", "SELECT 'it''s $2' , ?2" },
	};
	char out[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(db_rewrite_placeholders(cases[i].in, out, sizeof(out)), 0);
		assert_string_equal(out, cases[i].out);
	}
	assert_int_equal(db_rewrite_placeholders("SELECT 'open", out, sizeof(out)), -1);
	assert_int_equal(db_rewrite_placeholders("SELECT 123456789", out, 8), -1);
}

static void
test_bad_urls(void **state)
{
	const char *err;

	(void)state;
	assert_null(db_open("", &err));
	assert_non_null(err);
	assert_null(db_open("mysql://x", &err));
	assert_null(db_open("sqlite:", &err));
	assert_null(db_open(NULL, &err));
}

static void
test_url_redaction(void **state)
{
	const char *err;
	struct db *db = db_open("postgresql://u:secret@db.example/motcua", &err);

	(void)state;
	assert_non_null(db);
	assert_null(strstr(db_url_safe(db), "secret"));
	assert_non_null(strstr(db_url_safe(db), "db.example/motcua"));
	db_close(db);
}

/* Highest $N in a statement. */
static int
stmt_nparams(const char *sql)
{
	int max = 0;

	for (const char *p = sql; *p != '\0'; p++)
		if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
			int n = (int)strtol(p + 1, NULL, 10);

			if (n > max)
				max = n;
		}
	return max;
}

static void
test_migrate_and_every_statement(void **state)
{
	struct db_param zeros[64], nulls[64];
	const char *err;
	struct db *db;
	struct db_conn *c;

	(void)state;
	db = db_open(backend_url(), &err);
	assert_non_null(db);
	/* Before migrating, the statement table cannot prepare. */
	assert_null(db_conn_new(db));
	assert_int_equal(db_migrate(db), 0);
	assert_int_equal(db_migrate(db), 0); /* idempotent */
	c = db_conn(db);
	assert_non_null(c);
	assert_ptr_equal(db_conn(db), c); /* one per thread */
	for (size_t i = 0; i < 64; i++) {
		zeros[i] = DB_INT(0);
		nulls[i] = DB_NULL;
	}
	/* Every statement runs on this backend, with all arguments 0 (which
	 * fits integer and text parameters alike) or, failing that, NULL (which
	 * SQLite refuses for LIMIT).  Constraint failures are fine, SQL errors
	 * are not.  Each in its own transaction, rolled back. */
	for (int id = 0; id < STMT__MAX; id++) {
		int np = stmt_nparams(db_stmt_sql(id));
		enum db_rc rc = DB_ERROR;

		for (int pass = 0; pass < 2 && rc == DB_ERROR; pass++) {
			struct db_res *res = NULL;

			assert_int_equal(db_begin(c), DB_OK);
			rc = db_exec(c, id, pass ? nulls : zeros, (size_t)np, &res);
			if (rc == DB_OK) {
				while (db_res_next(res) == 1)
					;
				rc = db_res_rc(res);
				db_res_free(res);
			}
			db_rollback(c);
		}
		if (rc != DB_OK && rc != DB_CONSTRAINT && rc != DB_NOTFOUND) {
			db_close(db);
			fail_msg("statement %s failed: %s", db_stmt_name(id), db_rc_name(rc));
		}
	}
	db_close(db);
}

static void
test_roundtrip_and_errors(void **state)
{
	const char *err;
	struct db *db = db_open(backend_url(), &err);
	struct db_conn *c;
	struct db_res *res;
	int64_t v = 0;

	(void)state;
	assert_int_equal(db_migrate(db), 0);
	c = db_conn_new(db);
	assert_non_null(c);
	assert_int_equal(db_scalar_int(c, STMT_PING, NULL, 0, &v), DB_OK);
	assert_int_equal(v, 1);

	assert_int_equal(db_begin(c), DB_OK);
	assert_int_equal(db_begin(c), DB_ERROR); /* no nesting */
	assert_int_equal(db_exec(c, STMT_SETTING_PUT, (struct db_param[]){
	    DB_TEXT("tỉnh"), DB_TEXT("Đồng Nai"), DB_INT(1764472500) }, 3, NULL), DB_OK);
	assert_int_equal(db_changes(c), 1);
	assert_int_equal(db_commit(c), DB_OK);

	/* Upsert changes the row, not the count. */
	assert_int_equal(db_exec(c, STMT_SETTING_PUT, (struct db_param[]){
	    DB_TEXT("tỉnh"), DB_TEXT("Đồng Nai (H19)"), DB_INT(1764472600) }, 3, NULL), DB_OK);
	assert_int_equal(db_exec(c, STMT_SETTING_GET, (struct db_param[]){ DB_TEXT("tỉnh") },
	    1, &res), DB_OK);
	assert_int_equal(db_res_next(res), 1);
	assert_string_equal(db_res_text(res, 0), "Đồng Nai (H19)");
	assert_int_equal(db_res_int(res, 1), 1764472600);
	assert_false(db_res_isnull(res, 0));
	assert_int_equal(db_res_ncols(res), 2);
	assert_int_equal(db_res_next(res), 0);
	db_res_free(res);

	/* A rolled-back write leaves nothing. */
	assert_int_equal(db_begin(c), DB_OK);
	assert_int_equal(db_exec(c, STMT_SETTING_PUT, (struct db_param[]){
	    DB_TEXT("tạm"), DB_TEXT("x"), DB_INT(1) }, 3, NULL), DB_OK);
	db_rollback(c);
	assert_int_equal(db_exec(c, STMT_SETTING_GET, (struct db_param[]){ DB_TEXT("tạm") },
	    1, &res), DB_OK);
	assert_int_equal(db_res_next(res), 0);
	db_res_free(res);

	/* NOT NULL violated → DB_CONSTRAINT, nothing written. */
	assert_int_equal(db_exec(c, STMT_SETTING_PUT, (struct db_param[]){
	    DB_TEXT("k"), DB_NULL, DB_INT(1) }, 3, NULL), DB_CONSTRAINT);
	assert_int_equal(db_scalar_int(c, STMT_SETTING_GET, (struct db_param[]){ DB_TEXT("k") },
	    1, &v), DB_NOTFOUND);
	db_rollback(NULL);
	db_conn_free(c);
	db_conn_free(NULL);
	db_close(db);
	db_close(NULL);
}

/* PostgreSQL: a connection whose server went away (restart, failover) comes
 * back, with its session settings and prepared statements: the statement
 * that found it broken fails, the next one works.  Before, every statement
 * after a restart failed with "prepared statement does not exist". */
static void
test_pg_reconnect(void **state)
{
	const char *err;
	struct db *db;
	struct db_conn *c;
	PGconn *k;
	PGresult *r;
	int64_t v = 0;
	char name[16];

	(void)state;
	if (!want_pg())
		skip();
	assert_non_null(db = db_open(backend_url(), &err));
	assert_int_equal(db_migrate(db), 0);
	assert_non_null(c = db_conn_new(db));
	assert_int_equal(db_scalar_int(c, STMT_PING, NULL, 0, &v), DB_OK);
	/* Another session ends this one's backend and waits until it is gone. */
	k = PQconnectdb(pg_url);
	assert_int_equal(PQstatus(k), CONNECTION_OK);
	r = PQexec(k, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
	    "datname = current_database() AND pid <> pg_backend_pid() AND backend_type = "
	    "'client backend'");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_true(PQntuples(r) >= 1);
	PQclear(r);
	for (int i = 0; i < 250; i++) { /* bounded: 5 s */
		int left;

		r = PQexec(k, "SELECT count(*) FROM pg_stat_activity WHERE datname = "
		    "current_database() AND pid <> pg_backend_pid() AND backend_type = "
		    "'client backend'");
		left = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		if (left == 0)
			break;
		usleep(20000);
	}
	assert_int_equal(db_scalar_int(c, STMT_PING, NULL, 0, &v), DB_ERROR);
	/* The next statements, prepared ones and a transaction, work. */
	v = 0;
	assert_int_equal(db_scalar_int(c, STMT_PING, NULL, 0, &v), DB_OK);
	assert_int_equal(v, 1);
	assert_int_equal(db_begin(c), DB_OK);
	assert_int_equal(db_exec(c, STMT_SETTING_PUT, (struct db_param[]){
	    DB_TEXT("sau khi kết nối lại"), DB_TEXT("có"), DB_INT(1764472500) }, 3, NULL), DB_OK);
	assert_int_equal(db_commit(c), DB_OK);
	/* The new session prepares each statement at its first use. */
	assert_int_equal(db_scalar_int(c, STMT_SETTING_GET, (struct db_param[]){
	    DB_TEXT("sau khi kết nối lại") }, 1, &v), DB_OK);
	/* A session that lost a prepared statement otherwise prepares it
	 * again after the statement that found out. */
	snprintf(name, sizeof(name), "DEALLOCATE s%d", (int)STMT_SETTING_GET);
	assert_int_equal(db_script(c, name), DB_OK);
	assert_int_equal(db_scalar_int(c, STMT_SETTING_GET, (struct db_param[]){
	    DB_TEXT("sau khi kết nối lại") }, 1, &v), DB_ERROR);
	assert_int_equal(db_scalar_int(c, STMT_PING, NULL, 0, &v), DB_OK);
	assert_int_equal(db_exec(c, STMT_SETTING_GET, (struct db_param[]){
	    DB_TEXT("sau khi kết nối lại") }, 1, NULL), DB_OK);
	PQfinish(k);
	db_conn_free(c);
	db_close(db);
}

/* Which database servers share this machine's CPUs (the worker count
 * depends on it, main.c). */
static void
test_server_local(void **state)
{
	const char *err;
	struct db *db;
	struct db_conn *c;

	(void)state;
	assert_true(dbpg_host_local(NULL));
	assert_true(dbpg_host_local("/var/run/postgresql"));
	assert_true(dbpg_host_local("@abstract"));
	assert_true(dbpg_host_local("localhost"));
	assert_true(dbpg_host_local("127.0.0.1"));
	assert_true(dbpg_host_local("::1"));
	assert_false(dbpg_host_local("db.tinh.gov.vn"));
	assert_false(dbpg_host_local("10.0.0.5"));
	assert_false(dbpg_host_local("127db.example"));
	assert_false(db_server_local(NULL));
	/* This test's database: a SQLite file, or the throw-away cluster on a
	 * Unix socket. */
	assert_non_null(db = db_open(backend_url(), &err));
	assert_int_equal(db_migrate(db), 0);
	assert_non_null(c = db_conn_new(db));
	assert_true(db_server_local(c));
	db_conn_free(c);
	db_close(db);
}

/* The two dialects' migrations must give the same tables and columns. */
static void
test_dialects_agree(void **state)
{
	char other[512];
	const char *urls[2], *err;
	struct buf dump[2];

	(void)state;
	if (!want_pg())
		skip();
	pg_fresh(other, sizeof(other), "unit_schema");
	assert_true(other[0] != '\0');
	urls[0] = sqlite_url;
	urls[1] = other;
	for (int i = 0; i < 2; i++) {
		struct db *db = db_open(urls[i], &err);
		struct db_conn *c;

		assert_non_null(db);
		assert_int_equal(db_migrate(db), 0);
		c = db_conn_new(db);
		assert_non_null(c);
		buf_init(&dump[i], 1 << 20);
		assert_int_equal(db_schema(c, &dump[i]), DB_OK);
		db_conn_free(c);
		db_close(db);
	}
	assert_non_null(strstr(dump[0].data, "settings.key text not null"));
	assert_non_null(strstr(dump[0].data, "schema_migrations.version integer not null"));
	assert_string_equal(dump[0].data, dump[1].data);
	buf_free(&dump[0]);
	buf_free(&dump[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placeholders),
		cmocka_unit_test(test_bad_urls),
		cmocka_unit_test(test_url_redaction),
		cmocka_unit_test(test_migrate_and_every_statement),
		cmocka_unit_test(test_roundtrip_and_errors),
		cmocka_unit_test(test_dialects_agree),
		cmocka_unit_test(test_pg_reconnect),
		cmocka_unit_test(test_server_local),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
