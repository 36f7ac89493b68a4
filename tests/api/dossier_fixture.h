/*
 * The fixture the dossier API tests share (test_dossier.c,
 * test_dossier_clock.c, test_dossier_crash.c): a catalogue with a desk,
 * its lead agency and another agency, one official per role, an API token
 * of the national portal, and helpers that move the server's clock
 * (MOTCUA_NOW; the server restarts at each new instant and sessions sign
 * in again lazily).  Every helper asserts; everything returned is the
 * caller's.  Included once per test program (static functions).
 */
#ifndef MOTCUA_TEST_DOSSIER_FIXTURE_H
#define MOTCUA_TEST_DOSSIER_FIXTURE_H

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "core/core.h"
#include "dossier/dossier.h"
#include "harness.h"

#define FX static __attribute__((unused))

#define JSON_CT "Content-Type: application/json"
#define PW "mật-khẩu-thử-nghiệm-dài-2025"
#define FAST_ARGON "--argon2_m_cost", "64", "--argon2_t_cost", "1"

#define C_PROV "000.00.00.H19"
#define C_DESK "000.00.01.H19" /* one-stop centre, receives for C_LEAD */
#define C_LEAD "000.00.05.H19" /* Sở Tư pháp */
#define C_OTHER "000.00.09.H19" /* another department */

static struct srv *g;
static char data_arg[600];

/* ---- the fixture ---------------------------------------------------------- */

enum who { W_RCV, W_SPC, W_LDR, W_CLK, W_AAD, W_ADM, W_INS, W_RCV_O, W__MAX };

static const struct {
	const char *user, *role, *agency;
} users[W__MAX] = {
	[W_RCV] = { "tn_desk", "receiver", C_DESK },
	[W_SPC] = { "cv_lead", "specialist", C_LEAD },
	[W_LDR] = { "ld_lead", "leader", C_LEAD },
	[W_CLK] = { "vt_lead", "clerk", C_LEAD },
	[W_AAD] = { "qt_lead", "agency_admin", C_LEAD },
	[W_ADM] = { "quantri", "admin", C_PROV },
	[W_INS] = { "thanhtra", "inspector", C_PROV },
	[W_RCV_O] = { "tn_khac", "receiver", C_OTHER },
};

struct sess {
	char cookie[128];
	char csrf_hdr[128];
	unsigned gen; /* the server start it belongs to */
};

static struct sess sess[W__MAX];
static unsigned srv_gen; /* bumped at each server start; sessions sign in lazily */
static const char *const *cur_args; /* the running server's flags and clock */
static char cur_iso[40];
static char token_hdr[160]; /* "Authorization: Bearer ..." of the portal's token */

FX const char catalog_json[] =
    "{\"format\": \"motcua-catalog/1\","
    " \"fields\": [{\"code\": \"tu-phap\", \"name\": \"Tư pháp\"}],"
    " \"agencies\": ["
    "  {\"code\": \"" C_PROV "\", \"parent\": null, \"kind\": \"province\","
    "   \"name\": \"Ủy ban nhân dân tỉnh Thử Nghiệm\"},"
    "  {\"code\": \"" C_DESK "\", \"parent\": \"" C_PROV "\", \"kind\": \"center\","
    "   \"name\": \"Trung tâm Phục vụ hành chính công tỉnh\", \"is_desk\": true,"
    "   \"receives_for\": [\"" C_LEAD "\"], \"address\": \"Số 1 Đường Thử\","
    "   \"phone\": \"0251 3822 000\"},"
    "  {\"code\": \"" C_LEAD "\", \"parent\": \"" C_PROV "\", \"kind\": \"department\","
    "   \"name\": \"Sở Tư pháp\"},"
    "  {\"code\": \"" C_OTHER "\", \"parent\": \"" C_PROV "\", \"kind\": \"department\","
    "   \"name\": \"Sở Xây dựng\"}],"
    " \"procedures\": ["
    /* Four steps with a leader's approval; 5 working days. */
    "  {\"code\": \"DOS-T1\", \"name\": \"Cấp Phiếu lý lịch tư pháp\", \"field\": \"tu-phap\","
    "   \"levels\": [\"province\"], \"agencies\": {\"lead\": [\"" C_LEAD "\"]},"
    "   \"time_limit\": {\"value\": 5, \"unit\": \"day\"},"
    "   \"online\": {\"level\": 3, \"class\": \"partial\"},"
    "   \"channels\": [\"counter\", \"post\", \"online\"],"
    "   \"documents\": [{\"name\": \"Tờ khai\", \"originals\": 1, \"copies\": 0}],"
    "   \"steps\": ["
    "    {\"name\": \"Tiếp nhận và chuyển hồ sơ\", \"unit\": \"Bộ phận Một cửa\","
    "     \"role\": \"receiver\", \"hours\": 4},"
    "    {\"name\": \"Thẩm định hồ sơ\", \"unit\": \"Phòng Hành chính tư pháp\","
    "     \"role\": \"specialist\", \"hours\": 16},"
    "    {\"name\": \"Phê duyệt kết quả\", \"unit\": \"Lãnh đạo Sở\", \"role\": \"leader\","
    "     \"hours\": 8},"
    "    {\"name\": \"Vào sổ, đóng dấu kết quả\", \"unit\": \"Văn thư Sở\", \"role\": \"clerk\","
    "     \"hours\": 4}],"
    "   \"legal_basis\": [{\"ref\": \"28/2009/QH12\", \"title\": \"Luật Lý lịch tư pháp\"}],"
    "   \"effective_from\": \"2020-01-01\", \"decision\": \"Quyết định thử nghiệm\"},"
    /* Two steps, no leader step; 3 working days. */
    "  {\"code\": \"DOS-T3\", \"name\": \"Chứng thực bản sao từ bản chính\", \"field\": \"tu-phap\","
    "   \"levels\": [\"province\"], \"agencies\": {\"lead\": [\"" C_LEAD "\"]},"
    "   \"time_limit\": {\"value\": 3, \"unit\": \"day\"},"
    "   \"online\": {\"level\": 2, \"class\": \"none\"}, \"channels\": [\"counter\"],"
    "   \"steps\": ["
    "    {\"name\": \"Tiếp nhận\", \"unit\": \"Bộ phận Một cửa\", \"role\": \"receiver\","
    "     \"hours\": 2},"
    "    {\"name\": \"Giải quyết\", \"unit\": \"Phòng Hành chính tư pháp\","
    "     \"role\": \"specialist\", \"hours\": 16}],"
    "   \"legal_basis\": [{\"ref\": \"23/2015/NĐ-CP\", \"title\": \"Nghị định chứng thực\"}],"
    "   \"effective_from\": \"2020-01-01\", \"decision\": \"Quyết định thử nghiệm\"},"
    /* Another department's procedure: not received at this desk. */
    "  {\"code\": \"DOS-XD\", \"name\": \"Cấp giấy phép xây dựng\", \"field\": \"tu-phap\","
    "   \"levels\": [\"province\"], \"agencies\": {\"lead\": [\"" C_OTHER "\"]},"
    "   \"time_limit\": {\"value\": 15, \"unit\": \"day\"},"
    "   \"online\": {\"level\": 2, \"class\": \"none\"}, \"channels\": [\"counter\"],"
    "   \"legal_basis\": [{\"ref\": \"50/2014/QH13\", \"title\": \"Luật Xây dựng\"}],"
    "   \"effective_from\": \"2020-01-01\", \"decision\": \"Quyết định thử nghiệm\"}"
    " ]}";

/* ---- helpers --------------------------------------------------------------- */

FX void
expect(struct http_res *r, long status)
{
	if (r->status != status)
		fail_msg("expected %ld, got %ld: %s", status, r->status, r->body);
}

FX const char *
jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

FX int64_t
jint(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

FX void
cli_ok(const char *const *args)
{
	struct cli_res r;

	if (motcua_run(args, &r, 60000) != 0)
		fail_msg("motcua %s %s failed (%d): %s", args[0], args[1], r.status, r.err);
	cli_res_free(&r);
}

FX void
cli_user(const char *username, const char *role, const char *agency)
{
	struct cli_res r;
	const char *argv[] = { "/bin/sh", "-c", "printf '%s\\n' \"$T_STDIN\" | \"$0\" \"$@\"",
		getenv("MOTCUA_BIN"), "user", "add", "--username", username, "--role", role,
		"--agency", agency, "--name", "Cán Bộ Thử Nghiệm", "--db", srv_db_url(g),
		FAST_ARGON, NULL };

	setenv("T_STDIN", PW, 1);
	harness_run(argv, &r, 60000);
	if (r.status != 0)
		fail_msg("user add %s failed (%d): %s", username, r.status, r.err);
	cli_res_free(&r);
}

FX void
login(enum who w)
{
	json_t *b = json_pack("{s:s, s:s}", "username", users[w].user, "password", PW);
	char *text = json_dumps(b, 0);
	struct http_res *r = http_json(g, "POST", "/api/v1/auth/login", text);
	const char *sc, *csrf;

	expect(r, 200);
	sc = http_header(r, "Set-Cookie");
	csrf = jstr(r->json, "csrf_token");
	assert_non_null(sc);
	assert_non_null(csrf);
	snprintf(sess[w].cookie, sizeof(sess[w].cookie), "Cookie: %.*s", (int)strcspn(sc, ";"), sc);
	snprintf(sess[w].csrf_hdr, sizeof(sess[w].csrf_hdr), "X-CSRF-Token: %s", csrf);
	sess[w].gen = srv_gen;
	http_res_free(r);
	free(text);
	json_decref(b);
}

FX const char *srv_args_scan0[] = { "--data", data_arg, "--calendar_sync_seconds", "0",
	"--dossier_scan_seconds", "0", "--session_idle_timeout", "86400", FAST_ARGON, NULL };

/* Restart the server with its clock at iso (NULL: the real clock); the
 * sessions of the previous start are signed in again when next used. */
FX void
at_args(const char *iso, const char *const *args)
{
	if (g->pid != 0 && iso != NULL && args == cur_args && strcmp(iso, cur_iso) == 0)
		return; /* already there */
	if (g->pid != 0)
		assert_int_equal(srv_terminate(g, SIGTERM, 15000), 0);
	if (iso != NULL)
		setenv("MOTCUA_NOW", iso, 1);
	else
		unsetenv("MOTCUA_NOW");
	srv_launch(g, args);
	srv_gen++;
	cur_args = args;
	snprintf(cur_iso, sizeof(cur_iso), "%s", iso ? iso : "");
}

/* w's session on the running server. */
FX struct sess *
sess_of(enum who w)
{
	if (sess[w].gen != srv_gen)
		login(w);
	return &sess[w];
}

FX void
at(const char *iso)
{
	at_args(iso, srv_args_scan0);
}

FX struct http_res *
as(enum who w, const char *method, const char *path, const char *body)
{
	struct sess *x = sess_of(w);

	return http_req(g, method, path, (const char *const[]){ x->cookie, x->csrf_hdr, JSON_CT,
	    NULL }, body);
}

FX struct http_res *
as_idem(enum who w, const char *path, const char *body, const char *key)
{
	char h[200];

	snprintf(h, sizeof(h), "Idempotency-Key: %s", key);
	return http_req(g, "POST", path, (const char *const[]){ sess_of(w)->cookie,
	    sess_of(w)->csrf_hdr, JSON_CT, h, NULL }, body);
}

FX struct http_res *
as_token(const char *method, const char *path, const char *body)
{
	return http_req(g, method, path, (const char *const[]){ token_hdr, JSON_CT, NULL }, body);
}

/* A reception body for procedure proc with extra members (JSON text
 * without braces, may be ""). */
FX char *
body_for(const char *proc, const char *channel, const char *extra)
{
	return harness_strdupf("{\"procedure_code\": \"%s\", \"channel\": \"%s\","
	    " \"applicant\": {\"name\": \"Nguyễn Thị Bích Ngọc\", \"id_number\": \"079190001234\","
	    " \"phone\": \"0912 345 678\", \"email\": \"ngoc.nguyen@example.vn\","
	    " \"address\": \"Số 12 đường Phan Chu Trinh, phường Quyết Thắng\"},"
	    " \"documents\": [{\"name\": \"Tờ khai\", \"originals\": 1, \"copies\": 0},"
	    " {\"name\": \"Bản sao Căn cước công dân\", \"originals\": 0, \"copies\": 1}],"
	    " \"return_method\": \"counter\"%s%s}", proc, channel, extra[0] ? ", " : "", extra);
}

/* Receive a complete dossier of proc at the desk; its code into code. */
FX void
receive(const char *proc, char code[32])
{
	char *b = body_for(proc, "counter", "");
	struct http_res *r = as(W_RCV, "POST", "/api/v1/dossiers", b);

	expect(r, 201);
	snprintf(code, 32, "%s", jstr(r->json, "code"));
	assert_string_equal(jstr(r->json, "status"), "received");
	http_res_free(r);
	free(b);
}

/* GET the dossier as w; asserts 200; caller frees. */
FX struct http_res *
get_as(enum who w, const char *code)
{
	char *path = harness_strdupf("/api/v1/dossiers/%s", code);
	struct http_res *r = as(w, "GET", path, NULL);

	free(path);
	return r;
}

FX int64_t
version_of(const char *code)
{
	struct http_res *r = get_as(W_ADM, code);
	int64_t v;

	expect(r, 200);
	v = jint(r->json, "version");
	http_res_free(r);
	return v;
}

/* POST an action as w with the current version; extra is JSON members
 * without braces ("" for none).  Caller frees. */
FX struct http_res *
act(enum who w, const char *code, const char *action, const char *extra)
{
	char *path = harness_strdupf("/api/v1/dossiers/%s/actions", code);
	char *body = harness_strdupf("{\"action\": \"%s\", \"version\": %lld%s%s}", action,
	    (long long)version_of(code), extra[0] ? ", " : "", extra);
	struct http_res *r = as(w, "POST", path, body);

	free(path);
	free(body);
	return r;
}

FX void
act_ok(enum who w, const char *code, const char *action, const char *extra)
{
	struct http_res *r = act(w, code, action, extra);

	if (r->status != 200)
		fail_msg("%s %s by %s: %ld %s", action, code, users[w].user, r->status, r->body);
	http_res_free(r);
}

FX void
expect_field(struct http_res *r, const char *path_key, const char *want)
{
	const char *got = jstr(r->json, path_key);

	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("%s: want %s, got %s in %s", path_key, want, got ? got : "(null)", r->body);
}

/* The member key of o as text, "" when absent or not a string. */
FX const char *
sub(json_t *o, const char *a, const char *b)
{
	const char *s = json_string_value(json_object_get(json_object_get(o, a), b));

	return s ? s : "";
}

/* ---- setup ------------------------------------------------------------------ */

FX int
group_setup(void **state)
{
	const char *dir = harness_tmpdir();
	char *file = harness_strdupf("%s/catalog.json", dir);
	struct cli_res r;

	(void)state;
	snprintf(data_arg, sizeof(data_arg), "%s/data", getenv("MOTCUA_SOURCE_DIR"));
	g = srv_create(1);
	harness_write_file(file, catalog_json);
	cli_ok((const char *const[]){ "catalog", "import", file, "--db", srv_db_url(g), NULL });
	free(file);
	/* The admin by the CLI, everybody else through the API (faster). */
	cli_user(users[W_ADM].user, users[W_ADM].role, users[W_ADM].agency);
	motcua_run((const char *const[]){ "token", "create", "--name", "Cổng dịch vụ công",
	    "--scopes", "dossier.receive,dossier.read", "--agency", C_DESK, "--db", srv_db_url(g),
	    NULL }, &r, 60000);
	if (r.status != 0)
		fail_msg("token create failed: %s", r.err);
	snprintf(token_hdr, sizeof(token_hdr), "Authorization: Bearer %.*s",
	    (int)strcspn(r.out, "\r\n \t"), r.out);
	cli_res_free(&r);
	at(NULL);
	for (int w = 0; w < W__MAX; w++) {
		json_t *b;
		char *text;
		struct http_res *c;

		if (w == W_ADM)
			continue;
		b = json_pack("{s:s, s:s, s:s, s:s, s:s}", "username", users[w].user, "password",
		    PW, "role", users[w].role, "full_name", "Cán Bộ Thử Nghiệm", "agency",
		    users[w].agency);
		text = json_dumps(b, 0);
		c = as(W_ADM, "POST", "/api/v1/users", text);
		expect(c, 201);
		http_res_free(c);
		free(text);
		json_decref(b);
	}
	return 0;
}

FX int
group_teardown(void **state)
{
	(void)state;
	if (g != NULL && g->pid != 0)
		srv_stop(g);
	else
		srv_free(g);
	g = NULL;
	return 0;
}

/* One procedure of a test catalogue (JSON text, for string concatenation):
 * a five-day counter procedure of the "tu-phap" field with two steps, led
 * by the agency code lead.  The bundle and report tests build their
 * interlinked catalogues from it. */
#define BT_PROC(code, name, lead) \
    "  {\"code\": \"" code "\", \"name\": \"" name "\", \"field\": \"tu-phap\"," \
    "   \"levels\": [\"province\"], \"agencies\": {\"lead\": [\"" lead "\"]}," \
    "   \"time_limit\": {\"value\": 5, \"unit\": \"day\"}," \
    "   \"online\": {\"level\": 2, \"class\": \"none\"}, \"channels\": [\"counter\"]," \
    "   \"steps\": [{\"name\": \"Tiếp nhận\", \"unit\": \"Văn thư\", \"role\": \"receiver\"," \
    "     \"hours\": 2}, {\"name\": \"Giải quyết\", \"unit\": \"Phòng chuyên môn\"," \
    "     \"role\": \"specialist\", \"hours\": 16}]," \
    "   \"legal_basis\": [{\"ref\": \"61/2018/NĐ-CP\", \"title\": \"Nghị định một cửa\"}]," \
    "   \"effective_from\": \"2020-01-01\", \"decision\": \"Quyết định thử nghiệm\"}"

#endif
