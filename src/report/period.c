/*
 * Reporting periods.  A period is a pair of Vietnam dates, both inclusive
 * (as the paper reports print them), and the half-open instant range
 * [Vietnam midnight of from, Vietnam midnight after to) the queries use.
 */
#include <stdio.h>
#include <string.h>

#include "report_int.h"

#define REPORT_MAX_DAYS (5 * 366 + 1)

int
report_day_start(const char *date, int plus, int64_t *out)
{
	struct civil c;
	int64_t days;

	memset(&c, 0, sizeof(c));
	if (date == NULL || strlen(date) != 10 ||
	    time_parse_date(date, &c.year, &c.month, &c.day) == -1)
		return -1;
	days = time_days_from_civil(c.year, c.month, c.day) + plus;
	time_civil_from_days(days, &c.year, &c.month, &c.day);
	*out = time_from_vn(&c);
	return 0;
}

static void
fmt_days(int64_t days, char out[11])
{
	int y, m, d;

	time_civil_from_days(days, &y, &m, &d);
	/* Bounded: years 2000..2100 reach here (named() and the 5-year cap). */
	if (y < 0 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		y = m = d = 0;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
	    (unsigned)d % 100u);
}

int
report_period_times(struct report_period *p)
{
	if (report_day_start(p->from, 0, &p->t0) == -1 || report_day_start(p->to, 1, &p->t1) == -1)
		return -1;
	return p->t1 > p->t0 ? 0 : -1;
}

static void
set_days(struct report_period *p, int64_t d0, int64_t d1)
{
	fmt_days(d0, p->from);
	fmt_days(d1, p->to);
	(void)report_period_times(p);
}

/* "2025-03", "2025-Q1", "2025-H2", "2025", "2025-W10" (ISO week). */
static int
named(const char *s, struct report_period *p)
{
	int y = 0, n = 0, len = (int)strlen(s);
	char c = 0, tail = 0;

	if (len < 4 || sscanf(s, "%4d", &y) != 1 || y < 2000 || y > 2100)
		return -1;
	if (len == 4) {
		set_days(p, time_days_from_civil(y, 1, 1), time_days_from_civil(y, 12, 31));
		return 0;
	}
	if (s[4] != '-')
		return -1;
	if (len == 7 && sscanf(s + 5, "%2d%c", &n, &tail) == 1 && s[5] >= '0' && s[5] <= '9') {
		if (n < 1 || n > 12)
			return -1;
		set_days(p, time_days_from_civil(y, n, 1),
		    time_days_from_civil(y, n, time_days_in_month(y, n)));
		return 0;
	}
	if (len == 7 && sscanf(s + 5, "%c%1d%c", &c, &n, &tail) == 2) {
		if (c == 'Q' && n >= 1 && n <= 4) {
			int m0 = (n - 1) * 3 + 1;

			set_days(p, time_days_from_civil(y, m0, 1), time_days_from_civil(y, m0 + 2,
			    time_days_in_month(y, m0 + 2)));
			return 0;
		}
		if (c == 'H' && (n == 1 || n == 2)) {
			set_days(p, time_days_from_civil(y, n == 1 ? 1 : 7, 1),
			    time_days_from_civil(y, n == 1 ? 6 : 12, n == 1 ? 30 : 31));
			return 0;
		}
		return -1;
	}
	if (len == 8 && s[5] == 'W' && sscanf(s + 6, "%2d%c", &n, &tail) == 1 && n >= 1 &&
	    n <= 53) {
		/* ISO 8601: week 1 holds the year's first Thursday. */
		int64_t jan4 = time_days_from_civil(y, 1, 4);
		int64_t mon = jan4 - time_weekday(jan4) + (int64_t)(n - 1) * 7;

		set_days(p, mon, mon + 6);
		return 0;
	}
	return -1;
}

int
report_period_parse(const char *period, const char *from, const char *to,
    struct report_period *out, struct dossier_err *err)
{
	int64_t a, b;

	memset(out, 0, sizeof(*out));
	if (period != NULL && period[0] != '\0') {
		if (from != NULL || to != NULL)
			dossier_err_param(err, "period", "Dùng period hoặc from/to, không dùng cả hai.",
			    "Use period or from/to, not both.");
		else if (named(period, out) == -1)
			dossier_err_param(err, "period", "Kỳ báo cáo không hợp lệ (ví dụ 2025-03, "
			    "2025-Q1, 2025-H1, 2025, 2025-W10).", "Invalid period (e.g. 2025-03, "
			    "2025-Q1, 2025-H1, 2025, 2025-W10).");
		return err->n > 0 ? -1 : 0;
	}
	if (from == NULL || report_day_start(from, 0, &a) == -1)
		dossier_err_param(err, "from", "Cần ngày bắt đầu dạng YYYY-MM-DD.",
		    "The first day is required as YYYY-MM-DD.");
	if (to == NULL || report_day_start(to, 0, &b) == -1)
		dossier_err_param(err, "to", "Cần ngày kết thúc dạng YYYY-MM-DD.",
		    "The last day is required as YYYY-MM-DD.");
	if (err->n > 0)
		return -1;
	if (b < a)
		dossier_err_param(err, "to", "Ngày kết thúc phải không trước ngày bắt đầu.",
		    "The last day must not be before the first.");
	else if ((b - a) / 86400 >= REPORT_MAX_DAYS)
		dossier_err_param(err, "to", "Kỳ báo cáo dài nhất 5 năm.",
		    "A period is at most five years long.");
	if (err->n > 0)
		return -1;
	snprintf(out->from, sizeof(out->from), "%s", from);
	snprintf(out->to, sizeof(out->to), "%s", to);
	return report_period_times(out);
}

static int64_t
vn_days(int64_t t)
{
	struct civil c;

	time_to_vn(t, &c);
	return time_days_from_civil(c.year, c.month, c.day);
}

void
report_period_week(int64_t t, struct report_period *out)
{
	int64_t d = vn_days(t);
	int64_t mon = d - time_weekday(d); /* Monday is 0 */

	memset(out, 0, sizeof(*out));
	set_days(out, mon, mon + 6);
}

void
report_period_month(int64_t t, struct report_period *out)
{
	struct civil c;

	time_to_vn(t, &c);
	memset(out, 0, sizeof(*out));
	set_days(out, time_days_from_civil(c.year, c.month, 1),
	    time_days_from_civil(c.year, c.month, time_days_in_month(c.year, c.month)));
}

void
report_period_month_add(const struct report_period *p, int n, struct report_period *out)
{
	int y, m, d;
	int64_t k;

	time_civil_from_days(vn_days(p->t0), &y, &m, &d);
	k = (int64_t)y * 12 + (m - 1) + n;
	y = (int)(k / 12);
	m = (int)(k % 12) + 1;
	memset(out, 0, sizeof(*out));
	set_days(out, time_days_from_civil(y, m, 1),
	    time_days_from_civil(y, m, time_days_in_month(y, m)));
}
