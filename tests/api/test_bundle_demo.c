/*
 * `motcua dossier demo` on the seeded catalogue makes four interlinked
 * (bundle) dossiers at different stages through the real reception,
 * workflow, outputs and outcome code, on SQLite and PostgreSQL: one
 * finished and handed over, one with results released early while the
 * police still work, one handed off to the police's system, one whose
 * components wait for the birth registration.  The same seed gives the
 * same story.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct srv *g;
static char data_arg[600];

static int
setup(void **state)
{
	struct cli_res r;

	(void)state;
	snprintf(data_arg, sizeof(data_arg), "%s/data", getenv("MOTCUA_SOURCE_DIR"));
	g = srv_create(1);
	if (motcua_run((const char *const[]){ "seed", "--db", srv_db_url(g), "--data", data_arg,
	    NULL }, &r, 240000) != 0)
		fail_msg("seed failed (%d): %s", r.status, r.err);
	cli_res_free(&r);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	srv_free(g);
	return 0;
}

/* The staff JSON of dossier code (CLI `dossier show`); the caller frees. */
static json_t *
show(const char *code)
{
	struct cli_res r;
	json_t *j;

	if (motcua_run((const char *const[]){ "dossier", "show", code, "--db", srv_db_url(g),
	    NULL }, &r, 60000) != 0)
		fail_msg("dossier show %s failed: %s", code, r.err);
	j = json_loads(r.out, 0, NULL);
	if (j == NULL)
		fail_msg("dossier show %s: not JSON: %s", code, r.out);
	cli_res_free(&r);
	return j;
}

/* The status of component `key` of bundle JSON b. */
static const char *
comp_status(json_t *b, const char *key)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(b, "components"), i, c)
		if (strcmp(json_string_value(json_object_get(c, "key")), key) == 0)
			return json_string_value(json_object_get(c, "status"));
	fail_msg("no component %s", key);
	return "";
}

static const char *
st(json_t *o)
{
	return json_string_value(json_object_get(o, "status"));
}

static void
test_demo_bundles(void **state)
{
	static const char *const stage[] = { "đã trả kết quả", "đã trả một phần kết quả",
		"đã chuyển hệ thống ngoài", "đang chờ thủ tục trước" };
	char code[4][32];
	struct cli_res r;
	json_t *b;

	(void)state;
	/* A Thursday afternoon just after the National Day holidays. */
	setenv("MOTCUA_NOW", "2026-09-03T16:00:00+07:00", 1);
	motcua_run((const char *const[]){ "dossier", "demo", "--count", "40", "--days", "20",
	    "--db", srv_db_url(g), "--data", data_arg, "--argon2_m_cost", "64", "--argon2_t_cost",
	    "1", NULL }, &r, 240000);
	unsetenv("MOTCUA_NOW");
	if (r.status != 0)
		fail_msg("dossier demo failed (%d): %s%s", r.status, r.out, r.err);
	if (strstr(r.out, "demo: 4 hồ sơ liên thông (0 lỗi)") == NULL)
		fail_msg("no bundles in: %s%s", r.out, r.err);
	for (int i = 0; i < 4; i++) {
		const char *p = strstr(r.out, stage[i]);

		assert_non_null(p);
		while (p > r.out && p[-1] != '\n')
			p--;
		assert_int_equal(sscanf(p, " %31s", code[i]), 1);
	}
	cli_res_free(&r);

	/* Finished: every component's result, the bundle handed over. */
	b = show(code[0]);
	assert_string_equal(json_string_value(json_object_get(b, "kind")), "bundle");
	assert_string_equal(st(b), "returned");
	assert_string_equal(comp_status(b, "khai-sinh"), "returned");
	assert_string_equal(comp_status(b, "thuong-tru"), "returned");
	assert_string_equal(comp_status(b, "bhyt"), "returned");
	json_decref(b);
	/* Released early: the birth certificate handed over, the health
	 * insurance card ready, the police still at work. */
	b = show(code[1]);
	assert_string_equal(st(b), "received");
	assert_string_equal(comp_status(b, "khai-sinh"), "returned");
	assert_string_equal(comp_status(b, "bhyt"), "result_ready");
	assert_string_equal(comp_status(b, "thuong-tru"), "received");
	json_decref(b);
	/* Handed off: the death registration done, the police's part with the
	 * residence system, the funeral allowance at the district. */
	b = show(code[2]);
	assert_string_equal(comp_status(b, "khai-tu"), "result_ready");
	assert_string_equal(comp_status(b, "xoa-thuong-tru"), "received");
	assert_string_equal(comp_status(b, "mai-tang"), "received");
	json_decref(b);
	/* Waiting: the birth registration in progress, the others wait. */
	b = show(code[3]);
	assert_string_equal(comp_status(b, "khai-sinh"), "processing");
	assert_string_equal(comp_status(b, "thuong-tru"), "waiting");
	assert_string_equal(comp_status(b, "bhyt"), "waiting");
	json_decref(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_bundles),
	};

	return HARNESS_RUN(tests, setup, teardown);
}
