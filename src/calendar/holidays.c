/*
 * Public holidays and the working-day table.
 *
 * Two sources decide whether a day is worked:
 *   - computed defaults, by legal regime: Labor Code 2012 (Art. 110, 115)
 *     for years up to 2020, Labor Code 2019 (Art. 111, 112) from 2021;
 *   - a per-year notice table (the Prime Minister's yearly decisions as
 *     announced by the ministry), loaded from JSON.  A loaded table
 *     replaces the computed days of its year entirely, because the notices
 *     move days around (Tết days, the second National Day, swaps) in ways
 *     that cannot be merged with the defaults day by day.
 * Format and choices: docs/CALENDAR.md.
 *
 * Readers (is_workday, deadlines, lists) take the read side of a rwlock for
 * the few microseconds they need; a writer builds the new state (tables and
 * a bitmap of every working day 1900-2199, 14 KB) outside the lock and only
 * swaps pointers under the write lock.  Writers are serialised by a mutex.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
/* For glibc's writer-preferring rwlock kind: with the default kind a steady
 * stream of readers can starve an admin's table update for ever. */
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/core.h"
#include "calendar.h"

#define NYEARS (CALENDAR_YEAR_MAX - CALENDAR_YEAR_MIN + 1)
#define TABLE_DAYS_MAX 400 /* entries in one year's table */
#define TEXT_MAX 4096 /* bytes of a source, source_note or note */
#define JSON_MAX (1 << 20) /* bytes of one year's JSON */
#define DEFAULTS_MAX 32 /* computed days of one year, with compensations */

struct cal_entry {
	int64_t day;
	enum calendar_kind kind;
	char name[CALENDAR_NAME_MAX];
	char *note; /* owned, may be NULL */
	char *source; /* owned, may be NULL */
};

/* One year's notice table; immutable once installed. */
struct cal_year {
	int year;
	char *source; /* owned */
	char *source_note; /* owned, may be NULL */
	size_t n;
	struct cal_entry *e; /* owned, sorted by day, days unique */
};

struct calendar {
	pthread_mutex_t wmu; /* serialises writers */
	pthread_rwlock_t lock; /* readers vs. the pointer swap */
	struct calendar_hours hours;
	struct cal_year *years[NYEARS]; /* owned; NULL = computed defaults */
	uint8_t *work; /* owned bitmap: bit (day - day0) set = working day */
	int64_t day0, nday;
};

static const char *const kind_names[CALENDAR_KIND__MAX] = {
	[CALENDAR_HOLIDAY] = "holiday",
	[CALENDAR_TET] = "tet",
	[CALENDAR_COMPENSATORY] = "compensatory",
	[CALENDAR_SWAP_OFF] = "swap_off",
	[CALENDAR_SWAP_WORK] = "swap_work",
};

static const struct calendar_hours default_hours = {
	.nperiods = 2,
	.period = { { 7 * 60 + 30, 11 * 60 + 30 }, { 13 * 60, 17 * 60 } },
	.weekdays = 0x1f,
	.cutoff = 15 * 60,
};

const char *
calendar_kind_name(enum calendar_kind k)
{
	if ((unsigned)k >= CALENDAR_KIND__MAX)
		return NULL;
	return kind_names[k];
}

static int
cal_kind_parse(const char *s)
{
	for (int k = 0; k < CALENDAR_KIND__MAX; k++)
		if (strcmp(s, kind_names[k]) == 0)
			return k;
	return -1;
}

static void
cal_year_free(struct cal_year *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->e[i].note);
		free(t->e[i].source);
	}
	free(t->e);
	free(t->source);
	free(t->source_note);
	free(t);
}

/* ---- computed defaults ------------------------------------------------- */

/* Short names, used for a holiday and for "Nghỉ bù <name>". */
enum feast { F_NEWYEAR, F_TET, F_HUNG, F_VICTORY, F_LABOUR, F_NATIONAL,
	F__MAX };

static const char *const feast_names[F__MAX] = {
	[F_NEWYEAR] = "Tết Dương lịch",
	[F_TET] = "Tết Nguyên đán",
	[F_HUNG] = "Giỗ Tổ Hùng Vương",
	[F_VICTORY] = "Ngày Chiến thắng",
	[F_LABOUR] = "Ngày Quốc tế lao động",
	[F_NATIONAL] = "Quốc khánh",
};

struct dflt {
	struct calendar_day d;
	enum feast f;
};

static int
cal_weekday_works(unsigned weekdays, int64_t day)
{
	return (weekdays >> time_weekday(day)) & 1;
}

/* Add a day off to the sorted list; a second feast on the same day (Giỗ
 * Tổ can meet 30/4 after a leap 2nd month) joins the first's name. */
static void
dflt_add(struct dflt *v, size_t *n, int64_t day, enum calendar_kind kind,
    enum feast f, const char *name)
{
	size_t i;

	for (i = 0; i < *n && v[i].d.day < day; i++)
		;
	if (i < *n && v[i].d.day == day) {
		size_t len = strlen(v[i].d.name);

		snprintf(v[i].d.name + len, sizeof(v[i].d.name) - len, "; %s",
		    name);
		return;
	}
	if (*n == DEFAULTS_MAX)
		return; /* cannot happen: a year has about 15 such days */
	memmove(&v[i + 1], &v[i], (*n - i) * sizeof(*v));
	v[i].d.day = day;
	v[i].d.kind = kind;
	v[i].f = f;
	snprintf(v[i].d.name, sizeof(v[i].d.name), "%s", name);
	(*n)++;
}

static int
dflt_has(const struct dflt *v, size_t n, int64_t day)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].d.day == day)
			return 1;
	return 0;
}

/*
 * The days off of `year` by law, without any notice: 1/1; Tết = the last
 * day of the lunar year and the first four of the new one (the usual
 * split of the five days; the yearly decision may choose others); Giỗ Tổ
 * (lunar 10/3); 30/4; 1/5; 2/9 and, from 2021, one adjacent day; then a
 * compensatory day (the next working day not already off) for every
 * holiday on a weekly rest day.  Returns the count (sorted by day).
 */
static size_t
holidays_default(int year, unsigned weekdays, struct dflt *v)
{
	/* Adjacent National Day by weekday of 2/9 (0 = Monday): the day the
	 * notices of 2021-2026 chose -- the one that joins the weekend, 1/9
	 * when neither does (2026).  For Monday and Sunday 1/9 is itself a
	 * weekend day, so 3/9 is taken: the same days end up off. */
	static const int adjacent[7] = { 3, 1, 1, 3, 1, 1, 3 };
	char name[CALENDAR_NAME_MAX];
	struct lunar_date ld = { 1, 1, year, 0 };
	int64_t tet, day;
	size_t n = 0, i;

	dflt_add(v, &n, time_days_from_civil(year, 1, 1), CALENDAR_HOLIDAY,
	    F_NEWYEAR, feast_names[F_NEWYEAR]);
	if (lunar_to_days(&ld, &tet) == 0) {
		struct lunar_date last;

		if (lunar_from_days(tet - 1, &last) == 0) {
			snprintf(name, sizeof(name), "%s (%d tháng Chạp)",
			    feast_names[F_TET], last.day);
			dflt_add(v, &n, tet - 1, CALENDAR_TET, F_TET, name);
		}
		for (int i4 = 0; i4 < 4; i4++) {
			snprintf(name, sizeof(name), "%s (mùng %d tháng Giêng)",
			    feast_names[F_TET], i4 + 1);
			dflt_add(v, &n, tet + i4, CALENDAR_TET, F_TET, name);
		}
	}
	ld = (struct lunar_date){ 10, 3, year, 0 };
	if (lunar_to_days(&ld, &day) == 0) {
		snprintf(name, sizeof(name), "%s (10/3 âm lịch)",
		    feast_names[F_HUNG]);
		dflt_add(v, &n, day, CALENDAR_HOLIDAY, F_HUNG, name);
	}
	dflt_add(v, &n, time_days_from_civil(year, 4, 30), CALENDAR_HOLIDAY,
	    F_VICTORY, "Ngày Chiến thắng (30/4)");
	dflt_add(v, &n, time_days_from_civil(year, 5, 1), CALENDAR_HOLIDAY,
	    F_LABOUR, "Ngày Quốc tế lao động (1/5)");
	day = time_days_from_civil(year, 9, 2);
	dflt_add(v, &n, day, CALENDAR_HOLIDAY, F_NATIONAL, "Quốc khánh (2/9)");
	if (year >= 2021)
		dflt_add(v, &n,
		    time_days_from_civil(year, 9, adjacent[time_weekday(day)]),
		    CALENDAR_HOLIDAY, F_NATIONAL, "Quốc khánh (ngày liền kề)");

	/* Compensation in date order, so that a later holiday is already in
	 * the list when an earlier one looks for its replacement day. */
	for (i = 0; i < n; i++) {
		int64_t d;
		int guard;

		if (v[i].d.kind == CALENDAR_COMPENSATORY ||
		    cal_weekday_works(weekdays, v[i].d.day))
			continue;
		for (d = v[i].d.day + 1, guard = 0; guard < 60; d++, guard++)
			if (cal_weekday_works(weekdays, d) && !dflt_has(v, n, d))
				break;
		if (guard == 60)
			continue;
		snprintf(name, sizeof(name), "Nghỉ bù %s", feast_names[v[i].f]);
		dflt_add(v, &n, d, CALENDAR_COMPENSATORY, v[i].f, name);
	}
	return n;
}

/* ---- the working-day bitmap -------------------------------------------- */

/* Set or clear bit i; indices outside [0, n) are ignored (every caller's
 * day lies in its year, this only keeps a slip from writing out of
 * bounds). */
static void
bit_put(uint8_t *b, int64_t n, int64_t i, int on)
{
	if (i < 0 || i >= n)
		return;
	if (on)
		b[i >> 3] |= (uint8_t)(1u << (i & 7));
	else
		b[i >> 3] &= (uint8_t)~(1u << (i & 7));
}

/* A new bitmap for these hours and tables; NULL on ENOMEM. */
static uint8_t *
cal_build(const struct calendar_hours *h, struct cal_year *const *years,
    int64_t day0, int64_t nday)
{
	uint8_t *b = calloc((size_t)(nday + 7) / 8, 1);
	struct dflt v[DEFAULTS_MAX];

	if (b == NULL)
		return NULL;
	for (int64_t i = 0; i < nday; i++)
		bit_put(b, nday, i, cal_weekday_works(h->weekdays, day0 + i));
	for (int y = CALENDAR_YEAR_MIN; y <= CALENDAR_YEAR_MAX; y++) {
		const struct cal_year *t = years[y - CALENDAR_YEAR_MIN];

		if (t != NULL) {
			for (size_t i = 0; i < t->n; i++)
				bit_put(b, nday, t->e[i].day - day0,
				    t->e[i].kind == CALENDAR_SWAP_WORK);
		} else {
			size_t n = holidays_default(y, h->weekdays, v);

			for (size_t i = 0; i < n; i++)
				bit_put(b, nday, v[i].d.day - day0, 0);
		}
	}
	return b;
}

/* ---- life cycle -------------------------------------------------------- */

struct calendar *
calendar_new(void)
{
	struct calendar *cal = calloc(1, sizeof(*cal));
	pthread_rwlockattr_t attr;

	if (cal == NULL)
		return NULL;
	cal->hours = default_hours;
	cal->day0 = time_days_from_civil(CALENDAR_YEAR_MIN, 1, 1);
	cal->nday = time_days_from_civil(CALENDAR_YEAR_MAX, 12, 31) + 1 -
	    cal->day0;
	cal->work = cal_build(&cal->hours, cal->years, cal->day0, cal->nday);
	if (cal->work == NULL)
		goto fail;
	if (pthread_rwlockattr_init(&attr) != 0)
		goto fail;
#if defined(__GLIBC__) && defined(__USE_GNU)
	pthread_rwlockattr_setkind_np(&attr,
	    PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
	if (pthread_rwlock_init(&cal->lock, &attr) != 0) {
		pthread_rwlockattr_destroy(&attr);
		goto fail;
	}
	pthread_rwlockattr_destroy(&attr);
	if (pthread_mutex_init(&cal->wmu, NULL) != 0) {
		pthread_rwlock_destroy(&cal->lock);
		goto fail;
	}
	return cal;
fail:
	free(cal->work);
	free(cal);
	return NULL;
}

void
calendar_free(struct calendar *cal)
{
	if (cal == NULL)
		return;
	for (int i = 0; i < NYEARS; i++)
		cal_year_free(cal->years[i]);
	free(cal->work);
	pthread_rwlock_destroy(&cal->lock);
	pthread_mutex_destroy(&cal->wmu);
	free(cal);
}

void
calendar_view_acquire(struct calendar *cal, struct calendar_view *v)
{
	pthread_rwlock_rdlock(&cal->lock);
	v->work = cal->work;
	v->day0 = cal->day0;
	v->nday = cal->nday;
	v->hours = cal->hours;
}

void
calendar_view_release(struct calendar *cal)
{
	pthread_rwlock_unlock(&cal->lock);
}

void
calendar_get_hours(struct calendar *cal, struct calendar_hours *out)
{
	pthread_rwlock_rdlock(&cal->lock);
	*out = cal->hours;
	pthread_rwlock_unlock(&cal->lock);
}

int
calendar_set_hours(struct calendar *cal, const struct calendar_hours *h,
    char *err, size_t errsz)
{
	uint8_t *b, *old;

	if (h->nperiods < 1 || h->nperiods > CALENDAR_PERIODS_MAX) {
		snprintf(err, errsz, "nperiods: cần từ 1 đến %d khoảng giờ làm việc",
		    CALENDAR_PERIODS_MAX);
		return -1;
	}
	for (int i = 0; i < h->nperiods; i++) {
		int lo = i == 0 ? 0 : h->period[i - 1].end;

		if (h->period[i].start < lo || h->period[i].end > 1440 ||
		    h->period[i].start >= h->period[i].end) {
			snprintf(err, errsz, "period[%d]: khoảng giờ phải tăng dần, "
			    "không chồng nhau, trong 00:00-24:00", i);
			return -1;
		}
	}
	if (h->weekdays == 0 || h->weekdays > 0x7f) {
		snprintf(err, errsz, "weekdays: cần ít nhất một ngày làm việc "
		    "trong tuần (bit 0 = thứ Hai .. bit 6 = Chủ nhật)");
		return -1;
	}
	if (h->cutoff < 0 || h->cutoff > 1440) {
		snprintf(err, errsz, "cutoff: giờ tiếp nhận tối đa phải trong "
		    "00:00-24:00");
		return -1;
	}
	pthread_mutex_lock(&cal->wmu);
	b = cal_build(h, cal->years, cal->day0, cal->nday);
	if (b == NULL) {
		pthread_mutex_unlock(&cal->wmu);
		snprintf(err, errsz, "hết bộ nhớ");
		return -1;
	}
	pthread_rwlock_wrlock(&cal->lock);
	old = cal->work;
	cal->work = b;
	cal->hours = *h;
	pthread_rwlock_unlock(&cal->lock);
	pthread_mutex_unlock(&cal->wmu);
	free(old);
	return 0;
}

/* ---- reading a year's table -------------------------------------------- */

/* Copy of a JSON string member; -1 (with err) when it is not a string, is
 * empty while required, is too long, or holds control characters. */
static int
json_take_text(json_t *j, const char *path, int required, size_t max,
    char **out, char *err, size_t errsz)
{
	const char *s;
	size_t len;

	*out = NULL;
	if (j == NULL) {
		if (!required)
			return 0;
		snprintf(err, errsz, "%s: bắt buộc", path);
		return -1;
	}
	if (!json_is_string(j)) {
		snprintf(err, errsz, "%s: phải là chuỗi", path);
		return -1;
	}
	s = json_string_value(j);
	len = json_string_length(j);
	if (required && len == 0) {
		snprintf(err, errsz, "%s: không được rỗng", path);
		return -1;
	}
	if (len > max) {
		snprintf(err, errsz, "%s: dài quá %zu byte", path, max);
		return -1;
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\n') {
			snprintf(err, errsz, "%s: chứa ký tự điều khiển", path);
			return -1;
		}
	*out = strndup(s, len);
	if (*out == NULL) {
		snprintf(err, errsz, "hết bộ nhớ");
		return -1;
	}
	return 0;
}

/* Reject members other than the allowed ones, naming the first stranger. */
static int
json_only(json_t *obj, const char *const *allowed, const char *prefix,
    char *err, size_t errsz)
{
	const char *key;
	json_t *val;

	json_object_foreach (obj, key, val) {
		int ok = 0;

		for (size_t i = 0; allowed[i] != NULL; i++)
			ok |= strcmp(key, allowed[i]) == 0;
		if (!ok) {
			snprintf(err, errsz, "%s%s: trường không được phép", prefix,
			    key);
			return -1;
		}
	}
	return 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct cal_entry *x = a, *y = b;

	return (x->day > y->day) - (x->day < y->day);
}

static int
cal_entry_parse(json_t *o, size_t i, int year, struct cal_entry *e, char *err,
    size_t errsz)
{
	static const char *const allowed[] = { "date", "kind", "name", "note",
		"source", NULL };
	char path[48], prefix[32], *s = NULL;
	int y, m, d, k, rc = -1;

	snprintf(prefix, sizeof(prefix), "days[%zu].", i);
	if (!json_is_object(o)) {
		snprintf(err, errsz, "days[%zu]: phải là đối tượng", i);
		goto out;
	}
	if (json_only(o, allowed, prefix, err, errsz) == -1)
		goto out;

	snprintf(path, sizeof(path), "%sdate", prefix);
	if (json_take_text(json_object_get(o, "date"), path, 1, 16, &s, err,
	    errsz) == -1)
		goto out;
	if (time_parse_date(s, &y, &m, &d) == -1) {
		snprintf(err, errsz, "%s: ngày không hợp lệ \"%s\" (cần YYYY-MM-DD)",
		    path, s);
		goto out;
	}
	if (y != year) {
		snprintf(err, errsz, "%s: ngày %s không thuộc năm %d", path, s,
		    year);
		goto out;
	}
	e->day = time_days_from_civil(y, m, d);
	free(s);
	s = NULL;

	snprintf(path, sizeof(path), "%skind", prefix);
	if (json_take_text(json_object_get(o, "kind"), path, 1, 32, &s, err,
	    errsz) == -1)
		goto out;
	if ((k = cal_kind_parse(s)) == -1) {
		snprintf(err, errsz, "%s: \"%s\" không hợp lệ (holiday, tet, "
		    "compensatory, swap_off, swap_work)", path, s);
		goto out;
	}
	e->kind = (enum calendar_kind)k;
	/* A swap_work on a weekday is almost surely a typo in the date. */
	if (e->kind == CALENDAR_SWAP_WORK && time_weekday(e->day) < 5) {
		snprintf(err, errsz, "%s: swap_work phải rơi vào thứ Bảy hoặc "
		    "Chủ nhật", path);
		goto out;
	}
	free(s);
	s = NULL;

	snprintf(path, sizeof(path), "%sname", prefix);
	if (json_take_text(json_object_get(o, "name"), path, 1,
	    CALENDAR_NAME_MAX - 1, &s, err, errsz) == -1)
		goto out;
	snprintf(e->name, sizeof(e->name), "%s", s);

	snprintf(path, sizeof(path), "%snote", prefix);
	if (json_take_text(json_object_get(o, "note"), path, 0, TEXT_MAX, &e->note,
	    err, errsz) == -1)
		goto out;
	snprintf(path, sizeof(path), "%ssource", prefix);
	if (json_take_text(json_object_get(o, "source"), path, 0, TEXT_MAX,
	    &e->source, err, errsz) == -1)
		goto out;
	rc = 0;
out:
	free(s);
	return rc;
}

/* Parse and validate one year's table; the caller owns *out. */
static int
cal_year_parse(const char *text, struct cal_year **out, char *err,
    size_t errsz)
{
	static const char *const allowed[] = { "year", "source", "source_note",
		"days", NULL };
	struct cal_year *t = NULL;
	json_error_t jerr;
	json_t *root = NULL, *j, *days;
	json_int_t year;
	size_t i;
	int rc = -1;

	*out = NULL;
	if (text == NULL || strnlen(text, JSON_MAX + 1) > JSON_MAX) {
		snprintf(err, errsz, "JSON rỗng hoặc lớn quá %d byte", JSON_MAX);
		goto out;
	}
	root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(err, errsz, "JSON không hợp lệ (dòng %d, cột %d): %s",
		    jerr.line, jerr.column, jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		snprintf(err, errsz, "gốc JSON phải là đối tượng");
		goto out;
	}
	if (json_only(root, allowed, "", err, errsz) == -1)
		goto out;
	j = json_object_get(root, "year");
	if (!json_is_integer(j)) {
		snprintf(err, errsz, "year: bắt buộc, là số nguyên");
		goto out;
	}
	year = json_integer_value(j);
	if (year < CALENDAR_YEAR_MIN || year > CALENDAR_YEAR_MAX) {
		snprintf(err, errsz, "year: %lld ngoài khoảng %d-%d",
		    (long long)year, CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX);
		goto out;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errsz, "hết bộ nhớ");
		goto out;
	}
	t->year = (int)year;
	if (json_take_text(json_object_get(root, "source"), "source", 1, TEXT_MAX,
	    &t->source, err, errsz) == -1)
		goto out;
	if (json_take_text(json_object_get(root, "source_note"), "source_note", 0,
	    TEXT_MAX, &t->source_note, err, errsz) == -1)
		goto out;
	days = json_object_get(root, "days");
	if (!json_is_array(days)) {
		snprintf(err, errsz, "days: bắt buộc, là mảng");
		goto out;
	}
	if (json_array_size(days) > TABLE_DAYS_MAX) {
		snprintf(err, errsz, "days: nhiều quá %d ngày", TABLE_DAYS_MAX);
		goto out;
	}
	t->e = calloc(json_array_size(days) + 1, sizeof(*t->e));
	if (t->e == NULL) {
		snprintf(err, errsz, "hết bộ nhớ");
		goto out;
	}
	json_array_foreach (days, i, j) {
		/* counted before parsing, so a failure frees what it set */
		t->n = i + 1;
		if (cal_entry_parse(j, i, t->year, &t->e[i], err, errsz) == -1)
			goto out;
	}
	/* Duplicates: compare against the input order to name both. */
	for (i = 0; i < t->n; i++)
		for (size_t k = i + 1; k < t->n; k++)
			if (t->e[i].day == t->e[k].day) {
				snprintf(err, errsz, "days[%zu].date: trùng ngày với "
				    "days[%zu]", k, i);
				goto out;
			}
	qsort(t->e, t->n, sizeof(*t->e), entry_cmp);
	*out = t;
	t = NULL;
	rc = 0;
out:
	cal_year_free(t);
	json_decref(root);
	return rc;
}

/* Install tables (NULL entries are skipped), replacing those of the same
 * years; on success the calendar owns them.  0 or -1 (ENOMEM). */
static int
cal_install(struct calendar *cal, struct cal_year **tabs, size_t n)
{
	struct cal_year *years[NYEARS], *old[NYEARS];
	uint8_t *b, *oldb;

	pthread_mutex_lock(&cal->wmu);
	memcpy(years, cal->years, sizeof(years));
	memset(old, 0, sizeof(old));
	for (size_t i = 0; i < n; i++)
		if (tabs[i] != NULL) {
			int y = tabs[i]->year - CALENDAR_YEAR_MIN;

			/* the same year twice in one batch: the later wins */
			if (old[y] == NULL)
				old[y] = cal->years[y];
			else
				cal_year_free(years[y]);
			years[y] = tabs[i];
		}
	b = cal_build(&cal->hours, years, cal->day0, cal->nday);
	if (b == NULL) {
		pthread_mutex_unlock(&cal->wmu);
		return -1;
	}
	pthread_rwlock_wrlock(&cal->lock);
	memcpy(cal->years, years, sizeof(years));
	oldb = cal->work;
	cal->work = b;
	pthread_rwlock_unlock(&cal->lock);
	pthread_mutex_unlock(&cal->wmu);
	free(oldb);
	for (int y = 0; y < NYEARS; y++)
		cal_year_free(old[y]);
	return 0;
}

int
calendar_load_year_json(struct calendar *cal, const char *json_text,
    char *err, size_t errsz)
{
	struct cal_year *t;

	if (cal_year_parse(json_text, &t, err, errsz) == -1)
		return -1;
	if (cal_install(cal, &t, 1) == -1) {
		cal_year_free(t);
		snprintf(err, errsz, "hết bộ nhớ");
		return -1;
	}
	return 0;
}

int
calendar_check_year_json(const char *json_text, int *year, char *err,
    size_t errsz)
{
	struct cal_year *t;

	if (cal_year_parse(json_text, &t, err, errsz) == -1)
		return -1;
	if (year != NULL)
		*year = t->year;
	cal_year_free(t);
	return 0;
}

/* "2025.json" -> 2025; -1 for any other name. */
static int
cal_file_year(const char *name)
{
	int y = 0;

	for (int i = 0; i < 4; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		y = y * 10 + (name[i] - '0');
	}
	return strcmp(name + 4, ".json") == 0 ? y : -1;
}

/* Whole file into a malloc'd NUL-terminated string; NULL if unreadable or
 * larger than JSON_MAX. */
static char *
cal_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len;

	if (f == NULL)
		return NULL;
	if ((text = malloc(JSON_MAX + 2)) == NULL)
		goto out;
	len = fread(text, 1, JSON_MAX + 1, f);
	if (ferror(f) || len > JSON_MAX) {
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
calendar_load_dir(struct calendar *cal, const char *dir, char *err,
    size_t errsz)
{
	struct cal_year *tabs[NYEARS];
	struct dirent *de;
	DIR *d;
	size_t n = 0;
	int rc = -1;

	memset(tabs, 0, sizeof(tabs));
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errsz, "%s: không mở được thư mục: %s", dir,
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char path[4096], sub[512], *text;
		int y = cal_file_year(de->d_name), r;

		if (y == -1)
			continue;
		if (y < CALENDAR_YEAR_MIN || y > CALENDAR_YEAR_MAX) {
			snprintf(err, errsz, "%s: năm ngoài khoảng %d-%d",
			    de->d_name, CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX);
			goto out;
		}
		r = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (r < 0 || (size_t)r >= sizeof(path) ||
		    (text = cal_read_file(path)) == NULL) {
			snprintf(err, errsz, "%s: không đọc được hoặc lớn quá %d "
			    "byte", de->d_name, JSON_MAX);
			goto out;
		}
		r = cal_year_parse(text, &tabs[n], sub, sizeof(sub));
		free(text);
		if (r == -1) {
			snprintf(err, errsz, "%s: %s", de->d_name, sub);
			goto out;
		}
		if (tabs[n++]->year != y) {
			snprintf(err, errsz, "%s: year %d không khớp tên tệp",
			    de->d_name, tabs[n - 1]->year);
			goto out;
		}
	}
	if (cal_install(cal, tabs, n) == -1) {
		snprintf(err, errsz, "hết bộ nhớ");
		goto out;
	}
	rc = (int)n;
	n = 0; /* the calendar owns them now */
out:
	for (size_t i = 0; i < n; i++)
		cal_year_free(tabs[i]);
	closedir(d);
	return rc;
}

int
calendar_remove_year(struct calendar *cal, int year)
{
	struct cal_year *t;
	uint8_t *b, *oldb;
	int y = year - CALENDAR_YEAR_MIN;

	if (year < CALENDAR_YEAR_MIN || year > CALENDAR_YEAR_MAX)
		return -1;
	pthread_mutex_lock(&cal->wmu);
	if ((t = cal->years[y]) == NULL) {
		pthread_mutex_unlock(&cal->wmu);
		return -1;
	}
	/* Build as if it were gone: readers still see the old state. */
	cal->years[y] = NULL;
	b = cal_build(&cal->hours, cal->years, cal->day0, cal->nday);
	cal->years[y] = t;
	if (b == NULL) {
		pthread_mutex_unlock(&cal->wmu);
		return -1;
	}
	pthread_rwlock_wrlock(&cal->lock);
	cal->years[y] = NULL;
	oldb = cal->work;
	cal->work = b;
	pthread_rwlock_unlock(&cal->lock);
	pthread_mutex_unlock(&cal->wmu);
	free(oldb);
	cal_year_free(t);
	return 0;
}

int
calendar_year_loaded(struct calendar *cal, int year)
{
	int r;

	if (year < CALENDAR_YEAR_MIN || year > CALENDAR_YEAR_MAX)
		return -1;
	pthread_rwlock_rdlock(&cal->lock);
	r = cal->years[year - CALENDAR_YEAR_MIN] != NULL;
	pthread_rwlock_unlock(&cal->lock);
	return r;
}

int
calendar_is_workday(struct calendar *cal, int64_t day)
{
	int64_t i;
	int r = -1;

	pthread_rwlock_rdlock(&cal->lock);
	i = day - cal->day0;
	if (i >= 0 && i < cal->nday)
		r = (cal->work[i >> 3] >> (i & 7)) & 1;
	pthread_rwlock_unlock(&cal->lock);
	return r;
}

int
calendar_holidays(struct calendar *cal, int year, struct calendar_day **out,
    size_t *n)
{
	const struct cal_year *t;
	struct dflt v[DEFAULTS_MAX];
	struct calendar_day *r;
	size_t cnt;
	int rc = -1;

	*out = NULL;
	*n = 0;
	if (year < CALENDAR_YEAR_MIN || year > CALENDAR_YEAR_MAX)
		return -1;
	pthread_rwlock_rdlock(&cal->lock);
	t = cal->years[year - CALENDAR_YEAR_MIN];
	cnt = t != NULL ? t->n : holidays_default(year, cal->hours.weekdays, v);
	if ((r = calloc(cnt + 1, sizeof(*r))) == NULL)
		goto out;
	for (size_t i = 0; i < cnt; i++) {
		if (t != NULL) {
			r[i].day = t->e[i].day;
			r[i].kind = t->e[i].kind;
			memcpy(r[i].name, t->e[i].name, sizeof(r[i].name));
		} else
			r[i] = v[i].d;
	}
	*out = r;
	*n = cnt;
	rc = 0;
out:
	pthread_rwlock_unlock(&cal->lock);
	return rc;
}

/* ---- writing a year's table -------------------------------------------- */

static int
json_set_text(json_t *o, const char *key, const char *s)
{
	return s == NULL ? 0 : json_object_set_new(o, key, json_string(s));
}

char *
calendar_year_json(struct calendar *cal, int year)
{
	const struct cal_year *t;
	struct dflt v[DEFAULTS_MAX];
	json_t *root = NULL, *days;
	char *text = NULL, date[16];
	size_t n;
	int err = 0;

	if (year < CALENDAR_YEAR_MIN || year > CALENDAR_YEAR_MAX)
		return NULL;
	pthread_rwlock_rdlock(&cal->lock);
	t = cal->years[year - CALENDAR_YEAR_MIN];
	n = t != NULL ? t->n : holidays_default(year, cal->hours.weekdays, v);
	if ((root = json_object()) == NULL || (days = json_array()) == NULL)
		goto out;
	err |= json_object_set_new(root, "year", json_integer(year));
	if (t != NULL) {
		err |= json_set_text(root, "source", t->source);
		err |= json_set_text(root, "source_note", t->source_note);
	} else {
		err |= json_set_text(root, "source", year >= 2021 ?
		    "Tính theo Bộ luật Lao động 2019 (Điều 111, 112); chưa nạp "
		    "thông báo nghỉ lễ của năm" :
		    "Tính theo Bộ luật Lao động 2012 (Điều 110, 115); chưa nạp "
		    "thông báo nghỉ lễ của năm");
		err |= json_set_text(root, "source_note",
		    "Ngày nghỉ tính tự động: Tết gồm ngày cuối năm âm lịch và "
		    "mùng 1-4 tháng Giêng; thông báo hằng năm có thể chọn ngày "
		    "khác và hoán đổi ngày làm việc.");
	}
	err |= json_object_set_new(root, "days", days);
	for (size_t i = 0; i < n && err == 0; i++) {
		const struct calendar_day *cd = t != NULL ? NULL : &v[i].d;
		int64_t day = t != NULL ? t->e[i].day : cd->day;
		int y, m, d;
		json_t *o = json_object();

		if (o == NULL || json_array_append_new(days, o) == -1) {
			err = 1;
			break;
		}
		time_civil_from_days(day, &y, &m, &d);
		snprintf(date, sizeof(date), "%04d-%02d-%02d", y, m, d);
		err |= json_set_text(o, "date", date);
		err |= json_set_text(o, "kind", kind_names[t != NULL ?
		    t->e[i].kind : cd->kind]);
		err |= json_set_text(o, "name", t != NULL ? t->e[i].name :
		    cd->name);
		if (t != NULL) {
			err |= json_set_text(o, "note", t->e[i].note);
			err |= json_set_text(o, "source", t->e[i].source);
		}
	}
	if (err == 0)
		text = json_dumps(root, JSON_INDENT(2));
out:
	pthread_rwlock_unlock(&cal->lock);
	json_decref(root);
	return text;
}
