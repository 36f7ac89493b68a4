/*
 * The loopback webhook receiver of the API tests (see webhook_rx.h).
 * Deliberately small: one request per connection (the server's libcurl
 * client sends one POST with Content-Length and reads the answer), no
 * keep-alive, no chunked bodies — a chunked or unframed request fails the
 * test rather than being guessed at.
 */
#define _GNU_SOURCE /* accept4 */
#include "webhook_rx.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

struct webhook_rx {
	int fd; /* listening socket */
	int port;
	int status; /* answered to the next requests */
	int count; /* requests taken */
};

static int
rx_listen(int port)
{
	struct sockaddr_in a;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (s < 0)
		fail_msg("webhook_rx: socket: %s", strerror(errno));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* A fixed port reopened after webhook_rx_free_port() may still have
	 * connections in TIME_WAIT. */
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s, 16) != 0) {
		int e = errno;

		close(s);
		fail_msg("webhook_rx: cannot listen on 127.0.0.1:%d: %s", port, strerror(e));
	}
	return s;
}

static int
rx_port_of(int s)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);

	if (getsockname(s, (struct sockaddr *)&a, &al) != 0)
		fail_msg("webhook_rx: getsockname: %s", strerror(errno));
	return ntohs(a.sin_port);
}

struct webhook_rx *
webhook_rx_open(int port)
{
	struct webhook_rx *rx = calloc(1, sizeof(*rx));

	if (rx == NULL)
		fail_msg("webhook_rx: out of memory");
	rx->fd = rx_listen(port);
	rx->port = rx_port_of(rx->fd);
	rx->status = 200;
	return rx;
}

int
webhook_rx_port(const struct webhook_rx *rx)
{
	return rx->port;
}

void
webhook_rx_url(const struct webhook_rx *rx, const char *path, char *out, size_t outsz)
{
	snprintf(out, outsz, "http://127.0.0.1:%d%s", rx->port, path ? path : "");
}

void
webhook_rx_set_status(struct webhook_rx *rx, int status)
{
	rx->status = status;
}

int
webhook_rx_count(const struct webhook_rx *rx)
{
	return rx->count;
}

void
webhook_rx_close(struct webhook_rx *rx)
{
	if (rx == NULL)
		return;
	if (rx->fd >= 0)
		close(rx->fd);
	free(rx);
}

int
webhook_rx_free_port(void)
{
	int s = rx_listen(0), port = rx_port_of(s);

	close(s);
	return port;
}

const char *
webhook_req_header(const struct webhook_req *q, const char *name)
{
	for (size_t i = 0; i < q->nhdrs; i++)
		if (strcasecmp(q->hdrs[i].name, name) == 0)
			return q->hdrs[i].value;
	return NULL;
}

void
webhook_req_clear(struct webhook_req *q)
{
	if (q == NULL)
		return;
	for (size_t i = 0; i < q->nhdrs; i++) {
		free(q->hdrs[i].name);
		free(q->hdrs[i].value);
	}
	free(q->body);
	memset(q, 0, sizeof(*q));
}

static char *
rx_strndup(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		fail_msg("webhook_rx: out of memory");
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Parse the head buf[0..head_len) (ending in CRLF CRLF) into q; the
 * Content-Length into *want.  Fails the test on what it cannot read. */
static void
rx_parse_head(const char *buf, size_t head_len, struct webhook_req *q, long *want)
{
	const char *p = buf, *end = buf + head_len - 2, *eol, *sp1, *sp2;

	*want = 0;
	eol = memchr(p, '\r', (size_t)(end - p));
	sp1 = eol ? memchr(p, ' ', (size_t)(eol - p)) : NULL;
	sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
	if (sp2 == NULL || (size_t)(sp1 - p) >= sizeof(q->method) ||
	    (size_t)(sp2 - sp1 - 1) >= sizeof(q->path))
		fail_msg("webhook_rx: bad request line: %.80s", buf);
	memcpy(q->method, p, (size_t)(sp1 - p));
	memcpy(q->path, sp1 + 1, (size_t)(sp2 - sp1 - 1));
	for (p = eol + 2; p < end; p = eol + 2) {
		const char *colon, *v, *ve;

		eol = memchr(p, '\r', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon == NULL || q->nhdrs == WEBHOOK_RX_MAX_HDRS)
			fail_msg("webhook_rx: bad or too many header lines: %.80s", p);
		for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		for (ve = eol; ve > v && (ve[-1] == ' ' || ve[-1] == '\t'); ve--)
			;
		q->hdrs[q->nhdrs].name = rx_strndup(p, (size_t)(colon - p));
		q->hdrs[q->nhdrs].value = rx_strndup(v, (size_t)(ve - v));
		q->nhdrs++;
	}
	if (webhook_req_header(q, "Transfer-Encoding") != NULL)
		fail_msg("webhook_rx: chunked requests are not expected from the server");
	{
		const char *cl = webhook_req_header(q, "Content-Length");
		char *e = NULL;

		if (cl != NULL) {
			*want = strtol(cl, &e, 10);
			if (e == cl || *e != '\0' || *want < 0 || *want > WEBHOOK_RX_MAX)
				fail_msg("webhook_rx: bad Content-Length: %s", cl);
		}
	}
}

/* Answer status on c (best effort: the server may already have given up). */
static void
rx_answer(int c, int status)
{
	char line[128];
	int n = snprintf(line, sizeof(line),
	    "HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", status,
	    status >= 200 && status < 300 ? "OK" : "Test Answer");

	(void)!send(c, line, (size_t)n, MSG_NOSIGNAL);
}

int
webhook_rx_accept(struct webhook_rx *rx, int timeout_ms, struct webhook_req *q)
{
	struct pollfd p = { rx->fd, POLLIN, 0 };
	char *buf = NULL;
	size_t n = 0, cap = 0, head_len = 0;
	long want = -1;
	int64_t deadline;
	int c = -1, ok = 0;

	webhook_req_clear(q);
	if (poll(&p, 1, timeout_ms) != 1 || (c = accept4(rx->fd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		goto out;
	deadline = harness_now_ms() + WEBHOOK_RX_READ_MS;
	for (;;) {
		struct pollfd r = { c, POLLIN, 0 };
		int64_t left = deadline - harness_now_ms();
		ssize_t k;

		if (left <= 0 || poll(&r, 1, (int)left) != 1)
			goto out; /* the request never completed */
		if (n + 4096 + 1 > cap) {
			size_t ncap = cap ? cap * 2 : 16384;

			if (ncap > WEBHOOK_RX_MAX + 1)
				fail_msg("webhook_rx: request larger than %d bytes", WEBHOOK_RX_MAX);
			if ((buf = realloc(buf, ncap)) == NULL)
				fail_msg("webhook_rx: out of memory");
			cap = ncap;
		}
		if ((k = read(c, buf + n, cap - 1 - n)) < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			goto out; /* the peer went away first */
		n += (size_t)k;
		buf[n] = '\0';
		if (head_len == 0) {
			char *e = strstr(buf, "\r\n\r\n");

			if (e == NULL)
				continue;
			head_len = (size_t)(e + 4 - buf);
			rx_parse_head(buf, head_len, q, &want);
			/* libcurl may hold a larger body back until it hears this. */
			if (webhook_req_header(q, "Expect") != NULL)
				(void)!send(c, "HTTP/1.1 100 Continue\r\n\r\n", 25, MSG_NOSIGNAL);
		}
		if (n - head_len >= (size_t)want)
			break;
	}
	q->body = rx_strndup(buf + head_len, (size_t)want);
	q->len = (size_t)want;
	rx_answer(c, rx->status);
	rx->count++;
	ok = 1;
out:
	if (!ok)
		webhook_req_clear(q);
	if (c >= 0)
		close(c);
	free(buf);
	return ok;
}
