/*
 * Frozen periods (DOMAIN §6: "once published, a period's figures are
 * frozen").  A publication stores the province's fine-grained cells of a
 * period as they were, with the definitions version; nothing ever updates
 * the row.  The report of a published period is built from it, and the
 * live figures are compared cell by cell so the page shows where they
 * now differ (a late correction, a dossier reopened by a supplement).
 * Publishing is one transaction with its audit entry.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/config.h"
#include "report_int.h"

void
report_pub_free(struct report_pub *p)
{
	if (p == NULL)
		return;
	free(p->from);
	free(p->to);
	free(p->definitions);
	free(p->by);
	free(p->note);
	report_cells_free(&p->cells);
	memset(p, 0, sizeof(*p));
}

enum db_rc
report_pub_get(struct db_conn *c, const struct report_period *p, struct report_pub *out)
{
	struct db_res *res = NULL;
	json_t *cells = NULL;
	enum db_rc rc;
	int k;

	memset(out, 0, sizeof(*out));
	if ((rc = db_exec(c, STMT_RPT_PUB_GET, (struct db_param[]){ DB_TEXT(p->from),
	    DB_TEXT(p->to) }, 2, &res)) != DB_OK)
		return rc;
	if ((k = db_res_next(res)) != 1) {
		rc = k == 0 ? DB_NOTFOUND : DB_ERROR;
		goto out;
	}
	out->id = db_res_int(res, 0);
	out->from = strdup(db_res_text(res, 1));
	out->to = strdup(db_res_text(res, 2));
	out->definitions = strdup(db_res_text(res, 3));
	out->as_of = db_res_int(res, 4);
	out->published_at = db_res_int(res, 5);
	out->by = strdup(db_res_text(res, 6));
	out->note = strdup(db_res_text(res, 7));
	cells = json_loads(db_res_text(res, 8), 0, NULL);
	if (out->from == NULL || out->to == NULL || out->definitions == NULL || out->by == NULL ||
	    out->note == NULL || report_cells_from_json(cells, &out->cells) == -1) {
		rc = DB_ERROR;
		goto out;
	}
	rc = DB_OK;
out:
	json_decref(cells);
	db_res_free(res);
	if (rc != DB_OK)
		report_pub_free(out);
	return rc;
}

enum db_rc
report_cells_scope(struct db_conn *c, const struct scope *s, struct report_cells *cells)
{
	struct db_param a[2];
	struct db_res *res = NULL;
	int64_t *ids = NULL;
	size_t nids = 0, cap = 0, keep = 0;
	enum db_rc rc;
	int k;

	if (s->all)
		return DB_OK;
	auth_scope_bind(s, a);
	if ((rc = db_exec(c, STMT_RPT_SCOPE_AGENCIES, a, 2, &res)) != DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1) {
		if (nids == cap) {
			int64_t *v = realloc(ids, (cap = cap ? cap * 2 : 64) * sizeof(*v));

			if (v == NULL) {
				k = -1;
				break;
			}
			ids = v;
		}
		ids[nids++] = db_res_int(res, 0);
	}
	db_res_free(res);
	if (k < 0) {
		free(ids);
		return DB_ERROR;
	}
	for (size_t i = 0; i < cells->n; i++) {
		int in = 0;

		for (size_t j = 0; j < nids && !in; j++)
			in = ids[j] == cells->v[i].ag;
		if (in) {
			struct report_cell t = cells->v[keep];

			cells->v[keep++] = cells->v[i];
			cells->v[i] = t;
		}
	}
	/* The dropped cells sit after `keep`; free them with the array. */
	{
		struct report_cells drop = { cells->v + keep, cells->n - keep, 0 };

		for (size_t i = 0; i < drop.n; i++) {
			free(drop.v[i].ag_code);
			free(drop.v[i].ag_name);
			free(drop.v[i].fl_code);
			free(drop.v[i].fl_name);
			free(drop.v[i].pr_code);
			free(drop.v[i].pr_name);
		}
	}
	cells->n = keep;
	free(ids);
	return DB_OK;
}

static json_t *
time_json(int64_t t)
{
	char iso[32];

	time_format_iso(t, iso);
	return json_string(iso);
}

json_t *
report_pub_json(const struct report_pub *p)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:s, s:s}", "id", (json_int_t)p->id,
	    "from", p->from, "to", p->to, "definitions", p->definitions, "as_of",
	    time_json(p->as_of), "published_at", time_json(p->published_at), "published_by",
	    p->by, "note", p->note);
}

/* POST /api/v1/reports/publications {period | from, to, note?} */
void
report_http_publish(struct req *r, struct resp *w)
{
	struct dossier_err err;
	struct scoped s;
	struct report_period p;
	struct report_cells cells;
	struct report_pub pub;
	struct scope all = { 1, 0 };
	json_t *body = NULL, *snap = NULL;
	const char *note = "";
	char *text = NULL, obj[64];
	int64_t now, id = 0;
	enum db_rc rc;
	int began = 0;

	memset(&err, 0, sizeof(err));
	memset(&cells, 0, sizeof(cells));
	memset(&pub, 0, sizeof(pub));
	if (auth_scoped(r, w, &s) == -1)
		return;
	if ((body = req_json_object(r, w)) == NULL)
		return;
	now = clock_now();
	{
		const char *k;
		json_t *v;

		json_object_foreach(body, k, v) {
			if (strcmp(k, "period") != 0 && strcmp(k, "from") != 0 &&
			    strcmp(k, "to") != 0 && strcmp(k, "note") != 0)
				dossier_err_param(&err, k, "Trường không được hỗ trợ.",
				    "Unknown member.");
		}
	}
	if (json_object_get(body, "note") != NULL) {
		note = json_string_value(json_object_get(body, "note"));
		if (note == NULL || strlen(note) > 2000 || !str_utf8_valid(note, strlen(note))) {
			dossier_err_param(&err, "note", "Ghi chú tối đa 2000 ký tự.",
			    "At most 2000 characters.");
			note = "";
		}
	}
	if (err.n == 0)
		(void)report_period_parse(json_string_value(json_object_get(body, "period")),
		    json_string_value(json_object_get(body, "from")),
		    json_string_value(json_object_get(body, "to")), &p, &err);
	if (err.n > 0)
		goto fail;
	if (p.t1 > now) {
		dossier_err_set(&err, PROB_UNPROCESSABLE, "Kỳ %s – %s chưa kết thúc; chỉ chốt số liệu "
		    "kỳ đã qua.", "The period %s – %s has not ended; only past periods can be "
		    "published.", p.from, p.to, p.from, p.to);
		goto fail;
	}
	/* The figures are read and stored in the same transaction, so the
	 * snapshot is exactly what was true at its commit. */
	if (db_begin(s.conn) != DB_OK)
		goto unavailable;
	began = 1;
	if ((rc = report_pub_get(s.conn, &p, &pub)) == DB_OK) {
		dossier_err_set(&err, PROB_CONFLICT, "Kỳ %s – %s đã được chốt số liệu lúc trước; số "
		    "liệu đã chốt không thay đổi.", "The period %s – %s was already published; "
		    "published figures never change.", p.from, p.to, p.from, p.to);
		goto fail;
	}
	if (rc != DB_NOTFOUND || report_cells_live(s.conn, &all, &p, now, &cells) != DB_OK)
		goto unavailable;
	snap = report_cells_json(&cells);
	text = snap != NULL ? json_dumps(snap, JSON_COMPACT) : NULL;
	if (text == NULL)
		goto unavailable;
	rc = db_exec(s.conn, STMT_RPT_PUB_INSERT, (struct db_param[]){ DB_TEXT(p.from),
	    DB_TEXT(p.to), DB_TEXT(REPORT_DEFINITIONS), DB_INT(p.t1), DB_INT(now),
	    s.who->kind == PRINCIPAL_USER ? DB_INT(s.who->id) : DB_NULL,
	    DB_TEXT(s.who->full_name && s.who->full_name[0] ? s.who->full_name : s.who->name),
	    DB_TEXT(note), DB_TEXT(text) }, 9, NULL);
	if (rc == DB_CONSTRAINT) {
		dossier_err_set(&err, PROB_CONFLICT, "Kỳ %s – %s vừa được chốt số liệu.",
		    "The period %s – %s was just published.", p.from, p.to, p.from, p.to);
		goto fail;
	}
	snprintf(obj, sizeof(obj), "report:%s..%s", p.from, p.to);
	if (rc != DB_OK || auth_audit(r, s.conn, 0, "report.publish", obj,
	    json_pack("{s:s, s:s, s:s, s:I}", "from", p.from, "to", p.to, "definitions",
	    REPORT_DEFINITIONS, "cells", (json_int_t)cells.n)) != DB_OK ||
	    report_pub_get(s.conn, &p, &pub) != DB_OK || db_commit(s.conn) != DB_OK)
		goto unavailable;
	began = 0;
	id = pub.id;
	(void)id;
	resp_json(w, 201, report_pub_json(&pub));
	goto out;
unavailable:
	dossier_err_set(&err, PROB_UNAVAILABLE, "Không chốt được số liệu lúc này; chưa có gì được "
	    "ghi.", "Could not publish now; nothing was written.");
fail:
	dossier_err_render(r, w, &err);
out:
	if (began)
		db_rollback(s.conn);
	free(text);
	json_decref(snap);
	json_decref(body);
	report_cells_free(&cells);
	report_pub_free(&pub);
}

/* GET /api/v1/reports/publications?cursor=&limit= */
void
report_http_publications(struct req *r, struct resp *w)
{
	struct scoped s;
	struct db_res *res = NULL;
	json_t *items;
	int64_t cursor = INT64_MAX, limit = 50, last = 0;
	const char *q;
	int k, n = 0;

	if (auth_scoped(r, w, &s) == -1)
		return;
	if (((q = req_query(r, "cursor")) != NULL && str_to_i64(q, 1, INT64_MAX, &cursor) == -1) ||
	    ((q = req_query(r, "limit")) != NULL && str_to_i64(q, 1, 500, &limit) == -1)) {
		resp_problem(w, r, PROB_VALIDATION, "Tham số cursor hoặc limit không hợp lệ.",
		    "Invalid cursor or limit.");
		return;
	}
	if (db_exec(s.conn, STMT_RPT_PUB_LIST, (struct db_param[]){ DB_INT(cursor),
	    DB_INT(limit + 1) }, 2, &res) != DB_OK) {
		resp_problem(w, r, PROB_UNAVAILABLE, NULL, NULL);
		return;
	}
	items = json_array();
	while ((k = db_res_next(res)) == 1 && n < limit) {
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:s, s:s}",
		    "id", (json_int_t)db_res_int(res, 0), "from", db_res_text(res, 1), "to",
		    db_res_text(res, 2), "definitions", db_res_text(res, 3), "as_of",
		    time_json(db_res_int(res, 4)), "published_at", time_json(db_res_int(res, 5)),
		    "published_by", db_res_text(res, 6), "note", db_res_text(res, 7)));
		last = db_res_int(res, 0);
		n++;
	}
	db_res_free(res);
	if (k < 0) {
		json_decref(items);
		resp_problem(w, r, PROB_UNAVAILABLE, NULL, NULL);
		return;
	}
	resp_json(w, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor",
	    k == 1 ? json_sprintf("%lld", (long long)last) : json_null()));
}
