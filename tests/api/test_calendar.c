/*
 * The working-day calendar through HTTP, on SQLite and on PostgreSQL: the
 * issue's cases (Tết 2030, leap months both ways, the 2025 notice and its
 * swapped Saturday, the receipt at 16:00 before Tết 2026, an hours limit
 * across lunch and a weekend, bad input), then the administrators' tables:
 * an edit changes deadlines at once, survives a restart, reaches another
 * node on the same database, is refused without the permission or the
 * CSRF header, is refused whole when invalid, leaves the calendar alone
 * when the database write fails, and DELETE restores the shipped table.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define API "/api/v1/calendar"
#define JSON_CT "Content-Type: application/json"
#define PASSWORD "mat-khau-rat-dai-123"
#define AGENCY "000.00.00.H19"
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The shared server: the shipped tables, no periodic sync, cheap hashes. */
static struct srv *g;
static char data_arg[1024];
static const char *srv_args[] = { "--data", data_arg, "--calendar_sync_seconds", "0",
	"--argon2_m_cost", "8", "--argon2_t_cost", "1", NULL };

/* ---- helpers ------------------------------------------------------------- */

/* GET path, assert 200 JSON; the response (owned by the caller). */
static struct http_res *
get_ok(const struct srv *s, const char *path)
{
	struct http_res *r = http_get(s, path);

	if (r->status != 200 || r->json == NULL)
		fail_msg("GET %s: %ld %s", path, r->status, r->body);
	assert_security_headers(r);
	return r;
}

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		fail_msg("member \"%s\" is not a string", key);
	return json_string_value(v);
}

static json_int_t
jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		fail_msg("member \"%s\" is not an integer", key);
	return json_integer_value(v);
}

/* GET /due?query and assert the due time. */
static void
assert_due(const struct srv *s, const char *query, const char *due)
{
	char *path = harness_strdupf(API "/due?%s", query);
	struct http_res *r = get_ok(s, path);

	if (strcmp(jstr(r->json, "due"), due) != 0)
		fail_msg("due?%s = %s, expected %s", query, jstr(r->json, "due"), due);
	http_res_free(r);
	free(path);
}

/* GET path answers 400 naming every parameter of names (NULL-terminated)
 * with a Vietnamese detail. */
static void
assert_bad(const struct srv *s, const char *path, const char *const *names)
{
	struct http_res *r = http_get(s, path);

	if (r->status != 400)
		fail_msg("GET %s: %ld (expected 400) %s", path, r->status, r->body);
	assert_problem(r, 400, "validation");
	if (strstr(jstr(r->json, "detail"), "không hợp lệ") == NULL)
		fail_msg("GET %s: detail not in Vietnamese: %s", path, r->body);
	for (size_t i = 0; names[i] != NULL; i++)
		assert_invalid_param(r, names[i]);
	http_res_free(r);
}

/* The lunar date of a solar date through the API: "d/m[+]/y". */
static void
assert_lunar(const struct srv *s, const char *solar, int d, int m, int y, int leap)
{
	char *path = harness_strdupf(API "/lunar?date=%s", solar);
	struct http_res *r = get_ok(s, path);
	json_t *l = json_object_get(r->json, "lunar");

	assert_string_equal(jstr(r->json, "solar"), solar);
	if (jint(l, "day") != d || jint(l, "month") != m || jint(l, "year") != y ||
	    json_is_true(json_object_get(l, "leap")) != leap)
		fail_msg("lunar of %s: %s", solar, r->body);
	http_res_free(r);
	free(path);
}

static void
assert_solar(const struct srv *s, const char *lunar, int leap, const char *solar)
{
	char *path = harness_strdupf(API "/solar?date=%s&leap=%d", lunar, leap);
	struct http_res *r = get_ok(s, path);

	if (strcmp(jstr(r->json, "solar"), solar) != 0)
		fail_msg("solar of %s%s = %s, expected %s", lunar, leap ? " (leap)" : "",
		    jstr(r->json, "solar"), solar);
	assert_int_equal(json_is_true(json_object_get(json_object_get(r->json, "lunar"),
	    "leap")), leap);
	http_res_free(r);
	free(path);
}

/* Run a shell command line; asserts exit 0. */
static void
sh(const char *cmd)
{
	struct cli_res r;

	harness_run((const char *const[]){ "/bin/sh", "-c", cmd, NULL }, &r, 60000);
	if (r.status != 0)
		fail_msg("%s: exit %d\n%s%s", cmd, r.status, r.out, r.err);
	cli_res_free(&r);
}

/* An agency (once per database) and an account of role on s's database. */
static void
user_add(const struct srv *s, const char *username, const char *role)
{
	char *cmd;

	cmd = harness_strdupf("'%s' agency add --db '%s' --code " AGENCY " --name 'UBND tỉnh' "
	    "--kind province >/dev/null 2>&1; true", getenv("MOTCUA_BIN"), srv_db_url(s));
	sh(cmd);
	free(cmd);
	cmd = harness_strdupf("printf '%%s\\n' '" PASSWORD "' | '%s' user add --db '%s' "
	    "--username %s --role %s --agency " AGENCY " --argon2_m_cost 8 --argon2_t_cost 1",
	    getenv("MOTCUA_BIN"), srv_db_url(s), username, role);
	sh(cmd);
	free(cmd);
}

/* A signed-in session: the Cookie and X-CSRF-Token header lines. */
struct session {
	char cookie[160];
	char csrf[100];
};

static void
login(const struct srv *s, const char *username, struct session *out)
{
	char *body = harness_strdupf("{\"username\":\"%s\",\"password\":\"" PASSWORD "\"}",
	    username);
	struct http_res *r = http_json(s, "POST", "/api/v1/auth/login", body);
	const char *set, *end;

	if (r->status != 200 || r->json == NULL)
		fail_msg("login %s: %ld %s", username, r->status, r->body);
	set = http_header(r, "Set-Cookie");
	assert_non_null(set);
	end = strchr(set, ';');
	assert_non_null(end);
	snprintf(out->cookie, sizeof(out->cookie), "Cookie: %.*s", (int)(end - set), set);
	snprintf(out->csrf, sizeof(out->csrf), "X-CSRF-Token: %s", jstr(r->json, "csrf_token"));
	http_res_free(r);
	free(body);
}

/* method (PUT/DELETE) on years/{year} as a session; csrf 0 leaves the CSRF
 * header out; if_match may be NULL. */
static struct http_res *
year_req(const struct srv *s, const char *method, int year, const struct session *who,
    int csrf, const char *if_match, const char *body)
{
	char *path = harness_strdupf(API "/years/%d", year);
	char *im = if_match ? harness_strdupf("If-Match: %s", if_match) : NULL;
	const char *h[5];
	size_t n = 0;
	struct http_res *r;

	h[n++] = JSON_CT;
	if (who != NULL)
		h[n++] = who->cookie;
	if (who != NULL && csrf)
		h[n++] = who->csrf;
	if (im != NULL)
		h[n++] = im;
	h[n] = NULL;
	r = http_req(s, method, path, h, body);
	free(im);
	free(path);
	return r;
}

/* GET years/{year}: its X-Calendar-Origin is origin; the ETag into etag. */
static void
assert_origin(const struct srv *s, int year, const char *origin, char *etag, size_t n)
{
	char *path = harness_strdupf(API "/years/%d", year);
	struct http_res *r = get_ok(s, path);
	const char *o = http_header(r, "X-Calendar-Origin"), *e = http_header(r, "ETag");

	if (o == NULL || strcmp(o, origin) != 0)
		fail_msg("years/%d: origin %s, expected %s", year, o ? o : "(none)", origin);
	assert_non_null(e);
	assert_int_equal(jint(r->json, "year"), year);
	if (etag != NULL)
		snprintf(etag, n, "%s", e);
	http_res_free(r);
	free(path);
}

/* 2027 with Wednesday 3 March off: a 1-day limit from Tuesday 2 March
 * 10:00 moves from the 3rd to the 4th. */
static const char table_2027[] =
    "{\"year\":2027,\"source\":\"Thông báo thử nghiệm số 1/TB-TEST\","
    "\"source_note\":\"Chỉ dùng trong kiểm thử\",\"days\":["
    "{\"date\":\"2027-01-01\",\"kind\":\"holiday\",\"name\":\"Tết Dương lịch\"},"
    "{\"date\":\"2027-03-03\",\"kind\":\"holiday\",\"name\":\"Ngày nghỉ thử nghiệm\"}]}";
#define DUE_2027_Q "from=2027-03-02T10:00:00%2B07:00&days=1"
#define DUE_2027_COMPUTED "2027-03-03T17:00:00+07:00"
#define DUE_2027_EDITED "2027-03-04T17:00:00+07:00"

/* ---- fixtures ------------------------------------------------------------ */

static int
group_setup(void **state)
{
	(void)state;
	snprintf(data_arg, sizeof(data_arg), "%s/data", getenv("MOTCUA_SOURCE_DIR"));
	g = srv_start(srv_args);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	srv_stop(g);
	g = NULL;
	return 0;
}

/* ---- conversions ---------------------------------------------------------- */

static void
test_lunar_tet_2030(void **state)
{
	struct http_res *r;
	struct cli_res c;
	json_t *cli;

	(void)state;
	assert_lunar(g, "2030-02-02", 1, 1, 2030, 0); /* not 3 February: UTC+7 */
	assert_lunar(g, "2030-02-01", 29, 12, 2029, 0); /* 29 tháng Chạp */
	assert_lunar(g, "2026-02-17", 1, 1, 2026, 0);
	/* The same JSON as `motcua calendar lunar`. */
	r = get_ok(g, API "/lunar?date=2030-02-02");
	assert_string_equal(jstr(r->json, "year_name"), "Canh Tuất");
	assert_int_equal(motcua_run((const char *const[]){ "calendar", "lunar", "2030-02-02",
	    NULL }, &c, 20000), 0);
	cli = json_loads(c.out, 0, NULL);
	assert_non_null(cli);
	assert_true(json_equal(cli, r->json));
	json_decref(cli);
	cli_res_free(&c);
	http_res_free(r);
}

static void
test_leap_months_both_ways(void **state)
{
	(void)state;
	/* solar -> lunar: the first day of each leap month and the day before */
	assert_lunar(g, "2020-05-23", 1, 4, 2020, 1);
	assert_lunar(g, "2020-05-22", 30, 4, 2020, 0);
	assert_lunar(g, "2023-03-22", 1, 2, 2023, 1);
	assert_lunar(g, "2025-07-25", 1, 6, 2025, 1);
	assert_lunar(g, "2025-06-25", 1, 6, 2025, 0);
	/* lunar -> solar, with and without the leap flag */
	assert_solar(g, "2020-04-01", 1, "2020-05-23");
	assert_solar(g, "2023-02-01", 1, "2023-03-22");
	assert_solar(g, "2025-06-01", 1, "2025-07-25");
	assert_solar(g, "2025-06-01", 0, "2025-06-25");
	/* 10/3 lunar = Giỗ Tổ */
	assert_solar(g, "2026-03-10", 0, "2026-04-26");
}

static void
test_month_view_data(void **state)
{
	struct http_res *r;
	json_t *days, *d, *names;

	(void)state;
	r = get_ok(g, API "/month?year=2026&month=2");
	assert_int_equal(jint(r->json, "year"), 2026);
	assert_int_equal(jint(r->json, "month"), 2);
	assert_string_equal(jstr(r->json, "loaded_from"), "notice");
	days = json_object_get(r->json, "days");
	assert_int_equal(json_array_size(days), 28);
	d = json_array_get(days, 16); /* 17 February 2026: mùng 1 Tết */
	assert_string_equal(jstr(d, "date"), "2026-02-17");
	assert_string_equal(jstr(d, "kind"), "tet");
	assert_false(json_is_true(json_object_get(d, "workday")));
	assert_int_equal(jint(json_object_get(d, "lunar"), "day"), 1);
	assert_int_equal(jint(json_object_get(d, "lunar"), "month"), 1);
	assert_int_equal(jint(d, "weekday"), 2); /* Tuesday */
	d = json_array_get(days, 12); /* Friday 13th: worked, nothing listed */
	assert_true(json_is_true(json_object_get(d, "workday")));
	assert_null(json_object_get(d, "kind"));
	names = json_object_get(r->json, "year_names");
	assert_string_equal(jstr(names, "2025"), "Ất Tỵ");
	assert_string_equal(jstr(names, "2026"), "Bính Ngọ");
	http_res_free(r);
}

/* ---- the 2025 notice and deadlines ---------------------------------------- */

static void
test_notice_2025(void **state)
{
	struct http_res *r;
	json_t *items, *it;
	size_t i;
	int swap_work = 0, swap_off = 0;

	(void)state;
	r = get_ok(g, API "/holidays?year=2025");
	assert_int_equal(jint(r->json, "year"), 2025);
	assert_string_equal(jstr(r->json, "loaded_from"), "notice");
	assert_non_null(strstr(jstr(r->json, "source"), "8726/VPCP-KGVX"));
	items = json_object_get(r->json, "items");
	json_array_foreach (items, i, it) {
		if (strcmp(jstr(it, "date"), "2025-04-26") == 0) {
			assert_string_equal(jstr(it, "kind"), "swap_work");
			swap_work = 1;
		}
		if (strcmp(jstr(it, "date"), "2025-05-02") == 0) {
			assert_string_equal(jstr(it, "kind"), "swap_off");
			swap_off = 1;
		}
		if (strcmp(jstr(it, "date"), "2025-01-29") == 0)
			assert_string_equal(jstr(it, "kind"), "tet");
	}
	assert_true(swap_work && swap_off);
	http_res_free(r);

	/* Saturday 26/4/2025 is a working day... */
	r = get_ok(g, API "/month?year=2025&month=4");
	it = json_array_get(json_object_get(r->json, "days"), 25);
	assert_string_equal(jstr(it, "date"), "2025-04-26");
	assert_true(json_is_true(json_object_get(it, "workday")));
	assert_string_equal(jstr(it, "kind"), "swap_work");
	http_res_free(r);
	/* ...so deadlines count it, and skip 30/4, 1/5, 2/5 and the weekend. */
	assert_due(g, "from=2025-04-25T10:00:00%2B07:00&days=1", "2025-04-26T17:00:00+07:00");
	assert_due(g, "from=2025-04-25T10:00:00%2B07:00&days=3", "2025-04-29T17:00:00+07:00");
	assert_due(g, "from=2025-04-29T10:00:00%2B07:00&days=1", "2025-05-05T17:00:00+07:00");
	/* Tết 2025: off from Saturday 25/1 to Sunday 2/2 */
	assert_due(g, "from=2025-01-24T10:00:00%2B07:00&days=1", "2025-02-03T17:00:00+07:00");
}

static void
test_receipt_before_tet_2026(void **state)
{
	struct http_res *r;

	(void)state;
	/* 16:00 on Friday 13/2/2026, after the 15:00 cut-off: counts from Monday
	 * 23/2, after the Tết break 14-22/2. */
	r = get_ok(g, API "/due?from=2026-02-13T16:00:00%2B07:00&days=5");
	assert_string_equal(jstr(r->json, "from"), "2026-02-13T16:00:00+07:00");
	assert_string_equal(jstr(r->json, "due"), "2026-03-02T17:00:00+07:00");
	assert_string_equal(jstr(r->json, "unit"), "days");
	assert_int_equal(jint(r->json, "limit"), 5);
	http_res_free(r);
	assert_due(g, "from=2026-02-13T10:00:00%2B07:00&days=5", "2026-02-27T17:00:00+07:00");
	/* A procedure without cut-off: 16:00 still counts that Friday. */
	assert_due(g, "from=2026-02-13T16:00:00%2B07:00&days=5&cutoff=24:00",
	    "2026-02-27T17:00:00+07:00");
	/* The same instant in UTC. */
	assert_due(g, "from=2026-02-13T09:00:00Z&days=5", "2026-03-02T17:00:00+07:00");
}

static void
test_hours_limit(void **state)
{
	struct http_res *r;

	(void)state;
	/* 8 working hours from Friday 7/3/2025 14:00: 3 h on Friday, the
	 * weekend, 4 h Monday morning, lunch, 1 h -> Monday 14:00. */
	r = get_ok(g, API "/due?from=2025-03-07T14:00:00%2B07:00&hours=8");
	assert_string_equal(jstr(r->json, "due"), "2025-03-10T14:00:00+07:00");
	assert_string_equal(jstr(r->json, "unit"), "hours");
	assert_int_equal(jint(r->json, "limit"), 8);
	http_res_free(r);
	/* across lunch only */
	assert_due(g, "from=2025-03-03T10:00:00%2B07:00&hours=4", "2025-03-03T15:30:00+07:00");
	/* ends exactly at the morning's end */
	assert_due(g, "from=2025-03-03T10:30:00%2B07:00&hours=1", "2025-03-03T11:30:00+07:00");
}

static void
test_bad_input(void **state)
{
	static const struct {
		const char *path;
		const char *names[3];
	} cases[] = {
		{ API "/lunar?date=2025-02-30", { "date" } },
		{ API "/lunar?date=1800-01-01", { "date" } },
		{ API "/lunar?date=2200-01-01", { "date" } },
		{ API "/lunar?date=h%C3%B4m%20nay", { "date" } },
		{ API "/lunar", { "date" } },
		{ API "/solar?date=2025-13-01", { "date" } },
		{ API "/solar?date=2025-12-30", { "date" } }, /* tháng Chạp 2025 has 29 days */
		{ API "/solar?date=2025-05-01&leap=1", { "leap" } },
		{ API "/solar?date=2024-05-01&leap=1", { "leap" } },
		{ API "/solar?date=2025-06-01&leap=maybe", { "leap" } },
		{ API "/holidays?year=1800", { "year" } },
		{ API "/holidays?year=abc", { "year" } },
		{ API "/holidays", { "year" } },
		{ API "/month?year=2026&month=13", { "month" } },
		{ API "/month?year=2026", { "month" } },
		{ API "/month?year=1899&month=12", { "year" } },
		{ API "/due?from=2026-02-13T16:00:00%2B07:00&days=-1", { "days" } },
		{ API "/due?from=2026-02-13T16:00:00%2B07:00&hours=3651", { "hours" } },
		{ API "/due?from=2026-02-13T16:00:00%2B07:00&days=abc", { "days" } },
		{ API "/due?from=garbage&days=1", { "from" } },
		{ API "/due?from=2026-02-30T10:00:00%2B07:00&days=1", { "from" } },
		{ API "/due?from=1800-01-01T10:00:00%2B07:00&days=1", { "from" } },
		{ API "/due?days=1", { "from" } },
		{ API "/due?from=2026-02-13T16:00:00%2B07:00&days=1&hours=2", { "days", "hours" } },
		{ API "/due?from=2026-02-13T16:00:00%2B07:00", { "days" } },
		{ API "/due?from=2026-02-13T16:00:00%2B07:00&days=1&cutoff=25:00", { "cutoff" } },
		{ API "/due?from=2199-12-31T10:00:00%2B07:00&days=10", { "from" } },
		{ API "/years/1800", { "year" } },
		{ API "/years/20x5", { "year" } },
	};
	struct http_res *r;

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++)
		assert_bad(g, cases[i].path, cases[i].names);
	/* English on request */
	r = http_req(g, "GET", API "/lunar?date=2025-02-30",
	    (const char *const[]){ "Accept-Language: en", NULL }, NULL);
	assert_problem(r, 400, "validation");
	assert_non_null(strstr(jstr(r->json, "detail"), "not a real date"));
	http_res_free(r);
	srv_assert_healthy(g);
}

/* Office hours and the cut-off come from the config; a bad value stops the
 * start naming the key. */
static void
test_office_hours_config(void **state)
{
	static const char *args[] = { "--data", data_arg, "--office_hours", "08:00-12:00",
		"--office_days", "1-6", "--receipt_cutoff", "11:00", NULL };
	struct srv *s = srv_start(args);
	struct cli_res c;

	(void)state;
	/* 2 h on Monday morning, 2 h on Tuesday from 08:00 */
	assert_due(s, "from=2025-03-03T10:00:00%2B07:00&hours=4", "2025-03-04T10:00:00+07:00");
	/* Saturday is a working day; the day ends at 12:00 */
	assert_due(s, "from=2025-03-07T10:00:00%2B07:00&days=1", "2025-03-08T12:00:00+07:00");
	/* 11:30 is after this cut-off: counts from Tuesday */
	assert_due(s, "from=2025-03-03T11:30:00%2B07:00&days=1", "2025-03-05T12:00:00+07:00");
	assert_int_equal(motcua_run((const char *const[]){ "serve", "--db", srv_db_url(s),
	    "--listen", "127.0.0.1:0", "--office_days", "9", NULL }, &c, 20000), 2);
	assert_non_null(strstr(c.err, "office_days"));
	cli_res_free(&c);
	srv_stop(s);
}

/* ---- administrators' tables ---------------------------------------------- */

static void
test_admin_edit_restart_reset(void **state)
{
	struct srv *s = srv_start(srv_args);
	struct session adm;
	struct http_res *r;
	struct cli_res c;
	char etag[64], etag2[64];
	const char *no_swap_2025 =
	    "{\"year\":2025,\"source\":\"Bản sửa thử: bỏ hoán đổi 26/4\",\"days\":["
	    "{\"date\":\"2025-04-30\",\"kind\":\"holiday\",\"name\":\"Ngày Chiến thắng\"},"
	    "{\"date\":\"2025-05-01\",\"kind\":\"holiday\",\"name\":\"Quốc tế lao động\"}]}";

	(void)state;
	user_add(s, "quantri", "admin");
	login(s, "quantri", &adm);

	/* 2027: no table shipped, computed days */
	assert_origin(s, 2027, "computed", etag, sizeof(etag));
	assert_string_equal(etag, "\"0\"");
	assert_due(s, DUE_2027_Q, DUE_2027_COMPUTED);

	r = year_req(s, "PUT", 2027, &adm, 1, etag, table_2027);
	if (r->status != 200)
		fail_msg("PUT 2027: %ld %s", r->status, r->body);
	assert_int_equal(jint(r->json, "year"), 2027);
	assert_string_equal(http_header(r, "X-Calendar-Origin"), "edited");
	snprintf(etag2, sizeof(etag2), "%s", http_header(r, "ETag"));
	http_res_free(r);
	/* effective at once */
	assert_due(s, DUE_2027_Q, DUE_2027_EDITED);
	r = get_ok(s, API "/holidays?year=2027");
	assert_string_equal(jstr(r->json, "loaded_from"), "notice");
	assert_string_equal(jstr(r->json, "source"), "Thông báo thử nghiệm số 1/TB-TEST");
	assert_string_equal(jstr(r->json, "source_note"), "Chỉ dùng trong kiểm thử");
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 2);
	http_res_free(r);
	assert_origin(s, 2027, "edited", etag, sizeof(etag));
	assert_string_equal(etag, etag2);

	/* a stale If-Match loses: 409, nothing changes */
	r = year_req(s, "PUT", 2027, &adm, 1, "\"0\"", table_2027);
	assert_problem(r, 409, "conflict");
	http_res_free(r);

	/* override a shipped year: 2025 without the 26/4 swap */
	r = year_req(s, "PUT", 2025, &adm, 1, NULL, no_swap_2025);
	if (r->status != 200)
		fail_msg("PUT 2025: %ld %s", r->status, r->body);
	http_res_free(r);
	assert_due(s, "from=2025-04-25T10:00:00%2B07:00&days=1", "2025-04-28T17:00:00+07:00");

	/* a restart on the same database keeps both edits */
	assert_int_equal(srv_terminate(s, SIGTERM, 15000), 0);
	srv_launch(s, srv_args);
	assert_due(s, DUE_2027_Q, DUE_2027_EDITED);
	assert_due(s, "from=2025-04-25T10:00:00%2B07:00&days=1", "2025-04-28T17:00:00+07:00");
	assert_origin(s, 2027, "edited", etag, sizeof(etag));
	assert_string_equal(etag, etag2);

	/* the CLI on that database sees them too */
	assert_int_equal(motcua_run((const char *const[]){ "calendar", "--db", srv_db_url(s),
	    "--data", data_arg, "due", "--from", "2027-03-02T10:00:00+07:00", "--days", "1",
	    NULL }, &c, 20000), 0);
	assert_non_null(strstr(c.out, DUE_2027_EDITED));
	cli_res_free(&c);

	/* DELETE: 2025 back to the shipped notice, 2027 to the computed days */
	login(s, "quantri", &adm); /* the restart kept the session, but be explicit */
	r = year_req(s, "DELETE", 2025, &adm, 1, NULL, NULL);
	if (r->status != 200)
		fail_msg("DELETE 2025: %ld %s", r->status, r->body);
	assert_string_equal(http_header(r, "X-Calendar-Origin"), "notice");
	assert_non_null(strstr(jstr(r->json, "source"), "8726/VPCP-KGVX"));
	http_res_free(r);
	assert_due(s, "from=2025-04-25T10:00:00%2B07:00&days=1", "2025-04-26T17:00:00+07:00");
	assert_origin(s, 2025, "notice", NULL, 0);

	r = year_req(s, "DELETE", 2027, &adm, 1, etag, NULL);
	if (r->status != 200)
		fail_msg("DELETE 2027: %ld %s", r->status, r->body);
	assert_string_equal(http_header(r, "X-Calendar-Origin"), "computed");
	http_res_free(r);
	assert_due(s, DUE_2027_Q, DUE_2027_COMPUTED);
	r = get_ok(s, API "/holidays?year=2027");
	assert_string_equal(jstr(r->json, "loaded_from"), "computed");
	http_res_free(r);
	/* nothing left to reset */
	r = year_req(s, "DELETE", 2027, &adm, 1, NULL, NULL);
	assert_problem(r, 404, "not-found");
	http_res_free(r);

	/* every change audited, the chain intact */
	assert_int_equal(motcua_run((const char *const[]){ "audit", "list", "--db",
	    srv_db_url(s), NULL }, &c, 20000), 0);
	assert_non_null(strstr(c.out, "calendar.year_update"));
	assert_non_null(strstr(c.out, "calendar.year_reset"));
	assert_non_null(strstr(c.out, "calendar_year:2027"));
	cli_res_free(&c);
	assert_int_equal(motcua_run((const char *const[]){ "audit", "verify", "--db",
	    srv_db_url(s), NULL }, &c, 20000), 0);
	cli_res_free(&c);
	/* and a restart after the resets still computes 2027 */
	assert_int_equal(srv_terminate(s, SIGTERM, 15000), 0);
	srv_launch(s, srv_args);
	assert_due(s, DUE_2027_Q, DUE_2027_COMPUTED);
	assert_origin(s, 2025, "notice", NULL, 0);
	srv_stop(s);
}

static void
test_admin_guard(void **state)
{
	struct srv *s = srv_start(srv_args);
	struct session adm, rcv;
	struct http_res *r;

	(void)state;
	user_add(s, "quantri", "admin");
	user_add(s, "tiepnhan", "receiver");
	login(s, "quantri", &adm);
	login(s, "tiepnhan", &rcv);

	/* no credentials */
	r = year_req(s, "PUT", 2027, NULL, 0, NULL, table_2027);
	assert_problem(r, 401, "unauthenticated");
	http_res_free(r);
	/* signed in without the permission */
	r = year_req(s, "PUT", 2027, &rcv, 1, NULL, table_2027);
	assert_problem(r, 403, "forbidden");
	http_res_free(r);
	r = year_req(s, "DELETE", 2027, &rcv, 1, NULL, NULL);
	assert_problem(r, 403, "forbidden");
	http_res_free(r);
	/* an administrator without the CSRF header */
	r = year_req(s, "PUT", 2027, &adm, 0, NULL, table_2027);
	assert_problem(r, 403, "csrf");
	http_res_free(r);
	r = year_req(s, "DELETE", 2027, &adm, 0, NULL, NULL);
	assert_problem(r, 403, "csrf");
	http_res_free(r);
	/* nothing changed */
	assert_due(s, DUE_2027_Q, DUE_2027_COMPUTED);
	assert_origin(s, 2027, "computed", NULL, 0);
	srv_stop(s);
}

static void
test_admin_invalid_table(void **state)
{
	static const struct {
		const char *body;
		const char *param;
	} cases[] = {
		{ "{\"year\":2027,\"source\":\"x\",\"days\":[{\"date\":\"2027-02-30\","
		  "\"kind\":\"holiday\",\"name\":\"a\"}]}", "days[0].date" },
		{ "{\"year\":2027,\"source\":\"x\",\"days\":[{\"date\":\"2027-03-03\","
		  "\"kind\":\"holiday\",\"name\":\"a\"},{\"date\":\"2027-03-04\","
		  "\"kind\":\"feast\",\"name\":\"b\"}]}", "days[1].kind" },
		{ "{\"year\":2027,\"source\":\"x\",\"days\":[{\"date\":\"2027-03-03\","
		  "\"kind\":\"swap_work\",\"name\":\"a\"}]}", "days[0].kind" },
		{ "{\"year\":2027,\"source\":\"x\",\"days\":[{\"date\":\"2026-03-03\","
		  "\"kind\":\"holiday\",\"name\":\"a\"}]}", "days[0].date" },
		{ "{\"year\":2027,\"source\":\"x\",\"days\":[{\"date\":\"2027-03-03\","
		  "\"kind\":\"holiday\",\"name\":\"\"}]}", "days[0].name" },
		{ "{\"year\":2027,\"days\":[]}", "source" },
		{ "{\"year\":2027,\"source\":\"x\"}", "days" },
		{ "{\"year\":2027,\"source\":\"x\",\"days\":[],\"extra\":1}", "extra" },
		{ "{\"year\":2026,\"source\":\"x\",\"days\":[]}", "year" },
		{ "{\"year\":\"2027\",\"source\":\"x\",\"days\":[]}", "year" },
	};
	struct srv *s = srv_start(srv_args);
	struct session adm;
	struct http_res *r;
	struct cli_res c;

	(void)state;
	user_add(s, "quantri", "admin");
	login(s, "quantri", &adm);
	for (size_t i = 0; i < NELEM(cases); i++) {
		r = year_req(s, "PUT", 2027, &adm, 1, NULL, cases[i].body);
		if (r->status != 400)
			fail_msg("case %zu: %ld %s", i, r->status, r->body);
		assert_problem(r, 400, "validation");
		assert_invalid_param(r, cases[i].param);
		http_res_free(r);
	}
	/* not JSON at all, or not an object */
	r = year_req(s, "PUT", 2027, &adm, 1, NULL, "{\"year\": 2027,");
	assert_problem(r, 400, "invalid-json");
	http_res_free(r);
	r = year_req(s, "PUT", 2027, &adm, 1, NULL, "[2027]");
	assert_problem(r, 400, "invalid-json");
	http_res_free(r);
	/* nothing changed, nothing written, nothing audited */
	assert_due(s, DUE_2027_Q, DUE_2027_COMPUTED);
	assert_origin(s, 2027, "computed", NULL, 0);
	assert_int_equal(motcua_run((const char *const[]){ "audit", "list", "--db",
	    srv_db_url(s), NULL }, &c, 20000), 0);
	assert_null(strstr(c.out, "calendar."));
	cli_res_free(&c);
	srv_stop(s);
}

/* A database write that fails (a trigger refuses year 2031) leaves the
 * running calendar exactly as it was. */
static void
test_admin_db_failure(void **state)
{
	struct srv *s = srv_start(srv_args);
	struct session adm;
	struct http_res *r;
	char *cmd, *body;

	(void)state;
	user_add(s, "quantri", "admin");
	login(s, "quantri", &adm);
	if (s->backend_pg)
		cmd = harness_strdupf("psql -q -v ON_ERROR_STOP=1 '%s' -c \"CREATE FUNCTION "
		    "cal_refuse() RETURNS trigger LANGUAGE plpgsql AS \\$\\$BEGIN RAISE EXCEPTION "
		    "'refused by test'; END\\$\\$\" -c \"CREATE TRIGGER cal_refuse BEFORE INSERT OR "
		    "UPDATE ON calendar_years FOR EACH ROW WHEN (NEW.year = 2031) EXECUTE FUNCTION "
		    "cal_refuse()\"", srv_db_url(s));
	else
		cmd = harness_strdupf("sqlite3 '%s' \"CREATE TRIGGER cal_refuse BEFORE INSERT ON "
		    "calendar_years WHEN NEW.year = 2031 BEGIN SELECT RAISE(ABORT, 'refused by "
		    "test'); END;\"", srv_db_url(s) + strlen("sqlite:"));
	sh(cmd);
	free(cmd);
	assert_due(s, "from=2031-03-04T10:00:00%2B07:00&days=1", "2031-03-05T17:00:00+07:00");
	body = harness_strdupf("{\"year\":2031,\"source\":\"x\",\"days\":[{\"date\":"
	    "\"2031-03-05\",\"kind\":\"holiday\",\"name\":\"Không được lưu\"}]}");
	r = year_req(s, "PUT", 2031, &adm, 1, NULL, body);
	if (r->status < 409)
		fail_msg("PUT refused by the database answered %ld %s", r->status, r->body);
	assert_non_null(r->json);
	http_res_free(r);
	free(body);
	assert_due(s, "from=2031-03-04T10:00:00%2B07:00&days=1", "2031-03-05T17:00:00+07:00");
	assert_origin(s, 2031, "computed", NULL, 0);
	srv_assert_healthy(s);
	srv_stop(s);
}

/* Two nodes on one database: an edit on one reaches the other within its
 * calendar_sync_seconds. */
static void
test_two_nodes(void **state)
{
	static const char *sync_args[] = { "--data", data_arg, "--calendar_sync_seconds", "1",
		"--argon2_m_cost", "8", "--argon2_t_cost", "1", NULL };
	struct srv *a = srv_start(sync_args), *b = srv_create(0);
	struct session adm;
	struct http_res *r;
	int64_t deadline;
	int seen;

	(void)state;
	snprintf(b->db_url, sizeof(b->db_url), "%s", a->db_url);
	srv_launch(b, sync_args);
	user_add(a, "quantri", "admin");
	login(a, "quantri", &adm);
	assert_due(b, DUE_2027_Q, DUE_2027_COMPUTED);
	r = year_req(a, "PUT", 2027, &adm, 1, NULL, table_2027);
	assert_int_equal(r->status, 200);
	http_res_free(r);
	for (seen = 0, deadline = harness_now_ms() + 10000; !seen && harness_now_ms() < deadline;) {
		r = get_ok(b, API "/due?" DUE_2027_Q);
		seen = strcmp(jstr(r->json, "due"), DUE_2027_EDITED) == 0;
		http_res_free(r);
		if (!seen)
			harness_sleep_ms(100);
	}
	assert_true(seen);
	r = year_req(a, "DELETE", 2027, &adm, 1, NULL, NULL);
	assert_int_equal(r->status, 200);
	http_res_free(r);
	for (seen = 0, deadline = harness_now_ms() + 10000; !seen && harness_now_ms() < deadline;) {
		r = get_ok(b, API "/due?" DUE_2027_Q);
		seen = strcmp(jstr(r->json, "due"), DUE_2027_COMPUTED) == 0;
		http_res_free(r);
		if (!seen)
			harness_sleep_ms(100);
	}
	assert_true(seen);
	srv_stop(b);
	srv_stop(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lunar_tet_2030),
		cmocka_unit_test(test_leap_months_both_ways),
		cmocka_unit_test(test_month_view_data),
		cmocka_unit_test(test_notice_2025),
		cmocka_unit_test(test_receipt_before_tet_2026),
		cmocka_unit_test(test_hours_limit),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_office_hours_config),
		cmocka_unit_test(test_admin_edit_restart_reset),
		cmocka_unit_test(test_admin_guard),
		cmocka_unit_test(test_admin_invalid_table),
		cmocka_unit_test(test_admin_db_failure),
		cmocka_unit_test(test_two_nodes),
	};

	return HARNESS_RUN(tests, group_setup, group_teardown);
}
