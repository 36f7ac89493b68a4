/*
 * The other figures of DOMAIN §6: the plan's targets beside the actual
 * values, the monthly trend, workload and lateness per official,
 * processing times (average and 90th percentile, in working hours) per
 * procedure and per step, and the most frequent supplement and rejection
 * reasons.  Each reads indexed ranges of the period (see stmts.def).
 */
#include <stdlib.h>
#include <string.h>

#include "../app.h"
#include "../calendar/calendar.h"
#include "report_int.h"

/* The targets of plan 12835/KH-UBND (reference/seed-12835-KH-UBND-2016.txt). */
#define TARGET_ON_TIME 0.90
#define TARGET_ONLINE 0.30
#define TARGET_LEVEL34 0.50
#define TARGET_SATISFACTION 0.75

static void
unavailable(struct req *r, struct resp *w)
{
	resp_problem(w, r, PROB_UNAVAILABLE, "Không đọc được số liệu lúc này.",
	    "The figures are unavailable now.");
}

static json_t *
period_json(const struct report_period *p)
{
	return json_pack("{s:s, s:s}", "from", p->from, "to", p->to);
}

static void
bind5(const struct report_req *q, struct db_param a[5])
{
	auth_scope_bind(&q->scope, a);
	a[2] = DB_INT(q->p.t0);
	a[3] = DB_INT(q->p.t1);
	a[4] = DB_INT(q->now < q->p.t1 ? q->now : q->p.t1);
}

static json_t *
target_json(double target, double actual, int has)
{
	return json_pack("{s:f, s:o, s:o}", "target", target, "actual",
	    has ? report_rate_json(actual) : json_null(), "meets",
	    has ? json_boolean(actual + 1e-12 >= target) : json_null());
}

/* Per criterion of the ratings made in the period: {rated, satisfied,
 * criteria: {access: {answered, dissatisfied}, ...}}; NULL on an error. */
static json_t *
criteria_json(const struct report_req *q)
{
	static const char *const names[] = { "access", "procedure", "officer", "result",
		"feedback" };
	struct db_param a[4];
	struct db_res *res = NULL;
	json_t *o = NULL, *c;
	int64_t v[8] = { 0 };

	auth_scope_bind(&q->scope, a);
	a[2] = DB_INT(q->p.t0);
	a[3] = DB_INT(q->p.t1);
	if (db_exec(q->s.conn, STMT_RATING_CRITERIA, a, 4, &res) != DB_OK)
		return NULL;
	if (db_res_next(res) == 1)
		for (int i = 0; i < 8; i++)
			v[i] = db_res_int(res, i);
	if (db_res_rc(res) == DB_OK) {
		c = json_object();
		for (int i = 0; i < 5; i++)
			json_object_set_new(c, names[i], json_pack("{s:I, s:I}", "answered",
			    (json_int_t)(i < 4 ? v[0] : v[5]), "dissatisfied",
			    (json_int_t)(i < 4 ? v[1 + i] : v[6])));
		o = json_pack("{s:I, s:I, s:o}", "rated", (json_int_t)v[0], "satisfied",
		    (json_int_t)v[7], "criteria", c);
	}
	db_res_free(res);
	return o;
}

/* GET /api/v1/reports/summary?from=&to=|period=&agency= */
void
report_http_summary(struct req *r, struct resp *w)
{
	struct report_req q;
	struct report_cells cells;
	struct report_row *rows = NULL, total;
	struct db_res *res = NULL;
	size_t n = 0;
	int64_t procs = 0, l34 = 0, nnew;
	char day[16];
	double rate, sat, online = -1, level = -1;
	json_t *crit;

	memset(&cells, 0, sizeof(cells));
	if (report_req_init(r, w, &q, 1) == -1)
		return;
	if (report_cells_live(q.s.conn, &q.scope, &q.p, q.now, &cells) != DB_OK ||
	    report_rollup(&cells, RG_AGENCY, &rows, &n, &total) == -1)
		goto fail;
	/* Level 3/4 share of the procedures in force on the period's last day
	 * (or today): the catalogue's own statement. */
	time_format_date(q.now < q.p.t1 ? q.now : q.p.t1 - 1, day);
	if (db_exec(q.s.conn, STMT_CAT_ONLINE_TOTAL, (struct db_param[]){ DB_TEXT(day) }, 1, &res) !=
	    DB_OK)
		goto fail;
	if (db_res_next(res) == 1) {
		procs = db_res_int(res, 0);
		l34 = db_res_int(res, 1);
	}
	db_res_free(res);
	if ((crit = criteria_json(&q)) == NULL)
		goto fail;
	rate = report_on_time_rate(&total);
	sat = report_satisfaction_rate(&total);
	nnew = total.n[RC__MAX + RS_NEW];
	if (nnew > 0)
		online = (double)total.n[RC_ONLINE] / (double)nnew;
	if (procs > 0)
		level = (double)l34 / (double)procs;
	resp_json(w, 200, json_pack("{s:o, s:s, s:{s:o, s:o, s:o, s:o}, s:o, s:I, s:I, s:o, s:s}",
	    "period", period_json(&q.p), "scope", q.scope_name, "indicators",
	    "on_time_rate", target_json(TARGET_ON_TIME, rate, rate >= 0),
	    "online_share", target_json(TARGET_ONLINE, online, online >= 0),
	    "level34_share", target_json(TARGET_LEVEL34, level, level >= 0),
	    "satisfaction", target_json(TARGET_SATISFACTION, sat, sat >= 0),
	    "total", report_row_json(&total), "procedures", (json_int_t)procs,
	    "procedures_level34", (json_int_t)l34, "satisfaction_criteria", crit,
	    "satisfaction_note", q.en ? "Share of the ratings made in the period in which no "
	    "criterion is \"dissatisfied\"; null when nobody rated." : "Tỷ lệ lượt đánh giá trong "
	    "kỳ không có tiêu chí nào \"Không hài lòng\"; để trống khi chưa có lượt đánh giá."));
	resp_header(w, "Cache-Control", "no-store");
	goto out;
fail:
	unavailable(r, w);
out:
	free(rows);
	report_cells_free(&cells);
}

/* GET /api/v1/reports/trend?months=12&agency= — one item per calendar
 * month ending with the current one: new and online dossiers, handled by
 * class and the on-time rate, the ratings made in the month and their
 * satisfaction rate (report_satisfaction_rate, the report's definition). */
void
report_http_trend(struct req *r, struct resp *w)
{
	struct report_req q;
	struct report_period cur, m;
	int64_t months = 12;
	const char *s = req_query(r, "months");
	json_t *items;

	if (s != NULL && str_to_i64(s, 1, 36, &months) == -1) {
		const struct problem_param pp = { "months", "1–36" };

		resp_problem_params(w, r, PROB_VALIDATION, NULL, NULL, &pp, 1);
		return;
	}
	if (report_req_init(r, w, &q, 0) == -1)
		return;
	report_period_month(q.now, &cur);
	items = json_array();
	for (int64_t i = months - 1; i >= 0; i--) {
		struct db_param a[4];
		int64_t nn = 0, no = 0, e = 0, o = 0, l = 0, rated = 0, sat = 0;
		struct db_res *res = NULL;
		struct report_row row;

		report_period_month_add(&cur, -(int)i, &m);
		auth_scope_bind(&q.scope, a);
		a[2] = DB_INT(m.t0);
		a[3] = DB_INT(m.t1);
		if (db_exec(q.s.conn, STMT_RPT_TREND_NEW, a, 4, &res) != DB_OK)
			goto fail;
		if (db_res_next(res) == 1) {
			nn = db_res_int(res, 0);
			no = db_res_int(res, 1);
		}
		db_res_free(res);
		if (db_exec(q.s.conn, STMT_RPT_TREND_DONE, a, 4, &res) != DB_OK)
			goto fail;
		if (db_res_next(res) == 1) {
			e = db_res_int(res, 0);
			o = db_res_int(res, 1);
			l = db_res_int(res, 2);
		}
		db_res_free(res);
		/* The ratings made in the month: the summary's statement, so a
		 * month's point is the summary's satisfaction of that month. */
		if (db_exec(q.s.conn, STMT_RATING_CRITERIA, a, 4, &res) != DB_OK)
			goto fail;
		if (db_res_next(res) == 1) {
			rated = db_res_int(res, 0);
			sat = db_res_int(res, 7);
		}
		if (db_res_rc(res) != DB_OK) {
			db_res_free(res);
			goto fail;
		}
		db_res_free(res);
		memset(&row, 0, sizeof(row));
		row.n[RC_RATED] = rated;
		row.n[RC_SATISFIED] = sat;
		row.n[RC_EARLY] = e;
		row.n[RC_ON_TIME] = o;
		row.n[RC_LATE] = l;
		row.n[RC__MAX + RS_HANDLED] = e + o + l;
		{
			char ym[8];

			snprintf(ym, sizeof(ym), "%.7s", m.from);
			json_array_append_new(items, json_pack("{s:s, s:I, s:I, s:o, s:I, s:I, s:I, "
			    "s:I, s:o, s:I, s:I, s:o}", "month", ym, "received", (json_int_t)nn,
			    "received_online", (json_int_t)no, "online_share",
			    nn > 0 ? report_rate_json((double)no / (double)nn) : json_null(),
			    "handled", (json_int_t)(e + o + l), "handled_early", (json_int_t)e,
			    "handled_on_time", (json_int_t)o, "handled_late", (json_int_t)l,
			    "on_time_rate", report_rate_json(report_on_time_rate(&row)),
			    "rated", (json_int_t)rated, "satisfied", (json_int_t)sat,
			    "satisfaction_rate", report_rate_json(report_satisfaction_rate(&row))));
		}
	}
	resp_json(w, 200, json_pack("{s:s, s:o, s:{s:f, s:f, s:f}}", "scope", q.scope_name,
	    "items", items, "targets", "on_time_rate", TARGET_ON_TIME, "online_share",
	    TARGET_ONLINE, "satisfaction_rate", TARGET_SATISFACTION));
	resp_header(w, "Cache-Control", "no-store");
	return;
fail:
	json_decref(items);
	unavailable(r, w);
}

/* ---- officials ------------------------------------------------------------------ */

/* GET /api/v1/reports/officials?from=&to=&agency= — steps each official
 * finished in the period (early / on time / late against the step's own
 * budget) and the open dossiers assigned to them now (overdue among them). */
void
report_http_officials(struct req *r, struct resp *w)
{
	struct report_req q;
	struct db_param a[5];
	struct db_res *res = NULL;
	json_t *items, *byid;
	const char *k;
	json_t *v;
	int rc;

	if (report_req_init(r, w, &q, 1) == -1)
		return;
	bind5(&q, a);
	if (db_exec(q.s.conn, STMT_RPT_OFFICIAL_STEPS, a, 5, &res) != DB_OK) {
		unavailable(r, w);
		return;
	}
	byid = json_object();
	while ((rc = db_res_next(res)) == 1) {
		int64_t late = db_res_int(res, 7), n = db_res_int(res, 4);
		char id[24];

		snprintf(id, sizeof(id), "%lld", (long long)db_res_int(res, 0));
		json_object_set_new(byid, id, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:o, "
		    "s:I, s:I}", "username", db_res_text(res, 1), "full_name", db_res_text(res, 2),
		    "agency", db_res_text(res, 3), "steps", (json_int_t)n, "steps_early",
		    (json_int_t)db_res_int(res, 5), "steps_on_time", (json_int_t)db_res_int(res, 6),
		    "steps_late", (json_int_t)late, "late_share", n > 0 ?
		    report_rate_json((double)late / (double)n) : json_null(), "open", (json_int_t)0,
		    "open_overdue", (json_int_t)0));
	}
	db_res_free(res);
	if (rc < 0 || db_exec(q.s.conn, STMT_RPT_OFFICIAL_OPEN, (struct db_param[]){ a[0], a[1],
	    DB_INT(q.now) }, 3, &res) != DB_OK) {
		json_decref(byid);
		unavailable(r, w);
		return;
	}
	while ((rc = db_res_next(res)) == 1) {
		char id[24];
		json_t *o;

		snprintf(id, sizeof(id), "%lld", (long long)db_res_int(res, 0));
		if ((o = json_object_get(byid, id)) == NULL) {
			o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:n}", "username",
			    db_res_text(res, 1), "full_name", db_res_text(res, 2), "agency",
			    db_res_text(res, 3), "steps", (json_int_t)0, "steps_early", (json_int_t)0,
			    "steps_on_time", (json_int_t)0, "steps_late", (json_int_t)0, "late_share");
			json_object_set_new(byid, id, o);
		}
		json_object_set_new(o, "open", json_integer(db_res_int(res, 4)));
		json_object_set_new(o, "open_overdue", json_integer(db_res_int(res, 5)));
	}
	db_res_free(res);
	items = json_array();
	json_object_foreach(byid, k, v)
		json_array_append(items, v);
	json_decref(byid);
	resp_json(w, 200, json_pack("{s:o, s:s, s:o}", "period", period_json(&q.p), "scope",
	    q.scope_name, "items", items));
	resp_header(w, "Cache-Control", "no-store");
}

/* ---- processing times ----------------------------------------------------------- */

struct series {
	double *v;
	size_t n, cap;
};

static int
series_add(struct series *s, double x)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		double *v = realloc(s->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = x;
	return 0;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* {count, avg_hours, p90_hours} of s (nearest-rank 90th percentile), then
 * empties it. */
static json_t *
series_json(struct series *s)
{
	double sum = 0, p90;
	size_t rank;
	json_t *o;

	qsort(s->v, s->n, sizeof(double), dbl_cmp);
	for (size_t i = 0; i < s->n; i++)
		sum += s->v[i];
	rank = (s->n * 9 + 9) / 10; /* ceil(0.9 n) */
	p90 = s->n > 0 ? s->v[rank - 1] : 0;
	o = json_pack("{s:I, s:f, s:f}", "count", (json_int_t)s->n, "avg_hours",
	    s->n ? (double)(int64_t)(sum / (double)s->n * 100 + 0.5) / 100 : 0.0, "p90_hours",
	    (double)(int64_t)(p90 * 100 + 0.5) / 100);
	s->n = 0;
	return o;
}

/* Working hours between two instants (elapsed hours when the calendar
 * cannot say). */
static double
work_hours(struct calendar *cal, int64_t a, int64_t b)
{
	int64_t s;

	if (cal != NULL && calendar_work_seconds(cal, a, b, &s) == 0)
		return (double)s / 3600.0;
	return (double)(b - a) / 3600.0;
}

/* GET /api/v1/reports/durations?from=&to=&agency= — dossiers handled in
 * the period: received → result in working hours, per procedure and per
 * step of the internal process. */
void
report_http_durations(struct req *r, struct resp *w)
{
	struct report_req q;
	struct db_param a[4];
	struct db_res *res = NULL;
	struct series s = { 0 };
	struct calendar *cal = APP(r)->cal;
	json_t *procs = json_array(), *steps = json_array(), *cur = NULL;
	char pcode[128] = "", pname[512] = "", sname[512] = "";
	int64_t seq = -1;
	int k;

	if (report_req_init(r, w, &q, 1) == -1)
		goto out;
	auth_scope_bind(&q.scope, a);
	a[2] = DB_INT(q.p.t0);
	a[3] = DB_INT(q.p.t1);
	if (db_exec(q.s.conn, STMT_RPT_DURATIONS, a, 4, &res) != DB_OK)
		goto fail;
	while ((k = db_res_next(res)) == 1) {
		if (strcmp(pcode, db_res_text(res, 1)) != 0) {
			if (pcode[0] != '\0') {
				cur = series_json(&s);
				json_object_set_new(cur, "procedure_code", json_string(pcode));
				json_object_set_new(cur, "procedure_name", json_string(pname));
				json_array_append_new(procs, cur);
			}
			snprintf(pcode, sizeof(pcode), "%s", db_res_text(res, 1));
			snprintf(pname, sizeof(pname), "%s", db_res_text(res, 2));
		}
		if (series_add(&s, work_hours(cal, db_res_int(res, 3), db_res_int(res, 4))) == -1)
			k = -1;
	}
	db_res_free(res);
	if (k < 0)
		goto fail;
	if (pcode[0] != '\0') {
		cur = series_json(&s);
		json_object_set_new(cur, "procedure_code", json_string(pcode));
		json_object_set_new(cur, "procedure_name", json_string(pname));
		json_array_append_new(procs, cur);
	}
	pcode[0] = '\0';
	if (db_exec(q.s.conn, STMT_RPT_STEP_DURATIONS, a, 4, &res) != DB_OK)
		goto fail;
	while ((k = db_res_next(res)) == 1) {
		if (strcmp(pcode, db_res_text(res, 0)) != 0 || seq != db_res_int(res, 1)) {
			if (pcode[0] != '\0') {
				cur = series_json(&s);
				json_object_set_new(cur, "procedure_code", json_string(pcode));
				json_object_set_new(cur, "step", json_integer(seq));
				json_object_set_new(cur, "name", json_string(sname));
				json_array_append_new(steps, cur);
			}
			snprintf(pcode, sizeof(pcode), "%s", db_res_text(res, 0));
			seq = db_res_int(res, 1);
			snprintf(sname, sizeof(sname), "%s", db_res_text(res, 2));
		}
		if (series_add(&s, work_hours(cal, db_res_int(res, 3), db_res_int(res, 4))) == -1)
			k = -1;
	}
	db_res_free(res);
	if (k < 0)
		goto fail;
	if (pcode[0] != '\0') {
		cur = series_json(&s);
		json_object_set_new(cur, "procedure_code", json_string(pcode));
		json_object_set_new(cur, "step", json_integer(seq));
		json_object_set_new(cur, "name", json_string(sname));
		json_array_append_new(steps, cur);
	}
	resp_json(w, 200, json_pack("{s:o, s:s, s:s, s:o, s:o}", "period", period_json(&q.p),
	    "scope", q.scope_name, "unit", "working_hours", "procedures", procs, "steps", steps));
	procs = steps = NULL;
	resp_header(w, "Cache-Control", "no-store");
	goto out;
fail:
	unavailable(r, w);
out:
	free(s.v);
	json_decref(procs);
	json_decref(steps);
}

/* ---- reasons --------------------------------------------------------------------- */

static int
count_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t cx = json_integer_value(json_object_get(x, "count"));
	json_int_t cy = json_integer_value(json_object_get(y, "count"));

	if (cx != cy)
		return cx > cy ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "item")),
	    json_string_value(json_object_get(y, "item")));
}

/* GET /api/v1/reports/reasons?from=&to=&agency= — the most frequent
 * missing items of supplement requests (Mẫu 02) and the most frequent
 * reasons of rejections and refusals (Mẫu 03), top 10 each. */
void
report_http_reasons(struct req *r, struct resp *w)
{
	struct report_req q;
	struct db_param a[5];
	struct db_res *res = NULL;
	json_t *counts = json_object(), *supp = json_array(), *rej = json_array();
	json_t **v = NULL;
	const char *key;
	json_t *val;
	size_t n = 0, i;
	int k;

	if (report_req_init(r, w, &q, 1) == -1)
		goto out;
	bind5(&q, a);
	if (db_exec(q.s.conn, STMT_RPT_SUPPLEMENT_ITEMS, a, 5, &res) != DB_OK)
		goto fail;
	while ((k = db_res_next(res)) == 1) {
		json_t *items = json_loads(db_res_text(res, 1), 0, NULL), *it;
		size_t j;

		json_array_foreach(items, j, it) {
			const char *name = json_is_string(it) ? json_string_value(it) :
			    json_string_value(json_object_get(it, "name"));
			json_t *c;

			if (name == NULL)
				continue;
			if ((c = json_object_get(counts, name)) == NULL)
				json_object_set_new(counts, name, json_integer(1));
			else
				json_integer_set(c, json_integer_value(c) + 1);
		}
		json_decref(items);
	}
	db_res_free(res);
	if (k < 0)
		goto fail;
	v = calloc(json_object_size(counts) + 1, sizeof(*v));
	if (v == NULL)
		goto fail;
	json_object_foreach(counts, key, val)
		v[n++] = json_pack("{s:s, s:O}", "item", key, "count", val);
	qsort(v, n, sizeof(*v), count_cmp);
	for (i = 0; i < n; i++) {
		if (i < 10)
			json_array_append(supp, v[i]);
		json_decref(v[i]);
	}
	if (db_exec(q.s.conn, STMT_RPT_REJECT_REASONS, a, 5, &res) != DB_OK)
		goto fail;
	while ((k = db_res_next(res)) == 1 && json_array_size(rej) < 10)
		json_array_append_new(rej, json_pack("{s:s, s:s, s:I}", "kind",
		    strcmp(db_res_text(res, 0), "refused") == 0 ? "refused" : "rejected", "reason",
		    db_res_text(res, 1), "count", (json_int_t)db_res_int(res, 2)));
	db_res_free(res);
	if (k < 0)
		goto fail;
	resp_json(w, 200, json_pack("{s:o, s:s, s:o, s:o}", "period", period_json(&q.p), "scope",
	    q.scope_name, "supplements", supp, "rejections", rej));
	supp = rej = NULL;
	resp_header(w, "Cache-Control", "no-store");
	goto out;
fail:
	unavailable(r, w);
out:
	free(v);
	json_decref(counts);
	json_decref(supp);
	json_decref(rej);
}
