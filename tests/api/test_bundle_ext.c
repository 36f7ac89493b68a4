/*
 * External systems of interlinked procedures and the work queue's waiting
 * components, through the real binary on SQLite and PostgreSQL:
 *  - the administration of external systems (API and CLI): bad input is a
 *    problem+json naming the field and writes nothing, only province-wide
 *    administrators write, secrets never come back after creation;
 *  - delivery per system: two receivers on two loopback ports, each gets
 *    only its own system's events, signed with its own secret; a rotation
 *    applies to the next delivery; a disabled system's events wait and
 *    go out once it is enabled again, while the other system goes on; an
 *    error answer brings the same event again;
 *  - GET /api/v1/dossiers?waiting=1|0: components waiting for a
 *    predecessor, with what they wait for, scoped like every list.
 */
#include "bundle/bundle.h"
#include "dossier_fixture.h"
#include "webhook_rx.h"

#define C_POL "000.00.40.H19" /* Công an tỉnh: the residence database */
#define C_BHX "000.00.41.H19" /* Bảo hiểm xã hội tỉnh */

/* lt-ext: two external components at once (two systems); lt-wait: an
 * external component of the police, then one of C_OTHER after it. */
static const char ext_catalog[] =
    "{\"format\": \"motcua-catalog/1\","
    " \"agencies\": ["
    "  {\"code\": \"" C_POL "\", \"parent\": \"" C_PROV "\", \"kind\": \"department\","
    "   \"name\": \"Công an tỉnh\"},"
    "  {\"code\": \"" C_BHX "\", \"parent\": \"" C_PROV "\", \"kind\": \"department\","
    "   \"name\": \"Bảo hiểm xã hội tỉnh\"}],"
    " \"bundles\": ["
    "  {\"code\": \"lt-ext\", \"name\": \"Liên thông hai hệ thống ngoài\","
    "   \"time_limit\": {\"value\": 3, \"unit\": \"day\"}, \"components\": ["
    "    {\"key\": \"x1\", \"procedure\": \"BT-P\", \"agency\": \"" C_POL "\", \"share\": 3,"
    "     \"external\": \"police-residence\"},"
    "    {\"key\": \"x2\", \"procedure\": \"BT-I\", \"agency\": \"" C_BHX "\", \"share\": 3,"
    "     \"external\": \"social-insurance\"}]},"
    "  {\"code\": \"lt-wait\", \"name\": \"Liên thông chờ thủ tục trước\","
    "   \"time_limit\": {\"value\": 5, \"unit\": \"day\"}, \"components\": ["
    "    {\"key\": \"tt\", \"name\": \"Đăng ký thường trú\", \"procedure\": \"BT-P\","
    "     \"agency\": \"" C_POL "\", \"share\": 2, \"external\": \"police-residence\"},"
    "    {\"key\": \"xd\", \"procedure\": \"BT-B\", \"agency\": \"" C_OTHER "\", \"share\": 3,"
    "     \"after\": [\"tt\"]}]}],"
    " \"procedures\": ["
    BT_PROC("BT-B", "Thủ tục thành phần B", C_OTHER) ","
    BT_PROC("BT-P", "Đăng ký thường trú (thử)", C_POL) ","
    BT_PROC("BT-I", "Cấp thẻ bảo hiểm y tế (thử)", C_BHX)
    " ]}";

#define SECRET_POL "bi-mat-cong-an-0123456789abcdefghijklmn"
#define SECRET_POL2 "bi-mat-cong-an-moi-9876543210zyxwvutsrqp"
#define SECRET_BHX "bi-mat-bao-hiem-0123456789abcdefghijklm"

static char tok_pol[160];
static char url_pol[80], url_bhx[80];
static struct webhook_rx *rx_pol, *rx_bhx;
static const char *srv_args_hook[] = { "--data", data_arg, "--calendar_sync_seconds", "0",
	"--dossier_scan_seconds", "0", "--session_idle_timeout", "86400", FAST_ARGON,
	"--bundle_webhook_retry_seconds", "1", "--bundle_webhook_retry_max_seconds", "1",
	"--bundle_webhook_timeout", "2", NULL };

/* Wait on rx for the hand-off of component `key` of bundle dossier `code`:
 * every request that arrives must be a POST to the system's own path, for
 * `system` and signed with `secret` (earlier bundles' events may come
 * first, in order).  Returns the event's id. */
static int64_t
expect_handoff(struct webhook_rx *rx, const char *path, const char *system,
    const char *secret, const char *code, const char *key)
{
	struct webhook_req q = { 0 };
	char want[65];
	int64_t last = 0;

	for (int i = 0; i < 20; i++) {
		const char *sig;
		json_t *j;
		int mine;

		if (!webhook_rx_accept(rx, 15000, &q))
			fail_msg("no hand-off of %s/%s reached %s", code, key, system);
		assert_string_equal(q.method, "POST");
		assert_string_equal(q.path, path);
		bundle_hook_sign(secret, q.body, q.len, want);
		sig = webhook_req_header(&q, "X-Motcua-Signature");
		if (sig == NULL || strncmp(sig, "sha256=", 7) != 0 || strcmp(sig + 7, want) != 0)
			fail_msg("%s: signature %s is not the HMAC with its own secret", system,
			    sig ? sig : "(none)");
		j = json_loads(q.body, 0, NULL);
		assert_non_null(j);
		assert_string_equal(sub(j, "data", "external"), system);
		assert_true(jint(j, "id") > last); /* in order */
		last = jint(j, "id");
		mine = strcmp(sub(j, "data", "bundle"), code) == 0 &&
		    strcmp(sub(j, "data", "component"), key) == 0;
		json_decref(j);
		webhook_req_clear(&q);
		if (mine)
			return last;
	}
	fail_msg("too many hand-offs before %s/%s", code, key);
	return 0;
}

static void
expect_quiet(struct webhook_rx *rx, int ms)
{
	struct webhook_req q = { 0 };

	if (webhook_rx_accept(rx, ms, &q))
		fail_msg("unexpected delivery: %s", q.body);
}

static char *
token_for(const char *name, const char *scopes, const char *agency)
{
	return srv_token_header(g, name, scopes, agency);
}

static int
setup(void **state)
{
	char *file, *t;

	group_setup(state);
	file = harness_strdupf("%s/bundles.json", harness_tmpdir());
	harness_write_file(file, ext_catalog);
	srv_terminate(g, SIGTERM, 15000);
	g->pid = 0;
	cli_ok((const char *const[]){ "catalog", "import", file, "--db", srv_db_url(g), NULL });
	free(file);
	t = token_for("Hệ thống cư trú", "bundle.outcome", C_POL);
	snprintf(tok_pol, sizeof(tok_pol), "%s", t);
	free(t);
	/* The two receivers listen from the start. */
	rx_pol = webhook_rx_open(0);
	rx_bhx = webhook_rx_open(0);
	webhook_rx_url(rx_pol, "/cu-tru", url_pol, sizeof(url_pol));
	webhook_rx_url(rx_bhx, "/bhxh", url_bhx, sizeof(url_bhx));
	at_args("2025-04-07T09:00:00+07:00", srv_args_hook);
	return 0;
}

static int
teardown(void **state)
{
	webhook_rx_close(rx_pol);
	webhook_rx_close(rx_bhx);
	return group_teardown(state);
}

static void
receive_bundle(const char *bcode, char out[32])
{
	char *b = body_for(bcode, "counter", "");
	struct http_res *r = as(W_RCV, "POST", "/api/v1/dossiers", b);

	expect(r, 201);
	assert_string_equal(jstr(r->json, "kind"), "bundle");
	snprintf(out, 32, "%s", jstr(r->json, "code"));
	http_res_free(r);
	free(b);
}

static struct http_res *
systems(enum who w)
{
	return as(w, "GET", "/api/v1/external-systems", NULL);
}

/* The system `code` of the list (borrowed from *holder). */
static json_t *
system_of(const char *code, struct http_res **holder)
{
	json_t *s;
	size_t i;

	*holder = systems(W_ADM);
	expect(*holder, 200);
	json_array_foreach(json_object_get((*holder)->json, "items"), i, s)
		if (strcmp(jstr(s, "code"), code) == 0)
			return s;
	return NULL;
}

static int
has_param(struct http_res *r, const char *name)
{
	json_t *p;
	size_t i;

	json_array_foreach(json_object_get(r->json, "invalid_params"), i, p)
		if (strcmp(jstr(p, "name"), name) == 0)
			return 1;
	return 0;
}

/* ---- administration -------------------------------------------------------------- */

static void
test_admin_validation_and_roles(void **state)
{
	struct http_res *r;
	json_t *s;

	(void)state;
	/* Bad input: every field named, nothing written. */
	r = as(W_ADM, "POST", "/api/v1/external-systems", "{\"code\": \"Police Residence\","
	    " \"name\": \"\", \"agency\": \"999.99.99.H19\", \"webhook_url\": "
	    "\"http://example.com/hook\", \"secret\": \"ngan\", \"enabled\": \"yes\"}");
	expect(r, 400);
	assert_non_null(strstr(http_header(r, "Content-Type"), "application/problem+json"));
	assert_true(has_param(r, "code"));
	assert_true(has_param(r, "name"));
	assert_true(has_param(r, "agency"));
	assert_true(has_param(r, "webhook_url"));
	assert_true(has_param(r, "secret"));
	assert_true(has_param(r, "enabled"));
	http_res_free(r);
	r = as(W_ADM, "POST", "/api/v1/external-systems", "{\"code\": \"tax\", \"name\": \"Thuế\","
	    " \"agency\": \"" C_PROV "\", \"webhook_url\": \"https://user:pw@thue.example/h\"}");
	expect(r, 400);
	assert_true(has_param(r, "webhook_url"));
	http_res_free(r);
	r = systems(W_ADM);
	expect(r, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
	http_res_free(r);
	/* Only the province's administrators write; the inspector reads. */
	r = as(W_AAD, "POST", "/api/v1/external-systems", "{\"code\": \"tax\", \"name\": \"Thuế\","
	    " \"agency\": \"" C_PROV "\", \"webhook_url\": \"https://thue.example/h\"}");
	expect(r, 403);
	http_res_free(r);
	r = systems(W_AAD);
	expect(r, 403);
	http_res_free(r);
	r = as(W_INS, "POST", "/api/v1/external-systems", "{\"code\": \"tax\", \"name\": \"Thuế\","
	    " \"agency\": \"" C_PROV "\", \"webhook_url\": \"https://thue.example/h\"}");
	expect(r, 403);
	http_res_free(r);
	r = systems(W_INS);
	expect(r, 200);
	http_res_free(r);
	/* A generated secret is shown once, as 256 bits in hex. */
	r = as(W_ADM, "POST", "/api/v1/external-systems", "{\"code\": \"tax\", \"name\": "
	    "\"Hệ thống quản lý thuế\", \"agency\": \"" C_PROV "\", \"webhook_url\": "
	    "\"https://thue.example/motcua\"}");
	expect(r, 201);
	assert_int_equal(strlen(jstr(r->json, "secret")), 64);
	s = json_object_get(r->json, "system");
	assert_string_equal(jstr(s, "code"), "tax");
	assert_int_equal(strlen(jstr(s, "secret_fingerprint")), 16);
	assert_true(json_is_true(json_object_get(s, "enabled")));
	assert_null(json_object_get(s, "secret"));
	http_res_free(r);
	/* The same code again: a conflict. */
	r = as(W_ADM, "POST", "/api/v1/external-systems", "{\"code\": \"tax\", \"name\": \"Thuế\","
	    " \"agency\": \"" C_PROV "\", \"webhook_url\": \"https://thue.example/h\"}");
	expect(r, 409);
	http_res_free(r);
	/* PATCH: only what may change; bad input writes nothing. */
	r = as(W_ADM, "PATCH", "/api/v1/external-systems/tax", "{\"webhook_url\": \"ftp://x\","
	    " \"secret\": \"" SECRET_POL "\"}");
	expect(r, 400);
	assert_true(has_param(r, "webhook_url"));
	assert_true(has_param(r, "secret"));
	http_res_free(r);
	r = as(W_ADM, "PATCH", "/api/v1/external-systems/tax", "{\"webhook_url\": "
	    "\"https://thue-moi.example/motcua\"}");
	expect(r, 200);
	assert_string_equal(jstr(r->json, "webhook_url"), "https://thue-moi.example/motcua");
	http_res_free(r);
	r = as(W_ADM, "POST", "/api/v1/external-systems/khong-co/rotate", NULL);
	expect(r, 404);
	http_res_free(r);
	/* The list never holds a secret. */
	r = systems(W_ADM);
	assert_null(strstr(r->body, "\"secret\""));
	http_res_free(r);
}

static void
test_cli(void **state)
{
	struct cli_res c;
	struct http_res *r;
	json_t *s;

	(void)state;
	/* A secret on the command line is refused (shell history, ps). */
	motcua_run((const char *const[]){ "bundle", "external", "add", "--code", "dat-dai",
	    "--name", "Hệ thống đất đai", "--agency", C_PROV, "--url", "https://dat.example/h",
	    "--secret", SECRET_POL, "--db", srv_db_url(g), NULL }, &c, 60000);
	assert_int_not_equal(c.status, 0);
	cli_res_free(&c);
	motcua_run((const char *const[]){ "bundle", "external", "add", "--code", "dat-dai",
	    "--name", "Hệ thống đất đai", "--agency", C_PROV, "--url", "https://dat.example/h",
	    "--db", srv_db_url(g), NULL }, &c, 60000);
	if (c.status != 0)
		fail_msg("bundle external add: %s", c.err);
	assert_non_null(strstr(c.out, "dat-dai"));
	cli_res_free(&c);
	cli_ok((const char *const[]){ "bundle", "external", "disable", "dat-dai", "--db",
	    srv_db_url(g), NULL });
	s = system_of("dat-dai", &r);
	assert_non_null(s);
	assert_true(json_is_false(json_object_get(s, "enabled")));
	assert_string_equal(sub(s, "agency", "code"), C_PROV);
	http_res_free(r);
}

/* ---- delivery per system ---------------------------------------------------------- */

static void
test_two_receivers_rotation_disable(void **state)
{
	char code[32], body[512];
	struct http_res *r;
	json_t *s;
	int pending = -1;

	(void)state;
	snprintf(body, sizeof(body), "{\"code\": \"police-residence\", \"name\": \"Cơ sở dữ liệu "
	    "quốc gia về cư trú\", \"agency\": \"" C_POL "\", \"webhook_url\": \"%s\", \"secret\": "
	    "\"" SECRET_POL "\"}", url_pol);
	r = as(W_ADM, "POST", "/api/v1/external-systems", body);
	expect(r, 201);
	assert_null(json_object_get(r->json, "secret")); /* given, so not echoed */
	http_res_free(r);
	snprintf(body, sizeof(body), "{\"code\": \"social-insurance\", \"name\": \"Hệ thống "
	    "bảo hiểm xã hội\", \"agency\": \"" C_BHX "\", \"webhook_url\": \"%s\", \"secret\": "
	    "\"" SECRET_BHX "\"}", url_bhx);
	r = as(W_ADM, "POST", "/api/v1/external-systems", body);
	expect(r, 201);
	http_res_free(r);

	/* Each receiver gets its own system's hand-off, with its own key. */
	receive_bundle("lt-ext", code);
	expect_handoff(rx_pol, "/cu-tru", "police-residence", SECRET_POL, code, "x1");
	expect_handoff(rx_bhx, "/bhxh", "social-insurance", SECRET_BHX, code, "x2");
	expect_quiet(rx_pol, 1500);
	expect_quiet(rx_bhx, 500);

	/* A rotation applies to the next delivery. */
	r = as(W_ADM, "POST", "/api/v1/external-systems/police-residence/rotate",
	    "{\"secret\": \"" SECRET_POL2 "\"}");
	expect(r, 200);
	assert_null(json_object_get(r->json, "secret"));
	http_res_free(r);
	receive_bundle("lt-ext", code);
	expect_handoff(rx_pol, "/cu-tru", "police-residence", SECRET_POL2, code, "x1");
	expect_handoff(rx_bhx, "/bhxh", "social-insurance", SECRET_BHX, code, "x2");

	/* A disabled system's events wait; the other system goes on. */
	r = as(W_ADM, "POST", "/api/v1/external-systems/social-insurance/disable", NULL);
	expect(r, 200);
	assert_true(json_is_false(json_object_get(r->json, "enabled")));
	http_res_free(r);
	receive_bundle("lt-ext", code);
	expect_handoff(rx_pol, "/cu-tru", "police-residence", SECRET_POL2, code, "x1");
	expect_quiet(rx_bhx, 2500);
	for (int i = 0; i < 50 && pending != 1; i++) {
		s = system_of("social-insurance", &r);
		pending = (int)jint(json_object_get(s, "pending"), "events");
		http_res_free(r);
		if (pending != 1)
			usleep(200 * 1000);
	}
	assert_int_equal(pending, 1); /* visible to the administrator */
	r = as(W_ADM, "POST", "/api/v1/external-systems/social-insurance/enable", NULL);
	expect(r, 200);
	http_res_free(r);
	expect_handoff(rx_bhx, "/bhxh", "social-insurance", SECRET_BHX, code, "x2");
	expect_quiet(rx_bhx, 1500);
	expect_quiet(rx_pol, 500);
}

/* A receiver that answers an error gets the same event again (nothing of
 * its system overtakes it); the other system is not held up. */
static void
test_receiver_error_retried(void **state)
{
	char code[32];
	int64_t id;
	int before = webhook_rx_count(rx_pol);

	(void)state;
	webhook_rx_set_status(rx_pol, 503);
	receive_bundle("lt-ext", code);
	id = expect_handoff(rx_pol, "/cu-tru", "police-residence", SECRET_POL2, code, "x1");
	expect_handoff(rx_bhx, "/bhxh", "social-insurance", SECRET_BHX, code, "x2");
	webhook_rx_set_status(rx_pol, 200);
	assert_int_equal(expect_handoff(rx_pol, "/cu-tru", "police-residence", SECRET_POL2, code,
	    "x1"), id);
	assert_int_equal(webhook_rx_count(rx_pol), before + 2); /* the refusal and the retry */
	expect_quiet(rx_pol, 1500);
	expect_quiet(rx_bhx, 500);
}

/* ---- the waiting filter ------------------------------------------------------------ */

/* The items of GET path as w (caller frees *holder). */
static json_t *
list_as(enum who w, const char *path, struct http_res **holder)
{
	*holder = as(w, "GET", path, NULL);
	expect(*holder, 200);
	return json_object_get((*holder)->json, "items");
}

/* The item of procedure proc in items, or NULL. */
static json_t *
item_of(json_t *items, const char *proc, const char *not_code)
{
	json_t *o;
	size_t i;

	json_array_foreach(items, i, o)
		if (strcmp(sub(o, "procedure", "code"), proc) == 0 && (not_code == NULL ||
		    strcmp(jstr(o, "code"), not_code) != 0))
			return o;
	return NULL;
}

static void
test_waiting_filter(void **state)
{
	char code[32], *path, *ob;
	struct http_res *r, *d;
	json_t *items, *o, *wf, *c;
	int64_t tt_id = 0;
	size_t i;

	(void)state;
	receive_bundle("lt-wait", code);
	/* The admin: the C_OTHER component waits for the police's. */
	items = list_as(W_ADM, "/api/v1/dossiers?waiting=1", &r);
	o = item_of(items, "BT-B", NULL);
	assert_non_null(o);
	assert_true(json_is_true(json_object_get(o, "waiting")));
	assert_string_equal(jstr(o, "status"), "submitted");
	wf = json_object_get(o, "waiting_for");
	assert_int_equal(json_array_size(wf), 1);
	assert_string_equal(jstr(json_array_get(wf, 0), "key"), "tt");
	assert_string_equal(jstr(json_array_get(wf, 0), "name"), "Đăng ký thường trú");
	assert_string_equal(jstr(json_array_get(wf, 0), "agency"), "Công an tỉnh");
	assert_null(item_of(items, "BT-P", NULL)); /* started: not waiting */
	json_array_foreach(items, i, o)
		assert_true(json_is_true(json_object_get(o, "waiting")));
	http_res_free(r);
	/* waiting=0: the same list without them. */
	items = list_as(W_ADM, "/api/v1/dossiers?waiting=0&limit=500", &r);
	assert_null(item_of(items, "BT-B", NULL));
	assert_non_null(item_of(items, "BT-P", NULL));
	http_res_free(r);
	/* Scoped as always: C_OTHER's receiver sees its waiting component,
	 * the lead agency's specialist does not. */
	items = list_as(W_RCV_O, "/api/v1/dossiers?waiting=1", &r);
	assert_non_null(item_of(items, "BT-B", NULL));
	http_res_free(r);
	items = list_as(W_SPC, "/api/v1/dossiers?waiting=1", &r);
	assert_null(item_of(items, "BT-B", NULL));
	http_res_free(r);
	/* A bad value: problem+json naming the parameter. */
	r = as(W_ADM, "GET", "/api/v1/dossiers?waiting=yes", NULL);
	expect(r, 400);
	assert_true(has_param(r, "waiting"));
	http_res_free(r);
	/* The predecessor's outcome starts it: no longer waiting. */
	d = get_as(W_ADM, code);
	expect(d, 200);
	json_array_foreach(json_object_get(d->json, "components"), i, c)
		if (strcmp(jstr(c, "key"), "tt") == 0)
			tt_id = jint(c, "id");
	http_res_free(d);
	assert_true(tt_id > 0);
	path = harness_strdupf("/api/v1/bundles/%s/components/%lld/outcome", code,
	    (long long)tt_id);
	ob = "{\"outcome\": \"result_ready\", \"reference\": \"CT-2025-1\"}";
	r = http_req(g, "POST", path, (const char *const[]){ tok_pol, JSON_CT, NULL }, ob);
	expect(r, 200);
	http_res_free(r);
	free(path);
	items = list_as(W_ADM, "/api/v1/dossiers?waiting=1", &r);
	o = item_of(items, "BT-B", NULL);
	assert_null(o);
	http_res_free(r);
	items = list_as(W_RCV_O, "/api/v1/dossiers?waiting=0", &r);
	o = item_of(items, "BT-B", NULL);
	assert_non_null(o);
	assert_true(json_is_false(json_object_get(o, "waiting")));
	assert_string_equal(jstr(o, "status"), "received");
	http_res_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_admin_validation_and_roles),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_two_receivers_rotation_disable),
		cmocka_unit_test(test_receiver_error_retried),
		cmocka_unit_test(test_waiting_filter),
	};

	return HARNESS_RUN(tests, setup, teardown);
}
