/*
 * The platform's promises, proven against the real binary on SQLite and on
 * PostgreSQL: operations endpoints, headers, routing errors, keep-alive,
 * static files, every kind of bad input (each a 4xx problem+json or a closed
 * connection, nothing written, the server still healthy), slow clients,
 * connection limits, graceful stop and the CLI's contract.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

/* Shared by most tests: a server with small limits (so bad input is cheap
 * to make) and one on a web root this test writes itself. */
static struct srv *g;
static struct srv *w;
static const char *wdir; /* parent of w's web root; holds secret.txt */

#define SETTINGS "/api/v1/_test/settings"
#define JSON_CT "Content-Type: application/json"

static const char *const limits_args[] = { "--max_body_bytes", "2048",
	"--max_header_bytes", "4096", NULL };

/* ---- helpers ------------------------------------------------------------- */

/* The setting key was never written (GET answers 404 not-found). */
static void
assert_setting_absent(const struct srv *s, const char *key)
{
	char *path = harness_strdupf(SETTINGS "/%s", key);
	struct http_res *r = http_get(s, path);

	if (r->status != 404)
		fail_msg("setting \"%s\" exists after a rejected request: %ld %s", key,
		    r->status, r->body);
	assert_problem(r, 404, "not-found");
	http_res_free(r);
	free(path);
}

static void
assert_setting_is(const struct srv *s, const char *key, const char *value)
{
	char *path = harness_strdupf(SETTINGS "/%s", key);
	struct http_res *r = http_get(s, path);
	json_t *v;

	assert_int_equal(r->status, 200);
	assert_non_null(r->json);
	v = json_object_get(r->json, "value");
	assert_true(json_is_string(v));
	assert_string_equal(json_string_value(v), value);
	http_res_free(r);
	free(path);
}

/* PUT a raw body (may be invalid UTF-8) as JSON. */
static struct http_res *
put_raw(const struct srv *s, const char *body, size_t len)
{
	return http_reqb(s, "PUT", SETTINGS, (const char *const[]){ JSON_CT, NULL }, body, len);
}

/* Value of an unlabelled metric line "name value", or -1. */
static double
metric_value(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, name, n) == 0 && l[n] == ' ')
			return strtod(l + n + 1, NULL);
	return -1;
}

/* Count of motcua_http_requests_total for (route, method, status), or 0. */
static double
metric_requests(const char *text, const char *route, const char *method, int status)
{
	char *want = harness_strdupf("motcua_http_requests_total{route=\"%s\",method=\"%s\","
	    "status=\"%d\"} ", route, method, status);
	const char *p = strstr(text, want);
	double v = p ? strtod(p + strlen(want), NULL) : 0;

	free(want);
	return v;
}

/* ---- group setup --------------------------------------------------------- */

static int
group_setup(void **state)
{
	char *p;

	(void)state;
	g = srv_start(limits_args);

	/* A web root of our own, with things outside it that must never leak. */
	wdir = harness_tmpdir();
	p = harness_strdupf("%s/secret.txt", wdir);
	harness_write_file(p, "TOPSECRET outside the web root\n");
	free(p);
	p = harness_strdupf("%s/web/index.html", wdir);
	harness_write_file(p, "<!doctype html><html lang=\"vi\"><title>Một cửa</title></html>\n");
	free(p);
	p = harness_strdupf("%s/web/app.css", wdir);
	harness_write_file(p, "body { color: #111; }\n");
	free(p);
	p = harness_strdupf("%s/web/app.js", wdir);
	harness_write_file(p, "export const x = 1;\n");
	free(p);
	p = harness_strdupf("%s/web/sub/index.html", wdir);
	harness_write_file(p, "<!doctype html><title>sub</title>\n");
	free(p);
	p = harness_strdupf("%s/web/shared/partials/nav.html", wdir);
	harness_write_file(p, "<nav><a data-nav=\"one\">1</a><a data-nav=\"two\">2</a></nav>\n");
	free(p);
	p = harness_strdupf("%s/web/inc.html", wdir);
	harness_write_file(p, "<!doctype html><title>inc</title>\n"
	    "<!--#include partial=\"nav\" current=\"two\" -->\n<main>x</main>\n");
	free(p);
	p = harness_strdupf("%s/web/inc-bad.html", wdir);
	harness_write_file(p, "<!doctype html><!--#include partial=\"../../secret\" -->\n");
	free(p);
	p = harness_strdupf("%s/web/inc-missing.html", wdir);
	harness_write_file(p, "<!doctype html><!--#include partial=\"gone\" -->\n");
	free(p);
	p = harness_strdupf("%s/web/.git/config", wdir);
	harness_write_file(p, "TOPSECRET git config\n");
	free(p);
	p = harness_strdupf("%s/web/.hidden.txt", wdir);
	harness_write_file(p, "TOPSECRET hidden\n");
	free(p);
	{
		char *target = harness_strdupf("%s/secret.txt", wdir);
		char *link = harness_strdupf("%s/web/link.txt", wdir);
		char *dlink = harness_strdupf("%s/web/outside", wdir);

		assert_int_equal(symlink(target, link), 0);
		assert_int_equal(symlink(wdir, dlink), 0);
		free(target);
		free(link);
		free(dlink);
	}
	p = harness_strdupf("%s/web", wdir);
	w = srv_start((const char *const[]){ "--web", p, NULL });
	free(p);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	srv_stop(g);
	srv_stop(w);
	g = w = NULL;
	return 0;
}

/* ---- operations ---------------------------------------------------------- */

static void
test_healthz(void **state)
{
	struct http_res *r;
	json_t *v;

	(void)state;
	r = http_get(g, "/healthz");
	assert_int_equal(r->status, 200);
	assert_non_null(r->json);
	v = json_object_get(r->json, "status");
	assert_true(json_is_string(v));
	assert_string_equal(json_string_value(v), "ok");
	v = json_object_get(r->json, "database");
	assert_true(json_is_string(v));
	assert_string_equal(json_string_value(v),
	    strcmp(harness_backend(), "pg") == 0 ? "postgresql" : "sqlite");
	assert_non_null(strstr(http_header(r, "Content-Type"), "application/json"));
	assert_non_null(http_header(r, "Cache-Control"));
	assert_security_headers(r);
	http_res_free(r);
}

static void
test_metrics(void **state)
{
	struct http_res *r = NULL;
	double before = 0, after = 0;
	int64_t deadline;

	(void)state;
	http_res_free(http_get(g, "/healthz"));
	http_res_free(http_get(g, "/api/v1/nope"));
	/* Requests are counted when they complete, so poll briefly. */
	deadline = harness_now_ms() + 3000;
	do {
		http_res_free(r);
		r = http_get(g, "/metrics");
		assert_int_equal(r->status, 200);
		before = metric_requests(r->body, "/healthz", "GET", 200);
	} while ((before < 1 || metric_requests(r->body, "unmatched", "GET", 404) < 1) &&
	    harness_now_ms() < deadline);
	if (before < 1)
		fail_msg("/healthz not counted in /metrics:\n%s", r->body);
	if (metric_requests(r->body, "unmatched", "GET", 404) < 1)
		fail_msg("the 404 is not counted in /metrics:\n%s", r->body);
	assert_non_null(strstr(http_header(r, "Content-Type"), "text/plain"));
	assert_non_null(strstr(r->body, "# TYPE motcua_http_requests_total counter"));
	assert_non_null(strstr(r->body, "# TYPE motcua_http_request_duration_seconds histogram"));
	assert_non_null(strstr(r->body, "motcua_http_request_duration_seconds_bucket{le=\"+Inf\"} "));
	assert_true(metric_value(r->body, "motcua_http_request_duration_seconds_count") >= 2);
	assert_true(metric_value(r->body, "motcua_http_request_duration_seconds_sum") >= 0);
	/* This very request's connection is open while the page renders. */
	assert_true(metric_value(r->body, "motcua_http_open_connections") >= 1);
	assert_true(metric_value(r->body, "motcua_db_errors_total") == 0);
	assert_security_headers(r);
	/* Every sample line is "name[{labels}] number". */
	for (const char *l = r->body; *l;) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l);

		if (n > 0 && l[0] != '#') {
			const char *sp = memrchr(l, ' ', n);
			char *end;

			assert_non_null(sp);
			assert_true(strncmp(l, "motcua_", 7) == 0);
			strtod(sp + 1, &end);
			if (end != l + n)
				fail_msg("bad metrics line: %.*s", (int)n, l);
		}
		l += n + (e ? 1 : 0);
	}
	/* The counter moves. */
	http_res_free(http_get(g, "/healthz"));
	deadline = harness_now_ms() + 3000;
	do {
		http_res_free(r);
		r = http_get(g, "/metrics");
		after = metric_requests(r->body, "/healthz", "GET", 200);
	} while (after <= before && harness_now_ms() < deadline);
	assert_true(after > before);
	http_res_free(r);
}

static void
test_meta(void **state)
{
	struct http_res *r;
	json_t *v;

	(void)state;
	r = http_get(g, "/api/v1/meta");
	assert_int_equal(r->status, 200);
	assert_non_null(r->json);
	v = json_object_get(r->json, "name");
	assert_true(json_is_string(v));
	assert_string_equal(json_string_value(v), "motcua");
	v = json_object_get(r->json, "time");
	assert_true(json_is_string(v));
	/* ISO 8601 in Vietnam's offset. */
	assert_non_null(strstr(json_string_value(v), "+07:00"));
	http_res_free(r);
}

/* Every kind of response the application renders carries the headers. */
static void
test_security_headers_everywhere(void **state)
{
	struct {
		const struct srv *s;
		const char *method, *path, *ct, *body;
		long status;
	} cases[] = {
		{ g, "GET", "/healthz", NULL, NULL, 200 },
		{ g, "GET", "/metrics", NULL, NULL, 200 },
		{ g, "GET", "/api/v1/meta", NULL, NULL, 200 },
		{ g, "HEAD", "/healthz", NULL, NULL, 200 },
		{ g, "GET", "/api/v1/no-such-thing", NULL, NULL, 404 },
		{ g, "GET", "/no-such-page.html", NULL, NULL, 404 },
		{ g, "DELETE", "/healthz", NULL, NULL, 405 },
		{ g, "PUT", SETTINGS, "Content-Type: text/plain", "x", 415 },
		{ g, "PUT", SETTINGS, JSON_CT, "{", 400 },
		{ g, "PUT", SETTINGS, JSON_CT, "{}", 400 },
		{ w, "GET", "/", NULL, NULL, 200 },
		{ w, "GET", "/app.css", NULL, NULL, 200 },
		{ w, "GET", "/app.js", NULL, NULL, 200 },
	};
	char ids[32][17];

	(void)state;
	assert_true(sizeof(cases) / sizeof(cases[0]) <= 32);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *hdrs[] = { cases[i].ct, NULL };
		struct http_res *r = http_req(cases[i].s, cases[i].method, cases[i].path,
		    hdrs, cases[i].body);

		if (r->status != cases[i].status)
			fail_msg("%s %s: %ld, want %ld", cases[i].method, cases[i].path, r->status,
			    cases[i].status);
		assert_security_headers(r);
		snprintf(ids[i], sizeof(ids[i]), "%s", http_header(r, "X-Request-Id"));
		for (size_t j = 0; j < i; j++)
			if (strcmp(ids[i], ids[j]) == 0)
				fail_msg("X-Request-Id %s repeated", ids[i]);
		http_res_free(r);
	}
}

/* Responses refused early by the adapter (limits, bad encoding) are
 * responses too: DESIGN §5/§6 want the id and the security headers on
 * every one. */
static void
test_security_headers_on_refusals(void **state)
{
	char *big = harness_repeat('a', 5000);
	char *hdr = harness_strdupf("X-Big: %s", big);
	char *longpath = harness_strdupf("/api/v1/%s", big);
	char *bigbody = harness_strdupf("{\"key\":\"sec_big\",\"value\":\"%s\"}", big);
	struct http_res *r;

	(void)state;
	r = http_req(g, "GET", "/healthz", (const char *const[]){ hdr, NULL }, NULL);
	assert_problem(r, 431, "headers-too-large");
	assert_security_headers(r);
	http_res_free(r);
	r = http_get(g, longpath);
	assert_problem(r, 414, "uri-too-long");
	assert_security_headers(r);
	http_res_free(r);
	r = http_json(g, "PUT", SETTINGS, bigbody);
	assert_problem(r, 413, "payload-too-large");
	assert_security_headers(r);
	http_res_free(r);
	r = http_get(g, "/healthz?x=%ff");
	assert_problem(r, 400, "bad-request");
	assert_security_headers(r);
	http_res_free(r);
	r = http_req(g, "BREW", "/healthz", NULL, NULL);
	assert_problem(r, 405, "method-not-allowed");
	assert_security_headers(r);
	http_res_free(r);
	free(big);
	free(hdr);
	free(longpath);
	free(bigbody);
}

/* ---- routing errors ------------------------------------------------------ */

static int
is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

static void
test_not_found_languages(void **state)
{
	struct http_res *vi, *en, *en2, *vi2;
	const char *dvi, *den;

	(void)state;
	vi = http_get(g, "/api/v1/no-such-route");
	assert_problem(vi, 404, "not-found");
	dvi = json_string_value(json_object_get(vi->json, "detail"));
	/* Vietnamese with diacritics: "Không tìm thấy ..." */
	assert_false(is_ascii(dvi));
	assert_non_null(strstr(dvi, "Không"));

	en = http_req(g, "GET", "/api/v1/no-such-route",
	    (const char *const[]){ "Accept-Language: en", NULL }, NULL);
	assert_problem(en, 404, "not-found");
	den = json_string_value(json_object_get(en->json, "detail"));
	assert_true(is_ascii(den));
	assert_string_not_equal(dvi, den);
	assert_true(is_ascii(json_string_value(json_object_get(en->json, "title"))));

	en2 = http_req(g, "GET", "/no-such-page",
	    (const char *const[]){ "Accept-Language: en-US,en;q=0.9", NULL }, NULL);
	assert_problem(en2, 404, "not-found");
	assert_true(is_ascii(json_string_value(json_object_get(en2->json, "detail"))));

	vi2 = http_req(g, "GET", "/no-such-page",
	    (const char *const[]){ "Accept-Language: vi-VN,vi;q=0.9,en;q=0.8", NULL }, NULL);
	assert_problem(vi2, 404, "not-found");
	assert_false(is_ascii(json_string_value(json_object_get(vi2->json, "detail"))));
	http_res_free(vi);
	http_res_free(en);
	http_res_free(en2);
	http_res_free(vi2);
}

static void
assert_allow(const struct http_res *r, const char *const *want, const char *const *not)
{
	const char *allow = http_header(r, "Allow");

	if (allow == NULL)
		fail_msg("405 without Allow");
	for (size_t i = 0; want && want[i]; i++)
		if (strstr(allow, want[i]) == NULL)
			fail_msg("Allow \"%s\" lacks %s", allow, want[i]);
	for (size_t i = 0; not && not[i]; i++)
		if (strstr(allow, not[i]) != NULL)
			fail_msg("Allow \"%s\" lists %s", allow, not[i]);
}

static void
test_method_not_allowed(void **state)
{
	struct http_res *r;

	(void)state;
	r = http_req(g, "DELETE", "/healthz", NULL, NULL);
	assert_problem(r, 405, "method-not-allowed");
	assert_allow(r, (const char *const[]){ "GET", "HEAD", NULL },
	    (const char *const[]){ "PUT", "DELETE", "POST", NULL });
	http_res_free(r);

	r = http_json(g, "POST", SETTINGS, "{\"key\":\"m405\",\"value\":\"v\"}");
	assert_problem(r, 405, "method-not-allowed");
	assert_allow(r, (const char *const[]){ "PUT", NULL },
	    (const char *const[]){ "POST", "GET", NULL });
	http_res_free(r);
	assert_setting_absent(g, "m405");

	r = http_json(g, "PUT", SETTINGS "/m405b", "{\"key\":\"m405b\",\"value\":\"v\"}");
	assert_problem(r, 405, "method-not-allowed");
	assert_allow(r, (const char *const[]){ "GET", NULL }, (const char *const[]){ "PUT", NULL });
	http_res_free(r);
	assert_setting_absent(g, "m405b");

	/* English too. */
	r = http_req(g, "PATCH", "/api/v1/meta", (const char *const[]){ "Accept-Language: en", NULL },
	    NULL);
	assert_problem(r, 405, "method-not-allowed");
	assert_true(is_ascii(json_string_value(json_object_get(r->json, "detail"))));
	http_res_free(r);

	/* A method nobody knows. */
	r = http_req(g, "BREW", "/healthz", NULL, NULL);
	assert_problem(r, 405, "method-not-allowed");
	assert_non_null(http_header(r, "Allow"));
	http_res_free(r);
	srv_assert_healthy(g);
}

static void
test_head(void **state)
{
	struct http_res *r, *get;

	(void)state;
	r = http_req(g, "HEAD", "/healthz", NULL, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(r->len, 0);
	assert_non_null(strstr(http_header(r, "Content-Type"), "application/json"));
	http_res_free(r);

	/* A HEAD on the raw socket really has no body: the next response on the
	 * same connection parses cleanly. */
	{
		int fd = raw_connect(g);

		raw_sends(fd, "HEAD /api/v1/meta HTTP/1.1\r\nHost: t\r\n\r\n");
		r = raw_read(fd, 5000, 1);
		assert_int_equal(r->status, 200);
		http_res_free(r);
		raw_sends(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
		r = raw_read(fd, 5000, 0);
		assert_int_equal(r->status, 200);
		assert_non_null(r->json);
		http_res_free(r);
		close(fd);
	}

	/* HEAD of a static file: same headers as GET, no body. */
	get = http_get(w, "/app.css");
	r = http_req(w, "HEAD", "/app.css", NULL, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(r->len, 0);
	assert_string_equal(http_header(r, "Content-Type"), http_header(get, "Content-Type"));
	assert_string_equal(http_header(r, "ETag"), http_header(get, "ETag"));
	if (http_header(r, "Content-Length") != NULL)
		assert_int_equal(strtoul(http_header(r, "Content-Length"), NULL, 10), get->len);
	http_res_free(r);
	http_res_free(get);
}

/* ---- keep-alive ---------------------------------------------------------- */

static void
assert_kept_alive(const struct http_res *r)
{
	const char *c = http_header(r, "Connection");

	if (c != NULL && strcasestr(c, "close") != NULL)
		fail_msg("status %ld answered with Connection: close", r->status);
}

static void
test_keep_alive(void **state)
{
	const char *body = "{\"key\":\"ka\",\"value\":\"giữ kết nối\"}";
	char *put = harness_strdupf("PUT " SETTINGS " HTTP/1.1\r\nHost: t\r\n"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s", strlen(body), body);
	int fd = raw_connect(g);
	struct http_res *r;

	(void)state;
	raw_sends(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
	r = raw_read(fd, 5000, 0);
	assert_int_equal(r->status, 200);
	assert_kept_alive(r);
	http_res_free(r);

	/* Second request on the same connection. */
	raw_sends(fd, "GET /api/v1/meta HTTP/1.1\r\nHost: t\r\n\r\n");
	r = raw_read(fd, 5000, 0);
	assert_int_equal(r->status, 200);
	assert_kept_alive(r);
	http_res_free(r);

	/* An error response keeps the connection too. */
	raw_sends(fd, "GET /api/v1/nope HTTP/1.1\r\nHost: t\r\n\r\n");
	r = raw_read(fd, 5000, 0);
	assert_problem(r, 404, "not-found");
	assert_kept_alive(r);
	http_res_free(r);

	/* So does a request with a body. */
	raw_sends(fd, put);
	r = raw_read(fd, 5000, 0);
	assert_int_equal(r->status, 200);
	assert_kept_alive(r);
	http_res_free(r);

	raw_sends(fd, "GET " SETTINGS "/ka HTTP/1.1\r\nHost: t\r\n\r\n");
	r = raw_read(fd, 5000, 0);
	assert_int_equal(r->status, 200);
	assert_string_equal(json_string_value(json_object_get(r->json, "value")), "giữ kết nối");
	http_res_free(r);
	close(fd);
	free(put);
}

/* ---- static files -------------------------------------------------------- */

static void
test_static_types_and_caching(void **state)
{
	struct http_res *r, *r2;
	char *etag;

	(void)state;
	r = http_get(w, "/");
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(http_header(r, "Content-Type"), "text/html"));
	assert_non_null(strstr(r->body, "<title>Một cửa</title>"));
	assert_non_null(http_header(r, "Cache-Control"));
	assert_non_null(http_header(r, "ETag"));
	http_res_free(r);

	r = http_get(w, "/index.html");
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(http_header(r, "Content-Type"), "text/html"));
	http_res_free(r);

	r = http_get(w, "/sub");
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "<title>sub</title>"));
	http_res_free(r);
	r = http_get(w, "/sub/");
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "<title>sub</title>"));
	http_res_free(r);

	r = http_get(w, "/app.js");
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(http_header(r, "Content-Type"), "text/javascript"));
	assert_string_equal(r->body, "export const x = 1;\n");
	http_res_free(r);

	r = http_get(w, "/app.css");
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(http_header(r, "Content-Type"), "text/css"));
	assert_string_equal(r->body, "body { color: #111; }\n");
	assert_non_null(http_header(r, "Cache-Control"));
	assert_non_null(http_header(r, "ETag"));
	etag = harness_strdupf("If-None-Match: %s", http_header(r, "ETag"));
	http_res_free(r);

	r = http_req(w, "GET", "/app.css", (const char *const[]){ etag, NULL }, NULL);
	assert_int_equal(r->status, 304);
	assert_int_equal(r->len, 0);
	assert_non_null(http_header(r, "ETag"));
	http_res_free(r);

	r2 = http_req(w, "GET", "/app.css",
	    (const char *const[]){ "If-None-Match: \"not-the-etag\"", NULL }, NULL);
	assert_int_equal(r2->status, 200);
	assert_int_equal(r2->len, strlen("body { color: #111; }\n"));
	http_res_free(r2);

	/* Static files are read-only. */
	r = http_req(w, "POST", "/index.html", (const char *const[]){ JSON_CT, NULL }, "{}");
	assert_problem(r, 405, "method-not-allowed");
	assert_allow(r, (const char *const[]){ "GET", "HEAD", NULL },
	    (const char *const[]){ "POST", NULL });
	http_res_free(r);
	free(etag);
}

/* Pages made of shared partials: expanded once, revalidated with their
 * partials, broken includes refused; with and without the memory cache. */
static void
check_includes(struct srv *s, const char *partial_text)
{
	struct http_res *r;
	char *etag;

	r = http_get(s, "/inc.html");
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "<title>inc</title>"));
	assert_null(strstr(r->body, "<!--#include"));
	assert_non_null(strstr(r->body, partial_text));
	assert_non_null(strstr(r->body, "data-nav=\"two\" aria-current=\"page\">"));
	assert_null(strstr(r->body, "data-nav=\"one\" aria-current"));
	assert_non_null(http_header(r, "Last-Modified"));
	etag = harness_strdupf("If-None-Match: %s", http_header(r, "ETag"));
	http_res_free(r);
	r = http_req(s, "GET", "/inc.html", (const char *const[]){ etag, NULL }, NULL);
	assert_int_equal(r->status, 304);
	http_res_free(r);
	free(etag);

	for (size_t i = 0; i < 2; i++) {
		r = http_get(s, i == 0 ? "/inc-bad.html" : "/inc-missing.html");
		assert_problem(r, 500, "internal");
		assert_null(strstr(r->body, "TOPSECRET"));
		http_res_free(r);
	}
}

static void
test_static_includes(void **state)
{
	char *nav = harness_strdupf("%s/web/shared/partials/nav.html", wdir);
	char *root = harness_strdupf("%s/web", wdir);
	struct http_res *r;
	struct srv *nocache;
	char *etag0;
	int seen = 0;

	(void)state;
	check_includes(w, ">1</a>");
	r = http_get(w, "/inc.html");
	etag0 = strdup(http_header(r, "ETag"));
	http_res_free(r);

	/* An edit of the partial shows on the page within about a second. */
	harness_write_file(nav, "<nav><a data-nav=\"one\">Một</a><a data-nav=\"two\">Hai</a>"
	    "<a data-nav=\"three\">Ba</a></nav>\n");
	for (int i = 0; i < 50 && !seen; i++) {
		r = http_get(w, "/inc.html");
		assert_int_equal(r->status, 200);
		seen = strstr(r->body, ">Ba</a>") != NULL;
		if (seen)
			assert_string_not_equal(http_header(r, "ETag"), etag0);
		http_res_free(r);
		if (!seen)
			usleep(100 * 1000);
	}
	assert_true(seen);

	nocache = srv_start((const char *const[]){ "--web", root, "--static_cache_bytes", "0",
	    NULL });
	check_includes(nocache, ">Ba</a>");
	srv_stop(nocache);
	free(etag0);
	free(root);
	free(nav);
}

/* The project's own web/ (written by the UI engineers): / is its home page. */
static void
test_static_real_web(void **state)
{
	char *index = harness_strdupf("%s/index.html", getenv("MOTCUA_WEB"));
	struct stat st;
	struct http_res *r;

	(void)state;
	if (stat(index, &st) != 0) {
		free(index);
		skip();
	}
	free(index);
	r = http_get(g, "/");
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(http_header(r, "Content-Type"), "text/html"));
	assert_non_null(strcasestr(r->body, "<html"));
	assert_security_headers(r);
	http_res_free(r);
}

static void
test_static_no_escape(void **state)
{
	static const char *const paths[] = {
		"/../secret.txt",
		"/../../../../etc/passwd",
		"/%2e%2e/secret.txt",
		"/%2E%2E/secret.txt",
		"/..%2fsecret.txt",
		"/%2e%2e%2fsecret.txt",
		"/sub/../../secret.txt",
		"/sub/..%2f..%2fsecret.txt",
		"/sub/%2e%2e/%2e%2e/secret.txt",
		"/shared/../../x",
		"/.git/config",
		"/%2egit/config",
		"/.hidden.txt",
		"/link.txt",
		"/outside/secret.txt",
		"/..\\secret.txt",
		"/%5c..%5csecret.txt",
		"//etc/passwd",
		"/etc/passwd",
		"/app.css%00.txt",
		"/app.css/",
		"/./app.css/../../secret.txt",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char *req = harness_strdupf("GET %s HTTP/1.1\r\nHost: t\r\n\r\n", paths[i]);
		struct http_res *r = raw_exchange(w, req, strlen(req), 5000);

		if (r->status != 404 && r->status != 400)
			fail_msg("GET %s: status %ld (%s), want 404 (or 400)", paths[i], r->status,
			    r->err);
		if (strstr(r->body, "TOPSECRET") != NULL || strstr(r->body, "root:") != NULL)
			fail_msg("GET %s leaked a file outside the web root", paths[i]);
		assert_problem(r, r->status, NULL);
		http_res_free(r);
		free(req);
	}
	srv_assert_healthy(w);
}

/* ---- writes that work (the control for "nothing written") ---------------- */

static void
test_settings_roundtrip(void **state)
{
	struct http_res *r;

	(void)state;
	r = http_json(g, "PUT", SETTINGS, "{\"key\":\"rt\",\"value\":\"Hồ sơ một cửa\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(json_string_value(json_object_get(r->json, "value")), "Hồ sơ một cửa");
	http_res_free(r);
	assert_setting_is(g, "rt", "Hồ sơ một cửa");

	r = http_req(g, "PUT", SETTINGS,
	    (const char *const[]){ "Content-Type: application/json; charset=utf-8", NULL },
	    "{\"key\":\"rt\",\"value\":\"v2\"}");
	assert_int_equal(r->status, 200);
	http_res_free(r);
	assert_setting_is(g, "rt", "v2");

	r = http_req(g, "PUT", SETTINGS, (const char *const[]){ "Content-Type: Application/JSON", NULL },
	    "{\"key\":\"rt_case\",\"value\":\"\"}");
	assert_int_equal(r->status, 200);
	http_res_free(r);
	assert_setting_is(g, "rt_case", "");
	assert_setting_absent(g, "never_written");
}

/* ---- bad input: sizes ---------------------------------------------------- */

static void
test_body_limit_content_length(void **state)
{
	char *val = harness_repeat('x', 3000);
	char *body = harness_strdupf("{\"key\":\"big_cl\",\"value\":\"%s\"}", val);
	char *pad, *exact;
	struct http_res *r;
	int fd;

	(void)state;
	r = http_json(g, "PUT", SETTINGS, body);
	assert_problem(r, 413, "payload-too-large");
	http_res_free(r);
	assert_setting_absent(g, "big_cl");

	/* Refused on the declared length, before the body is sent. */
	fd = raw_connect(g);
	raw_sends(fd, "PUT " SETTINGS " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
	    "Content-Length: 1000000000000\r\n\r\n");
	r = raw_read(fd, 5000, 0);
	if (!(r->status == 0 && r->closed))
		assert_problem(r, 413, "payload-too-large");
	http_res_free(r);
	close(fd);

	/* The limit is exact: 2048 bytes pass, 2049 do not. */
	pad = harness_repeat(' ', 2048 - strlen("{\"key\":\"exact\",\"value\":\"v\"}"));
	exact = harness_strdupf("{\"key\":\"exact\",\"value\":\"v\"}%s", pad);
	assert_int_equal(strlen(exact), 2048);
	r = http_json(g, "PUT", SETTINGS, exact);
	assert_int_equal(r->status, 200);
	http_res_free(r);
	free(exact);
	exact = harness_strdupf("{\"key\":\"exact2\",\"value\":\"v\"}%s", pad);
	assert_int_equal(strlen(exact), 2049);
	r = http_json(g, "PUT", SETTINGS, exact);
	assert_problem(r, 413, "payload-too-large");
	http_res_free(r);
	assert_setting_absent(g, "exact2");
	srv_assert_healthy(g);
	free(exact);
	free(pad);
	free(val);
	free(body);
}

/* Send body in chunks of at most step bytes, chunked encoding. */
static char *
chunked_request(const char *body, size_t step)
{
	struct {
		char *p;
		size_t n;
	} o = { harness_strdupf("PUT " SETTINGS " HTTP/1.1\r\nHost: t\r\n"
	    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"), 0 };
	size_t len = strlen(body);

	for (size_t i = 0; i < len; i += step) {
		size_t n = len - i < step ? len - i : step;
		char *next = harness_strdupf("%s%zx\r\n%.*s\r\n", o.p, n, (int)n, body + i);

		free(o.p);
		o.p = next;
	}
	{
		char *next = harness_strdupf("%s0\r\n\r\n", o.p);

		free(o.p);
		o.p = next;
	}
	return o.p;
}

static void
test_body_limit_chunked(void **state)
{
	char *val = harness_repeat('y', 3000);
	char *body = harness_strdupf("{\"key\":\"big_ch\",\"value\":\"%s\"}", val);
	char *req = chunked_request(body, 500);
	char *okreq = chunked_request("{\"key\":\"small_ch\",\"value\":\"nhỏ\"}", 7);
	struct http_res *r;

	(void)state;
	r = raw_exchange(g, req, strlen(req), 5000);
	if (!(r->status == 0 && r->closed))
		assert_problem(r, 413, "payload-too-large");
	http_res_free(r);
	assert_setting_absent(g, "big_ch");

	/* Chunked within the limit works (the control). */
	r = raw_exchange(g, okreq, strlen(okreq), 5000);
	assert_int_equal(r->status, 200);
	http_res_free(r);
	assert_setting_is(g, "small_ch", "nhỏ");
	srv_assert_healthy(g);
	free(val);
	free(body);
	free(req);
	free(okreq);
}

static void
test_header_limit(void **state)
{
	char *big = harness_repeat('h', 5000);
	char *hdr = harness_strdupf("X-Big: %s", big);
	const char *many[200];
	char *manybuf[199];
	struct http_res *r;

	(void)state;
	r = http_req(g, "PUT", SETTINGS, (const char *const[]){ JSON_CT, hdr, NULL },
	    "{\"key\":\"big_hdr\",\"value\":\"v\"}");
	assert_problem(r, 431, "headers-too-large");
	http_res_free(r);
	assert_setting_absent(g, "big_hdr");

	/* Many small headers add up. */
	for (int i = 0; i < 199; i++) {
		manybuf[i] = harness_strdupf("X-Many-%03d: %s", i, "0123456789012345678901234");
		many[i] = manybuf[i];
	}
	many[199] = NULL;
	r = http_req(g, "GET", "/healthz", many, NULL);
	assert_problem(r, 431, "headers-too-large");
	http_res_free(r);
	for (int i = 0; i < 199; i++)
		free(manybuf[i]);

	/* Truly huge: the library answers 431 itself or drops the connection. */
	{
		char *huge = harness_repeat('H', 300000);
		char *req = harness_strdupf("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Huge: %s\r\n\r\n",
		    huge);

		r = raw_exchange(g, req, strlen(req), 5000);
		if (!(r->status == 0 && r->closed) && r->status != 431)
			fail_msg("300 KB header: status %ld (%s), want 431 or a closed connection",
			    r->status, r->err);
		http_res_free(r);
		free(huge);
		free(req);
	}
	srv_assert_healthy(g);
	free(big);
	free(hdr);
}

static void
test_uri_limit(void **state)
{
	char *seg = harness_repeat('u', 2000);
	char *path = harness_strdupf("/api/v1/%s", seg);
	char *qpath = harness_strdupf("/healthz?q=%s", seg);
	struct http_res *r;

	(void)state;
	r = http_get(g, path);
	assert_problem(r, 414, "uri-too-long");
	http_res_free(r);
	r = http_get(g, qpath);
	assert_problem(r, 414, "uri-too-long");
	http_res_free(r);
	{
		char *huge = harness_repeat('U', 200000);
		char *req = harness_strdupf("GET /%s HTTP/1.1\r\nHost: t\r\n\r\n", huge);

		r = raw_exchange(g, req, strlen(req), 5000);
		if (!(r->status == 0 && r->closed) && r->status != 414 && r->status != 431 &&
		    r->status != 400)
			fail_msg("200 KB URI: status %ld (%s), want 414 or a closed connection",
			    r->status, r->err);
		http_res_free(r);
		free(huge);
		free(req);
	}
	srv_assert_healthy(g);
	free(seg);
	free(path);
	free(qpath);
}

/* ---- bad input: JSON ----------------------------------------------------- */

static void
test_malformed_json(void **state)
{
	static const struct {
		const char *key, *body;
	} cases[] = {
		{ "mj1", "{\"key\":\"mj1\",\"value\":\"v\"" },
		{ "mj2", "{\"key\":\"mj2\",\"value\":\"v\",}" },
		{ "mj3", "{'key':'mj3','value':'v'}" },
		{ "mj4", "{\"key\":\"mj4\",\"value\":\"v\"} trailing" },
		{ "mj5", "{\"key\":\"mj5\",\"key\":\"mj5\",\"value\":\"v\"}" },
		{ "mj6", "[\"mj6\"]" },
		{ "mj7", "{\"key\":\"mj7\",\"value\":\"a\\u0000b\"}" },
		{ "mj8", "{\"key\":\"mj8\",\"value\":\"\\ud800\"}" },
		{ "mj9", "{\"key\":\"mj9\",\"value\":\"\\x41\"}" },
		{ "mj10", "{\"key\":\"mj10\",\"value\":\"v\"}{\"key\":\"mj10\",\"value\":\"w\"}" },
		{ "mj11", "{\"key\":\"mj11\",\"value\":NaN}" },
		{ "-", "" },
		{ "-", "null" },
		{ "-", "123" },
		{ "-", "\"mj\"" },
		{ "-", "   " },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_res *r = put_raw(g, cases[i].body, strlen(cases[i].body));

		if (r->status != 400)
			fail_msg("body <%s>: status %ld, want 400", cases[i].body, r->status);
		assert_problem(r, 400, "invalid-json");
		http_res_free(r);
		if (cases[i].key[0] != '-')
			assert_setting_absent(g, cases[i].key);
	}
	/* Even the message is in the client's language. */
	{
		struct http_res *r = http_req(g, "PUT", SETTINGS,
		    (const char *const[]){ JSON_CT, "Accept-Language: en", NULL }, "{");

		assert_problem(r, 400, "invalid-json");
		assert_true(is_ascii(json_string_value(json_object_get(r->json, "detail"))));
		http_res_free(r);
	}
	srv_assert_healthy(g);
}

static char *
nested(const char *key, int depth)
{
	/* depth counts the outer object: {"key":..,"value":"v","n":[[..]]} */
	char *open = harness_repeat('[', (size_t)depth - 1);
	char *close = harness_repeat(']', (size_t)depth - 1);
	char *s = harness_strdupf("{\"key\":\"%s\",\"value\":\"v\",\"n\":%s%s}", key, open, close);

	free(open);
	free(close);
	return s;
}

static void
test_json_depth(void **state)
{
	char *ok = nested("d32", 32), *bad = nested("d33", 33), *deep = nested("d900", 900);
	char *brackets = harness_repeat('[', 900);
	char *instr = harness_strdupf("{\"key\":\"dstr\",\"value\":\"%s\"}", brackets);
	struct http_res *r;

	(void)state;
	r = put_raw(g, ok, strlen(ok));
	assert_int_equal(r->status, 200);
	http_res_free(r);
	assert_setting_is(g, "d32", "v");

	r = put_raw(g, bad, strlen(bad));
	assert_problem(r, 400, "invalid-json");
	http_res_free(r);
	assert_setting_absent(g, "d33");

	assert_true(strlen(deep) < 2048); /* under the body limit */
	r = put_raw(g, deep, strlen(deep));
	assert_problem(r, 400, "invalid-json");
	http_res_free(r);
	assert_setting_absent(g, "d900");

	/* Only structure counts, not brackets inside strings. */
	r = put_raw(g, instr, strlen(instr));
	assert_int_equal(r->status, 200);
	http_res_free(r);
	assert_setting_is(g, "dstr", brackets);

	/* Unbalanced deep nesting is no better. */
	{
		char *opens = harness_repeat('{', 2000);

		r = put_raw(g, opens, strlen(opens));
		assert_problem(r, 400, "invalid-json");
		http_res_free(r);
		free(opens);
	}
	srv_assert_healthy(g);
	free(ok);
	free(bad);
	free(deep);
	free(brackets);
	free(instr);
}

static void
test_json_invalid_utf8(void **state)
{
	static const struct {
		const char *key, *bytes;
	} cases[] = {
		{ "u1", "\xff" },
		{ "u2", "\xc0\xaf" }, /* overlong "/" */
		{ "u3", "\xed\xa0\x80" }, /* UTF-16 surrogate */
		{ "u4", "\xf4\x90\x80\x80" }, /* above U+10FFFF */
		{ "u5", "H\xe1\xbb" }, /* truncated sequence */
		{ "u6", "\x80" }, /* lone continuation byte */
		{ "u7", "\xe0\x80\x80" }, /* overlong 3-byte */
		{ "u8", "\xfe\xfe" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *body = harness_strdupf("{\"key\":\"%s\",\"value\":\"a%sb\"}", cases[i].key,
		    cases[i].bytes);
		struct http_res *r = put_raw(g, body, strlen(body));

		assert_problem(r, 400, "invalid-json");
		http_res_free(r);
		assert_setting_absent(g, cases[i].key);
		free(body);
	}
	/* Invalid UTF-8 in a key (object member name) too. */
	{
		const char *body = "{\"key\":\"u9\",\"value\":\"v\",\"\xff\":1}";
		struct http_res *r = put_raw(g, body, strlen(body));

		assert_problem(r, 400, "invalid-json");
		http_res_free(r);
		assert_setting_absent(g, "u9");
	}
	/* Valid multi-byte text is fine: the control. */
	{
		const char *body = "{\"key\":\"u_ok\",\"value\":\"Đăng ký 😀 𝔸\"}";
		struct http_res *r = put_raw(g, body, strlen(body));

		assert_int_equal(r->status, 200);
		http_res_free(r);
		assert_setting_is(g, "u_ok", "Đăng ký 😀 𝔸");
	}
	srv_assert_healthy(g);
}

static void
test_wrong_content_type(void **state)
{
	static const char *const types[] = {
		"Content-Type: text/plain",
		"Content-Type: application/x-www-form-urlencoded",
		"Content-Type: application/jsonx",
		"Content-Type: application/json-patch+json",
		"Content-Type: multipart/form-data; boundary=x",
		"Content-Type:", /* none at all */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct http_res *r = http_req(g, "PUT", SETTINGS,
		    (const char *const[]){ types[i], NULL }, "{\"key\":\"ct\",\"value\":\"v\"}");

		if (r->status != 415)
			fail_msg("%s: status %ld, want 415", types[i], r->status);
		assert_problem(r, 415, "unsupported-media-type");
		http_res_free(r);
	}
	assert_setting_absent(g, "ct");
	srv_assert_healthy(g);
}

static int
names_param(const struct http_res *r, const char *name)
{
	json_t *a = json_object_get(r->json, "invalid_params"), *p;
	size_t i;

	json_array_foreach(a, i, p)
		if (strcmp(json_string_value(json_object_get(p, "name")), name) == 0)
			return 1;
	return 0;
}

static void
test_validation(void **state)
{
	char *k65 = harness_repeat('k', 65), *v1001 = harness_repeat('v', 1001);
	char *body;
	struct http_res *r;

	(void)state;
	r = http_json(g, "PUT", SETTINGS, "{}");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "key");
	assert_invalid_param(r, "value");
	http_res_free(r);

	r = http_json(g, "PUT", SETTINGS, "{\"key\":\"\",\"value\":5}");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "key");
	assert_invalid_param(r, "value");
	http_res_free(r);
	assert_setting_absent(g, "5");

	r = http_json(g, "PUT", SETTINGS, "{\"key\":\"val_null\",\"value\":null}");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "value");
	assert_false(names_param(r, "key"));
	http_res_free(r);
	assert_setting_absent(g, "val_null");

	body = harness_strdupf("{\"key\":\"val_long\",\"value\":\"%s\"}", v1001);
	r = http_json(g, "PUT", SETTINGS, body);
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "value");
	assert_false(names_param(r, "key"));
	http_res_free(r);
	assert_setting_absent(g, "val_long");
	free(body);

	body = harness_strdupf("{\"key\":\"%s\",\"value\":\"v\"}", k65);
	r = http_json(g, "PUT", SETTINGS, body);
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "key");
	assert_false(names_param(r, "value"));
	http_res_free(r);
	free(body);

	r = http_json(g, "PUT", SETTINGS, "{\"key\":[\"arr\"],\"value\":{\"o\":1}}");
	assert_problem(r, 400, "validation");
	assert_invalid_param(r, "key");
	assert_invalid_param(r, "value");
	http_res_free(r);
	assert_setting_absent(g, "arr");
	srv_assert_healthy(g);
	free(k65);
	free(v1001);
}

/* ---- bad input: the request line ----------------------------------------- */

static void
test_bad_path_encoding(void **state)
{
	static const char *const targets[] = {
		"/api/v1/_test/settings/\xff",
		"/api/v1/_test/settings/a\xc0\xaf",
		"/api/v1/_test/settings/%ff",
		"/api/v1/_test/settings/%c0%af",
		"/api/v1/_test/settings/%ed%a0%80",
		"/api/v1/_test/settings/a%00b",
		"/api/v1/_test/settings/%zz",
		"/api/v1/_test/settings/%4",
		"/api/v1/_test/settings/%",
		"/healthz?a=%ff",
		"/healthz?a=%00",
		"/healthz?a=%zz",
		"/healthz?a=%e",
		"/healthz?%ff=1",
		"/healthz?a=\xff",
		"/healthz?a=%c3",
	};
	char *many = harness_strdupf("/healthz?%s", "a=1");

	(void)state;
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		char *req = harness_strdupf("GET %s HTTP/1.1\r\nHost: t\r\n\r\n", targets[i]);
		struct http_res *r = raw_exchange(g, req, strlen(req), 5000);

		if (r->status != 400)
			fail_msg("GET %s: status %ld (%s), want 400", targets[i], r->status, r->err);
		assert_problem(r, 400, "bad-request");
		http_res_free(r);
		free(req);
	}

	/* Too many query parameters. */
	for (int i = 0; i < 40; i++) {
		char *next = harness_strdupf("%s&p%d=%d", many, i, i);

		free(many);
		many = next;
	}
	{
		struct http_res *r = http_get(g, many);

		assert_problem(r, 400, "bad-request");
		http_res_free(r);
	}

	/* A write with a bad query is refused before the handler runs. */
	{
		struct http_res *r = http_json(g, "PUT", SETTINGS "?x=%ff",
		    "{\"key\":\"badq\",\"value\":\"v\"}");

		assert_problem(r, 400, "bad-request");
		http_res_free(r);
		assert_setting_absent(g, "badq");
	}

	/* Valid percent-encoded UTF-8 works (the control): "hồ sơ". */
	{
		struct http_res *r = http_json(g, "PUT", SETTINGS,
		    "{\"key\":\"hồ sơ\",\"value\":\"enc\"}");

		assert_int_equal(r->status, 200);
		http_res_free(r);
		r = http_get(g, SETTINGS "/h%E1%BB%93%20s%C6%A1?x=h%E1%BB%93+s%C6%A1");
		assert_int_equal(r->status, 200);
		assert_string_equal(json_string_value(json_object_get(r->json, "value")), "enc");
		http_res_free(r);
	}
	free(many);
	srv_assert_healthy(g);
}

static void
test_malformed_request_line(void **state)
{
	/* ok405: the library passes the odd method on and the application
	 * answers 405 problem+json, which is as good as a 400. */
	static const struct {
		const char *req;
		int ok405;
	} cases[] = {
		{ "GARBAGE\r\n\r\n", 0 },
		{ "GET  HTTP/1.1\r\nHost: t\r\n\r\n", 0 },
		{ "\x01\x02\x03 / HTTP/1.1\r\nHost: t\r\n\r\n", 1 },
		{ "GET /healthz HTTP/1.1\r\nHost t\r\n\r\n", 0 },
		{ "GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n", 0 },
		{ "PUT /api/v1/_test/settings HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
		  "Content-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 0 },
		{ "GET /healthz HTTP/1.1\r\n\r\n", 0 }, /* HTTP/1.1 without Host */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_res *r = raw_exchange(g, cases[i].req, strlen(cases[i].req), 5000);

		if (r->status == 405 && cases[i].ok405)
			assert_problem(r, 405, "method-not-allowed");
		else if (!(r->status == 0 && r->closed) && r->status != 400)
			fail_msg("request %zu <%.40s>: status %ld (%s), want 400 or closed", i,
			    cases[i].req, r->status, r->err);
		http_res_free(r);
	}
	srv_assert_healthy(g);
}

/* Ambiguous message framing is how requests are smuggled past a proxy
 * (RFC 9112 §6.3): two Content-Length values must be rejected; with both
 * Transfer-Encoding and Content-Length the server may reject or use the
 * chunked framing, but must close the connection after answering. */
static void
test_ambiguous_framing(void **state)
{
	const char *dup = "PUT " SETTINGS " HTTP/1.1\r\nHost: t\r\n"
	    "Content-Type: application/json\r\nContent-Length: 26\r\nContent-Length: 2\r\n\r\n"
	    "{\"key\":\"dupcl\",\"value\":\"v\"}";
	const char *tecl = "PUT " SETTINGS " HTTP/1.1\r\nHost: t\r\n"
	    "Content-Type: application/json\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n1a\r\n{\"key\":\"tecl\",\"value\":\"v\"}\r\n0\r\n\r\n";
	struct http_res *r;
	int fd;

	(void)state;
	r = raw_exchange(g, dup, strlen(dup), 5000);
	if (!(r->status == 0 && r->closed) && r->status != 400)
		fail_msg("two Content-Length values: status %ld, want 400 or closed", r->status);
	http_res_free(r);
	assert_setting_absent(g, "dupcl");

	fd = raw_connect(g);
	raw_sends(fd, tecl);
	r = raw_read(fd, 5000, 0);
	if (r->status == 200) {
		if (raw_wait_closed(fd, 3000) != 1)
			fail_msg("Transfer-Encoding with Content-Length was answered and the "
			    "connection kept open (RFC 9112 §6.3 says close it)");
	} else if (!(r->status == 0 && r->closed) && r->status != 400)
		fail_msg("Transfer-Encoding with Content-Length: status %ld", r->status);
	else
		assert_setting_absent(g, "tecl");
	http_res_free(r);
	close(fd);
	srv_assert_healthy(g);
}

/* ---- slow clients and connection limits ---------------------------------- */

static void
test_slowloris(void **state)
{
	struct srv *s = srv_start((const char *const[]){ "--idle_timeout", "5", NULL });
	int fd = raw_connect(s), fd2 = raw_connect(s);
	int64_t t0;
	struct http_res *r;

	(void)state;
	/* Half a request line, then silence. */
	raw_sends(fd, "GET /heal");
	/* Headers of a write whose body never comes. */
	raw_sends(fd2, "PUT " SETTINGS " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
	    "Content-Length: 100\r\n\r\n{\"key\":\"slow\",");
	t0 = harness_now_ms();
	/* Meanwhile a normal client is served while both slow ones are still
	 * connected: the server did not wait for them to time out.  (Not a
	 * stopwatch: a loaded machine may take seconds to answer, but a server
	 * that waited for the slow clients could only answer after closing
	 * them.) */
	r = http_get(s, "/healthz");
	assert_int_equal(r->status, 200);
	http_res_free(r);
	if (raw_wait_closed(fd, 0) || raw_wait_closed(fd2, 0))
		fail_msg("the normal client was served only after the slow ones were dropped");

	assert_int_equal(raw_wait_closed(fd, 20000), 1);
	assert_int_equal(raw_wait_closed(fd2, 20000), 1);
	{
		int64_t took = harness_now_ms() - t0;

		if (took < 3000 || took > 20000)
			fail_msg("slow clients dropped after %lld ms, want about 5 s",
			    (long long)took);
	}
	close(fd);
	close(fd2);
	assert_setting_absent(s, "slow");
	srv_assert_healthy(s);
	srv_stop(s);
}

/* Open a connection and complete one keep-alive request on it, so the
 * server has certainly accepted and counted it. */
static int
open_counted(const struct srv *s)
{
	int fd = raw_connect(s);
	struct http_res *r;

	raw_sends(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
	r = raw_read(fd, 5000, 0);
	if (r->status != 200)
		fail_msg("a connection within the limit was not served: %ld (%s)", r->status,
		    r->err);
	http_res_free(r);
	return fd;
}

/* The next connection is refused: closed without an answer. */
static void
assert_conn_refused(const struct srv *s)
{
	int fd = raw_try_connect(s);
	struct http_res *r;

	if (fd == -1)
		return; /* refused at connect: fine */
	raw_sends(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
	r = raw_read(fd, 5000, 0);
	if (r->status != 0 || !r->closed)
		fail_msg("a connection over the limit got status %ld (%s), want it closed",
		    r->status, r->err);
	http_res_free(r);
	close(fd);
}

/* After a slot frees, a new connection is served (retry briefly: the
 * server notices the close asynchronously). */
static void
assert_conn_accepted_soon(const struct srv *s)
{
	int64_t deadline = harness_now_ms() + 5000;

	for (;;) {
		int fd = raw_connect(s);
		struct http_res *r;

		raw_sends(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
		r = raw_read(fd, 3000, 0);
		close(fd);
		if (r->status == 200) {
			http_res_free(r);
			return;
		}
		http_res_free(r);
		if (harness_now_ms() > deadline)
			fail_msg("no connection accepted after one closed");
		harness_sleep_ms(100);
	}
}

static void
test_per_ip_limit(void **state)
{
	struct srv *s = srv_start((const char *const[]){ "--per_ip_limit", "4", NULL });
	int fds[4];
	struct http_res *r;

	(void)state;
	for (int i = 0; i < 4; i++)
		fds[i] = open_counted(s);
	/* The gauge sees the four. */
	raw_sends(fds[0], "GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
	r = raw_read(fds[0], 5000, 0);
	assert_int_equal(r->status, 200);
	if (metric_value(r->body, "motcua_http_open_connections") != 4)
		fail_msg("open connections gauge %g, want 4",
		    metric_value(r->body, "motcua_http_open_connections"));
	http_res_free(r);

	assert_conn_refused(s);
	assert_conn_refused(s);
	/* The four still work. */
	for (int i = 0; i < 4; i++) {
		raw_sends(fds[i], "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
		r = raw_read(fds[i], 5000, 0);
		assert_int_equal(r->status, 200);
		http_res_free(r);
	}
	close(fds[3]);
	assert_conn_accepted_soon(s);
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	srv_stop(s);
}

static void
test_conn_limit(void **state)
{
	/* One worker thread: with a pool, libmicrohttpd splits the limit
	 * between the threads, which makes the exact count unobservable.  At
	 * the limit the library stops accepting: a new client waits in the
	 * kernel's queue (or is closed) and is served once a slot frees. */
	struct srv *s = srv_start((const char *const[]){ "--conn_limit", "6",
	    "--per_ip_limit", "100", "--threads", "1", NULL });
	int fds[6], extra;
	struct http_res *r;

	(void)state;
	for (int i = 0; i < 6; i++)
		fds[i] = open_counted(s);
	extra = raw_try_connect(s);
	if (extra != -1) {
		raw_sends(extra, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
		r = raw_read(extra, 1500, 0);
		if (r->status != 0)
			fail_msg("a 7th connection was served (%ld) with conn_limit 6", r->status);
		if (r->closed) {
			close(extra);
			extra = -1;
		}
		http_res_free(r);
	}
	close(fds[0]);
	if (extra != -1) {
		/* It was queued: now it is served. */
		r = raw_read(extra, 5000, 0);
		assert_int_equal(r->status, 200);
		http_res_free(r);
		close(extra);
	} else
		assert_conn_accepted_soon(s);
	for (int i = 1; i < 6; i++)
		close(fds[i]);
	srv_stop(s);
}

/* ---- graceful stop ------------------------------------------------------- */

static void
test_graceful_stop(void **state)
{
	struct srv *s = srv_start(NULL);
	const char *body = "{\"key\":\"graceful\",\"value\":\"đã xong\"}";
	size_t half = strlen(body) / 2;
	char *head = harness_strdupf("PUT " SETTINGS " HTTP/1.1\r\nHost: t\r\n"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n", strlen(body));
	int fd = raw_connect(s), idle = raw_connect(s), late;
	struct http_res *r;
	int64_t t0;

	(void)state;
	/* An idle keep-alive connection must not hold the stop up. */
	raw_sends(idle, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
	r = raw_read(idle, 5000, 0);
	assert_int_equal(r->status, 200);
	http_res_free(r);

	raw_sends(fd, head);
	raw_send(fd, body, half);
	harness_sleep_ms(300);
	assert_int_equal(kill(s->pid, SIGTERM), 0);
	harness_sleep_ms(300);

	/* No new connections after SIGTERM, while the request is still in
	 * flight (its body is incomplete, so the process cannot be gone).  Poll:
	 * a loaded machine may take a moment to act on the signal. */
	for (int64_t deadline = harness_now_ms() + 5000;; harness_sleep_ms(100)) {
		late = raw_try_connect(s);
		if (late == -1) {
			assert_int_equal(errno, ECONNREFUSED);
			break;
		}
		raw_sends(late, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
		r = raw_read(late, 1000, 0);
		close(late);
		if (r->status == 0) { /* accepted by the kernel, never served */
			http_res_free(r);
			break;
		}
		http_res_free(r);
		if (harness_now_ms() > deadline)
			fail_msg("connections are still served 5 s after SIGTERM");
	}

	/* The request in flight completes. */
	raw_send(fd, body + half, strlen(body) - half);
	r = raw_read(fd, 5000, 0);
	assert_int_equal(r->status, 200);
	assert_string_equal(json_string_value(json_object_get(r->json, "value")), "đã xong");
	http_res_free(r);
	close(fd);

	t0 = harness_now_ms();
	assert_int_equal(srv_terminate(s, 0, 10000), 0);
	assert_true(harness_now_ms() - t0 < 5000);
	close(idle);

	/* It was committed: a new server on the same database sees it. */
	srv_launch(s, NULL);
	assert_setting_is(s, "graceful", "đã xong");
	srv_stop(s);
	free(head);
}

static void
test_sigint_stops(void **state)
{
	struct srv *s = srv_start(NULL);

	(void)state;
	srv_assert_healthy(s);
	assert_int_equal(srv_terminate(s, SIGINT, 10000), 0);
	srv_free(s);
}

/* ---- the command line ---------------------------------------------------- */

static void
test_migrate_twice(void **state)
{
	struct srv *s = srv_create(1);
	struct cli_res a, b, c;

	(void)state;
	assert_int_equal(motcua_run((const char *const[]){ "db", "--db", srv_db_url(s), "schema",
	    NULL }, &a, 30000), 0);
	assert_non_null(strstr(a.out, "settings."));
	/* Second run: nothing to apply, exit 0. */
	if (motcua_run((const char *const[]){ "migrate", "--db", srv_db_url(s), NULL }, &b,
	    30000) != 0)
		fail_msg("second migrate exited %d: %s", b.status, b.err);
	assert_null(strstr(b.err, "applied="));
	assert_int_equal(motcua_run((const char *const[]){ "db", "--db", srv_db_url(s), "schema",
	    NULL }, &c, 30000), 0);
	assert_string_equal(a.out, c.out);
	cli_res_free(&a);
	cli_res_free(&b);
	cli_res_free(&c);
	/* And the server runs on it. */
	srv_launch(s, NULL);
	srv_assert_healthy(s);
	srv_stop(s);
}

static void
test_serve_unmigrated(void **state)
{
	struct srv *s = srv_create(0);
	struct cli_res r;

	(void)state;
	motcua_run((const char *const[]){ "serve", "--db", srv_db_url(s), "--listen",
	    "127.0.0.1:0", "--web", getenv("MOTCUA_WEB"), NULL }, &r, 20000);
	if (r.status == 0 || r.status == -1)
		fail_msg("serve on an unmigrated database: status %d, want a non-zero exit",
		    r.status);
	assert_null(strstr(r.out, "listening on"));
	if (strstr(r.err, "migrate") == NULL)
		fail_msg("no hint to run migrate in: %s", r.err);
	cli_res_free(&r);
	srv_free(s);
}

static void
test_listen(void **state)
{
	static const char *const bad[] = {
		"nonsense", "127.0.0.1", "127.0.0.1:", "127.0.0.1:abc", "127.0.0.1:70000",
		":8080", "127.0.0.1:-1", "999.1.1.1:0",
	};
	struct srv *s = srv_start(NULL);
	struct cli_res r;

	(void)state;
	/* srv_start read "listening on http://127.0.0.1:PORT" with a real port. */
	assert_in_range(s->port, 1, 65535);
	assert_string_equal(s->host, "127.0.0.1");
	srv_assert_healthy(s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		motcua_run((const char *const[]){ "serve", "--db", srv_db_url(s), "--listen", bad[i],
		    "--web", getenv("MOTCUA_WEB"), NULL }, &r, 10000);
		if (r.status != 2)
			fail_msg("--listen %s: exit %d, want 2 (stderr: %s)", bad[i], r.status, r.err);
		cli_res_free(&r);
	}
	srv_stop(s);
}

/* A second server on a port in use must fail, not share the port. */
static void
test_listen_port_in_use(void **state)
{
	struct srv *s = srv_start(NULL);
	char *listen = harness_strdupf("127.0.0.1:%u", s->port);
	struct cli_res r;

	(void)state;
	motcua_run((const char *const[]){ "serve", "--db", srv_db_url(s), "--listen", listen,
	    "--web", getenv("MOTCUA_WEB"), NULL }, &r, 5000);
	if (r.status == 0 || r.status == -1)
		fail_msg("a second serve on %s: status %d (-1: it kept running), want a "
		    "non-zero exit; stdout: %s", listen, r.status, r.out);
	cli_res_free(&r);
	srv_assert_healthy(s);
	srv_stop(s);
	free(listen);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthz),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_meta),
		cmocka_unit_test(test_security_headers_everywhere),
		cmocka_unit_test(test_security_headers_on_refusals),
		cmocka_unit_test(test_not_found_languages),
		cmocka_unit_test(test_method_not_allowed),
		cmocka_unit_test(test_head),
		cmocka_unit_test(test_keep_alive),
		cmocka_unit_test(test_static_types_and_caching),
		cmocka_unit_test(test_static_includes),
		cmocka_unit_test(test_static_real_web),
		cmocka_unit_test(test_static_no_escape),
		cmocka_unit_test(test_settings_roundtrip),
		cmocka_unit_test(test_body_limit_content_length),
		cmocka_unit_test(test_body_limit_chunked),
		cmocka_unit_test(test_header_limit),
		cmocka_unit_test(test_uri_limit),
		cmocka_unit_test(test_malformed_json),
		cmocka_unit_test(test_json_depth),
		cmocka_unit_test(test_json_invalid_utf8),
		cmocka_unit_test(test_wrong_content_type),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_bad_path_encoding),
		cmocka_unit_test(test_malformed_request_line),
		cmocka_unit_test(test_ambiguous_framing),
		cmocka_unit_test(test_slowloris),
		cmocka_unit_test(test_per_ip_limit),
		cmocka_unit_test(test_conn_limit),
		cmocka_unit_test(test_graceful_stop),
		cmocka_unit_test(test_sigint_stops),
		cmocka_unit_test(test_migrate_twice),
		cmocka_unit_test(test_serve_unmigrated),
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_listen_port_in_use),
	};

	return HARNESS_RUN(tests, group_setup, group_teardown);
}
