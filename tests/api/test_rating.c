/*
 * Satisfaction ratings (src/rating) through the real binary on SQLite and
 * PostgreSQL: the applicant rates online with the dossier code and the
 * lookup key (wrong key, unknown code and malformed key give the lookup's
 * 404; before the result 422; a change within rating_change_days, 409
 * after; the comment never in a public answer), desk staff enter paper
 * slips and device answers (scoped to their agencies, rating.enter only,
 * never over an online answer), bad input is a problem+json and writes
 * nothing, every version is in the audit log, the public routes are
 * rate-limited.
 */
#include "dossier_fixture.h"

#define COMMENT "Cán bộ hướng dẫn tận tình, nhưng phải chờ lâu."

/* The lookup key of a dossier, as the staff view shows it. */
static void
key_of(const char *code, char key[16])
{
	struct http_res *r = get_as(W_ADM, code);

	expect(r, 200);
	snprintf(key, 16, "%s", jstr(r->json, "lookup_key"));
	assert_int_equal(strlen(key), 8);
	http_res_free(r);
}

static struct http_res *
pub_post(const char *code, const char *key, const char *body)
{
	char *path = key ? harness_strdupf("/api/v1/public/dossiers/%s/rating?key=%s", code, key) :
	    harness_strdupf("/api/v1/public/dossiers/%s/rating", code);
	struct http_res *r = http_json(g, "POST", path, body);

	free(path);
	return r;
}

static struct http_res *
pub_get(const char *code, const char *key)
{
	char *path = harness_strdupf("/api/v1/public/dossiers/%s/rating?key=%s", code, key);
	struct http_res *r = http_get(g, path);

	free(path);
	return r;
}

static struct http_res *
staff_post(enum who w, const char *code, const char *body)
{
	char *path = harness_strdupf("/api/v1/dossiers/%s/rating", code);
	struct http_res *r = as(w, "POST", path, body);

	free(path);
	return r;
}

static struct http_res *
staff_get(enum who w, const char *code)
{
	char *path = harness_strdupf("/api/v1/dossiers/%s/rating", code);
	struct http_res *r = as(w, "GET", path, NULL);

	free(path);
	return r;
}

/* The stored rating must still be absent (nothing written). */
static void
expect_unrated(const char *code)
{
	struct http_res *r = staff_get(W_ADM, code);

	expect(r, 200);
	assert_true(json_is_null(json_object_get(r->json, "rating")));
	http_res_free(r);
}

/* A key of the right shape that is not the dossier's. */
static void
other_key(const char *key, char out[16])
{
	snprintf(out, 16, "%s", key);
	out[0] = out[0] == 'A' ? 'B' : 'A';
}

static void
test_online(void **state)
{
	char code[32], key[16], wrong[16], lower[16];
	struct http_res *r, *r2;
	struct cli_res cr;
	const char *good = "{\"access\": \"satisfied\", \"procedure\": \"very_satisfied\", "
	    "\"officer\": \"very_satisfied\", \"result\": \"satisfied\", \"comment\": \"" COMMENT
	    "\"}";

	(void)state;
	at("2025-03-03T09:00:00+07:00");
	receive("DOS-T3", code);
	key_of(code, key);
	other_key(key, wrong);

	/* Before the result: the page shows why, a rating is 422. */
	r = pub_get(code, key);
	expect(r, 200);
	assert_false(json_is_true(json_object_get(r->json, "rateable")));
	assert_true(json_is_string(json_object_get(r->json, "reason")));
	assert_true(json_is_null(json_object_get(r->json, "rating")));
	http_res_free(r);
	r = pub_post(code, key, good);
	assert_problem(r, 422, "unprocessable");
	http_res_free(r);
	expect_unrated(code);

	act_ok(W_RCV, code, "forward", "");
	at("2025-03-04T10:00:00+07:00");
	act_ok(W_CLK, code, "result_ready", "");

	/* Wrong key, malformed key, unknown code: the lookup's one 404. */
	r = pub_post(code, wrong, good);
	assert_problem(r, 404, "not-found");
	r2 = pub_post(code, "abc", good);
	assert_problem(r2, 404, "not-found");
	assert_string_equal(jstr(r->json, "detail"), jstr(r2->json, "detail"));
	http_res_free(r2);
	r2 = pub_post("000.00.01.H19-250303-9999", key, good);
	assert_problem(r2, 404, "not-found");
	assert_string_equal(jstr(r->json, "detail"), jstr(r2->json, "detail"));
	http_res_free(r2);
	http_res_free(r);
	r = pub_get(code, wrong);
	assert_problem(r, 404, "not-found");
	http_res_free(r);
	expect_unrated(code);

	/* Bad input: problem+json naming the member, nothing written. */
	{
		static const struct {
			const char *body, *param;
		} bad[] = {
			{ "{\"procedure\": \"satisfied\", \"officer\": \"satisfied\", \"result\": "
			  "\"satisfied\"}", "access" },
			{ "{\"access\": \"great\", \"procedure\": \"satisfied\", \"officer\": "
			  "\"satisfied\", \"result\": \"satisfied\"}", "access" },
			{ "{\"access\": 2, \"procedure\": \"satisfied\", \"officer\": \"satisfied\", "
			  "\"result\": \"satisfied\"}", "access" },
			{ "{\"access\": \"satisfied\", \"procedure\": \"satisfied\", \"officer\": "
			  "\"satisfied\", \"result\": \"satisfied\", \"feedback\": \"ok\"}", "feedback" },
			{ "{\"access\": \"satisfied\", \"procedure\": \"satisfied\", \"officer\": "
			  "\"satisfied\", \"result\": \"satisfied\", \"channel\": \"slip\"}", "channel" },
			{ "{\"access\": \"satisfied\", \"procedure\": \"satisfied\", \"officer\": "
			  "\"satisfied\", \"result\": \"satisfied\", \"comment\": 5}", "comment" },
		};
		char *longc = harness_repeat('x', 1001);
		char *body = harness_strdupf("{\"access\": \"satisfied\", \"procedure\": \"satisfied\", "
		    "\"officer\": \"satisfied\", \"result\": \"satisfied\", \"comment\": \"%s\"}", longc);

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			r = pub_post(code, key, bad[i].body);
			assert_problem(r, 400, "validation");
			assert_invalid_param(r, bad[i].param);
			http_res_free(r);
		}
		r = pub_post(code, key, body);
		assert_problem(r, 400, "validation");
		assert_invalid_param(r, "comment");
		http_res_free(r);
		r = pub_post(code, key, "[1]");
		assert_true(r->status == 400 || r->status == 415);
		http_res_free(r);
		free(body);
		free(longc);
	}
	expect_unrated(code);

	/* The page now offers the form. */
	r = pub_get(code, key);
	expect(r, 200);
	assert_true(json_is_true(json_object_get(r->json, "rateable")));
	http_res_free(r);

	/* Rated with the key typed in small letters; the comment is stored but
	 * never shown by a public answer. */
	snprintf(lower, sizeof(lower), "%s", key);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	r = pub_post(code, lower, good);
	expect(r, 201);
	assert_true(json_is_true(json_object_get(r->json, "satisfied")));
	assert_string_equal(jstr(r->json, "channel"), "online");
	assert_int_equal(jint(r->json, "revision"), 1);
	assert_string_equal(sub(r->json, "criteria", "procedure"), "very_satisfied");
	assert_true(json_is_null(json_object_get(json_object_get(r->json, "criteria"),
	    "feedback")));
	assert_null(strstr(r->body, "tận tình"));
	http_res_free(r);
	r = pub_get(code, key);
	expect(r, 200);
	assert_null(strstr(r->body, "tận tình"));
	assert_null(json_object_get(json_object_get(r->json, "rating"), "comment"));
	assert_true(json_is_true(json_object_get(r->json, "rateable"))); /* may still change */
	http_res_free(r);
	/* Staff see the comment. */
	r = staff_get(W_LDR, code);
	expect(r, 200);
	assert_string_equal(sub(r->json, "rating", "comment"), COMMENT);
	/* ... and may not enter a slip over the applicant's own answer. */
	assert_false(json_is_true(json_object_get(r->json, "rateable")));
	http_res_free(r);
	r = staff_post(W_RCV, code, "{\"channel\": \"slip\", \"access\": \"satisfied\", "
	    "\"procedure\": \"satisfied\", \"officer\": \"satisfied\", \"result\": \"satisfied\"}");
	assert_problem(r, 409, "conflict");
	http_res_free(r);

	/* A change within the days allowed, key in the body: the officer
	 * criterion dissatisfied makes the rating not satisfied. */
	at("2025-03-06T10:00:00+07:00");
	{
		char *b = harness_strdupf("{\"access\": \"satisfied\", \"procedure\": \"satisfied\", "
		    "\"officer\": \"dissatisfied\", \"result\": \"satisfied\", \"feedback\": "
		    "\"satisfied\", \"key\": \"%s\"}", key);

		r = pub_post(code, NULL, b);
		free(b);
	}
	expect(r, 200);
	assert_false(json_is_true(json_object_get(r->json, "satisfied")));
	assert_int_equal(jint(r->json, "revision"), 2);
	/* The period stays the first answer's. */
	assert_string_equal(jstr(r->json, "rated_at"), "2025-03-04T10:00:00+07:00");
	assert_string_equal(sub(r->json, "criteria", "feedback"), "satisfied");
	http_res_free(r);

	/* Eight days after the first answer: final. */
	at("2025-03-12T11:00:00+07:00");
	r = pub_post(code, key, good);
	assert_problem(r, 409, "conflict");
	http_res_free(r);
	r = pub_get(code, key);
	expect(r, 200);
	assert_false(json_is_true(json_object_get(r->json, "rateable")));
	assert_false(json_is_true(json_object_get(json_object_get(r->json, "rating"),
	    "satisfied")));
	http_res_free(r);

	/* Every version is in the audit log. */
	{
		char *obj = harness_strdupf("dossier:%s", code);

		motcua_run((const char *const[]){ "audit", "list", "--object", obj, "--db",
		    srv_db_url(g), NULL }, &cr, 60000);
		free(obj);
	}
	assert_int_equal(cr.status, 0);
	assert_non_null(strstr(cr.out, "rating.create"));
	assert_non_null(strstr(cr.out, "rating.change"));
	cli_res_free(&cr);
}

static void
test_desk_slip(void **state)
{
	char code[32], key[16];
	struct http_res *r;
	const char *slip = "{\"channel\": \"slip\", \"access\": \"very_satisfied\", "
	    "\"procedure\": \"satisfied\", \"officer\": \"very_satisfied\", \"result\": "
	    "\"dissatisfied\", \"comment\": \"Kết quả chưa đúng mong muốn\"}";

	(void)state;
	at("2025-03-03T09:00:00+07:00");
	receive("DOS-T1", code);
	key_of(code, key);
	act_ok(W_RCV, code, "forward", "");
	act_ok(W_SPC, code, "forward", "");
	/* Rejected after appraisal: the service can still be rated. */
	act_ok(W_LDR, code, "reject", "\"reason\": \"Không đủ điều kiện\"");

	/* Bad input writes nothing. */
	r = staff_post(W_RCV, code, "{\"channel\": \"phone\", \"access\": \"satisfied\", "
	    "\"procedure\": \"satisfied\", \"officer\": \"satisfied\", \"result\": \"satisfied\"}");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "channel");
	http_res_free(r);
	r = staff_post(W_RCV, code, "{\"channel\": \"slip\", \"key\": \"x\", \"access\": "
	    "\"satisfied\", \"procedure\": \"satisfied\", \"officer\": \"satisfied\", \"result\": "
	    "\"satisfied\"}");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "key");
	http_res_free(r);
	expect_unrated(code);
	/* Another department's desk does not see the dossier; a specialist may
	 * not enter slips; nobody without signing in. */
	r = staff_post(W_RCV_O, code, slip);
	assert_problem(r, 404, "not-found");
	http_res_free(r);
	r = staff_get(W_RCV_O, code);
	assert_problem(r, 404, "not-found");
	http_res_free(r);
	r = staff_post(W_SPC, code, slip);
	assert_problem(r, 403, "forbidden");
	http_res_free(r);
	{
		char *path = harness_strdupf("/api/v1/dossiers/%s/rating", code);

		r = http_json(g, "POST", path, slip);
		free(path);
	}
	assert_problem(r, 401, NULL);
	http_res_free(r);
	expect_unrated(code);

	/* The desk enters the paper slip. */
	r = staff_post(W_RCV, code, slip);
	expect(r, 201);
	assert_string_equal(jstr(r->json, "channel"), "slip");
	assert_false(json_is_true(json_object_get(r->json, "satisfied")));
	assert_string_equal(jstr(r->json, "entered_by"), "Cán Bộ Thử Nghiệm");
	http_res_free(r);
	/* The lead agency's clerk corrects it from the counter device. */
	r = staff_post(W_CLK, code, "{\"channel\": \"device\", \"access\": \"very_satisfied\", "
	    "\"procedure\": \"satisfied\", \"officer\": \"very_satisfied\", \"result\": "
	    "\"satisfied\"}");
	expect(r, 200);
	assert_int_equal(jint(r->json, "revision"), 2);
	assert_true(json_is_true(json_object_get(r->json, "satisfied")));
	http_res_free(r);
	/* The applicant's own answer online replaces a desk entry. */
	{
		char *path = harness_strdupf("/api/v1/public/dossiers/%s/rating?key=%s", code, key);

		r = http_json(g, "POST", path, "{\"access\": \"dissatisfied\", \"procedure\": "
		    "\"satisfied\", \"officer\": \"satisfied\", \"result\": \"satisfied\"}");
		free(path);
	}
	expect(r, 200);
	assert_string_equal(jstr(r->json, "channel"), "online");
	assert_int_equal(jint(r->json, "revision"), 3);
	http_res_free(r);
	r = staff_get(W_RCV, code);
	expect(r, 200);
	assert_string_equal(sub(r->json, "rating", "channel"), "online");
	assert_false(json_is_true(json_object_get(r->json, "rateable")));
	http_res_free(r);
}

static void
test_rate_limit(void **state)
{
	static const char *const args[] = { "--data", data_arg, "--calendar_sync_seconds", "0",
		"--dossier_scan_seconds", "0", "--lookup_rate_per_minute", "1", "--lookup_burst",
		"2", FAST_ARGON, NULL };
	struct http_res *r;
	int limited = 0;

	(void)state;
	at_args("2025-03-12T11:00:00+07:00", args);
	for (int i = 0; i < 6 && !limited; i++) {
		r = pub_post("000.00.01.H19-250303-9999", "ABCDEFGH", "{\"access\": \"satisfied\", "
		    "\"procedure\": \"satisfied\", \"officer\": \"satisfied\", \"result\": "
		    "\"satisfied\"}");
		if (r->status == 429) {
			limited = 1;
			assert_non_null(http_header(r, "Retry-After"));
		} else {
			assert_problem(r, 404, "not-found");
		}
		http_res_free(r);
	}
	assert_true(limited);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_online),
		cmocka_unit_test(test_desk_slip),
		cmocka_unit_test(test_rate_limit),
	};

	return HARNESS_RUN(tests, group_setup, group_teardown);
}
