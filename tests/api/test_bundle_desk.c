/*
 * The desk's and the applicant's side of interlinked dossiers (bundle
 * slice, docs/BUNDLE.md §3-§4) through the real binary, on SQLite and
 * PostgreSQL: an online submission of a bundle awaiting the desk's
 * receive / request_supplement / refuse on the parent (components start,
 * and the clock runs, from the desk's receive); Mẫu 02 and Mẫu 03 for a
 * whole bundle at the counter, each missing item attributed to its
 * component; the applicant's withdrawal of the whole application; the
 * desk's one apology (Mẫu 04) on the parent naming the late agency.  Bad
 * input is a problem+json and writes nothing.
 */
#include "bundle/bundle.h"
#include "dossier_fixture.h"

#define C_POL "000.00.40.H19" /* Công an tỉnh: external residence database */

/* lt-desk: A (C_LEAD, via the desk) and P (the police, external) start
 * together, B (C_OTHER) after A.  lt-counter-only: a component that takes
 * no online applications. */
static const char desk_catalog[] =
    "{\"format\": \"motcua-catalog/1\","
    " \"agencies\": ["
    "  {\"code\": \"" C_POL "\", \"parent\": \"" C_PROV "\", \"kind\": \"department\","
    "   \"name\": \"Công an tỉnh\"}],"
    " \"bundles\": ["
    "  {\"code\": \"lt-desk\", \"name\": \"Liên thông một cửa thử nghiệm\","
    "   \"time_limit\": {\"value\": 6, \"unit\": \"day\"}, \"components\": ["
    "    {\"key\": \"a\", \"name\": \"Thủ tục A\", \"procedure\": \"BD-A\","
    "     \"agency\": \"served:" C_PROV "\", \"share\": 2, \"release\": true},"
    "    {\"key\": \"b\", \"name\": \"Thủ tục B\", \"procedure\": \"BD-B\","
    "     \"agency\": \"" C_OTHER "\", \"share\": 3, \"after\": [\"a\"]},"
    "    {\"key\": \"p\", \"name\": \"Đăng ký cư trú\", \"procedure\": \"BD-P\","
    "     \"agency\": \"" C_POL "\", \"share\": 2, \"external\": \"police-residence\"}]},"
    "  {\"code\": \"lt-counter-only\", \"name\": \"Liên thông chỉ nộp tại quầy\","
    "   \"time_limit\": {\"value\": 3, \"unit\": \"day\"}, \"components\": ["
    "    {\"key\": \"c\", \"procedure\": \"BD-C\", \"agency\": \"served:" C_PROV "\","
    "     \"share\": 1},"
    "    {\"key\": \"b\", \"procedure\": \"BD-B\", \"agency\": \"" C_OTHER "\", \"share\": 1,"
    "     \"after\": [\"c\"]}]}],"
    " \"procedures\": ["
#define BD_PROC(code, name, lead, online, channels, doc) \
    "  {\"code\": \"" code "\", \"name\": \"" name "\", \"field\": \"tu-phap\"," \
    "   \"levels\": [\"province\"], \"agencies\": {\"lead\": [\"" lead "\"]}," \
    "   \"time_limit\": {\"value\": 5, \"unit\": \"day\"}," \
    "   \"online\": " online ", \"channels\": [" channels "]," \
    "   \"documents\": [{\"name\": \"" doc "\", \"originals\": 1, \"copies\": 0}]," \
    "   \"steps\": [{\"name\": \"Tiếp nhận\", \"unit\": \"Văn thư\", \"role\": \"receiver\"," \
    "     \"hours\": 2}, {\"name\": \"Giải quyết\", \"unit\": \"Phòng chuyên môn\"," \
    "     \"role\": \"specialist\", \"hours\": 16}]," \
    "   \"legal_basis\": [{\"ref\": \"61/2018/NĐ-CP\", \"title\": \"Nghị định một cửa\"}]," \
    "   \"effective_from\": \"2020-01-01\", \"decision\": \"Quyết định thử nghiệm\"}"
#define ON3 "{\"level\": 3, \"class\": \"partial\"}"
#define ALL_CH "\"counter\", \"post\", \"online\""
    BD_PROC("BD-A", "Thủ tục thành phần A", C_LEAD, ON3, ALL_CH, "Tờ khai A") ","
    BD_PROC("BD-B", "Thủ tục thành phần B", C_OTHER, ON3, ALL_CH, "Giấy tờ B") ","
    BD_PROC("BD-P", "Đăng ký thường trú (thử)", C_POL, ON3, ALL_CH, "Giấy xác nhận cư trú") ","
    BD_PROC("BD-C", "Thủ tục chỉ tại quầy", C_LEAD, "{\"level\": 2, \"class\": \"none\"}",
    "\"counter\"", "Tờ khai C")
    " ]}";

static char tok_pol[160];

/* A receiver at the lead agency (component A is received there). */
static struct {
	char cookie[128], csrf[128];
	unsigned gen;
} tn_lead;

static void
lead_act_ok(const char *code, const char *action)
{
	char *path = harness_strdupf("/api/v1/dossiers/%s/actions", code);
	char *body = harness_strdupf("{\"action\": \"%s\", \"version\": %lld}", action,
	    (long long)version_of(code));
	struct http_res *r;

	if (tn_lead.gen != srv_gen) {
		r = http_json(g, "POST", "/api/v1/auth/login", "{\"username\": \"tn_lead\", "
		    "\"password\": \"" PW "\"}");
		expect(r, 200);
		snprintf(tn_lead.cookie, sizeof(tn_lead.cookie), "Cookie: %.*s",
		    (int)strcspn(http_header(r, "Set-Cookie"), ";"), http_header(r, "Set-Cookie"));
		snprintf(tn_lead.csrf, sizeof(tn_lead.csrf), "X-CSRF-Token: %s",
		    jstr(r->json, "csrf_token"));
		tn_lead.gen = srv_gen;
		http_res_free(r);
	}
	r = http_req(g, "POST", path, (const char *const[]){ tn_lead.cookie, tn_lead.csrf,
	    JSON_CT, NULL }, body);
	if (r->status != 200)
		fail_msg("%s %s by tn_lead: %ld %s", action, code, r->status, r->body);
	http_res_free(r);
	free(path);
	free(body);
}

static int
setup(void **state)
{
	char *file = harness_strdupf("%s/bundles.json", harness_tmpdir());
	struct cli_res r;

	group_setup(state);
	harness_write_file(file, desk_catalog);
	at(NULL);
	srv_terminate(g, SIGTERM, 15000);
	g->pid = 0;
	cli_ok((const char *const[]){ "catalog", "import", file, "--db", srv_db_url(g), NULL });
	free(file);
	motcua_run((const char *const[]){ "token", "create", "--name", "Hệ thống cư trú",
	    "--scopes", "bundle.outcome", "--agency", C_POL, "--db", srv_db_url(g), NULL }, &r,
	    60000);
	if (r.status != 0)
		fail_msg("token create failed: %s", r.err);
	snprintf(tok_pol, sizeof(tok_pol), "Authorization: Bearer %.*s",
	    (int)strcspn(r.out, "\r\n \t"), r.out);
	cli_res_free(&r);
	at(NULL);
	{
		struct http_res *c = as(W_ADM, "POST", "/api/v1/users", "{\"username\": "
		    "\"tn_lead\", \"password\": \"" PW "\", \"role\": \"receiver\", "
		    "\"full_name\": \"Cán Bộ Thử Nghiệm\", \"agency\": \"" C_LEAD "\"}");

		expect(c, 201);
		http_res_free(c);
	}
	return 0;
}

/* ---- helpers ---------------------------------------------------------------- */

static json_t *
comp_of(json_t *d, const char *key)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(d, "components"), i, c)
		if (strcmp(jstr(c, "key"), key) == 0)
			return c;
	fail_msg("no component %s", key);
	return NULL;
}

static void
expect_comp(const char *code, const char *key, const char *status)
{
	struct http_res *r = get_as(W_ADM, code);
	json_t *c;

	expect(r, 200);
	c = comp_of(r->json, key);
	if (strcmp(jstr(c, "status"), status) != 0)
		fail_msg("component %s of %s: want %s, got %s", key, code, status, jstr(c, "status"));
	http_res_free(r);
}

static void
expect_status(const char *code, const char *status)
{
	struct http_res *r = get_as(W_ADM, code);

	expect(r, 200);
	expect_field(r, "status", status);
	http_res_free(r);
}

/* 1 if the dossier's allowed_actions (as w) hold action. */
static int
allows(enum who w, const char *code, const char *action)
{
	struct http_res *r = get_as(w, code);
	json_t *a;
	size_t i;
	int found = 0;

	expect(r, 200);
	json_array_foreach(json_object_get(r->json, "allowed_actions"), i, a)
		found |= strcmp(jstr(a, "action"), action) == 0;
	http_res_free(r);
	return found;
}

/* Submit lt-desk online through the portal's token; the code into out. */
static void
submit_online(char out[32])
{
	char *b = body_for("lt-desk", "online", "");
	struct http_res *r = as_token("POST", "/api/v1/dossiers", b);

	expect(r, 201);
	expect_field(r, "kind", "bundle");
	expect_field(r, "status", "submitted");
	expect_field(r, "outcome", "submitted");
	assert_true(json_is_null(json_object_get(r->json, "receipt")));
	assert_true(json_is_null(json_object_get(r->json, "received_at")));
	assert_int_equal(json_array_size(json_object_get(r->json, "components")), 3);
	snprintf(out, 32, "%s", jstr(r->json, "code"));
	http_res_free(r);
	free(b);
}

/* The desk's next code of the day must end in want: nothing was written
 * by the refused requests before it. */
static void
expect_next_seq(const char *want)
{
	char *b = body_for("lt-desk", "counter", "");
	struct http_res *r = as(W_RCV, "POST", "/api/v1/dossiers", b);

	expect(r, 201);
	if (strcmp(jstr(r->json, "code") + 21, want) != 0)
		fail_msg("next code %s, want suffix %s", jstr(r->json, "code"), want);
	http_res_free(r);
	free(b);
}

/* ---- 1. online submission ------------------------------------------------------ */

static void
test_online_submission_received_by_desk(void **state)
{
	char code[32], ca[32], *b;
	struct http_res *r;
	json_t *c;

	(void)state;
	at("2025-03-03T09:00:00+07:00");
	submit_online(code);
	assert_string_equal(code + 14, "250303-0001");
	/* Nothing runs before the desk decides: every component waits. */
	r = get_as(W_ADM, code);
	expect(r, 200);
	for (size_t i = 0; i < 3; i++) {
		c = json_array_get(json_object_get(r->json, "components"), i);
		assert_string_equal(jstr(c, "status"), "waiting");
		assert_true(json_is_null(json_object_get(c, "started_at")));
	}
	snprintf(ca, sizeof(ca), "%s", jstr(comp_of(r->json, "a"), "code"));
	http_res_free(r);
	r = act(W_SPC, ca, "forward", "");
	expect(r, 422);
	http_res_free(r);
	/* The desk's decisions are offered on the parent, processing is not. */
	assert_true(allows(W_RCV, code, "receive"));
	assert_true(allows(W_RCV, code, "request_supplement"));
	assert_true(allows(W_RCV, code, "refuse"));
	assert_true(allows(W_RCV, code, "withdraw"));
	assert_false(allows(W_RCV, code, "forward"));

	/* Bad submissions: problem+json, nothing written. */
	b = body_for("lt-desk", "online", "\"outcome\": \"received\"");
	r = as_token("POST", "/api/v1/dossiers", b);
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "outcome");
	http_res_free(r);
	free(b);
	b = body_for("lt-desk", "counter", "");
	r = as_token("POST", "/api/v1/dossiers", b);
	expect(r, 403);
	http_res_free(r);
	free(b);
	b = body_for("lt-counter-only", "online", "");
	r = as_token("POST", "/api/v1/dossiers", b);
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "channel");
	assert_non_null(strstr(r->body, "BD-C"));
	http_res_free(r);
	free(b);
	expect_next_seq("0002");

	/* The next day the desk receives it: the clock runs from now, the
	 * first components start, the receipt is Mẫu 01. */
	at("2025-03-04T09:00:00+07:00");
	act_ok(W_RCV, code, "receive", "");
	r = get_as(W_ADM, code);
	expect(r, 200);
	expect_field(r, "status", "received");
	assert_non_null(strstr(jstr(r->json, "received_at"), "2025-03-04"));
	assert_non_null(strstr(jstr(r->json, "legal_due_at"), "2025-03-12"));
	assert_string_equal(sub(r->json, "receipt", "form"), "01");
	assert_true(json_is_object(json_object_get(r->json, "register")));
	c = comp_of(r->json, "a");
	assert_string_equal(jstr(c, "status"), "received");
	assert_non_null(strstr(jstr(c, "started_at"), "2025-03-04"));
	assert_string_equal(jstr(comp_of(r->json, "p"), "status"), "received");
	assert_string_equal(jstr(comp_of(r->json, "b"), "status"), "waiting");
	http_res_free(r);
	/* Received once: receive again is refused. */
	r = act(W_RCV, code, "receive", "");
	expect(r, 422);
	http_res_free(r);
	at(NULL);
}

static void
test_online_supplement_and_refusal(void **state)
{
	char code[32], code2[32];
	int64_t v;
	struct http_res *r;
	json_t *items, *it;

	(void)state;
	at("2025-03-05T09:00:00+07:00");
	submit_online(code);
	/* An unknown component: 422, nothing written. */
	v = version_of(code);
	r = act(W_RCV, code, "request_supplement", "\"missing\": [{\"name\": \"Tờ khai A\","
	    " \"component\": \"zz\"}]");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "missing[0].component");
	http_res_free(r);
	assert_int_equal(version_of(code), v);
	expect_status(code, "submitted");
	/* Mẫu 02 for the whole group: each item names its component. */
	act_ok(W_RCV, code, "request_supplement", "\"missing\": [\"Giấy tờ B\", {\"name\":"
	    " \"Tờ khai A\", \"reason\": \"chưa ký\"}, {\"name\": \"Giấy uỷ quyền\","
	    " \"component\": \"p\"}, \"Ảnh 4x6\"]");
	r = get_as(W_ADM, code);
	expect(r, 200);
	expect_field(r, "status", "awaiting_supplement");
	assert_string_equal(sub(r->json, "receipt", "form"), "02");
	assert_string_equal(sub(r->json, "receipt", "request"), "Liên thông một cửa thử nghiệm");
	items = json_object_get(json_object_get(r->json, "receipt"), "items");
	assert_int_equal(json_array_size(items), 4);
	it = json_array_get(items, 0);
	assert_string_equal(jstr(it, "component"), "b");
	assert_string_equal(jstr(it, "component_name"), "Thủ tục B");
	assert_string_equal(jstr(json_array_get(items, 1), "component"), "a");
	assert_string_equal(jstr(json_array_get(items, 2), "component_name"), "Đăng ký cư trú");
	assert_null(json_object_get(json_array_get(items, 3), "component"));
	assert_string_equal(jstr(comp_of(r->json, "a"), "status"), "waiting");
	http_res_free(r);
	/* The complete application: received, the components start. */
	at("2025-03-06T10:00:00+07:00");
	act_ok(W_RCV, code, "supplement", "");
	expect_status(code, "received");
	expect_comp(code, "a", "received");
	expect_comp(code, "p", "received");

	/* Mẫu 03 on another online submission: the reason is required. */
	submit_online(code2);
	v = version_of(code2);
	r = act(W_RCV, code2, "refuse", "");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "reason");
	http_res_free(r);
	assert_int_equal(version_of(code2), v);
	act_ok(W_RCV, code2, "refuse", "\"reason\": \"Người nộp không thuộc đối tượng\"");
	r = get_as(W_ADM, code2);
	expect(r, 200);
	expect_field(r, "status", "refused");
	assert_string_equal(sub(r->json, "receipt", "form"), "03");
	assert_string_equal(jstr(comp_of(r->json, "a"), "status"), "stopped");
	assert_string_equal(jstr(comp_of(r->json, "p"), "status"), "stopped");
	assert_string_equal(jstr(comp_of(r->json, "b"), "status"), "stopped");
	http_res_free(r);
	at(NULL);
}

/* ---- 2. Mẫu 02 and Mẫu 03 at the counter ---------------------------------------- */

static void
test_counter_incomplete_and_refused(void **state)
{
	char code[32], *b;
	struct http_res *r;
	json_t *items;

	(void)state;
	at("2025-03-10T09:00:00+07:00");
	/* Bad input first: each a problem+json, nothing written. */
	b = body_for("lt-desk", "counter", "\"outcome\": \"incomplete\"");
	r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	assert_invalid_param(r, "missing");
	http_res_free(r);
	free(b);
	b = body_for("lt-desk", "counter", "\"outcome\": \"refused\"");
	r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	assert_invalid_param(r, "reason");
	http_res_free(r);
	free(b);
	b = body_for("lt-desk", "counter", "\"outcome\": \"incomplete\", \"missing\":"
	    " [{\"name\": \"Tờ khai A\", \"component\": \"khong-co\"}]");
	r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "missing[0].component");
	http_res_free(r);
	free(b);
	/* A single procedure's Mẫu 02 names no component. */
	b = body_for("BD-A", "counter", "\"outcome\": \"incomplete\", \"missing\":"
	    " [{\"name\": \"Tờ khai A\", \"component\": \"a\"}]");
	r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "missing[0].component");
	http_res_free(r);
	free(b);

	/* Mẫu 02 for the group. */
	b = body_for("lt-desk", "counter", "\"outcome\": \"incomplete\", \"missing\":"
	    " [\"Tờ khai A\", {\"name\": \"Giấy xác nhận cư trú\", \"reason\": \"hết hạn\"}]");
	r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	expect(r, 201);
	free(b);
	snprintf(code, sizeof(code), "%s", jstr(r->json, "code"));
	assert_string_equal(code + 14, "250310-0001");
	expect_field(r, "status", "awaiting_supplement");
	expect_field(r, "outcome", "incomplete");
	expect_field(r, "kind", "bundle");
	assert_true(json_is_null(json_object_get(r->json, "register")));
	assert_string_equal(sub(r->json, "receipt", "form"), "02");
	items = json_object_get(json_object_get(r->json, "receipt"), "items");
	assert_string_equal(jstr(json_array_get(items, 0), "component_name"), "Thủ tục A");
	assert_string_equal(jstr(json_array_get(items, 1), "component"), "p");
	assert_string_equal(jstr(json_array_get(items, 1), "reason"), "hết hạn");
	assert_string_equal(jstr(comp_of(r->json, "a"), "status"), "waiting");
	http_res_free(r);
	/* The applicant comes back complete: received, the clock runs. */
	at("2025-03-11T09:00:00+07:00");
	act_ok(W_RCV, code, "supplement", "");
	expect_status(code, "received");
	expect_comp(code, "a", "received");
	expect_comp(code, "b", "waiting");

	/* Mẫu 03 for the group: no competence needed, no component made. */
	b = body_for("lt-desk", "counter", "\"outcome\": \"refused\", \"reason\":"
	    " \"Hồ sơ thuộc thẩm quyền cấp huyện\"");
	r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	expect(r, 201);
	free(b);
	expect_field(r, "status", "refused");
	expect_field(r, "outcome", "refused");
	assert_string_equal(sub(r->json, "receipt", "form"), "03");
	assert_string_equal(sub(r->json, "receipt", "reason"), "Hồ sơ thuộc thẩm quyền cấp huyện");
	assert_string_equal(sub(r->json, "receipt", "request"), "Liên thông một cửa thử nghiệm");
	assert_int_equal(json_array_size(json_object_get(r->json, "components")), 0);
	snprintf(code, sizeof(code), "%s", jstr(r->json, "code"));
	http_res_free(r);
	r = get_as(W_RCV, code);
	expect(r, 200);
	assert_string_equal(sub(r->json, "bundle", "code"), "lt-desk");
	assert_int_equal(json_array_size(json_object_get(r->json, "allowed_actions")), 0);
	http_res_free(r);
	at(NULL);
}

/* ---- 3. withdrawal and apology ---------------------------------------------------- */

static void
test_withdraw_whole_bundle(void **state)
{
	char code[32], *b, *path;
	int64_t v, pid;
	struct http_res *r;

	(void)state;
	at("2025-03-12T09:00:00+07:00");
	b = body_for("lt-desk", "counter", "");
	r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	expect(r, 201);
	snprintf(code, sizeof(code), "%s", jstr(r->json, "code"));
	pid = jint(comp_of(r->json, "p"), "id");
	http_res_free(r);
	free(b);
	expect_comp(code, "a", "received");
	/* A reason is required; nothing changes without one. */
	v = version_of(code);
	r = act(W_RCV, code, "withdraw", "");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "reason");
	http_res_free(r);
	assert_int_equal(version_of(code), v);
	expect_comp(code, "a", "received");
	/* The whole application is withdrawn: every open part with it. */
	at("2025-03-13T09:00:00+07:00");
	act_ok(W_RCV, code, "withdraw", "\"reason\": \"Người nộp đề nghị rút hồ sơ\"");
	r = get_as(W_ADM, code);
	expect(r, 200);
	expect_field(r, "status", "withdrawn");
	for (size_t i = 0; i < 3; i++) {
		json_t *c = json_array_get(json_object_get(r->json, "components"), i);

		assert_string_equal(jstr(c, "status"), "withdrawn");
		assert_non_null(strstr(jstr(c, "reason"), "Người nộp đề nghị rút hồ sơ"));
	}
	http_res_free(r);
	/* The police's part is closed: its outcome is no longer taken. */
	path = harness_strdupf("/api/v1/bundles/%s/components/%lld/outcome", code, (long long)pid);
	r = http_req(g, "POST", path, (const char *const[]){ tok_pol, JSON_CT, NULL },
	    "{\"outcome\": \"result_ready\"}");
	expect(r, 409);
	http_res_free(r);
	free(path);
	/* Nothing more to do on it. */
	r = act(W_RCV, code, "withdraw", "\"reason\": \"Lần nữa\"");
	expect(r, 422);
	http_res_free(r);
	at(NULL);
}

static void
test_apology_on_parent(void **state)
{
	char code[32], single[32], *b;
	int64_t v;
	struct http_res *r;
	json_t *ap, *late;

	(void)state;
	at("2025-03-17T09:00:00+07:00");
	b = body_for("lt-desk", "counter", "");
	r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	expect(r, 201);
	snprintf(code, sizeof(code), "%s", jstr(r->json, "code"));
	http_res_free(r);
	free(b);
	/* Nobody is late yet: no Mẫu 04, nothing written. */
	v = version_of(code);
	r = act(W_RCV, code, "apologize", "\"reason\": \"Chậm\", \"new_due_at\":"
	    " \"2025-03-31T16:00:00+07:00\"");
	assert_problem(r, 422, NULL);
	http_res_free(r);
	assert_int_equal(version_of(code), v);
	/* A single dossier just received apologises only once processing. */
	receive("BD-A", single);
	r = act(W_RCV, single, "apologize", "\"reason\": \"Chậm\", \"new_due_at\":"
	    " \"2025-03-31T16:00:00+07:00\"");
	expect(r, 422);
	http_res_free(r);

	/* A's two days passed without a result: the desk apologises once. */
	at("2025-03-20T09:00:00+07:00");
	assert_true(allows(W_RCV, code, "apologize"));
	r = act(W_RCV, code, "apologize", "\"reason\": \"Chậm\", \"new_due_at\":"
	    " \"2025-03-01T16:00:00+07:00\"");
	assert_invalid_param(r, "new_due_at");
	http_res_free(r);
	act_ok(W_RCV, code, "apologize", "\"reason\": \"Sở Tư pháp cần xác minh thêm\","
	    " \"new_due_at\": \"2025-03-31T16:00:00+07:00\"");
	r = get_as(W_RCV, code);
	expect(r, 200);
	ap = json_object_get(r->json, "apology");
	assert_true(json_is_object(ap));
	assert_string_equal(jstr(ap, "form"), "04");
	assert_string_equal(jstr(ap, "reason"), "Sở Tư pháp cần xác minh thêm");
	assert_non_null(strstr(jstr(ap, "new_due_at"), "2025-03-31"));
	assert_non_null(strstr(jstr(r->json, "due_at"), "2025-03-31"));
	assert_non_null(strstr(jstr(ap, "original_due_at"), "2025-03-25"));
	/* A (Sở Tư pháp) and the police's P are both past their shares; B has
	 * not started and is not at fault. */
	late = json_object_get(ap, "late");
	assert_int_equal(json_array_size(late), 2);
	assert_string_equal(jstr(json_array_get(late, 0), "component"), "a");
	assert_string_equal(jstr(json_array_get(late, 0), "why"), "overdue");
	assert_string_equal(sub(json_array_get(late, 0), "agency", "code"), C_LEAD);
	assert_string_equal(jstr(json_array_get(late, 1), "component"), "p");
	assert_string_equal(sub(json_array_get(late, 1), "agency", "code"), C_POL);
	http_res_free(r);
	/* Only once (Decree 61 Art. 19.9). */
	r = act(W_RCV, code, "apologize", "\"reason\": \"Lần nữa\", \"new_due_at\":"
	    " \"2025-04-04T16:00:00+07:00\"");
	expect(r, 422);
	http_res_free(r);
	/* The components keep running: A finishes, the due time shown stays
	 * the promised one. */
	at("2025-03-21T09:00:00+07:00");
	{
		char ca[32];

		r = get_as(W_ADM, code);
		snprintf(ca, sizeof(ca), "%s", jstr(comp_of(r->json, "a"), "code"));
		http_res_free(r);
		lead_act_ok(ca, "forward");
		act_ok(W_CLK, ca, "result_ready", "");
	}
	expect_comp(code, "b", "received");
	r = get_as(W_ADM, code);
	assert_non_null(strstr(jstr(r->json, "due_at"), "2025-03-31"));
	http_res_free(r);
	at(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_online_submission_received_by_desk),
		cmocka_unit_test(test_online_supplement_and_refusal),
		cmocka_unit_test(test_counter_incomplete_and_refused),
		cmocka_unit_test(test_withdraw_whole_bundle),
		cmocka_unit_test(test_apology_on_parent),
	};

	return HARNESS_RUN(tests, setup, group_teardown);
}
