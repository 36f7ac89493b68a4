/*
 * Group commit (src/db/group.c) on SQLite, and on PostgreSQL when
 * MOTCUA_TEST_DB=pg: units run in submission order inside one transaction,
 * a failing unit is rolled back alone, a unit that breaks the transaction
 * costs only itself (the others are re-run one by one), cancel takes back
 * only what has not started, and stop runs everything queued before it
 * returns while refusing new work.
 *
 * Batches are made deterministic without timing: the first unit blocks in
 * a gate until the test has queued the others, so they all wait for the
 * next transaction together.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/core.h"
#include "audit/audit.h"
#include "db/db.h"

static char tmpdir[] = "/tmp/motcua-group-XXXXXX";
static char url[512];
static int nth_db;

static int
want_pg(void)
{
	const char *b = getenv("MOTCUA_TEST_DB");

	return b != NULL && strcmp(b, "pg") == 0;
}

/* A fresh, migrated database for each test. */
static struct db *
fresh_db(void)
{
	const char *err;
	struct db *db;

	nth_db++;
	if (want_pg()) {
		const char *dir = getenv("MOTCUA_PG_DIR"), *src = getenv("MOTCUA_SOURCE_DIR");
		char cmd[1024];
		FILE *p;

		assert_non_null(dir);
		assert_non_null(src);
		snprintf(cmd, sizeof(cmd), "'%s/scripts/pg-test.sh' url '%s' 'unit_group_%d_%d'", src,
		    dir, (int)getpid(), nth_db);
		assert_non_null(p = popen(cmd, "r"));
		assert_non_null(fgets(url, sizeof(url), p));
		pclose(p);
		url[strcspn(url, "\n")] = '\0';
	} else
		snprintf(url, sizeof(url), "sqlite:%s/t%d.db", tmpdir, nth_db);
	db = db_open(url, &err);
	assert_non_null(db);
	assert_int_equal(db_migrate(db), 0);
	return db;
}

/* ---- units --------------------------------------------------------------- */

/* The gate the first unit waits in. */
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_running, gate_open;

enum unit_kind { U_GOOD, U_FAIL, U_SQL_ERROR, U_BREAK, U_GATE, U_READBACK, U_LATE_ERROR, U_NOT_ONE,
	U_AUDIT, U_AUDIT_FAIL };

struct unit {
	struct db_unit u;
	enum unit_kind kind;
	char key[32];
	int64_t seen; /* the counter value this unit read */
	int runs; /* times run() was called */
	int dones; /* times done() was called */
	enum db_rc rc; /* what done() said */
	int done_order; /* 1-based position among done() calls */
	int64_t changes; /* U_READBACK: db_changes after its writes */
	int read_own; /* U_READBACK: its own key read back inside the unit */
};

static pthread_mutex_t done_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;
static int ndone;

/* Read "seq", write seq + 1 and the unit's own key. */
static enum db_rc
unit_write(struct db_conn *c, struct unit *x)
{
	struct db_res *res = NULL;
	char v[32];
	enum db_rc rc;

	x->seen = 0;
	if ((rc = db_exec(c, STMT_SETTING_GET, (struct db_param[]){ DB_TEXT("seq") }, 1, &res)) !=
	    DB_OK)
		return rc;
	if (db_res_next(res) == 1)
		x->seen = strtoll(db_res_text(res, 0), NULL, 10);
	db_res_free(res);
	snprintf(v, sizeof(v), "%lld", (long long)x->seen + 1);
	if ((rc = db_exec(c, STMT_SETTING_PUT, (struct db_param[]){ DB_TEXT("seq"), DB_TEXT(v),
	    DB_INT(1) }, 3, NULL)) != DB_OK)
		return rc;
	return db_exec(c, STMT_SETTING_PUT, (struct db_param[]){ DB_TEXT(x->key), DB_TEXT("1"),
	    DB_INT(1) }, 3, NULL);
}

static enum db_rc
unit_run(struct db_conn *c, void *arg)
{
	struct unit *x = arg;
	enum db_rc rc;

	x->runs++;
	switch (x->kind) {
	case U_GATE:
		pthread_mutex_lock(&gate_mu);
		gate_running = 1;
		pthread_cond_broadcast(&gate_cv);
		while (!gate_open)
			pthread_cond_wait(&gate_cv, &gate_mu);
		pthread_mutex_unlock(&gate_mu);
		return unit_write(c, x);
	case U_GOOD:
		return unit_write(c, x);
	case U_FAIL:
		/* Writes, then a guard says no: everything it wrote must go. */
		if ((rc = unit_write(c, x)) != DB_OK)
			return rc;
		return DB_CONFLICT;
	case U_SQL_ERROR:
		/* A statement the database refuses (NOT NULL): on PostgreSQL this
		 * aborts the transaction until ROLLBACK TO SAVEPOINT. */
		if ((rc = unit_write(c, x)) != DB_OK)
			return rc;
		return db_exec(c, STMT_SETTING_PUT, (struct db_param[]){ DB_TEXT("x"), DB_NULL,
		    DB_INT(1) }, 3, NULL);
	case U_READBACK: {
		/* On PostgreSQL the writes are pipelined (sent, not waited for):
		 * db_changes and a read must still see them. */
		struct db_res *res = NULL;

		if ((rc = unit_write(c, x)) != DB_OK)
			return rc;
		x->changes = db_changes(c);
		if ((rc = db_exec(c, STMT_SETTING_GET, (struct db_param[]){ DB_TEXT(x->key) }, 1,
		    &res)) != DB_OK)
			return rc;
		x->read_own = db_res_next(res) == 1 && strcmp(db_res_text(res, 0), "1") == 0;
		db_res_free(res);
		return DB_OK;
	}
	case U_LATE_ERROR: {
		/* A refused write whose error (pipelined on PostgreSQL) comes back
		 * only at the next read: the unit fails there, alone. */
		struct db_res *res = NULL;

		if ((rc = unit_write(c, x)) != DB_OK)
			return rc;
		if ((rc = db_exec(c, STMT_SETTING_PUT, (struct db_param[]){ DB_TEXT("x"), DB_NULL,
		    DB_INT(1) }, 3, NULL)) != DB_OK)
			return rc; /* SQLite: at once */
		rc = db_exec(c, STMT_SETTING_GET, (struct db_param[]){ DB_TEXT(x->key) }, 1, &res);
		db_res_free(res);
		return rc;
	}
	case U_NOT_ONE: {
		/* db_exec_one on a statement that changes no row: DB_CONFLICT, at
		 * once or (pipelined) at the next read. */
		struct db_res *res = NULL;

		if ((rc = unit_write(c, x)) != DB_OK)
			return rc;
		if ((rc = db_exec_one(c, STMT_AUDIT_HEAD_SET, (struct db_param[]){ DB_TEXT("x"),
		    DB_INT(-1) }, 2)) != DB_OK)
			return rc;
		rc = db_exec(c, STMT_SETTING_GET, (struct db_param[]){ DB_TEXT(x->key) }, 1, &res);
		db_res_free(res);
		return rc;
	}
	case U_AUDIT:
	case U_AUDIT_FAIL: {
		/* Two audit entries, as a state change with an outcome writes:
		 * after the batch's first unit the chain's head is known to the
		 * writer (audit_append), also across a neighbour rolled back to
		 * its savepoint after its own appends. */
		struct audit_entry e = { .actor = "test", .action = "test.unit", .object = x->key,
			.request_id = "" };

		if ((rc = unit_write(c, x)) != DB_OK || (rc = audit_append(c, &e, NULL)) != DB_OK ||
		    (rc = audit_append(c, &e, NULL)) != DB_OK)
			return rc;
		return x->kind == U_AUDIT_FAIL ? DB_CONFLICT : DB_OK;
	}
	case U_BREAK:
		/* A misbehaving unit that ends the shared transaction. */
		(void)unit_write(c, x);
		db_rollback(c);
		return DB_OK;
	}
	return DB_ERROR;
}

static void
unit_done(void *arg, enum db_rc rc)
{
	struct unit *x = arg;

	pthread_mutex_lock(&done_mu);
	x->dones++;
	x->rc = rc;
	x->done_order = ++ndone;
	pthread_cond_broadcast(&done_cv);
	pthread_mutex_unlock(&done_mu);
}

static void
unit_init(struct unit *x, enum unit_kind kind, int i)
{
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	snprintf(x->key, sizeof(x->key), "unit-%d", i);
	x->u.run = unit_run;
	x->u.done = unit_done;
	x->u.arg = x;
}

static void
reset_counters(void)
{
	pthread_mutex_lock(&gate_mu);
	gate_running = gate_open = 0;
	pthread_mutex_unlock(&gate_mu);
	pthread_mutex_lock(&done_mu);
	ndone = 0;
	pthread_mutex_unlock(&done_mu);
}

static void
wait_gate_running(void)
{
	pthread_mutex_lock(&gate_mu);
	while (!gate_running)
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
}

static void
open_gate(void)
{
	pthread_mutex_lock(&gate_mu);
	gate_open = 1;
	pthread_cond_broadcast(&gate_cv);
	pthread_mutex_unlock(&gate_mu);
}

static void
wait_done(int n)
{
	pthread_mutex_lock(&done_mu);
	while (ndone < n)
		pthread_cond_wait(&done_cv, &done_mu);
	pthread_mutex_unlock(&done_mu);
}

/* u[0] blocks in the gate while u[1..n-1], of the kinds kind(i) names,
 * queue behind it; then the gate opens and all n are waited for, so the
 * n - 1 run together in the next transaction. */
static void
run_batch(struct db_group *g, struct unit *u, int n, enum unit_kind (*kind)(int))
{
	reset_counters();
	unit_init(&u[0], U_GATE, 0);
	assert_int_equal(db_group_submit(g, &u[0].u), 0);
	wait_gate_running();
	for (int i = 1; i < n; i++) {
		unit_init(&u[i], kind(i), i);
		assert_int_equal(db_group_submit(g, &u[i].u), 0);
	}
	open_gate();
	wait_done(n);
}

static enum unit_kind
kind_good(int i)
{
	(void)i;
	return U_GOOD;
}

static enum unit_kind
kind_some_fail(int i)
{
	return i == 3 ? U_FAIL : i == 6 ? U_SQL_ERROR : U_GOOD;
}

static enum unit_kind
kind_pipelined(int i)
{
	static const enum unit_kind k[] = { U_GATE, U_READBACK, U_LATE_ERROR, U_GOOD, U_NOT_ONE };

	return k[i];
}

static enum unit_kind
kind_one_breaks(int i)
{
	return i == 2 ? U_BREAK : U_GOOD;
}

/* Failures first, in the middle, twice in a row and last (of 12). */
static enum unit_kind
kind_audit(int i)
{
	return i == 1 || i == 5 || i == 8 || i == 9 || i == 11 ? U_AUDIT_FAIL : U_AUDIT;
}

/* 1 if key is stored (read on a connection of its own: committed data). */
static int
stored(struct db_conn *c, const char *key)
{
	struct db_res *res = NULL;
	int k;

	assert_int_equal(db_exec(c, STMT_SETTING_GET, (struct db_param[]){ DB_TEXT(key) }, 1,
	    &res), DB_OK);
	k = db_res_next(res);
	db_res_free(res);
	assert_true(k >= 0);
	return k;
}

/* ---- tests --------------------------------------------------------------- */

enum { N = 40 };

static void
test_order_and_one_commit(void **state)
{
	struct db *db = fresh_db();
	struct db_group_opts o = { 1000, 0 };
	struct db_group *g = db_group_start(db, &o);
	struct db_group_stats st;
	struct unit *u = calloc(N, sizeof(*u));
	struct db_conn *c;

	(void)state;
	assert_non_null(g);
	assert_non_null(u);
	run_batch(g, u, N, kind_good);
	c = db_conn_new(db);
	for (int i = 0; i < N; i++) {
		assert_int_equal(u[i].dones, 1);
		assert_int_equal(u[i].runs, 1);
		assert_int_equal(u[i].rc, DB_OK);
		/* Submission order is execution order and notification order. */
		assert_int_equal(u[i].seen, i);
		assert_int_equal(u[i].done_order, i + 1);
		assert_int_equal(stored(c, u[i].key), 1);
	}
	db_group_stats(g, &st);
	assert_int_equal(st.batches, 2); /* the gate's unit, then all the others at once */
	assert_int_equal(st.units, N);
	assert_int_equal(st.largest, N - 1);
	assert_int_equal(st.failed, 0);
	/* The blocking helper shares the same writer. */
	{
		struct unit one;

		unit_init(&one, U_GOOD, 1000);
		assert_int_equal(db_group_run(g, unit_run, &one), DB_OK);
		assert_int_equal(one.seen, N);
		assert_int_equal(stored(c, "unit-1000"), 1);
	}
	db_conn_free(c);
	db_group_stop(g);
	free(u);
	db_close(db);
}

static void
test_failing_units_roll_back_alone(void **state)
{
	struct db *db = fresh_db();
	struct db_group_opts o = { 1000, 0 };
	struct db_group *g = db_group_start(db, &o);
	struct db_group_stats st;
	struct unit u[10];
	struct db_conn *c;
	int64_t expect = 1;

	(void)state;
	assert_non_null(g);
	run_batch(g, u, 10, kind_some_fail);
	c = db_conn_new(db);
	for (int i = 1; i < 10; i++) {
		assert_int_equal(u[i].runs, 1);
		assert_int_equal(u[i].dones, 1);
		if (i == 3) {
			assert_int_equal(u[i].rc, DB_CONFLICT);
			assert_int_equal(stored(c, u[i].key), 0);
		} else if (i == 6) {
			assert_int_equal(u[i].rc, DB_CONSTRAINT);
			assert_int_equal(stored(c, u[i].key), 0);
		} else {
			assert_int_equal(u[i].rc, DB_OK);
			assert_int_equal(stored(c, u[i].key), 1);
			/* Each good unit saw the counter the failed ones gave back. */
			assert_int_equal(u[i].seen, expect);
			expect++;
		}
	}
	db_group_stats(g, &st);
	assert_int_equal(st.batches, 2);
	assert_int_equal(st.units, 8);
	assert_int_equal(st.failed, 2);
	assert_int_equal(st.retried, 0);
	db_conn_free(c);
	db_group_stop(g);
	db_close(db);
}

/* Reads inside a unit see its own writes, and a refused write fails its
 * unit even when its error is only known at a later statement (PostgreSQL's
 * pipeline mode on the writer); the units around it are unaffected. */
static void
test_pipelined_writes(void **state)
{
	struct db *db = fresh_db();
	struct db_group_opts o = { 1000, 0 };
	struct db_group *g = db_group_start(db, &o);
	struct db_group_stats st;
	struct unit u[5];
	struct db_conn *c;

	(void)state;
	assert_non_null(g);
	run_batch(g, u, 5, kind_pipelined);
	c = db_conn_new(db);
	assert_int_equal(u[1].rc, DB_OK);
	assert_int_equal(u[1].changes, 1);
	assert_int_equal(u[1].read_own, 1);
	assert_int_equal(stored(c, u[1].key), 1);
	assert_int_equal(u[2].rc, DB_CONSTRAINT);
	assert_int_equal(stored(c, u[2].key), 0);
	assert_int_equal(u[3].rc, DB_OK);
	assert_int_equal(stored(c, u[3].key), 1);
	/* u[2]'s counter increment was given back. */
	assert_int_equal(u[3].seen, u[1].seen + 1);
	assert_int_equal(u[4].rc, DB_CONFLICT);
	assert_int_equal(stored(c, u[4].key), 0);
	db_group_stats(g, &st);
	assert_int_equal(st.batches, 2);
	assert_int_equal(st.failed, 2);
	assert_int_equal(st.retried, 0);
	db_conn_free(c);
	db_group_stop(g);
	db_close(db);
}

static void
test_broken_transaction_costs_one_unit(void **state)
{
	struct db *db = fresh_db();
	struct db_group_opts o = { 1000, 0 };
	struct db_group *g = db_group_start(db, &o);
	struct db_group_stats st;
	struct unit u[6];
	struct db_conn *c;

	(void)state;
	assert_non_null(g);
	run_batch(g, u, 6, kind_one_breaks);
	c = db_conn_new(db);
	for (int i = 1; i < 6; i++) {
		assert_int_equal(u[i].dones, 1);
		if (i == 2) {
			assert_int_not_equal(u[i].rc, DB_OK);
			assert_int_equal(stored(c, u[i].key), 0);
		} else {
			assert_int_equal(u[i].rc, DB_OK);
			assert_int_equal(stored(c, u[i].key), 1);
		}
	}
	/* Units 1 and 2 ran in the broken batch, then alone; 3-5 only alone
	 * (the batch stopped at the break). */
	assert_int_equal(u[1].runs, 2);
	assert_int_equal(u[2].runs, 2);
	assert_int_equal(u[3].runs, 1);
	db_group_stats(g, &st);
	assert_int_equal(st.retried, 1);
	assert_int_equal(st.units, 5);
	assert_int_equal(st.failed, 1);
	db_conn_free(c);
	db_group_stop(g);
	db_close(db);
}

struct stopper {
	struct db_group *g;
};

static void *
stopper_main(void *arg)
{
	struct stopper *s = arg;

	db_group_stop(s->g);
	return NULL;
}

/* The audit chain written by the units of one batch: every kept unit's
 * two entries, in order, none of a unit rolled back, the chain intact
 * (audit_verify), and the next transaction continues it. */
static void
test_audit_chain_in_a_batch(void **state)
{
	enum { NA = 12 };
	struct db *db = fresh_db();
	struct db_group_opts o = { 1000, 0 };
	struct db_group *g = db_group_start(db, &o);
	struct db_group_stats st;
	struct unit u[NA], one;
	struct db_conn *c;
	int64_t n = -1, bad = -1, kept = 0;
	char why[256];

	(void)state;
	assert_non_null(g);
	run_batch(g, u, NA, kind_audit);
	for (int i = 1; i < NA; i++) {
		assert_int_equal(u[i].rc, u[i].kind == U_AUDIT ? DB_OK : DB_CONFLICT);
		assert_int_equal(u[i].runs, 1);
		kept += u[i].kind == U_AUDIT ? 2 : 0;
	}
	/* One transaction for all eleven (largest counts the committed). */
	db_group_stats(g, &st);
	assert_int_equal(st.batches, 2);
	assert_int_equal(st.largest, kept / 2);
	assert_int_equal(st.retried, 0);
	unit_init(&one, U_AUDIT, 100);
	assert_int_equal(db_group_run(g, unit_run, &one), DB_OK);
	kept += 2;
	assert_non_null(c = db_conn_new(db));
	assert_int_equal(audit_verify(c, &n, &bad, why, sizeof(why)), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(n, kept);
	db_conn_free(c);
	db_group_stop(g);
	db_close(db);
}

static void
test_cancel_and_stop_with_queued_work(void **state)
{
	enum { QUEUED = 20, EXTRA = 10000 };
	struct db *db = fresh_db();
	struct db_group_opts o = { 4, 0 }; /* several batches to drain */
	struct db_group *g = db_group_start(db, &o);
	struct unit *u = calloc(1 + QUEUED + EXTRA, sizeof(*u)), late;
	struct stopper sp = { g };
	pthread_t t;
	struct db_conn *c;
	int nextra = 0, total;

	(void)state;
	assert_non_null(g);
	assert_non_null(u);
	reset_counters();
	unit_init(&u[0], U_GATE, 0);
	assert_int_equal(db_group_submit(g, &u[0].u), 0);
	wait_gate_running();
	for (int i = 1; i <= QUEUED; i++) {
		unit_init(&u[i], U_GOOD, i);
		assert_int_equal(db_group_submit(g, &u[i].u), 0);
	}
	/* Too late for the running one; in time for a queued one. */
	assert_int_equal(db_group_cancel(g, &u[0].u), -1);
	assert_int_equal(db_group_cancel(g, &u[5].u), 0);
	assert_int_equal(db_group_cancel(g, &u[5].u), -1); /* not queued any more */
	/* Stop while the writer is held in the gate and work is queued.  Until
	 * the stop is seen, new work is still accepted (and must run). */
	assert_int_equal(pthread_create(&t, NULL, stopper_main, &sp), 0);
	for (;;) {
		struct unit *x = &u[1 + QUEUED + nextra];

		assert_true(nextra < EXTRA);
		unit_init(x, U_GOOD, 1 + QUEUED + nextra);
		if (db_group_submit(g, &x->u) == -1)
			break;
		nextra++;
		usleep(100);
	}
	unit_init(&late, U_GOOD, 99999);
	assert_int_equal(db_group_submit(g, &late.u), -1);
	open_gate();
	pthread_join(t, NULL); /* stop returns only when the queue is drained */
	total = 1 + QUEUED + nextra;
	c = db_conn_new(db);
	for (int i = 0; i < total; i++) {
		if (i == 5) {
			assert_int_equal(u[i].runs, 0);
			assert_int_equal(u[i].dones, 0);
			assert_int_equal(stored(c, u[i].key), 0);
			continue;
		}
		assert_int_equal(u[i].dones, 1);
		assert_int_equal(u[i].rc, DB_OK);
		assert_int_equal(stored(c, u[i].key), 1);
	}
	assert_int_equal(late.runs, 0);
	assert_int_equal(late.dones, 0);
	assert_int_equal(ndone, total - 1);
	db_conn_free(c);
	free(u);
	db_close(db);
}

static int
setup(void **state)
{
	(void)state;
	config_defaults();
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_one_commit),
		cmocka_unit_test(test_failing_units_roll_back_alone),
		cmocka_unit_test(test_pipelined_writes),
		cmocka_unit_test(test_broken_transaction_costs_one_unit),
		cmocka_unit_test(test_cancel_and_stop_with_queued_work),
		cmocka_unit_test(test_audit_chain_in_a_batch),
	};

	return cmocka_run_group_tests_name(want_pg() ? "pg" : "sqlite", tests, setup, teardown);
}
