/* One request through the application: route, guard, handler, or a static
 * file; then the headers every response carries.  No libmicrohttpd here, so
 * tests drive it in memory. */
#include <string.h>
#include <strings.h>

#include "http.h"

/* The CSP forbids inline script and style: every page uses files. */
#define HTTP_CSP "default-src 'self'; script-src 'self'; style-src 'self'; " \
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; " \
	"frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"

/* What is not a document (CSS, scripts, images, JSON, problems) cannot run
 * anything under its own CSP; if opened directly it should run nothing. */
#define HTTP_CSP_NOT_HTML "default-src 'none'; frame-ancestors 'none'"

void
http_security_headers(const struct http_app *app, struct req *r, struct resp *w)
{
	/* Documents get the full set.  A 304 carries no type but may refresh a
	 * cached page's headers, so it gets the full set too. */
	int html = w->content_type != NULL ? strncmp(w->content_type, "text/html", 9) == 0
	    : w->status == 304;

	resp_header(w, "X-Request-Id", r->request_id);
	resp_header(w, "Content-Security-Policy", html ? HTTP_CSP : HTTP_CSP_NOT_HTML);
	resp_header(w, "X-Content-Type-Options", "nosniff");
	resp_header(w, "Referrer-Policy", "no-referrer");
	resp_header(w, "X-Frame-Options", "DENY");
	if (html) {
		resp_header(w, "Cross-Origin-Opener-Policy", "same-origin");
		resp_header(w, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
	}
	if (app->hsts)
		resp_header(w, "Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}

/* English only when the client's first preference is English. */
static const char *
dispatch_lang(const struct req *r)
{
	const char *al = req_header(r, "Accept-Language");

	if (al != NULL && strncasecmp(al, "en", 2) == 0)
		return "en";
	return "vi";
}

static int
dispatch_is_api(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0;
}

void
http_dispatch(const struct http_app *app, struct req *r, struct resp *w)
{
	const struct route *route = NULL;
	char allow[128];
	enum router_result rr;

	r->lang = dispatch_lang(r);
	r->ctx = app->ctx;
	rr = router_match(app->router, r, &route, allow, sizeof(allow));
	switch (rr) {
	case ROUTER_FOUND:
		if (app->guard == NULL || app->guard(r, route, w) == 0)
			route->handler(r, w);
		break;
	case ROUTER_BAD_METHOD:
		r->route_name = "unmatched";
		resp_problem(w, r, PROB_METHOD_NOT_ALLOWED,
		    "Địa chỉ này không hỗ trợ phương thức đã dùng.",
		    "This resource does not support the method used.");
		resp_header(w, "Allow", arena_strdup(r->arena, allow));
		break;
	case ROUTER_NOT_FOUND:
		r->route_name = "static";
		if (!dispatch_is_api(r->path) && app->web_root != NULL) {
			if (r->method != HTTP_GET && r->method != HTTP_HEAD) {
				if (http_static_serve(app->web_root, r, NULL) == 0) {
					resp_problem(w, r, PROB_METHOD_NOT_ALLOWED,
					    "Tệp tĩnh chỉ đọc được bằng GET.",
					    "Static files are read with GET.");
					resp_header(w, "Allow", "GET, HEAD");
					break;
				}
			} else if (http_static_serve(app->web_root, r, w) == 0)
				break;
		}
		r->route_name = "unmatched";
		resp_problem(w, r, PROB_NOT_FOUND, "Không tìm thấy địa chỉ yêu cầu.",
		    "The requested resource was not found.");
		break;
	}
	http_security_headers(app, r, w);
}
