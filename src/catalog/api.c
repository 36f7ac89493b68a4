/*
 * HTTP handlers of the catalogue.  Reads are public (the catalogue is what
 * citizens read first); writes need the accounts slice's permissions (the
 * guard checks route->perm; the handlers check again and apply the
 * caller's agency scope) and write their audit entry in the same
 * transaction as the change.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app.h"
#include "../auth/auth.h"
#include "../idem/idem.h"
#include "catalog_int.h"

static int
api_en(const struct req *r)
{
	return r->lang != NULL && strcmp(r->lang, "en") == 0;
}

/* Answer 400/422 with the errors as invalid_params (name prefixed with the
 * record when there is one). */
static void
api_errors(struct req *r, struct resp *w, enum problem_kind k, const struct catalog_errs *errs)
{
	struct problem_param *pp = arena_alloc(r->arena, sizeof(*pp) * (errs->n + 1));
	int en = api_en(r);

	if (pp == NULL) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	for (size_t i = 0; i < errs->n; i++) {
		const struct catalog_err *e = &errs->e[i];

		pp[i].name = e->record[0] ? arena_printf(r->arena, "%s.%s", e->record, e->name) :
		    arena_strdup(r->arena, e->name);
		pp[i].reason = arena_strdup(r->arena, en ? e->en : e->vi);
	}
	resp_problem_params(w, r, k,
	    arena_printf(r->arena, "Dữ liệu gửi lên không hợp lệ (%zu lỗi).", errs->total),
	    arena_printf(r->arena, "The submitted data is invalid (%zu errors).", errs->total), pp,
	    errs->n);
}

static void
api_bad_param(struct req *r, struct resp *w, const char *name, const char *vi, const char *en)
{
	struct problem_param p = { name, api_en(r) ? en : vi };

	resp_problem_params(w, r, PROB_BAD_REQUEST, "Tham số không hợp lệ.",
	    "Invalid query parameter.", &p, 1);
}

static void
api_internal(struct req *r, struct resp *w, struct db_conn *c, enum db_rc rc)
{
	db_rollback(c);
	if (rc == DB_BUSY)
		resp_problem(w, r, PROB_UNAVAILABLE, NULL, NULL);
	else
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
}

static int
api_limit(struct req *r, struct resp *w, int64_t *limit)
{
	const char *l = req_query(r, "limit");

	*limit = CAT_LIST_DEFAULT;
	if (l != NULL && str_to_i64(l, 1, CAT_LIST_MAX, limit) == -1) {
		api_bad_param(r, w, "limit", "Cần số nguyên từ 1 đến 500.",
		    "Must be an integer from 1 to 500.");
		return -1;
	}
	return 0;
}

/* Cursor "A_B" of two integers; absent = first page (a, b untouched). */
static int
api_cursor(struct req *r, struct resp *w, int64_t *a, int64_t *b)
{
	const char *cur = req_query(r, "cursor"), *us;
	char left[24];
	size_t n;

	if (cur == NULL)
		return 0;
	if ((us = strchr(cur, '_')) == NULL || (n = (size_t)(us - cur)) == 0 || n >= sizeof(left))
		goto bad;
	memcpy(left, cur, n);
	left[n] = '\0';
	if (str_to_i64(left, -INT64_MAX / 2, INT64_MAX / 2, a) == -1 ||
	    str_to_i64(us + 1, 0, INT64_MAX, b) == -1)
		goto bad;
	return 0;
bad:
	api_bad_param(r, w, "cursor", "Con trỏ trang không hợp lệ.", "Invalid page cursor.");
	return -1;
}

static void
api_page(struct req *r, struct resp *w, json_t *items, int more, int64_t a, int64_t b)
{
	resp_json(w, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor",
	    more ? json_string(arena_printf(r->arena, "%lld_%lld", (long long)a, (long long)b)) :
	    json_null()));
}

/* The caller as a catalogue actor (names are arena-owned). */
static void
api_actor(struct req *r, struct catalog_actor *who)
{
	const struct principal *p = auth_principal(r);

	memset(who, 0, sizeof(*who));
	who->name = "anonymous";
	who->request_id = r->request_id;
	if (p == NULL)
		return;
	who->agency_id = p->agency_id;
	if (p->kind == PRINCIPAL_USER) {
		who->user_id = p->id;
		who->name = p->name;
	} else
		who->name = arena_printf(r->arena, "token:%s", p->name);
	if (who->name == NULL)
		who->name = "token";
}

/* Defence in depth: the guard checked the route's permission; check it
 * again so a route table without the guard fails closed. */
static const struct principal *
api_require(struct req *r, struct resp *w, enum auth_action a)
{
	const struct principal *p = auth_principal(r);

	if (p == NULL) {
		resp_problem(w, r, PROB_UNAUTHENTICATED, "Vui lòng đăng nhập để tiếp tục.",
		    "Please sign in to continue.");
		return NULL;
	}
	if (!auth_can(p, a)) {
		resp_problem(w, r, PROB_FORBIDDEN, "Tài khoản của bạn không có quyền thực hiện thao tác này.",
		    "Your account is not allowed to do this.");
		return NULL;
	}
	return p;
}

/* 1 if every id is in the caller's scope (and, for a scoped caller, there
 * is at least one), 0 if not, -1 on a DB error. */
static int
api_in_scope(struct db_conn *c, const struct principal *p, const int64_t *ids, size_t n)
{
	struct scope s = auth_scope_of(p);

	if (s.all)
		return 1;
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int k = auth_scope_contains(c, &s, ids[i]);

		if (k != 1)
			return k;
	}
	return 1;
}

static void
api_forbidden_scope(struct req *r, struct resp *w)
{
	resp_problem(w, r, PROB_FORBIDDEN,
	    "Thủ tục này không thuộc cơ quan trong phạm vi quản lý của bạn.",
	    "This procedure is not led by an agency within your scope.");
}

/* ---- Idempotency-Key (src/idem) ------------------------------------------ */

/* A replayed 201 carries the Location of the first answer: the created
 * procedure's code or agency's id, read back from the stored body. */
static void
api_replay_location(struct req *r, struct resp *w, enum idem_state st, const struct idem *x)
{
	json_t *j, *code, *id;

	if (st != IDEM_REPLAY || x->status != 201 || x->body == NULL ||
	    (j = json_loads(x->body, 0, NULL)) == NULL)
		return;
	code = json_object_get(j, "code");
	id = json_object_get(j, "id");
	if (strncmp(r->path, "/api/v1/procedures", 18) == 0 && json_is_string(code))
		resp_header(w, "Location", arena_printf(r->arena, "/api/v1/procedures/%s",
		    json_string_value(code)));
	else if (strncmp(r->path, "/api/v1/agencies", 16) == 0 && json_is_integer(id))
		resp_header(w, "Location", arena_printf(r->arena, "/api/v1/agencies/%lld",
		    (long long)json_integer_value(id)));
	json_decref(j);
}

/* After db_begin: claim the request's Idempotency-Key, if it has one, for
 * route and the caller.  0 = carry on (x->key[0] set when claimed); -1 =
 * answered (replay, 422, error) and rolled back. */
static int
api_idem_claim(struct req *r, struct resp *w, struct db_conn *c, const char *key,
    const char *route, struct idem *x)
{
	const struct principal *p = auth_principal(r);
	enum idem_state st;
	char caller[32];

	memset(x, 0, sizeof(*x));
	if (key == NULL)
		return 0;
	snprintf(caller, sizeof(caller), "%s:%lld", p && p->kind == PRINCIPAL_TOKEN ? "t" : "u",
	    p ? (long long)p->id : 0LL);
	st = idem_claim(c, route, caller, key, r->body, r->body ? r->body_len : 0, clock_now(), x);
	if (st == IDEM_NEW)
		return 0;
	db_rollback(c);
	idem_answer(r, w, st, x);
	api_replay_location(r, w, st, x);
	return -1;
}

/* The end of a successful write: answer (stolen) rendered, stored for the
 * claimed key in the same transaction, committed, sent. */
static void
api_commit_answer(struct req *r, struct resp *w, struct db_conn *c, const struct idem *x,
    int status, json_t *answer)
{
	char *text = answer ? json_dumps(answer, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	enum db_rc rc = text ? DB_OK : DB_ERROR;

	json_decref(answer);
	if (rc == DB_OK && x->key[0] != '\0')
		rc = idem_store(c, x, status, text, strlen(text));
	if (rc == DB_OK)
		rc = db_commit(c);
	if (rc != DB_OK)
		api_internal(r, w, c, rc);
	else
		resp_json_text(w, status, text, strlen(text));
	free(text);
}

/* ---- fields ------------------------------------------------------------ */

static void
api_fields(struct req *r, struct resp *w)
{
	struct db_conn *c = app_conn(r, w);
	struct db_res *res = NULL;
	json_t *items;
	char today[16];
	int k;

	if (c == NULL)
		return;
	catalog_today(today);
	if (db_exec(c, STMT_CAT_FIELD_LIST, (struct db_param[]){ DB_TEXT(today) }, 1, &res) != DB_OK) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	items = json_array();
	while ((k = db_res_next(res)) == 1)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:I}", "code",
		    db_res_text(res, 1), "name", db_res_text(res, 2), "name_en", db_res_text(res, 3),
		    "procedures", (json_int_t)db_res_int(res, 6)));
	db_res_free(res);
	if (k < 0) {
		json_decref(items);
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	resp_json(w, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

/* ---- agencies ---------------------------------------------------------- */

static void
api_agencies_list(struct req *r, struct resp *w)
{
	static const char *const kinds[] = { "province", "department", "district", "commune", "unit",
		"center", "other", NULL };
	static const char *const tiers[] = { "province", "district", "commune", NULL };
	struct db_conn *c = app_conn(r, w);
	const char *kind = req_query(r, "kind"), *parent = req_query(r, "parent");
	const char *desk = req_query(r, "desk"), *tier = req_query(r, "tier");
	struct cat_search q;
	struct db_res *res = NULL;
	int64_t limit, pid = 0, dsk = -1, so = -1, after = 0, n = 0, lso = 0, lid = 0;
	json_t *items;
	int k, ok, more = 0;

	if (c == NULL || api_limit(r, w, &limit) == -1 || api_cursor(r, w, &so, &after) == -1)
		return;
	ok = kind == NULL;
	for (size_t i = 0; !ok && kinds[i] != NULL; i++)
		ok = strcmp(kind, kinds[i]) == 0;
	if (!ok) {
		api_bad_param(r, w, "kind", "Cần province, department, district, commune, unit, center "
		    "hoặc other.", "Must be province, department, district, commune, unit, center or other.");
		return;
	}
	ok = tier == NULL;
	for (size_t i = 0; !ok && tiers[i] != NULL; i++)
		ok = strcmp(tier, tiers[i]) == 0;
	if (!ok) {
		api_bad_param(r, w, "tier", "Cần province, district hoặc commune.",
		    "Must be province, district or commune.");
		return;
	}
	if (desk != NULL && str_to_i64(desk, 0, 1, &dsk) == -1) {
		api_bad_param(r, w, "desk", "Cần 0 hoặc 1.", "Must be 0 or 1.");
		return;
	}
	if (parent != NULL) {
		enum db_rc rc = cat_agency_find(c, parent, &pid);

		if (rc == DB_NOTFOUND) {
			api_bad_param(r, w, "parent", "Không có cơ quan này.", "No such agency.");
			return;
		}
		if (rc != DB_OK) {
			resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
			return;
		}
	}
	memset(&q, 0, sizeof(q));
	if (cat_search_query(&q, req_query(r, "q")) == -1) {
		api_bad_param(r, w, "q", "Cần chuỗi tìm kiếm tối đa 200 ký tự.",
		    "Must be a search text of at most 200 characters.");
		return;
	}
	if (db_exec(c, STMT_CAT_AGENCY_LIST, (struct db_param[]){ DB_TEXT(kind ? kind : ""),
	    DB_INT(pid), DB_INT(dsk), DB_TEXT(q.pat[0]), DB_TEXT(q.pat[1]), DB_TEXT(q.pat[2]),
	    DB_TEXT(tier ? tier : ""), DB_INT(so), DB_INT(after), DB_INT(limit + 1) }, 10,
	    &res) != DB_OK) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	items = json_array();
	while ((k = db_res_next(res)) == 1) {
		if (n == limit) {
			more = 1;
			continue;
		}
		lid = db_res_int(res, 0);
		lso = db_res_int(res, 14);
		json_array_append_new(items, cat_agency_row_json(res, 0));
		n++;
	}
	db_res_free(res);
	if (k < 0) {
		json_decref(items);
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	api_page(r, w, items, more, lso, lid);
}

static void
api_agency_get(struct req *r, struct resp *w)
{
	struct db_conn *c = app_conn(r, w);
	json_t *a = NULL;
	int64_t id;
	enum db_rc rc;

	if (c == NULL)
		return;
	rc = cat_agency_find(c, req_param(r, "id"), &id);
	if (rc == DB_OK)
		rc = cat_agency_json(c, id, &a);
	if (rc == DB_NOTFOUND)
		resp_problem(w, r, PROB_NOT_FOUND, "Không có cơ quan, đơn vị này.", "No such agency.");
	else if (rc != DB_OK)
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
	else
		resp_json(w, 200, a);
}

/* POST (existing = 0) or PUT an agency. */
static void
api_agency_write(struct req *r, struct resp *w, int creating)
{
	json_t *j, *a = NULL;
	struct catalog_errs *errs = NULL;
	struct catalog_actor who;
	struct idem x = { 0 };
	struct db_conn *c;
	const char *key = NULL;
	int64_t id = 0;
	enum db_rc rc;

	if (creating && idem_header(r, w, &key) == -1)
		return;
	if ((j = req_json_object(r, w)) == NULL)
		return;
	if (api_require(r, w, ACT_AGENCY_WRITE) == NULL || (c = app_conn(r, w)) == NULL)
		goto out;
	if ((errs = calloc(1, sizeof(*errs))) == NULL) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	if (!creating) {
		rc = cat_agency_find(c, req_param(r, "id"), &id);
		if (rc == DB_NOTFOUND) {
			resp_problem(w, r, PROB_NOT_FOUND, "Không có cơ quan, đơn vị này.",
			    "No such agency.");
			goto out;
		}
		if (rc != DB_OK) {
			resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
			goto out;
		}
	}
	catalog_validate_agency(j, creating, "", errs);
	if (errs->total > 0) {
		api_errors(r, w, PROB_VALIDATION, errs);
		goto out;
	}
	api_actor(r, &who);
	if ((rc = db_begin(c)) != DB_OK) {
		api_internal(r, w, c, rc);
		goto out;
	}
	if (api_idem_claim(r, w, c, key, "POST /api/v1/agencies", &x) == -1)
		goto out;
	rc = cat_agency_write(c, j, id, clock_now(), 0, errs, &id);
	if (rc == DB_CONSTRAINT) {
		db_rollback(c);
		api_errors(r, w, errs->total == 1 && strcmp(errs->e[0].name, "code") == 0 ?
		    PROB_CONFLICT : PROB_VALIDATION, errs);
		goto out;
	}
	if (rc == DB_CONFLICT) {
		db_rollback(c);
		resp_problem(w, r, PROB_CONFLICT, "Cơ quan vừa được người khác sửa; hãy tải lại.",
		    "The agency was changed meanwhile; reload it.");
		goto out;
	}
	if (rc == DB_OK)
		rc = cat_audit(c, &who, creating ? "agency.create" : "agency.update",
		    arena_printf(r->arena, "agency:%lld", (long long)id), json_deep_copy(j));
	if (rc == DB_OK)
		rc = cat_agency_json(c, id, &a);
	if (rc != DB_OK) {
		api_internal(r, w, c, rc);
		goto out;
	}
	api_commit_answer(r, w, c, &x, creating ? 201 : 200, a);
	if (creating && w->status == 201)
		resp_header(w, "Location", arena_printf(r->arena, "/api/v1/agencies/%lld",
		    (long long)id));
out:
	idem_free(&x);
	free(errs);
	json_decref(j);
}

static void
api_agency_create(struct req *r, struct resp *w)
{
	api_agency_write(r, w, 1);
}

static void
api_agency_update(struct req *r, struct resp *w)
{
	api_agency_write(r, w, 0);
}

/* ---- procedures: reads --------------------------------------------------- */

/* The search cache's key: the date and every query parameter the search
 * reads, as received (absent and empty differ).  NULL when too long to
 * keep. */
static const char *
api_search_key(struct req *r, const char *today)
{
	static const char *const names[] = { "q", "field", "agency", "level", "online_level",
		"abolished", "limit", "cursor" };
	char key[CAT_CACHE_KEY_MAX + 1];
	size_t len = (size_t)snprintf(key, sizeof(key), "%s", today);

	for (size_t i = 0; i < CORE_NELEM(names) && len < sizeof(key); i++) {
		const char *v = req_query(r, names[i]);

		/* \x1f separates values, \x1e marks an absent one; a value
		 * holding either (%1F, %1E) is not cached, so keys never collide. */
		if (v != NULL && strpbrk(v, "\x1e\x1f") != NULL)
			return NULL;
		len += (size_t)snprintf(key + len, sizeof(key) - len, "\x1f%s", v ? v : "\x1e");
	}
	if (len >= sizeof(key))
		return NULL;
	return arena_strdup(r->arena, key);
}

static void
api_procedures_search(struct req *r, struct resp *w)
{
	static const char *const levels[] = { "province", "district", "commune", NULL };
	struct db_conn *c = app_conn(r, w);
	const char *field = req_query(r, "field"), *agency = req_query(r, "agency");
	const char *level = req_query(r, "level"), *ol = req_query(r, "online_level");
	const char *ab = req_query(r, "abolished");
	struct cat_search s;
	char tier[16] = "";
	json_t *items;
	int64_t v, rank = 0, pid = 0, version = -1;
	const char *key;
	char *body;
	size_t n;
	int more = 0;
	enum db_rc rc;

	if (c == NULL)
		return;
	memset(&s, 0, sizeof(s));
	catalog_today(s.today);
	/* A repeated query at the same catalogue version and date gets the
	 * answer computed the first time (cache.c explains why it is never
	 * stale).  The version is read before anything else. */
	key = api_search_key(r, s.today);
	if (key != NULL && cat_version_get(c, &version) != DB_OK)
		version = -1;
	if (version >= 0 && cat_cache_get(version, key, r->arena, &body, &n)) {
		resp_json_text(w, 200, body, n);
		return;
	}
	s.cur_rank = INT64_MAX / 2;
	s.agency_tier = tier;
	if (api_limit(r, w, &s.limit) == -1 || api_cursor(r, w, &s.cur_rank, &s.cur_pid) == -1)
		return;
	if (cat_search_query(&s, req_query(r, "q")) == -1) {
		api_bad_param(r, w, "q", "Cần chuỗi tìm kiếm tối đa 200 ký tự.",
		    "Must be a search text of at most 200 characters.");
		return;
	}
	if (level != NULL) {
		for (int i = 0; levels[i] != NULL; i++)
			if (strcmp(level, levels[i]) == 0)
				s.level = i + 1;
		if (s.level == 0) {
			api_bad_param(r, w, "level", "Cần province, district hoặc commune.",
			    "Must be province, district or commune.");
			return;
		}
	}
	if (ol != NULL) {
		if (str_to_i64(ol, 1, 4, &v) == -1) {
			api_bad_param(r, w, "online_level", "Cần số từ 1 đến 4.", "Must be 1 to 4.");
			return;
		}
		s.online_level = (int)v;
	}
	if (ab != NULL) {
		if (str_to_i64(ab, 0, 1, &v) == -1) {
			api_bad_param(r, w, "abolished", "Cần 0 hoặc 1.", "Must be 0 or 1.");
			return;
		}
		s.abolished = (int)v;
	}
	if (field != NULL) {
		rc = cat_field_find(c, field, &s.field_id);
		if (rc == DB_NOTFOUND) {
			api_bad_param(r, w, "field", "Không có lĩnh vực này.", "No such field.");
			return;
		}
		if (rc != DB_OK) {
			resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
			return;
		}
	}
	if (agency != NULL) {
		json_t *a = NULL;

		rc = cat_agency_find(c, agency, &s.agency_id);
		if (rc == DB_OK)
			rc = cat_agency_json(c, s.agency_id, &a);
		if (rc == DB_NOTFOUND) {
			api_bad_param(r, w, "agency", "Không có cơ quan này.", "No such agency.");
			return;
		}
		if (rc != DB_OK) {
			resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
			return;
		}
		str_lcpy(tier, json_string_value(json_object_get(a, "tier")), sizeof(tier));
		json_decref(a);
	}
	items = json_array();
	if ((rc = cat_search_run(c, &s, items, &rank, &pid, &more)) != DB_OK) {
		json_decref(items);
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	api_page(r, w, items, more, rank, pid);
	if (version >= 0 && w->status == 200)
		cat_cache_put(version, key, w->body.data, w->body.len);
}

/* The procedure named by the path, or NULL after answering 404/500. */
static int
api_proc(struct req *r, struct resp *w, struct db_conn *c, struct cat_proc *p)
{
	enum db_rc rc = cat_proc_get(c, req_param(r, "code"), p);

	if (rc == DB_NOTFOUND) {
		resp_problem(w, r, PROB_NOT_FOUND, "Không có thủ tục hành chính mã này.",
		    "No procedure with this code.");
		return -1;
	}
	if (rc != DB_OK) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return -1;
	}
	return 0;
}

static void
api_procedure_get(struct req *r, struct resp *w)
{
	struct db_conn *c = app_conn(r, w);
	const char *at = req_query(r, "at");
	struct cat_proc p;
	json_t *j = NULL;
	int y, m, d;
	enum db_rc rc;

	if (c == NULL)
		return;
	if (at != NULL && time_parse_date(at, &y, &m, &d) == -1) {
		api_bad_param(r, w, "at", "Cần ngày dạng YYYY-MM-DD.", "Must be a YYYY-MM-DD date.");
		return;
	}
	if (api_proc(r, w, c, &p) == -1)
		return;
	rc = cat_proc_json(c, &p, at, &j);
	if (rc == DB_NOTFOUND)
		resp_problem(w, r, PROB_NOT_FOUND,
		    arena_printf(r->arena, "Thủ tục %s không có phiên bản nào có hiệu lực vào ngày %s.",
		    p.code, at ? at : ""),
		    arena_printf(r->arena, "Procedure %s had no version in force on %s.", p.code,
		    at ? at : ""));
	else if (rc != DB_OK)
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
	else
		resp_json(w, 200, j);
}

static void
api_procedure_versions(struct req *r, struct resp *w)
{
	struct db_conn *c = app_conn(r, w);
	struct cat_proc p;
	json_t *j = NULL;

	if (c == NULL || api_proc(r, w, c, &p) == -1)
		return;
	if (cat_proc_versions_json(c, &p, &j) != DB_OK) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	resp_json(w, 200, j);
}

/* ---- procedures: writes -------------------------------------------------- */

/* The lead agencies named in a body (resolved; unknown ones skipped, the
 * store reports them). */
static enum db_rc
api_body_leads(struct db_conn *c, json_t *j, int64_t *ids, size_t max, size_t *n)
{
	json_t *l = json_object_get(json_object_get(j, "agencies"), "lead"), *x;
	size_t i;

	*n = 0;
	json_array_foreach(l, i, x) {
		int64_t id;
		enum db_rc rc = cat_agency_find(c, json_string_value(x), &id);

		if (rc == DB_NOTFOUND)
			continue;
		if (rc != DB_OK)
			return rc;
		if (*n < max)
			ids[(*n)++] = id;
	}
	return DB_OK;
}

static void
api_proc_write_result(struct req *r, struct resp *w, struct db_conn *c, enum db_rc rc,
    struct catalog_errs *errs)
{
	if (rc == DB_CONSTRAINT) {
		db_rollback(c);
		api_errors(r, w, errs->total == 1 && strcmp(errs->e[0].name, "code") == 0 ?
		    PROB_CONFLICT : PROB_VALIDATION, errs);
	} else if (rc == DB_CONFLICT) {
		db_rollback(c);
		resp_problem(w, r, PROB_CONFLICT,
		    "Thủ tục đã bị bãi bỏ hoặc vừa được người khác sửa; hãy tải lại.",
		    "The procedure is abolished or was changed meanwhile; reload it.");
	} else
		api_internal(r, w, c, rc);
}

/* POST /procedures (p == NULL) and PUT /procedures/{code}. */
static void
api_procedure_write(struct req *r, struct resp *w, int creating)
{
	static const char *const put_extra[] = { "national_code", "based_on_version", NULL };
	json_t *j, *out = NULL, *x;
	const struct principal *who_p;
	struct catalog_errs *errs = NULL;
	struct catalog_actor who;
	struct cat_proc p = { 0 };
	struct idem ik = { 0 };
	struct db_conn *c;
	const char *key = NULL;
	int64_t leads[64];
	size_t nleads = 0;
	int k;
	enum db_rc rc;

	if (idem_header(r, w, &key) == -1)
		return;
	if ((j = req_json_object(r, w)) == NULL)
		return;
	if ((who_p = api_require(r, w, ACT_CATALOG_WRITE)) == NULL || (c = app_conn(r, w)) == NULL)
		goto out;
	if ((errs = calloc(1, sizeof(*errs))) == NULL) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	if (!creating) {
		if (api_proc(r, w, c, &p) == -1)
			goto out;
		if ((x = json_object_get(j, "code")) != NULL && !(json_is_string(x) &&
		    strcmp(json_string_value(x), p.code) == 0))
			catalog_err_add(errs, "code", "Không đổi được mã thủ tục.",
			    "The procedure code cannot change.");
		x = json_object_get(j, "national_code");
		if (x != NULL && !json_is_null(x) &&
		    (!json_is_string(x) || !catalog_national_code_valid(json_string_value(x))))
			catalog_err_add(errs, "national_code",
			    "Mã thủ tục quốc gia có dạng 1.001612, hoặc null khi chưa biết chắc.",
			    "A national procedure code looks like 1.001612, or null when not known for sure.");
		x = json_object_get(j, "based_on_version");
		if (x != NULL && !json_is_integer(x))
			catalog_err_add(errs, "based_on_version", "Cần số phiên bản đã sửa.",
			    "Must be the version number that was edited.");
		json_object_del(j, "code");
		catalog_validate_version(j, 0, put_extra, "", errs);
	} else
		catalog_validate_version(j, 1, NULL, "", errs);
	if (errs->total > 0) {
		api_errors(r, w, PROB_VALIDATION, errs);
		goto out;
	}
	if (!creating && (x = json_object_get(j, "based_on_version")) != NULL &&
	    json_integer_value(x) != p.nversions) {
		resp_problem(w, r, PROB_CONFLICT,
		    arena_printf(r->arena, "Thủ tục đã có phiên bản %lld; hãy tải lại trước khi sửa.",
		    (long long)p.nversions),
		    arena_printf(r->arena, "The procedure is at version %lld now; reload before editing.",
		    (long long)p.nversions));
		goto out;
	}
	json_object_del(j, "based_on_version");
	/* A scoped administrator edits only procedures led by agencies in
	 * their scope, before and after the change. */
	if ((rc = api_body_leads(c, j, leads, 32, &nleads)) != DB_OK) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	if (!creating) {
		size_t more = 0;

		if ((rc = cat_proc_leads(c, &p, leads + nleads, 32, &more)) != DB_OK) {
			resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
			goto out;
		}
		nleads += more;
	}
	if ((k = api_in_scope(c, who_p, leads, nleads)) != 1) {
		if (k == 0)
			api_forbidden_scope(r, w);
		else
			resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	api_actor(r, &who);
	if ((rc = db_begin(c)) != DB_OK) {
		api_internal(r, w, c, rc);
		goto out;
	}
	/* A new version is created too: PUT carries the key like POST, scoped
	 * to the procedure's code. */
	if (api_idem_claim(r, w, c, key, creating ? "POST /api/v1/procedures" :
	    arena_printf(r->arena, "PUT /api/v1/procedures/%s", p.code), &ik) == -1)
		goto out;
	if (creating)
		rc = cat_proc_create(c, j, &who, clock_now(), errs, &p);
	else
		rc = cat_proc_add_version(c, &p, j, &who, clock_now(), "", errs);
	if (rc == DB_OK)
		rc = cat_audit(c, &who, creating ? "procedure.create" : "procedure.update",
		    arena_printf(r->arena, "procedure:%s", p.code), json_pack("{s:I, s:O, s:O, s:O}",
		    "version", (json_int_t)p.nversions, "effective_from",
		    json_object_get(j, "effective_from"), "decision", json_object_get(j, "decision"),
		    "name", json_object_get(j, "name")));
	if (rc != DB_OK) {
		api_proc_write_result(r, w, c, rc, errs);
		goto out;
	}
	if ((rc = cat_proc_json(c, &p, json_string_value(json_object_get(j, "effective_from")),
	    &out)) != DB_OK) {
		api_internal(r, w, c, rc);
		goto out;
	}
	api_commit_answer(r, w, c, &ik, creating ? 201 : 200, out);
	if (creating && w->status == 201)
		resp_header(w, "Location", arena_printf(r->arena, "/api/v1/procedures/%s", p.code));
out:
	idem_free(&ik);
	free(errs);
	json_decref(j);
}

static void
api_procedure_create(struct req *r, struct resp *w)
{
	api_procedure_write(r, w, 1);
}

static void
api_procedure_update(struct req *r, struct resp *w)
{
	api_procedure_write(r, w, 0);
}

static void
api_procedure_abolish(struct req *r, struct resp *w)
{
	json_t *j = req_json_object(r, w), *on, *dec, *out = NULL;
	const struct principal *who_p;
	struct catalog_errs *errs = NULL;
	struct catalog_actor who;
	struct cat_proc p;
	struct db_conn *c;
	int64_t leads[32];
	size_t nleads = 0;
	const char *key;
	json_t *val;
	int y, m, d, k;
	enum db_rc rc;

	if (j == NULL)
		return;
	if ((who_p = api_require(r, w, ACT_CATALOG_WRITE)) == NULL || (c = app_conn(r, w)) == NULL)
		goto out;
	if ((errs = calloc(1, sizeof(*errs))) == NULL) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	if (api_proc(r, w, c, &p) == -1)
		goto out;
	on = json_object_get(j, "on");
	dec = json_object_get(j, "decision");
	json_object_foreach(j, key, val) {
		(void)val;
		if (strcmp(key, "on") != 0 && strcmp(key, "decision") != 0)
			catalog_err_add(errs, key, "Trường không được hỗ trợ.", "Unknown field.");
	}
	if (!json_is_string(on) || time_parse_date(json_string_value(on), &y, &m, &d) == -1)
		catalog_err_add(errs, "on", "Cần ngày bãi bỏ dạng YYYY-MM-DD.",
		    "Must be the abolition date as YYYY-MM-DD.");
	if (!json_is_string(dec) || json_string_length(dec) == 0 || json_string_length(dec) > 1200 ||
	    !str_utf8_valid(json_string_value(dec), json_string_length(dec)))
		catalog_err_add(errs, "decision", "Cần quyết định công bố việc bãi bỏ (tối đa 300 ký tự).",
		    "Must be the decision that publishes the abolition (at most 300 characters).");
	if (errs->total > 0) {
		api_errors(r, w, PROB_VALIDATION, errs);
		goto out;
	}
	if ((rc = cat_proc_leads(c, &p, leads, CORE_NELEM(leads), &nleads)) != DB_OK) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	if ((k = api_in_scope(c, who_p, leads, nleads)) != 1) {
		if (k == 0)
			api_forbidden_scope(r, w);
		else
			resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	api_actor(r, &who);
	if ((rc = db_begin(c)) != DB_OK) {
		api_internal(r, w, c, rc);
		goto out;
	}
	rc = cat_proc_abolish(c, &p, json_string_value(on), json_string_value(dec), clock_now(), errs);
	if (rc == DB_OK)
		rc = cat_audit(c, &who, "procedure.abolish", arena_printf(r->arena, "procedure:%s",
		    p.code), json_pack("{s:O, s:O}", "on", on, "decision", dec));
	if (rc == DB_OK)
		rc = db_commit(c);
	if (rc != DB_OK) {
		api_proc_write_result(r, w, c, rc, errs);
		goto out;
	}
	if (cat_proc_json(c, &p, NULL, &out) != DB_OK) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	resp_json(w, 200, out);
out:
	free(errs);
	json_decref(j);
}

/* ---- import ---------------------------------------------------------------- */

/* POST /api/v1/catalog/import: the `motcua catalog import` document, all or
 * nothing, one audit entry.  Agencies and procedures of the whole province
 * may be in it, so only an administrator whose scope is everything (both
 * catalog.write and agency.write) may import. */
static void
api_catalog_import(struct req *r, struct resp *w)
{
	const struct principal *p;
	struct catalog_import_stats st = { 0 };
	struct catalog_errs *errs = NULL;
	struct catalog_actor who;
	struct idem x = { 0 };
	struct db_conn *c;
	const char *key = NULL, *skip = req_query(r, "skip_existing");
	json_t *j;
	int64_t sk = 0;
	enum db_rc rc;

	if (idem_header(r, w, &key) == -1)
		return;
	if (skip != NULL && str_to_i64(skip, 0, 1, &sk) == -1) {
		api_bad_param(r, w, "skip_existing", "Cần 0 hoặc 1.", "Must be 0 or 1.");
		return;
	}
	if ((j = req_json_object(r, w)) == NULL)
		return;
	if ((p = api_require(r, w, ACT_CATALOG_WRITE)) == NULL ||
	    api_require(r, w, ACT_AGENCY_WRITE) == NULL || (c = app_conn(r, w)) == NULL)
		goto out;
	if (!auth_scope_of(p).all) {
		resp_problem(w, r, PROB_FORBIDDEN,
		    "Chỉ quản trị viên toàn tỉnh mới nhập được bộ thủ tục.",
		    "Only a province-wide administrator may import the catalogue.");
		goto out;
	}
	if ((errs = calloc(1, sizeof(*errs))) == NULL) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	api_actor(r, &who);
	if ((rc = db_begin(c)) != DB_OK) {
		api_internal(r, w, c, rc);
		goto out;
	}
	if (api_idem_claim(r, w, c, key, "POST /api/v1/catalog/import", &x) == -1)
		goto out;
	rc = catalog_import(c, j, sk ? CATALOG_IMPORT_SEED : CATALOG_IMPORT_STRICT, &who, &st,
	    errs);
	if (rc == DB_CONSTRAINT) {
		db_rollback(c);
		api_errors(r, w, PROB_VALIDATION, errs);
		goto out;
	}
	if (rc != DB_OK) {
		api_internal(r, w, c, rc);
		goto out;
	}
	api_commit_answer(r, w, c, &x, 201, json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "agencies",
	    (json_int_t)st.agencies, "fields", (json_int_t)st.fields, "bundles",
	    (json_int_t)st.bundles, "procedures", (json_int_t)st.procedures, "versions",
	    (json_int_t)st.versions, "skipped", (json_int_t)st.skipped));
out:
	idem_free(&x);
	free(errs);
	json_decref(j);
}

/* ---- online share ---------------------------------------------------------- */

/* One row of figures from result columns i..i+4: procedures, level 3/4,
 * level 4, Decree 42 class full (toàn trình), class partial (một phần). */
static json_t *
api_share(struct db_res *res, int i)
{
	int64_t total = db_res_int(res, i), l34 = db_res_int(res, i + 1);
	double share = total > 0 ? (double)l34 / (double)total : 0.0;

	/* Four decimals are enough for a percentage with two. */
	share = (double)(int64_t)(share * 10000.0 + 0.5) / 10000.0;
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:f, s:b}", "procedures", (json_int_t)total,
	    "online_3_4", (json_int_t)l34, "online_4", (json_int_t)db_res_int(res, i + 2),
	    "full", (json_int_t)db_res_int(res, i + 3), "partial",
	    (json_int_t)db_res_int(res, i + 4), "share", share, "meets_target",
	    total > 0 && l34 * 2 >= total);
}

/* Public: the figures are counts over the public catalogue (anyone could
 * add them up from the search), and the public procedures page shows them
 * against the plan's target. */
static void
api_online_share(struct req *r, struct resp *w)
{
	struct db_conn *c;
	struct db_res *res = NULL;
	json_t *by_field = json_array(), *by_agency = json_array(), *total = NULL;
	char today[16];
	int k;

	if ((c = app_conn(r, w)) == NULL)
		goto fail_quiet;
	catalog_today(today);
	if (db_exec(c, STMT_CAT_ONLINE_TOTAL, (struct db_param[]){ DB_TEXT(today) }, 1, &res) != DB_OK)
		goto fail;
	if ((k = db_res_next(res)) == 1)
		total = api_share(res, 0);
	db_res_free(res);
	if (k != 1)
		goto fail;
	if (db_exec(c, STMT_CAT_ONLINE_BY_FIELD, (struct db_param[]){ DB_TEXT(today) }, 1, &res) !=
	    DB_OK)
		goto fail;
	while ((k = db_res_next(res)) == 1) {
		json_t *s = api_share(res, 2);

		json_object_set_new(s, "code", json_string(db_res_text(res, 0)));
		json_object_set_new(s, "name", json_string(db_res_text(res, 1)));
		json_array_append_new(by_field, s);
	}
	db_res_free(res);
	if (k < 0 ||
	    db_exec(c, STMT_CAT_ONLINE_BY_AGENCY, (struct db_param[]){ DB_TEXT(today) }, 1, &res) !=
	    DB_OK)
		goto fail;
	while ((k = db_res_next(res)) == 1) {
		json_t *s = api_share(res, 3);

		json_object_set_new(s, "code", json_string(db_res_text(res, 0)));
		json_object_set_new(s, "name", json_string(db_res_text(res, 1)));
		json_object_set_new(s, "kind", json_string(db_res_text(res, 2)));
		json_array_append_new(by_agency, s);
	}
	db_res_free(res);
	if (k < 0)
		goto fail;
	resp_json(w, 200, json_pack("{s:s, s:f, s:b, s:o, s:o, s:o}", "date", today, "target", 0.5,
	    "meets_target", json_is_true(json_object_get(total, "meets_target")), "total", total,
	    "by_field", by_field, "by_agency", by_agency));
	return;
fail:
	resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
fail_quiet:
	json_decref(total);
	json_decref(by_field);
	json_decref(by_agency);
}

const struct route catalog_routes[] = {
	{ HTTP_GET, "/api/v1/fields", api_fields, ACT_PUBLIC },
	{ HTTP_GET, "/api/v1/agencies/{id}", api_agency_get, ACT_PUBLIC },
	{ HTTP_PUT, "/api/v1/agencies/{id}", api_agency_update, ACT_AGENCY_WRITE },
	{ HTTP_GET, "/api/v1/procedures", api_procedures_search, ACT_PUBLIC },
	{ HTTP_POST, "/api/v1/procedures", api_procedure_create, ACT_CATALOG_WRITE },
	{ HTTP_GET, "/api/v1/procedures/{code}", api_procedure_get, ACT_PUBLIC },
	{ HTTP_PUT, "/api/v1/procedures/{code}", api_procedure_update, ACT_CATALOG_WRITE },
	{ HTTP_GET, "/api/v1/procedures/{code}/versions", api_procedure_versions, ACT_PUBLIC },
	{ HTTP_POST, "/api/v1/procedures/{code}/abolish", api_procedure_abolish, ACT_CATALOG_WRITE },
	{ HTTP_GET, "/api/v1/catalog/online-share", api_online_share, ACT_PUBLIC },
	{ HTTP_POST, "/api/v1/catalog/import", api_catalog_import, ACT_AGENCY_WRITE },
};
const size_t catalog_nroutes = CORE_NELEM(catalog_routes);

const struct route catalog_agency_routes[] = {
	{ HTTP_GET, "/api/v1/agencies", api_agencies_list, ACT_PUBLIC },
	{ HTTP_POST, "/api/v1/agencies", api_agency_create, ACT_AGENCY_WRITE },
};
const size_t catalog_agency_nroutes = CORE_NELEM(catalog_agency_routes);
