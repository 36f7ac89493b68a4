/*
 * The process's calendar and its persistence: office hours from the config,
 * shipped notice tables from <data>/holidays, administrators' edits from the
 * table calendar_years on top, and a thread that applies the edits other
 * server nodes make to the same database.
 *
 * Why a revision counter: several nodes may share one PostgreSQL.  Every
 * edit or reset increments calendar_revision.rev in its own transaction and
 * stamps the row with that revision (calendar_years.version), so a node
 * needs one one-row read to know whether anything changed, and the
 * per-year versions tell it which years to reinstall (a year deleted and
 * re-created gets a new version, never an old one).
 *
 * Locking: store.mu serialises this node's writers -- an API edit holds it
 * from before its transaction until the calendar shows the result, the
 * sync holds it while it reads and installs -- so the two can never
 * install states out of order.  Readers of the calendar never take it.
 */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../core/config.h"
#include "../core/core.h"
#include "calendar_http.h"

#define NYEARS (CALENDAR_YEAR_MAX - CALENDAR_YEAR_MIN + 1)
#define SHIPPED_MAX (1 << 20) /* bytes of one shipped file, as holidays.c */

static struct {
	pthread_mutex_t mu;
	struct calendar *cal; /* borrowed from the caller of open */
	struct db *db; /* borrowed; NULL for a calendar without database */
	char data_dir[1024];
	int64_t ver[NYEARS]; /* version of the row installed; 0 = none */
	int64_t rev; /* revision last applied in full; -1 = unknown */
	/* sync thread */
	pthread_t thr;
	int running, stopping, seconds;
	pthread_mutex_t tmu;
	pthread_cond_t tcv;
} store = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.tmu = PTHREAD_MUTEX_INITIALIZER,
	.rev = -1,
};

/* ---- office hours from the config -------------------------------------- */

/* "HH:MM" at s[0..5) into minutes; -1 if malformed. */
static int
hours_hhmm(const char *s, size_t n, int *out)
{
	char tmp[8];

	if (n != 5)
		return -1;
	memcpy(tmp, s, 5);
	tmp[5] = '\0';
	return calendar_parse_hhmm(tmp, out);
}

int
calendar_hours_parse(const char *periods, const char *days, const char *cutoff,
    struct calendar_hours *out, char *err, size_t errsz)
{
	struct calendar_hours h;
	const char *p;

	memset(&h, 0, sizeof(h));
	if (periods == NULL)
		goto bad_periods;
	if (days == NULL)
		goto bad_days;
	/* office_hours: "HH:MM-HH:MM[,HH:MM-HH:MM...]" */
	for (p = periods; *p != '\0';) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (h.nperiods == CALENDAR_PERIODS_MAX || len != 11 || p[5] != '-' ||
		    hours_hhmm(p, 5, &h.period[h.nperiods].start) == -1 ||
		    hours_hhmm(p + 6, 5, &h.period[h.nperiods].end) == -1)
			goto bad_periods;
		h.nperiods++;
		p += len;
		if (*p == ',' && *++p == '\0')
			goto bad_periods;
	}
	if (h.nperiods == 0)
		goto bad_periods;
	for (int i = 0; i < h.nperiods; i++)
		if (h.period[i].start >= h.period[i].end ||
		    (i > 0 && h.period[i].start < h.period[i - 1].end))
			goto bad_periods;
	/* office_days: "1-5", "1,2,3,4,5", "1-5,6" */
	for (p = days; *p != '\0';) {
		int a, b;

		if (p[0] < '1' || p[0] > '7')
			goto bad_days;
		a = b = p[0] - '0';
		p++;
		if (*p == '-') {
			if (p[1] < '1' || p[1] > '7' || p[1] - '0' < a)
				goto bad_days;
			b = p[1] - '0';
			p += 2;
		}
		for (int d = a; d <= b; d++)
			h.weekdays |= 1u << (d - 1);
		if (*p == ',' && p[1] != '\0')
			p++;
		else if (*p != '\0')
			goto bad_days;
	}
	if (h.weekdays == 0)
		goto bad_days;
	if (cutoff == NULL || calendar_parse_hhmm(cutoff, &h.cutoff) == -1) {
		snprintf(err, errsz, "receipt_cutoff: cần HH:MM từ 00:00 đến 24:00 "
		    "(24:00 = không giới hạn), không phải \"%s\"", cutoff ? cutoff : "");
		return -1;
	}
	*out = h;
	return 0;
bad_periods:
	snprintf(err, errsz, "office_hours: cần 1-%d khoảng HH:MM-HH:MM tăng dần, "
	    "không chồng nhau, cách nhau bằng dấu phẩy (ví dụ 07:30-11:30,13:00-17:00), "
	    "không phải \"%s\"", CALENDAR_PERIODS_MAX, periods ? periods : "");
	return -1;
bad_days:
	snprintf(err, errsz, "office_days: cần các thứ trong tuần 1 (thứ Hai) đến 7 "
	    "(Chủ nhật), liệt kê hoặc theo khoảng, ví dụ 1-5 hoặc 1-5,6; không phải "
	    "\"%s\"", days ? days : "");
	return -1;
}

/* ---- shipped files ------------------------------------------------------ */

char *
calendar_store_shipped(int year, char *err, size_t errsz)
{
	char path[1200];
	char *text = NULL;
	FILE *f;
	size_t len;
	int r;

	err[0] = '\0';
	r = snprintf(path, sizeof(path), "%s/holidays/%04d.json", store.data_dir, year);
	if (r < 0 || (size_t)r >= sizeof(path)) {
		snprintf(err, errsz, "đường dẫn thư mục dữ liệu quá dài");
		return NULL;
	}
	if ((f = fopen(path, "rb")) == NULL) {
		if (errno != ENOENT)
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((text = malloc(SHIPPED_MAX + 2)) == NULL) {
		snprintf(err, errsz, "hết bộ nhớ");
		goto out;
	}
	len = fread(text, 1, SHIPPED_MAX + 1, f);
	if (ferror(f) || len > SHIPPED_MAX) {
		snprintf(err, errsz, "%s: không đọc được hoặc lớn quá %d byte", path,
		    SHIPPED_MAX);
		free(text);
		text = NULL;
		goto out;
	}
	text[len] = '\0';
out:
	fclose(f);
	return text;
}

int
calendar_store_restore(struct calendar *cal, int year)
{
	char err[512], *text = calendar_store_shipped(year, err, sizeof(err));
	int rc = 0;

	if (text != NULL) {
		if ((rc = calendar_load_year_json(cal, text, err, sizeof(err))) == -1) {
			log_msg(LOG_ERROR, NULL, "calendar_restore", "year=%d file=invalid "
			    "reason=\"%s\"", year, err);
			(void)calendar_remove_year(cal, year);
		}
		free(text);
		return rc;
	}
	if (err[0] != '\0') {
		log_msg(LOG_ERROR, NULL, "calendar_restore", "year=%d reason=\"%s\"", year, err);
		rc = -1;
	}
	/* No file: computed holidays; -1 only means there was no table. */
	(void)calendar_remove_year(cal, year);
	return rc;
}

/* ---- the store ---------------------------------------------------------- */

struct calendar *
calendar_store_cal(void)
{
	return store.cal;
}

void
calendar_store_lock(void)
{
	pthread_mutex_lock(&store.mu);
}

void
calendar_store_unlock(void)
{
	pthread_mutex_unlock(&store.mu);
}

void
calendar_store_note(int year, int64_t version, int64_t rev)
{
	if (year >= CALENDAR_YEAR_MIN && year <= CALENDAR_YEAR_MAX)
		store.ver[year - CALENDAR_YEAR_MIN] = version;
	/* Up to date only if no other node's edit came in between: otherwise
	 * the next sync reads the rows (and skips the versions we have). */
	if (store.rev != -1 && rev == store.rev + 1)
		store.rev = rev;
}

/* Read calendar_years and install what changed; store.mu held.  strict:
 * an invalid row is an error (start-up) instead of a logged skip.  1, 0 or
 * -1 as calendar_store_sync(). */
static int
store_apply(struct db_conn *c, int strict, char *err, size_t errsz)
{
	struct db_res *res = NULL;
	unsigned char seen[NYEARS];
	int64_t rev;
	int k, applied = 0, rc = -1;

	memset(seen, 0, sizeof(seen));
	if (db_scalar_int(c, STMT_CAL_REV_GET, NULL, 0, &rev) != DB_OK) {
		snprintf(err, errsz, "không đọc được calendar_revision (đã chạy \"motcua "
		    "migrate\"?)");
		goto out;
	}
	if (rev == store.rev) {
		rc = 0;
		goto out;
	}
	if (db_exec(c, STMT_CAL_YEAR_LIST, NULL, 0, &res) != DB_OK) {
		snprintf(err, errsz, "không đọc được calendar_years");
		goto out;
	}
	while ((k = db_res_next(res)) == 1) {
		int64_t year = db_res_int(res, 0), version = db_res_int(res, 1);
		const char *body = db_res_text(res, 2);
		char why[512];
		int y = 0;

		if (year < CALENDAR_YEAR_MIN || year > CALENDAR_YEAR_MAX)
			continue; /* the CHECK constraint rules it out */
		seen[year - CALENDAR_YEAR_MIN] = 1;
		if (store.ver[year - CALENDAR_YEAR_MIN] == version)
			continue;
		if (calendar_check_year_json(body, &y, why, sizeof(why)) == -1 || y != year ||
		    calendar_load_year_json(store.cal, body, why, sizeof(why)) == -1) {
			if (y != 0 && y != year)
				snprintf(why, sizeof(why), "year %d khác năm của dòng", y);
			if (strict) {
				snprintf(err, errsz, "calendar_years năm %lld: %s", (long long)year,
				    why);
				goto out;
			}
			log_msg(LOG_ERROR, NULL, "calendar_sync", "year=%lld version=%lld "
			    "status=skipped reason=\"%s\"", (long long)year, (long long)version,
			    why);
		} else
			applied = 1;
		/* Also for a skipped row: one log line, not one per sync. */
		store.ver[year - CALENDAR_YEAR_MIN] = version;
	}
	if (k < 0) {
		snprintf(err, errsz, "lỗi khi đọc calendar_years");
		goto out;
	}
	for (int i = 0; i < NYEARS; i++)
		if (store.ver[i] != 0 && !seen[i]) {
			(void)calendar_store_restore(store.cal, CALENDAR_YEAR_MIN + i);
			store.ver[i] = 0;
			applied = 1;
		}
	store.rev = rev;
	rc = applied;
out:
	db_res_free(res);
	return rc;
}

int
calendar_store_sync(struct db_conn *c)
{
	char err[512];
	int rc;

	if (store.cal == NULL || c == NULL)
		return -1;
	calendar_store_lock();
	rc = store_apply(c, 0, err, sizeof(err));
	calendar_store_unlock();
	if (rc == -1)
		log_msg(LOG_WARN, NULL, "calendar_sync", "status=error reason=\"%s\"", err);
	else if (rc == 1)
		log_msg(LOG_INFO, NULL, "calendar_sync", "status=applied");
	return rc;
}

static int
store_edited_count(void)
{
	int n = 0;

	for (int i = 0; i < NYEARS; i++)
		n += store.ver[i] != 0;
	return n;
}

struct calendar *
calendar_store_open(struct db *db, const char *data_dir, char *err, size_t errsz)
{
	struct calendar_hours h;
	struct calendar *cal = NULL;
	struct db_conn *c = NULL;
	struct stat st;
	char dir[1200], sub[512];
	int n, r;

	if (store.cal != NULL) {
		snprintf(err, errsz, "lịch đã được mở");
		return NULL;
	}
	if (str_lcpy(store.data_dir, data_dir, sizeof(store.data_dir)) >=
	    sizeof(store.data_dir)) {
		snprintf(err, errsz, "data: đường dẫn quá dài");
		return NULL;
	}
	if (calendar_hours_parse(config_str(CFG_OFFICE_HOURS), config_str(CFG_OFFICE_DAYS),
	    config_str(CFG_RECEIPT_CUTOFF), &h, err, errsz) == -1)
		return NULL;
	if ((cal = calendar_new()) == NULL) {
		snprintf(err, errsz, "hết bộ nhớ");
		return NULL;
	}
	if (calendar_set_hours(cal, &h, sub, sizeof(sub)) == -1) {
		snprintf(err, errsz, "office_hours/office_days/receipt_cutoff: %s", sub);
		goto fail;
	}
	r = snprintf(dir, sizeof(dir), "%s/holidays", data_dir);
	if (r < 0 || (size_t)r >= sizeof(dir)) {
		snprintf(err, errsz, "data: đường dẫn quá dài");
		goto fail;
	}
	if (stat(dir, &st) == -1 && errno == ENOENT) {
		/* The tests and a bare binary run without data: computed days. */
		log_msg(LOG_WARN, NULL, "calendar", "holidays_dir=missing path=\"%s\" "
		    "using=computed", dir);
		n = 0;
	} else if ((n = calendar_load_dir(cal, dir, sub, sizeof(sub))) < 0) {
		snprintf(err, errsz, "%s: %s", dir, sub);
		goto fail;
	}
	store.cal = cal;
	store.db = db;
	store.rev = -1;
	memset(store.ver, 0, sizeof(store.ver));
	if (db != NULL) {
		if ((c = db_conn_new(db)) == NULL) {
			snprintf(err, errsz, "không mở được cơ sở dữ liệu %s", db_url_safe(db));
			goto fail;
		}
		calendar_store_lock();
		r = store_apply(c, 1, err, errsz);
		calendar_store_unlock();
		db_conn_free(c);
		if (r == -1)
			goto fail;
	}
	log_msg(LOG_INFO, NULL, "calendar", "shipped_years=%d edited_years=%d rev=%lld", n,
	    store_edited_count(), (long long)store.rev);
	return cal;
fail:
	store.cal = NULL;
	store.db = NULL;
	calendar_free(cal);
	return NULL;
}

/* ---- the sync thread ---------------------------------------------------- */

static void *
store_sync_main(void *arg)
{
	struct db_conn *c = NULL;
	struct timespec until;

	(void)arg;
	pthread_mutex_lock(&store.tmu);
	while (!store.stopping) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += store.seconds;
		while (!store.stopping &&
		    pthread_cond_timedwait(&store.tcv, &store.tmu, &until) != ETIMEDOUT)
			;
		if (store.stopping)
			break;
		pthread_mutex_unlock(&store.tmu);
		/* A connection that fails now is retried at the next tick. */
		if (c == NULL)
			c = db_conn_new(store.db);
		if (c != NULL)
			(void)calendar_store_sync(c);
		pthread_mutex_lock(&store.tmu);
	}
	pthread_mutex_unlock(&store.tmu);
	db_conn_free(c);
	return NULL;
}

int
calendar_store_sync_start(int seconds)
{
	pthread_condattr_t ca;

	if (seconds <= 0 || store.cal == NULL || store.db == NULL || store.running)
		return 0;
	if (pthread_condattr_init(&ca) != 0)
		return -1;
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (pthread_cond_init(&store.tcv, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		return -1;
	}
	pthread_condattr_destroy(&ca);
	store.seconds = seconds;
	store.stopping = 0;
	if (pthread_create(&store.thr, NULL, store_sync_main, NULL) != 0) {
		pthread_cond_destroy(&store.tcv);
		return -1;
	}
	store.running = 1;
	return 0;
}

void
calendar_store_close(void)
{
	if (store.running) {
		pthread_mutex_lock(&store.tmu);
		store.stopping = 1;
		pthread_cond_signal(&store.tcv);
		pthread_mutex_unlock(&store.tmu);
		pthread_join(store.thr, NULL);
		pthread_cond_destroy(&store.tcv);
		store.running = 0;
	}
	calendar_store_lock();
	store.cal = NULL;
	store.db = NULL;
	store.rev = -1;
	memset(store.ver, 0, sizeof(store.ver));
	calendar_store_unlock();
}
