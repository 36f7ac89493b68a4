/*
 * Deadline arithmetic on working days and office hours (DOMAIN §3).
 *
 * All reasoning happens in Vietnam local seconds (UTC+7, no DST), split
 * into a day number and seconds since local midnight; the working-day
 * bitmap comes from holidays.c through a calendar_view held for the length
 * of one call.  The rules and worked examples are in docs/CALENDAR.md.
 */
#include <stdint.h>

#include "../core/core.h"
#include "calendar.h"

#define DAY_SECS 86400

/* Local day number and second of day of instant t, without overflow for
 * any int64 t. */
static void
vn_split(int64_t t, int64_t *day, int64_t *sec)
{
	int64_t q = t / DAY_SECS, r = t % DAY_SECS;

	if (r < 0) {
		r += DAY_SECS;
		q--;
	}
	r += TIME_VN_OFFSET;
	if (r >= DAY_SECS) {
		r -= DAY_SECS;
		q++;
	}
	*day = q;
	*sec = r;
}

/* UTC instant of local second `sec` of day `day` (day in range). */
static int64_t
vn_join(int64_t day, int64_t sec)
{
	return day * DAY_SECS + sec - TIME_VN_OFFSET;
}

/* 1 working, 0 not, -1 outside the table. */
static int
view_works(const struct calendar_view *v, int64_t day)
{
	int64_t i = day - v->day0;

	if (i < 0 || i >= v->nday)
		return -1;
	return (v->work[i >> 3] >> (i & 7)) & 1;
}

/* 1 if instant t falls on a day of the table. */
static int
view_has(const struct calendar_view *v, int64_t t)
{
	int64_t day, sec;

	vn_split(t, &day, &sec);
	return view_works(v, day) != -1;
}

/* The first working day after `day`, or -1 in *out's stead past the end
 * of the table (0 or -1 returned). */
static int
view_next(const struct calendar_view *v, int64_t day, int64_t *out)
{
	int w;

	do {
		day++;
		if ((w = view_works(v, day)) == -1)
			return -1;
	} while (!w);
	*out = day;
	return 0;
}

int
calendar_due(struct calendar *cal, int64_t received_at,
    enum calendar_unit unit, int n, int cutoff_minute, int64_t *due)
{
	struct calendar_view v;
	const struct calendar_hours *h = &v.hours;
	int64_t day, sec, cut, close, rem;
	int w, rc = -1;

	if (cal == NULL || due == NULL || n < 0 || n > CALENDAR_LIMIT_MAX ||
	    (unsigned)unit >= CALENDAR_UNIT__MAX || cutoff_minute < -1 ||
	    cutoff_minute > 1440)
		return -1;
	vn_split(received_at, &day, &sec);
	calendar_view_acquire(cal, &v);
	if ((w = view_works(&v, day)) == -1)
		goto out;
	cut = 60 * (int64_t)(cutoff_minute == -1 ? h->cutoff : cutoff_minute);
	close = 60 * (int64_t)h->period[h->nperiods - 1].end;
	/* Received on a day off, after the cut-off or after hours: as if
	 * received at the opening of the next working day. */
	if (!w || sec > cut || sec >= close) {
		if (view_next(&v, day, &day) == -1)
			goto out;
		sec = 60 * (int64_t)h->period[0].start;
	}
	if (unit == CALENDAR_DAYS) {
		/* The day of receipt does not count: the limit ends at closing
		 * time of the n-th working day after it. */
		for (int i = 0; i < n; i++)
			if (view_next(&v, day, &day) == -1)
				goto out;
		*due = vn_join(day, close);
		rc = 0;
		goto out;
	}
	/* Hours run from the receipt (or the opening it was moved to) through
	 * office periods only; a limit that ends exactly at a period's end is
	 * due then, not at the next opening. */
	rem = 3600 * (int64_t)n;
	for (;;) {
		for (int i = 0; i < h->nperiods; i++) {
			int64_t ps = 60 * (int64_t)h->period[i].start;
			int64_t pe = 60 * (int64_t)h->period[i].end;
			int64_t s = sec > ps ? sec : ps;

			if (pe <= s)
				continue;
			if (rem <= pe - s) {
				*due = vn_join(day, s + rem);
				rc = 0;
				goto out;
			}
			rem -= pe - s;
		}
		if (view_next(&v, day, &day) == -1)
			goto out;
		sec = 0;
	}
out:
	calendar_view_release(cal);
	return rc;
}

/* Working seconds in [from, to), from <= to, both inside the table. */
static int
view_work_seconds(const struct calendar_view *v, int64_t from, int64_t to,
    int64_t *out)
{
	int64_t d0, s0, d1, s1, total = 0;

	vn_split(from, &d0, &s0);
	vn_split(to, &d1, &s1);
	if (view_works(v, d0) == -1 || view_works(v, d1) == -1)
		return -1;
	for (int64_t d = d0; d <= d1; d++) {
		int64_t lo = d == d0 ? s0 : 0, hi = d == d1 ? s1 : DAY_SECS;

		if (!view_works(v, d))
			continue;
		for (int i = 0; i < v->hours.nperiods; i++) {
			int64_t ps = 60 * (int64_t)v->hours.period[i].start;
			int64_t pe = 60 * (int64_t)v->hours.period[i].end;
			int64_t a = lo > ps ? lo : ps, b = hi < pe ? hi : pe;

			if (b > a)
				total += b - a;
		}
	}
	*out = total;
	return 0;
}

int
calendar_work_seconds(struct calendar *cal, int64_t from, int64_t to,
    int64_t *out)
{
	struct calendar_view v;
	int rc;

	if (cal == NULL || out == NULL)
		return -1;
	calendar_view_acquire(cal, &v);
	if (from <= to)
		rc = view_work_seconds(&v, from, to, out);
	else if ((rc = view_work_seconds(&v, to, from, out)) == 0)
		*out = -*out;
	calendar_view_release(cal);
	return rc;
}

enum calendar_class
calendar_classify(int64_t finished_at, int64_t due)
{
	int64_t fd, dd, sec;

	if (finished_at > due)
		return CALENDAR_LATE;
	vn_split(finished_at, &fd, &sec);
	vn_split(due, &dd, &sec);
	return fd < dd ? CALENDAR_EARLY : CALENDAR_ON_TIME;
}

const char *
calendar_class_name(enum calendar_class c)
{
	static const char *const names[CALENDAR_CLASS__MAX] = {
		[CALENDAR_EARLY] = "early",
		[CALENDAR_ON_TIME] = "on_time",
		[CALENDAR_LATE] = "late",
	};

	if ((unsigned)c >= CALENDAR_CLASS__MAX)
		return NULL;
	return names[c];
}

int
calendar_due_within_one_workday(struct calendar *cal, int64_t now,
    int64_t due)
{
	struct calendar_view v;
	int64_t left, daylen = 0;
	int rc = 0;

	if (cal == NULL)
		return -1;
	calendar_view_acquire(cal, &v);
	for (int i = 0; i < v.hours.nperiods; i++)
		daylen += 60 * (int64_t)(v.hours.period[i].end -
		    v.hours.period[i].start);
	if (!view_has(&v, now) || !view_has(&v, due))
		rc = -1;
	else if (now >= due)
		rc = 0; /* past due: too late for an apology */
	else if (view_work_seconds(&v, now, due, &left) == -1)
		rc = -1;
	else
		rc = left <= daylen;
	calendar_view_release(cal);
	return rc;
}
