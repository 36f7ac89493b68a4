/*
 * Satisfaction ratings (src/rating) through the real binary on SQLite and
 * PostgreSQL: the applicant rates online with the dossier code and the
 * lookup key (wrong key, unknown code and malformed key give the lookup's
 * 404; before the result 422; a change within rating_change_days, 409
 * after; the comment never in a public answer), desk staff enter paper
 * slips and device answers (scoped to their agencies, rating.enter only,
 * never over an online answer), bad input is a problem+json and writes
 * nothing, every version is in the audit log, the public routes are
 * rate-limited.  `motcua dossier demo` rates its dossiers through the same
 * code: counted one by one through the staff view and compared with what
 * the demo says, the trend and the public statistics; a second run rates
 * only its new dossiers.
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

/* ---- the demo's ratings ------------------------------------------------------------------ */

#define T_MONTHS 24 /* 2024-08 .. 2026-07 */

/* Every rating in the database, read one by one through the staff view of
 * each dossier (the rating slice's own answer, not the report's SQL):
 * per month of the first answer, and the demo's own (rated from `since`). */
struct tally {
	int64_t rated[T_MONTHS], sat[T_MONTHS];
	int64_t n, nsat, ch[3], before; /* from since on; ch: online, slip, device */
	int months; /* months with one of them */
};

static int
month_index(const char *iso)
{
	int y = 0, m = 0;

	assert_int_equal(sscanf(iso, "%4d-%2d", &y, &m), 2);
	assert_true((y - 2024) * 12 + m - 8 >= 0 && (y - 2024) * 12 + m - 8 < T_MONTHS);
	return (y - 2024) * 12 + m - 8;
}

static void
tally_ratings(const char *since, struct tally *t)
{
	char *path = harness_strdupf("/api/v1/dossiers?limit=500");
	int seen[T_MONTHS] = { 0 };

	memset(t, 0, sizeof(*t));
	while (path != NULL) {
		struct http_res *r = as(W_ADM, "GET", path, NULL), *rr;
		json_t *it, *next, *x;
		size_t i;

		expect(r, 200);
		json_array_foreach(json_object_get(r->json, "items"), i, it) {
			const char *code = jstr(it, "code"), *at, *ch;
			int mi, sat;

			rr = staff_get(W_ADM, code);
			expect(rr, 200);
			x = json_object_get(rr->json, "rating");
			if (json_is_null(x)) {
				http_res_free(rr);
				continue;
			}
			/* Rated only once it has its outcome, and never changed by a rerun. */
			assert_true(strcmp(jstr(it, "status"), "result_ready") == 0 ||
			    strcmp(jstr(it, "status"), "returned") == 0 ||
			    strcmp(jstr(it, "status"), "rejected") == 0);
			at = jstr(x, "rated_at");
			ch = jstr(x, "channel");
			sat = json_is_true(json_object_get(x, "satisfied"));
			mi = month_index(at);
			t->rated[mi]++;
			t->sat[mi] += sat;
			if (strcmp(at, since) >= 0) {
				assert_int_equal(jint(x, "revision"), 1);
				t->n++;
				t->nsat += sat;
				t->ch[strcmp(ch, "online") == 0 ? 0 : strcmp(ch, "slip") == 0 ? 1 : 2]++;
				/* A slip names the official who typed it; online answers
				 * and a device's (an API token) name nobody. */
				assert_int_equal(json_is_null(json_object_get(x, "entered_by")),
				    strcmp(ch, "slip") != 0);
				t->months += !seen[mi];
				seen[mi] = 1;
			} else
				t->before++;
			http_res_free(rr);
		}
		next = json_object_get(r->json, "next_cursor");
		free(path);
		path = json_is_string(next) ? harness_strdupf("/api/v1/dossiers?limit=500&cursor=%s",
		    json_string_value(next)) : NULL;
		http_res_free(r);
	}
}

/* `motcua dossier demo` at iso; its ratings line parsed into n, sat,
 * online, slip, device. */
static void
run_demo(const char *iso, const char *count, const char *days, int64_t out[5])
{
	struct cli_res r;
	const char *p;
	int v[6];

	setenv("MOTCUA_NOW", iso, 1);
	motcua_run((const char *const[]){ "dossier", "demo", "--count", count, "--days", days,
	    "--db", srv_db_url(g), "--data", data_arg, FAST_ARGON, NULL }, &r, 240000);
	unsetenv("MOTCUA_NOW");
	if (r.status != 0)
		fail_msg("dossier demo failed (%d): %s%s", r.status, r.out, r.err);
	assert_non_null(strstr(r.out, " hồ sơ (0 lỗi)"));
	if ((p = strstr(r.out, " đánh giá mức độ hài lòng (")) == NULL)
		fail_msg("no ratings line in: %s", r.out);
	while (p > r.out && p[-1] != '\n')
		p--;
	if (sscanf(p, "demo: %d đánh giá mức độ hài lòng (%d hài lòng; trực tuyến=%d phiếu=%d "
	    "thiết_bị=%d; %d lỗi)", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		fail_msg("unexpected ratings line in: %s", r.out);
	assert_int_equal(v[5], 0);
	for (int i = 0; i < 5; i++)
		out[i] = v[i];
	cli_res_free(&r);
}

static void
test_demo_ratings(void **state)
{
	struct tally t1, t2;
	int64_t d1[5], d2[5];
	struct http_res *r;
	json_t *it;
	size_t i;

	(void)state;
	/* A hundred dossiers over April–July 2025 (the tests above rated in
	 * March: not the demo's). */
	at(NULL);
	run_demo("2025-07-15T15:00:00+07:00", "100", "100", d1);
	tally_ratings("2025-04-01", &t1);
	assert_int_equal(t1.n, d1[0]);
	assert_int_equal(t1.nsat, d1[1]);
	assert_int_equal(t1.ch[0], d1[2]);
	assert_int_equal(t1.ch[1], d1[3]);
	assert_int_equal(t1.ch[2], d1[4]);
	/* Realistic: many rated, online and on paper, over the months, with a
	 * satisfaction above the plan's 75 % but not everybody satisfied. */
	assert_true(t1.n >= 20);
	assert_true(t1.ch[0] > 0 && t1.ch[1] > 0);
	assert_true(t1.months >= 3);
	assert_true(t1.nsat < t1.n);
	assert_true(t1.nsat * 100 >= t1.n * 75 && t1.nsat * 100 <= t1.n * 97);

	/* The trend of the last twelve months, month by month, as tallied
	 * (March holds the ratings of the tests above). */
	at("2025-07-20T09:00:00+07:00");
	r = as(W_ADM, "GET", "/api/v1/reports/trend?months=12", NULL);
	expect(r, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 12);
	json_array_foreach(json_object_get(r->json, "items"), i, it) {
		int mi = month_index(jstr(it, "month"));
		json_t *rate = json_object_get(it, "satisfaction_rate");

		assert_int_equal(jint(it, "rated"), t1.rated[mi]);
		assert_int_equal(jint(it, "satisfied"), t1.sat[mi]);
		if (t1.rated[mi] == 0)
			assert_true(json_is_null(rate));
		else {
			double d = json_number_value(rate) - (double)t1.sat[mi] / (double)t1.rated[mi];

			assert_true(d < 0.00006 && d > -0.00006);
		}
	}
	http_res_free(r);
	/* The public statistics of June show the month's ratings too. */
	r = http_get(g, "/api/v1/public/statistics?kind=month&date=2025-06-15");
	expect(r, 200);
	assert_int_equal(jint(json_object_get(r->json, "total"), "rated"),
	    t1.rated[month_index("2025-06")]);
	assert_int_equal(jint(json_object_get(r->json, "total"), "satisfied"),
	    t1.sat[month_index("2025-06")]);
	assert_true(t1.rated[month_index("2025-06")] > 0);
	http_res_free(r);

	/* A second run rates its own new dossiers only: the earlier ratings
	 * stay as they were (revision 1, same count), nothing twice. */
	at(NULL);
	run_demo("2025-08-20T15:00:00+07:00", "30", "14", d2);
	tally_ratings("2025-08-01", &t2);
	assert_int_equal(t2.n, d2[0]);
	assert_int_equal(t2.nsat, d2[1]);
	assert_int_equal(t2.before, t1.before + t1.n);
	for (int m = 0; m < month_index("2025-08"); m++) {
		assert_int_equal(t2.rated[m], t1.rated[m]);
		assert_int_equal(t2.sat[m], t1.sat[m]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_online),
		cmocka_unit_test(test_desk_slip),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_demo_ratings),
	};

	return HARNESS_RUN(tests, group_setup, group_teardown);
}
