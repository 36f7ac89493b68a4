/*
 * The background scanner of `motcua serve`: every dossier_scan_seconds it
 * marks open dossiers (clock running) that are due within one working day
 * (the last moment for an apology, Decree 61 Art. 19.9) and those past
 * their due time, each mark once, each with an outbox event and an audit
 * entry in the same transaction.  Bounded: at most SCAN_BATCH dossiers per
 * pass, each in its own short transaction, on its own connection; stopped
 * (and joined) at shutdown.  It also sweeps day-old Idempotency-Keys.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/config.h"
#include "../idem/idem.h"
#include "dossier_int.h"

#define SCAN_BATCH 500

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	int running, stop, interval;
	struct db *db;
	struct calendar *cal;
} scanner = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, NULL, NULL };

/* Mark one dossier: 1 marked, 0 nothing to do, -1 error. */
static int
scan_one(struct db_conn *c, struct calendar *cal, int64_t now, const char *code)
{
	struct arena *a = arena_new(1u << 20);
	struct dossier_ctx x = { .c = c, .cal = cal, .now = now, .request_id = "", .arena = a };
	struct dossier d;
	const char *event = NULL;
	int overdue, soon, ret = -1;
	enum db_rc rc;

	x.scope.all = 1;
	if (a == NULL)
		return -1;
	if (db_begin(c) != DB_OK)
		goto out;
	if ((rc = dossier_load(&x, code, &d)) != DB_OK) {
		ret = rc == DB_NOTFOUND ? 0 : -1;
		goto out;
	}
	overdue = d.due_at != 0 && now > d.due_at;
	soon = !overdue && d.due_at != 0 &&
	    calendar_due_within_one_workday(cal, now, d.due_at) == 1;
	if (!dossier_status_clock_runs(d.status) || (overdue && d.overdue_at != 0) ||
	    (!overdue && (!soon || d.due_soon_at != 0))) {
		ret = 0;
		goto out;
	}
	event = overdue ? "dossier.overdue" : "dossier.due_soon";
	if (db_exec(c, STMT_DOS_MARK, (struct db_param[]){ DB_INT(d.id), DB_INT(now),
	    overdue ? DB_INT(now) : DB_NULL, DB_INT(d.version) }, 4, NULL) != DB_OK)
		goto out;
	if (db_changes(c) != 1) { /* an action is changing it; next pass */
		ret = 0;
		goto out;
	}
	if (d.due_soon_at == 0)
		d.due_soon_at = now;
	if (overdue)
		d.overdue_at = now;
	if (dossier_outbox(&x, &d, event, NULL) != DB_OK ||
	    dossier_audit(&x, &d, event, json_pack("{s:s, s:o}", "status",
	    dossier_status_name(d.status), "due_at", dossier_time_json(d.due_at))) != DB_OK ||
	    db_commit(c) != DB_OK)
		goto out;
	arena_free(a);
	return 1;
out:
	db_rollback(c);
	arena_free(a);
	return ret;
}

int
dossier_scan_once(struct db_conn *c, struct calendar *cal, int64_t now, int max)
{
	struct db_res *res = NULL;
	char (*codes)[DOSSIER_CODE_LEN + 1] = NULL;
	int64_t horizon = 0, hours;
	size_t n = 0;
	int marked = 0, k;

	if (c == NULL || cal == NULL || max <= 0)
		return -1;
	/* The SQL pre-selects with the instant one working day (rounded up to
	 * whole hours) ahead; each row is then checked against the calendar. */
	hours = (dossier_workday_seconds(cal) + 3599) / 3600;
	if (calendar_due(cal, now, CALENDAR_HOURS, (int)hours, 1440, &horizon) == -1)
		horizon = now + 86400;
	if ((codes = calloc((size_t)max, sizeof(*codes))) == NULL)
		return -1;
	if (db_exec(c, STMT_DOS_SCAN, (struct db_param[]){ DB_INT(horizon), DB_INT(now),
	    DB_INT(max) }, 3, &res) != DB_OK) {
		free(codes);
		return -1;
	}
	while ((k = db_res_next(res)) == 1 && n < (size_t)max)
		str_lcpy(codes[n++], db_res_text(res, 0), sizeof(codes[0]));
	db_res_free(res);
	for (size_t i = 0; i < n; i++) {
		int r = scan_one(c, cal, now, codes[i]);

		if (r == -1)
			log_msg(LOG_WARN, NULL, "scanner", "event=mark_failed");
		else
			marked += r;
	}
	free(codes);
	(void)idem_sweep(c, now - IDEM_TTL);
	if (marked > 0)
		log_msg(LOG_INFO, NULL, "scanner", "marked=%d", marked);
	return k < 0 ? -1 : marked;
}

static void *
scanner_main(void *arg)
{
	struct db_conn *c = NULL;

	(void)arg;
	pthread_mutex_lock(&scanner.mu);
	while (!scanner.stop) {
		struct timespec ts;

		pthread_mutex_unlock(&scanner.mu);
		if (c == NULL)
			c = db_conn_new(scanner.db);
		if (c != NULL && dossier_scan_once(c, scanner.cal, clock_now(), SCAN_BATCH) == -1) {
			/* Start afresh on the next pass (the server may have lost
			 * its database for a while). */
			db_conn_free(c);
			c = NULL;
		}
		pthread_mutex_lock(&scanner.mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += scanner.interval;
		while (!scanner.stop && pthread_cond_timedwait(&scanner.cv, &scanner.mu, &ts) == 0)
			;
	}
	pthread_mutex_unlock(&scanner.mu);
	db_conn_free(c);
	return NULL;
}

int
dossier_scanner_start(struct db *db, struct calendar *cal)
{
	int interval = (int)config_int(CFG_DOSSIER_SCAN);

	if (interval <= 0 || db == NULL || cal == NULL)
		return 0;
	pthread_mutex_lock(&scanner.mu);
	if (scanner.running) {
		pthread_mutex_unlock(&scanner.mu);
		return 0;
	}
	scanner.db = db;
	scanner.cal = cal;
	scanner.interval = interval;
	scanner.stop = 0;
	if (pthread_create(&scanner.th, NULL, scanner_main, NULL) != 0) {
		pthread_mutex_unlock(&scanner.mu);
		return -1;
	}
	scanner.running = 1;
	pthread_mutex_unlock(&scanner.mu);
	return 0;
}

void
dossier_scanner_stop(void)
{
	pthread_mutex_lock(&scanner.mu);
	if (!scanner.running) {
		pthread_mutex_unlock(&scanner.mu);
		return;
	}
	scanner.stop = 1;
	pthread_cond_broadcast(&scanner.cv);
	pthread_mutex_unlock(&scanner.mu);
	pthread_join(scanner.th, NULL);
	pthread_mutex_lock(&scanner.mu);
	scanner.running = 0;
	pthread_mutex_unlock(&scanner.mu);
}
