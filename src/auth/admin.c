/* Administration over HTTP: staff accounts, API tokens and agencies.  Every
 * read and write goes through the caller's scope; an object outside it
 * answers 404 exactly like one that does not exist. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_int.h"

#define ADMIN_MAX_BAD 8

struct bad_list {
	struct problem_param p[ADMIN_MAX_BAD];
	size_t n;
};

static void
admin_bad(struct bad_list *b, const struct req *r, const char *name, const char *vi,
    const char *en)
{
	if (b->n < ADMIN_MAX_BAD)
		b->p[b->n++] = (struct problem_param){ name, auth_en(r) ? en : vi };
}

static int
admin_report(struct req *r, struct resp *w, const struct bad_list *b)
{
	if (b->n == 0)
		return 0;
	resp_problem_params(w, r, PROB_VALIDATION, "Dữ liệu gửi lên không hợp lệ.",
	    "The submitted data is invalid.", b->p, b->n);
	return -1;
}

static void
admin_internal(struct req *r, struct resp *w, struct db_conn *c)
{
	db_rollback(c);
	resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
}

/* The {id} path parameter; -1 (and 404) when it is not a positive number. */
static int
admin_path_id(struct req *r, struct resp *w, const char *vi, const char *en, int64_t *id)
{
	if (str_to_i64(req_param(r, "id") ? req_param(r, "id") : "", 1, INT64_MAX, id) == -1) {
		resp_problem(w, r, PROB_NOT_FOUND, vi, en);
		return -1;
	}
	return 0;
}

/* Agency id for a code: DB_OK, DB_NOTFOUND or an error. */
static enum db_rc
admin_agency_id(struct db_conn *c, const char *code, int64_t *id)
{
	return db_scalar_int(c, STMT_AGENCY_BY_CODE, (struct db_param[]){ DB_TEXT(code) }, 1, id);
}

static json_t *
admin_time(int64_t t)
{
	char s[32];

	time_format_iso(t, s);
	return json_string(s);
}

static void
admin_page(struct req *r, struct resp *w, json_t *items, int more, int64_t last)
{
	json_t *next = more ? json_string(arena_printf(r->arena, "%lld", (long long)last))
			    : json_null();

	resp_json(w, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", next));
}

/* ---- users ------------------------------------------------------------- */

struct user_row {
	int64_t id, agency_id, unit_id, version;
	enum auth_role role;
	int disabled;
	char username[AUTH_USERNAME_MAX + 1];
	char full_name[4 * AUTH_NAME_MAX + 1];
};

static enum db_rc
admin_user_row(struct db_conn *c, const struct scope *s, int64_t id, struct user_row *u)
{
	struct db_param p[3];
	struct db_res *res = NULL;
	enum db_rc rc;
	int k;

	auth_scope_bind(s, p);
	p[2] = DB_INT(id);
	if ((rc = db_exec(c, STMT_USER_GET_SCOPED, p, 3, &res)) != DB_OK)
		return rc;
	if ((k = db_res_next(res)) == 1) {
		u->id = db_res_int(res, 0);
		str_lcpy(u->username, db_res_text(res, 1), sizeof(u->username));
		str_lcpy(u->full_name, db_res_text(res, 2), sizeof(u->full_name));
		u->role = auth_role_from(db_res_text(res, 3));
		u->agency_id = db_res_isnull(res, 4) ? 0 : db_res_int(res, 4);
		u->unit_id = db_res_isnull(res, 7) ? 0 : db_res_int(res, 7);
		u->disabled = (int)db_res_int(res, 9);
		u->version = db_res_int(res, 12);
	}
	rc = k == 1 ? DB_OK : k == 0 ? DB_NOTFOUND : db_res_rc(res);
	db_res_free(res);
	return rc;
}

static void
admin_user_missing(struct req *r, struct resp *w)
{
	resp_problem(w, r, PROB_NOT_FOUND, "Không tìm thấy tài khoản.", "No such account.");
}

/* The caller may manage an account of this role (agency admins may not
 * touch province-wide accounts even when they sit in their agency). */
static int
admin_may_manage(struct req *r, struct resp *w, const struct scoped *s, enum auth_role target)
{
	if (s->who->kind == PRINCIPAL_USER && auth_role_assignable(s->who->role, target))
		return 0;
	resp_problem(w, r, PROB_FORBIDDEN, "Bạn không được quản lý tài khoản có vai trò này.",
	    "You may not manage accounts with this role.");
	return -1;
}

/* One page of a scoped, cursor-paged list: id > cursor, limit + 1 rows to
 * learn whether more follow.  Users and tokens list the same way. */
static void
admin_scoped_page(struct req *r, struct resp *w, enum stmt_id id,
    json_t *(*row_json)(const struct req *, struct db_res *))
{
	struct scoped s;
	struct db_param p[4];
	struct db_res *res = NULL;
	json_t *items;
	int64_t limit, after, last = 0;
	int k, n = 0, more = 0;

	if (auth_scoped(r, w, &s) == -1 || auth_list_params(r, w, &limit, &after, 0) == -1)
		return;
	auth_scope_bind(&s.scope, p);
	p[2] = DB_INT(after);
	p[3] = DB_INT(limit + 1);
	if (db_exec(s.conn, id, p, 4, &res) != DB_OK) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	items = json_array();
	while ((k = db_res_next(res)) == 1) {
		if (n == limit) {
			more = 1;
			continue;
		}
		last = db_res_int(res, 0);
		json_array_append_new(items, row_json(r, res));
		n++;
	}
	db_res_free(res);
	if (k < 0) {
		json_decref(items);
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	admin_page(r, w, items, more, last);
}

static json_t *
admin_user_item(const struct req *r, struct db_res *res)
{
	return auth_user_json(r, res);
}

static void
admin_users_list(struct req *r, struct resp *w)
{
	admin_scoped_page(r, w, STMT_USER_LIST_SCOPED, admin_user_item);
}

static void
admin_users_get(struct req *r, struct resp *w)
{
	struct scoped s;
	json_t *u;
	int64_t id;
	enum db_rc rc;

	if (auth_scoped(r, w, &s) == -1 ||
	    admin_path_id(r, w, "Không tìm thấy tài khoản.", "No such account.", &id) == -1)
		return;
	if ((u = auth_user_load(r, s.conn, &s.scope, id, &rc)) == NULL) {
		if (rc == DB_NOTFOUND)
			admin_user_missing(r, w);
		else
			resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	resp_json(w, 200, u);
}

/* Resolve an agency code from the body into an id inside the caller's
 * scope; adds a validation problem otherwise.  0 = absent/null. */
static int64_t
admin_body_agency(struct req *r, const struct scoped *s, json_t *v, const char *name,
    struct bad_list *bad, int *db_error)
{
	int64_t id = 0;
	enum db_rc rc;
	int in;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) || !auth_agency_code_valid(json_string_value(v))) {
		admin_bad(bad, r, name, "Mã cơ quan có dạng 000.00.00.H19.",
		    "An agency code looks like 000.00.00.H19.");
		return 0;
	}
	rc = admin_agency_id(s->conn, json_string_value(v), &id);
	if (rc != DB_OK && rc != DB_NOTFOUND) {
		*db_error = 1;
		return 0;
	}
	in = rc == DB_OK ? auth_scope_contains(s->conn, &s->scope, id) : 0;
	if (in < 0) {
		*db_error = 1;
		return 0;
	}
	if (!in) {
		admin_bad(bad, r, name, "Không có cơ quan này trong phạm vi quản lý của bạn.",
		    "No such agency within your scope.");
		return 0;
	}
	return id;
}

/* A unit must sit below the account's agency. */
static int
admin_unit_ok(struct db_conn *c, int64_t agency, int64_t unit)
{
	int64_t n = 0;

	if (unit == 0)
		return 1;
	if (agency == 0 || unit == agency)
		return 0;
	if (db_scalar_int(c, STMT_AGENCY_IN_SUBTREE, (struct db_param[]){ DB_INT(agency),
	    DB_INT(unit) }, 2, &n) != DB_OK)
		return -1;
	return n > 0;
}

static void
admin_users_create(struct req *r, struct resp *w)
{
	json_t *j = req_json_object(r, w), *jpw, *jrole, *jname, *u = NULL;
	struct scoped s;
	struct bad_list bad = { .n = 0 };
	char uname[AUTH_USERNAME_MAX + 1], hash[AUTH_HASH_MAX] = "", reason[160];
	enum auth_role role = ROLE__MAX;
	int64_t agency = 0, unit = 0, id = 0;
	int dberr = 0, k;
	enum db_rc rc;

	if (j == NULL)
		return;
	if (auth_scoped(r, w, &s) == -1)
		goto out;
	if (auth_username_norm(json_string_value(json_object_get(j, "username")), uname,
	    sizeof(uname)) == -1)
		admin_bad(&bad, r, "username", "Tên đăng nhập 3–64 ký tự: chữ không dấu, số, dấu . _ -.",
		    "Usernames have 3–64 characters: a-z, digits, . _ -.");
	jname = json_object_get(j, "full_name");
	if (!json_is_string(jname) || !auth_text_valid(json_string_value(jname), AUTH_NAME_MAX))
		admin_bad(&bad, r, "full_name", "Cần họ và tên (tối đa 200 ký tự).",
		    "A full name of at most 200 characters is required.");
	jrole = json_object_get(j, "role");
	if ((role = auth_role_from(json_string_value(jrole))) == ROLE__MAX)
		admin_bad(&bad, r, "role", "Vai trò không hợp lệ.", "Unknown role.");
	agency = admin_body_agency(r, &s, json_object_get(j, "agency"), "agency", &bad, &dberr);
	unit = admin_body_agency(r, &s, json_object_get(j, "unit"), "unit", &bad, &dberr);
	if (role != ROLE__MAX && role != ROLE_CITIZEN && (json_object_get(j, "agency") == NULL ||
	    json_is_null(json_object_get(j, "agency"))))
		admin_bad(&bad, r, "agency", "Tài khoản cán bộ cần thuộc một cơ quan.",
		    "Staff accounts belong to an agency.");
	if (role == ROLE_CITIZEN && json_object_get(j, "agency") != NULL &&
	    !json_is_null(json_object_get(j, "agency")))
		admin_bad(&bad, r, "agency", "Tài khoản công dân không thuộc cơ quan nào.",
		    "Citizen accounts belong to no agency.");
	if (unit != 0 && agency != 0 && (k = admin_unit_ok(s.conn, agency, unit)) != 1) {
		if (k < 0)
			dberr = 1;
		else
			admin_bad(&bad, r, "unit", "Đơn vị phải trực thuộc cơ quan của tài khoản.",
			    "The unit must belong to the account's agency.");
	}
	jpw = json_object_get(j, "password");
	if (!json_is_string(jpw) || strlen(json_string_value(jpw)) != json_string_length(jpw))
		admin_bad(&bad, r, "password", "Cần nhập mật khẩu.", "A password is required.");
	else {
		enum pw_verdict v = auth_password_check(json_string_value(jpw), uname);

		if (v != PW_OK) {
			auth_password_reason(v, auth_en(r), reason, sizeof(reason));
			admin_bad(&bad, r, "password", reason, reason);
		}
	}
	if (dberr) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	if (admin_report(r, w, &bad) == -1)
		goto out;
	if (!auth_role_assignable(s.who->kind == PRINCIPAL_USER ? s.who->role : ROLE__MAX, role)) {
		resp_problem(w, r, PROB_FORBIDDEN, "Bạn không được cấp vai trò này.",
		    "You may not give this role.");
		goto out;
	}
	if (auth_password_hash(json_string_value(jpw), hash, sizeof(hash)) == -1) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	if ((rc = db_begin(s.conn)) != DB_OK) {
		admin_internal(r, w, s.conn);
		goto out;
	}
	{
		int64_t now = clock_now();

		rc = db_scalar_int(s.conn, STMT_USER_INSERT, (struct db_param[]){ DB_TEXT(uname),
		    DB_TEXT(json_string_value(jname)), DB_TEXT(auth_role_name(role)),
		    agency ? DB_INT(agency) : DB_NULL, unit ? DB_INT(unit) : DB_NULL, DB_TEXT(hash),
		    DB_INT(now) }, 7, &id);
	}
	if (rc == DB_CONSTRAINT) {
		db_rollback(s.conn);
		resp_problem(w, r, PROB_CONFLICT, "Tên đăng nhập đã được dùng.",
		    "This username is taken.");
		goto out;
	}
	if (rc == DB_OK)
		rc = auth_audit(r, s.conn, agency, "user.create", arena_printf(r->arena, "user:%lld",
		    (long long)id), json_pack("{s:s, s:s, s:O, s:O}", "username", uname, "role",
		    auth_role_name(role), "agency", json_object_get(j, "agency") ?
		    json_object_get(j, "agency") : json_null(), "unit", json_object_get(j, "unit") ?
		    json_object_get(j, "unit") : json_null()));
	if (rc != DB_OK || db_commit(s.conn) != DB_OK) {
		admin_internal(r, w, s.conn);
		goto out;
	}
	if ((u = auth_user_load(r, s.conn, &s.scope, id, &rc)) == NULL) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	resp_json(w, 201, u);
	resp_header(w, "Location", arena_printf(r->arena, "/api/v1/users/%lld", (long long)id));
out:
	str_wipe(hash, sizeof(hash));
	if (j != NULL && json_is_string(json_object_get(j, "password")))
		str_wipe((char *)json_string_value(json_object_get(j, "password")),
		    json_string_length(json_object_get(j, "password")));
	json_decref(j);
}

static void
admin_users_update(struct req *r, struct resp *w)
{
	json_t *j = req_json_object(r, w), *v, *changes = NULL, *u;
	struct scoped s;
	struct user_row cur;
	struct bad_list bad = { .n = 0 };
	const char *full_name;
	enum auth_role role;
	int64_t id, agency, unit, ver;
	int dberr = 0, k;
	enum db_rc rc;

	if (j == NULL)
		return;
	if (auth_scoped(r, w, &s) == -1 ||
	    admin_path_id(r, w, "Không tìm thấy tài khoản.", "No such account.", &id) == -1)
		goto out;
	if ((rc = admin_user_row(s.conn, &s.scope, id, &cur)) != DB_OK) {
		if (rc == DB_NOTFOUND)
			admin_user_missing(r, w);
		else
			resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	if (admin_may_manage(r, w, &s, cur.role) == -1)
		goto out;
	full_name = cur.full_name;
	role = cur.role;
	agency = cur.agency_id;
	unit = cur.unit_id;
	ver = cur.version;
	if ((v = json_object_get(j, "full_name")) != NULL) {
		if (!json_is_string(v) || !auth_text_valid(json_string_value(v), AUTH_NAME_MAX))
			admin_bad(&bad, r, "full_name", "Họ và tên 1–200 ký tự.",
			    "A full name of 1–200 characters.");
		else
			full_name = json_string_value(v);
	}
	if ((v = json_object_get(j, "role")) != NULL &&
	    (role = auth_role_from(json_string_value(v))) == ROLE__MAX)
		admin_bad(&bad, r, "role", "Vai trò không hợp lệ.", "Unknown role.");
	if ((v = json_object_get(j, "agency")) != NULL) {
		agency = admin_body_agency(r, &s, v, "agency", &bad, &dberr);
		if (json_is_null(v) && role != ROLE_CITIZEN)
			admin_bad(&bad, r, "agency", "Tài khoản cán bộ cần thuộc một cơ quan.",
			    "Staff accounts belong to an agency.");
	}
	if ((v = json_object_get(j, "unit")) != NULL)
		unit = admin_body_agency(r, &s, v, "unit", &bad, &dberr);
	if (role == ROLE_CITIZEN && agency != 0)
		admin_bad(&bad, r, "agency", "Tài khoản công dân không thuộc cơ quan nào.",
		    "Citizen accounts belong to no agency.");
	if (unit != 0 && (k = admin_unit_ok(s.conn, agency, unit)) != 1) {
		if (k < 0)
			dberr = 1;
		else
			admin_bad(&bad, r, "unit", "Đơn vị phải trực thuộc cơ quan của tài khoản.",
			    "The unit must belong to the account's agency.");
	}
	if ((v = json_object_get(j, "version")) != NULL && !json_is_integer(v))
		admin_bad(&bad, r, "version", "Cần số phiên bản.", "An integer version is expected.");
	if (dberr) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	if (admin_report(r, w, &bad) == -1)
		goto out;
	if (v != NULL && json_integer_value(v) != cur.version) {
		resp_problem(w, r, PROB_CONFLICT, "Tài khoản vừa được người khác sửa; hãy tải lại.",
		    "Someone else changed the account; reload it.");
		goto out;
	}
	if (role != cur.role) {
		if (id == s.who->id) {
			resp_problem(w, r, PROB_FORBIDDEN, "Không thể tự đổi vai trò của mình.",
			    "You cannot change your own role.");
			goto out;
		}
		if (admin_may_manage(r, w, &s, role) == -1)
			goto out;
	}
	changes = json_object();
	if (strcmp(full_name, cur.full_name) != 0)
		json_object_set_new(changes, "full_name", json_pack("[s,s]", cur.full_name, full_name));
	if (role != cur.role)
		json_object_set_new(changes, "role", json_pack("[s,s]", auth_role_name(cur.role),
		    auth_role_name(role)));
	if (agency != cur.agency_id)
		json_object_set_new(changes, "agency_id", json_pack("[I,I]", (json_int_t)cur.agency_id,
		    (json_int_t)agency));
	if (unit != cur.unit_id)
		json_object_set_new(changes, "unit_id", json_pack("[I,I]", (json_int_t)cur.unit_id,
		    (json_int_t)unit));
	if (json_object_size(changes) > 0) {
		if ((rc = db_begin(s.conn)) == DB_OK)
			rc = db_exec(s.conn, STMT_USER_UPDATE, (struct db_param[]){ DB_INT(id),
			    DB_TEXT(full_name), DB_TEXT(auth_role_name(role)),
			    agency ? DB_INT(agency) : DB_NULL, unit ? DB_INT(unit) : DB_NULL,
			    DB_INT(clock_now()), DB_INT(ver) }, 7, NULL);
		if (rc == DB_OK && db_changes(s.conn) != 1) {
			db_rollback(s.conn);
			resp_problem(w, r, PROB_CONFLICT, "Tài khoản vừa được người khác sửa; hãy tải lại.",
			    "Someone else changed the account; reload it.");
			goto out;
		}
		if (rc == DB_OK) {
			rc = auth_audit(r, s.conn, agency, "user.update", arena_printf(r->arena, "user:%lld",
			    (long long)id), json_pack("{s:O}", "changes", changes));
		}
		if (rc != DB_OK || db_commit(s.conn) != DB_OK) {
			admin_internal(r, w, s.conn);
			goto out;
		}
	}
	if ((u = auth_user_load(r, s.conn, &s.scope, id, &rc)) == NULL) {
		/* Moved out of the caller's scope by this very change. */
		if (rc == DB_NOTFOUND)
			w->status = 204;
		else
			resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	resp_json(w, 200, u);
out:
	json_decref(changes);
	json_decref(j);
}

static void
admin_users_set_disabled(struct req *r, struct resp *w, int disabled)
{
	struct scoped s;
	struct user_row cur;
	json_t *u;
	int64_t id;
	enum db_rc rc;

	if (auth_scoped(r, w, &s) == -1 ||
	    admin_path_id(r, w, "Không tìm thấy tài khoản.", "No such account.", &id) == -1)
		return;
	if ((rc = admin_user_row(s.conn, &s.scope, id, &cur)) != DB_OK) {
		if (rc == DB_NOTFOUND)
			admin_user_missing(r, w);
		else
			resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	if (admin_may_manage(r, w, &s, cur.role) == -1)
		return;
	if (id == s.who->id && s.who->kind == PRINCIPAL_USER) {
		resp_problem(w, r, PROB_FORBIDDEN, "Không thể tự khoá hoặc mở khoá tài khoản của mình.",
		    "You cannot disable or enable your own account.");
		return;
	}
	if ((rc = db_begin(s.conn)) == DB_OK)
		rc = db_exec(s.conn, STMT_USER_SET_DISABLED, (struct db_param[]){ DB_INT(id),
		    DB_INT(disabled), DB_INT(clock_now()) }, 3, NULL);
	/* A disabled account loses its sessions in the same transaction. */
	if (rc == DB_OK && disabled)
		rc = db_exec(s.conn, STMT_SESSION_DELETE_USER, (struct db_param[]){ DB_INT(id) }, 1,
		    NULL);
	if (rc == DB_OK && disabled != cur.disabled)
		rc = auth_audit(r, s.conn, cur.agency_id, disabled ? "user.disable" : "user.enable",
		    arena_printf(r->arena, "user:%lld", (long long)id), NULL);
	if (rc != DB_OK || db_commit(s.conn) != DB_OK) {
		admin_internal(r, w, s.conn);
		return;
	}
	if ((u = auth_user_load(r, s.conn, &s.scope, id, &rc)) == NULL) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	resp_json(w, 200, u);
}

static void
admin_users_disable(struct req *r, struct resp *w)
{
	admin_users_set_disabled(r, w, 1);
}

static void
admin_users_enable(struct req *r, struct resp *w)
{
	admin_users_set_disabled(r, w, 0);
}

static void
admin_users_password(struct req *r, struct resp *w)
{
	json_t *j = req_json_object(r, w), *jpw;
	struct scoped s;
	struct user_row cur;
	char hash[AUTH_HASH_MAX] = "", reason[160];
	enum pw_verdict v;
	int64_t id;
	enum db_rc rc;

	if (j == NULL)
		return;
	if (auth_scoped(r, w, &s) == -1 ||
	    admin_path_id(r, w, "Không tìm thấy tài khoản.", "No such account.", &id) == -1)
		goto out;
	if ((rc = admin_user_row(s.conn, &s.scope, id, &cur)) != DB_OK) {
		if (rc == DB_NOTFOUND)
			admin_user_missing(r, w);
		else
			resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	if (admin_may_manage(r, w, &s, cur.role) == -1)
		goto out;
	if (id == s.who->id) {
		resp_problem(w, r, PROB_FORBIDDEN,
		    "Hãy đổi mật khẩu của mình bằng chức năng đổi mật khẩu (cần mật khẩu hiện tại).",
		    "Change your own password with the change-password form (it asks for the "
		    "current one).");
		goto out;
	}
	jpw = json_object_get(j, "password");
	if (!json_is_string(jpw) || strlen(json_string_value(jpw)) != json_string_length(jpw)) {
		auth_bad_param(r, w, "password", "Cần nhập mật khẩu mới.", "A new password is required.");
		goto out;
	}
	if ((v = auth_password_check(json_string_value(jpw), cur.username)) != PW_OK) {
		auth_password_reason(v, auth_en(r), reason, sizeof(reason));
		auth_bad_param(r, w, "password", reason, reason);
		goto out;
	}
	if (auth_password_hash(json_string_value(jpw), hash, sizeof(hash)) == -1) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	if ((rc = db_begin(s.conn)) == DB_OK)
		rc = db_exec(s.conn, STMT_USER_SET_PASSWORD, (struct db_param[]){ DB_INT(id),
		    DB_TEXT(hash), DB_INT(clock_now()) }, 3, NULL);
	if (rc == DB_OK)
		rc = db_exec(s.conn, STMT_SESSION_DELETE_USER, (struct db_param[]){ DB_INT(id) }, 1,
		    NULL);
	if (rc == DB_OK)
		rc = auth_audit(r, s.conn, cur.agency_id, "user.password_reset", arena_printf(r->arena, "user:%lld",
		    (long long)id), NULL);
	if (rc != DB_OK || db_commit(s.conn) != DB_OK) {
		admin_internal(r, w, s.conn);
		goto out;
	}
	w->status = 204;
out:
	str_wipe(hash, sizeof(hash));
	if (j != NULL && json_is_string(json_object_get(j, "password")))
		str_wipe((char *)json_string_value(json_object_get(j, "password")),
		    json_string_length(json_object_get(j, "password")));
	json_decref(j);
}

/* ---- API tokens -------------------------------------------------------- */

static json_t *
admin_token_json(struct db_res *res)
{
	json_t *scopes = json_array();
	const char *sc = db_res_text(res, 3);

	while (*sc != '\0') {
		const char *comma = strchr(sc, ',');
		size_t len = comma ? (size_t)(comma - sc) : strlen(sc);

		json_array_append_new(scopes, json_stringn(sc, len));
		sc += len;
		if (*sc == ',')
			sc++;
	}
	return json_pack("{s:I, s:s, s:s, s:o, s:{s:I, s:s}, s:o, s:o, s:o, s:o, s:s, s:b}",
	    "id", (json_int_t)db_res_int(res, 0), "name", db_res_text(res, 1),
	    "prefix", db_res_text(res, 2), "scopes", scopes,
	    "agency", "id", (json_int_t)db_res_int(res, 4), "code", db_res_text(res, 5),
	    "created_at", admin_time(db_res_int(res, 6)),
	    "expires_at", db_res_isnull(res, 7) ? json_null() : admin_time(db_res_int(res, 7)),
	    "revoked_at", db_res_isnull(res, 8) ? json_null() : admin_time(db_res_int(res, 8)),
	    "last_used_at", db_res_isnull(res, 9) ? json_null() : admin_time(db_res_int(res, 9)),
	    "created_by", db_res_text(res, 10),
	    "active", db_res_isnull(res, 8) &&
	    (db_res_isnull(res, 7) || db_res_int(res, 7) > clock_now()));
}

static json_t *
admin_token_load(struct db_conn *c, const struct scope *s, int64_t id, enum db_rc *rc)
{
	struct db_param p[3];
	struct db_res *res = NULL;
	json_t *t = NULL;
	int k;

	auth_scope_bind(s, p);
	p[2] = DB_INT(id);
	if ((*rc = db_exec(c, STMT_TOKEN_GET_SCOPED, p, 3, &res)) != DB_OK)
		return NULL;
	if ((k = db_res_next(res)) == 1)
		t = admin_token_json(res);
	*rc = k == 1 ? (t ? DB_OK : DB_ERROR) : k == 0 ? DB_NOTFOUND : db_res_rc(res);
	db_res_free(res);
	return t;
}

static json_t *
admin_token_item(const struct req *r, struct db_res *res)
{
	(void)r;
	return admin_token_json(res);
}

static void
admin_tokens_list(struct req *r, struct resp *w)
{
	admin_scoped_page(r, w, STMT_TOKEN_LIST_SCOPED, admin_token_item);
}

/* Scopes from a JSON array of names (or a "a,b" string) into a mask. */
static int
admin_body_scopes(json_t *v, uint64_t *mask, char *bad, size_t badsz)
{
	struct buf b;
	size_t i;
	json_t *x;
	int rc = -1;

	if (json_is_string(v))
		return auth_scopes_parse(json_string_value(v), mask, bad, badsz);
	if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > ACT__MAX) {
		str_lcpy(bad, "", badsz);
		return -1;
	}
	buf_init(&b, 4096);
	json_array_foreach(v, i, x) {
		if (!json_is_string(x) || strchr(json_string_value(x), ',') != NULL) {
			str_lcpy(bad, json_is_string(x) ? json_string_value(x) : "", badsz);
			goto out;
		}
		if (i > 0)
			buf_putc(&b, ',');
		buf_puts(&b, json_string_value(x));
	}
	if (!b.overflow)
		rc = auth_scopes_parse(b.data ? b.data : "", mask, bad, badsz);
out:
	buf_free(&b);
	return rc;
}

static void
admin_tokens_create(struct req *r, struct resp *w)
{
	json_t *j = req_json_object(r, w), *jname, *jexp, *t = NULL;
	struct scoped s;
	struct bad_list bad = { .n = 0 };
	struct buf scopes_text;
	char secret[AUTH_TOKEN_LEN + 1] = "", hash[AUTH_HEX256] = "", prefix[16], badname[64];
	uint64_t mask = 0;
	int64_t agency = 0, expires = 0, id = 0;
	int dberr = 0;
	enum db_rc rc;

	buf_init(&scopes_text, 4096);
	if (j == NULL)
		goto out;
	if (auth_scoped(r, w, &s) == -1)
		goto out;
	jname = json_object_get(j, "name");
	if (!json_is_string(jname) || !auth_text_valid(json_string_value(jname), 100))
		admin_bad(&bad, r, "name", "Cần tên gợi nhớ (tối đa 100 ký tự).",
		    "A name of at most 100 characters is required.");
	if (admin_body_scopes(json_object_get(j, "scopes"), &mask, badname, sizeof(badname)) == -1)
		admin_bad(&bad, r, "scopes", badname[0] ? arena_printf(r->arena,
		    "Quyền \"%s\" không có hoặc không cấp được cho mã truy cập.", badname)
		    : "Cần danh sách quyền, ví dụ [\"dossier.read\"].",
		    badname[0] ? arena_printf(r->arena,
		    "Scope \"%s\" does not exist or cannot be granted to a token.", badname)
		    : "A list of scopes is required, e.g. [\"dossier.read\"].");
	if (json_object_get(j, "agency") == NULL || json_is_null(json_object_get(j, "agency")))
		admin_bad(&bad, r, "agency", "Cần mã cơ quan của mã truy cập.",
		    "The token's agency code is required.");
	else
		agency = admin_body_agency(r, &s, json_object_get(j, "agency"), "agency", &bad, &dberr);
	jexp = json_object_get(j, "expires_at");
	if (jexp != NULL && !json_is_null(jexp) && (!json_is_string(jexp) ||
	    time_parse_iso(json_string_value(jexp), &expires) == -1 || expires <= clock_now()))
		admin_bad(&bad, r, "expires_at", "Thời điểm hết hạn phải ở tương lai (ISO 8601).",
		    "The expiry must be a future ISO 8601 time.");
	if (dberr) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	if (admin_report(r, w, &bad) == -1)
		goto out;
	auth_scopes_format(mask, &scopes_text);
	if (auth_token_new(secret, sizeof(secret)) == -1) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	auth_sha256_hex(secret, strlen(secret), hash);
	str_lcpy(prefix, secret, 13); /* "mct_" + 8 hex: enough to recognise, useless to guess */
	if ((rc = db_begin(s.conn)) == DB_OK)
		rc = db_scalar_int(s.conn, STMT_TOKEN_INSERT, (struct db_param[]){
		    DB_TEXT(json_string_value(jname)), DB_TEXT(hash), DB_TEXT(prefix),
		    DB_TEXT(scopes_text.data ? scopes_text.data : ""), DB_INT(agency),
		    s.who->kind == PRINCIPAL_USER ? DB_INT(s.who->id) : DB_NULL, DB_INT(clock_now()),
		    expires ? DB_INT(expires) : DB_NULL }, 8, &id);
	if (rc == DB_OK)
		rc = auth_audit(r, s.conn, agency, "token.create", arena_printf(r->arena, "token:%lld",
		    (long long)id), json_pack("{s:s, s:s, s:O, s:s}", "name",
		    json_string_value(jname), "scopes", scopes_text.data ? scopes_text.data : "",
		    "agency", json_object_get(j, "agency"), "prefix", prefix));
	if (rc != DB_OK || db_commit(s.conn) != DB_OK) {
		admin_internal(r, w, s.conn);
		goto out;
	}
	if ((t = admin_token_load(s.conn, &s.scope, id, &rc)) == NULL) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		goto out;
	}
	/* The only time the secret leaves the server. */
	resp_json(w, 201, json_pack("{s:o, s:s}", "token", t, "secret", secret));
	resp_header(w, "Cache-Control", "no-store");
	resp_header(w, "Location", arena_printf(r->arena, "/api/v1/tokens/%lld", (long long)id));
out:
	str_wipe(secret, sizeof(secret));
	buf_free(&scopes_text);
	json_decref(j);
}

static void
admin_tokens_revoke(struct req *r, struct resp *w)
{
	struct scoped s;
	json_t *t;
	int64_t id, agency;
	enum db_rc rc;

	if (auth_scoped(r, w, &s) == -1 ||
	    admin_path_id(r, w, "Không tìm thấy mã truy cập.", "No such token.", &id) == -1)
		return;
	if ((t = admin_token_load(s.conn, &s.scope, id, &rc)) == NULL) {
		if (rc == DB_NOTFOUND)
			resp_problem(w, r, PROB_NOT_FOUND, "Không tìm thấy mã truy cập.", "No such token.");
		else
			resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	agency = json_integer_value(json_object_get(json_object_get(t, "agency"), "id"));
	json_decref(t);
	if ((rc = db_begin(s.conn)) == DB_OK)
		rc = db_exec(s.conn, STMT_TOKEN_REVOKE, (struct db_param[]){ DB_INT(id),
		    DB_INT(clock_now()) }, 2, NULL);
	if (rc == DB_OK && db_changes(s.conn) == 1)
		rc = auth_audit(r, s.conn, agency, "token.revoke", arena_printf(r->arena, "token:%lld",
		    (long long)id), NULL);
	if (rc != DB_OK || db_commit(s.conn) != DB_OK) {
		admin_internal(r, w, s.conn);
		return;
	}
	if ((t = admin_token_load(s.conn, &s.scope, id, &rc)) == NULL) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	resp_json(w, 200, t);
}

/* ---- agencies ---------------------------------------------------------- */

static void
admin_agencies_list(struct req *r, struct resp *w)
{
	struct db_conn *c;
	struct scoped s;
	struct db_res *res = NULL;
	json_t *items;
	int64_t limit, after, last = 0;
	int k, n = 0, more = 0;

	/* The agency directory is public knowledge; it is not scoped. */
	if (auth_scoped(r, w, &s) == -1 || auth_list_params(r, w, &limit, &after, 0) == -1)
		return;
	c = s.conn;
	if (db_exec(c, STMT_AGENCY_LIST, (struct db_param[]){ DB_INT(after), DB_INT(limit + 1) }, 2,
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
		last = db_res_int(res, 0);
		json_array_append_new(items, json_pack("{s:I, s:s, s:o, s:s, s:s, s:o}", "id",
		    (json_int_t)last, "code", db_res_text(res, 1), "parent",
		    db_res_text(res, 2)[0] ? json_string(db_res_text(res, 2)) : json_null(),
		    "kind", db_res_text(res, 3), "name", db_res_text(res, 4), "created_at",
		    admin_time(db_res_int(res, 5))));
		n++;
	}
	db_res_free(res);
	if (k < 0) {
		json_decref(items);
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	admin_page(r, w, items, more, last);
}

static void
admin_agencies_create(struct req *r, struct resp *w)
{
	json_t *j = req_json_object(r, w), *jc, *jn, *jk, *jp;
	struct scoped s;
	struct bad_list bad = { .n = 0 };
	const char *kind = "other";
	int64_t parent = 0, id = 0;
	enum db_rc rc;

	if (j == NULL)
		return;
	if (auth_scoped(r, w, &s) == -1)
		goto out;
	jc = json_object_get(j, "code");
	jn = json_object_get(j, "name");
	jk = json_object_get(j, "kind");
	jp = json_object_get(j, "parent");
	if (!json_is_string(jc) || !auth_agency_code_valid(json_string_value(jc)))
		admin_bad(&bad, r, "code", "Mã định danh theo QCVN 102, ví dụ 000.00.00.H19.",
		    "A QCVN 102 identifier such as 000.00.00.H19.");
	if (!json_is_string(jn) || !auth_text_valid(json_string_value(jn), AUTH_NAME_MAX))
		admin_bad(&bad, r, "name", "Cần tên cơ quan (tối đa 200 ký tự).",
		    "A name of at most 200 characters is required.");
	if (jk != NULL && !json_is_null(jk)) {
		if (!json_is_string(jk) || !auth_agency_kind_valid(json_string_value(jk)))
			admin_bad(&bad, r, "kind", "Loại: province, department, district, commune, "
			    "unit, center hoặc other.", "Kind: province, department, district, commune, "
			    "unit, center or other.");
		else
			kind = json_string_value(jk);
	}
	if (jp != NULL && !json_is_null(jp)) {
		if (!json_is_string(jp) || !auth_agency_code_valid(json_string_value(jp)))
			admin_bad(&bad, r, "parent", "Mã cơ quan cấp trên không hợp lệ.",
			    "Invalid parent agency code.");
		else if ((rc = admin_agency_id(s.conn, json_string_value(jp), &parent)) == DB_NOTFOUND)
			admin_bad(&bad, r, "parent", "Không có cơ quan cấp trên này.",
			    "No such parent agency.");
		else if (rc != DB_OK) {
			resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
			goto out;
		}
	}
	if (admin_report(r, w, &bad) == -1)
		goto out;
	if ((rc = db_begin(s.conn)) == DB_OK)
		rc = db_scalar_int(s.conn, STMT_AGENCY_INSERT, (struct db_param[]){
		    DB_TEXT(json_string_value(jc)), parent ? DB_INT(parent) : DB_NULL, DB_TEXT(kind),
		    DB_TEXT(json_string_value(jn)), DB_INT(clock_now()) }, 5, &id);
	if (rc == DB_CONSTRAINT) {
		db_rollback(s.conn);
		resp_problem(w, r, PROB_CONFLICT, "Mã cơ quan này đã có.", "This agency code exists.");
		goto out;
	}
	if (rc == DB_OK)
		rc = auth_audit(r, s.conn, id, "agency.create", arena_printf(r->arena, "agency:%s",
		    json_string_value(jc)), json_pack("{s:O, s:O, s:s, s:O}", "code", jc, "name", jn,
		    "kind", kind, "parent", jp ? jp : json_null()));
	if (rc != DB_OK || db_commit(s.conn) != DB_OK) {
		admin_internal(r, w, s.conn);
		goto out;
	}
	resp_json(w, 201, json_pack("{s:I, s:O, s:O, s:s, s:O}", "id", (json_int_t)id, "code", jc,
	    "name", jn, "kind", kind, "parent", jp ? jp : json_null()));
out:
	json_decref(j);
}

const struct route auth_admin_routes[] = {
	{ HTTP_GET, "/api/v1/users", admin_users_list, ACT_USER_READ },
	{ HTTP_POST, "/api/v1/users", admin_users_create, ACT_USER_WRITE },
	{ HTTP_GET, "/api/v1/users/{id}", admin_users_get, ACT_USER_READ },
	{ HTTP_PATCH, "/api/v1/users/{id}", admin_users_update, ACT_USER_WRITE },
	{ HTTP_POST, "/api/v1/users/{id}/disable", admin_users_disable, ACT_USER_WRITE },
	{ HTTP_POST, "/api/v1/users/{id}/enable", admin_users_enable, ACT_USER_WRITE },
	{ HTTP_POST, "/api/v1/users/{id}/password", admin_users_password, ACT_USER_WRITE },
	{ HTTP_GET, "/api/v1/tokens", admin_tokens_list, ACT_TOKEN_READ },
	{ HTTP_POST, "/api/v1/tokens", admin_tokens_create, ACT_TOKEN_WRITE },
	{ HTTP_POST, "/api/v1/tokens/{id}/revoke", admin_tokens_revoke, ACT_TOKEN_WRITE },
	{ HTTP_GET, "/api/v1/admin/agencies", admin_agencies_list, ACT_AGENCY_READ },
	{ HTTP_POST, "/api/v1/admin/agencies", admin_agencies_create, ACT_AGENCY_WRITE },
};
const size_t auth_admin_nroutes = CORE_NELEM(auth_admin_routes);
