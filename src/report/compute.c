/*
 * The resolution report: fine-grained cells per (handling agency, field,
 * procedure) read with STMT_RPT_CELLS (indexed ranges, see stmts.def),
 * rolled up in memory by group_by.  The cells are also the snapshot
 * format of a publication, so a frozen period can be shown by any
 * group_by and cut to any agency's subtree.
 */
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

const struct report_coldef report_cols[REPORT_NCOLS] = {
	[RC_CARRIED] = { "carried_over", "Kỳ trước chuyển sang", "Carried over", 0, 0, 0, 99, 0 },
	[RC_ONLINE] = { "received_online", "Mới tiếp nhận trực tuyến", "New, online", 1, 1, 0, 99,
	    0 },
	[RC_COUNTER] = { "received_counter", "Mới tiếp nhận trực tiếp, bưu chính",
	    "New, at the counter or by post", 2, 2, 0, 99, 0 },
	[RC_EARLY] = { "handled_early", "Đã giải quyết trước hạn", "Handled early", 0, 99, 3, 3,
	    0 },
	[RC_ON_TIME] = { "handled_on_time", "Đã giải quyết đúng hạn", "Handled on time", 0, 99, 4,
	    4, 0 },
	[RC_LATE] = { "handled_late", "Đã giải quyết quá hạn", "Handled late", 0, 99, 5, 5, 0 },
	[RC_REJECTED] = { "rejected", "Không đủ điều kiện, trả lại", "Rejected", 0, 99, 6, 6, 0 },
	[RC_WITHDRAWN] = { "withdrawn", "Rút hồ sơ", "Withdrawn", 0, 99, 7, 7, 0 },
	[RC_STOPPED] = { "stopped", "Dừng xử lý", "Stopped", 0, 99, 8, 8, 0 },
	[RC_IP_ON_TIME] = { "in_progress_on_time", "Đang giải quyết trong hạn",
	    "In progress, within time", 0, 99, 9, 9, 0 },
	[RC_IP_OVERDUE] = { "in_progress_overdue", "Đang giải quyết quá hạn",
	    "In progress, overdue", 0, 99, 10, 10, 0 },
	[RC_APOLOGIES] = { "apologies", "Phiếu xin lỗi đã gửi", "Apologies issued", 0, 99, 0,
	    99, 1 },
	[RC_RATED] = { "rated", "Lượt đánh giá mức độ hài lòng", "Satisfaction ratings", 0, 99,
	    0, 99, 0, 1, 0 },
	[RC_SATISFIED] = { "satisfied", "Trong đó hài lòng", "Of which satisfied", 0, 99, 0, 99,
	    0, 1, 1 },
	[RC__MAX + RS_RECEIVED] = { "to_handle", "Tổng số hồ sơ phải giải quyết",
	    "Dossiers to handle", 0, 2, 0, 99, 0 },
	[RC__MAX + RS_NEW] = { "received", "Mới tiếp nhận", "New", 1, 2, 0, 99, 0 },
	[RC__MAX + RS_HANDLED] = { "handled", "Đã giải quyết", "Handled", 0, 99, 3, 5, 0 },
	[RC__MAX + RS_IN_PROGRESS] = { "in_progress", "Đang giải quyết", "In progress", 0, 99, 9,
	    10, 0 },
};

int
report_col_from(const char *name)
{
	for (int i = 0; name != NULL && i < REPORT_NCOLS; i++)
		if (strcmp(report_cols[i].name, name) == 0)
			return i;
	return -1;
}

static const char *const group_names[RG__MAX] = { "agency", "field", "procedure" };

const char *
report_group_name(enum report_group g)
{
	return g < RG__MAX ? group_names[g] : "?";
}

enum report_group
report_group_from(const char *s)
{
	for (int i = 0; s != NULL && i < RG__MAX; i++)
		if (strcmp(group_names[i], s) == 0)
			return (enum report_group)i;
	return RG__MAX;
}

/* ---- cells ------------------------------------------------------------------ */

void
report_cells_free(struct report_cells *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].ag_code);
		free(c->v[i].ag_name);
		free(c->v[i].fl_code);
		free(c->v[i].fl_name);
		free(c->v[i].pr_code);
		free(c->v[i].pr_name);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static struct report_cell *
cells_add(struct report_cells *c)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct report_cell *v = realloc(c->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		c->v = v;
		c->cap = cap;
	}
	memset(&c->v[c->n], 0, sizeof(c->v[0]));
	return &c->v[c->n++];
}

static int
cell_strs(struct report_cell *x, const char *const s[6])
{
	char **dst[6] = { &x->ag_code, &x->ag_name, &x->fl_code, &x->fl_name, &x->pr_code,
		&x->pr_name };

	for (int i = 0; i < 6; i++)
		if ((*dst[i] = strdup(s[i] ? s[i] : "")) == NULL)
			return -1;
	return 0;
}

/* Cells are keyed by (agency, field, procedure); a bundle's rating has
 * procedure 0 and its own code. */
static int
cell_cmp(const void *a, const void *b)
{
	const struct report_cell *x = a, *y = b;

	if (x->ag != y->ag)
		return x->ag < y->ag ? -1 : 1;
	if (x->fl != y->fl)
		return x->fl < y->fl ? -1 : 1;
	if (x->pr != y->pr)
		return x->pr < y->pr ? -1 : 1;
	return x->pr == 0 ? strcmp(x->pr_code, y->pr_code) : 0;
}

/* Add the period's satisfaction ratings (STMT_RATING_CELLS, same first
 * four parameters) to the cells: into the cell of the same key, or a new
 * cell (a dossier rated in this period but handled in an earlier one, or
 * a bundle).  One sort and a binary search per rated key, so the cost
 * stays that of the two indexed range reads. */
static enum db_rc
cells_add_ratings(struct db_conn *c, const struct db_param a[4], struct report_cells *out)
{
	struct db_res *res = NULL;
	size_t sorted;
	enum db_rc rc;
	int k;

	if (out->n > 1)
		qsort(out->v, out->n, sizeof(out->v[0]), cell_cmp);
	sorted = out->n;
	if ((rc = db_exec(c, STMT_RATING_CELLS, a, 4, &res)) != DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1) {
		struct report_cell key, *x;

		memset(&key, 0, sizeof(key));
		key.ag = db_res_int(res, 0);
		key.fl = db_res_int(res, 3);
		key.pr = db_res_int(res, 6);
		key.pr_code = (char *)db_res_text(res, 7);
		x = bsearch(&key, out->v, sorted, sizeof(out->v[0]), cell_cmp);
		if (x == NULL) {
			const char *st[6] = { db_res_text(res, 1), db_res_text(res, 2),
				db_res_text(res, 4), db_res_text(res, 5), db_res_text(res, 7),
				db_res_text(res, 8) };

			if ((x = cells_add(out)) == NULL || cell_strs(x, st) == -1) {
				k = -1;
				break;
			}
			x->ag = key.ag;
			x->fl = key.fl;
			x->pr = key.pr;
		}
		x->n[RC_RATED] += db_res_int(res, 9);
		x->n[RC_SATISFIED] += db_res_int(res, 10);
	}
	rc = k < 0 ? (db_res_rc(res) != DB_OK ? db_res_rc(res) : DB_ERROR) : DB_OK;
	db_res_free(res);
	return rc;
}

enum db_rc
report_cells_live(struct db_conn *c, const struct scope *s, const struct report_period *p,
    int64_t now, struct report_cells *out)
{
	struct db_param a[5];
	struct db_res *res = NULL;
	enum db_rc rc;
	int k;

	memset(out, 0, sizeof(*out));
	auth_scope_bind(s, a);
	a[2] = DB_INT(p->t0);
	a[3] = DB_INT(p->t1);
	a[4] = DB_INT(now < p->t1 ? now : p->t1);
	if ((rc = db_exec(c, STMT_RPT_CELLS, a, 5, &res)) != DB_OK)
		return rc;
	while ((k = db_res_next(res)) == 1) {
		struct report_cell *x = cells_add(out);
		const char *st[6] = { db_res_text(res, 1), db_res_text(res, 2), db_res_text(res, 4),
			db_res_text(res, 5), db_res_text(res, 7), db_res_text(res, 8) };

		if (x == NULL || cell_strs(x, st) == -1) {
			k = -1;
			break;
		}
		x->ag = db_res_int(res, 0);
		x->fl = db_res_int(res, 3);
		x->pr = db_res_int(res, 6);
		for (int i = 0; i < REPORT_NCLS; i++)
			x->n[i] = db_res_int(res, 9 + i);
	}
	rc = k < 0 ? (db_res_rc(res) != DB_OK ? db_res_rc(res) : DB_ERROR) : DB_OK;
	db_res_free(res);
	if (rc == DB_OK)
		rc = cells_add_ratings(c, a, out);
	if (rc != DB_OK)
		report_cells_free(out);
	return rc;
}

/* Snapshot format: [[ag, ag_code, ag_name, fl, fl_code, fl_name, pr,
 * pr_code, pr_name, [n0..n13]], ...] — compact and column-ordered.  A
 * motcua-report/1 snapshot has twelve counts (no ratings: read as 0). */
json_t *
report_cells_json(const struct report_cells *c)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < c->n; i++) {
		const struct report_cell *x = &c->v[i];
		json_t *n = json_array();

		for (int j = 0; j < RC__MAX; j++)
			json_array_append_new(n, json_integer(x->n[j]));
		json_array_append_new(a, json_pack("[I,s,s,I,s,s,I,s,s,o]", (json_int_t)x->ag,
		    x->ag_code, x->ag_name, (json_int_t)x->fl, x->fl_code, x->fl_name,
		    (json_int_t)x->pr, x->pr_code, x->pr_name, n));
	}
	return a;
}

int
report_cells_from_json(json_t *a, struct report_cells *out)
{
	size_t i;
	json_t *e;

	memset(out, 0, sizeof(*out));
	if (!json_is_array(a))
		return -1;
	json_array_foreach(a, i, e) {
		struct report_cell *x = cells_add(out);
		json_int_t ag, fl, pr;
		const char *st[6];
		json_t *n;

		if (x == NULL || json_unpack(e, "[I,s,s,I,s,s,I,s,s,o]", &ag, &st[0], &st[1], &fl,
		    &st[2], &st[3], &pr, &st[4], &st[5], &n) != 0 || !json_is_array(n) ||
		    (json_array_size(n) != RC__MAX && json_array_size(n) != REPORT_NCLS) ||
		    cell_strs(x, st) == -1)
			goto fail;
		x->ag = ag;
		x->fl = fl;
		x->pr = pr;
		for (int j = 0; j < (int)json_array_size(n); j++)
			x->n[j] = json_integer_value(json_array_get(n, (size_t)j));
	}
	return 0;
fail:
	report_cells_free(out);
	return -1;
}

/* ---- roll-up ------------------------------------------------------------------ */

static void
row_derive(struct report_row *r)
{
	r->n[RC__MAX + RS_NEW] = r->n[RC_ONLINE] + r->n[RC_COUNTER];
	r->n[RC__MAX + RS_RECEIVED] = r->n[RC_CARRIED] + r->n[RC__MAX + RS_NEW];
	r->n[RC__MAX + RS_HANDLED] = r->n[RC_EARLY] + r->n[RC_ON_TIME] + r->n[RC_LATE];
	r->n[RC__MAX + RS_IN_PROGRESS] = r->n[RC_IP_ON_TIME] + r->n[RC_IP_OVERDUE];
}

static void
cell_key(const struct report_cell *x, enum report_group g, const char **key, const char **name)
{
	switch (g) {
	case RG_FIELD:
		*key = x->fl_code;
		*name = x->fl_name;
		break;
	case RG_PROCEDURE:
		*key = x->pr_code;
		*name = x->pr_name;
		break;
	default:
		*key = x->ag_code;
		*name = x->ag_name;
		break;
	}
}

static int
row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct report_row *)a)->key, ((const struct report_row *)b)->key);
}

int
report_rollup(const struct report_cells *c, enum report_group g, struct report_row **rows,
    size_t *nrows, struct report_row *total)
{
	struct report_row *v = calloc(c->n ? c->n : 1, sizeof(*v));
	size_t n = 0;

	*rows = NULL;
	*nrows = 0;
	memset(total, 0, sizeof(*total));
	total->key = "total";
	total->name = "Tổng cộng";
	if (v == NULL)
		return -1;
	/* Few rows (agencies, fields or procedures): a linear search is fine and
	 * keeps the code obvious. */
	for (size_t i = 0; i < c->n; i++) {
		const char *key, *name;
		size_t j;

		cell_key(&c->v[i], g, &key, &name);
		for (j = 0; j < n; j++)
			if (strcmp(v[j].key, key) == 0)
				break;
		if (j == n) {
			v[n].key = key;
			v[n].name = name;
			n++;
		}
		for (int k = 0; k < RC__MAX; k++) {
			v[j].n[k] += c->v[i].n[k];
			total->n[k] += c->v[i].n[k];
		}
	}
	for (size_t j = 0; j < n; j++)
		row_derive(&v[j]);
	row_derive(total);
	qsort(v, n, sizeof(*v), row_cmp);
	*rows = v;
	*nrows = n;
	return 0;
}

double
report_on_time_rate(const struct report_row *r)
{
	int64_t h = r->n[RC__MAX + RS_HANDLED];

	return h > 0 ? (double)(r->n[RC_EARLY] + r->n[RC_ON_TIME]) / (double)h : -1.0;
}

double
report_satisfaction_rate(const struct report_row *r)
{
	int64_t n = r->n[RC_RATED];

	return n > 0 ? (double)r->n[RC_SATISFIED] / (double)n : -1.0;
}

json_t *
report_rate_json(double rate)
{
	if (rate < 0)
		return json_null();
	return json_real((double)(int64_t)(rate * 10000.0 + 0.5) / 10000.0);
}

json_t *
report_row_json(const struct report_row *r)
{
	json_t *o = json_pack("{s:s, s:s}", "key", r->key, "name", r->name);

	for (int i = 0; o != NULL && i < REPORT_NCOLS; i++)
		json_object_set_new(o, report_cols[i].name, json_integer(r->n[i]));
	json_object_set_new(o, "on_time_rate", report_rate_json(report_on_time_rate(r)));
	json_object_set_new(o, "satisfaction_rate",
	    report_rate_json(report_satisfaction_rate(r)));
	return o;
}

json_t *
report_columns_json(int en)
{
	json_t *a = json_array();

	for (int i = 0; a != NULL && i < REPORT_NCOLS; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "name", report_cols[i].name,
		    "label", en ? report_cols[i].en : report_cols[i].vi, "derived", i >= RC__MAX));
	json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "name", "on_time_rate", "label",
	    en ? "On-time rate" : "Tỷ lệ giải quyết đúng hạn", "derived", 1));
	json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "name", "satisfaction_rate",
	    "label", en ? "Satisfaction rate" : "Tỷ lệ hài lòng", "derived", 1));
	return a;
}
