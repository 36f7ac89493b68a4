/* Clock and civil time.  Vietnam has used UTC+7 without summer time since
 * 1975, so local time is plain arithmetic and needs no tz database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"

int64_t
clock_now(void)
{
#ifdef MOTCUA_TEST_CLOCK
	/* Test builds only: tests place events in time with MOTCUA_NOW. */
	const char *s = getenv("MOTCUA_NOW");
	int64_t t;

	if (s != NULL && *s != '\0' && time_parse_iso(s, &t) == 0)
		return t;
#endif
	return (int64_t)time(NULL);
}

uint64_t
clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian
 * calendar over the whole int range we use. */
int64_t
time_days_from_civil(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void
time_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp, yy;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

int
time_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	int64_t w = (days + 3) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

int
time_days_in_month(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

void
time_to_vn(int64_t t, struct civil *out)
{
	int64_t l = t + TIME_VN_OFFSET;
	int64_t days = (l >= 0 ? l : l - 86399) / 86400;
	int64_t sec = l - days * 86400;

	time_civil_from_days(days, &out->year, &out->month, &out->day);
	out->hour = (int)(sec / 3600);
	out->min = (int)(sec / 60 % 60);
	out->sec = (int)(sec % 60);
}

int64_t
time_from_vn(const struct civil *c)
{
	return time_days_from_civil(c->year, c->month, c->day) * 86400 +
	    c->hour * 3600 + c->min * 60 + c->sec - TIME_VN_OFFSET;
}

static void
time_put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* Every answer with a time formats it here (a lookup has a dozen), so the
 * digits are written by hand; snprintf only for years outside 0..9999. */
void
time_format_iso(int64_t t, char out[32])
{
	struct civil c;

	time_to_vn(t, &c);
	if (c.year < 0 || c.year > 9999) {
		snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", c.year,
		    c.month, c.day, c.hour, c.min, c.sec);
		return;
	}
	memcpy(out, "0000-00-00T00:00:00+07:00", 26);
	time_put2(out, c.year / 100);
	time_put2(out + 2, c.year % 100);
	time_put2(out + 5, c.month);
	time_put2(out + 8, c.day);
	time_put2(out + 11, c.hour);
	time_put2(out + 14, c.min);
	time_put2(out + 17, c.sec);
}

void
time_format_date(int64_t t, char out[16])
{
	struct civil c;

	time_to_vn(t, &c);
	snprintf(out, 16, "%04d-%02d-%02d", c.year, c.month, c.day);
}

/* Reads exactly n digits; -1 otherwise. */
static int
time_digits(const char **s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char ch = (*s)[i];

		if (ch < '0' || ch > '9')
			return -1;
		v = v * 10 + (ch - '0');
	}
	*s += n;
	*out = v;
	return 0;
}

static int
time_parse_ymd(const char **s, int *y, int *m, int *d)
{
	if (time_digits(s, 4, y) == -1 || **s != '-')
		return -1;
	(*s)++;
	if (time_digits(s, 2, m) == -1 || **s != '-')
		return -1;
	(*s)++;
	if (time_digits(s, 2, d) == -1)
		return -1;
	if (*y < 1 || *m < 1 || *m > 12 || *d < 1 || *d > time_days_in_month(*y, *m))
		return -1;
	return 0;
}

int
time_parse_date(const char *s, int *y, int *m, int *d)
{
	if (s == NULL || time_parse_ymd(&s, y, m, d) == -1 || *s != '\0')
		return -1;
	return 0;
}

int
time_parse_iso(const char *s, int64_t *out)
{
	struct civil c = { 0 };
	int off = TIME_VN_OFFSET, oh, om, sign;
	int64_t t;

	if (s == NULL || time_parse_ymd(&s, &c.year, &c.month, &c.day) == -1)
		return -1;
	if (*s != 'T' && *s != 't' && *s != ' ')
		return -1;
	s++;
	if (time_digits(&s, 2, &c.hour) == -1 || *s++ != ':' ||
	    time_digits(&s, 2, &c.min) == -1)
		return -1;
	if (*s == ':') {
		s++;
		if (time_digits(&s, 2, &c.sec) == -1)
			return -1;
		if (*s == '.') /* fractions are accepted and dropped */
			for (s++; *s >= '0' && *s <= '9'; s++)
				;
	}
	if (c.hour > 23 || c.min > 59 || c.sec > 59)
		return -1;
	if (*s == 'Z' || *s == 'z') {
		off = 0;
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '-' ? -1 : 1;
		if (time_digits(&s, 2, &oh) == -1)
			return -1;
		if (*s == ':')
			s++;
		if (time_digits(&s, 2, &om) == -1 || oh > 14 || om > 59)
			return -1;
		off = sign * (oh * 3600 + om * 60);
	}
	if (*s != '\0')
		return -1;
	t = time_days_from_civil(c.year, c.month, c.day) * 86400 +
	    c.hour * 3600 + c.min * 60 + c.sec - off;
	/* Instants outside 1900–9998 in Vietnam time have no business in a
	 * dossier; keeping clear of year 9999 means every instant we accept
	 * also formats back to four-digit years. */
	time_to_vn(t, &c);
	if (c.year < 1900 || c.year > 9998)
		return -1;
	*out = t;
	return 0;
}
