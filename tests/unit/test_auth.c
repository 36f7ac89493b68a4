/*
 * Unit tests of the auth and audit slices: the permission table and its
 * invariants, role assignment, token scopes, the password policy and
 * argon2id hashing, token and CSRF hashing, cookie parsing, the guard
 * without credentials, the audit chain's canonical form and hash, the chain
 * on a real SQLite database, and docs/ROLES.md agreeing with the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "app.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "auth/auth_int.h"
#include "core/config.h"

static void
set_cfg(const char *k, const char *v)
{
	char err[256];

	assert_int_equal(config_set(k, v, err, sizeof(err)), 0);
}

/* ---- the permission table --------------------------------------------- */

static void
test_names_round_trip(void **state)
{
	(void)state;
	for (int r = 0; r < ROLE__MAX; r++)
		assert_int_equal(auth_role_from(auth_role_name((enum auth_role)r)), r);
	for (int a = 0; a < ACT__MAX; a++) {
		assert_int_equal(auth_action_from(auth_action_name((enum auth_action)a)), a);
		for (int b = a + 1; b < ACT__MAX; b++)
			assert_string_not_equal(auth_action_name((enum auth_action)a),
			    auth_action_name((enum auth_action)b));
	}
	assert_int_equal(auth_role_from("root"), ROLE__MAX);
	assert_int_equal(auth_role_from(NULL), ROLE__MAX);
	assert_int_equal(auth_action_from("user.delete"), ACT__MAX);
	assert_string_equal(auth_role_name(ROLE__MAX), "?");
}

static void
test_table_invariants(void **state)
{
	(void)state;
	/* Route perm 0 is public; every role has its own session. */
	assert_int_equal(ACT_PUBLIC, 0);
	for (int r = 0; r < ROLE__MAX; r++) {
		assert_true(auth_role_can((enum auth_role)r, ACT_PUBLIC));
		assert_true(auth_role_can((enum auth_role)r, ACT_SESSION));
	}
	for (int a = 0; a < ACT__MAX; a++) {
		/* The inspector is read-only, province-wide. */
		if (auth_action_writes((enum auth_action)a))
			assert_false(auth_role_can(ROLE_INSPECTOR, (enum auth_action)a));
		/* Citizens never reach staff actions. */
		if (a != ACT_PUBLIC && a != ACT_SESSION && a != ACT_PORTAL_SUBMIT)
			assert_false(auth_role_can(ROLE_CITIZEN, (enum auth_action)a));
	}
	/* Administration and the audit log. */
	assert_true(auth_role_can(ROLE_ADMIN, ACT_USER_WRITE));
	assert_true(auth_role_can(ROLE_AGENCY_ADMIN, ACT_USER_WRITE));
	assert_false(auth_role_can(ROLE_RECEIVER, ACT_USER_WRITE));
	assert_false(auth_role_can(ROLE_RECEIVER, ACT_USER_READ));
	assert_true(auth_role_can(ROLE_INSPECTOR, ACT_USER_READ));
	assert_true(auth_role_can(ROLE_ADMIN, ACT_AUDIT_READ));
	assert_true(auth_role_can(ROLE_INSPECTOR, ACT_AUDIT_READ));
	for (int r = 0; r < ROLE__MAX; r++)
		if (r != ROLE_ADMIN && r != ROLE_INSPECTOR) {
			assert_false(auth_role_can((enum auth_role)r, ACT_AUDIT_READ));
			assert_false(auth_role_can((enum auth_role)r, ACT_TOKEN_READ));
		}
	assert_false(auth_role_can(ROLE_AGENCY_ADMIN, ACT_TOKEN_WRITE));
	/* Dossier duties follow the one-stop process. */
	assert_true(auth_role_can(ROLE_RECEIVER, ACT_DOSSIER_RECEIVE));
	assert_false(auth_role_can(ROLE_SPECIALIST, ACT_DOSSIER_RECEIVE));
	assert_true(auth_role_can(ROLE_LEADER, ACT_DOSSIER_APPROVE));
	assert_false(auth_role_can(ROLE_SPECIALIST, ACT_DOSSIER_APPROVE));
	assert_false(auth_role_can(ROLE_ADMIN, ACT_DOSSIER_APPROVE));
	/* Tokens never act as a person or administer people. */
	assert_false(auth_action_token_ok(ACT_SESSION));
	assert_false(auth_action_token_ok(ACT_USER_WRITE));
	assert_false(auth_action_token_ok(ACT_TOKEN_WRITE));
	assert_false(auth_action_token_ok(ACT_AUDIT_READ));
	assert_true(auth_action_token_ok(ACT_DOSSIER_READ));
	/* Out of range is never allowed. */
	assert_false(auth_role_can(ROLE__MAX, ACT_SESSION));
	assert_false(auth_role_can(ROLE_ADMIN, ACT__MAX));
	assert_true(auth_role_province_wide(ROLE_ADMIN));
	assert_true(auth_role_province_wide(ROLE_INSPECTOR));
	assert_false(auth_role_province_wide(ROLE_AGENCY_ADMIN));
}

static void
test_role_assignable(void **state)
{
	(void)state;
	for (int t = 0; t < ROLE__MAX; t++) {
		assert_true(auth_role_assignable(ROLE_ADMIN, (enum auth_role)t));
		for (int a = 0; a < ROLE__MAX; a++)
			if (a != ROLE_ADMIN && a != ROLE_AGENCY_ADMIN)
				assert_false(auth_role_assignable((enum auth_role)a, (enum auth_role)t));
	}
	assert_true(auth_role_assignable(ROLE_AGENCY_ADMIN, ROLE_RECEIVER));
	assert_true(auth_role_assignable(ROLE_AGENCY_ADMIN, ROLE_CLERK));
	assert_true(auth_role_assignable(ROLE_AGENCY_ADMIN, ROLE_AGENCY_ADMIN));
	assert_false(auth_role_assignable(ROLE_AGENCY_ADMIN, ROLE_ADMIN));
	assert_false(auth_role_assignable(ROLE_AGENCY_ADMIN, ROLE_INSPECTOR));
	assert_false(auth_role_assignable(ROLE_AGENCY_ADMIN, ROLE_CITIZEN));
	assert_false(auth_role_assignable(ROLE_ADMIN, ROLE__MAX));
}

static void
test_can_principal(void **state)
{
	struct principal user = { .kind = PRINCIPAL_USER, .role = ROLE_RECEIVER };
	struct principal tok = { .kind = PRINCIPAL_TOKEN, .role = ROLE__MAX };
	char bad[64];

	(void)state;
	assert_true(auth_can(&user, ACT_DOSSIER_RECEIVE));
	assert_false(auth_can(&user, ACT_USER_READ));
	assert_false(auth_can(NULL, ACT_SESSION));
	assert_true(auth_can(NULL, ACT_PUBLIC));
	assert_int_equal(auth_scopes_parse("dossier.read,catalog.read", &tok.scopes, bad,
	    sizeof(bad)), 0);
	assert_true(auth_can(&tok, ACT_DOSSIER_READ));
	assert_true(auth_can(&tok, ACT_CATALOG_READ));
	assert_false(auth_can(&tok, ACT_DOSSIER_RECEIVE));
	assert_false(auth_can(&tok, ACT_SESSION));
	/* A bit for a non-grantable action set by hand still grants nothing. */
	tok.scopes |= UINT64_C(1) << ACT_USER_WRITE;
	assert_false(auth_can(&tok, ACT_USER_WRITE));
}

static void
test_scopes_parse(void **state)
{
	static const char *const bad_inputs[][2] = {
		{ "", "" }, { "user.write", "user.write" }, { "dossier.read,,catalog.read", "" },
		{ "dossier.read,", "" }, { ",dossier.read", "" }, { "nonsense", "nonsense" },
		{ "session", "session" }, { "public", "public" },
		{ "dossier.read,audit.read", "audit.read" },
	};
	struct buf b;
	uint64_t m = 0;
	char bad[64];

	(void)state;
	for (size_t i = 0; i < CORE_NELEM(bad_inputs); i++) {
		assert_int_equal(auth_scopes_parse(bad_inputs[i][0], &m, bad, sizeof(bad)), -1);
		assert_string_equal(bad, bad_inputs[i][1]);
	}
	assert_int_equal(auth_scopes_parse(NULL, &m, bad, sizeof(bad)), -1);
	assert_int_equal(auth_scopes_parse("report.read,dossier.read,dossier.read", &m, bad,
	    sizeof(bad)), 0);
	buf_init(&b, 1024);
	auth_scopes_format(m, &b);
	assert_string_equal(b.data, "dossier.read,report.read"); /* table order, no duplicates */
	buf_free(&b);
	/* Every token-grantable action parses; every other one is refused. */
	for (int a = 1; a < ACT__MAX; a++)
		assert_int_equal(auth_scopes_parse(auth_action_name((enum auth_action)a), &m, bad,
		    sizeof(bad)), auth_action_token_ok((enum auth_action)a) ? 0 : -1);
}

/* ---- passwords --------------------------------------------------------- */

static void
test_password_policy(void **state)
{
	char reason[160], *longpw;

	(void)state;
	config_defaults();
	assert_int_equal(auth_password_check("ngắn-quá", "u"), PW_TOO_SHORT);
	assert_int_equal(auth_password_check("abcdefghijk", "u"), PW_TOO_SHORT); /* 11 */
	assert_int_equal(auth_password_check("abcdefghijkl", "u"), PW_OK); /* 12 */
	/* Characters, not bytes: 11 Vietnamese letters are 11, not 20+. */
	assert_int_equal(auth_password_check("đườngđiđấtđ", "u"), PW_TOO_SHORT);
	assert_int_equal(auth_password_check("đườngđiđấtđỏ", "u"), PW_OK);
	assert_int_equal(auth_password_check("Nguyen.Van.Anh", "nguyen.van.anh"),
	    PW_SAME_AS_USERNAME);
	assert_int_equal(auth_password_check("password1234", "u"), PW_COMMON);
	assert_int_equal(auth_password_check("MATKHAU123456", "u"), PW_COMMON);
	assert_int_equal(auth_password_check("abcdefghij\tkl", "u"), PW_BAD_TEXT);
	assert_int_equal(auth_password_check("abcdefghij\xc3\x28kl", "u"), PW_BAD_TEXT);
	longpw = calloc(1, 130);
	memset(longpw, 'x', 129);
	assert_int_equal(auth_password_check(longpw, "u"), PW_TOO_LONG);
	longpw[128] = '\0';
	assert_int_equal(auth_password_check(longpw, "u"), PW_OK);
	free(longpw);
	assert_int_equal(auth_password_check(NULL, "u"), PW_TOO_SHORT);
	/* The minimum comes from the config. */
	set_cfg("password_min_length", "16");
	assert_int_equal(auth_password_check("abcdefghijklmno", "u"), PW_TOO_SHORT);
	auth_password_reason(PW_TOO_SHORT, 0, reason, sizeof(reason));
	assert_string_equal(reason, "Mật khẩu cần ít nhất 16 ký tự.");
	auth_password_reason(PW_TOO_SHORT, 1, reason, sizeof(reason));
	assert_string_equal(reason, "The password needs at least 16 characters.");
	auth_password_reason(PW_SAME_AS_USERNAME, 0, reason, sizeof(reason));
	assert_string_equal(reason, "Mật khẩu không được trùng tên đăng nhập.");
	config_defaults();
}

static void
test_password_hash(void **state)
{
	char h1[AUTH_HASH_MAX], h2[AUTH_HASH_MAX], err[256];

	(void)state;
	config_defaults();
	/* OWASP's minimum is the default. */
	assert_int_equal(config_int(CFG_ARGON2_M_COST), 19456);
	assert_int_equal(config_int(CFG_ARGON2_T_COST), 2);
	assert_int_equal(config_int(CFG_ARGON2_PARALLELISM), 1);
	assert_int_equal(config_set("argon2_m_cost", "1", err, sizeof(err)), -1);
	/* Fast costs, allowed in test builds only because a test asks. */
	set_cfg("argon2_m_cost", "64");
	set_cfg("argon2_t_cost", "1");
	assert_int_equal(auth_password_hash("đây là mật khẩu dài", h1, sizeof(h1)), 0);
	assert_int_equal(auth_password_hash("đây là mật khẩu dài", h2, sizeof(h2)), 0);
	assert_memory_equal(h1, "$argon2id$v=19$m=64,t=1,p=1$", 28);
	assert_string_not_equal(h1, h2); /* random salt */
	assert_int_equal(auth_password_verify(h1, "đây là mật khẩu dài"), 1);
	assert_int_equal(auth_password_verify(h2, "đây là mật khẩu dài"), 1);
	assert_int_equal(auth_password_verify(h1, "đây là mật khẩu dàI"), 0);
	assert_int_equal(auth_password_verify(h1, ""), 0);
	assert_int_equal(auth_password_verify("$2y$10$bcrypt", "x"), -1);
	assert_int_equal(auth_password_verify("$argon2id$garbage", "x"), -1);
	assert_int_equal(auth_password_verify(NULL, "x"), -1);
	assert_false(auth_password_needs_rehash(h1));
	set_cfg("argon2_m_cost", "128");
	assert_true(auth_password_needs_rehash(h1));
	assert_true(auth_password_needs_rehash("nonsense"));
	/* A hash made with old costs still verifies. */
	assert_int_equal(auth_password_verify(h1, "đây là mật khẩu dài"), 1);
	config_defaults();
}

/* ---- tokens, CSRF, cookies --------------------------------------------- */

static void
test_hashes(void **state)
{
	char h[AUTH_HEX256], t1[AUTH_TOKEN_LEN + 1], t2[AUTH_TOKEN_LEN + 1], c1[AUTH_HEX256];
	char c2[AUTH_HEX256], sixty_four_a[65];

	(void)state;
	auth_sha256_hex("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(auth_token_new(t1, sizeof(t1)), 0);
	assert_int_equal(auth_token_new(t2, sizeof(t2)), 0);
	assert_int_equal(strlen(t1), AUTH_TOKEN_LEN);
	assert_memory_equal(t1, "mct_", 4);
	assert_int_equal(strspn(t1 + 4, "0123456789abcdef"), 64);
	assert_string_not_equal(t1, t2);
	assert_int_equal(auth_token_new(t1, AUTH_TOKEN_LEN), -1); /* no room for the NUL */
	/* The CSRF token is bound to the session token and reveals nothing of it. */
	memset(sixty_four_a, 'a', 64);
	sixty_four_a[64] = '\0';
	auth_csrf_for(sixty_four_a, c1);
	assert_string_equal(c1, "301be2c7fdfce97ac903a161962056dc85d0fcfcb7a6d2dfaa1ecac33b342d19");
	sixty_four_a[0] = 'b';
	auth_csrf_for(sixty_four_a, c2);
	assert_string_not_equal(c1, c2);
}

struct fake_headers {
	const char *cookie;
};

static const char *
fake_header(void *ctx, const char *name)
{
	struct fake_headers *h = ctx;

	return strcasecmp(name, "Cookie") == 0 ? h->cookie : NULL;
}

static void
test_cookie_parse(void **state)
{
	static const char tok[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct fake_headers fh = { NULL };
	struct req r;
	struct resp w;
	const char *got;

	(void)state;
	assert_int_equal(req_init(&r, &w, 1 << 16), 0);
	r.header_fn = fake_header;
	r.header_ctx = &fh;
	assert_null(auth_cookie_token(&r));
	fh.cookie = "motcua_session=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	assert_non_null(got = auth_cookie_token(&r));
	assert_string_equal(got, tok);
	fh.cookie = "theme=dark; motcua_session=0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef; lang=vi";
	assert_non_null(got = auth_cookie_token(&r));
	assert_string_equal(got, tok);
	fh.cookie = "xmotcua_session=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	assert_null(auth_cookie_token(&r));
	fh.cookie = "motcua_session=0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef";
	assert_null(auth_cookie_token(&r)); /* not one we issued */
	fh.cookie = "motcua_session=0123";
	assert_null(auth_cookie_token(&r));
	fh.cookie = "motcua_session=";
	assert_null(auth_cookie_token(&r));
	fh.cookie = ";;; ;";
	assert_null(auth_cookie_token(&r));
	req_free(&r, &w);
}

static void
test_validators(void **state)
{
	char out[AUTH_USERNAME_MAX + 1];

	(void)state;
	assert_int_equal(auth_username_norm("Nguyen.Van-A_1", out, sizeof(out)), 0);
	assert_string_equal(out, "nguyen.van-a_1");
	assert_int_equal(auth_username_norm("ab", out, sizeof(out)), -1);
	assert_int_equal(auth_username_norm(".abc", out, sizeof(out)), -1);
	assert_int_equal(auth_username_norm("nguyễn", out, sizeof(out)), -1);
	assert_int_equal(auth_username_norm("a b c", out, sizeof(out)), -1);
	assert_int_equal(auth_username_norm(NULL, out, sizeof(out)), -1);
	assert_true(auth_agency_code_valid("000.00.00.H19"));
	assert_true(auth_agency_code_valid("000.00.31.H19"));
	assert_true(auth_agency_code_valid("000.00.00.G01"));
	assert_false(auth_agency_code_valid("000.00.00.119"));
	assert_false(auth_agency_code_valid("000.00.00.H19 "));
	assert_false(auth_agency_code_valid("000-00-00-H19"));
	assert_false(auth_agency_code_valid("00.00.00.H19"));
	assert_false(auth_agency_code_valid(NULL));
	assert_true(auth_agency_kind_valid("department"));
	assert_false(auth_agency_kind_valid("ministry"));
	assert_true(auth_text_valid("Sở Tư pháp tỉnh Đồng Nai", 200));
	assert_false(auth_text_valid("", 200));
	assert_false(auth_text_valid("   ", 200));
	assert_false(auth_text_valid("a\nb", 200));
	assert_false(auth_text_valid("abcdef", 5));
	assert_true(auth_text_valid("đđđđđ", 5));
}

/* ---- the guard without a database --------------------------------------- */

static void
dummy_handler(struct req *r, struct resp *w)
{
	(void)r;
	resp_text(w, 200, "text/plain", "ok", 2);
}

static void
test_guard_no_credentials(void **state)
{
	static const struct route routes[] = {
		{ HTTP_GET, "/open", dummy_handler, ACT_PUBLIC },
		{ HTTP_GET, "/closed", dummy_handler, ACT_USER_READ },
		{ HTTP_GET, "/broken", dummy_handler, 999 },
	};
	struct fake_headers fh = { NULL };
	struct router *rt = router_new();
	struct app app = { 0 };
	struct http_app happ = { .router = rt, .guard = auth_guard, .ctx = &app };
	const char *paths[] = { "/open", "/closed", "/broken" };
	int want[] = { 200, 401, 403 };

	(void)state;
	assert_int_equal(router_add(rt, routes, CORE_NELEM(routes)), 0);
	for (size_t i = 0; i < CORE_NELEM(paths); i++) {
		struct req r;
		struct resp w;

		assert_int_equal(req_init(&r, &w, 1 << 16), 0);
		r.method = HTTP_GET;
		r.path = paths[i];
		r.header_fn = fake_header;
		r.header_ctx = &fh;
		http_dispatch(&happ, &r, &w);
		assert_int_equal(w.status, want[i]);
		assert_null(r.principal);
		req_free(&r, &w);
	}
	router_free(rt);
}

/* ---- audit ------------------------------------------------------------- */

static void
test_audit_canonical(void **state)
{
	struct audit_row row = {
		.id = 7, .at = 1700000000, .actor_id = 3, .actor = "admin", .agency_id = 0,
		.action = "user.create", .object = "user:9", .request_id = "abcd",
		.detail = "{\"a\":\"Đ\"}",
	};
	char h[AUDIT_HASH_HEX], h2[AUDIT_HASH_HEX];
	struct buf b;

	(void)state;
	buf_init(&b, 4096);
	audit_canonical(&row, &b);
	assert_string_equal(b.data, "motcua-audit-v1\nid=7\nat=1700000000\nactor_id=3\n"
	    "actor=5:admin\nagency_id=\naction=11:user.create\nobject=6:user:9\n"
	    "request_id=4:abcd\ndetail=10:{\"a\":\"Đ\"}\n");
	buf_free(&b);
	audit_hash("0000000000000000000000000000000000000000000000000000000000000000", &row, h);
	assert_string_equal(h, "a7a8fd8fbd5779b4ece0b7e386e2de21cc1abf2f53f907cbaf989ffa20c75fae");
	/* Length prefixes: moving a byte between fields changes the hash. */
	row.actor = "admin\nagency_id=";
	audit_hash("0000000000000000000000000000000000000000000000000000000000000000", &row, h2);
	assert_string_not_equal(h, h2);
	/* Canonical detail: sorted keys, compact. */
	{
		json_t *j = json_pack("{s:i, s:s, s:[i,i]}", "z", 1, "a", "Đồng Nai", "m", 1, 2);
		char *t = audit_detail_text(j);

		assert_string_equal(t, "{\"a\":\"Đồng Nai\",\"m\":[1,2],\"z\":1}");
		free(t);
		json_decref(j);
		t = audit_detail_text(NULL);
		assert_string_equal(t, "{}");
		free(t);
	}
}

/* The chain on a real (SQLite) database: appends inside transactions, a
 * rolled-back append leaves no trace, verify counts the entries. */
static void
test_audit_chain_sqlite(void **state)
{
	char dir[] = "/tmp/motcua-audit-XXXXXX", url[128], path[96];
	struct audit_entry e = { .actor = "cli", .action = "test.event", .request_id = "" };
	struct db *db;
	struct db_conn *c;
	const char *err;
	int64_t n = -1, bad = -1, id = 0;
	char why[256];

	(void)state;
	config_defaults();
	assert_non_null(mkdtemp(dir));
	snprintf(url, sizeof(url), "sqlite:%s/a.db", dir);
	assert_non_null(db = db_open(url, &err));
	assert_int_equal(db_migrate(db), 0);
	assert_non_null(c = db_conn_new(db));
	assert_int_equal(audit_verify(c, &n, &bad, why, sizeof(why)), 0);
	assert_int_equal(n, 0);
	for (int i = 1; i <= 5; i++) {
		char obj[32];

		snprintf(obj, sizeof(obj), "thing:%d", i);
		e.object = obj;
		e.detail = i == 3 ? "{\"note\":\"Ghi chú có dấu\"}" : NULL;
		assert_int_equal(db_begin(c), DB_OK);
		assert_int_equal(audit_append(c, &e, &id), DB_OK);
		assert_int_equal(id, i);
		assert_int_equal(db_commit(c), DB_OK);
	}
	/* Rolled back: no gap, no fork. */
	e.object = "thing:rolled-back";
	assert_int_equal(db_begin(c), DB_OK);
	assert_int_equal(audit_append(c, &e, &id), DB_OK);
	db_rollback(c);
	assert_int_equal(db_begin(c), DB_OK);
	assert_int_equal(audit_append(c, &e, &id), DB_OK);
	assert_int_equal(id, 6);
	assert_int_equal(db_commit(c), DB_OK);
	assert_int_equal(audit_verify(c, &n, &bad, why, sizeof(why)), 0);
	assert_int_equal(n, 6);
	db_conn_free(c);
	db_close(db);
	snprintf(path, sizeof(path), "%s/a.db", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/a.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/a.db-shm", dir);
	unlink(path);
	rmdir(dir);
}

/* ---- docs/ROLES.md is the table ---------------------------------------- */

static void
test_roles_md_in_sync(void **state)
{
	const char *src = getenv("MOTCUA_SOURCE_DIR");
	char path[1024];
	struct buf want;
	char *have = NULL;
	long n;
	FILE *f;

	(void)state;
	if (src == NULL)
		skip();
	snprintf(path, sizeof(path), "%s/docs/ROLES.md", src);
	buf_init(&want, 1 << 20);
	auth_roles_markdown(&want);
	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("%s is missing; write it with: motcua auth roles > docs/ROLES.md", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	have = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(have, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	if (strcmp(have, want.data) != 0)
		fail_msg("docs/ROLES.md disagrees with src/auth/perms.def; regenerate it with: "
		    "motcua auth roles > docs/ROLES.md");
	free(have);
	buf_free(&want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_table_invariants),
		cmocka_unit_test(test_role_assignable),
		cmocka_unit_test(test_can_principal),
		cmocka_unit_test(test_scopes_parse),
		cmocka_unit_test(test_password_policy),
		cmocka_unit_test(test_password_hash),
		cmocka_unit_test(test_hashes),
		cmocka_unit_test(test_cookie_parse),
		cmocka_unit_test(test_validators),
		cmocka_unit_test(test_guard_no_credentials),
		cmocka_unit_test(test_audit_canonical),
		cmocka_unit_test(test_audit_chain_sqlite),
		cmocka_unit_test(test_roles_md_in_sync),
	};

	log_set_level(LOG_ERROR);
	config_defaults();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
