/*
 * The report routes: the resolution report (JSON, CSV, XLSX), its
 * drill-down, publications, the other figures and the public statistics.
 * Every staff handler starts with report_req_init(): the caller's scope
 * (auth_scoped) narrowed by ?agency=CODE, and the period.
 */
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

int
report_req_init(struct req *r, struct resp *w, struct report_req *q, int need_period)
{
	struct dossier_err err;
	const char *code = req_query(r, "agency");

	memset(q, 0, sizeof(*q));
	memset(&err, 0, sizeof(err));
	if (auth_scoped(r, w, &q->s) == -1)
		return -1;
	q->en = r->lang != NULL && strcmp(r->lang, "en") == 0;
	q->now = clock_now();
	q->scope = q->s.scope;
	q->scope_name = q->s.scope.all ? (q->en ? "The whole province" : "Toàn tỉnh") :
	    (q->s.who->agency_name ? q->s.who->agency_name : "");
	if (need_period && report_period_parse(req_query(r, "period"), req_query(r, "from"),
	    req_query(r, "to"), &q->p, &err) == -1) {
		dossier_err_render(r, w, &err);
		return -1;
	}
	if (code != NULL && code[0] != '\0') {
		struct db_res *res = NULL;
		int64_t id = 0;
		int in = 0;

		if (db_exec(q->s.conn, STMT_RPT_AGENCY_BY_CODE, (struct db_param[]){ DB_TEXT(code) },
		    1, &res) != DB_OK) {
			resp_problem(w, r, PROB_UNAVAILABLE, NULL, NULL);
			return -1;
		}
		if (db_res_next(res) == 1) {
			id = db_res_int(res, 0);
			q->scope_name = arena_strdup(r->arena, db_res_text(res, 2));
		}
		db_res_free(res);
		if (id != 0 && (in = auth_scope_contains(q->s.conn, &q->s.scope, id)) == -1) {
			resp_problem(w, r, PROB_UNAVAILABLE, NULL, NULL);
			return -1;
		}
		if (id == 0 || in == 0) {
			/* Unknown and out-of-scope agencies look the same. */
			dossier_err_param(&err, "agency", "Không có cơ quan %s trong phạm vi của bạn.",
			    "No agency %s within your scope.", code, code);
			err.kind = PROB_NOT_FOUND;
			dossier_err_render(r, w, &err);
			return -1;
		}
		q->scope.all = 0;
		q->scope.root = id;
	}
	return 0;
}

static json_t *
iso_json(int64_t t)
{
	char iso[32];

	time_format_iso(t, iso);
	return json_string(iso);
}

/* Differences between published and live rows: [{key, column, published,
 * live}] for every counted column of every row (and the total) that
 * differs. */
static json_t *
diff_json(const struct report_row *pr, size_t pn, const struct report_row *ptot,
    const struct report_row *lr, size_t ln, const struct report_row *ltot)
{
	json_t *a = json_array();
	static const struct report_row zero;

	for (size_t i = 0; i <= pn + ln; i++) {
		const struct report_row *p = NULL, *l = NULL;

		if (i == pn + ln) {
			p = ptot;
			l = ltot;
		} else if (i < pn) {
			p = &pr[i];
			for (size_t j = 0; j < ln && l == NULL; j++)
				if (strcmp(lr[j].key, p->key) == 0)
					l = &lr[j];
		} else {
			l = &lr[i - pn];
			for (size_t j = 0; j < pn && p == NULL; j++)
				if (strcmp(pr[j].key, l->key) == 0)
					p = &pr[j];
			if (p != NULL)
				continue; /* seen from the published side */
		}
		for (int c = 0; c < REPORT_NCOLS; c++) {
			int64_t pv = (p ? p : &zero)->n[c], lv = (l ? l : &zero)->n[c];

			if (pv != lv)
				json_array_append_new(a, json_pack("{s:s, s:s, s:I, s:I}", "key",
				    p ? p->key : l->key, "column", report_cols[c].name, "published",
				    (json_int_t)pv, "live", (json_int_t)lv));
		}
	}
	return a;
}

/* GET /api/v1/reports/resolution?from=&to=|period=&agency=&group_by=&format= */
void
report_http_resolution(struct req *r, struct resp *w)
{
	struct report_req q;
	struct report_cells live;
	struct report_pub pub;
	struct report_row *rows = NULL, *lrows = NULL, total, ltotal;
	size_t nrows = 0, nl = 0;
	const char *gs = req_query(r, "group_by"), *fmt = req_query(r, "format");
	enum report_group g = RG_AGENCY;
	enum db_rc rc;
	int published = 0;

	memset(&live, 0, sizeof(live));
	memset(&pub, 0, sizeof(pub));
	if (gs != NULL && (g = report_group_from(gs)) == RG__MAX) {
		const struct problem_param pp = { "group_by", "agency, field, procedure" };

		resp_problem_params(w, r, PROB_VALIDATION, NULL, NULL, &pp, 1);
		return;
	}
	if (fmt != NULL && strcmp(fmt, "json") != 0 && strcmp(fmt, "csv") != 0 &&
	    strcmp(fmt, "xlsx") != 0) {
		const struct problem_param pp = { "format", "json, csv, xlsx" };

		resp_problem_params(w, r, PROB_VALIDATION, NULL, NULL, &pp, 1);
		return;
	}
	if (report_req_init(r, w, &q, 1) == -1)
		return;
	if (report_cells_live(q.s.conn, &q.scope, &q.p, q.now, &live) != DB_OK)
		goto unavailable;
	if ((rc = report_pub_get(q.s.conn, &q.p, &pub)) == DB_OK) {
		if (report_cells_scope(q.s.conn, &q.scope, &pub.cells) != DB_OK)
			goto unavailable;
		published = 1;
	} else if (rc != DB_NOTFOUND) {
		goto unavailable;
	}
	if (report_rollup(&live, g, &lrows, &nl, &ltotal) == -1 ||
	    (published && report_rollup(&pub.cells, g, &rows, &nrows, &total) == -1))
		goto unavailable;
	if (!published) {
		rows = lrows;
		nrows = nl;
		total = ltotal;
		lrows = NULL;
	}
	if (fmt != NULL && strcmp(fmt, "json") != 0) {
		struct report_table t = { &q.p, g, q.scope_name, rows, nrows, &total,
			published ? &pub : NULL, published ? pub.as_of : (q.now < q.p.t1 ? q.now :
			q.p.t1) };
		char name[96];

		snprintf(name, sizeof(name), "bao-cao-giai-quyet-%s_%s-%s", q.p.from, q.p.to,
		    report_group_name(g));
		if (strcmp(fmt, "csv") == 0)
			report_send_csv(r, w, &t, name);
		else
			report_send_xlsx(r, w, &t, name);
		goto out;
	}
	{
		json_t *a = json_array();

		for (size_t i = 0; i < nrows; i++)
			json_array_append_new(a, report_row_json(&rows[i]));
		resp_json(w, 200, json_pack("{s:{s:s, s:s, s:o}, s:s, s:s, s:s, s:o, s:o, s:o, s:o, "
		    "s:o}",
		    "period", "from", q.p.from, "to", q.p.to, "as_of",
		    iso_json(published ? pub.as_of : (q.now < q.p.t1 ? q.now : q.p.t1)),
		    "group_by", report_group_name(g), "scope", q.scope_name,
		    "definitions", published ? pub.definitions : REPORT_DEFINITIONS,
		    "columns", report_columns_json(q.en), "rows", a, "total", report_row_json(&total),
		    "published", published ? report_pub_json(&pub) : json_null(),
		    "live_differences", published ? diff_json(rows, nrows, &total, lrows, nl,
		    &ltotal) : json_array()));
		resp_header(w, "Cache-Control", "no-store");
	}
	goto out;
unavailable:
	resp_problem(w, r, PROB_UNAVAILABLE, "Không đọc được số liệu lúc này.",
	    "The figures are unavailable now.");
out:
	free(rows);
	free(lrows);
	report_cells_free(&live);
	report_pub_free(&pub);
}

/* GET /api/v1/reports/resolution/dossiers?from=&to=&agency=&group_by=&row=&column=
 * &cursor=&limit= — the exact live list behind one cell (row "total" or
 * absent = every row). */
void
report_http_drill(struct req *r, struct resp *w)
{
	struct report_req q;
	struct dossier_err err;
	const char *gs = req_query(r, "group_by"), *row = req_query(r, "row"), *qs;
	enum report_group g = RG_AGENCY;
	int col = report_col_from(req_query(r, "column"));
	int64_t key[RG__MAX] = { 0 }, cursor = 0, limit = 50, last = 0;
	struct db_param a[15];
	struct db_res *res = NULL;
	json_t *items = NULL;
	int k, n = 0;

	memset(&err, 0, sizeof(err));
	if (gs != NULL && (g = report_group_from(gs)) == RG__MAX)
		dossier_err_param(&err, "group_by", "Chỉ nhận agency, field hoặc procedure.",
		    "One of agency, field, procedure.");
	if (col < 0)
		dossier_err_param(&err, "column", "Cột không hợp lệ.", "Unknown column.");
	if ((qs = req_query(r, "cursor")) != NULL && str_to_i64(qs, 0, INT64_MAX, &cursor) == -1)
		dossier_err_param(&err, "cursor", "Con trỏ trang không hợp lệ.",
		    "Invalid page cursor.");
	if ((qs = req_query(r, "limit")) != NULL && str_to_i64(qs, 1, 500, &limit) == -1)
		dossier_err_param(&err, "limit", "Từ 1 đến 500.", "From 1 to 500.");
	if (err.n > 0) {
		dossier_err_render(r, w, &err);
		return;
	}
	if (report_req_init(r, w, &q, 1) == -1)
		return;
	if (row != NULL && row[0] != '\0' && strcmp(row, "total") != 0) {
		static const enum stmt_id by_code[RG__MAX] = { STMT_RPT_AGENCY_BY_CODE,
			STMT_RPT_FIELD_BY_CODE, STMT_RPT_PROC_BY_CODE };

		if (db_exec(q.s.conn, by_code[g], (struct db_param[]){ DB_TEXT(row) }, 1, &res) !=
		    DB_OK)
			goto unavailable;
		if (db_res_next(res) == 1)
			key[g] = db_res_int(res, 0);
		db_res_free(res);
		res = NULL;
		if (key[g] == 0) {
			dossier_err_param(&err, "row", "Không có dòng %s.", "No row %s.", row, row);
			dossier_err_render(r, w, &err);
			return;
		}
	}
	auth_scope_bind(&q.scope, a);
	a[2] = DB_INT(q.p.t0);
	a[3] = DB_INT(q.p.t1);
	a[4] = DB_INT(q.now < q.p.t1 ? q.now : q.p.t1);
	a[5] = DB_INT(key[RG_AGENCY]);
	a[6] = DB_INT(key[RG_FIELD]);
	a[7] = DB_INT(key[RG_PROCEDURE]);
	if (report_cols[col].rating) {
		/* Rated dossiers: by the time of the rating, not the dossier's. */
		a[4] = a[5];
		a[5] = a[6];
		a[6] = a[7];
		a[7] = DB_INT(report_cols[col].sat_min);
		a[8] = DB_INT(cursor);
		a[9] = DB_INT(limit + 1);
		if (db_exec(q.s.conn, STMT_RATING_DRILL, a, 10, &res) != DB_OK)
			goto unavailable;
	} else {
		a[8] = DB_INT(report_cols[col].src_lo);
		a[9] = DB_INT(report_cols[col].src_hi);
		a[10] = DB_INT(report_cols[col].fate_lo);
		a[11] = DB_INT(report_cols[col].fate_hi);
		a[12] = DB_INT(report_cols[col].apol);
		a[13] = DB_INT(cursor);
		a[14] = DB_INT(limit + 1);
		if (db_exec(q.s.conn, STMT_RPT_DRILL, a, 15, &res) != DB_OK)
			goto unavailable;
	}
	items = json_array();
	while ((k = db_res_next(res)) == 1 && n < limit) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:o, s:o, s:o, s:o, "
		    "s:o, s:o}", "code", db_res_text(res, 1), "status", db_res_text(res, 2), "channel",
		    db_res_text(res, 3), "procedure_code", db_res_text(res, 4), "procedure_name",
		    db_res_text(res, 5), "agency", "code", db_res_text(res, 6), "name",
		    db_res_text(res, 7), "received_at", iso_json(db_res_int(res, 8)),
		    "legal_due_at", db_res_int(res, 9) ? iso_json(db_res_int(res, 9)) : json_null(),
		    "due_at", db_res_int(res, 10) ? iso_json(db_res_int(res, 10)) : json_null(),
		    "finished_at", db_res_int(res, 11) ? iso_json(db_res_int(res, 11)) : json_null(),
		    "result_class", db_res_text(res, 12)[0] ? json_string(db_res_text(res, 12)) :
		    json_null(), "apologized_at", db_res_int(res, 14) ?
		    iso_json(db_res_int(res, 14)) : json_null());

		if (report_cols[col].rating) {
			json_object_set_new(o, "rated_at", iso_json(db_res_int(res, 15)));
			json_object_set_new(o, "satisfied", json_boolean(db_res_int(res, 16)));
		}
		json_array_append_new(items, o);
		last = db_res_int(res, 0);
		n++;
	}
	db_res_free(res);
	if (k < 0) {
		json_decref(items);
		goto unavailable;
	}
	resp_json(w, 200, json_pack("{s:o, s:o, s:s, s:s}", "items", items, "next_cursor",
	    k == 1 ? json_sprintf("%lld", (long long)last) : json_null(), "column",
	    report_cols[col].name, "row", row && row[0] ? row : "total"));
	resp_header(w, "Cache-Control", "no-store");
	return;
unavailable:
	resp_problem(w, r, PROB_UNAVAILABLE, "Không đọc được số liệu lúc này.",
	    "The figures are unavailable now.");
}

const struct route report_routes[] = {
	{ HTTP_GET, "/api/v1/reports/resolution", report_http_resolution, ACT_REPORT_READ },
	{ HTTP_GET, "/api/v1/reports/resolution/dossiers", report_http_drill, ACT_REPORT_READ },
	{ HTTP_GET, "/api/v1/reports/publications", report_http_publications, ACT_REPORT_READ },
	{ HTTP_POST, "/api/v1/reports/publications", report_http_publish, ACT_REPORT_PUBLISH },
	{ HTTP_GET, "/api/v1/reports/summary", report_http_summary, ACT_REPORT_READ },
	{ HTTP_GET, "/api/v1/reports/trend", report_http_trend, ACT_REPORT_READ },
	{ HTTP_GET, "/api/v1/reports/officials", report_http_officials, ACT_REPORT_READ },
	{ HTTP_GET, "/api/v1/reports/durations", report_http_durations, ACT_REPORT_READ },
	{ HTTP_GET, "/api/v1/reports/reasons", report_http_reasons, ACT_REPORT_READ },
	{ HTTP_GET, "/api/v1/public/statistics", report_http_public, ACT_PUBLIC },
};
const size_t report_nroutes = CORE_NELEM(report_routes);
