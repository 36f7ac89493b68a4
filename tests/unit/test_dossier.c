/*
 * Unit tests of the dossier slice's pure parts: the code format (Decree 61
 * Art. 26, Circular 01/2018 Art. 19) in Vietnam time, the lookup-key
 * alphabet and its randomness, the transition table's consistency (every
 * status reachable, terminal statuses closed, every row's permission held
 * by some role, names and labels), the queue order bands, and the generic
 * per-IP rate limiter the public lookup uses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "core/core.h"
#include "catalog/catalog.h"
#include "dossier/dossier.h"
#include "dossier/dossier_int.h"
#include "http/http.h"

static int64_t
iso(const char *s)
{
	int64_t t = 0;

	assert_int_equal(time_parse_iso(s, &t), 0);
	return t;
}

static void
test_code_format(void **state)
{
	char out[DOSSIER_CODE_LEN + 1];
	static const struct {
		const char *at;
		int64_t seq;
		const char *want;
	} ok[] = {
		{ "2026-11-30T10:15:00+07:00", 1, "000.00.01.H19-261130-0001" },
		{ "2025-03-03T23:59:59+07:00", 9999, "000.00.01.H19-250303-9999" },
		/* 17:30 UTC is already the next day in Vietnam. */
		{ "2025-03-03T17:30:00Z", 42, "000.00.01.H19-250304-0042" },
		{ "2025-03-03T16:59:59Z", 42, "000.00.01.H19-250303-0042" },
		{ "2030-01-01T00:00:00+07:00", 10, "000.00.01.H19-300101-0010" },
	};

	(void)state;
	for (size_t i = 0; i < CORE_NELEM(ok); i++) {
		assert_int_equal(dossier_code_format("000.00.01.H19", iso(ok[i].at), ok[i].seq, out,
		    sizeof(out)), 0);
		assert_string_equal(out, ok[i].want);
		assert_int_equal(strlen(out), DOSSIER_CODE_LEN);
		assert_true(dossier_code_valid(out));
	}
	/* Sequence 1..9999 only; a QCVN 102 agency code; room for the code. */
	assert_int_equal(dossier_code_format("000.00.01.H19", 0, 0, out, sizeof(out)), -1);
	assert_int_equal(dossier_code_format("000.00.01.H19", 0, 10000, out, sizeof(out)), -1);
	assert_int_equal(dossier_code_format("000.00.01.h19", 0, 1, out, sizeof(out)), -1);
	assert_int_equal(dossier_code_format("00.00.01.H19", 0, 1, out, sizeof(out)), -1);
	assert_int_equal(dossier_code_format("000.00.01.119", 0, 1, out, sizeof(out)), -1);
	assert_int_equal(dossier_code_format("000.00.01.H19", 0, 1, out, 10), -1);
	assert_true(catalog_agency_code_valid("000.01.05.H19"));
	assert_true(catalog_agency_code_valid("G12.00.00.A01"));
	assert_false(catalog_agency_code_valid(NULL));
	assert_false(catalog_agency_code_valid("000-00-00-H19"));
}

static void
test_code_valid(void **state)
{
	static const char *const bad[] = {
		"", "000.00.01.H19-261130-001", "000.00.01.H19-261130-00001",
		"000.00.01.H19-261130-0000", /* sequences start at 0001 */
		"000.00.01.H19-250230-0001", /* 30 February */
		"000.00.01.H19-251301-0001", "000.00.01.H19-250100-0001",
		"000.00.01.h19-261130-0001", "000.00.01.H19_261130_0001",
		"000.00.01.H19-26113O-0001", "000.00.01.H19-261130-0001 ",
		"../../etc/passwd-000000000",
	};

	(void)state;
	assert_true(dossier_code_valid("000.00.01.H19-261130-0001"));
	assert_true(dossier_code_valid("000.00.01.H19-240229-0001")); /* leap day */
	for (size_t i = 0; i < CORE_NELEM(bad); i++)
		if (dossier_code_valid(bad[i]))
			fail_msg("accepted \"%s\"", bad[i]);
	assert_false(dossier_code_valid(NULL));
}

static void
test_lookup_key(void **state)
{
	enum { N = 20000 };
	static const char alpha[] = DOSSIER_KEY_ALPHABET;
	char (*keys)[DOSSIER_KEY_LEN + 1] = calloc(N, sizeof(*keys));
	unsigned count[128] = { 0 };
	char k[DOSSIER_KEY_LEN + 1];

	(void)state;
	assert_non_null(keys);
	/* 31 unambiguous characters: no 0/O, 1/I/L. */
	assert_int_equal(strlen(alpha), 31);
	for (const char *p = "0O1IL"; *p; p++)
		assert_null(strchr(alpha, *p));
	for (size_t i = 0; i < strlen(alpha); i++)
		assert_null(strchr(alpha + i + 1, alpha[i])); /* no repeats */
	for (int i = 0; i < N; i++) {
		assert_int_equal(dossier_lookup_key_new(keys[i], sizeof(keys[i])), 0);
		assert_int_equal(strlen(keys[i]), DOSSIER_KEY_LEN);
		assert_true(dossier_lookup_key_valid(keys[i]));
		for (int j = 0; j < DOSSIER_KEY_LEN; j++)
			count[(unsigned char)keys[i][j]]++;
	}
	/* Every character used, none far from uniform (160000 draws: 5161
	 * expected each; 5 sigma is about 350). */
	for (size_t i = 0; i < strlen(alpha); i++) {
		unsigned c = count[(unsigned char)alpha[i]];

		if (c < 4700 || c > 5650)
			fail_msg("character %c drawn %u times", alpha[i], c);
	}
	/* No two keys alike among 20000 (the chance is about 2e-4). */
	qsort(keys, N, sizeof(*keys), (int (*)(const void *, const void *))strcmp);
	for (int i = 1; i < N; i++)
		assert_string_not_equal(keys[i - 1], keys[i]);
	free(keys);
	assert_int_equal(dossier_lookup_key_new(k, DOSSIER_KEY_LEN), -1);
	assert_false(dossier_lookup_key_valid("ABCDEFG"));
	assert_false(dossier_lookup_key_valid("ABCDEFGO"));
	assert_false(dossier_lookup_key_valid("ABCDEFG1"));
	assert_false(dossier_lookup_key_valid("abcdefgh"));
	assert_false(dossier_lookup_key_valid(NULL));
}

/* ---- the transition table ----------------------------------------------- */

static void
test_table_rows_sound(void **state)
{
	size_t n;
	const struct dossier_transition *t = dossier_transitions(&n);
	int used[DA__MAX] = { 0 };

	(void)state;
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		int holders = 0;

		assert_true(t[i].from < DS__MAX);
		assert_true(t[i].to < DS__MAX);
		assert_true(t[i].action < DA__MAX);
		used[t[i].action] = 1;
		/* One row per (from, action): the table is a function. */
		for (size_t j = i + 1; j < n; j++)
			if (t[j].from == t[i].from && t[j].action == t[i].action)
				fail_msg("two rows for %s from %s", dossier_action_name(t[i].action),
				    dossier_status_name(t[i].from));
		assert_ptr_equal(dossier_transition_find(t[i].from, t[i].action), &t[i]);
		/* Its permission is a dossier action some role holds, writes. */
		assert_true(t[i].perm > ACT_PUBLIC && t[i].perm < ACT__MAX);
		assert_int_equal(strncmp(auth_action_name(t[i].perm), "dossier.", 8), 0);
		assert_true(auth_action_writes(t[i].perm));
		for (int r = 0; r < ROLE__MAX; r++)
			holders += auth_role_can((enum auth_role)r, t[i].perm);
		if (holders == 0)
			fail_msg("nobody may %s (%s)", dossier_action_name(t[i].action),
			    auth_action_name(t[i].perm));
		/* The inspector (read-only) never acts. */
		assert_false(auth_role_can(ROLE_INSPECTOR, t[i].perm));
	}
	for (int a = 0; a < DA__MAX; a++)
		if (!used[a])
			fail_msg("action %s has no row", dossier_action_name((enum dossier_action)a));
}

static void
test_table_reachability(void **state)
{
	size_t n;
	const struct dossier_transition *t = dossier_transitions(&n);
	int reach[DS__MAX] = { 0 }, changed = 1, out[DS__MAX] = { 0 };

	(void)state;
	/* From what reception creates. */
	for (int o = 0; o < DO__MAX; o++) {
		enum dossier_status s = dossier_outcome_status((enum dossier_outcome)o);

		assert_true(s < DS__MAX);
		reach[s] = 1;
	}
	while (changed) {
		changed = 0;
		for (size_t i = 0; i < n; i++)
			if (reach[t[i].from] && !reach[t[i].to]) {
				reach[t[i].to] = 1;
				changed = 1;
			}
	}
	for (int s = 0; s < DS__MAX; s++)
		if (!reach[s])
			fail_msg("status %s cannot be reached",
			    dossier_status_name((enum dossier_status)s));
	for (size_t i = 0; i < n; i++)
		out[t[i].from]++;
	for (int s = 0; s < DS__MAX; s++) {
		enum dossier_status st = (enum dossier_status)s;

		/* Terminal statuses have no way out (none is allowed today);
		 * every other status has one, and a way to a terminal one. */
		if (dossier_status_terminal(st))
			assert_int_equal(out[s], 0);
		else
			assert_true(out[s] > 0);
	}
	/* Every non-terminal status can still end (no trap). */
	for (int s = 0; s < DS__MAX; s++) {
		int end[DS__MAX] = { 0 }, ends = 0;

		end[s] = 1;
		changed = 1;
		while (changed) {
			changed = 0;
			for (size_t i = 0; i < n; i++)
				if (end[t[i].from] && !end[t[i].to]) {
					end[t[i].to] = 1;
					changed = 1;
				}
		}
		for (int e = 0; e < DS__MAX; e++)
			ends += end[e] && dossier_status_terminal((enum dossier_status)e);
		assert_true(ends > 0);
	}
	/* The clock runs exactly where the law counts time. */
	assert_true(dossier_status_clock_runs(DS_RECEIVED));
	assert_true(dossier_status_clock_runs(DS_PROCESSING));
	assert_false(dossier_status_clock_runs(DS_AWAITING_SUPPLEMENT));
	assert_false(dossier_status_clock_runs(DS_SUBMITTED));
}

static int
has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

static void
test_names_and_labels(void **state)
{
	(void)state;
	for (int s = 0; s < DS__MAX; s++) {
		enum dossier_status st = (enum dossier_status)s;

		assert_non_null(dossier_status_name(st));
		assert_int_equal(dossier_status_from(dossier_status_name(st)), st);
		/* Vietnamese with its diacritics, and English. */
		assert_true(has_non_ascii(dossier_status_label(st, 0)));
		assert_true(strlen(dossier_status_label(st, 1)) > 0);
	}
	for (int a = 0; a < DA__MAX; a++) {
		enum dossier_action ac = (enum dossier_action)a;

		assert_non_null(dossier_action_name(ac));
		assert_int_equal(dossier_action_from(dossier_action_name(ac)), ac);
		assert_true(has_non_ascii(dossier_action_label(ac, 0)));
		assert_non_null(dossier_action_fields(ac));
	}
	assert_int_equal(dossier_status_from("nonsense"), DS__MAX);
	assert_int_equal(dossier_status_from(NULL), DS__MAX);
	assert_int_equal(dossier_action_from("fly"), DA__MAX);
	assert_null(dossier_status_name(DS__MAX));
	/* The actions of the issue are all there. */
	{
		static const char *const want[] = { "receive", "request_supplement", "supplement",
			"refuse", "assign", "forward", "send_back", "consult", "approve", "reject",
			"apologize", "result_ready", "return_result", "withdraw", "stop" };

		for (size_t i = 0; i < CORE_NELEM(want); i++)
			assert_int_not_equal(dossier_action_from(want[i]), DA__MAX);
	}
}

static void
test_queue_bands(void **state)
{
	struct dossier d;
	int64_t open, wait, done_old, done_new;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.created_at = iso("2025-03-03T09:00:00+07:00");
	d.due_at = iso("2030-03-10T17:00:00+07:00");
	d.status = DS_PROCESSING;
	open = dossier_queue_key(&d);
	assert_int_equal(open, d.due_at);
	d.status = DS_AWAITING_SUPPLEMENT;
	wait = dossier_queue_key(&d);
	d.status = DS_RETURNED;
	d.closed_at = iso("2025-03-04T09:00:00+07:00");
	done_old = dossier_queue_key(&d);
	d.closed_at = iso("2025-03-05T09:00:00+07:00");
	done_new = dossier_queue_key(&d);
	/* Open work first (even due years ahead), the applicant's turn next,
	 * then closed dossiers newest first. */
	assert_true(open < wait);
	assert_true(wait < done_new);
	assert_true(done_new < done_old);
}

/* ---- the rate limiter ----------------------------------------------------- */

/* Each language gets its own arguments: the Vietnamese text's first, then the
 * English text's, whatever their types. */
static void
test_err_languages(void **state)
{
	struct dossier_err e;

	(void)state;
	memset(&e, 0, sizeof(e));
	dossier_err_set(&e, PROB_UNPROCESSABLE, "Bước %d/%lld: \"%s\" %zu%%", "Step %s: %d",
	    3, (long long)4, "Đang giải quyết", (size_t)7, "Being processed", 9);
	assert_string_equal(e.vi, "Bước 3/4: \"Đang giải quyết\" 7%");
	assert_string_equal(e.en, "Step Being processed: 9");
	dossier_err_param(&e, "channel", "Kênh %s", "Channel %s", "trực tiếp", "counter");
	assert_int_equal(e.n, 1);
	assert_string_equal(e.p[0].vi, "Kênh trực tiếp");
	assert_string_equal(e.p[0].en, "Channel counter");
}

static void
test_ratelimit(void **state)
{
	struct ratelimit *rl = ratelimit_new(60, 60, 3, 64);
	char key[32];

	(void)state;
	assert_non_null(rl);
	/* A burst of 3, then one per second. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(ratelimit_take(rl, "203.0.113.7", 1000), 0);
	assert_int_equal(ratelimit_take(rl, "203.0.113.7", 1000), 1);
	assert_int_equal(ratelimit_take(rl, "198.51.100.1", 1000), 0); /* another IP */
	assert_int_equal(ratelimit_take(rl, "203.0.113.7", 2000), 0);
	assert_true(ratelimit_take(rl, "203.0.113.7", 2001) >= 1);
	/* Memory is bounded: many keys only evict old ones. */
	for (int i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "10.0.%d.%d", i / 256, i % 256);
		assert_int_equal(ratelimit_take(rl, key, 5000 + (uint64_t)i), 0);
	}
	assert_int_equal(ratelimit_take(NULL, "x", 0), 0);
	assert_null(ratelimit_new(0, 60, 1, 64));
	ratelimit_free(rl);
	ratelimit_free(NULL);
}

/* The receipt's QR code: the SVG's dark squares are exactly libqrencode's
 * dark modules (level M, 8-bit, case kept) shifted by the quiet zone, and
 * the quiet zone and the rest are white.  The SVG is read back into a
 * matrix; nothing is decoded. */
static void
test_qr_svg_matrix(void **state)
{
	static const char *const texts[] = {
		"https://dichvucong.example.gov.vn/portal/lookup.html?code=000.00.01.H19-250303-0001"
		"&key=AB23CD45",
		"http://127.0.0.1:8080/portal/lookup.html?code=000.01.21.H19-261130-0042&key=ZZ9Y8X7W",
		"a",
	};
	struct buf svg;

	(void)state;
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		QRcode *q = QRcode_encodeString(texts[t], 0, QR_ECLEVEL_M, QR_MODE_8, 1);
		int n, w, vb = 0, x, y, run, run2, used;
		unsigned char *m;
		const char *p;

		assert_non_null(q);
		w = q->width;
		n = w + 2 * DOSSIER_QR_QUIET;
		assert_int_equal(dossier_qr_svg(texts[t], &svg), 0);
		p = strstr(svg.data, "viewBox=\"0 0 ");
		assert_non_null(p);
		assert_int_equal(sscanf(p, "viewBox=\"0 0 %d", &vb), 1);
		assert_int_equal(vb, n);
		m = calloc((size_t)n * (size_t)n, 1);
		assert_non_null(m);
		p = strstr(svg.data, " d=\"");
		assert_non_null(p);
		p += 4;
		while (*p == 'M') {
			used = 0;
			assert_int_equal(sscanf(p, "M%d,%dh%dv1h-%dz%n", &x, &y, &run, &run2, &used), 4);
			assert_true(used > 0);
			assert_int_equal(run, run2);
			assert_true(x >= 0 && y >= 0 && run > 0 && x + run <= n && y < n);
			for (int k = 0; k < run; k++) {
				assert_int_equal(m[y * n + x + k], 0); /* no square drawn twice */
				m[y * n + x + k] = 1;
			}
			p += used;
		}
		assert_int_equal(*p, '"');
		for (y = 0; y < n; y++)
			for (x = 0; x < n; x++) {
				int in = x >= DOSSIER_QR_QUIET && y >= DOSSIER_QR_QUIET &&
				    x < DOSSIER_QR_QUIET + w && y < DOSSIER_QR_QUIET + w;
				int dark = in && (q->data[(y - DOSSIER_QR_QUIET) * w + x -
				    DOSSIER_QR_QUIET] & 1);

				if (m[y * n + x] != dark)
					fail_msg("module (%d, %d) of \"%s\": svg %d, libqrencode %d", x, y,
					    texts[t], m[y * n + x], dark);
			}
		free(m);
		buf_free(&svg);
		QRcode_free(q);
	}
	assert_int_equal(dossier_qr_svg("", &svg), -1);
	assert_int_equal(dossier_qr_svg(NULL, &svg), -1);
}


int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_code_format),
		cmocka_unit_test(test_code_valid),
		cmocka_unit_test(test_lookup_key),
		cmocka_unit_test(test_table_rows_sound),
		cmocka_unit_test(test_table_reachability),
		cmocka_unit_test(test_names_and_labels),
		cmocka_unit_test(test_queue_bands),
		cmocka_unit_test(test_ratelimit),
		cmocka_unit_test(test_qr_svg_matrix),
		cmocka_unit_test(test_err_languages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
