/*
 * Group commit (see db.h): one writer thread per group, one transaction per
 * batch of queued units, one savepoint per unit.
 *
 * Why a writer thread rather than "the first waiter commits for the others"
 * (leader/follower): the HTTP workers must never block (a worker pool of 2
 * would cap a batch at 2), so the units are handed over and the answer
 * comes back by callback; a thread that owns the connection is then the
 * simplest owner of the transaction.  On SQLite it is also the only way to
 * share one fsync: a transaction belongs to one connection.
 *
 * Failure handling, in order of how final it is:
 *   - a unit's run() fails: ROLLBACK TO its savepoint; the batch goes on;
 *   - the transaction breaks before COMMIT (BEGIN, a savepoint statement
 *     fails, or the backend no longer reports an open transaction after a
 *     unit): ROLLBACK, nothing is stored, and every unit of the batch runs
 *     again in a transaction of its own, so one bad unit costs only itself;
 *   - COMMIT fails: its outcome may be unknown to us (a PostgreSQL
 *     connection lost mid-COMMIT), so nothing is retried: every unit gets
 *     the error, and the client retries with its idempotency key.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_int.h"

enum unit_state { UNIT_QUEUED = 1, UNIT_TAKEN };

struct db_group {
	struct db *db;
	unsigned max_batch, wait_us;
	pthread_mutex_t mu;
	pthread_cond_t more; /* a unit was queued, or stop was asked */
	struct db_unit *head, *tail; /* FIFO */
	size_t queued;
	int stopping;
	pthread_t thread;
	struct db_conn *c; /* the writer's own; only the writer touches it */
	struct db_group_stats st; /* under mu */
};

static void
group_deadline(struct timespec *ts, unsigned us)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_nsec += (long)(us % 1000000u) * 1000;
	ts->tv_sec += us / 1000000u;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_nsec -= 1000000000L;
		ts->tv_sec++;
	}
}

/* The writer's connection, (re)opened when missing. */
static struct db_conn *
group_conn(struct db_group *g)
{
	if (g->c == NULL && (g->c = db_conn_new(g->db)) == NULL)
		log_msg(LOG_ERROR, NULL, "db", "op=group msg=\"writer connection failed\"");
	/* PostgreSQL: the units' inserts go without a round trip each
	 * (db_int.h, pipeline mode); a connection that cannot is used as is. */
	if (g->c != NULL && !g->c->pipeline && db_pipeline(g->c) == -1)
		log_msg(LOG_WARN, NULL, "db", "op=group msg=\"no pipeline mode\"");
	return g->c;
}

static void
group_count(struct db_group *g, uint64_t committed, uint64_t failed, int retried)
{
	pthread_mutex_lock(&g->mu);
	if (committed > 0) {
		g->st.batches++;
		g->st.units += committed;
		if (committed > g->st.largest)
			g->st.largest = committed;
	}
	g->st.failed += failed;
	g->st.retried += retried ? 1 : 0;
	pthread_mutex_unlock(&g->mu);
}

/* Add the time since t0 to one of the stats (for /metrics: where the
 * writer's time goes). */
static void
group_time(struct db_group *g, uint64_t *slot, uint64_t t0)
{
	uint64_t dt = clock_mono_ns() - t0;

	pthread_mutex_lock(&g->mu);
	*slot += dt;
	pthread_mutex_unlock(&g->mu);
}

/* Tell every unit of the list its rc; a unit may be freed by its done. */
static void
group_notify(struct db_unit *list)
{
	while (list != NULL) {
		struct db_unit *u = list;

		list = u->next;
		u->next = NULL;
		u->state = 0;
		u->done(u->arg, u->rc);
	}
}

/* One transaction for the units of list (n of them).  Returns 1 when the
 * transaction broke before COMMIT (nothing stored; the caller re-runs the
 * units one by one), else 0 with every unit's rc set. */
static int
group_tx(struct db_group *g, struct db_unit *list, size_t n, enum db_rc *tx_rc)
{
	struct db_conn *c = group_conn(g);
	struct db_unit *u;
	uint64_t t_commit;
	enum db_rc rc;

	*tx_rc = DB_ERROR;
	if (c == NULL)
		return 0;
	if ((rc = db_begin(c)) != DB_OK) {
		*tx_rc = rc;
		/* BUSY: the lock is held elsewhere beyond busy_timeout; retrying
		 * alone would only wait again.  Anything else: a connection that
		 * cannot even begin is replaced before the next try. */
		if (rc != DB_BUSY) {
			db_conn_free(c);
			g->c = NULL;
		}
		return rc != DB_BUSY && n > 1;
	}
	for (u = list; u != NULL; u = u->next) {
		uint64_t t0;

		if ((rc = db_savepoint(c)) != DB_OK)
			goto broken;
		t0 = clock_mono_ns();
		u->rc = u->run(c, u->arg);
		/* RELEASE also collects what the unit sent and nobody read yet
		 * (PostgreSQL's pipeline mode): a write refused there — or a
		 * RELEASE refused — fails this unit alone, its savepoint still
		 * being there to roll back to. */
		if (u->rc == DB_OK && (rc = db_release(c)) != DB_OK)
			u->rc = rc;
		if (u->rc != DB_OK)
			rc = db_rollback_to(c);
		group_time(g, &g->st.run_ns, t0);
		if (rc != DB_OK || !db_in_tx(c))
			goto broken;
	}
	t_commit = clock_mono_ns();
	rc = db_commit(c);
	group_time(g, &g->st.commit_ns, t_commit);
	if (rc != DB_OK) {
		log_msg(LOG_ERROR, NULL, "db", "op=group_commit units=%zu rc=%s", n, db_rc_name(rc));
		*tx_rc = rc;
		return 0;
	}
	*tx_rc = DB_OK;
	return 0;
broken:
	*tx_rc = rc == DB_OK ? DB_ERROR : rc;
	/* Undo what is left; when the backend already ended the transaction
	 * (SQLite after some errors, a reset PostgreSQL connection) ROLLBACK
	 * would only fail. */
	if (db_in_tx(c) || (c->be == DB_PG && c->in_tx))
		db_rollback(c);
	c->in_tx = 0;
	return 1;
}

/* Run a batch; on a broken transaction, each unit again on its own. */
static void
group_batch(struct db_group *g, struct db_unit *list, size_t n)
{
	struct db_unit *u;
	enum db_rc tx_rc;
	uint64_t ok = 0, bad = 0;

	if (group_tx(g, list, n, &tx_rc) == 1 && n > 1) {
		log_msg(LOG_WARN, NULL, "db", "op=group units=%zu msg=\"transaction broke; "
		    "running the units one by one\"", n);
		group_count(g, 0, 0, 1);
		while (list != NULL) {
			u = list;
			list = u->next;
			u->next = NULL;
			group_batch(g, u, 1);
		}
		return;
	}
	for (u = list; u != NULL; u = u->next) {
		if (tx_rc != DB_OK && u->rc == DB_OK)
			u->rc = tx_rc;
		if (u->rc == DB_OK)
			ok++;
		else
			bad++;
	}
	group_count(g, ok, bad, 0);
	group_notify(list);
}

static void *
group_main(void *arg)
{
	struct db_group *g = arg;

	pthread_mutex_lock(&g->mu);
	for (;;) {
		struct db_unit *list, *last;
		size_t n;

		while (g->head == NULL && !g->stopping)
			pthread_cond_wait(&g->more, &g->mu);
		if (g->head == NULL)
			break; /* stopping and drained */
		if (g->queued < g->max_batch && g->wait_us > 0 && !g->stopping) {
			struct timespec until;

			group_deadline(&until, g->wait_us);
			while (g->queued < g->max_batch && !g->stopping)
				if (pthread_cond_timedwait(&g->more, &g->mu, &until) == ETIMEDOUT)
					break;
		}
		list = last = g->head;
		last->state = UNIT_TAKEN;
		for (n = 1; n < g->max_batch && last->next != NULL; n++) {
			last = last->next;
			last->state = UNIT_TAKEN;
		}
		g->head = last->next;
		if (g->head == NULL)
			g->tail = NULL;
		last->next = NULL;
		g->queued -= n;
		pthread_mutex_unlock(&g->mu);
		group_batch(g, list, n);
		pthread_mutex_lock(&g->mu);
	}
	pthread_mutex_unlock(&g->mu);
	db_conn_free(g->c);
	g->c = NULL;
	return NULL;
}

struct db_group *
db_group_start(struct db *db, const struct db_group_opts *o)
{
	struct db_group *g;
	pthread_condattr_t ca;

	if (db == NULL || o == NULL || o->max_batch < 1 || (g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->db = db;
	g->max_batch = o->max_batch;
	g->wait_us = o->wait_us;
	pthread_mutex_init(&g->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->more, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&g->thread, NULL, group_main, g) != 0) {
		pthread_cond_destroy(&g->more);
		pthread_mutex_destroy(&g->mu);
		free(g);
		return NULL;
	}
	return g;
}

int
db_group_submit(struct db_group *g, struct db_unit *u)
{
	if (g == NULL || u == NULL || u->run == NULL || u->done == NULL)
		return -1;
	pthread_mutex_lock(&g->mu);
	if (g->stopping) {
		pthread_mutex_unlock(&g->mu);
		return -1;
	}
	u->next = NULL;
	u->rc = DB_OK;
	u->state = UNIT_QUEUED;
	if (g->tail != NULL)
		g->tail->next = u;
	else
		g->head = u;
	g->tail = u;
	g->queued++;
	pthread_cond_signal(&g->more);
	pthread_mutex_unlock(&g->mu);
	return 0;
}

int
db_group_cancel(struct db_group *g, struct db_unit *u)
{
	struct db_unit **pp, *prev = NULL;
	int ret = -1;

	if (g == NULL || u == NULL)
		return -1;
	pthread_mutex_lock(&g->mu);
	if (u->state == UNIT_QUEUED)
		for (pp = &g->head; *pp != NULL; prev = *pp, pp = &(*pp)->next)
			if (*pp == u) {
				*pp = u->next;
				if (g->tail == u)
					g->tail = prev;
				u->next = NULL;
				u->state = 0;
				g->queued--;
				ret = 0;
				break;
			}
	pthread_mutex_unlock(&g->mu);
	return ret;
}

/* db_group_run's waiter: the caller's run and arg, and the answer. */
struct group_wait {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done;
	enum db_rc rc;
	db_unit_fn run;
	void *arg;
};

static enum db_rc
group_wait_run(struct db_conn *c, void *arg)
{
	struct group_wait *w = arg;

	return w->run(c, w->arg);
}

static void
group_wait_done(void *arg, enum db_rc rc)
{
	struct group_wait *w = arg;

	pthread_mutex_lock(&w->mu);
	w->rc = rc;
	w->done = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

enum db_rc
db_group_run(struct db_group *g, db_unit_fn run, void *arg)
{
	struct group_wait w = { .done = 0, .rc = DB_BUSY, .run = run, .arg = arg };
	struct db_unit u;

	memset(&u, 0, sizeof(u));
	u.run = group_wait_run;
	u.done = group_wait_done;
	u.arg = &w;
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	if (db_group_submit(g, &u) == 0) {
		pthread_mutex_lock(&w.mu);
		while (!w.done)
			pthread_cond_wait(&w.cv, &w.mu);
		pthread_mutex_unlock(&w.mu);
	}
	pthread_cond_destroy(&w.cv);
	pthread_mutex_destroy(&w.mu);
	return w.rc;
}

void
db_group_stop(struct db_group *g)
{
	if (g == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	g->stopping = 1;
	pthread_cond_signal(&g->more);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->thread, NULL);
	pthread_cond_destroy(&g->more);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

void
db_group_stats(struct db_group *g, struct db_group_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (g == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	*out = g->st;
	pthread_mutex_unlock(&g->mu);
}
