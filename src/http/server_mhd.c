/*
 * The libmicrohttpd adapter — the only file that includes microhttpd.h.
 *
 * Two-phase access handler: the first call for a request only records its
 * state (queuing a response there makes 0.9.75 answer "Connection: close"
 * and costs keep-alive); body chunks accumulate under a hard cap; the final
 * call dispatches and queues the response.  The exceptions are requests we
 * refuse before reading their body (oversized headers, declared oversized
 * body): for those closing the connection is what we want.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http.h"

/* How long shutdown waits, after shutdown_grace, for deferred requests
 * whose work is under way (a commit in progress ends within the database's
 * own timeouts). */
#define SERVER_DEFER_WAIT_S 30

struct rctx;

/* A deferred answer's states; every change under server.dmu. */
enum defer_state {
	DEFER_NONE, /* answered inline */
	DEFER_PENDING, /* http_defer() called; the handler has not returned */
	DEFER_SUSPENDED, /* the connection is parked */
	DEFER_READY, /* resumed: finish() runs at the next call */
};

struct http_defer {
	struct server *s;
	struct rctx *x;
	enum defer_state state;
	int used; /* http_defer() succeeded; only the request's own thread touches it */
	http_finish_fn finish;
	http_cancel_fn cancel;
	void *arg;
	struct http_defer *prev, *next; /* in server.waiting while PENDING/SUSPENDED */
};

struct server {
	struct MHD_Daemon *d;
	const struct http_app *app;
	struct server_opts o;
	unsigned port;
	atomic_int inflight;
	int can_defer; /* suspend/resume enabled (the epoll pool) */
	pthread_mutex_t dmu; /* deferred answers */
	struct http_defer *waiting; /* requests whose resume has not come */
	int nwaiting;
	int stopping; /* no new deferral once shutdown cancels the waiting */
	atomic_int closed; /* shutdown began: new connections are turned away */
};

struct rctx {
	struct req r;
	struct resp w;
	struct buf body;
	uint64_t t0;
	int refused; /* a response was queued before the body was read */
	int too_large; /* body exceeded the cap: answer 413 after draining */
	int bad_encoding;
	struct MHD_Connection *c;
	struct http_defer d;
};

struct header_scan {
	size_t bytes;
	int content_length; /* how many Content-Length headers */
	int transfer_encoding;
};

static enum MHD_Result
server_scan_headers(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *val)
{
	struct header_scan *h = cls;

	(void)kind;
	h->bytes += strlen(key) + (val ? strlen(val) : 0) + 4;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		h->content_length++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		h->transfer_encoding++;
	return MHD_YES;
}

static enum MHD_Result
server_sum_query(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t klen, const char *val, size_t vlen)
{
	size_t *sum = cls;

	(void)kind;
	(void)key;
	(void)val;
	*sum += klen + vlen + 2;
	return MHD_YES;
}

static const char *
server_header(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_HEADER_KIND, name);
}

/* Keep the path and query raw; http_url_decode validates them our way. */
static size_t
server_unescape_none(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

struct query_ctx {
	struct req *r;
	int bad;
};

static enum MHD_Result
server_collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t klen, const char *val, size_t vlen)
{
	struct query_ctx *q = cls;
	struct req *r = q->r;
	char *k, *v;

	(void)kind;
	if (r->nquery == HTTP_MAX_QUERY) {
		q->bad = 1;
		return MHD_NO;
	}
	k = http_url_decode(r->arena, key, klen, 1);
	v = val ? http_url_decode(r->arena, val, vlen, 1) : arena_strdup(r->arena, "");
	if (k == NULL || v == NULL) {
		q->bad = 1;
		return MHD_NO;
	}
	r->query[r->nquery].key = k;
	r->query[r->nquery].val = v;
	r->nquery++;
	return MHD_YES;
}

static void
server_free_buf(void *p)
{
	free(p);
}

static enum MHD_Result
server_queue(struct server *s, struct rctx *x)
{
	struct resp *w = &x->w;
	struct MHD_Response *mr;
	enum MHD_Result rc;

	if (w->kind == RESP_BODY_FD) {
		mr = MHD_create_response_from_fd64(w->fd_size, w->fd);
		if (mr != NULL)
			w->fd = -1; /* MHD closes it */
	} else if (w->kind == RESP_BODY_STATIC) {
		mr = MHD_create_response_from_buffer(w->static_len,
		    (void *)(uintptr_t)w->static_data, MHD_RESPMEM_PERSISTENT);
	} else if (w->body.overflow) {
		static const char oops[] = "{\"type\":\"/problems/internal\","
		    "\"title\":\"Lỗi hệ thống\",\"status\":500,"
		    "\"detail\":\"Phản hồi vượt quá giới hạn kích thước.\"}";

		w->status = 500;
		w->content_type = "application/problem+json";
		mr = MHD_create_response_from_buffer(sizeof(oops) - 1,
		    (void *)(uintptr_t)oops, MHD_RESPMEM_PERSISTENT);
	} else {
		/* Hand the buffer over instead of copying it. */
		mr = MHD_create_response_from_buffer_with_free_callback(w->body.len,
		    w->body.data, server_free_buf);
		if (mr != NULL) {
			w->body.data = NULL;
			w->body.len = w->body.cap = 0;
		}
	}
	if (mr == NULL)
		return MHD_NO;
	if (w->content_type != NULL)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, w->content_type);
	for (size_t i = 0; i < w->nheaders; i++)
		if (w->headers[i].key != NULL && w->headers[i].val != NULL)
			MHD_add_response_header(mr, w->headers[i].key, w->headers[i].val);
	(void)s;
	rc = MHD_queue_response(x->c, (unsigned)w->status, mr);
	MHD_destroy_response(mr);
	return rc;
}

/* ---- deferred answers ------------------------------------------------------ */

struct http_defer *
http_defer(struct req *r, http_finish_fn finish, http_cancel_fn cancel, void *arg)
{
	struct http_defer *d = r->defer;
	struct server *s;

	if (d == NULL || finish == NULL || d->state != DEFER_NONE)
		return NULL;
	s = d->s;
	pthread_mutex_lock(&s->dmu);
	if (s->stopping) {
		pthread_mutex_unlock(&s->dmu);
		return NULL;
	}
	d->finish = finish;
	d->cancel = cancel;
	d->arg = arg;
	d->state = DEFER_PENDING;
	d->used = 1;
	d->prev = NULL;
	d->next = s->waiting;
	if (s->waiting != NULL)
		s->waiting->prev = d;
	s->waiting = d;
	s->nwaiting++;
	pthread_mutex_unlock(&s->dmu);
	return d;
}

/* Under dmu: d leaves the waiting list and becomes READY; a parked
 * connection is woken (MHD then calls server_access again on its thread). */
static void
server_defer_ready(struct server *s, struct http_defer *d)
{
	enum defer_state was = d->state;

	if (was != DEFER_PENDING && was != DEFER_SUSPENDED)
		return;
	if (d->prev != NULL)
		d->prev->next = d->next;
	else
		s->waiting = d->next;
	if (d->next != NULL)
		d->next->prev = d->prev;
	d->prev = d->next = NULL;
	s->nwaiting--;
	d->state = DEFER_READY;
	/* Under the lock, so resume never overtakes the suspend it answers. */
	if (was == DEFER_SUSPENDED)
		MHD_resume_connection(d->x->c);
}

void
http_defer_resume(struct http_defer *d)
{
	struct server *s;

	if (d == NULL)
		return;
	s = d->s;
	pthread_mutex_lock(&s->dmu);
	server_defer_ready(s, d);
	pthread_mutex_unlock(&s->dmu);
}

/* Shutdown: every waiting request whose work can still be taken back is
 * resumed now (its finish answers 503); the others are under way and
 * resume by themselves.  No new deferral after this. */
static void
server_defer_cancel_all(struct server *s)
{
	struct http_defer *d, *next;

	pthread_mutex_lock(&s->dmu);
	s->stopping = 1;
	for (d = s->waiting; d != NULL; d = next) {
		next = d->next;
		if (d->cancel != NULL && d->cancel(d->arg) == 0)
			server_defer_ready(s, d);
	}
	pthread_mutex_unlock(&s->dmu);
}

static int
server_nwaiting(struct server *s)
{
	int n;

	pthread_mutex_lock(&s->dmu);
	n = s->nwaiting;
	pthread_mutex_unlock(&s->dmu);
	return n;
}

/* Refuse before reading the body: problem+json, then the connection closes. */
static enum MHD_Result
server_refuse(struct server *s, struct rctx *x, enum problem_kind k,
    const char *vi, const char *en)
{
	x->refused = 1;
	x->r.route_name = "refused";
	resp_problem(&x->w, &x->r, k, vi, en);
	http_security_headers(s->app, &x->r, &x->w);
	resp_header(&x->w, "Connection", "close");
	return server_queue(s, x);
}

static int
server_first_call(struct server *s, struct rctx *x, const char *url,
    const char *method, const char *version)
{
	const union MHD_ConnectionInfo *ci;
	struct req *r = &x->r;
	const char *cl;
	struct header_scan hs = { 0, 0, 0 };
	size_t qlen = 0;
	int64_t clen;

	if (rand_id_hex(r->request_id, HTTP_REQUEST_ID_LEN / 2) == -1)
		str_lcpy(r->request_id, "0000000000000000", sizeof(r->request_id));
	r->header_fn = server_header;
	r->header_ctx = x->c;
	if (s->can_defer) {
		x->d.s = s;
		x->d.x = x;
		r->defer = &x->d;
	}
	if ((ci = MHD_get_connection_info(x->c, MHD_CONNECTION_INFO_CLIENT_ADDRESS)) != NULL &&
	    ci->client_addr != NULL) {
		const struct sockaddr *sa = ci->client_addr;

		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			    r->remote_ip, sizeof(r->remote_ip));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			    r->remote_ip, sizeof(r->remote_ip));
	}
	r->lang = "vi";
	MHD_get_connection_values(x->c, MHD_HEADER_KIND, server_scan_headers, &hs);
	if (hs.bytes > s->o.max_header_bytes)
		return server_refuse(s, x, PROB_HEADERS_TOO_LARGE,
		    "Phần đầu yêu cầu vượt quá giới hạn.", "Request headers exceed the limit.");
	/* Two lengths, or a length beside chunked coding, let a proxy and us
	 * disagree on where the request ends (RFC 9112 §6.3): refuse and close. */
	if (hs.content_length > 1 || (hs.content_length > 0 && hs.transfer_encoding > 0))
		return server_refuse(s, x, PROB_BAD_REQUEST,
		    "Độ dài nội dung yêu cầu không rõ ràng.", "Ambiguous request framing.");
	/* HTTP/1.1 requires Host (RFC 9112 §3.2); 0.9.75 does not enforce it. */
	if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
	    MHD_lookup_connection_value(x->c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST) == NULL)
		return server_refuse(s, x, PROB_BAD_REQUEST,
		    "Yêu cầu HTTP/1.1 thiếu tiêu đề Host.", "HTTP/1.1 request without Host.");
	MHD_get_connection_values_n(x->c, MHD_GET_ARGUMENT_KIND, server_sum_query, &qlen);
	if (strlen(url) > HTTP_MAX_PATH || qlen > HTTP_MAX_QUERY_BYTES)
		return server_refuse(s, x, PROB_URI_TOO_LONG,
		    "Địa chỉ yêu cầu quá dài.", "The request URI is too long.");
	if ((r->method = http_method_from(method)) == HTTP__MAX) {
		x->refused = 1;
		resp_problem(&x->w, r, PROB_METHOD_NOT_ALLOWED,
		    "Phương thức không được hỗ trợ.", "Method not supported.");
		http_security_headers(s->app, r, &x->w);
		resp_header(&x->w, "Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
		return server_queue(s, x);
	}
	cl = MHD_lookup_connection_value(x->c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && (str_to_i64(cl, 0, INT64_MAX, &clen) == -1 ||
	    (uint64_t)clen > s->o.max_body_bytes))
		return server_refuse(s, x, PROB_PAYLOAD_TOO_LARGE,
		    "Nội dung yêu cầu vượt quá giới hạn.", "The request body exceeds the limit.");
	if ((r->path = http_url_decode(r->arena, url, strlen(url), 0)) == NULL)
		x->bad_encoding = 1;
	else {
		struct query_ctx q = { r, 0 };

		MHD_get_connection_values_n(x->c, MHD_GET_ARGUMENT_KIND,
		    server_collect_query, &q);
		x->bad_encoding = q.bad;
	}
	return MHD_YES;
}

static enum MHD_Result
server_access(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct server *s = cls;
	struct rctx *x = *con_cls;

	if (x == NULL) {
		if ((x = calloc(1, sizeof(*x))) == NULL)
			return MHD_NO;
		if (req_init(&x->r, &x->w, s->o.arena_bytes) == -1) {
			free(x);
			return MHD_NO;
		}
		x->t0 = clock_mono_ns();
		x->c = c;
		buf_init(&x->body, s->o.max_body_bytes);
		*con_cls = x;
		atomic_fetch_add(&s->inflight, 1);
		return server_first_call(s, x, url, method, version);
	}
	if (x->refused) {
		*upload_data_size = 0; /* discard; the connection closes */
		return MHD_YES;
	}
	if (x->d.used) {
		/* Called again after the resume: the handler is not called while
		 * the connection is parked, so this is READY (set before MHD's own
		 * locking of the resume). */
		x->d.used = 0;
		x->d.finish(&x->r, &x->w, x->d.arg);
		return server_queue(s, x);
	}
	if (*upload_data_size > 0) {
		if (!x->too_large && buf_append(&x->body, upload_data, *upload_data_size) == -1)
			x->too_large = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	/* The whole request is here. */
	if (x->too_large) {
		resp_problem(&x->w, &x->r, PROB_PAYLOAD_TOO_LARGE,
		    "Nội dung yêu cầu vượt quá giới hạn.", "The request body exceeds the limit.");
		http_security_headers(s->app, &x->r, &x->w);
		x->r.route_name = "refused";
	} else if (x->bad_encoding) {
		resp_problem(&x->w, &x->r, PROB_BAD_REQUEST,
		    "Địa chỉ hoặc tham số có mã hóa không hợp lệ (cần UTF-8).",
		    "The path or query has an invalid encoding (UTF-8 expected).");
		http_security_headers(s->app, &x->r, &x->w);
		x->r.route_name = "refused";
	} else {
		x->r.body = x->body.data;
		x->r.body_len = x->body.len;
		http_dispatch(s->app, &x->r, &x->w);
		if (x->d.used) {
			int park;

			pthread_mutex_lock(&s->dmu);
			park = x->d.state == DEFER_PENDING;
			if (park) {
				x->d.state = DEFER_SUSPENDED;
				MHD_suspend_connection(c);
			}
			pthread_mutex_unlock(&s->dmu);
			if (park)
				return MHD_YES;
			/* The work finished before the handler returned. */
			x->d.used = 0;
			x->d.finish(&x->r, &x->w, x->d.arg);
		}
	}
	return server_queue(s, x);
}

static void
server_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct rctx *x = *con_cls;
	uint64_t ns;

	(void)c;
	if (x == NULL)
		return;
	if (x->d.used) {
		enum defer_state st;

		pthread_mutex_lock(&s->dmu);
		st = x->d.state;
		pthread_mutex_unlock(&s->dmu);
		/* Resumed, but the connection closed before MHD called us again
		 * (the client gave up, or shutdown stopped the daemon a second
		 * after the last resume, as happens under heavy load): finish
		 * still releases what the deferred work holds (a reception's
		 * answer and body); its answer goes nowhere. */
		if (st == DEFER_READY) {
			x->d.used = 0;
			x->d.finish(&x->r, &x->w, x->d.arg);
		}
	}
	ns = clock_mono_ns() - x->t0;
	metrics_observe(x->r.route_name, x->r.method, x->w.status, ns);
	if (s->o.access_log)
		log_msg(toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? LOG_INFO : LOG_WARN,
		    x->r.request_id, "request", "method=%s route=%s status=%d us=%llu%s",
		    http_method_name(x->r.method),
		    x->r.route_name ? x->r.route_name : "-", x->w.status,
		    (unsigned long long)(ns / 1000),
		    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
	buf_free(&x->body);
	req_free(&x->r, &x->w);
	free(x);
	*con_cls = NULL;
	atomic_fetch_sub(&s->inflight, 1);
}

/* MHD_AcceptPolicyCallback.  Shutdown turns new connections away here
 * rather than with MHD_quiesce_daemon(): in libmicrohttpd 0.9.75 an epoll
 * worker that sees the quiesce flag removes the listen socket itself, and
 * when it wins the race the quiescing thread's own removal fails and the
 * library aborts the process ("Failed to remove listen FD from epoll set"),
 * seen under load in the API tests. */
static enum MHD_Result
server_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct server *s = cls;

	(void)addr;
	(void)addrlen;
	return atomic_load(&s->closed) ? MHD_NO : MHD_YES;
}

static void
server_notify_conn(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	(void)c;
	(void)socket_context;
	metrics_conn_delta(toe == MHD_CONNECTION_NOTIFY_STARTED ? 1 : -1);
}

static void
server_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	log_msg(LOG_WARN, NULL, "mhd", "msg=\"%s\"", msg);
}

struct server *
server_start(const struct server_opts *o, const struct http_app *app)
{
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *di;
	struct server *s;
	unsigned flags = MHD_USE_ERROR_LOG | MHD_USE_ITC;
	/* The pool holds the read buffer and one record per header, so it must
	 * exceed max_header_bytes well for our own 431 problem to answer rather
	 * than MHD's HTML one.  (MHD zeroes it after every keep-alive request:
	 * a measured cost of a few microseconds, accepted for that.) */
	size_t mem = o->max_header_bytes * 2 + 16384;

	if (mem < 65536)
		mem = 65536;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)o->port);
	if (inet_pton(AF_INET, o->host, &sin.sin_addr) != 1) {
		log_msg(LOG_ERROR, NULL, "listen", "reason=\"bad IPv4 address\"");
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->app = app;
	s->o = *o;
	pthread_mutex_init(&s->dmu, NULL);
	/* Deferred answers only in the pool: with a thread per connection a
	 * handler may simply block. */
	if (o->thread_per_connection)
		flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
	else {
		flags |= MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME;
		s->can_defer = 1;
	}
	s->d = MHD_start_daemon(flags, (uint16_t)o->port, server_accept, s,
	    server_access, s,
	    MHD_OPTION_EXTERNAL_LOGGER, server_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_UNESCAPE_CALLBACK, server_unescape_none, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, server_completed, s,
	    MHD_OPTION_NOTIFY_CONNECTION, server_notify_conn, s,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->conn_limit,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)o->per_ip_limit,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->idle_timeout_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, mem,
	    /* A pool of one is no pool: MHD warns, so pass it only above one. */
	    o->thread_per_connection || o->threads <= 1 ? MHD_OPTION_END
	    : MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads,
	    MHD_OPTION_END);
	if (s->d == NULL) {
		log_msg(LOG_ERROR, NULL, "listen", "host=%s port=%u reason=\"cannot start\"",
		    o->host, o->port);
		pthread_mutex_destroy(&s->dmu);
		free(s);
		return NULL;
	}
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di != NULL ? di->port : o->port;
	return s;
}

unsigned
server_port(const struct server *s)
{
	return s->port;
}

void
server_stop(struct server *s, unsigned grace_s)
{
	uint64_t until;

	if (s == NULL)
		return;
	/* Stop accepting first (server_accept), then let in-flight requests
	 * finish. */
	atomic_store(&s->closed, 1);
	until = clock_mono_ns() + (uint64_t)grace_s * 1000000000u;
	while (atomic_load(&s->inflight) > 0 && clock_mono_ns() < until)
		usleep(10000);
	/* Requests still waiting for work done elsewhere: take back what has
	 * not started (answered 503), wait for what is under way (a commit
	 * that succeeds must reach its client), then give the answers a
	 * moment to leave. */
	server_defer_cancel_all(s);
	until = clock_mono_ns() + SERVER_DEFER_WAIT_S * 1000000000ull;
	while (server_nwaiting(s) > 0 && clock_mono_ns() < until)
		usleep(10000);
	until = clock_mono_ns() + 1000000000ull;
	while (atomic_load(&s->inflight) > 0 && clock_mono_ns() < until)
		usleep(10000);
	if (server_nwaiting(s) > 0) {
		/* Stopping the daemon would free requests another thread still
		 * writes into; leave it to the process exit. */
		log_msg(LOG_ERROR, NULL, "stop", "waiting=%d msg=\"requests still waiting for the "
		    "database; not closing their connections\"", server_nwaiting(s));
		return;
	}
	MHD_stop_daemon(s->d);
	pthread_mutex_destroy(&s->dmu);
	free(s);
}
