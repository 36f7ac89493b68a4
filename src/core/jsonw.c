/*
 * A streaming JSON writer into a capped buf, for answers whose shape is
 * fixed and hot enough that building a jansson tree and dumping it costs
 * more than the database read behind them (the public lookup:
 * bench/RESULTS.md).  The text is byte for byte what jansson's
 * json_dumps(JSON_COMPACT) writes for the same values, so an answer can move
 * between the two without a client noticing: the same escapes (\" \\ \b \f
 * \n \r \t, other control characters as \u00XX in capitals, everything else
 * as UTF-8), and a string that is not valid UTF-8 is refused as jansson
 * refuses it.  Misuse (a value without a key in an object, an unbalanced
 * end, too deep) and a full buffer make the writer fail; the caller checks
 * once, at jsonw_finish.
 */
#include <string.h>

#include "core.h"

void
jsonw_init(struct jsonw *w, struct buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
	if (b == NULL || b->overflow)
		w->err = 1;
}

/* The separator before a value or a key, and the checks of where it goes. */
static int
jsonw_sep(struct jsonw *w, int is_key)
{
	unsigned char *st;

	if (w->err)
		return -1;
	if (w->depth == 0) {
		/* Only one top-level value. */
		if (is_key || w->done) {
			w->err = 1;
			return -1;
		}
		return 0;
	}
	st = &w->state[w->depth - 1];
	if (*st & JSONW_OBJECT) {
		if (is_key == ((*st & JSONW_KEYED) != 0)) {
			w->err = 1; /* a key after a key, or a value without one */
			return -1;
		}
		if (!is_key) {
			*st &= (unsigned char)~JSONW_KEYED;
			return 0;
		}
		*st |= JSONW_KEYED;
	} else if (is_key) {
		w->err = 1;
		return -1;
	}
	if (*st & JSONW_MORE) {
		if (buf_putc(w->b, ',') == -1) {
			w->err = 1;
			return -1;
		}
	} else
		*st |= JSONW_MORE;
	return 0;
}

static void
jsonw_put(struct jsonw *w, const char *s, size_t n)
{
	if (!w->err && buf_append(w->b, s, n) == -1)
		w->err = 1;
}

/* After a complete value at the top level, nothing more may come. */
static void
jsonw_value_done(struct jsonw *w)
{
	if (w->depth == 0)
		w->done = 1;
}

/* The length of the valid UTF-8 sequence at s (lead byte >= 0x80), 0 if
 * invalid: no overlongs, surrogates or code points past U+10FFFF. */
static size_t
jsonw_utf8_seq(const unsigned char *s)
{
	unsigned c = s[0], cp, min;
	size_t k;

	if ((c & 0xe0) == 0xc0) {
		k = 1; cp = c & 0x1f; min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		k = 2; cp = c & 0x0f; min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		k = 3; cp = c & 0x07; min = 0x10000;
	} else
		return 0;
	for (size_t j = 1; j <= k; j++) {
		/* A NUL terminator fails this test before we read past it. */
		if ((s[j] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[j] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k + 1;
}

/* Byte classes in a string: copied as they are, escaped, the end, or the
 * lead of a UTF-8 sequence to validate. */
enum { JC_PLAIN, JC_ESCAPE, JC_END, JC_UTF8 };
#define JC_4(c) c, c, c, c
#define JC_16(c) JC_4(c), JC_4(c), JC_4(c), JC_4(c)
static const unsigned char jsonw_class[256] = {
	JC_END, JC_ESCAPE, JC_ESCAPE, JC_ESCAPE, JC_4(JC_ESCAPE), JC_4(JC_ESCAPE),
	JC_4(JC_ESCAPE), JC_16(JC_ESCAPE), /* 0x00-0x1f */
	JC_PLAIN, JC_PLAIN, JC_ESCAPE /* " */, JC_PLAIN, JC_4(JC_PLAIN), JC_4(JC_PLAIN),
	JC_4(JC_PLAIN), JC_16(JC_PLAIN), JC_16(JC_PLAIN), /* 0x20-0x4f */
	JC_4(JC_PLAIN), JC_4(JC_PLAIN), JC_4(JC_PLAIN), JC_ESCAPE /* \ */, JC_PLAIN, JC_PLAIN,
	JC_PLAIN, JC_16(JC_PLAIN), JC_16(JC_PLAIN), /* 0x50-0x7f */
	JC_16(JC_UTF8), JC_16(JC_UTF8), JC_16(JC_UTF8), JC_16(JC_UTF8),
	JC_16(JC_UTF8), JC_16(JC_UTF8), JC_16(JC_UTF8), JC_16(JC_UTF8), /* 0x80-0xff */
};

/* A string with escapes, piece by piece (rare: names and units seldom
 * hold quotes or control characters). */
static void
jsonw_string_escaped(struct jsonw *w, const unsigned char *p)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *run;
	char esc[6] = { '\\', 'u', '0', '0', 0, 0 };

	jsonw_put(w, "\"", 1);
	for (run = p; !w->err; ) {
		const char *e;

		while (jsonw_class[*p] == JC_PLAIN || jsonw_class[*p] == JC_UTF8)
			p++; /* validated by the caller */
		if (p > run)
			jsonw_put(w, (const char *)run, (size_t)(p - run));
		if (*p == '\0')
			break;
		switch (*p) {
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '\b': e = "\\b"; break;
		case '\f': e = "\\f"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\t': e = "\\t"; break;
		default: e = NULL;
		}
		if (e != NULL)
			jsonw_put(w, e, 2);
		else {
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			jsonw_put(w, esc, sizeof(esc));
		}
		run = ++p;
	}
	jsonw_put(w, "\"", 1);
}

/* The string literal of str, and a ':' after it when colon (a key).  One
 * pass checks the UTF-8 and finds whether anything needs escaping; when
 * nothing does (nearly always) the text is copied in one piece. */
static void
jsonw_string(struct jsonw *w, const char *str, int colon)
{
	const unsigned char *s = (const unsigned char *)str, *p = s;
	size_t n, k;
	char *dst;

	if (w->err)
		return;
	for (;;) {
		while (jsonw_class[*p] == JC_PLAIN)
			p++;
		if (*p < 0x80)
			break; /* the end, or a byte to escape */
		if ((k = jsonw_utf8_seq(p)) == 0) {
			w->err = 1; /* jansson refuses it too */
			return;
		}
		p += k;
	}
	if (*p != '\0') {
		for (; *p != '\0'; p++) /* the rest must be valid too */
			if (*p >= 0x80) {
				if ((k = jsonw_utf8_seq(p)) == 0) {
					w->err = 1;
					return;
				}
				p += k - 1;
			}
		jsonw_string_escaped(w, s);
		if (colon)
			jsonw_put(w, ":", 1);
		return;
	}
	n = (size_t)(p - s);
	if ((dst = buf_space(w->b, n + 2 + (colon != 0))) == NULL) {
		w->err = 1; /* it cannot fit */
		return;
	}
	dst[0] = '"';
	memcpy(dst + 1, s, n);
	dst[n + 1] = '"';
	if (colon)
		dst[n + 2] = ':';
	buf_advance(w->b, n + 2 + (colon != 0));
}

void
jsonw_key(struct jsonw *w, const char *key)
{
	if (key == NULL)
		w->err = 1;
	if (jsonw_sep(w, 1) == -1)
		return;
	jsonw_string(w, key, 1);
}

static void
jsonw_open(struct jsonw *w, char c, unsigned char kind)
{
	if (jsonw_sep(w, 0) == -1)
		return;
	if (w->depth >= JSONW_MAX_DEPTH) {
		w->err = 1;
		return;
	}
	w->state[w->depth++] = kind;
	jsonw_put(w, &c, 1);
}

static void
jsonw_close(struct jsonw *w, char c, unsigned char kind)
{
	if (w->err)
		return;
	if (w->depth == 0 || (w->state[w->depth - 1] & JSONW_OBJECT) != kind ||
	    (w->state[w->depth - 1] & JSONW_KEYED)) {
		w->err = 1;
		return;
	}
	w->depth--;
	jsonw_put(w, &c, 1);
	jsonw_value_done(w);
}

void
jsonw_object_begin(struct jsonw *w)
{
	jsonw_open(w, '{', JSONW_OBJECT);
}

void
jsonw_object_end(struct jsonw *w)
{
	jsonw_close(w, '}', JSONW_OBJECT);
}

void
jsonw_array_begin(struct jsonw *w)
{
	jsonw_open(w, '[', 0);
}

void
jsonw_array_end(struct jsonw *w)
{
	jsonw_close(w, ']', 0);
}

void
jsonw_str(struct jsonw *w, const char *s)
{
	if (s == NULL) {
		w->err = 1; /* as json_pack's "s" with NULL */
		return;
	}
	if (jsonw_sep(w, 0) == -1)
		return;
	jsonw_string(w, s, 0);
	jsonw_value_done(w);
}

void
jsonw_int(struct jsonw *w, int64_t v)
{
	char d[24], *p = d + sizeof(d);
	/* Through unsigned so INT64_MIN negates without overflow. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	if (jsonw_sep(w, 0) == -1)
		return;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	jsonw_put(w, p, (size_t)(d + sizeof(d) - p));
	jsonw_value_done(w);
}

static void
jsonw_lit(struct jsonw *w, const char *s, size_t n)
{
	if (jsonw_sep(w, 0) == -1)
		return;
	jsonw_put(w, s, n);
	jsonw_value_done(w);
}

void
jsonw_bool(struct jsonw *w, int v)
{
	if (v)
		jsonw_lit(w, "true", 4);
	else
		jsonw_lit(w, "false", 5);
}

void
jsonw_null(struct jsonw *w)
{
	jsonw_lit(w, "null", 4);
}

int
jsonw_finish(struct jsonw *w)
{
	if (w->err || w->depth != 0 || !w->done || w->b->overflow)
		return -1;
	return 0;
}
