/* Prometheus counters: requests by route, method and status, a latency
 * histogram, DB errors and open connections.  Lock-free on the hot path
 * once a (route, method, status) row exists. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "http.h"

#define METRICS_ROWS 512

struct metrics_row {
	const char *route; /* static pattern string; compared by content */
	enum http_method method;
	int status;
	atomic_ullong count;
};

static const double metrics_bounds[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01,
	0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5 };
#define METRICS_NB (sizeof(metrics_bounds) / sizeof(metrics_bounds[0]))

static struct metrics_row metrics_rows[METRICS_ROWS];
static atomic_size_t metrics_nrows;
static pthread_mutex_t metrics_mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_ullong metrics_buckets[METRICS_NB + 1];
static atomic_ullong metrics_sum_us, metrics_count, metrics_overflow;
static atomic_llong metrics_conns;

static struct metrics_row *
metrics_find(const char *route, enum http_method m, int status, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct metrics_row *row = &metrics_rows[i];

		if (row->status == status && row->method == m &&
		    (row->route == route || strcmp(row->route, route) == 0))
			return row;
	}
	return NULL;
}

void
metrics_observe(const char *route, enum http_method m, int status, uint64_t ns)
{
	struct metrics_row *row;
	double s = (double)ns / 1e9;
	size_t n, b;

	if (route == NULL)
		route = "unmatched";
	n = atomic_load(&metrics_nrows);
	if ((row = metrics_find(route, m, status, n)) == NULL) {
		pthread_mutex_lock(&metrics_mu);
		n = atomic_load(&metrics_nrows);
		if ((row = metrics_find(route, m, status, n)) == NULL && n < METRICS_ROWS) {
			row = &metrics_rows[n];
			row->route = route;
			row->method = m;
			row->status = status;
			atomic_store(&metrics_nrows, n + 1);
		}
		pthread_mutex_unlock(&metrics_mu);
	}
	if (row != NULL)
		atomic_fetch_add(&row->count, 1);
	else
		atomic_fetch_add(&metrics_overflow, 1);
	for (b = 0; b < METRICS_NB && s > metrics_bounds[b]; b++)
		;
	atomic_fetch_add(&metrics_buckets[b], 1);
	atomic_fetch_add(&metrics_sum_us, ns / 1000);
	atomic_fetch_add(&metrics_count, 1);
}

void
metrics_conn_delta(int delta)
{
	atomic_fetch_add(&metrics_conns, delta);
}

void
metrics_render(struct buf *b)
{
	size_t n = atomic_load(&metrics_nrows);
	unsigned long long cum = 0;

	buf_puts(b, "# HELP motcua_http_requests_total HTTP requests by route, method and status.\n"
	    "# TYPE motcua_http_requests_total counter\n");
	for (size_t i = 0; i < n; i++) {
		buf_puts(b, "motcua_http_requests_total{route=\"");
		/* Patterns are ours (no quotes or backslashes), safe as label values. */
		buf_puts(b, metrics_rows[i].route);
		buf_printf(b, "\",method=\"%s\",status=\"%d\"} %llu\n",
		    http_method_name(metrics_rows[i].method), metrics_rows[i].status,
		    (unsigned long long)atomic_load(&metrics_rows[i].count));
	}
	buf_printf(b, "# HELP motcua_http_requests_unlabelled_total Requests past the label table's size.\n"
	    "# TYPE motcua_http_requests_unlabelled_total counter\n"
	    "motcua_http_requests_unlabelled_total %llu\n",
	    (unsigned long long)atomic_load(&metrics_overflow));
	buf_puts(b, "# HELP motcua_http_request_duration_seconds Time from request to response.\n"
	    "# TYPE motcua_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < METRICS_NB; i++) {
		cum += atomic_load(&metrics_buckets[i]);
		buf_printf(b, "motcua_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
		    metrics_bounds[i], cum);
	}
	cum += atomic_load(&metrics_buckets[METRICS_NB]);
	buf_printf(b, "motcua_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
	    "motcua_http_request_duration_seconds_sum %.6f\n"
	    "motcua_http_request_duration_seconds_count %llu\n", cum,
	    (double)atomic_load(&metrics_sum_us) / 1e6,
	    (unsigned long long)atomic_load(&metrics_count));
	buf_printf(b, "# HELP motcua_http_open_connections Open client connections.\n"
	    "# TYPE motcua_http_open_connections gauge\n"
	    "motcua_http_open_connections %lld\n",
	    (long long)atomic_load(&metrics_conns));
}
