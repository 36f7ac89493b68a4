/* Sign-in, sign-out, "me" and changing one's own password; sessions and
 * the throttling of failed sign-ins. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "../core/config.h"
#include "auth_int.h"

/* ---- JSON of a user ---------------------------------------------------- */

static json_t *
auth_time_json(const struct db_res *res, int col)
{
	char t[32];

	if (db_res_isnull(res, col))
		return json_null();
	time_format_iso(db_res_int(res, col), t);
	return json_string(t);
}

void *
auth_user_json(const struct req *r, struct db_res *res)
{
	enum auth_role role = auth_role_from(db_res_text(res, 3));
	json_t *agency = json_null(), *unit = json_null();

	if (!db_res_isnull(res, 4))
		agency = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_res_int(res, 4), "code",
		    db_res_text(res, 5), "name", db_res_text(res, 6));
	if (!db_res_isnull(res, 7))
		unit = json_pack("{s:I, s:s}", "id", (json_int_t)db_res_int(res, 7), "code",
		    db_res_text(res, 8));
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:b, s:o, s:o, s:o, s:I}",
	    "id", (json_int_t)db_res_int(res, 0), "username", db_res_text(res, 1),
	    "full_name", db_res_text(res, 2), "role", db_res_text(res, 3),
	    "role_label", auth_role_label(role, auth_en(r)), "agency", agency, "unit", unit,
	    "disabled", (int)db_res_int(res, 9), "created_at", auth_time_json(res, 10),
	    "updated_at", auth_time_json(res, 11), "password_changed_at", auth_time_json(res, 13),
	    "version", (json_int_t)db_res_int(res, 12));
}

void *
auth_user_load(struct req *r, struct db_conn *c, const struct scope *s, int64_t id,
    enum db_rc *rc)
{
	struct db_param p[3];
	struct db_res *res = NULL;
	json_t *j = NULL;
	int k;

	auth_scope_bind(s, p);
	p[2] = DB_INT(id);
	if ((*rc = db_exec(c, STMT_USER_GET_SCOPED, p, 3, &res)) != DB_OK)
		return NULL;
	k = db_res_next(res);
	if (k == 1)
		j = auth_user_json(r, res);
	*rc = k == 1 ? (j ? DB_OK : DB_ERROR) : k == 0 ? DB_NOTFOUND : db_res_rc(res);
	db_res_free(res);
	return j;
}

/* ---- sessions ---------------------------------------------------------- */

enum db_rc
auth_session_create(struct db_conn *c, int64_t user_id, char token[AUTH_HEX256],
    char sid[AUTH_HEX256])
{
	int64_t now = clock_now();

	if (rand_hex(token, 32) == -1)
		return DB_ERROR;
	auth_sha256_hex(token, 64, sid);
	return db_exec(c, STMT_SESSION_INSERT, (struct db_param[]){ DB_TEXT(sid), DB_INT(user_id),
	    DB_INT(now), DB_INT(now + config_int(CFG_SESSION_LIFETIME)) }, 4, NULL);
}

/* ---- throttling -------------------------------------------------------- */

struct throttle_keys {
	char user[3 + AUTH_HEX256]; /* "u:" + SHA-256 of the username as typed, lower-cased */
	char ip[4 + 48];
};

static void
auth_throttle_keys(const struct req *r, const char *username, struct throttle_keys *k)
{
	char h[AUTH_HEX256], low[AUTH_USERNAME_MAX + 1];
	size_t n = strlen(username);

	if (n >= sizeof(low))
		n = sizeof(low) - 1;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(username[i] >= 'A' && username[i] <= 'Z' ? username[i] - 'A' + 'a'
		    : username[i]);
	low[n] = '\0';
	auth_sha256_hex(low, n, h);
	snprintf(k->user, sizeof(k->user), "u:%s", h);
	snprintf(k->ip, sizeof(k->ip), "ip:%s", r->remote_ip[0] ? r->remote_ip : "-");
}

/* Seconds to wait, 0 when free to try, -1 on a DB error. */
static int64_t
auth_throttle_wait(struct db_conn *c, const struct throttle_keys *k)
{
	int64_t until = 0, now = clock_now();

	if (db_scalar_int(c, STMT_THROTTLE_LOCKED, (struct db_param[]){ DB_TEXT(k->user),
	    DB_TEXT(k->ip) }, 2, &until) != DB_OK)
		return -1;
	return until > now ? until - now : 0;
}

/* Count one failure for key; lock it when it reached max.  Inside a tx. */
static enum db_rc
auth_throttle_fail(struct db_conn *c, const char *key, int64_t max, int *locked)
{
	int64_t now = clock_now(), window = config_int(CFG_LOGIN_WINDOW), failures = 0;
	enum db_rc rc;

	rc = db_scalar_int(c, STMT_THROTTLE_FAIL, (struct db_param[]){ DB_TEXT(key), DB_INT(now),
	    DB_INT(now - window) }, 3, &failures);
	if (rc != DB_OK || failures < max)
		return rc;
	*locked = 1;
	return db_exec(c, STMT_THROTTLE_LOCK, (struct db_param[]){ DB_TEXT(key),
	    DB_INT(now + config_int(CFG_LOGIN_LOCKOUT)), DB_INT(now) }, 3, NULL);
}

static void
auth_too_many(struct req *r, struct resp *w, int64_t wait)
{
	char secs[24], vi[160], en[160];
	int64_t mins = (wait + 59) / 60;

	snprintf(secs, sizeof(secs), "%lld", (long long)wait);
	snprintf(vi, sizeof(vi), "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %lld phút.",
	    (long long)mins);
	snprintf(en, sizeof(en), "Too many failed sign-ins. Please try again in %lld minute%s.",
	    (long long)mins, mins == 1 ? "" : "s");
	resp_problem(w, r, PROB_TOO_MANY_REQUESTS, vi, en);
	resp_header(w, "Retry-After", arena_strdup(r->arena, secs));
}

/* ---- handlers ---------------------------------------------------------- */

static void
auth_no_store(struct resp *w)
{
	resp_header(w, "Cache-Control", "no-store");
}

static json_t *
auth_permissions_json(const struct principal *p)
{
	json_t *a = json_array();

	for (int i = 1; i < ACT__MAX; i++)
		if (auth_can(p, (enum auth_action)i))
			json_array_append_new(a, json_string(auth_action_name((enum auth_action)i)));
	return a;
}

static void
auth_login(struct req *r, struct resp *w)
{
	json_t *j = req_json_object(r, w), *ju, *jp, *user = NULL;
	struct throttle_keys keys;
	struct db_conn *c = NULL;
	struct db_res *res = NULL;
	char uname[AUTH_USERNAME_MAX + 1], hash[AUTH_HASH_MAX] = "", newhash[AUTH_HASH_MAX] = "";
	char token[AUTH_HEX256] = "", sid[AUTH_HEX256], csrf[AUTH_HEX256], role[32] = "";
	const char *pw, *why = "unknown";
	struct principal who = { 0 };
	int64_t wait, uid = 0, agency = 0;
	int known = 0, ok = 0, disabled = 0, locked = 0, k;
	enum db_rc rc;

	if (j == NULL)
		return;
	auth_no_store(w);
	ju = json_object_get(j, "username");
	jp = json_object_get(j, "password");
	if (!json_is_string(ju) || json_string_length(ju) == 0 ||
	    json_string_length(ju) > AUTH_USERNAME_MAX) {
		auth_bad_param(r, w, "username", "Cần nhập tên đăng nhập (tối đa 64 ký tự).",
		    "A username of at most 64 characters is required.");
		goto out;
	}
	if (!json_is_string(jp) || json_string_length(jp) == 0 ||
	    json_string_length(jp) > AUTH_PASSWORD_MAX_BYTES ||
	    strlen(json_string_value(jp)) != json_string_length(jp)) {
		auth_bad_param(r, w, "password", "Cần nhập mật khẩu.", "A password is required.");
		goto out;
	}
	pw = json_string_value(jp);
	if ((c = app_conn(r, w)) == NULL)
		goto out;
	auth_throttle_keys(r, json_string_value(ju), &keys);
	if ((wait = auth_throttle_wait(c, &keys)) != 0) {
		if (wait < 0)
			resp_problem(w, r, PROB_UNAVAILABLE, NULL, NULL);
		else {
			log_msg(LOG_WARN, r->request_id, "login_throttled", "wait=%lld", (long long)wait);
			auth_too_many(r, w, wait);
		}
		goto out;
	}

	if (auth_username_norm(json_string_value(ju), uname, sizeof(uname)) == 0) {
		if (db_exec(c, STMT_USER_AUTH, (struct db_param[]){ DB_TEXT(uname) }, 1, &res) != DB_OK)
			goto fail500;
		if ((k = db_res_next(res)) == 1) {
			known = 1;
			uid = db_res_int(res, 0);
			str_lcpy(hash, db_res_text(res, 1), sizeof(hash));
			disabled = (int)db_res_int(res, 2);
			str_lcpy(role, db_res_text(res, 3), sizeof(role));
			agency = db_res_isnull(res, 4) ? 0 : db_res_int(res, 4);
		} else if (k < 0)
			goto fail500;
		db_res_free(res);
		res = NULL;
	} else
		str_lcpy(uname, "?", sizeof(uname));
	if (known) {
		k = auth_password_verify(hash, pw);
		ok = k == 1 && !disabled && auth_role_from(role) != ROLE__MAX;
		why = k != 1 ? "password" : disabled ? "disabled" : "role";
		if (ok && auth_password_needs_rehash(hash) &&
		    auth_password_hash(pw, newhash, sizeof(newhash)) == -1)
			newhash[0] = '\0';
	} else
		auth_password_burn(pw); /* same cost as a wrong password */

	if ((rc = db_begin(c)) != DB_OK)
		goto fail500;
	if (ok) {
		int64_t now = clock_now();

		rc = db_exec(c, STMT_SESSION_SWEEP, (struct db_param[]){ DB_INT(now),
		    DB_INT(now - config_int(CFG_SESSION_IDLE)) }, 2, NULL);
		if (rc == DB_OK)
			rc = db_exec(c, STMT_THROTTLE_SWEEP, (struct db_param[]){ DB_INT(now),
			    DB_INT(now - config_int(CFG_LOGIN_WINDOW)) }, 2, NULL);
		if (rc == DB_OK)
			rc = auth_session_create(c, uid, token, sid);
		if (rc == DB_OK)
			rc = db_exec(c, STMT_THROTTLE_CLEAR, (struct db_param[]){ DB_TEXT(keys.user) },
			    1, NULL);
		if (rc == DB_OK && newhash[0] != '\0')
			rc = db_exec(c, STMT_USER_REHASH, (struct db_param[]){ DB_INT(uid),
			    DB_TEXT(newhash), DB_TEXT(hash) }, 3, NULL);
		if (rc == DB_OK)
			rc = auth_audit_as(c, r->request_id, uid, uname, agency, "auth.login",
			    arena_printf(r->arena, "user:%lld", (long long)uid),
			    json_pack("{s:b}", "rehashed", newhash[0] != '\0'));
	} else {
		rc = auth_throttle_fail(c, keys.user, config_int(CFG_LOGIN_MAX_USER), &locked);
		if (rc == DB_OK)
			rc = auth_throttle_fail(c, keys.ip, config_int(CFG_LOGIN_MAX_IP), &locked);
		if (rc == DB_OK)
			rc = auth_audit_as(c, r->request_id, known ? uid : 0, "anonymous", agency,
			    "auth.login_failed", known ? arena_printf(r->arena, "user:%lld",
			    (long long)uid) : "user:unknown",
			    json_pack("{s:s, s:s, s:b}", "username", uname, "reason", why,
			    "locked", locked));
	}
	if (rc != DB_OK || (rc = db_commit(c)) != DB_OK)
		goto fail500;

	if (!ok) {
		log_msg(LOG_WARN, r->request_id, "login_failed", "user=%lld reason=%s locked=%d",
		    (long long)uid, known ? why : "unknown", locked);
		resp_problem(w, r, PROB_UNAUTHENTICATED, "Tên đăng nhập hoặc mật khẩu không đúng.",
		    "Wrong username or password.");
		goto out;
	}
	who.kind = PRINCIPAL_USER;
	who.role = auth_role_from(role);
	{
		struct scope all = { 1, 0 };

		user = auth_user_load(r, c, &all, uid, &rc);
	}
	if (user == NULL)
		goto fail500;
	auth_csrf_for(token, csrf);
	log_msg(LOG_INFO, r->request_id, "login", "user=%lld", (long long)uid);
	resp_header(w, "Set-Cookie", auth_cookie_set(r, token));
	resp_json(w, 200, json_pack("{s:o, s:s, s:o}", "user", user, "csrf_token", csrf,
	    "permissions", auth_permissions_json(&who)));
	goto out;
fail500:
	db_res_free(res);
	res = NULL;
	db_rollback(c);
	resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
out:
	str_wipe(token, sizeof(token));
	str_wipe(csrf, sizeof(csrf));
	str_wipe(newhash, sizeof(newhash));
	if (j != NULL && json_is_string(jp))
		str_wipe((char *)json_string_value(jp), json_string_length(jp));
	json_decref(j);
}

static void
auth_logout(struct req *r, struct resp *w)
{
	struct scoped s;
	enum db_rc rc;

	if (auth_scoped(r, w, &s) == -1)
		return;
	auth_no_store(w);
	if ((rc = db_begin(s.conn)) == DB_OK)
		rc = db_exec(s.conn, STMT_SESSION_DELETE, (struct db_param[]){ DB_TEXT(s.who->sid) }, 1,
		    NULL);
	if (rc == DB_OK)
		rc = auth_audit(r, s.conn, 0, "auth.logout",
		    arena_printf(r->arena, "user:%lld", (long long)s.who->id), NULL);
	if (rc != DB_OK || db_commit(s.conn) != DB_OK) {
		db_rollback(s.conn);
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return;
	}
	resp_header(w, "Set-Cookie", auth_cookie_clear(r));
	w->status = 204;
}

static void
auth_me(struct req *r, struct resp *w)
{
	struct scoped s;
	struct scope all = { 1, 0 };
	json_t *user;
	enum db_rc rc;

	if (auth_scoped(r, w, &s) == -1)
		return;
	auth_no_store(w);
	if ((user = auth_user_load(r, s.conn, &all, s.who->id, &rc)) == NULL) {
		resp_problem(w, r, rc == DB_NOTFOUND ? PROB_UNAUTHENTICATED : PROB_INTERNAL, NULL, NULL);
		return;
	}
	resp_json(w, 200, json_pack("{s:o, s:s, s:o, s:{s:I, s:I}}", "user", user, "csrf_token",
	    s.who->csrf, "permissions", auth_permissions_json(s.who), "session",
	    "idle_timeout", (json_int_t)config_int(CFG_SESSION_IDLE), "lifetime",
	    (json_int_t)config_int(CFG_SESSION_LIFETIME)));
}

static void
auth_password_change(struct req *r, struct resp *w)
{
	json_t *j = req_json_object(r, w), *jc, *jn;
	struct throttle_keys keys;
	struct scoped s;
	char hash[AUTH_HASH_MAX] = "", newhash[AUTH_HASH_MAX] = "", reason[160];
	enum pw_verdict v;
	int64_t wait, uid;
	int locked = 0, k;
	enum db_rc rc;

	if (j == NULL)
		return;
	if (auth_scoped(r, w, &s) == -1)
		goto out;
	uid = s.who->id;
	auth_no_store(w);
	jc = json_object_get(j, "current_password");
	jn = json_object_get(j, "new_password");
	if (!json_is_string(jc) || json_string_length(jc) == 0 ||
	    json_string_length(jc) > AUTH_PASSWORD_MAX_BYTES ||
	    strlen(json_string_value(jc)) != json_string_length(jc)) {
		auth_bad_param(r, w, "current_password", "Cần nhập mật khẩu hiện tại.",
		    "The current password is required.");
		goto out;
	}
	if (!json_is_string(jn) || strlen(json_string_value(jn)) != json_string_length(jn)) {
		auth_bad_param(r, w, "new_password", "Cần nhập mật khẩu mới.",
		    "A new password is required.");
		goto out;
	}
	if ((v = auth_password_check(json_string_value(jn), s.who->name)) != PW_OK) {
		auth_password_reason(v, auth_en(r), reason, sizeof(reason));
		auth_bad_param(r, w, "new_password", reason, reason);
		goto out;
	}
	/* Guessing the current password here is throttled like signing in. */
	auth_throttle_keys(r, s.who->name, &keys);
	if ((wait = auth_throttle_wait(s.conn, &keys)) != 0) {
		if (wait < 0)
			resp_problem(w, r, PROB_UNAVAILABLE, NULL, NULL);
		else
			auth_too_many(r, w, wait);
		goto out;
	}
	{
		struct db_res *res = NULL;

		if (db_exec(s.conn, STMT_USER_HASH, (struct db_param[]){ DB_INT(uid) }, 1, &res) != DB_OK)
			goto fail;
		if ((k = db_res_next(res)) == 1)
			str_lcpy(hash, db_res_text(res, 0), sizeof(hash));
		db_res_free(res);
		if (k != 1)
			goto fail;
	}
	k = auth_password_verify(hash, json_string_value(jc));
	if (k != 1) {
		if ((rc = db_begin(s.conn)) == DB_OK)
			rc = auth_throttle_fail(s.conn, keys.user, config_int(CFG_LOGIN_MAX_USER), &locked);
		if (rc == DB_OK)
			rc = auth_audit(r, s.conn, 0, "auth.password_change_failed",
			    arena_printf(r->arena, "user:%lld", (long long)uid),
			    json_pack("{s:b}", "locked", locked));
		if (rc != DB_OK || db_commit(s.conn) != DB_OK)
			goto fail;
		auth_bad_param(r, w, "current_password", "Mật khẩu hiện tại không đúng.",
		    "The current password is wrong.");
		goto out;
	}
	if (auth_password_hash(json_string_value(jn), newhash, sizeof(newhash)) == -1)
		goto fail;
	if ((rc = db_begin(s.conn)) == DB_OK)
		rc = db_exec(s.conn, STMT_USER_SET_PASSWORD, (struct db_param[]){ DB_INT(uid),
		    DB_TEXT(newhash), DB_INT(clock_now()) }, 3, NULL);
	/* ASVS 3.3.3: the other sessions of the account end with the change. */
	if (rc == DB_OK)
		rc = db_exec(s.conn, STMT_SESSION_DELETE_OTHERS, (struct db_param[]){ DB_INT(uid),
		    DB_TEXT(s.who->sid) }, 2, NULL);
	if (rc == DB_OK)
		rc = db_exec(s.conn, STMT_THROTTLE_CLEAR, (struct db_param[]){ DB_TEXT(keys.user) }, 1,
		    NULL);
	if (rc == DB_OK)
		rc = auth_audit(r, s.conn, 0, "auth.password_change",
		    arena_printf(r->arena, "user:%lld", (long long)uid), NULL);
	if (rc != DB_OK || db_commit(s.conn) != DB_OK)
		goto fail;
	w->status = 204;
	goto out;
fail:
	db_rollback(s.conn);
	resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
out:
	str_wipe(newhash, sizeof(newhash));
	if (j != NULL) {
		jc = json_object_get(j, "current_password");
		jn = json_object_get(j, "new_password");
		if (json_is_string(jc))
			str_wipe((char *)json_string_value(jc), json_string_length(jc));
		if (json_is_string(jn))
			str_wipe((char *)json_string_value(jn), json_string_length(jn));
	}
	json_decref(j);
}

/* The roles and actions, labelled in the caller's language, and the roles
 * the caller may give: what the admin pages need to build their forms. */
static void
auth_roles(struct req *r, struct resp *w)
{
	const struct principal *p = auth_principal(r);
	json_t *roles = json_array(), *acts = json_array(), *give = json_array();
	int en = auth_en(r);

	for (int i = 0; i < ROLE__MAX; i++) {
		json_array_append_new(roles, json_pack("{s:s, s:s}", "name",
		    auth_role_name((enum auth_role)i), "label", auth_role_label((enum auth_role)i, en)));
		if (p != NULL && p->kind == PRINCIPAL_USER &&
		    auth_role_assignable(p->role, (enum auth_role)i))
			json_array_append_new(give, json_string(auth_role_name((enum auth_role)i)));
	}
	for (int i = 1; i < ACT__MAX; i++)
		json_array_append_new(acts, json_pack("{s:s, s:s, s:b}", "name",
		    auth_action_name((enum auth_action)i), "label",
		    auth_action_label((enum auth_action)i, en), "token",
		    auth_action_token_ok((enum auth_action)i)));
	resp_json(w, 200, json_pack("{s:o, s:o, s:o}", "roles", roles, "actions", acts,
	    "assignable_roles", give));
}

const struct route auth_routes[] = {
	{ HTTP_POST, "/api/v1/auth/login", auth_login, ACT_PUBLIC },
	{ HTTP_POST, "/api/v1/auth/logout", auth_logout, ACT_SESSION },
	{ HTTP_GET, "/api/v1/auth/me", auth_me, ACT_SESSION },
	{ HTTP_POST, "/api/v1/auth/password", auth_password_change, ACT_SESSION },
	{ HTTP_GET, "/api/v1/auth/roles", auth_roles, ACT_SESSION },
};
const size_t auth_nroutes = CORE_NELEM(auth_routes);
