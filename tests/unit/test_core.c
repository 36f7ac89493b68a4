/* Unit tests: arena, capped buffer, civil time, strings, config. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/core.h"

static void
test_arena_cap(void **state)
{
	struct arena *a = arena_new(1024);
	char *p;

	(void)state;
	assert_non_null(a);
	p = arena_alloc(a, 100);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % 16, 0);
	assert_int_equal(p[99], 0);
	assert_non_null(arena_alloc(a, 900));
	assert_null(arena_alloc(a, 100)); /* past the cap */
	assert_null(arena_alloc(a, SIZE_MAX)); /* overflow of the rounding */
	arena_free(a);
	arena_free(NULL);
}

static void
test_arena_strings(void **state)
{
	struct arena *a = arena_new(1 << 20);

	(void)state;
	assert_string_equal(arena_strdup(a, "Đồng Nai"), "Đồng Nai");
	assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
	assert_string_equal(arena_printf(a, "%d-%s", 42, "x"), "42-x");
	assert_null(arena_strdup(a, NULL));
	/* Many small allocations span chunks. */
	for (int i = 0; i < 10000; i++)
		assert_non_null(arena_alloc(a, 24));
	assert_true(arena_used(a) >= 10000 * 32);
	arena_free(a);
}

static void
test_buf_cap_sticky(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_puts(&b, "12345"), 0);
	assert_int_equal(buf_puts(&b, "678"), 0);
	assert_int_equal(b.len, 8);
	assert_int_equal(buf_putc(&b, '9'), -1);
	assert_true(b.overflow);
	/* Once overflowed, even a small append fails: callers check once. */
	assert_int_equal(buf_puts(&b, ""), -1);
	assert_string_equal(b.data, "12345678");
	buf_reset(&b);
	assert_false(b.overflow);
	assert_int_equal(buf_printf(&b, "%d", 1234567), 0);
	assert_int_equal(buf_printf(&b, "%d", 12), -1);
	buf_free(&b);
	buf_free(NULL);
}

static void
test_buf_json_escape(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "\"\"" },
		{ "Hồ sơ", "\"Hồ sơ\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "x\ny\tz\r", "\"x\\ny\\tz\\r\"" },
		{ "\x01\x1f", "\"\\u0001\\u001f\"" },
	};
	struct buf b;

	(void)state;
	for (size_t i = 0; i < CORE_NELEM(cases); i++) {
		buf_init(&b, 1024);
		assert_int_equal(buf_put_json_str(&b, cases[i].in), 0);
		assert_string_equal(b.data, cases[i].out);
		buf_free(&b);
	}
}

static void
test_time_civil(void **state)
{
	static const struct {
		int y, m, d;
		int64_t days;
		int wd;
	} cases[] = {
		{ 1970, 1, 1, 0, 3 },
		{ 2000, 2, 29, 11016, 1 },
		{ 2026, 11, 30, 20787, 0 },
		{ 1900, 1, 1, -25567, 0 },
		{ 2199, 12, 31, 84005, 1 },
	};

	(void)state;
	for (size_t i = 0; i < CORE_NELEM(cases); i++) {
		int y, m, d;

		assert_int_equal(time_days_from_civil(cases[i].y, cases[i].m, cases[i].d),
		    cases[i].days);
		time_civil_from_days(cases[i].days, &y, &m, &d);
		assert_int_equal(y, cases[i].y);
		assert_int_equal(m, cases[i].m);
		assert_int_equal(d, cases[i].d);
		assert_int_equal(time_weekday(cases[i].days), cases[i].wd);
	}
	assert_int_equal(time_days_in_month(2024, 2), 29);
	assert_int_equal(time_days_in_month(2100, 2), 28);
	assert_int_equal(time_days_in_month(2000, 2), 29);
	assert_int_equal(time_days_in_month(2025, 13), 0);
}

static void
test_time_iso(void **state)
{
	static const struct {
		const char *in;
		int ok;
		int64_t t;
	} cases[] = {
		{ "2026-11-30T10:15:00+07:00", 1, 1796008500 },
		{ "2026-11-30T03:15:00Z", 1, 1796008500 },
		{ "2026-11-30T10:15+07:00", 1, 1796008500 },
		{ "2026-11-30T10:15:00", 1, 1796008500 }, /* no offset: Vietnam */
		{ "2026-11-30T10:15:00.123+0700", 1, 1796008500 },
		{ "2026-11-30T05:15:00+02:00", 1, 1796008500 },
		{ "2026-02-30T10:00:00+07:00", 0, 0 },
		{ "2026-11-30T24:00:00+07:00", 0, 0 },
		{ "2026-11-30", 0, 0 },
		{ "2026-11-30T10:15:00+07:00x", 0, 0 },
		{ "", 0, 0 },
		{ "garbage", 0, 0 },
	};
	char out[32];

	(void)state;
	for (size_t i = 0; i < CORE_NELEM(cases); i++) {
		int64_t t = 0;
		int rc = time_parse_iso(cases[i].in, &t);

		assert_int_equal(rc, cases[i].ok ? 0 : -1);
		if (cases[i].ok)
			assert_int_equal(t, cases[i].t);
	}
	time_format_iso(1796008500, out);
	assert_string_equal(out, "2026-11-30T10:15:00+07:00");
	/* 23:30 UTC is already the next day in Vietnam. */
	time_format_date(1796081400, out);
	assert_string_equal(out, "2026-12-01");
}

static void
test_time_date(void **state)
{
	int y, m, d;

	(void)state;
	assert_int_equal(time_parse_date("2024-02-29", &y, &m, &d), 0);
	assert_int_equal(time_parse_date("2023-02-29", &y, &m, &d), -1);
	assert_int_equal(time_parse_date("2024-2-29", &y, &m, &d), -1);
	assert_int_equal(time_parse_date("2024-02-29 ", &y, &m, &d), -1);
	assert_int_equal(time_parse_date(NULL, &y, &m, &d), -1);
}

static void
test_utf8(void **state)
{
	static const struct {
		const char *s;
		size_t n;
		int ok;
	} cases[] = {
		{ "Thủ tục hành chính", 0, 1 },
		{ "\xc3\x28", 2, 0 }, /* bad continuation */
		{ "\xc0\xaf", 2, 0 }, /* overlong '/' */
		{ "\xed\xa0\x80", 3, 0 }, /* surrogate */
		{ "\xf4\x90\x80\x80", 4, 0 }, /* > U+10FFFF */
		{ "\xe1\xbb", 2, 0 }, /* truncated */
		{ "\xf0\x9f\x98\x80", 4, 1 }, /* emoji */
	};

	(void)state;
	for (size_t i = 0; i < CORE_NELEM(cases); i++) {
		size_t n = cases[i].n ? cases[i].n : strlen(cases[i].s);

		assert_int_equal(str_utf8_valid(cases[i].s, n), cases[i].ok);
	}
	assert_int_equal(str_utf8_len("Đồng Nai"), 8);
}

static void
test_str_i64(void **state)
{
	int64_t v;

	(void)state;
	assert_int_equal(str_to_i64("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(str_to_i64("-1", 0, 100, &v), -1);
	assert_int_equal(str_to_i64("101", 0, 100, &v), -1);
	assert_int_equal(str_to_i64("4x", 0, 100, &v), -1);
	assert_int_equal(str_to_i64(" 4", 0, 100, &v), -1);
	assert_int_equal(str_to_i64("", 0, 100, &v), -1);
	assert_int_equal(str_to_i64("99999999999999999999", 0, INT64_MAX, &v), -1);
	assert_true(str_ct_equal("abc", "abc", 3));
	assert_false(str_ct_equal("abc", "abd", 3));
}

static void
test_config(void **state)
{
	char err[256], path[] = "/tmp/motcua-cfg-XXXXXX";
	FILE *f;
	int fd;

	(void)state;
	config_defaults();
	assert_string_equal(config_str(CFG_DB), "sqlite:var/motcua.db");
	assert_int_equal(config_int(CFG_IDLE_TIMEOUT), 30);
	assert_int_equal(config_set("idle_timeout", "5", err, sizeof(err)), 0);
	assert_int_equal(config_int(CFG_IDLE_TIMEOUT), 5);
	assert_int_equal(config_set("idle_timeout", "0", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "idle_timeout"));
	assert_int_equal(config_set("no_such_key", "1", err, sizeof(err)), -1);
	assert_int_equal(config_int(CFG_IDLE_TIMEOUT), 5);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("# comment\n\nlisten = 127.0.0.1:9000\n  threads=3  \n", f);
	fclose(f);
	assert_int_equal(config_load_file(path, err, sizeof(err)), 0);
	assert_string_equal(config_str(CFG_LISTEN), "127.0.0.1:9000");
	assert_int_equal(config_int(CFG_THREADS), 3);

	f = fopen(path, "w");
	fputs("threads = 3\nthreads = many\n", f);
	fclose(f);
	assert_int_equal(config_load_file(path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2:")); /* names the line */
	f = fopen(path, "w");
	fputs("just words\n", f);
	fclose(f);
	assert_int_equal(config_load_file(path, err, sizeof(err)), -1);
	unlink(path);
	assert_int_equal(config_load_file("/nonexistent/motcua.conf", err, sizeof(err)), -1);
}

static void
test_clock_env(void **state)
{
	(void)state;
	setenv("MOTCUA_NOW", "2026-02-16T16:00:00+07:00", 1);
	assert_int_equal(clock_now(), 1771232400);
	unsetenv("MOTCUA_NOW");
	assert_true(clock_now() > 1771232400);
}

static void
test_rand_ids(void **state)
{
	char a[33], b[33];

	(void)state;
	/* Enough draws to cross a refill of the per-thread pool. */
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(rand_id_hex(a, 8), 0);
		assert_int_equal(rand_id_hex(b, 8), 0);
		assert_int_equal(strlen(a), 16);
		assert_int_equal(strspn(a, "0123456789abcdef"), 16);
		assert_string_not_equal(a, b);
	}
	assert_int_equal(rand_hex(a, 16), 0);
	assert_int_equal(strlen(a), 32);
	assert_int_equal(rand_id_hex(a, 5000), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_cap),
		cmocka_unit_test(test_arena_strings),
		cmocka_unit_test(test_buf_cap_sticky),
		cmocka_unit_test(test_buf_json_escape),
		cmocka_unit_test(test_time_civil),
		cmocka_unit_test(test_time_iso),
		cmocka_unit_test(test_time_date),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_str_i64),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_clock_env),
		cmocka_unit_test(test_rand_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
