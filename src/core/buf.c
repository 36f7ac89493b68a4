/* Growable buffer with a hard cap: a response or a log line can never grow
 * without bound, and a failed append is sticky so callers check once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

static int
buf_reserve(struct buf *b, size_t extra)
{
	size_t want, ncap;
	char *p;

	if (b->overflow)
		return -1;
	if (extra > b->max || b->len > b->max - extra) {
		b->overflow = 1;
		return -1;
	}
	want = b->len + extra + 1;
	if (want <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < want)
		ncap *= 2;
	if (ncap > b->max + 1)
		ncap = b->max + 1;
	if ((p = realloc(b->data, ncap)) == NULL) {
		b->overflow = 1;
		return -1;
	}
	b->data = p;
	b->cap = ncap;
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) == -1)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

char *
buf_space(struct buf *b, size_t n)
{
	/* Past the cap is not an overflow yet: the caller may need less. */
	if (b->overflow || n > b->max || b->len > b->max - n)
		return NULL;
	if (buf_reserve(b, n) == -1)
		return NULL;
	return b->data + b->len;
}

void
buf_advance(struct buf *b, size_t n)
{
	/* n was reserved by buf_space, so the terminator fits. */
	b->len += n;
	b->data[b->len] = '\0';
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || buf_reserve(b, (size_t)n) == -1)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int
buf_put_json_str(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	char esc[6] = { '\\', 'u', '0', '0', 0, 0 };

	if (buf_putc(b, '"') == -1)
		return -1;
	for (; *p != '\0'; p++) {
		const unsigned char *run = p;

		while (*p >= 0x20 && *p != '"' && *p != '\\')
			p++;
		if (p > run && buf_append(b, run, (size_t)(p - run)) == -1)
			return -1;
		if (*p == '\0')
			break;
		switch (*p) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		default:
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			buf_append(b, esc, sizeof(esc));
		}
	}
	return buf_putc(b, '"');
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->overflow = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_wipe(struct buf *b)
{
	if (b == NULL)
		return;
	if (b->data != NULL)
		str_wipe(b->data, b->cap);
	buf_free(b);
}
