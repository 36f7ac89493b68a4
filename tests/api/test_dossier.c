/*
 * Dossiers against the real binary on SQLite and PostgreSQL (part 1 of 2;
 * test_dossier_clock.c has the rules that need the clock moved across
 * days): reception and its validation (Mẫu 01, 02, 03), online
 * submission, the whole lifecycle to the return of the result, every
 * action refused from a status or for a role (cases generated from the
 * transition table and the permission table, not picked by hand), 50
 * parallel receptions giving 50 consecutive codes, Idempotency-Key,
 * scoping (404 for another agency), the work queue's filters and paging,
 * the public lookup (no personal data, the same 404, the rate limit), the
 * optimistic lock under concurrency, and an unbroken audit chain.
 */
#define _GNU_SOURCE
#include <regex.h>

#include "dossier_fixture.h"

/* ---- reception ---------------------------------------------------------------- */

static void
test_reception_and_receipt(void **state)
{
	struct http_res *r;
	json_t *rc;
	char *b;
	regex_t re;

	(void)state;
	at("2025-03-03T10:00:00+07:00"); /* Monday */
	b = body_for("DOS-T1", "counter", "\"sets\": 2");
	r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	expect(r, 201);
	assert_int_equal(regcomp(&re, "^[0-9A-Z]{3}\\.[0-9A-Z]{2}\\.[0-9A-Z]{2}\\.[A-Z][0-9A-Z]{2}"
	    "-[0-9]{6}-[0-9]{4}$", REG_EXTENDED | REG_NOSUB), 0);
	assert_int_equal(regexec(&re, jstr(r->json, "code"), 0, NULL, 0), 0);
	regfree(&re);
	assert_string_equal(jstr(r->json, "code"), C_DESK "-250303-0001");
	assert_int_equal(strlen(jstr(r->json, "lookup_key")), 8);
	assert_int_equal(strspn(jstr(r->json, "lookup_key"), DOSSIER_KEY_ALPHABET), 8);
	expect_field(r, "received_at", "2025-03-03T10:00:00+07:00");
	expect_field(r, "due_at", "2025-03-10T17:00:00+07:00"); /* 5 working days */
	expect_field(r, "register_no", "1/2025");
	assert_string_equal(sub(r->json, "procedure", "code"), "DOS-T1");
	assert_int_equal(jint(json_object_get(r->json, "procedure"), "version"), 1);
	assert_non_null(http_header(r, "Location"));
	/* Mẫu 01: every field. */
	rc = json_object_get(r->json, "receipt");
	assert_string_equal(jstr(rc, "form"), "01");
	assert_string_equal(sub(rc, "agency", "name"), "Trung tâm Phục vụ hành chính công tỉnh");
	assert_string_equal(jstr(rc, "code"), jstr(r->json, "code"));
	assert_string_equal(sub(rc, "applicant", "name"), "Nguyễn Thị Bích Ngọc");
	assert_string_equal(sub(rc, "applicant", "address"),
	    "Số 12 đường Phan Chu Trinh, phường Quyết Thắng");
	assert_string_equal(sub(rc, "applicant", "phone"), "0912 345 678");
	assert_string_equal(sub(rc, "applicant", "email"), "ngoc.nguyen@example.vn");
	assert_string_equal(jstr(rc, "request"), "Cấp Phiếu lý lịch tư pháp");
	assert_int_equal(json_array_size(json_object_get(rc, "documents")), 2);
	assert_int_equal(jint(rc, "sets"), 2);
	assert_string_equal(sub(rc, "time_limit", "text"), "05 ngày làm việc");
	assert_string_equal(jstr(rc, "received_at_text"), "10 giờ 00 phút, ngày 03/03/2025");
	assert_string_equal(jstr(rc, "due_at_text"), "17 giờ 00 phút, ngày 10/03/2025");
	assert_non_null(strstr(jstr(rc, "return_place"), "Bộ phận Một cửa"));
	assert_string_equal(sub(rc, "register", "book"), "2025");
	assert_int_equal(jint(json_object_get(rc, "register"), "number"), 1);
	assert_string_equal(jstr(rc, "receiver"), "Cán Bộ Thử Nghiệm");
	assert_int_equal(jint(rc, "copies"), 2);
	assert_string_equal(jstr(rc, "lookup_key"), jstr(r->json, "lookup_key"));
	http_res_free(r);
	free(b);

	/* After the 15:00 cut-off: counted from the next working day. */
	b = body_for("DOS-T1", "post", "");
	at("2025-03-03T15:30:00+07:00");
	r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	expect(r, 201);
	assert_string_equal(jstr(r->json, "code"), C_DESK "-250303-0002");
	expect_field(r, "due_at", "2025-03-11T17:00:00+07:00");
	expect_field(r, "register_no", "2/2025");
	http_res_free(r);
	free(b);

	/* Mẫu 02: everything missing at once; no code of a received dossier's
	 * clock, no register number. */
	b = body_for("DOS-T1", "counter", "\"outcome\": \"incomplete\", \"missing\": [\"Ảnh 4x6\","
	    " {\"name\": \"Giấy ủy quyền\", \"reason\": \"Người nộp không phải người yêu cầu\"}]");
	r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	expect(r, 201);
	expect_field(r, "status", "awaiting_supplement");
	assert_true(json_is_null(json_object_get(r->json, "due_at")));
	assert_true(json_is_null(json_object_get(r->json, "register_no")));
	rc = json_object_get(r->json, "receipt");
	assert_string_equal(jstr(rc, "form"), "02");
	assert_int_equal(json_array_size(json_object_get(rc, "items")), 2);
	assert_string_equal(jstr(json_array_get(json_object_get(rc, "items"), 1), "reason"),
	    "Người nộp không phải người yêu cầu");
	http_res_free(r);
	free(b);

	/* Mẫu 03 with the reason; also allowed for a procedure the desk does
	 * not receive (that is exactly when one refuses). */
	b = body_for("DOS-XD", "counter", "\"outcome\": \"refused\", \"reason\": \"Không thuộc "
	    "thẩm quyền tiếp nhận của Trung tâm; đề nghị nộp tại Sở Xây dựng\"");
	r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	expect(r, 201);
	expect_field(r, "status", "refused");
	rc = json_object_get(r->json, "receipt");
	assert_string_equal(jstr(rc, "form"), "03");
	assert_non_null(strstr(jstr(rc, "reason"), "Sở Xây dựng"));
	http_res_free(r);
	free(b);

	/* ... but not received. */
	b = body_for("DOS-XD", "counter", "");
	r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	assert_problem(r, 422, "unprocessable");
	assert_invalid_param(r, "procedure_code");
	http_res_free(r);
	free(b);
}

static void
test_reception_validation(void **state)
{
	static const struct {
		const char *body, *param;
	} bad[] = {
		{ "{\"channel\": \"counter\", \"applicant\": {\"name\": \"A\"}, \"documents\": "
		  "[{\"name\": \"x\"}]}", "procedure_code" },
		{ "{\"procedure_code\": \"DOS-T1\", \"channel\": \"fax\", \"applicant\": "
		  "{\"name\": \"A\"}, \"documents\": [{\"name\": \"x\"}]}", "channel" },
		{ "{\"procedure_code\": \"DOS-T1\", \"channel\": \"counter\", \"applicant\": "
		  "{\"name\": \"\"}, \"documents\": [{\"name\": \"x\"}]}", "applicant.name" },
		{ "{\"procedure_code\": \"DOS-T1\", \"channel\": \"counter\", \"applicant\": "
		  "{\"name\": \"A\", \"phone\": \"12ab\"}, \"documents\": [{\"name\": \"x\"}]}",
		  "applicant.phone" },
		{ "{\"procedure_code\": \"DOS-T1\", \"channel\": \"counter\", \"applicant\": "
		  "{\"name\": \"A\", \"email\": \"not-an-email\"}, \"documents\": [{\"name\": \"x\"}]}",
		  "applicant.email" },
		{ "{\"procedure_code\": \"DOS-T1\", \"channel\": \"counter\", \"applicant\": "
		  "{\"name\": \"A\", \"id_number\": \"12\"}, \"documents\": [{\"name\": \"x\"}]}",
		  "applicant.id_number" },
		{ "{\"procedure_code\": \"DOS-T1\", \"channel\": \"counter\", \"applicant\": "
		  "{\"name\": \"A\", \"shoe_size\": 42}, \"documents\": [{\"name\": \"x\"}]}",
		  "applicant.shoe_size" },
		{ "{\"procedure_code\": \"DOS-T1\", \"channel\": \"counter\", \"applicant\": "
		  "{\"name\": \"A\"}, \"documents\": []}", "documents" },
		{ "{\"procedure_code\": \"DOS-T1\", \"channel\": \"counter\", \"applicant\": "
		  "{\"name\": \"A\"}, \"documents\": [{\"name\": \"x\", \"copies\": 500}]}",
		  "documents[0].copies" },
		{ "{\"procedure_code\": \"DOS-T1\", \"channel\": \"counter\", \"applicant\": "
		  "{\"name\": \"A\"}, \"documents\": [{\"name\": \"x\"}], \"outcome\": \"maybe\"}",
		  "outcome" },
		{ "{\"procedure_code\": \"DOS-T1\", \"channel\": \"counter\", \"applicant\": "
		  "{\"name\": \"A\"}, \"outcome\": \"incomplete\"}", "missing" },
		{ "{\"procedure_code\": \"DOS-T1\", \"channel\": \"counter\", \"applicant\": "
		  "{\"name\": \"A\"}, \"outcome\": \"refused\"}", "reason" },
		{ "{\"procedure_code\": \"DOS-T1\", \"channel\": \"online\", \"applicant\": "
		  "{\"name\": \"A\"}, \"outcome\": \"received\"}", "outcome" },
		{ "{\"procedure_code\": \"NO-SUCH\", \"channel\": \"counter\", \"applicant\": "
		  "{\"name\": \"A\"}, \"documents\": [{\"name\": \"x\"}]}", "procedure_code" },
		{ "{\"procedure_code\": \"DOS-T3\", \"channel\": \"post\", \"applicant\": "
		  "{\"name\": \"A\"}, \"documents\": [{\"name\": \"x\"}]}", "channel" },
		{ "{\"procedure_code\": \"DOS-T1\", \"channel\": \"counter\", \"applicant\": "
		  "{\"name\": \"A\"}, \"documents\": [{\"name\": \"x\"}], \"sets\": 0, \"extra\": 1}",
		  "extra" },
	};
	struct http_res *r, *list;
	size_t before;
	char *longname, *b;

	(void)state;
	list = as(W_RCV, "GET", "/api/v1/dossiers?limit=500", NULL);
	expect(list, 200);
	before = json_array_size(json_object_get(list->json, "items"));
	http_res_free(list);
	for (size_t i = 0; i < CORE_NELEM(bad); i++) {
		r = as(W_RCV, "POST", "/api/v1/dossiers", bad[i].body);
		if (r->status != 400)
			fail_msg("case %zu: expected 400, got %ld: %s", i, r->status, r->body);
		assert_problem(r, 400, NULL);
		assert_invalid_param(r, bad[i].param);
		http_res_free(r);
	}
	/* Several bad fields are named at once. */
	r = as(W_RCV, "POST", "/api/v1/dossiers", "{\"procedure_code\": \"DOS-T1\", \"channel\": "
	    "\"x\", \"applicant\": {\"name\": \"\", \"email\": \"@\"}, \"sets\": 1000}");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "channel");
	assert_invalid_param(r, "applicant.name");
	assert_invalid_param(r, "applicant.email");
	assert_invalid_param(r, "sets");
	http_res_free(r);
	/* Length bounds. */
	longname = harness_repeat('a', 201);
	b = harness_strdupf("{\"procedure_code\": \"DOS-T1\", \"channel\": \"counter\", "
	    "\"applicant\": {\"name\": \"%s\"}, \"documents\": [{\"name\": \"x\"}]}", longname);
	r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "applicant.name");
	http_res_free(r);
	free(b);
	free(longname);
	/* Not JSON, not an object. */
	r = as(W_RCV, "POST", "/api/v1/dossiers", "{");
	assert_problem(r, 400, NULL);
	http_res_free(r);
	r = as(W_RCV, "POST", "/api/v1/dossiers", "[1]");
	assert_problem(r, 400, NULL);
	http_res_free(r);
	/* Roles without dossier.receive; API tokens only online. */
	b = body_for("DOS-T1", "counter", "");
	r = as(W_SPC, "POST", "/api/v1/dossiers", b);
	assert_problem(r, 403, "forbidden");
	http_res_free(r);
	r = as_token("POST", "/api/v1/dossiers", b);
	assert_problem(r, 403, "forbidden");
	http_res_free(r);
	free(b);
	/* Nothing was written. */
	list = as(W_RCV, "GET", "/api/v1/dossiers?limit=500", NULL);
	expect(list, 200);
	assert_int_equal(json_array_size(json_object_get(list->json, "items")), before);
	http_res_free(list);
}

static void
test_online_submission(void **state)
{
	struct http_res *r;
	char code[32], *b;

	(void)state;
	at("2025-03-04T08:00:00+07:00");
	b = body_for("DOS-T1", "online", "");
	r = as_token("POST", "/api/v1/dossiers", b);
	expect(r, 201);
	expect_field(r, "status", "submitted");
	assert_true(json_is_null(json_object_get(r->json, "due_at")));
	assert_true(json_is_null(json_object_get(r->json, "receipt")));
	snprintf(code, sizeof(code), "%s", jstr(r->json, "code"));
	http_res_free(r);
	free(b);
	at("2025-03-04T14:00:00+07:00");
	act_ok(W_RCV, code, "receive", "");
	r = get_as(W_RCV, code);
	expect_field(r, "status", "received");
	expect_field(r, "received_at", "2025-03-04T14:00:00+07:00");
	expect_field(r, "due_at", "2025-03-11T17:00:00+07:00");
	assert_string_equal(sub(r->json, "receipt", "form"), "01");
	http_res_free(r);
}

/* ---- the lifecycle ------------------------------------------------------------- */

static void
test_lifecycle(void **state)
{
	struct http_res *r;
	json_t *h, *steps;
	char code[32], path[128], *key;

	(void)state;
	at("2025-03-05T09:00:00+07:00"); /* Wednesday; due Wednesday 12/3 17:00 */
	receive("DOS-T1", code);
	r = get_as(W_RCV, code);
	expect(r, 200);
	expect_field(r, "status", "received");
	assert_string_equal(sub(r->json, "current_step", "name"), "Tiếp nhận và chuyển hồ sơ");
	assert_string_equal(jstr(json_array_get(json_object_get(r->json, "allowed_actions"), 0),
	    "action"), "forward");
	key = strdup(jstr(r->json, "lookup_key"));
	http_res_free(r);

	act_ok(W_RCV, code, "forward", "\"to_user\": \"cv_lead\"");
	at("2025-03-06T10:00:00+07:00");
	act_ok(W_SPC, code, "consult", "\"agency\": \"" C_OTHER "\", \"note\": \"Xin ý kiến về "
	    "nội dung liên quan\", \"due_at\": \"2025-03-07T10:00:00+07:00\"");
	act_ok(W_SPC, code, "forward", "\"to_user\": \"ld_lead\"");
	act_ok(W_LDR, code, "approve", "");
	at("2025-03-07T09:00:00+07:00");
	act_ok(W_CLK, code, "result_ready", "");
	r = get_as(W_CLK, code);
	expect_field(r, "status", "result_ready");
	assert_string_equal(sub(r->json, "result", "code"), "early");
	http_res_free(r);
	act_ok(W_RCV, code, "return_result", "");

	r = get_as(W_RCV, code);
	expect(r, 200);
	expect_field(r, "status", "returned");
	expect_field(r, "returned_at", "2025-03-07T09:00:00+07:00");
	assert_int_equal(json_array_size(json_object_get(r->json, "allowed_actions")), 0);
	/* History = Mẫu 05: receive, forward, consult, forward, approve,
	 * result_ready, return_result with the hand-overs and their results. */
	h = json_object_get(r->json, "history");
	assert_int_equal(json_array_size(h), 7);
	assert_string_equal(jstr(json_array_get(h, 0), "action"), "receive");
	assert_string_equal(jstr(json_array_get(h, 1), "action"), "forward");
	assert_string_equal(jstr(json_array_get(h, 1), "from_unit"), "Bộ phận Một cửa");
	assert_string_equal(jstr(json_array_get(h, 1), "to_unit"), "Phòng Hành chính tư pháp");
	assert_string_equal(sub(json_array_get(h, 1), "result", "code"), "on_time");
	assert_string_equal(sub(json_array_get(h, 1), "to_user", "name"), "Cán Bộ Thử Nghiệm");
	assert_string_equal(jstr(json_array_get(h, 2), "action"), "consult");
	assert_string_equal(jstr(json_array_get(h, 2), "to_unit"), "Sở Xây dựng");
	/* The specialist's 16-hour step started 5/3 09:00, so it was due
	 * 7/3 09:00; handed over on 6/3, a day before its due day: early. */
	assert_string_equal(sub(json_array_get(h, 3), "result", "code"), "early");
	assert_string_equal(jstr(json_array_get(h, 6), "action"), "return_result");
	steps = json_object_get(r->json, "steps");
	assert_int_equal(json_array_size(steps), 4);
	for (size_t i = 0; i < 4; i++)
		assert_false(json_is_null(json_object_get(json_array_get(steps, i), "finished_at")));
	http_res_free(r);

	/* The public sees the same story without anybody's name. */
	snprintf(path, sizeof(path), "/api/v1/public/dossiers/%s?key=%s", code, key);
	r = http_get(g, path);
	expect(r, 200);
	expect_field(r, "status", "returned");
	assert_true(json_is_true(json_object_get(r->json, "result_ready")));
	assert_int_equal(json_array_size(json_object_get(r->json, "timeline")), 7);
	assert_null(strstr(r->body, "Cán Bộ"));
	http_res_free(r);
	free(key);
}

/* ---- every refused action, generated from the tables ------------------------- */

struct sample {
	enum dossier_status st;
	char code[32];
	int64_t version;
};

/* An action with a given version, as w.  Caller frees. */
static struct http_res *
act_v(enum who w, const struct sample *x, const char *action)
{
	char *path = harness_strdupf("/api/v1/dossiers/%s/actions", x->code);
	char *body = harness_strdupf("{\"action\": \"%s\", \"version\": %lld}", action,
	    (long long)x->version);
	struct http_res *r = as(w, "POST", path, body);

	free(path);
	free(body);
	return r;
}

/* One dossier in each status. */
static void
make_samples(struct sample s[DS__MAX])
{
	struct http_res *r;
	char *b;

	for (int i = 0; i < DS__MAX; i++)
		s[i].st = (enum dossier_status)i;
	b = body_for("DOS-T1", "online", "");
	r = as_token("POST", "/api/v1/dossiers", b);
	expect(r, 201);
	snprintf(s[DS_SUBMITTED].code, 32, "%s", jstr(r->json, "code"));
	http_res_free(r);
	free(b);
	receive("DOS-T1", s[DS_RECEIVED].code);
	receive("DOS-T1", s[DS_PROCESSING].code);
	act_ok(W_RCV, s[DS_PROCESSING].code, "forward", "");
	receive("DOS-T1", s[DS_AWAITING_SUPPLEMENT].code);
	act_ok(W_RCV, s[DS_AWAITING_SUPPLEMENT].code, "forward", "");
	act_ok(W_SPC, s[DS_AWAITING_SUPPLEMENT].code, "request_supplement",
	    "\"missing\": [\"Bản sao sổ hộ khẩu\"]");
	receive("DOS-T1", s[DS_AWAITING_PAYMENT].code);
	act_ok(W_RCV, s[DS_AWAITING_PAYMENT].code, "forward", "");
	act_ok(W_SPC, s[DS_AWAITING_PAYMENT].code, "request_payment", "\"amount\": 200000");
	receive("DOS-T1", s[DS_RESULT_READY].code);
	act_ok(W_RCV, s[DS_RESULT_READY].code, "forward", "");
	act_ok(W_SPC, s[DS_RESULT_READY].code, "forward", "");
	act_ok(W_LDR, s[DS_RESULT_READY].code, "approve", "");
	act_ok(W_CLK, s[DS_RESULT_READY].code, "result_ready", "");
	receive("DOS-T1", s[DS_RETURNED].code);
	act_ok(W_RCV, s[DS_RETURNED].code, "forward", "");
	act_ok(W_SPC, s[DS_RETURNED].code, "forward", "");
	act_ok(W_LDR, s[DS_RETURNED].code, "approve", "");
	act_ok(W_CLK, s[DS_RETURNED].code, "result_ready", "");
	act_ok(W_RCV, s[DS_RETURNED].code, "return_result", "");
	b = body_for("DOS-T1", "counter", "\"outcome\": \"refused\", \"reason\": \"Giấy tờ giả\"");
	r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	expect(r, 201);
	snprintf(s[DS_REFUSED].code, 32, "%s", jstr(r->json, "code"));
	http_res_free(r);
	free(b);
	receive("DOS-T1", s[DS_REJECTED].code);
	act_ok(W_RCV, s[DS_REJECTED].code, "forward", "");
	act_ok(W_LDR, s[DS_REJECTED].code, "reject", "\"reason\": \"Không đủ điều kiện\"");
	receive("DOS-T1", s[DS_WITHDRAWN].code);
	act_ok(W_RCV, s[DS_WITHDRAWN].code, "withdraw", "\"reason\": \"Người nộp xin rút\"");
	receive("DOS-T1", s[DS_STOPPED].code);
	act_ok(W_RCV, s[DS_STOPPED].code, "forward", "");
	act_ok(W_LDR, s[DS_STOPPED].code, "stop", "\"reason\": \"Theo yêu cầu của cơ quan có "
	    "thẩm quyền\"");
	for (int i = 0; i < DS__MAX; i++) {
		r = get_as(W_ADM, s[i].code);
		expect(r, 200);
		expect_field(r, "status", dossier_status_name((enum dossier_status)i));
		s[i].version = jint(r->json, "version");
		http_res_free(r);
	}
}

static void
test_transition_matrix(void **state)
{
	struct sample s[DS__MAX];
	size_t nrows, n422 = 0, n403 = 0;
	const struct dossier_transition *rows = dossier_transitions(&nrows);

	(void)state;
	at("2025-03-10T09:00:00+07:00");
	make_samples(s);
	/* Not allowed from the status: 422, for every status and action. */
	for (int st = 0; st < DS__MAX; st++)
		for (int a = 0; a < DA__MAX; a++) {
			struct http_res *r;

			if (dossier_transition_find((enum dossier_status)st, (enum dossier_action)a))
				continue;
			r = act_v(W_RCV, &s[st], dossier_action_name((enum dossier_action)a));
			if (r->status != 422)
				fail_msg("%s from %s: expected 422, got %ld: %s",
				    dossier_action_name((enum dossier_action)a),
				    dossier_status_name((enum dossier_status)st), r->status, r->body);
			assert_problem(r, 422, "unprocessable");
			assert_non_null(strstr(jstr(r->json, "detail"), "trạng thái"));
			http_res_free(r);
			n422++;
		}
	/* Allowed from the status but not for the role: 403, for every row
	 * and every staff role that lacks its permission. */
	for (size_t i = 0; i < nrows; i++)
		for (int w = 0; w < W_RCV_O; w++) {
			enum auth_role role = auth_role_from(users[w].role);
			struct http_res *r;

			if (auth_role_can(role, rows[i].perm))
				continue;
			r = act_v((enum who)w, &s[rows[i].from], dossier_action_name(rows[i].action));
			if (r->status != 403)
				fail_msg("%s from %s by %s: expected 403, got %ld: %s",
				    dossier_action_name(rows[i].action),
				    dossier_status_name(rows[i].from), users[w].role, r->status, r->body);
			assert_problem(r, 403, "forbidden");
			assert_non_null(strstr(jstr(r->json, "detail"), auth_action_name(rows[i].perm)));
			http_res_free(r);
			n403++;
		}
	assert_true(n422 > 100);
	assert_true(n403 > 50);
	/* Nothing of that changed any sample. */
	for (int i = 0; i < DS__MAX; i++) {
		struct http_res *r = get_as(W_ADM, s[i].code);

		expect_field(r, "status", dossier_status_name((enum dossier_status)i));
		assert_int_equal(jint(r->json, "version"), s[i].version);
		http_res_free(r);
	}
	/* Bad action bodies. */
	{
		char *path = harness_strdupf("/api/v1/dossiers/%s/actions", s[DS_PROCESSING].code);
		struct http_res *r = as(W_SPC, "POST", path, "{\"action\": \"fly\", \"version\": 1}");

		assert_problem(r, 400, "validation");
		assert_invalid_param(r, "action");
		http_res_free(r);
		r = as(W_SPC, "POST", path, "{\"action\": \"forward\"}");
		assert_invalid_param(r, "version");
		http_res_free(r);
		r = as(W_SPC, "POST", path, "{\"action\": \"forward\", \"version\": 1, \"reason\": \"x\"}");
		assert_invalid_param(r, "reason");
		http_res_free(r);
		free(path);
	}
}

/* ---- 50 parallel receptions ------------------------------------------------------ */

struct burst {
	char code[32];
	long status;
};

static void *
burst_one(void *arg)
{
	struct burst *b = arg;
	char *body = body_for("DOS-T3", "counter", "");
	struct http_res *r = http_req(g, "POST", "/api/v1/dossiers", (const char *const[]){
	    sess[W_RCV].cookie, sess[W_RCV].csrf_hdr, JSON_CT, NULL }, body);

	b->status = r->status;
	if (r->status == 201)
		snprintf(b->code, sizeof(b->code), "%s", jstr(r->json, "code"));
	http_res_free(r);
	free(body);
	return NULL;
}

static void
test_parallel_receptions(void **state)
{
	enum { N = 50 };
	struct burst b[N];
	pthread_t t[N];
	int seen[N + 1] = { 0 };

	(void)state;
	at("2025-07-03T09:00:00+07:00");
	(void)sess_of(W_RCV); /* signed in before the threads share it */
	memset(b, 0, sizeof(b));
	for (int i = 0; i < N; i++)
		assert_int_equal(pthread_create(&t[i], NULL, burst_one, &b[i]), 0);
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < N; i++) {
		int64_t seq;

		if (b[i].status != 201)
			fail_msg("reception %d: %ld", i, b[i].status);
		assert_int_equal(strncmp(b[i].code, C_DESK "-250703-", 21), 0);
		seq = strtoll(b[i].code + 21, NULL, 10);
		assert_true(seq >= 1 && seq <= N);
		assert_int_equal(seen[seq], 0);
		seen[seq] = 1;
	}
}

/* ---- Idempotency-Key ------------------------------------------------------------- */

static void
test_idempotency(void **state)
{
	struct http_res *r1, *r2, *r3;
	char *b = body_for("DOS-T3", "counter", ""), *b2 = body_for("DOS-T3", "counter",
	    "\"sets\": 2");
	char next[32];

	(void)state;
	at("2025-07-08T09:00:00+07:00");
	r1 = as_idem(W_RCV, "/api/v1/dossiers", b, "quay-3-phieu-0042");
	expect(r1, 201);
	r2 = as_idem(W_RCV, "/api/v1/dossiers", b, "quay-3-phieu-0042");
	expect(r2, 201);
	assert_string_equal(jstr(r1->json, "code"), jstr(r2->json, "code"));
	assert_string_equal(jstr(r1->json, "lookup_key"), jstr(r2->json, "lookup_key"));
	assert_string_equal(r1->body, r2->body);
	assert_non_null(http_header(r2, "Idempotent-Replayed"));
	/* Another body with the same key is refused. */
	r3 = as_idem(W_RCV, "/api/v1/dossiers", b2, "quay-3-phieu-0042");
	assert_problem(r3, 422, "unprocessable");
	http_res_free(r3);
	r3 = as_idem(W_RCV, "/api/v1/dossiers", b, "có dấu cách");
	assert_problem(r3, 400, "validation");
	http_res_free(r3);
	/* No second dossier: the next one gets the next number. */
	receive("DOS-T3", next);
	assert_int_equal(strtoll(next + 21, NULL, 10), strtoll(jstr(r1->json, "code") + 21, NULL,
	    10) + 1);
	http_res_free(r1);
	http_res_free(r2);
	free(b);
	free(b2);
}

/* ---- group commit: failures inside a shared transaction ---------------------------- */

struct gburst {
	const char *body; /* borrowed */
	const char *key; /* Idempotency-Key or NULL */
	struct http_res *r;
	pthread_barrier_t *bar;
};

static void *
gburst_one(void *arg)
{
	struct gburst *b = arg;
	char h[200];

	snprintf(h, sizeof(h), "Idempotency-Key: %s", b->key ? b->key : "");
	pthread_barrier_wait(b->bar);
	b->r = http_req(g, "POST", "/api/v1/dossiers", (const char *const[]){ sess[W_RCV].cookie,
	    sess[W_RCV].csrf_hdr, JSON_CT, b->key ? h : NULL, NULL }, b->body);
	return NULL;
}

static void
gburst_run(struct gburst *b, int n)
{
	pthread_t t[64];
	pthread_barrier_t bar;

	assert_true(n <= 64);
	(void)sess_of(W_RCV); /* signed in before the threads share it */
	pthread_barrier_init(&bar, NULL, (unsigned)n);
	for (int i = 0; i < n; i++) {
		b[i].bar = &bar;
		assert_int_equal(pthread_create(&t[i], NULL, gburst_one, &b[i]), 0);
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&bar);
}

/* Concurrent receptions with bad ones among them: a body that fails
 * validation, and an Idempotency-Key reused with another body (refused
 * inside the shared transaction, after it claimed nothing).  Each bad one
 * gets its own error; every good one is received, and the day's numbers
 * stay consecutive: a refused unit gave nothing back because it took
 * nothing, and nobody else lost theirs. */
static void
test_concurrent_receptions_with_bad_ones(void **state)
{
	enum { N = 24, BAD_BODY = 7, KEY_A = 3, KEY_B = 15 };
	struct gburst b[N];
	char *good = body_for("DOS-T3", "counter", ""), *other = body_for("DOS-T3", "counter",
	    "\"sets\": 3"), *bad = body_for("DOS-T3", "counter", "\"sets\": 0");
	int seen[N + 1] = { 0 }, n201 = 0, n422 = 0;
	const char *won = NULL;

	(void)state;
	at("2025-07-09T09:00:00+07:00");
	memset(b, 0, sizeof(b));
	for (int i = 0; i < N; i++)
		b[i].body = good;
	b[BAD_BODY].body = bad;
	b[KEY_A].key = "quay-7-trung-khoa";
	b[KEY_B].key = "quay-7-trung-khoa";
	b[KEY_B].body = other;
	gburst_run(b, N);
	assert_problem(b[BAD_BODY].r, 400, "validation");
	assert_invalid_param(b[BAD_BODY].r, "sets");
	for (int i = 0; i < N; i++) {
		int64_t seq;

		if (i == BAD_BODY)
			continue;
		if ((i == KEY_A || i == KEY_B) && b[i].r->status == 422) {
			assert_problem(b[i].r, 422, "unprocessable");
			n422++;
			continue;
		}
		if (b[i].r->status != 201)
			fail_msg("reception %d: %ld %s", i, b[i].r->status, b[i].r->body);
		n201++;
		if (i == KEY_A || i == KEY_B)
			won = jstr(b[i].r->json, "code");
		assert_int_equal(strncmp(jstr(b[i].r->json, "code"), C_DESK "-250709-", 21), 0);
		seq = strtoll(jstr(b[i].r->json, "code") + 21, NULL, 10);
		assert_true(seq >= 1 && seq <= N - 2);
		assert_int_equal(seen[seq], 0);
		seen[seq] = 1;
	}
	/* One of the two bodies under the same key won, the other was refused. */
	assert_int_equal(n422, 1);
	assert_non_null(won);
	assert_int_equal(n201, N - 2);
	/* The next number continues right after: no gap, nothing reused. */
	{
		char next[32];

		receive("DOS-T3", next);
		assert_int_equal(strtoll(next + 21, NULL, 10), N - 1);
	}
	for (int i = 0; i < N; i++)
		http_res_free(b[i].r);
	free(good);
	free(other);
	free(bad);
}

/* The same Idempotency-Key and body sent many times at once: one dossier,
 * and every answer is its receipt, byte for byte (replays inside the same
 * shared transaction read the answer stored by the first). */
static void
test_idempotent_replays_in_one_burst(void **state)
{
	enum { N = 16 };
	struct gburst b[N];
	char *body = body_for("DOS-T3", "counter", "\"sets\": 2");
	int fresh = 0;

	(void)state;
	at("2025-07-10T09:00:00+07:00");
	memset(b, 0, sizeof(b));
	for (int i = 0; i < N; i++) {
		b[i].body = body;
		b[i].key = "quay-9-phieu-0001";
	}
	gburst_run(b, N);
	for (int i = 0; i < N; i++) {
		if (b[i].r->status != 201)
			fail_msg("request %d: %ld %s", i, b[i].r->status, b[i].r->body);
		assert_string_equal(b[i].r->body, b[0].r->body);
		if (http_header(b[i].r, "Idempotent-Replayed") == NULL)
			fresh++;
	}
	assert_int_equal(fresh, 1);
	assert_string_equal(jstr(b[0].r->json, "code"), C_DESK "-250710-0001");
	{
		char next[32];

		receive("DOS-T3", next);
		assert_string_equal(next, C_DESK "-250710-0002");
	}
	for (int i = 0; i < N; i++)
		http_res_free(b[i].r);
	free(body);
}

/* The reception's answer is rendered from what it wrote, not read back
 * (docs/ARCHITECTURE.md, "Group commit"): it must be exactly what the
 * stored dossier shows — the receipt byte for byte and the summary — for
 * each of the three forms, and the row must hold the outcome (the first
 * step started with the receiver, the supplement request, the refusal). */
static void
answer_matches_stored(struct http_res *post, const char *form)
{
	struct http_res *g2 = get_as(W_RCV, jstr(post->json, "code"));
	static const char *const keys[] = { "code", "lookup_key", "status", "received_at",
		"due_at", "legal_due_at", "register_no", "register", NULL };
	char *a, *b;

	expect(g2, 200);
	a = json_dumps(json_object_get(post->json, "receipt"), JSON_SORT_KEYS | JSON_COMPACT);
	b = json_dumps(json_object_get(g2->json, "receipt"), JSON_SORT_KEYS | JSON_COMPACT);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	free(a);
	free(b);
	assert_string_equal(sub(post->json, "receipt", "form"), form);
	for (int i = 0; keys[i] != NULL; i++) {
		a = json_dumps(json_object_get(post->json, keys[i]), JSON_SORT_KEYS |
		    JSON_COMPACT | JSON_ENCODE_ANY);
		b = json_dumps(json_object_get(g2->json, keys[i]), JSON_SORT_KEYS | JSON_COMPACT |
		    JSON_ENCODE_ANY);
		if (a == NULL || b == NULL || strcmp(a, b) != 0)
			fail_msg("%s: answer %s, stored %s", keys[i], a ? a : "?", b ? b : "?");
		free(a);
		free(b);
	}
	assert_int_equal(jint(post->json, "version"), jint(g2->json, "version"));
	assert_int_equal(json_array_size(json_object_get(g2->json, "history")), 1);
	assert_int_equal(json_array_size(json_object_get(g2->json, "documents")), 2);
	if (strcmp(form, "01") == 0) {
		json_t *s0 = json_array_get(json_object_get(g2->json, "steps"), 0);
		json_t *s1 = json_array_get(json_object_get(g2->json, "steps"), 1);

		assert_int_equal(jint(json_object_get(g2->json, "current_step"), "seq"), 1);
		assert_string_equal(jstr(s0, "started_at"), jstr(post->json, "received_at"));
		assert_true(json_is_string(json_object_get(s0, "due_at")));
		assert_true(json_is_true(json_object_get(s0, "current")));
		assert_non_null(s1);
		assert_true(json_is_null(json_object_get(s1, "started_at")));
		assert_int_equal(jint(json_object_get(g2->json, "assignee"), "id"),
		    jint(json_object_get(g2->json, "receiver"), "id"));
	} else {
		assert_true(json_is_null(json_object_get(g2->json, "current_step")));
		assert_true(json_is_null(json_object_get(g2->json, "assignee")));
	}
	if (strcmp(form, "02") == 0)
		assert_int_equal(jint(g2->json, "supplement_requests"), 1);
	if (strcmp(form, "03") == 0)
		assert_true(json_is_string(json_object_get(g2->json, "closed_at")));
	http_res_free(g2);
}

static void
test_reception_answer_is_the_stored_dossier(void **state)
{
	struct http_res *r;
	char *b;

	(void)state;
	at("2025-09-15T10:20:00+07:00");
	b = body_for("DOS-T1", "counter", "\"sets\": 2");
	r = as_idem(W_RCV, "/api/v1/dossiers", b, "tra-loi-la-ban-luu-1");
	expect(r, 201);
	answer_matches_stored(r, "01");
	http_res_free(r);
	free(b);
	b = body_for("DOS-T1", "post", "\"outcome\": \"incomplete\", \"missing\": [\"Ảnh 4x6\","
	    " {\"name\": \"Giấy ủy quyền\", \"reason\": \"Người nộp không phải người yêu cầu\"}],"
	    " \"note\": \"Hẹn quay lại\"");
	r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	expect(r, 201);
	answer_matches_stored(r, "02");
	http_res_free(r);
	free(b);
	b = body_for("DOS-XD", "counter", "\"outcome\": \"refused\", \"reason\": \"Không thuộc "
	    "thẩm quyền\"");
	r = as(W_RCV, "POST", "/api/v1/dossiers", b);
	expect(r, 201);
	answer_matches_stored(r, "03");
	assert_non_null(jstr(json_object_get(r->json, "receipt"), "issued_at"));
	http_res_free(r);
	free(b);
}

/* ---- scope: another agency sees nothing ----------------------------------------- */

static void
test_other_agency_404(void **state)
{
	struct http_res *r;
	char code[32], *path;

	(void)state;
	at("2025-07-08T09:00:00+07:00");
	receive("DOS-T1", code);
	r = get_as(W_RCV_O, code);
	assert_problem(r, 404, "not-found");
	http_res_free(r);
	path = harness_strdupf("/api/v1/dossiers/%s/actions", code);
	r = as(W_RCV_O, "POST", path, "{\"action\": \"withdraw\", \"version\": 1, "
	    "\"reason\": \"x\"}");
	assert_problem(r, 404, "not-found");
	http_res_free(r);
	free(path);
	r = as(W_RCV_O, "GET", "/api/v1/dossiers?limit=500", NULL);
	expect(r, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
	http_res_free(r);
	/* The lead agency's staff and the province see it. */
	r = get_as(W_SPC, code);
	expect(r, 200);
	http_res_free(r);
	r = get_as(W_INS, code);
	expect(r, 200);
	http_res_free(r);
	/* An unknown code is the same 404. */
	r = get_as(W_RCV, C_DESK "-990101-0001");
	assert_problem(r, 404, "not-found");
	http_res_free(r);
}

/* ---- the queue ---------------------------------------------------------------------- */

static void
test_queue_filters_and_paging(void **state)
{
	struct http_res *r;
	json_t *items;
	const char *cur;
	size_t total = 0;
	char *path;
	int pages = 0;

	(void)state;
	at("2025-07-08T09:00:00+07:00");
	r = as(W_SPC, "GET", "/api/v1/dossiers?status=processing&limit=500", NULL);
	expect(r, 200);
	items = json_object_get(r->json, "items");
	assert_true(json_array_size(items) > 0);
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_string_equal(jstr(json_array_get(items, i), "status"), "processing");
	/* Most urgent first: due times ascending. */
	for (size_t i = 1; i < json_array_size(items); i++)
		assert_true(strcmp(jstr(json_array_get(items, i - 1), "due_at"),
		    jstr(json_array_get(items, i), "due_at")) <= 0);
	http_res_free(r);
	r = as(W_SPC, "GET", "/api/v1/dossiers?overdue=1&limit=500", NULL);
	expect(r, 200);
	items = json_object_get(r->json, "items");
	assert_true(json_array_size(items) > 0);
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_true(json_is_true(json_object_get(json_array_get(items, i), "overdue")));
	http_res_free(r);
	r = as(W_RCV, "GET", "/api/v1/dossiers?received_from=2025-07-03&received_to=2025-07-03"
	    "&limit=500", NULL);
	expect(r, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 50);
	http_res_free(r);
	r = as(W_RCV, "GET", "/api/v1/dossiers?status=bogus", NULL);
	assert_invalid_param(r, "status");
	http_res_free(r);
	r = as(W_RCV, "GET", "/api/v1/dossiers?cursor=zzz", NULL);
	assert_invalid_param(r, "cursor");
	http_res_free(r);
	/* Cursor paging visits everything once. */
	path = strdup("/api/v1/dossiers?limit=7");
	for (;;) {
		r = as(W_ADM, "GET", path, NULL);
		expect(r, 200);
		total += json_array_size(json_object_get(r->json, "items"));
		pages++;
		cur = jstr(r->json, "next_cursor");
		free(path);
		if (cur == NULL) {
			http_res_free(r);
			break;
		}
		path = harness_strdupf("/api/v1/dossiers?limit=7&cursor=%s", cur);
		http_res_free(r);
		assert_true(pages < 1000);
	}
	r = as(W_ADM, "GET", "/api/v1/dossiers?limit=500", NULL);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), total);
	assert_true(pages > 2);
	http_res_free(r);
}

/* ---- public lookup --------------------------------------------------------------- */

static void
test_public_lookup(void **state)
{
	struct http_res *r, *r404a, *r404b, *r404c;
	char code[32], key[16], *path;
	static const char *const personal[] = { "Nguyễn Thị Bích Ngọc", "0912 345 678",
		"079190001234", "ngoc.nguyen@example.vn", "Phan Chu Trinh", "Cán Bộ" };

	(void)state;
	at("2025-07-08T09:00:00+07:00");
	receive("DOS-T1", code);
	r = get_as(W_RCV, code);
	snprintf(key, sizeof(key), "%s", jstr(r->json, "lookup_key"));
	http_res_free(r);
	act_ok(W_RCV, code, "forward", "\"to_user\": \"cv_lead\"");
	path = harness_strdupf("/api/v1/public/dossiers/%s?key=%s", code, key);
	r = http_get(g, path);
	free(path);
	expect(r, 200);
	expect_field(r, "status", "processing");
	expect_field(r, "status_label", "Đang giải quyết");
	expect_field(r, "current_agency", "Sở Tư pháp");
	assert_string_equal(sub(r->json, "procedure", "name"), "Cấp Phiếu lý lịch tư pháp");
	assert_false(json_is_true(json_object_get(r->json, "result_ready")));
	assert_int_equal(json_array_size(json_object_get(r->json, "timeline")), 2);
	for (size_t i = 0; i < CORE_NELEM(personal); i++)
		if (strstr(r->body, personal[i]) != NULL)
			fail_msg("the public lookup shows \"%s\": %s", personal[i], r->body);
	assert_null(json_object_get(r->json, "applicant"));
	assert_null(json_object_get(r->json, "lookup_key"));
	http_res_free(r);
	/* Lower case is what people type. */
	for (char *p = key; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	path = harness_strdupf("/api/v1/public/dossiers/%s?key=%s", code, key);
	r = http_get(g, path);
	expect(r, 200);
	http_res_free(r);
	free(path);
	/* Wrong key, unknown code, no key: the same 404. */
	path = harness_strdupf("/api/v1/public/dossiers/%s?key=ZZZZZZZZ", code);
	r404a = http_get(g, path);
	free(path);
	r404b = http_get(g, "/api/v1/public/dossiers/" C_DESK "-250708-9999?key=ZZZZZZZZ");
	path = harness_strdupf("/api/v1/public/dossiers/%s", code);
	r404c = http_get(g, path);
	free(path);
	assert_problem(r404a, 404, "not-found");
	assert_problem(r404b, 404, "not-found");
	assert_problem(r404c, 404, "not-found");
	assert_string_equal(jstr(r404a->json, "detail"), jstr(r404b->json, "detail"));
	assert_string_equal(jstr(r404a->json, "detail"), jstr(r404c->json, "detail"));
	assert_int_equal(json_object_size(r404a->json), json_object_size(r404b->json));
	http_res_free(r404a);
	http_res_free(r404b);
	http_res_free(r404c);
}

static void
test_public_rate_limit(void **state)
{
	static const char *args[] = { "--data", data_arg, "--calendar_sync_seconds", "0",
		"--dossier_scan_seconds", "0", "--session_idle_timeout", "86400",
		"--lookup_rate_per_minute", "1", "--lookup_burst", "3", FAST_ARGON, NULL };
	struct http_res *r;
	int ok = 0, limited = 0;

	(void)state;
	at_args("2025-07-08T10:00:00+07:00", args);
	for (int i = 0; i < 5; i++) {
		r = http_get(g, "/api/v1/public/dossiers/" C_DESK "-250708-0001?key=ZZZZZZZZ");
		if (r->status == 429) {
			assert_problem(r, 429, "too-many-requests");
			assert_non_null(http_header(r, "Retry-After"));
			assert_true(strtol(http_header(r, "Retry-After"), NULL, 10) >= 1);
			limited++;
		} else {
			assert_int_equal(r->status, 404);
			ok++;
		}
		http_res_free(r);
	}
	assert_int_equal(ok, 3);
	assert_int_equal(limited, 2);
}

/* ---- optimistic lock ---------------------------------------------------------------- */

struct race {
	const char *code;
	const char *body;
	long status;
	pthread_barrier_t *bar;
};

static void *
race_one(void *arg)
{
	struct race *x = arg;
	char *path = harness_strdupf("/api/v1/dossiers/%s/actions", x->code);
	struct http_res *r;

	pthread_barrier_wait(x->bar);
	r = http_req(g, "POST", path, (const char *const[]){ sess[W_SPC].cookie,
	    sess[W_SPC].csrf_hdr, JSON_CT, NULL }, x->body);
	x->status = r->status;
	http_res_free(r);
	free(path);
	return NULL;
}

static void
test_optimistic_lock(void **state)
{
	char code[32], *b1, *b2;
	pthread_barrier_t bar;
	pthread_t t[2];
	struct race x[2];
	int64_t v;

	(void)state;
	at("2025-07-08T09:00:00+07:00");
	receive("DOS-T1", code);
	act_ok(W_RCV, code, "forward", "");
	v = version_of(code);
	(void)sess_of(W_SPC);
	b1 = harness_strdupf("{\"action\": \"assign\", \"version\": %lld, \"to_user\": \"cv_lead\"}",
	    (long long)v);
	b2 = harness_strdupf("{\"action\": \"forward\", \"version\": %lld}", (long long)v);
	pthread_barrier_init(&bar, NULL, 2);
	x[0] = (struct race){ code, b1, 0, &bar };
	x[1] = (struct race){ code, b2, 0, &bar };
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race_one, &x[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&bar);
	if (!((x[0].status == 200 && x[1].status == 409) ||
	    (x[0].status == 409 && x[1].status == 200)))
		fail_msg("expected one 200 and one 409, got %ld and %ld", x[0].status, x[1].status);
	assert_int_equal(version_of(code), v + 1);
	free(b1);
	free(b2);
}

/* ---- the audit chain ---------------------------------------------------------------- */

static void
test_audit_verifies(void **state)
{
	struct cli_res r;

	(void)state;
	motcua_run((const char *const[]){ "audit", "verify", "--db", srv_db_url(g), NULL }, &r,
	    60000);
	if (r.status != 0)
		fail_msg("audit verify: %s%s", r.out, r.err);
	cli_res_free(&r);
}

/* ---- the receipt's QR code (GET .../qr.svg) --------------------------------------- */

/* Assert r is the SVG dossier_qr_svg() makes of base + the lookup path. */
static void
expect_qr(struct http_res *r, const char *base, const char *code, const char *key)
{
	char *url = harness_strdupf("%s/portal/lookup.html?code=%s&key=%s", base, code, key);
	struct buf want;

	expect(r, 200);
	assert_string_equal(http_header(r, "Content-Type"), "image/svg+xml");
	assert_string_equal(http_header(r, "Cache-Control"), "no-store");
	assert_int_equal(dossier_qr_svg(url, &want), 0);
	if (r->len != want.len || memcmp(r->body, want.data, want.len) != 0)
		fail_msg("the QR code is not that of %s:\n%s", url, r->body);
	buf_free(&want);
	free(url);
}

static void
test_receipt_qr(void **state)
{
	static const char *const args_url[] = { "--data", data_arg, "--calendar_sync_seconds", "0",
		"--dossier_scan_seconds", "0", "--session_idle_timeout", "86400", FAST_ARGON,
		"--public_url", "https://dichvucong.example.gov.vn/", NULL };
	struct http_res *r, *d;
	char code[32], key[16], *path;

	(void)state;
	at(NULL);
	receive("DOS-T1", code);
	d = get_as(W_RCV, code);
	expect(d, 200);
	snprintf(key, sizeof(key), "%s", jstr(d->json, "lookup_key"));
	http_res_free(d);
	path = harness_strdupf("/api/v1/dossiers/%s/qr.svg", code);
	/* The request's own site: the desk prints from the address citizens use. */
	r = as(W_RCV, "GET", path, NULL);
	expect_qr(r, g->base, code, key);
	assert_security_headers(r);
	http_res_free(r);
	/* The deciding agency's staff and the inspector see it; nobody else. */
	r = as(W_SPC, "GET", path, NULL);
	expect(r, 200);
	http_res_free(r);
	r = as(W_RCV_O, "GET", path, NULL);
	assert_problem(r, 404, NULL);
	http_res_free(r);
	r = http_get(g, path);
	assert_problem(r, 401, NULL);
	http_res_free(r);
	r = as(W_RCV, "GET", "/api/v1/dossiers/000.00.01.H19-200101-9999/qr.svg", NULL);
	assert_problem(r, 404, NULL);
	http_res_free(r);
	/* With public_url set, the code carries it (without the trailing slash). */
	at_args(NULL, args_url);
	r = as(W_RCV, "GET", path, NULL);
	expect_qr(r, "https://dichvucong.example.gov.vn", code, key);
	http_res_free(r);
	at(NULL);
	free(path);
}

/* ---- who can take the next step (GET .../candidates) ------------------------------ */

/* The usernames of a candidates answer, "a,b,", and assert each item has
 * exactly the members it may have (no contact data). */
static char *
cand_names(struct http_res *r)
{
	static const char *const keys[] = { "username", "name", "role", "role_label", "agency" };
	char out[512] = "";
	json_t *it;
	size_t i;

	expect(r, 200);
	json_array_foreach(json_object_get(r->json, "items"), i, it) {
		assert_int_equal(json_object_size(it), CORE_NELEM(keys));
		for (size_t k = 0; k < CORE_NELEM(keys); k++)
			assert_non_null(json_object_get(it, keys[k]));
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s,", jstr(it, "username"));
	}
	return harness_strdupf("%s", out);
}

static void
test_candidates(void **state)
{
	struct http_res *r;
	char code[32], *path, *names;

	(void)state;
	at(NULL);
	receive("DOS-T1", code);
	path = harness_strdupf("/api/v1/dossiers/%s/candidates?action=forward", code);
	/* At the desk: step 2 is the specialist's, at the deciding agency. */
	r = as(W_RCV, "GET", path, NULL);
	names = cand_names(r);
	assert_string_equal(names, "cv_lead,");
	assert_int_equal(jint(json_object_get(r->json, "step"), "seq"), 2);
	assert_string_equal(sub(r->json, "step", "role"), "specialist");
	assert_string_equal(sub(r->json, "agency", "code"), C_LEAD);
	assert_string_equal(sub(json_array_get(json_object_get(r->json, "items"), 0), "agency",
	    "code"), C_LEAD);
	assert_string_equal(jstr(json_array_get(json_object_get(r->json, "items"), 0),
	    "role_label"), "Chuyên viên xử lý");
	http_res_free(r);
	free(names);
	/* Out of scope: 404 like the dossier. */
	r = as(W_RCV_O, "GET", path, NULL);
	assert_problem(r, 404, NULL);
	http_res_free(r);
	free(path);
	/* assign is not possible before the dossier is forwarded. */
	path = harness_strdupf("/api/v1/dossiers/%s/candidates?action=assign", code);
	r = as(W_RCV, "GET", path, NULL);
	assert_problem(r, 422, "unprocessable");
	http_res_free(r);
	free(path);
	path = harness_strdupf("/api/v1/dossiers/%s/candidates?action=approve", code);
	r = as(W_RCV, "GET", path, NULL);
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "action");
	http_res_free(r);
	free(path);
	/* Every candidate is accepted by the action. */
	act_ok(W_RCV, code, "forward", "\"to_user\": \"cv_lead\"");
	path = harness_strdupf("/api/v1/dossiers/%s/candidates?action=assign", code);
	r = as(W_SPC, "GET", path, NULL);
	names = cand_names(r);
	assert_string_equal(names, "cv_lead,");
	http_res_free(r);
	free(names);
	free(path);
	path = harness_strdupf("/api/v1/dossiers/%s/candidates?action=forward", code);
	r = as(W_SPC, "GET", path, NULL);
	names = cand_names(r);
	assert_string_equal(names, "ld_lead,");
	assert_string_equal(sub(r->json, "step", "role"), "leader");
	http_res_free(r);
	free(names);
	act_ok(W_SPC, code, "forward", "\"to_user\": \"ld_lead\"");
	act_ok(W_LDR, code, "approve", "");
	/* The last step: no next step to forward to. */
	r = as(W_CLK, "GET", path, NULL);
	assert_problem(r, 422, "unprocessable");
	http_res_free(r);
	free(path);
}

/* ---- the label table (GET /api/v1/public/dossier-labels) -------------------------- */

static void
test_labels(void **state)
{
	struct http_res *r = http_get(g, "/api/v1/public/dossier-labels");
	json_t *st, *it;
	size_t i;
	int seen = 0;

	(void)state;
	expect(r, 200);
	st = json_object_get(r->json, "statuses");
	assert_int_equal(json_array_size(st), DS__MAX);
	assert_int_equal(json_array_size(json_object_get(r->json, "actions")), DA__MAX);
	json_array_foreach(st, i, it) {
		assert_string_equal(jstr(it, "code"), dossier_status_name((enum dossier_status)i));
		assert_string_equal(jstr(it, "vi"), dossier_status_label((enum dossier_status)i, 0));
		assert_string_equal(jstr(it, "en"), dossier_status_label((enum dossier_status)i, 1));
		if (strcmp(jstr(it, "code"), "processing") == 0) {
			assert_string_equal(jstr(it, "vi"), "Đang giải quyết");
			assert_false(json_is_true(json_object_get(it, "terminal")));
			seen++;
		}
	}
	assert_int_equal(seen, 1);
	http_res_free(r);
}

/* ---- Mẫu 04: the apology's data ------------------------------------------------------ */

static void
test_apology_form(void **state)
{
	struct http_res *r;
	json_t *a;
	char code[32];

	(void)state;
	at("2025-06-02T09:00:00+07:00"); /* Monday; due Monday 9/6 17:00 */
	receive("DOS-T1", code);
	act_ok(W_RCV, code, "forward", "\"to_user\": \"cv_lead\"");
	r = get_as(W_SPC, code);
	assert_true(json_is_null(json_object_get(r->json, "apology")));
	http_res_free(r);
	at("2025-06-05T10:00:00+07:00");
	act_ok(W_SPC, code, "apologize", "\"reason\": \"Cần xác minh thêm tại địa phương\","
	    " \"new_due_at\": \"2025-06-12T16:00:00+07:00\"");
	r = get_as(W_SPC, code);
	a = json_object_get(r->json, "apology");
	assert_string_equal(jstr(a, "form"), "04");
	assert_string_equal(jstr(a, "title"), "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ");
	assert_string_equal(jstr(a, "code"), code);
	assert_string_equal(jstr(a, "request"), "Cấp Phiếu lý lịch tư pháp");
	assert_string_equal(jstr(a, "procedure_code"), "DOS-T1");
	assert_string_equal(sub(a, "applicant", "name"), "Nguyễn Thị Bích Ngọc");
	assert_string_equal(sub(a, "applicant", "address"),
	    "Số 12 đường Phan Chu Trinh, phường Quyết Thắng");
	assert_null(json_object_get(json_object_get(a, "applicant"), "id_number"));
	assert_string_equal(jstr(a, "received_at_text"), "09 giờ 00 phút, ngày 02/06/2025");
	assert_string_equal(jstr(a, "original_due_at"), "2025-06-09T17:00:00+07:00");
	assert_string_equal(jstr(a, "original_due_at_text"), "17 giờ 00 phút, ngày 09/06/2025");
	assert_string_equal(jstr(a, "new_due_at_text"), "16 giờ 00 phút, ngày 12/06/2025");
	assert_string_equal(jstr(a, "issued_at_text"), "10 giờ 00 phút, ngày 05/06/2025");
	assert_string_equal(jstr(a, "reason"), "Cần xác minh thêm tại địa phương");
	assert_string_equal(sub(a, "agency", "name"), "Sở Tư pháp");
	assert_string_equal(sub(a, "desk", "name"), "Trung tâm Phục vụ hành chính công tỉnh");
	assert_string_equal(jstr(a, "officer"), "Cán Bộ Thử Nghiệm");
	assert_string_equal(jstr(a, "time_limit"), "05 ngày làm việc");
	/* The receipt reprinted after the apology keeps the time it promised. */
	assert_string_equal(sub(r->json, "receipt", "due_at"), "2025-06-09T17:00:00+07:00");
	expect_field(r, "due_at", "2025-06-12T16:00:00+07:00");
	http_res_free(r);
	at(NULL);
}

/* ---- demo data: exactly the number asked for ----------------------------------------- */

static int64_t
count_dossiers(void)
{
	int64_t n = 0;
	char *path = harness_strdupf("/api/v1/dossiers?limit=500");

	for (;;) {
		struct http_res *r = as(W_ADM, "GET", path, NULL);
		json_t *next;

		expect(r, 200);
		n += (int64_t)json_array_size(json_object_get(r->json, "items"));
		next = json_object_get(r->json, "next_cursor");
		free(path);
		path = json_is_string(next) ? harness_strdupf("/api/v1/dossiers?limit=500&cursor=%s",
		    json_string_value(next)) : NULL;
		http_res_free(r);
		if (path == NULL)
			return n;
	}
}

static void
test_demo_count(void **state)
{
	struct cli_res r;
	int64_t before, after;

	(void)state;
	at(NULL);
	before = count_dossiers();
	/* Early on a Monday: a story starting "today" must not start later today. */
	setenv("MOTCUA_NOW", "2025-03-03T07:50:00+07:00", 1);
	motcua_run((const char *const[]){ "dossier", "demo", "--count", "40", "--days", "20",
	    "--db", srv_db_url(g), "--data", data_arg, NULL }, &r, 120000);
	unsetenv("MOTCUA_NOW");
	if (r.status != 0)
		fail_msg("dossier demo failed (%d): %s%s", r.status, r.out, r.err);
	assert_non_null(strstr(r.out, "demo: 40 hồ sơ (0 lỗi)"));
	cli_res_free(&r);
	after = count_dossiers();
	assert_int_equal(after - before, 40);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reception_and_receipt),
		cmocka_unit_test(test_reception_answer_is_the_stored_dossier),
		cmocka_unit_test(test_reception_validation),
		cmocka_unit_test(test_online_submission),
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_transition_matrix),
		cmocka_unit_test(test_parallel_receptions),
		cmocka_unit_test(test_idempotency),
		cmocka_unit_test(test_concurrent_receptions_with_bad_ones),
		cmocka_unit_test(test_idempotent_replays_in_one_burst),
		cmocka_unit_test(test_other_agency_404),
		cmocka_unit_test(test_queue_filters_and_paging),
		cmocka_unit_test(test_public_lookup),
		cmocka_unit_test(test_optimistic_lock),
		cmocka_unit_test(test_public_rate_limit),
		cmocka_unit_test(test_audit_verifies),
		cmocka_unit_test(test_receipt_qr),
		cmocka_unit_test(test_candidates),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_apology_form),
		cmocka_unit_test(test_demo_count),
	};

	return HARNESS_RUN(tests, group_setup, group_teardown);
}
