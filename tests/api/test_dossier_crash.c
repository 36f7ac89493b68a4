/*
 * Reliability: `kill -9` of the server during a burst of receptions, three
 * times over, on SQLite and PostgreSQL, with enough concurrent clients
 * that receptions share group commits (checked through /metrics).  Afterwards every dossier whose 201
 * reached the client is in the database (read back through the API after
 * a restart), no code is duplicated, the day's sequence has no gap (a
 * reception cut off mid-transaction gave its number back), numbers are
 * never reused after the restart, every dossier has its audit entry, and
 * `motcua audit verify` passes.  Also the generators others rely on: `motcua
 * dossier demo` on the real seed catalogue (every status, through the real
 * code, audit chain whole) and `motcua bench-data` (twice on one database:
 * the second run continues the numbering).
 */
#define _GNU_SOURCE

#include "dossier_fixture.h"

/* Enough concurrent clients that receptions share commits (group commit):
 * the kill then lands while a batch of them waits for its COMMIT. */
#define WORKERS 16
#define ACKED_MAX 20000

static int64_t largest_batch; /* most receptions seen sharing one commit */

static pthread_mutex_t acked_mu = PTHREAD_MUTEX_INITIALIZER;
static char (*acked)[32];
static size_t nacked;

struct worker {
	volatile int *stop;
	int sent, ok;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	char *body = body_for("DOS-T3", "counter", "");
	const struct sess *x = &sess[W_RCV];

	while (!*w->stop) {
		struct http_res *r = http_req(g, "POST", "/api/v1/dossiers", (const char *const[]){
		    x->cookie, x->csrf_hdr, JSON_CT, NULL }, body);

		w->sent++;
		if (r->status == 201) {
			pthread_mutex_lock(&acked_mu);
			if (nacked < ACKED_MAX)
				snprintf(acked[nacked++], 32, "%s", jstr(r->json, "code"));
			pthread_mutex_unlock(&acked_mu);
			w->ok++;
		} else if (r->status == 0) {
			http_res_free(r);
			break; /* the server is gone */
		}
		http_res_free(r);
	}
	free(body);
	return NULL;
}

/* One burst: WORKERS threads receiving until the server is killed after
 * roughly ms milliseconds and at least min_acked new receipts. */
static void
burst_and_kill(int ms, size_t min_acked)
{
	pthread_t t[WORKERS];
	struct worker w[WORKERS];
	volatile int stop = 0;
	size_t before = nacked;
	int64_t deadline = harness_now_ms() + 30000, start = harness_now_ms();

	(void)sess_of(W_RCV);
	for (int i = 0; i < WORKERS; i++) {
		w[i] = (struct worker){ &stop, 0, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	for (;;) {
		size_t n;

		harness_sleep_ms(20);
		pthread_mutex_lock(&acked_mu);
		n = nacked - before;
		pthread_mutex_unlock(&acked_mu);
		if ((n >= min_acked && harness_now_ms() - start >= ms) || harness_now_ms() > deadline)
			break;
	}
	/* How many receptions shared a commit so far (the server's counters). */
	{
		struct http_res *m = http_get(g, "/metrics");
		const char *p = strstr(m->body, "\nmotcua_group_largest ");

		if (m->status == 200 && p != NULL && strtoll(p + 22, NULL, 10) > largest_batch)
			largest_batch = strtoll(p + 22, NULL, 10);
		http_res_free(m);
	}
	/* Mid-burst: requests are in flight, some inside their transaction. */
	assert_int_equal(srv_terminate(g, SIGKILL, 5000), 128 + SIGKILL);
	stop = 1;
	{
		int sent = 0, ok = 0;

		for (int i = 0; i < WORKERS; i++) {
			pthread_join(t[i], NULL);
			sent += w[i].sent;
			ok += w[i].ok;
		}
		fprintf(stderr, "crash: killed after %d receptions acknowledged of %d sent\n", ok,
		    sent);
	}
	assert_true(nacked - before >= min_acked);
	srv_launch(g, srv_args_scan0);
	srv_gen++;
}

static int
cmp_code(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static void
test_kill_during_receptions(void **state)
{
	struct http_res *r;
	char (*all)[32] = calloc(ACKED_MAX, 32), *path;
	size_t nall = 0;
	const char *cur = NULL;
	char today[8];
	struct cli_res cr;

	(void)state;
	acked = calloc(ACKED_MAX, 32);
	assert_non_null(acked);
	assert_non_null(all);
	/* Today in Vietnam, as the server sees it (MOTCUA_NOW unset). */
	at("2025-09-15T09:00:00+07:00");
	snprintf(today, sizeof(today), "250915");
	for (int round = 0; round < 3; round++)
		burst_and_kill(500 + 300 * round, 25);
	/* The bursts did form batches, so the kills hit shared commits. */
	fprintf(stderr, "crash: largest batch %lld\n", (long long)largest_batch);
	assert_true(largest_batch >= 2);

	/* Every acknowledged dossier is there. */
	for (size_t i = 0; i < nacked; i++) {
		r = get_as(W_RCV, acked[i]);
		if (r->status != 200)
			fail_msg("acknowledged dossier %s lost after kill -9: %ld %s", acked[i],
			    r->status, r->body);
		expect_field(r, "status", "received");
		http_res_free(r);
	}
	/* Every stored dossier, once: codes unique, the day's numbers 1..n. */
	path = strdup("/api/v1/dossiers?limit=500");
	for (;;) {
		json_t *items;

		r = as(W_ADM, "GET", path, NULL);
		expect(r, 200);
		items = json_object_get(r->json, "items");
		for (size_t i = 0; i < json_array_size(items) && nall < ACKED_MAX; i++)
			snprintf(all[nall++], 32, "%s", jstr(json_array_get(items, i), "code"));
		cur = jstr(r->json, "next_cursor");
		free(path);
		path = cur ? harness_strdupf("/api/v1/dossiers?limit=500&cursor=%s", cur) : NULL;
		http_res_free(r);
		if (path == NULL)
			break;
	}
	assert_true(nall >= nacked);
	qsort(all, nall, 32, cmp_code);
	for (size_t i = 0; i < nall; i++) {
		char want[64];

		snprintf(want, sizeof(want), "%s-%s-%04zu", C_DESK, today, i + 1);
		if (strcmp(all[i], want) != 0)
			fail_msg("dossier %zu: want %s, got %s (duplicate or gap)", i, want, all[i]);
	}
	/* Numbers are not reused: the next reception continues the day. */
	{
		char next[32], want[64];

		receive("DOS-T3", next);
		snprintf(want, sizeof(want), "%s-%s-%04zu", C_DESK, today, nall + 1);
		assert_string_equal(next, want);
	}
	/* One audit entry per dossier, and the chain is whole. */
	{
		size_t naudit = 0;

		path = strdup("/api/v1/audit?limit=500&action=dossier.receive");
		while (path != NULL) {
			r = as(W_ADM, "GET", path, NULL);
			expect(r, 200);
			naudit += json_array_size(json_object_get(r->json, "items"));
			cur = jstr(r->json, "next_cursor");
			free(path);
			path = cur ? harness_strdupf("/api/v1/audit?limit=500&action=dossier.receive"
			    "&cursor=%s", cur) : NULL;
			http_res_free(r);
		}
		assert_int_equal(naudit, nall + 1);
	}
	motcua_run((const char *const[]){ "audit", "verify", "--db", srv_db_url(g), NULL }, &cr,
	    60000);
	if (cr.status != 0)
		fail_msg("audit verify after kill -9: %s%s", cr.out, cr.err);
	cli_res_free(&cr);
	free(all);
	free(acked);
	acked = NULL;
}

/* SIGTERM during a burst with no grace: receptions still queued for the
 * group commit are answered 503 (nothing stored), those inside a COMMIT
 * get their 201 when it returns; nobody is left without an answer by a
 * clean exit, every 201 is stored, and the server exits 0 (under ASan: no
 * request freed while the writer still used it). */
struct term_worker {
	volatile int *stop;
	int n201, n503, nother;
	char codes[200][32];
	char other[160]; /* the first unexpected answer, for the failure message */
};

static void *
term_worker_main(void *arg)
{
	struct term_worker *w = arg;
	char *body = body_for("DOS-T3", "counter", "");
	const struct sess *x = &sess[W_RCV];

	while (!*w->stop) {
		struct http_res *r = http_req(g, "POST", "/api/v1/dossiers", (const char *const[]){
		    x->cookie, x->csrf_hdr, JSON_CT, NULL }, body);
		long st = r->status;

		if (st == 201 && w->n201 < 200)
			snprintf(w->codes[w->n201++], 32, "%s", jstr(r->json, "code"));
		else if (st == 503)
			w->n503++;
		else if (st != 0 && w->nother++ == 0)
			snprintf(w->other, sizeof(w->other), "%ld %.150s", st, r->body ? r->body : "");
		http_res_free(r);
		if (st == 0 || st == 503)
			break; /* the server is going */
	}
	free(body);
	return NULL;
}

static const char *srv_args_nograce[] = { "--data", data_arg, "--calendar_sync_seconds", "0",
	"--dossier_scan_seconds", "0", "--session_idle_timeout", "86400", "--shutdown_grace", "0",
	FAST_ARGON, NULL };

static void
test_sigterm_during_receptions(void **state)
{
	pthread_t t[WORKERS];
	struct term_worker *w = calloc(WORKERS, sizeof(*w));
	volatile int stop = 0;
	int n201 = 0, n503 = 0;

	(void)state;
	assert_non_null(w);
	at_args("2025-09-16T09:00:00+07:00", srv_args_nograce);
	(void)sess_of(W_RCV);
	for (int i = 0; i < WORKERS; i++) {
		w[i].stop = &stop;
		assert_int_equal(pthread_create(&t[i], NULL, term_worker_main, &w[i]), 0);
	}
	harness_sleep_ms(700);
	assert_int_equal(srv_terminate(g, SIGTERM, 60000), 0);
	stop = 1;
	for (int i = 0; i < WORKERS; i++) {
		pthread_join(t[i], NULL);
		n201 += w[i].n201;
		n503 += w[i].n503;
		if (w[i].nother != 0)
			fail_msg("worker %d: %d unexpected answers, the first: %s", i, w[i].nother,
			    w[i].other);
	}
	fprintf(stderr, "sigterm: %d received, %d answered 503\n", n201, n503);
	assert_true(n201 > 0);
	at_args("2025-09-16T09:00:00+07:00", srv_args_scan0);
	for (int i = 0; i < WORKERS; i++)
		for (int j = 0; j < w[i].n201; j++) {
			struct http_res *r = get_as(W_RCV, w[i].codes[j]);

			if (r->status != 200)
				fail_msg("acknowledged dossier %s lost after SIGTERM: %ld", w[i].codes[j],
				    r->status);
			http_res_free(r);
		}
	free(w);
}

static char *
run_ok(const char *const *args)
{
	struct cli_res r;
	char *out;

	if (motcua_run(args, &r, 110000) != 0)
		fail_msg("motcua %s %s failed (%d): %s%s", args[0], args[1], r.status, r.out, r.err);
	out = strdup(r.out);
	cli_res_free(&r);
	return out;
}

static void
test_demo_and_bench_data(void **state)
{
	struct srv *d = srv_create(1);
	char *out;
	int statuses[DS__MAX] = { 0 }, distinct = 0;
	size_t lines = 0;

	(void)state;
	out = run_ok((const char *const[]){ "seed", "--db", srv_db_url(d), "--data", data_arg,
	    NULL });
	free(out);
	out = run_ok((const char *const[]){ "dossier", "demo", "--count", "48", "--db",
	    srv_db_url(d), "--data", data_arg, NULL });
	assert_non_null(strstr(out, "demo.tiepnhan.1"));
	assert_non_null(strstr(out, "(0 lỗi)"));
	free(out);
	/* A second run adds dossiers, not officials. */
	out = run_ok((const char *const[]){ "dossier", "demo", "--count", "12", "--db",
	    srv_db_url(d), "--data", data_arg, NULL });
	assert_non_null(strstr(out, "đã có"));
	free(out);
	out = run_ok((const char *const[]){ "dossier", "list", "--db", srv_db_url(d), NULL });
	for (char *p = out; *p != '\0';) {
		char *nl = strchr(p, '\n'), *tab = strchr(p, '\t'), st[32];
		size_t n;

		if (nl == NULL || tab == NULL || tab > nl)
			break;
		n = strcspn(tab + 1, "\t");
		snprintf(st, sizeof(st), "%.*s", (int)n, tab + 1);
		if (dossier_status_from(st) < DS__MAX)
			statuses[dossier_status_from(st)]++;
		*tab = '\0';
		assert_true(dossier_code_valid(p));
		lines++;
		p = nl + 1;
	}
	free(out);
	for (int i = 0; i < DS__MAX; i++)
		distinct += statuses[i] > 0;
	assert_true(lines >= 50);
	assert_true(distinct >= 9); /* the youngest stories may still be under way */
	out = run_ok((const char *const[]){ "audit", "verify", "--db", srv_db_url(d), NULL });
	free(out);

	/* bench-data, twice: codes stay unique and the day's numbers go on. */
	out = run_ok((const char *const[]){ "bench-data", "--dossiers", "1500", "--agencies", "3",
	    "--detail", "full", "--db", srv_db_url(d), "--data", data_arg, NULL });
	assert_non_null(strstr(out, "\"dossiers\": 1500"));
	free(out);
	out = run_ok((const char *const[]){ "bench-data", "--dossiers", "700", "--agencies", "3",
	    "--detail", "lean", "--db", srv_db_url(d), "--data", data_arg, NULL });
	assert_non_null(strstr(out, "\"dossiers\": 700"));
	free(out);
	/* Bulk rows carry explicit ids: ordinary receptions afterwards must
	 * still get fresh ones (PostgreSQL's identity sequence was moved on). */
	out = run_ok((const char *const[]){ "dossier", "demo", "--count", "3", "--db",
	    srv_db_url(d), "--data", data_arg, NULL });
	assert_non_null(strstr(out, "(0 lỗi)"));
	free(out);
	out = run_ok((const char *const[]){ "dossier", "list", "--db", srv_db_url(d), NULL });
	lines = 0;
	for (char *p = out; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	assert_true(lines >= 50 + 2200 + 3);
	free(out);
	out = run_ok((const char *const[]){ "audit", "verify", "--db", srv_db_url(d), NULL });
	free(out);
	srv_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_during_receptions),
		cmocka_unit_test(test_sigterm_during_receptions),
		cmocka_unit_test(test_demo_and_bench_data),
	};

	return HARNESS_RUN(tests, group_setup, group_teardown);
}
