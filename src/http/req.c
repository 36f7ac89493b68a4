/* Request and response helpers shared by every handler. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "http.h"

static const char *const method_names[HTTP__MAX] = {
	[HTTP_GET] = "GET", [HTTP_HEAD] = "HEAD", [HTTP_POST] = "POST",
	[HTTP_PUT] = "PUT", [HTTP_PATCH] = "PATCH", [HTTP_DELETE] = "DELETE",
	[HTTP_OPTIONS] = "OPTIONS",
};

const char *
http_method_name(enum http_method m)
{
	return m < HTTP__MAX ? method_names[m] : "?";
}

enum http_method
http_method_from(const char *name)
{
	for (int m = 0; m < HTTP__MAX; m++)
		if (strcmp(method_names[m], name) == 0)
			return (enum http_method)m;
	return HTTP__MAX;
}

int
req_init(struct req *r, struct resp *w, size_t arena_cap)
{
	memset(r, 0, sizeof(*r));
	memset(w, 0, sizeof(*w));
	if ((r->arena = arena_new(arena_cap)) == NULL)
		return -1;
	r->lang = "vi";
	w->arena = r->arena;
	w->status = 200;
	w->fd = -1;
	w->kind = RESP_BODY_BUF;
	/* Responses are JSON or small pages; static files go by fd. */
	buf_init(&w->body, 64u * 1024 * 1024);
	return 0;
}

void
req_free(struct req *r, struct resp *w)
{
	if (w != NULL) {
		buf_free(&w->body);
		/* The server takes the descriptor (sets fd to -1) when it hands it
		 * to the connection; otherwise it is ours to close. */
		if (w->fd >= 0)
			close(w->fd);
		w->fd = -1;
	}
	if (r != NULL) {
		arena_free(r->arena);
		r->arena = NULL;
	}
}

const char *
req_header(const struct req *r, const char *name)
{
	return r->header_fn ? r->header_fn(r->header_ctx, name) : NULL;
}

const char *
req_query(const struct req *r, const char *name)
{
	for (size_t i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].key, name) == 0)
			return r->query[i].val;
	return NULL;
}

const char *
req_param(const struct req *r, const char *name)
{
	for (size_t i = 0; i < r->nparams; i++)
		if (strcmp(r->params[i].key, name) == 0)
			return r->params[i].val;
	return NULL;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
http_url_decode(struct arena *a, const char *s, size_t n, int plus_space)
{
	char *out = arena_alloc(a, n + 1);
	size_t j = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n || (hi = hexval(s[i + 1])) < 0 ||
			    (lo = hexval(s[i + 2])) < 0)
				return NULL;
			c = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_space)
			c = ' ';
		if (c == '\0')
			return NULL;
		out[j++] = c;
	}
	out[j] = '\0';
	return str_utf8_valid(out, j) ? out : NULL;
}

int
req_parse_query(struct req *r, const char *raw)
{
	const char *p = raw;

	r->nquery = 0;
	r->raw_query = raw;
	if (raw == NULL)
		return 0;
	while (*p != '\0') {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t klen = eq ? (size_t)(eq - p) : len;

		if (len > 0) {
			char *k, *v;

			if (r->nquery == HTTP_MAX_QUERY)
				return -1;
			k = http_url_decode(r->arena, p, klen, 1);
			v = eq ? http_url_decode(r->arena, eq + 1, len - klen - 1, 1)
			       : arena_strdup(r->arena, "");
			if (k == NULL || v == NULL)
				return -1;
			r->query[r->nquery].key = k;
			r->query[r->nquery].val = v;
			r->nquery++;
		}
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	return 0;
}

int
http_json_depth(const char *s, size_t n)
{
	int depth = 0, max = 0, in_str = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"')
			in_str = 1;
		else if (c == '[' || c == '{') {
			if (++depth > max)
				max = depth;
		} else if (c == ']' || c == '}')
			depth--;
	}
	return max;
}

void *
req_json_object(struct req *r, struct resp *w)
{
	const char *ct = req_header(r, "Content-Type");
	json_error_t e;
	json_t *j;

	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' ')) {
		resp_problem(w, r, PROB_UNSUPPORTED_MEDIA,
		    "Nội dung yêu cầu phải là application/json.",
		    "The request body must be application/json.");
		return NULL;
	}
	if (r->body == NULL || r->body_len == 0) {
		resp_problem(w, r, PROB_INVALID_JSON, "Yêu cầu thiếu nội dung JSON.",
		    "The request has no JSON body.");
		return NULL;
	}
	if (!str_utf8_valid(r->body, r->body_len)) {
		resp_problem(w, r, PROB_INVALID_JSON,
		    "Nội dung không phải UTF-8 hợp lệ.", "The body is not valid UTF-8.");
		return NULL;
	}
	if (http_json_depth(r->body, r->body_len) > HTTP_JSON_MAX_DEPTH) {
		resp_problem(w, r, PROB_INVALID_JSON,
		    "JSON lồng nhau quá sâu.", "The JSON is nested too deeply.");
		return NULL;
	}
	j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &e);
	if (j == NULL) {
		char vi[256], en[256];

		snprintf(vi, sizeof(vi), "JSON không hợp lệ ở dòng %d, cột %d.", e.line, e.column);
		snprintf(en, sizeof(en), "Invalid JSON at line %d, column %d.", e.line, e.column);
		resp_problem(w, r, PROB_INVALID_JSON, vi, en);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		resp_problem(w, r, PROB_INVALID_JSON, "Nội dung JSON phải là một đối tượng.",
		    "The JSON body must be an object.");
		return NULL;
	}
	return j;
}

int
resp_header(struct resp *w, const char *key, const char *val)
{
	if (w->nheaders == HTTP_MAX_RESP_HEADERS)
		return -1;
	w->headers[w->nheaders].key = key;
	w->headers[w->nheaders].val = val;
	w->nheaders++;
	return 0;
}

void
resp_json_text(struct resp *w, int status, const char *text, size_t n)
{
	w->status = status;
	w->content_type = "application/json";
	w->kind = RESP_BODY_BUF;
	buf_reset(&w->body);
	buf_append(&w->body, text, n);
}

struct buf *
resp_json_body(struct resp *w, int status)
{
	w->status = status;
	w->content_type = "application/json";
	w->kind = RESP_BODY_BUF;
	buf_reset(&w->body);
	return &w->body;
}

/* jansson writes through this callback straight into the capped buffer. */
static int
resp_json_dump(const char *p, size_t n, void *ctx)
{
	return buf_append(ctx, p, n);
}

void
resp_json(struct resp *w, int status, void *json)
{
	w->status = status;
	w->content_type = "application/json";
	w->kind = RESP_BODY_BUF;
	buf_reset(&w->body);
	if (json == NULL || json_dump_callback(json, resp_json_dump, &w->body,
	    JSON_COMPACT | JSON_ENCODE_ANY) == -1) {
		buf_reset(&w->body);
		w->status = 500;
		buf_puts(&w->body, "{}");
	}
	json_decref(json);
}

void
resp_text(struct resp *w, int status, const char *ctype, const char *text, size_t n)
{
	w->status = status;
	w->content_type = ctype;
	w->kind = RESP_BODY_BUF;
	buf_reset(&w->body);
	buf_append(&w->body, text, n);
}
