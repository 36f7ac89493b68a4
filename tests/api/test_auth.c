/*
 * Accounts, roles, sessions and the audit log, proven against the real
 * binary on SQLite and on PostgreSQL: sign-in/out and "me", wrong
 * passwords, disabled accounts losing their sessions at once, throttling
 * that starts and ends (time moved with MOTCUA_NOW), session expiry, cookie
 * flags, CSRF, the role x route matrix generated from the permission table
 * (`motcua auth matrix`), agency scoping (404 and no leaks), API token
 * scopes, password changes, and `motcua audit verify` naming the row that
 * was edited or deleted behind the program's back.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "harness.h"

#define JSON_CT "Content-Type: application/json"
#define PW "Mật-khẩu-thử-nghiệm-2025"
#define PW2 "mật khẩu mới đủ dài 2026"

#define CODE_P "000.00.00.H19" /* the province */
#define CODE_A "000.00.01.H19" /* department A */
#define CODE_A1 "000.01.01.H19" /* a unit of A */
#define CODE_B "000.00.02.H19" /* department B */

/* Fast argon2id for the suite (allowed in test builds only, when asked). */
#define FAST_ARGON "--argon2_m_cost", "64", "--argon2_t_cost", "1"

static struct srv *g; /* the shared server with the fixture below */

/* Users of the fixture: one per role in agency A (admin and inspector in
 * the province), an agency admin and a receiver in B, a citizen. */
static const char *const role_users[][2] = {
	{ "admin", "admin" }, { "agency_admin", "qtv_a" }, { "receiver", "tn_a" },
	{ "specialist", "cv_a" }, { "leader", "ld_a" }, { "clerk", "vt_a" },
	{ "inspector", "thanhtra" }, { "citizen", "congdan" },
};
static int64_t id_target_a; /* receiver in A, the object of the scope tests */
static int64_t id_unit_user; /* specialist in A's unit A1 */
static int64_t id_rcv_b;

struct sess {
	char cookie[128]; /* "Cookie: motcua_session=..." */
	char csrf_hdr[128]; /* "X-CSRF-Token: ..." */
	char token[65];
	char csrf[65];
	int64_t user_id;
};

/* ---- helpers ------------------------------------------------------------- */

/* Run the motcua CLI with pw on stdin (through sh, the harness gives none). */
static int
cli_with_stdin(const char *pw, const char *const *args, struct cli_res *r)
{
	const char *argv[32];
	size_t n = 0;

	setenv("T_STDIN", pw, 1);
	argv[n++] = "/bin/sh";
	argv[n++] = "-c";
	argv[n++] = "printf '%s\\n' \"$T_STDIN\" | \"$0\" \"$@\"";
	argv[n++] = getenv("MOTCUA_BIN");
	for (size_t i = 0; args[i] != NULL && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	return harness_run(argv, r, 60000);
}

static void
cli_ok(const char *const *args)
{
	struct cli_res r;

	if (motcua_run(args, &r, 60000) != 0)
		fail_msg("motcua %s %s failed (%d): %s", args[0], args[1], r.status, r.err);
	cli_res_free(&r);
}

static void
cli_agency(const struct srv *s, const char *code, const char *name, const char *parent,
    const char *kind)
{
	if (parent != NULL)
		cli_ok((const char *const[]){ "agency", "add", "--code", code, "--name", name,
		    "--parent", parent, "--kind", kind, "--db", srv_db_url(s), NULL });
	else
		cli_ok((const char *const[]){ "agency", "add", "--code", code, "--name", name,
		    "--kind", kind, "--db", srv_db_url(s), NULL });
}

static int64_t
cli_user(const struct srv *s, const char *username, const char *role, const char *agency)
{
	struct cli_res r;
	int64_t id = 0;

	cli_with_stdin(PW, (const char *const[]){ "user", "add", "--username", username, "--role",
	    role, "--agency", agency, "--name", "Người Thử Nghiệm", "--db", srv_db_url(s),
	    FAST_ARGON, NULL }, &r);
	if (r.status != 0)
		fail_msg("motcua user add %s failed (%d): %s", username, r.status, r.err);
	id = strtoll(r.out, NULL, 10);
	cli_res_free(&r);
	assert_true(id > 0);
	return id;
}

static struct http_res *
login_raw(const struct srv *s, const char *user, const char *pw)
{
	json_t *b = json_pack("{s:s, s:s}", "username", user, "password", pw);
	char *text = json_dumps(b, 0);
	struct http_res *r = http_json(s, "POST", "/api/v1/auth/login", text);

	free(text);
	json_decref(b);
	return r;
}

/* Sign in; asserts 200 and fills out. */
static void
login(const struct srv *s, const char *user, const char *pw, struct sess *out)
{
	struct http_res *r = login_raw(s, user, pw);
	const char *sc, *csrf;

	if (r->status != 200)
		fail_msg("login %s: %ld %s", user, r->status, r->body);
	sc = http_header(r, "Set-Cookie");
	assert_non_null(sc);
	assert_int_equal(strncmp(sc, "motcua_session=", 15), 0);
	assert_int_equal(strcspn(sc + 15, ";"), 64);
	memcpy(out->token, sc + 15, 64);
	out->token[64] = '\0';
	csrf = json_string_value(json_object_get(r->json, "csrf_token"));
	assert_non_null(csrf);
	assert_int_equal(strlen(csrf), 64);
	memcpy(out->csrf, csrf, 65);
	snprintf(out->cookie, sizeof(out->cookie), "Cookie: motcua_session=%s", out->token);
	snprintf(out->csrf_hdr, sizeof(out->csrf_hdr), "X-CSRF-Token: %s", out->csrf);
	out->user_id = json_integer_value(json_object_get(json_object_get(r->json, "user"), "id"));
	http_res_free(r);
}

/* A request as the session (cookie and CSRF header); body NULL or JSON. */
static struct http_res *
as(const struct srv *s, const struct sess *x, const char *method, const char *path,
    const char *body)
{
	return http_req(s, method, path, (const char *const[]){ x->cookie, x->csrf_hdr, JSON_CT,
	    NULL }, body);
}

/* Same with only the cookie (no CSRF header). */
static struct http_res *
as_nocsrf(const struct srv *s, const struct sess *x, const char *method, const char *path,
    const char *body)
{
	return http_req(s, method, path, (const char *const[]){ x->cookie, JSON_CT, NULL }, body);
}

static struct http_res *
bearer(const struct srv *s, const char *secret, const char *method, const char *path,
    const char *body)
{
	char h[128];

	snprintf(h, sizeof(h), "Authorization: Bearer %s", secret);
	return http_req(s, method, path, (const char *const[]){ h, JSON_CT, NULL }, body);
}

static void
expect(struct http_res *r, long status)
{
	if (r->status != status)
		fail_msg("expected %ld, got %ld: %s", status, r->status, r->body);
}

static int64_t
api_create_user(const struct srv *s, const struct sess *adm, const char *username,
    const char *role, const char *agency, const char *unit)
{
	json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?}", "username", username, "password",
	    PW, "role", role, "full_name", "Trần Thị Thử", "agency", agency, "unit", unit);
	char *text = json_dumps(b, 0);
	struct http_res *r = as(s, adm, "POST", "/api/v1/users", text);
	int64_t id;

	if (r->status != 201)
		fail_msg("create %s: %ld %s", username, r->status, r->body);
	id = json_integer_value(json_object_get(r->json, "id"));
	assert_true(id > 0);
	http_res_free(r);
	free(text);
	json_decref(b);
	return id;
}

/* The agencies and users of the shared fixture on s. */
static void
fixture(struct srv *s)
{
	struct sess adm;

	cli_agency(s, CODE_P, "UBND tỉnh Đồng Nai", NULL, "province");
	cli_agency(s, CODE_A, "Sở Tư pháp", CODE_P, "department");
	cli_agency(s, CODE_A1, "Phòng Hành chính tư pháp", CODE_A, "unit");
	cli_agency(s, CODE_B, "Sở Xây dựng", CODE_P, "department");
	cli_user(s, "admin", "admin", CODE_P);
	login(s, "admin", PW, &adm);
	for (size_t i = 1; i < CORE_NELEM(role_users); i++) {
		const char *role = role_users[i][0];

		api_create_user(s, &adm, role_users[i][1], role,
		    strcmp(role, "inspector") == 0 ? CODE_P : strcmp(role, "citizen") == 0 ? NULL
		    : CODE_A, NULL);
	}
	id_target_a = api_create_user(s, &adm, "muctieu_a", "receiver", CODE_A, NULL);
	id_unit_user = api_create_user(s, &adm, "cv_a1", "specialist", CODE_A, CODE_A1);
	api_create_user(s, &adm, "qtv_b", "agency_admin", CODE_B, NULL);
	id_rcv_b = api_create_user(s, &adm, "tn_b", "receiver", CODE_B, NULL);
}

static int
group_setup(void **state)
{
	(void)state;
	unsetenv("MOTCUA_NOW");
	g = srv_start((const char *const[]){ FAST_ARGON, NULL });
	fixture(g);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	srv_stop(g);
	g = NULL;
	return 0;
}

/* Count audit entries matching action (and object when not NULL) via the API. */
static size_t
audit_count(const struct srv *s, const struct sess *x, const char *action, const char *object)
{
	char *path = harness_strdupf("/api/v1/audit?limit=500&action=%s%s%s", action,
	    object ? "&object=" : "", object ? object : "");
	struct http_res *r = as(s, x, "GET", path, NULL);
	size_t n;

	expect(r, 200);
	n = json_array_size(json_object_get(r->json, "items"));
	http_res_free(r);
	free(path);
	return n;
}

static void
audit_verify_ok(const struct srv *s)
{
	struct cli_res r;

	motcua_run((const char *const[]){ "audit", "verify", "--db", srv_db_url(s), NULL }, &r,
	    60000);
	if (r.status != 0)
		fail_msg("audit verify failed (%d): %s", r.status, r.err);
	assert_non_null(strstr(r.out, "nguyên vẹn"));
	cli_res_free(&r);
}

/* ---- sign-in, me, sign-out, cookie flags ---------------------------------- */

static void
test_login_me_logout(void **state)
{
	struct http_res *r = login_raw(g, "ADMIN", PW); /* usernames ignore case */
	const char *sc;
	struct sess x;
	json_t *u;

	(void)state;
	expect(r, 200);
	assert_security_headers(r);
	assert_string_equal(http_header(r, "Cache-Control"), "no-store");
	sc = http_header(r, "Set-Cookie");
	/* Flags exactly: HttpOnly, SameSite=Strict, Path=/; no Secure without TLS. */
	assert_non_null(strstr(sc, "; Path=/"));
	assert_non_null(strstr(sc, "; HttpOnly"));
	assert_non_null(strstr(sc, "; SameSite=Strict"));
	assert_null(strstr(sc, "Secure"));
	assert_null(strstr(sc, "Domain"));
	u = json_object_get(r->json, "user");
	assert_string_equal(json_string_value(json_object_get(u, "username")), "admin");
	assert_string_equal(json_string_value(json_object_get(u, "role")), "admin");
	assert_string_equal(json_string_value(json_object_get(json_object_get(u, "agency"),
	    "code")), CODE_P);
	assert_null(json_object_get(u, "password_hash"));
	assert_null(strstr(r->body, "argon2"));
	assert_true(json_array_size(json_object_get(r->json, "permissions")) > 3);
	http_res_free(r);

	login(g, "admin", PW, &x);
	r = as(g, &x, "GET", "/api/v1/auth/me", NULL);
	expect(r, 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r->json, "user"),
	    "username")), "admin");
	assert_string_equal(json_string_value(json_object_get(r->json, "csrf_token")), x.csrf);
	assert_string_equal(http_header(r, "Cache-Control"), "no-store");
	http_res_free(r);

	/* Without any credentials. */
	r = http_get(g, "/api/v1/auth/me");
	assert_problem(r, 401, "unauthenticated");
	http_res_free(r);
	/* A cookie we never issued. */
	r = http_req(g, "GET", "/api/v1/auth/me", (const char *const[]){ "Cookie: motcua_session="
	    "00000000000000000000000000000000000000000000000000000000000000ff", NULL }, NULL);
	assert_problem(r, 401, "unauthenticated");
	http_res_free(r);

	/* Sign out: needs CSRF like any state change, then the cookie dies. */
	r = as_nocsrf(g, &x, "POST", "/api/v1/auth/logout", NULL);
	assert_problem(r, 403, "csrf");
	http_res_free(r);
	r = as(g, &x, "POST", "/api/v1/auth/logout", NULL);
	expect(r, 204);
	assert_non_null(strstr(http_header(r, "Set-Cookie"), "Max-Age=0"));
	http_res_free(r);
	r = as(g, &x, "GET", "/api/v1/auth/me", NULL);
	assert_problem(r, 401, "unauthenticated");
	http_res_free(r);

	/* Both are in the audit log, in the same transaction as the change. */
	login(g, "admin", PW, &x);
	assert_true(audit_count(g, &x, "auth.login", NULL) >= 3);
	assert_int_equal(audit_count(g, &x, "auth.logout", NULL), 1);
	http_res_free(as(g, &x, "POST", "/api/v1/auth/logout", NULL));
}

static void
test_wrong_password_and_bad_input(void **state)
{
	struct http_res *r, *r2;
	struct sess adm;
	static const char *const bad_bodies[][2] = {
		{ "{}", "username" },
		{ "{\"username\":\"admin\"}", "password" },
		{ "{\"username\":\"admin\",\"password\":\"\"}", "password" },
		{ "{\"username\":7,\"password\":\"x\"}", "username" },
		{ "{\"username\":\"admin\",\"password\":[\"x\"]}", "password" },
	};
	char *longname, *body;

	(void)state;
	r = login_raw(g, "tn_b", "sai mật khẩu rồi đấy");
	assert_problem(r, 401, "unauthenticated");
	assert_null(http_header(r, "Set-Cookie"));
	/* An unknown user gets the very same answer. */
	r2 = login_raw(g, "khong_ton_tai", "sai mật khẩu rồi đấy");
	assert_problem(r2, 401, "unauthenticated");
	assert_string_equal(json_string_value(json_object_get(r->json, "detail")),
	    json_string_value(json_object_get(r2->json, "detail")));
	assert_non_null(strstr(json_string_value(json_object_get(r->json, "detail")),
	    "Tên đăng nhập hoặc mật khẩu không đúng"));
	http_res_free(r);
	http_res_free(r2);

	for (size_t i = 0; i < CORE_NELEM(bad_bodies); i++) {
		r = http_json(g, "POST", "/api/v1/auth/login", bad_bodies[i][0]);
		assert_problem(r, 400, "validation");
		assert_invalid_param(r, bad_bodies[i][1]);
		http_res_free(r);
	}
	r = http_json(g, "POST", "/api/v1/auth/login", "{\"username\":");
	assert_problem(r, 400, "invalid-json");
	http_res_free(r);
	/* Only JSON: a cross-site form (login CSRF) cannot send it. */
	r = http_req(g, "POST", "/api/v1/auth/login", (const char *const[]){
	    "Content-Type: text/plain", NULL }, "{\"username\":\"admin\",\"password\":\"" PW "\"}");
	assert_problem(r, 415, NULL);
	assert_null(http_header(r, "Set-Cookie"));
	http_res_free(r);
	longname = harness_repeat('a', 65);
	body = harness_strdupf("{\"username\":\"%s\",\"password\":\"x\"}", longname);
	r = http_json(g, "POST", "/api/v1/auth/login", body);
	assert_problem(r, 400, "validation");
	http_res_free(r);
	free(body);
	free(longname);

	/* Failures are audited with the username tried, never the password. */
	login(g, "admin", PW, &adm);
	r = as(g, &adm, "GET", "/api/v1/audit?action=auth.login_failed&limit=500", NULL);
	expect(r, 200);
	assert_true(json_array_size(json_object_get(r->json, "items")) >= 2);
	assert_non_null(strstr(r->body, "khong_ton_tai"));
	assert_null(strstr(r->body, "sai mật khẩu"));
	http_res_free(r);
	http_res_free(as(g, &adm, "POST", "/api/v1/auth/logout", NULL));
}

/* ---- disabled accounts ---------------------------------------------------- */

static void
test_disabled_user(void **state)
{
	struct sess adm, u, u2;
	struct http_res *r;
	char *path;
	struct cli_res cr;

	(void)state;
	login(g, "admin", PW, &adm);
	login(g, "tn_b", PW, &u);
	r = as(g, &u, "GET", "/api/v1/auth/me", NULL);
	expect(r, 200);
	http_res_free(r);

	path = harness_strdupf("/api/v1/users/%lld/disable", (long long)id_rcv_b);
	r = as(g, &adm, "POST", path, NULL);
	expect(r, 200);
	assert_true(json_is_true(json_object_get(r->json, "disabled")));
	http_res_free(r);
	free(path);
	/* The live session is dead at once. */
	r = as(g, &u, "GET", "/api/v1/auth/me", NULL);
	assert_problem(r, 401, "unauthenticated");
	http_res_free(r);
	/* And the right password does not open a new one. */
	r = login_raw(g, "tn_b", PW);
	assert_problem(r, 401, "unauthenticated");
	http_res_free(r);

	path = harness_strdupf("/api/v1/users/%lld/enable", (long long)id_rcv_b);
	r = as(g, &adm, "POST", path, NULL);
	expect(r, 200);
	assert_true(json_is_false(json_object_get(r->json, "disabled")));
	http_res_free(r);
	free(path);
	login(g, "tn_b", PW, &u2);

	/* The CLI disables too, with the same effect. */
	motcua_run((const char *const[]){ "user", "disable", "tn_b", "--db", srv_db_url(g), NULL },
	    &cr, 60000);
	assert_int_equal(cr.status, 0);
	cli_res_free(&cr);
	r = as(g, &u2, "GET", "/api/v1/auth/me", NULL);
	assert_problem(r, 401, "unauthenticated");
	http_res_free(r);
	motcua_run((const char *const[]){ "user", "enable", "tn_b", "--db", srv_db_url(g), NULL },
	    &cr, 60000);
	assert_int_equal(cr.status, 0);
	cli_res_free(&cr);
	login(g, "tn_b", PW, &u2);

	/* Nobody disables themself. */
	path = harness_strdupf("/api/v1/users/%lld/disable", (long long)adm.user_id);
	r = as(g, &adm, "POST", path, NULL);
	assert_problem(r, 403, "forbidden");
	http_res_free(r);
	free(path);
	assert_true(audit_count(g, &adm, "user.disable", NULL) >= 2);
	assert_true(audit_count(g, &adm, "user.enable", NULL) >= 2);
	http_res_free(as(g, &adm, "POST", "/api/v1/auth/logout", NULL));
}

/* ---- time-dependent: throttling, session and token expiry ----------------- */

/* Restart s with the clock at base + offset seconds. */
static void
relaunch_at(struct srv *s, int64_t base, int64_t offset, const char *const *args)
{
	char iso[40];

	if (s->pid != 0)
		assert_int_equal(srv_terminate(s, SIGTERM, 15000), 0);
	time_format_iso(base + offset, iso);
	setenv("MOTCUA_NOW", iso, 1);
	srv_launch(s, args);
}

static void
test_throttling_starts_and_ends(void **state)
{
	static const char *const args[] = { FAST_ARGON, "--login_max_failures_user", "3",
		"--login_max_failures_ip", "5", "--login_failure_window", "600", "--login_lockout",
		"600", NULL };
	struct srv *s = srv_create(1);
	struct http_res *r;
	int64_t t0;

	(void)state;
	assert_int_equal(time_parse_iso("2026-03-02T09:00:00+07:00", &t0), 0);
	setenv("MOTCUA_NOW", "2026-03-02T09:00:00+07:00", 1);
	cli_agency(s, CODE_P, "UBND tỉnh", NULL, "province");
	cli_user(s, "thu", "receiver", CODE_P);
	relaunch_at(s, t0, 0, args);

	/* Per account: three failures, then 429 even with the right password. */
	for (int i = 0; i < 3; i++) {
		r = login_raw(s, "thu", "sai-mat-khau-lan-nua");
		assert_problem(r, 401, "unauthenticated");
		http_res_free(r);
	}
	r = login_raw(s, "thu", PW);
	assert_problem(r, 429, "too-many-requests");
	assert_string_equal(http_header(r, "Retry-After"), "600");
	assert_non_null(strstr(json_string_value(json_object_get(r->json, "detail")), "10 phút"));
	http_res_free(r);
	/* Another account from the same IP is not locked (IP limit is 5). */
	r = login_raw(s, "nguoi_khac", "sai-mat-khau-lan-nua");
	assert_problem(r, 401, "unauthenticated");
	http_res_free(r);

	/* Still locked one second before the end ... */
	relaunch_at(s, t0, 599, args);
	r = login_raw(s, "thu", PW);
	assert_problem(r, 429, "too-many-requests");
	assert_string_equal(http_header(r, "Retry-After"), "1");
	http_res_free(r);
	/* ... and free after it. */
	relaunch_at(s, t0, 601, args);
	r = login_raw(s, "thu", PW);
	expect(r, 200);
	http_res_free(r);

	/* Per IP: five failures with five different names lock the address. */
	relaunch_at(s, t0, 2000, args);
	for (int i = 0; i < 5; i++) {
		char name[32];

		snprintf(name, sizeof(name), "khach%d", i);
		r = login_raw(s, name, "sai-mat-khau-lan-nua");
		assert_problem(r, 401, "unauthenticated");
		http_res_free(r);
	}
	r = login_raw(s, "thu", PW);
	assert_problem(r, 429, "too-many-requests");
	assert_non_null(http_header(r, "Retry-After"));
	http_res_free(r);
	relaunch_at(s, t0, 2601, args);
	r = login_raw(s, "thu", PW);
	expect(r, 200);
	http_res_free(r);
	assert_int_equal(srv_terminate(s, SIGTERM, 15000), 0);
	unsetenv("MOTCUA_NOW");
	audit_verify_ok(s);
	srv_free(s);
}

static void
test_session_token_expiry_tls_cookie(void **state)
{
	static const char *const args[] = { FAST_ARGON, "--session_idle_timeout", "200",
		"--session_lifetime", "300", "--behind_tls", "1", NULL };
	struct srv *s = srv_create(1);
	struct http_res *r;
	struct sess a, b;
	struct cli_res cr;
	char secret[80], exp[40];
	int64_t t0;

	(void)state;
	assert_int_equal(time_parse_iso("2026-03-02T09:00:00+07:00", &t0), 0);
	setenv("MOTCUA_NOW", "2026-03-02T09:00:00+07:00", 1);
	cli_agency(s, CODE_P, "UBND tỉnh", NULL, "province");
	cli_user(s, "thu", "admin", CODE_P);
	time_format_iso(t0 + 100, exp);
	motcua_run((const char *const[]){ "token", "create", "--name", "hết hạn", "--scopes",
	    "agency.read", "--agency", CODE_P, "--expires", exp, "--db", srv_db_url(s), NULL }, &cr,
	    60000);
	assert_int_equal(cr.status, 0);
	snprintf(secret, sizeof(secret), "%.*s", (int)strcspn(cr.out, "\n"), cr.out);
	cli_res_free(&cr);

	relaunch_at(s, t0, 0, args);
	/* Behind TLS the cookie is also Secure, and HSTS is sent. */
	r = login_raw(s, "thu", PW);
	expect(r, 200);
	assert_non_null(strstr(http_header(r, "Set-Cookie"), "; Secure"));
	assert_non_null(strstr(http_header(r, "Set-Cookie"), "; HttpOnly"));
	assert_non_null(strstr(http_header(r, "Set-Cookie"), "; SameSite=Strict"));
	assert_non_null(http_header(r, "Strict-Transport-Security"));
	http_res_free(r);
	login(s, "thu", PW, &a);
	login(s, "thu", PW, &b);
	r = bearer(s, secret, "GET", "/api/v1/admin/agencies", NULL);
	expect(r, 200);
	http_res_free(r);

	/* a stays active; b idles. */
	relaunch_at(s, t0, 150, args);
	r = as(s, &a, "GET", "/api/v1/auth/me", NULL);
	expect(r, 200);
	http_res_free(r);
	r = bearer(s, secret, "GET", "/api/v1/admin/agencies", NULL); /* token expired at +100 */
	assert_problem(r, 401, "unauthenticated");
	assert_non_null(http_header(r, "WWW-Authenticate"));
	http_res_free(r);
	relaunch_at(s, t0, 290, args);
	r = as(s, &a, "GET", "/api/v1/auth/me", NULL);
	expect(r, 200); /* idle 140 s < 200 */
	http_res_free(r);
	r = as(s, &b, "GET", "/api/v1/auth/me", NULL);
	assert_problem(r, 401, "unauthenticated"); /* idle 290 s */
	http_res_free(r);
	/* The absolute lifetime ends a even though it is busy. */
	relaunch_at(s, t0, 301, args);
	r = as(s, &a, "GET", "/api/v1/auth/me", NULL);
	assert_problem(r, 401, "unauthenticated");
	assert_non_null(strstr(http_header(r, "Set-Cookie"), "Max-Age=0"));
	http_res_free(r);
	assert_int_equal(srv_terminate(s, SIGTERM, 15000), 0);
	unsetenv("MOTCUA_NOW");
	srv_free(s);
}

/* ---- CSRF ----------------------------------------------------------------- */

static void
test_csrf(void **state)
{
	struct sess x, other;
	struct http_res *r;
	char *path;
	static const char *const wrong[] = {
		"X-CSRF-Token: 0000000000000000000000000000000000000000000000000000000000000000",
		"X-CSRF-Token: short",
		"X-CSRF-Token: ",
	};

	(void)state;
	login(g, "admin", PW, &x);
	login(g, "qtv_a", PW, &other);
	path = harness_strdupf("/api/v1/users/%lld", (long long)id_target_a);
	/* Missing, wrong, or another session's token: 403 csrf, nothing changes. */
	r = as_nocsrf(g, &x, "PATCH", path, "{\"full_name\":\"Đổi tên trái phép\"}");
	assert_problem(r, 403, "csrf");
	http_res_free(r);
	for (size_t i = 0; i < CORE_NELEM(wrong); i++) {
		r = http_req(g, "PATCH", path, (const char *const[]){ x.cookie, wrong[i], JSON_CT,
		    NULL }, "{\"full_name\":\"Đổi tên trái phép\"}");
		assert_problem(r, 403, "csrf");
		http_res_free(r);
	}
	r = http_req(g, "PATCH", path, (const char *const[]){ x.cookie, other.csrf_hdr, JSON_CT,
	    NULL }, "{\"full_name\":\"Đổi tên trái phép\"}");
	assert_problem(r, 403, "csrf");
	http_res_free(r);
	r = as(g, &x, "GET", path, NULL);
	expect(r, 200);
	assert_null(strstr(r->body, "trái phép"));
	http_res_free(r);
	/* Reads need no token; with the right one the change goes through. */
	r = as(g, &x, "PATCH", path, "{\"full_name\":\"Lê Văn Mục Tiêu\"}");
	expect(r, 200);
	assert_string_equal(json_string_value(json_object_get(r->json, "full_name")),
	    "Lê Văn Mục Tiêu");
	http_res_free(r);
	free(path);
	http_res_free(as(g, &x, "POST", "/api/v1/auth/logout", NULL));
	http_res_free(as(g, &other, "POST", "/api/v1/auth/logout", NULL));
}

/* ---- the role x route matrix ------------------------------------------------ */

static json_t *
load_matrix(void)
{
	struct cli_res r;
	json_t *m;

	motcua_run((const char *const[]){ "auth", "matrix", NULL }, &r, 60000);
	assert_int_equal(r.status, 0);
	m = json_loads(r.out, 0, NULL);
	cli_res_free(&r);
	assert_non_null(m);
	assert_true(json_array_size(json_object_get(m, "routes")) > 10);
	return m;
}

static json_t *
matrix_action(json_t *m, const char *name)
{
	size_t i;
	json_t *a;

	json_array_foreach(json_object_get(m, "actions"), i, a)
		if (strcmp(json_string_value(json_object_get(a, "name")), name) == 0)
			return a;
	fail_msg("route permission %s is not in the table", name);
	return NULL;
}

static int
action_has_role(json_t *a, const char *role)
{
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(a, "roles"), i, r)
		if (strcmp(json_string_value(r), role) == 0)
			return 1;
	return 0;
}

/* The pattern with its {params} filled: {id} -> id, others -> "1". */
static char *
fill_pattern(const char *pattern, int64_t id)
{
	char out[512];
	size_t n = 0;

	for (const char *p = pattern; *p != '\0' && n < sizeof(out) - 24;) {
		if (*p == '{') {
			const char *e = strchr(p, '}');

			n += (size_t)snprintf(out + n, sizeof(out) - n, "%lld",
			    strncmp(p, "{id}", 4) == 0 ? (long long)id : 1LL);
			p = e ? e + 1 : p + 1;
		} else
			out[n++] = *p++;
	}
	out[n] = '\0';
	return harness_strdupf("%s", out);
}

static int matrix_allowed, matrix_denied;

/* Try every protected route: allowed callers never get 401/403, others
 * get 403 forbidden; without credentials 401.  The sign-out route goes
 * last, since it ends the session. */
static void
try_routes(json_t *m, const char *who, const struct sess *x, const char *secret,
    int (*allowed)(json_t *action, const char *who))
{
	json_t *route;
	size_t i;

	for (int pass = 0; pass < 2; pass++)
		json_array_foreach(json_object_get(m, "routes"), i, route) {
			const char *method = json_string_value(json_object_get(route, "method"));
			const char *pattern = json_string_value(json_object_get(route, "pattern"));
			const char *perm = json_string_value(json_object_get(route, "perm"));
			int last = strcmp(pattern, "/api/v1/auth/logout") == 0;
			int write = strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
			struct http_res *r;
			char *path;
			int ok;

			if (strcmp(perm, "public") == 0 || last != pass)
				continue;
			path = fill_pattern(pattern, id_target_a);
			ok = allowed(matrix_action(m, perm), who);
			if (x != NULL)
				r = as(g, x, method, path, write ? "{}" : NULL);
			else if (secret != NULL)
				r = bearer(g, secret, method, path, write ? "{}" : NULL);
			else
				r = http_req(g, method, path, (const char *const[]){ JSON_CT, NULL },
				    write ? "{}" : NULL);
			if (x == NULL && secret == NULL) {
				if (r->status != 401)
					fail_msg("%s %s without credentials: %ld", method, path, r->status);
				assert_problem(r, 401, "unauthenticated");
			} else if (ok) {
				matrix_allowed++;
				if (r->status == 401 || r->status == 403)
					fail_msg("%s may %s (%s %s) but got %ld: %s", who, perm, method,
					    path, r->status, r->body);
			} else {
				matrix_denied++;
				if (r->status != 403)
					fail_msg("%s may not %s (%s %s) but got %ld: %s", who, perm, method,
					    path, r->status, r->body);
				assert_problem(r, 403, "forbidden");
			}
			http_res_free(r);
			free(path);
		}
}

static int
role_allowed(json_t *action, const char *role)
{
	return action_has_role(action, role);
}

static int
token_allowed(json_t *action, const char *who)
{
	(void)who;
	return json_is_true(json_object_get(action, "token"));
}

/* A token with one scope reaches the routes of that action only. */
static int
only_report_read(json_t *action, const char *who)
{
	(void)who;
	return strcmp(json_string_value(json_object_get(action, "name")), "report.read") == 0;
}

static void
test_role_route_matrix(void **state)
{
	json_t *m = load_matrix(), *a, *scopes = json_array(), *body;
	struct sess adm, x;
	struct http_res *r;
	char secret[80], *text;
	size_t i;

	(void)state;
	/* Every route names an action of the table. */
	json_array_foreach(json_object_get(m, "routes"), i, a)
		matrix_action(m, json_string_value(json_object_get(a, "perm")));
	try_routes(m, "anonymous", NULL, NULL, role_allowed);
	for (i = 0; i < CORE_NELEM(role_users); i++) {
		login(g, role_users[i][1], PW, &x);
		try_routes(m, role_users[i][0], &x, NULL, role_allowed);
	}

	/* A token with every grantable scope reaches exactly the token actions. */
	login(g, "admin", PW, &adm);
	json_array_foreach(json_object_get(m, "actions"), i, a)
		if (json_is_true(json_object_get(a, "token")) &&
		    strcmp(json_string_value(json_object_get(a, "name")), "public") != 0)
			json_array_append(scopes, json_object_get(a, "name"));
	body = json_pack("{s:s, s:O, s:s}", "name", "Mọi quyền cấp được", "scopes", scopes,
	    "agency", CODE_P);
	text = json_dumps(body, 0);
	r = as(g, &adm, "POST", "/api/v1/tokens", text);
	expect(r, 201);
	snprintf(secret, sizeof(secret), "%s", json_string_value(json_object_get(r->json, "secret")));
	http_res_free(r);
	free(text);
	json_decref(body);
	try_routes(m, "token", NULL, secret, token_allowed);
	/* A token with a single scope reaches that action's routes and no other. */
	r = as(g, &adm, "POST", "/api/v1/tokens", "{\"name\":\"Chỉ xem báo cáo\",\"scopes\":"
	    "[\"report.read\"],\"agency\":\"" CODE_A "\"}");
	expect(r, 201);
	snprintf(secret, sizeof(secret), "%s", json_string_value(json_object_get(r->json, "secret")));
	http_res_free(r);
	try_routes(m, "report-token", NULL, secret, only_report_read);
	/* Both sides of the table were exercised, for people and tokens. */
	assert_true(matrix_allowed > 40);
	assert_true(matrix_denied > 60);
	/* The target was disabled and enabled along the way; leave it enabled. */
	text = harness_strdupf("/api/v1/users/%lld/enable", (long long)id_target_a);
	http_res_free(as(g, &adm, "POST", text, NULL));
	free(text);
	json_decref(scopes);
	json_decref(m);
}

/* ---- agency scope ------------------------------------------------------------ */

static void
test_agency_scope(void **state)
{
	struct sess a, b, adm, t;
	struct http_res *r, *missing;
	char *path;
	json_t *it;
	size_t i;
	int64_t version_before;
	static const char *const leaks[] = { "muctieu_a", "Lê Văn", CODE_A, "Sở Tư pháp" };

	(void)state;
	login(g, "admin", PW, &adm);
	login(g, "qtv_a", PW, &a);
	login(g, "qtv_b", PW, &b);
	path = harness_strdupf("/api/v1/users/%lld", (long long)id_target_a);
	r = as(g, &adm, "GET", path, NULL);
	expect(r, 200);
	version_before = json_integer_value(json_object_get(r->json, "version"));
	http_res_free(r);

	/* A's admin sees A's users, including those of A's units. */
	r = as(g, &a, "GET", path, NULL);
	expect(r, 200);
	http_res_free(r);
	{
		char *p2 = harness_strdupf("/api/v1/users/%lld", (long long)id_unit_user);

		r = as(g, &a, "GET", p2, NULL);
		expect(r, 200);
		assert_string_equal(json_string_value(json_object_get(json_object_get(r->json,
		    "unit"), "code")), CODE_A1);
		http_res_free(r);
		r = as(g, &b, "GET", p2, NULL);
		assert_problem(r, 404, "not-found");
		http_res_free(r);
		free(p2);
	}

	/* B's admin: 404 on every read and change, like a user that does not exist,
	 * and nothing of the object in the answer. */
	missing = as(g, &b, "GET", "/api/v1/users/999999", NULL);
	assert_problem(missing, 404, "not-found");
	{
		static const char *const ops[][3] = {
			{ "GET", "", NULL }, { "PATCH", "", "{\"full_name\":\"Bị sửa\"}" },
			{ "POST", "/disable", NULL }, { "POST", "/enable", NULL },
			{ "POST", "/password", "{\"password\":\"mật khẩu bị đặt lại\"}" },
		};

		for (i = 0; i < CORE_NELEM(ops); i++) {
			char *p = harness_strdupf("%s%s", path, ops[i][1]);

			r = as(g, &b, ops[i][0], p, ops[i][2]);
			assert_problem(r, 404, "not-found");
			assert_string_equal(json_string_value(json_object_get(r->json, "detail")),
			    json_string_value(json_object_get(missing->json, "detail")));
			for (size_t k = 0; k < CORE_NELEM(leaks); k++)
				if (strstr(r->body, leaks[k]) != NULL)
					fail_msg("%s %s leaks \"%s\": %s", ops[i][0], p, leaks[k], r->body);
			http_res_free(r);
			free(p);
		}
	}
	http_res_free(missing);
	/* Nothing changed. */
	r = as(g, &adm, "GET", path, NULL);
	expect(r, 200);
	assert_int_equal(json_integer_value(json_object_get(r->json, "version")), version_before);
	assert_true(json_is_false(json_object_get(r->json, "disabled")));
	assert_null(strstr(r->body, "Bị sửa"));
	http_res_free(r);
	login(g, "muctieu_a", PW, &t); /* its password was not reset */
	free(path);

	/* B's list holds B's accounts only. */
	r = as(g, &b, "GET", "/api/v1/users?limit=500", NULL);
	expect(r, 200);
	assert_true(json_array_size(json_object_get(r->json, "items")) >= 2);
	json_array_foreach(json_object_get(r->json, "items"), i, it)
		assert_string_equal(json_string_value(json_object_get(json_object_get(it, "agency"),
		    "code")), CODE_B);
	http_res_free(r);
	/* B's admin cannot create accounts in A, nor province-wide roles. */
	r = as(g, &b, "POST", "/api/v1/users", "{\"username\":\"cai_cam\",\"password\":\"" PW "\","
	    "\"role\":\"receiver\",\"full_name\":\"Cài Cắm\",\"agency\":\"" CODE_A "\"}");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "agency");
	http_res_free(r);
	r = as(g, &b, "POST", "/api/v1/users", "{\"username\":\"cai_cam\",\"password\":\"" PW "\","
	    "\"role\":\"admin\",\"full_name\":\"Cài Cắm\",\"agency\":\"" CODE_B "\"}");
	assert_problem(r, 403, "forbidden");
	http_res_free(r);
	r = as(g, &adm, "GET", "/api/v1/users?limit=500", NULL);
	assert_null(strstr(r->body, "cai_cam"));
	http_res_free(r);
	/* Nor move their own staff into A. */
	path = harness_strdupf("/api/v1/users/%lld", (long long)id_rcv_b);
	r = as(g, &b, "PATCH", path, "{\"agency\":\"" CODE_A "\"}");
	assert_problem(r, 400, "validation");
	http_res_free(r);
	free(path);
	http_res_free(as(g, &a, "POST", "/api/v1/auth/logout", NULL));
	http_res_free(as(g, &b, "POST", "/api/v1/auth/logout", NULL));
	http_res_free(as(g, &adm, "POST", "/api/v1/auth/logout", NULL));
}

/* ---- API tokens ----------------------------------------------------------------- */

static void
test_tokens(void **state)
{
	struct sess adm;
	struct http_res *r;
	struct cli_res cr;
	char secret[80], cli_secret[80], *path;
	int64_t id;

	(void)state;
	login(g, "admin", PW, &adm);
	r = as(g, &adm, "POST", "/api/v1/tokens", "{\"name\":\"Cổng Dịch vụ công quốc gia\","
	    "\"scopes\":[\"agency.read\",\"dossier.read\"],\"agency\":\"" CODE_A "\"}");
	expect(r, 201);
	assert_string_equal(http_header(r, "Cache-Control"), "no-store");
	snprintf(secret, sizeof(secret), "%s", json_string_value(json_object_get(r->json, "secret")));
	assert_int_equal(strlen(secret), 68);
	assert_int_equal(strncmp(secret, "mct_", 4), 0);
	id = json_integer_value(json_object_get(json_object_get(r->json, "token"), "id"));
	http_res_free(r);
	/* Shown once: no list shows it again. */
	r = as(g, &adm, "GET", "/api/v1/tokens?limit=500", NULL);
	expect(r, 200);
	assert_null(strstr(r->body, secret + 12));
	assert_non_null(strstr(r->body, "Cổng Dịch vụ công quốc gia"));
	http_res_free(r);

	/* Scopes are enforced. */
	r = bearer(g, secret, "GET", "/api/v1/admin/agencies", NULL);
	expect(r, 200);
	http_res_free(r);
	r = bearer(g, secret, "GET", "/api/v1/users", NULL);
	assert_problem(r, 403, "forbidden");
	http_res_free(r);
	r = bearer(g, secret, "GET", "/api/v1/auth/me", NULL); /* a token is not a person */
	assert_problem(r, 403, "forbidden");
	http_res_free(r);
	/* Bad bearers. */
	{
		static const char *const bad[] = {
			"Authorization: Bearer mct_0000000000000000000000000000000000000000000000000000000000000000",
			"Authorization: Bearer nonsense", "Authorization: Basic YWRtaW46YWRtaW4=",
			"Authorization: Bearer ",
		};

		for (size_t i = 0; i < CORE_NELEM(bad); i++) {
			r = http_req(g, "GET", "/api/v1/admin/agencies", (const char *const[]){ bad[i], NULL },
			    NULL);
			assert_problem(r, 401, "unauthenticated");
			assert_non_null(http_header(r, "WWW-Authenticate"));
			http_res_free(r);
		}
	}
	/* Scopes that do not exist or cannot be granted: 400, nothing created. */
	r = as(g, &adm, "POST", "/api/v1/tokens", "{\"name\":\"x\",\"scopes\":[\"user.write\"],"
	    "\"agency\":\"" CODE_A "\"}");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "scopes");
	http_res_free(r);
	r = as(g, &adm, "POST", "/api/v1/tokens", "{\"name\":\"x\",\"scopes\":[\"dossier.read\"],"
	    "\"agency\":\"" CODE_A "\",\"expires_at\":\"2001-01-01T00:00:00+07:00\"}");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "expires_at");
	http_res_free(r);

	/* Revoked: refused at once. */
	path = harness_strdupf("/api/v1/tokens/%lld/revoke", (long long)id);
	r = as(g, &adm, "POST", path, NULL);
	expect(r, 200);
	assert_false(json_is_true(json_object_get(r->json, "active")));
	assert_true(json_is_string(json_object_get(r->json, "revoked_at")));
	http_res_free(r);
	free(path);
	r = bearer(g, secret, "GET", "/api/v1/admin/agencies", NULL);
	assert_problem(r, 401, "unauthenticated");
	http_res_free(r);

	/* The CLI prints a working secret once, on stdout alone. */
	motcua_run((const char *const[]){ "token", "create", "--name", "Phần mềm chuyên ngành",
	    "--scopes", "agency.read", "--agency", CODE_B, "--db", srv_db_url(g), NULL }, &cr, 60000);
	assert_int_equal(cr.status, 0);
	snprintf(cli_secret, sizeof(cli_secret), "%.*s", (int)strcspn(cr.out, "\n"), cr.out);
	assert_int_equal(strlen(cli_secret), 68);
	cli_res_free(&cr);
	r = bearer(g, cli_secret, "GET", "/api/v1/admin/agencies", NULL);
	expect(r, 200);
	http_res_free(r);
	motcua_run((const char *const[]){ "token", "create", "--name", "x", "--scopes",
	    "user.write", "--agency", CODE_B, "--db", srv_db_url(g), NULL }, &cr, 60000);
	assert_int_equal(cr.status, 2);
	assert_string_equal(cr.out, "");
	cli_res_free(&cr);
	assert_true(audit_count(g, &adm, "token.create", NULL) >= 2);
	assert_int_equal(audit_count(g, &adm, "token.revoke", NULL), 1);
	http_res_free(as(g, &adm, "POST", "/api/v1/auth/logout", NULL));
}

/* ---- passwords ------------------------------------------------------------------- */

static void
test_password_change(void **state)
{
	struct sess a, b, adm;
	struct http_res *r;
	char *path;

	(void)state;
	login(g, "vt_a", PW, &a);
	login(g, "vt_a", PW, &b);
	r = as(g, &a, "POST", "/api/v1/auth/password", "{\"current_password\":\"sai mật khẩu hiện "
	    "tại\",\"new_password\":\"" PW2 "\"}");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "current_password");
	http_res_free(r);
	r = as(g, &a, "POST", "/api/v1/auth/password", "{\"current_password\":\"" PW "\","
	    "\"new_password\":\"ngắn\"}");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "new_password");
	http_res_free(r);
	r = as(g, &a, "POST", "/api/v1/auth/password", "{\"current_password\":\"" PW "\","
	    "\"new_password\":\"VT_A\"}");
	assert_problem(r, 400, "validation");
	http_res_free(r);
	/* Equal to the username (case aside) is refused even when long enough. */
	r = as(g, &a, "POST", "/api/v1/auth/password", "{\"current_password\":\"" PW "\","
	    "\"new_password\":\"password1234\"}");
	assert_problem(r, 400, "validation");
	http_res_free(r);
	r = as(g, &a, "POST", "/api/v1/auth/password", "{\"current_password\":\"" PW "\","
	    "\"new_password\":\"" PW2 "\"}");
	expect(r, 204);
	http_res_free(r);
	/* This session lives on; the other one ended. */
	r = as(g, &a, "GET", "/api/v1/auth/me", NULL);
	expect(r, 200);
	http_res_free(r);
	r = as(g, &b, "GET", "/api/v1/auth/me", NULL);
	assert_problem(r, 401, "unauthenticated");
	http_res_free(r);
	r = login_raw(g, "vt_a", PW);
	assert_problem(r, 401, "unauthenticated");
	http_res_free(r);
	login(g, "vt_a", PW2, &b);

	/* An admin resets it; every session of the account ends. */
	login(g, "admin", PW, &adm);
	path = harness_strdupf("/api/v1/users/%lld/password", (long long)a.user_id);
	r = as(g, &adm, "POST", path, "{\"password\":\"vt_a\"}");
	assert_problem(r, 400, "validation");
	http_res_free(r);
	r = as(g, &adm, "POST", path, "{\"password\":\"" PW "\"}");
	expect(r, 204);
	http_res_free(r);
	free(path);
	r = as(g, &a, "GET", "/api/v1/auth/me", NULL);
	assert_problem(r, 401, "unauthenticated");
	http_res_free(r);
	login(g, "vt_a", PW, &a);
	assert_true(audit_count(g, &adm, "auth.password_change", NULL) >= 1);
	assert_true(audit_count(g, &adm, "user.password_reset", NULL) >= 1);
	http_res_free(as(g, &adm, "POST", "/api/v1/auth/logout", NULL));
}

/* ---- account administration ------------------------------------------------------- */

static void
test_user_admin(void **state)
{
	struct sess adm, a;
	struct http_res *r;
	char *path;
	int64_t v;

	(void)state;
	login(g, "admin", PW, &adm);
	login(g, "qtv_a", PW, &a);
	/* Duplicate username (any case): 409. */
	r = as(g, &adm, "POST", "/api/v1/users", "{\"username\":\"TN_A\",\"password\":\"" PW "\","
	    "\"role\":\"receiver\",\"full_name\":\"Trùng\",\"agency\":\"" CODE_A "\"}");
	assert_problem(r, 409, "conflict");
	http_res_free(r);
	/* Every field checked at once. */
	r = as(g, &adm, "POST", "/api/v1/users", "{\"username\":\"a b\",\"password\":\"ngắn\","
	    "\"role\":\"vua\",\"full_name\":\"\",\"agency\":\"khong-phai-ma\"}");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "username");
	assert_invalid_param(r, "password");
	assert_invalid_param(r, "role");
	assert_invalid_param(r, "full_name");
	assert_invalid_param(r, "agency");
	http_res_free(r);
	/* Staff need an agency; a unit must sit under it. */
	r = as(g, &adm, "POST", "/api/v1/users", "{\"username\":\"khong_co_quan\",\"password\":\""
	    PW "\",\"role\":\"clerk\",\"full_name\":\"Không Cơ Quan\"}");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "agency");
	http_res_free(r);
	r = as(g, &adm, "POST", "/api/v1/users", "{\"username\":\"sai_don_vi\",\"password\":\""
	    PW "\",\"role\":\"clerk\",\"full_name\":\"Sai Đơn Vị\",\"agency\":\"" CODE_B "\","
	    "\"unit\":\"" CODE_A1 "\"}");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "unit");
	http_res_free(r);

	/* Optimistic locking on PATCH. */
	path = harness_strdupf("/api/v1/users/%lld", (long long)id_target_a);
	r = as(g, &a, "GET", path, NULL);
	v = json_integer_value(json_object_get(r->json, "version"));
	http_res_free(r);
	{
		char *body = harness_strdupf("{\"full_name\":\"Phiên bản cũ\",\"version\":%lld}",
		    (long long)(v - 1));

		r = as(g, &a, "PATCH", path, body);
		assert_problem(r, 409, "conflict");
		http_res_free(r);
		free(body);
		body = harness_strdupf("{\"full_name\":\"Phiên bản đúng\",\"version\":%lld}",
		    (long long)v);
		r = as(g, &a, "PATCH", path, body);
		expect(r, 200);
		assert_int_equal(json_integer_value(json_object_get(r->json, "version")), v + 1);
		http_res_free(r);
		free(body);
	}
	/* An agency admin may not promote to a province-wide role, nor demote itself. */
	r = as(g, &a, "PATCH", path, "{\"role\":\"inspector\"}");
	assert_problem(r, 403, "forbidden");
	http_res_free(r);
	r = as(g, &a, "PATCH", path, "{\"role\":\"leader\"}");
	expect(r, 200);
	assert_string_equal(json_string_value(json_object_get(r->json, "role")), "leader");
	http_res_free(r);
	r = as(g, &a, "PATCH", path, "{\"role\":\"receiver\"}");
	expect(r, 200);
	http_res_free(r);
	free(path);
	path = harness_strdupf("/api/v1/users/%lld", (long long)a.user_id);
	r = as(g, &a, "PATCH", path, "{\"role\":\"receiver\"}");
	assert_problem(r, 403, "forbidden");
	http_res_free(r);
	free(path);
	assert_true(audit_count(g, &adm, "user.update", NULL) >= 3);

	/* Agencies: created by admins, codes checked, duplicates refused. */
	r = as(g, &adm, "POST", "/api/v1/admin/agencies", "{\"code\":\"000.00.03.H19\",\"name\":\"Sở Y tế\","
	    "\"parent\":\"" CODE_P "\",\"kind\":\"department\"}");
	expect(r, 201);
	http_res_free(r);
	r = as(g, &adm, "POST", "/api/v1/admin/agencies", "{\"code\":\"000.00.03.H19\",\"name\":\"Trùng\"}");
	assert_problem(r, 409, "conflict");
	http_res_free(r);
	r = as(g, &adm, "POST", "/api/v1/admin/agencies", "{\"code\":\"H19\",\"name\":\"\",\"kind\":\"bo\","
	    "\"parent\":\"000.00.99.H19\"}");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "code");
	assert_invalid_param(r, "name");
	assert_invalid_param(r, "kind");
	assert_invalid_param(r, "parent");
	http_res_free(r);
	r = as(g, &a, "GET", "/api/v1/admin/agencies?limit=2", NULL);
	expect(r, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 2);
	assert_true(json_is_string(json_object_get(r->json, "next_cursor")));
	http_res_free(r);
	r = as(g, &a, "GET", "/api/v1/admin/agencies?limit=0", NULL);
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "limit");
	http_res_free(r);
	http_res_free(as(g, &adm, "POST", "/api/v1/auth/logout", NULL));
	http_res_free(as(g, &a, "POST", "/api/v1/auth/logout", NULL));
}

/* ---- the audit log ----------------------------------------------------------------- */

static void
test_audit_api(void **state)
{
	struct sess adm, ins, rcv;
	struct http_res *r, *r2;
	char *path, *obj;
	json_t *it;
	size_t i;
	const char *next;

	(void)state;
	login(g, "admin", PW, &adm);
	login(g, "thanhtra", PW, &ins);
	login(g, "tn_a", PW, &rcv);
	obj = harness_strdupf("user:%lld", (long long)id_target_a);
	path = harness_strdupf("/api/v1/audit?object=%s", obj);
	r = as(g, &ins, "GET", path, NULL);
	expect(r, 200);
	assert_true(json_array_size(json_object_get(r->json, "items")) >= 1);
	json_array_foreach(json_object_get(r->json, "items"), i, it) {
		assert_string_equal(json_string_value(json_object_get(it, "object")), obj);
		assert_int_equal(strlen(json_string_value(json_object_get(it, "hash"))), 64);
		assert_int_equal(strlen(json_string_value(json_object_get(it, "request_id"))), 16);
	}
	http_res_free(r);
	r = as(g, &rcv, "GET", path, NULL);
	assert_problem(r, 403, "forbidden");
	http_res_free(r);
	free(path);
	free(obj);

	/* Newest first, cursor paging without overlap. */
	r = as(g, &adm, "GET", "/api/v1/audit?limit=2", NULL);
	expect(r, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 2);
	next = json_string_value(json_object_get(r->json, "next_cursor"));
	assert_non_null(next);
	path = harness_strdupf("/api/v1/audit?limit=2&cursor=%s", next);
	r2 = as(g, &adm, "GET", path, NULL);
	expect(r2, 200);
	assert_true(json_integer_value(json_object_get(json_array_get(json_object_get(r->json,
	    "items"), 1), "id")) > json_integer_value(json_object_get(json_array_get(
	    json_object_get(r2->json, "items"), 0), "id")));
	assert_true(json_integer_value(json_object_get(json_array_get(json_object_get(r->json,
	    "items"), 0), "id")) > json_integer_value(json_object_get(json_array_get(
	    json_object_get(r->json, "items"), 1), "id")));
	http_res_free(r);
	http_res_free(r2);
	free(path);
	r = as(g, &adm, "GET", "/api/v1/audit?cursor=abc", NULL);
	assert_problem(r, 400, "validation");
	http_res_free(r);
	{
		char *big = harness_repeat('x', 201), *p = harness_strdupf("/api/v1/audit?object=%s", big);

		r = as(g, &adm, "GET", p, NULL);
		assert_problem(r, 400, "validation");
		http_res_free(r);
		free(p);
		free(big);
	}
	audit_verify_ok(g);
	http_res_free(as(g, &adm, "POST", "/api/v1/auth/logout", NULL));
	http_res_free(as(g, &ins, "POST", "/api/v1/auth/logout", NULL));
	http_res_free(as(g, &rcv, "POST", "/api/v1/auth/logout", NULL));
}

/* Run SQL on s's database with the backend's own client. */
static int
db_sql(const struct srv *s, const char *sql, struct cli_res *r)
{
	if (s->backend_pg)
		return harness_run((const char *const[]){ "/usr/bin/psql", "-X", "-q", "-v",
		    "ON_ERROR_STOP=1", "-d", srv_db_url(s), "-c", sql, NULL }, r, 30000);
	return harness_run((const char *const[]){ "/usr/bin/sqlite3", srv_db_url(s) + 7, sql,
	    NULL }, r, 30000);
}

static void
db_sql_ok(const struct srv *s, const char *sql)
{
	struct cli_res r;

	if (db_sql(s, sql, &r) != 0)
		fail_msg("SQL failed (%d): %s\n%s", r.status, sql, r.err);
	cli_res_free(&r);
}

/* A database whose audit log has 5 entries (agencies made with the CLI). */
static struct srv *
audit_db(void)
{
	struct srv *s = srv_create(1);

	cli_agency(s, CODE_P, "UBND tỉnh", NULL, "province");
	cli_agency(s, CODE_A, "Sở Tư pháp", CODE_P, "department");
	cli_agency(s, CODE_B, "Sở Xây dựng", CODE_P, "department");
	cli_agency(s, "000.00.03.H19", "Sở Y tế", CODE_P, "department");
	cli_agency(s, "000.00.04.H19", "Sở Công Thương", CODE_P, "department");
	audit_verify_ok(s);
	return s;
}

static void
drop_guards(const struct srv *s)
{
	db_sql_ok(s, s->backend_pg ? "DROP TRIGGER audit_log_no_update ON audit_log; "
	    "DROP TRIGGER audit_log_no_delete ON audit_log"
	    : "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;");
}

static void
verify_names(const struct srv *s, const char *needle)
{
	struct cli_res r;

	motcua_run((const char *const[]){ "audit", "verify", "--db", srv_db_url(s), NULL }, &r,
	    60000);
	if (r.status != 1 || strstr(r.err, needle) == NULL)
		fail_msg("audit verify: status %d, expected 1 naming \"%s\": %s%s", r.status, needle,
		    r.out, r.err);
	cli_res_free(&r);
}

/* Put the pristine log back (the triggers are gone by then). */
static void
restore_log(const struct srv *s)
{
	db_sql_ok(s, "DELETE FROM audit_log; INSERT INTO audit_log SELECT * FROM audit_copy;");
	audit_verify_ok(s);
}

static void
test_audit_tamper(void **state)
{
	struct srv *s;
	struct cli_res r;

	(void)state;
	/* The database itself refuses to edit or delete audit rows. */
	s = audit_db();
	assert_int_not_equal(db_sql(s, "UPDATE audit_log SET actor = 'ai-do' WHERE id = 2", &r), 0);
	cli_res_free(&r);
	assert_int_not_equal(db_sql(s, "DELETE FROM audit_log WHERE id = 2", &r), 0);
	cli_res_free(&r);
	audit_verify_ok(s);

	/* Past the triggers (someone with DDL rights), every kind of edit is named. */
	drop_guards(s);
	db_sql_ok(s, "CREATE TABLE audit_copy AS SELECT * FROM audit_log");
	db_sql_ok(s, "UPDATE audit_log SET detail = '{\"code\":\"000.00.99.H19\"}' WHERE id = 3");
	verify_names(s, "HỎNG tại mục 3:");
	restore_log(s);
	/* An edit that also recomputes the row's own hash breaks the next link. */
	db_sql_ok(s, "UPDATE audit_log SET hash = '1111111111111111111111111111111111111111111111111111111111111111' WHERE id = 2");
	verify_names(s, "HỎNG tại mục 2:");
	restore_log(s);
	/* A deleted row in the middle. */
	db_sql_ok(s, "DELETE FROM audit_log WHERE id = 4");
	verify_names(s, "HỎNG tại mục 4:");
	restore_log(s);
	/* The last row. */
	db_sql_ok(s, "DELETE FROM audit_log WHERE id = 5");
	verify_names(s, "HỎNG tại mục 5:");
	restore_log(s);
	/* A row slipped in at the end. */
	db_sql_ok(s, "INSERT INTO audit_log SELECT id + 5, at, actor_id, actor, agency_id, action, "
	    "object, request_id, detail, hash, hash FROM audit_log WHERE id = 5");
	verify_names(s, "HỎNG tại mục 6:");
	srv_free(s);
}

/* Concurrent writers do not fork the chain (PostgreSQL: the head row lock). */
struct burst {
	int ok;
};

static void *
burst_logins(void *arg)
{
	struct burst *b = arg;

	for (int i = 0; i < 4; i++) {
		struct http_res *r = login_raw(g, "ld_a", PW);

		if (r->status == 200)
			b->ok++;
		http_res_free(r);
	}
	return NULL;
}

static void
test_audit_concurrent(void **state)
{
	pthread_t t[8];
	struct burst b[8];
	struct sess adm, ld;
	size_t before, after;
	char obj[32];
	int ok = 0;

	(void)state;
	login(g, "admin", PW, &adm);
	login(g, "ld_a", PW, &ld);
	snprintf(obj, sizeof(obj), "user:%lld", (long long)ld.user_id);
	before = audit_count(g, &adm, "auth.login", obj);
	for (int i = 0; i < 8; i++) {
		b[i].ok = 0;
		assert_int_equal(pthread_create(&t[i], NULL, burst_logins, &b[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		ok += b[i].ok;
	}
	assert_int_equal(ok, 32);
	after = audit_count(g, &adm, "auth.login", obj);
	assert_int_equal(after - before, 32);
	audit_verify_ok(g);
	http_res_free(as(g, &adm, "POST", "/api/v1/auth/logout", NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_me_logout),
		cmocka_unit_test(test_wrong_password_and_bad_input),
		cmocka_unit_test(test_disabled_user),
		cmocka_unit_test(test_throttling_starts_and_ends),
		cmocka_unit_test(test_session_token_expiry_tls_cookie),
		cmocka_unit_test(test_csrf),
		cmocka_unit_test(test_role_route_matrix),
		cmocka_unit_test(test_agency_scope),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_password_change),
		cmocka_unit_test(test_user_admin),
		cmocka_unit_test(test_audit_api),
		cmocka_unit_test(test_audit_tamper),
		cmocka_unit_test(test_audit_concurrent),
	};

	return harness_exit(cmocka_run_group_tests(tests, group_setup, group_teardown));
}
