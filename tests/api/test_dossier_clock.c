/*
 * Dossiers against the real binary on SQLite and PostgreSQL (part 2 of 2):
 * the rules of the legal clock, with the server's clock moved across days
 * (MOTCUA_NOW): supplement after appraisal only within 3 working days and
 * only once, the limit restarting from zero on the complete dossier; the
 * apology only once and at least one working day before the due time, the
 * dossier still late against the original due time; classification at the
 * boundaries (one minute before, at, after the due time; due the day
 * before a holiday); codes in Vietnam time with the daily reset; the
 * scanner marking due-soon and overdue dossiers once each.
 */
#define _GNU_SOURCE

#include "dossier_fixture.h"

/* ---- supplement: within 3 working days, once, the clock restarts ---------------- */

static void
test_supplement_rules(void **state)
{
	struct http_res *r;
	char a[32], b[32], c[32];

	(void)state;
	at("2025-03-17T09:00:00+07:00"); /* Monday; due Monday 24/3 17:00 */
	receive("DOS-T1", a);
	receive("DOS-T1", b);
	act_ok(W_RCV, a, "forward", "");
	act_ok(W_RCV, b, "forward", "");
	/* Thursday 20/3 17:00 is the third working day's end: still in time. */
	at("2025-03-20T16:00:00+07:00");
	act_ok(W_SPC, a, "request_supplement", "\"missing\": [\"Bản sao giấy khai sinh\"],"
	    " \"note\": \"Thiếu giấy khai sinh\"");
	r = get_as(W_SPC, a);
	expect_field(r, "status", "awaiting_supplement");
	assert_int_equal(jint(r->json, "appraisal_supplements"), 1);
	http_res_free(r);
	/* At the desk, incomplete (Mẫu 02): the clock starts when it is
	 * supplemented. */
	{
		char *bd = body_for("DOS-T1", "counter", "\"outcome\": \"incomplete\", \"missing\": "
		    "[\"Tờ khai có chữ ký\"]");

		r = as(W_RCV, "POST", "/api/v1/dossiers", bd);
		expect(r, 201);
		snprintf(c, sizeof(c), "%s", jstr(r->json, "code"));
		http_res_free(r);
		free(bd);
	}
	/* Wednesday 26/3: more than 3 working days after b's receipt. */
	at("2025-03-26T10:00:00+07:00");
	r = act(W_SPC, b, "request_supplement", "\"missing\": [\"x\"]");
	assert_problem(r, 422, "unprocessable");
	assert_non_null(strstr(jstr(r->json, "detail"), "03 ngày làm việc"));
	http_res_free(r);
	/* The complete dossier arrives on Wednesday 26/3: the 5 days start
	 * again from zero (due Wednesday 2/4), past the old due time. */
	act_ok(W_RCV, a, "supplement", "\"documents\": [{\"name\": \"Bản sao giấy khai sinh\","
	    " \"originals\": 0, \"copies\": 1}]");
	r = get_as(W_RCV, a);
	expect_field(r, "status", "received");
	expect_field(r, "received_at", "2025-03-26T10:00:00+07:00");
	expect_field(r, "legal_due_at", "2025-04-02T17:00:00+07:00");
	expect_field(r, "due_at", "2025-04-02T17:00:00+07:00");
	assert_int_equal(json_array_size(json_object_get(r->json, "documents")), 3);
	assert_false(json_is_null(json_object_get(json_array_get(json_object_get(r->json,
	    "supplements"), 0), "fulfilled_at")));
	http_res_free(r);
	/* A second request after appraisal is refused, even in time. */
	act_ok(W_RCV, a, "forward", "");
	r = act(W_SPC, a, "request_supplement", "\"missing\": [\"Thêm giấy tờ\"]");
	assert_problem(r, 422, "unprocessable");
	assert_non_null(strstr(jstr(r->json, "detail"), "một lần"));
	http_res_free(r);
	/* ... and it is not among the allowed actions. */
	r = get_as(W_SPC, a);
	{
		json_t *al = json_object_get(r->json, "allowed_actions");

		assert_true(json_array_size(al) > 0);
		for (size_t i = 0; i < json_array_size(al); i++)
			assert_string_not_equal(jstr(json_array_get(al, i), "action"),
			    "request_supplement");
	}
	http_res_free(r);
	/* The desk's incomplete dossier, supplemented now. */
	act_ok(W_RCV, c, "supplement", "");
	r = get_as(W_RCV, c);
	expect_field(r, "status", "received");
	expect_field(r, "received_at", "2025-03-26T10:00:00+07:00");
	expect_field(r, "due_at", "2025-04-02T17:00:00+07:00");
	assert_false(json_is_null(json_object_get(r->json, "register_no")));
	http_res_free(r);
}

/* ---- apology: once, at least one working day before the due time --------------- */

static void
test_apology_rules(void **state)
{
	struct http_res *r;
	char a[32], b[32];

	(void)state;
	at("2025-06-02T09:00:00+07:00"); /* Monday; due Monday 9/6 17:00 */
	receive("DOS-T1", a);
	receive("DOS-T1", b);
	act_ok(W_RCV, a, "forward", "");
	act_ok(W_RCV, b, "forward", "");
	/* Monday 9/6 09:00: less than a working day left. */
	at("2025-06-09T09:00:00+07:00");
	r = act(W_SPC, b, "apologize", "\"reason\": \"Cần xác minh thêm\", \"new_due_at\": "
	    "\"2025-06-12T17:00:00+07:00\"");
	assert_problem(r, 422, "unprocessable");
	assert_non_null(strstr(jstr(r->json, "detail"), "01 ngày làm việc"));
	http_res_free(r);
	/* Friday 6/6 16:59: a working day and a minute left. */
	at("2025-06-06T16:59:00+07:00");
	r = act(W_SPC, a, "apologize", "\"reason\": \"Cần xác minh thêm tại địa phương\"");
	assert_invalid_param(r, "new_due_at");
	http_res_free(r);
	r = act(W_SPC, a, "apologize", "\"reason\": \"Cần xác minh\", \"new_due_at\": "
	    "\"2025-06-05T17:00:00+07:00\"");
	assert_invalid_param(r, "new_due_at");
	http_res_free(r);
	act_ok(W_SPC, a, "apologize", "\"reason\": \"Cần xác minh thêm tại địa phương\","
	    " \"new_due_at\": \"2025-06-12T17:00:00+07:00\"");
	r = get_as(W_SPC, a);
	expect_field(r, "due_at", "2025-06-12T17:00:00+07:00");
	expect_field(r, "legal_due_at", "2025-06-09T17:00:00+07:00");
	assert_string_equal(sub(r->json, "apology", "form"), "04");
	assert_string_equal(sub(r->json, "apology", "original_due_at"), "2025-06-09T17:00:00+07:00");
	http_res_free(r);
	/* Only once. */
	r = act(W_SPC, a, "apologize", "\"reason\": \"Lần nữa\", \"new_due_at\": "
	    "\"2025-06-20T17:00:00+07:00\"");
	assert_problem(r, 422, "unprocessable");
	assert_non_null(strstr(jstr(r->json, "detail"), "một lần"));
	http_res_free(r);
	/* Finished on the promised date but after the original due time: it
	 * still counts as late. */
	act_ok(W_SPC, a, "forward", "");
	act_ok(W_LDR, a, "approve", "");
	at("2025-06-11T10:00:00+07:00");
	act_ok(W_CLK, a, "result_ready", "");
	r = get_as(W_CLK, a);
	assert_string_equal(sub(r->json, "result", "code"), "late");
	http_res_free(r);
}

/* ---- classification at the boundaries ------------------------------------------- */

static void
ready_at(const char *iso, const char *code, const char *want)
{
	struct http_res *r;

	at(iso);
	act_ok(W_CLK, code, "result_ready", "");
	r = get_as(W_CLK, code);
	if (strcmp(sub(r->json, "result", "code"), want) != 0)
		fail_msg("finished %s: want %s, got %s", iso, want, r->body);
	http_res_free(r);
}

static void
test_classification_boundaries(void **state)
{
	char c[5][32];
	struct http_res *r;

	(void)state;
	/* Friday 25/4/2025 10:00, 3 working days: Saturday 26/4 is worked
	 * (swapped for Friday 2/5), so the due time is Tuesday 29/4 17:00 —
	 * the day before the 30/4 holiday. */
	at("2025-04-25T10:00:00+07:00");
	for (int i = 0; i < 5; i++) {
		receive("DOS-T3", c[i]);
		act_ok(W_RCV, c[i], "forward", "");
	}
	r = get_as(W_RCV, c[0]);
	expect_field(r, "due_at", "2025-04-29T17:00:00+07:00");
	http_res_free(r);
	ready_at("2025-04-28T16:00:00+07:00", c[0], "early");
	ready_at("2025-04-29T16:59:00+07:00", c[1], "on_time");
	ready_at("2025-04-29T17:00:00+07:00", c[2], "on_time");
	ready_at("2025-04-29T17:01:00+07:00", c[3], "late");
	ready_at("2025-04-30T09:00:00+07:00", c[4], "late"); /* a holiday: still late */
}

/* ---- codes: format, Vietnam date, daily reset ----------------------------------- */

static void
test_code_daily_reset(void **state)
{
	char a[32], b[32], c[32];

	(void)state;
	/* 06:00 in Vietnam is 23:00 UTC of the day before: the code carries
	 * the Vietnam date. */
	at("2025-07-01T06:00:00+07:00");
	receive("DOS-T3", a);
	receive("DOS-T3", b);
	assert_string_equal(a, C_DESK "-250701-0001");
	assert_string_equal(b, C_DESK "-250701-0002");
	at("2025-07-02T08:00:00+07:00");
	receive("DOS-T3", c);
	assert_string_equal(c, C_DESK "-250702-0001");
	assert_true(dossier_code_valid(c));
}

/* ---- the scanner ------------------------------------------------------------------- */

static size_t
audit_count(const char *code, const char *action)
{
	char *path = harness_strdupf("/api/v1/audit?limit=500&object=dossier:%s&action=%s", code,
	    action);
	struct http_res *r = as(W_ADM, "GET", path, NULL);
	size_t n;

	expect(r, 200);
	n = json_array_size(json_object_get(r->json, "items"));
	http_res_free(r);
	free(path);
	return n;
}

static void
test_scanner(void **state)
{
	static const char *args[] = { "--data", data_arg, "--calendar_sync_seconds", "0",
		"--dossier_scan_seconds", "1", "--session_idle_timeout", "86400", FAST_ARGON, NULL };
	struct http_res *r;
	char code[32];
	int64_t deadline;

	(void)state;
	at("2025-08-04T09:00:00+07:00"); /* Monday; DOS-T3 due Thursday 7/8 17:00 */
	receive("DOS-T3", code);
	act_ok(W_RCV, code, "forward", "");
	/* Wednesday 6/8 17:00: one working day left. */
	at_args("2025-08-06T17:00:00+07:00", args);
	deadline = harness_now_ms() + 15000;
	do {
		harness_sleep_ms(200);
		r = get_as(W_SPC, code);
		if (!json_is_null(json_object_get(r->json, "due_soon_at")))
			break;
		http_res_free(r);
		r = NULL;
	} while (harness_now_ms() < deadline);
	assert_non_null(r);
	assert_true(json_is_null(json_object_get(r->json, "overdue_at")));
	http_res_free(r);
	harness_sleep_ms(2500); /* more passes: still marked once */
	assert_int_equal(audit_count(code, "dossier.due_soon"), 1);
	/* Friday: overdue. */
	at_args("2025-08-08T09:00:00+07:00", args);
	deadline = harness_now_ms() + 15000;
	do {
		harness_sleep_ms(200);
		r = get_as(W_SPC, code);
		if (!json_is_null(json_object_get(r->json, "overdue_at")))
			break;
		http_res_free(r);
		r = NULL;
	} while (harness_now_ms() < deadline);
	assert_non_null(r);
	assert_true(json_is_true(json_object_get(r->json, "overdue")));
	http_res_free(r);
	harness_sleep_ms(2500);
	assert_int_equal(audit_count(code, "dossier.overdue"), 1);
	assert_int_equal(audit_count(code, "dossier.due_soon"), 1);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_supplement_rules),
		cmocka_unit_test(test_apology_rules),
		cmocka_unit_test(test_classification_boundaries),
		cmocka_unit_test(test_code_daily_reset),
		cmocka_unit_test(test_scanner),
		cmocka_unit_test(test_audit_verifies),
	};

	return HARNESS_RUN(tests, group_setup, group_teardown);
}
