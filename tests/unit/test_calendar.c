/*
 * Unit tests of src/calendar: lunar conversions, holidays and notice
 * tables, deadline arithmetic, classification and the CLI.  Table-driven;
 * the yearly notice tables come from $MOTCUA_SOURCE_DIR/data/holidays.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/calendar.h"
#include "core/core.h"

/* ---- helpers ----------------------------------------------------------- */

static int64_t
day_of(const char *ymd)
{
	int y, m, d;

	assert_int_equal(time_parse_date(ymd, &y, &m, &d), 0);
	return time_days_from_civil(y, m, d);
}

static int64_t
at(const char *iso)
{
	int64_t t;

	if (time_parse_iso(iso, &t) != 0)
		fail_msg("bad instant in test table: %s", iso);
	return t;
}

static void
assert_instant(int64_t t, const char *want)
{
	char got[32];

	time_format_iso(t, got);
	assert_string_equal(got, want);
}

/* A calendar with the shipped notice tables loaded. */
static struct calendar *
cal_with_data(void)
{
	const char *src = getenv("MOTCUA_SOURCE_DIR");
	char dir[1024], err[512];
	struct calendar *cal = calendar_new();

	assert_non_null(cal);
	snprintf(dir, sizeof(dir), "%s/data/holidays", src ? src : ".");
	if (calendar_load_dir(cal, dir, err, sizeof(err)) < 3)
		fail_msg("loading %s: %s", dir, err);
	return cal;
}

/* ---- lunar calendar ---------------------------------------------------- */

static void
test_tet_and_gio_to(void **state)
{
	/* DOMAIN §9 for Tết (and Giỗ Tổ 2024-2026); the other Giỗ Tổ dates
	 * are the published ones of those years. */
	static const struct {
		int year;
		const char *tet, *gio_to;
	} t[] = {
		{ 2016, "2016-02-08", "2016-04-16" },
		{ 2017, "2017-01-28", "2017-04-06" },
		{ 2018, "2018-02-16", "2018-04-25" },
		{ 2019, "2019-02-05", "2019-04-14" },
		{ 2020, "2020-01-25", "2020-04-02" },
		{ 2021, "2021-02-12", "2021-04-21" },
		{ 2022, "2022-02-01", "2022-04-10" },
		{ 2023, "2023-01-22", "2023-04-29" },
		{ 2024, "2024-02-10", "2024-04-18" },
		{ 2025, "2025-01-29", "2025-04-07" },
		{ 2026, "2026-02-17", "2026-04-26" },
		{ 2027, "2027-02-06", "2027-04-16" },
		{ 2028, "2028-01-26", "2028-04-04" },
		{ 2029, "2029-02-13", "2029-04-23" },
		{ 2030, "2030-02-02", "2030-04-12" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct lunar_date tet = { 1, 1, t[i].year, 0 };
		struct lunar_date hung = { 10, 3, t[i].year, 0 }, back;
		int64_t d;

		assert_int_equal(lunar_to_days(&tet, &d), 0);
		assert_int_equal(d, day_of(t[i].tet));
		assert_int_equal(lunar_from_days(day_of(t[i].tet), &back), 0);
		assert_true(back.day == 1 && back.month == 1 &&
		    back.year == t[i].year && !back.leap);
		/* the day before Tết is the last of the previous lunar year */
		assert_int_equal(lunar_from_days(day_of(t[i].tet) - 1, &back), 0);
		assert_true(back.month == 12 && back.year == t[i].year - 1 &&
		    (back.day == 29 || back.day == 30));
		assert_int_equal(lunar_to_days(&hung, &d), 0);
		assert_int_equal(d, day_of(t[i].gio_to));
	}
}

static void
test_leap_months(void **state)
{
	static const struct {
		int year, month;
		const char *leap_first, *regular_first, *next_first;
	} t[] = {
		{ 2020, 4, "2020-05-23", "2020-04-23", "2020-06-21" },
		{ 2023, 2, "2023-03-22", "2023-02-20", "2023-04-20" },
		{ 2025, 6, "2025-07-25", "2025-06-25", "2025-08-23" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct lunar_date ld = { 1, t[i].month, t[i].year, 1 }, back;
		int64_t d;
		int y, m, dd;

		assert_int_equal(lunar_leap_month(t[i].year), t[i].month);
		/* lunar -> solar, leap and regular month of the same number */
		assert_int_equal(lunar_to_days(&ld, &d), 0);
		assert_int_equal(d, day_of(t[i].leap_first));
		ld.leap = 0;
		assert_int_equal(lunar_to_solar(&ld, &y, &m, &dd), 0);
		assert_int_equal(time_days_from_civil(y, m, dd),
		    day_of(t[i].regular_first));
		ld.month = t[i].month + 1;
		assert_int_equal(lunar_to_days(&ld, &d), 0);
		assert_int_equal(d, day_of(t[i].next_first));
		/* solar -> lunar: the leap month carries the flag */
		assert_int_equal(lunar_from_days(day_of(t[i].leap_first), &back),
		    0);
		assert_true(back.day == 1 && back.month == t[i].month &&
		    back.year == t[i].year && back.leap == 1);
		assert_int_equal(lunar_from_days(day_of(t[i].leap_first) - 1,
		    &back), 0);
		assert_true(back.month == t[i].month && back.leap == 0 &&
		    back.day >= 29);
		assert_int_equal(lunar_from_days(day_of(t[i].next_first) - 1,
		    &back), 0);
		assert_true(back.month == t[i].month && back.leap == 1);
	}
	/* years without a leap month, and a leap flag where there is none */
	assert_int_equal(lunar_leap_month(2024), 0);
	assert_int_equal(lunar_leap_month(2026), 0);
	{
		struct lunar_date ld = { 1, 4, 2024, 1 };
		int64_t d;

		assert_int_equal(lunar_to_days(&ld, &d), -1);
		ld = (struct lunar_date){ 1, 5, 2020, 1 };
		assert_int_equal(lunar_to_days(&ld, &d), -1);
	}
}

/* Every solar day of the supported range: solar -> lunar -> solar gives
 * the same day, lunar days run 1, 2, ... and months have 29 or 30 days,
 * and every lunar year has exactly one 1/1. */
static void
test_round_trip_1900_2199(void **state)
{
	int64_t first = day_of("1900-01-01"), last = day_of("2199-12-31");
	struct lunar_date prev = { 0, 0, 0, 0 }, ld;
	int tets = 0;

	(void)state;
	for (int64_t d = first; d <= last; d++) {
		int64_t back;

		if (lunar_from_days(d, &ld) != 0 || lunar_to_days(&ld, &back) != 0 ||
		    back != d)
			fail_msg("round trip fails at day %lld", (long long)d);
		if (d > first && ld.day != prev.day + 1 &&
		    !(ld.day == 1 && (prev.day == 29 || prev.day == 30)))
			fail_msg("lunar day sequence breaks at day %lld",
			    (long long)d);
		if (ld.day == 1 && ld.month == 1 && !ld.leap)
			tets++;
		prev = ld;
	}
	/* solar 1900-01-31 is Tết of 1900 and 2199-12-31 precedes Tết 2200 */
	assert_int_equal(tets, 2199 - 1900 + 1);
	assert_int_equal(lunar_from_days(first - 1, &ld), -1);
	assert_int_equal(lunar_from_days(last + 1, &ld), -1);
}

static void
test_year_names(void **state)
{
	static const struct {
		int year;
		const char *name;
	} t[] = {
		{ 2030, "Canh Tuất" }, { 2026, "Bính Ngọ" }, { 2025, "Ất Tỵ" },
		{ 2024, "Giáp Thìn" }, { 2023, "Quý Mão" }, { 1984, "Giáp Tý" },
		{ 1900, "Canh Tý" }, { 2019, "Kỷ Hợi" }, { 2199, "Kỷ Hợi" },
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(lunar_year_name(t[i].year, buf, sizeof(buf)), 0);
		assert_string_equal(buf, t[i].name);
	}
	assert_int_equal(lunar_year_name(2030, buf, 5), -1);
}

/* ---- holidays ---------------------------------------------------------- */

static void
test_default_holidays(void **state)
{
	/* Years without a table: the computed days off, and the regimes. */
	static const struct {
		const char *day;
		int works;
	} t[] = {
		{ "2020-09-02", 0 }, /* LC 2012: 2/9 only */
		{ "2020-09-01", 1 },
		{ "2020-09-03", 1 },
		{ "2021-09-02", 0 }, /* LC 2019: Thursday 2/9 + Friday 3/9 */
		{ "2021-09-03", 0 },
		{ "2021-09-01", 1 },
		{ "2023-09-01", 0 }, /* Saturday 2/9: Friday 1/9, Monday bù */
		{ "2023-09-04", 0 },
		{ "2023-09-05", 1 },
		{ "2023-04-29", 0 }, /* Giỗ Tổ Sat, 30/4 Sun, 1/5 Mon */
		{ "2023-05-02", 0 },
		{ "2023-05-03", 0 },
		{ "2023-05-04", 1 },
		{ "2029-09-03", 0 }, /* Sunday 2/9: Monday 3/9 + Tuesday bù */
		{ "2029-09-04", 0 },
		{ "2029-09-05", 1 },
		{ "2030-02-01", 0 }, /* Tết 2030: 1/2 (29 Chạp) .. 5/2 (mùng 4) */
		{ "2030-02-05", 0 },
		{ "2030-02-06", 0 }, /* bù for mùng 1 on Saturday */
		{ "2030-02-07", 0 }, /* bù for mùng 2 on Sunday */
		{ "2030-02-08", 1 },
		{ "2030-01-31", 1 },
		{ "2030-03-02", 0 }, /* an ordinary Saturday */
	};
	struct calendar *cal = calendar_new();
	struct calendar_day *days;
	size_t n;

	(void)state;
	assert_non_null(cal);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (calendar_is_workday(cal, day_of(t[i].day)) != t[i].works)
			fail_msg("%s: expected works=%d", t[i].day, t[i].works);
	assert_int_equal(calendar_holidays(cal, 2030, &days, &n), 0);
	assert_int_equal(n, 13);
	assert_int_equal(days[0].day, day_of("2030-01-01"));
	assert_int_equal(days[0].kind, CALENDAR_HOLIDAY);
	assert_int_equal(days[1].kind, CALENDAR_TET);
	assert_string_equal(days[1].name, "Tết Nguyên đán (29 tháng Chạp)");
	assert_int_equal(days[6].kind, CALENDAR_COMPENSATORY);
	free(days);
	assert_int_equal(calendar_year_loaded(cal, 2030), 0);
	assert_int_equal(calendar_holidays(cal, 1899, &days, &n), -1);
	calendar_free(cal);
	calendar_free(NULL);
}

static void
test_notice_2025(void **state)
{
	/* DOMAIN §9: Tết off Sat 25/1 - Sun 2/2; Fri 2/5 off for Sat 26/4
	 * worked; National Day Sat 30/8 - Tue 2/9. */
	static const struct {
		const char *day;
		int works;
	} t[] = {
		{ "2025-01-24", 1 }, { "2025-01-25", 0 }, { "2025-01-27", 0 },
		{ "2025-01-31", 0 }, { "2025-02-02", 0 }, { "2025-02-03", 1 },
		{ "2025-04-07", 0 }, { "2025-04-25", 1 }, { "2025-04-26", 1 },
		{ "2025-04-27", 0 }, { "2025-04-29", 1 }, { "2025-04-30", 0 },
		{ "2025-05-01", 0 }, { "2025-05-02", 0 }, { "2025-05-05", 1 },
		{ "2025-08-29", 1 }, { "2025-08-30", 0 }, { "2025-09-01", 0 },
		{ "2025-09-02", 0 }, { "2025-09-03", 1 },
		/* 2026: Tết 14-22/2, Giỗ Tổ bù 27/4, Tết Dương lịch swap */
		{ "2026-01-02", 0 }, { "2026-01-10", 1 }, { "2026-02-13", 1 },
		{ "2026-02-16", 0 }, { "2026-02-20", 0 }, { "2026-02-23", 1 },
		{ "2026-04-27", 0 }, { "2026-08-31", 0 }, { "2026-09-03", 1 },
		/* Ngày Văn hóa Việt Nam, put in the 2026 table (see its note) */
		{ "2026-11-24", 0 }, { "2026-11-25", 1 },
		/* 2024: Tết 8-14/2, 29/4 swapped with 4/5, 2/9 and 3/9 */
		{ "2024-02-07", 1 }, { "2024-02-08", 0 }, { "2024-02-14", 0 },
		{ "2024-02-15", 1 }, { "2024-04-29", 0 }, { "2024-05-04", 1 },
		{ "2024-09-03", 0 }, { "2024-09-04", 1 },
	};
	struct calendar *cal = cal_with_data();
	struct calendar_day *days;
	size_t n, swaps = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (calendar_is_workday(cal, day_of(t[i].day)) != t[i].works)
			fail_msg("%s: expected works=%d", t[i].day, t[i].works);
	assert_int_equal(calendar_year_loaded(cal, 2025), 1);
	assert_int_equal(calendar_holidays(cal, 2025, &days, &n), 0);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			assert_true(days[i].day > days[i - 1].day);
		if (days[i].kind == CALENDAR_SWAP_WORK) {
			assert_int_equal(days[i].day, day_of("2025-04-26"));
			swaps++;
		}
	}
	assert_int_equal(swaps, 1);
	free(days);
	assert_int_equal(calendar_is_workday(cal, day_of("1899-12-31")), -1);
	assert_int_equal(calendar_is_workday(cal, day_of("2200-01-01")), -1);
	/* back to computed defaults: 2/5/2025 is a plain Friday again */
	assert_int_equal(calendar_remove_year(cal, 2025), 0);
	assert_int_equal(calendar_remove_year(cal, 2025), -1);
	assert_int_equal(calendar_is_workday(cal, day_of("2025-05-02")), 1);
	assert_int_equal(calendar_is_workday(cal, day_of("2025-04-26")), 0);
	calendar_free(cal);
}

static void
test_load_errors(void **state)
{
	static const struct {
		const char *json, *field;
	} t[] = {
		{ "pas du JSON", "JSON" },
		{ "[]", "gốc" },
		{ "{\"source\":\"x\",\"days\":[]}", "year" },
		{ "{\"year\":1800,\"source\":\"x\",\"days\":[]}", "year" },
		{ "{\"year\":\"2025\",\"source\":\"x\",\"days\":[]}", "year" },
		{ "{\"year\":2025,\"days\":[]}", "source" },
		{ "{\"year\":2025,\"source\":\"\",\"days\":[]}", "source" },
		{ "{\"year\":2025,\"source\":\"x\"}", "days" },
		{ "{\"year\":2025,\"source\":\"x\",\"days\":[],\"extra\":1}",
		    "extra" },
		{ "{\"year\":2025,\"source\":\"x\",\"days\":[{\"date\":"
		  "\"2025-02-30\",\"kind\":\"holiday\",\"name\":\"a\"}]}",
		    "days[0].date" },
		{ "{\"year\":2025,\"source\":\"x\",\"days\":[{\"date\":"
		  "\"2024-05-02\",\"kind\":\"holiday\",\"name\":\"a\"}]}",
		    "days[0].date" },
		{ "{\"year\":2025,\"source\":\"x\",\"days\":[{\"date\":"
		  "\"2025-05-02\",\"kind\":\"fete\",\"name\":\"a\"}]}",
		    "days[0].kind" },
		{ "{\"year\":2025,\"source\":\"x\",\"days\":[{\"date\":"
		  "\"2025-05-02\",\"kind\":\"swap_work\",\"name\":\"a\"}]}",
		    "days[0].kind" },
		{ "{\"year\":2025,\"source\":\"x\",\"days\":[{\"date\":"
		  "\"2025-05-02\",\"kind\":\"holiday\",\"name\":\"\"}]}",
		    "days[0].name" },
		{ "{\"year\":2025,\"source\":\"x\",\"days\":[{\"date\":"
		  "\"2025-05-02\",\"kind\":\"holiday\"}]}",
		    "days[0].name" },
		{ "{\"year\":2025,\"source\":\"x\",\"days\":[{\"date\":"
		  "\"2025-05-02\",\"kind\":\"holiday\",\"name\":\"a\",\"x\":1}]}",
		    "days[0].x" },
		{ "{\"year\":2025,\"source\":\"x\",\"days\":[{\"date\":"
		  "\"2025-05-02\",\"kind\":\"holiday\",\"name\":\"a\"},{\"date\":"
		  "\"2025-05-02\",\"kind\":\"tet\",\"name\":\"b\"}]}",
		    "days[1].date" },
		{ "{\"year\":2025,\"source\":\"x\",\"days\":[7]}", "days[0]" },
		{ "{\"year\":2025,\"year\":2026,\"source\":\"x\",\"days\":[]}",
		    "JSON" },
	};
	struct calendar *cal = cal_with_data();
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err[0] = '\0';
		if (calendar_load_year_json(cal, t[i].json, err, sizeof(err)) != -1)
			fail_msg("accepted: %s", t[i].json);
		if (strstr(err, t[i].field) == NULL)
			fail_msg("error \"%s\" does not name %s", err, t[i].field);
	}
	/* validation without installing */
	{
		int year = 0;

		assert_int_equal(calendar_check_year_json(t[9].json, &year, err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, "days[0].date"));
		assert_int_equal(calendar_check_year_json("{\"year\":2031,"
		    "\"source\":\"x\",\"days\":[{\"date\":\"2031-05-02\","
		    "\"kind\":\"swap_off\",\"name\":\"a\"}]}", &year, err,
		    sizeof(err)), 0);
		assert_int_equal(year, 2031);
		assert_int_equal(calendar_year_loaded(cal, 2031), 0);
	}
	/* all or nothing: the 2025 notice is still in force */
	assert_int_equal(calendar_is_workday(cal, day_of("2025-04-26")), 1);
	assert_int_equal(calendar_load_year_json(cal, NULL, err, sizeof(err)),
	    -1);
	assert_int_equal(calendar_load_dir(cal, "/nonexistent/motcua", err,
	    sizeof(err)), -1);
	calendar_free(cal);
}

static void
test_year_json_round_trip(void **state)
{
	struct calendar *a = cal_with_data(), *b = calendar_new();
	char err[512];
	const int years[] = { 2024, 2025, 2026, 2030 };

	(void)state;
	assert_non_null(b);
	for (size_t i = 0; i < sizeof(years) / sizeof(years[0]); i++) {
		char *text = calendar_year_json(a, years[i]), *again;

		assert_non_null(text);
		if (calendar_load_year_json(b, text, err, sizeof(err)) != 0)
			fail_msg("%d: %s", years[i], err);
		again = calendar_year_json(b, years[i]);
		assert_non_null(again);
		assert_string_equal(text, again);
		free(text);
		free(again);
		for (int64_t d = time_days_from_civil(years[i], 1, 1);
		    d <= time_days_from_civil(years[i], 12, 31); d++)
			assert_int_equal(calendar_is_workday(a, d),
			    calendar_is_workday(b, d));
	}
	assert_null(calendar_year_json(a, 2200));
	calendar_free(a);
	calendar_free(b);
}

/* ---- deadlines --------------------------------------------------------- */

static void
test_due(void **state)
{
	static const struct {
		const char *from;
		enum calendar_unit unit;
		int n, cutoff;
		const char *due, *why;
	} t[] = {
		{ "2025-03-03T10:00:00+07:00", CALENDAR_DAYS, 2, -1,
		    "2025-03-05T17:00:00+07:00", "receipt day does not count" },
		{ "2025-03-03T15:00:00+07:00", CALENDAR_DAYS, 2, -1,
		    "2025-03-05T17:00:00+07:00", "at the cut-off is in time" },
		{ "2025-03-03T15:00:01+07:00", CALENDAR_DAYS, 2, -1,
		    "2025-03-06T17:00:00+07:00", "after the cut-off" },
		{ "2025-03-03T16:00:00+07:00", CALENDAR_DAYS, 2, -1,
		    "2025-03-06T17:00:00+07:00", "after the cut-off" },
		{ "2025-03-03T06:00:00+07:00", CALENDAR_DAYS, 1, -1,
		    "2025-03-04T17:00:00+07:00", "before opening" },
		{ "2025-03-03T17:30:00+07:00", CALENDAR_DAYS, 1, 1440,
		    "2025-03-05T17:00:00+07:00", "after hours, no cut-off" },
		{ "2025-03-03T14:00:00+07:00", CALENDAR_DAYS, 2, 13 * 60 + 30,
		    "2025-03-06T17:00:00+07:00", "procedure cut-off 13:30" },
		{ "2025-03-03T10:00:00+07:00", CALENDAR_DAYS, 0, -1,
		    "2025-03-03T17:00:00+07:00", "same day" },
		{ "2025-03-08T10:00:00+07:00", CALENDAR_DAYS, 2, -1,
		    "2025-03-12T17:00:00+07:00", "received on Saturday" },
		{ "2025-03-03T03:00:00Z", CALENDAR_DAYS, 2, -1,
		    "2025-03-05T17:00:00+07:00", "UTC input" },
		{ "2026-02-13T16:00:00+07:00", CALENDAR_DAYS, 5, -1,
		    "2026-03-02T17:00:00+07:00",
		    "16:00 on the working day before Tết 2026" },
		{ "2026-02-13T10:00:00+07:00", CALENDAR_DAYS, 5, -1,
		    "2026-02-27T17:00:00+07:00", "before Tết 2026, in time" },
		{ "2025-04-25T10:00:00+07:00", CALENDAR_DAYS, 3, -1,
		    "2025-04-29T17:00:00+07:00", "Saturday 26/4/2025 is worked" },
		{ "2025-04-26T10:00:00+07:00", CALENDAR_DAYS, 1, -1,
		    "2025-04-28T17:00:00+07:00", "received on a swap_work day" },
		{ "2025-04-29T10:00:00+07:00", CALENDAR_DAYS, 1, -1,
		    "2025-05-05T17:00:00+07:00", "over 30/4, 1/5 and 2/5" },
		{ "2025-03-03T10:00:00+07:00", CALENDAR_HOURS, 4, -1,
		    "2025-03-03T15:30:00+07:00", "hours across lunch" },
		{ "2025-03-03T10:30:00+07:00", CALENDAR_HOURS, 1, -1,
		    "2025-03-03T11:30:00+07:00", "ends at the period's end" },
		{ "2025-03-03T12:00:00+07:00", CALENDAR_HOURS, 1, -1,
		    "2025-03-03T14:00:00+07:00", "received at lunch" },
		{ "2025-03-07T14:00:00+07:00", CALENDAR_HOURS, 8, -1,
		    "2025-03-10T14:00:00+07:00", "lunch and a weekend" },
		{ "2025-03-07T16:00:00+07:00", CALENDAR_HOURS, 2, -1,
		    "2025-03-10T09:30:00+07:00", "hours after the cut-off" },
		{ "2025-03-07T16:00:00+07:00", CALENDAR_HOURS, 2, 1440,
		    "2025-03-10T08:30:00+07:00", "hours without cut-off" },
		{ "2025-03-03T10:00:00+07:00", CALENDAR_HOURS, 0, -1,
		    "2025-03-03T10:00:00+07:00", "zero hours" },
		{ "2025-04-29T16:00:00+07:00", CALENDAR_HOURS, 8, 1440,
		    "2025-05-05T16:00:00+07:00", "hours over the 30/4 break" },
	};
	struct calendar *cal = cal_with_data();

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int64_t due;
		char got[32];

		if (calendar_due(cal, at(t[i].from), t[i].unit, t[i].n,
		    t[i].cutoff, &due) != 0)
			fail_msg("%s: no result", t[i].why);
		time_format_iso(due, got);
		if (strcmp(got, t[i].due) != 0)
			fail_msg("%s: got %s, want %s", t[i].why, got, t[i].due);
	}
	calendar_free(cal);
}

static void
test_due_bad_input(void **state)
{
	struct calendar *cal = calendar_new();
	int64_t due, t = at("2025-03-03T10:00:00+07:00");

	(void)state;
	assert_int_equal(calendar_due(cal, t, CALENDAR_DAYS, -1, -1, &due), -1);
	assert_int_equal(calendar_due(cal, t, CALENDAR_DAYS, 3651, -1, &due),
	    -1);
	assert_int_equal(calendar_due(cal, t, CALENDAR_HOURS, -1, -1, &due),
	    -1);
	assert_int_equal(calendar_due(cal, t, CALENDAR_UNIT__MAX, 1, -1, &due),
	    -1);
	assert_int_equal(calendar_due(cal, t, (enum calendar_unit)-1, 1, -1,
	    &due), -1);
	assert_int_equal(calendar_due(cal, t, CALENDAR_DAYS, 1, 1441, &due), -1);
	assert_int_equal(calendar_due(cal, t, CALENDAR_DAYS, 1, -2, &due), -1);
	assert_int_equal(calendar_due(cal, t, CALENDAR_DAYS, 1, -1, NULL), -1);
	/* instants built by hand: the ISO parser need not know year 1800 */
	assert_int_equal(calendar_due(cal,
	    time_days_from_civil(1800, 1, 1) * 86400 + 36000, CALENDAR_DAYS,
	    1, -1, &due), -1);
	assert_int_equal(calendar_due(cal,
	    time_days_from_civil(2199, 12, 20) * 86400 + 36000, CALENDAR_DAYS,
	    3650, -1, &due), -1);
	assert_int_equal(calendar_due(cal, INT64_MAX, CALENDAR_DAYS, 1, -1,
	    &due), -1);
	assert_int_equal(calendar_due(cal, INT64_MIN, CALENDAR_HOURS, 1, -1,
	    &due), -1);
	/* the largest limits still work inside the range */
	assert_int_equal(calendar_due(cal, t, CALENDAR_DAYS, 3650, -1, &due), 0);
	assert_int_equal(calendar_due(cal, t, CALENDAR_HOURS, 3650, -1, &due),
	    0);
	{
		struct lunar_date ld = { 30, 12, 2024, 0 }; /* 29-day month */
		int y, m, d;

		assert_int_equal(lunar_from_solar(2025, 2, 30, &ld), -1);
		assert_int_equal(lunar_from_solar(1800, 1, 1, &ld), -1);
		assert_int_equal(lunar_from_solar(2200, 1, 1, &ld), -1);
		assert_int_equal(lunar_from_solar(2025, 13, 1, &ld), -1);
		ld = (struct lunar_date){ 30, 12, 2024, 0 };
		assert_int_equal(lunar_to_solar(&ld, &y, &m, &d), -1);
		ld = (struct lunar_date){ 1, 13, 2024, 0 };
		assert_int_equal(lunar_to_solar(&ld, &y, &m, &d), -1);
		ld = (struct lunar_date){ 1, 1, 1899, 0 };
		assert_int_equal(lunar_to_solar(&ld, &y, &m, &d), -1);
		ld = (struct lunar_date){ 1, 1, 2200, 0 };
		assert_int_equal(lunar_to_solar(&ld, &y, &m, &d), -1);
		assert_int_equal(lunar_leap_month(1800), -1);
	}
	calendar_free(cal);
}

static void
test_classify(void **state)
{
	/* Due on Tuesday 29/4/2025 at 17:00, the day before the 30/4 break. */
	static const struct {
		const char *finished;
		enum calendar_class want;
	} t[] = {
		{ "2025-04-28T17:00:00+07:00", CALENDAR_EARLY },
		{ "2025-04-28T23:59:59+07:00", CALENDAR_EARLY },
		{ "2025-04-29T00:00:00+07:00", CALENDAR_ON_TIME },
		{ "2025-04-29T07:30:00+07:00", CALENDAR_ON_TIME },
		{ "2025-04-29T16:59:00+07:00", CALENDAR_ON_TIME },
		{ "2025-04-29T17:00:00+07:00", CALENDAR_ON_TIME },
		{ "2025-04-29T17:01:00+07:00", CALENDAR_LATE },
		{ "2025-04-29T23:00:00+07:00", CALENDAR_LATE },
		{ "2025-04-30T09:00:00+07:00", CALENDAR_LATE },
		{ "2025-04-28T17:30:00Z", CALENDAR_ON_TIME }, /* 00:30 on 29/4 */
	};
	int64_t due = at("2025-04-29T17:00:00+07:00");

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (calendar_classify(at(t[i].finished), due) != t[i].want)
			fail_msg("%s: want %s", t[i].finished,
			    calendar_class_name(t[i].want));
	assert_string_equal(calendar_class_name(CALENDAR_ON_TIME), "on_time");
	assert_null(calendar_class_name(CALENDAR_CLASS__MAX));
	assert_string_equal(calendar_kind_name(CALENDAR_SWAP_WORK), "swap_work");
	assert_null(calendar_kind_name(CALENDAR_KIND__MAX));
}

static void
test_work_seconds_and_apology(void **state)
{
	static const struct {
		const char *from, *to;
		int64_t secs;
	} w[] = {
		{ "2025-03-03T10:00:00+07:00", "2025-03-03T15:30:00+07:00", 4 * 3600 },
		{ "2025-03-07T16:00:00+07:00", "2025-03-10T08:00:00+07:00", 5400 },
		{ "2025-03-10T08:00:00+07:00", "2025-03-07T16:00:00+07:00", -5400 },
		{ "2025-04-29T16:00:00+07:00", "2025-05-05T08:00:00+07:00", 5400 },
		{ "2025-03-03T12:00:00+07:00", "2025-03-03T12:30:00+07:00", 0 },
		{ "2025-03-03T00:00:00+07:00", "2025-03-10T00:00:00+07:00",
		    5 * 8 * 3600 },
	};
	static const struct {
		const char *now, *due;
		int want;
	} a[] = {
		{ "2025-03-04T17:00:00+07:00", "2025-03-05T17:00:00+07:00", 1 },
		{ "2025-03-04T16:59:00+07:00", "2025-03-05T17:00:00+07:00", 0 },
		{ "2025-03-04T18:00:00+07:00", "2025-03-05T17:00:00+07:00", 1 },
		{ "2025-03-05T10:00:00+07:00", "2025-03-05T17:00:00+07:00", 1 },
		{ "2025-03-05T17:00:00+07:00", "2025-03-05T17:00:00+07:00", 0 },
		{ "2025-03-06T09:00:00+07:00", "2025-03-05T17:00:00+07:00", 0 },
		{ "2025-03-07T17:00:00+07:00", "2025-03-10T17:00:00+07:00", 1 },
		{ "2025-03-07T16:00:00+07:00", "2025-03-10T17:00:00+07:00", 0 },
		/* due the day after the 30/4 break: 29/4 evening is the limit */
		{ "2025-04-29T17:00:00+07:00", "2025-05-05T17:00:00+07:00", 1 },
		{ "2025-04-29T16:00:00+07:00", "2025-05-05T17:00:00+07:00", 0 },
	};
	struct calendar *cal = cal_with_data();
	int64_t s;

	(void)state;
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		assert_int_equal(calendar_work_seconds(cal, at(w[i].from),
		    at(w[i].to), &s), 0);
		if (s != w[i].secs)
			fail_msg("%s..%s: %lld s, want %lld", w[i].from, w[i].to,
			    (long long)s, (long long)w[i].secs);
	}
	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		if (calendar_due_within_one_workday(cal, at(a[i].now),
		    at(a[i].due)) != a[i].want)
			fail_msg("now %s due %s: want %d", a[i].now, a[i].due,
			    a[i].want);
	assert_int_equal(calendar_work_seconds(cal, INT64_MIN, 0, &s), -1);
	assert_int_equal(calendar_due_within_one_workday(cal, 0, INT64_MAX), -1);
	calendar_free(cal);
}

static void
test_hours_config(void **state)
{
	struct calendar *cal = calendar_new();
	struct calendar_hours h;
	int64_t due;
	char err[256];

	(void)state;
	calendar_get_hours(cal, &h);
	assert_int_equal(h.nperiods, 2);
	assert_int_equal(h.period[0].start, 450);
	assert_int_equal(h.period[1].end, 1020);
	assert_int_equal(h.cutoff, 900);
	assert_int_equal(h.weekdays, 0x1f);
	/* overlapping periods, no working day, bad cut-off */
	h.period[1].start = 600;
	assert_int_equal(calendar_set_hours(cal, &h, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "period[1]"));
	calendar_get_hours(cal, &h);
	h.weekdays = 0;
	assert_int_equal(calendar_set_hours(cal, &h, err, sizeof(err)), -1);
	h.weekdays = 0x1f;
	h.cutoff = 2000;
	assert_int_equal(calendar_set_hours(cal, &h, err, sizeof(err)), -1);
	h.nperiods = 0;
	assert_int_equal(calendar_set_hours(cal, &h, err, sizeof(err)), -1);
	/* Saturday mornings worked, one period 08:00-12:00 */
	h = (struct calendar_hours){ .nperiods = 1,
		.period = { { 8 * 60, 12 * 60 } }, .weekdays = 0x3f,
		.cutoff = 11 * 60 };
	assert_int_equal(calendar_set_hours(cal, &h, err, sizeof(err)), 0);
	assert_int_equal(calendar_is_workday(cal, day_of("2025-03-08")), 1);
	assert_int_equal(calendar_due(cal, at("2025-03-07T10:00:00+07:00"),
	    CALENDAR_DAYS, 1, -1, &due), 0);
	assert_instant(due, "2025-03-08T12:00:00+07:00");
	assert_int_equal(calendar_due(cal, at("2025-03-07T10:00:00+07:00"),
	    CALENDAR_HOURS, 3, -1, &due), 0);
	assert_instant(due, "2025-03-08T09:00:00+07:00");
	calendar_free(cal);
}

/* ---- concurrency: readers while the tables are replaced ---------------- */

struct reader_arg {
	struct calendar *cal;
	int failures;
};

static void *
reader(void *p)
{
	struct reader_arg *a = p;
	int64_t from = at("2026-02-13T16:00:00+07:00"), want;
	int64_t due;

	want = at("2026-03-02T17:00:00+07:00");
	for (int i = 0; i < 20000; i++)
		if (calendar_due(a->cal, from, CALENDAR_DAYS, 5, -1, &due) != 0 ||
		    due != want)
			a->failures++;
	return NULL;
}

static void
test_concurrent_reload(void **state)
{
	struct calendar *cal = cal_with_data();
	struct reader_arg args[4];
	pthread_t th[4];
	char *text = calendar_year_json(cal, 2026), err[512];

	(void)state;
	assert_non_null(text);
	for (int i = 0; i < 4; i++) {
		args[i] = (struct reader_arg){ cal, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, reader, &args[i]), 0);
	}
	for (int i = 0; i < 50; i++)
		assert_int_equal(calendar_load_year_json(cal, text, err,
		    sizeof(err)), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(args[i].failures, 0);
	}
	free(text);
	calendar_free(cal);
}

/* ---- CLI --------------------------------------------------------------- */

static void
test_cli(void **state)
{
	static const struct {
		const char *args[8];
		int rc;
		const char *out; /* expected stdout (exact), or NULL */
		const char *contains; /* expected in stdout or stderr */
	} t[] = {
		{ { "calendar", "lunar", "2030-02-02" }, 0,
		    "{\"solar\":\"2030-02-02\",\"lunar\":{\"day\":1,\"month\":1,"
		    "\"year\":2030,\"leap\":false},\"year_name\":\"Canh Tuất\"}\n",
		    NULL },
		{ { "calendar", "solar", "2025-06-01", "--leap" }, 0,
		    "{\"solar\":\"2025-07-25\",\"lunar\":{\"day\":1,\"month\":6,"
		    "\"year\":2025,\"leap\":true},\"year_name\":\"Ất Tỵ\"}\n",
		    NULL },
		{ { "calendar", "solar", "2025-12-30" }, 2, NULL,
		    "không tồn tại" },
		{ { "calendar", "due", "--from", "2026-02-13T16:00:00+07:00",
		    "--days", "5" }, 0,
		    "{\"from\":\"2026-02-13T16:00:00+07:00\",\"due\":"
		    "\"2026-03-02T17:00:00+07:00\"}\n", NULL },
		{ { "calendar", "due", "--from", "2025-03-03T10:00:00+07:00",
		    "--hours", "4", "--cutoff", "09:00" }, 0,
		    "{\"from\":\"2025-03-03T10:00:00+07:00\",\"due\":"
		    "\"2025-03-04T11:30:00+07:00\"}\n", NULL },
		{ { "calendar", "holidays", "2025" }, 0, NULL,
		    "{\"date\":\"2025-04-26\",\"name\":\"Làm bù cho thứ Sáu 02/5\","
		    "\"kind\":\"swap_work\"}" },
		{ { "calendar", "lunar", "2025-02-30" }, 2, NULL, "không hợp lệ" },
		{ { "calendar", "lunar", "1800-01-01" }, 2, NULL, "không hợp lệ" },
		{ { "calendar", "lunar", "hôm nay" }, 2, NULL, "không hợp lệ" },
		{ { "calendar", "lunar" }, 2, NULL, "Cách dùng" },
		{ { "calendar", "holidays", "1800" }, 2, NULL, "năm" },
		{ { "calendar", "holidays", "20x5" }, 2, NULL, "năm" },
		{ { "calendar", "due", "--from", "2025-03-03T10:00:00+07:00",
		    "--days", "-1" }, 2, NULL, "thời hạn" },
		{ { "calendar", "due", "--from", "2025-03-03T10:00:00+07:00",
		    "--days", "1", "--hours", "1" }, 2, NULL, "đúng một" },
		{ { "calendar", "due", "--from", "garbage", "--days", "1" }, 2,
		    NULL, "thời điểm" },
		{ { "calendar", "due", "--from", "2025-03-03T10:00:00+07:00",
		    "--days", "1", "--cutoff", "25:00" }, 2, NULL, "HH:MM" },
		{ { "calendar", "due", "--from" }, 2, NULL, "Cách dùng" },
		{ { "calendar", "nope" }, 2, NULL, "lệnh không rõ" },
		{ { "calendar", "help" }, 0, NULL, "Cách dùng" },
	};
	struct calendar *cal = cal_with_data();

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *obuf = NULL, *ebuf = NULL;
		size_t olen = 0, elen = 0;
		FILE *out = open_memstream(&obuf, &olen);
		FILE *err = open_memstream(&ebuf, &elen);
		int argc = 0, rc;

		assert_true(out != NULL && err != NULL);
		while (argc < 8 && t[i].args[argc] != NULL)
			argc++;
		rc = calendar_cli(cal, argc, (char **)t[i].args, out, err);
		fclose(out);
		fclose(err);
		if (rc != t[i].rc)
			fail_msg("%s %s: rc %d, want %d (%s)", t[i].args[1],
			    argc > 2 ? t[i].args[2] : "", rc, t[i].rc, ebuf);
		if (t[i].out != NULL)
			assert_string_equal(obuf, t[i].out);
		if (t[i].contains != NULL && strstr(obuf, t[i].contains) == NULL &&
		    strstr(ebuf, t[i].contains) == NULL)
			fail_msg("%s: \"%s\" not in output (%s%s)", t[i].args[1],
			    t[i].contains, obuf, ebuf);
		free(obuf);
		free(ebuf);
	}
	calendar_free(cal);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tet_and_gio_to),
		cmocka_unit_test(test_leap_months),
		cmocka_unit_test(test_round_trip_1900_2199),
		cmocka_unit_test(test_year_names),
		cmocka_unit_test(test_default_holidays),
		cmocka_unit_test(test_notice_2025),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_year_json_round_trip),
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_due_bad_input),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_work_seconds_and_apology),
		cmocka_unit_test(test_hours_config),
		cmocka_unit_test(test_concurrent_reload),
		cmocka_unit_test(test_cli),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
