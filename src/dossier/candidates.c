/*
 * Two read-only routes the dossier pages need besides the dossier itself:
 *
 *  - GET /api/v1/dossiers/{code}/candidates?action=assign|forward — the
 *    officials who can take the step an assignment or a hand-over gives
 *    the dossier to: active accounts whose role is that step's role, in
 *    the agency that does the step (a `receiver` step: the receiving desk;
 *    any other: the deciding agency, or the desk when there is none) and
 *    the agencies below it.  Scoped like the dossier (404 outside the
 *    caller's scope); names, usernames and roles only.  Every candidate
 *    passes the action's own check of `to_user` (workflow.c in_user).
 *  - GET /api/v1/public/dossier-labels — the status and action table's
 *    names and labels in both languages, the one source the web pages'
 *    dictionaries are checked against.
 */
#include <stdio.h>
#include <string.h>

#include "dossier_int.h"

/* The agency that does step s of d. */
static int64_t
step_agency(const struct dossier *d, const struct dossier_step *s)
{
	if (strcmp(s->role, "receiver") == 0 || d->lead_agency_id == 0)
		return d->agency_id;
	return d->lead_agency_id;
}

static const char *
agency_name_of(struct dossier_ctx *x, int64_t id, const char **code)
{
	struct db_res *res = NULL;
	const char *name = "";

	*code = "";
	if (db_exec(x->c, STMT_DOS_AGENCY, (struct db_param[]){ DB_INT(id) }, 1, &res) == DB_OK &&
	    db_res_next(res) == 1) {
		*code = dossier_strdup(x, db_res_text(res, 1));
		name = dossier_strdup(x, db_res_text(res, 2));
	}
	db_res_free(res);
	return name;
}

/* The candidates for action a on d as {action, step, agency, items}: 0, or
 * -1 with err. */
static int
candidates_json(struct dossier_ctx *x, struct dossier *d, enum dossier_action a, json_t **out,
    struct dossier_err *err)
{
	const struct dossier_step *s;
	struct db_res *res = NULL;
	const char *role, *acode, *aname;
	int64_t agency;
	json_t *items;
	int k;

	*out = NULL;
	if (dossier_transition_find(d->status, a) == NULL) {
		dossier_err_set(err, PROB_UNPROCESSABLE, "Không thể \"%s\" hồ sơ ở trạng thái \"%s\".",
		    "\"%s\" is not possible for a dossier \"%s\".", dossier_action_label(a, 0),
		    dossier_status_label(d->status, 0), dossier_action_label(a, 1),
		    dossier_status_label(d->status, 1));
		return -1;
	}
	if ((s = dossier_step_at(d, a == DA_ASSIGN ? d->step : d->step + 1)) == NULL) {
		dossier_err_set(err, PROB_UNPROCESSABLE, "Hồ sơ không có bước %s trong quy trình nội bộ.",
		    "The dossier's internal process has no %s step.",
		    a == DA_ASSIGN ? "hiện tại" : "tiếp theo", a == DA_ASSIGN ? "current" : "next");
		return -1;
	}
	agency = step_agency(d, s);
	aname = agency_name_of(x, agency, &acode);
	role = auth_role_from(s->role) != ROLE__MAX ? s->role : "";
	if (db_exec(x->c, STMT_DOS_CANDIDATES, (struct db_param[]){ DB_INT(agency), DB_TEXT(role) },
	    2, &res) != DB_OK) {
		dossier_err_set(err, PROB_UNAVAILABLE, "Không đọc được danh sách cán bộ.",
		    "Could not read the officials.");
		return -1;
	}
	items = json_array();
	while ((k = db_res_next(res)) == 1)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}}",
		    "username", db_res_text(res, 0), "name", db_res_text(res, 1), "role",
		    db_res_text(res, 2), "role_label", auth_role_label(auth_role_from(db_res_text(res,
		    2)), x->en), "agency", "code", db_res_text(res, 3), "name", db_res_text(res, 4)));
	db_res_free(res);
	if (k < 0) {
		json_decref(items);
		dossier_err_set(err, PROB_UNAVAILABLE, "Không đọc được danh sách cán bộ.",
		    "Could not read the officials.");
		return -1;
	}
	*out = json_pack("{s:s, s:{s:I, s:s, s:s, s:s}, s:{s:s, s:s}, s:o}", "action",
	    dossier_action_name(a), "step", "seq", (json_int_t)s->seq, "name", s->name, "unit",
	    s->unit, "role", s->role, "agency", "code", acode, "name", aname, "items", items);
	return *out != NULL ? 0 : -1;
}

void
dossier_http_candidates(struct req *r, struct resp *w)
{
	struct dossier_ctx x;
	struct dossier d;
	struct dossier_err err;
	const char *q = req_query(r, "action");
	enum dossier_action a = dossier_action_from(q);
	json_t *out = NULL;
	enum db_rc rc;

	memset(&err, 0, sizeof(err));
	if (dossier_ctx_staff(r, w, &x) == -1)
		return;
	if (a != DA_ASSIGN && a != DA_FORWARD) {
		dossier_err_param(&err, "action", "Cần assign hoặc forward.",
		    "Must be assign or forward.");
		dossier_err_render(r, w, &err);
		return;
	}
	if ((rc = dossier_load(&x, req_param(r, "code"), &d)) == DB_NOTFOUND)
		dossier_err_set(&err, PROB_NOT_FOUND, "Không tìm thấy hồ sơ %s.", "No dossier %s.",
		    req_param(r, "code"), req_param(r, "code"));
	else if (rc != DB_OK)
		dossier_err_set(&err, PROB_UNAVAILABLE, "Không đọc được hồ sơ.",
		    "Could not read the dossier.");
	if (rc != DB_OK || candidates_json(&x, &d, a, &out, &err) == -1) {
		dossier_err_render(r, w, &err);
		return;
	}
	resp_json(w, 200, out);
	resp_header(w, "Cache-Control", "no-store");
}

void
dossier_http_labels(struct req *r, struct resp *w)
{
	json_t *st = json_array(), *ac = json_array();

	(void)r;
	for (int i = 0; i < DS__MAX; i++) {
		enum dossier_status s = (enum dossier_status)i;

		json_array_append_new(st, json_pack("{s:s, s:s, s:s, s:b, s:b}", "code",
		    dossier_status_name(s), "vi", dossier_status_label(s, 0), "en",
		    dossier_status_label(s, 1), "terminal", dossier_status_terminal(s), "clock_runs",
		    dossier_status_clock_runs(s)));
	}
	for (int i = 0; i < DA__MAX; i++) {
		enum dossier_action a = (enum dossier_action)i;

		json_array_append_new(ac, json_pack("{s:s, s:s, s:s}", "code", dossier_action_name(a),
		    "vi", dossier_action_label(a, 0), "en", dossier_action_label(a, 1)));
	}
	resp_json(w, 200, json_pack("{s:o, s:o}", "statuses", st, "actions", ac));
	resp_header(w, "Cache-Control", "public, max-age=3600");
}
