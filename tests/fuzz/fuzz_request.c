/*
 * Fuzz target: one HTTP request as the handlers see it.  Input layout:
 * line 1 = method, line 2 = raw path, line 3 = raw query, rest = body with
 * Content-Type application/json.  Exercises URL decoding, query parsing,
 * routing with parameters, static-path checks, JSON depth and parsing, and
 * problem rendering, all through http_dispatch as the server calls it.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fz_json(struct req *r, struct resp *w)
{
	json_t *j = req_json_object(r, w);

	if (j != NULL)
		resp_json(w, 200, j);
}

static void
fz_param(struct req *r, struct resp *w)
{
	const char *code = req_param(r, "code");
	json_t *j = json_pack("{s:s?}", "code", code);

	resp_json(w, 200, j);
}

static const struct route fz_routes[] = {
	{ HTTP_POST, "/api/v1/echo", fz_json, 0 },
	{ HTTP_PUT, "/api/v1/items/{code}", fz_json, 0 },
	{ HTTP_GET, "/api/v1/items/{code}", fz_param, 0 },
	{ HTTP_GET, "/api/v1/items/{code}/steps/{n}", fz_param, 0 },
};

static const char *
fz_header(void *ctx, const char *name)
{
	(void)ctx;
	return strcasecmp(name, "Content-Type") == 0 ? "application/json" : NULL;
}

/* Next line of [*p, end) into the arena; NULL at the end. */
static char *
fz_line(struct arena *a, const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
	const uint8_t *stop = nl ? nl : end;
	char *s = arena_strndup(a, (const char *)*p, (size_t)(stop - *p));

	*p = nl ? nl + 1 : end;
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct router *rt;
	struct http_app app = { 0 };
	const uint8_t *p = data, *end = data + size;
	char *method, *path, *query;
	struct req r;
	struct resp w;

	if (rt == NULL) {
		rt = router_new();
		router_add(rt, fz_routes, sizeof(fz_routes) / sizeof(fz_routes[0]));
	}
	if (req_init(&r, &w, 1 << 20) == -1)
		return 0;
	method = fz_line(r.arena, &p, end);
	path = fz_line(r.arena, &p, end);
	query = fz_line(r.arena, &p, end);
	r.method = method ? http_method_from(method) : HTTP__MAX;
	if (r.method == HTTP__MAX)
		r.method = HTTP_GET;
	r.header_fn = fz_header;
	r.path = path ? http_url_decode(r.arena, path, strlen(path), 0) : NULL;
	if (r.path != NULL && (query == NULL || req_parse_query(&r, query) == 0)) {
		r.body = arena_strndup(r.arena, (const char *)p, (size_t)(end - p));
		r.body_len = (size_t)(end - p);
		app.router = rt;
		app.web_root = "/nonexistent-motcua-web";
		http_dispatch(&app, &r, &w);
		if (w.status < 100 || w.status > 599)
			abort();
		/* Every problem we render must itself be valid JSON. */
		if (w.content_type != NULL && strstr(w.content_type, "json") != NULL) {
			json_t *chk = json_loadb(w.body.data ? w.body.data : "", w.body.len, 0, NULL);

			if (chk == NULL)
				abort();
			json_decref(chk);
		}
	}
	req_free(&r, &w);
	return 0;
}
