/* Unit tests: router, decoding, problem+json, and dispatch in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "http/http.h"

static void h_list(struct req *r, struct resp *w) { (void)r; resp_text(w, 200, "text/plain", "list", 4); }
static void h_one(struct req *r, struct resp *w) { (void)r; resp_text(w, 200, "text/plain", "one", 3); }
static void h_export(struct req *r, struct resp *w) { (void)r; resp_text(w, 200, "text/plain", "export", 6); }
static void h_post(struct req *r, struct resp *w) { (void)r; resp_text(w, 201, "text/plain", "post", 4); }
static void h_action(struct req *r, struct resp *w) { (void)r; resp_text(w, 200, "text/plain", "action", 6); }
static void h_root(struct req *r, struct resp *w) { (void)r; resp_text(w, 200, "text/plain", "root", 4); }

static const struct route routes[] = {
	{ HTTP_GET, "/api/v1/dossiers", h_list, 0 },
	{ HTTP_POST, "/api/v1/dossiers", h_post, 0 },
	{ HTTP_GET, "/api/v1/dossiers/{code}", h_one, 0 },
	{ HTTP_GET, "/api/v1/dossiers/export", h_export, 0 },
	{ HTTP_POST, "/api/v1/dossiers/{code}/actions", h_action, 0 },
	{ HTTP_DELETE, "/api/v1/dossiers/{code}", h_one, 0 },
	{ HTTP_GET, "/api/v1/x/{a}/y/{b}", h_one, 0 },
	{ HTTP_GET, "/", h_root, 0 },
};

struct mreq {
	struct req r;
	struct resp w;
	const char *hdr_name, *hdr_val;
};

static const char *
mreq_header(void *ctx, const char *name)
{
	struct mreq *m = ctx;

	return m->hdr_name && strcasecmp(m->hdr_name, name) == 0 ? m->hdr_val : NULL;
}

static void
mreq_init(struct mreq *m, enum http_method meth, const char *path)
{
	assert_int_equal(req_init(&m->r, &m->w, 1 << 20), 0);
	m->r.method = meth;
	m->r.path = path;
	m->r.header_fn = mreq_header;
	m->r.header_ctx = m;
	m->hdr_name = m->hdr_val = NULL;
	str_lcpy(m->r.request_id, "00112233aabbccdd", sizeof(m->r.request_id));
}

static void
test_router_match(void **state)
{
	static const struct {
		enum http_method m;
		const char *path;
		enum router_result rr;
		const char *body;
		const char *allow;
	} cases[] = {
		{ HTTP_GET, "/api/v1/dossiers", ROUTER_FOUND, "list", NULL },
		{ HTTP_HEAD, "/api/v1/dossiers", ROUTER_FOUND, "list", NULL },
		{ HTTP_POST, "/api/v1/dossiers", ROUTER_FOUND, "post", NULL },
		{ HTTP_GET, "/api/v1/dossiers/export", ROUTER_FOUND, "export", NULL },
		{ HTTP_GET, "/api/v1/dossiers/ABC", ROUTER_FOUND, "one", NULL },
		{ HTTP_POST, "/api/v1/dossiers/ABC/actions", ROUTER_FOUND, "action", NULL },
		{ HTTP_PUT, "/api/v1/dossiers", ROUTER_BAD_METHOD, NULL, "GET, HEAD, POST" },
		{ HTTP_PATCH, "/api/v1/dossiers/ABC", ROUTER_BAD_METHOD, NULL, "GET, HEAD, DELETE" },
		{ HTTP_GET, "/api/v1/dossiers/", ROUTER_NOT_FOUND, NULL, NULL },
		{ HTTP_GET, "/api/v1/dossiers//actions", ROUTER_NOT_FOUND, NULL, NULL },
		{ HTTP_GET, "/api/v1/dossier", ROUTER_NOT_FOUND, NULL, NULL },
		{ HTTP_GET, "/api/v1/dossiers/a/b/c", ROUTER_NOT_FOUND, NULL, NULL },
		{ HTTP_GET, "", ROUTER_NOT_FOUND, NULL, NULL },
		{ HTTP_GET, "/", ROUTER_FOUND, "root", NULL },
		{ HTTP_GET, "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s", ROUTER_NOT_FOUND, NULL, NULL },
	};
	struct router *rt = router_new();

	(void)state;
	assert_int_equal(router_add(rt, routes, CORE_NELEM(routes)), 0);
	assert_int_equal(router_count(rt), CORE_NELEM(routes));
	for (size_t i = 0; i < CORE_NELEM(cases); i++) {
		const struct route *found = NULL;
		struct mreq m;
		char allow[64] = "";
		enum router_result rr;

		mreq_init(&m, cases[i].m, cases[i].path);
		rr = router_match(rt, &m.r, &found, allow, sizeof(allow));
		assert_int_equal(rr, cases[i].rr);
		if (rr == ROUTER_FOUND) {
			found->handler(&m.r, &m.w);
			assert_string_equal(m.w.body.data, cases[i].body);
		}
		if (cases[i].allow != NULL)
			assert_string_equal(allow, cases[i].allow);
		req_free(&m.r, &m.w);
	}
	router_free(rt);
}

static void
test_router_params(void **state)
{
	struct router *rt = router_new();
	const struct route *found;
	struct mreq m;
	char allow[64];

	(void)state;
	assert_int_equal(router_add(rt, routes, CORE_NELEM(routes)), 0);
	mreq_init(&m, HTTP_GET, "/api/v1/x/first/y/second");
	assert_int_equal(router_match(rt, &m.r, &found, allow, sizeof(allow)), ROUTER_FOUND);
	assert_string_equal(req_param(&m.r, "a"), "first");
	assert_string_equal(req_param(&m.r, "b"), "second");
	assert_null(req_param(&m.r, "c"));
	assert_string_equal(m.r.route_name, "/api/v1/x/{a}/y/{b}");
	req_free(&m.r, &m.w);
	router_free(rt);
}

static void
test_router_rejects_bad_tables(void **state)
{
	static const struct route dup[] = {
		{ HTTP_GET, "/a", h_list, 0 }, { HTTP_GET, "/a", h_one, 0 },
	};
	static const struct route bad[] = {
		{ HTTP_GET, "nolead", h_list, 0 }, { HTTP_GET, "/a//b", h_list, 0 },
		{ HTTP_GET, "/a/{}", h_list, 0 }, { HTTP_GET, "/a", NULL, 0 },
	};
	struct router *rt;

	(void)state;
	rt = router_new();
	assert_int_equal(router_add(rt, dup, 2), -1);
	router_free(rt);
	for (size_t i = 0; i < CORE_NELEM(bad); i++) {
		rt = router_new();
		assert_int_equal(router_add(rt, &bad[i], 1), -1);
		router_free(rt);
	}
	router_free(NULL);
}

static void
test_url_decode(void **state)
{
	static const struct {
		const char *in;
		int plus;
		const char *out; /* NULL = rejected */
	} cases[] = {
		{ "abc", 0, "abc" },
		{ "a%20b", 0, "a b" },
		{ "a+b", 1, "a b" },
		{ "a+b", 0, "a+b" },
		{ "%C4%90%E1%BB%93ng", 0, "Đồng" },
		{ "%", 0, NULL },
		{ "%4", 0, NULL },
		{ "%zz", 0, NULL },
		{ "a%00b", 0, NULL },
		{ "%C3%28", 0, NULL },
		{ "%ff", 0, NULL },
	};
	struct arena *a = arena_new(1 << 16);

	(void)state;
	for (size_t i = 0; i < CORE_NELEM(cases); i++) {
		char *got = http_url_decode(a, cases[i].in, strlen(cases[i].in), cases[i].plus);

		if (cases[i].out == NULL)
			assert_null(got);
		else
			assert_string_equal(got, cases[i].out);
	}
	arena_free(a);
}

static void
test_query_parse(void **state)
{
	struct mreq m;
	char many[1024] = "";

	(void)state;
	mreq_init(&m, HTTP_GET, "/");
	assert_int_equal(req_parse_query(&m.r, "q=d%C3%A2n+s%E1%BB%B1&limit=10&flag&=x&&"), 0);
	assert_string_equal(req_query(&m.r, "q"), "dân sự");
	assert_string_equal(req_query(&m.r, "limit"), "10");
	assert_string_equal(req_query(&m.r, "flag"), "");
	assert_null(req_query(&m.r, "missing"));
	assert_int_equal(req_parse_query(&m.r, "q=%ZZ"), -1);
	for (int i = 0; i < HTTP_MAX_QUERY + 1; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "k%d=v&", i);
	assert_int_equal(req_parse_query(&m.r, many), -1);
	req_free(&m.r, &m.w);
}

static void
test_json_depth(void **state)
{
	char deep[200];

	(void)state;
	assert_int_equal(http_json_depth("{}", 2), 1);
	assert_int_equal(http_json_depth("{\"a\":[1,{\"b\":[]}]}", 17), 4);
	/* Brackets inside strings do not count. */
	assert_int_equal(http_json_depth("{\"a\":\"[[[[\\\"{{\"}", 16), 1);
	memset(deep, '[', 100);
	assert_int_equal(http_json_depth(deep, 100), 100);
}

static void
test_problem_render(void **state)
{
	struct problem_param p[] = { { "name", "Bắt buộc." }, { "x\"y", "a\nb" } };
	struct mreq m;
	json_t *j, *ip;

	(void)state;
	mreq_init(&m, HTTP_POST, "/");
	resp_problem_params(&m.w, &m.r, PROB_VALIDATION, "Dữ liệu sai.", "Bad data.", p, 2);
	assert_int_equal(m.w.status, 400);
	assert_string_equal(m.w.content_type, "application/problem+json");
	j = json_loads(m.w.body.data, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "type")), "/problems/validation");
	assert_string_equal(json_string_value(json_object_get(j, "title")), "Dữ liệu không hợp lệ");
	assert_string_equal(json_string_value(json_object_get(j, "detail")), "Dữ liệu sai.");
	assert_int_equal(json_integer_value(json_object_get(j, "status")), 400);
	assert_string_equal(json_string_value(json_object_get(j, "request_id")), "00112233aabbccdd");
	ip = json_object_get(j, "invalid_params");
	assert_int_equal(json_array_size(ip), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ip, 1), "name")), "x\"y");
	json_decref(j);

	m.r.lang = "en";
	resp_problem(&m.w, &m.r, PROB_NOT_FOUND, "Không thấy.", NULL);
	j = json_loads(m.w.body.data, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "title")), "Not found");
	/* No English detail given: the English title stands in. */
	assert_string_equal(json_string_value(json_object_get(j, "detail")), "Not found");
	json_decref(j);
	for (int k = 0; k < PROB__MAX; k++)
		assert_true(problem_status(k) >= 400 && problem_status(k) < 600);
	req_free(&m.r, &m.w);
}

static const char *
find_header(const struct resp *w, const char *name)
{
	for (size_t i = 0; i < w->nheaders; i++)
		if (strcasecmp(w->headers[i].key, name) == 0)
			return w->headers[i].val;
	return NULL;
}

static void
test_dispatch_static_and_headers(void **state)
{
	char root[] = "/tmp/motcua-web-XXXXXX", path[256];
	struct router *rt = router_new();
	struct http_app app = { 0 };
	struct mreq m;
	FILE *f;
	static const struct {
		enum http_method meth;
		const char *path;
		int status;
		const char *ctype;
	} cases[] = {
		{ HTTP_GET, "/", 200, "text/html; charset=utf-8" },
		{ HTTP_GET, "/index.html", 200, "text/html; charset=utf-8" },
		{ HTTP_GET, "/app.js", 200, "text/javascript; charset=utf-8" },
		{ HTTP_GET, "/sub", 200, "text/html; charset=utf-8" },
		{ HTTP_GET, "/sub/", 200, "text/html; charset=utf-8" },
		{ HTTP_GET, "/../etc/passwd", 404, NULL },
		{ HTTP_GET, "/.secret", 404, NULL },
		{ HTTP_GET, "/sub/../index.html", 404, NULL },
		{ HTTP_GET, "//etc/passwd", 404, NULL },
		{ HTTP_GET, "/missing.css", 404, NULL },
		{ HTTP_GET, "/api/v1/nothing", 404, NULL },
		{ HTTP_POST, "/index.html", 405, NULL },
		{ HTTP_DELETE, "/missing", 404, NULL },
	};

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/index.html", root);
	f = fopen(path, "w");
	fputs("<!doctype html><title>x</title>", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/app.js", root);
	f = fopen(path, "w");
	fputs("export {};", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/.secret", root);
	f = fopen(path, "w");
	fputs("no", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/sub", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sub/index.html", root);
	f = fopen(path, "w");
	fputs("<!doctype html>", f);
	fclose(f);

	app.router = rt;
	app.web_root = root;
	for (size_t i = 0; i < CORE_NELEM(cases); i++) {
		mreq_init(&m, cases[i].meth, cases[i].path);
		http_dispatch(&app, &m.r, &m.w);
		assert_int_equal(m.w.status, cases[i].status);
		if (cases[i].ctype != NULL) {
			assert_string_equal(m.w.content_type, cases[i].ctype);
			/* Pages are read whole (their includes expanded); other
			 * files of this size go by descriptor or from memory. */
			if (strncmp(cases[i].ctype, "text/html", 9) == 0)
				assert_int_not_equal(m.w.kind, RESP_BODY_FD);
			else
				assert_int_not_equal(m.w.kind, RESP_BODY_BUF);
			assert_non_null(find_header(&m.w, "ETag"));
			assert_non_null(find_header(&m.w, "Cache-Control"));
		} else
			assert_string_equal(m.w.content_type, "application/problem+json");
		if (cases[i].status == 405)
			assert_string_equal(find_header(&m.w, "Allow"), "GET, HEAD");
		assert_string_equal(find_header(&m.w, "X-Request-Id"), "00112233aabbccdd");
		/* Pages get the full CSP; everything else one that allows nothing. */
		if (cases[i].ctype != NULL && strncmp(cases[i].ctype, "text/html", 9) == 0)
			assert_non_null(strstr(find_header(&m.w, "Content-Security-Policy"),
			    "script-src 'self'"));
		else
			assert_string_equal(find_header(&m.w, "Content-Security-Policy"),
			    "default-src 'none'; frame-ancestors 'none'");
		assert_null(strstr(find_header(&m.w, "Content-Security-Policy"), "unsafe-inline"));
		assert_string_equal(find_header(&m.w, "X-Content-Type-Options"), "nosniff");
		assert_string_equal(find_header(&m.w, "X-Frame-Options"), "DENY");
		req_free(&m.r, &m.w);
	}

	/* A matching ETag answers 304 with no body. */
	mreq_init(&m, HTTP_GET, "/app.js");
	http_dispatch(&app, &m.r, &m.w);
	{
		char etag[64];

		str_lcpy(etag, find_header(&m.w, "ETag"), sizeof(etag));
		req_free(&m.r, &m.w);
		mreq_init(&m, HTTP_GET, "/app.js");
		m.hdr_name = "If-None-Match";
		m.hdr_val = etag;
		http_dispatch(&app, &m.r, &m.w);
		assert_int_equal(m.w.status, 304);
		assert_int_equal(m.w.body.len, 0);
		req_free(&m.r, &m.w);
	}
	router_free(rt);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	assert_int_equal(system(path), 0);
}

static void
test_mime(void **state)
{
	(void)state;
	assert_string_equal(http_mime_type("/a/b.CSS"), "text/css; charset=utf-8");
	assert_string_equal(http_mime_type("/a.svg"), "image/svg+xml");
	assert_string_equal(http_mime_type("/a.b/c"), "application/octet-stream");
	assert_string_equal(http_mime_type("/noext"), "application/octet-stream");
}

/* ---- page includes -------------------------------------------------------- */

static const char inc_nav[] = "<nav><a data-nav=\"a\">A</a><a data-nav=\"b\">B</a></nav>";

static int
inc_load(void *ctx, const char *name, const char **data, size_t *len)
{
	(void)ctx;
	if (strcmp(name, "nav") == 0) {
		*data = inc_nav;
		*len = sizeof(inc_nav) - 1;
		return 0;
	}
	if (strcmp(name, "nested") == 0) {
		*data = "x<!--#include partial=\"nav\" -->";
		*len = strlen(*data);
		return 0;
	}
	return -1;
}

/* The expansion of src, or NULL with *why set. */
static char *
inc_expand(const char *src, const char **why)
{
	struct buf b;
	char *out = NULL;

	buf_init(&b, 4096);
	if (http_include_expand(src, strlen(src), inc_load, NULL, &b, why) == 0)
		out = strdup(b.data != NULL ? b.data : "");
	buf_free(&b);
	return out;
}

static void
test_include_expand(void **state)
{
	static const char *const bad[] = {
		"<!--#include -->",
		"<!--#include partial=nav -->",
		"<!--#include partial=\"nav\"",
		"<!--#include partial=\"nav\" current=\"\" -->",
		"<!--#include partial=\"Nav\" -->",
		"<!--#include partial=\"../nav\" -->",
		"<!--#include partial=\"nav\" current=\"c\" -->", /* no such link */
		"<!--#include partial=\"nav\" current=\"a\" junk -->",
		"<!--#include partial=\"missing\" -->",
		"<!--#include partial=\"nested\" -->",
		"<!--#include partial=\"nav\" --><!--#include partial=\"nav\" -->"
		"<!--#include partial=\"nav\" --><!--#include partial=\"nav\" -->"
		"<!--#include partial=\"nav\" -->", /* more than HTTP_INCLUDE_MAX */
		"<!--#include partial=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" -->", /* 33 */
	};
	const char *why = NULL;
	char *out;

	(void)state;
	out = inc_expand("<p>no includes, <!-- a comment --></p>", &why);
	assert_string_equal(out, "<p>no includes, <!-- a comment --></p>");
	assert_null(why);
	free(out);

	out = inc_expand("<body>\n<!--#include partial=\"nav\" current=\"b\" -->\n</body>", &why);
	assert_string_equal(out, "<body>\n<nav><a data-nav=\"a\">A</a><a data-nav=\"b\" "
	    "aria-current=\"page\">B</a></nav>\n</body>");
	free(out);

	out = inc_expand("<!--#include partial=\"nav\"-->|<!--#include  partial=\"nav\"   -->", &why);
	assert_non_null(out);
	assert_null(strstr(out, "aria-current"));
	assert_non_null(strstr(out, "</nav>|<nav>"));
	free(out);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		out = inc_expand(bad[i], &why);
		if (out != NULL)
			fail_msg("expanded: %s", bad[i]);
		assert_non_null(why);
	}

	/* The output cap holds. */
	{
		struct buf b;

		buf_init(&b, 16);
		assert_int_equal(http_include_expand("<!--#include partial=\"nav\" -->", 31,
		    inc_load, NULL, &b, &why), -1);
		buf_free(&b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_router_match),
		cmocka_unit_test(test_router_params),
		cmocka_unit_test(test_router_rejects_bad_tables),
		cmocka_unit_test(test_url_decode),
		cmocka_unit_test(test_query_parse),
		cmocka_unit_test(test_json_depth),
		cmocka_unit_test(test_problem_render),
		cmocka_unit_test(test_dispatch_static_and_headers),
		cmocka_unit_test(test_mime),
		cmocka_unit_test(test_include_expand),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
