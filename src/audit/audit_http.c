/* GET /api/v1/audit: the log, newest first, filtered by object, action or
 * actor, through the caller's scope (admins and inspectors: everything). */
#include <jansson.h>
#include <string.h>

#include "../auth/auth.h"
#include "audit.h"

#define AUDIT_FILTER_MAX 200

static void
audit_bad(struct req *r, struct resp *w, const char *name, const char *vi, const char *en)
{
	struct problem_param p = { name, strcmp(r->lang, "en") == 0 ? en : vi };

	resp_problem_params(w, r, PROB_VALIDATION, "Tham số không hợp lệ.", "Invalid parameter.",
	    &p, 1);
}

static int
audit_filter(struct req *r, struct resp *w, const char *name, const char **out)
{
	const char *v = req_query(r, name);
	struct problem_param p = { name, NULL };

	*out = v != NULL ? v : "";
	if (v == NULL || strlen(v) <= AUDIT_FILTER_MAX)
		return 0;
	p.reason = strcmp(r->lang, "en") == 0 ? "At most 200 characters." : "Tối đa 200 ký tự.";
	resp_problem_params(w, r, PROB_VALIDATION, "Điều kiện lọc không hợp lệ.",
	    "Invalid filter.", &p, 1);
	return -1;
}

static void
audit_list(struct req *r, struct resp *w)
{
	struct scoped s;
	struct db_param p[7];
	struct db_res *res = NULL;
	const char *object, *action, *actor, *l = req_query(r, "limit"), *cur = req_query(r, "cursor");
	int64_t limit = 50, before = INT64_MAX, last = 0;
	json_t *items;
	int k, n = 0, more = 0;

	if (auth_scoped(r, w, &s) == -1)
		return;
	if (audit_filter(r, w, "object", &object) == -1 || audit_filter(r, w, "action", &action) == -1 ||
	    audit_filter(r, w, "actor", &actor) == -1)
		return;
	if (l != NULL && str_to_i64(l, 1, 500, &limit) == -1) {
		audit_bad(r, w, "limit", "Cần số nguyên từ 1 đến 500.", "An integer from 1 to 500.");
		return;
	}
	if (cur != NULL && str_to_i64(cur, 1, INT64_MAX, &before) == -1) {
		audit_bad(r, w, "cursor", "Con trỏ trang không hợp lệ.", "Invalid page cursor.");
		return;
	}
	auth_scope_bind(&s.scope, p);
	p[2] = DB_INT(before);
	p[3] = DB_TEXT(object);
	p[4] = DB_TEXT(action);
	p[5] = DB_TEXT(actor);
	p[6] = DB_INT(limit + 1);
	if (db_exec(s.conn, STMT_AUDIT_QUERY_SCOPED, p, 7, &res) != DB_OK) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	items = json_array();
	while ((k = db_res_next(res)) == 1) {
		char at[32];
		json_t *detail;

		if (n == limit) {
			more = 1;
			continue;
		}
		last = db_res_int(res, 0);
		time_format_iso(db_res_int(res, 1), at);
		if ((detail = json_loads(db_res_text(res, 8), JSON_DECODE_ANY, NULL)) == NULL)
			detail = json_string(db_res_text(res, 8));
		json_array_append_new(items, json_pack("{s:I, s:s, s:o, s:s, s:o, s:s, s:s, s:s, s:o, s:s}",
		    "id", (json_int_t)last, "at", at,
		    "actor_id", db_res_isnull(res, 2) ? json_null() : json_integer(db_res_int(res, 2)),
		    "actor", db_res_text(res, 3),
		    "agency_id", db_res_isnull(res, 4) ? json_null() : json_integer(db_res_int(res, 4)),
		    "action", db_res_text(res, 5), "object", db_res_text(res, 6),
		    "request_id", db_res_text(res, 7), "detail", detail, "hash", db_res_text(res, 9)));
		n++;
	}
	db_res_free(res);
	if (k < 0) {
		json_decref(items);
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	resp_json(w, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor",
	    more ? json_string(arena_printf(r->arena, "%lld", (long long)last)) : json_null()));
	resp_header(w, "Cache-Control", "no-store");
}

const struct route audit_routes[] = {
	{ HTTP_GET, "/api/v1/audit", audit_list, ACT_AUDIT_READ },
};
const size_t audit_nroutes = CORE_NELEM(audit_routes);
