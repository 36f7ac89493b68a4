/*
 * A loopback HTTP receiver for the server's outgoing webhooks (the outbox's
 * hand-offs to external systems), shared by the API tests.
 *
 * One receiver is one listening socket on 127.0.0.1 (never another
 * address); a test may open several on different ports, one per external
 * system.  The receiver does nothing in the background: the test calls
 * webhook_rx_accept() to take the next request, which is read completely
 * (Content-Length framing), recorded (method, path, headers, body) and
 * answered with the receiver's current status, then the connection is
 * closed.  Requests the test does not accept wait in the listen backlog.
 *
 * Every wait is bounded: accept waits at most its timeout for a connection,
 * then at most WEBHOOK_RX_READ_MS for the request on it.
 *
 * Threads: main (test) thread only, like the rest of the assertions.
 *
 *	struct webhook_rx *rx = webhook_rx_open(0);
 *	struct webhook_req q;
 *	char url[96];
 *
 *	webhook_rx_url(rx, "/hook", url, sizeof(url));   // give it to the server
 *	...
 *	if (!webhook_rx_accept(rx, 15000, &q))
 *		fail_msg("nothing delivered");
 *	assert_string_equal(q.method, "POST");
 *	assert_non_null(webhook_req_header(&q, "X-Motcua-Signature"));
 *	webhook_req_clear(&q);
 *	webhook_rx_close(rx);
 */
#ifndef MOTCUA_TEST_WEBHOOK_RX_H
#define MOTCUA_TEST_WEBHOOK_RX_H

#include <stddef.h>

/* The longest a request may take to arrive once its connection is accepted. */
#define WEBHOOK_RX_READ_MS 10000
/* The largest request (head and body) a receiver takes; larger fails the test. */
#define WEBHOOK_RX_MAX (1024 * 1024)
#define WEBHOOK_RX_MAX_HDRS 64

struct webhook_rx;

struct webhook_req {
	char method[16];
	char path[512]; /* the request target, with its query */
	size_t nhdrs;
	struct {
		char *name; /* as sent, owned */
		char *value; /* trimmed, owned */
	} hdrs[WEBHOOK_RX_MAX_HDRS];
	char *body; /* NUL-terminated, never NULL after a successful accept; owned */
	size_t len; /* body length without the NUL */
};

/* Listen on 127.0.0.1:port (0: a free port the kernel picks), answering 200.
 * Asserts.  Caller owns it: webhook_rx_close(). */
struct webhook_rx *webhook_rx_open(int port);

/* The bound port. */
int webhook_rx_port(const struct webhook_rx *rx);

/* "http://127.0.0.1:PORT<path>" into out (truncated to outsz). */
void webhook_rx_url(const struct webhook_rx *rx, const char *path, char *out, size_t outsz);

/* The status line the following requests get: 200, 503, ... (default 200). */
void webhook_rx_set_status(struct webhook_rx *rx, int status);

/* How many requests this receiver has taken (accepted and answered). */
int webhook_rx_count(const struct webhook_rx *rx);

/* Take the next request within timeout_ms: read it whole, record it into *q
 * (cleared first; the caller frees it with webhook_req_clear()), answer it
 * with the current status and close the connection.  1 when a request was
 * taken; 0 when no connection came before the deadline or the peer went
 * away before a complete request (then *q is empty).  Asserts on a request
 * it cannot parse or larger than WEBHOOK_RX_MAX. */
int webhook_rx_accept(struct webhook_rx *rx, int timeout_ms, struct webhook_req *q);

/* Stop listening and free rx; NULL-safe.  The port becomes free again. */
void webhook_rx_close(struct webhook_rx *rx);

/* A loopback port that was free a moment ago (bound, then released): for a
 * receiver that is "down" first and listens there later. Asserts. */
int webhook_rx_free_port(void);

/* Value of header name (case-insensitive) of q, or NULL; borrowed from q. */
const char *webhook_req_header(const struct webhook_req *q, const char *name);

/* Free what q owns and empty it; NULL-safe; q itself is the caller's. */
void webhook_req_clear(struct webhook_req *q);

#endif
