/*
 * http: the request/response types handlers use, the router, problem+json
 * and the server.  Handlers never see libmicrohttpd; server_mhd.c is the
 * only file that includes microhttpd.h, so handlers run in memory in tests.
 */
#ifndef MOTCUA_HTTP_H
#define MOTCUA_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"

struct json_t_fwd; /* jansson's json_t, not included here */

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_PATCH,
	HTTP_DELETE,
	HTTP_OPTIONS,
	HTTP__MAX
};

/* Hard limits; the config may lower or raise them within sane bounds. */
#define HTTP_MAX_PATH 1024 /* bytes of the raw path */
#define HTTP_MAX_QUERY_BYTES 1024 /* bytes of the raw query string */
#define HTTP_MAX_PARAMS 8 /* path parameters */
#define HTTP_MAX_QUERY 32 /* query parameters */
#define HTTP_MAX_RESP_HEADERS 16
#define HTTP_REQUEST_ID_LEN 16 /* hex characters */

struct http_kv {
	const char *key; /* arena-owned */
	const char *val; /* arena-owned */
};

struct req;
struct resp;

/* Lookup of request headers, implemented by the server (or a test). */
typedef const char *(*http_header_fn)(void *ctx, const char *name);

struct req {
	enum http_method method;
	const char *path; /* decoded, arena-owned, no query */
	const char *raw_query; /* undecoded, may be NULL */
	struct http_kv query[HTTP_MAX_QUERY];
	size_t nquery;
	struct http_kv params[HTTP_MAX_PARAMS]; /* from the route pattern */
	size_t nparams;
	const char *body; /* NUL-terminated, arena-owned, may be NULL */
	size_t body_len;
	char request_id[HTTP_REQUEST_ID_LEN + 1];
	char remote_ip[48];
	const char *route_name; /* pattern of the matched route, for metrics */
	struct arena *arena; /* freed when the request completes */
	http_header_fn header_fn;
	void *header_ctx;
	/* Filled by the guard (auth) before the handler runs; opaque here. */
	void *principal;
	/* Language the client asked for: "vi" (default) or "en". */
	const char *lang;
	/* The application's context (struct app in src/app.h); opaque here. */
	void *ctx;
	/* Set by the server when this request may be answered later from
	 * another thread (http_defer); NULL in memory.  Server-private. */
	struct http_defer *defer;
};

enum resp_body_kind { RESP_BODY_BUF, RESP_BODY_FD, RESP_BODY_STATIC };

struct resp {
	int status;
	const char *content_type; /* static or arena-owned */
	struct buf body; /* owned by resp; freed by the server */
	struct http_kv headers[HTTP_MAX_RESP_HEADERS];
	size_t nheaders;
	enum resp_body_kind kind;
	int fd; /* RESP_BODY_FD: the server closes it */
	uint64_t fd_size;
	const void *static_data; /* RESP_BODY_STATIC: lives as long as the process */
	size_t static_len;
	struct arena *arena; /* the request's arena */
};

/* Handlers return nothing; they fill resp (status 200 by default). */
typedef void (*http_handler)(struct req *, struct resp *);

/* A route: method, pattern with {name} segments ("/api/v1/x/{code}"),
 * handler, and an opaque permission number the guard interprets (0 = none). */
struct route {
	enum http_method method;
	const char *pattern;
	http_handler handler;
	int perm;
};

/* ---- request helpers --------------------------------------------------- */

/* Header value or NULL; case-insensitive name. */
const char *req_header(const struct req *r, const char *name);
/* Decoded query value or NULL. */
const char *req_query(const struct req *r, const char *name);
/* Path parameter by name or NULL. */
const char *req_param(const struct req *r, const char *name);
/* Parse the query string into r->query; -1 on too many or bad escapes. */
int req_parse_query(struct req *r, const char *raw);
/* Percent-decode s[0..n) into the arena; NULL on bad escapes, NUL bytes or
 * invalid UTF-8.  plus_space turns '+' into ' ' (query strings). */
char *http_url_decode(struct arena *a, const char *s, size_t n, int plus_space);
const char *http_method_name(enum http_method m);
/* HTTP_ method for a name, or HTTP__MAX. */
enum http_method http_method_from(const char *name);

/* ---- JSON bodies ------------------------------------------------------- */

#define HTTP_JSON_MAX_DEPTH 32

/* Parse r->body as a JSON object, enforcing UTF-8 validity and the depth
 * limit.  Returns a new reference (caller json_decref()s it), or NULL after
 * filling resp with a 400/415 problem. */
void *req_json_object(struct req *r, struct resp *w);
/* Maximum nesting depth of s[0..n) ignoring strings; cheap pre-check. */
int http_json_depth(const char *s, size_t n);

/* ---- responses --------------------------------------------------------- */

int resp_header(struct resp *w, const char *key, const char *val);
/* Set status, content type application/json and the body from a jansson
 * value (the reference is stolen). */
void resp_json(struct resp *w, int status, void *json);
/* Body already rendered as JSON text. */
void resp_json_text(struct resp *w, int status, const char *text, size_t n);
/* Status and content type application/json set, the body emptied: the
 * buffer a writer (jsonw) renders the answer into.  Owned by w. */
struct buf *resp_json_body(struct resp *w, int status);
void resp_text(struct resp *w, int status, const char *ctype, const char *text,
    size_t n);

/* ---- deferred answers: "answer later from another thread" --------------
 *
 * A handler waiting for work done elsewhere (a group commit) must not
 * block its worker thread: with an epoll pool of 2 threads, 2 blocked
 * handlers would stop the server.  It calls http_defer() and returns; the
 * server parks the connection (libmicrohttpd suspend) keeping the request,
 * its arena and its resp; another thread calls http_defer_resume() when the
 * work is done; then finish(r, w, arg) runs on a server thread to fill the
 * answer (the security headers and X-Request-Id are already in w) and it is
 * sent.  Limits, the access log and metrics count the whole wait.
 *
 * At shutdown, once shutdown_grace has passed, the server calls cancel(arg)
 * for every request still waiting, with the server's lock held (so arg is
 * alive; cancel must not call http_defer_resume): it returns 0 when it took
 * the work back (nothing was done; the server resumes the request itself
 * and finish must then answer 503), or -1 when the work is under way (its
 * resume will come, and the server waits for it before closing). */
typedef void (*http_finish_fn)(struct req *r, struct resp *w, void *arg);
typedef int (*http_cancel_fn)(void *arg);

struct http_defer;

/* From the handler, at most once.  NULL when the request cannot be
 * deferred (in-memory dispatch, thread-per-connection mode, the server is
 * stopping): answer inline then (blocking is acceptable in those cases). */
struct http_defer *http_defer(struct req *r, http_finish_fn finish, http_cancel_fn cancel,
    void *arg);
/* From any thread, exactly once per successful http_defer(), after the
 * work is done.  The caller must not touch the request afterwards. */
void http_defer_resume(struct http_defer *d);

/* ---- problem+json (RFC 9457) ------------------------------------------- */

/* Error kinds with their status, type slug and Vietnamese/English titles,
 * all from one table in problem.c. */
enum problem_kind {
	PROB_BAD_REQUEST,
	PROB_INVALID_JSON,
	PROB_VALIDATION,
	PROB_UNAUTHENTICATED,
	PROB_FORBIDDEN,
	PROB_CSRF,
	PROB_NOT_FOUND,
	PROB_METHOD_NOT_ALLOWED,
	PROB_NOT_ACCEPTABLE,
	PROB_CONFLICT,
	PROB_GONE,
	PROB_PAYLOAD_TOO_LARGE,
	PROB_UNSUPPORTED_MEDIA,
	PROB_HEADERS_TOO_LARGE,
	PROB_URI_TOO_LONG,
	PROB_UNPROCESSABLE,
	PROB_TOO_MANY_REQUESTS,
	PROB_INTERNAL,
	PROB_UNAVAILABLE,
	PROB__MAX
};

struct problem_param {
	const char *name;
	const char *reason; /* in the request's language */
};

/* Render a problem.  detail_vi/detail_en may be NULL (the title is used).
 * The right language is picked from r->lang. */
void resp_problem(struct resp *w, const struct req *r, enum problem_kind k,
    const char *detail_vi, const char *detail_en);
/* Same with invalid_params. */
void resp_problem_params(struct resp *w, const struct req *r,
    enum problem_kind k, const char *detail_vi, const char *detail_en,
    const struct problem_param *p, size_t np);
int problem_status(enum problem_kind k);

/* ---- router ------------------------------------------------------------ */

struct router;

/* New empty router; owned by the caller, router_free()d. */
struct router *router_new(void);
void router_free(struct router *rt);
/* Add n routes (the array must outlive the router).  -1 on a bad pattern
 * or a duplicate method+pattern. */
int router_add(struct router *rt, const struct route *routes, size_t n);

enum router_result { ROUTER_FOUND, ROUTER_NOT_FOUND, ROUTER_BAD_METHOD };

/* Match path and method.  On FOUND sets *out and fills r->params.  On
 * BAD_METHOD writes the Allow list ("GET, POST") into allow. */
enum router_result router_match(const struct router *rt, struct req *r,
    const struct route **out, char *allow, size_t allow_size);
/* Iterate over every route (for the OpenAPI/route agreement test). */
size_t router_count(const struct router *rt);
const struct route *router_at(const struct router *rt, size_t i);

/* ---- dispatch (server-independent) ------------------------------------- */

/* Called before the handler; may fill w and return -1 to stop (401/403). */
typedef int (*http_guard_fn)(struct req *, const struct route *, struct resp *);

struct http_app {
	struct router *router;
	http_guard_fn guard; /* may be NULL */
	const char *web_root; /* directory of static files, may be NULL */
	int hsts; /* send Strict-Transport-Security (behind TLS) */
	void *ctx; /* copied into every req */
};

/* Route one request: match, guard, handler, static files, 404/405.  Adds
 * the security headers and X-Request-Id.  Used by the server and by
 * in-memory tests. */
void http_dispatch(const struct http_app *app, struct req *r, struct resp *w);

/* The headers every response carries (X-Request-Id, CSP, nosniff, ...);
 * http_dispatch adds them, and so must anything answering without it. */
void http_security_headers(const struct http_app *app, struct req *r, struct resp *w);

/* Serve a file under root for r->path (GET/HEAD); 0 if handled, -1 if no
 * such file (w untouched). */
int http_static_serve(const char *root, struct req *r, struct resp *w);
/* Content type by file extension. */
const char *http_mime_type(const char *path);

/* Page includes (include.c): <!--#include partial="name" [current="key"] -->
 * in an HTML page is replaced by the partial the loader returns for name,
 * with aria-current="page" added to its link marked data-nav="key".
 * Names and keys are [a-z0-9-]{1,HTTP_INCLUDE_NAME_MAX}. */
#define HTTP_INCLUDE_MAX 4 /* directives per page */
#define HTTP_INCLUDE_NAME_MAX 32
/* The partial's bytes for name (owned by the loader, valid until it is
 * called again or the expansion ends); -1 if there is none. */
typedef int (*http_include_load_fn)(void *ctx, const char *name, const char **data,
    size_t *len);
/* Append src[0..len) expanded to out (its cap applies).  0, or -1 with a
 * static English reason in *why for the log. */
int http_include_expand(const char *src, size_t len, http_include_load_fn load, void *ctx,
    struct buf *out, const char **why);

/* Prepare a request/response pair with an arena of cap bytes (tests and
 * the server).  req_free releases both; NULL-safe. */
int req_init(struct req *r, struct resp *w, size_t arena_cap);
void req_free(struct req *r, struct resp *w);

/* ---- metrics ----------------------------------------------------------- */

/* Record one finished request. */
void metrics_observe(const char *route, enum http_method m, int status,
    uint64_t ns);
void metrics_conn_delta(int delta);
/* Prometheus text exposition into b. */
void metrics_render(struct buf *b);

/* ---- rate limiting (ratelimit.c) --------------------------------------- */

struct ratelimit;

/* Token buckets of `rate` requests per `per_s` seconds and bursts of up to
 * `burst`, one per key (e.g. a client IP), for at most `slots` keys (the
 * least recently seen are forgotten first).  NULL on bad values or ENOMEM.
 * The caller owns it: ratelimit_free() (NULL-safe).  Thread-safe. */
struct ratelimit *ratelimit_new(unsigned rate, unsigned per_s, unsigned burst, size_t slots);
void ratelimit_free(struct ratelimit *rl);
/* Take one request for key at monotonic time now_ms: 0 = allowed, else
 * the seconds to wait (for Retry-After).  A NULL limiter allows all. */
int ratelimit_take(struct ratelimit *rl, const char *key, uint64_t now_ms);

/* ---- server ------------------------------------------------------------ */

struct server_opts {
	const char *host; /* "127.0.0.1" */
	unsigned port; /* 0 = pick a free one */
	unsigned threads; /* worker threads (epoll pool) */
	unsigned conn_limit;
	unsigned per_ip_limit;
	unsigned idle_timeout_s;
	size_t max_header_bytes; /* all request headers together */
	size_t max_body_bytes;
	size_t arena_bytes; /* per-request arena cap */
	int thread_per_connection; /* else an epoll thread pool */
	int access_log;
};

struct server;

/* Start listening; NULL with a logged reason on failure.  The bound port is
 * available through server_port(). */
struct server *server_start(const struct server_opts *o, const struct http_app *app);
unsigned server_port(const struct server *s);
/* Stop accepting, wait up to grace_s for in-flight requests, stop; NULL-safe. */
void server_stop(struct server *s, unsigned grace_s);

#endif
