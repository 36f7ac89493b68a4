/* Fuzz target: the streaming JSON writer (src/core/jsonw.c).  The input is
 * a program of writer calls.  First byte even: a well-formed document (keys
 * added inside objects, containers closed at the end) built with jsonw and
 * with jansson side by side: where jansson refuses a string jsonw must
 * fail, otherwise both texts must be the same bytes.  First byte odd: the
 * calls as they come, misuse included; whatever jsonw accepts must parse
 * and dump back to itself. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct prog {
	const uint8_t *p;
	size_t n;
	unsigned keys; /* suffix that keeps keys distinct */
};

static int
prog_byte(struct prog *g)
{
	if (g->n == 0)
		return -1;
	g->n--;
	return *g->p++;
}

/* A string of the next byte's length (at most 63) into s. */
static void
prog_str(struct prog *g, char s[80])
{
	int len = prog_byte(g);
	size_t k = len < 0 ? 0 : (size_t)len % 64;

	if (k > g->n)
		k = g->n;
	memcpy(s, g->p, k);
	s[k] = '\0';
	g->p += k;
	g->n -= k;
}

static void
prog_key(struct prog *g, char s[80])
{
	prog_str(g, s);
	snprintf(s + strlen(s), 16, "#%u", g->keys++);
}

static int64_t
prog_int(struct prog *g)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | (uint64_t)(prog_byte(g) & 0xff);
	return (int64_t)v;
}

/* Mode 0: one value written with jsonw and built with jansson; *bad when
 * jansson refused a string or key or jsonw's depth is exceeded. */
static json_t *
gen_value(struct prog *g, struct jsonw *w, int depth, int *bad)
{
	int op = prog_byte(g), n;
	char s[80];
	json_t *v, *child;

	if (depth > JSONW_MAX_DEPTH + 1 && op >= 0)
		op &= ~4; /* scalars only this deep */
	switch (op < 0 ? 3 : op % 6) {
	case 0:
		prog_str(g, s);
		jsonw_str(w, s);
		if ((v = json_string(s)) == NULL) {
			*bad = 1;
			v = json_null();
		}
		return v;
	case 1: {
		int64_t i = prog_int(g);

		jsonw_int(w, i);
		return json_integer(i);
	}
	case 2:
		jsonw_bool(w, op & 8);
		return json_boolean(op & 8);
	case 3:
		jsonw_null(w);
		return json_null();
	case 4:
		if (depth >= JSONW_MAX_DEPTH)
			*bad = 1;
		jsonw_object_begin(w);
		v = json_object();
		n = prog_byte(g);
		for (int i = 0; i < (n < 0 ? 0 : n % 8); i++) {
			prog_key(g, s);
			jsonw_key(w, s);
			child = gen_value(g, w, depth + 1, bad);
			if (json_object_set_new(v, s, child) == -1)
				*bad = 1; /* a key that is not UTF-8 */
		}
		jsonw_object_end(w);
		return v;
	default:
		if (depth >= JSONW_MAX_DEPTH)
			*bad = 1;
		jsonw_array_begin(w);
		v = json_array();
		n = prog_byte(g);
		for (int i = 0; i < (n < 0 ? 0 : n % 8); i++)
			json_array_append_new(v, gen_value(g, w, depth + 1, bad));
		jsonw_array_end(w);
		return v;
	}
}

static void
fuzz_wellformed(struct prog *g)
{
	struct buf b;
	struct jsonw w;
	int bad = 0;
	json_t *v;
	char *ref;

	buf_init(&b, 1 << 20);
	jsonw_init(&w, &b);
	v = gen_value(g, &w, 0, &bad);
	if (bad) {
		if (jsonw_finish(&w) != -1)
			abort();
	} else {
		ref = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		if (ref == NULL || jsonw_finish(&w) != 0 || strcmp(ref, b.data) != 0)
			abort();
		free(ref);
	}
	json_decref(v);
	buf_free(&b);
}

/* Mode 1: the calls as they come; what jsonw accepts is valid JSON that
 * jansson reads and writes back to the same bytes. */
static void
fuzz_raw(struct prog *g)
{
	struct buf b;
	struct jsonw w;
	char s[80];
	int op;

	buf_init(&b, 1 << 20);
	jsonw_init(&w, &b);
	while ((op = prog_byte(g)) >= 0) {
		switch (op % 7) {
		case 0:
			prog_str(g, s);
			jsonw_str(&w, s);
			break;
		case 1: jsonw_int(&w, prog_int(g)); break;
		case 2:
			if (op & 8)
				jsonw_bool(&w, op & 16);
			else
				jsonw_null(&w);
			break;
		case 3:
			prog_key(g, s);
			jsonw_key(&w, s);
			break;
		case 4: jsonw_object_begin(&w); break;
		case 5: jsonw_array_begin(&w); break;
		default:
			if (op & 8)
				jsonw_object_end(&w);
			else
				jsonw_array_end(&w);
		}
	}
	if (jsonw_finish(&w) == 0) {
		json_t *v = json_loads(b.data, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
		char *again = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

		if (again == NULL || strcmp(again, b.data) != 0)
			abort();
		free(again);
		json_decref(v);
	}
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prog g = { data, size, 0 };
	int mode = prog_byte(&g);

	if (mode < 0 || size > 4096)
		return 0;
	if (mode % 2 == 0)
		fuzz_wellformed(&g);
	else
		fuzz_raw(&g);
	return 0;
}
