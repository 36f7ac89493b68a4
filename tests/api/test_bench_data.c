/*
 * `motcua bench-data --from/--until`: history placement for the benchmarks.
 * An older history generated with --until lies entirely before that date
 * (the dossier codes' reception day and the received_at the public lookup
 * shows), a recent part appended with --from lies from that date to before
 * today, codes stay unique across both, the server opens the result (a WAL
 * database again on SQLite), and a bad range changes nothing.  The clock is
 * fixed (MOTCUA_NOW) so the ranges are known.
 */
#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define NOW "2025-03-03T09:00:00+07:00"
#define OLD_N 400
#define NEW_N 200

static char data_arg[600];

static char *
bench_ok(struct srv *s, const char *const *extra, int want_status)
{
	const char *args[24] = { "bench-data", "--db", srv_db_url(s), "--data", data_arg,
		"--agencies", "2" };
	size_t n = 7;
	struct cli_res r;
	char *out;

	for (size_t i = 0; extra[i] != NULL && n < 23; i++)
		args[n++] = extra[i];
	args[n] = NULL;
	if (motcua_run(args, &r, 120000) != want_status)
		fail_msg("bench-data: want exit %d, got %d: %s%s", want_status, r.status, r.out,
		    r.err);
	out = strdup(r.out);
	cli_res_free(&r);
	return out;
}

/* The codes file as lines "CODE\tKEY"; asserts every code's YYMMDD is in
 * [lo, hi) and returns how many lines; codes appended to *all (for the
 * uniqueness check). */
static size_t
codes_check(const char *file, const char *lo, const char *hi, char (**all)[32], size_t *nall)
{
	FILE *f = fopen(file, "r");
	char line[128];
	size_t n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		char day[7];

		/* 000.00.01.H99-YYMMDD-XXXX */
		assert_true(strlen(line) > 21 && line[13] == '-' && line[20] == '-');
		memcpy(day, line + 14, 6);
		day[6] = '\0';
		if (strcmp(day, lo) < 0 || strcmp(day, hi) >= 0)
			fail_msg("%.25s: reception day %s outside [%s, %s)", line, day, lo, hi);
		*all = realloc(*all, (*nall + 1) * sizeof(**all));
		assert_non_null(*all);
		snprintf((*all)[(*nall)++], 32, "%.25s", line);
		n++;
	}
	fclose(f);
	return n;
}

static int
cmp_code(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* received_at of a few dossiers through the public lookup, as a date, in
 * [lo, hi). */
static void
lookup_check(struct srv *s, const char *file, const char *lo, const char *hi)
{
	FILE *f = fopen(file, "r");
	char line[128];
	int k = 0;

	assert_non_null(f);
	while (k < 5 && fgets(line, sizeof(line), f) != NULL) {
		char *tab = strchr(line, '\t'), *path;
		struct http_res *r;
		const char *at;

		assert_non_null(tab);
		*tab = '\0';
		tab[1 + strcspn(tab + 1, "\r\n")] = '\0';
		path = harness_strdupf("/api/v1/public/dossiers/%s?key=%s", line, tab + 1);
		r = http_get(s, path);
		if (r->status != 200)
			fail_msg("%s: %ld %s", path, r->status, r->body);
		at = json_string_value(json_object_get(r->json, "received_at"));
		assert_non_null(at);
		if (strncmp(at, lo, 10) < 0 || strncmp(at, hi, 10) >= 0)
			fail_msg("%s received %s, outside [%s, %s)", line, at, lo, hi);
		http_res_free(r);
		free(path);
		k++;
	}
	fclose(f);
	assert_int_equal(k, 5);
}

static void
test_until_and_from(void **state)
{
	struct srv *s = srv_create(1);
	char *old_codes = harness_strdupf("%s/old.tsv", s->dir);
	char *new_codes = harness_strdupf("%s/new.tsv", s->dir);
	char *bad_codes = harness_strdupf("%s/bad.tsv", s->dir);
	char (*all)[32] = NULL;
	size_t nall = 0;
	char *out;

	(void)state;
	/* The older history: one year before 2024-07-01. */
	out = bench_ok(s, (const char *const[]){ "--dossiers", "400", "--until", "2024-07-01",
	    "--years", "1", "--codes-out", old_codes, NULL }, 0);
	assert_non_null(strstr(out, "\"dossiers\": 400"));
	assert_non_null(strstr(out, "\"from\": \"2023-07-01\""));
	assert_non_null(strstr(out, "\"until\": \"2024-07-01\""));
	assert_non_null(strstr(out, "\"analyze_seconds\": "));
	free(out);
	assert_int_equal(codes_check(old_codes, "230701", "240701", &all, &nall), OLD_N);
	/* The recent part appended: from 2024-07-01 to before today. */
	out = bench_ok(s, (const char *const[]){ "--dossiers", "200", "--from", "2024-07-01",
	    "--codes-out", new_codes, NULL }, 0);
	assert_non_null(strstr(out, "\"until\": \"2025-03-03\""));
	assert_non_null(strstr(out, "\"indexes\": \"kept\""));
	free(out);
	assert_int_equal(codes_check(new_codes, "240701", "250303", &all, &nall), NEW_N);
	qsort(all, nall, sizeof(*all), cmp_code);
	for (size_t i = 1; i < nall; i++)
		if (strcmp(all[i - 1], all[i]) == 0)
			fail_msg("code %s generated twice", all[i]);
	/* A bad range is refused before anything is written. */
	free(bench_ok(s, (const char *const[]){ "--dossiers", "10", "--until", "2025-03-04",
	    "--codes-out", bad_codes, NULL }, 2));
	free(bench_ok(s, (const char *const[]){ "--dossiers", "10", "--from", "2024-07-01",
	    "--until", "2024-07-01", NULL }, 2));
	free(bench_ok(s, (const char *const[]){ "--dossiers", "10", "--from", "2024-07-01",
	    "--years", "2", NULL }, 2));
	free(bench_ok(s, (const char *const[]){ "--dossiers", "10", "--from", "2024-02-30", NULL },
	    2));
	assert_int_equal(access(bad_codes, F_OK), -1);
	/* The server opens what was generated and finds both parts. */
	srv_launch(s, (const char *const[]){ "--data", data_arg, NULL });
	lookup_check(s, old_codes, "2023-07-01", "2024-07-01");
	lookup_check(s, new_codes, "2024-07-01", "2025-03-03");
	if (!s->backend_pg) {
		char *wal = harness_strdupf("%s", srv_db_url(s) + strlen("sqlite:"));
		struct cli_res r;

		/* journal_mode is stored in the file header: WAL again. */
		r = (struct cli_res){ 0 };
		/* An absolute path: harness_run does not search PATH (as
		 * test_auth.c calls it). */
		if (harness_run((const char *const[]){ "/usr/bin/sqlite3", wal, "PRAGMA journal_mode",
		    NULL }, &r, 30000) != 0)
			fail_msg("sqlite3: %s%s", r.out, r.err);
		assert_string_equal(r.out, "wal\n");
		cli_res_free(&r);
		free(wal);
	} else {
		struct cli_res r = { 0 };

		/* Each loaded table vacuumed and analysed (db_bulk_analyze). */
		if (harness_run((const char *const[]){ "/usr/bin/psql", srv_db_url(s), "-X", "-A", "-t", "-c",
		    "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('dossiers', "
		    "'dossier_steps', 'dossier_history', 'dossier_counters') AND last_vacuum IS NOT "
		    "NULL AND last_analyze IS NOT NULL", NULL }, &r, 30000) != 0)
			fail_msg("psql: %s%s", r.out, r.err);
		assert_string_equal(r.out, "4\n");
		cli_res_free(&r);
	}
	srv_stop(s);
	free(all);
	free(old_codes);
	free(new_codes);
	free(bad_codes);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(data_arg, sizeof(data_arg), "%s/data", getenv("MOTCUA_SOURCE_DIR"));
	setenv("MOTCUA_NOW", NOW, 1);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_until_and_from),
	};

	return HARNESS_RUN(tests, setup, NULL);
}
