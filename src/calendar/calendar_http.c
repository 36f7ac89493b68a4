/*
 * The calendar's HTTP API (docs/CALENDAR.md §9, docs/openapi.yaml):
 *
 *   GET    /api/v1/calendar/lunar?date=       solar -> lunar (as the CLI)
 *   GET    /api/v1/calendar/solar?date=&leap= lunar -> solar
 *   GET    /api/v1/calendar/month?year=&month= a month for the month view
 *   GET    /api/v1/calendar/holidays?year=    the listed days of a year
 *   GET    /api/v1/calendar/due?from=&days=|hours=[&cutoff=]
 *   GET    /api/v1/calendar/years/{year}      a year's table (load format)
 *   PUT    /api/v1/calendar/years/{year}      an administrator's table
 *   DELETE /api/v1/calendar/years/{year}      back to the shipped/computed one
 *
 * The GETs are public.  PUT and DELETE need calendar.write (and, with a
 * session cookie, the CSRF header: the guard checks both); each is one
 * transaction with its audit entry, and the running calendar changes only
 * after the commit, so a failed write leaves it as it was.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../app.h"
#include "../auth/auth.h"
#include "calendar_http.h"

static int
calhttp_en(const struct req *r)
{
	return r->lang != NULL && strcmp(r->lang, "en") == 0;
}

/* Answer 400 naming one parameter; vi/en are the reason (arena or static). */
static void
calhttp_bad(struct req *r, struct resp *w, const char *name, const char *vi,
    const char *en)
{
	struct problem_param p;
	const char *dvi, *den;

	/* The reasons may come from arena_printf(), NULL past the arena's cap. */
	vi = vi ? vi : "giá trị không hợp lệ.";
	en = en ? en : "invalid value.";
	p.name = name;
	p.reason = calhttp_en(r) ? en : vi;
	dvi = arena_printf(r->arena, "Tham số %s không hợp lệ: %s", name, vi);
	den = arena_printf(r->arena, "Invalid parameter %s: %s", name, en);

	resp_problem_params(w, r, PROB_VALIDATION, dvi ? dvi : vi, den ? den : en, &p, 1);
}

static struct calendar *
calhttp_cal(struct req *r, struct resp *w)
{
	struct calendar *cal = APP(r)->cal;

	if (cal == NULL)
		resp_problem(w, r, PROB_UNAVAILABLE, "Lịch làm việc chưa được nạp.",
		    "The working-day calendar is not loaded.");
	return cal;
}

static void
calhttp_date(int64_t day, char out[16])
{
	int y, m, d;

	time_civil_from_days(day, &y, &m, &d);
	snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
}

/* A year 1900..2199 from s (a query or path parameter called name); -1
 * after answering 400. */
static int
calhttp_year(struct req *r, struct resp *w, const char *s, const char *name, int *out)
{
	int64_t v;

	if (s == NULL) {
		calhttp_bad(r, w, name, "thiếu năm (số nguyên từ 1900 đến 2199).",
		    "the year is missing (an integer 1900-2199).");
		return -1;
	}
	if (str_to_i64(s, CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX, &v) == -1) {
		calhttp_bad(r, w, name,
		    arena_printf(r->arena, "năm \"%s\" không hợp lệ, cần số nguyên từ 1900 "
		    "đến 2199.", s),
		    arena_printf(r->arena, "year \"%s\" is invalid: an integer 1900-2199 is "
		    "required.", s));
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* Answers whose content depends on the holiday tables must not be cached
 * (an administrator's edit shows at once); pure conversions may be. */
static void
calhttp_cache(struct resp *w, int pure)
{
	resp_header(w, "Cache-Control", pure ? "public, max-age=86400" : "no-cache");
}

/* ---- conversions -------------------------------------------------------- */

static void
calhttp_lunar(struct req *r, struct resp *w)
{
	const char *s = req_query(r, "date");
	struct lunar_date ld;
	char solar[16];
	json_t *j;
	int y, m, d;

	if (s == NULL) {
		calhttp_bad(r, w, "date", "thiếu ngày dương lịch (YYYY-MM-DD).",
		    "the solar date is missing (YYYY-MM-DD).");
		return;
	}
	if (time_parse_date(s, &y, &m, &d) == -1) {
		calhttp_bad(r, w, "date",
		    arena_printf(r->arena, "\"%s\" không phải ngày có thật dạng YYYY-MM-DD.", s),
		    arena_printf(r->arena, "\"%s\" is not a real date YYYY-MM-DD.", s));
		return;
	}
	if (lunar_from_solar(y, m, d, &ld) == -1) {
		calhttp_bad(r, w, "date",
		    arena_printf(r->arena, "ngày %s nằm ngoài khoảng hỗ trợ 01/01/1900 – "
		    "31/12/2199.", s),
		    arena_printf(r->arena, "%s is outside the supported range "
		    "1900-01-01 to 2199-12-31.", s));
		return;
	}
	snprintf(solar, sizeof(solar), "%04d-%02d-%02d", y, m, d);
	if ((j = calendar_lunar_json(solar, &ld)) == NULL) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	resp_json(w, 200, j);
	calhttp_cache(w, 1);
}

static void
calhttp_solar(struct req *r, struct resp *w)
{
	const char *s = req_query(r, "date"), *leap = req_query(r, "leap");
	struct lunar_date ld = { 0, 0, 0, 0 };
	char solar[16];
	json_t *j;
	int y, m, d, lm;

	if (s == NULL) {
		calhttp_bad(r, w, "date", "thiếu ngày âm lịch (YYYY-MM-DD).",
		    "the lunar date is missing (YYYY-MM-DD).");
		return;
	}
	if (leap != NULL && (strcmp(leap, "1") == 0 || strcmp(leap, "true") == 0))
		ld.leap = 1;
	else if (leap != NULL && strcmp(leap, "0") != 0 && strcmp(leap, "false") != 0) {
		calhttp_bad(r, w, "leap", "cần 1 hoặc true (tháng nhuận), 0 hoặc false.",
		    "1 or true (a leap month), 0 or false is required.");
		return;
	}
	if (calendar_parse_lunar(s, &ld.year, &ld.month, &ld.day) == -1) {
		calhttp_bad(r, w, "date",
		    arena_printf(r->arena, "\"%s\" không phải ngày âm lịch dạng YYYY-MM-DD "
		    "(tháng 1–12, ngày 1–30).", s),
		    arena_printf(r->arena, "\"%s\" is not a lunar date YYYY-MM-DD (month "
		    "1-12, day 1-30).", s));
		return;
	}
	if (lunar_to_solar(&ld, &y, &m, &d) == -1) {
		lm = lunar_leap_month(ld.year);
		if (ld.leap && lm >= 0 && lm != ld.month)
			calhttp_bad(r, w, "leap",
			    lm == 0 ? arena_printf(r->arena, "năm âm lịch %d không có tháng "
			    "nhuận.", ld.year) : arena_printf(r->arena, "năm âm lịch %d nhuận "
			    "tháng %d, không nhuận tháng %d.", ld.year, lm, ld.month),
			    lm == 0 ? arena_printf(r->arena, "lunar year %d has no leap month.",
			    ld.year) : arena_printf(r->arena, "the leap month of lunar year %d "
			    "is %d, not %d.", ld.year, lm, ld.month));
		else
			calhttp_bad(r, w, "date",
			    arena_printf(r->arena, "ngày âm lịch %s%s không tồn tại (tháng thiếu "
			    "chỉ có 29 ngày) hoặc nằm ngoài 1900–2199.", s, ld.leap ? " nhuận" : ""),
			    arena_printf(r->arena, "lunar date %s%s does not exist (a short "
			    "month has 29 days) or lies outside 1900-2199.", s,
			    ld.leap ? " (leap)" : ""));
		return;
	}
	snprintf(solar, sizeof(solar), "%04d-%02d-%02d", y, m, d);
	if ((j = calendar_lunar_json(solar, &ld)) == NULL) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	resp_json(w, 200, j);
	calhttp_cache(w, 1);
}

/* ---- tables ------------------------------------------------------------- */

/* The year's table as parsed JSON (for its source and source_note); a new
 * reference, NULL on ENOMEM. */
static json_t *
calhttp_year_doc(struct calendar *cal, int year)
{
	char *text = calendar_year_json(cal, year);
	json_t *j = text != NULL ? json_loads(text, 0, NULL) : NULL;

	free(text);
	return j;
}

/* {year, source, source_note, loaded_from} into o; 0 or -1. */
static int
calhttp_year_head(struct calendar *cal, int year, json_t *o)
{
	json_t *doc = calhttp_year_doc(cal, year), *note;
	int err;

	if (doc == NULL)
		return -1;
	note = json_object_get(doc, "source_note");
	err = json_object_set_new(o, "year", json_integer(year));
	err |= json_object_set(o, "source", json_object_get(doc, "source"));
	err |= json_object_set_new(o, "source_note", note ? json_incref(note) : json_null());
	err |= json_object_set_new(o, "loaded_from", json_string(calendar_year_loaded(cal,
	    year) == 1 ? "notice" : "computed"));
	json_decref(doc);
	return err ? -1 : 0;
}

static void
calhttp_holidays(struct req *r, struct resp *w)
{
	struct calendar *cal;
	struct calendar_day *days = NULL;
	json_t *o = NULL, *items;
	size_t n = 0;
	int year, err = 0;

	if ((cal = calhttp_cal(r, w)) == NULL ||
	    calhttp_year(r, w, req_query(r, "year"), "year", &year) == -1)
		return;
	if ((o = json_object()) == NULL || calhttp_year_head(cal, year, o) == -1 ||
	    calendar_holidays(cal, year, &days, &n) == -1 || (items = json_array()) == NULL)
		goto fail;
	err = json_object_set_new(o, "items", items);
	for (size_t i = 0; i < n && !err; i++) {
		char date[16];

		calhttp_date(days[i].day, date);
		err = json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "date", date,
		    "name", days[i].name, "kind", calendar_kind_name(days[i].kind)));
	}
	if (err)
		goto fail;
	free(days);
	resp_json(w, 200, o);
	calhttp_cache(w, 0);
	return;
fail:
	free(days);
	json_decref(o);
	resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
}

/* A month for the month view: every day with its lunar date, whether it is
 * worked, and its listed kind and name; the year's source; the can-chi
 * names of the lunar years that occur. */
static void
calhttp_month(struct req *r, struct resp *w)
{
	struct calendar *cal;
	struct calendar_day *list = NULL;
	json_t *o = NULL, *days, *names;
	const char *ms = req_query(r, "month");
	int64_t month, first;
	size_t n = 0, k = 0;
	int year, err = 0, ndays;

	if ((cal = calhttp_cal(r, w)) == NULL ||
	    calhttp_year(r, w, req_query(r, "year"), "year", &year) == -1)
		return;
	if (ms == NULL || str_to_i64(ms, 1, 12, &month) == -1) {
		calhttp_bad(r, w, "month", "cần tháng là số nguyên từ 1 đến 12.",
		    "the month must be an integer 1-12.");
		return;
	}
	if ((o = json_object()) == NULL || calhttp_year_head(cal, year, o) == -1 ||
	    calendar_holidays(cal, year, &list, &n) == -1 || (days = json_array()) == NULL ||
	    (names = json_object()) == NULL)
		goto fail;
	err |= json_object_set_new(o, "month", json_integer(month));
	err |= json_object_set_new(o, "days", days);
	err |= json_object_set_new(o, "year_names", names);
	first = time_days_from_civil(year, (int)month, 1);
	ndays = time_days_in_month(year, (int)month);
	for (int i = 0; i < ndays && !err; i++) {
		int64_t day = first + i;
		struct lunar_date ld;
		char date[16], yname[32], ykey[8];
		json_t *dj;

		if (lunar_from_days(day, &ld) == -1)
			goto fail;
		calhttp_date(day, date);
		dj = json_pack("{s:s, s:i, s:b, s:{s:i, s:i, s:i, s:b}}", "date", date,
		    "weekday", time_weekday(day) + 1, "workday", calendar_is_workday(cal, day) == 1,
		    "lunar", "day", ld.day, "month", ld.month, "year", ld.year, "leap", ld.leap);
		while (k < n && list[k].day < day)
			k++;
		if (dj != NULL && k < n && list[k].day == day) {
			err |= json_object_set_new(dj, "kind",
			    json_string(calendar_kind_name(list[k].kind)));
			err |= json_object_set_new(dj, "name", json_string(list[k].name));
		}
		err |= json_array_append_new(days, dj);
		snprintf(ykey, sizeof(ykey), "%d", ld.year);
		if (json_object_get(names, ykey) == NULL &&
		    lunar_year_name(ld.year, yname, sizeof(yname)) == 0)
			err |= json_object_set_new(names, ykey, json_string(yname));
	}
	if (err)
		goto fail;
	free(list);
	resp_json(w, 200, o);
	calhttp_cache(w, 0);
	return;
fail:
	free(list);
	json_decref(o);
	resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
}

/* ---- deadlines ---------------------------------------------------------- */

static void
calhttp_due(struct req *r, struct resp *w)
{
	const char *from = req_query(r, "from"), *days = req_query(r, "days");
	const char *hours = req_query(r, "hours"), *cutoff = req_query(r, "cutoff");
	struct problem_param bad[4];
	struct calendar *cal;
	int64_t received = 0, limit = 0, due;
	char a[32], b[32];
	size_t nbad = 0;
	int cut = -1, en = calhttp_en(r);

	if ((cal = calhttp_cal(r, w)) == NULL)
		return;
	if (from == NULL)
		bad[nbad++] = (struct problem_param){ "from", en ?
			"the receipt instant is missing (ISO 8601, e.g. 2026-02-13T16:00:00+07:00)." :
			"thiếu thời điểm tiếp nhận (ISO 8601, ví dụ 2026-02-13T16:00:00+07:00)." };
	else if (time_parse_iso(from, &received) == -1)
		bad[nbad++] = (struct problem_param){ "from", arena_printf(r->arena, en ?
			"\"%s\" is not an ISO 8601 instant such as 2026-02-13T16:00:00+07:00." :
			"\"%s\" không phải thời điểm ISO 8601, ví dụ 2026-02-13T16:00:00+07:00.",
			from) };
	if (days != NULL && hours != NULL) {
		const char *why = en ? "give only one of days and hours." :
		    "chỉ dùng một trong hai tham số days, hours.";

		bad[nbad++] = (struct problem_param){ "days", why };
		bad[nbad++] = (struct problem_param){ "hours", why };
	} else if (days == NULL && hours == NULL)
		bad[nbad++] = (struct problem_param){ "days", en ?
			"one of days (working days) or hours (working hours) is required." :
			"cần một trong hai tham số days (số ngày làm việc) hoặc hours (số giờ "
			"làm việc)." };
	else if (str_to_i64(days ? days : hours, 0, CALENDAR_LIMIT_MAX, &limit) == -1)
		bad[nbad++] = (struct problem_param){ days ? "days" : "hours",
			arena_printf(r->arena, en ? "\"%s\" is not an integer from 0 to %d." :
			"\"%s\" không phải số nguyên từ 0 đến %d.", days ? days : hours,
			CALENDAR_LIMIT_MAX) };
	if (cutoff != NULL && calendar_parse_hhmm(cutoff, &cut) == -1)
		bad[nbad++] = (struct problem_param){ "cutoff", arena_printf(r->arena, en ?
			"\"%s\" is not a time HH:MM from 00:00 to 24:00." :
			"\"%s\" không phải giờ HH:MM từ 00:00 đến 24:00.", cutoff) };
	if (nbad == 0 && calendar_due(cal, received, days ? CALENDAR_DAYS : CALENDAR_HOURS,
	    (int)limit, cut, &due) == -1)
		bad[nbad++] = (struct problem_param){ "from", en ?
			"the receipt or the due time lies outside 1900-2199." :
			"thời điểm tiếp nhận hoặc hạn tính được nằm ngoài 1900–2199." };
	if (nbad > 0) {
		for (size_t i = 0; i < nbad; i++)
			if (bad[i].reason == NULL)
				bad[i].reason = "?";
		resp_problem_params(w, r, PROB_VALIDATION,
		    "Tham số tính hạn giải quyết không hợp lệ.",
		    "The parameters of the due-time computation are invalid.", bad, nbad);
		return;
	}
	time_format_iso(received, a);
	time_format_iso(due, b);
	resp_json(w, 200, json_pack("{s:s, s:s, s:s, s:I}", "from", a, "due", b, "unit",
	    days ? "days" : "hours", "limit", (json_int_t)limit));
	calhttp_cache(w, 0);
}

/* ---- a year's table: read, edit, reset ---------------------------------- */

/* The version the client read (If-Match "N"), -1 when it sent none or "*";
 * -2 after answering 400. */
static int64_t
calhttp_if_match(struct req *r, struct resp *w)
{
	const char *h = req_header(r, "If-Match");
	char tmp[24];
	size_t n;
	int64_t v;

	if (h == NULL || strcmp(h, "*") == 0)
		return -1;
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	n = strlen(h);
	if (n >= 3 && n < sizeof(tmp) + 2 && h[0] == '"' && h[n - 1] == '"') {
		memcpy(tmp, h + 1, n - 2);
		tmp[n - 2] = '\0';
		if (str_to_i64(tmp, 0, INT64_MAX, &v) == 0)
			return v;
	}
	calhttp_bad(r, w, "If-Match", "cần ETag đã nhận khi đọc bảng, ví dụ \"12\".",
	    "the ETag received with the table is required, e.g. \"12\".");
	return -2;
}

static void
calhttp_etag(struct req *r, struct resp *w, int64_t version, const char *origin)
{
	resp_header(w, "ETag", arena_printf(r->arena, "\"%lld\"", (long long)version));
	resp_header(w, "X-Calendar-Origin", origin);
	resp_header(w, "Cache-Control", "no-cache");
}

/* The version of year's row and, when body is not NULL, its text
 * (malloc'd); 0 when there is no row. */
static enum db_rc
calhttp_row(struct db_conn *c, int year, int64_t *version, char **body)
{
	struct db_res *res = NULL;
	enum db_rc rc;
	int k;

	*version = 0;
	if (body != NULL)
		*body = NULL;
	if ((rc = db_exec(c, STMT_CAL_YEAR_GET, (struct db_param[]){ DB_INT(year) }, 1,
	    &res)) != DB_OK)
		return rc;
	if ((k = db_res_next(res)) == 1) {
		*version = db_res_int(res, 1);
		if (body != NULL && (*body = strdup(db_res_text(res, 0))) == NULL)
			rc = DB_ERROR;
	} else if (k < 0)
		rc = db_res_rc(res) != DB_OK ? db_res_rc(res) : DB_ERROR;
	db_res_free(res);
	return rc;
}

static void
calhttp_year_get(struct req *r, struct resp *w)
{
	struct calendar *cal;
	struct db_conn *c;
	char *text = NULL;
	int64_t version;
	int year;

	if ((cal = calhttp_cal(r, w)) == NULL ||
	    calhttp_year(r, w, req_param(r, "year"), "year", &year) == -1 ||
	    (c = app_conn(r, w)) == NULL)
		return;
	/* An edited year is read from the database, the truth every node
	 * converges on; the others from the running calendar. */
	if (calhttp_row(c, year, &version, &text) != DB_OK) {
		resp_problem(w, r, PROB_UNAVAILABLE, NULL, NULL);
		goto out;
	}
	if (text == NULL && (text = calendar_year_json(cal, year)) == NULL) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	resp_json_text(w, 200, text, strlen(text));
	calhttp_etag(r, w, version, version != 0 ? "edited" :
	    calendar_year_loaded(cal, year) == 1 ? "notice" : "computed");
out:
	free(text);
}

/* The invalid parameter an error of calendar_check_year_json() names: the
 * field path before ": " ("days[3].date"), or "body" for a syntax error. */
static const char *
calhttp_err_field(struct req *r, const char *err, const char **reason)
{
	const char *colon = strstr(err, ": ");
	size_t n = colon ? (size_t)(colon - err) : 0;

	*reason = err;
	if (n == 0 || n > 64)
		return "body";
	for (size_t i = 0; i < n; i++)
		if (!((err[i] >= 'a' && err[i] <= 'z') || (err[i] >= '0' && err[i] <= '9') ||
		    err[i] == '_' || err[i] == '[' || err[i] == ']' || err[i] == '.'))
			return "body";
	*reason = colon + 2;
	return arena_strndup(r->arena, err, n);
}

/* Who the audit entry and updated_by name. */
static const char *
calhttp_actor(struct req *r)
{
	const struct principal *p = auth_principal(r);

	if (p == NULL)
		return "anonymous";
	if (p->kind == PRINCIPAL_TOKEN)
		return arena_printf(r->arena, "token:%s", p->name);
	return p->name;
}

/* Bump the revision and read year's version inside the open transaction;
 * DB_CONFLICT when the client's If-Match (expect >= 0) is stale. */
static enum db_rc
calhttp_begin_edit(struct db_conn *c, int year, int64_t expect, int64_t *rev,
    int64_t *cur)
{
	enum db_rc rc;

	if ((rc = db_scalar_int(c, STMT_CAL_REV_BUMP, NULL, 0, rev)) != DB_OK ||
	    (rc = calhttp_row(c, year, cur, NULL)) != DB_OK)
		return rc;
	return expect >= 0 && expect != *cur ? DB_CONFLICT : DB_OK;
}

static void
calhttp_db_fail(struct req *r, struct resp *w, enum db_rc rc, int year)
{
	if (rc == DB_CONFLICT)
		resp_problem(w, r, PROB_CONFLICT,
		    arena_printf(r->arena, "Bảng ngày nghỉ năm %d vừa được người khác thay đổi. "
		    "Hãy tải lại rồi sửa tiếp.", year),
		    arena_printf(r->arena, "The holiday table of %d was changed by someone else "
		    "meanwhile. Reload it and edit again.", year));
	else if (rc == DB_BUSY)
		resp_problem(w, r, PROB_UNAVAILABLE, NULL, NULL);
	else
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
}

static void
calhttp_year_put(struct req *r, struct resp *w)
{
	struct calendar *cal;
	struct db_conn *c;
	json_t *j = NULL, *jdays;
	char *text = NULL, err[512];
	const char *reason;
	int64_t expect, rev = 0, cur = 0, now = clock_now();
	enum db_rc rc;
	int year, y = 0, locked = 0;

	if ((cal = calhttp_cal(r, w)) == NULL ||
	    calhttp_year(r, w, req_param(r, "year"), "year", &year) == -1 ||
	    (expect = calhttp_if_match(r, w)) == -2 || (j = req_json_object(r, w)) == NULL)
		return;
	if (calendar_store_cal() != cal) {
		resp_problem(w, r, PROB_UNAVAILABLE, NULL, NULL);
		goto out;
	}
	/* Stored as the calendar will read it back: normalised, in order. */
	if ((text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) == NULL) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	if (calendar_check_year_json(text, &y, err, sizeof(err)) == -1) {
		struct problem_param p;

		p.name = calhttp_err_field(r, err, &reason);
		p.reason = reason;
		resp_problem_params(w, r, PROB_VALIDATION,
		    arena_printf(r->arena, "Bảng ngày nghỉ không hợp lệ: %s", err),
		    arena_printf(r->arena, "The holiday table is invalid: %s", err), &p, 1);
		goto out;
	}
	if (y != year) {
		calhttp_bad(r, w, "year",
		    arena_printf(r->arena, "năm trong bảng (%d) khác năm trên đường dẫn (%d).",
		    y, year),
		    arena_printf(r->arena, "the table's year (%d) differs from the URL's (%d).",
		    y, year));
		goto out;
	}
	if ((c = app_conn(r, w)) == NULL)
		goto out;
	calendar_store_lock();
	locked = 1;
	if ((rc = db_begin(c)) != DB_OK)
		goto fail;
	if ((rc = calhttp_begin_edit(c, year, expect, &rev, &cur)) != DB_OK)
		goto fail;
	if (cur == 0)
		rc = db_exec(c, STMT_CAL_YEAR_INSERT, (struct db_param[]){ DB_INT(year),
		    DB_TEXT(text), DB_INT(rev), DB_INT(now), DB_TEXT(calhttp_actor(r)) }, 5, NULL);
	else
		rc = db_exec(c, STMT_CAL_YEAR_UPDATE, (struct db_param[]){ DB_INT(year),
		    DB_TEXT(text), DB_INT(rev), DB_INT(now), DB_TEXT(calhttp_actor(r)),
		    DB_INT(cur) }, 6, NULL);
	if (rc == DB_OK && db_changes(c) != 1)
		rc = DB_CONFLICT;
	jdays = json_object_get(j, "days");
	if (rc == DB_OK)
		rc = auth_audit(r, c, 0, "calendar.year_update",
		    arena_printf(r->arena, "calendar_year:%d", year),
		    json_pack("{s:i, s:I, s:I, s:I}", "year", year, "version", (json_int_t)rev,
		    "previous_version", (json_int_t)cur, "days",
		    (json_int_t)json_array_size(jdays)));
	if (rc != DB_OK || (rc = db_commit(c)) != DB_OK)
		goto fail;
	/* Committed: now the running calendar.  It was validated above, so
	 * only ENOMEM can fail here; then the sync retries (rev not noted). */
	if (calendar_load_year_json(cal, text, err, sizeof(err)) == -1) {
		log_msg(LOG_ERROR, r->request_id, "calendar_apply", "year=%d reason=\"%s\"",
		    year, err);
		resp_problem(w, r, PROB_INTERNAL,
		    "Đã lưu bảng ngày nghỉ nhưng chưa áp dụng được vào lịch đang chạy; hệ thống "
		    "sẽ thử lại.", "The table was saved but could not be applied yet; it will be "
		    "retried.");
		goto out;
	}
	calendar_store_note(year, rev, rev);
	calendar_store_unlock();
	locked = 0;
	log_msg(LOG_INFO, r->request_id, "calendar_edit", "year=%d version=%lld", year,
	    (long long)rev);
	resp_json_text(w, 200, text, strlen(text));
	calhttp_etag(r, w, rev, "edited");
	goto out;
fail:
	db_rollback(c);
	calhttp_db_fail(r, w, rc, year);
out:
	if (locked)
		calendar_store_unlock();
	free(text);
	json_decref(j);
}

static void
calhttp_year_delete(struct req *r, struct resp *w)
{
	struct calendar *cal;
	struct db_conn *c;
	char *shipped = NULL, *text = NULL, err[512];
	int64_t expect, rev = 0, cur = 0;
	enum db_rc rc;
	int year, y = 0, locked = 0;

	if ((cal = calhttp_cal(r, w)) == NULL ||
	    calhttp_year(r, w, req_param(r, "year"), "year", &year) == -1 ||
	    (expect = calhttp_if_match(r, w)) == -2)
		return;
	if (calendar_store_cal() != cal) {
		resp_problem(w, r, PROB_UNAVAILABLE, NULL, NULL);
		return;
	}
	/* What the year falls back to is checked before anything changes. */
	shipped = calendar_store_shipped(year, err, sizeof(err));
	if ((shipped == NULL && err[0] != '\0') || (shipped != NULL &&
	    (calendar_check_year_json(shipped, &y, err, sizeof(err)) == -1 || y != year))) {
		log_msg(LOG_ERROR, r->request_id, "calendar_reset", "year=%d shipped=invalid "
		    "reason=\"%s\"", year, y != year && y != 0 ? "year" : err);
		resp_problem(w, r, PROB_INTERNAL,
		    "Tệp bảng ngày nghỉ gốc của năm này không đọc được; chưa khôi phục.",
		    "The shipped table of this year is unreadable; nothing was reset.");
		goto out;
	}
	if ((c = app_conn(r, w)) == NULL)
		goto out;
	calendar_store_lock();
	locked = 1;
	if ((rc = db_begin(c)) != DB_OK)
		goto fail;
	if ((rc = calhttp_begin_edit(c, year, expect, &rev, &cur)) != DB_OK)
		goto fail;
	if (cur == 0) {
		db_rollback(c);
		resp_problem(w, r, PROB_NOT_FOUND,
		    arena_printf(r->arena, "Bảng ngày nghỉ năm %d chưa được chỉnh sửa nên không "
		    "có gì để khôi phục.", year),
		    arena_printf(r->arena, "The holiday table of %d has no edit to reset.", year));
		goto out;
	}
	rc = db_exec(c, STMT_CAL_YEAR_DELETE, (struct db_param[]){ DB_INT(year), DB_INT(cur) },
	    2, NULL);
	if (rc == DB_OK && db_changes(c) != 1)
		rc = DB_CONFLICT;
	if (rc == DB_OK)
		rc = auth_audit(r, c, 0, "calendar.year_reset",
		    arena_printf(r->arena, "calendar_year:%d", year),
		    json_pack("{s:i, s:I, s:I, s:s}", "year", year, "version", (json_int_t)rev,
		    "previous_version", (json_int_t)cur, "restored",
		    shipped ? "notice" : "computed"));
	if (rc != DB_OK || (rc = db_commit(c)) != DB_OK)
		goto fail;
	if (shipped == NULL)
		(void)calendar_remove_year(cal, year); /* -1: there was no table */
	else if (calendar_load_year_json(cal, shipped, err, sizeof(err)) == -1) {
		log_msg(LOG_ERROR, r->request_id, "calendar_apply", "year=%d reason=\"%s\"",
		    year, err);
		resp_problem(w, r, PROB_INTERNAL,
		    "Đã xoá chỉnh sửa nhưng chưa áp dụng được vào lịch đang chạy; hệ thống sẽ "
		    "thử lại.", "The edit was removed but the running calendar could not be "
		    "updated yet; it will be retried.");
		goto out;
	}
	calendar_store_note(year, 0, rev);
	calendar_store_unlock();
	locked = 0;
	log_msg(LOG_INFO, r->request_id, "calendar_reset", "year=%d version=%lld", year,
	    (long long)rev);
	if ((text = calendar_year_json(cal, year)) == NULL) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	resp_json_text(w, 200, text, strlen(text));
	calhttp_etag(r, w, 0, shipped ? "notice" : "computed");
	goto out;
fail:
	db_rollback(c);
	calhttp_db_fail(r, w, rc, year);
out:
	if (locked)
		calendar_store_unlock();
	free(shipped);
	free(text);
}

const struct route calendar_routes[] = {
	{ HTTP_GET, "/api/v1/calendar/lunar", calhttp_lunar, ACT_PUBLIC },
	{ HTTP_GET, "/api/v1/calendar/solar", calhttp_solar, ACT_PUBLIC },
	{ HTTP_GET, "/api/v1/calendar/month", calhttp_month, ACT_PUBLIC },
	{ HTTP_GET, "/api/v1/calendar/holidays", calhttp_holidays, ACT_PUBLIC },
	{ HTTP_GET, "/api/v1/calendar/due", calhttp_due, ACT_PUBLIC },
	{ HTTP_GET, "/api/v1/calendar/years/{year}", calhttp_year_get, ACT_PUBLIC },
	{ HTTP_PUT, "/api/v1/calendar/years/{year}", calhttp_year_put, ACT_CALENDAR_WRITE },
	{ HTTP_DELETE, "/api/v1/calendar/years/{year}", calhttp_year_delete, ACT_CALENDAR_WRITE },
};
const size_t calendar_nroutes = CORE_NELEM(calendar_routes);
