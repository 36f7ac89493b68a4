/*
 * Page includes: the header and navigation every page shares live once, in
 * web/shared/partials/, and a page names them with
 *
 *	<!--#include partial="staff-header" current="dossiers" -->
 *
 * The static-file layer expands a page when it reads it (then keeps the
 * result in its cache), so pages stay plain HTML without a build step and
 * without script, and the answer is the same bytes every page had inline.
 *
 * "current" marks the link of the page itself: the partial writes
 * data-nav="KEY" on each navigation link, and the link whose key matches
 * gets aria-current="page" (WCAG 2.4.8: the user's location in the set).
 *
 * The grammar is deliberately narrow (one directive, fixed attribute order,
 * [a-z0-9-] values, no nesting): a typo fails loudly instead of leaking a
 * comment into a page.  The parser never reads past len and never loads a
 * name it did not validate, so a page cannot name a file outside the
 * partials directory.
 */
#include <stdio.h>
#include <string.h>

#include "http.h"

#define INCLUDE_OPEN "<!--#include"
#define INCLUDE_CLOSE "-->"
#define INCLUDE_MARK "data-nav=\""

/* The first needle in hay[0..n), or NULL (memmem is a GNU extension). */
static const char *
include_find(const char *hay, size_t n, const char *needle, size_t nlen)
{
	const char *p;

	while (n >= nlen && (p = memchr(hay, needle[0], n - nlen + 1)) != NULL) {
		if (memcmp(p, needle, nlen) == 0)
			return p;
		n -= (size_t)(p + 1 - hay);
		hay = p + 1;
	}
	return NULL;
}

/* Length of a [a-z0-9-]{1,HTTP_INCLUDE_NAME_MAX} value followed by '"'
 * at p, or 0. */
static size_t
include_value(const char *p, const char *end)
{
	size_t n = 0;

	while (p + n < end && n <= HTTP_INCLUDE_NAME_MAX &&
	    ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9') || p[n] == '-'))
		n++;
	if (n == 0 || n > HTTP_INCLUDE_NAME_MAX || p + n >= end || p[n] != '"')
		return 0;
	return n;
}

/* Parse ` attr="value"` at *pp; 1 and the value copied, 0 when absent,
 * -1 when malformed. */
static int
include_attr(const char **pp, const char *end, const char *attr, char out[HTTP_INCLUDE_NAME_MAX + 1])
{
	const char *p = *pp;
	size_t alen = strlen(attr), n;

	if (p >= end || *p != ' ')
		return 0;
	while (p < end && *p == ' ')
		p++;
	if ((size_t)(end - p) < alen + 2 || memcmp(p, attr, alen) != 0 || p[alen] != '=' ||
	    p[alen + 1] != '"')
		return 0;
	p += alen + 2;
	if ((n = include_value(p, end)) == 0)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	*pp = p + n + 1;
	return 1;
}

/* Append the partial, with aria-current on the link keyed current. */
static int
include_put(struct buf *out, const char *part, size_t plen, const char *current, const char **why)
{
	char mark[sizeof(INCLUDE_MARK) + HTTP_INCLUDE_NAME_MAX + 1];
	const char *hit = NULL, *p;
	size_t mlen;

	if (include_find(part, plen, INCLUDE_OPEN, sizeof(INCLUDE_OPEN) - 1) != NULL) {
		*why = "a partial may not include another";
		return -1;
	}
	if (current[0] == '\0')
		return buf_append(out, part, plen);
	mlen = (size_t)snprintf(mark, sizeof(mark), "%s%s\"", INCLUDE_MARK, current);
	for (p = part; (p = include_find(p, plen - (size_t)(p - part), mark, mlen)) != NULL; p += mlen) {
		if (hit != NULL) {
			*why = "the current key marks more than one link";
			return -1;
		}
		hit = p;
	}
	if (hit == NULL) {
		*why = "the current key marks no link in the partial";
		return -1;
	}
	hit += mlen;
	if (buf_append(out, part, (size_t)(hit - part)) == -1 ||
	    buf_puts(out, " aria-current=\"page\"") == -1)
		return -1;
	return buf_append(out, hit, plen - (size_t)(hit - part));
}

int
http_include_expand(const char *src, size_t len, http_include_load_fn load, void *ctx,
    struct buf *out, const char **why)
{
	char name[HTTP_INCLUDE_NAME_MAX + 1], current[HTTP_INCLUDE_NAME_MAX + 1];
	const char *end = src + len, *p = src, *d, *part;
	size_t plen, count = 0;
	int rc = -1;

	*why = "the page is too large";
	while ((d = include_find(p, (size_t)(end - p), INCLUDE_OPEN, sizeof(INCLUDE_OPEN) - 1)) != NULL) {
		if (buf_append(out, p, (size_t)(d - p)) == -1)
			goto out;
		if (++count > HTTP_INCLUDE_MAX) {
			*why = "too many includes in one page";
			goto out;
		}
		p = d + sizeof(INCLUDE_OPEN) - 1;
		current[0] = '\0';
		if (include_attr(&p, end, "partial", name) != 1 ||
		    include_attr(&p, end, "current", current) == -1) {
			*why = "malformed include: want <!--#include partial=\"name\" "
			       "[current=\"key\"] -->";
			goto out;
		}
		while (p < end && *p == ' ')
			p++;
		if ((size_t)(end - p) < sizeof(INCLUDE_CLOSE) - 1 ||
		    memcmp(p, INCLUDE_CLOSE, sizeof(INCLUDE_CLOSE) - 1) != 0) {
			*why = "malformed include: want <!--#include partial=\"name\" "
			       "[current=\"key\"] -->";
			goto out;
		}
		p += sizeof(INCLUDE_CLOSE) - 1;
		if (load(ctx, name, &part, &plen) == -1) {
			*why = "the partial cannot be read";
			goto out;
		}
		*why = "the page is too large";
		if (include_put(out, part, plen, current, why) == -1)
			goto out;
	}
	if (buf_append(out, p, (size_t)(end - p)) == -1)
		goto out;
	*why = NULL;
	rc = 0;
out:
	return rc;
}
