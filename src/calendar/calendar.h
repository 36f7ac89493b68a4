/*
 * calendar: the Vietnamese lunar calendar, public holidays, office hours and
 * the legal deadlines computed from them.  Pure logic: no I/O except
 * calendar_load_dir() and calendar_cli(), no "now" (callers pass instants).
 *
 * Instants are int64 Unix seconds (UTC); civil dates are Vietnam dates
 * (UTC+7, no summer time); a "day number" is days since 1970-01-01 as in
 * core's time_days_from_civil().  Everything is defined for the solar dates
 * 1900-01-01 .. 2199-12-31 and answers -1 outside them.
 *
 * Thread safety: lunar_* functions are pure (a lazily built, then read-only
 * table behind pthread_once).  A struct calendar may be read from any number
 * of threads while another replaces a year table or the office hours.
 */
#ifndef MOTCUA_CALENDAR_H
#define MOTCUA_CALENDAR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CALENDAR_YEAR_MIN 1900
#define CALENDAR_YEAR_MAX 2199
/* Largest limit calendar_due() accepts, in days or hours. */
#define CALENDAR_LIMIT_MAX 3650
/* Size of a day's name including the NUL (names are UTF-8). */
#define CALENDAR_NAME_MAX 192
#define CALENDAR_PERIODS_MAX 4

/* ---- lunar calendar (lunar.c) ------------------------------------------ */

struct lunar_date {
	int day; /* 1..30 */
	int month; /* 1..12 */
	int year; /* the lunar year, numbered like the solar year it mostly overlaps */
	int leap; /* 1 in a leap (intercalary) month */
};

/* Lunar date of solar y-m-d (Vietnam, UTC+7).  0, or -1 for a date that does
 * not exist or lies outside 1900-01-01..2199-12-31. */
int lunar_from_solar(int y, int m, int d, struct lunar_date *out);
/* Same for a day number. */
int lunar_from_days(int64_t days, struct lunar_date *out);
/* Solar date of a lunar date.  -1 when it does not exist (day 30 of a
 * 29-day month, leap flag on a month that is not leap that year) or when
 * the solar date would lie outside 1900-01-01..2199-12-31. */
int lunar_to_solar(const struct lunar_date *ld, int *y, int *m, int *d);
/* Same, as a day number. */
int lunar_to_days(const struct lunar_date *ld, int64_t *days);
/* Leap month (1..12) of lunar year `year`, 0 when it has none, -1 outside
 * 1900..2199. */
int lunar_leap_month(int year);
/* Can-chi name of a lunar year with full diacritics ("Bính Ngọ") into out;
 * 0, or -1 when out is too small (24 bytes always suffice). */
int lunar_year_name(int year, char *out, size_t outsz);

/* ---- holidays and working days (holidays.c) ---------------------------- */

/* What a listed day is.  Every kind but CALENDAR_SWAP_WORK is a day off. */
enum calendar_kind {
	CALENDAR_HOLIDAY, /* "holiday": a public holiday (Labor Code Art. 112) */
	CALENDAR_TET, /* "tet": one of the Tết Nguyên đán days */
	CALENDAR_COMPENSATORY, /* "compensatory": nghỉ bù (Art. 111.3) */
	CALENDAR_SWAP_OFF, /* "swap_off": weekday off, worked on another day */
	CALENDAR_SWAP_WORK, /* "swap_work": Saturday/Sunday worked (làm bù) */
	CALENDAR_KIND__MAX
};

/* JSON name of a kind ("holiday", "tet", ...); NULL for a bad value. */
const char *calendar_kind_name(enum calendar_kind k);

struct calendar_day {
	int64_t day; /* day number */
	enum calendar_kind kind;
	char name[CALENDAR_NAME_MAX]; /* Vietnamese, UTF-8 */
};

/* Office hours.  Periods are [start, end) in minutes after midnight,
 * ascending and disjoint; the default is 07:30-11:30 and 13:00-17:00. */
struct calendar_hours {
	int nperiods; /* 1..CALENDAR_PERIODS_MAX */
	struct {
		int start, end;
	} period[CALENDAR_PERIODS_MAX];
	unsigned weekdays; /* bit 0 Monday .. bit 6 Sunday; default 0x1f */
	int cutoff; /* minute of day (default 900 = 15:00); 1440 = no cut-off */
};

struct calendar;

/* New calendar with the default office hours and computed holidays only;
 * NULL on ENOMEM.  The caller owns it and frees it with calendar_free(). */
struct calendar *calendar_new(void);
/* NULL-safe.  No other thread may be using cal. */
void calendar_free(struct calendar *cal);
/* Copy of the current office hours into *out. */
void calendar_get_hours(struct calendar *cal, struct calendar_hours *out);
/* Replace the office hours; 0, or -1 with a Vietnamese reason in err (the
 * calendar is unchanged). */
int calendar_set_hours(struct calendar *cal, const struct calendar_hours *h,
    char *err, size_t errsz);
/* Parse, validate and install one year's notice table (format: see
 * docs/CALENDAR.md); it replaces the computed holidays of that year and any
 * earlier table.  0, or -1 with err naming the bad field (nothing changed). */
int calendar_load_year_json(struct calendar *cal, const char *json_text,
    char *err, size_t errsz);
/* Validate a year's table without installing it (for an API that must
 * check the year against its URL first); 0 with *year set, or -1 with err
 * as calendar_load_year_json() gives it. */
int calendar_check_year_json(const char *json_text, int *year, char *err,
    size_t errsz);
/* Load every YYYY.json of directory dir at once (all or nothing); the
 * number of tables loaded, or -1 with err naming the file and field. */
int calendar_load_dir(struct calendar *cal, const char *dir, char *err,
    size_t errsz);
/* Drop year's table so the computed holidays apply again; 0, or -1 when no
 * table was loaded for that year. */
int calendar_remove_year(struct calendar *cal, int year);
/* 1 if a notice table is loaded for year, 0 if the computed holidays apply,
 * -1 outside 1900..2199. */
int calendar_year_loaded(struct calendar *cal, int year);
/* The year's table as JSON in the load format (the computed holidays when
 * no table is loaded), for the admin API; malloc'd, the caller frees it;
 * NULL outside 1900..2199 or on ENOMEM. */
char *calendar_year_json(struct calendar *cal, int year);
/* 1 if day is a working day, 0 if not, -1 outside the supported range. */
int calendar_is_workday(struct calendar *cal, int64_t day);
/* The listed days of a year (holidays, Tết, compensatory and swapped days)
 * in date order into a malloc'd array the caller frees with free(); *n is
 * its length.  0, or -1 outside 1900..2199 or on ENOMEM. */
int calendar_holidays(struct calendar *cal, int year, struct calendar_day **out,
    size_t *n);

/* ---- deadlines (workdays.c) -------------------------------------------- */

enum calendar_unit { CALENDAR_DAYS, CALENDAR_HOURS, CALENDAR_UNIT__MAX };

/* Due instant of a limit of n working days or hours (0..CALENDAR_LIMIT_MAX)
 * for a dossier received at received_at, with a cut-off in minutes after
 * midnight (0..1440, or -1 for the calendar's).  Rules: docs/CALENDAR.md.
 * 0, or -1 on bad input or a result outside the supported range. */
int calendar_due(struct calendar *cal, int64_t received_at,
    enum calendar_unit unit, int n, int cutoff_minute, int64_t *due);
/* Working seconds (inside office hours of working days) from `from` to
 * `to`; negative when to < from.  0, or -1 outside the supported range. */
int calendar_work_seconds(struct calendar *cal, int64_t from, int64_t to,
    int64_t *out);

enum calendar_class {
	CALENDAR_EARLY, /* finished before the due day (trước hạn) */
	CALENDAR_ON_TIME, /* on the due day, by the due time (đúng hạn) */
	CALENDAR_LATE, /* after the due time (quá hạn) */
	CALENDAR_CLASS__MAX
};

/* Classification of a finish time against a due time (Circular 01/2018
 * Art. 13), comparing Vietnam dates. */
enum calendar_class calendar_classify(int64_t finished_at, int64_t due);
/* "early", "on_time", "late"; NULL for a bad value. */
const char *calendar_class_name(enum calendar_class c);
/* 1 if now is before due and at most one working day (the length of the
 * office hours) of working time remains, i.e. the last moment for an
 * apology (Mẫu 04) has come; 0 if not; -1 on bad input. */
int calendar_due_within_one_workday(struct calendar *cal, int64_t now,
    int64_t due);

/* ---- CLI (calendar_cli.c) ---------------------------------------------- */

/* `motcua calendar ...`: argv[0] is "calendar".  Writes JSON to out and
 * Vietnamese messages to err; returns the exit code (0, or 2 on usage or
 * bad input). */
int calendar_cli(struct calendar *cal, int argc, char **argv, FILE *out,
    FILE *err);
/* The CLI's and the API's date JSON, {"solar", "lunar": {day, month, year,
 * leap}, "year_name"}: a new jansson json_t * the caller json_decref()s;
 * NULL on ENOMEM. */
void *calendar_lunar_json(const char *solar, const struct lunar_date *ld);
/* A lunar date "YYYY-MM-DD" by shape (month 1..12, day 1..30; whether it
 * exists is lunar_to_solar()'s question); 0 or -1. */
int calendar_parse_lunar(const char *s, int *y, int *m, int *d);
/* "HH:MM", 00:00..24:00, into minutes after midnight; 0 or -1. */
int calendar_parse_hhmm(const char *s, int *out);

/* ---- module-internal: shared by the files of src/calendar only --------- */

/* A read-only view of a calendar, valid between acquire and release (the
 * calendar's read lock is held in between, so keep it short). */
struct calendar_view {
	const uint8_t *work; /* bit per day from day0: 1 = working day */
	int64_t day0, nday;
	struct calendar_hours hours;
};

void calendar_view_acquire(struct calendar *cal, struct calendar_view *v);
void calendar_view_release(struct calendar *cal);

#endif
