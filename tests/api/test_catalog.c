/*
 * The catalogue against the real binary on SQLite and PostgreSQL: the seed
 * (and that a second seed changes nothing), search with and without
 * diacritics, filters and paging, the version in force on a date, new
 * versions and their history, abolition (hidden from search, readable by
 * code), an invalid import that rolls back and names the record and field,
 * step budgets over the limit rejected, permissions (401/403 and the agency
 * admin's scope), audit entries, the online share and export.
 *
 * "Today" is fixed with MOTCUA_NOW (test builds) so dates are stable.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "harness.h"

#define JSON_CT "Content-Type: application/json"
#define PW "Mật-khẩu-thử-nghiệm-2025"
#define NOW "2026-06-01T09:00:00+07:00"
#define TODAY "2026-06-01"
#define FAST_ARGON "--argon2_m_cost", "64", "--argon2_t_cost", "1"

#define PROVINCE "000.00.00.H19"
#define SO_TU_PHAP "000.00.04.H19"
#define BIEN_HOA "000.00.21.H19"
#define SEED_PROCEDURES 91

static struct srv *g;

struct sess {
	char cookie[128];
	char csrf_hdr[128];
};

static struct sess s_admin, s_qtv, s_receiver;

/* ---- helpers ------------------------------------------------------------- */

static void
expect(struct http_res *r, long status)
{
	if (r->status != status)
		fail_msg("expected %ld, got %ld: %.600s", status, r->status, r->body);
}

static const char *
data_dir(void)
{
	static char dir[1024];
	const char *src = getenv("MOTCUA_SOURCE_DIR");

	snprintf(dir, sizeof(dir), "%s/data", src ? src : ".");
	return dir;
}

static int
cli(const char *const *args, struct cli_res *r)
{
	return motcua_run(args, r, 120000);
}

static void
cli_user(const char *username, const char *role, const char *agency)
{
	const char *argv[] = { "/bin/sh", "-c", "printf '%s\\n' \"$T_STDIN\" | \"$0\" \"$@\"",
		getenv("MOTCUA_BIN"), "user", "add", "--username", username, "--role", role,
		"--agency", agency, "--name", "Người Thử Nghiệm", "--db", srv_db_url(g), FAST_ARGON,
		NULL };
	struct cli_res r;

	setenv("T_STDIN", PW, 1);
	if (harness_run(argv, &r, 60000) != 0)
		fail_msg("user add %s: %d %s", username, r.status, r.err);
	cli_res_free(&r);
}

static void
login(const char *user, struct sess *out)
{
	char body[256];
	struct http_res *r;
	const char *sc, *csrf;

	snprintf(body, sizeof(body), "{\"username\": \"%s\", \"password\": \"%s\"}", user, PW);
	r = http_json(g, "POST", "/api/v1/auth/login", body);
	expect(r, 200);
	sc = http_header(r, "Set-Cookie");
	assert_non_null(sc);
	snprintf(out->cookie, sizeof(out->cookie), "Cookie: %.*s", (int)strcspn(sc, ";"), sc);
	csrf = json_string_value(json_object_get(r->json, "csrf_token"));
	assert_non_null(csrf);
	snprintf(out->csrf_hdr, sizeof(out->csrf_hdr), "X-CSRF-Token: %s", csrf);
	http_res_free(r);
}

static struct http_res *
as(const struct sess *x, const char *method, const char *path, const char *body)
{
	return http_req(g, method, path, (const char *const[]){ x->cookie, x->csrf_hdr, JSON_CT,
	    NULL }, body);
}

/* GET path, assert 200 JSON. */
static struct http_res *
get_ok(const char *path)
{
	struct http_res *r = http_get(g, path);

	expect(r, 200);
	assert_non_null(r->json);
	return r;
}

static const char *
jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* The codes of a search result, comma-joined (caller frees). */
static char *
codes_of(struct http_res *r)
{
	json_t *items = json_object_get(r->json, "items"), *it;
	struct buf b;
	size_t i;

	buf_init(&b, 1 << 20);
	json_array_foreach(items, i, it) {
		if (i)
			buf_putc(&b, ',');
		buf_puts(&b, jstr(it, "code"));
	}
	return b.data ? b.data : strdup("");
}

static json_t *
search(const char *query)
{
	char *path = harness_strdupf("/api/v1/procedures?%s", query);
	struct http_res *r = get_ok(path);
	json_t *j = json_incref(r->json);

	http_res_free(r);
	free(path);
	return j;
}

static size_t
nitems(json_t *j)
{
	return json_array_size(json_object_get(j, "items"));
}

static const char *
first_code(json_t *j)
{
	return jstr(json_array_get(json_object_get(j, "items"), 0), "code");
}

/* A valid procedure body (code, name, limit in days, step hours). */
static char *
proc_body(const char *code, const char *name, int days, int hours, const char *effective,
    const char *lead)
{
	return harness_strdupf("{\"code\": \"%s\", \"name\": \"%s\", \"field\": \"ho-tich\","
	    " \"levels\": [\"%s\"], \"agencies\": {\"lead\": [%s%s%s]},"
	    " \"time_limit\": {\"value\": %d, \"unit\": \"day\"},"
	    " \"online\": {\"level\": 2, \"class\": \"none\"}, \"channels\": [\"counter\"],"
	    " \"documents\": [{\"name\": \"Tờ khai\", \"originals\": 1, \"copies\": 0}],"
	    " \"steps\": [{\"name\": \"Tiếp nhận\", \"unit\": \"Một cửa\", \"role\": \"receiver\","
	    " \"hours\": 2}, {\"name\": \"Thẩm định\", \"unit\": \"Phòng\", \"role\": \"specialist\","
	    " \"hours\": %d}],"
	    " \"legal_basis\": [{\"ref\": \"60/2014/QH13\", \"title\": \"Luật Hộ tịch\"}],"
	    " \"effective_from\": \"%s\", \"decision\": \"Quyết định thử nghiệm\"}",
	    code, name, lead ? "province" : "commune", lead ? "\"" : "", lead ? lead : "",
	    lead ? "\"" : "", days, hours, effective);
}

/* Number of audit entries for object (as the admin). */
static size_t
audit_count(const char *object)
{
	char *path = harness_strdupf("/api/v1/audit?limit=500&object=%s", object);
	struct http_res *r = as(&s_admin, "GET", path, NULL);
	size_t n;

	expect(r, 200);
	n = json_array_size(json_object_get(r->json, "items"));
	http_res_free(r);
	free(path);
	return n;
}

static char *
export_json(void)
{
	struct cli_res r;
	char *out;

	if (cli((const char *const[]){ "catalog", "export", "--db", srv_db_url(g), NULL }, &r) != 0)
		fail_msg("catalog export: %d %s", r.status, r.err);
	out = strdup(r.out);
	cli_res_free(&r);
	return out;
}

/* ---- fixture ------------------------------------------------------------- */

static int
group_setup(void **state)
{
	struct cli_res r;

	(void)state;
	setenv("MOTCUA_NOW", NOW, 1);
	g = srv_start((const char *const[]){ FAST_ARGON, NULL });
	if (cli((const char *const[]){ "seed", "--db", srv_db_url(g), "--data", data_dir(), "--demo",
	    NULL }, &r) != 0)
		fail_msg("seed: %d %s", r.status, r.err);
	cli_res_free(&r);
	cli_user("admin", "admin", PROVINCE);
	cli_user("qtv_tp", "agency_admin", SO_TU_PHAP);
	cli_user("tn_tp", "receiver", SO_TU_PHAP);
	login("admin", &s_admin);
	login("qtv_tp", &s_qtv);
	login("tn_tp", &s_receiver);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	srv_stop(g);
	g = NULL;
	unsetenv("MOTCUA_NOW");
	return 0;
}

/* ---- the seed --------------------------------------------------------------- */

static void
test_seed_loaded_and_idempotent(void **state)
{
	struct cli_res r;
	char *before, *after;
	json_t *j;
	struct http_res *h;
	size_t districts = 0, i;
	json_t *c;

	(void)state;
	j = search("limit=500");
	assert_int_equal(nitems(j), SEED_PROCEDURES);
	assert_true(json_is_null(json_object_get(j, "next_cursor")));
	json_decref(j);

	h = get_ok("/api/v1/fields");
	assert_int_equal(json_array_size(json_object_get(h->json, "items")), 13);
	http_res_free(h);

	/* The province with its departments and 11 district-level units. */
	h = get_ok("/api/v1/agencies/" PROVINCE);
	assert_string_equal(jstr(h->json, "kind"), "province");
	json_array_foreach(json_object_get(h->json, "children"), i, c)
		districts += strcmp(jstr(c, "kind"), "district") == 0;
	assert_int_equal(districts, 11);
	http_res_free(h);
	/* The public administration centre receives for the departments. */
	h = get_ok("/api/v1/agencies/000.00.01.H19");
	assert_true(json_is_true(json_object_get(h->json, "is_desk")));
	assert_true(json_array_size(json_object_get(h->json, "receives_for")) >= 19);
	http_res_free(h);
	h = get_ok("/api/v1/agencies/" SO_TU_PHAP);
	assert_string_equal(jstr(json_array_get(json_object_get(h->json, "desks"), 0), "code"),
	    "000.00.01.H19");
	http_res_free(h);
	h = http_get(g, "/api/v1/agencies/000.99.99.H19");
	assert_problem(h, 404, "not-found");
	http_res_free(h);

	/* Every procedure of the plan's interlinked groups is there. */
	j = search("q=&limit=500");
	{
		static const char *const bundled[] = { "H19-HT-01", "H19-CU-01", "H19-BH-01",
			"H19-HT-02", "H19-CU-03", "H19-XH-01", "H19-HT-07", "H19-HT-08", "H19-CU-05",
			"H19-NCC-01", "H19-NCC-02", "H19-NCC-03", "H19-NCC-05", "H19-DD-01", "H19-DD-26" };
		char *all = codes_of(&(struct http_res){ .json = j });

		for (i = 0; i < CORE_NELEM(bundled); i++)
			if (strstr(all, bundled[i]) == NULL)
				fail_msg("%s is missing from the seed", bundled[i]);
		free(all);
	}
	json_decref(j);
	h = get_ok("/api/v1/procedures/H19-HT-01");
	assert_string_equal(jstr(h->json, "bundle"), "lt-khai-sinh");
	assert_true(json_is_null(json_object_get(h->json, "national_code")));
	assert_true(strlen(jstr(h->json, "source_note")) > 0);
	http_res_free(h);
	j = search("field=dat-dai&limit=500");
	assert_int_equal(nitems(j), 26);
	json_decref(j);

	/* A second seed changes nothing. */
	before = export_json();
	if (cli((const char *const[]){ "seed", "--db", srv_db_url(g), "--data", data_dir(), NULL },
	    &r) != 0)
		fail_msg("second seed: %d %s", r.status, r.err);
	assert_non_null(strstr(r.out, "0 thủ tục"));
	cli_res_free(&r);
	after = export_json();
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* ---- search ------------------------------------------------------------------ */

static void
test_search_diacritics(void **state)
{
	static const char *const queries[] = {
		"q=dang%20ky%20khai%20sinh",
		"q=%C4%90%C4%83ng%20k%C3%BD%20khai%20sinh", /* Đăng ký khai sinh */
		"q=%C4%90%C4%82NG%20K%C3%9D%20KHAI%20SINH", /* ĐĂNG KÝ KHAI SINH */
		"q=Da%CC%86ng+ky%CC%81+khai+sinh", /* decomposed (NFD) */
		"q=DANG+KY+KHAI+SINH",
	};
	json_t *j;

	(void)state;
	for (size_t i = 0; i < CORE_NELEM(queries); i++) {
		j = search(queries[i]);
		if (strcmp(first_code(j), "H19-HT-01") != 0)
			fail_msg("%s: first is %s", queries[i], first_code(j));
		/* relevance: the exact name first, longer names after */
		assert_true(nitems(j) >= 3);
		json_decref(j);
	}
	/* đ alone folds to d, both ways. */
	j = search("q=%C4%91%E1%BA%A5t%20%C4%91ai&field=dat-dai&limit=500"); /* đất đai */
	assert_true(nitems(j) >= 20);
	json_decref(j);
	j = search("q=dat%20dai&field=dat-dai&limit=500");
	assert_true(nitems(j) >= 20);
	json_decref(j);
	/* By code (local), found first. */
	j = search("q=H19-LL-01");
	assert_string_equal(first_code(j), "H19-LL-01");
	json_decref(j);
	/* Words in any order; unknown words give nothing. */
	j = search("q=thuong%20tru%20dang%20ky");
	assert_string_equal(first_code(j), "H19-CU-01");
	json_decref(j);
	j = search("q=xyzzy%20plugh");
	assert_int_equal(nitems(j), 0);
	json_decref(j);
	/* Bad input: too long, invalid UTF-8. */
	{
		char *q = harness_repeat('a', 250);
		char *path = harness_strdupf("/api/v1/procedures?q=%s", q);
		struct http_res *r = http_get(g, path);

		assert_problem(r, 400, NULL);
		assert_invalid_param(r, "q");
		http_res_free(r);
		free(path);
		free(q);
		r = http_get(g, "/api/v1/procedures?q=%FF");
		assert_int_equal(r->status, 400);
		http_res_free(r);
	}
}

static void
test_search_filters_and_paging(void **state)
{
	json_t *j, *it;
	size_t i, total = 0, pages = 0;
	char cursor[64] = "";
	struct buf seen;

	(void)state;
	j = search("level=province&limit=500");
	assert_true(nitems(j) > 10);
	json_array_foreach(json_object_get(j, "items"), i, it) {
		char *lv = json_dumps(json_object_get(it, "levels"), 0);

		assert_non_null(strstr(lv, "province"));
		free(lv);
	}
	json_decref(j);
	j = search("online_level=4&limit=500");
	assert_true(nitems(j) > 10);
	json_array_foreach(json_object_get(j, "items"), i, it)
		assert_int_equal(json_integer_value(json_object_get(json_object_get(it, "online"),
		    "level")), 4);
	json_decref(j);
	/* A department: the procedures it leads. */
	j = search("agency=" SO_TU_PHAP "&limit=500");
	assert_string_equal(first_code(j), "H19-LL-01");
	assert_int_equal(nitems(j), 1);
	json_decref(j);
	/* A district: its level's procedures (building permits), not the
	 * communes' (birth registration). */
	j = search("agency=" BIEN_HOA "&limit=500");
	{
		char *all = codes_of(&(struct http_res){ .json = j });

		assert_non_null(strstr(all, "H19-XD-01"));
		assert_null(strstr(all, "H19-HT-01,"));
		free(all);
	}
	json_decref(j);
	j = search("agency=" BIEN_HOA "&field=xay-dung&q=giay%20phep&limit=500");
	assert_int_equal(nitems(j), 6);
	json_decref(j);
	/* Paging: 26 land procedures in pages of 10. */
	buf_init(&seen, 8192);
	buf_puts(&seen, ";");
	do {
		char *q = harness_strdupf("field=dat-dai&limit=10%s%s", cursor[0] ? "&cursor=" : "",
		    cursor);
		json_t *nc;

		j = search(q);
		free(q);
		json_array_foreach(json_object_get(j, "items"), i, it) {
			char key[32];

			snprintf(key, sizeof(key), ";%s;", jstr(it, "code"));
			if (strstr(seen.data, key) != NULL)
				fail_msg("%s seen twice while paging", key);
			buf_printf(&seen, "%s;", jstr(it, "code"));
			total++;
		}
		nc = json_object_get(j, "next_cursor");
		str_lcpy(cursor, json_is_string(nc) ? json_string_value(nc) : "", sizeof(cursor));
		json_decref(j);
		pages++;
	} while (cursor[0] != '\0' && pages < 10);
	assert_int_equal(total, 26);
	assert_int_equal(pages, 3);
	buf_free(&seen);
	/* Bad filters name the parameter. */
	{
		static const char *const bad[][2] = {
			{ "/api/v1/procedures?field=khong-co", "field" },
			{ "/api/v1/procedures?level=ward", "level" },
			{ "/api/v1/procedures?online_level=5", "online_level" },
			{ "/api/v1/procedures?agency=000.99.99.H19", "agency" },
			{ "/api/v1/procedures?limit=501", "limit" },
			{ "/api/v1/procedures?cursor=abc", "cursor" },
		};

		for (i = 0; i < CORE_NELEM(bad); i++) {
			struct http_res *r = http_get(g, bad[i][0]);

			assert_problem(r, 400, NULL);
			assert_invalid_param(r, bad[i][1]);
			http_res_free(r);
		}
	}
}

/* ---- versions ------------------------------------------------------------------ */

static void
test_version_pinned_by_date(void **state)
{
	struct http_res *r;

	(void)state;
	/* Đăng ký thường trú: Luật Cư trú 2006 (15 days), then 2020 (7 days). */
	r = get_ok("/api/v1/procedures/H19-CU-01?at=2019-05-05");
	assert_int_equal(json_integer_value(json_object_get(r->json, "version")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r->json, "time_limit"),
	    "value")), 15);
	assert_string_equal(jstr(r->json, "effective_to"), "2021-07-01");
	http_res_free(r);
	r = get_ok("/api/v1/procedures/H19-CU-01?at=2021-07-01");
	assert_int_equal(json_integer_value(json_object_get(r->json, "version")), 2);
	http_res_free(r);
	r = get_ok("/api/v1/procedures/H19-CU-01");
	assert_int_equal(json_integer_value(json_object_get(r->json, "version")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r->json, "time_limit"),
	    "value")), 7);
	assert_true(json_is_true(json_object_get(r->json, "in_force")));
	http_res_free(r);
	r = http_get(g, "/api/v1/procedures/H19-CU-01?at=2000-01-01");
	assert_problem(r, 404, NULL);
	http_res_free(r);
	r = http_get(g, "/api/v1/procedures/H19-CU-01?at=2021-02-30");
	assert_problem(r, 400, NULL);
	assert_invalid_param(r, "at");
	http_res_free(r);
	r = http_get(g, "/api/v1/procedures/KHONG-CO");
	assert_problem(r, 404, "not-found");
	http_res_free(r);
	/* The history says what changed. */
	r = get_ok("/api/v1/procedures/H19-CU-01/versions");
	{
		json_t *items = json_object_get(r->json, "items");
		char *changes = json_dumps(json_object_get(json_array_get(items, 1), "changes"), 0);

		assert_int_equal(json_array_size(items), 2);
		assert_false(json_is_true(json_object_get(json_array_get(items, 0), "in_force")));
		assert_true(json_is_true(json_object_get(json_array_get(items, 1), "in_force")));
		assert_non_null(strstr(changes, "\"time_limit\""));
		assert_non_null(strstr(changes, "\"documents\""));
		free(changes);
	}
	http_res_free(r);
}

static void
test_new_version_by_admin(void **state)
{
	struct http_res *r, *cur;
	json_t *body;
	char *text;

	(void)state;
	cur = get_ok("/api/v1/procedures/H19-HT-09");
	body = json_deep_copy(cur->json);
	http_res_free(cur);
	/* Keep only the editable members, as the admin page sends them. */
	{
		static const char *const drop[] = { "version", "effective_to", "created_at",
			"created_by", "field_name", "bundle_name", "versions_count", "in_force", "latest",
			"abolished", "desks", "code", "agencies" };

		for (size_t i = 0; i < CORE_NELEM(drop); i++)
			json_object_del(body, drop[i]);
	}
	json_object_set_new(body, "effective_from", json_string("2027-01-01"));
	json_object_set_new(body, "decision", json_string("Quyết định 99/QĐ-UBND (thử nghiệm)"));
	json_object_set_new(body, "change_note", json_string("Rút ngắn thời hạn"));
	json_object_set_new(json_object_get(body, "time_limit"), "value", json_integer(2));
	json_object_set_new(body, "steps", json_pack("[{s:s, s:s, s:s, s:i}]", "name", "Giải quyết",
	    "unit", "Tư pháp – hộ tịch", "role", "specialist", "hours", 16));
	json_object_set_new(body, "based_on_version", json_integer(1));
	text = json_dumps(body, 0);
	r = as(&s_admin, "PUT", "/api/v1/procedures/H19-HT-09", text);
	expect(r, 200);
	assert_int_equal(json_integer_value(json_object_get(r->json, "version")), 2);
	assert_string_equal(jstr(r->json, "effective_from"), "2027-01-01");
	http_res_free(r);
	/* Today the old version is still the one in force; from 2027 the new. */
	r = get_ok("/api/v1/procedures/H19-HT-09");
	assert_int_equal(json_integer_value(json_object_get(r->json, "version")), 1);
	assert_int_equal(json_integer_value(json_object_get(r->json, "versions_count")), 2);
	http_res_free(r);
	r = get_ok("/api/v1/procedures/H19-HT-09?at=2027-01-02");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r->json, "time_limit"),
	    "value")), 2);
	http_res_free(r);
	r = get_ok("/api/v1/procedures/H19-HT-09/versions");
	{
		char *dump = json_dumps(r->json, JSON_COMPACT);

		assert_non_null(strstr(dump, "\"field\":\"time_limit\""));
		assert_non_null(strstr(dump, "Rút ngắn thời hạn"));
		free(dump);
	}
	http_res_free(r);
	/* A stale edit is refused; an effective date not after the latest
	 * version's is named. */
	r = as(&s_admin, "PUT", "/api/v1/procedures/H19-HT-09", text);
	assert_problem(r, 409, NULL);
	http_res_free(r);
	free(text);
	json_object_del(body, "based_on_version");
	json_object_set_new(body, "effective_from", json_string("2026-12-31"));
	text = json_dumps(body, 0);
	r = as(&s_admin, "PUT", "/api/v1/procedures/H19-HT-09", text);
	assert_problem(r, 400, NULL);
	assert_invalid_param(r, "effective_from");
	http_res_free(r);
	free(text);
	/* The change is in the audit log, in the same transaction. */
	assert_int_equal(audit_count("procedure:H19-HT-09"), 1);
	json_decref(body);
}

static void
test_create_and_abolish(void **state)
{
	struct http_res *r;
	json_t *j;
	char *body;

	(void)state;
	body = proc_body("H19-TEST-01", "Thủ tục thử nghiệm bãi bỏ", 3, 8, "2020-01-01", NULL);
	r = as(&s_admin, "POST", "/api/v1/procedures", body);
	expect(r, 201);
	assert_string_equal(http_header(r, "Location"), "/api/v1/procedures/H19-TEST-01");
	http_res_free(r);
	/* The same code again: 409 naming the code. */
	r = as(&s_admin, "POST", "/api/v1/procedures", body);
	assert_problem(r, 409, NULL);
	assert_invalid_param(r, "code");
	http_res_free(r);
	free(body);
	j = search("q=thu%20tuc%20thu%20nghiem%20bai%20bo");
	assert_string_equal(first_code(j), "H19-TEST-01");
	json_decref(j);

	/* Abolish it from today: gone from search, still readable by code. */
	r = as(&s_admin, "POST", "/api/v1/procedures/H19-TEST-01/abolish",
	    "{\"on\": \"" TODAY "\", \"decision\": \"Quyết định bãi bỏ (thử nghiệm)\"}");
	expect(r, 200);
	http_res_free(r);
	j = search("q=thu%20tuc%20thu%20nghiem%20bai%20bo");
	assert_int_equal(nitems(j), 0);
	json_decref(j);
	j = search("limit=500");
	{
		char *all = codes_of(&(struct http_res){ .json = j });

		assert_null(strstr(all, "H19-TEST-01"));
		free(all);
	}
	json_decref(j);
	r = get_ok("/api/v1/procedures/H19-TEST-01");
	assert_string_equal(jstr(json_object_get(r->json, "abolished"), "on"), TODAY);
	assert_false(json_is_true(json_object_get(r->json, "in_force")));
	http_res_free(r);
	r = get_ok("/api/v1/procedures/H19-TEST-01?at=2025-12-31");
	assert_true(json_is_true(json_object_get(r->json, "in_force")));
	http_res_free(r);
	j = search("abolished=1");
	assert_string_equal(first_code(j), "H19-TEST-01");
	json_decref(j);
	/* Abolished: no second abolition, no new version. */
	r = as(&s_admin, "POST", "/api/v1/procedures/H19-TEST-01/abolish",
	    "{\"on\": \"2026-07-01\", \"decision\": \"Lần nữa\"}");
	assert_problem(r, 409, NULL);
	http_res_free(r);
	body = proc_body("H19-TEST-01", "Sửa sau khi bãi bỏ", 3, 8, "2026-09-01", NULL);
	r = as(&s_admin, "PUT", "/api/v1/procedures/H19-TEST-01", body);
	assert_problem(r, 409, NULL);
	http_res_free(r);
	free(body);
	r = as(&s_admin, "POST", "/api/v1/procedures/H19-HT-01/abolish", "{\"on\": \"2026-13-01\"}");
	assert_problem(r, 400, NULL);
	assert_invalid_param(r, "on");
	assert_invalid_param(r, "decision");
	http_res_free(r);
	assert_int_equal(audit_count("procedure:H19-TEST-01"), 2);
}

static void
test_step_budget_rejected(void **state)
{
	struct http_res *r;
	char *body;

	(void)state;
	/* 2 working days = 16 hours; steps of 2 + 15 = 17 hours. */
	body = proc_body("H19-TEST-02", "Thủ tục vượt thời hạn", 2, 15, "2020-01-01", NULL);
	r = as(&s_admin, "POST", "/api/v1/procedures", body);
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "steps");
	assert_non_null(strstr(r->body, "17"));
	http_res_free(r);
	free(body);
	r = http_get(g, "/api/v1/procedures/H19-TEST-02");
	assert_problem(r, 404, NULL);
	http_res_free(r);
	/* Exactly the budget is fine. */
	body = proc_body("H19-TEST-02", "Thủ tục vừa thời hạn", 2, 14, "2020-01-01", NULL);
	r = as(&s_admin, "POST", "/api/v1/procedures", body);
	expect(r, 201);
	http_res_free(r);
	free(body);
	/* Bad JSON and unknown members: nothing written, fields named. */
	r = as(&s_admin, "POST", "/api/v1/procedures", "{\"code\": ");
	assert_int_equal(r->status, 400);
	http_res_free(r);
	r = as(&s_admin, "POST", "/api/v1/procedures", "{\"code\": \"H19-TEST-03\", \"nam\": \"x\"}");
	assert_problem(r, 400, NULL);
	assert_invalid_param(r, "nam");
	assert_invalid_param(r, "name");
	assert_invalid_param(r, "legal_basis");
	http_res_free(r);
	/* An unknown agency or field is named too. */
	body = proc_body("H19-TEST-03", "Thủ tục cơ quan lạ", 2, 8, "2020-01-01", "000.77.77.H19");
	r = as(&s_admin, "POST", "/api/v1/procedures", body);
	assert_problem(r, 400, NULL);
	assert_invalid_param(r, "agencies.lead[0]");
	http_res_free(r);
	free(body);
	r = http_get(g, "/api/v1/procedures/H19-TEST-03");
	assert_int_equal(r->status, 404);
	http_res_free(r);
}

/* ---- import ------------------------------------------------------------------------ */

static void
test_invalid_import_rolls_back(void **state)
{
	const char *dir = harness_tmpdir();
	char *path = harness_strdupf("%s/bad.json", dir), *good, *bad, *doc;
	struct cli_res r;

	(void)state;
	good = proc_body("H19-IMP-01", "Thủ tục nhập hợp lệ", 3, 8, "2020-01-01", NULL);
	bad = proc_body("H19-IMP-02", "Thủ tục nhập sai", 1, 20, "2020-01-01", NULL);
	doc = harness_strdupf("{\"fields\": [{\"code\": \"thu-nghiem\", \"name\": \"Thử nghiệm\"}],"
	    " \"procedures\": [%s, %s]}", good, bad);
	harness_write_file(path, doc);
	cli((const char *const[]){ "catalog", "import", path, "--db", srv_db_url(g), NULL }, &r);
	assert_int_equal(r.status, 1);
	/* The error names the record and the field. */
	assert_non_null(strstr(r.err, "procedures[1] H19-IMP-02"));
	assert_non_null(strstr(r.err, "steps"));
	assert_non_null(strstr(r.err, "không nhập gì"));
	cli_res_free(&r);
	/* All or nothing: the valid record and the field are not there. */
	{
		struct http_res *h = http_get(g, "/api/v1/procedures/H19-IMP-01");

		assert_int_equal(h->status, 404);
		http_res_free(h);
		h = get_ok("/api/v1/fields");
		assert_null(strstr(h->body, "thu-nghiem"));
		http_res_free(h);
	}
	/* Broken JSON names the line. */
	harness_write_file(path, "{\n\"procedures\": [\n}\n");
	cli((const char *const[]){ "catalog", "import", path, "--db", srv_db_url(g), NULL }, &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "dòng 3"));
	cli_res_free(&r);
	/* A code that exists is an error in a strict import... */
	free(doc);
	doc = harness_strdupf("{\"procedures\": [%s]}", good);
	harness_write_file(path, doc);
	cli((const char *const[]){ "catalog", "import", path, "--db", srv_db_url(g), NULL }, &r);
	assert_int_equal(r.status, 0);
	cli_res_free(&r);
	cli((const char *const[]){ "catalog", "import", path, "--db", srv_db_url(g), NULL }, &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "H19-IMP-01 đã có"));
	cli_res_free(&r);
	/* ... and skipped with --skip-existing. */
	cli((const char *const[]){ "catalog", "import", path, "--skip-existing", "--db",
	    srv_db_url(g), NULL }, &r);
	assert_int_equal(r.status, 0);
	cli_res_free(&r);
	free(doc);
	free(good);
	free(bad);
	free(path);
}

static void
test_export_formats(void **state)
{
	char *out = export_json();
	json_error_t e;
	json_t *j = json_loads(out, 0, &e);
	struct cli_res r;
	size_t lines = 0;

	(void)state;
	assert_non_null(j);
	assert_string_equal(jstr(j, "format"), "motcua-catalog/1");
	assert_true(json_array_size(json_object_get(j, "procedures")) >= SEED_PROCEDURES);
	assert_true(json_array_size(json_object_get(j, "agencies")) >= 100);
	json_decref(j);
	free(out);
	cli((const char *const[]){ "catalog", "export", "--format", "csv", "--db", srv_db_url(g),
	    NULL }, &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "code,national_code,name,"));
	assert_non_null(strstr(r.out, "\"H19-HT-01\",\"\",\"Đăng ký khai sinh\""));
	for (const char *p = r.out; *p; p++)
		lines += *p == '\n';
	assert_true(lines >= SEED_PROCEDURES + 1);
	cli_res_free(&r);
	cli((const char *const[]){ "catalog", "export", "--format", "xml", "--db", srv_db_url(g),
	    NULL }, &r);
	assert_int_equal(r.status, 2);
	cli_res_free(&r);
}

/* ---- permissions -------------------------------------------------------------------- */

static void
test_permissions(void **state)
{
	struct http_res *r;
	char *body;

	(void)state;
	body = proc_body("H19-TEST-04", "Thủ tục của Sở Tư pháp", 3, 8, "2020-01-01", SO_TU_PHAP);
	/* Anonymous: 401; a receiver: 403; nothing written. */
	r = http_json(g, "POST", "/api/v1/procedures", body);
	assert_problem(r, 401, NULL);
	http_res_free(r);
	r = as(&s_receiver, "POST", "/api/v1/procedures", body);
	assert_problem(r, 403, NULL);
	http_res_free(r);
	r = as(&s_receiver, "POST", "/api/v1/procedures/H19-LL-01/abolish",
	    "{\"on\": \"2026-07-01\", \"decision\": \"x\"}");
	assert_problem(r, 403, NULL);
	http_res_free(r);
	r = http_get(g, "/api/v1/procedures/H19-TEST-04");
	assert_int_equal(r->status, 404);
	http_res_free(r);
	/* The agency admin of Sở Tư pháp edits what Sở Tư pháp leads ... */
	r = as(&s_qtv, "POST", "/api/v1/procedures", body);
	expect(r, 201);
	http_res_free(r);
	free(body);
	/* ... but not another department's procedures, nor those without a
	 * lead agency (they belong to every district or commune). */
	body = proc_body("H19-TEST-05", "Thủ tục của Sở Xây dựng", 3, 8, "2020-01-01",
	    "000.00.10.H19");
	r = as(&s_qtv, "POST", "/api/v1/procedures", body);
	assert_problem(r, 403, NULL);
	http_res_free(r);
	free(body);
	body = proc_body("H19-TEST-06", "Thủ tục cấp xã", 3, 8, "2020-01-01", NULL);
	r = as(&s_qtv, "POST", "/api/v1/procedures", body);
	assert_problem(r, 403, NULL);
	http_res_free(r);
	free(body);
	body = proc_body("H19-GT-01", "Đổi giấy phép lái xe", 5, 8, "2030-01-01", SO_TU_PHAP);
	r = as(&s_qtv, "PUT", "/api/v1/procedures/H19-GT-01", body); /* led by Sở GTVT now */
	assert_problem(r, 403, NULL);
	http_res_free(r);
	free(body);
	/* Agencies: only the administrator changes them. */
	r = as(&s_qtv, "PUT", "/api/v1/agencies/" SO_TU_PHAP, "{\"phone\": \"0251 3822 000\"}");
	assert_problem(r, 403, NULL);
	http_res_free(r);
	r = as(&s_admin, "PUT", "/api/v1/agencies/" SO_TU_PHAP,
	    "{\"phone\": \"0251 3822 000\", \"address\": \"Biên Hòa\"}");
	expect(r, 200);
	assert_string_equal(jstr(r->json, "phone"), "0251 3822 000");
	assert_string_equal(jstr(r->json, "name"), "Sở Tư pháp tỉnh Đồng Nai"); /* kept */
	{
		char *obj = harness_strdupf("agency:%lld",
		    (long long)json_integer_value(json_object_get(r->json, "id")));

		assert_int_equal(audit_count(obj), 1);
		free(obj);
	}
	http_res_free(r);
	r = as(&s_admin, "PUT", "/api/v1/agencies/" SO_TU_PHAP, "{\"code\": \"000.00.99.H19\"}");
	assert_problem(r, 400, NULL);
	assert_invalid_param(r, "code");
	http_res_free(r);
	/* A parent below the agency itself would make a cycle. */
	r = as(&s_admin, "PUT", "/api/v1/agencies/" BIEN_HOA, "{\"parent\": \"000.01.21.H19\"}");
	assert_problem(r, 400, NULL);
	assert_invalid_param(r, "parent");
	http_res_free(r);
}

static void
test_agency_list_and_online_share(void **state)
{
	struct http_res *r;

	(void)state;
	/* The public directory: no sign-in, the catalogue's fields. */
	r = http_get(g, "/api/v1/agencies?kind=district&limit=500");
	assert_int_equal(r->status, 200);
	{
		json_t *items = json_object_get(r->json, "items");

		assert_int_equal(json_array_size(items), 11);
		assert_string_equal(jstr(json_array_get(items, 0), "tier"), "district");
	}
	http_res_free(r);
	/* The online share is public (counts over the public catalogue): the
	 * public procedures page shows it as well as the admin overview. */
	r = http_get(g, "/api/v1/catalog/online-share");
	expect(r, 200);
	http_res_free(r);
	r = as(&s_admin, "GET", "/api/v1/catalog/online-share", NULL);
	expect(r, 200);
	{
		json_t *t = json_object_get(r->json, "total"), *a;
		double share = json_real_value(json_object_get(t, "share"));
		json_int_t n = json_integer_value(json_object_get(t, "procedures"));
		json_int_t l34 = json_integer_value(json_object_get(t, "online_3_4"));
		json_int_t l4 = json_integer_value(json_object_get(t, "online_4"));
		json_int_t full = json_integer_value(json_object_get(t, "full"));
		json_int_t partial = json_integer_value(json_object_get(t, "partial"));
		char *by = json_dumps(json_object_get(r->json, "by_agency"), 0);
		size_t i;

		assert_true(n >= SEED_PROCEDURES);
		assert_true(l34 > 0 && l34 <= n);
		assert_true(share > 0.0 && share <= 1.0);
		/* Decree 42 classes: level 4 is "toàn trình", level 3 "một phần". */
		assert_int_equal(full, l4);
		assert_true(partial >= l34 - l4 && full + partial <= n);
		assert_true(json_is_true(json_object_get(t, "meets_target")) == (l34 * 2 >= n));
		assert_true(json_is_true(json_object_get(r->json, "meets_target")) ==
		    json_is_true(json_object_get(t, "meets_target")));
		json_array_foreach(json_object_get(r->json, "by_agency"), i, a) {
			json_int_t an = json_integer_value(json_object_get(a, "procedures"));
			json_int_t a34 = json_integer_value(json_object_get(a, "online_3_4"));

			assert_true(json_is_boolean(json_object_get(a, "meets_target")));
			assert_true(json_is_true(json_object_get(a, "meets_target")) == (a34 * 2 >= an));
			assert_non_null(json_object_get(a, "full"));
		}
		assert_true(json_array_size(json_object_get(r->json, "by_field")) == 13 ||
		    json_array_size(json_object_get(r->json, "by_field")) == 14);
		assert_non_null(strstr(by, SO_TU_PHAP));
		assert_non_null(strstr(by, BIEN_HOA));
		assert_string_equal(jstr(r->json, "date"), TODAY);
		free(by);
	}
	http_res_free(r);
}

/* ---- search cache ------------------------------------------------------------ */

/* Repeated searches are answered from a cache keyed by the catalogue's
 * version: a write through the API, or by another process on the same
 * database (the CLI here), is seen by the next search. */
static void
test_search_cache_follows_writes(void **state)
{
	const char *q = "/api/v1/procedures?q=thu%20tuc%20bo%20nho%20dem&limit=20";
	char *path = harness_strdupf("%s/cache.json", harness_tmpdir()), *one, *doc;
	struct http_res *a, *b;
	struct cli_res r;
	json_t *j;

	(void)state;
	a = get_ok(q);
	b = get_ok(q);
	assert_int_equal(json_array_size(json_object_get(a->json, "items")), 0);
	assert_string_equal(a->body, b->body);
	http_res_free(a);
	http_res_free(b);
	/* Another process writes: the next search sees it. */
	one = proc_body("H19-CACHE-01", "Thủ tục bộ nhớ đệm một", 3, 8, "2020-01-01", NULL);
	doc = harness_strdupf("{\"procedures\": [%s]}", one);
	harness_write_file(path, doc);
	cli((const char *const[]){ "catalog", "import", path, "--db", srv_db_url(g), NULL }, &r);
	assert_int_equal(r.status, 0);
	cli_res_free(&r);
	j = search("q=thu%20tuc%20bo%20nho%20dem&limit=20");
	assert_int_equal(nitems(j), 1);
	assert_string_equal(first_code(j), "H19-CACHE-01");
	json_decref(j);
	free(one);
	free(doc);
	/* A write through the API: seen too, and identical answers again. */
	one = proc_body("H19-CACHE-02", "Thủ tục bộ nhớ đệm hai", 3, 8, "2020-01-01", NULL);
	a = as(&s_admin, "POST", "/api/v1/procedures", one);
	expect(a, 201);
	http_res_free(a);
	a = get_ok(q);
	b = get_ok(q);
	assert_int_equal(json_array_size(json_object_get(a->json, "items")), 2);
	assert_string_equal(a->body, b->body);
	http_res_free(a);
	http_res_free(b);
	/* Abolition leaves the search at once. */
	a = as(&s_admin, "POST", "/api/v1/procedures/H19-CACHE-02/abolish",
	    "{\"on\": \"" TODAY "\", \"decision\": \"Quyết định bãi bỏ (thử nghiệm)\"}");
	expect(a, 200);
	http_res_free(a);
	j = search("q=thu%20tuc%20bo%20nho%20dem&limit=20");
	assert_int_equal(nitems(j), 1);
	json_decref(j);
	/* A value holding the key's separators is answered, just not kept. */
	j = search("q=bo%1Fnho%1Edem&limit=20");
	assert_int_equal(nitems(j), 1);
	json_decref(j);
	free(one);
	free(path);
}

/* ---- Idempotency-Key ----------------------------------------------------------- */

static struct http_res *
as_key(const struct sess *x, const char *method, const char *path, const char *key,
    const char *body)
{
	char hdr[256];

	snprintf(hdr, sizeof(hdr), "Idempotency-Key: %s", key);
	return http_req(g, method, path, (const char *const[]){ x->cookie, x->csrf_hdr, JSON_CT,
	    hdr, NULL }, body);
}

static json_int_t
versions_of(const char *code)
{
	char *path = harness_strdupf("/api/v1/procedures/%s", code);
	struct http_res *r = get_ok(path);
	json_int_t n = json_integer_value(json_object_get(r->json, "versions_count"));

	http_res_free(r);
	free(path);
	return n;
}

static void
test_idempotency_key(void **state)
{
	char *body = proc_body("H19-IDEM-01", "Thủ tục thử khóa lặp", 3, 8, "2020-01-01", NULL);
	char *other = proc_body("H19-IDEM-02", "Thủ tục thử khóa lặp khác", 3, 8, "2020-01-01",
	    NULL);
	const char *agency = "{\"code\": \"000.00.91.H19\", \"parent\": \"" PROVINCE "\", "
	    "\"kind\": \"department\", \"name\": \"Ban thử khóa lặp\"}";
	struct http_res *a, *b;
	char *put, *doc, *doc2;
	json_int_t n;

	(void)state;
	/* Same key and body: the first answer again, one procedure, one audit entry. */
	a = as_key(&s_admin, "POST", "/api/v1/procedures", "k-proc-1", body);
	expect(a, 201);
	assert_null(http_header(a, "Idempotent-Replayed"));
	b = as_key(&s_admin, "POST", "/api/v1/procedures", "k-proc-1", body);
	expect(b, 201);
	assert_string_equal(http_header(b, "Idempotent-Replayed"), "true");
	assert_string_equal(a->body, b->body);
	assert_non_null(http_header(b, "Location"));
	assert_string_equal(http_header(b, "Location"), "/api/v1/procedures/H19-IDEM-01");
	http_res_free(a);
	http_res_free(b);
	assert_int_equal(audit_count("procedure:H19-IDEM-01"), 1);
	/* Same key, another body: 422, nothing written. */
	a = as_key(&s_admin, "POST", "/api/v1/procedures", "k-proc-1", other);
	assert_problem(a, 422, NULL);
	http_res_free(a);
	a = http_get(g, "/api/v1/procedures/H19-IDEM-02");
	assert_int_equal(a->status, 404);
	http_res_free(a);
	/* Without a key the second POST is a conflict, as before. */
	a = as(&s_admin, "POST", "/api/v1/procedures", body);
	assert_problem(a, 409, NULL);
	http_res_free(a);
	/* A malformed key: 400 naming the header. */
	a = as_key(&s_admin, "POST", "/api/v1/procedures", "có dấu", other);
	assert_problem(a, 400, NULL);
	assert_invalid_param(a, "Idempotency-Key");
	http_res_free(a);

	/* A new version (PUT) once, however often it is sent. */
	n = versions_of("H19-IDEM-01");
	put = proc_body("H19-IDEM-01", "Thủ tục thử khóa lặp (sửa)", 3, 8, "2026-09-01", NULL);
	a = as_key(&s_admin, "PUT", "/api/v1/procedures/H19-IDEM-01", "k-put-1", put);
	expect(a, 200);
	b = as_key(&s_admin, "PUT", "/api/v1/procedures/H19-IDEM-01", "k-put-1", put);
	expect(b, 200);
	assert_string_equal(http_header(b, "Idempotent-Replayed"), "true");
	assert_string_equal(a->body, b->body);
	http_res_free(a);
	http_res_free(b);
	assert_int_equal(versions_of("H19-IDEM-01"), n + 1);

	/* Keys are scoped by route: the procedure's key on agencies is new. */
	a = as_key(&s_admin, "POST", "/api/v1/agencies", "k-proc-1", agency);
	expect(a, 201);
	b = as_key(&s_admin, "POST", "/api/v1/agencies", "k-proc-1", agency);
	expect(b, 201);
	assert_string_equal(http_header(b, "Idempotent-Replayed"), "true");
	assert_string_equal(a->body, b->body);
	assert_non_null(http_header(a, "Location"));
	assert_non_null(http_header(b, "Location"));
	assert_string_equal(http_header(b, "Location"), http_header(a, "Location"));
	{
		char *obj = harness_strdupf("agency:%lld",
		    (long long)json_integer_value(json_object_get(a->json, "id")));

		assert_int_equal(audit_count(obj), 1);
		free(obj);
	}
	http_res_free(a);
	http_res_free(b);
	a = as(&s_admin, "POST", "/api/v1/agencies", agency);
	assert_problem(a, 409, NULL);
	http_res_free(a);

	/* Import over HTTP: all or nothing, once per key; admins of one agency may not. */
	doc = harness_strdupf("{\"procedures\": [%s]}", other);
	a = as_key(&s_admin, "POST", "/api/v1/catalog/import", "k-imp-1", doc);
	expect(a, 201);
	assert_int_equal(json_integer_value(json_object_get(a->json, "procedures")), 1);
	b = as_key(&s_admin, "POST", "/api/v1/catalog/import", "k-imp-1", doc);
	expect(b, 201);
	assert_string_equal(http_header(b, "Idempotent-Replayed"), "true");
	assert_string_equal(a->body, b->body);
	http_res_free(a);
	http_res_free(b);
	assert_int_equal(versions_of("H19-IDEM-02"), 1);
	doc2 = harness_strdupf("{\"procedures\": [%s]}", body);
	a = as_key(&s_admin, "POST", "/api/v1/catalog/import", "k-imp-1", doc2);
	assert_problem(a, 422, NULL);
	http_res_free(a);
	/* Without a key, a strict import of an existing code names the record. */
	a = as(&s_admin, "POST", "/api/v1/catalog/import", doc);
	assert_problem(a, 400, "validation");
	assert_non_null(strstr(a->body, "H19-IDEM-02"));
	http_res_free(a);
	a = as(&s_qtv, "POST", "/api/v1/catalog/import", doc);
	assert_problem(a, 403, NULL);
	http_res_free(a);
	/* Another caller with the same key is not replayed someone else's answer. */
	a = as_key(&s_qtv, "POST", "/api/v1/procedures", "k-proc-1", body);
	assert_null(http_header(a, "Idempotent-Replayed"));
	assert_true(a->status == 403 || a->status == 409);
	http_res_free(a);
	free(doc);
	free(doc2);
	free(put);
	free(body);
	free(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_loaded_and_idempotent),
		cmocka_unit_test(test_search_diacritics),
		cmocka_unit_test(test_search_filters_and_paging),
		cmocka_unit_test(test_version_pinned_by_date),
		cmocka_unit_test(test_new_version_by_admin),
		cmocka_unit_test(test_create_and_abolish),
		cmocka_unit_test(test_step_budget_rejected),
		cmocka_unit_test(test_invalid_import_rolls_back),
		cmocka_unit_test(test_export_formats),
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_agency_list_and_online_share),
		cmocka_unit_test(test_search_cache_follows_writes),
		cmocka_unit_test(test_idempotency_key),
	};

	return HARNESS_RUN(tests, group_setup, group_teardown);
}
