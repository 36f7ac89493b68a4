/*
 * Router: patterns are split into segments once; a request path is matched
 * segment by segment.  A literal segment beats a {param} at the same place,
 * so "/dossiers/export" wins over "/dossiers/{code}" whatever the order.
 * A path that matches some pattern under another method gives 405 + Allow.
 */
#include <stdlib.h>
#include <string.h>

#include "http.h"

#define ROUTER_MAX_SEGS 16
#define ROUTER_MAX_ROUTES 512

struct compiled {
	const struct route *route;
	size_t nsegs;
	const char *segs[ROUTER_MAX_SEGS]; /* into pattern copy; NULL-name = literal */
	size_t seglen[ROUTER_MAX_SEGS];
	int is_param[ROUTER_MAX_SEGS];
	char *copy;
};

struct router {
	struct compiled *r;
	size_t n;
};

struct router *
router_new(void)
{
	struct router *rt = calloc(1, sizeof(*rt));

	if (rt != NULL && (rt->r = calloc(ROUTER_MAX_ROUTES, sizeof(*rt->r))) == NULL) {
		free(rt);
		rt = NULL;
	}
	return rt;
}

void
router_free(struct router *rt)
{
	if (rt == NULL)
		return;
	for (size_t i = 0; i < rt->n; i++)
		free(rt->r[i].copy);
	free(rt->r);
	free(rt);
}

static int
router_compile(struct compiled *c, const struct route *route)
{
	char *p;

	if (route->pattern == NULL || route->pattern[0] != '/' ||
	    route->handler == NULL || route->method >= HTTP__MAX)
		return -1;
	if ((c->copy = strdup(route->pattern)) == NULL)
		return -1;
	c->route = route;
	c->nsegs = 0;
	p = c->copy + 1;
	if (*p == '\0')
		return 0; /* "/" has no segments */
	for (;;) {
		char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);

		if (len == 0 || c->nsegs == ROUTER_MAX_SEGS)
			return -1;
		c->is_param[c->nsegs] = p[0] == '{' && p[len - 1] == '}';
		if (c->is_param[c->nsegs]) {
			p++;
			len -= 2;
			if (len == 0)
				return -1;
		}
		c->segs[c->nsegs] = p;
		c->seglen[c->nsegs] = len;
		c->nsegs++;
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	return 0;
}

int
router_add(struct router *rt, const struct route *routes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct compiled *c;

		if (rt->n == ROUTER_MAX_ROUTES)
			return -1;
		for (size_t j = 0; j < rt->n; j++)
			if (rt->r[j].route->method == routes[i].method &&
			    strcmp(rt->r[j].route->pattern, routes[i].pattern) == 0)
				return -1;
		c = &rt->r[rt->n];
		if (router_compile(c, &routes[i]) == -1) {
			free(c->copy);
			memset(c, 0, sizeof(*c));
			return -1;
		}
		rt->n++;
	}
	return 0;
}

/* Number of literal segments matched, or -1 for no match. */
static int
router_try(const struct compiled *c, const char *const *segs, const size_t *lens,
    size_t nsegs)
{
	int lit = 0;

	if (c->nsegs != nsegs)
		return -1;
	for (size_t i = 0; i < nsegs; i++) {
		if (c->is_param[i]) {
			if (lens[i] == 0)
				return -1;
			continue;
		}
		if (c->seglen[i] != lens[i] || memcmp(c->segs[i], segs[i], lens[i]) != 0)
			return -1;
		lit++;
	}
	return lit;
}

enum router_result
router_match(const struct router *rt, struct req *r, const struct route **out,
    char *allow, size_t allow_size)
{
	const char *segs[ROUTER_MAX_SEGS];
	size_t lens[ROUTER_MAX_SEGS], nsegs = 0;
	const struct compiled *best = NULL;
	int best_lit = -1, methods[HTTP__MAX] = { 0 }, any = 0;
	enum http_method want = r->method == HTTP_HEAD ? HTTP_GET : r->method;
	const char *p = r->path;

	if (p == NULL || *p != '/')
		return ROUTER_NOT_FOUND;
	/* Split "/a/b" into segments; "/a/" ends with an empty segment, which
	 * no pattern matches, so trailing slashes are 404 rather than aliases. */
	for (;;) {
		const char *seg = ++p, *slash = strchr(seg, '/');
		size_t len = slash ? (size_t)(slash - seg) : strlen(seg);

		if (nsegs == 0 && len == 0 && slash == NULL)
			break; /* "/" itself */
		if (nsegs == ROUTER_MAX_SEGS)
			return ROUTER_NOT_FOUND;
		segs[nsegs] = seg;
		lens[nsegs++] = len;
		if (slash == NULL)
			break;
		p = slash;
	}
	for (size_t i = 0; i < rt->n; i++) {
		int lit = router_try(&rt->r[i], segs, lens, nsegs);

		if (lit < 0)
			continue;
		any = 1;
		methods[rt->r[i].route->method] = 1;
		if (rt->r[i].route->method == want && lit > best_lit) {
			best = &rt->r[i];
			best_lit = lit;
		}
	}
	if (best != NULL) {
		r->nparams = 0;
		for (size_t i = 0; i < best->nsegs && r->nparams < HTTP_MAX_PARAMS; i++) {
			if (!best->is_param[i])
				continue;
			r->params[r->nparams].key = arena_strndup(r->arena,
			    best->segs[i], best->seglen[i]);
			r->params[r->nparams].val = arena_strndup(r->arena, segs[i], lens[i]);
			if (r->params[r->nparams].key == NULL || r->params[r->nparams].val == NULL)
				return ROUTER_NOT_FOUND;
			r->nparams++;
		}
		r->route_name = best->route->pattern;
		*out = best->route;
		return ROUTER_FOUND;
	}
	if (!any)
		return ROUTER_NOT_FOUND;
	if (allow_size > 0) {
		struct buf b;

		allow[0] = '\0';
		buf_init(&b, allow_size - 1);
		if (methods[HTTP_GET])
			methods[HTTP_HEAD] = 1;
		for (int m = 0; m < HTTP__MAX; m++) {
			if (!methods[m])
				continue;
			if (b.len > 0)
				buf_puts(&b, ", ");
			buf_puts(&b, http_method_name(m));
		}
		if (b.data != NULL)
			str_lcpy(allow, b.data, allow_size);
		buf_free(&b);
	}
	return ROUTER_BAD_METHOD;
}

size_t
router_count(const struct router *rt)
{
	return rt->n;
}

const struct route *
router_at(const struct router *rt, size_t i)
{
	return i < rt->n ? rt->r[i].route : NULL;
}
