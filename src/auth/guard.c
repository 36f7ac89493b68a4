/* The route guard: credentials to principal (session cookie or bearer API
 * token), CSRF on state-changing cookie requests, the permission table;
 * and the scope every staff query goes through. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../audit/audit.h"
#include "../core/config.h"
#include "auth_int.h"

/* Sessions and tokens record activity at most this often (seconds), so a
 * busy client does not turn every read into a write. */
#define AUTH_TOUCH_EVERY 60

static int
auth_is_hex64(const char *s, size_t n)
{
	if (n != 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

void
auth_csrf_for(const char *session_token, char out[AUTH_HEX256])
{
	char in[5 + AUTH_HEX256];
	size_t n = strlen(session_token);

	if (n > 64)
		n = 64;
	memcpy(in, "csrf:", 5);
	memcpy(in + 5, session_token, n);
	auth_sha256_hex(in, 5 + n, out);
	str_wipe(in, sizeof(in));
}

int
auth_token_new(char *out, size_t outsz)
{
	char hex[AUTH_HEX256];

	if (outsz < AUTH_TOKEN_LEN + 1 || rand_hex(hex, 32) == -1)
		return -1;
	memcpy(out, AUTH_TOKEN_PREFIX, 4);
	memcpy(out + 4, hex, 65);
	str_wipe(hex, sizeof(hex));
	return 0;
}

const char *
auth_cookie_token(const struct req *r)
{
	const char *h = req_header(r, "Cookie"), *p;
	size_t nlen = strlen(AUTH_COOKIE);

	if (h == NULL)
		return NULL;
	for (p = h; *p != '\0';) {
		const char *end;
		size_t len;

		while (*p == ' ' || *p == ';' || *p == '\t')
			p++;
		end = strchr(p, ';');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len > nlen + 1 && strncmp(p, AUTH_COOKIE, nlen) == 0 && p[nlen] == '=') {
			const char *v = p + nlen + 1;
			size_t vlen = len - nlen - 1;

			while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
				vlen--;
			if (auth_is_hex64(v, vlen))
				return arena_strndup(r->arena, v, vlen);
			return NULL;
		}
		p += len;
	}
	return NULL;
}

const char *
auth_cookie_set(struct req *r, const char *token)
{
	return arena_printf(r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", AUTH_COOKIE,
	    token, APP(r)->behind_tls ? "; Secure" : "");
}

const char *
auth_cookie_clear(struct req *r)
{
	return arena_printf(r->arena, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
	    AUTH_COOKIE, APP(r)->behind_tls ? "; Secure" : "");
}

const struct principal *
auth_principal(const struct req *r)
{
	return r != NULL ? (const struct principal *)r->principal : NULL;
}

/* Unknown names are skipped: a scope whose action was removed grants
 * nothing rather than failing every request of the token. */
static uint64_t
auth_scopes_lenient(const char *s)
{
	uint64_t m = 0;

	while (s != NULL && *s != '\0') {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		char name[64];
		enum auth_action a;

		if (len > 0 && len < sizeof(name)) {
			memcpy(name, s, len);
			name[len] = '\0';
			a = auth_action_from(name);
			if (a != ACT__MAX && auth_action_token_ok(a))
				m |= UINT64_C(1) << a;
		}
		s += len;
		if (*s == ',')
			s++;
	}
	return m;
}

enum auth_found { FOUND_OK, FOUND_NONE, FOUND_ERROR };

static enum auth_found
auth_session_principal(struct req *r, struct db_conn *c, const char *token,
    struct principal *p)
{
	struct db_res *res = NULL;
	int64_t now = clock_now(), last, expires, idle = config_int(CFG_SESSION_IDLE);
	enum auth_found found = FOUND_ERROR;
	int k, disabled;

	p->kind = PRINCIPAL_USER;
	p->by_cookie = 1;
	auth_sha256_hex(token, strlen(token), p->sid);
	auth_csrf_for(token, p->csrf);
	if (db_exec(c, STMT_SESSION_LOOKUP, (struct db_param[]){ DB_TEXT(p->sid) }, 1, &res) != DB_OK)
		goto out;
	if ((k = db_res_next(res)) != 1) {
		found = k == 0 ? FOUND_NONE : FOUND_ERROR;
		goto out;
	}
	p->id = db_res_int(res, 0);
	last = db_res_int(res, 1);
	expires = db_res_int(res, 2);
	p->name = arena_strdup(r->arena, db_res_text(res, 3));
	p->full_name = arena_strdup(r->arena, db_res_text(res, 4));
	p->role = auth_role_from(db_res_text(res, 5));
	p->agency_id = db_res_isnull(res, 6) ? 0 : db_res_int(res, 6);
	p->unit_id = db_res_isnull(res, 7) ? 0 : db_res_int(res, 7);
	disabled = (int)db_res_int(res, 8);
	p->agency_code = arena_strdup(r->arena, db_res_text(res, 9));
	p->agency_name = arena_strdup(r->arena, db_res_text(res, 10));
	db_res_free(res);
	res = NULL;
	if (p->name == NULL || p->full_name == NULL || p->agency_code == NULL ||
	    p->agency_name == NULL)
		goto out;
	if (disabled || p->role == ROLE__MAX || now >= expires || now - last >= idle) {
		/* Over: forget it now rather than at the next sweep. */
		(void)db_exec(c, STMT_SESSION_DELETE, (struct db_param[]){ DB_TEXT(p->sid) }, 1, NULL);
		log_msg(LOG_INFO, r->request_id, "session", "event=ended user=%lld why=%s",
		    (long long)p->id, disabled ? "disabled" : now >= expires ? "lifetime" : "idle");
		found = FOUND_NONE;
		goto out;
	}
	if (now - last >= (idle / 2 < AUTH_TOUCH_EVERY ? idle / 2 : AUTH_TOUCH_EVERY))
		(void)db_exec(c, STMT_SESSION_TOUCH, (struct db_param[]){ DB_TEXT(p->sid),
		    DB_INT(now) }, 2, NULL);
	found = FOUND_OK;
out:
	db_res_free(res);
	return found;
}

static enum auth_found
auth_token_principal(struct req *r, struct db_conn *c, const char *secret,
    struct principal *p)
{
	struct db_res *res = NULL;
	char hash[AUTH_HEX256];
	int64_t now = clock_now();
	enum auth_found found = FOUND_ERROR;
	int k;

	p->kind = PRINCIPAL_TOKEN;
	p->role = ROLE__MAX;
	auth_sha256_hex(secret, strlen(secret), hash);
	if (db_exec(c, STMT_TOKEN_LOOKUP, (struct db_param[]){ DB_TEXT(hash) }, 1, &res) != DB_OK)
		goto out;
	if ((k = db_res_next(res)) != 1) {
		found = k == 0 ? FOUND_NONE : FOUND_ERROR;
		goto out;
	}
	p->id = db_res_int(res, 0);
	p->name = arena_strdup(r->arena, db_res_text(res, 1));
	p->full_name = "";
	p->scopes = auth_scopes_lenient(db_res_text(res, 2));
	p->agency_id = db_res_int(res, 3);
	p->agency_code = arena_strdup(r->arena, db_res_text(res, 7));
	p->agency_name = arena_strdup(r->arena, db_res_text(res, 8));
	if (!db_res_isnull(res, 5) || (!db_res_isnull(res, 4) && db_res_int(res, 4) <= now)) {
		found = FOUND_NONE; /* revoked or expired */
		goto out;
	}
	if (p->name == NULL || p->agency_code == NULL || p->agency_name == NULL)
		goto out;
	if (db_res_isnull(res, 6) || now - db_res_int(res, 6) >= AUTH_TOUCH_EVERY) {
		db_res_free(res);
		res = NULL;
		(void)db_exec(c, STMT_TOKEN_TOUCH, (struct db_param[]){ DB_INT(p->id), DB_INT(now) },
		    2, NULL);
	}
	found = FOUND_OK;
out:
	db_res_free(res);
	str_wipe(hash, sizeof(hash));
	return found;
}

static int
auth_safe_method(enum http_method m)
{
	return m == HTTP_GET || m == HTTP_HEAD || m == HTTP_OPTIONS;
}

int
auth_guard(struct req *r, const struct route *rt, struct resp *w)
{
	struct principal *p;
	struct db_conn *c;
	const char *authz, *token = NULL, *csrf;
	enum auth_found found;
	enum auth_action need = (enum auth_action)rt->perm;

	r->principal = NULL;
	if (need == ACT_PUBLIC)
		return 0;
	if (rt->perm < 0 || need >= ACT__MAX) {
		resp_problem(w, r, PROB_FORBIDDEN, NULL, NULL); /* a route table bug: fail closed */
		return -1;
	}
	if ((p = arena_alloc(r->arena, sizeof(*p))) == NULL) {
		resp_problem(w, r, PROB_INTERNAL, NULL, NULL);
		return -1;
	}
	authz = req_header(r, "Authorization");
	if (authz == NULL)
		token = auth_cookie_token(r);
	if (authz == NULL && token == NULL) {
		resp_problem(w, r, PROB_UNAUTHENTICATED, "Vui lòng đăng nhập để tiếp tục.",
		    "Please sign in to continue.");
		return -1;
	}
	if ((c = app_conn(r, w)) == NULL)
		return -1;
	if (authz != NULL) {
		size_t n;

		if (strncasecmp(authz, "Bearer ", 7) != 0)
			goto unauth_token;
		authz += 7;
		while (*authz == ' ')
			authz++;
		n = strlen(authz);
		if (n != AUTH_TOKEN_LEN || strncmp(authz, AUTH_TOKEN_PREFIX, 4) != 0 ||
		    !auth_is_hex64(authz + 4, 64))
			goto unauth_token;
		found = auth_token_principal(r, c, authz, p);
		if (found == FOUND_NONE)
			goto unauth_token;
	} else
		found = auth_session_principal(r, c, token, p);
	if (found == FOUND_ERROR) {
		resp_problem(w, r, PROB_UNAVAILABLE, NULL, NULL);
		return -1;
	}
	if (found == FOUND_NONE) {
		resp_problem(w, r, PROB_UNAUTHENTICATED,
		    "Phiên đăng nhập đã hết hạn hoặc không còn hiệu lực. Vui lòng đăng nhập lại.",
		    "Your session has expired or is no longer valid. Please sign in again.");
		resp_header(w, "Set-Cookie", auth_cookie_clear(r));
		return -1;
	}
	if (p->by_cookie && !auth_safe_method(r->method)) {
		csrf = req_header(r, "X-CSRF-Token");
		if (csrf == NULL || strlen(csrf) != 64 || !str_ct_equal(csrf, p->csrf, 64)) {
			log_msg(LOG_WARN, r->request_id, "csrf", "user=%lld route=%s",
			    (long long)p->id, rt->pattern);
			resp_problem(w, r, PROB_CSRF,
			    "Yêu cầu thiếu hoặc sai mã chống giả mạo (X-CSRF-Token). Hãy tải lại trang.",
			    "The request lacks a valid anti-forgery token (X-CSRF-Token). Reload the page.");
			return -1;
		}
	}
	if (!auth_can(p, need)) {
		log_msg(LOG_INFO, r->request_id, "forbidden", "%s=%lld action=%s",
		    p->kind == PRINCIPAL_TOKEN ? "token" : "user", (long long)p->id,
		    auth_action_name(need));
		resp_problem(w, r, PROB_FORBIDDEN,
		    "Tài khoản của bạn không có quyền thực hiện thao tác này.",
		    "Your account is not allowed to do this.");
		return -1;
	}
	r->principal = p;
	return 0;

unauth_token:
	resp_problem(w, r, PROB_UNAUTHENTICATED,
	    "Mã truy cập API không hợp lệ, đã hết hạn hoặc đã bị thu hồi.",
	    "The API token is invalid, expired or revoked.");
	resp_header(w, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
	return -1;
}

struct scope
auth_scope_of(const struct principal *p)
{
	struct scope s = { 0, 0 };

	if (p == NULL)
		return s;
	if (p->kind == PRINCIPAL_USER && auth_role_province_wide(p->role))
		s.all = 1;
	else
		s.root = p->agency_id;
	return s;
}

void
auth_scope_bind(const struct scope *s, struct db_param out[2])
{
	out[0] = DB_INT(s->all ? 1 : 0);
	out[1] = DB_INT(s->root);
}

int
auth_scope_contains(struct db_conn *c, const struct scope *s, int64_t agency_id)
{
	int64_t n = 0;

	if (s->all)
		return 1;
	if (s->root == 0 || agency_id == 0)
		return 0;
	if (db_scalar_int(c, STMT_AGENCY_IN_SUBTREE, (struct db_param[]){ DB_INT(s->root),
	    DB_INT(agency_id) }, 2, &n) != DB_OK)
		return -1;
	return n > 0;
}

int
auth_scoped(struct req *r, struct resp *w, struct scoped *out)
{
	memset(out, 0, sizeof(*out));
	if ((out->who = auth_principal(r)) == NULL) {
		resp_problem(w, r, PROB_UNAUTHENTICATED, "Vui lòng đăng nhập để tiếp tục.",
		    "Please sign in to continue.");
		return -1;
	}
	out->scope = auth_scope_of(out->who);
	if ((out->conn = app_conn(r, w)) == NULL)
		return -1;
	return 0;
}

static enum db_rc
auth_audit_at(struct db_conn *c, int64_t at, const char *request_id, int64_t actor_id,
    const char *actor, int64_t agency_id, const char *action, const char *object, void *detail)
{
	char *text = audit_detail_text(detail);
	struct audit_entry e = {
		.at = at != 0 ? at : clock_now(),
		.actor_id = actor_id,
		.actor = actor,
		.agency_id = agency_id,
		.action = action,
		.object = object,
		.request_id = request_id,
		.detail = text,
	};
	enum db_rc rc = text != NULL ? audit_append(c, &e, NULL) : DB_ERROR;

	free(text);
	json_decref(detail);
	return rc;
}

enum db_rc
auth_audit_as(struct db_conn *c, const char *request_id, int64_t actor_id, const char *actor,
    int64_t agency_id, const char *action, const char *object, void *detail)
{
	return auth_audit_at(c, 0, request_id, actor_id, actor, agency_id, action, object, detail);
}

enum db_rc
auth_audit_by(struct db_conn *c, const struct principal *p, const char *request_id,
    struct arena *a, int64_t at, int64_t agency_id, const char *action, const char *object,
    void *detail)
{
	const char *actor = "anonymous";
	int64_t actor_id = 0, agency = 0;

	if (p != NULL) {
		agency = p->agency_id;
		if (p->kind == PRINCIPAL_USER) {
			actor_id = p->id;
			actor = p->name;
		} else
			actor = arena_printf(a, "token:%s", p->name);
	}
	if (agency_id != 0)
		agency = agency_id;
	return auth_audit_at(c, at, request_id ? request_id : "", actor_id,
	    actor ? actor : "token", agency, action, object, detail);
}

enum db_rc
auth_audit(struct req *r, struct db_conn *c, int64_t agency_id, const char *action,
    const char *object, void *detail)
{
	return auth_audit_by(c, auth_principal(r), r->request_id, r->arena, 0, agency_id, action,
	    object, detail);
}
