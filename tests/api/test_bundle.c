/*
 * Interlinked procedures (bundle slice) through the real binary, on SQLite
 * and PostgreSQL: definitions and their validation on import, one bundle
 * dossier with component dossiers, sequential and parallel components to
 * completion, a rejected component ending the bundle, per-agency
 * classification, a supplement restarting one component's clock and the
 * bundle's due time, external outcomes (403 for a wrong token or agency,
 * idempotent replays), webhooks delivered once and in order after the
 * receiver comes back, the public lookup's components.
 */
#include "bundle/bundle.h"
#include "dossier_fixture.h"
#include "webhook_rx.h"

#define C_POL "000.00.40.H19" /* Công an tỉnh: external residence database */
#define C_BHX "000.00.41.H19" /* Bảo hiểm xã hội: external */

/* Agencies, procedures (two steps: reception at the agency, handling) and
 * bundles of the test.  lt-test: A (C_LEAD) then B (C_OTHER) and P (the
 * police, external) in parallel; lt-ext: two external components at once. */
static const char bundle_catalog[] =
    "{\"format\": \"motcua-catalog/1\","
    " \"agencies\": ["
    "  {\"code\": \"" C_POL "\", \"parent\": \"" C_PROV "\", \"kind\": \"department\","
    "   \"name\": \"Công an tỉnh\"},"
    "  {\"code\": \"" C_BHX "\", \"parent\": \"" C_PROV "\", \"kind\": \"department\","
    "   \"name\": \"Bảo hiểm xã hội tỉnh\"}],"
    " \"bundles\": ["
    "  {\"code\": \"lt-test\", \"name\": \"Liên thông thử nghiệm\","
    "   \"time_limit\": {\"value\": 6, \"unit\": \"day\"}, \"components\": ["
    "    {\"key\": \"a\", \"name\": \"Thủ tục A\", \"procedure\": \"BT-A\","
    "     \"agency\": \"served:" C_PROV "\", \"share\": 2, \"release\": true,"
    "     \"provides\": [{\"name\": \"so_a\", \"label\": \"Số giấy A\"}]},"
    "    {\"key\": \"b\", \"procedure\": \"BT-B\", \"agency\": \"" C_OTHER "\", \"share\": 3,"
    "     \"after\": [\"a\"], \"requires\": [\"so_a\"]},"
    "    {\"key\": \"p\", \"procedure\": \"BT-P\", \"agency\": \"" C_POL "\", \"share\": 2,"
    "     \"after\": [\"a\"], \"requires\": [\"so_a\"], \"external\": \"police-residence\","
    "     \"provides\": [{\"name\": \"so_p\", \"label\": \"Số đăng ký\"}]}]},"
    "  {\"code\": \"lt-wrong-desk\", \"name\": \"Liên thông sai nơi tiếp nhận\","
    "   \"time_limit\": {\"value\": 2, \"unit\": \"day\"}, \"components\": ["
    "    {\"key\": \"a\", \"procedure\": \"BT-B\", \"agency\": \"desk\", \"share\": 1},"
    "    {\"key\": \"b\", \"procedure\": \"BT-A\", \"agency\": \"served:" C_PROV "\","
    "     \"share\": 1, \"after\": [\"a\"]}]},"
    "  {\"code\": \"lt-ext\", \"name\": \"Liên thông hai hệ thống ngoài\","
    "   \"time_limit\": {\"value\": 3, \"unit\": \"day\"}, \"components\": ["
    "    {\"key\": \"x1\", \"procedure\": \"BT-P\", \"agency\": \"" C_POL "\", \"share\": 3,"
    "     \"external\": \"police-residence\"},"
    "    {\"key\": \"x2\", \"procedure\": \"BT-I\", \"agency\": \"" C_BHX "\", \"share\": 3,"
    "     \"external\": \"social-insurance\"}]}],"
    " \"procedures\": ["
    BT_PROC("BT-A", "Thủ tục thành phần A", C_LEAD) ","
    BT_PROC("BT-B", "Thủ tục thành phần B", C_OTHER) ","
    BT_PROC("BT-P", "Đăng ký thường trú (thử)", C_POL) ","
    BT_PROC("BT-I", "Cấp thẻ bảo hiểm y tế (thử)", C_BHX)
    " ]}";

/* Officials beyond the fixture's: a receiver at the lead agency, a
 * specialist at the other agency. */
struct xs {
	const char *user, *role, *agency;
	char cookie[128], csrf[128];
	unsigned gen;
};
static struct xs tn_lead = { "tn_lead", "receiver", C_LEAD, "", "", 0 };
static struct xs cv_other = { "cv_other", "specialist", C_OTHER, "", "", 0 };
static char tok_pol[160], tok_other[160];

static struct http_res *
xas(struct xs *s, const char *method, const char *path, const char *body)
{
	if (s->gen != srv_gen) {
		json_t *b = json_pack("{s:s, s:s}", "username", s->user, "password", PW);
		char *text = json_dumps(b, 0);
		struct http_res *r = http_json(g, "POST", "/api/v1/auth/login", text);
		const char *sc = http_header(r, "Set-Cookie");

		expect(r, 200);
		snprintf(s->cookie, sizeof(s->cookie), "Cookie: %.*s", (int)strcspn(sc, ";"), sc);
		snprintf(s->csrf, sizeof(s->csrf), "X-CSRF-Token: %s", jstr(r->json, "csrf_token"));
		s->gen = srv_gen;
		http_res_free(r);
		free(text);
		json_decref(b);
	}
	return http_req(g, method, path, (const char *const[]){ s->cookie, s->csrf, JSON_CT,
	    NULL }, body);
}

static void
xact_ok(struct xs *s, const char *code, const char *action, const char *extra)
{
	char *path = harness_strdupf("/api/v1/dossiers/%s/actions", code);
	char *body = harness_strdupf("{\"action\": \"%s\", \"version\": %lld%s%s}", action,
	    (long long)version_of(code), extra[0] ? ", " : "", extra);
	struct http_res *r = xas(s, "POST", path, body);

	if (r->status != 200)
		fail_msg("%s %s by %s: %ld %s", action, code, s->user, r->status, r->body);
	http_res_free(r);
	free(path);
	free(body);
}

static char *
token_for(const char *name, const char *scopes, const char *agency)
{
	return srv_token_header(g, name, scopes, agency);
}

static int
setup(void **state)
{
	const char *dir = harness_tmpdir();
	char *file = harness_strdupf("%s/bundles.json", dir), *t;

	group_setup(state);
	harness_write_file(file, bundle_catalog);
	at(NULL);
	srv_terminate(g, SIGTERM, 15000);
	g->pid = 0;
	cli_ok((const char *const[]){ "catalog", "import", file, "--db", srv_db_url(g), NULL });
	free(file);
	t = token_for("Hệ thống cư trú", "bundle.outcome", C_POL);
	snprintf(tok_pol, sizeof(tok_pol), "%s", t);
	free(t);
	t = token_for("Hệ thống khác", "bundle.outcome", C_OTHER);
	snprintf(tok_other, sizeof(tok_other), "%s", t);
	free(t);
	at(NULL);
	for (int i = 0; i < 2; i++) {
		struct xs *s = i ? &cv_other : &tn_lead;
		json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:s}", "username", s->user, "password", PW,
		    "role", s->role, "full_name", "Cán Bộ Thử Nghiệm", "agency", s->agency);
		char *text = json_dumps(b, 0);
		struct http_res *c = as(W_ADM, "POST", "/api/v1/users", text);

		expect(c, 201);
		http_res_free(c);
		free(text);
		json_decref(b);
	}
	return 0;
}

/* ---- helpers ---------------------------------------------------------------- */

/* Receive bundle `code` at the desk; the parent's code into out. */
static void
receive_bundle(const char *bcode, char out[32])
{
	char *b = body_for(bcode, "counter", "");
	struct http_res *r = as(W_RCV, "POST", "/api/v1/dossiers", b);

	expect(r, 201);
	assert_string_equal(jstr(r->json, "kind"), "bundle");
	assert_string_equal(jstr(r->json, "status"), "received");
	assert_non_null(json_object_get(r->json, "receipt"));
	snprintf(out, 32, "%s", jstr(r->json, "code"));
	http_res_free(r);
	free(b);
}

/* The component `key` of the bundle dossier as the admin sees it
 * (borrowed from *holder, which the caller frees). */
static json_t *
comp(const char *code, const char *key, struct http_res **holder)
{
	json_t *c;
	size_t i;

	*holder = get_as(W_ADM, code);
	expect(*holder, 200);
	json_array_foreach(json_object_get((*holder)->json, "components"), i, c)
		if (strcmp(jstr(c, "key"), key) == 0)
			return c;
	fail_msg("no component %s in %s", key, (*holder)->body);
	return NULL;
}

static void
comp_code(const char *code, const char *key, char out[32], int64_t *id)
{
	struct http_res *h;
	json_t *c = comp(code, key, &h);

	snprintf(out, 32, "%s", jstr(c, "code"));
	if (id != NULL)
		*id = jint(c, "id");
	http_res_free(h);
}

static void
expect_comp_status(const char *code, const char *key, const char *status)
{
	struct http_res *h;
	json_t *c = comp(code, key, &h);

	if (strcmp(jstr(c, "status"), status) != 0)
		fail_msg("component %s: want %s, got %s", key, status, jstr(c, "status"));
	http_res_free(h);
}

static void
expect_status(const char *code, const char *status)
{
	struct http_res *r = get_as(W_ADM, code);

	expect(r, 200);
	expect_field(r, "status", status);
	http_res_free(r);
}

/* Component A through its agency: forward, outputs, result_ready. */
static void
finish_a(const char *code)
{
	char ca[32], *path, *body;
	int64_t id;
	struct http_res *r;

	comp_code(code, "a", ca, &id);
	xact_ok(&tn_lead, ca, "forward", "");
	/* result_ready needs the output the successors require. */
	r = act(W_CLK, ca, "result_ready", "");
	expect(r, 422);
	http_res_free(r);
	path = harness_strdupf("/api/v1/bundles/%s/components/%lld/outputs", code, (long long)id);
	body = harness_strdupf("{\"outputs\": {\"so_a\": \"%s-A\"}}", code);
	r = as(W_SPC, "POST", path, body);
	expect(r, 200);
	http_res_free(r);
	free(path);
	free(body);
	act_ok(W_CLK, ca, "result_ready", "");
}

static struct http_res *
outcome(const char *tokhdr, const char *code, int64_t id, const char *body, const char *key)
{
	char *path = harness_strdupf("/api/v1/bundles/%s/components/%lld/outcome", code,
	    (long long)id);
	char idem[160];
	struct http_res *r;

	snprintf(idem, sizeof(idem), "Idempotency-Key: %s", key ? key : "");
	r = http_req(g, "POST", path, (const char *const[]){ tokhdr, JSON_CT, key ? idem : NULL,
	    NULL }, body);
	free(path);
	return r;
}

/* ---- tests -------------------------------------------------------------------- */

static void
test_definitions(void **state)
{
	struct http_res *r;
	json_t *it, *c;
	size_t i;
	int found = 0;
	char *file = harness_strdupf("%s/bad.json", harness_tmpdir());
	struct cli_res cr;

	(void)state;
	at(NULL);
	r = http_get(g, "/api/v1/bundles");
	expect(r, 200);
	json_array_foreach(json_object_get(r->json, "items"), i, it)
		if (strcmp(jstr(it, "code"), "lt-test") == 0) {
			found = 1;
			assert_int_equal(json_array_size(json_object_get(it, "components")), 3);
			c = json_array_get(json_object_get(it, "components"), 1);
			assert_string_equal(jstr(c, "key"), "b");
			assert_string_equal(json_string_value(json_array_get(json_object_get(c,
			    "after"), 0)), "a");
			assert_int_equal(jint(json_object_get(it, "time_limit"), "value"), 6);
		}
	assert_true(found);
	http_res_free(r);

	/* A cycle, shares over the total and an unknown procedure are named. */
	harness_write_file(file, "{\"format\": \"motcua-catalog/1\", \"bundles\": ["
	    "{\"code\": \"lt-bad\", \"name\": \"Sai\", \"time_limit\": {\"value\": 2},"
	    " \"components\": [{\"key\": \"a\", \"procedure\": \"BT-A\", \"share\": 1,"
	    " \"after\": [\"b\"]}, {\"key\": \"b\", \"procedure\": \"BT-A\", \"share\": 1,"
	    " \"after\": [\"a\"]}]},"
	    "{\"code\": \"lt-bad2\", \"name\": \"Sai\", \"time_limit\": {\"value\": 2},"
	    " \"components\": [{\"key\": \"a\", \"procedure\": \"BT-A\", \"share\": 2},"
	    " {\"key\": \"b\", \"procedure\": \"KHONG-CO\", \"share\": 1, \"after\": [\"a\"]}]}]}");
	srv_terminate(g, SIGTERM, 15000);
	g->pid = 0;
	motcua_run((const char *const[]){ "catalog", "import", file, "--db", srv_db_url(g), NULL },
	    &cr, 60000);
	assert_int_not_equal(cr.status, 0);
	if (strstr(cr.err, "lt-bad") == NULL || strstr(cr.err, "components[0].after") == NULL ||
	    strstr(cr.err, "lt-bad2") == NULL || strstr(cr.err, "time_limit") == NULL)
		fail_msg("validation errors not named: %s", cr.err);
	cli_res_free(&cr);
	free(file);
	at(NULL);
	r = http_get(g, "/api/v1/bundles");
	assert_null(strstr(r->body, "lt-bad"));
	http_res_free(r);
}

static struct http_res *
get_path(const char *fmt, const char *a, const char *b)
{
	char *path = harness_strdupf(fmt, a, b);
	struct http_res *r = http_get(g, path);

	free(path);
	return r;
}

static void
test_sequential_parallel_to_completion(void **state)
{
	char code[32], cb[32], ca[32], key[16];
	int64_t pid;
	struct http_res *r, *h;
	json_t *c;

	(void)state;
	at("2025-03-03T09:00:00+07:00");
	receive_bundle("lt-test", code);
	/* A starts at once; B and P wait for it. */
	expect_comp_status(code, "a", "received");
	expect_comp_status(code, "b", "waiting");
	expect_comp_status(code, "p", "waiting");
	comp_code(code, "b", cb, NULL);
	comp_code(code, "a", ca, NULL);
	r = act(W_RCV_O, cb, "forward", "");
	expect(r, 422);
	http_res_free(r);
	/* The public lookup of the parent carries the components, without
	 * personal data. */
	r = get_as(W_ADM, code);
	snprintf(key, sizeof(key), "%s", jstr(r->json, "lookup_key"));
	http_res_free(r);
	r = get_path("/api/v1/public/dossiers/%s?key=%s", code, key);
	expect(r, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "components")), 3);
	assert_null(strstr(r->body, "Bích Ngọc"));
	assert_null(strstr(r->body, "0912"));
	assert_null(strstr(r->body, "079190001234"));
	assert_null(strstr(r->body, ca));
	http_res_free(r);

	at("2025-03-04T09:00:00+07:00");
	finish_a(code);
	expect_comp_status(code, "a", "result_ready");
	expect_comp_status(code, "b", "received");
	expect_comp_status(code, "p", "received");
	expect_status(code, "received");
	/* B (internal) and P (external) in parallel. */
	at("2025-03-05T09:00:00+07:00");
	act_ok(W_RCV_O, cb, "forward", "");
	act_ok(W_RCV_O, cb, "result_ready", "");
	expect_status(code, "received");
	c = comp(code, "p", &h);
	pid = jint(c, "id");
	http_res_free(h);
	r = outcome(tok_pol, code, pid, "{\"outcome\": \"result_ready\", \"outputs\": "
	    "{\"so_p\": \"CT-123\"}, \"reference\": \"CSDL-CT-1\"}", "k1");
	expect(r, 200);
	http_res_free(r);
	r = get_as(W_ADM, code);
	expect_field(r, "status", "result_ready");
	assert_string_equal(sub(r->json, "outputs", "so_p"), "CT-123");
	http_res_free(r);
	/* The result is handed over at the desk, the components with it. */
	act_ok(W_RCV, code, "return_result", "");
	expect_status(code, "returned");
	expect_comp_status(code, "b", "returned");
	expect_comp_status(code, "p", "returned");
	r = get_path("/api/v1/public/dossiers/%s?key=%s", code, key);
	expect(r, 200);
	c = json_array_get(json_object_get(r->json, "components"), 0);
	assert_true(json_is_true(json_object_get(c, "result_ready")));
	http_res_free(r);
}

static void
test_rejected_component_ends_bundle(void **state)
{
	char code[32], ca[32];

	(void)state;
	at("2025-03-10T09:00:00+07:00");
	receive_bundle("lt-test", code);
	comp_code(code, "a", ca, NULL);
	xact_ok(&tn_lead, ca, "forward", "");
	act_ok(W_LDR, ca, "reject", "\"reason\": \"Giấy tờ không hợp lệ\"");
	{
		struct http_res *r = get_as(W_ADM, code);

		expect_field(r, "status", "rejected");
		if (strstr(jstr(r->json, "reason"), "Giấy tờ không hợp lệ") == NULL)
			fail_msg("reason not carried: %s", r->body);
		http_res_free(r);
	}
	expect_comp_status(code, "b", "stopped");
	expect_comp_status(code, "p", "stopped");
}

static void
test_late_component_and_supplement(void **state)
{
	char code[32], cb[32];
	struct http_res *r, *h;
	json_t *c;
	char due1[40], due2[40], bdue[40];

	(void)state;
	at("2025-03-17T09:00:00+07:00"); /* Monday */
	receive_bundle("lt-test", code);
	/* A's share (2 days) ends Wednesday 17:00; finished Thursday: late. */
	at("2025-03-20T09:00:00+07:00");
	finish_a(code);
	c = comp(code, "a", &h);
	assert_string_equal(jstr(c, "result"), "late");
	http_res_free(h);
	/* B at the other agency starts Thursday with its own share. */
	comp_code(code, "b", cb, NULL);
	act_ok(W_RCV_O, cb, "forward", "");
	r = get_as(W_ADM, code);
	snprintf(due1, sizeof(due1), "%s", jstr(r->json, "due_at"));
	http_res_free(r);
	c = comp(code, "b", &h);
	snprintf(bdue, sizeof(bdue), "%s", jstr(c, "due_at"));
	http_res_free(h);
	/* A supplement in B stops and restarts only B's clock. */
	xact_ok(&cv_other, cb, "request_supplement", "\"missing\": [\"Bản sao sổ hộ khẩu\"]");
	at("2025-03-26T09:00:00+07:00");
	act_ok(W_RCV_O, cb, "supplement", "");
	c = comp(code, "b", &h);
	assert_string_not_equal(jstr(c, "due_at"), bdue);
	http_res_free(h);
	r = get_as(W_ADM, code);
	snprintf(due2, sizeof(due2), "%s", jstr(r->json, "due_at"));
	if (strcmp(due2, due1) <= 0)
		fail_msg("bundle due not recomputed: %s then %s", due1, due2);
	http_res_free(r);
	c = comp(code, "a", &h);
	assert_string_equal(jstr(c, "result"), "late"); /* A's figures unchanged */
	http_res_free(h);
	/* B finished in its share: B's agency is not late. */
	act_ok(W_RCV_O, cb, "forward", "");
	act_ok(W_RCV_O, cb, "result_ready", "");
	c = comp(code, "b", &h);
	assert_string_not_equal(jstr(c, "result"), "late");
	http_res_free(h);
}

static void
test_external_outcome_auth_and_replay(void **state)
{
	char code[32], cp[32];
	int64_t pid;
	struct http_res *r, *r2;
	const char *body = "{\"outcome\": \"result_ready\", \"outputs\": {\"so_p\": \"CT-9\"}}";

	(void)state;
	at("2025-04-01T09:00:00+07:00");
	receive_bundle("lt-test", code);
	comp_code(code, "p", cp, &pid);
	/* Not started yet. */
	r = outcome(tok_pol, code, pid, body, NULL);
	expect(r, 409);
	http_res_free(r);
	finish_a(code);
	/* Another agency's token, a token without the scope, a session. */
	r = outcome(tok_other, code, pid, body, "x1");
	expect(r, 403);
	http_res_free(r);
	r = outcome(token_hdr, code, pid, body, "x1");
	expect(r, 403);
	http_res_free(r);
	expect_comp_status(code, "p", "received");
	/* Outcome, then the same key again: same answer, no second effect. */
	r = outcome(tok_pol, code, pid, body, "same-key");
	expect(r, 200);
	r2 = outcome(tok_pol, code, pid, body, "same-key");
	expect(r2, 200);
	assert_string_equal(r->body, r2->body);
	assert_non_null(http_header(r2, "Idempotent-Replayed"));
	http_res_free(r2);
	http_res_free(r);
	r = get_as(W_ADM, cp);
	{
		json_t *hist = json_object_get(r->json, "history"), *e;
		size_t i;
		int n = 0;

		json_array_foreach(hist, i, e)
			n += strcmp(jstr(e, "action"), "result_ready") == 0;
		assert_int_equal(n, 1);
	}
	http_res_free(r);
	/* A new key on a finished component: a conflict, nothing changes. */
	r = outcome(tok_pol, code, pid, body, "other-key");
	expect(r, 409);
	http_res_free(r);
}

/* ---- webhooks ------------------------------------------------------------------- */

static void
test_webhook_down_then_up(void **state)
{
	static char url[80];
	static const char *args[] = { "--data", data_arg, "--calendar_sync_seconds", "0",
		"--dossier_scan_seconds", "0", "--session_idle_timeout", "86400", FAST_ARGON,
		"--bundle_webhook_url", url, "--bundle_webhook_secret", "bi-mat-thu",
		"--bundle_webhook_retry_seconds", "1", "--bundle_webhook_retry_max_seconds", "1",
		NULL };
	char code[32], want[65];
	struct webhook_rx *rx;
	struct webhook_req q = { 0 };
	int port, got = 0;
	int64_t first_id = 0;

	(void)state;
	/* A free port nobody listens on yet. */
	port = webhook_rx_free_port();
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook", port);
	at_args("2025-04-07T09:00:00+07:00", args);
	receive_bundle("lt-ext", code); /* x1 and x2 start together: two hand-offs */
	usleep(2500 * 1000); /* the server tries and fails */
	rx = webhook_rx_open(port);
	/* Earlier tests' hand-offs (no URL then) come first, all in order. */
	for (int i = 0; i < 12 && got < 2; i++) {
		const char *sig;
		json_t *j;

		if (!webhook_rx_accept(rx, 15000, &q))
			fail_msg("webhook %d not delivered", i);
		assert_string_equal(q.method, "POST");
		assert_string_equal(q.path, "/hook");
		sig = webhook_req_header(&q, "X-Motcua-Signature");
		assert_non_null(sig);
		bundle_hook_sign("bi-mat-thu", q.body, q.len, want);
		assert_true(strncmp(sig, "sha256=", 7) == 0);
		assert_string_equal(sig + 7, want);
		j = json_loads(q.body, 0, NULL);
		assert_non_null(j);
		assert_string_equal(jstr(j, "type"), "bundle.handoff");
		assert_true(jint(j, "id") > first_id);
		first_id = jint(j, "id");
		/* The headers say what the body says (receivers route on them). */
		assert_non_null(webhook_req_header(&q, "X-Motcua-Event-Id"));
		assert_int_equal(strtoll(webhook_req_header(&q, "X-Motcua-Event-Id"), NULL, 10),
		    first_id);
		assert_string_equal(webhook_req_header(&q, "X-Motcua-Event"), "bundle.handoff");
		if (strcmp(sub(j, "data", "bundle"), code) == 0) {
			assert_string_equal(sub(j, "data", "component"), got == 0 ? "x1" : "x2");
			assert_non_null(json_object_get(j, "applicant"));
			got++;
		}
		json_decref(j);
		webhook_req_clear(&q);
	}
	/* Delivered once: nothing more arrives. */
	assert_int_equal(webhook_rx_accept(rx, 3000, &q), 0);
	assert_int_equal(got, 2);
	webhook_rx_close(rx);
	at(NULL);
}

/* A group whose desk-handled component the desk may not decide is refused
 * before anything is written; the desk's numbering goes on unbroken. */
static void
test_desk_competence(void **state)
{
	char *b = body_for("lt-wrong-desk", "counter", "");
	struct http_res *r;
	char code[32];

	(void)state;
	at("2025-04-02T09:00:00+07:00");
	r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	expect(r, 422);
	assert_non_null(strstr(r->body, "BT-B"));
	http_res_free(r);
	free(b);
	receive_bundle("lt-test", code);
	assert_string_equal(code + 14, "250402-0001");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_definitions),
		cmocka_unit_test(test_sequential_parallel_to_completion),
		cmocka_unit_test(test_rejected_component_ends_bundle),
		cmocka_unit_test(test_late_component_and_supplement),
		cmocka_unit_test(test_external_outcome_auth_and_replay),
		cmocka_unit_test(test_desk_competence),
		cmocka_unit_test(test_webhook_down_then_up),
	};

	return HARNESS_RUN(tests, setup, group_teardown);
}
