/*
 * API test harness: the real motcua binary on a fresh database and port 0,
 * driven over HTTP with libcurl or a raw socket.  Every slice's
 * tests/api/test_<slice>.c uses it with cmocka.
 *
 * Environment (set by tests/api/tests.cmake for each test):
 *   MOTCUA_BIN         the motcua executable
 *   MOTCUA_WEB         the web/ directory (passed as --web)
 *   MOTCUA_SOURCE_DIR  the source tree (for scripts/pg-test.sh)
 *   MOTCUA_TEST_DB     "sqlite" (default) or "pg"
 *   MOTCUA_PG_DIR      the cluster directory of `scripts/pg-test.sh start`
 *
 * Conventions:
 *   - Functions that say "asserts" fail the current cmocka test (longjmp)
 *     when something is wrong, so tests read as straight lines.
 *   - Every pointer a function returns is owned by the caller and freed
 *     with the matching *_free, unless it says "borrowed".
 *   - A server that a failing test leaves behind is killed when the test
 *     program exits (atexit), and dies with it if it crashes (PDEATHSIG),
 *     so ctest never hangs on an orphan.
 *   - Every wait is bounded; no helper blocks longer than its timeout.
 *   - Threads: srv_*, harness_tmpdir and the assertions belong to the main
 *     (test) thread; http_*, raw_* and harness_run may be called from
 *     several threads at once (each request has its own connection).
 *   - Servers and CLI runs inherit the test program's environment, so
 *     setenv("MOTCUA_NOW", "2025-03-03T09:00:00+07:00", 1) before
 *     srv_launch()/motcua_run() fixes their clock (test builds only).
 *   - The server's stderr (its log, and any sanitizer report) goes to the
 *     test's stderr, which ctest shows when a test fails.
 *
 * A minimal test:
 *
 *	static void test_x(void **state)
 *	{
 *		struct srv *s = srv_start(NULL);
 *		struct http_res *r = http_get(s, "/healthz");
 *
 *		assert_int_equal(r->status, 200);
 *		http_res_free(r);
 *		srv_stop(s);
 *	}
 */
#ifndef MOTCUA_TEST_HARNESS_H
#define MOTCUA_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <cmocka.h>
#include <jansson.h>

/* ---- the server under test ---------------------------------------------- */

struct srv {
	char base[64]; /* "http://127.0.0.1:PORT"; "" when not running */
	char host[32]; /* "127.0.0.1" */
	unsigned port; /* bound port, 0 when not running */
	pid_t pid; /* 0 when not running */
	int out_fd; /* read end of the server's stdout, -1 when closed */
	char db_url[1024]; /* the database this server (and the CLI) uses */
	char dir[512]; /* private temp dir: sqlite file, web files, ... */
	char pg_name[64]; /* PostgreSQL database name, "" on SQLite */
	int backend_pg; /* 1 on PostgreSQL */
};

/* "sqlite" or "pg", from MOTCUA_TEST_DB (borrowed, static). */
const char *harness_backend(void);

/* A fresh database (a SQLite file in a new temp dir, or a new database in
 * the test cluster), migrated when migrate is 1, and no process yet.
 * Asserts.  Caller owns the result: srv_stop() or srv_free() it. */
struct srv *srv_create(int migrate);

/* Start `motcua serve --db URL --listen 127.0.0.1:0 --web $MOTCUA_WEB
 * [extra_args]` on s's database and wait (at most 20 s) for its
 * "listening on" line; fills base/port/pid.  extra_args is a
 * NULL-terminated array (may be NULL); later flags win, so extra_args may
 * override --web or --listen.  Asserts. */
void srv_launch(struct srv *s, const char *const *extra_args);

/* srv_create(1) + srv_launch(): a running server on a fresh migrated
 * database.  Asserts.  Caller owns it: srv_stop(). */
struct srv *srv_start(const char *const *extra_args);

/* Send sig (0: none) and wait up to timeout_ms for the process to end.
 * Returns its exit code, 128+N if signal N killed it, or -1 if it was still
 * running at the deadline (it is then SIGKILLed and reaped).  The server's
 * database and temp dir stay, so srv_launch() may start it again. */
int srv_terminate(struct srv *s, int sig, int timeout_ms);

/* SIGTERM, wait at most 15 s, assert exit status 0 (so a sanitizer report,
 * which makes the exit status non-zero, fails the test), then srv_free().
 * NULL-safe. */
void srv_stop(struct srv *s);

/* Kill (SIGKILL, no assertion) if still running, drop the PostgreSQL
 * database, remove the temp dir, free s.  NULL-safe.  For teardown paths
 * and servers a test expects to die. */
void srv_free(struct srv *s);

/* The database URL for CLI commands on the same database (borrowed; lives
 * as long as s). */
const char *srv_db_url(const struct srv *s);

/* Assert GET /healthz answers 200 {"status":"ok"}. */
#define srv_assert_healthy(s) harness_assert_healthy((s), __FILE__, __LINE__)
void harness_assert_healthy(const struct srv *s, const char *file, int line);

/* ---- running programs ---------------------------------------------------- */

struct cli_res {
	int status; /* exit code; 128+N if killed by signal N; -1 on timeout */
	char *out; /* captured stdout, NUL-terminated, owned */
	char *err; /* captured stderr, NUL-terminated, owned */
};

/* Run argv (argv[0] is the program; NULL-terminated) with stdout and
 * stderr captured, killing it after timeout_ms.  Returns r->status; the
 * caller frees r with cli_res_free().  Asserts only on fork/pipe failure. */
int harness_run(const char *const *argv, struct cli_res *r, int timeout_ms);

/* Run `$MOTCUA_BIN args...` (args NULL-terminated, without the binary). */
int motcua_run(const char *const *args, struct cli_res *r, int timeout_ms);

/* Free the captured output; NULL-safe; r itself is the caller's. */
void cli_res_free(struct cli_res *r);

/* `motcua token create` on s's database; the "Authorization: Bearer ..."
 * header line for it, malloc()ed (the caller frees).  Fails the test when
 * the command fails. */
char *srv_token_header(const struct srv *s, const char *name, const char *scopes,
    const char *agency);

/* ---- HTTP ---------------------------------------------------------------- */

struct http_hdr {
	char *name; /* as the server sent it, owned by the http_res */
	char *value; /* trimmed, owned by the http_res */
};

struct http_res {
	long status; /* HTTP status; 0 when no response came */
	int closed; /* 1: the server closed the connection without (a complete) response */
	int timed_out; /* 1: nothing (more) came before the deadline */
	char *body; /* NUL-terminated (may also contain NULs), never NULL */
	size_t len; /* body length without the terminating NUL */
	struct http_hdr *hdrs; /* headers of the final response, in order */
	size_t nhdrs;
	json_t *json; /* parsed body when the content type is (problem+)json, else NULL; owned */
	char err[256]; /* transport error text when status is 0 */
};

/* One request with libcurl on a new connection (15 s timeout).  method is
 * any token ("GET", "HEAD", "BREW"); path is sent as is (no dot-segment
 * squashing), with its query; headers is a NULL-terminated array of
 * "Name: value" strings (may be NULL); body may be NULL.  libcurl's
 * automatic "Expect: 100-continue" is suppressed.  Never NULL; a transport
 * failure gives status 0 and err.  Caller frees with http_res_free(). */
struct http_res *http_req(const struct srv *s, const char *method, const char *path,
    const char *const *headers, const char *body);
/* Same with a body of len bytes (may contain NULs). */
struct http_res *http_reqb(const struct srv *s, const char *method, const char *path,
    const char *const *headers, const void *body, size_t len);
/* GET path. */
struct http_res *http_get(const struct srv *s, const char *path);
/* method path with Content-Type: application/json and body json_text. */
struct http_res *http_json(const struct srv *s, const char *method, const char *path,
    const char *json_text);

/* Value of the response header name (case-insensitive), or NULL; borrowed
 * from r.  With repeated headers, the first. */
const char *http_header(const struct http_res *r, const char *name);
/* NULL-safe. */
void http_res_free(struct http_res *r);

/* ---- raw sockets (for what libcurl will not send) ------------------------ */

/* A TCP connection to the server.  Asserts on failure. */
int raw_connect(const struct srv *s);
/* Same but returns -1 (errno set) instead of asserting: for "refused". */
int raw_try_connect(const struct srv *s);
/* Write all of p[0..n); 0, or -1 when the peer is gone (no SIGPIPE). */
int raw_send(int fd, const void *p, size_t n);
/* raw_send of a NUL-terminated string. */
int raw_sends(int fd, const char *str);
/* Read one HTTP/1.1 response (skipping 1xx) within timeout_ms.  head = 1
 * when it answers a HEAD (no body).  Body framing: chunked, Content-Length
 * or until close.  On a clean close before a full response: status 0,
 * closed 1; on timeout: status 0, timed_out 1.  Never NULL; caller frees. */
struct http_res *raw_read(int fd, int timeout_ms, int head);
/* Wait up to timeout_ms for the server to close fd (discarding whatever it
 * sends).  1 if closed (EOF or reset), 0 if still open at the deadline. */
int raw_wait_closed(int fd, int timeout_ms);
/* Connect, send req[0..n), read one response (timeout_ms), close. */
struct http_res *raw_exchange(const struct srv *s, const void *req, size_t n,
    int timeout_ms);

/* ---- assertions ---------------------------------------------------------- */

/* r is an RFC 9457 problem: the given status, Content-Type
 * application/problem+json, a JSON body with type "/problems/<slug>"
 * (slug NULL: any), title, numeric status equal to the HTTP status, a
 * non-empty detail, and request_id equal to the X-Request-Id header. */
#define assert_problem(r, status, slug) \
	harness_assert_problem((r), (status), (slug), __FILE__, __LINE__)
void harness_assert_problem(const struct http_res *r, long status, const char *slug,
    const char *file, int line);

/* r's problem lists name among invalid_params (with a non-empty reason). */
#define assert_invalid_param(r, name) \
	harness_assert_invalid_param((r), (name), __FILE__, __LINE__)
void harness_assert_invalid_param(const struct http_res *r, const char *name,
    const char *file, int line);

/* X-Request-Id (16 lowercase hex), a CSP without 'unsafe-inline',
 * X-Content-Type-Options nosniff, Referrer-Policy, X-Frame-Options DENY. */
#define assert_security_headers(r) \
	harness_assert_security_headers((r), __FILE__, __LINE__)
void harness_assert_security_headers(const struct http_res *r, const char *file, int line);

/* The whole main() of a test program:
 *
 *	int main(void)
 *	{
 *		const struct CMUnitTest tests[] = { cmocka_unit_test(test_x), ... };
 *
 *		return HARNESS_RUN(tests, group_setup, group_teardown);
 *	}
 *
 * Runs the group named after the backend, honouring MOTCUA_TEST_FILTER (a
 * cmocka pattern such as "test_json*": run only those) and
 * MOTCUA_TEST_SKIP (skip those), then harness_exit(). */
#define HARNESS_RUN(tests, setup, teardown)                                     \
	(harness_filters(),                                                      \
	    harness_exit(cmocka_run_group_tests_name(harness_backend(), (tests),   \
		(setup), (teardown))))
void harness_filters(void);

/* Stops every server still running and removes temp dirs; when tests
 * failed it exits at once with the failure count, so the leak report of
 * memory a failed assertion jumped over (the test program's, not the
 * server's) does not bury the real failure.  Returns 0 otherwise. */
int harness_exit(int failed);

/* ---- small utilities ----------------------------------------------------- */

/* Monotonic milliseconds. */
int64_t harness_now_ms(void);
void harness_sleep_ms(int ms);
/* malloc'd printf; asserts on allocation failure. */
char *harness_strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* malloc'd string of n copies of c. */
char *harness_repeat(char c, size_t n);
/* A fresh temp dir under $TMPDIR (or /tmp), mode 0755, removed when the
 * test program exits; borrowed path, valid until then.  Asserts. */
const char *harness_tmpdir(void);
/* Write a file (creating parent dirs); asserts. */
void harness_write_file(const char *path, const char *content);

#endif
