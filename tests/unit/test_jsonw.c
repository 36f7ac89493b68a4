/* Unit tests: the streaming JSON writer (src/core/jsonw.c) writes what
 * jansson's json_dumps(JSON_COMPACT) writes for the same values, refuses
 * what jansson refuses, and fails on misuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/core.h"

/* jansson's text of v (compact), malloc'd. */
static char *
ref_dump(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

	json_decref(v);
	assert_non_null(s);
	return s;
}

static void
assert_writes(struct buf *b, struct jsonw *w, const char *want)
{
	assert_int_equal(jsonw_finish(w), 0);
	assert_string_equal(b->data, want);
}

static void
test_jsonw_shapes(void **state)
{
	struct buf b;
	struct jsonw w;
	char *ref;

	(void)state;
	buf_init(&b, 4096);
	jsonw_init(&w, &b);
	jsonw_object_begin(&w);
	jsonw_key(&w, "code");
	jsonw_str(&w, "000.00.01.H99-250708-0001");
	jsonw_key(&w, "n");
	jsonw_int(&w, -42);
	jsonw_key(&w, "big");
	jsonw_int(&w, INT64_MIN);
	jsonw_key(&w, "max");
	jsonw_int(&w, INT64_MAX);
	jsonw_key(&w, "zero");
	jsonw_int(&w, 0);
	jsonw_key(&w, "t");
	jsonw_bool(&w, 1);
	jsonw_key(&w, "f");
	jsonw_bool(&w, 0);
	jsonw_key(&w, "none");
	jsonw_null(&w);
	jsonw_key(&w, "empty");
	jsonw_object_begin(&w);
	jsonw_object_end(&w);
	jsonw_key(&w, "list");
	jsonw_array_begin(&w);
	jsonw_int(&w, 1);
	jsonw_array_begin(&w);
	jsonw_array_end(&w);
	jsonw_str(&w, "Đã tiếp nhận");
	jsonw_object_begin(&w);
	jsonw_key(&w, "a");
	jsonw_null(&w);
	jsonw_object_end(&w);
	jsonw_array_end(&w);
	jsonw_object_end(&w);
	ref = ref_dump(json_pack("{s:s, s:I, s:I, s:I, s:I, s:b, s:b, s:n, s:{}, s:[I, [], s, {s:n}]}",
	    "code", "000.00.01.H99-250708-0001", "n", (json_int_t)-42, "big",
	    (json_int_t)INT64_MIN, "max", (json_int_t)INT64_MAX, "zero", (json_int_t)0, "t", 1,
	    "f", 0, "none", "empty", "list", (json_int_t)1, "Đã tiếp nhận", "a"));
	assert_writes(&b, &w, ref);
	free(ref);

	/* A scalar or an empty array at the top level. */
	buf_reset(&b);
	jsonw_init(&w, &b);
	jsonw_str(&w, "x");
	assert_writes(&b, &w, "\"x\"");
	buf_reset(&b);
	jsonw_init(&w, &b);
	jsonw_array_begin(&w);
	jsonw_array_end(&w);
	assert_writes(&b, &w, "[]");
	buf_free(&b);
}

/* Every byte value that may appear in a C string, alone and in text. */
static void
test_jsonw_escapes(void **state)
{
	struct buf b;
	struct jsonw w;

	(void)state;
	buf_init(&b, 4096);
	for (int c = 1; c < 0x80; c++) {
		char s[8] = { 'a', (char)c, 'b', '\0' };
		json_t *j = json_string(s);
		char *ref;

		assert_non_null(j);
		ref = ref_dump(j);
		buf_reset(&b);
		jsonw_init(&w, &b);
		jsonw_str(&w, s);
		assert_writes(&b, &w, ref);
		free(ref);
	}
	buf_reset(&b);
	jsonw_init(&w, &b);
	jsonw_str(&w, "\"\\/\b\f\n\r\t\x01\x1f\x7f");
	assert_writes(&b, &w, "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001F\x7f\"");
	buf_free(&b);
}

/* What jansson refuses as a string, jsonw refuses too. */
static void
test_jsonw_utf8(void **state)
{
	static const char *const bad[] = {
		"\x80", "a\xc0\x80", "\xc3", "\xe1\x80", "\xed\xa0\x80" /* surrogate */,
		"\xf4\x90\x80\x80" /* past U+10FFFF */, "\xf8\x88\x80\x80\x80", "\xff",
		"ok\xe0\x80\xaf" /* overlong */, "\xc3\x28",
	};
	static const char *const good[] = {
		"Ủy ban nhân dân", "\xc2\x80", "\xef\xbf\xbf", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf",
		"\xe2\x80\xa8 line separator is not escaped",
	};
	struct buf b;
	struct jsonw w;

	(void)state;
	buf_init(&b, 4096);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(json_string(bad[i]));
		buf_reset(&b);
		jsonw_init(&w, &b);
		jsonw_str(&w, bad[i]);
		assert_int_equal(jsonw_finish(&w), -1);
		/* A bad key fails the same way. */
		buf_reset(&b);
		jsonw_init(&w, &b);
		jsonw_object_begin(&w);
		jsonw_key(&w, bad[i]);
		jsonw_null(&w);
		jsonw_object_end(&w);
		assert_int_equal(jsonw_finish(&w), -1);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char *ref = ref_dump(json_string(good[i]));

		buf_reset(&b);
		jsonw_init(&w, &b);
		jsonw_str(&w, good[i]);
		assert_writes(&b, &w, ref);
		free(ref);
	}
	buf_free(&b);
}

static void
test_jsonw_misuse(void **state)
{
	struct buf b;
	struct jsonw w;

	(void)state;
	buf_init(&b, 4096);
	/* A value without a key in an object. */
	jsonw_init(&w, &b);
	jsonw_object_begin(&w);
	jsonw_int(&w, 1);
	jsonw_object_end(&w);
	assert_int_equal(jsonw_finish(&w), -1);
	/* Two keys in a row; a key left without its value. */
	buf_reset(&b);
	jsonw_init(&w, &b);
	jsonw_object_begin(&w);
	jsonw_key(&w, "a");
	jsonw_key(&w, "b");
	assert_int_equal(jsonw_finish(&w), -1);
	buf_reset(&b);
	jsonw_init(&w, &b);
	jsonw_object_begin(&w);
	jsonw_key(&w, "a");
	jsonw_object_end(&w);
	assert_int_equal(jsonw_finish(&w), -1);
	/* A key in an array, at the top. */
	buf_reset(&b);
	jsonw_init(&w, &b);
	jsonw_array_begin(&w);
	jsonw_key(&w, "a");
	assert_int_equal(jsonw_finish(&w), -1);
	buf_reset(&b);
	jsonw_init(&w, &b);
	jsonw_key(&w, "a");
	assert_int_equal(jsonw_finish(&w), -1);
	/* Unbalanced or crossed ends, nothing, two top-level values. */
	buf_reset(&b);
	jsonw_init(&w, &b);
	jsonw_array_begin(&w);
	jsonw_object_end(&w);
	assert_int_equal(jsonw_finish(&w), -1);
	buf_reset(&b);
	jsonw_init(&w, &b);
	jsonw_array_end(&w);
	assert_int_equal(jsonw_finish(&w), -1);
	buf_reset(&b);
	jsonw_init(&w, &b);
	jsonw_object_begin(&w);
	assert_int_equal(jsonw_finish(&w), -1);
	buf_reset(&b);
	jsonw_init(&w, &b);
	assert_int_equal(jsonw_finish(&w), -1);
	buf_reset(&b);
	jsonw_init(&w, &b);
	jsonw_int(&w, 1);
	jsonw_int(&w, 2);
	assert_int_equal(jsonw_finish(&w), -1);
	/* NULL strings (json_pack's "s" refuses them too). */
	buf_reset(&b);
	jsonw_init(&w, &b);
	jsonw_str(&w, NULL);
	assert_int_equal(jsonw_finish(&w), -1);
	/* Too deep. */
	buf_reset(&b);
	jsonw_init(&w, &b);
	for (int i = 0; i <= JSONW_MAX_DEPTH; i++)
		jsonw_array_begin(&w);
	for (int i = 0; i <= JSONW_MAX_DEPTH; i++)
		jsonw_array_end(&w);
	assert_int_equal(jsonw_finish(&w), -1);
	buf_reset(&b);
	jsonw_init(&w, &b);
	for (int i = 0; i < JSONW_MAX_DEPTH; i++)
		jsonw_array_begin(&w);
	for (int i = 0; i < JSONW_MAX_DEPTH; i++)
		jsonw_array_end(&w);
	assert_int_equal(jsonw_finish(&w), 0);
	buf_free(&b);
}

/* A full buffer fails the writer, even when the text would end there. */
static void
test_jsonw_cap(void **state)
{
	struct buf b;
	struct jsonw w;

	(void)state;
	buf_init(&b, 8);
	jsonw_init(&w, &b);
	jsonw_str(&w, "123456");
	assert_writes(&b, &w, "\"123456\"");
	buf_reset(&b);
	jsonw_init(&w, &b);
	jsonw_str(&w, "1234567");
	assert_int_equal(jsonw_finish(&w), -1);
	buf_free(&b);
}

/* Random documents, built both ways from one seed: the same bytes. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void
rnd_string(char *s, size_t cap)
{
	static const char *const pieces[] = { "a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\x01",
		"\x1f", "\x7f", "ồ", "Đ", "€", "\xf0\x9f\x98\x80", "\b", "\f", "\r", "0" };
	size_t n = 0, k = rnd(12);

	s[0] = '\0';
	for (size_t i = 0; i < k; i++) {
		const char *p = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];

		if (n + strlen(p) + 1 > cap)
			break;
		memcpy(s + n, p, strlen(p) + 1);
		n += strlen(p);
	}
}

static json_t *
rnd_value(struct jsonw *w, int depth)
{
	char s[64];
	json_t *v;

	switch (depth < 4 ? rnd(7) : rnd(4)) {
	case 0:
		rnd_string(s, sizeof(s));
		jsonw_str(w, s);
		return json_string(s);
	case 1: {
		int64_t i = (int64_t)(rng >> 1) * (rnd(2) ? -1 : 1) / (int64_t)(1 + rnd(1000000));

		jsonw_int(w, i);
		return json_integer(i);
	}
	case 2: {
		int b = (int)rnd(2);

		jsonw_bool(w, b);
		return json_boolean(b);
	}
	case 3:
		jsonw_null(w);
		return json_null();
	case 4:
	case 5: {
		unsigned n = rnd(5);

		v = json_object();
		jsonw_object_begin(w);
		for (unsigned i = 0; i < n; i++) {
			/* Distinct keys: jansson keeps one per name. */
			rnd_string(s, sizeof(s) - 3);
			s[strlen(s) + 2] = '\0';
			s[strlen(s) + 1] = (char)('0' + i);
			s[strlen(s)] = '#';
			jsonw_key(w, s);
			json_object_set_new(v, s, rnd_value(w, depth + 1));
		}
		jsonw_object_end(w);
		return v;
	}
	default: {
		unsigned n = rnd(5);

		v = json_array();
		jsonw_array_begin(w);
		for (unsigned i = 0; i < n; i++)
			json_array_append_new(v, rnd_value(w, depth + 1));
		jsonw_array_end(w);
		return v;
	}
	}
}

static void
test_jsonw_random(void **state)
{
	struct buf b;
	struct jsonw w;

	(void)state;
	buf_init(&b, 1 << 20);
	for (int i = 0; i < 2000; i++) {
		json_t *v;
		char *ref;

		buf_reset(&b);
		jsonw_init(&w, &b);
		v = rnd_value(&w, 0);
		ref = ref_dump(v);
		assert_writes(&b, &w, ref);
		free(ref);
	}
	buf_free(&b);
}

/* time_format_iso writes its digits by hand: the same as printf. */
static void
test_time_iso_digits(void **state)
{
	(void)state;
	for (int i = 0; i < 20000; i++) {
		int64_t t = (int64_t)(rng >> 20) % 400000000000LL - 200000000000LL;
		char got[32], want[64];
		struct civil c;

		(void)rnd(2);
		time_format_iso(t, got);
		time_to_vn(t, &c);
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d+07:00", c.year, c.month,
		    c.day, c.hour, c.min, c.sec);
		assert_string_equal(got, want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsonw_shapes),
		cmocka_unit_test(test_jsonw_escapes),
		cmocka_unit_test(test_jsonw_utf8),
		cmocka_unit_test(test_jsonw_misuse),
		cmocka_unit_test(test_jsonw_cap),
		cmocka_unit_test(test_jsonw_random),
		cmocka_unit_test(test_time_iso_digits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
