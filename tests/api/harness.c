/* API test harness; see harness.h for the contract of every function. */
#define _GNU_SOURCE /* pipe2, mkdtemp, prctl */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define HARNESS_MAX_LIVE 64
#define HARNESS_LISTEN_WAIT_MS 20000
#define HARNESS_STOP_WAIT_MS 15000
#define HARNESS_CLI_WAIT_MS 60000

/* Report a failed expectation at the caller's location and end the test. */
#define CHECK_AT(file, line, cond, ...)                                          \
	do {                                                                     \
		if (!(cond)) {                                                   \
			print_error("%s:%d: ", (file), (line));                  \
			print_error(__VA_ARGS__);                                \
			print_error("\n");                                       \
			_fail((file), (line));                                   \
		}                                                                \
	} while (0)
#define CHECK(cond, ...) CHECK_AT(__FILE__, __LINE__, cond, __VA_ARGS__)

/* ---- growable byte buffer ----------------------------------------------- */

struct hbuf {
	char *p;
	size_t len, cap;
};

static void
hbuf_add(struct hbuf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = realloc(b->p, cap);
		CHECK(b->p != NULL, "out of memory");
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Take the buffer's bytes as a malloc'd NUL-terminated string ("" if none). */
static char *
hbuf_take(struct hbuf *b, size_t *len)
{
	char *p;

	if (b->p == NULL)
		hbuf_add(b, "", 0);
	p = b->p;
	if (len != NULL)
		*len = b->len;
	memset(b, 0, sizeof(*b));
	return p;
}

/* ---- utilities ----------------------------------------------------------- */

int64_t
harness_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
harness_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

char *
harness_strdupf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	CHECK(n >= 0 && s != NULL, "out of memory");
	return s;
}

char *
harness_repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	CHECK(s != NULL, "out of memory");
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static const char *
env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : dflt;
}

static const char *
env_required(const char *name)
{
	const char *v = getenv(name);

	CHECK(v != NULL && *v != '\0', "environment variable %s is not set "
	    "(run the API tests through ctest)", name);
	return v;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
rm_rf(const char *dir)
{
	if (dir != NULL && dir[0] != '\0')
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
mkdir_p(char *path)
{
	for (char *p = path + 1; *p != '\0'; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
}

void
harness_write_file(const char *path, const char *content)
{
	char *copy = harness_strdupf("%s", path);
	FILE *f;

	mkdir_p(copy);
	free(copy);
	f = fopen(path, "w");
	CHECK(f != NULL, "cannot write %s: %s", path, strerror(errno));
	fputs(content, f);
	CHECK(fclose(f) == 0, "cannot write %s", path);
}

/* Temp dirs and servers that must not outlive the test program. */
static char *tmpdirs[HARNESS_MAX_LIVE];
static size_t ntmpdirs;
static struct srv *live[HARNESS_MAX_LIVE];
static int cleanup_registered;

static void
harness_cleanup(void)
{
	for (size_t i = 0; i < HARNESS_MAX_LIVE; i++)
		if (live[i] != NULL)
			srv_free(live[i]);
	for (size_t i = 0; i < ntmpdirs; i++) {
		rm_rf(tmpdirs[i]);
		free(tmpdirs[i]);
	}
	ntmpdirs = 0;
}

void
harness_filters(void)
{
	const char *f = getenv("MOTCUA_TEST_FILTER"), *k = getenv("MOTCUA_TEST_SKIP");

	if (f != NULL && *f != '\0')
		cmocka_set_test_filter(f);
	if (k != NULL && *k != '\0')
		cmocka_set_skip_filter(k);
}

int
harness_exit(int failed)
{
	harness_cleanup();
	if (failed != 0) {
		fflush(stdout);
		fflush(stderr);
		_exit(failed > 125 ? 125 : failed);
	}
	return 0;
}

static void
harness_register_cleanup(void)
{
	if (!cleanup_registered) {
		atexit(harness_cleanup);
		cleanup_registered = 1;
		signal(SIGPIPE, SIG_IGN);
	}
}

static char *
make_tmpdir(void)
{
	char *t = harness_strdupf("%s/motcua-api.XXXXXX", env_or("TMPDIR", "/tmp"));

	CHECK(mkdtemp(t) != NULL, "mkdtemp %s: %s", t, strerror(errno));
	chmod(t, 0755);
	return t;
}

const char *
harness_tmpdir(void)
{
	char *t;

	harness_register_cleanup();
	CHECK(ntmpdirs < HARNESS_MAX_LIVE, "too many temp dirs");
	t = make_tmpdir();
	tmpdirs[ntmpdirs++] = t;
	return t;
}

const char *
harness_backend(void)
{
	return strcmp(env_or("MOTCUA_TEST_DB", "sqlite"), "pg") == 0 ? "pg" : "sqlite";
}

/* ---- running programs ---------------------------------------------------- */

static int
decode_status(int ws)
{
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	return -1;
}

int
harness_run(const char *const *argv, struct cli_res *r, int timeout_ms)
{
	int out[2], err[2], ws = 0, open_fds = 2;
	struct hbuf bo = { 0 }, be = { 0 };
	int64_t deadline = harness_now_ms() + timeout_ms;
	pid_t pid, w = 0;

	harness_register_cleanup();
	memset(r, 0, sizeof(*r));
	CHECK(pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0, "pipe: %s",
	    strerror(errno));
	pid = fork();
	CHECK(pid != -1, "fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(out[1], 1);
		dup2(err[1], 2);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	r->status = -1;
	while (open_fds > 0) {
		struct pollfd pf[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
		int64_t left = deadline - harness_now_ms();
		char tmp[4096];

		if (left <= 0)
			break;
		if (poll(pf, 2, (int)left) <= 0)
			continue;
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(pf[i].fd, tmp, sizeof(tmp));
			if (n > 0)
				hbuf_add(i == 0 ? &bo : &be, tmp, (size_t)n);
			else if (n == 0 || errno != EINTR) {
				close(i == 0 ? out[0] : err[0]);
				if (i == 0)
					out[0] = -1;
				else
					err[0] = -1;
				open_fds--;
			}
		}
	}
	/* Both pipes closed (or time is up): reap within what is left. */
	while ((w = waitpid(pid, &ws, WNOHANG)) == 0 && harness_now_ms() < deadline)
		harness_sleep_ms(5);
	if (w == pid)
		r->status = decode_status(ws);
	else {
		kill(pid, SIGKILL);
		waitpid(pid, &ws, 0);
		r->status = -1;
	}
	if (out[0] >= 0)
		close(out[0]);
	if (err[0] >= 0)
		close(err[0]);
	r->out = hbuf_take(&bo, NULL);
	r->err = hbuf_take(&be, NULL);
	return r->status;
}

int
motcua_run(const char *const *args, struct cli_res *r, int timeout_ms)
{
	const char *argv[64];
	size_t n = 0;
	int rc;

	argv[n++] = env_required("MOTCUA_BIN");
	for (size_t i = 0; args != NULL && args[i] != NULL; i++) {
		CHECK(n < 63, "too many arguments");
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	rc = harness_run(argv, r, timeout_ms);
	return rc;
}

void
cli_res_free(struct cli_res *r)
{
	if (r == NULL)
		return;
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

/* ---- the server ---------------------------------------------------------- */

static void
live_add(struct srv *s)
{
	for (size_t i = 0; i < HARNESS_MAX_LIVE; i++)
		if (live[i] == NULL) {
			live[i] = s;
			return;
		}
	CHECK(0, "more than %d servers at once", HARNESS_MAX_LIVE);
}

static void
live_remove(struct srv *s)
{
	for (size_t i = 0; i < HARNESS_MAX_LIVE; i++)
		if (live[i] == s)
			live[i] = NULL;
}

static const char *
pg_script(void)
{
	static char path[1024];

	snprintf(path, sizeof(path), "%s/scripts/pg-test.sh",
	    env_required("MOTCUA_SOURCE_DIR"));
	return path;
}

struct srv *
srv_create(int migrate)
{
	static unsigned counter;
	struct srv *s;
	char *dir;

	harness_register_cleanup();
	s = calloc(1, sizeof(*s));
	CHECK(s != NULL, "out of memory");
	s->out_fd = -1;
	dir = make_tmpdir();
	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	free(dir);
	live_add(s);
	if (strcmp(harness_backend(), "pg") == 0) {
		const char *pgdir = env_required("MOTCUA_PG_DIR");
		struct cli_res r;
		size_t n;

		s->backend_pg = 1;
		snprintf(s->pg_name, sizeof(s->pg_name), "t%ld_%u_%ld", (long)getpid(),
		    counter++, (long)(harness_now_ms() % 100000));
		harness_run((const char *const[]){ pg_script(), "url", pgdir, s->pg_name, NULL },
		    &r, 30000);
		if (r.status != 0) {
			print_error("pg-test.sh url failed (%d): %s\n(is the cluster running? "
			    "scripts/pg-test.sh start %s)\n", r.status, r.err, pgdir);
			cli_res_free(&r);
			_fail(__FILE__, __LINE__);
		}
		n = strcspn(r.out, "\r\n");
		r.out[n] = '\0';
		snprintf(s->db_url, sizeof(s->db_url), "%s", r.out);
		cli_res_free(&r);
		CHECK(strncmp(s->db_url, "postgresql://", 13) == 0, "odd URL from pg-test.sh: %s",
		    s->db_url);
	} else
		snprintf(s->db_url, sizeof(s->db_url), "sqlite:%s/t.db", s->dir);
	if (migrate) {
		struct cli_res r;

		motcua_run((const char *const[]){ "migrate", "--db", s->db_url, NULL }, &r,
		    HARNESS_CLI_WAIT_MS);
		if (r.status != 0) {
			print_error("motcua migrate --db %s failed (%d):\n%s%s\n", s->db_url,
			    r.status, r.out, r.err);
			cli_res_free(&r);
			_fail(__FILE__, __LINE__);
		}
		cli_res_free(&r);
	}
	return s;
}

void
srv_launch(struct srv *s, const char *const *extra)
{
	const char *argv[96];
	int64_t deadline = harness_now_ms() + HARNESS_LISTEN_WAIT_MS;
	struct hbuf line = { 0 };
	int p[2], ws;
	size_t n = 0;
	pid_t pid;
	char *nl;

	CHECK(s->pid == 0, "srv_launch: the server is already running");
	argv[n++] = env_required("MOTCUA_BIN");
	argv[n++] = "serve";
	argv[n++] = "--db";
	argv[n++] = s->db_url;
	argv[n++] = "--listen";
	argv[n++] = "127.0.0.1:0";
	argv[n++] = "--web";
	argv[n++] = env_required("MOTCUA_WEB");
	for (size_t i = 0; extra != NULL && extra[i] != NULL; i++) {
		CHECK(n < 95, "too many arguments");
		argv[n++] = extra[i];
	}
	argv[n] = NULL;
	CHECK(pipe2(p, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
	pid = fork();
	CHECK(pid != -1, "fork: %s", strerror(errno));
	if (pid == 0) {
		/* Die with the test program, whatever kills it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(p[1], 1);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	s->pid = pid;
	s->out_fd = p[0];
	/* Read stdout up to the first newline, bounded. */
	while ((nl = line.p ? strchr(line.p, '\n') : NULL) == NULL) {
		struct pollfd pf = { s->out_fd, POLLIN, 0 };
		int64_t left = deadline - harness_now_ms();
		char c[256];
		ssize_t got;

		if (left <= 0) {
			free(line.p);
			srv_terminate(s, SIGKILL, 5000);
			CHECK(0, "motcua serve printed no \"listening on\" line within %d ms",
			    HARNESS_LISTEN_WAIT_MS);
		}
		if (poll(&pf, 1, (int)left) <= 0)
			continue;
		got = read(s->out_fd, c, sizeof(c));
		if (got > 0) {
			hbuf_add(&line, c, (size_t)got);
			continue;
		}
		if (got == -1 && errno == EINTR)
			continue;
		/* EOF: it exited before listening. */
		free(line.p);
		waitpid(pid, &ws, 0);
		s->pid = 0;
		close(s->out_fd);
		s->out_fd = -1;
		CHECK(0, "motcua serve exited with status %d before listening "
		    "(its stderr is above)", decode_status(ws));
	}
	*nl = '\0';
	{
		unsigned port = 0;
		char host[32] = "";

		if (sscanf(line.p, "listening on http://%31[^:]:%u", host, &port) != 2 ||
		    port == 0 || port > 65535) {
			char copy[256];

			snprintf(copy, sizeof(copy), "%s", line.p);
			free(line.p);
			srv_terminate(s, SIGKILL, 5000);
			CHECK(0, "unexpected first line from motcua serve: \"%s\"", copy);
		}
		snprintf(s->host, sizeof(s->host), "%s", host);
		s->port = port;
		snprintf(s->base, sizeof(s->base), "http://%s:%u", host, port);
	}
	free(line.p);
}

struct srv *
srv_start(const char *const *extra)
{
	struct srv *s = srv_create(1);

	srv_launch(s, extra);
	return s;
}

int
srv_terminate(struct srv *s, int sig, int timeout_ms)
{
	int64_t deadline = harness_now_ms() + timeout_ms;
	int ws = 0, rc;
	pid_t w;

	if (s == NULL || s->pid == 0)
		return -1;
	if (sig != 0)
		kill(s->pid, sig);
	while ((w = waitpid(s->pid, &ws, WNOHANG)) == 0 && harness_now_ms() < deadline)
		harness_sleep_ms(10);
	if (w == s->pid)
		rc = decode_status(ws);
	else {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &ws, 0);
		rc = -1;
	}
	s->pid = 0;
	s->port = 0;
	s->base[0] = '\0';
	if (s->out_fd >= 0)
		close(s->out_fd);
	s->out_fd = -1;
	return rc;
}

void
srv_stop(struct srv *s)
{
	int rc;

	if (s == NULL)
		return;
	rc = srv_terminate(s, SIGTERM, HARNESS_STOP_WAIT_MS);
	srv_free(s);
	if (rc == -1)
		fail_msg("the server did not exit within %d ms of SIGTERM (killed)",
		    HARNESS_STOP_WAIT_MS);
	else if (rc != 0)
		fail_msg("the server exited with status %d after SIGTERM (want 0; a "
		    "sanitizer report, if any, is above)", rc);
}

void
srv_free(struct srv *s)
{
	if (s == NULL)
		return;
	if (s->pid != 0)
		srv_terminate(s, SIGKILL, 5000);
	live_remove(s);
	if (s->pg_name[0] != '\0' && getenv("MOTCUA_PG_DIR") != NULL) {
		struct cli_res r;

		/* Best effort: the cluster goes away at the end anyway. */
		harness_run((const char *const[]){ pg_script(), "drop",
		    getenv("MOTCUA_PG_DIR"), s->pg_name, NULL }, &r, 30000);
		cli_res_free(&r);
	}
	rm_rf(s->dir);
	free(s);
}

const char *
srv_db_url(const struct srv *s)
{
	return s->db_url;
}

char *
srv_token_header(const struct srv *s, const char *name, const char *scopes, const char *agency)
{
	struct cli_res r;
	char *h;

	motcua_run((const char *const[]){ "token", "create", "--name", name, "--scopes", scopes,
	    "--agency", agency, "--db", s->db_url, NULL }, &r, 60000);
	if (r.status != 0)
		fail_msg("token create failed: %s", r.err);
	h = harness_strdupf("Authorization: Bearer %.*s", (int)strcspn(r.out, "\r\n \t"), r.out);
	cli_res_free(&r);
	return h;
}

void
harness_assert_healthy(const struct srv *s, const char *file, int line)
{
	struct http_res *r = http_get(s, "/healthz");
	json_t *st = r->json ? json_object_get(r->json, "status") : NULL;
	int ok = r->status == 200 && json_is_string(st) &&
	    strcmp(json_string_value(st), "ok") == 0;
	long status = r->status;
	char err[256];

	snprintf(err, sizeof(err), "%s", r->err);
	http_res_free(r);
	CHECK_AT(file, line, ok, "server not healthy: GET /healthz -> %ld %s", status, err);
}

/* ---- HTTP with libcurl --------------------------------------------------- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void
curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct res_build {
	struct http_res *r;
	struct hbuf body;
	size_t hcap;
};

static void
res_clear_headers(struct http_res *r)
{
	for (size_t i = 0; i < r->nhdrs; i++) {
		free(r->hdrs[i].name);
		free(r->hdrs[i].value);
	}
	r->nhdrs = 0;
}

static void
res_add_header(struct res_build *b, const char *line, size_t n)
{
	struct http_res *r = b->r;
	const char *colon = memchr(line, ':', n);
	size_t vs, ve;

	if (colon == NULL)
		return;
	if (r->nhdrs == b->hcap) {
		b->hcap = b->hcap ? b->hcap * 2 : 16;
		r->hdrs = realloc(r->hdrs, b->hcap * sizeof(*r->hdrs));
		CHECK(r->hdrs != NULL, "out of memory");
	}
	vs = (size_t)(colon - line) + 1;
	ve = n;
	while (vs < ve && (line[vs] == ' ' || line[vs] == '\t'))
		vs++;
	while (ve > vs && (line[ve - 1] == '\r' || line[ve - 1] == '\n' ||
	    line[ve - 1] == ' ' || line[ve - 1] == '\t'))
		ve--;
	r->hdrs[r->nhdrs].name = strndup(line, (size_t)(colon - line));
	r->hdrs[r->nhdrs].value = strndup(line + vs, ve - vs);
	r->nhdrs++;
}

static size_t
curl_on_header(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct res_build *b = ctx;
	size_t n = size * nmemb;

	if (n >= 5 && strncmp(p, "HTTP/", 5) == 0)
		res_clear_headers(b->r); /* a new (final or 1xx) response */
	else
		res_add_header(b, p, n);
	return n;
}

static size_t
curl_on_body(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct res_build *b = ctx;

	hbuf_add(&b->body, p, size * nmemb);
	return size * nmemb;
}

static void
res_parse_json(struct http_res *r)
{
	const char *ct = http_header(r, "Content-Type");

	if (ct != NULL && (strncasecmp(ct, "application/json", 16) == 0 ||
	    strncasecmp(ct, "application/problem+json", 24) == 0) && r->len > 0)
		r->json = json_loadb(r->body, r->len, 0, NULL);
}

static struct http_res *
res_new(void)
{
	struct http_res *r = calloc(1, sizeof(*r));

	CHECK(r != NULL, "out of memory");
	return r;
}

struct http_res *
http_reqb(const struct srv *s, const char *method, const char *path,
    const char *const *headers, const void *body, size_t len)
{
	struct res_build b = { 0 };
	struct curl_slist *hl = NULL;
	char *url;
	CURL *c;
	CURLcode rc;

	pthread_once(&curl_once, curl_init_once);
	b.r = res_new();
	CHECK(s->port != 0, "http_req: the server is not running");
	url = harness_strdupf("%s%s", s->base, path);
	c = curl_easy_init();
	CHECK(c != NULL, "curl_easy_init failed");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 15000L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, curl_on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &b);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, curl_on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0 || body != NULL)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	hl = curl_slist_append(hl, "Expect:");
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++)
		hl = curl_slist_append(hl, headers[i]);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &b.r->status);
	if (rc != CURLE_OK) {
		snprintf(b.r->err, sizeof(b.r->err), "%s", curl_easy_strerror(rc));
		if (rc == CURLE_GOT_NOTHING || rc == CURLE_RECV_ERROR ||
		    rc == CURLE_PARTIAL_FILE || rc == CURLE_SEND_ERROR)
			b.r->closed = 1;
		if (rc == CURLE_OPERATION_TIMEDOUT)
			b.r->timed_out = 1;
	}
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	free(url);
	b.r->body = hbuf_take(&b.body, &b.r->len);
	res_parse_json(b.r);
	return b.r;
}

struct http_res *
http_req(const struct srv *s, const char *method, const char *path,
    const char *const *headers, const char *body)
{
	return http_reqb(s, method, path, headers, body, body ? strlen(body) : 0);
}

struct http_res *
http_get(const struct srv *s, const char *path)
{
	return http_req(s, "GET", path, NULL, NULL);
}

struct http_res *
http_json(const struct srv *s, const char *method, const char *path, const char *json_text)
{
	return http_req(s, method, path,
	    (const char *const[]){ "Content-Type: application/json", NULL }, json_text);
}

const char *
http_header(const struct http_res *r, const char *name)
{
	for (size_t i = 0; r != NULL && i < r->nhdrs; i++)
		if (strcasecmp(r->hdrs[i].name, name) == 0)
			return r->hdrs[i].value;
	return NULL;
}

void
http_res_free(struct http_res *r)
{
	if (r == NULL)
		return;
	res_clear_headers(r);
	free(r->hdrs);
	free(r->body);
	json_decref(r->json);
	free(r);
}

/* ---- raw sockets --------------------------------------------------------- */

int
raw_try_connect(const struct srv *s)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)s->port);
	if (inet_pton(AF_INET, s->host[0] ? s->host : "127.0.0.1", &sin.sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
raw_connect(const struct srv *s)
{
	int fd;

	CHECK(s->port != 0, "raw_connect: the server is not running");
	fd = raw_try_connect(s);
	CHECK(fd != -1, "connect to %s: %s", s->base, strerror(errno));
	return fd;
}

int
raw_send(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);

		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int
raw_sends(int fd, const char *str)
{
	return raw_send(fd, str, strlen(str));
}

/* Read more bytes into b before the deadline: >0 got some, 0 EOF/reset,
 * -1 timeout. */
static int
raw_fill(int fd, struct hbuf *b, int64_t deadline)
{
	for (;;) {
		struct pollfd pf = { fd, POLLIN, 0 };
		int64_t left = deadline - harness_now_ms();
		char tmp[16384];
		ssize_t n;

		if (left <= 0)
			return -1;
		if (poll(&pf, 1, (int)left) <= 0)
			continue;
		n = recv(fd, tmp, sizeof(tmp), 0);
		if (n > 0) {
			hbuf_add(b, tmp, (size_t)n);
			return 1;
		}
		if (n == 0 || (errno != EINTR && errno != EAGAIN))
			return 0;
	}
}

/* Decode a chunked body from p[0..n): 1 complete (out filled), 0 needs
 * more bytes, -1 malformed. */
static int
chunked_decode(const char *p, size_t n, struct hbuf *out)
{
	size_t i = 0;

	out->len = 0;
	for (;;) {
		const char *eol = memmem(p + i, n - i, "\r\n", 2);
		unsigned long sz;
		char *end;

		if (eol == NULL)
			return 0;
		sz = strtoul(p + i, &end, 16);
		if (end == p + i)
			return -1;
		i = (size_t)(eol - p) + 2;
		if (sz == 0) {
			/* Trailers end with an empty line. */
			if (n - i >= 2 && p[i] == '\r' && p[i + 1] == '\n')
				return 1;
			return memmem(p + i, n - i, "\r\n\r\n", 4) != NULL ? 1 : 0;
		}
		if (n - i < sz + 2)
			return 0;
		hbuf_add(out, p + i, sz);
		i += sz + 2;
	}
}

struct http_res *
raw_read(int fd, int timeout_ms, int head)
{
	int64_t deadline = harness_now_ms() + timeout_ms;
	struct res_build b = { 0 };
	struct hbuf in = { 0 };
	struct http_res *r;
	const char *hend;
	size_t hlen;
	int got;

	b.r = r = res_new();
	for (;;) {
		while ((hend = in.p ? memmem(in.p, in.len, "\r\n\r\n", 4) : NULL) == NULL) {
			if ((got = raw_fill(fd, &in, deadline)) <= 0) {
				if (got == 0)
					r->closed = 1;
				else
					r->timed_out = 1;
				snprintf(r->err, sizeof(r->err), "%s before a complete response "
				    "(%zu bytes)", got == 0 ? "closed" : "timeout", in.len);
				goto done;
			}
		}
		hlen = (size_t)(hend - in.p) + 4;
		if (sscanf(in.p, "HTTP/1.%*d %ld", &r->status) != 1) {
			snprintf(r->err, sizeof(r->err), "not an HTTP response");
			r->status = 0;
			goto done;
		}
		if (r->status >= 100 && r->status < 200) {
			memmove(in.p, in.p + hlen, in.len - hlen);
			in.len -= hlen;
			r->status = 0;
			continue;
		}
		break;
	}
	/* Headers: the lines after the status line. */
	for (const char *l = strstr(in.p, "\r\n") + 2; l < in.p + hlen - 2;) {
		const char *e = strstr(l, "\r\n");

		res_add_header(&b, l, (size_t)(e - l));
		l = e + 2;
	}
	{
		const char *te = http_header(r, "Transfer-Encoding");
		const char *cl = http_header(r, "Content-Length");
		size_t have = in.len - hlen;

		if (head || r->status == 204 || r->status == 304) {
			/* no body */
		} else if (te != NULL && strcasestr(te, "chunked") != NULL) {
			int c;

			while ((c = chunked_decode(in.p + hlen, in.len - hlen, &b.body)) == 0)
				if ((got = raw_fill(fd, &in, deadline)) <= 0) {
					r->closed = got == 0;
					r->timed_out = got != 0;
					break;
				}
			if (c == -1)
				snprintf(r->err, sizeof(r->err), "malformed chunked body");
		} else if (cl != NULL) {
			size_t want = strtoul(cl, NULL, 10);

			while (have < want) {
				if ((got = raw_fill(fd, &in, deadline)) <= 0) {
					r->closed = got == 0;
					r->timed_out = got != 0;
					break;
				}
				have = in.len - hlen;
			}
			hbuf_add(&b.body, in.p + hlen, have < want ? have : want);
		} else {
			while ((got = raw_fill(fd, &in, deadline)) > 0)
				;
			r->closed = got == 0;
			hbuf_add(&b.body, in.p + hlen, in.len - hlen);
		}
	}
done:
	free(in.p);
	r->body = hbuf_take(&b.body, &r->len);
	res_parse_json(r);
	return r;
}

int
raw_wait_closed(int fd, int timeout_ms)
{
	int64_t deadline = harness_now_ms() + timeout_ms;
	struct hbuf sink = { 0 };
	int got;

	while ((got = raw_fill(fd, &sink, deadline)) > 0)
		sink.len = 0;
	free(sink.p);
	return got == 0;
}

struct http_res *
raw_exchange(const struct srv *s, const void *req, size_t n, int timeout_ms)
{
	int fd = raw_connect(s);
	struct http_res *r;

	if (raw_send(fd, req, n) == -1) {
		/* The server may have answered and closed already; read it. */
	}
	r = raw_read(fd, timeout_ms, n >= 5 && memcmp(req, "HEAD ", 5) == 0);
	close(fd);
	return r;
}

/* ---- assertions ---------------------------------------------------------- */

void
harness_assert_problem(const struct http_res *r, long status, const char *slug,
    const char *file, int line)
{
	const char *ct = http_header(r, "Content-Type");
	const char *rid = http_header(r, "X-Request-Id");
	json_t *j = r->json, *v;

	CHECK_AT(file, line, r->status == status, "status %ld, want %ld (%s) body: %.300s",
	    r->status, status, r->err, r->body);
	CHECK_AT(file, line, ct != NULL && strncmp(ct, "application/problem+json", 24) == 0,
	    "Content-Type %s, want application/problem+json", ct ? ct : "(none)");
	CHECK_AT(file, line, json_is_object(j), "body is not a JSON object: %.300s", r->body);
	v = json_object_get(j, "type");
	CHECK_AT(file, line, json_is_string(v), "problem without type: %.300s", r->body);
	if (slug != NULL) {
		const char *t = json_string_value(v), *want = slug;
		size_t tl = strlen(t), wl = strlen(want);

		CHECK_AT(file, line, tl >= wl + 10 && strcmp(t + tl - wl, want) == 0 &&
		    strstr(t, "/problems/") != NULL,
		    "problem type \"%s\", want .../problems/%s", t, slug);
	}
	v = json_object_get(j, "title");
	CHECK_AT(file, line, json_is_string(v) && json_string_length(v) > 0,
	    "problem without title: %.300s", r->body);
	v = json_object_get(j, "status");
	CHECK_AT(file, line, json_is_integer(v) && json_integer_value(v) == status,
	    "problem status field disagrees: %.300s", r->body);
	v = json_object_get(j, "detail");
	CHECK_AT(file, line, json_is_string(v) && json_string_length(v) > 0,
	    "problem without detail: %.300s", r->body);
	v = json_object_get(j, "request_id");
	CHECK_AT(file, line, json_is_string(v) && rid != NULL &&
	    strcmp(json_string_value(v), rid) == 0,
	    "request_id %s differs from X-Request-Id %s",
	    json_is_string(v) ? json_string_value(v) : "(none)", rid ? rid : "(none)");
}

void
harness_assert_invalid_param(const struct http_res *r, const char *name, const char *file,
    int line)
{
	json_t *a = r->json ? json_object_get(r->json, "invalid_params") : NULL;
	size_t i;
	json_t *p;

	CHECK_AT(file, line, json_is_array(a), "no invalid_params in %.300s", r->body);
	json_array_foreach(a, i, p) {
		json_t *n = json_object_get(p, "name"), *why = json_object_get(p, "reason");

		if (json_is_string(n) && strcmp(json_string_value(n), name) == 0) {
			CHECK_AT(file, line, json_is_string(why) && json_string_length(why) > 0,
			    "invalid_params entry %s without a reason", name);
			return;
		}
	}
	CHECK_AT(file, line, 0, "invalid_params does not name \"%s\": %.300s", name, r->body);
}

void
harness_assert_security_headers(const struct http_res *r, const char *file, int line)
{
	const char *rid = http_header(r, "X-Request-Id");
	const char *csp = http_header(r, "Content-Security-Policy");
	const char *v;
	size_t i;

	CHECK_AT(file, line, rid != NULL, "no X-Request-Id (status %ld)", r->status);
	for (i = 0; rid[i] != '\0'; i++)
		CHECK_AT(file, line, (rid[i] >= '0' && rid[i] <= '9') ||
		    (rid[i] >= 'a' && rid[i] <= 'f'), "X-Request-Id \"%s\" is not hex", rid);
	CHECK_AT(file, line, i == 16, "X-Request-Id \"%s\" is not 16 characters", rid);
	CHECK_AT(file, line, csp != NULL, "no Content-Security-Policy (status %ld)", r->status);
	CHECK_AT(file, line, strstr(csp, "unsafe-inline") == NULL &&
	    strstr(csp, "unsafe-eval") == NULL, "CSP allows unsafe code: %s", csp);
	CHECK_AT(file, line, strstr(csp, "default-src") != NULL, "CSP has no default-src: %s",
	    csp);
	v = http_header(r, "X-Content-Type-Options");
	CHECK_AT(file, line, v != NULL && strcasecmp(v, "nosniff") == 0,
	    "X-Content-Type-Options %s (status %ld)", v ? v : "(none)", r->status);
	v = http_header(r, "Referrer-Policy");
	CHECK_AT(file, line, v != NULL && *v != '\0', "no Referrer-Policy (status %ld)",
	    r->status);
	v = http_header(r, "X-Frame-Options");
	CHECK_AT(file, line, v != NULL && strcasecmp(v, "DENY") == 0,
	    "X-Frame-Options %s (status %ld)", v ? v : "(none)", r->status);
}
